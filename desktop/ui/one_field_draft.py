"""Drafts (desktop.ui.kept_drafts) for a dialog of one text field, shared by the checklist's
Received on and Not needed dialogs: what was typed is kept over a lock, even a half-typed date."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from desktop.ui.kept_drafts import LABELS


class OneFieldDraft:
    """Mixed into a QDialog: `_draft_field` is the field, `_draft_kind_label` its LABELS key,
    and `_opened_with` the text it opened with (nothing typed, no draft)."""

    _draft_field: QLineEdit
    _draft_kind_label: str
    _opened_with: str

    def draft_payload(self) -> dict | None:
        text = self._draft_field.text()
        return None if text == self._opened_with else {"text": text}

    def draft_label(self) -> str:
        return LABELS[self._draft_kind_label]

    def restore_draft(self, payload: dict) -> None:
        text = payload.get("text")
        if isinstance(text, str):
            self._draft_field.setText(text)
