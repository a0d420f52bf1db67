"""The main window: unlock / first-run pages, then the client list beside the client's page.

State machine:
  no store yet  -> CreateStorePage
  store on disk -> UnlockPage (opens the store) -> workspace
  Lock (Ctrl+L) or idle for N minutes -> unsaved work kept as encrypted drafts, every client
    widget cleared, key forgotten, UnlockPage
  workspace <-> deadlines board (View > Deadlines board, Ctrl+D; Esc or "Open client" back)

Nothing typed is lost: on a lock, a quit or an unexpected error every open editor (the Details
and Notes tabs, and any open dialog that takes part: see desktop.ui.kept_drafts) hands over its
unsaved work, which is kept in the store as drafts (desktop.store.drafts) in one transaction,
and offered back when the client is opened again (a New client form, which has no client
number yet, when New client is opened again). The lock screen says what was kept, by kind and
client number only.

A lock while dialogs are open is done in two steps: the drafts are kept, the dialogs closed and
the unlock page shown at once; the client data is cleared and the key forgotten once the
dialogs' own event loops have returned (so the code that opened them finishes on the data it
opened them with, never on a cleared page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QSplitter,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.rules.history import HistoryError
from desktop.rules.wording import plain_records
from desktop.store import drafts, repository
from desktop.store.backups import kept_limit
from desktop.store.database import BACKUP_SUFFIX, Store
from desktop.store.errors import StoreError, WrongPassphrase
from desktop.store.lock import InstanceLock
from desktop.store.search import ClientIndex
from desktop.ui import crash_report, kept_copies_dialog, kept_drafts, prompts
from desktop.ui.adviser_dialog import AdviserDialog
from desktop.ui.board_feed import BoardFeed
from desktop.ui.change_passphrase_dialog import ChangePassphraseDialog
from desktop.ui.client_list import ClientListPanel
from desktop.ui.client_page import ClientPage
from desktop.ui.create_store_page import CreateStorePage
from desktop.ui.deadlines_page import DeadlinesPage
from desktop.ui.idle_watcher import IdleWatcher
from desktop.ui.kept_drafts import Draft
from desktop.ui.operations import Operation
from desktop.ui.settings_dialog import (
    AUTO_LOCK_SETTING,
    CENTRE_CONTACT_SETTING,
    CENTRE_NAME_SETTING,
    CONTENT_WARN_DAYS_SETTING,
    DEFAULT_AUTO_LOCK_MINUTES,
    KEEP_COPIES_SETTING,
    SettingsDialog,
    content_warn_days,
)
from desktop.ui.sharing_status import SharingSync
from desktop.ui.unlock_page import UnlockPage

FALLBACK_ADVISER = "Adviser (not named)"
DEMO_TITLE = "Drop-in Desk — DEMO (fictional clients)"
DEMO_BANNER = "DEMO: fictional clients in a throw-away folder. Nothing here is kept."
#: Small enough for a 1366x768 screen less its panels (and for 1280x720).
MINIMUM_SIZE = QSize(900, 560)
PREFERRED_SIZE = QSize(1200, 780)
#: A clear keyboard focus mark on inputs and buttons (the platform's own is faint). A focus
#: change does not lay the window out again, so the mark must fit in the box the unfocused
#: widget was given: a button's border and padding stay within the platform's own frame and
#: margin (a padding of 3px 10px clipped the text: "¡tart checklist"), and a check box or
#: radio button gets a tint behind it instead of a border (which would take room from its text).
FOCUS_STYLE = """
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus, QSpinBox:focus,
QDateEdit:focus, QAbstractItemView:focus {
    border: 2px solid #1a5fb4;
}
QPushButton:focus, QToolButton:focus {
    outline: none;
    border: 2px solid #1a5fb4;
    border-radius: 3px;
    padding: 0px 2px;
}
QCheckBox:focus, QRadioButton:focus {
    outline: none;
    background-color: #c9dcf5;
    border-radius: 3px;
}
"""


def fit_size(available: QSize | None) -> QSize:
    """The window's first size: the preferred size, cut to the screen's available area
    (less a margin for the title bar and frame), never under the minimum."""
    if available is None or available.isEmpty():
        return QSize(PREFERRED_SIZE)
    width = min(PREFERRED_SIZE.width(), available.width() - 16)
    height = min(PREFERRED_SIZE.height(), available.height() - 48)
    return QSize(max(width, MINIMUM_SIZE.width()), max(height, MINIMUM_SIZE.height()))


QUIT_WORDS = "Quit (asks only when something typed is not saved)"
#: A referral file's name ends so (issue 20); drag-and-drop takes nothing else.
REFERRAL_SUFFIX = ".ddref"
LOCKED = "Locked."
KEPT_AT_LOCK = "Kept as unsaved drafts, encrypted: {what}. They come back {when}."
LOST_AT_LOCK = "Could not be kept, so not saved: {what}."
QUIT_KEEPING = (
    "Quit Drop-in Desk?\n\nNot saved yet: {what}. It is kept as an encrypted draft and comes "
    "back {when}."
)
QUIT_LOSING = (
    "These could not be kept (the store could not be written): {what}. Quit anyway and lose them?"
)
DRAFTS_WAITING = "Unsaved drafts are kept for {clients}: open the client to get them back."
NEW_CLIENT_WAITING = (
    "An unsaved new-client form is kept: File > New client (Ctrl+N) brings it back."
)
RESTORE_QUESTION = (
    "The backup opens with that passphrase. Restoring replaces every record on this computer "
    "with the backup's. A copy of the current records is kept in the data folder's backups "
    "folder first. A client erased since the backup was made comes back with it: erase them "
    "again. Go ahead?"
)
#: `Store.restore_from` reports this step ("Keeping a copy of the current store") once the
#: backup has been checked whole and before anything is replaced.
RESTORE_REPLACING_STEP = 50


class _BackupChecked(Exception):
    """Stops a restore at its first replacing step: the backup passed every check."""


#: A lock waits at most this long for open dialogs to return before it clears everything.
LOCK_UNWIND_MS = 3_000


def start_folder() -> Path:
    """Where file dialogs open: the user's Documents folder, never the program's folder."""
    from desktop.ui.print_report import _default_folder

    return _default_folder()


def lock_message(kept: list[Draft] | tuple = (), lost: list[Draft] | tuple = ()) -> str:
    """What the unlock page says after a lock: what was kept as drafts and what could not be,
    by kind and client number only (whoever walks up can read it)."""
    parts = [LOCKED]
    if kept:
        parts.append(
            KEPT_AT_LOCK.format(what=kept_drafts.describe(kept), when=kept_drafts.when_back(kept))
        )
    if lost:
        parts.append(LOST_AT_LOCK.format(what=kept_drafts.describe(lost)))
    return " ".join(parts)


def clients_words(client_ids: list[int]) -> str:
    numbers = [f"client {n}" for n in client_ids]
    return numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]


def history_problem_words(problem: HistoryError) -> str:
    """A history file's problem for a person: the record in words ("Trip 3 in the file")
    instead of its JSON path ("absences[2].returned"), dates in UK words."""
    from desktop.rules.dated import render
    from desktop.rules.datetext import long_date
    from desktop.rules.wording import record_words

    text = problem.message
    where = ".".join(part for part in (problem.record, problem.field) if part)
    if where and text.startswith(where + ": "):
        text = text[len(where) + 2 :]
    text = plain_records(render(text, long_date))
    if problem.collection is not None and problem.index is not None:
        name = record_words(problem.collection, problem.index)
        text = f"{name[:1].upper()}{name[1:]} in the file: {text}"
    else:
        text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def user_message(exc: BaseException) -> str:
    """What a person is told about a failure: our own errors carry a sentence; anything else
    gets its kind only, never a traceback or data."""
    if isinstance(exc, HistoryError):
        return history_problem_words(exc)
    if isinstance(exc, StoreError):
        return plain_records(str(exc))
    if isinstance(exc, OSError):
        return f"The file could not be read or written ({exc.strerror or exc.__class__.__name__})."
    return f"Something went wrong ({exc.__class__.__name__}). Nothing was changed."


def _session_start_data(store: Store) -> tuple[list[str], int, ClientIndex, list[int], bool]:
    """What the window needs after unlocking, read off the UI thread (building the search
    index for 10,000 clients takes a few hundred milliseconds); last, whether a New client
    form is kept as a draft."""
    with store.read_session() as session:
        names = repository.adviser_names(session)
        minutes = int(
            repository.get_setting(session, AUTO_LOCK_SETTING, str(DEFAULT_AUTO_LOCK_MINUTES))
        )
        index = ClientIndex(repository.list_summaries(session))
        waiting = drafts.clients_with_drafts(session)
        new_client_kept = kept_drafts.new_client_draft(session) is not None
    return names, minutes, index, waiting, new_client_kept


def _client_index(store: Store) -> ClientIndex:
    """The client list's index, built off the UI thread after changes came in by sharing."""
    with store.read_session() as session:
        return ClientIndex(repository.list_summaries(session))


def forget_client_caches() -> None:
    """On lock: the small caches that may hold a client's details (the engine's last history
    and trips, its date-split sentences, shaped Arabic-script runs such as a name) are
    emptied, so nothing of a client stays in memory after the lock."""
    from desktop.printing.common import shape_arabic
    from desktop.rules import days, history
    from desktop.rules.dated import date_parts

    days.forget_cached()
    history.forget_cached_waits()
    date_parts.cache_clear()
    shape_arabic.cache_clear()


class MainWindow(QMainWindow):
    def __init__(
        self,
        folder: Path,
        lock: InstanceLock,
        kdf_costs: dict[str, int] | None = None,
        unlock_note: str = "",
        ask_adviser: bool = True,
        today: Callable[[], dt.date] = dt.date.today,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.demo = demo
        self.folder = Path(folder)
        # Guidance content (checklists, figures, bank layouts) comes from an update pack
        # installed in this data folder, when one is (desktop.content).
        from desktop import content

        content.use_data_folder(self.folder)
        self.instance_lock = lock
        self.kdf_costs = kdf_costs
        self.ask_adviser = ask_adviser
        self.today = today
        self.store: Store | None = None
        self.adviser = ""
        self._busy = 0
        self._lock_pending = False
        self._network_warned = False
        #: Between the two steps of a lock (see the module's docstring).
        self._locking = False
        self._closing_dialogs: list[QDialog] = []
        self._lock_overdue = QTimer(self)
        self._lock_overdue.setSingleShot(True)
        self._lock_overdue.setInterval(LOCK_UNWIND_MS)
        self._lock_overdue.timeout.connect(self._finish_lock)
        self._quit_agreed = False  # a quit already answered, waiting for dialogs to close
        self.setWindowTitle(DEMO_TITLE if demo else "Drop-in Desk")
        self.setStyleSheet(FOCUS_STYLE)
        from desktop.ui.app import install_enter_presses_buttons

        install_enter_presses_buttons(QApplication.instance())
        self.setMinimumSize(MINIMUM_SIZE)
        screen = self.screen() or QGuiApplication.primaryScreen()
        self.resize(fit_size(screen.availableGeometry().size() if screen else None))

        self.stack = QStackedWidget()
        self.create_page = CreateStorePage(str(self.folder))
        self.unlock_page = UnlockPage()
        self.unlock_page.reset(unlock_note)
        self.client_list = ClientListPanel()
        self.client_page = ClientPage()
        self.deadlines_page = DeadlinesPage()
        self.workspace = QSplitter(Qt.Orientation.Horizontal)
        self.workspace.addWidget(self.client_list)
        self.workspace.addWidget(self.client_page)
        self.workspace.setStretchFactor(0, 1)
        self.workspace.setStretchFactor(1, 3)
        self.workspace.setSizes([330, 870])
        for page in (self.create_page, self.unlock_page, self.workspace, self.deadlines_page):
            self.stack.addWidget(page)
        self.demo_banner = QLabel(DEMO_BANNER)
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setAccessibleName("Demo mode")
        self.demo_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_banner.setStyleSheet(
            "#demoBanner { background: #fff3c4; color: #5c4400; padding: 4px;"
            " border-bottom: 1px solid #d9b84a; font-weight: bold; }"
        )
        self.demo_banner.setVisible(demo)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.demo_banner)
        central_layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        #: Issue 21: "Not shared" / "Shared 2 min ago - 3 changes in, 1 to review".
        self.sharing_label = QLabel("")
        self.sharing_label.setAccessibleName("Sharing status")
        self.sharing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.sharing_label)
        self.adviser_label = QLabel("")
        self.adviser_label.setAccessibleName("Current adviser")
        self.statusBar().addPermanentWidget(self.adviser_label)
        #: Shown when guidance content is older than the setting, or a pack cannot be used.
        self.content_warning = QLabel("")
        self.content_warning.setAccessibleName("Guidance content warning")
        self.content_warning.setStyleSheet("color: #8a1c1c; font-weight: bold;")
        self.content_warning.setVisible(False)
        self.statusBar().addPermanentWidget(self.content_warning)

        self.idle = IdleWatcher(DEFAULT_AUTO_LOCK_MINUTES, self)
        self.idle.idle.connect(self.lock)
        #: Issue 21: the sync with the centre's shared folder, now and every few minutes.
        self.sharing = SharingSync(self, self.run, prepare=_client_index)
        self.sharing.status_changed.connect(self._show_sharing_status)
        self.sharing.synced.connect(self._after_sync)

        self._build_menus()
        self.setAcceptDrops(True)  # a referral file (.ddref) dropped on the window
        self.create_page.create_requested.connect(self._create_store)
        self.unlock_page.unlock_requested.connect(self._unlock)
        self.client_list.client_selected.connect(self._show_client)
        self.client_page.client_changed.connect(self._client_changed)
        self.client_page.client_deleted.connect(self._client_deleted)
        self.client_page.refer_requested.connect(lambda _client: self.refer_client())

        self.board_feed = BoardFeed(self)
        self.board_feed.data_changed.connect(self._board_changed)
        self.deadlines_page.overdue_days.valueChanged.connect(self._refresh_badges)
        self.board_feed.progress.connect(self.deadlines_page.set_progress)
        self.board_feed.failed.connect(self.deadlines_page.show_error)
        self.deadlines_page.open_client.connect(self.open_client_from_board)
        self.deadlines_page.refresh_requested.connect(self.board_feed.rebuild)
        self.deadlines_page.close_requested.connect(self.show_clients)

        if Store.exists(self.folder):
            self._show_page(self.unlock_page)
        else:
            self._show_page(self.create_page)

    # ---- menus -------------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, data: bool = True) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        if data:
            self._data_actions.append(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        self._data_actions: list[QAction] = []
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_client_action = self._action("&New client…", self.new_client, "Ctrl+N")
        self.import_action = self._action(
            "&Import client from history JSON…", self.import_client, "Ctrl+I"
        )
        self.export_action = self._action("&Export client…", self.export_client, "Ctrl+E")
        self.import_action.setWhatsThis("Import a client from a history JSON file")
        self.export_action.setWhatsThis("Export the client (subject access copy)")
        file_menu.addActions([self.new_client_action, self.import_action, self.export_action])
        # Issue 22: the client page's Ctrl+Shift+V (its QShortcut holds the keys; named here
        # after a tab, not bound twice, so the keys are never ambiguous).
        self.log_visit_action = self._action("Lo&g a visit…\tCtrl+Shift+V", self.log_visit)
        self.log_visit_action.setToolTip("Log a contact with the client shown (Casework tab)")
        file_menu.addAction(self.log_visit_action)
        file_menu.addSeparator()
        # Issue 20: a client handed to another adviser's laptop as one encrypted file.
        self.refer_action = self._action(
            "Refer this client to another &adviser…", self.refer_client
        )
        self.refer_action.setToolTip(
            "Write one encrypted referral file (.ddref) of this client for another adviser"
        )
        self.receive_action = self._action("Recei&ve a referral…", self.receive_referral)
        self.receive_action.setToolTip(
            "Open a referral file (.ddref): see what it holds before anything is added"
        )
        self.address_book_action = self._action("Referral a&ddress book…", self.show_address_book)
        self.address_book_action.setToolTip(
            "This laptop's referral key, and the keys of the advisers you send referrals to"
        )
        file_menu.addActions([self.refer_action, self.receive_action, self.address_book_action])
        file_menu.addSeparator()
        # Issue 21: the records shared with the centre's other laptops.
        self.sync_action = self._action("S&ync now", self.sync_now, "Ctrl+Shift+S")
        self.sync_action.setToolTip(
            "Exchange changes with the centre's other laptops through the sharing folder now"
        )
        self.sync_action.setWhatsThis("Sync now with the centre's sharing folder")
        self.review_action = self._action("Review shared c&hanges…", self.show_review_queue)
        self.review_action.setToolTip(
            "Fields two laptops changed at the same time: choose the value to keep"
        )
        file_menu.addActions([self.sync_action, self.review_action])
        file_menu.addSeparator()
        self.backup_action = self._action("&Back up to file…", self.backup)
        self.restore_action = self._action("&Restore from backup…", self.restore)
        file_menu.addActions([self.backup_action, self.restore_action])
        file_menu.addSeparator()
        self.content_update_action = self._action(
            "Install &content update…", self.install_content_update
        )
        self.content_update_action.setToolTip(
            "Install a signed content update pack (.ddpack) from a USB stick"
        )
        file_menu.addAction(self.content_update_action)
        file_menu.addSeparator()
        self.lock_action = self._action("&Lock", self.lock, "Ctrl+L")
        self.lock_action.setWhatsThis("Lock the window now")
        self.quit_action = self._action(
            "&Quit",
            self.request_quit,
            "Ctrl+Q",
            False,  # StandardKey.Quit is none on Windows
        )
        self.quit_action.setWhatsThis(QUIT_WORDS)
        file_menu.addActions([self.lock_action, self.quit_action])

        view = bar.addMenu("&View")
        self.board_action = self._action("&Deadlines board", self.show_board, "Ctrl+D")
        self.board_action.setToolTip("Every client's deadlines in date order (Ctrl+D)")
        self.board_action.setWhatsThis("Deadlines board (Esc goes back)")
        view.addAction(self.board_action)

        calculators = bar.addMenu("&Tools")
        self.finance_action = self._action(
            "Appendix FM &money calculator…", self.show_finance_calculator, data=False
        )
        self.fees_action = self._action("Household &fees…", self.show_fees, data=False)
        calculators.addActions([self.finance_action, self.fees_action])
        # Issue 22: counts for funders and trustees, small numbers suppressed.
        self.statistics_action = self._action("&Statistics…", self.show_statistics)
        self.statistics_action.setToolTip(
            "Counts of clients, visits and matters in a period for funders and trustees, "
            "small numbers suppressed (CSV or PDF)"
        )
        calculators.addAction(self.statistics_action)
        # Issue 22: records due for their retention review: erase (confirmed) or keep.
        self.retention_action = self._action("&Retention review…", self.show_retention_review)
        self.retention_action.setToolTip(
            "Client records kept for the set time after their last matter closed: erase or keep"
        )
        calculators.addAction(self.retention_action)

        tools = bar.addMenu("&Settings")
        self.adviser_action = self._action("Switch &adviser…", self.switch_adviser, "Ctrl+Shift+A")
        self.passphrase_action = self._action("Change &passphrase…", self.change_passphrase)
        self.settings_action = self._action("&Settings…", self.edit_settings)
        self.settings_action.setToolTip("Auto-lock time and the centre's name for handouts")
        self.sharing_action = self._action("S&haring…", self.show_sharing)
        self.sharing_action.setToolTip(
            "Share records with the centre's other laptops: the folder, this laptop's name, "
            "the laptops enrolled"
        )
        tools.addActions(
            [self.adviser_action, self.passphrase_action, self.settings_action, self.sharing_action]
        )

        help_menu = bar.addMenu("&Help")
        self.shortcuts_action = self._action(
            "&Keyboard shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents, False
        )
        self.shortcuts_action.setWhatsThis("This list")
        self.guide_action = self._action("&Quick guide", self.show_guide, data=False)
        self.content_status_action = self._action(
            "Content and &sources…", self.show_content_status, data=False
        )
        self.content_status_action.setToolTip(
            "Which checklists and figures are in use and when each was last checked"
        )
        help_menu.addActions([self.shortcuts_action, self.guide_action])
        help_menu.addAction(self.content_status_action)
        help_menu.addSeparator()
        help_menu.addAction(self._action("&About Drop-in Desk", self._about, data=False))
        self._set_data_actions(False)

    def _set_data_actions(self, enabled: bool) -> None:
        for action in self._data_actions:
            action.setEnabled(enabled)

    # ---- pages -------------------------------------------------------------------------------
    def _show_page(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        unlocked = page in (self.workspace, self.deadlines_page)
        self._set_data_actions(unlocked)
        if page is self.workspace:
            self.client_list.focus_search()
        elif hasattr(page, "focus_first"):
            page.focus_first()

    @property
    def unlocked(self) -> bool:
        return self.store is not None and not self.store.locked and not self._locking

    # ---- background work ---------------------------------------------------------------------
    def run(
        self,
        title: str,
        work: Callable[[Callable[[int, str], None]], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        show_progress: bool = True,
    ) -> Operation:
        op = Operation(self, title, work, show_progress=show_progress)
        self._busy += 1

        def finished() -> None:
            self._busy -= 1
            if self._busy == 0 and self._lock_pending:
                self._lock_pending = False
                self.lock()

        def failed(exc: BaseException) -> None:
            if on_failure is not None:
                on_failure(exc)
            else:
                message = user_message(exc)
                logged = crash_report.log_path()
                if not crash_report.expected(exc) and logged is not None:
                    message += f" The details were written to {logged}."
                QMessageBox.warning(self, title, message)

        if on_success is not None:
            op.succeeded.connect(on_success)
        op.failed.connect(failed)
        op.finished.connect(finished)
        op.start()
        return op

    # ---- create / unlock / lock --------------------------------------------------------------
    def _create_store(self, passphrase: str) -> None:
        self.create_page.set_busy(True)

        def work(_progress):
            store = Store.create(self.folder, passphrase, self.kdf_costs, lock=self.instance_lock)
            return (store, *_session_start_data(store))

        def failed(exc: BaseException) -> None:
            self.create_page.set_busy(False)
            self.create_page.show_error(user_message(exc))

        def done(opened: tuple) -> None:
            self.create_page.set_busy(False)
            self.create_page.clear()
            self.store = opened[0]
            self._after_unlock(*opened[1:])

        self.run("Creating the store", work, done, failed, show_progress=False)

    def _unlock(self, passphrase: str) -> None:
        if self._locking:
            self.unlock_page.show_error("Still locking: try again in a moment.")
            return
        self.unlock_page.set_busy(True)

        def work(_progress):
            if self.store is None:
                store = Store.open(self.folder, passphrase, lock=self.instance_lock)
            else:
                store = self.store
                store.unlock(passphrase)
            return (store, *_session_start_data(store))

        def failed(exc: BaseException) -> None:
            self.unlock_page.set_busy(False)
            if isinstance(exc, WrongPassphrase):
                self.unlock_page.show_error(
                    "That passphrase is not right. Check Caps Lock and try again."
                )
            else:
                self.unlock_page.show_error(user_message(exc))

        def done(opened: tuple) -> None:
            self.unlock_page.set_busy(False)
            self.unlock_page.reset()
            store = self.store = opened[0]
            if store.upgrade_backup is not None:
                self.statusBar().showMessage(
                    f"The store was updated; a copy from before is in {store.upgrade_backup.parent}",
                    15000,
                )
                store.upgrade_backup = None
            if store.recovery_note:  # a half-made store from an interrupted set-up, dealt with
                self.statusBar().showMessage(store.recovery_note, 15000)
                store.recovery_note = None
            self._after_unlock(*opened[1:])

        self.run("Unlocking", work, done, failed, show_progress=False)

    def _after_unlock(
        self,
        names: list[str],
        minutes: int,
        index: ClientIndex,
        waiting: list[int] = (),
        new_client_kept: bool = False,
    ) -> None:
        assert self.store is not None
        if not self.adviser:
            self.adviser = names[0] if names else ""
            if self.ask_adviser:
                self._ask_adviser(names)
            self.adviser = self.adviser or FALLBACK_ADVISER
            self._record_adviser()
        self._update_adviser_label()
        self.idle.set_minutes(minutes)
        self.idle.start()
        self.client_page.set_context(self.store, self.adviser, self.today)
        self.client_list.set_index(index)
        self.client_page.show_client(None)
        self.board_feed.start(self.store, self.today)
        self._show_page(self.workspace)
        self.activateWindow()  # the adviser dialog had the focus
        said = [DRAFTS_WAITING.format(clients=clients_words(list(waiting)))] if waiting else []
        if new_client_kept:
            said.append(NEW_CLIENT_WAITING)
        if said:
            self.statusBar().showMessage(" ".join(said), 30000)
        self._warn_network_drive()
        self.warn_old_content()
        self.sharing.start(self.store)
        if self.store.pending_kept_erasures():
            self.reach_kept_copies()  # an erasure not yet carried into every kept copy

    def _warn_network_drive(self) -> None:
        """Once a run: a data folder on a network drive is not protected by the one-copy lock
        (other computers cannot see it) and SQLite's own locks are unreliable there."""
        if self._network_warned or self.store is None:
            return
        self._network_warned = True
        warning = self.store.network_drive_warning()
        if warning:
            QMessageBox.warning(self, "Data folder on a network drive", warning)

    def _ask_adviser(self, names: list[str]) -> bool:
        dialog = AdviserDialog(names, self.adviser, self, store=self.store)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.adviser = dialog.name()
            return True
        return False

    def _record_adviser(self) -> None:
        if self.store is not None and self.adviser != FALLBACK_ADVISER:
            with self.store.session() as session:
                repository.use_adviser(session, self.adviser)

    def _update_adviser_label(self) -> None:
        self.adviser_label.setText(f"Adviser: {self.adviser}   ")

    # ---- drafts: nothing typed is lost ---------------------------------------------------------
    def collect_drafts(self) -> list[Draft]:
        """Every open editor's unsaved work for the client shown: the tabs' and any open
        dialog's that takes part (desktop.ui.kept_drafts), and an open New client form's
        (which needs no client shown). Nothing typed: []."""
        if not self.unlocked:
            return []
        client_id = self.client_page.current_client_id()
        found = self.client_page.pending_drafts() if client_id is not None else []
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                try:
                    draft = kept_drafts.from_dialog(widget, client_id)
                except Exception:  # noqa: BLE001 - one odd dialog must not stop a lock
                    draft = None
                if draft is not None:
                    found.append(draft)
        return found

    def keep_drafts(self, pending: list[Draft] | None = None) -> tuple[list[Draft], list[Draft]]:
        """Keep the unsaved work in the store as drafts, in one transaction: (kept, not kept).
        A draft of the Details or Notes tab with nothing unsaved now is forgotten (its text
        was saved or cleared), so what comes back is what was on screen."""
        if self.store is None or self.store.locked:
            return [], list(pending or [])
        pending = self.collect_drafts() if pending is None else pending
        client_id = self.client_page.current_client_id()
        kept: list[Draft] = []
        lost: list[Draft] = []
        try:
            with self.store.session() as session:
                for draft in pending:
                    try:
                        kept_drafts.put(session, draft)
                    except drafts.DraftTooLarge:
                        lost.append(draft)
                    else:
                        kept.append(draft)
                if client_id is not None:
                    for kind in ClientPage.EDITOR_KINDS:
                        if not any(d.kind == kind and d.client_id == client_id for d in pending):
                            drafts.drop(session, client_id, kind)
        except Exception:  # noqa: BLE001 - said on the lock screen: nothing could be kept
            return [], list(pending)
        return kept, lost

    def keep_work_after_error(self) -> str:
        """After an unexpected error (desktop.ui.crash_report): keep the open editors' unsaved
        work now and say what was kept, in words with no client data."""
        if not self.unlocked:
            return "what was saved is safe."
        kept, lost = self.keep_drafts()
        words = "what was saved is safe"
        if kept:
            words += (
                f", and what was typed but not saved ({kept_drafts.describe(kept)}) was kept "
                "as an encrypted draft"
            )
        if lost:
            words += f"; {kept_drafts.describe(lost)} could not be kept: save it now if you can"
        return words + "."

    # ---- lock ----------------------------------------------------------------------------------
    def lock(self) -> None:
        """Keep what was typed as drafts, hide every client detail and forget the key until
        the passphrase is typed again."""
        if not self.unlocked:
            return
        if self._busy:
            self._lock_pending = True  # lock as soon as the running operation finishes
            return
        self.board_feed.stop()  # the board's data goes now, and no new board work starts
        self._lock_now()

    def _lock_now(self) -> None:
        self.sharing.stop()  # no sync starts while locked (one running has finished: _busy)
        kept, lost = self.keep_drafts()
        running: list[QDialog] = []
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                # Its opener must neither save nor forget the draft just kept.
                widget.closed_by_lock = True
                if not isinstance(widget, QProgressDialog) and widget.testAttribute(
                    Qt.WidgetAttribute.WA_ShowModal
                ):
                    running.append(widget)  # in exec(): it returns after this slot
                widget.reject()
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        self.idle.stop()
        self._locking = True
        self.statusBar().clearMessage()
        self.unlock_page.reset(message=lock_message(kept, lost))
        self._show_page(self.unlock_page)
        if not running:
            self._finish_lock()
            return
        self._closing_dialogs = running
        self._lock_overdue.start()
        QTimer.singleShot(10, self._finish_lock_once_unwound)

    def _finish_lock_once_unwound(self) -> None:
        """The second step, once the closed dialogs' exec() calls have returned: exec() puts
        back the dialog's modal mark as it returns, and the code after it runs before the
        event loop can call this."""
        if not self._locking:
            return
        if any(
            shiboken6.isValid(dialog) and dialog.testAttribute(Qt.WidgetAttribute.WA_ShowModal)
            for dialog in self._closing_dialogs
        ):
            QTimer.singleShot(10, self._finish_lock_once_unwound)
            return
        self._finish_lock()

    def _finish_lock(self) -> None:
        if not self._locking or self.store is None:
            self._locking = False
            return
        # A board build may be reading the store: closing its connection under the query would
        # crash, so wait for the read to end (a few milliseconds; about 0.3 s at 10,000 clients).
        guard = self.board_feed.board.store_lock
        if not guard.acquire(timeout=2.0):
            QTimer.singleShot(50, self._finish_lock)
            return
        try:
            self._lock_overdue.stop()
            self._closing_dialogs = []
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QDialog) and widget.isVisible():
                    widget.closed_by_lock = True
                    widget.reject()  # opened while the first step waited
            self.board_feed.stop()
            self.deadlines_page.clear()
            self.client_page.clear()
            self.client_list.clear()
            self._forget_typing()
            forget_client_caches()
            self.statusBar().clearMessage()
            self.store.lock()
        finally:
            guard.release()
            self._locking = False

    def _forget_typing(self) -> None:
        """Text boxes keep what they held in their undo history even when cleared: drop it,
        so no client detail can be brought back with Ctrl+Z after the lock."""
        for edit in self.findChildren(QLineEdit):
            if edit.isUndoAvailable() or edit.isRedoAvailable():
                blocked = edit.blockSignals(True)
                edit.setText(edit.text())  # setText empties the undo history
                edit.blockSignals(blocked)
        for edit in self.findChildren(QPlainTextEdit) + self.findChildren(QTextEdit):
            edit.document().clearUndoRedoStacks()

    # ---- clients -----------------------------------------------------------------------------
    def _show_client(self, client_id: int) -> None:
        if not self.unlocked or client_id == self.client_page.current_client_id():
            return  # locked or closing: the list may still move its current row
        if not self._leave_unsaved(
            "Save them before opening another client?"
        ) or not self.client_page.show_client(client_id):
            current = self.client_page.current_client_id()
            if current is not None:
                # After the list's own click handling: its selection goes back to the client
                # still on the page.
                QTimer.singleShot(0, lambda: self.client_list.select(current))
                self.client_list.select(current)
            return

    def _leave_unsaved(self, question: str) -> bool:
        """True when the page may be left: no unsaved changes, or they were saved or
        discarded at the adviser's word (one question; Save is the default, Esc cancels)."""
        if not (self.unlocked and self.client_page.has_unsaved_changes()):
            return True
        answer = prompts.ask_unsaved(
            self, f"This client's details have changes that are not saved. {question}"
        )
        if answer == prompts.SAVE:
            return self.client_page.details_tab.save()  # invalid: stays, problems shown
        if answer == prompts.DISCARD:
            self.client_page.details_tab.discard_draft()
            return True
        return False

    # ---- the deadlines board -----------------------------------------------------------------
    def show_board(self) -> None:
        """Show the deadlines board across the window (Ctrl+D); Esc goes back to the clients,
        whose page keeps its state."""
        if not self.unlocked:
            return
        self._show_page(self.deadlines_page)
        self.board_feed.ensure_current()
        self.deadlines_page.focus_first()

    def show_clients(self) -> None:
        if self.unlocked:
            self._show_page(self.workspace)

    def open_client_from_board(self, client_id: int) -> None:
        """The board's "Open client": back to the clients with that one shown and picked."""
        self._show_client(client_id)
        if self.client_page.current_client_id() != client_id:
            return  # the open client has unsaved changes and the adviser kept them
        self._show_page(self.workspace)
        if self.client_list.model.row_of(client_id) < 0:
            self.client_list.search.clear()  # the search hid them
        self.client_list.select(client_id)
        self.client_page.tabs.setFocus()

    def _board_changed(self, data) -> None:
        self.deadlines_page.set_data(data)
        self._refresh_badges()

    def _refresh_badges(self, *_args) -> None:
        """The client list's badges from the board's data, with the board's own "Overdue for"
        days, so a badge and a board row never disagree about a missed deadline."""
        data = self.board_feed.data
        missed = self.deadlines_page.overdue_days.value()
        self.client_list.set_badges(data.badges(missed_within=missed) if data is not None else {})

    def _refresh_summary(self, client_id: int) -> None:
        with self.store.read_session() as session:
            summary = repository.summary_of(repository.get_client(session, client_id))
        self.client_list.model.index_data.upsert(summary)
        self.client_list.refresh(keep=client_id)

    def _client_changed(self, client_id: int) -> None:
        self._refresh_summary(client_id)
        self.board_feed.client_changed(client_id)

    def _show_added(self, client_id: int) -> None:
        """A client just added is shown and selected, even if the search would hide them."""
        self.client_list.search.clear()
        self._refresh_summary(client_id)
        self.client_page.show_client(client_id)
        self.board_feed.client_changed(client_id)

    def _client_deleted(self, client_id: int) -> None:
        self.client_list.model.index_data.remove(client_id)
        self.client_list.refresh()
        self.board_feed.client_removed(client_id)
        self.client_page.show_client(None)
        self.reach_kept_copies()

    def reach_kept_copies(self) -> Operation | None:
        """Take every erased client out of the copies kept in backups/ (each copy rewritten
        without them, or deleted when it cannot be), off the window thread. Runs after an
        erasure and after unlocking while an earlier one is still owed (the store notes each
        erasure in the same transaction, so a lock or crash in between loses nothing)."""
        store = self.store
        if store is None or store.locked:
            return None

        def work(progress):
            return store.erase_from_kept_copies(None, progress)

        def done(result) -> None:
            self.statusBar().showMessage(kept_copies_dialog.erasure_line(result), 30000)

        def failed(_exc: BaseException) -> None:
            line = kept_copies_dialog.failed_line(kept_copies_dialog.ERASURE)
            self.statusBar().showMessage(line, 30000)

        return self.run("Updating the kept copies", work, done, failed)

    def new_client(self) -> None:
        from desktop.ui.intake_dialog import IntakeDialog

        dialog = IntakeDialog(self.store, self.adviser, self, today=self.today())
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.client_id() is not None:
            self._show_added(dialog.client_id())

    def import_client(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Import client from history JSON",
            str(start_folder()),
            "History JSON (*.json);;All files (*)",
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> Operation:
        from desktop.importers.history_json import import_case, read_case_file

        store, adviser = self.store, self.adviser

        def work(progress):
            progress(10, "Reading the file")
            case = read_case_file(path)
            progress(50, "Saving the client")
            with store.session() as session:
                return import_case(session, case, adviser)

        def done(client_id: int) -> None:
            self._show_added(client_id)
            self.statusBar().showMessage(f"Imported {path.name}.", 8000)

        return self.run("Importing client", work, done)

    def export_client(self) -> None:
        client_id = self.client_page.current_client_id()
        if client_id is None:
            QMessageBox.information(self, "Export client", "Pick a client first.")
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export client (subject access copy)",
            str(start_folder() / f"client-{client_id}-{self.today().isoformat()}.json"),
            "History JSON (*.json)",
        )
        if path:
            self.export_file(client_id, Path(path))

    def export_file(self, client_id: int, path: Path) -> Operation:
        from desktop.importers.history_json import dumps, export_case

        store = self.store

        def work(progress):
            progress(20, "Collecting the client's records")
            with store.read_session() as session:
                text = dumps(export_case(session, client_id, full=True))
            progress(70, "Writing the file")
            # Through a temporary file, readable by its owner only (0600 on POSIX).
            from desktop.printing.common import write_atomically

            return write_atomically(path, text.encode("utf-8"))

        def done(written: Path) -> None:
            self.statusBar().showMessage(
                f"Exported to {written}. This file is NOT encrypted: hand it over and delete it.",
                15000,
            )

        return self.run("Exporting client", work, done)

    # ---- referrals (issue 20) -------------------------------------------------------------------
    def log_visit(self) -> bool:
        """File > Log a visit… (Ctrl+Shift+V on the client page): the visit form."""
        if not self.unlocked:
            return False
        if self.client_page.current_client_id() is None:
            QMessageBox.information(self, "Log a visit", "Pick a client first.")
            return False
        return self.client_page.log_visit()

    def refer_client(self):
        """File > Refer this client to another adviser…: the send wizard for the client shown."""
        from desktop.ui.referral_send_wizard import ReferralSendWizard

        client_id = self.client_page.current_client_id()
        if not self.unlocked:
            return None
        if client_id is None:
            QMessageBox.information(self, "Refer a client", "Pick a client first.")
            return None
        if not self._leave_unsaved("Save them before the referral is made?"):
            return None
        wizard = ReferralSendWizard(
            self.store, client_id, self.adviser, self, runner=self.run, today=self.today()
        )
        wizard.exec()
        if wizard.sent_path is not None and not kept_drafts.closed_by_lock(wizard):
            self.statusBar().showMessage(f"Referral saved to {wizard.sent_path}.", 15000)
        return wizard

    def receive_referral(self) -> None:
        """File > Receive a referral…"""
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Receive a referral",
            str(start_folder()),
            f"Referral files (*{REFERRAL_SUFFIX});;All files (*)",
        )
        if path:
            self.receive_referral_file(Path(path))

    def receive_referral_file(self, path: Path):
        """The receive dialog for `path` (menu or drag-and-drop); once a client is added or
        merged, that client is shown and the status bar says what was done."""
        from desktop.ui.referral_receive_dialog import ReferralReceiveDialog

        if not self.unlocked:
            return None
        # A merge may reload the client shown: its unsaved details are settled first.
        if not self._leave_unsaved("Save them before a referral is received?"):
            return None
        dialog = ReferralReceiveDialog(self.store, self.adviser, path, self, runner=self.run)
        dialog.start()
        dialog.exec()
        if dialog.client_id is not None and not kept_drafts.closed_by_lock(dialog):
            self._show_added(dialog.client_id)
            self._show_page(self.workspace)
            self.client_list.select(dialog.client_id)
            self.statusBar().showMessage(dialog.message, 20000)
        return dialog

    def show_address_book(self) -> None:
        from desktop.ui.address_book_dialog import AddressBookDialog

        if self.unlocked:
            AddressBookDialog(self.store, self).exec()

    # ---- sharing with the centre's other laptops (issue 21) -------------------------------------
    def _show_sharing_status(self, text: str, tooltip: str) -> None:
        self.sharing_label.setText(f"{text}   ")
        self.sharing_label.setToolTip(tooltip)
        self.sharing_label.setAccessibleDescription(text)

    def sync_now(self):
        """File > Sync now (Ctrl+Shift+S): exchange with the folder now, off the UI thread.
        Without a centre it opens Settings > Sharing…; while a sync runs it says so."""
        if not self.unlocked:
            return None
        if self.sharing.centre is None:
            self.sharing.start(self.store)  # set up in another window or by the command line?
        if self.sharing.centre is None:
            self.statusBar().showMessage(
                "This laptop shares no records yet: Settings > Sharing… sets it up.", 15000
            )
            return None
        if self.sharing.running:
            self.statusBar().showMessage("A sync is already running.", 8000)
            return None
        return self.sharing.sync_now(manual=True)

    def _after_sync(self, report, index: ClientIndex | None) -> None:
        """Changes came in: the list, the board and the client shown follow. What is typed on
        the page is never overwritten: with unsaved changes or a dialog open, the page stays
        as it is and the status bar says the client's new data shows when opened again."""
        if not self.unlocked or not report.changes_in:
            return
        if index is not None:
            current = self.client_page.current_client_id()
            self.client_list.model.set_index(index)  # the search typed stays
            self.client_list.refresh(keep=current)
        self.board_feed.rebuild()
        self._reload_client_shown(
            "Changes from another laptop came in: they show when this client is opened again."
        )
        if self.store.pending_kept_erasures():
            self.reach_kept_copies()  # a client erased on another laptop: out of backups/ too

    def _reload_client_shown(self, otherwise: str) -> None:
        current = self.client_page.current_client_id()
        if current is None:
            return
        dialog_open = any(
            isinstance(w, QDialog) and w.isVisible() and not isinstance(w, QProgressDialog)
            for w in QApplication.topLevelWidgets()
        )
        if dialog_open or self.client_page.has_unsaved_changes():
            self.statusBar().showMessage(otherwise, 20000)
            return
        from desktop.store.models import Client

        with self.store.read_session() as session:
            still_there = session.get(Client, current) is not None
        self.client_page.show_client(None)
        if still_there:
            self.client_page.show_client(current)
            self.client_list.select(current)

    def show_sharing(self):
        """Settings > Sharing…: create or join a centre, the laptops enrolled."""
        from desktop.ui.sharing_dialog import SharingDialog

        if not self.unlocked:
            return None
        dialog = SharingDialog(self.store, self, runner=self.run)
        joined = []
        dialog.centre_changed.connect(lambda: joined.append(True))
        dialog.exec()
        if joined and self.unlocked:
            self.sharing.start(self.store)
            self.sharing.sync_now(manual=False)  # a laptop just joined gets the records now
        return dialog

    def show_review_queue(self):
        """File > Review shared changes…"""
        from desktop.ui.review_queue_dialog import ReviewQueueDialog

        if not self.unlocked:
            return None
        dialog = ReviewQueueDialog(self.store, self, runner=self.run, adviser=self.adviser)
        changed: list[int | None] = []
        dialog.resolved.connect(changed.append)
        dialog.exec()
        if changed and self.unlocked and not kept_drafts.closed_by_lock(dialog):
            self.sharing.set_to_review(len(dialog.reviews))
            for client_id in {c for c in changed if c is not None}:
                self._refresh_summary(client_id)
                self.board_feed.client_changed(client_id)
            self._reload_client_shown("The values kept show when this client is opened again.")
        return dialog

    # ---- drag and drop: a referral file dropped on the window --------------------------------
    def dropped_referral(self, mime) -> Path | None:
        """The one local .ddref file a drag carries, or None (anything else is refused)."""
        if not self.unlocked or mime is None or not mime.hasUrls():
            return None
        urls = mime.urls()
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        path = Path(urls[0].toLocalFile())
        return path if path.suffix.lower() == REFERRAL_SUFFIX else None

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.dropped_referral(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        path = self.dropped_referral(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        # After the drop returns: the dragging application is not kept waiting on a dialog.
        QTimer.singleShot(0, lambda: self.receive_referral_file(path))

    # ---- backup / restore / passphrase / settings --------------------------------------------
    def backup(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Back up to file",
            str(start_folder() / f"dropin-desk-{self.today().isoformat()}{BACKUP_SUFFIX}"),
            f"Drop-in Desk backup (*{BACKUP_SUFFIX})",
        )
        if path:
            self.backup_file(Path(path))

    def backup_file(self, path: Path) -> Operation:
        store = self.store
        return self.run(
            "Backing up",
            lambda progress: store.backup_to(path, progress),
            lambda written: self.statusBar().showMessage(
                f"Encrypted backup written to {written}. It opens with the current passphrase.",
                15000,
            ),
        )

    def restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Restore from backup",
            str(start_folder()),
            f"Drop-in Desk backup (*{BACKUP_SUFFIX})",
        )
        if not path:
            return
        passphrase, ok = QInputDialog.getText(
            self,
            "Restore from backup",
            "Passphrase the backup was made with:",
            QLineEdit.EchoMode.Password,
        )
        if not ok or not passphrase:
            return
        # The file and its passphrase are checked first: the question is asked only about a
        # backup that can be restored (a wrong passphrase is said at once, nothing asked).
        self.check_backup_file(Path(path), passphrase, self._confirm_restore)

    def _confirm_restore(self, path: Path, passphrase: str) -> None:
        answer = QMessageBox.warning(
            self,
            "Restore from backup",
            RESTORE_QUESTION,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_file(path, passphrase)

    def check_backup_file(
        self, path: Path, passphrase: str, then: Callable[[Path, str], None]
    ) -> Operation:
        """Check a backup whole (file, manifest, passphrase, records) without replacing
        anything, off the window thread; `then(path, passphrase)` once it passed. A problem is
        said in one message ("That passphrase does not open this backup.")."""
        store = self.store

        def work(progress):
            def stop_before_replacing(value: int, text: str) -> None:
                # `Store.restore_from` checks everything before its first replacing step; it
                # is stopped there, so nothing is replaced and its staging files are removed.
                if value >= RESTORE_REPLACING_STEP:
                    raise _BackupChecked
                progress(value, text)

            try:
                store.restore_from(path, passphrase, stop_before_replacing)
            except _BackupChecked:
                return True
            raise StoreError("The backup could not be checked. Nothing was replaced.")

        def failed(exc: BaseException) -> None:
            message = user_message(exc)
            if "Nothing was replaced" not in message:
                message += "\n\nNothing was replaced."
            QMessageBox.warning(self, "Restore from backup", message)

        return self.run("Checking the backup", work, lambda _ok: then(path, passphrase), failed)

    def restore_file(self, path: Path, passphrase: str) -> Operation:
        store = self.store
        self.client_page.clear()

        def done(_result) -> None:
            with store.read_session() as session:
                self.client_list.set_index(ClientIndex(repository.list_summaries(session)))
            self.client_page.set_context(store, self.adviser, self.today)
            self.client_page.show_client(None)
            self.board_feed.rebuild()
            self.statusBar().showMessage("Restored from the backup.", 15000)

        def failed(exc: BaseException) -> None:
            message = user_message(exc)
            if "Nothing was replaced" not in message:
                message += "\n\nNothing was replaced."
            QMessageBox.warning(self, "Restore from backup", message)
            current = self.client_page.current_client_id()
            self.client_page.show_client(current)

        guard = self.board_feed.board.store_lock

        def work(progress):
            with guard:  # the store is swapped: no board read may run under it
                store.restore_from(path, passphrase, progress)

        return self.run("Restoring", work, done, failed)

    def change_passphrase(self) -> None:
        dialog = ChangePassphraseDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            old, new = dialog.values()
            self.change_passphrase_to(old, new)

    def change_passphrase_to(self, old: str, new: str) -> Operation:
        store, guard = self.store, self.board_feed.board.store_lock

        def work(progress):
            with guard:  # the store is swapped: no board read may run under it
                store.change_passphrase(old, new, progress)

        def done(_result) -> None:
            # The store re-keyed the copies in backups/ with the new passphrase (or deleted
            # those it could not open): say what was done, and what is out of reach.
            line = kept_copies_dialog.passphrase_line(store.last_kept_rekey)
            self.statusBar().showMessage(f"{line} Tell everyone who uses this computer.", 30000)

        return self.run("Changing the passphrase", work, done)

    def show_statistics(self) -> None:
        """Tools > Statistics…: the counts run off the UI thread in the dialog."""
        if not self.unlocked:
            return
        from desktop.ui.statistics_dialog import StatisticsDialog

        dialog = StatisticsDialog(self.store, today=self.today(), run=self.run, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exec()

    def show_finance_calculator(self) -> None:
        """The Appendix FM financial requirement worked out on screen (nothing is saved)."""
        from desktop.ui.finance_dialog import FinanceDialog

        FinanceDialog(self, today=self.today()).exec()

    def show_fees(self) -> None:
        """A household's fees and health charge for an application on a date (nothing saved)."""
        from desktop.ui.fees_dialog import FeesDialog

        FeesDialog(self, today=self.today()).exec()

    def edit_settings(self) -> None:
        from desktop.store import casework

        minutes = self.idle.interval_ms() // 60_000
        with self.store.read_session() as session:
            name = repository.get_setting(session, CENTRE_NAME_SETTING, "") or ""
            contact = repository.get_setting(session, CENTRE_CONTACT_SETTING, "") or ""
            kept = kept_limit(repository.get_setting(session, KEEP_COPIES_SETTING))
            retention_years = casework.retention_years(session)
            consent_months = casework.consent_months(session)
            oisc_number = casework.oisc_number(session)
            procedure = casework.complaints_procedure(session)
        dialog = SettingsDialog(
            minutes,
            self,
            centre_name=name,
            centre_contact=contact,
            kept_copies=kept,
            warn_days=self.content_warn_days(),
            retention_years=retention_years,
            consent_months=consent_months,
            oisc_number=oisc_number,
            complaints_procedure=procedure,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self.save_settings(dialog)
            except Exception as exc:  # noqa: BLE001 - nothing saved half; never a traceback
                said = str(exc) if isinstance(exc, ValueError) else user_message(exc)
                QMessageBox.warning(self, "Settings", f"The settings were not saved: {said}")
                return
            self.store.prune_kept_copies()  # a lower number applies at once
            self.set_auto_lock_minutes(dialog.auto_lock_minutes())
            self.warn_old_content()
            if (dialog.retention_years(), dialog.consent_months()) != (
                retention_years,
                consent_months,
            ):
                self.board_feed.rebuild()  # the retention and consent reminders move

    def save_settings(self, dialog: SettingsDialog) -> None:
        """Every setting of the dialog in one transaction (a problem saves none of them)."""
        from desktop.store import casework

        with self.store.session() as session:
            repository.set_setting(session, CENTRE_NAME_SETTING, dialog.centre_name())
            repository.set_setting(session, CENTRE_CONTACT_SETTING, dialog.centre_contact())
            repository.set_setting(session, KEEP_COPIES_SETTING, str(dialog.kept_copies()))
            repository.set_setting(session, CONTENT_WARN_DAYS_SETTING, str(dialog.warn_days()))
            casework.set_retention_years(session, dialog.retention_years())
            casework.set_consent_months(session, dialog.consent_months())
            casework.set_oisc_number(session, dialog.oisc_number())
            casework.set_complaints_procedure(session, dialog.complaints_procedure())

    def show_retention_review(self):
        """Tools > Retention review…: records due for review, each erased (after the client's
        full name is typed) or kept with a reason and a new review date."""
        from desktop.ui.retention_review_dialog import RetentionReviewDialog

        dialog = RetentionReviewDialog(self.store, self.adviser, self.today, self, runner=self.run)
        dialog.erased.connect(self._erased_at_review)
        dialog.kept.connect(self.board_feed.client_changed)
        dialog.open()
        dialog.load()
        return dialog

    def _erased_at_review(self, client_id: int) -> None:
        """As an erasure from the Details tab: off the list and the board, out of backups/."""
        self.client_list.model.index_data.remove(client_id)
        self.client_list.refresh()
        self.board_feed.client_removed(client_id)
        if self.client_page.current_client_id() == client_id:
            self.client_page.show_client(None)
        self.reach_kept_copies()

    # ---- guidance content (desktop.content) -------------------------------------------------
    def content_warn_days(self) -> int:
        """The "warn when guidance content is older than N days" setting (default 180)."""
        if self.store is None or self.store.locked:
            return content_warn_days(None)
        with self.store.read_session() as session:
            return content_warn_days(repository.get_setting(session, CONTENT_WARN_DAYS_SETTING))

    def content_status(self):
        from desktop.content import content_status

        return content_status(self.today(), self.content_warn_days())

    def warn_old_content(self) -> None:
        """The status bar's warning: content older than the setting, or a pack not used."""
        from desktop.rules.content_pack import stale_files
        from desktop.ui.content_status_dialog import summary_line

        try:
            status = self.content_status()
        except Exception as exc:  # noqa: BLE001 - a warning must never stop the window
            self.content_warning.setText(
                f"Guidance content could not be checked ({type(exc).__name__})"
            )
            self.content_warning.setVisible(True)
            return
        said = []
        if status.in_use.problem:
            said.append("The installed content update is not used: see Help > Content and sources.")
        if stale_files(status.ages):
            said.append(summary_line(status))
        self.content_warning.setText(" ".join(said))
        self.content_warning.setToolTip(status.in_use.problem or summary_line(status))
        self.content_warning.setVisible(bool(said))

    def show_content_status(self):
        from desktop.ui.content_status_dialog import ContentStatusDialog

        dialog = ContentStatusDialog(self.content_status(), self, rollback=self._roll_back_content)
        dialog.open()
        return dialog

    def _roll_back_content(self):
        """Help > Content and sources > Go back: the previous pack, or the app's own content."""
        from desktop import content

        now = content.rollback(self.folder)
        self.warn_old_content()
        return now

    def install_content_update(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Install content update",
            str(start_folder()),
            "Content update packs (*.ddpack);;All files (*)",
        )
        if path:
            self.install_content_file(Path(path))

    def install_content_file(self, path: Path, keys_folder: Path | None = None):
        """The dialog that checks `path`, shows its changes and installs it on Install."""
        from desktop.ui.content_update_dialog import ContentUpdateDialog

        dialog = ContentUpdateDialog(path, self.folder, self, keys_folder=keys_folder)

        def installed(now) -> None:
            self.statusBar().showMessage(
                f"Installed {now.label}: it is used from now on. Pages already open show it "
                "when next opened.",
                30000,
            )
            self.warn_old_content()

        dialog.installed.connect(installed)
        dialog.open()
        dialog.start_check()
        return dialog

    def set_auto_lock_minutes(self, minutes: int) -> None:
        with self.store.session() as session:
            repository.set_setting(session, AUTO_LOCK_SETTING, str(minutes))
        self.idle.set_minutes(minutes)
        self.idle.start()

    def switch_adviser(self) -> None:
        with self.store.read_session() as session:
            names = repository.adviser_names(session)
        if self._ask_adviser(names):
            self._record_adviser()
            self._update_adviser_label()
            # The page is shown again under the new name: what was typed goes through a draft
            # (kept now, put back by the reload), never lost.
            self.keep_drafts()
            self.client_page.set_context(self.store, self.adviser, self.today)
            current = self.client_page.current_client_id()
            self.client_page.show_client(None)
            self.client_page.show_client(current)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Drop-in Desk",
            f"<b>Drop-in Desk {__version__}</b><br>Offline tool for immigration advice drop-ins."
            f"<br>Data folder: {self.folder}<br>Records are encrypted (SQLCipher 4, Argon2id).",
        )

    def show_shortcuts(self) -> None:
        from desktop.ui.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self, self.shortcut_rows()).exec()

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """Every shortcut of the window, read from its actions and pages (the F1 list)."""
        from desktop.ui.shortcuts_dialog import shortcut_rows

        return shortcut_rows(
            self, {self.deadlines_page: "Deadlines board", self.client_list: "client list"}
        )

    def show_guide(self) -> None:
        from desktop.ui.guide_dialog import GuideDialog

        GuideDialog(self).exec()

    # ---- closing -----------------------------------------------------------------------------
    def request_quit(self) -> None:
        """File > Quit (Ctrl+Q). Asks only when something typed is not saved (see
        `_may_quit`); with nothing typed it just quits."""
        self.close()

    def _may_quit(self) -> bool:
        """Nothing typed: True, no question. Something typed: one question that says it is
        kept as a draft (Quit is the default); it is kept when the answer is Quit. If it
        cannot be kept, a second question says so (Cancel is the default)."""
        pending = self.collect_drafts()
        if not pending:
            return True
        what = kept_drafts.describe(pending)
        question = QUIT_KEEPING.format(what=what, when=kept_drafts.when_back(pending))
        if not prompts.confirm_quit(self, question):
            return False
        _kept, lost = self.keep_drafts(pending)
        if not lost:
            return True
        return prompts.confirm_quit(
            self,
            QUIT_LOSING.format(what=kept_drafts.describe(lost)),
            quit_label="Quit and &lose them",
            quit_is_default=False,
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._busy:
            QMessageBox.information(self, "Please wait", "Wait for the current task to finish.")
            event.ignore()
            return
        if not self._quit_agreed and not self._may_quit():
            event.ignore()
            return
        open_dialogs = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()
        ]
        if open_dialogs:
            # (A close from the system while a dialog is open.) Their drafts are kept: close
            # them, let the code that opened them return, then close for real, unasked.
            self._quit_agreed = True
            for widget in open_dialogs:
                widget.closed_by_lock = True
                widget.reject()
            event.ignore()
            QTimer.singleShot(50, self.close)
            return
        self._lock_overdue.stop()
        self._locking = False
        self.idle.stop()
        self.sharing.stop()
        self.board_feed.close()
        self.deadlines_page.clear()
        self.client_page.clear()
        self.client_list.clear()
        if self.store is not None:
            with self.board_feed.board.store_lock:  # a board read finishes first
                self.store.close()
            self.store = None
        self.instance_lock.release()
        event.accept()
