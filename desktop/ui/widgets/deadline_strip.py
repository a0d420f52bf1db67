"""The strip under the client's name: what needs the adviser now, the engine's next deadlines,
and a warning when the stored application date has passed.

The deadlines are `desktop.board.Item`s (date, what, rule, next working day, kind, status),
worked out by the client page off the UI thread; this widget only shows them. Which ones it
shows is `desktop.board.needs_action`, the one rule the deadlines board and the client list's
badge use too: attention items always (a record that stops before today, time known to be
without permission: they never age out until the record is completed), then deadlines not met
that were missed in the last `OVERDUE_DAYS` days or are still to come.

Attention items have their own line in the warning colours, first. For a record that stops
("status unknown") a "Checked: no permission…" button beside it asks the page to record the
adviser's check (`check_requested`), which the History tab saves as a status check.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.board import KINDS, OVERDUE_DAYS, Item, needs_action, summary_of
from desktop.datetext import long_date, short_date
from desktop.rules.dated import render
from desktop.rules.deadlines import CASEWORK_KINDS
from desktop.rules.wording import plural
from desktop.ui.widgets.dates import format_date
from desktop.ui.widgets.verdict_look import ATTENTION_BOX_STYLE

#: How many dated deadlines the strip names; the rest are on the Deadlines board.
SHOWN = 4
WORKING = "Deadlines: working out…"
NONE_AHEAD = "Deadlines: none coming up or missed for this history."
FAILED = "Deadlines: could not be worked out for this history."
CHECKED_BUTTON = "Checked: no permission…"
CHECKED_NAME = "Checked: no permission"
CHECKED_TIP = (
    "You checked the client's status and found no permission since the record ends: record "
    "the check (dated today) in the History"
)
ATTENTION_STYLE = f"#attentionLine {{ {ATTENTION_BOX_STYLE} }}"


def last_day(item: Item) -> date:
    """The day by which it must be done: the next working day when it falls on a holiday."""
    return item.next_working_day or item.date


def to_show(items: Iterable[Item], today: date, overdue_days: int = OVERDUE_DAYS) -> list[Item]:
    """The deadlines `needs_action` keeps (as on the board): attention items first, then the
    others by date."""
    shown = [
        item
        for item in items
        if needs_action(item.status, last_day(item), today, missed_within=overdue_days)
    ]
    return sorted(shown, key=lambda item: (not item.attention, item.date))


def days_words(day: date, today: date) -> str:
    left = (day - today).days
    if left == 0:
        return "today"
    if left == 1:
        return "tomorrow"
    if left < 0:
        return f"MISSED {plural(-left, 'day')} ago"
    return f"in {plural(left, 'day')}"


def attention_line(item: Item) -> str:
    """ "Status unknown: permission ended 19 Oct 2026 - nothing recorded since"."""
    words = summary_of(item.kind, item.date, item.what, format_date)
    return f"{KINDS.get(item.kind, 'Attention')}: {words[:1].lower()}{words[1:]}"


def deadline_line(item: Item, today: date) -> str:
    if item.attention:
        return attention_line(item)
    day, next_working, kind = item.date, item.next_working_day, item.kind
    when = days_words(last_day(item), today)
    text = f"{KINDS.get(kind, 'Deadline')}: {format_date(day)} ({when})"
    if next_working is not None and next_working != day:
        text = text[:-1] + f"; next working day {format_date(next_working)})"
    return text


def deadline_sentence(item: Item) -> str:
    """The engine's own sentence and where it comes from (the tooltip)."""
    words = render(item.what, short_date)
    return f"{format_date(item.date)}: {words}" + (f" ({item.rule})" if item.rule else "")


def application_date_warning(application_date: date | None, today: date) -> str:
    if application_date is None or application_date >= today:
        return ""
    return (
        f"The application date stored for this client, {format_date(application_date)}, has "
        "passed. The verdicts and deadlines are worked out on that date: change it on the "
        "History tab if the application has not been made."
    )


class DeadlineStrip(QWidget):
    #: The adviser pressed "Checked: no permission…" (the page records the check).
    check_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attention = QLabel()
        self.attention.setObjectName("attentionLine")
        self.attention.setTextFormat(Qt.TextFormat.PlainText)
        self.attention.setWordWrap(True)
        self.attention.setAccessibleName("Needs attention now")
        self.attention.setStyleSheet(ATTENTION_STYLE)
        self.check_button = QPushButton(CHECKED_BUTTON)
        self.check_button.setAccessibleName(CHECKED_NAME)
        self.check_button.setToolTip(CHECKED_TIP)
        self.check_button.clicked.connect(self.check_requested)
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
        attention_row = QHBoxLayout()
        attention_row.setContentsMargins(0, 0, 0, 0)
        attention_row.addWidget(self.attention, 1)
        attention_row.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(3)
        layout.addLayout(attention_row)
        layout.addWidget(self.deadlines)
        layout.addWidget(self.warning)
        self._lines: list[str] = []
        self._hide_attention()

    def lines(self) -> list[str]:
        """The lines shown, attention items first (empty while working out or when cleared)."""
        return list(self._lines)

    def attention_lines(self) -> list[str]:
        text = self.attention.text()
        return text.split("\n") if text and self.attention.isVisibleTo(self) else []

    def _hide_attention(self) -> None:
        self.attention.clear()
        self.attention.setToolTip("")
        self.attention.hide()
        self.check_button.hide()

    def show_working(self) -> None:
        self._lines = []
        self._hide_attention()
        self.deadlines.setText(WORKING)
        self.deadlines.setToolTip("")
        self.deadlines.setEnabled(False)

    def show_failed(self) -> None:
        self._lines = []
        self._hide_attention()
        self.deadlines.setText(FAILED)
        self.deadlines.setToolTip("")
        self.deadlines.setEnabled(True)

    def set_deadlines(self, items: Iterable[Item], today: date) -> None:
        shown = to_show(items, today)
        urgent = [item for item in shown if item.attention]
        ahead = [item for item in shown if not item.attention]
        self._hide_attention()
        if urgent:
            self.attention.setText("\n".join(deadline_line(item, today) for item in urgent))
            self.attention.setToolTip(
                "\n".join(render(item.what, long_date) for item in urgent)
                + "\n"
                + (
                    "This stays until the record is completed: a new permission, a pending "
                    "application, or your check that there is no permission."
                    if any(item.kind not in CASEWORK_KINDS for item in urgent)
                    else "This stays until it is dealt with on the Casework tab."
                )
            )
            self.attention.show()
            self.check_button.setVisible(any(item.kind == "status_unknown" for item in urgent))
        dated = [deadline_line(item, today) for item in ahead[:SHOWN]]
        self._lines = [deadline_line(item, today) for item in urgent] + dated
        self.deadlines.setEnabled(True)
        if not dated:
            self.deadlines.setText(NONE_AHEAD if not urgent else "Deadlines: none coming up.")
            self.deadlines.setToolTip("")
            return
        more = len(ahead) - SHOWN
        text = "Deadlines: " + "  ·  ".join(dated)
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
        self._hide_attention()
        self.deadlines.clear()
        self.deadlines.setToolTip("")
        self.warning.clear()
        self.warning.hide()
