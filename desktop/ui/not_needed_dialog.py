"""Checklists tab, N on an item: why it is not needed for this client (the reason is printed
for the adviser; kept as a draft over a lock)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.store import checklists as cs
from desktop.ui.kept_drafts import CHECKLIST_REASON
from desktop.ui.one_field_draft import OneFieldDraft


class NotNeededDialog(OneFieldDraft, QDialog):
    """N: why an item is not needed for this client (the reason is printed for the adviser)."""

    def __init__(self, text: str, reason: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Not needed")
        self.setAccessibleName("Not needed")
        label = QLabel(f"Why is this not needed for this client?\n{text}")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        self.reason = QLineEdit(reason)
        self.reason.setMaxLength(cs.MAX_TEXT)
        self.reason.setAccessibleName("Why it is not needed")
        label.setBuddy(self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.reason.setFocus()
        self._draft_field, self._draft_kind_label = self.reason, CHECKLIST_REASON
        self._opened_with = reason

    def value(self) -> str:
        return self.reason.text()
