"""Settings: the idle time before the window locks itself, the centre's name and contact line
printed on client handouts, and how many copies the store keeps in backups/.

Casework (issue 22): how many years a client's records are kept after their last matter closed
(the retention review; OISC Code of Standards 2016 code 57: at least six), how many months a
consent lasts (the centre's choice), the centre's OISC registration number and its complaints
procedure (both printed on letters). The window writes them all in one transaction."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

# How many copies (taken before upgrades and restores) backups/ keeps: the store applies it.
from desktop.rules.content_age import DEFAULT_MAX_AGE_DAYS
from desktop.store.backups import DEFAULT_KEPT_COPIES as DEFAULT_KEPT_COPIES
from desktop.store.backups import KEEP_COPIES_SETTING as KEEP_COPIES_SETTING
from desktop.store.backups import MAX_KEPT_COPIES, MIN_KEPT_COPIES

# Casework (issue 22): the keys and limits are the store's (desktop.store.casework).
from desktop.store.casework import COMPLAINTS_PROCEDURE_SETTING as COMPLAINTS_PROCEDURE_SETTING
from desktop.store.casework import CONSENT_MONTHS_SETTING as CONSENT_MONTHS_SETTING
from desktop.store.casework import (
    DEFAULT_CONSENT_MONTHS,
    DEFAULT_RETENTION_YEARS,
    MAX_OISC_NUMBER,
    MAX_PERIOD_MONTHS,
    MAX_PROCEDURE,
    MAX_RETENTION_YEARS,
)
from desktop.store.casework import OISC_NUMBER_SETTING as OISC_NUMBER_SETTING
from desktop.store.casework import RETENTION_YEARS_SETTING as RETENTION_YEARS_SETTING

# Printed at the foot of client handouts (desktop.printing.handout): one line each.
from desktop.store.repository import CENTRE_CONTACT_SETTING as CENTRE_CONTACT_SETTING
from desktop.store.repository import CENTRE_NAME_SETTING as CENTRE_NAME_SETTING
from desktop.ui.widgets.form_feedback import FormErrors, mark_invalid

DEFAULT_AUTO_LOCK_MINUTES = 10
AUTO_LOCK_SETTING = "auto_lock_minutes"
CENTRE_FIELD_MAX = 200
#: Guidance content (checklists, figures) last checked longer ago than this is warned about.
CONTENT_WARN_DAYS_SETTING = "content_warn_days"
DEFAULT_CONTENT_WARN_DAYS = DEFAULT_MAX_AGE_DAYS
MIN_CONTENT_WARN_DAYS, MAX_CONTENT_WARN_DAYS = 7, 3650


def content_warn_days(stored: str | None) -> int:
    """The setting as stored (text), or the default when it is missing or not a number."""
    try:
        value = int(stored) if stored is not None else DEFAULT_CONTENT_WARN_DAYS
    except ValueError:
        return DEFAULT_CONTENT_WARN_DAYS
    return min(max(value, MIN_CONTENT_WARN_DAYS), MAX_CONTENT_WARN_DAYS)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class SettingsDialog(QDialog):
    def __init__(
        self,
        auto_lock_minutes: int,
        parent: QWidget | None = None,
        *,
        centre_name: str = "",
        centre_contact: str = "",
        kept_copies: int = DEFAULT_KEPT_COPIES,
        warn_days: int = DEFAULT_CONTENT_WARN_DAYS,
        retention_years: int = DEFAULT_RETENTION_YEARS,
        consent_months: int = DEFAULT_CONSENT_MONTHS,
        oisc_number: str = "",
        complaints_procedure: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 120)
        self.minutes.setSuffix(" minutes")
        self.minutes.setValue(auto_lock_minutes)
        self.minutes.setAccessibleName("Lock after this many idle minutes")
        self.centre_name_field = QLineEdit(_one_line(centre_name))
        self.centre_name_field.setMaxLength(CENTRE_FIELD_MAX)
        self.centre_name_field.setAccessibleName("Centre name, printed on handouts")
        self.centre_name_field.setPlaceholderText("e.g. Riverside Advice Drop-in")
        self.centre_contact_field = QLineEdit(_one_line(centre_contact))
        self.centre_contact_field.setMaxLength(CENTRE_FIELD_MAX)
        self.centre_contact_field.setAccessibleName(
            "Centre contact (phone or address), printed on handouts"
        )
        self.centre_contact_field.setPlaceholderText("e.g. 01632 960 123, 4 Mill Lane (Tuesdays)")
        self.kept_copies_field = QSpinBox()
        self.kept_copies_field.setRange(MIN_KEPT_COPIES, MAX_KEPT_COPIES)
        self.kept_copies_field.setSuffix(" copies in backups/")
        self.kept_copies_field.setValue(kept_copies)
        self.kept_copies_field.setAccessibleName(
            "Keep at most this many copies in the backups folder"
        )
        self.kept_copies_field.setToolTip(
            "Copies taken before a restore or an upgrade. The oldest is deleted when a new one "
            "is taken."
        )
        self.warn_days_field = QSpinBox()
        self.warn_days_field.setRange(MIN_CONTENT_WARN_DAYS, MAX_CONTENT_WARN_DAYS)
        self.warn_days_field.setSuffix(" days")
        self.warn_days_field.setValue(warn_days)
        self.warn_days_field.setAccessibleName(
            "Warn when guidance content is older than this many days"
        )
        self.warn_days_field.setToolTip(
            "Checklists and figures last checked against their sources longer ago than this "
            "are marked in Help > Content and sources, and the status bar says so."
        )
        self.retention_field = QSpinBox()
        self.retention_field.setRange(1, MAX_RETENTION_YEARS)
        self.retention_field.setSuffix(" years after the last matter closed")
        self.retention_field.setValue(min(max(retention_years, 1), MAX_RETENTION_YEARS))
        self.retention_field.setAccessibleName(
            "Keep client records for this many years after their last matter closed"
        )
        self.retention_field.setToolTip(
            "Then the record comes up in Tools > Retention review… to be erased or kept. "
            "The OISC Code of Standards (code 57) asks for at least six years."
        )
        self.consent_field = QSpinBox()
        self.consent_field.setRange(1, MAX_PERIOD_MONTHS)
        self.consent_field.setSuffix(" months")
        self.consent_field.setValue(min(max(consent_months, 1), MAX_PERIOD_MONTHS))
        self.consent_field.setAccessibleName("A client's consent lasts this many months")
        self.consent_field.setToolTip(
            "The centre's choice, not a legal figure: a consent is to be renewed after it."
        )
        self.oisc_field = QLineEdit(_one_line(oisc_number))
        self.oisc_field.setMaxLength(MAX_OISC_NUMBER)
        self.oisc_field.setAccessibleName(
            "The centre's OISC registration number, printed on letters"
        )
        self.oisc_field.setPlaceholderText("e.g. F201900123")
        self.procedure_field = QPlainTextEdit(complaints_procedure)
        self.procedure_field.setAccessibleName(
            "The centre's complaints procedure, printed on client care letters"
        )
        self.procedure_field.setTabChangesFocus(True)
        self.procedure_field.setPlaceholderText(
            "How a client complains, to whom, and what happens next"
        )
        self.procedure_field.setFixedHeight(
            self.procedure_field.fontMetrics().lineSpacing() * 4 + 14
        )
        self.errors = FormErrors()
        form = QFormLayout()
        for text, field in (
            ("&Lock after idle:", self.minutes),
            ("Centre &name:", self.centre_name_field),
            ("Centre &contact:", self.centre_contact_field),
            ("Keep at &most:", self.kept_copies_field),
            ("&Warn when guidance content is older than:", self.warn_days_field),
            ("Keep client &records for:", self.retention_field),
            ("C&onsent lasts:", self.consent_field),
            ("O&ISC number:", self.oisc_field),
            ("Com&plaints procedure:", self.procedure_field),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        self.centre_name_field.setMinimumWidth(320)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel(
            "The window hides every client detail when it locks. The centre's name and contact "
            "line are printed on the checklists handed to clients. Copies in the backups folder "
            "open with the current passphrase; an erased client is taken out of them too. "
            "The OISC number and the complaints procedure are printed on letters to clients."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

    def auto_lock_minutes(self) -> int:
        return self.minutes.value()

    def centre_name(self) -> str:
        return _one_line(self.centre_name_field.text())

    def centre_contact(self) -> str:
        return _one_line(self.centre_contact_field.text())

    def kept_copies(self) -> int:
        return self.kept_copies_field.value()

    def warn_days(self) -> int:
        return self.warn_days_field.value()

    def retention_years(self) -> int:
        return self.retention_field.value()

    def consent_months(self) -> int:
        return self.consent_field.value()

    def oisc_number(self) -> str:
        return _one_line(self.oisc_field.text())

    def complaints_procedure(self) -> str:
        return self.procedure_field.toPlainText().strip()

    def problems(self) -> list[tuple[QWidget, str]]:
        """What would not be kept (the spin boxes hold their own ranges)."""
        found: list[tuple[QWidget, str]] = []
        checks = (
            (
                self.retention_field,
                1 <= self.retention_years() <= MAX_RETENTION_YEARS,
                f"Keep client records for: 1 to {MAX_RETENTION_YEARS} years.",
            ),
            (
                self.consent_field,
                1 <= self.consent_months() <= MAX_PERIOD_MONTHS,
                f"Consent lasts: 1 to {MAX_PERIOD_MONTHS} months.",
            ),
            (
                self.oisc_field,
                len(self.oisc_number()) <= MAX_OISC_NUMBER,
                f"OISC number: {MAX_OISC_NUMBER} characters at most.",
            ),
            (
                self.procedure_field,
                len(self.complaints_procedure()) <= MAX_PROCEDURE,
                f"Complaints procedure: too long ({MAX_PROCEDURE} characters at most).",
            ),
        )
        for widget, ok, message in checks:
            mark_invalid(widget, None if ok else message)
            if not ok:
                found.append((widget, message))
        return found

    def _accept(self) -> None:
        found = self.problems()
        self.errors.set_messages([message for _widget, message in found])
        if found:
            found[0][0].setFocus()
            return
        self.accept()
