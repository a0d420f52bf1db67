"""The Statements tab: fee-waiver bank statements for everyone in the household.

Accounts (who holds them, bank, last four digits, open/dormant/closed), the statements held for
each (imported CSV/OFX files, paper statements typed in, or quiet statements with no lines), the
application date they are checked against and the threshold (standard or cautious: the amounts
are `statements.threshold` and `statements.threshold_cautious` in resources/rules/statements.toml).
The checks (`desktop.rules.statements.review`) run off the UI thread after every change; the
tab shows coverage per account, what is missing, and "37 of 52 explained". Review flags… walks
the flagged lines; Save sheet… / Print sheet… make the annotation sheet (DRAFT until every flag
is explained).

Importing a file runs off the window thread with progress and a Cancel button: reading and
parsing it, adding its lines to the store (one transaction: every new line or none, also when
it fails or is cancelled) and loading the statements back. The column chooser's first look at
a file runs off the window thread too. A saved bank layout that cannot be used is left out with
a warning naming it; the import goes on with the others. Other changes are written on the
window thread, one transaction per action.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.rules.statement_types import Explanation, StatementReview
from desktop.store import statements as st
from desktop.ui.client_tab import DETAILS, HOUSEHOLD, STATEMENTS
from desktop.ui.operations import Operation
from desktop.ui.print_report import _default_folder
from desktop.ui.widgets import form_feedback
from desktop.ui.widgets.date_field import DateField
from desktop.ui.widgets.dates import format_date
from desktop.ui.widgets.record_table import RecordGrid

ACCOUNT_HEADERS = ("Holder", "Bank", "Type", "Sort code", "Last four", "Status", "Coverage")
STATEMENT_HEADERS = ("From", "To", "Source", "Lines")
SOURCE_WORDS = {
    "csv": "CSV file",
    "ofx": "OFX file",
    "paper": "Paper (typed in)",
    "declared": "No transactions",
}
STATEMENT_FILTER = "Bank statements (*.csv *.txt *.ofx *.qfx);;All files (*)"
#: The threshold choices, in menu order; the amounts are figures (resources/rules/statements.toml).
THRESHOLD_WORDS = {"standard": "Standard", "cautious": "Cautious"}


def threshold_labels(on: date) -> dict[str, str]:
    """{"standard": "Standard (over £250)", "cautious": "Cautious (over £50)"}, the amounts
    being the figures in force on `on` (`desktop.rules.statements.thresholds`)."""
    from desktop.assess import load_figures
    from desktop.rules.statements import pounds, thresholds

    amounts = thresholds(load_figures(), on)
    return {key: f"{word} (over {pounds(amounts[key])})" for key, word in THRESHOLD_WORDS.items()}


def review_work(inputs: st.ReviewInputs, on: date, threshold_choice: str, _progress):
    """On a pool thread: the checks, from pure values (no widget, no store)."""
    from desktop.assess import load_figures, statement_vocabulary
    from desktop.rules.statements import review, thresholds

    figures = load_figures()
    threshold = thresholds(figures, on)[threshold_choice]
    return review(
        inputs.accounts,
        inputs.txns,
        on,
        figures,
        statement_vocabulary(),
        threshold=threshold,
        household=inputs.household,
        explanations=inputs.explanations,
    )


@dataclass(frozen=True)
class ChosenColumns:
    """Columns chosen in the column chooser, and the line reading starts from (the header's,
    or the first transaction's when the file has no header line)."""

    columns: object  # a ColumnMap
    from_line: int = 1


@dataclass(frozen=True)
class FileRead:
    statement: object  # a ParsedStatement
    warnings: tuple[str, ...] = ()  # saved layouts left out


@dataclass(frozen=True)
class Imported:
    result: st.ImportResult
    inputs: st.ReviewInputs


#: What an import's work returns when the adviser pressed Cancel: nothing was kept.
CANCELLED = "cancelled"


class _Cancelled(Exception):
    """Raised inside the store's transaction to roll an import back."""


class ImportProgress(QObject):
    """Carries progress from an import's pool thread to the window (a queued signal)."""

    progress = Signal(int, str)

    def report(self, percent: int, message: str) -> None:
        self.progress.emit(int(percent), str(message))


def read_work(path: Path, chosen, formats_dirs: Sequence[Path], cancel, report, _progress):
    """On a pool thread: read a statement file whole. `chosen` is None (detect the layout), a
    BankFormat, a ChosenColumns or a ColumnMap. Returns a FileRead, or CANCELLED; raises
    StatementFileError (carrying `layout_warnings`: the saved layouts left out)."""
    from desktop.importers.bank_csv import (
        BankFormat,
        StatementFileError,
        load_formats_reporting,
        read_csv,
        read_statement,
    )

    report(2, f"Reading {path.name}…")
    formats, warnings = load_formats_reporting(*formats_dirs)
    try:
        if isinstance(chosen, BankFormat):
            parsed = read_csv(path, fmt=chosen, formats=formats)
        elif isinstance(chosen, ChosenColumns):
            parsed = read_csv(
                path, columns=chosen.columns, formats=formats, from_line=chosen.from_line
            )
        elif chosen is not None:
            parsed = read_csv(path, columns=chosen, formats=formats)
        else:
            parsed = read_statement(path, formats=formats)
    except StatementFileError as exc:
        exc.layout_warnings = tuple(warnings)
        raise
    if cancel.is_set():
        return CANCELLED
    report(40, f"Read {len(parsed.rows):,} lines from {path.name}.")
    return FileRead(parsed, tuple(warnings))


def save_work(store, account_id: int, client_id: int, parsed, source: str, adviser: str,
              cancel, report, _progress):  # fmt: skip
    """On a pool thread: add a parsed statement to the store in one transaction (every new
    line or none: a failure or Cancel rolls it all back), then load the client's statements
    back for the tab. Returns an Imported, or CANCELLED."""
    if cancel.is_set():
        return CANCELLED
    report(45, f"Adding {len(parsed.rows):,} lines to the store…")
    try:
        with store.session() as session:
            result = st.add_statement(session, account_id, parsed, source, adviser)
            if cancel.is_set():
                raise _Cancelled  # out of the transaction: nothing is kept
    except _Cancelled:
        return CANCELLED
    report(85, "Loading the statements…")
    with store.read_session() as session:
        inputs = st.review_inputs(session, client_id)
    return Imported(result, inputs)


def add_statement_work(store, account_id: int, client_id: int, parsed, source: str,
                       adviser: str, progress):  # fmt: skip
    """On a pool thread: add a statement typed in (every line or none, one transaction) and
    load the client's statements back for the tab. Returns an Imported."""
    return save_work(
        store, account_id, client_id, parsed, source, adviser, threading.Event(), progress, progress
    )


def sniff_work(path: Path, formats_dirs: Sequence[Path], _progress):
    """On a pool thread: the column chooser's first look at a file (encoding, header, the
    first lines) and the layouts it is offered: (preview, formats, warnings)."""
    from desktop.importers.bank_csv import load_formats_reporting, sniff_csv

    formats, warnings = load_formats_reporting(*formats_dirs)
    return sniff_csv(path, formats), formats, tuple(warnings)


def sheet_bytes(
    review, txns, explanations, client_name, adviser, made_on, language: str = "en"
) -> bytes:
    """On a pool thread: the printed annotation sheet (its client copy in `language`)."""
    from desktop.printing.annotation_sheet import build_annotation_sheet

    return build_annotation_sheet(
        review,
        txns,
        explanations,
        client_name=client_name,
        made_on=made_on,
        adviser=adviser,
        language=language,
    )


def _problem(exc: BaseException) -> str:
    """What went wrong, in a sentence: the message of an error a person can act on (they name
    the file, line and column, never a value typed), else only its kind."""
    from desktop.files import FileReadProblem
    from desktop.importers.bank_csv import BankFormatError, StatementFileError

    if isinstance(exc, (StatementFileError, BankFormatError, FileReadProblem)):
        return str(exc)
    if isinstance(exc, OSError):
        return f"the file could not be read ({exc.strerror or type(exc).__name__})."
    return f"the file could not be read ({type(exc).__name__})."


def suggested_sheet_name(client_id: int | None, made_on: date) -> str:
    """No client name in the file name: it may be left on a shared machine."""
    who = f"-client-{client_id}" if client_id is not None else ""
    return f"annotation-sheet{who}-{made_on.isoformat()}.pdf"


class StatementsTab(QWidget):
    # The client-tab contract (desktop.ui.client_tab): who may hold an account comes from
    # the details and the household.
    tab_title = "Statements"
    reacts_to = frozenset({DETAILS, HOUSEHOLD})
    writes = {"statements_changed": frozenset({STATEMENTS})}

    statements_changed = Signal()
    #: (generation) emitted when a review arrives; tests wait on it.
    review_ready = Signal(int)
    #: (percent, message) of a statement being imported, on the window thread.
    import_progress = Signal(int, str)
    #: Emitted when an import has finished, whatever its end (added, failed, cancelled).
    import_finished = Signal()
    #: Emitted when a statement typed in (or a paper one) has been added or refused.
    statement_added = Signal()
    #: (client id, whether the lines went in): a typed-in statement's insert has ended.
    statement_insert_done = Signal(int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = None
        self._adviser = ""
        self._today: Callable[[], date] = date.today
        self._client_id: int | None = None
        self._inputs: st.ReviewInputs | None = None
        self._review: StatementReview | None = None
        self._generation = 0
        self._user_formats: Path | None = None
        self._progress_relay = ImportProgress()
        self._progress_relay.progress.connect(self.import_progress)
        self.import_progress.connect(self._show_import_progress)
        self._progress_dialog: QProgressDialog | None = None
        self._cancel: threading.Event | None = None
        #: Replaceable in tests: how a file is chosen, how a dialog runs.
        self.choose_file: Callable[[], Path | None] = self._choose_file
        self.run_dialog: Callable[[QDialog], bool] = lambda dialog: (
            dialog.exec() == QDialog.DialogCode.Accepted
        )

        self.application_date = DateField(label="Application date")
        self.application_date.setToolTip(
            "The date the fee waiver (or change of conditions) is to be made; statements are "
            "checked against it. Empty: today."
        )
        self.threshold = QComboBox()
        self.threshold.setAccessibleName("Threshold for large transactions")
        for key, text in threshold_labels(date.today()).items():
            self.threshold.addItem(text, key)
        date_label = QLabel("Application &date")
        date_label.setBuddy(self.application_date)
        threshold_label = QLabel("Thresh&old")
        threshold_label.setBuddy(self.threshold)
        self.application_date.editingFinished.connect(self._settings_changed)
        self.threshold.currentIndexChanged.connect(self._settings_changed)

        title = QLabel("Household bank a&ccounts")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.accounts = RecordGrid(
            ACCOUNT_HEADERS,
            "Household bank accounts",
            on_add=self.add_account,
            on_edit=self.edit_account,
            on_delete=self.remove_account,
        )
        title.setBuddy(self.accounts)
        self.accounts.itemSelectionChanged.connect(self._account_selected)

        self.add_button = QPushButton("&Add account…")
        self.edit_button = QPushButton("&Edit…")
        self.remove_button = QPushButton("&Remove")
        self.import_button = QPushButton("&Import statement…")
        self.import_button.setToolTip(
            "Import a CSV, OFX or QFX file for this account (Ctrl+Shift+I)"
        )
        self.columns_button = QPushButton("Import choosing co&lumns…")
        self.paper_button = QPushButton("T&ype in paper statement…")
        self.quiet_button = QPushButton("&No transactions…")
        self.quiet_button.setToolTip("A statement that shows nothing in or out (dormant account)")
        for button, name in (
            (self.add_button, "Add bank account"),
            (self.edit_button, "Edit bank account"),
            (self.remove_button, "Remove bank account"),
            (self.import_button, "Import a statement file"),
            (self.columns_button, "Import a CSV file choosing its columns"),
            (self.paper_button, "Type in a paper statement"),
            (self.quiet_button, "Add a statement with no transactions"),
        ):
            button.setAccessibleName(name)
        self.add_button.clicked.connect(self.add_account)
        self.edit_button.clicked.connect(self.edit_account)
        self.remove_button.clicked.connect(self.remove_account)
        self.import_button.clicked.connect(lambda: self.import_statement())
        self.columns_button.clicked.connect(lambda: self.import_statement(choose_columns=True))
        self.paper_button.clicked.connect(self.type_in_statement)
        self.quiet_button.clicked.connect(self.add_quiet_statement)

        statements_title = QLabel("Statements held for this acco&unt")
        statements_title.setFont(font)
        self.statements = RecordGrid(
            STATEMENT_HEADERS,
            "Statements held for the selected account",
            on_add=lambda: self.import_statement(),
            on_edit=lambda: None,
            on_delete=self.remove_statement,
        )
        statements_title.setBuddy(self.statements)
        self.statements.itemSelectionChanged.connect(self._update_buttons)
        self.remove_statement_button = QPushButton("Remove state&ment")
        self.remove_statement_button.setAccessibleName("Remove the selected statement")
        self.remove_statement_button.clicked.connect(self.remove_statement)

        self.progress = QLabel()
        self.progress.setAccessibleName("How many flagged transactions are explained")
        progress_font = self.progress.font()
        progress_font.setBold(True)
        self.progress.setFont(progress_font)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setAccessibleName("What is missing")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.review_button = QPushButton("Revie&w flags…")
        self.review_button.setToolTip("Explain the flagged transactions one by one (Ctrl+R)")
        self.save_button = QPushButton("Save as &PDF…")
        self.save_button.setToolTip("Save the annotation sheet as a PDF")
        self.print_button = QPushButton("Print sheet…")
        self.print_button.setToolTip("Print the annotation sheet (Ctrl+P)")
        for button, name in (
            (self.review_button, "Review flagged transactions"),
            (self.save_button, "Save the annotation sheet as PDF"),
            (self.print_button, "Print the annotation sheet"),
        ):
            button.setAccessibleName(name)
        self.review_button.clicked.connect(self.review_flags)
        self.save_button.clicked.connect(self.save_sheet)
        self.print_button.clicked.connect(self.print_sheet)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName("Last change")
        for keys, slot in (
            ("Ctrl+Shift+I", lambda: self.import_statement()),
            ("Ctrl+R", self.review_flags),
            ("Ctrl+P", self.print_sheet),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        settings = QHBoxLayout()
        settings.addWidget(date_label)
        settings.addWidget(self.application_date)
        settings.addSpacing(12)
        settings.addWidget(threshold_label)
        settings.addWidget(self.threshold)
        settings.addStretch(1)
        settings.addWidget(self.review_button)
        settings.addWidget(self.save_button)
        settings.addWidget(self.print_button)

        account_buttons = QHBoxLayout()
        account_buttons.addWidget(title)
        account_buttons.addStretch(1)
        for button in (self.add_button, self.edit_button, self.remove_button):
            account_buttons.addWidget(button)
        file_buttons = QHBoxLayout()
        for button in (
            self.import_button,
            self.columns_button,
            self.paper_button,
            self.quiet_button,
        ):
            file_buttons.addWidget(button)
        file_buttons.addStretch(1)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(account_buttons)
        top_layout.addWidget(self.accounts, 1)
        top_layout.addLayout(file_buttons)

        held = QWidget()
        held_layout = QVBoxLayout(held)
        held_layout.setContentsMargins(0, 0, 0, 0)
        held_head = QHBoxLayout()
        held_head.addWidget(statements_title)
        held_head.addStretch(1)
        held_head.addWidget(self.remove_statement_button)
        held_layout.addLayout(held_head)
        held_layout.addWidget(self.statements, 1)
        checks = QWidget()
        checks_layout = QVBoxLayout(checks)
        checks_layout.setContentsMargins(0, 0, 0, 0)
        checks_layout.addWidget(self.progress)
        checks_layout.addWidget(self.summary, 1)
        bottom = QSplitter()
        bottom.addWidget(held)
        bottom.addWidget(checks)
        bottom.setStretchFactor(0, 2)
        bottom.setStretchFactor(1, 3)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(settings)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self._update_buttons()

    # ---- context -------------------------------------------------------------------------------
    def set_context(
        self, store, adviser: str, today_provider: Callable[[], date] = date.today
    ) -> None:
        from desktop.importers.bank_formats import user_formats_dir

        self._store, self._adviser, self._today = store, adviser, today_provider
        folder = getattr(store, "folder", None)
        self._user_formats = user_formats_dir(folder) if folder is not None else None

    def formats_dirs(self) -> list[Path]:
        return [self._user_formats] if self._user_formats is not None else []

    def today(self) -> date:
        return self._today()

    def check_date(self) -> date:
        return self.application_date.date() or self.today()

    def review(self) -> StatementReview | None:
        return self._review

    def _label_thresholds(self) -> None:
        """The threshold menu names the amounts in force on the date the checks use."""
        labels = threshold_labels(self.check_date())
        for index in range(self.threshold.count()):
            self.threshold.setItemText(index, labels[self.threshold.itemData(index)])

    def load(self, client_id: int) -> None:
        with self._store.read_session() as session:  # a read: it need not wait for a write
            inputs = st.review_inputs(session, client_id)
        self._show_inputs(client_id, inputs)

    def reload_reader(self, client_id: int):
        """The read for a reload after another tab's write (run off the UI thread)."""
        return partial(st.review_inputs, client_id=client_id)

    def show_reloaded(self, client_id: int, inputs: st.ReviewInputs) -> None:
        """Show the statements read again, the account selected kept."""
        if client_id != self._client_id:
            return
        row = self.accounts.current_row()
        self._show_inputs(client_id, inputs)
        if row is not None and self._inputs and self._inputs.accounts:
            self.accounts.selectRow(min(row, len(self._inputs.accounts) - 1))

    def _show_inputs(self, client_id: int, inputs: st.ReviewInputs) -> None:
        """Show a client's statements (loaded by `load`, or by an import off the window
        thread) and run the checks again."""
        if client_id != self._client_id:
            self._review = None
        self._client_id = client_id
        self._inputs = inputs
        self.application_date.setDate(inputs.settings.application_date)  # no save: editingFinished
        self.threshold.blockSignals(True)
        self.threshold.setCurrentIndex(max(0, self.threshold.findData(inputs.settings.threshold)))
        self.threshold.blockSignals(False)
        self._label_thresholds()
        self._show_accounts()
        self.refresh()

    def clear(self) -> None:
        self._generation += 1
        self._client_id = None
        self._inputs = None
        self._review = None
        self.accounts.setRowCount(0)
        self.statements.setRowCount(0)
        self.application_date.setDate(None)
        self.progress.clear()
        self.progress.setToolTip("")  # the reasons name account holders
        self.summary.clear()
        self.status.clear()
        self._update_buttons()

    # ---- showing -------------------------------------------------------------------------------
    def _show_accounts(self, keep_row: int | None = None) -> None:
        row_before = self.accounts.current_row() if keep_row is None else keep_row
        accounts = self._inputs.accounts if self._inputs else ()
        coverage = {c.account: c for c in self._review.coverage} if self._review else {}
        self.accounts.blockSignals(True)
        self.accounts.setRowCount(len(accounts))
        for row, account in enumerate(accounts):
            cover = coverage.get(account.key)
            if cover is None:
                cover_text = "…"
            elif cover.ok:
                cover_text = "✓ Covered"
            elif cover.ends_on is None:
                cover_text = "✗ No statements"
            else:
                cover_text = f"✗ {cover.missing_days} days missing"
            values = (
                account.holder,
                account.bank,
                account.kind.capitalize(),
                account.sort_code,
                f"••{account.last_four}" if account.last_four else "",
                account.status.capitalize()
                + (f" {format_date(account.closed_on)}" if account.closed_on else ""),
                cover_text,
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column == len(values) - 1 and cover is not None:
                    item.setToolTip("\n".join(cover.sentences) or "Covered")
                self.accounts.setItem(row, column, item)
        self.accounts.blockSignals(False)
        if accounts:
            self.accounts.selectRow(min(row_before or 0, len(accounts) - 1))
        self._account_selected()

    def selected_account(self):
        row = self.accounts.current_row()
        if row is None or self._inputs is None or row >= len(self._inputs.accounts):
            return None
        return self._inputs.accounts[row]

    def _account_selected(self) -> None:
        account = self.selected_account()
        held = self._inputs.periods.get(account.key, ()) if account and self._inputs else ()
        self.statements.setRowCount(len(held))
        for row, (_pid, start, end, source, lines) in enumerate(held):
            for column, text in enumerate(
                (format_date(start), format_date(end), SOURCE_WORDS.get(source, source), str(lines))
            ):
                self.statements.setItem(row, column, QTableWidgetItem(text))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_client = self._client_id is not None
        has_account = self.selected_account() is not None
        self.add_button.setEnabled(has_client)
        for button in (
            self.edit_button,
            self.remove_button,
            self.import_button,
            self.columns_button,
            self.paper_button,
            self.quiet_button,
        ):
            button.setEnabled(has_account)
        if self._cancel is not None:  # an import is under way
            self.import_button.setEnabled(False)
            self.columns_button.setEnabled(False)
        self.remove_statement_button.setEnabled(self.statements.current_row() is not None)
        ready = self._review is not None
        self.review_button.setEnabled(ready and bool(self._review.flags))
        self.save_button.setEnabled(ready and bool(self._review.accounts))
        self.print_button.setEnabled(ready and bool(self._review.accounts))

    # ---- the checks ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Run the checks again off the UI thread (after any change)."""
        if self._inputs is None:
            return
        self._generation += 1
        generation = self._generation
        self.progress.setText("Checking the statements…")
        op = Operation(
            self,
            "Checking the statements",
            partial(review_work, self._inputs, self.check_date(), self.threshold.currentData()),
            show_progress=False,
        )
        me = weakref.ref(self)
        op.succeeded.connect(lambda result: (t := me()) and t._reviewed(generation, result))
        op.failed.connect(lambda exc: (t := me()) and t._review_failed(generation, exc))
        op.start()

    def _reviewed(self, generation: int, review: StatementReview) -> None:
        if generation != self._generation:
            return
        self._review = review
        self._show_accounts()
        self._show_summary()
        self._update_buttons()
        self.review_ready.emit(generation)

    def _review_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._review = None
        self.progress.setText("The checks could not run.")
        self.summary.setText(str(exc) if isinstance(exc, ValueError) else type(exc).__name__)
        self._update_buttons()

    def _show_summary(self) -> None:
        review = self._review
        explanations = self._inputs.explanations if self._inputs else {}
        from desktop.printing.annotation_sheet import sheet_readiness

        ready, _named = sheet_readiness(review, explanations)
        done, total = ready.explained, ready.flagged
        # Final only when every flag is explained, the statements cover the whole period and
        # no possibly undeclared account is open or named: as the sheet says, never more.
        final = "ready to print as final" if ready.final else "the sheet prints as DRAFT"
        if not review.accounts:
            self.progress.setText(
                "No accounts yet: add every account held by anyone in the household."
            )
        elif total == 0:
            self.progress.setText(f"No transactions need explaining — {final}")
        else:
            self.progress.setText(f"{done} of {total} explained — {final}")
        self.progress.setToolTip("\n".join(ready.reasons))
        lines = [
            f"Checked against {format_date(review.application_date)}; "
            f"large means over £{review.threshold:,.2f}."
        ]
        for cover in review.coverage:
            lines.extend(cover.sentences)
        for name in review.holders_without_accounts:
            lines.append(
                f"{name}: no account listed. The Home Office credit-checks everyone in the "
                "household: add their accounts, or note that they hold none."
            )
        lines.extend(review.warnings)
        self.summary.setText("\n".join(f"• {line}" for line in lines))

    def _settings_changed(self) -> None:
        if self._client_id is None:
            return
        if self.application_date.error():
            self.status.setText(self.application_date.error())
            return
        self._label_thresholds()
        settings = st.CheckSettings(
            self.application_date.date(), self.threshold.currentData() or "standard"
        )
        if self._inputs is not None and settings == self._inputs.settings:
            return
        if self._write(
            lambda s: st.set_check_settings(s, self._client_id, settings, self._adviser)
        ):
            self._reload()

    # ---- writing -------------------------------------------------------------------------------
    def _write(self, action) -> bool:
        """Run one store action in one transaction; show the problem if it fails."""
        try:
            with self._store.session() as session:
                self._last_result = action(session)
        except (st.StatementDataError, ValueError) as exc:
            self.status.setText(f"Not saved: {exc}")
            return False
        except Exception as exc:  # noqa: BLE001 - nothing was changed; say so without data
            self.status.setText(
                f"Not saved: the store could not be written ({type(exc).__name__}). "
                "Nothing was changed."
            )
            return False
        return True

    def _reload(self, message: str | None = None) -> None:
        row = self.accounts.current_row()
        self.load(self._client_id)
        if row is not None and self._inputs and self._inputs.accounts:
            self.accounts.selectRow(min(row, len(self._inputs.accounts) - 1))
        if message:
            self.status.setText(message)
        self.statements_changed.emit()

    def _holders(self) -> list[str]:
        return list(self._inputs.household) if self._inputs else []

    def add_account(self) -> None:
        from desktop.ui.account_dialog import AccountDialog

        if self._client_id is None:
            return
        dialog = AccountDialog(self._holders(), parent=self)
        if self.run_dialog(dialog) and (details := dialog.details()) is not None:
            if self._write(lambda s: st.add_account(s, self._client_id, details, self._adviser)):
                self.load(self._client_id)
                self.accounts.selectRow(len(self._inputs.accounts) - 1)
                self.status.setText(f"Added {details.bank} account for {details.holder}.")
                self.statements_changed.emit()

    def edit_account(self) -> None:
        from desktop.ui.account_dialog import AccountDialog

        account = self.selected_account()
        if account is None:
            return
        with self._store.session() as session:
            current = st.account_details(session, int(account.key))
        dialog = AccountDialog(self._holders(), current, parent=self)
        if self.run_dialog(dialog) and (details := dialog.details()) is not None:
            if self._write(
                lambda s: st.update_account(s, int(account.key), details, self._adviser)
            ):
                self._reload("Saved the account.")

    def remove_account(self) -> None:
        account = self.selected_account()
        if account is None:
            return
        if form_feedback.confirm(
            self,
            "Remove bank account?",
            f"Remove {account.label()} and every statement line held for it?",
            yes="Remove",
        ):
            if self._write(lambda s: st.delete_account(s, int(account.key), self._adviser)):
                self._reload("Removed the account and its statements.")

    def remove_statement(self) -> None:
        account = self.selected_account()
        row = self.statements.current_row()
        if account is None or row is None:
            return
        period_id, start, end, _source, lines = self._inputs.periods[account.key][row]
        if form_feedback.confirm(
            self,
            "Remove statement?",
            f"Remove the statement {format_date(start)} to {format_date(end)} "
            f"and its {lines} line(s), with any explanations written for them?",
            yes="Remove",
        ):
            if self._write(lambda s: st.delete_period(s, period_id, self._adviser)):
                self._reload("Removed the statement.")

    # ---- getting statements in -----------------------------------------------------------------
    def _choose_file(self) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Import a bank statement", str(_default_folder()), STATEMENT_FILTER
        )
        return Path(chosen) if chosen else None

    def import_statement(self, choose_columns: bool = False, path: Path | None = None) -> None:
        account = self.selected_account()
        if account is None:
            self.status.setText("Choose the account first (or add it), then import its statement.")
            return
        path = path or self.choose_file()
        if path is None:
            return
        if choose_columns:
            self._choose_columns(account, path)
        else:
            self._read(account, path, None)

    def _choose_columns(self, account, path: Path) -> None:
        """The column chooser: the file is first looked at off the window thread (a big file
        takes a moment), then the dialog opens on what was seen."""
        if self._user_formats is None:
            return
        if self._cancel is not None:
            self.status.setText("An import is under way: wait for it to finish.")
            return
        if not self.status.text().startswith(path.name):
            self.status.setText(f"Looking at {path.name}…")
        op = Operation(
            self,
            "Looking at the file",
            partial(sniff_work, path, self.formats_dirs()),
            show_progress=False,
        )
        me = weakref.ref(self)
        client = self._client_id
        op.succeeded.connect(
            lambda found: (t := me()) and t._sniffed(client, account, path, *found)
        )
        op.failed.connect(lambda exc: (t := me()) and t._sniff_failed(client, path, exc))
        op.start()

    def _sniffed(self, client, account, path: Path, preview, formats, warnings) -> None:
        from desktop.ui.csv_mapping_dialog import CsvMappingDialog

        if client != self._client_id or self._user_formats is None:
            return
        if warnings:
            self.status.setText(self._with_warnings(self.status.text(), warnings))
        try:
            dialog = CsvMappingDialog(self, path, formats, self._user_formats, preview=preview)
        except Exception as exc:  # noqa: BLE001 - said in a sentence; nothing was changed
            self.status.setText(f"Not imported, nothing was added: {_problem(exc)}")
            return
        if self.run_dialog(dialog):
            # A layout keeps its type codes and account columns; a custom choice is columns,
            # read from the line the preview started at.
            chosen = dialog.result_format() or ChosenColumns(
                dialog.result_columns(), dialog.from_line()
            )
            self._read(account, path, chosen)

    def _sniff_failed(self, client, path: Path, exc: BaseException) -> None:
        if client != self._client_id:
            return
        self.status.setText(f"Not imported, nothing was added: {_problem(exc)}")

    def _with_warnings(self, message: str, warnings: Sequence[str]) -> str:
        return " ".join([message, *warnings])

    # ---- an import's progress ------------------------------------------------------------------
    def importing(self) -> bool:
        """Whether an import is under way (a second one waits for it)."""
        return self._cancel is not None

    def _begin_import(self, title: str) -> threading.Event:
        self._cancel = threading.Event()
        dialog = QProgressDialog(title, "Cancel", 0, 100, self)
        dialog.setWindowTitle("Importing a statement")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setAccessibleName("Importing a statement: progress")
        dialog.canceled.connect(self.cancel_import)
        dialog.setValue(0)
        self._progress_dialog = dialog
        self._update_buttons()
        return self._cancel

    def cancel_import(self) -> None:
        """Stop the import under way: whatever it had done is rolled back."""
        if self._cancel is not None:
            self._cancel.set()
            self.status.setText("Cancelling the import…")

    def _show_import_progress(self, percent: int, message: str) -> None:
        cancel = self._cancel
        if self._progress_dialog is not None and cancel is not None and not cancel.is_set():
            self._progress_dialog.setLabelText(message)
            self._progress_dialog.setValue(min(max(percent, 0), 99))

    def _end_import(self, message: str | None = None) -> None:
        if self._progress_dialog is not None:
            self._progress_dialog.canceled.disconnect(self.cancel_import)
            self._progress_dialog.reset()
            self._progress_dialog.close()
            self._progress_dialog.deleteLater()
            self._progress_dialog = None
        self._cancel = None
        if message is not None:
            self.status.setText(message)
        self._update_buttons()
        self.import_finished.emit()

    # ---- reading and saving ------------------------------------------------------------------
    def _read(self, account, path: Path, columns) -> None:
        if self._cancel is not None:
            self.status.setText("An import is under way: wait for it to finish.")
            return
        self.status.setText(f"Reading {path.name}…")
        cancel = self._begin_import(f"Reading {path.name}…")
        op = Operation(
            self,
            "Reading the statement",
            partial(
                read_work, path, columns, self.formats_dirs(), cancel, self._progress_relay.report
            ),
            show_progress=False,
        )
        me = weakref.ref(self)
        client = self._client_id
        op.succeeded.connect(
            lambda found: (t := me()) and t._file_read(client, account, path, found)
        )
        op.failed.connect(
            lambda exc: (t := me()) and t._file_failed(client, account, path, columns, exc)
        )
        op.start()

    def _file_failed(self, client: int, account, path: Path, columns, exc: BaseException) -> None:
        from desktop.importers.bank_csv import StatementFileError

        self._end_import()
        if client != self._client_id:
            return
        warnings = getattr(exc, "layout_warnings", ())
        unknown = isinstance(exc, StatementFileError) and "not recognised" in str(exc)
        if unknown and columns is None and path.suffix.lower() in (".csv", ".txt"):
            self.status.setText(
                self._with_warnings(
                    f"{path.name}: the columns are not a layout Drop-in Desk knows; choose them.",
                    warnings,
                )
            )
            self._choose_columns(account, path)
            return
        self.status.setText(
            self._with_warnings(f"Not imported, nothing was added: {_problem(exc)}", warnings)
        )

    def _hint_mismatch(self, account, parsed) -> str | None:
        hints = []
        if parsed.last_four and account.last_four and parsed.last_four != account.last_four:
            hints.append(f"an account ending {parsed.last_four}, not {account.last_four}")
        sort = "".join(ch for ch in parsed.sort_code if ch.isdigit())
        mine = "".join(ch for ch in account.sort_code if ch.isdigit())
        if sort and mine and sort != mine:
            hints.append(f"sort code {parsed.sort_code}, not {account.sort_code}")
        return " and ".join(hints) or None

    def _file_read(self, client: int, account, path: Path, found) -> None:
        if found == CANCELLED:
            self._end_import("Import cancelled: nothing was added.")
            return
        if client != self._client_id:
            self._end_import()
            return
        parsed, warnings = found.statement, found.warnings
        mismatch = self._hint_mismatch(account, parsed)
        if mismatch:
            self._progress_dialog.hide()  # the question comes first
            if not form_feedback.confirm(
                self,
                "Import into this account?",
                f"{path.name} looks like the statement of {mismatch}. Import it into "
                f"{account.label()} anyway?",
                yes="Import",
            ):
                self._end_import(self._with_warnings("Not imported.", warnings))
                return
            if self._cancel is None or self._cancel.is_set():
                self._end_import("Import cancelled: nothing was added.")
                return
            self._progress_dialog.show()
        source = "ofx" if path.suffix.lower() in (".ofx", ".qfx") else "csv"
        self._save(client, account, parsed, source, path.name, warnings)

    def _save(self, client: int, account, parsed, source: str, name: str, warnings) -> None:
        """Add the statement's lines off the window thread, one transaction."""
        op = Operation(
            self,
            "Adding the statement",
            partial(
                save_work,
                self._store,
                int(account.key),
                client,
                parsed,
                source,
                self._adviser,
                self._cancel,
                self._progress_relay.report,
            ),
            show_progress=False,
        )
        me = weakref.ref(self)
        op.succeeded.connect(lambda done: (t := me()) and t._saved(client, name, warnings, done))
        op.failed.connect(lambda exc: (t := me()) and t._save_failed(client, exc))
        op.start()

    def _saved(self, client: int, name: str, warnings, done) -> None:
        if done == CANCELLED:
            self._end_import("Import cancelled: nothing was added.")
            return
        self._end_import()
        result: st.ImportResult = done.result
        if result.period is None:
            message = f"{name}: no lines in it; nothing was added."
        else:
            held = f", {result.duplicates} already held" if result.duplicates else ""
            message = (
                f"{name}: added {result.added} line(s), {format_date(result.period[0])} to "
                f"{format_date(result.period[1])}{held}."
            )
        if client == self._client_id:
            row = self.accounts.current_row()
            self._show_inputs(client, done.inputs)
            if row is not None and self._inputs and self._inputs.accounts:
                self.accounts.selectRow(min(row, len(self._inputs.accounts) - 1))
        self.status.setText(self._with_warnings(message, warnings))
        self.statements_changed.emit()

    def _save_failed(self, client: int, exc: BaseException) -> None:
        from desktop.store.errors import StoreError

        self._end_import()
        if isinstance(exc, (st.StatementDataError, StoreError)):  # sentences, without data
            self.status.setText(f"Not saved, nothing was added: {exc}")
        else:
            self.status.setText(
                f"Not saved: the store could not be written ({type(exc).__name__}). "
                "Nothing was added."
            )

    def _add_statement(self, account, parsed, source: str, name: str) -> None:
        """Add a statement's lines off the window thread (one transaction), with progress;
        `statement_added` says when it is done, whatever its end."""
        client = self._client_id
        op = Operation(
            self,
            "Adding the statement",
            partial(
                add_statement_work,
                self._store,
                int(account.key),
                client,
                parsed,
                source,
                self._adviser,
            ),
        )
        me = weakref.ref(self)
        op.succeeded.connect(lambda done: (t := me()) and t._statement_added(client, name, done))
        op.failed.connect(lambda exc: (t := me()) and t._statement_not_added(client, exc))
        op.start()

    def _statement_added(self, client: int, name: str, done: Imported) -> None:
        if client == self._client_id:
            row = self.accounts.current_row()
            self._show_inputs(client, done.inputs)
            if row is not None and self._inputs and self._inputs.accounts:
                self.accounts.selectRow(min(row, len(self._inputs.accounts) - 1))
            result: st.ImportResult = done.result
            if result.period is None:
                self.status.setText(f"{name}: no lines in it; nothing was added.")
            else:
                held = f", {result.duplicates} already held" if result.duplicates else ""
                self.status.setText(
                    f"{name}: added {result.added} line(s), {format_date(result.period[0])} "
                    f"to {format_date(result.period[1])}{held}."
                )
            self.statements_changed.emit()
        self.statement_insert_done.emit(client, True)
        self.statement_added.emit()

    def _statement_not_added(self, client: int, exc: BaseException) -> None:
        if client == self._client_id:
            if isinstance(exc, (st.StatementDataError, ValueError)):  # they name the field
                self.status.setText(f"Not saved: {exc}")
            else:
                self.status.setText(
                    f"Not saved: the store could not be written ({type(exc).__name__}). "
                    "Nothing was changed."
                )
        self.statement_insert_done.emit(client, False)
        self.statement_added.emit()

    def type_in_statement(self) -> None:
        from desktop.ui.statement_grid_dialog import StatementGridDialog

        account = self.selected_account()
        if account is None:
            return
        dialog = StatementGridDialog(self, account.label())
        if self.run_dialog(dialog):
            self._add_statement(account, dialog.result(), "paper", "Paper statement")

    def add_quiet_statement(self) -> None:
        from desktop.ui.quiet_statement_dialog import QuietStatementDialog

        account = self.selected_account()
        if account is None:
            return
        dialog = QuietStatementDialog(account.label(), self)
        if self.run_dialog(dialog) and (period := dialog.period()) is not None:
            if self._write(
                lambda s: st.declare_period(s, int(account.key), *period, self._adviser)
            ):
                self._reload("Added a statement with no transactions.")

    # ---- explaining and printing ---------------------------------------------------------------
    def save_explanations(self, keys: Sequence[str], explanation: Explanation | None) -> str | None:
        """The review dialog's writer: one transaction; returns a problem sentence or None."""
        ids = st.series_ids(keys)
        try:
            with self._store.session() as session:
                st.save_explanation(session, self._client_id, ids, explanation, self._adviser)
        except st.StatementDataError as exc:
            return str(exc)
        except Exception as exc:  # noqa: BLE001 - nothing was changed
            return f"the store could not be written ({type(exc).__name__})"
        explanations = dict(self._inputs.explanations)
        for key in keys:
            if explanation is None or not explanation.given:
                explanations.pop(key, None)
            else:
                explanations[key] = explanation
        self._inputs = replace(self._inputs, explanations=explanations)
        return None

    def review_flags(self) -> None:
        from desktop.ui.flag_review_dialog import FlagReviewDialog, explanation_for

        if self._review is None or not self._review.flags:
            return
        explanations = self._inputs.explanations
        first = next(
            (
                i
                for i, flag in enumerate(self._review.flags)
                if explanation_for(flag, explanations) is None
            ),
            0,
        )
        dialog = FlagReviewDialog(self._review, explanations, self.save_explanations, self, first)
        self.run_dialog(dialog)
        if self._review is None:
            return  # a lock while the dialog was open cleared the tab
        done, total = self._review.progress(self._inputs.explanations)
        self._reload(f"{done} of {total} explained.")
        # "Add this account?" answered "Add" on the review screen: the add-account flow, once
        # for each account named (the declaration must list it, with its statements).
        for named in dialog.accounts_to_add:
            self.status.setText(f"Add the account named in an explanation: {named}.")
            self.add_account()

    def _sheet_factory(self):
        from desktop.printing.sheet_words import client_copy_language

        return partial(
            sheet_bytes,
            self._review,
            list(self._inputs.txns),
            dict(self._inputs.explanations),
            self._inputs.client_name,
            self._adviser,
            self.today(),
            client_copy_language(self._inputs.client_languages),
        )

    def save_sheet(self) -> None:
        from desktop.ui.print_report import save_report_pdf

        if self._review is None:
            return
        save_report_pdf(
            self, self._sheet_factory(), suggested_sheet_name(self._client_id, self.today())
        )

    def print_sheet(self) -> None:
        from desktop.ui.print_report import print_report

        if self._review is None:
            return
        print_report(
            self,
            self._sheet_factory(),
            suggested_name=suggested_sheet_name(self._client_id, self.today()),
            title="Bank statement annotation sheet",
        )
