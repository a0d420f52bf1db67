"""The strip under the client's name: the engine's next deadlines, and a warning when the stored
application date has passed.

The deadlines are `desktop.board.Item`s (date, what, rule, next working day, kind, met), worked
out by the client page off the UI thread; this widget only shows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.board import OVERDUE_DAYS
from desktop.rules.wording import plural
from desktop.ui.widgets.dates import format_date, uk_dates_in

#: How many upcoming deadlines the strip names; the rest are on the Deadlines board.
SHOWN = 4
WORKING = "Deadlines: working out…"
NONE_AHEAD = "Deadlines: none coming up or missed for this history."
FAILED = "Deadlines: could not be worked out for this history."
KIND_WORDS = {
    "appeal": "Appeal",
    "fee_waiver": "Fee-waiver follow-up",
    "permission_ends": "Permission ends",
    "apply_from": "Can apply from",
    "earliest": "Earliest date to apply",
    "section_3c": "Section 3C",
    "stp": "Criminality",
    "sar": "Subject access request",
    "other": "Deadline",
}


def last_day(item: tuple) -> date:
    """The day by which it must be done: the next working day when it falls on a holiday."""
    return item[3] or item[0]


def to_show(items: Iterable[tuple], today: date, overdue_days: int = OVERDUE_DAYS) -> list[tuple]:
    """Deadlines not met: those missed in the last `overdue_days` days (as on the board), then
    those to come, soonest first."""
    shown = [
        item for item in items if not item[5] and (today - last_day(item)).days <= overdue_days
    ]
    return sorted(shown, key=lambda item: item[0])


def days_words(day: date, today: date) -> str:
    left = (day - today).days
    if left == 0:
        return "today"
    if left == 1:
        return "tomorrow"
    if left < 0:
        return f"MISSED {plural(-left, 'day')} ago"
    return f"in {plural(left, 'day')}"


def deadline_line(item: tuple, today: date) -> str:
    day, _what, _rule, next_working, kind, _met = item
    when = days_words(last_day(item), today)
    text = f"{KIND_WORDS.get(kind, 'Deadline')}: {format_date(day)} ({when})"
    if next_working is not None and next_working != day:
        text = text[:-1] + f"; next working day {format_date(next_working)})"
    return text


def deadline_sentence(item: tuple) -> str:
    """The engine's own sentence and where it comes from (the tooltip)."""
    day, what, rule, _next, _kind, _met = item
    return f"{format_date(day)}: {uk_dates_in(what)}" + (f" ({rule})" if rule else "")


def application_date_warning(application_date: date | None, today: date) -> str:
    if application_date is None or application_date >= today:
        return ""
    return (
        f"The application date stored for this client, {format_date(application_date)}, has "
        "passed. The verdicts and deadlines are worked out on that date: change it on the "
        "History tab if the application has not been made."
    )


class DeadlineStrip(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deadlines = QLabel()
        self.deadlines.setObjectName("deadlineLine")
        self.deadlines.setTextFormat(Qt.TextFormat.PlainText)
        self.deadlines.setWordWrap(True)
        self.deadlines.setAccessibleName("Upcoming deadlines")
        self.warning = QLabel()
        self.warning.setObjectName("applicationDateWarning")
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setWordWrap(True)
        self.warning.setAccessibleName("Application date warning")
        self.warning.setStyleSheet(
            "#applicationDateWarning { background: #fdecea; color: #8a1c12;"
            " border: 1px solid #e5a59d; border-radius: 3px; padding: 3px 6px; }"
        )
        self.warning.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(3)
        layout.addWidget(self.deadlines)
        layout.addWidget(self.warning)
        self._lines: list[str] = []

    def lines(self) -> list[str]:
        """The deadline lines shown (empty while working out or when cleared)."""
        return list(self._lines)

    def show_working(self) -> None:
        self._lines = []
        self.deadlines.setText(WORKING)
        self.deadlines.setToolTip("")
        self.deadlines.setEnabled(False)

    def show_failed(self) -> None:
        self._lines = []
        self.deadlines.setText(FAILED)
        self.deadlines.setToolTip("")
        self.deadlines.setEnabled(True)

    def set_deadlines(self, items: Iterable[tuple], today: date) -> None:
        ahead = to_show(items, today)
        self._lines = [deadline_line(item, today) for item in ahead[:SHOWN]]
        self.deadlines.setEnabled(True)
        if not self._lines:
            self.deadlines.setText(NONE_AHEAD)
            self.deadlines.setToolTip("")
            return
        more = len(ahead) - SHOWN
        text = "Deadlines: " + "  ·  ".join(self._lines)
        if more > 0:
            text += f"  ·  {more} more on the Deadlines board (Ctrl+D)"
        self.deadlines.setText(text)
        self.deadlines.setToolTip("\n".join(deadline_sentence(item) for item in ahead[:SHOWN]))

    def set_application_date(self, application_date: date | None, today: date) -> None:
        text = application_date_warning(application_date, today)
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    def clear(self) -> None:
        self._lines = []
        self.deadlines.clear()
        self.deadlines.setToolTip("")
        self.warning.clear()
        self.warning.hide()
