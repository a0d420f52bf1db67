"""Print or export the deadlines board: the adviser picks the rows and the columns, then Save
PDF…, Print… or Save CSV….

Rows: the deadlines the board shows now (its filters applied: the default) or every deadline
on it, older passed ones included. Columns: Date, Status, Client no., Deadline, Kind, Rule and
Adviser are ticked at first; "Client name" and "In full" (the engine's whole sentence) are not.
Client names are left out unless ticked because a print-out lies on desks and a CSV gets
e-mailed; the client number is enough to find the client in the app. With names ticked, the
PDF's footer says "Contains personal data" and the dialog says so too.

The text typed in the board's filter is never written in the document (it may be a client's
name): the scope line says only that a text filter was applied.

The table (the same words as the board's cells: `cell_text`), the PDF (reportlab,
desktop.printing.board_report) and the CSV are made off the UI thread; files are written with
`desktop.files.write_atomically` through desktop.ui.print_report (PDF, printing) or here (CSV).
The suggested file names hold the date only, never a name: deadlines-board-2026-12-06.csv.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.board import KINDS, BoardRow
from desktop.files import write_atomically
from desktop.printing.board_report import BoardTable, board_csv, build_board_pdf
from desktop.rules.datetext import weekday_date
from desktop.ui import print_report
from desktop.ui.deadlines_page import status_text

#: (key, header, ticked at first). Names are off unless ticked (see the module's docstring).
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("date", "Date", True),
    ("status", "Status", True),
    ("client_no", "Client no.", True),
    ("client", "Client", False),
    ("deadline", "Deadline", True),
    ("full", "In full", False),
    ("kind", "Kind", True),
    ("rule", "Rule", True),
    ("adviser", "Adviser", True),
)
#: Columns that hold client names: ticking one makes the document personal data.
NAME_COLUMNS = frozenset({"client"})
CSV_FILTER = "CSV for Excel (*.csv)"


def date_cell(row: BoardRow) -> str:
    """Sun 29 Nov 2026, and the next working day when r.11 moves the last day."""
    text = weekday_date(row.date, short=True)
    if row.next_working_day is not None:
        text += f" (in time on {weekday_date(row.next_working_day, short=True)})"
    return text


def cell_text(row: BoardRow, key: str, today: date, overdue_days: int) -> str:
    """One cell of the export, in the board's words."""
    if key == "date":
        return date_cell(row)
    if key == "status":
        return status_text(row, today, overdue_days)
    if key == "client_no":
        return str(row.client_id)
    if key == "client":
        return row.client_name
    if key == "deadline":
        return row.summary
    if key == "full":
        return row.what if row.problem else row.words()
    if key == "kind":
        return KINDS.get(row.kind, row.kind)
    if key == "rule":
        return row.rule
    if key == "adviser":
        return row.adviser
    raise KeyError(key)


def make_table(
    rows: Sequence[BoardRow],
    keys: Sequence[str],
    *,
    today: date,
    overdue_days: int,
    made_on: date,
    scope: str,
) -> BoardTable:
    """The chosen columns of `rows` as plain strings (safe on a worker thread)."""
    headers = {key: header for key, header, _on in COLUMNS}
    return BoardTable(
        headers=tuple(headers[k] for k in keys),
        rows=tuple(tuple(cell_text(r, k, today, overdue_days) for k in keys) for r in rows),
        made_on=made_on,
        as_of=today,
        personal=any(k in NAME_COLUMNS for k in keys),
        scope=scope,
    )


def suggested_name(made_on: date, suffix: str) -> str:
    return f"deadlines-board-{made_on.isoformat()}{suffix}"


def _plural(n: int) -> str:
    return f"{n:,} deadline{'s' if n != 1 else ''}"


class BoardExportDialog(QDialog):
    """The choices, and the three ways out. `run` is the main window's `run` (keeps its busy
    count); without it an Operation is started directly."""

    def __init__(
        self,
        shown: Sequence[BoardRow],
        every: Sequence[BoardRow],
        *,
        today: date,
        overdue_days: int,
        filters: Sequence[str] = (),
        made_on: date | None = None,
        run: Callable[..., Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print or export the deadlines")
        self.setAccessibleName("Print or export the deadlines")
        self._shown, self._every = tuple(shown), tuple(every)
        self._today, self._overdue_days = today, overdue_days
        self._filters = tuple(filters)
        self._made_on = made_on or date.today()
        self._run = run
        #: The running operation (tests wait on it).
        self.operation: Any = None

        rows_box = QGroupBox("Rows")
        filtered = f", filtered by {', '.join(self._filters)}" if self._filters else ""
        self.shown_rows = QRadioButton(f"The {_plural(len(shown))} shown now{filtered}")
        self.every_row = QRadioButton(
            f"Every deadline on the board ({len(every):,}, older passed ones included)"
        )
        self.shown_rows.setChecked(True)
        rows_layout = QVBoxLayout(rows_box)
        rows_layout.addWidget(self.shown_rows)
        rows_layout.addWidget(self.every_row)

        columns_box = QGroupBox("Columns")
        grid = QGridLayout(columns_box)
        self.columns: dict[str, QCheckBox] = {}
        for i, (key, header, on) in enumerate(COLUMNS):
            label = "Client name" if key == "client" else header
            box = QCheckBox(label)
            box.setChecked(on)
            box.setAccessibleName(f"Include the column {label}")
            box.toggled.connect(self._update)
            self.columns[key] = box
            grid.addWidget(box, i // 3, i % 3)

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName("What the document will hold")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Export result")

        self.pdf_button = QPushButton("Save &PDF…")
        self.pdf_button.setAccessibleName("Save the deadlines as a PDF")
        self.print_button = QPushButton("P&rint…")
        self.print_button.setAccessibleName("Print the deadlines")
        self.csv_button = QPushButton("Save C&SV…")
        self.csv_button.setAccessibleName("Save the deadlines as a CSV file for Excel")
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        for button in (self.pdf_button, self.print_button, self.csv_button):
            button.setAutoDefault(False)
        self.pdf_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.csv_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(rows_box)
        layout.addWidget(columns_box)
        layout.addWidget(self.note)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        self.pdf_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_board)
        self.csv_button.clicked.connect(self.save_csv)
        self.close_button.clicked.connect(self.reject)
        self.shown_rows.toggled.connect(self._update)
        self._update()

    # ---- choices ---------------------------------------------------------------------------
    def chosen_keys(self) -> list[str]:
        return [key for key, _h, _on in COLUMNS if self.columns[key].isChecked()]

    def chosen_rows(self) -> tuple[BoardRow, ...]:
        return self._shown if self.shown_rows.isChecked() else self._every

    def personal(self) -> bool:
        return any(k in NAME_COLUMNS for k in self.chosen_keys())

    def scope(self) -> str:
        rows = self.chosen_rows()
        if self.shown_rows.isChecked():
            filtered = f", filtered by {', '.join(self._filters)}" if self._filters else ""
            return f"The {_plural(len(rows))} shown on the board{filtered}"
        return f"Every deadline on the board ({len(rows):,})"

    def _update(self, *_args) -> None:
        keys = self.chosen_keys()
        for button in (self.pdf_button, self.print_button, self.csv_button):
            button.setEnabled(bool(keys))
        if not keys:
            self.note.setText("Tick at least one column.")
        elif self.personal():
            self.note.setText(
                "Client names are included: the document is personal data. Keep it safe; "
                "the PDF says so at the foot of every page."
            )
        else:
            self.note.setText(
                "No client names: the client number finds the client in Drop-in Desk."
            )

    def table_factory(self) -> Callable[[], BoardTable]:
        """Makes the table from values only (called on a worker thread)."""
        return partial(
            make_table,
            self.chosen_rows(),
            tuple(self.chosen_keys()),
            today=self._today,
            overdue_days=self._overdue_days,
            made_on=self._made_on,
            scope=self.scope(),
        )

    # ---- the ways out ----------------------------------------------------------------------
    def choose_path(self, caption: str, suggested: str, filters: str) -> Path | None:
        """Where to save (tests replace this)."""
        start = print_report._default_folder() / suggested
        chosen, _ = QFileDialog.getSaveFileName(self, caption, str(start), filters)
        return Path(chosen) if chosen else None

    def _say(self, text: str) -> None:
        """A result on the dialog."""
        self.status.setText(text)

    def _callbacks(self) -> tuple[Callable[[str], None], Callable[[Path], None], Callable]:
        """(say, saved, failed) for the work started here: they hold the dialog weakly (it may
        be closed and deleted while the work runs; see desktop/ui/print_report.py)."""
        shown = print_report.held_weakly(self)

        def say(text: str) -> None:
            dialog = shown()
            if dialog is not None:
                dialog._say(text)

        def saved(path: Path) -> None:
            dialog = shown()
            say(f"Saved as {path.name}.")
            parent = dialog.parentWidget() if dialog is not None else None
            print_report.notify(parent, f"Deadlines saved as {path}.")

        def failed(exc: BaseException) -> None:
            text = f"The deadlines were not saved. {print_report.problem_text(exc)}"
            say(text)
            print_report.show_problem(shown(), "Save the deadlines", text)

        return say, saved, failed

    def save_pdf(self) -> Any:
        path = self.choose_path(
            "Save the deadlines as PDF",
            suggested_name(self._made_on, ".pdf"),
            print_report.PDF_FILTER,
        )
        if path is None:
            return None
        path = path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")
        make = self.table_factory()
        _say, saved, _failed = self._callbacks()
        self.operation = print_report.write_report_pdf(
            self,
            lambda: build_board_pdf(make()),
            path,
            run=self._run,
            on_saved=saved,
            title="Saving the deadlines",
        )
        return self.operation

    def print_board(self) -> Any:
        make = self.table_factory()
        say, _saved, _failed = self._callbacks()
        self.operation = print_report.print_report(
            self,
            lambda: build_board_pdf(make()),
            run=self._run,
            suggested_name=suggested_name(self._made_on, ".pdf"),
            on_done=say,
            title="Deadlines board",
        )
        return self.operation

    def save_csv(self) -> Any:
        path = self.choose_path(
            "Save the deadlines as CSV", suggested_name(self._made_on, ".csv"), CSV_FILTER
        )
        if path is None:
            return None
        path = path if path.suffix.lower() == ".csv" else path.with_name(path.name + ".csv")
        make = self.table_factory()

        def work(progress: Callable[[int, str], None]) -> Path:
            progress(10, "Making the table")
            data = board_csv(make())
            progress(85, "Writing the file")
            return write_atomically(path, data)

        _say, saved, failed = self._callbacks()
        self.operation = print_report._start(
            self, self._run, "Saving the deadlines", work, saved, failed
        )
        return self.operation
