"""The deadlines board: every client's deadlines in date order, the page opened first thing.

Rows come from `desktop.board.BoardData` (worked out off the UI thread by `BoardFeed`), each
with the engine's kind and status; which rows show is `desktop.board.in_view` (the rule the
client list's badge and the deadline strip share). Attention items (a record that stops before
today, time known to be without permission) are red and bold, say "Needs attention" and never
age out; overdue rows (passed in the last N days) are red and say "Overdue"; today's are bold;
ones already met say "Done in time"; older passed ones are hidden unless "Show older passed" is
ticked. Filters: text, adviser, kind (the engine's kinds, and "Casework reminders (all)": the
casework kinds of issue 22 together - written updates, outcome letters, the client's subject
access requests, consents, retention reviews, complaints and the OISC level check).
Enter, a double-click or "Open client" emits `open_client(client_id)`; F5 or Refresh asks for a
new build; Esc or "Back to clients" emits `close_requested`. `clear()` (the app locks) leaves
nothing of any client on the page.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.board import (
    ALL,
    ATTENTION,
    BADGE_DAYS,
    DONE,
    KINDS,
    OVERDUE,
    OVERDUE_DAYS,
    PASSED,
    TODAY,
    UPCOMING,
    BoardData,
    BoardRow,
    status_of,
)
from desktop.datetext import MONTH_ABBRS, WEEKDAY_ABBRS, long_date
from desktop.rules.deadlines import CASEWORK_KINDS as _CASEWORK_KINDS
from desktop.status_style import DEADLINE_MARK
from desktop.ui.widgets.dates import format_date, format_long

ClientIdRole = Qt.ItemDataRole.UserRole + 1
StatusRole = Qt.ItemDataRole.UserRole + 2
RowRole = Qt.ItemDataRole.UserRole + 3

COLUMNS = ("Date", "Status", "Client", "Deadline", "Kind", "Rule", "Adviser")
#: The casework reminders' kinds (desktop.rules.casework, issue 22): the centre's duties to the
#: client rather than the Home Office's or the Tribunal's deadlines.
CASEWORK_KINDS: tuple[str, ...] = tuple(kind for kind in _CASEWORK_KINDS if kind in KINDS)
#: The kind filter's entry for every casework kind at once.
CASEWORK_GROUP = "group:casework"
CASEWORK_GROUP_LABEL = "Casework reminders (all)"
WEEKDAYS = WEEKDAY_ABBRS
EMPTY = "The deadlines appear here once they are worked out."


def day_text(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {format_date(day)}"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def status_text(row: BoardRow, today: date, overdue_days: int = OVERDUE_DAYS) -> str:
    """The Status column: what the colour says, in words."""
    status = status_of(row, today, overdue_days)
    if row.problem:
        return "Check the history"
    if status == ATTENTION:
        return "Needs attention now"
    if status == DONE:
        return "Done in time"
    late = (today - row.last_day).days
    if status == OVERDUE:
        return f"Overdue: {_days(late)} ago"
    if status == PASSED:
        return f"Passed {_days(late)} ago"
    if status == TODAY:
        if row.date < today:  # r.11: the last day fell on a weekend or holiday
            return "Today (last working day)"
        return "Today"
    return f"In {_days((row.date - today).days)}"


class DeadlinesModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[BoardRow] = []
        self._today = date.today()
        self._overdue_days = OVERDUE_DAYS
        self._red = QBrush(QColor(DEADLINE_MARK))

    def set_rows(self, rows: list[BoardRow], today: date, overdue_days: int) -> None:
        self.beginResetModel()
        self._rows = rows
        self._today = today
        self._overdue_days = overdue_days
        self.endResetModel()

    def rows(self) -> list[BoardRow]:
        return self._rows

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def _cell(self, row: BoardRow, column: int) -> str:
        if column == 0:
            text = day_text(row.date)
            nwd = row.next_working_day
            if nwd is not None:  # r.11: in time on the next working day
                text += f" → {WEEKDAYS[nwd.weekday()]} {nwd.day} {MONTH_ABBRS[nwd.month - 1]}"
            return text
        if column == 1:
            return status_text(row, self._today, self._overdue_days)
        if column == 2:
            return row.client_name
        if column == 3:
            return row.summary
        if column == 4:
            return KINDS.get(row.kind, row.kind)
        if column == 5:
            return row.rule
        return row.adviser

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._cell(row, index.column())
        if role == ClientIdRole:
            return row.client_id
        if role == RowRole:
            return row
        status = status_of(row, self._today, self._overdue_days)
        if role == StatusRole:
            return status
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._red if status in (OVERDUE, ATTENTION) or row.problem else None
        if role == Qt.ItemDataRole.FontRole:
            if status in (TODAY, ATTENTION) or row.problem:
                font = QFont()
                font.setBold(True)
                return font
            if status == PASSED:
                font = QFont()
                font.setItalic(True)
                return font
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return full_text(row)
        return None


def full_text(row: BoardRow) -> str:
    """Everything about one row, for the tooltip and the line under the table: the engine's
    sentence with its dates written out, and the rule."""
    # The engine's wording already explains an r.11 next working day and what was done.
    what = row.what if row.problem else row.words(long_date)
    what = what if what.endswith((".", "!", "?")) else what + "."
    parts = [f"{format_long(row.date)}, {row.client_name} ({row.adviser}): {what}"]
    if row.attention and row.kind in CASEWORK_KINDS:
        parts.append("This stays on the board until it is done (the client's Casework tab).")
    elif row.attention:
        parts.append("This stays on the board until the record is completed.")
    elif row.met:
        parts.append("Done in time.")
    if row.rule:
        parts.append(f"Rule: {row.rule}.")
    return " ".join(parts)


class DeadlinesPage(QWidget):
    open_client = Signal(int)
    refresh_requested = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: BoardData | None = None

        self.title = QLabel("Deadlines across all clients")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAccessibleName("Deadlines across all clients")
        self.as_of = QLabel()
        self.as_of.setAccessibleName("Deadlines worked out for")
        self.counts = QLabel()
        self.counts.setAccessibleName("Deadline counts")
        self.counts.setTextFormat(Qt.TextFormat.PlainText)

        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Name, deadline, rule…")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setAccessibleName("Filter deadlines by text")
        text_label = QLabel("Fil&ter")
        text_label.setBuddy(self.text_filter)
        self.adviser_filter = QComboBox()
        self.adviser_filter.setAccessibleName("Filter deadlines by adviser")
        self.adviser_filter.addItem("All advisers", ALL)
        self.adviser_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        adviser_label = QLabel("&Adviser")
        adviser_label.setBuddy(self.adviser_filter)
        self.kind_filter = QComboBox()
        self.kind_filter.setAccessibleName("Filter deadlines by kind")
        self.kind_filter.addItem("All kinds", ALL)
        if CASEWORK_KINDS:
            self.kind_filter.addItem(CASEWORK_GROUP_LABEL, CASEWORK_GROUP)
        for code, label in KINDS.items():
            self.kind_filter.addItem(label, code)
        kind_label = QLabel("&Kind")
        kind_label.setBuddy(self.kind_filter)
        self.show_passed = QCheckBox("Show &older passed")
        self.show_passed.setAccessibleName("Show passed deadlines older than the overdue window")
        self.overdue_days = QSpinBox()
        self.overdue_days.setRange(0, 3650)
        self.overdue_days.setValue(OVERDUE_DAYS)
        self.overdue_days.setSuffix(" days")
        self.overdue_days.setAccessibleName("Days a passed deadline stays on the board as overdue")
        overdue_label = QLabel("Overd&ue for")
        overdue_label.setBuddy(self.overdue_days)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setAccessibleName("Work out the deadlines again")
        self.refresh_button.setToolTip("Work out every client's deadlines again (F5)")

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setAccessibleName("Working out deadlines progress")
        self.progress_label = QLabel()
        self.progress_label.setAccessibleName("Working out deadlines")
        self.message = QLabel(EMPTY)
        self.message.setAccessibleName("Deadlines board message")
        self.message.setWordWrap(True)

        self.model = DeadlinesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Deadlines, in date order")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in enumerate((205, 165, 170, 380, 130, 215, 135)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.detail = QLabel()
        self.detail.setAccessibleName("The deadline picked, in full")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(self.fontMetrics().height() * 3)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.shown = QLabel()
        self.shown.setAccessibleName("Number of deadlines shown")
        self.open_button = QPushButton("Open &client")
        self.open_button.setAccessibleName("Open the client of the deadline picked")
        self.open_button.setToolTip("Open this client (Enter or double-click)")
        self.open_button.setEnabled(False)
        self.back_button = QPushButton("&Back to clients")
        self.back_button.setAccessibleName("Back to the client list")
        self.back_button.setToolTip("Back to the client list (Esc)")
        self.export_button = QPushButton("&Print or export…")
        self.export_button.setAccessibleName("Print or export the deadlines")
        self.export_button.setToolTip(
            "Print the deadlines, or save them as a PDF or a CSV file for Excel, with the "
            "columns you choose"
        )
        self.export_button.setEnabled(False)
        #: The open print/export dialog (closed when the page is cleared: it holds the rows).
        self._export_dialog = None

        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.as_of)
        filters = QHBoxLayout()
        filters.addWidget(text_label)
        filters.addWidget(self.text_filter, 2)
        filters.addWidget(adviser_label)
        filters.addWidget(self.adviser_filter, 1)
        filters.addWidget(kind_label)
        filters.addWidget(self.kind_filter, 1)
        filters.addWidget(self.show_passed)
        filters.addWidget(overdue_label)
        filters.addWidget(self.overdue_days)
        filters.addWidget(self.refresh_button)
        busy = QHBoxLayout()
        busy.addWidget(self.progress_bar, 1)
        busy.addWidget(self.progress_label, 2)
        footer = QHBoxLayout()
        footer.addWidget(self.shown, 1)
        footer.addWidget(self.export_button)
        footer.addWidget(self.back_button)
        footer.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(heading)
        layout.addWidget(self.counts)
        layout.addLayout(filters)
        layout.addLayout(busy)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(footer)
        self.setTabOrder(self.text_filter, self.adviser_filter)
        self.setTabOrder(self.adviser_filter, self.kind_filter)
        self.setTabOrder(self.kind_filter, self.show_passed)
        self.setTabOrder(self.show_passed, self.overdue_days)
        self.setTabOrder(self.overdue_days, self.refresh_button)
        self.setTabOrder(self.refresh_button, self.table)
        self.setTabOrder(self.table, self.open_button)
        self.setTabOrder(self.open_button, self.export_button)
        self.setTabOrder(self.export_button, self.back_button)

        self.text_filter.textChanged.connect(self.apply_filters)
        self.adviser_filter.currentIndexChanged.connect(self.apply_filters)
        self.kind_filter.currentIndexChanged.connect(self.apply_filters)
        self.show_passed.toggled.connect(self.apply_filters)
        self.overdue_days.valueChanged.connect(self.apply_filters)
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.open_button.clicked.connect(self.open_selected)
        self.back_button.clicked.connect(self.close_requested)
        self.export_button.clicked.connect(self.open_export)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.table.installEventFilter(self)
        self.text_filter.installEventFilter(self)
        refresh = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh_requested)
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.close_requested)
        self._show_progress(False)
        self.clear()

    # ---- keyboard ----------------------------------------------------------------------------
    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if obj is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_selected()
                return True
            if obj is self.text_filter and key == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus()
                if not self.table.currentIndex().isValid():
                    self.table.selectRow(0)
                return True
        return super().eventFilter(obj, event)

    def focus_first(self) -> None:
        if self.model.rowCount():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)
        else:
            self.text_filter.setFocus()

    # ---- data --------------------------------------------------------------------------------
    def set_data(self, data: BoardData | None) -> None:
        """Show a new build (None: nothing to show). Filters and the row picked are kept."""
        if data is None:
            self.clear()
            return
        self._data = data
        self.as_of.setText(f"As of {format_long(data.today)}")
        self._fill_advisers(data.advisers())
        problems = data.problems()
        if problems:
            self.message.setText(
                f"{problems} client{'s' if problems != 1 else ''}' deadlines could not be "
                "worked out: their rows say to check the history."
            )
            self.message.show()
        else:
            self.message.hide()
        self.apply_filters()

    def _fill_advisers(self, names: list[str]) -> None:
        current = self.adviser_filter.currentData()
        self.adviser_filter.blockSignals(True)
        self.adviser_filter.clear()
        self.adviser_filter.addItem("All advisers", ALL)
        for name in names:
            self.adviser_filter.addItem(name, name)
        index = self.adviser_filter.findData(current) if current is not ALL else 0
        self.adviser_filter.setCurrentIndex(max(index, 0))
        self.adviser_filter.blockSignals(False)

    def apply_filters(self) -> None:
        data = self._data
        if data is None:
            return
        picked = self.selected_row()
        kind = self.kind_filter.currentData()
        rows = data.visible(
            adviser=self.adviser_filter.currentData(),
            kind=ALL if kind == CASEWORK_GROUP else kind,
            text=self.text_filter.text(),
            show_passed=self.show_passed.isChecked(),
            overdue_days=self.overdue_days.value(),
        )
        if kind == CASEWORK_GROUP:
            rows = [row for row in rows if row.kind in CASEWORK_KINDS]
        self.model.set_rows(rows, data.today, self.overdue_days.value())
        self._update_counts(rows)
        self.export_button.setEnabled(bool(data.rows))
        if picked is not None:
            self._reselect(picked)
        self._on_current(self.table.currentIndex(), QModelIndex())

    def _reselect(self, picked: BoardRow) -> None:
        for i, row in enumerate(self.model.rows()):
            if (row.client_id, row.date, row.what) == (picked.client_id, picked.date, picked.what):
                self.table.selectRow(i)
                self.table.scrollTo(self.model.index(i, 0))
                return

    def _update_counts(self, rows: list[BoardRow]) -> None:
        data = self._data
        total = len(data.rows)
        today, window = data.today, self.overdue_days.value()
        tally = {ATTENTION: 0, OVERDUE: 0, TODAY: 0, UPCOMING: 0, PASSED: 0, DONE: 0}
        soon = 0
        for row in rows:
            status = status_of(row, today, window)
            tally[status] += 1
            if status == UPCOMING and (row.date - today).days <= BADGE_DAYS:
                soon += 1
        self.counts.setText(
            f"{tally[ATTENTION]} need attention  ·  {tally[OVERDUE]} overdue  ·  "
            f"{tally[TODAY]} today  ·  {soon} in the next {BADGE_DAYS} days  ·  "
            f"{tally[UPCOMING]} upcoming in all"
        )
        if not rows:
            self.shown.setText(
                "No deadlines match the filters." if total else "No deadlines for any client."
            )
        else:
            self.shown.setText(f"Showing {len(rows):,} of {total:,} deadlines")

    def set_progress(self, percent: int, message: str) -> None:
        """Progress of a build (percent 100 or an empty message: none running)."""
        running = percent < 100 and bool(message)
        self._show_progress(running)
        if running:
            self.progress_bar.setValue(percent)
            self.progress_label.setText(message)
        self.refresh_button.setEnabled(not running)

    def _show_progress(self, visible: bool) -> None:
        self.progress_bar.setVisible(visible)
        self.progress_label.setVisible(visible)
        if not visible:
            self.progress_label.clear()

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.message.show()

    def clear(self) -> None:
        """Forget every client's data (the app locks)."""
        self._data = None
        self.model.set_rows([], date.today(), self.overdue_days.value())
        self.text_filter.blockSignals(True)
        self.text_filter.clear()
        self.text_filter.blockSignals(False)
        self._fill_advisers([])
        self.adviser_filter.setCurrentIndex(0)
        self.as_of.clear()
        self.counts.clear()
        self.detail.clear()
        self.shown.clear()
        self.message.setText(EMPTY)
        self.message.show()
        self.open_button.setEnabled(False)
        self.export_button.setEnabled(False)
        self._close_export()
        self._show_progress(False)
        self.refresh_button.setEnabled(True)

    # ---- print and export ----------------------------------------------------------------------
    def filters_in_words(self) -> list[str]:
        """The filters applied, for the document's scope line. The text typed is never repeated
        (it may be a client's name): only that there is one."""
        out = []
        if self.adviser_filter.currentData() is not ALL:
            out.append(f"adviser {self.adviser_filter.currentText()}")
        if self.kind_filter.currentData() is not ALL:
            out.append(f"kind {self.kind_filter.currentText()}")
        if self.text_filter.text().strip():
            out.append("a text filter")
        if self.show_passed.isChecked():
            out.append("older passed deadlines included")
        return out

    def open_export(self):
        """The print/export dialog for what the board holds now (None: nothing to export)."""
        data = self._data
        if data is None or not data.rows:
            return None
        from desktop.ui.board_export_dialog import BoardExportDialog

        self._close_export()
        window = self.window()
        dialog = BoardExportDialog(
            self.model.rows(),
            data.rows,
            today=data.today,
            overdue_days=self.overdue_days.value(),
            filters=self.filters_in_words(),
            run=getattr(window, "run", None) if window is not self else None,
            parent=self,
        )
        self._export_dialog = dialog
        dialog.finished.connect(lambda _result: self._forget_export(dialog))
        dialog.open()
        return dialog

    def _forget_export(self, dialog) -> None:
        if self._export_dialog is dialog:
            self._export_dialog = None
        dialog.deleteLater()

    def _close_export(self) -> None:
        dialog, self._export_dialog = self._export_dialog, None
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()

    # ---- rows --------------------------------------------------------------------------------
    def selected_row(self) -> BoardRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return index.data(RowRole)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(RowRole) if current.isValid() else None
        self.open_button.setEnabled(row is not None)
        self.detail.setText(full_text(row) if row is not None else "")

    def open_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.open_client.emit(row.client_id)
