"""A subject access request the client made TO THE CENTRE (UK GDPR art. 15): when it was asked,
whether the client was told it is extended by two months (art. 12(3): complex or numerous
requests), when it was answered. The last day to answer shows live, counted by
desktop.rules.casework.access_request_due (one month to the corresponding date, or that month's
last day; a weekend or bank holiday moves it to the next working day); the same date is on the
deadlines board as "Client's subject access request".

Written on Save in one transaction (desktop.store.casework add_access_request /
update_access_request). File > Export client… makes the copy to give the client.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCheckBox, QLabel, QWidget

from desktop.ui.casework_form import (
    ACCESS_REQUEST_DRAFT,
    CaseworkFormDialog,
    Problem,
    TodayProvider,
    date_field,
    date_problems,
    in_order,
    note_problems,
    row_adviser,
    text_box,
)
from desktop.ui.widgets.dates import format_long, written

NOTE_MAX = 2000
REGION = "england-and-wales"


def due_deadline(asked_on: date, extended: bool, answered_on: date | None):
    """The rules' Deadline for the request as typed (None when the rules cannot be read)."""
    from desktop.assess import bank_holidays, load_figures
    from desktop.rules.casework import AccessRequestFacts, access_request_due

    holidays = bank_holidays(REGION, asked_on.year, asked_on.year + 1)
    facts = AccessRequestFacts(0, asked_on, extended, answered_on)
    return access_request_due(facts, holidays, load_figures())


class AccessRequestDialog(CaseworkFormDialog):
    draft_kind = ACCESS_REQUEST_DRAFT

    def __init__(
        self,
        store,
        client_id: int,
        adviser: str,
        today_provider: TodayProvider,
        request=None,
        parent: QWidget | None = None,
    ) -> None:
        title = (
            "Edit the client's request for their records"
            if request is not None
            else "The client asks for their records"
        )
        super().__init__(store, client_id, adviser, today_provider, title, parent)
        self.editing = request
        self.request = r = request
        self.asked = date_field("Asked on", required=True, value=r.asked_on if r else self.today())
        self.extended = QCheckBox("&Extended by two months (the client was told why)")
        self.extended.setAccessibleName("Extended by two months")
        self.extended.setChecked(bool(r.extended) if r else False)
        self.answered = date_field("Answered on", value=r.answered_on if r else None)
        self.note = text_box("Note about the request", r.note if r else "", lines=2)
        self.due = QLabel("")
        self.due.setWordWrap(True)
        self.due.setAccessibleName("The last day to answer")
        self.add_row("&Asked on:", self.asked, "asked_on")
        self.add_row("", self.extended, "extended")
        self.add_row("Last day:", self.due)
        self.add_row("A&nswered on:", self.answered, "answered_on")
        self.add_row("N&ote:", self.note, "note")
        self.intro.setText(
            "A request by the client for a copy of what the centre holds about them (a subject "
            "access request, UK GDPR). File > Export client… makes the copy."
        )
        self.intro.setVisible(True)
        self.asked.dateChanged.connect(self._show_due)
        self.answered.dateChanged.connect(self._show_due)
        self.extended.toggled.connect(self._show_due)
        self._show_due()
        self.setMinimumWidth(480)

    def due_date(self) -> date | None:
        """The day the answer is due (a weekend or bank holiday moved on), or None."""
        asked = self.asked.date()
        if asked is None:
            return None
        try:
            deadline = due_deadline(asked, self.extended.isChecked(), self.answered.date())
        except Exception:  # noqa: BLE001 - the figure file could not be read: say nothing
            return None
        return getattr(deadline, "next_working_day", None) or deadline.date

    def _show_due(self, *_args) -> None:
        asked = self.asked.date()
        if asked is None:
            self.due.setText("Type the date it was asked to see the last day to answer.")
            return
        try:
            deadline = due_deadline(asked, self.extended.isChecked(), self.answered.date())
        except Exception:  # noqa: BLE001
            self.due.setText("The last day could not be worked out (the rules file).")
            return
        due = getattr(deadline, "next_working_day", None) or deadline.date
        self.due.setText(f"Answer by {format_long(due)}.")
        self.due.setToolTip(written(deadline.what, long=True))

    def problems(self) -> list[Problem]:
        found = date_problems(self.asked, self.answered)
        if found:
            return found
        found += in_order(self.asked, (self.answered,), self.today(), "the day it was asked")
        return found + note_problems(self.note, NOTE_MAX)

    def entry(self):
        from desktop.store.casework import AccessRequestEntry

        return AccessRequestEntry(
            asked_on=self.asked.date(),
            extended=self.extended.isChecked(),
            answered_on=self.answered.date(),
            adviser=row_adviser(self.request, self.adviser),
            note=self.note.toPlainText().strip(),
        )

    def write(self, session) -> int | None:
        from desktop.store.casework import add_access_request, update_access_request

        if self.request is None:
            return add_access_request(session, self.client_id, self.entry(), self.adviser)
        update_access_request(session, self.request.id, self.entry(), self.adviser)
        return self.request.id
