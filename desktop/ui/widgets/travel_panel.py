"""Can I travel? on the Residence tab: the whole days outside the UK in the 12 months ending
today, the days left before the route's limit, and the day each past trip stops counting.

    panel = TravelPanel()
    panel.show_for(history, route, today)   # works it out (desktop.assess.travel_for): cheap
    panel.set_answer(answer)                # or show a TravelAnswer worked out elsewhere
    panel.clear()                           # the client closed or the app locked

The headline is the answer in figures ("45 of 180 days used · 135 days left"), then the
sentence a client can be read (desktop.rules.travel.TravelAnswer.sentence, dates in words), then
the trips that still count, oldest first: when each one stops counting. Over the limit, the
headline is red and says by how much (desktop.status_style colours).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.assess import travel_for
from desktop.rules.datetext import long_date, short_date
from desktop.rules.history import History
from desktop.rules.travel import TravelAnswer
from desktop.status_style import DEADLINE_MARK

HEADERS = ("Left", "Came back", "Days counted", "Stops counting on")
EMPTY = "Open a client to see how many days they have been outside the UK."


def headline(answer: TravelAnswer) -> str:
    n = answer.days_outside
    if answer.needs_attention:  # as loud as the count, and first: see the sentence
        return f"⚠ Check the client's status before any travel · {n} days outside in 12 months"
    used = f"{n} day{'s' if n != 1 else ''} outside in the last 12 months"
    if answer.limit is None:
        return f"{used} · this route has no fixed limit"
    if answer.over_by:
        return f"{n} of {answer.limit} days used · {answer.over_by} over the limit ({answer.rule})"
    left = answer.days_left or 0
    return f"{n} of {answer.limit} days used · {left} day{'s' if left != 1 else ''} left"


class TravelPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer: TravelAnswer | None = None
        self.headline = QLabel()
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setAccessibleName("Days outside the UK in the last 12 months")
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setTextFormat(Qt.TextFormat.PlainText)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sentence.setAccessibleName("Can I travel? in words")
        self.trips = QTableWidget(0, len(HEADERS))
        self.trips.setHorizontalHeaderLabels(HEADERS)
        self.trips.setAccessibleName("Trips in the last 12 months and when they stop counting")
        self.trips.verticalHeader().hide()
        self.trips.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trips.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.trips.setTabKeyNavigation(False)
        header = self.trips.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.headline)
        layout.addWidget(self.sentence)
        layout.addWidget(self.trips, 1)
        self.clear()

    def show_for(self, history: History, route: str, today: date) -> TravelAnswer | None:
        """Work out and show the answer; a failure shows its kind (never client details) and
        never stops the Residence tab around it."""
        try:
            answer = travel_for(history, route, today)
        except Exception as exc:  # noqa: BLE001 - the rest of the tab must still show
            self.clear()
            self.sentence.setText(
                f"The days outside could not be worked out ({type(exc).__name__})."
            )
            return None
        self.set_answer(answer)
        return answer

    def set_answer(self, answer: TravelAnswer) -> None:
        self.answer = answer
        self.headline.setText(headline(answer))
        loud = answer.over_by or answer.needs_attention
        self.headline.setStyleSheet(f"color: {DEADLINE_MARK};" if loud else "")
        self.sentence.setText(answer.sentence(long_date))
        self.trips.setRowCount(len(answer.trips))
        for r, trip in enumerate(answer.trips):
            cells = (
                # The wait before entry on a permission granted from abroad: no day of leaving.
                "Before entry" if trip.before_entry else short_date(trip.left),
                short_date(trip.returned),
                str(trip.days),
                short_date(trip.stops_counting),
            )
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c == 2:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.trips.setItem(r, c, cell)
        self.trips.setVisible(bool(answer.trips))

    def clear(self) -> None:
        """Nothing of any client stays on the panel."""
        self.answer = None
        self.headline.clear()
        self.headline.setStyleSheet("")
        self.sentence.setText(EMPTY)
        self.trips.setRowCount(0)
        self.trips.hide()
