"""Checklists tab, F2 or Enter on an item: the date it was received (kept as a draft over a
lock, even half-typed)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.ui.kept_drafts import CHECKLIST_DATE
from desktop.ui.one_field_draft import OneFieldDraft
from desktop.ui.widgets.date_field import DateField


class ReceivedDateDialog(OneFieldDraft, QDialog):
    def __init__(self, text: str, current: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Received on")
        self.setAccessibleName("Received on")
        self.field = DateField(required=True, label="Received on")
        self.field.setAccessibleName("Date it was received")
        self.field.setDate(current)
        self.field.selectAll()
        label = QLabel(f"When was it received?\n{text}")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.field)
        layout.addWidget(buttons)
        self._draft_field, self._draft_kind_label = self.field, CHECKLIST_DATE
        self._opened_with = self.field.text()
