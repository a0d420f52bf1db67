"""What a form's fields hold as typed, for a kept draft, and putting it back: one copy for the
Casework tab's forms (issue 22: visit, matter, letter, complaint, consent, access request).

A form that mixes this in gives `_fields()` ({name: widget}) and an `errors` FormErrors. Text
boxes keep their text, line edits their text (a half-typed date too), combo boxes their item's
data, spin boxes their value, check boxes whether ticked: plain JSON values, so a draft survives a lock or a quit inside the
encrypted store (desktop.store.drafts) and is put back field by field. A value of the wrong
type (a draft edited by hand, or from an older form) leaves its field as it is.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from desktop.ui.kept_drafts import closed_by_lock
from desktop.ui.widgets import form_feedback
from desktop.ui.widgets.form_feedback import mark_invalid


def select_data(combo: QComboBox, value: object) -> None:
    """Choose the item holding `value` (nothing changes when no item does)."""
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def field_values(fields: dict[str, QWidget]) -> dict[str, Any]:
    """Every field as it stands, as plain values."""
    out: dict[str, Any] = {}
    for name, field in fields.items():
        if isinstance(field, QPlainTextEdit):
            out[name] = field.toPlainText()
        elif isinstance(field, QComboBox):
            out[name] = field.currentData()
        elif isinstance(field, QSpinBox):
            out[name] = field.value()
        elif isinstance(field, QLineEdit):
            out[name] = field.text()
        elif isinstance(field, QCheckBox):
            out[name] = field.isChecked()
    return out


def put_values(fields: dict[str, QWidget], values: dict[str, Any]) -> None:
    """Put back what `field_values` gave; a missing name or a value of the wrong type leaves
    the field as it is; a number is kept inside the spin box's range, text inside the line's
    length."""
    for name, field in fields.items():
        if name not in values:
            continue
        value = values[name]
        if isinstance(field, QPlainTextEdit) and isinstance(value, str):
            field.setPlainText(value)
        elif isinstance(field, QComboBox):
            select_data(field, value)
        elif isinstance(field, QSpinBox):
            if isinstance(value, int) and not isinstance(value, bool):
                field.setValue(max(field.minimum(), min(field.maximum(), value)))
        elif isinstance(field, QLineEdit) and isinstance(value, str):
            field.setText(value[: field.maxLength()])
        elif isinstance(field, QCheckBox) and isinstance(value, bool):
            field.setChecked(value)


def show_problems(form: Any, found: list[tuple[QWidget, str]]) -> None:
    """Mark each field with a problem (and clear the others), list the messages under the
    form (`form.errors`), and put the cursor in the first field named."""
    for field in form._fields().values():
        mark_invalid(field, None)
    for field, message in found:
        mark_invalid(field, message)
    form.errors.set_messages([message for _field, message in found])
    if found:
        found[0][0].setFocus()


class KeptForm:
    """Mixed into a dialog that keeps what was typed as a draft (desktop.ui.kept_drafts): the
    dialog gives `_kept_fields()` ({name: widget}, in the order they are put back) and sets
    `_initial` (their `field_values` once the form is filled in); it may add keys of its own
    to the payload (`_draft_extra`) and redo what depends on the fields after a restore
    (`_after_restore`). A dialog whose row is written (`written` True) keeps nothing."""

    _initial: dict[str, Any]

    def _kept_fields(self) -> dict[str, QWidget]:
        raise NotImplementedError

    def _draft_extra(self) -> dict[str, Any]:
        return {}

    def _after_restore(self) -> None:
        return None

    def field_texts(self) -> dict[str, Any]:
        """Every field as it stands (half-typed dates too): what a draft keeps."""
        return field_values(self._kept_fields())

    def has_typed(self) -> bool:
        """Something differs from what the form opened with."""
        return self.field_texts() != self._initial

    def draft_payload(self) -> dict | None:
        """The fields as they stand, for a kept draft; None when nothing was typed."""
        if getattr(self, "written", False) or not self.has_typed():
            return None
        return {"fields": self.field_texts(), **self._draft_extra()}

    def restore_draft(self, payload: object) -> bool:
        """Put back what `draft_payload` gave. False when it is not one this form wrote; a
        field of the wrong type is left as it is."""
        texts = payload.get("fields") if isinstance(payload, dict) else None
        if not isinstance(texts, dict):
            return False
        put_values(self._kept_fields(), texts)
        self._after_restore()
        return True

    def may_close(self, title: str, text: str, yes: str) -> bool:
        """Whether Cancel (Escape, Close) may close the form: yes when the window's lock closed
        it (the draft was kept), when its row is written or nothing was typed; else the
        adviser is asked (`title`, `text`, the button `yes`)."""
        if closed_by_lock(self) or getattr(self, "written", False) or not self.has_typed():
            return True
        return form_feedback.confirm(self, title, text, yes=yes)
