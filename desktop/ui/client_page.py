"""The client's page on the right of the main window: a header and eight tabs.

Ctrl+1..8 (or Alt+1..8) switch tabs from anywhere in the window (the search box, the list);
Ctrl+Shift+V logs a visit for the client shown (the Casework tab's form).
Under the header a strip names the engine's next deadlines and the client's casework
reminders (issue 22), worked out off the UI thread, and
warns when the stored application date has passed. `clear()` drops every widget's client data (the app
locks); `show_client(None)` shows the empty placeholder.

Unsaved work kept as drafts (desktop.store.drafts) comes back when the client is opened: the
Details and Notes tabs put theirs back in place, and a banner under the header offers each
kept form (a History record, a household member, a planned trip, a checklist prompt, a paper
statement, a flag explanation, a visit, a matter) with Restore and Discard. `pending_drafts()` gives the tabs'
unsaved work to the window.

The tabs keep to one contract (desktop.ui.client_tab) and are listed once, in `TABS`. A tab
that writes announces it; the page broadcasts one `ClientChanges` (the client, the kinds of
thing changed) and every other tab whose `reacts_to` it touches is reloaded: what they need
is read in one read session on a pool thread and shown on the UI thread (a result overtaken
by a newer change, another client or a lock is dropped). `tabs_reloaded` says they show it.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.store import drafts
from desktop.store.repository import get_client
from desktop.ui import client_tab, kept_drafts
from desktop.ui.casework_tab import DRAFT_KINDS as CASEWORK_TAB_DRAFT_KINDS
from desktop.ui.casework_tab import CaseworkTab
from desktop.ui.checklists_tab import ChecklistsTab
from desktop.ui.client_tab import ClientChanges, Reader, reacts, reader_of
from desktop.ui.details_tab import DetailsTab
from desktop.ui.history_tab import HistoryTab
from desktop.ui.household_tab import HouseholdTab
from desktop.ui.kept_drafts import (
    CHECKLIST_DATE,
    CHECKLIST_ITEM,
    CHECKLIST_REASON,
    DETAILS,
    DIALOG_KINDS,
    FLAG_REVIEW,
    HISTORY_RECORD,
    HOUSEHOLD_MEMBER,
    NOTE,
    PLAN_TRIP,
    REFERRAL_NOTE,
    STATEMENT_GRID,
    DraftBanner,
    closed_by_lock,
)
from desktop.ui.notes_tab import NotesTab
from desktop.ui.operations import Operation
from desktop.ui.residence_tab import ResidenceTab
from desktop.ui.shortcuts_dialog import UNLISTED
from desktop.ui.statements_tab import StatementsTab
from desktop.ui.widgets.dates import format_date
from desktop.ui.widgets.deadline_strip import DeadlineStrip

PLACEHOLDER = "Pick a client or press Ctrl+N"
STATEMENTS_STILL_CHECKED = (
    "The statements are still being checked: press Restore again in a moment."
)
DRAFT_GONE = "What that draft was for is no longer there: it was discarded."


#: The client's tabs in order (Ctrl/Alt+1..9 by place): the page's attribute and the tab's
#: class, which carries the rest (desktop.ui.client_tab). Adding a tab is adding a line here.
TABS: tuple[tuple[str, type[QWidget]], ...] = (
    ("details_tab", DetailsTab),
    ("household_tab", HouseholdTab),
    ("history_tab", HistoryTab),
    ("residence_tab", ResidenceTab),
    ("notes_tab", NotesTab),
    ("statements_tab", StatementsTab),
    ("checklists_tab", ChecklistsTab),
    ("casework_tab", CaseworkTab),
)

#: Kept drafts of the Casework tab's forms (a visit, a matter, a letter, a complaint, a consent,
#: a request for records), offered back like the others.
CASEWORK_DRAFT_KINDS = CASEWORK_TAB_DRAFT_KINDS
#: Every kind of kept form draft the page offers back with Restore / Discard.
OFFERED_KINDS = (*DIALOG_KINDS, *CASEWORK_DRAFT_KINDS)
#: One keystroke from anywhere on the client page: log a visit for the client shown.
LOG_VISIT_KEYS = "Ctrl+Shift+V"


def _read_all(store, readers: Sequence[Reader], _progress) -> list[tuple[bool, object]]:
    """On a pool thread: every stale tab's read in one read session (values only). A read
    that fails gives (False, the error's kind) and does not stop the others."""
    found: list[tuple[bool, object]] = []
    with store.read_session() as session:
        for read in readers:
            try:
                found.append((True, read(session)))
            except Exception as exc:  # noqa: BLE001 - that tab keeps what it shows
                found.append((False, type(exc).__name__))
    return found


def _header_read(client_id: int):
    def read(session) -> tuple:
        client = get_client(session, client_id)
        return client.full_name, client.date_of_birth, client.home_office_ref

    return read


def _deadline_work(history, today: date, _progress) -> tuple:
    """Runs on a pool thread with values only (no widget, no store)."""
    from desktop.board import deadlines_for

    return deadlines_for(history, today)


def _as_items(reminders) -> tuple:
    """Casework reminders (Deadlines) as the strip's Items."""
    from desktop.board import Item

    return tuple(
        Item(d.date, d.what, d.rule, d.next_working_day, d.kind, d.status) for d in reminders
    )


class ClientPage(QWidget):
    client_changed = Signal(
        int
    )  # details or history saved: the main window refreshes the list entry
    client_deleted = Signal(int)
    #: A `ClientChanges` the page broadcast to its tabs (emitted on the UI thread).
    changes_broadcast = Signal(object)
    #: The tabs reloaded after a broadcast now show it (emitted on the UI thread).
    tabs_reloaded = Signal()
    #: The deadline strip shows the current history's deadlines (emitted on the UI thread).
    deadlines_ready = Signal()
    #: "Refer…" pressed: the window opens the referral wizard for the client shown (issue 20).
    refer_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = None
        self._adviser = ""
        self._today: Callable[[], date] = date.today
        self._client_id: int | None = None
        # Bumped by every deadline request and by clear(): only the latest result is shown.
        self._deadline_generation = 0
        # Tab attribute (or "header") -> the number of the reload asked for it last: a read
        # that is not the latest for its tab is dropped.
        self._reloads = itertools.count(1)
        self._reload_wanted: dict[str, int] = {}

        self.placeholder = QLabel(PLACEHOLDER)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setAccessibleName(PLACEHOLDER)
        self.placeholder.setStyleSheet("color: palette(mid); font-size: 15pt;")

        self.name_label = QLabel()
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setAccessibleName("Client name")
        self.facts_label = QLabel()
        self.facts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.facts_label.setAccessibleName("Client date of birth and Home Office reference")
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Client tabs")
        #: (attribute, tab) in order, from `TABS`.
        self.client_tabs: list[tuple[str, QWidget]] = []
        for number, (name, tab_class) in enumerate(TABS, start=1):
            tab = tab_class()
            setattr(self, name, tab)
            self.client_tabs.append((name, tab))
            title = tab.tab_title
            index = self.tabs.addTab(tab, title)
            tab.setAccessibleName(f"{title} tab")
            for signal_name, kinds in tab.writes.items():
                getattr(tab, signal_name).connect(partial(self._tab_wrote, name, kinds))
            if hasattr(tab, "drafts_changed"):  # a draft kept by the tab itself
                tab.drafts_changed.connect(self._offer_drafts)
            if number > 9:
                continue
            self.tabs.setTabToolTip(index, f"{title} (Ctrl+{number})")
            for modifier in ("Ctrl", "Alt"):
                # Window-wide: they work from the search box and the list too, e.g. straight
                # after opening a client from a search.
                shortcut = QShortcut(QKeySequence(f"{modifier}+{number}"), self)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.setProperty(UNLISTED, True)  # one row in the F1 list for all 14
                shortcut.activated.connect(lambda i=index: self.show_tab(i))

        # Between particular tabs (not a refresh: those go through `broadcast`).
        self.details_tab.client_deleted.connect(self._deleted)
        self.details_tab.dirty_changed.connect(self._mark_details_tab)
        self.residence_tab.record_activated.connect(self.show_record)
        self.residence_tab.add_trip_requested.connect(self._add_trip)
        # A matter needing a higher OISC level offers the referral, as the Refer button does.
        self.casework_tab.refer_requested.connect(self._refer)
        self.casework_tab.shown.connect(self._casework_shown)
        #: (the history's deadlines or None when they failed, the day) last shown on the strip.
        self._engine_items: tuple | None = None
        log_visit = QShortcut(QKeySequence(LOG_VISIT_KEYS), self)
        log_visit.setContext(Qt.ShortcutContext.WindowShortcut)
        log_visit.setWhatsThis("Log a visit for the client shown (Casework tab)")
        log_visit.activated.connect(self.log_visit)
        self.log_visit_shortcut = log_visit
        # The Statements tab's dialogs run through the page, so a kept draft can be put back
        # into them and is forgotten when they close (the tab's own `run_dialog` hook).
        self._restoring: dict[str, dict] = {}
        #: How a Statements tab dialog is shown (tests replace it).
        self.run_statements_dialog = self.statements_tab.run_dialog
        self.statements_tab.run_dialog = self._run_statements_dialog

        self.draft_banner = DraftBanner()
        self.draft_banner.restore_requested.connect(self.restore_draft)
        self.draft_banner.discard_requested.connect(self.discard_draft)

        client = QWidget()
        client_layout = QVBoxLayout(client)
        client_layout.setContentsMargins(0, 0, 0, 0)
        header = QVBoxLayout()
        header.setContentsMargins(6, 4, 6, 4)
        header.setSpacing(2)
        # No Alt letter of its own (the window's are spoken for): File > Refer this client to
        # another adviser… (Alt+F, A) is the keyboard's way; Tab reaches the button too.
        self.refer_button = QPushButton("Refer to another adviser…")
        self.refer_button.setAccessibleName("Refer this client to another adviser")
        self.refer_button.setToolTip(
            "Write one encrypted referral file of this client for another adviser"
        )
        self.refer_button.clicked.connect(self._refer)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_label, 1)
        name_row.addWidget(self.refer_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(name_row)
        header.addWidget(self.facts_label)
        self.deadline_strip = DeadlineStrip()
        # "Checked: no permission…" on the strip records the check as the History tab does.
        self.deadline_strip.check_requested.connect(self.history_tab.check_no_permission)
        header.addWidget(self.deadline_strip)
        header.addWidget(self.draft_banner)
        client_layout.addLayout(header)
        client_layout.addWidget(self.tabs, 1)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(client)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.clear()

    # ---- API used by the main window ----------------------------------------------------------
    def set_context(
        self, store, adviser: str, today_provider: Callable[[], date] = date.today
    ) -> None:
        self._store, self._adviser, self._today = store, adviser, today_provider
        for _name, tab in self.client_tabs:
            # A trip planned on the Residence tab is saved through the History tab's checks.
            extra = (
                {"apply_record": self.history_tab.apply_record} if tab is self.residence_tab else {}
            )
            tab.set_context(store, adviser, today_provider, **extra)

    def show_client(self, client_id: int | None) -> bool:
        """Show a client (None: the placeholder). False when the page stayed as it was: a
        note typed for the client shown could not be kept, so leaving would lose it."""
        if client_id is None:
            self.clear()
            return True
        if client_id != self._client_id and not all(
            tab.leave_client() for _name, tab in self.client_tabs if hasattr(tab, "leave_client")
        ):
            return False
        self._client_id = client_id
        self._reload_wanted.clear()  # a read still on its way is for what was shown before
        self._engine_items = None  # the strip's deadlines were for what was shown before
        self._load_header()
        for _name, tab in self.client_tabs:
            tab.load(client_id)
        self.stack.setCurrentIndex(1)
        self.refresh_deadlines()
        self._offer_drafts()
        return True

    def current_client_id(self) -> int | None:
        return self._client_id

    def _refer(self) -> None:
        if self._client_id is not None:
            self.refer_requested.emit(self._client_id)

    def log_visit(self) -> bool:
        """Ctrl+Shift+V: the Casework tab's "Log a visit" form for the client shown."""
        if self._client_id is None or not self.isVisible():
            return False
        self.tabs.setCurrentWidget(self.casework_tab)
        return self.casework_tab.log_visit()

    def has_unsaved_changes(self) -> bool:
        return any(
            tab.has_unsaved_changes()
            for _name, tab in self.client_tabs
            if hasattr(tab, "has_unsaved_changes")
        )

    def pending_drafts(self) -> list[kept_drafts.Draft]:
        """The tabs' unsaved work (details changed, a note typed), for the window to keep."""
        found = [
            tab.pending_draft() for _name, tab in self.client_tabs if hasattr(tab, "pending_draft")
        ]
        return [draft for draft in found if draft is not None]

    #: The tabs whose editors hand over `pending_drafts`: with nothing pending, a draft of
    #: theirs kept earlier is stale (the text was saved or cleared) and is forgotten.
    EDITOR_KINDS = (DETAILS, NOTE)

    def clear(self) -> None:
        self._client_id = None
        self._reload_wanted.clear()  # a late read is dropped
        self._restoring.clear()
        self.draft_banner.clear()
        self._deadline_generation += 1  # a late result is dropped
        self._engine_items = None
        self.deadline_strip.clear()
        self.name_label.clear()
        self.facts_label.clear()
        for _name, tab in self.client_tabs:
            tab.clear()
        self.tabs.setCurrentIndex(0)
        self.stack.setCurrentIndex(0)

    # ---- helpers -----------------------------------------------------------------------------
    def refresh_deadlines(self) -> None:
        """Work out the shown history's deadlines off the UI thread; the strip shows them a
        moment later (`deadlines_ready`). The application-date warning shows at once."""
        self._deadline_generation += 1
        if self._client_id is None:
            return
        generation, today = self._deadline_generation, self._today()
        history = self.history_tab.history()
        question = history.question
        self.deadline_strip.set_application_date(
            question.application_date if question else None, today
        )
        self.deadline_strip.show_working()
        op = Operation(
            self,
            "Working out the deadlines",
            partial(_deadline_work, history, today),
            show_progress=False,
        )
        # Held weakly: the operation is this page's child and must not keep it alive.
        me = weakref.ref(self)
        op.succeeded.connect(
            lambda items: (page := me()) and page._show_deadlines(generation, items, today)
        )
        op.failed.connect(lambda _exc: (page := me()) and page._show_deadlines(generation, None))
        op.start()

    def _show_deadlines(self, generation: int, items, today: date | None = None) -> None:
        if generation != self._deadline_generation or self._client_id is None:
            return
        self._engine_items = (items, today or self._today())
        self._show_strip()
        self.deadlines_ready.emit()

    def _show_strip(self) -> None:
        """The history's deadlines (the last worked out) with the casework reminders the
        Casework tab read last: no read of its own, so the strip adds no store session."""
        if self._engine_items is None:
            return
        items, today = self._engine_items
        if items is None:
            self.deadline_strip.show_failed()
            return
        view = self.casework_tab.view()
        extra = _as_items(view.reminders) if view is not None else ()
        self.deadline_strip.set_deadlines(tuple(items) + extra, today)

    def _casework_shown(self) -> None:
        if self._client_id is not None:
            self._show_strip()  # new reminders: the strip follows without working out again

    def show_tab(self, index: int) -> None:
        if self._client_id is None or not self.isVisible():
            return
        self.tabs.setCurrentIndex(index)
        widget = self.tabs.currentWidget()
        widget.setFocus()
        widget.focusNextChild()

    def _load_header(self) -> None:
        with self._store.read_session() as session:
            found = _header_read(self._client_id)(session)
        self._show_header(found)

    def _show_header(self, found: tuple) -> None:
        name, dob, ref = found
        self.name_label.setText(name)
        facts = [f"Born {format_date(dob)}" if dob else "Date of birth not known"]
        facts.append(f"Home Office ref {ref}" if ref else "No Home Office reference")
        facts.append(f"Client {self._client_id}")
        self.facts_label.setText("  ·  ".join(facts))

    def _mark_details_tab(self, dirty: bool) -> None:
        title = self.details_tab.tab_title
        self.tabs.setTabText(self.tabs.indexOf(self.details_tab), f"{title} *" if dirty else title)

    # ---- one "client changed" message ----------------------------------------------------------
    def _tab_wrote(self, source: str, kinds: frozenset[str], *_args) -> None:
        if self._client_id is not None:
            self.broadcast(ClientChanges(self._client_id, kinds), source=source)

    def broadcast(self, changes: ClientChanges, source: str | None = None) -> None:
        """Tell every tab what a write changed: the tabs it makes stale (not `source`, the
        tab that wrote and shows it already) are reloaded off the UI thread, the header and
        the deadline strip follow, and the main window hears `client_changed`."""
        if changes.client_id != self._client_id:
            return
        if source is not None:
            self._reload_wanted.pop(source, None)  # it shows newer than a read on its way
        stale = [(n, tab) for n, tab in self.client_tabs if n != source and reacts(tab, changes)]
        self._reload(stale, header=client_tab.DETAILS in changes.kinds)
        if source == "history_tab":
            self.refresh_deadlines()  # the History tab shows the history just saved
        self.changes_broadcast.emit(changes)
        self.client_changed.emit(changes.client_id)

    def _reload(self, stale: list[tuple[str, QWidget]], header: bool) -> None:
        client_id = self._client_id
        wanted: list[tuple[str, int]] = []
        readers: list[Reader] = []
        if header:
            readers.append(_header_read(client_id))
            wanted.append(("header", next(self._reloads)))
        for name, tab in stale:
            reader = reader_of(tab, client_id)
            if reader is None:
                self._reload_wanted.pop(name, None)
                tab.load(client_id)  # a tab without an off-thread read
                continue
            readers.append(reader)
            wanted.append((name, next(self._reloads)))
        if not readers:
            self.tabs_reloaded.emit()
            return
        self._reload_wanted.update(wanted)
        op = Operation(
            self,
            "Reading the client",
            partial(_read_all, self._store, readers),
            show_progress=False,
        )
        me = weakref.ref(self)
        op.succeeded.connect(
            lambda found: (page := me()) and page._show_reloaded(client_id, wanted, found)
        )
        op.failed.connect(
            lambda _exc: (page := me()) and page._show_reloaded(client_id, wanted, None)
        )
        op.start()

    def _show_reloaded(self, client_id: int, wanted, found) -> None:
        """On the UI thread: show what was read, for every tab whose read is still the latest."""
        if client_id != self._client_id:
            return  # another client, or locked
        history_shown = False
        for index, (name, number) in enumerate(wanted):
            if self._reload_wanted.get(name) != number:
                continue  # overtaken by a newer change
            del self._reload_wanted[name]
            ok, data = found[index] if found is not None else (False, None)
            if not ok:
                continue  # the store could not be read (locked meanwhile): it stays as shown
            if name == "header":
                self._show_header(data)
                continue
            getattr(self, name).show_reloaded(client_id, data)
            history_shown = history_shown or name == "history_tab"
        if history_shown:
            self.refresh_deadlines()
        self.tabs_reloaded.emit()

    def show_record(self, reference: str) -> bool:
        """Show a record the calendar or timeline names ("absences[3]") in the History tab."""
        if self._client_id is None:
            return False
        self.tabs.setCurrentWidget(self.history_tab)
        return self.history_tab.select_record(reference)

    def _add_trip(self, absence) -> None:
        self.history_tab.add_record("absence", prefill=absence)

    # ---- kept drafts -------------------------------------------------------------------------
    def _offer_drafts(self) -> None:
        """Show the kept form drafts of the client shown, each with Restore and Discard."""
        self.draft_banner.clear()
        if self._client_id is None:
            return
        with self._store.read_session() as session:
            found = [
                (kind, kept_drafts.label_of(kind, drafts.get(session, self._client_id, kind)))
                for kind in drafts.kinds(session, self._client_id)
                if kind in OFFERED_KINDS
            ]
        self.draft_banner.set_drafts(found)

    def restore_draft(self, kind: str) -> None:
        """Open the form a draft was kept from, with what was typed in it."""
        client_id = self._client_id
        if client_id is None:
            return
        with self._store.read_session() as session:
            payload = drafts.get(session, client_id, kind)
        if payload is None:
            self._forget(client_id, kind)
            self.draft_banner.remove(kind)
            self.draft_banner.say(DRAFT_GONE)
            return
        if kind == FLAG_REVIEW and self.statements_tab.review() is None:
            self.draft_banner.say(STATEMENTS_STILL_CHECKED)
            return
        self.draft_banner.remove(kind)
        self.draft_banner.say("")
        if kind == HISTORY_RECORD:
            self.tabs.setCurrentWidget(self.history_tab)
            opened = self.history_tab.restore_record_draft(payload)
        elif kind == HOUSEHOLD_MEMBER:
            self.tabs.setCurrentWidget(self.household_tab)
            opened = self.household_tab.restore_draft(payload)
        elif kind == PLAN_TRIP:
            self.tabs.setCurrentWidget(self.residence_tab)
            opened = self.residence_tab.restore_plan_draft(payload)
        elif kind in (CHECKLIST_REASON, CHECKLIST_DATE, CHECKLIST_ITEM):
            self.tabs.setCurrentWidget(self.checklists_tab)
            opened = self.checklists_tab.restore_draft(kind, payload)
        elif kind == STATEMENT_GRID:
            self.tabs.setCurrentWidget(self.statements_tab)
            opened = self._restore_into_statements(kind, payload, self._select_account)
        elif kind == FLAG_REVIEW:
            self.tabs.setCurrentWidget(self.statements_tab)
            opened = self._restore_into_statements(kind, payload, lambda _p: True)
        elif kind in CASEWORK_DRAFT_KINDS:
            self.tabs.setCurrentWidget(self.casework_tab)
            opened = self.casework_tab.restore_draft(kind, payload)
        elif kind == REFERRAL_NOTE:  # the Refer wizard takes its kept note back itself
            self.refer_requested.emit(client_id)
            opened = True
        else:
            opened = False
        if not opened and self._client_id == client_id:
            self._forget(client_id, kind)
            self.draft_banner.say(DRAFT_GONE)

    def discard_draft(self, kind: str) -> None:
        """Forget a kept draft (the adviser chose Discard)."""
        if self._client_id is not None:
            self._forget(self._client_id, kind)
        self.draft_banner.remove(kind)

    def _forget(self, client_id: int, kind: str) -> None:
        try:
            with self._store.session() as session:
                drafts.drop(session, client_id, kind)
        except Exception:  # noqa: BLE001 - a stale draft is offered again, never a crash
            return

    def _select_account(self, payload: dict) -> bool:
        """Select the account a paper statement was being typed in for."""
        wanted = payload.get("account")
        grid = self.statements_tab.accounts
        for row in range(grid.rowCount()):
            grid.selectRow(row)
            account = self.statements_tab.selected_account()
            if account is not None and wanted is not None and str(account.key) == str(wanted):
                return True
        return False

    def _restore_into_statements(self, kind: str, payload: dict, prepare) -> bool:
        """Open the Statements tab's dialog of `kind` with the draft put back into it."""
        if not prepare(payload):
            return False
        self._restoring[kind] = payload
        if kind == STATEMENT_GRID:
            self.statements_tab.type_in_statement()
        else:
            self.statements_tab.review_flags()
        return self._restoring.pop(kind, None) is None  # still there: the dialog never opened

    def _run_statements_dialog(self, dialog) -> bool:
        kind = getattr(dialog, "draft_kind", None)
        client_id = self._client_id
        if kind == STATEMENT_GRID:
            account = self.statements_tab.selected_account()
            dialog.draft_context = {"account": account.key if account is not None else None}
        typed = self._restoring.pop(kind, None) if kind else None
        if typed is not None:
            dialog.restore_draft(typed)
        accepted = self.run_statements_dialog(dialog)
        if kind and client_id is not None and not closed_by_lock(dialog):
            if self._client_id == client_id:
                if kind == STATEMENT_GRID and accepted:
                    self._keep_until_added(client_id, dialog)
                else:
                    self._forget(client_id, kind)
        return accepted

    def _keep_until_added(self, client_id: int, dialog) -> None:
        """A typed-in statement is added in the background: what was typed stays kept as a
        draft until the lines are in, so a failed insert loses nothing (the banner offers it
        back); it is forgotten once they are."""
        kept_drafts.keep_now(self._store, kept_drafts.from_dialog(dialog, client_id))
        signal = self.statements_tab.statement_insert_done

        def done(client: int, ok: bool) -> None:
            if client != client_id:
                return
            signal.disconnect(done)
            if ok:
                self._forget(client_id, STATEMENT_GRID)
            elif self._client_id == client_id:
                self._offer_drafts()

        signal.connect(done)

    def _deleted(self, client_id: int) -> None:
        self.details_tab.discard_draft(client_id)  # erasure: no kept draft stays behind
        self.clear()
        self.client_deleted.emit(client_id)
