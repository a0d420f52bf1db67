"""Tools > Statistics…: counts for funders and trustees (issue 22).

The adviser picks a period (first: the last full calendar quarter before today, the period
most funders report on; "Period" offers the last month, the last financial year April to
March and this year so far too, or type the dates), presses Count, and sees every breakdown
as published: counts of 1 to 4 shown "<5", others withheld "[c]" where a small one could be
worked out (desktop.rules.statistics). Save CSV… and Save PDF… write exactly what is shown.

Counting (reading the store, making the statistics key on first use) and writing the files
run off the UI thread (desktop.ui.operations) with progress. No names, dates of birth or
references are shown or written; the suggested file names hold the period only.
"""

from __future__ import annotations

import contextlib
import os
import stat
import weakref
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.datetext import long_date
from desktop.files import write_atomically
from desktop.rules.statistics import SUPPRESSION_NOTE, Statistics
from desktop.ui import print_report
from desktop.ui.widgets.date_field import DateField

CSV_FILTER = "CSV files (*.csv)"


# ---- periods ---------------------------------------------------------------------------------


def last_full_quarter(today: date) -> tuple[date, date]:
    """The last calendar quarter (Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec) that ended before today."""
    first_of_this = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_this - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end


def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def last_financial_year(today: date) -> tuple[date, date]:
    """The last whole UK financial year, 1 April to 31 March."""
    year = today.year if today >= date(today.year, 4, 1) else today.year - 1
    return date(year - 1, 4, 1), date(year, 3, 31)


def this_year_so_far(today: date) -> tuple[date, date]:
    return date(today.year, 1, 1), today


PERIODS: tuple[tuple[str, Callable[[date], tuple[date, date]] | None], ...] = (
    ("Last full quarter", last_full_quarter),
    ("Last month", last_month),
    ("Last financial year (April to March)", last_financial_year),
    ("This year so far", this_year_so_far),
    ("Dates typed below", None),
)


def suggested_name(start: date, end: date, suffix: str) -> str:
    return f"statistics-{start.isoformat()}-to-{end.isoformat()}{suffix}"


def write_private(path: Path, data: bytes) -> Path:
    """Written whole (write_atomically); a file written over that others could read is made
    readable by its owner only first (a new file already is)."""
    with contextlib.suppress(FileNotFoundError):
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(path, 0o600)
    return write_atomically(path, data)


def count_statistics(store: Any, start: date, end: date) -> tuple[Statistics, str]:
    """The published counts and the centre's name (on a worker thread)."""
    from desktop.assess import load_casework
    from desktop.rules.statistics import labels_from
    from desktop.store.repository import CENTRE_NAME_SETTING, get_setting
    from desktop.store.statistics import statistics_for

    labels = labels_from(load_casework())
    with store.session() as session:  # makes the statistics key on first use
        stats = statistics_for(session, start, end, labels)
        centre = (get_setting(session, CENTRE_NAME_SETTING, "") or "").strip()
    return stats, centre


class StatisticsDialog(QDialog):
    """`run` is the main window's `run` (keeps its busy count, so the app does not lock half
    way); without it an Operation is started directly."""

    def __init__(
        self,
        store: Any,
        *,
        today: date | None = None,
        run: Callable[..., Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Statistics for funders and trustees")
        self.setAccessibleName("Statistics for funders and trustees")
        self._store = store
        self._today = today or date.today()
        self._run = run
        #: The counts shown (None until counted, and again once the period is changed).
        self.stats: Statistics | None = None
        self.centre = ""
        #: The running operation (tests wait on it).
        self.operation: Any = None

        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        for words, _make in PERIODS:
            self.period.addItem(words)
        self.start = DateField(label="From", required=True)
        self.end = DateField(label="To", required=True)
        self.start.setAccessibleName("First day counted")
        self.end.setAccessibleName("Last day counted")
        form = QFormLayout()
        for text, field in (("&Period", self.period), ("&From", self.start), ("&To", self.end)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)

        self.count_button = QPushButton("&Count")
        self.count_button.setAccessibleName("Count the clients, visits and matters")
        self.count_button.setDefault(True)
        self.csv_button = QPushButton("Save C&SV…")
        self.csv_button.setAccessibleName("Save the statistics as a CSV file")
        self.pdf_button = QPushButton("Save P&DF…")
        self.pdf_button.setAccessibleName("Save the statistics as a PDF with charts")
        self.close_button = QPushButton("Close")
        for button in (self.csv_button, self.pdf_button, self.close_button):
            button.setAutoDefault(False)

        self.summary = QLabel("Choose a period and press Count.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Summary of the counts")
        self.note = QLabel(SUPPRESSION_NOTE)
        self.note.setWordWrap(True)
        self.note.setAccessibleName("How small counts are shown")
        self.table = QTreeWidget()
        self.table.setColumnCount(4)
        self.table.setHeaderLabels(["Breakdown", "Clients", "Visits", "Matters"])
        self.table.setAccessibleName("Counts by breakdown")
        self.table.setAccessibleDescription(
            "Each breakdown with its rows and total; <5 is a count of 1 to 4, [c] a count "
            "withheld so that a small one cannot be worked out"
        )
        self.table.setRootIsDecorated(True)
        self.table.setUniformRowHeights(True)
        self.table.setMinimumSize(560, 320)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Result")

        buttons = QHBoxLayout()
        buttons.addWidget(self.count_button)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        self.period.currentIndexChanged.connect(self._period_chosen)
        self.start.dateChanged.connect(self._dates_changed)
        self.end.dateChanged.connect(self._dates_changed)
        self.count_button.clicked.connect(self.count)
        self.csv_button.clicked.connect(self.save_csv)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)
        self._period_chosen(0)
        self.period.setFocus()

    # ---- the period ------------------------------------------------------------------------
    def _period_chosen(self, index: int) -> None:
        make = PERIODS[index][1]
        if make is None:
            self.start.setFocus()
            return
        start, end = make(self._today)
        self._setting = True
        self.start.setDate(start)
        self.end.setDate(end)
        self._setting = False
        self._dates_changed()

    def _dates_changed(self, *_args) -> None:
        if not getattr(self, "_setting", False) and self.period.currentIndex() != len(PERIODS) - 1:
            if self.sender() in (self.start, self.end):
                self.period.blockSignals(True)
                self.period.setCurrentIndex(len(PERIODS) - 1)
                self.period.blockSignals(False)
        self._show(None)
        problem = self.period_problem()
        self.count_button.setEnabled(problem is None)
        self.status.setText(problem or "")

    def period_problem(self) -> str | None:
        """A sentence naming the field that is wrong, or None."""
        for field in (self.start, self.end):
            if field.error():
                return field.error()
            if field.date() is None:
                return f"{field.label}: type a date."
        if self.start.date() > self.end.date():
            return "From: the first day is after the last day (To)."
        return None

    # ---- counting --------------------------------------------------------------------------
    def count(self) -> Any:
        if self.period_problem() is not None:
            return None
        start, end = self.start.date(), self.end.date()
        # The work gets values only (no `self`), and the callbacks hold the dialog weakly: a
        # callback holding `self` would keep the dialog alive from inside its own child
        # operation and free it there when the operation goes (a crash; see history_tab).
        work = partial(_count_work, self._store, start, end)
        me = weakref.ref(self)

        def done(found: tuple[Statistics, str]) -> None:
            dialog = me()
            if dialog is None or not isValid(dialog):
                return
            if (dialog.start.date(), dialog.end.date()) != (start, end):
                return  # the period changed while counting: these counts are not its
            dialog.centre = found[1]
            dialog._show(found[0])

        def failed(exc: BaseException) -> None:
            _report(me, "The statistics could not be counted. " + _problem(exc))

        self.status.setText("Counting…")
        self.operation = print_report._start(
            self, self._run, "Counting the statistics", work, done, failed
        )
        return self.operation

    def _show(self, stats: Statistics | None) -> None:
        self.stats = stats
        self.table.clear()
        self.csv_button.setEnabled(stats is not None)
        self.pdf_button.setEnabled(stats is not None)
        if stats is None:
            self.summary.setText("Choose a period and press Count.")
            return
        counts = dict(stats.summary)
        self.summary.setText(
            f"{long_date(stats.start)} to {long_date(stats.end)}: "
            f"{counts['Clients (unique)'].text} clients, {counts['Visits'].text} visits, "
            f"{counts['Matters opened'].text} matters opened, "
            f"{counts['Matters closed'].text} closed."
        )
        for b in stats.breakdowns:
            top = QTreeWidgetItem([b.title, *(c.text for c in b.total.cells())])
            font = top.font(0)
            font.setBold(True)
            for col in range(4):
                top.setFont(col, font)
            for row in b.rows:
                child = QTreeWidgetItem([row.label, *(c.text for c in row.cells())])
                for col in (1, 2, 3):
                    child.setTextAlignment(col, Qt.AlignmentFlag.AlignRight)
                top.addChild(child)
            for col in (1, 2, 3):
                top.setTextAlignment(col, Qt.AlignmentFlag.AlignRight)
            self.table.addTopLevelItem(top)
            top.setExpanded(True)
        self.table.resizeColumnToContents(0)
        self.status.setText("Totals are on each breakdown's line; its rows are below it.")

    # ---- saving ----------------------------------------------------------------------------
    def choose_path(self, caption: str, suggested: str, filters: str) -> Path | None:
        """Where to save (tests replace this)."""
        start = print_report._default_folder() / suggested
        chosen, _ = QFileDialog.getSaveFileName(self, caption, str(start), filters)
        return Path(chosen) if chosen else None

    def save_csv(self) -> Any:
        return self._save(".csv", "Save the statistics as CSV", CSV_FILTER)

    def save_pdf(self) -> Any:
        return self._save(".pdf", "Save the statistics as PDF", print_report.PDF_FILTER)

    def _save(self, suffix: str, caption: str, filters: str) -> Any:
        stats, centre = self.stats, self.centre
        if stats is None:
            return None
        path = self.choose_path(caption, suggested_name(stats.start, stats.end, suffix), filters)
        if path is None:
            return None
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)

        work = partial(_save_work, stats, centre, suffix, path)
        me = weakref.ref(self)

        def done(written: Path) -> None:
            dialog = me()
            if dialog is not None and isValid(dialog):
                dialog.status.setText(f"Saved as {written.name}.")
                print_report.notify(dialog.parentWidget(), f"Statistics saved as {written}.")

        def failed(exc: BaseException) -> None:
            _report(me, "The statistics were not saved. " + print_report.problem_text(exc))

        self.operation = print_report._start(
            self, self._run, "Saving the statistics", work, done, failed
        )
        return self.operation


def _count_work(
    store: Any, start: date, end: date, progress: Callable[[int, str], None]
) -> tuple[Statistics, str]:
    progress(10, "Reading the visits and matters")
    found = count_statistics(store, start, end)
    progress(95, "Suppressing small counts")
    return found


def _save_work(
    stats: Statistics, centre: str, suffix: str, path: Path, progress: Callable[[int, str], None]
) -> Path:
    from desktop.printing.statistics_report import statistics_csv, statistics_pdf

    progress(10, "Making the file")
    make = statistics_csv if suffix == ".csv" else statistics_pdf
    data = make(stats, centre, date.today())
    progress(85, "Writing the file")
    return write_private(path, data)


def _report(me: weakref.ref, text: str) -> None:
    """A problem on the dialog's status line and in a message (the dialog may have gone)."""
    dialog = me()
    alive = dialog is not None and isValid(dialog)
    if alive:
        dialog.status.setText(text)
    print_report.show_problem(dialog if alive else None, "Statistics", text)


def _problem(exc: BaseException) -> str:
    """Our own errors carry a sentence (the casework data's names its file); anything else its
    kind only, never data."""
    from desktop.store.errors import StoreError

    if isinstance(exc, StoreError) or type(exc).__name__ == "CaseworkDataError":
        return str(exc)
    return f"({type(exc).__name__})"
