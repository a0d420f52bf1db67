"""Settings: the idle time before the window locks itself."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

DEFAULT_AUTO_LOCK_MINUTES = 10
AUTO_LOCK_SETTING = "auto_lock_minutes"


class SettingsDialog(QDialog):
    def __init__(self, auto_lock_minutes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 120)
        self.minutes.setSuffix(" minutes")
        self.minutes.setValue(auto_lock_minutes)
        self.minutes.setAccessibleName("Lock after this many idle minutes")
        form = QFormLayout()
        label = QLabel("&Lock after idle:")
        label.setBuddy(self.minutes)
        form.addRow(label, self.minutes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel("The window hides every client detail when it locks.")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def auto_lock_minutes(self) -> int:
        return self.minutes.value()
