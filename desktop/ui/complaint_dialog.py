"""A complaint by the client (the Casework tab's complaints log; OISC Code of Standards 2016
code 79: the centre has a complaints procedure and follows it): when it was received, what it
is about, when it was acknowledged in writing, the outcome and when. A complaint not yet
acknowledged shows on the deadlines board (desktop.rules.casework, kind "complaint").

Written on Save in one transaction (desktop.store.casework add_complaint / update_complaint).
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from desktop.ui.casework_form import (
    COMPLAINT_DRAFT,
    CaseworkFormDialog,
    Problem,
    TodayProvider,
    date_field,
    date_problems,
    in_order,
    row_adviser,
    text_box,
)

SUMMARY_MAX = 4000


def matter_words(matter) -> str:
    """A matter in a drop-down: its title (or category) and when it was opened."""
    title = (getattr(matter, "title", "") or getattr(matter, "category", "") or "Matter").strip()
    opened = getattr(matter, "opened", None)
    return f"{title} (opened {opened.isoformat()})" if opened is not None else title


def matter_combo(store, client_id: int, current: int | None, accessible: str) -> QComboBox:
    """The client's matters, "(no matter)" first; `current` chosen."""
    from desktop.store.casework import casework_of

    combo = QComboBox()
    combo.setAccessibleName(accessible)
    combo.addItem("(not about one matter)", None)
    with store.read_session() as session:
        matters = list(casework_of(session, client_id).matters)
    for matter in matters:
        combo.addItem(matter_words(matter), matter.id)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    return combo


class ComplaintDialog(CaseworkFormDialog):
    draft_kind = COMPLAINT_DRAFT

    def __init__(
        self,
        store,
        client_id: int,
        adviser: str,
        today_provider: TodayProvider,
        complaint=None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Edit complaint" if complaint is not None else "Record a complaint"
        super().__init__(store, client_id, adviser, today_provider, title, parent)
        self.editing = complaint
        self.complaint = complaint
        c = complaint
        self.received = date_field(
            "Received on", required=True, value=c.received_on if c else self.today()
        )
        self.matter = matter_combo(
            store, client_id, c.matter_id if c else None, "The matter the complaint is about"
        )
        self.summary = text_box("What the complaint is about", c.summary if c else "")
        self.acknowledged = date_field(
            "Acknowledged in writing on", value=c.acknowledged_on if c else None
        )
        self.outcome = text_box("Outcome of the complaint", c.outcome if c else "")
        self.outcome_on = date_field("Outcome date", value=c.outcome_on if c else None)
        self.add_row("&Received on:", self.received, "received_on")
        self.add_row("&Matter:", self.matter, "matter_id")
        self.add_row("&What it is about:", self.summary, "summary")
        self.add_row("&Acknowledged in writing on:", self.acknowledged, "acknowledged_on")
        self.add_row("Out&come:", self.outcome, "outcome")
        self.add_row("Outcome &date:", self.outcome_on, "outcome_on")
        self.intro.setText(
            "The centre's complaints procedure (OISC Code of Standards code 79): acknowledge "
            "the complaint in writing, look into it, and tell the client the outcome."
        )
        self.intro.setVisible(True)
        self.setMinimumWidth(480)

    def problems(self) -> list[Problem]:
        found = date_problems(self.received, self.acknowledged, self.outcome_on)
        if found:
            return found
        today = self.today()
        summary = self.summary.toPlainText().strip()
        if not summary:
            found.append(("summary", "What the complaint is about is needed."))
        elif len(summary) > SUMMARY_MAX:
            found.append(("summary", f"What it is about is too long ({SUMMARY_MAX} at most)."))
        later = (self.acknowledged, self.outcome_on)
        found += in_order(self.received, later, today, "the day it was received")
        if self.outcome_on.date() is not None and not self.outcome.toPlainText().strip():
            found.append(("outcome", "Outcome: say what the outcome was, or clear its date."))
        return found

    def entry(self):
        from desktop.store.casework import ComplaintEntry

        return ComplaintEntry(
            matter_id=self.matter.currentData(),
            received_on=self.received.date(),
            summary=self.summary.toPlainText().strip(),
            adviser=row_adviser(self.complaint, self.adviser),
            acknowledged_on=self.acknowledged.date(),
            outcome=self.outcome.toPlainText().strip(),
            outcome_on=self.outcome_on.date(),
        )

    def write(self, session) -> int | None:
        from desktop.store.casework import add_complaint, update_complaint

        if self.complaint is None:
            return add_complaint(session, self.client_id, self.entry(), self.adviser)
        update_complaint(session, self.complaint.id, self.entry(), self.adviser)
        return self.complaint.id
