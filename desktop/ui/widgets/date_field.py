"""A keyboard date field: type 01/09/2024, 2024-09-01 or 1 Sep 2024; no calendar popup needed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop.ui.widgets.dates import HINT, format_date, format_long, parse_user_date

__all__ = ["DateField", "parse_user_date"]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DateField(QLineEdit):
    """A line edit that holds a date or nothing.

    `dateChanged(object)` fires with the new `date | None` whenever the parsed value changes
    (typing an incomplete date gives None until it parses). When the user leaves the field a
    date that parsed is rewritten in the display form "1 Sep 2024", so what is shown is what
    is stored.
    """

    dateChanged = Signal(object)

    def __init__(
        self, parent: QWidget | None = None, *, required: bool = False, label: str = "Date"
    ) -> None:
        super().__init__(parent)
        self.required = required
        self.label = label
        self._value: date | None = None
        self._error: str | None = None
        self.setPlaceholderText(HINT)
        self.setAccessibleName(label)
        self.setMaxLength(40)
        self.textChanged.connect(self._reparse)
        self.editingFinished.connect(self._normalise)
        self._reparse(self.text())

    # ---- public API --------------------------------------------------------------------------
    def date(self) -> date | None:
        """The date typed, or None when empty or not (yet) a real date."""
        return self._value

    def setDate(self, value: date | None) -> None:
        self.setText(format_date(value))

    def is_valid(self) -> bool:
        return self._error is None

    def error(self) -> str | None:
        """A sentence naming the field, or None when the field is acceptable."""
        return self._error

    def is_empty(self) -> bool:
        return not self.text().strip()

    # ---- internals ---------------------------------------------------------------------------
    def _reparse(self, text: str) -> None:
        old = self._value
        try:
            value = parse_user_date(text)
        except ValueError as exc:
            self._value, self._error = None, f"{self.label}: {exc}."
        else:
            self._value = value
            if value is None and self.required:
                self._error = f"{self.label} is needed (type it like 01/09/2024)."
            else:
                self._error = None
        if self._value is not None:
            hint = f"{_WEEKDAYS[self._value.weekday()]} {format_long(self._value)}"
        elif self._error and not self.is_empty():
            hint = self._error
        else:
            hint = f"Type a date like 01/09/2024, 2024-09-01 or 1 Sep 2024 ({HINT})"
        self.setToolTip(hint)
        if self._value != old:
            self.dateChanged.emit(self._value)

    def _normalise(self) -> None:
        if self._value is not None:
            shown = format_date(self._value)
            if self.text() != shown:
                self.setText(shown)
