"""What a form's fields hold as typed, for a kept draft, and putting it back: one copy for the
Casework tab's visit and matter forms (issue 22).

A form that mixes this in gives `_fields()` ({name: widget}) and an `errors` FormErrors. Text
boxes keep their text, line edits their text (a half-typed date too), combo boxes their item's
data, spin boxes their value: plain JSON values, so a draft survives a lock or a quit inside the
encrypted store (desktop.store.drafts) and is put back field by field. A value of the wrong
type (a draft edited by hand, or from an older form) leaves its field as it is.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

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
