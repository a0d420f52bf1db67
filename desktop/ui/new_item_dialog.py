"""Checklists tab, Insert: an item of the adviser's own (the client reads its text on the
handout; kept as a draft over a lock)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.rules.checklists import PROVIDERS
from desktop.store import checklists as cs
from desktop.ui.kept_drafts import CHECKLIST_ITEM, LABELS


class NewItemDialog(QDialog):
    """Insert: an item of the adviser's own (the client reads its text on the handout)."""

    def __init__(
        self, sections: Sequence[str], section: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add an item")
        self.setAccessibleName("Add an item")
        self.text = QLineEdit()
        self.text.setMaxLength(cs.MAX_TEXT)
        self.text.setAccessibleName("What the client needs to bring")
        self.text.setPlaceholderText("e.g. A letter from your landlord")
        self.provider = QComboBox()
        self.provider.setAccessibleName("Who provides it")
        for key, words in PROVIDERS.items():
            self.provider.addItem(words, key)
        self.section = QComboBox()
        self.section.setEditable(True)
        self.section.setAccessibleName("Section the item goes under")
        for name in sections:
            if name:
                self.section.addItem(name)
        self.section.setCurrentText(section)
        form = QFormLayout()
        for label_text, field in (
            ("&Item:", self.text),
            ("&Who provides it:", self.provider),
            ("&Section:", self.section),
        ):
            label = QLabel(label_text)
            label.setBuddy(field)
            form.addRow(label, field)
        self.text.setMinimumWidth(360)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._opened_with = self._typed()

    def values(self) -> tuple[str, str, str]:
        return (
            self.text.text().strip(),
            self.provider.currentData() or "client",
            self.section.currentText().strip(),
        )

    def _typed(self) -> dict:
        return {
            "text": self.text.text(),
            "provider": self.provider.currentData(),
            "section": self.section.currentText(),
        }

    def draft_payload(self) -> dict | None:
        typed = self._typed()
        return None if typed == self._opened_with else typed

    def draft_label(self) -> str:
        return LABELS[CHECKLIST_ITEM]

    def restore_draft(self, payload: dict) -> None:
        if isinstance(payload.get("text"), str):
            self.text.setText(payload["text"])
        index = self.provider.findData(payload.get("provider"))
        if index >= 0:
            self.provider.setCurrentIndex(index)
        if isinstance(payload.get("section"), str):
            self.section.setCurrentText(payload["section"])
