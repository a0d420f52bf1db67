"""File > Review shared changes… (issue 21): the fields two laptops changed at the same time.

Sharing merges changes to different fields by itself; when two laptops changed the SAME field
before they exchanged, neither value is settled silently (a permission's date or a decision may
hang on it). Each waits here: the record in words ("Client 12 - Permission 2 - Start date"),
every value with the laptop that wrote it and when, a radio button for each (Alt+1, Alt+2...),
and Keep this one. Until then the record shows one of them (the same on every laptop) and the
item stays in this list on every laptop; the choice travels to the others with the next sync.

Keeping a value is one small write; it runs off the UI thread (a background sync may hold the
store for a moment) and the list is read again afterwards.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import sharing_status
from desktop.ui.referral_common import error_label, own_runner, say
from desktop.ui.sharing_status import Review, moment_words

TITLE = "Review shared changes"
NOTHING = "Nothing to review: every change from the other laptops has been merged."
EXPLAIN = (
    "Two laptops changed this at the same time. Choose the value to keep: it goes to every "
    "laptop with the next sync. Check the client's papers if you are not sure."
)
MAX_CANDIDATES_WITH_LETTERS = 9


def item_words(review: Review) -> str:
    """ "Client 12 - Permission 2 - Start date" (the record in words, no client's value)."""
    parts = [part for part in (review.section, review.record, review.label) if part]
    return " - ".join(parts) or "A record"


def candidate_words(number: int, candidate) -> str:
    shown = candidate.shown if candidate.shown not in (None, "") else "(empty)"
    prefix = f"&{number}" if number <= MAX_CANDIDATES_WITH_LETTERS else str(number)
    now = "  (in the record until you choose)" if candidate.stored else ""
    return f"{prefix}.  {shown}   — from {candidate.laptop}, {moment_words(candidate.when)}{now}"


class ReviewQueueDialog(QDialog):
    #: A value was kept: the window refreshes the client shown and the status line's count.
    resolved = Signal(object)  # the client id (or None)

    def __init__(
        self, store, parent: QWidget | None = None, runner=None, adviser: str = ""
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.adviser = adviser  # named in the audit entry of each choice
        self.run = runner or own_runner(self)
        self.reviews: list[Review] = []
        self.busy = False
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.error = error_label("Problem")

        self.list = QListWidget()
        self.list.setAccessibleName("Changes to review")
        self.list.setWordWrap(True)  # "Name (client 12) - Permissions - Start date" in full
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        list_label = QLabel("&Changes to review:")
        list_label.setBuddy(self.list)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(list_label)
        left_layout.addWidget(self.list, 1)

        self.choice_box = QGroupBox("Choose the value to keep")
        self.choice_box.setAccessibleName("Choose the value to keep")
        self.record_label = QLabel()
        self.record_label.setWordWrap(True)
        self.record_label.setTextFormat(Qt.TextFormat.PlainText)
        self.record_label.setAccessibleName("The record")
        font = self.record_label.font()
        font.setBold(True)
        self.record_label.setFont(font)
        self.explain = QLabel(EXPLAIN)
        self.explain.setWordWrap(True)
        self.explain.setAccessibleName("What to do")
        self.choices = QButtonGroup(self)
        self.choices.buttonToggled.connect(lambda *_: self._update())
        self.choice_layout = QVBoxLayout()
        self.keep_button = QPushButton("&Keep this one")
        self.keep_button.setAccessibleName("Keep the chosen value")
        self.keep_button.setAutoDefault(False)
        self.keep_button.clicked.connect(self.keep)
        box_layout = QVBoxLayout(self.choice_box)
        box_layout.addWidget(self.record_label)
        box_layout.addWidget(self.explain)
        box_layout.addLayout(self.choice_layout)
        keep_row = QHBoxLayout()
        keep_row.addStretch(1)
        keep_row.addWidget(self.keep_button)
        box_layout.addLayout(keep_row)
        box_layout.addStretch(1)

        self.nothing = QLabel(NOTHING)
        self.nothing.setWordWrap(True)
        self.nothing.setAccessibleName("Nothing to review")

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.choice_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([340, 540])
        self.splitter = splitter

        self.close_button = QPushButton("C&lose")
        self.close_button.setAccessibleName("Close the review")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.nothing)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.resize(900, 520)
        self.list.currentRowChanged.connect(self._show_item)
        self.load()

    # ---- the list ----------------------------------------------------------------------------
    def load(self, keep_row: int = 0) -> None:
        try:
            self.reviews = list(sharing_status.api().reviews(self.store))
        except Exception as exc:  # noqa: BLE001 - one line, never a traceback
            say(self.error, sharing_status.problem_line(exc))
            self.reviews = []
        blocked = self.list.blockSignals(True)
        self.list.clear()
        for review in self.reviews:
            item = QListWidgetItem(item_words(review))
            item.setData(Qt.ItemDataRole.UserRole, review.item_id)
            item.setToolTip(item_words(review))
            self.list.addItem(item)
        self.list.blockSignals(blocked)
        has_any = bool(self.reviews)
        self.nothing.setVisible(not has_any)
        self.splitter.setVisible(has_any)
        if has_any:
            row = min(max(keep_row, 0), len(self.reviews) - 1)
            if self.list.currentRow() == row:
                self._show_item(row)
            else:
                self.list.setCurrentRow(row)  # shows it
            self.list.setFocus()
        else:
            self._show_item(-1)
            self.close_button.setFocus()
        self._update()

    def current(self) -> Review | None:
        row = self.list.currentRow()
        return self.reviews[row] if 0 <= row < len(self.reviews) else None

    def _show_item(self, row: int) -> None:
        for button in list(self.choices.buttons()):
            self.choices.removeButton(button)
            self.choice_layout.removeWidget(button)
            button.hide()  # gone from the keyboard at once, freed by the event loop
            button.deleteLater()
        review = self.reviews[row] if 0 <= row < len(self.reviews) else None
        if review is None:
            self.record_label.setText("")
            self._update()
            return
        self.record_label.setText(item_words(review))
        self.record_label.setAccessibleDescription(item_words(review))
        for number, candidate in enumerate(review.candidates, start=1):
            button = QRadioButton(candidate_words(number, candidate))
            button.setAccessibleName(f"Value {number} of {len(review.candidates)}")
            button.setAccessibleDescription(button.text().replace("&", ""))
            self.choices.addButton(button, number - 1)
            self.choice_layout.addWidget(button)
        # Nothing is chosen for the adviser: Keep waits for a choice.
        self._update()

    def _update(self) -> None:
        self.keep_button.setEnabled(
            not self.busy and self.current() is not None and self.choices.checkedId() >= 0
        )

    def chosen(self):
        review, index = self.current(), self.choices.checkedId()
        if review is None or not 0 <= index < len(review.candidates):
            return None
        return review.candidates[index]

    def item_texts(self) -> list[str]:
        return [self.list.item(row).text() for row in range(self.list.count())]

    def choice_texts(self) -> list[str]:
        return [button.text() for button in self.choices.buttons()]

    def choose(self, index: int) -> None:
        """Tick the value at `index` (0-based), as Alt+1... does."""
        self.choices.button(index).setChecked(True)

    # ---- keep ----------------------------------------------------------------------------------
    def keep(self):
        review, candidate = self.current(), self.chosen()
        if self.busy or review is None or candidate is None:
            if review is not None and candidate is None:
                say(self.error, "Choose one of the values first.")
            return None
        say(self.error, "")
        store, row, adviser = self.store, self.list.currentRow(), self.adviser or None

        def work(_progress):
            sharing_status.api().resolve(store, review.item_id, candidate.value, adviser)
            return review.client_id

        def done(client_id) -> None:
            self.busy = False
            self.load(keep_row=row)
            self.resolved.emit(client_id)

        def failed(exc: BaseException) -> None:
            self.busy = False
            say(self.error, sharing_status.problem_line(exc))
            self._update()

        self.busy = True
        self._update()
        return self.run("Keeping the value", work, done, failed, show_progress=False)
