"""The Checklists tab: what the client has to gather for an application, item by item.

On the left, the client's checklists ("Partner visa", "7 of 12 received"); on the right the
selected list's items grouped by section, each marked ✓ received, – not needed or ☐ to get (a
text mark and a colour, so a reader who cannot tell the colours apart still sees it). Keyboard:
Space marks the selected item received today (again: back to to get), N marks it not needed
and asks why (again: back to to get), F2 or Enter asks the date it was received, Insert adds
an item of the adviser's own, Delete removes such an item (items from the checklist can only
be marked not needed).

Start checklist… picks a template (`desktop.assess.load_checklists`) and the circumstances
that apply; Print handout… prints the list for the client in English, Arabic or Farsi. Where
the client has a history and the checklist names engine routes, the key dates (earliest date
to apply, deadlines) are worked out off the UI thread and shown above the items.

The store is read on load and written on the UI thread, one transaction per action.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.rules.checklists import PROVIDERS, Checklist, Item
from desktop.rules.wording import plain_records
from desktop.status_style import CAUTION_FILL, CAUTION_INK, GOOD_FILL, GOOD_INK, NEUTRAL_FILL
from desktop.store import checklists as cs
from desktop.store import drafts
from desktop.ui import prompts
from desktop.ui.client_tab import CHECKLISTS, DETAILS, HISTORY
from desktop.ui.kept_drafts import (
    CHECKLIST_DATE,
    CHECKLIST_ITEM,
    CHECKLIST_REASON,
    closed_by_lock,
)
from desktop.ui.new_item_dialog import NewItemDialog
from desktop.ui.not_needed_dialog import NotNeededDialog
from desktop.ui.operations import Operation
from desktop.ui.received_date_dialog import ReceivedDateDialog
from desktop.ui.settings_dialog import CENTRE_CONTACT_SETTING, CENTRE_NAME_SETTING
from desktop.ui.widgets import form_feedback
from desktop.ui.widgets.dates import format_date, written
from desktop.ui.widgets.record_table import RecordGrid

HEADERS = ("Status", "Item", "Who provides it", "Received on", "Note or reason")
STATUS_COLUMN, ITEM_COLUMN, PROVIDER_COLUMN, DATE_COLUMN, NOTE_COLUMN = range(5)
NO_SECTION = "Other items"
NOTE_WIDTH = 210
NOTE_SHOWN = 60  # characters of an adviser note shown in the table (all of it on hover)


@dataclass(frozen=True)
class StatusLook:
    mark: str  # the text shown: a symbol and a word, never colour alone
    fill: str  # Okabe-Ito based, as desktop.status_style
    ink: str


STATUS_LOOKS: dict[str, StatusLook] = {
    "received": StatusLook("✓ Received", GOOD_FILL, GOOD_INK),
    "not_applicable": StatusLook("– Not needed", NEUTRAL_FILL, "#444444"),
    "pending": StatusLook("☐ To get", CAUTION_FILL, CAUTION_INK),
}
SECTION_FILL = "#EEF2F6"


# ---- pure work (any thread) -------------------------------------------------------------------


@dataclass(frozen=True)
class KeyDate:
    on: date
    what: str  # the engine's sentence (the adviser reads it on the tab)
    route: str
    #: What the handout needs to say it in the client's words and language: the deadline's
    #: kind (desktop.rules.deadlines.DEADLINE_KINDS; "" = print `what`), facts, the decision
    #: it is about and the record it comes from.
    kind: str = ""
    facts: tuple = ()
    event_date: date | None = None
    record: str | None = None


@dataclass(frozen=True)
class KeyDates:
    """The engine's dates for a checklist's routes: earliest application dates and upcoming
    deadlines, soonest first, and a sentence for each route that could not be worked out."""

    dates: tuple[KeyDate, ...] = ()
    problems: tuple[str, ...] = ()


def has_history(history) -> bool:
    return history is not None and bool(history.permissions or history.applications)


def key_dates(history, routes: Sequence[str], today: date) -> KeyDates:
    """Off the UI thread: `desktop.assess.assess_history` for each route. No date that rests on
    an unrecorded assumption is given as the client's own without saying so."""
    from desktop.assess import assess_history
    from desktop.datetext import long_date
    from desktop.printing.client_dates import ASSUMED_WORDS, ATTENTION_WORDS, attention_words
    from desktop.rules.history import ROUTES

    found: dict[tuple[date, str], KeyDate] = {}
    problems: list[str] = []
    if not has_history(history):
        return KeyDates()
    if not routes:
        # A checklist for a task, not a route (after a refusal, Windrush): the client's own
        # route, as the deadlines board picks it, still gives their appeal and expiry dates.
        from desktop.board import board_route

        routes = (board_route(history)[0],)
    for route in routes:
        title = ROUTES.get(route, route)
        try:
            result = assess_history(history, route=route, today=today)
        except ValueError as exc:  # HistoryError is a ValueError
            problems.append(f"{title}: the dates could not be worked out ({exc}).")
            continue
        upcoming = [d for d in result.deadlines if d.status == "upcoming" and d.date >= today]
        for deadline in upcoming:
            found.setdefault(
                (deadline.date, deadline.what),
                KeyDate(
                    deadline.date,
                    deadline.what,
                    route,
                    kind=deadline.kind,
                    facts=tuple(deadline.facts),
                    event_date=deadline.event_date,
                    record=deadline.record,
                ),
            )
        # What needs attention whatever its date (the record stops, or shows no permission),
        # in the client's words: the handout prints it too.
        for deadline in result.deadlines:
            if deadline.status == "attention" and deadline.kind in ATTENTION_WORDS:
                what = attention_words(deadline.kind, deadline.date)
                found.setdefault(
                    (deadline.date, what),
                    KeyDate(deadline.date, what, route, kind=deadline.kind),
                )
        earliest = result.earliest_application_date
        # The engine usually lists the earliest date among its deadlines; add it when not.
        if earliest is not None and earliest >= today and all(d.date != earliest for d in upcoming):
            what = f"Earliest date to apply: {title}"
            found.setdefault(
                (earliest, what),
                KeyDate(
                    earliest, what, route, kind="earliest_application", facts=(("route", route),)
                ),
            )
        # A record that stops before today gives no earliest date of the client's own; the one
        # it would be if permission continued is given only with that said.
        what_if = result.if_permission_continued
        if (
            earliest is None
            and what_if is not None
            and what_if.earliest_application_date is not None
            and what_if.earliest_application_date >= today
            and result.record_ends is not None
        ):
            day = what_if.earliest_application_date
            what = f"Earliest date to apply: {title}, " + ASSUMED_WORDS.format(
                day=long_date(result.record_ends)
            )
            found.setdefault((day, what), KeyDate(day, what, route))
    ordered = sorted(found.values(), key=lambda d: (d.on, d.what))
    return KeyDates(tuple(ordered), tuple(problems))


def dates_failed(exc: BaseException) -> KeyDates:
    return KeyDates(problems=(f"The key dates could not be worked out ({type(exc).__name__}).",))


def key_dates_work(history, routes: tuple[str, ...], today: date, _progress) -> KeyDates:
    return key_dates(history, routes, today)


def handout_bytes(
    template: Checklist,
    lines,
    *,
    lang: str,
    large_print: bool,
    client_name: str,
    centre_name: str,
    centre_contact: str,
    adviser: str,
    made_on: date,
    history,
    routes: tuple[str, ...],
    build: Callable[..., bytes] | None = None,
) -> bytes:
    """Off the UI thread: the client's dates from the engine, then the handout PDF."""
    from desktop.assess import handout_phrases, load_figures
    from desktop.printing.handout import HandoutDate, client_words

    if build is None:
        from desktop.printing.handout import build_handout as build
    found = key_dates(history, routes, made_on)
    return build(
        template,
        phrases=handout_phrases(),
        figures=load_figures,
        lang=lang,
        large_print=large_print,
        lines=lines,
        client_name=client_name,
        centre_name=centre_name,
        centre_contact=centre_contact,
        adviser=adviser,
        made_on=made_on,
        dates=[
            HandoutDate(
                d.on,
                client_words(d.what),
                kind=d.kind,
                facts=d.facts,
                event_date=d.event_date,
                record=d.record,
                route=d.route,
            )
            for d in found.dates
        ],
    )


def snapshot_template(checklist: cs.ClientChecklist) -> Checklist:
    """A stand-in template for a list whose template is no longer installed: its own title,
    English only, no dates."""
    return Checklist(
        id=checklist.template_id,
        version=checklist.version,
        title=checklist.title,
        intro="",
        routes=(),
        circumstances={},
        items=(),
        translations={},
    )


def sections_in_order(items: Sequence[cs.ItemState]) -> list[str]:
    order: list[str] = []
    for item in items:
        if item.section not in order:
            order.append(item.section)
    return order


# ---- the items table --------------------------------------------------------------------------


class ChecklistGrid(RecordGrid):
    """RecordGrid (Insert adds, Enter edits, Delete removes) plus Space, N and F2."""

    def __init__(
        self,
        on_add: Callable[[], None],
        on_edit: Callable[[], None],
        on_delete: Callable[[], None],
        on_toggle: Callable[[], None],
        on_not_needed: Callable[[], None],
    ) -> None:
        super().__init__(HEADERS, "Checklist items", on_add, on_edit, on_delete)
        self.horizontalHeader().sectionResized.connect(self._fit_rows)
        self._more = {
            Qt.Key.Key_Space: on_toggle,
            Qt.Key.Key_N: on_not_needed,
            Qt.Key.Key_F2: on_edit,
        }

    def _fit_rows(self, *_args) -> None:
        """Wrapped texts take the height they need at the columns' new widths."""
        self.resizeRowsToContents()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_rows()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._fit_rows()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self and event.type() == QEvent.Type.KeyPress:
            plain = not (
                event.modifiers()
                & (
                    Qt.KeyboardModifier.ControlModifier
                    | Qt.KeyboardModifier.AltModifier
                    | Qt.KeyboardModifier.MetaModifier
                )
            )
            action = self._more.get(event.key())
            if action is not None and plain:
                action()
                return True
        return super().eventFilter(watched, event)


def _checklists_read(session, client_id: int, templates: Mapping[str, Checklist]) -> tuple:
    """A client's lists, the items newer templates add, their history and name, as plain
    values (on any thread; `templates` read beforehand)."""
    from desktop.store.repository import get_client, load_history

    lists = cs.lists_of(session, client_id)
    updates = {}
    for checklist in lists:
        current = templates.get(checklist.template_id)
        if current is not None and current.version > checklist.version:
            new = cs.template_updates(session, checklist.id, current)
            if new:
                updates[checklist.id] = new
    history = load_history(session, client_id)
    name = get_client(session, client_id).full_name
    return lists, updates, history, name


class ChecklistsTab(QWidget):
    # The client-tab contract (desktop.ui.client_tab): the key dates come from the history,
    # the handout's name from the details.
    tab_title = "Checklists"
    reacts_to = frozenset({DETAILS, HISTORY})
    writes = {"checklists_changed": frozenset({CHECKLISTS})}

    checklists_changed = Signal()
    #: (generation) emitted when the key dates arrive; tests wait on it.
    dates_ready = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = None
        self._adviser = ""
        self._today: Callable[[], date] = date.today
        self._client_id: int | None = None
        self._client_name = ""
        self._lists: list[cs.ClientChecklist] = []
        self._updates: dict[int, list[Item]] = {}
        self._history = None
        self._rows: list[cs.ItemState | None] = []
        self._generation = 0
        self._dates: dict[tuple[str, ...], KeyDates] = {}
        self._dates_running: set[tuple[str, ...]] = set()
        self._templates: dict[str, Checklist] | None = None
        self._template_problem = ""
        #: Replaceable in tests: the templates, how a dialog runs, the prompts, the PDF builder.
        self.load_templates: Callable[[], Mapping[str, Checklist]] = _installed_checklists
        self.run_dialog: Callable[[QDialog], bool] = lambda dialog: (
            dialog.exec() == QDialog.DialogCode.Accepted
        )
        self.ask_reason: Callable[[cs.ItemState], str | None] = self._ask_reason
        self.ask_date: Callable[[cs.ItemState], date | None] = self._ask_date
        self.ask_new_item: Callable[[Sequence[str], str], tuple[str, str, str] | None] = (
            self._ask_new_item
        )
        self.build_handout: Callable[..., bytes] | None = None  # None: the real build_handout
        #: How a message is shown to the adviser (tests replace it).
        self.tell: Callable[[str], None] = self._tell
        self._centre_declined = False  # "Print without" the centre's details, once per tab

        bold = QFont(self.font())
        bold.setBold(True)
        lists_title = QLabel("Chec&klists")
        lists_title.setFont(bold)
        self.lists = QListWidget()
        self.lists.setAccessibleName("The client's checklists")
        self.lists.setMinimumWidth(200)
        self.lists.setWordWrap(True)
        self.lists.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lists.setSpacing(2)
        lists_title.setBuddy(self.lists)
        self.lists.currentRowChanged.connect(self._list_selected)

        self.start_button = QPushButton("Start &checklist…")
        self.handout_button = QPushButton("&Print handout…")
        self.remove_list_button = QPushButton("Re&move checklist")
        self.start_button.setToolTip("Start a checklist for this client from a template")
        self.handout_button.setToolTip(
            "The checklist on paper for the client, in English, Arabic or Farsi (Ctrl+P)"
        )
        for button, name in (
            (self.start_button, "Start a checklist"),
            (self.handout_button, "Print the checklist as a handout"),
            (self.remove_list_button, "Remove the selected checklist"),
        ):
            button.setAccessibleName(name)
        self.start_button.clicked.connect(self.start_checklist)
        self.handout_button.clicked.connect(self.print_handout)
        self.remove_list_button.clicked.connect(self.remove_checklist)

        self.title = QLabel()
        title_font = QFont(bold)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.title.setFont(title_font)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.progress = QLabel()
        self.progress.setFont(bold)
        self.progress.setAccessibleName("How many items are received")
        self.update_label = QLabel()
        self.update_label.setWordWrap(True)
        self.update_label.setTextFormat(Qt.TextFormat.PlainText)
        self.update_button = QPushButton("Add the ne&w items")
        self.update_button.setAccessibleName("Add the items of the newer checklist version")
        self.update_button.clicked.connect(self.add_updates)
        self.update_box = QWidget()
        update_layout = QHBoxLayout(self.update_box)
        update_layout.setContentsMargins(6, 4, 6, 4)
        update_layout.addWidget(self.update_label, 1)
        update_layout.addWidget(self.update_button)
        self.update_box.setStyleSheet("background: #FFF4D6; border-radius: 3px;")
        self.update_box.hide()
        #: For the adviser: when the checklist was checked against its sources (a warning once
        #: older than the centre's limit) and whether its route is closed.
        self.content_label = QLabel()
        self.content_label.setWordWrap(True)
        self.content_label.setTextFormat(Qt.TextFormat.PlainText)
        self.content_label.setAccessibleName("When the checklist was checked against its sources")
        self.content_label.hide()
        self.dates_label = QLabel()
        self.dates_label.setWordWrap(True)
        self.dates_label.setTextFormat(Qt.TextFormat.PlainText)
        self.dates_label.setAccessibleName("Key dates from the client's history")
        self.dates_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dates_label.hide()

        self.items = ChecklistGrid(
            on_add=self.add_item,
            on_edit=self.change_date,
            on_delete=self.remove_item,
            on_toggle=self.toggle_received,
            on_not_needed=self.toggle_not_needed,
        )
        self.items.setWordWrap(True)
        header = self.items.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(ITEM_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NOTE_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(NOTE_COLUMN, NOTE_WIDTH)
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.items.itemSelectionChanged.connect(self._update_buttons)
        items_title = QLabel("&Items")
        items_title.setFont(bold)
        items_title.setBuddy(self.items)

        self.received_button = QPushButton("&Received (Space)")
        self.not_needed_button = QPushButton("&Not needed… (N)")
        self.date_button = QPushButton("Received &on… (F2)")
        self.add_item_button = QPushButton("&Add item… (Ins)")
        self.remove_item_button = QPushButton("R&emove item (Del)")
        for button, name, tip in (
            (
                self.received_button,
                "Mark the item received today",
                "Mark received today; again: back to to get",
            ),
            (
                self.not_needed_button,
                "Mark the item not needed",
                "Not needed for this client (asks why); again: back to to get",
            ),
            (self.date_button, "Change the date received", "Received on another day"),
            (self.add_item_button, "Add an item", "An item of your own for this client"),
            (
                self.remove_item_button,
                "Remove the added item",
                "Only items you added can be removed; mark others not needed",
            ),
        ):
            button.setAccessibleName(name)
            button.setToolTip(tip)
        self.received_button.clicked.connect(self.toggle_received)
        self.not_needed_button.clicked.connect(self.toggle_not_needed)
        self.date_button.clicked.connect(self.change_date)
        self.add_item_button.clicked.connect(self.add_item)
        self.remove_item_button.clicked.connect(self.remove_item)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName("Last change")
        shortcut = QShortcut(QKeySequence("Ctrl+P"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.print_handout)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(lists_title)
        left_layout.addWidget(self.lists, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.progress)
        right_layout.addLayout(head)
        right_layout.addWidget(self.update_box)
        right_layout.addWidget(self.content_label)
        right_layout.addWidget(self.dates_label)
        right_layout.addWidget(items_title)
        right_layout.addWidget(self.items, 1)
        item_buttons = QHBoxLayout()
        for button in (
            self.received_button,
            self.not_needed_button,
            self.date_button,
            self.add_item_button,
            self.remove_item_button,
        ):
            item_buttons.addWidget(button)
        item_buttons.addStretch(1)
        right_layout.addLayout(item_buttons)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([260, 840])

        top = QHBoxLayout()
        top.addStretch(1)
        for button in (self.start_button, self.handout_button, self.remove_list_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self._show_list()

    # ---- context -------------------------------------------------------------------------------
    def set_context(
        self, store, adviser: str, today_provider: Callable[[], date] = date.today
    ) -> None:
        self._store, self._adviser, self._today = store, adviser, today_provider

    def today(self) -> date:
        return self._today()

    def checklists(self) -> list[cs.ClientChecklist]:
        return list(self._lists)

    def templates(self) -> dict[str, Checklist]:
        """The installed templates (read once; a bad file is reported, not raised)."""
        if self._templates is None:
            try:
                self._templates = dict(self.load_templates())
                self._template_problem = ""
            except (ValueError, OSError) as exc:  # ChecklistError names the file and line
                self._templates = {}
                self._template_problem = f"The checklists could not be read: {exc}"
        return self._templates

    def load(self, client_id: int) -> None:
        templates = self.templates()
        with self._store.read_session() as session:
            found = _checklists_read(session, client_id, templates)
        self._show_client(client_id, found)

    def reload_reader(self, client_id: int):
        """The read for a reload after another tab's write (run off the UI thread)."""
        return partial(_checklists_read, client_id=client_id, templates=self.templates())

    def show_reloaded(self, client_id: int, found: tuple) -> None:
        if client_id == self._client_id:
            self._show_client(client_id, found)

    def _show_client(self, client_id: int, found: tuple) -> None:
        lists, updates, history, name = found
        keep = self.selected_list()
        keep_id = keep.id if keep is not None and client_id == self._client_id else None
        if client_id != self._client_id:
            self.status.clear()
        if client_id != self._client_id or history != self._history:
            self._forget_dates()
        self._client_id, self._client_name = client_id, name
        self._lists, self._updates, self._history = lists, updates, history
        self._fill_lists(keep_id)
        if self._template_problem:
            self.status.setText(self._template_problem)

    def _forget_dates(self) -> None:
        """Key dates worked out for another client or an older history are dropped (and any
        still being worked out are ignored when they arrive)."""
        self._generation += 1
        self._dates = {}
        self._dates_running = set()

    def clear(self) -> None:
        self._forget_dates()
        self._client_id = None
        self._client_name = ""
        self._lists, self._updates, self._history = [], {}, None
        self.lists.blockSignals(True)
        self.lists.clear()
        self.lists.blockSignals(False)
        self.status.clear()
        self._show_list()

    # ---- showing -------------------------------------------------------------------------------
    def _fill_lists(self, keep_id: int | None = None, keep_item: int | None = None) -> None:
        if keep_item is None:
            selected = self.selected_item()
            keep_item = selected.id if selected is not None else None
        self.lists.blockSignals(True)
        self.lists.clear()
        row_to_select = 0
        for row, checklist in enumerate(self._lists):
            item = QListWidgetItem(f"{checklist.title}\n{cs.progress_text(checklist, short=True)}")
            item.setData(Qt.ItemDataRole.UserRole, checklist.id)
            item.setToolTip(
                f"Started {format_date(checklist.started_on)} (version {checklist.version})"
            )
            self.lists.addItem(item)
            if checklist.id == keep_id:
                row_to_select = row
        if self._lists:
            self.lists.setCurrentRow(row_to_select)
        self.lists.blockSignals(False)
        self._show_list(keep_item)

    def selected_list(self) -> cs.ClientChecklist | None:
        row = self.lists.currentRow()
        return self._lists[row] if 0 <= row < len(self._lists) else None

    def select_list(self, list_id: int) -> bool:
        for row, checklist in enumerate(self._lists):
            if checklist.id == list_id:
                self.lists.setCurrentRow(row)
                return True
        return False

    def _list_selected(self, _row: int) -> None:
        self._show_list()

    def _template_for(self, checklist: cs.ClientChecklist) -> Checklist | None:
        return self.templates().get(checklist.template_id)

    def _show_list(self, keep_item: int | None = None) -> None:
        checklist = self.selected_list()
        self._show_items(checklist, keep_item)
        if checklist is None:
            self.title.setText(
                "No checklist yet: press Start checklist… to choose one."
                if self._client_id is not None
                else ""
            )
            self.progress.clear()
            self.update_box.hide()
            self.content_label.hide()
            self.dates_label.hide()
            self._update_buttons()
            return
        self.title.setText(checklist.title)
        self.title.setToolTip(
            f"Started {format_date(checklist.started_on)} from version {checklist.version}"
        )
        self.progress.setText(cs.progress_text(checklist))
        new = self._updates.get(checklist.id, [])
        if new:
            current = self._template_for(checklist)
            self.update_label.setText(
                f"A newer version of this checklist exists (v{current.version}): add its "
                f"{len(new)} new item{'s' if len(new) != 1 else ''}? "
                + "; ".join(i.text for i in new[:3])
                + ("…" if len(new) > 3 else "")
            )
            self.update_box.show()
        else:
            self.update_box.hide()
        self._show_content(checklist)
        self._show_dates(checklist)
        self._update_buttons()

    def _show_content(self, checklist: cs.ClientChecklist) -> None:
        """The checked-on line (a warning when old) and, for a closed route, since when."""
        from desktop.ui.start_checklist_dialog import (
            CLOSED_STYLE,
            WARNING_STYLE,
            content_age_limit,
            content_notes,
        )

        template = self._template_for(checklist)
        if template is None:
            self.content_label.hide()
            return
        words, stale, closed = content_notes(template, self.today(), content_age_limit(self._store))
        self.content_label.setText(f"{closed}\n{words}" if closed else words)
        self.content_label.setStyleSheet(
            CLOSED_STYLE if closed else WARNING_STYLE if stale else "color: #3A4A5A;"
        )
        self.content_label.setProperty("stale", stale)
        self.content_label.show()

    def _show_items(self, checklist: cs.ClientChecklist | None, keep_item: int | None) -> None:
        items = checklist.items if checklist is not None else ()
        template = self._template_for(checklist) if checklist is not None else None
        notes = {i.id: i.note for i in template.items} if template is not None else {}
        sections = sections_in_order(items)
        headed = len(sections) > 1 or (bool(sections) and sections[0] != "")
        rows: list[cs.ItemState | None] = []
        self.items.blockSignals(True)
        self.items.clearSpans()
        self.items.setRowCount(0)
        for section in sections:
            if headed:
                rows.append(None)
                row = self.items.rowCount()
                self.items.insertRow(row)
                header = QTableWidgetItem(section or NO_SECTION)
                font = header.font()
                font.setBold(True)
                header.setFont(font)
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                header.setForeground(QBrush(QColor("#1F2A36")))
                header.setBackground(QBrush(QColor(SECTION_FILL)))
                self.items.setItem(row, 0, header)
                self.items.setSpan(row, 0, 1, len(HEADERS))
            for state in items:
                if state.section != section:
                    continue
                rows.append(state)
                row = self.items.rowCount()
                self.items.insertRow(row)
                self._fill_row(row, state, notes.get(state.item_id, ""))
        self._rows = rows
        self.items.blockSignals(False)
        self.items.resizeRowsToContents()
        target = next(
            (n for n, s in enumerate(rows) if s is not None and s.id == keep_item),
            next((n for n, s in enumerate(rows) if s is not None), None),
        )
        if target is not None:
            self.items.selectRow(target)
        self._update_buttons()

    def _fill_row(self, row: int, state: cs.ItemState, note: str) -> None:
        look = STATUS_LOOKS.get(state.status, STATUS_LOOKS["pending"])
        if state.not_applicable:
            note_text = f"Not needed: {state.na_reason}"
        elif state.custom:
            note_text = "Added by the adviser"
        else:
            note_text = note
        values = (
            look.mark,
            state.text,
            PROVIDERS.get(state.provider, state.provider),
            format_date(state.received_on),
            note_text,
        )
        for column, text in enumerate(values):
            cell = QTableWidgetItem(text)
            if column == NOTE_COLUMN and text:
                cell.setToolTip(text)
                if len(text) > NOTE_SHOWN:
                    cell.setText(text[: NOTE_SHOWN - 1].rstrip() + "…")
            if column == STATUS_COLUMN:
                cell.setBackground(QBrush(QColor(look.fill)))
                cell.setForeground(QBrush(QColor(look.ink)))
                font = cell.font()
                font.setBold(True)
                cell.setFont(font)
            elif column == ITEM_COLUMN:
                cell.setToolTip(
                    f"Source: {state.source}" if state.source else "Added by the adviser"
                )
                if state.not_applicable:
                    font = cell.font()
                    font.setStrikeOut(True)
                    cell.setFont(font)
            self.items.setItem(row, column, cell)

    def selected_item(self) -> cs.ItemState | None:
        row = self.items.current_row()
        return self._rows[row] if row is not None and row < len(self._rows) else None

    def select_item(self, item_id: str) -> bool:
        """Select the row of a template item id (or "custom-<n>")."""
        for row, state in enumerate(self._rows):
            if state is not None and state.item_id == item_id:
                self.items.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        has_client = self._client_id is not None
        has_list = self.selected_list() is not None
        item = self.selected_item()
        self.start_button.setEnabled(has_client)
        self.handout_button.setEnabled(has_list)
        self.remove_list_button.setEnabled(has_list)
        self.add_item_button.setEnabled(has_list)
        for button in (self.received_button, self.not_needed_button, self.date_button):
            button.setEnabled(item is not None)
        self.remove_item_button.setEnabled(item is not None and item.custom)
        if item is not None:
            self.received_button.setText(
                "Not &received yet (Space)" if item.received else "&Received (Space)"
            )
            self.not_needed_button.setText(
                "Needed after all (N)" if item.not_applicable else "&Not needed… (N)"
            )

    # ---- key dates -----------------------------------------------------------------------------
    def _routes_for(self, checklist: cs.ClientChecklist) -> tuple[str, ...]:
        template = self._template_for(checklist)
        return tuple(template.routes) if template is not None else ()

    def key_dates(self) -> KeyDates | None:
        """The key dates shown for the selected list (None: none, or not worked out yet)."""
        checklist = self.selected_list()
        return self._dates.get(self._routes_for(checklist)) if checklist else None

    def _show_dates(self, checklist: cs.ClientChecklist) -> None:
        routes = self._routes_for(checklist)  # () = the client's own route (key_dates)
        if not has_history(self._history):
            self.dates_label.hide()
            return
        found = self._dates.get(routes)
        if found is None:
            self.dates_label.setText("Key dates: working them out…")
            self.dates_label.show()
            self._work_out_dates(routes)
            return
        lines = [f"{format_date(d.on)}: {plain_records(written(d.what))}" for d in found.dates]
        lines.extend(found.problems)
        if not lines:
            lines = ["No upcoming dates from the client's history."]
        self.dates_label.setText("Key dates from the client's history:\n• " + "\n• ".join(lines))
        self.dates_label.show()

    def _work_out_dates(self, routes: tuple[str, ...]) -> None:
        if routes in self._dates_running:
            return
        self._dates_running.add(routes)
        generation = self._generation
        op = Operation(
            self,
            "Working out the key dates",
            partial(key_dates_work, self._history, routes, self.today()),
            show_progress=False,
        )
        me = weakref.ref(self)
        op.succeeded.connect(
            lambda result: (t := me()) and t._dates_done(generation, routes, result)
        )
        op.failed.connect(
            lambda exc: (t := me()) and t._dates_done(generation, routes, dates_failed(exc))
        )
        op.start()

    def _dates_done(self, generation: int, routes: tuple[str, ...], found: KeyDates) -> None:
        if generation != self._generation:
            return  # another client, or the history changed: a newer run is due
        self._dates_running.discard(routes)
        self._dates[routes] = found
        checklist = self.selected_list()
        if checklist is not None and self._routes_for(checklist) == routes:
            self._show_dates(checklist)
        self.dates_ready.emit(generation)

    # ---- writing -------------------------------------------------------------------------------
    def _write(self, action, done: str) -> bool:
        """Run one store action in one transaction, reload (keeping the list and item
        selected) and say what happened."""
        try:
            with self._store.session() as session:
                self._last_result = action(session)
        except ValueError as exc:  # ChecklistDataError names the field
            self.status.setText(f"Not saved: {exc}")
            return False
        except Exception as exc:  # noqa: BLE001 - nothing was changed; say so without data
            self.status.setText(
                f"Not saved: {prompts.store_write_problem(exc)} Nothing was changed."
            )
            return False
        self.load(self._client_id)
        self.status.setText(done)
        self.checklists_changed.emit()
        return True

    def start_checklist(self) -> None:
        from desktop.ui.start_checklist_dialog import StartChecklistDialog

        if self._client_id is None:
            return
        templates = self.templates()
        if not templates:
            self.status.setText(self._template_problem or "No checklists are installed.")
            return
        from desktop.printing.client_dates import closed_words
        from desktop.ui.start_checklist_dialog import content_age_limit

        dialog = StartChecklistDialog(
            templates,
            self,
            started={c.template_id for c in self._lists},
            today=self.today(),
            content_limit=content_age_limit(self._store),
        )
        if not self.run_dialog(dialog) or (choice := dialog.choice()) is None:
            return
        template, ticked = choice
        client_id, today = self._client_id, self.today()
        closed = closed_words(template, today)
        if closed and not form_feedback.confirm(
            self,
            "Route closed",
            f"“{template.title}”: {closed} Start this checklist anyway (for an application made "
            "before then, or to show the client what changed)?",
            yes="Start anyway",
        ):
            self.status.setText(f"Not started: “{template.title}” is closed.")
            return
        if self._write(
            lambda s: cs.start_checklist(s, client_id, template, ticked, self._adviser, on=today),
            f"Started “{template.title}”.",
        ):
            self.select_list(self._last_result)

    def remove_checklist(self) -> None:
        checklist = self.selected_list()
        if checklist is None:
            return
        done, applicable = cs.progress(checklist)
        if form_feedback.confirm(
            self,
            "Remove checklist?",
            f"Remove “{checklist.title}” and what was ticked on it ({done} of {applicable} "
            "received)?",
            yes="Remove",
        ):
            self._write(lambda s: cs.remove_list(s, checklist.id, self._adviser), "Removed.")

    def add_updates(self) -> None:
        checklist = self.selected_list()
        template = self._template_for(checklist) if checklist is not None else None
        if template is None or checklist.id not in self._updates:
            return
        self._write(
            lambda s: cs.add_template_updates(s, checklist.id, template, self._adviser),
            f"Added the items of version {template.version}.",
        )

    def toggle_received(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        if item.received:
            self._write(
                lambda s: cs.mark_pending(s, item.id, self._adviser), "Marked to get again."
            )
        else:
            today = self.today()
            self._write(
                lambda s: cs.mark_received(s, item.id, today, self._adviser),
                f"Received {format_date(today)}.",
            )

    def toggle_not_needed(self, typed: dict | None = None) -> None:
        item = self.selected_item()
        if item is None:
            return
        if item.not_applicable and typed is None:
            self._write(lambda s: cs.mark_pending(s, item.id, self._adviser), "Needed after all.")
            return
        reason = self.ask_reason(item) if typed is None else self._ask_reason(item, typed)
        if reason is None:
            return
        self._write(
            lambda s: cs.mark_not_applicable(s, item.id, reason, self._adviser),
            "Marked not needed.",
        )

    def change_date(self, typed: dict | None = None) -> None:
        item = self.selected_item()
        if item is None:
            return
        on = self.ask_date(item) if typed is None else self._ask_date(item, typed)
        if on is None:
            return
        if on > self.today():
            self.status.setText(
                f"Not saved: Received on: {format_date(on)} is after today "
                f"({format_date(self.today())})."
            )
            return
        self._write(
            lambda s: cs.mark_received(s, item.id, on, self._adviser),
            f"Received {format_date(on)}.",
        )

    def add_item(self, typed: dict | None = None) -> None:
        checklist = self.selected_list()
        if checklist is None:
            return
        current = self.selected_item()
        sections = sections_in_order(checklist.items)
        section = current.section if current else ""
        if typed is None:
            answer = self.ask_new_item(sections, section)
        else:
            answer = self._ask_new_item(sections, section, typed)
        if answer is None:
            return
        text, provider, section = answer
        if self._write(
            lambda s: cs.add_item(s, checklist.id, text, provider, section, self._adviser),
            "Added the item.",
        ):
            new_id = self._last_result
            row = next((n for n, s in enumerate(self._rows) if s and s.id == new_id), None)
            if row is not None:
                self.items.selectRow(row)

    def remove_item(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        if not item.custom:
            self.status.setText(
                "Items from the checklist cannot be removed: press N to mark it not needed."
            )
            return
        if form_feedback.confirm(
            self, "Remove item?", f"Remove “{item.text}” from this checklist?", yes="Remove"
        ):
            self._write(lambda s: cs.remove_item(s, item.id, self._adviser), "Removed the item.")

    # ---- prompts -------------------------------------------------------------------------------
    def _run_kept(self, dialog: QDialog, kind: str, context: dict, typed: dict | None) -> bool:
        """Run a prompt whose typing is kept as a draft over a lock (`kind`, with `context`
        naming what it is for); `typed` puts a kept draft back first. False when cancelled or
        closed by the lock (the draft stays then); otherwise any kept draft is forgotten."""
        client_id = self._client_id
        dialog.draft_kind = kind
        dialog.draft_context = context
        if typed is not None:
            dialog.restore_draft(typed)
        accepted = self.run_dialog(dialog)
        if closed_by_lock(dialog) or client_id is None or self._client_id != client_id:
            return False
        self._forget_draft(client_id, kind)
        return accepted

    def _forget_draft(self, client_id: int, kind: str) -> None:
        try:
            with self._store.session() as session:
                drafts.drop(session, client_id, kind)
        except Exception:  # noqa: BLE001 - a stale draft is offered again, never a crash
            return

    def _ask_reason(self, item: cs.ItemState, typed: dict | None = None) -> str | None:
        dialog = NotNeededDialog(item.text, item.na_reason, self)
        context = {"item": item.id}
        return dialog.value() if self._run_kept(dialog, CHECKLIST_REASON, context, typed) else None

    def _ask_date(self, item: cs.ItemState, typed: dict | None = None) -> date | None:
        dialog = ReceivedDateDialog(item.text, item.received_on or self.today(), self)
        if not self._run_kept(dialog, CHECKLIST_DATE, {"item": item.id}, typed):
            return None
        if dialog.field.error():
            self.status.setText(f"Not saved: {dialog.field.error()}")
            return None
        return dialog.field.date()

    def _ask_new_item(
        self, sections: Sequence[str], section: str, typed: dict | None = None
    ) -> tuple[str, str, str] | None:
        dialog = NewItemDialog(sections, section, self)
        checklist = self.selected_list()
        context = {"list": checklist.id if checklist is not None else None}
        return dialog.values() if self._run_kept(dialog, CHECKLIST_ITEM, context, typed) else None

    # ---- drafts kept over a lock ---------------------------------------------------------------
    def restore_draft(self, kind: str, payload: dict) -> bool:
        """Open the prompt kept as a draft (not-needed reason, received date, new item) with
        what was typed. False when its item or list is no longer there."""
        if self._client_id is None:
            return False
        if kind == CHECKLIST_ITEM:
            if not self.select_list(payload.get("list")):
                return False
            self.add_item(typed=payload)
            return True
        item = self._item_by_id(payload.get("item"))
        if item is None:
            return False
        if kind == CHECKLIST_REASON:
            self.toggle_not_needed(typed=payload)
        elif kind == CHECKLIST_DATE:
            self.change_date(typed=payload)
        else:
            return False
        return True

    def _item_by_id(self, row_id) -> cs.ItemState | None:
        """Select (showing its list) the item with this row id; None if it is gone."""
        for checklist in self._lists:
            for state in checklist.items:
                if state.id == row_id:
                    self.select_list(checklist.id)
                    for row, shown in enumerate(self._rows):
                        if shown is not None and shown.id == row_id:
                            self.items.selectRow(row)
                            return shown
        return None

    # ---- the handout ---------------------------------------------------------------------------
    def handout_factory(self, lang: str, large_print: bool) -> Callable[[], bytes]:
        """The bytes factory for the selected list (plain values only: runs off the UI
        thread). Reads the centre's name and contact from the settings now."""
        from desktop.store.repository import get_setting

        checklist = self.selected_list()
        template = self._template_for(checklist) or snapshot_template(checklist)
        with self._store.session() as session:
            centre_name = get_setting(session, CENTRE_NAME_SETTING, "") or ""
            centre_contact = get_setting(session, CENTRE_CONTACT_SETTING, "") or ""
        return partial(
            _handout_from_states,
            checklist,
            template,
            lang=lang,
            large_print=large_print,
            client_name=self._client_name,
            centre_name=centre_name,
            centre_contact=centre_contact,
            adviser=self._adviser,
            made_on=self.today(),
            history=self._history,
            routes=tuple(template.routes),
            build=self.build_handout,
        )

    def centre_details(self) -> tuple[str, str]:
        from desktop.store.repository import get_setting

        with self._store.read_session() as session:
            name = get_setting(session, CENTRE_NAME_SETTING, "") or ""
            contact = get_setting(session, CENTRE_CONTACT_SETTING, "") or ""
        return name, contact

    def ensure_centre_details(self) -> bool:
        """Before a handout is saved or printed: when the centre's name or contact is not set,
        ask for them (saved to the store in one transaction). Going on without them is allowed,
        after saying the handout will have no contact details (asked once per tab). Always
        True: the handout prints either way."""
        from desktop.store.repository import set_setting
        from desktop.ui.centre_details_dialog import WITHOUT_DETAILS, CentreDetailsDialog

        try:
            name, contact = self.centre_details()
        except Exception:  # noqa: BLE001 - the store cannot be read: print as set before
            return True
        if (name and contact) or self._centre_declined:
            return True
        dialog = CentreDetailsDialog(name, contact, self)
        if self.run_dialog(dialog):
            new_name = dialog.centre_name() or name
            new_contact = dialog.centre_contact() or contact
            try:
                with self._store.session() as session:
                    set_setting(session, CENTRE_NAME_SETTING, new_name)
                    set_setting(session, CENTRE_CONTACT_SETTING, new_contact)
            except Exception as exc:  # noqa: BLE001 - nothing saved; say so without data
                self.status.setText(
                    f"The centre's details were not saved: {prompts.store_write_problem(exc)}"
                )
                return True
            self.status.setText("Saved the centre's name and contact for handouts.")
            if new_name and new_contact:
                return True
        self._centre_declined = True
        self.tell(WITHOUT_DETAILS)
        return True

    def handout_dialog(self):
        from desktop.printing.client_dates import client_fee
        from desktop.ui.handout_dialog import HandoutDialog, suggested_handout_name

        checklist = self.selected_list()
        if checklist is None:
            return None
        template = self._template_for(checklist) or snapshot_template(checklist)
        done, applicable = cs.progress(checklist)
        added = sum(1 for i in checklist.items if i.custom)
        summary = (
            f"{len(checklist.items)} items: {done} of {applicable} received"
            + (
                f", {len(checklist.items) - applicable} not needed"
                if applicable < len(checklist.items)
                else ""
            )
            + "."
            + (f" The {added} item(s) you added print as typed." if added else "")
        )
        if self._template_for(checklist) is None:
            summary += " The checklist is no longer installed: the handout is in English only."
        fee_note = ""
        if template.fee and not template.closed(self.today()):
            try:
                from desktop.assess import load_figures

                fee = client_fee(template, self.today(), load_figures())
                fee_note = fee.problem if fee is not None else ""
            except (ValueError, OSError) as exc:  # the figures files cannot be read
                fee_note = f"The fee figures could not be read ({exc}): the fee is not printed."
        return HandoutDialog(
            template,
            self.handout_factory,
            suggested_handout_name(self._client_id, self.today()),
            self,
            summary=summary,
            fee_note=fee_note,
            before_output=self.ensure_centre_details,
        )

    def _tell(self, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(self, "Handout", text)

    def print_handout(self) -> None:
        dialog = self.handout_dialog()
        if dialog is not None:
            self.run_dialog(dialog)


def _handout_from_states(checklist: cs.ClientChecklist, template: Checklist, **kw) -> bytes:
    from desktop.printing.handout import client_lines

    return handout_bytes(template, client_lines(template, checklist.items, kw["lang"]), **kw)


def _installed_checklists() -> Mapping[str, Checklist]:
    from desktop.assess import load_checklists

    return load_checklists()
