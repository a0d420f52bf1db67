"""The Casework tab (issue 22): the client's reminders, matters, visits, letters sent,
complaints, consents and subject access requests.

At the top, the client's casework reminders (`desktop.store.casework.reminders_for`: written
update due, outcome letter, subject access request, consent, retention review, complaint not
acknowledged, level check), each with its date, its sentence and the rule it rests on; the
ones that need the adviser now are red. When a matter needs a higher OISC level than its
adviser holds (or the adviser's level is not recorded), a red line says so with "Refer…",
which asks the page for the referral wizard as its "Refer to another adviser…" button does.

Under them, one table per kind of record (keyboard reachable: Tab into the section tabs,
the arrow keys between them, Tab again into the table; Enter or a double-click edits the row
picked): Matters (title, category, the level the work needs against the adviser's, opened,
last written update, closed, outcome), Visits (the history of contacts, newest first),
Letters sent, Complaints, Consents, Access requests. The buttons open the forms, each of which
writes itself: Log a visit… (Ctrl+Shift+V anywhere on the client page), New matter…, Edit…
(the row picked in the section shown), Close matter…, Print letter…, New complaint…, Record
consent…, Access request…. Print a copy… (or Enter on Letters sent) saves the letter picked
again as a PDF, with the words and date it was sent with; Delete a visit… (or Delete on Visits)
deletes a visit logged by mistake, after asking. Picking a reminder shows the record it is
about (its matter, complaint, consent or request) in the section below.

The tab keeps to the client-tab contract (desktop.ui.client_tab): it writes CASEWORK
(`casework_changed`) and reacts to CASEWORK, HISTORY (the level check reads the history) and
DETAILS; a reload after another tab's write is read off the UI thread (`reload_reader` /
`show_reloaded`). A form the window's lock closed leaves its kept draft alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.datetext import long_date
from desktop.rules.dated import render
from desktop.rules.deadlines import DEADLINE_KINDS
from desktop.status_style import DEADLINE_MARK
from desktop.store import casework as store_casework
from desktop.ui import kept_drafts, print_report
from desktop.ui.access_request_dialog import AccessRequestDialog
from desktop.ui.casework_form import (
    ACCESS_REQUEST_DRAFT,
    COMPLAINT_DRAFT,
    CONSENT_DRAFT,
    ROW_KEY,
)
from desktop.ui.client_tab import CASEWORK, DETAILS, HISTORY
from desktop.ui.complaint_dialog import ComplaintDialog
from desktop.ui.consent_dialog import ConsentDialog
from desktop.ui.kept_drafts import closed_by_lock
from desktop.ui.letter_dialog import LETTER_DRAFT, LetterDialog
from desktop.ui.matter_dialog import MATTER_DRAFT, MatterDialog
from desktop.ui.prompts import store_write_problem
from desktop.ui.visit_dialog import VISIT_DRAFT, VisitDialog
from desktop.ui.widgets import form_feedback
from desktop.ui.widgets.dates import format_date

IdRole = Qt.ItemDataRole.UserRole + 1
#: On a reminder's cells: (section, row id) of the record it is about, or None.
RecordRole = Qt.ItemDataRole.UserRole + 2

NO_REMINDERS = "No casework reminders for this client."
NOT_READ = "The casework could not be read: {why}."
LEVEL_LINE = (
    "A matter needs a higher OISC level than its adviser holds, or the adviser's level is not "
    "recorded: refer the client to an adviser at that level."
)
#: The record forms: kept-draft kind -> (the dialog, the section its rows are in, what the
#: status line says once saved).
RECORD_FORMS = {
    COMPLAINT_DRAFT: (ComplaintDialog, "complaints", "Complaint saved."),
    CONSENT_DRAFT: (ConsentDialog, "consents", "Consent saved."),
    ACCESS_REQUEST_DRAFT: (AccessRequestDialog, "access_requests", "Access request saved."),
}
#: Every kept-draft kind the tab opens again (the client page offers them back).
DRAFT_KINDS = (VISIT_DRAFT, MATTER_DRAFT, LETTER_DRAFT, *RECORD_FORMS)
PICK_FIRST = "Pick a row in the {section} table first."
#: The section pages, in order: (attribute, title).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("matters", "Matters"),
    ("visits", "Visits"),
    ("letters", "Letters sent"),
    ("complaints", "Complaints"),
    ("consents", "Consents"),
    ("access_requests", "Access requests"),
)


@dataclass(frozen=True)
class CaseworkView:
    """What the tab shows, as plain values (read on any thread)."""

    casework: Any  # desktop.store.casework.Casework
    reminders: tuple = ()  # desktop.rules.deadlines.Deadline, sorted
    #: matter id -> its LevelCheck (None when it could not be worked out).
    checks: dict[int, Any] = field(default_factory=dict)
    #: matter id -> the day of its last written update (letter, or a visit by letter/email).
    last_written: dict[int, date | None] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    #: A part that could not be read ("reminders"), with why (its kind only).
    problem: str = ""


def read_casework(session, client_id: int, today: date) -> CaseworkView:
    """The client's casework, reminders and level checks (on any thread: values only)."""
    from desktop.assess import load_casework

    work = store_casework.casework_of(session, client_id)
    problem = ""
    try:
        reminders = tuple(store_casework.reminders_for(session, client_id, today))
    except Exception as exc:  # noqa: BLE001 - the records still show
        reminders, problem = (), f"the reminders could not be worked out ({type(exc).__name__})"
    checks: dict[int, Any] = {}
    for matter in work.matters:
        try:
            checks[matter.id] = store_casework.level_check_for(session, matter.id, today)
        except Exception:  # noqa: BLE001 - shown as "?"
            checks[matter.id] = None
    last_written: dict[int, date | None] = {}
    try:
        for facts in store_casework.facts_of(session, client_id).matters:
            last_written[facts.id] = max(facts.written) if facts.written else None
    except Exception:  # noqa: BLE001 - the column shows "-"
        pass
    try:
        data = load_casework()
        categories = {key: c.label for key, c in data.categories.items()}
        outcomes = {key: o.label for key, o in data.outcomes.items()}
    except Exception:  # noqa: BLE001 - the keys show instead
        categories, outcomes = {}, {}
    return CaseworkView(work, reminders, checks, last_written, categories, outcomes, problem)


def reminder_words(deadline) -> str:
    """The reminder's sentence with its dates written out."""
    return render(deadline.what, long_date)


def record_of_reminder(deadline) -> tuple[str, int] | None:
    """The section and row a reminder is about ("matters[3]" -> ("matters", 3)), or None."""
    record = deadline.record or ""
    section, _bracket, rest = record.partition("[")
    if section not in dict(SECTIONS) or not rest.endswith("]"):
        return None
    try:
        return section, int(rest[:-1])
    except ValueError:
        return None


def matter_of_reminder(deadline) -> int | None:
    """The matter id a reminder is about ("matters[3]"), or None."""
    found = record_of_reminder(deadline)
    return found[1] if found is not None and found[0] == "matters" else None


def _level_cell(matter, check) -> str:
    needed = check.needed if check is not None else matter.needed_level
    held = check.adviser_level if check is not None else matter.adviser_level
    need_words = f"L{needed}" if needed else "?"
    if held is None:
        held_words = "not recorded"
    elif held >= 4:
        held_words = "regulated"
    else:
        held_words = "not authorised" if held == 0 else f"L{held}"
    return f"{need_words} needed · adviser {held_words}"


def _table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def _one_line(text: str, limit: int = 80) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class CaseworkTab(QWidget):
    # The client-tab contract (desktop.ui.client_tab).
    tab_title = "Casework"
    reacts_to = frozenset({CASEWORK, HISTORY, DETAILS})
    writes = {"casework_changed": frozenset({CASEWORK})}

    casework_changed = Signal()
    #: "Refer…" pressed (a matter needs a higher level): the page opens the referral wizard.
    refer_requested = Signal()
    #: The tab shows a new read (tests wait for it).
    shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = None
        self._adviser = ""
        self._today: Callable[[], date] = date.today
        self._client_id: int | None = None
        self._view: CaseworkView | None = None
        #: How a form is shown: True when it was accepted (tests replace it).
        self.run_dialog: Callable[[QDialog], bool] = lambda dialog: (
            dialog.exec() == QDialog.DialogCode.Accepted
        )
        #: Where a copy of a letter is saved, given the suggested name (None: cancelled; tests
        #: replace it).
        self.ask_path: Callable[[str], Path | None] = self._ask_path

        # ---- reminders ----
        reminders_label = QLabel("Remin&ders")
        font = reminders_label.font()
        font.setBold(True)
        reminders_label.setFont(font)
        self.reminders = _table("Casework reminders", ("Date", "Reminder", "Rule"))
        self.reminders.setWordWrap(True)
        header = self.reminders.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.reminders.setColumnWidth(2, 300)
        # Rows follow their wrapped sentences as the columns change width.
        self.reminders.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        reminders_label.setBuddy(self.reminders)
        self.reminders_empty = QLabel(NO_REMINDERS)
        self.reminders_empty.setAccessibleName("Casework reminders")
        self.level_frame = QFrame()
        self.level_frame.setObjectName("levelLine")
        self.level_frame.setStyleSheet(
            "#levelLine { background: #fdecea; border: 1px solid #e5a59d; border-radius: 3px; }"
        )
        self.level_line = QLabel(LEVEL_LINE)
        self.level_line.setWordWrap(True)
        self.level_line.setStyleSheet("color: #8c1d18; font-weight: bold;")
        self.level_line.setAccessibleName("Level check")
        self.refer_button = QPushButton("&Refer…")
        self.refer_button.setAccessibleName(
            "Refer this client to another adviser: a matter needs a higher OISC level"
        )
        self.refer_button.setToolTip(
            "Write one encrypted referral file of this client for an adviser at the level the "
            "work needs"
        )
        self.refer_button.clicked.connect(self.refer_requested)
        level_row = QHBoxLayout(self.level_frame)
        level_row.setContentsMargins(6, 3, 6, 3)
        level_row.addWidget(self.level_line, 1)
        level_row.addWidget(self.refer_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.level_frame.hide()

        # ---- sections ----
        self.matters = _table(
            "Matters",
            ("Title", "Category", "Level", "Opened", "Last written update", "Closed", "Outcome"),
        )
        self.visits = _table(
            "Visits, newest first",
            ("Date", "How", "Adviser", "Minutes", "Matter", "What was asked"),
        )
        self.letters = _table(
            "Letters sent", ("Date", "Letter", "Matter", "Adviser", "Language", "Large print")
        )
        self.complaints = _table(
            "Complaints",
            ("Received", "Summary", "Adviser", "Acknowledged", "Outcome on", "Outcome"),
        )
        self.consents = _table(
            "Consents", ("Scope", "Given on", "How", "Period", "Withdrawn on", "Adviser")
        )
        self.access_requests = _table(
            "Subject access requests to the centre",
            ("Asked on", "Extended", "Answered on", "Adviser", "Note"),
        )
        self.sections = QTabWidget()
        self.sections.setAccessibleName("Casework records")
        for attribute, title in SECTIONS:
            table = getattr(self, attribute)
            self.sections.addTab(table, title)
            table.doubleClicked.connect(lambda _index: self.edit_selected())
            table.installEventFilter(self)
        self.sections.currentChanged.connect(self._update_buttons)
        self.reminders.itemSelectionChanged.connect(self._reminder_picked)
        self.matters.itemSelectionChanged.connect(self._update_buttons)

        # ---- buttons ----
        self.visit_button = self._button(
            "&Log a visit…", "Log a visit", "Log a contact with the client (Ctrl+Shift+V)"
        )
        self.matter_button = self._button("New &matter…", "New matter", "Open a new matter")
        self.edit_button = self._button(
            "&Edit…", "Edit the row picked", "Edit the row picked in the table shown (Enter)"
        )
        self.close_button = self._button(
            "&Close matter…", "Close the matter picked", "Close the matter picked, with its outcome"
        )
        self.letter_button = self._button(
            "&Print letter…",
            "Print a letter",
            "Print a client care, update, outcome, closing or referral letter",
        )
        self.copy_button = self._button(
            "Print a cop&y…",
            "Print a copy of the letter picked",
            "Save a copy of the letter picked in Letters sent as a PDF: the same words and date",
        )
        self.delete_visit_button = self._button(
            "Delete &a visit…",
            "Delete the visit picked",
            "Delete the visit picked in Visits (one logged by mistake); asks first (Delete)",
        )
        self.complaint_button = self._button(
            "New compla&int…", "New complaint", "Log a complaint received"
        )
        self.consent_button = self._button(
            "Record c&onsent…", "Record consent", "Record the client's consent"
        )
        self.access_button = self._button(
            "Access re&quest…",
            "Subject access request",
            "Log a subject access request the client made to the centre",
        )
        self.visit_button.clicked.connect(lambda: self.log_visit())
        self.matter_button.clicked.connect(lambda: self.new_matter())
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.close_button.clicked.connect(lambda: self.close_matter())
        self.letter_button.clicked.connect(lambda: self.print_letter())
        self.copy_button.clicked.connect(lambda: self.print_copy())
        self.delete_visit_button.clicked.connect(lambda: self.delete_visit())
        self.complaint_button.clicked.connect(lambda: self.open_record_form("complaint", None))
        self.consent_button.clicked.connect(lambda: self.open_record_form("consent", None))
        self.access_button.clicked.connect(lambda: self.open_record_form("access_request", None))
        self.status = QLabel()
        self.status.setAccessibleName("Casework status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        work_row = QHBoxLayout()
        for button in (
            self.visit_button,
            self.matter_button,
            self.edit_button,
            self.close_button,
            self.letter_button,
            self.copy_button,
            self.delete_visit_button,
        ):
            work_row.addWidget(button)
        work_row.addStretch(1)
        record_row = QHBoxLayout()
        for button in (self.complaint_button, self.consent_button, self.access_button):
            record_row.addWidget(button)
        record_row.addWidget(self.status, 1)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(reminders_label)
        top_layout.addWidget(self.reminders, 1)
        top_layout.addWidget(self.reminders_empty)
        top_layout.addWidget(self.level_frame)
        # The adviser can give the reminders or the records more room (drag the bar).
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.sections)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        # Room for a few reminders of two or three lines each before any scrolling (the
        # records below have their own scroll bars), shared about evenly to start with.
        self.reminders.setMinimumHeight(self.fontMetrics().height() * 8)
        self.splitter.setSizes([500, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(work_row)
        layout.addLayout(record_row)

        order = [
            self.reminders,
            self.refer_button,
            self.sections,
            *[getattr(self, attribute) for attribute, _title in SECTIONS],
            self.visit_button,
            self.matter_button,
            self.edit_button,
            self.close_button,
            self.letter_button,
            self.copy_button,
            self.delete_visit_button,
            self.complaint_button,
            self.consent_button,
            self.access_button,
        ]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.clear()

    def _button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        return button

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, QTableWidget):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit_selected()
                return True
            if event.key() == Qt.Key.Key_Delete and watched is self.visits:
                self.delete_visit()
                return True
        return super().eventFilter(watched, event)

    # ---- the contract ------------------------------------------------------------------------
    def set_context(self, store, adviser: str, today_provider=date.today) -> None:
        self._store, self._adviser = store, adviser
        self._today = today_provider or date.today

    def load(self, client_id: int) -> None:
        self._client_id = client_id
        try:
            with self._store.read_session() as session:
                view = read_casework(session, client_id, self._today())
        except Exception as exc:  # noqa: BLE001 - the tab says so, the page still opens
            self._show_view(None)
            self.status.setText(NOT_READ.format(why=type(exc).__name__))
            return
        self.status.clear()
        self._show_view(view)

    def reload_reader(self, client_id: int):
        """The read for a reload after another tab's write (run off the UI thread)."""
        return partial(read_casework, client_id=client_id, today=self._today())

    def show_reloaded(self, client_id: int, view: CaseworkView) -> None:
        if client_id == self._client_id:
            self._show_view(view)

    def clear(self) -> None:
        self._client_id = None
        self._view = None
        self.reminders.setRowCount(0)
        self.reminders.hide()
        self.reminders_empty.show()
        self.level_frame.hide()
        for attribute, _title in SECTIONS:
            getattr(self, attribute).setRowCount(0)
        self._title_sections()
        self.status.clear()
        self._update_buttons()

    # ---- showing -----------------------------------------------------------------------------
    def view(self) -> CaseworkView | None:
        return self._view

    def _show_view(self, view: CaseworkView | None) -> None:
        keep = self._selected_ids()
        self._view = view
        self._show_reminders(view)
        for attribute, _title in SECTIONS:
            table = getattr(self, attribute)
            table.setRowCount(0)
            if view is not None:
                getattr(self, f"_fill_{attribute}")(table, view)
        self._title_sections()
        for attribute, picked in keep.items():
            self._select_id(getattr(self, attribute), picked)
        self._update_buttons()
        self.shown.emit()

    def _show_reminders(self, view: CaseworkView | None) -> None:
        # What needs the adviser now first, then by the day it is due.
        reminders = sorted(
            view.reminders if view is not None else (),
            key=lambda d: (d.status != "attention", d.last_day),
        )
        table = self.reminders
        table.setRowCount(len(reminders))
        red = QBrush(QColor(DEADLINE_MARK))
        bold = QFont()
        bold.setBold(True)
        today = self._today()
        for row, deadline in enumerate(reminders):
            attention = deadline.status == "attention"
            overdue = deadline.status == "passed"
            label = DEADLINE_KINDS.get(deadline.kind, "Reminder")
            when = format_date(deadline.last_day)
            if deadline.status == "met":
                when += " (done in time)"
            elif attention:
                when = "Now"
            elif overdue:
                when += f" ({(today - deadline.last_day).days} days late)"
            words = f"{label}: {reminder_words(deadline)}"
            cells = (when, words, deadline.rule)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                item.setData(IdRole, deadline.kind)
                item.setData(RecordRole, record_of_reminder(deadline))
                item.setToolTip(f"{label}: {render(deadline.what, long_date)} ({deadline.rule})")
                if attention or overdue:
                    item.setForeground(red)
                if attention:
                    item.setFont(bold)
                table.setItem(row, column, item)
        table.setVisible(bool(reminders))
        self.reminders_empty.setVisible(not reminders)
        if view is not None and view.problem:
            self.reminders_empty.setText(f"Casework reminders: {view.problem}.")
        else:
            self.reminders_empty.setText(NO_REMINDERS)
        self.level_frame.setVisible(any(d.kind == "level_check" for d in reminders))

    def reminder_lines(self) -> list[str]:
        """Each reminder as shown: "date | sentence | rule" (tests, the screen reader)."""
        table = self.reminders
        return [
            " | ".join(table.item(row, column).text() for column in range(table.columnCount()))
            for row in range(table.rowCount())
        ]

    def _put(self, table: QTableWidget, row_id: int, cells: tuple[str, ...], red: bool = False):
        row = table.rowCount()
        table.insertRow(row)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(IdRole, row_id)
            if red:
                item.setForeground(QBrush(QColor(DEADLINE_MARK)))
            table.setItem(row, column, item)

    def _matter_title(self, view: CaseworkView, matter_id: int | None) -> str:
        if matter_id is None:
            return ""
        for matter in view.casework.matters:
            if matter.id == matter_id:
                return matter.title or f"Matter {matter.id}"
        return f"Matter {matter_id}"

    def _fill_matters(self, table: QTableWidget, view: CaseworkView) -> None:
        for matter in view.casework.matters:
            check = view.checks.get(matter.id)
            low = matter.closed is None and check is not None and check.ok is not True
            written = view.last_written.get(matter.id)
            self._put(
                table,
                matter.id,
                (
                    matter.title or f"Matter {matter.id}",
                    view.categories.get(matter.category, matter.category),
                    _level_cell(matter, check),
                    format_date(matter.opened),
                    format_date(written) if written else "none yet",
                    format_date(matter.closed) if matter.closed else "open",
                    view.outcomes.get(matter.outcome, matter.outcome) if matter.outcome else "",
                ),
                red=low,
            )

    def _fill_visits(self, table: QTableWidget, view: CaseworkView) -> None:
        for visit in view.casework.visits:  # newest first (the store's order)
            self._put(
                table,
                visit.id,
                (
                    format_date(visit.on),
                    store_casework.VISIT_HOWS.get(visit.how, visit.how),
                    visit.adviser,
                    str(visit.minutes),
                    self._matter_title(view, visit.matter_id),
                    _one_line(visit.asked or visit.advice),
                ),
            )

    def _fill_letters(self, table: QTableWidget, view: CaseworkView) -> None:
        for letter in view.casework.letters:
            self._put(
                table,
                letter.id,
                (
                    format_date(letter.on),
                    store_casework.LETTER_KINDS.get(letter.kind, letter.kind),
                    self._matter_title(view, letter.matter_id),
                    letter.adviser,
                    letter.language,
                    "yes" if letter.large_print else "no",
                ),
            )

    def _fill_complaints(self, table: QTableWidget, view: CaseworkView) -> None:
        for complaint in view.casework.complaints:
            self._put(
                table,
                complaint.id,
                (
                    format_date(complaint.received_on),
                    _one_line(complaint.summary, 60),
                    complaint.adviser,
                    format_date(complaint.acknowledged_on)
                    if complaint.acknowledged_on
                    else "not yet",
                    format_date(complaint.outcome_on) if complaint.outcome_on else "",
                    _one_line(complaint.outcome, 60),
                ),
                red=complaint.acknowledged_on is None,
            )

    def _fill_consents(self, table: QTableWidget, view: CaseworkView) -> None:
        for consent in view.casework.consents:
            period = consent.period_months
            self._put(
                table,
                consent.id,
                (
                    store_casework.CONSENT_SCOPES.get(consent.scope, consent.scope),
                    format_date(consent.given_on),
                    store_casework.CONSENT_HOWS.get(consent.how, consent.how),
                    f"{period} months" if period else "",
                    format_date(consent.withdrawn_on) if consent.withdrawn_on else "",
                    consent.adviser,
                ),
            )

    def _fill_access_requests(self, table: QTableWidget, view: CaseworkView) -> None:
        for request in view.casework.access_requests:
            self._put(
                table,
                request.id,
                (
                    format_date(request.asked_on),
                    "yes" if request.extended else "no",
                    format_date(request.answered_on) if request.answered_on else "not yet",
                    request.adviser,
                    _one_line(request.note, 60),
                ),
                red=request.answered_on is None,
            )

    def _title_sections(self) -> None:
        for index, (attribute, title) in enumerate(SECTIONS):
            count = getattr(self, attribute).rowCount()
            self.sections.setTabText(index, f"{title} ({count})" if count else title)

    # ---- selection ---------------------------------------------------------------------------
    def current_section(self) -> str:
        return SECTIONS[self.sections.currentIndex()][0]

    @staticmethod
    def _selected_id(table: QTableWidget) -> int | None:
        rows = table.selectionModel().selectedRows() if table.selectionModel() else []
        if not rows:
            return None
        item = table.item(rows[0].row(), 0)
        return item.data(IdRole) if item is not None else None

    def _selected_ids(self) -> dict[str, int]:
        out = {}
        for attribute, _title in SECTIONS:
            picked = self._selected_id(getattr(self, attribute))
            if picked is not None:
                out[attribute] = picked
        return out

    @staticmethod
    def _select_id(table: QTableWidget, row_id: int) -> bool:
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            if item is not None and item.data(IdRole) == row_id:
                table.selectRow(row)
                return True
        return False

    def _reminder_picked(self) -> None:
        """Picking a reminder shows the record it is about (its matter, complaint, ...) below;
        the keyboard stays on the reminders."""
        item = self.reminders.currentItem()
        if item is None or not item.isSelected():
            return
        found = item.data(RecordRole)
        if found:
            section, row_id = found
            self.select(section, row_id)

    def select(self, section: str, row_id: int) -> bool:
        """Show `section` and pick the row of `row_id` (tests, a reminder's record)."""
        names = [attribute for attribute, _title in SECTIONS]
        self.sections.setCurrentIndex(names.index(section))
        return self._select_id(getattr(self, section), row_id)

    def _record(self, section: str, row_id: int | None):
        if self._view is None or row_id is None:
            return None
        for record in getattr(self._view.casework, section, ()):
            if record.id == row_id:
                return record
        return None

    def selected_matter(self):
        return self._record("matters", self._selected_id(self.matters))

    def _update_buttons(self, *_args) -> None:
        shown = self._client_id is not None
        for button in (
            self.visit_button,
            self.matter_button,
            self.letter_button,
            self.complaint_button,
            self.consent_button,
            self.access_button,
        ):
            button.setEnabled(shown)
        section = self.current_section()
        self.edit_button.setEnabled(shown and section != "letters")
        self.copy_button.setEnabled(shown and section == "letters")
        self.delete_visit_button.setEnabled(shown and section == "visits")
        matter = self.selected_matter()
        self.close_button.setEnabled(shown and matter is not None and matter.closed is None)

    # ---- the forms ---------------------------------------------------------------------------
    def _run(self, dialog: QDialog, kind: str | None, client_id: int) -> bool:
        """Show a form; True when it wrote. A form closed by the window's lock keeps its draft;
        one saved or cancelled lets its draft go."""
        kind = kind or getattr(dialog, "draft_kind", None)
        accepted = self.run_dialog(dialog)
        if closed_by_lock(dialog):
            return False
        if kind is not None and not accepted:
            kept_drafts.forget(self._store, client_id, kind)
        if accepted:
            self._after_write(client_id)
        return accepted

    def _after_write(self, client_id: int) -> None:
        if self._client_id != client_id:
            return
        self.load(client_id)
        self.casework_changed.emit()

    def log_visit(self, typed: dict | None = None) -> bool:
        """Log a visit (Ctrl+Shift+V). `typed`: a kept draft to put back."""
        if self._client_id is None:
            return False
        client_id = self._client_id
        visit = None
        if typed is not None:
            visit = self._record("visits", typed.get("visit_id"))
        dialog = VisitDialog(self._store, client_id, self._adviser, self._today, visit, parent=self)
        if typed is not None:
            dialog.restore_draft(typed)
        ok = self._run(dialog, VISIT_DRAFT, client_id)
        if ok:
            self.status.setText("Visit saved.")
            if self._client_id == client_id:
                self.sections.setCurrentIndex(1)
        return ok

    def new_matter(self, typed: dict | None = None) -> bool:
        if self._client_id is None:
            return False
        return self._matter_form(None, closing=False, typed=typed)

    def close_matter(self) -> bool:
        matter = self.selected_matter()
        if matter is None:
            self.status.setText(PICK_FIRST.format(section="Matters"))
            return False
        return self._matter_form(matter, closing=True)

    def _matter_form(self, matter, closing: bool, typed: dict | None = None) -> bool:
        client_id = self._client_id
        if client_id is None:
            return False
        dialog = MatterDialog(
            self._store,
            client_id,
            self._adviser,
            self._today,
            matter,
            parent=self,
            closing=closing,
        )
        if typed is not None:
            dialog.restore_draft(typed)
        ok = self._run(dialog, MATTER_DRAFT, client_id)
        if ok:
            self.status.setText("Matter closed." if closing else "Matter saved.")
            if self._client_id == client_id and dialog.matter_id is not None:
                self.select("matters", dialog.matter_id)
            if dialog.wants_referral:
                self.refer_requested.emit()
        return ok

    def restore_draft(self, kind: str, payload: dict) -> bool:
        """Open the form a kept draft came from, with what was typed. False when it is not one
        this tab wrote (the page forgets it then)."""
        if not isinstance(payload, dict) or not isinstance(payload.get("fields"), dict):
            return False
        if kind == VISIT_DRAFT:
            self.log_visit(typed=payload)
            return True
        if kind == MATTER_DRAFT:
            matter = self._record("matters", payload.get("matter_id"))
            closing = bool(payload.get("closing")) and matter is not None
            if matter is None:
                payload = {**payload, "matter_id": None}
            self._matter_form(matter, closing=closing, typed=payload)
            return True
        if kind == LETTER_DRAFT:
            self.print_letter(typed=payload)
            return True
        if kind in RECORD_FORMS:
            # The row it was editing (gone since: the form opens as a new one).
            record = self._record(RECORD_FORMS[kind][1], payload.get(ROW_KEY))
            self.open_record_form(kind, record, typed=payload)
            return True
        return False

    def edit_selected(self) -> bool:
        """Edit the row picked in the section shown."""
        if self._client_id is None:
            return False
        section = self.current_section()
        table = getattr(self, section)
        record = self._record(section, self._selected_id(table))
        if section == "letters":  # a letter sent is not changed: Enter prints a copy
            return self.print_copy() is not None
        if record is None:
            title = dict(SECTIONS)[section]
            self.status.setText(PICK_FIRST.format(section=title))
            return False
        if section == "matters":
            return self._matter_form(record, closing=False)
        if section == "visits":
            client_id = self._client_id
            dialog = VisitDialog(
                self._store, client_id, self._adviser, self._today, record, parent=self
            )
            ok = self._run(dialog, VISIT_DRAFT, client_id)
            if ok:
                self.status.setText("Visit saved.")
            return ok
        kind = next(k for k, (_form, rows_in, _done) in RECORD_FORMS.items() if rows_in == section)
        return self.open_record_form(kind, record)

    def print_letter(self, typed: dict | None = None) -> bool:
        """Print a letter for the matter picked, if any. `typed`: a kept draft to put back."""
        if self._client_id is None:
            return False
        matter = self.selected_matter()
        client_id = self._client_id
        dialog = LetterDialog(
            self._store,
            client_id,
            self._adviser,
            self._today,
            matter_id=matter.id if matter is not None else None,
            kind=None,
            parent=self,
        )
        if typed is not None:
            dialog.restore_draft(typed)
        ok = self._run(dialog, None, client_id)
        if ok:
            self.status.setText("Letter recorded.")
        return ok

    def _ask_path(self, suggested: str) -> Path | None:
        from desktop.ui.print_report import PDF_FILTER, _default_folder, _with_pdf_suffix

        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save a copy of the letter", str(_default_folder() / suggested), PDF_FILTER
        )
        return _with_pdf_suffix(Path(chosen)) if chosen else None

    def print_copy(self) -> Any:
        """Save a copy of the letter picked in Letters sent as a PDF, off the UI thread: the
        words and the date it was sent with (`recorded_context`); DRAFT on every page, naming
        what is missing, when the record lacks a part the letter needs. The running operation,
        or None (nothing picked, or the adviser cancelled)."""
        from desktop.printing.letters import letter_pdf, letter_problems, recorded_context
        from desktop.ui.letter_dialog import suggested_letter_name

        letter = self._record("letters", self._selected_id(self.letters))
        if self._client_id is None or letter is None:
            self.status.setText(PICK_FIRST.format(section="Letters sent"))
            return None
        context = recorded_context(
            letter.kind, letter.on, letter.language, letter.large_print, letter.fields
        )
        try:
            draft = bool(letter_problems(context))
        except ValueError as exc:  # the letter's kind or template cannot be read
            self.status.setText(f"No copy was made: {exc}.")
            return None
        path = self.ask_path(suggested_letter_name(letter.kind, self._client_id, letter.on))
        if path is None:
            return None
        status = print_report.held_weakly(self.status)  # the page may go while it is saved

        def saved(written: Path) -> None:
            label = status()
            if label is not None:
                label.setText(
                    f"Copy saved as {written.name}"
                    + (" (a DRAFT: a part is missing)." if draft else ".")
                )

        return print_report.write_report_pdf(
            self,
            partial(letter_pdf, context),
            path,
            # The main window's runner (it keeps the busy count, so the app does not lock
            # half-way); shown on its own, an Operation of the tab's.
            run=getattr(self.window(), "run", None) if self.window() is not self else None,
            on_saved=saved,
            title="Saving a copy of the letter",
        )

    def delete_visit(self) -> bool:
        """Delete the visit picked (one logged by mistake), after asking; one transaction with
        its audit entry. True when deleted."""
        visit = self._record("visits", self._selected_id(self.visits))
        client_id = self._client_id
        if client_id is None or visit is None:
            self.status.setText(PICK_FIRST.format(section="Visits"))
            return False
        if not form_feedback.confirm(
            self,
            "Delete this visit?",
            f"Delete the visit of {long_date(visit.on)} ({visit.adviser or 'no adviser'})? "
            "The audit log keeps that it was deleted, not what it said.",
            yes="Delete",
        ):
            return False
        try:
            with self._store.session() as session:
                store_casework.delete_visit(session, visit.id, self._adviser)
        except Exception as exc:  # noqa: BLE001 - never a traceback; nothing was deleted
            self.status.setText(f"The visit was not deleted: {store_write_problem(exc)}")
            return False
        self._after_write(client_id)
        self.status.setText("Visit deleted.")
        return True

    def open_record_form(self, kind: str, record, typed: dict | None = None) -> bool:
        """A complaint, consent or access request form, new or editing. `typed`: a kept draft
        to put back."""
        if self._client_id is None:
            return False
        dialog_class, _section, done = RECORD_FORMS[kind]
        client_id = self._client_id
        dialog = dialog_class(
            self._store, client_id, self._adviser, self._today, record, parent=self
        )
        if typed is not None:
            dialog.restore_draft(typed)
        ok = self._run(dialog, None, client_id)
        if ok:
            self.status.setText(done)
        return ok
