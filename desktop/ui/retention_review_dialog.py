"""Tools > Retention review… (issue 22; OISC Code of Standards 2016 code 57: client records are
kept for at least six years, then securely deleted): every client whose record is due for its
review (`desktop.store.casework.retention_due`: the centre's retention period after the last
matter closed, or the review date set when it was last kept), with the date and why.

For each one the adviser decides: Erase… is the existing erasure (the client's name typed in
full: `desktop.ui.delete_client_dialog`; the copies in backups/ follow), or Keep… (a reason and
a new review date after today: `retention_keep_dialog`). Nothing is erased without that
confirmation, and nothing is erased by the list itself. The list is read off the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import prompts
from desktop.ui.casework_form import TodayProvider
from desktop.ui.referral_common import error_label, own_runner, say
from desktop.ui.widgets.dates import format_date, written

TITLE = "Retention review"
EXPLAIN = (
    "Records due for review: the centre keeps a client's records for a set time after their "
    "last matter closed (Settings; at least six years, OISC Code of Standards code 57), then "
    "erases them, or keeps them with a reason until a new review date. Nothing is erased "
    "until you confirm it with the client's full name."
)
NOTHING = "No record is due for review today."
READING = "Reading the records…"
COLUMNS = ("Client", "Review due", "Why")


def confirm_erase(parent: QWidget | None, full_name: str) -> bool:
    """The existing erasure's confirmation (the name typed in full); tests replace it."""
    from desktop.ui.delete_client_dialog import DeleteClientDialog

    return DeleteClientDialog(full_name, parent).exec() == QDialog.DialogCode.Accepted


def ask_keep(parent, store, client_id: int, name: str, adviser: str, today_provider) -> bool:
    """Keep…: the reason and the next review date; True when it was written (tests replace
    it)."""
    from desktop.ui.retention_keep_dialog import KeepRecordDialog

    dialog = KeepRecordDialog(store, client_id, name, adviser, today_provider, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


class RetentionReviewDialog(QDialog):
    #: A client was erased (their id): the window takes them off the list and the board and
    #: out of the copies kept in backups/.
    erased = Signal(int)
    #: A record was kept (the client's id): the board's retention reminder moves on.
    kept = Signal(int)

    def __init__(
        self,
        store,
        adviser: str,
        today_provider: TodayProvider,
        parent: QWidget | None = None,
        runner=None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.adviser = adviser
        self.today_provider = today_provider
        self.run = runner or own_runner(self)
        self.due: list = []
        self.loading = False
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        explain = QLabel(EXPLAIN)
        explain.setWordWrap(True)
        explain.setAccessibleName("What the review is")
        self.status = QLabel(READING)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Review status")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Records due for review")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        list_label = QLabel("&Records due for review:")
        list_label.setBuddy(self.table)
        self.error = error_label("Problem")
        self.erase_button = QPushButton("&Erase…")
        self.erase_button.setAccessibleName("Erase the chosen client's record")
        self.keep_button = QPushButton("&Keep…")
        self.keep_button.setAccessibleName("Keep the chosen client's record")
        self.close_button = QPushButton("C&lose")
        self.close_button.setAccessibleName("Close the review")
        for button in (self.erase_button, self.keep_button, self.close_button):
            button.setAutoDefault(False)
        self.erase_button.clicked.connect(self.erase_chosen)
        self.keep_button.clicked.connect(self.keep_chosen)
        self.close_button.clicked.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        buttons = QHBoxLayout()
        buttons.addWidget(self.erase_button)
        buttons.addWidget(self.keep_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(list_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(760, 440)
        self._update_buttons()

    # ---- reading -----------------------------------------------------------------------------
    def load(self):
        """Read the list off the UI thread; the table is filled when it arrives."""
        from desktop.store.casework import retention_due

        store, today = self.store, self.today_provider()
        self.loading = True
        self.status.setText(READING)
        self._update_buttons()

        def work(_progress):
            with store.read_session() as session:
                return retention_due(session, today)

        def done(due) -> None:
            self.loading = False
            self.show_due(list(due))

        def failed(exc: BaseException) -> None:
            self.loading = False
            self.status.setText("")
            say(self.error, f"The list could not be read: {prompts.store_write_problem(exc)}")
            self._update_buttons()

        return self.run("Reading the records due for review", work, done, failed, False)

    def show_due(self, due: list) -> None:
        self.due = due
        self.table.setRowCount(len(due))
        for row, item in enumerate(due):
            cells = (
                f"{item.name} (client {item.client_id})",
                format_date(item.review_on),
                written(item.basis),
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()
        self.status.setText(
            NOTHING if not due else f"{len(due)} record{'s' if len(due) != 1 else ''} to review."
        )
        if due:
            self.table.selectRow(0)
            self.table.setFocus()
        self._update_buttons()

    def chosen(self):
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.loading:
            return None
        index = rows[0].row()
        return self.due[index] if 0 <= index < len(self.due) else None

    def _update_buttons(self) -> None:
        ready = self.chosen() is not None
        self.erase_button.setEnabled(ready)
        self.keep_button.setEnabled(ready)

    def _drop(self, client_id: int) -> None:
        self.show_due([d for d in self.due if d.client_id != client_id])

    # ---- decisions ---------------------------------------------------------------------------
    def erase_chosen(self) -> bool:
        """The existing erasure, after the client's full name is typed; False: not erased."""
        from desktop.store.repository import delete_client

        item = self.chosen()
        if item is None:
            return False
        say(self.error, "")
        if not confirm_erase(self, item.name):
            return False
        try:
            with self.store.session() as session:
                delete_client(session, item.client_id, self.adviser)
        except Exception as exc:  # noqa: BLE001 - never a traceback
            say(self.error, f"Not erased: {prompts.store_write_problem(exc)}")
            return False
        self._drop(item.client_id)
        self.erased.emit(item.client_id)
        return True

    def keep_chosen(self) -> bool:
        """Keep…: a reason and a new review date; the client leaves the list when written."""
        item = self.chosen()
        if item is None:
            return False
        say(self.error, "")
        if not ask_keep(
            self, self.store, item.client_id, item.name, self.adviser, self.today_provider
        ):
            return False
        self._drop(item.client_id)
        self.kept.emit(item.client_id)
        return True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
