"""Tools > Retention review… > Keep…: the adviser keeps a client's record past its review,
with a reason (required) and the day to review it again (required, after today). Written on
Save in one transaction (desktop.store.casework.keep_on_review, audited "retention.keep"); the
record then leaves the review list until that day."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop.ui.casework_form import (
    CaseworkFormDialog,
    Problem,
    TodayProvider,
    date_field,
    date_problems,
    text_box,
)
from desktop.ui.widgets.dates import format_long

REASON_MAX = 4000


class KeepRecordDialog(CaseworkFormDialog):
    def __init__(
        self,
        store,
        client_id: int,
        name: str,
        adviser: str,
        today_provider: TodayProvider,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, client_id, adviser, today_provider, "Keep the record", parent)
        self.reason = text_box("Why the record is kept", lines=3)
        self.review_on = date_field("Next review on", required=True)
        self.add_row("&Why it is kept:", self.reason, "reason")
        self.add_row("&Next review on:", self.review_on, "review_on")
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setText(
            f"Keep the record of {name} (client {client_id}) after its retention review. "
            "Say why (an open complaint, a claim, the client asked...) and when to look at it "
            f"again: a day after today ({format_long(self.today())})."
        )
        self.intro.setVisible(True)
        self.ok_button.setText("&Keep")
        self.ok_button.setAccessibleName("Keep the record")
        self.setMinimumWidth(460)
        self.reason.setFocus()

    def problems(self) -> list[Problem]:
        found = date_problems(self.review_on)
        reason = self.reason.toPlainText().strip()
        if not reason:
            found.insert(0, ("reason", "Why it is kept is needed."))
        elif len(reason) > REASON_MAX:
            found.insert(0, ("reason", f"Why it is kept: too long ({REASON_MAX} at most)."))
        review = self.review_on.date()
        if review is not None and review <= self.today():
            found.append(("review_on", "Next review on must be after today."))
        return found

    def write(self, session) -> int | None:
        from desktop.store.casework import keep_on_review

        return keep_on_review(
            session,
            self.client_id,
            self.reason.toPlainText().strip(),
            self.review_on.date(),
            self.adviser,
            self.today(),
        )
