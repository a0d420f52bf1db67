"""The History tab: permissions, applications, absences, custody and the adviser's status
checks, with a verdict per route.

Every change is checked against the whole history and saved at once as one transaction
(`save_history` replaces the history whole). A failed check or save leaves the stored history
as it was and says why under the tables.

The verdicts are worked out off the UI thread (an `Operation` without a progress dialog): a
change asks for them again, a short single-shot timer lets a burst of changes settle into one
job, and every request bumps a generation number. A result is shown only if its generation is
still the current one, so a late result for an earlier history, another client or a locked
app is dropped. `verdicts_ready` is emitted once the lines show the current history.

A verdict that rests on an assumption (the record stops before today and the verdict needs
permission to have continued), or on a record that stops or shows no permission, is never
shown as plain "eligible": the engine's headline says what is assumed, and the line is drawn
as an attention line (warning colours and a "⚠"), never in the eligible green. While the
record stops before today, a bar above the verdicts says so, with "Checked: no
permission…": it records the adviser's check (a status check dated today) through the same
save as every other change, and the time since becomes the gap it is.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.rules.days import whole_days_outside
from desktop.rules.history import (
    APPEAL_OUTCOMES,
    APPLICATION_KINDS,
    APPLICATION_OUTCOMES,
    DATE_RANGE_TEXT,
    FEE_WAIVER_OUTCOMES,
    PERMISSION_CATEGORIES,
    REMEDIES,
    REVIEW_OUTCOMES,
    ROUTES,
    STATUS_CHECK_OUTCOMES,
    History,
    Question,
    StatusCheck,
    date_in_range,
    validate_history,
)
from desktop.rules.wording import tidy
from desktop.store import drafts
from desktop.store.repository import load_history, save_history
from desktop.ui import kept_drafts
from desktop.ui.client_tab import DETAILS as CHANGED_DETAILS
from desktop.ui.client_tab import HISTORY as CHANGED_HISTORY
from desktop.ui.kept_drafts import HISTORY_RECORD, closed_by_lock
from desktop.ui.operations import Operation
from desktop.ui.record_dialog import (
    COLLECTIONS,
    NRPF,
    RecordDialog,
    describe,
    errors_for_record,
    humanise,
)
from desktop.ui.widgets import form_feedback
from desktop.ui.widgets.date_field import DateField
from desktop.ui.widgets.dates import format_date, format_long, written
from desktop.ui.widgets.form_feedback import FormErrors, mark_invalid
from desktop.ui.widgets.record_table import RecordGrid
from desktop.ui.widgets.verdict_look import (
    ATTENTION,
    ATTENTION_BOX_STYLE,
    Verdict,
    line_html,
    verdict_state,
)

UNAVAILABLE = "Assessment unavailable"
FAILED = f"{UNAVAILABLE} for this history."
WORKING = "Working out…"
#: How long a burst of changes (typing a date, several edits) must be quiet before the verdicts
#: are worked out again.
VERDICT_DELAY_MS = 150

#: kind -> (group title with mnemonic, column headers)
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    # Alt+P: Alt+R is "Route asked about" on the same tab.
    "permission": ("&Permissions", ("Category", "From", "To", "Granted", "Conditions")),
    "application": (
        "Appli&cations",
        ("Kind", "Made", "Decided", "Outcome", "Fee waiver", "Appeal or review"),
    ),
    "absence": (
        "A&bsences from the UK",
        ("Left", "Returned", "Whole days outside", "Reason", "Exceptional", "Planned"),
    ),
    "custody": ("C&ustody", ("From", "To", "Days")),
    "status_check": ("Status chec&ks", ("Checked on", "Found")),
}
NOUNS = {
    "permission": "permission",
    "application": "application",
    "absence": "trip",
    "custody": "custody period",
    "status_check": "status check",
}
CHECKED_BUTTON = "Checked: no permission…"
CHECKED_NAME = "Checked: no permission"


def _yes(flag: bool | None) -> str:
    return {True: "Yes", False: "No", None: ""}[flag]


def _row(kind: str, record: Any) -> list[str]:
    if kind == "permission":
        conditions = ["NRPF" if c == NRPF else c.replace("_", " ") for c in record.conditions]
        return [
            PERMISSION_CATEGORIES.get(record.category, record.category),
            format_date(record.start),
            format_date(record.end) if record.end else "no end date",
            format_date(record.granted_on),
            ", ".join(conditions),
        ]
    if kind == "application":
        fee = ""
        if record.fee_waiver_requested:
            fee = f"asked {format_date(record.fee_waiver_requested)}"
            if record.fee_waiver_outcome:
                fee += f"; {FEE_WAIVER_OUTCOMES[record.fee_waiver_outcome].lower()}"
        appeal = ""
        if record.appeal_lodged:
            appeal = f"appeal lodged {format_date(record.appeal_lodged)}"
            if record.appeal_time_extended:
                appeal += " (late, admitted)"
            if record.appeal_outcome:
                appeal += f"; {APPEAL_OUTCOMES[record.appeal_outcome].lower()}"
        elif record.review_lodged:
            appeal = f"review asked {format_date(record.review_lodged)}"
            if record.review_outcome:
                appeal += f"; {REVIEW_OUTCOMES[record.review_outcome].lower()}"
        elif record.appeal_by:
            appeal = f"deadline {format_date(record.appeal_by)}"
        elif record.remedy:
            appeal = REMEDIES[record.remedy].lower()
        return [
            APPLICATION_KINDS.get(record.kind, record.kind),
            format_date(record.made),
            format_date(record.decided),
            APPLICATION_OUTCOMES.get(record.outcome, "") if record.outcome else "",
            fee,
            appeal,
        ]
    if kind == "status_check":
        return [
            format_date(record.on),
            STATUS_CHECK_OUTCOMES.get(record.outcome, record.outcome),
        ]
    if kind == "absence":
        return [
            format_date(record.left),
            format_date(record.returned),
            str(whole_days_outside(record.left, record.returned)),
            record.reason or "",
            _yes(record.exceptional),
            _yes(record.planned),
        ]
    return [
        format_date(record.start),
        format_date(record.end),
        str((record.end - record.start).days + 1),
    ]


def _names_route(text: str, code: str) -> bool:
    """True when the verdict already starts with the route's name ("Long residence: ...")."""
    head = text.split(": ", 1)[0]
    return ": " in text and bool(head) and ROUTES[code].startswith(head)


def engine_verdict(
    history: History,
    route: str,
    on: date,
    region: str = "england-and-wales",
    today: date | None = None,
) -> Verdict:
    """The engine's verdict line for a route, with how it should look: from the assessment
    itself (`verdict_state`), never from the words."""
    from desktop.assess import assess_history
    from desktop.rules.residence import verdict_line

    assessment = assess_history(history, route, on, region, today)
    return Verdict(
        verdict_line(assessment),
        state=verdict_state(assessment),
        unknown_since=assessment.status_unknown_since,
    )


def _verdict_function() -> Callable[..., str] | None:
    try:
        from desktop.assess import verdict_line
    except Exception:  # noqa: BLE001 - the engine is optional here; the tab must still work
        return None
    try:
        from desktop.assess import assess_history  # noqa: F401 - is the whole engine there?
    except Exception:  # noqa: BLE001 - a stand-in engine gives its lines only
        return verdict_line
    return engine_verdict


def compute_verdicts(
    verdict_line: Callable[..., str], history: History, on: date, today: date
) -> dict[str, Verdict]:
    """Route code -> verdict sentence (UK dates, a `Verdict`: its look and the first day the
    record says nothing about) for every route, `on` the assessment date.

    Runs on a pool thread: it reads only the immutable `history` and the dates it is given,
    never a widget or the store. One failing route says so and does not hide the others.
    """
    verdicts: dict[str, Verdict] = {}
    for code in ROUTES:
        try:
            result = verdict_line(history, code, on, today=today)
            text = tidy(written(result))
        except Exception:  # noqa: BLE001 - one failing route must not hide the others
            result, text = None, FAILED
        verdicts[code] = Verdict(
            text,
            state=getattr(result, "state", ""),
            unknown_since=getattr(result, "unknown_since", None),
        )
    return verdicts


def _verdict_work(
    verdict_line: Callable[..., str], history: History, on: date, today: date, _progress
) -> dict[str, Verdict]:
    return compute_verdicts(verdict_line, history, on, today)


def _stored_history(session, client_id: int) -> History:
    return load_history(session, client_id)


class RecordTable(QWidget):
    """One titled table with Add / Edit / Delete; Insert, Enter and Delete work on the table."""

    add_requested = Signal(str)
    edit_requested = Signal(str, int)
    delete_requested = Signal(str, int)

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        title, headers = TABLES[kind]
        noun = NOUNS[kind]
        # The title's mnemonic (Alt+letter) moves focus to the table.
        self.mnemonic = QLabel(title)
        font = self.mnemonic.font()
        font.setBold(True)
        self.mnemonic.setFont(font)
        self.table = RecordGrid(
            headers,
            title.replace("&", ""),
            on_add=lambda: self.add_requested.emit(self.kind),
            on_edit=self._edit,
            on_delete=self._delete,
        )
        self.table.setMinimumHeight(120)
        self.table.horizontalHeader().setMinimumSectionSize(48)
        self.table.installEventFilter(self)
        self.mnemonic.setBuddy(self.table)
        self.mnemonic.setAccessibleName(title.replace("&", ""))

        self.add_button = QPushButton(f"Add {noun}…")
        self.edit_button = QPushButton("Edit…")
        self.delete_button = QPushButton("Delete")
        for button, verb in (
            (self.add_button, "Add"),
            (self.edit_button, "Edit"),
            (self.delete_button, "Delete"),
        ):
            button.setAccessibleName(f"{verb} {noun}")
        self.add_button.setToolTip(f"Add a {noun} (Insert in the table)")
        self.edit_button.setToolTip(f"Edit the selected {noun} (Enter in the table)")
        self.delete_button.setToolTip(f"Delete the selected {noun} (Delete in the table)")
        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.kind))
        self.edit_button.clicked.connect(self._edit)
        self.delete_button.clicked.connect(self._delete)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        top = QHBoxLayout()
        top.addWidget(self.mnemonic)
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self._update_buttons()

    def set_records(self, records: tuple[Any, ...]) -> None:
        selected = self.current_row()
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            for column, text in enumerate(_row(self.kind, record)):
                item = QTableWidgetItem(text)
                if TABLES[self.kind][1][column] in ("Whole days outside", "Days"):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                item.setToolTip(text)  # the whole text when a narrow column elides it
                self.table.setItem(row, column, item)
        self.fit_columns()
        if selected is not None and records:
            self.table.selectRow(min(selected, len(records) - 1))
        self._update_buttons()

    def current_row(self) -> int | None:
        return self.table.current_row()

    def fit_columns(self) -> None:
        """Every column stays in view: sized to their contents when they fit, otherwise shared
        out over the width (long texts are elided; the tooltip has them whole). Six columns
        of Applications used to run off the right edge on a 1366-pixel screen."""
        header = self.table.horizontalHeader()
        count = header.count()
        wanted = sum(
            max(self.table.sizeHintForColumn(i), header.sectionSizeHint(i)) for i in range(count)
        )
        fits = wanted <= self.table.viewport().width()
        mode = QHeaderView.ResizeMode.ResizeToContents if fits else QHeaderView.ResizeMode.Stretch
        header.setStretchLastSection(fits)  # when shared out, the last one takes no extra
        for column in range(count):
            header.setSectionResizeMode(column, mode)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if obj is self.table and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(obj, event)

    def _update_buttons(self) -> None:
        has = self.current_row() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def _edit(self) -> None:
        row = self.current_row()
        if row is not None:
            self.edit_requested.emit(self.kind, row)

    def _delete(self) -> None:
        row = self.current_row()
        if row is not None:
            self.delete_requested.emit(self.kind, row)


KEPT_AFTER_FAILED_SAVE = " What was typed is kept as a draft: Restore it above."


class HistoryTab(QWidget):
    # The client-tab contract (desktop.ui.client_tab): the history's person (name, date of
    # birth) comes from the details.
    tab_title = "History"
    reacts_to = frozenset({CHANGED_DETAILS})
    writes = {"history_saved": frozenset({CHANGED_HISTORY})}

    history_saved = Signal()
    #: A record whose save failed was kept as a draft (the page offers it again).
    drafts_changed = Signal()
    #: The verdict lines now show the current history (emitted on the UI thread).
    verdicts_ready = Signal()
    #: A verdict result arrived for an earlier history, client or session and was dropped.
    verdicts_discarded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = None
        self._adviser = ""
        self._today: Callable[[], date] = date.today
        self._client_id: int | None = None
        self._history = History()
        # Bumped by every verdict request and by clear(): only the latest result is shown.
        self._generation = 0
        self._verdict_timer = QTimer(self)
        self._verdict_timer.setSingleShot(True)
        self._verdict_timer.setInterval(VERDICT_DELAY_MS)
        self._verdict_timer.timeout.connect(self._start_verdicts)

        # Question: the route being asked about and the intended application date.
        self.route = QComboBox()
        self.route.setAccessibleName("Route being asked about")
        self.route.addItem("No route chosen yet", None)
        for code, label in ROUTES.items():
            self.route.addItem(label, code)
        self.route.activated.connect(lambda _i: self.save_question())
        self.question_date = DateField(label="Application date")
        self.question_date.setAccessibleName("Intended application date")
        self.question_date.setMaximumWidth(160)
        self.question_date.editingFinished.connect(self.save_question)
        route_label = QLabel("&Route asked about")
        route_label.setBuddy(self.route)
        date_label = QLabel("Application &date")
        date_label.setBuddy(self.question_date)
        question_row = QHBoxLayout()
        question_row.addWidget(route_label)
        question_row.addWidget(self.route, 1)
        question_row.addSpacing(12)
        question_row.addWidget(date_label)
        question_row.addWidget(self.question_date)

        # Verdicts, one line per route ("Route: verdict"), the route asked about in bold.
        self.verdict_heading = QLabel()
        self.verdict_heading.setAccessibleName("Verdicts")
        # Shown (with the lines greyed) while the verdicts are being worked out again.
        self.verdict_busy = QLabel(WORKING)
        self.verdict_busy.setAccessibleName("Verdicts are being worked out")
        self.verdict_busy.setStyleSheet("color: palette(mid); font-style: italic;")
        self.verdict_busy.hide()
        self.verdict_box = QGroupBox("Verdict per route (qualifying period and absences only)")
        verdict_layout = QVBoxLayout(self.verdict_box)
        verdict_layout.setSpacing(3)
        heading_row = QHBoxLayout()
        heading_row.addWidget(self.verdict_heading)
        heading_row.addSpacing(8)
        heading_row.addWidget(self.verdict_busy)
        heading_row.addStretch(1)
        verdict_layout.addLayout(heading_row)
        self.unavailable = QLabel(f"{UNAVAILABLE}: the residence engine is not installed.")
        self.unavailable.setAccessibleName(UNAVAILABLE)
        verdict_layout.addWidget(self.unavailable)
        self.verdict_labels: dict[str, QLabel] = {}
        self._verdicts: dict[str, str] = {}
        self._states: dict[str, str] = {}
        #: The first day the record says nothing about (from the engine), when before today.
        self._unknown_since: date | None = None
        for code in ROUTES:
            line = QLabel()
            line.setWordWrap(True)
            line.setTextFormat(Qt.TextFormat.RichText)
            line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.verdict_labels[code] = line
            verdict_layout.addWidget(line)

        # The record stops before today: says so, with the adviser's "checked" action.
        self.unknown_label = QLabel()
        self.unknown_label.setObjectName("statusUnknown")
        self.unknown_label.setWordWrap(True)
        self.unknown_label.setTextFormat(Qt.TextFormat.PlainText)
        self.unknown_label.setAccessibleName("Status unknown")
        self.unknown_label.setStyleSheet(f"#statusUnknown {{ {ATTENTION_BOX_STYLE} }}")
        self.check_button = QPushButton(CHECKED_BUTTON)
        self.check_button.setAccessibleName(CHECKED_NAME)
        self.check_button.setToolTip(
            "You checked the client's status and found no permission: record the check, "
            "dated today (it is listed under Status checks)"
        )
        self.check_button.clicked.connect(self.check_no_permission)
        self.unknown_box = QWidget()
        unknown_row = QHBoxLayout(self.unknown_box)
        unknown_row.setContentsMargins(0, 0, 0, 0)
        unknown_row.addWidget(self.unknown_label, 1)
        unknown_row.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignTop)
        self.unknown_box.hide()

        self.problems = FormErrors(self)
        self.problems.setAccessibleName("History problems")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Last change")

        self.tables: dict[str, RecordTable] = {}
        tables_widget = QWidget()
        tables_layout = QVBoxLayout(tables_widget)
        tables_layout.setContentsMargins(0, 0, 0, 0)
        for kind in TABLES:
            table = RecordTable(kind)
            table.add_requested.connect(self.add_record)
            table.edit_requested.connect(self.edit_record)
            table.delete_requested.connect(self.confirm_delete)
            self.tables[kind] = table
            tables_layout.addWidget(table)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addLayout(question_row)
        content_layout.addWidget(self.unknown_box)
        content_layout.addWidget(self.verdict_box)
        content_layout.addWidget(self.status)
        content_layout.addWidget(self.problems)
        content_layout.addWidget(tables_widget, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        self.clear()

    # ---- context -----------------------------------------------------------------------------
    def set_context(
        self, store, adviser: str, today_provider: Callable[[], date] = date.today
    ) -> None:
        self._store, self._adviser, self._today = store, adviser, today_provider

    def today(self) -> date:
        return self._today()

    def history(self) -> History:
        return self._history

    def load(self, client_id: int) -> None:
        with self._store.session() as session:
            history = load_history(session, client_id)
        if client_id != self._client_id:
            self._clear_verdicts()  # never show one client's verdicts, even greyed, for another
        self._client_id = client_id
        self.status.clear()
        self._show(history)

    def reload_reader(self, client_id: int):
        """The read for a reload after another tab's write (run off the UI thread)."""
        return partial(_stored_history, client_id=client_id)

    def show_reloaded(self, client_id: int, history: History) -> None:
        """Show the history read again (the message under the tables stays)."""
        if client_id == self._client_id:
            self._show(history)

    def clear(self) -> None:
        self._client_id = None
        self._history = History()
        for table in self.tables.values():
            table.set_records(())
        self.route.setCurrentIndex(0)
        self.question_date.setDate(None)
        mark_invalid(self.question_date, None)
        self._clear_verdicts()
        self.problems.set_messages([])
        self.status.clear()

    def _show(self, history: History) -> None:
        self._history = history
        for kind, table in self.tables.items():
            table.set_records(getattr(history, COLLECTIONS[kind]))
        question = history.question
        self.route.setCurrentIndex(
            max(self.route.findData(question.route if question else None), 0)
        )
        self.question_date.setDate(question.application_date if question else None)
        mark_invalid(self.question_date, None)
        existing = [humanise(p, history) for p in validate_history(history, today=self.today())]
        self.problems.set_messages([f"Check this history: {m}" for m in existing])
        self.refresh_verdicts()

    # ---- verdicts ----------------------------------------------------------------------------
    def assessment_date(self) -> date:
        question = self._history.question
        if question and question.application_date:
            return question.application_date
        return self.today()

    def refresh_verdicts(self) -> None:
        """Ask for the verdicts again; they arrive a moment later (`verdicts_ready`).

        Until then the lines are greyed under "Working out…". Requests within VERDICT_DELAY_MS
        of each other make one job, and a result for an earlier request is dropped.
        """
        self._generation += 1
        self._verdicts = {}
        if self._client_id is None:
            self._verdict_timer.stop()
            return
        on = self.assessment_date()
        planned = self._history.question and self._history.question.application_date
        self.verdict_heading.setText(
            f"On {format_long(on)} ({'the intended application date' if planned else 'today'}):"
        )
        for label in self.verdict_labels.values():
            label.setEnabled(False)
        self.verdict_busy.show()
        self._verdict_timer.start()

    def is_working_out_verdicts(self) -> bool:
        return self.verdict_busy.isVisibleTo(self)

    def _start_verdicts(self) -> None:
        if self._client_id is None:
            return
        generation = self._generation
        history, on, today = self._history, self.assessment_date(), self.today()
        verdict_line = _verdict_function()
        if verdict_line is None:
            self._show_verdicts(generation, None)
            return
        # The work gets values only (no `self`): nothing of the tab is touched, kept alive or
        # freed on the pool thread.
        op = Operation(
            self,
            "Working out the verdicts",
            partial(_verdict_work, verdict_line, history, on, today),
            show_progress=False,
        )
        # The operation is a child of this tab: if the tab goes, so do these connections. They
        # hold the tab weakly: a lambda holding `self` would keep it alive from inside its own
        # child operation, and free it there when the operation goes.
        me = weakref.ref(self)
        failed = {code: FAILED for code in ROUTES}
        op.succeeded.connect(
            lambda verdicts: (tab := me()) and tab._show_verdicts(generation, verdicts)
        )
        op.failed.connect(lambda _exc: (tab := me()) and tab._show_verdicts(generation, failed))
        op.start()

    def _show_verdicts(self, generation: int, verdicts: dict[str, str] | None) -> None:
        """Show a result (None: no engine) if it is still for the history shown."""
        if generation != self._generation or self._client_id is None:
            self.verdicts_discarded.emit()
            return
        asked = self._history.question.route if self._history.question else None
        self.unavailable.setVisible(verdicts is None)
        self._verdicts = {}
        self._states = {}
        for code, label in self.verdict_labels.items():
            label.setEnabled(True)
            label.setVisible(verdicts is not None)
            if verdicts is None:
                self._verdicts[code] = UNAVAILABLE
                label.clear()
                label.setAccessibleName("")
                continue
            text = verdicts.get(code, FAILED)
            state = getattr(text, "state", "")
            self._verdicts[code] = str(text)
            self._states[code] = state
            line = str(text) if _names_route(text, code) else f"{ROUTES[code]}: {text}"
            label.setText(line_html(line, state, asked=code == asked))
            label.setAccessibleName(f"Attention: {line}" if state == ATTENTION else line)
        found = (getattr(v, "unknown_since", None) for v in (verdicts or {}).values())
        since = [day for day in found if day is not None]
        self._show_unknown(min(since) if since else None)
        self.verdict_busy.hide()
        self.verdicts_ready.emit()

    def _show_unknown(self, since: date | None) -> None:
        """The bar saying the record stops before today (None: hide it)."""
        self._unknown_since = since
        if since is None:
            self.unknown_label.clear()
            self.unknown_box.hide()
            return
        self.unknown_label.setText(
            f"⚠ Nothing is recorded after {format_long(since - timedelta(days=1))}: the "
            "client's status since is unknown (possible overstayer). Check it now, then record "
            "a new permission or a pending application, or that you checked and there is no "
            "permission."
        )
        self.unknown_box.show()

    def verdict_states(self) -> dict[str, str]:
        """Route code -> how its line is shown: "attention", "eligible" or "" (plain)."""
        return dict(self._states)

    def status_unknown_since(self) -> date | None:
        """The first day nothing is recorded for (the bar above the verdicts), or None."""
        return self._unknown_since

    def _clear_verdicts(self) -> None:
        """Forget the verdicts shown and any being worked out (a late result is dropped)."""
        self._generation += 1
        self._verdict_timer.stop()
        self._verdicts = {}
        self._states = {}
        self._show_unknown(None)
        for label in self.verdict_labels.values():
            label.clear()
            label.setAccessibleName("")
            label.setEnabled(True)
        self.verdict_heading.clear()
        self.verdict_busy.hide()
        self.unavailable.hide()

    def verdict_texts(self) -> dict[str, str]:
        """Route code -> the verdict sentence shown (or "Assessment unavailable").

        Empty while the verdicts are being worked out and when no client is shown.
        """
        return dict(self._verdicts)

    # ---- changes -----------------------------------------------------------------------------
    def _lookup_today(self) -> date:
        return self.today()

    def run_dialog(self, dialog: QDialog) -> bool:
        """Show a dialog modally; tests replace this to drive the dialog without a modal loop."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def add_record(self, kind: str, prefill: Any | None = None) -> None:
        """Add a record through its dialog; `prefill` fills it in first (the calendar's
        drag-to-add gives the dates of a trip)."""
        self._record_dialog(kind, None, prefill=prefill)

    def _record_dialog(
        self,
        kind: str,
        index: int | None,
        prefill: Any | None = None,
        typed: dict[str, Any] | None = None,
    ) -> None:
        """Add (index None) or edit a record through its dialog, then check and save it.

        What is typed is kept as a draft (kind "history_record") if the window locks, quits
        or meets an error while the dialog is open; `typed` puts such a draft back. The draft
        goes when the dialog is saved or cancelled."""
        if self._client_id is None:
            return
        client_id = self._client_id
        records = getattr(self._history, COLLECTIONS[kind])
        dialog = RecordDialog(
            kind,
            record=records[index] if index is not None else None,
            history=self._history,
            index=index,
            today=self.today(),
            parent=self,
        )
        dialog.draft_kind = HISTORY_RECORD
        dialog.draft_context = {
            "index": index,
            "original": describe(kind, records[index]) if index is not None else None,
        }
        if prefill is not None:
            dialog.set_record(prefill)
        if typed is not None:
            dialog.set_field_texts(typed)
        accepted = self.run_dialog(dialog)
        if closed_by_lock(dialog) or self._client_id != client_id:
            return  # locked meanwhile: what was typed is the kept draft
        if accepted:
            record = dialog.record()
            if record is not None and self.apply_record(kind, index, record):
                # Not saved (the store could not be written): what was typed is kept.
                if kept_drafts.keep_now(self._store, kept_drafts.from_dialog(dialog, client_id)):
                    self.status.setText(self.status.text() + KEPT_AFTER_FAILED_SAVE)
                    self.drafts_changed.emit()
                return
        self._forget_record_draft(client_id)
        self.tables[kind].table.setFocus()

    def _forget_record_draft(self, client_id: int) -> None:
        try:
            with self._store.session() as session:
                drafts.drop(session, client_id, HISTORY_RECORD)
        except Exception:  # noqa: BLE001 - a stale draft is offered again, never a crash
            return

    def restore_record_draft(self, payload: dict[str, Any]) -> bool:
        """Open the record dialog kept as a draft, with what was typed. False when the draft
        is not one this tab can open (it is then forgotten by the caller)."""
        kind = payload.get("record_kind")
        typed = payload.get("fields")
        if kind not in COLLECTIONS or not isinstance(typed, dict) or self._client_id is None:
            return False
        index = payload.get("index")
        records = getattr(self._history, COLLECTIONS[kind])
        if index is not None:
            still_there = (
                isinstance(index, int)
                and not isinstance(index, bool)
                and 0 <= index < len(records)
                and describe(kind, records[index]) == payload.get("original")
            )
            if not still_there:
                # The record it edited has changed or gone since: what was typed comes back
                # as a new record, so nothing else is overwritten.
                index = None
                self.status.setText(
                    f"The {NOUNS[kind]} being edited has changed since; what was typed opens "
                    "as a new one."
                )
        self._record_dialog(kind, index, typed=typed)
        return True

    def select_record(self, reference: str) -> bool:
        """Select the record named like the engine names it ("absences[3]", "permissions[0]")
        in its table and move the focus there. False when there is no such record."""
        match = re.fullmatch(r"([a-z_]+)\[(\d+)\]", reference or "")
        if match is None:
            return False
        kind = next((k for k, coll in COLLECTIONS.items() if coll == match.group(1)), None)
        index = int(match.group(2))
        if kind is None or kind not in self.tables:
            return False
        table = self.tables[kind].table
        if index >= table.rowCount():
            return False
        table.selectRow(index)
        table.scrollToItem(table.item(index, 0))
        table.setFocus()
        return True

    def edit_record(self, kind: str, index: int) -> None:
        self._record_dialog(kind, index)

    def confirm_delete(self, kind: str, index: int) -> None:
        records = getattr(self._history, COLLECTIONS[kind])
        what = describe(kind, records[index])
        if form_feedback.confirm(
            self, "Delete record?", f"Delete {what}? This cannot be undone.", yes="Delete"
        ):
            self.delete_record(kind, index)

    def apply_record(self, kind: str, index: int | None, record: Any) -> list[str]:
        """Check `record` (new when index is None) against the whole history and save it.

        Returns the problems found (nothing is saved then), or [] when saved.
        """
        coll = COLLECTIONS[kind]
        records = list(getattr(self._history, coll))
        if index is None:
            records.append(record)
            mine = len(records) - 1
        else:
            records[index] = record
            mine = index
        new = replace(self._history, **{coll: tuple(records)})
        problems = list(errors_for_record(new, kind, mine, self.today()).values())
        if problems:
            self.status.setText("Not saved: " + " ".join(problems))
            return problems
        verb = "added" if index is None else "changed"
        problems = self._save(new, f"Saved: {describe(kind, record)} {verb}.")
        if not problems:
            self.reveal_record(kind, mine)
        return problems

    def reveal_record(self, kind: str, index: int) -> None:
        """Select a record's row and scroll it into view, in its table and in the tab (a
        permission added at the end of a long table used to stay out of sight)."""
        table = self.tables[kind].table
        if not 0 <= index < table.rowCount():
            return
        table.selectRow(index)
        item = table.item(index, 0)
        table.scrollToItem(item)
        # The rows just changed and the tables may have grown: let the layouts place them
        # (the pending layout requests, now) before measuring where the row is.
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        rect = table.visualItemRect(item)
        centre = table.viewport().mapTo(self.scroll.widget(), rect.center())
        self.scroll.ensureVisible(centre.x(), centre.y(), 0, rect.height())

    def delete_record(self, kind: str, index: int) -> list[str]:
        coll = COLLECTIONS[kind]
        records = list(getattr(self._history, coll))
        gone = records.pop(index)
        new = replace(self._history, **{coll: tuple(records)})
        return self._save(new, f"Deleted {describe(kind, gone)}.")

    def check_no_permission(self) -> list[str]:
        """ "Checked: no permission…": after the adviser confirms, record a status check dated
        today (the History save path: one transaction, checked by the rules). Returns the
        problems (nothing saved then), or [] when saved or not confirmed."""
        if self._client_id is None:
            return []
        today = self.today()
        after = (
            f" after {format_long(self._unknown_since - timedelta(days=1))}"
            if self._unknown_since is not None
            else ""
        )
        if not form_feedback.confirm(
            self,
            CHECKED_NAME,
            f"Record that you checked the client's status today ({format_long(today)}) and "
            f"found no permission{after}? From then the time is shown as without permission "
            "(overstaying), not as a record that stops. You can delete the check under "
            "Status checks.",
            yes="Record the check",
        ):
            return []
        return self.record_status_check(StatusCheck(today, "no_permission"))

    def record_status_check(self, check: StatusCheck) -> list[str]:
        """Add `check` to the history and save it (nothing saved when the rules refuse it)."""
        if self._client_id is None:
            return []
        if check in self._history.status_checks:
            self.status.setText(f"Already recorded: {describe('status_check', check)}.")
            return []
        return self.apply_record("status_check", None, check)

    def save_question(self) -> list[str]:
        if self._client_id is None:
            return []
        route = self.route.currentData()
        if not self.question_date.is_valid():
            message = self.question_date.error() or "Application date is not a real date."
            mark_invalid(self.question_date, message)
            return [message]
        asked_on = self.question_date.date()
        if asked_on is not None and not date_in_range(asked_on):
            message = f"The application date {format_long(asked_on)} is {DATE_RANGE_TEXT}."
            mark_invalid(self.question_date, message)
            return [message]
        mark_invalid(self.question_date, None)
        question = Question(route, asked_on) if route else None
        if question == self._history.question:
            return []
        if route is None and self.question_date.date() is not None:
            self.status.setText("Choose a route to keep the application date with it.")
        return self._save(replace(self._history, question=question), "Saved the route asked about.")

    def _save(self, new: History, done: str) -> list[str]:
        """Save `new` and read back what is stored (the tables' order), in one transaction;
        the other tabs hear of it through the page (`history_saved`)."""
        try:
            with self._store.session() as session:
                save_history(session, self._client_id, new, self._adviser)
                session.flush()
                session.expire_all()  # read back as stored (records in the store's order)
                stored = load_history(session, self._client_id)
        except Exception as exc:  # noqa: BLE001 - show it; the old history stays as it was
            message = f"Not saved: the store could not be written ({type(exc).__name__}). Nothing was changed."
            self.status.setText(message)
            self._show(self._history)
            return [message]
        self._show(stored)
        self.status.setText(done)
        self.history_saved.emit()
        return []
