"""Settings: the idle time before the window locks itself, the centre's name and contact line
printed on client handouts, and how many copies the store keeps in backups/."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

# How many copies (taken before upgrades and restores) backups/ keeps: the store applies it.
from desktop.rules.content_age import DEFAULT_MAX_AGE_DAYS
from desktop.store.backups import DEFAULT_KEPT_COPIES as DEFAULT_KEPT_COPIES
from desktop.store.backups import KEEP_COPIES_SETTING as KEEP_COPIES_SETTING
from desktop.store.backups import MAX_KEPT_COPIES, MIN_KEPT_COPIES

# Printed at the foot of client handouts (desktop.printing.handout): one line each.
from desktop.store.repository import CENTRE_CONTACT_SETTING as CENTRE_CONTACT_SETTING
from desktop.store.repository import CENTRE_NAME_SETTING as CENTRE_NAME_SETTING

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
        form = QFormLayout()
        for text, field in (
            ("&Lock after idle:", self.minutes),
            ("Centre &name:", self.centre_name_field),
            ("Centre &contact:", self.centre_contact_field),
            ("Keep at &most:", self.kept_copies_field),
            ("&Warn when guidance content is older than:", self.warn_days_field),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        self.centre_name_field.setMinimumWidth(320)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel(
            "The window hides every client detail when it locks. The centre's name and contact "
            "line are printed on the checklists handed to clients. Copies in the backups folder "
            "open with the current passphrase; an erased client is taken out of them too."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
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
