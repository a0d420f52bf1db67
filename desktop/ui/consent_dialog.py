"""The client's consent (the Casework tab's consent record): to keep their records, to share
them on a referral, to be contacted; when it was given, how, for how many months (the centre's
choice, Settings' "consent period"), and when it was withdrawn. The renewal date shows live;
desktop.rules.casework puts "Consent renewal" on the deadlines board a month before it.

Written on Save in one transaction (desktop.store.casework add_consent / update_consent).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSpinBox, QWidget

from desktop.ui.casework_form import (
    CONSENT_DRAFT,
    CaseworkFormDialog,
    Problem,
    TodayProvider,
    choice_combo,
    date_field,
    date_problems,
    in_order,
    note_problems,
    row_adviser,
    text_box,
)
from desktop.ui.widgets.dates import format_long

SCOPES = {
    "records": "To keep their records",
    "referral": "To share their records on a referral",
    "contact": "To be contacted by the centre",
}
HOW = {"signed": "Signed", "verbal": "Said so (verbal)", "electronic": "Electronically"}
MIN_MONTHS, MAX_MONTHS = 1, 120
DEFAULT_MONTHS = 12
NOTE_MAX = 2000


def settings_months(store) -> int:
    """Settings' consent period (12 months when it cannot be read)."""
    try:
        from desktop.store.casework import casework_settings

        with store.read_session() as session:
            months = casework_settings(session).consent_months
    except Exception:  # noqa: BLE001 - a default, never a crash
        return DEFAULT_MONTHS
    return min(max(int(months), MIN_MONTHS), MAX_MONTHS)


class ConsentDialog(CaseworkFormDialog):
    draft_kind = CONSENT_DRAFT

    def __init__(
        self,
        store,
        client_id: int,
        adviser: str,
        today_provider: TodayProvider,
        consent=None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Edit consent" if consent is not None else "Record consent"
        super().__init__(store, client_id, adviser, today_provider, title, parent)
        self.editing = consent
        self.consent = c = consent
        self.scope = choice_combo("What the client consents to", SCOPES, c.scope if c else None)
        self.given = date_field("Given on", required=True, value=c.given_on if c else self.today())
        self.how = choice_combo("How the consent was given", HOW, c.how if c else None)
        self.months = QSpinBox()
        self.months.setRange(MIN_MONTHS, MAX_MONTHS)
        self.months.setSuffix(" months")
        self.months.setValue(c.period_months if c else settings_months(store))
        self.months.setAccessibleName("For how many months the consent lasts")
        self.withdrawn = date_field("Withdrawn on", value=c.withdrawn_on if c else None)
        self.note = text_box("Note about the consent", c.note if c else "", lines=2)
        self.renewal = QLabel("")
        self.renewal.setAccessibleName("When the consent is to be renewed")
        self.renewal.setWordWrap(True)
        self.add_row("&What to:", self.scope, "scope")
        self.add_row("&Given on:", self.given, "given_on")
        self.add_row("&How:", self.how, "how")
        self.add_row("&Lasts for:", self.months, "period_months")
        self.add_row("", self.renewal)
        self.add_row("Wi&thdrawn on:", self.withdrawn, "withdrawn_on")
        self.add_row("N&ote:", self.note, "note")
        for signal in (self.given.dateChanged, self.withdrawn.dateChanged):
            signal.connect(self._show_renewal)
        self.months.valueChanged.connect(self._show_renewal)
        self._show_renewal()
        self.setMinimumWidth(460)

    def renewal_date(self):
        from desktop.rules.casework import ConsentFacts, consent_renewal_due

        given = self.given.date()
        if given is None:
            return None
        return consent_renewal_due(
            ConsentFacts(0, self.scope.currentData(), given, self.months.value())
        )

    def _show_renewal(self, *_args) -> None:
        if self.withdrawn.date() is not None:
            text = "Withdrawn: nothing to renew."
        else:
            due = self.renewal_date()
            text = f"To be renewed by {format_long(due)}." if due is not None else ""
        self.renewal.setText(text)

    def problems(self) -> list[Problem]:
        found = date_problems(self.given, self.withdrawn)
        if found:
            return found
        found += in_order(self.given, (self.withdrawn,), self.today(), "the day it was given")
        return found + note_problems(self.note, NOTE_MAX)

    def entry(self):
        from desktop.store.casework import ConsentEntry

        return ConsentEntry(
            scope=self.scope.currentData(),
            given_on=self.given.date(),
            how=self.how.currentData(),
            period_months=self.months.value(),
            withdrawn_on=self.withdrawn.date(),
            adviser=row_adviser(self.consent, self.adviser),
            note=self.note.toPlainText().strip(),
        )

    def write(self, session) -> int | None:
        from desktop.store.casework import add_consent, update_consent

        if self.consent is None:
            return add_consent(session, self.client_id, self.entry(), self.adviser)
        update_consent(session, self.consent.id, self.entry(), self.adviser)
        return self.consent.id
