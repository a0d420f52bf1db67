"""The Residence tab: the client's history seen at a glance, for one route.

From top to bottom: the route and application date with the verdict line and the buttons
(Plan a trip…, Save PDF…, Print…); the calendar (a year planner, every day coloured by status,
with its legend); the timeline of permissions, applications, appeals and custody; and the chart
of days outside the UK in the 12 months ending on each day.

The day-by-day timeline is worked out off the UI thread (`Operation`, no progress dialog: it
takes milliseconds) from the history as stored. Every load bumps a generation number, and a
result is only shown if it is still the current one, so a late result never appears for
another client or after the app has locked.

Clicking a day or a bar asks the client page to show that record in the History tab
(`record_activated`); dragging across days asks it to add a trip with those dates
(`add_trip_requested`); a planned trip from the Plan a trip dialog is saved through the History
tab's own checks (`apply_record`), so nothing here writes the client's records itself.

What is typed into Plan a trip is never lost: if the window locks, quits or meets an unexpected
error while it is open, it is kept as the client's encrypted draft (desktop.ui.kept_drafts,
kind "plan_trip", with the route shown) and offered back on the client's page
(`restore_plan_draft`). The draft goes when the trip is saved or the dialog cancelled; a save
that fails keeps what was typed as the draft (`drafts_changed`).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.assess import load_figures, timeline_for
from desktop.rules.history import ROUTES, Absence, History
from desktop.rules.residence import verdict_line
from desktop.store.repository import get_client, load_history
from desktop.ui import kept_drafts
from desktop.ui.client_tab import DETAILS, HISTORY
from desktop.ui.kept_drafts import PLAN_TRIP, closed_by_lock
from desktop.ui.operations import Operation
from desktop.ui.widgets.dates import format_long, written
from desktop.ui.widgets.grip_splitter import GripSplitter
from desktop.ui.widgets.permission_timeline import PermissionTimeline
from desktop.ui.widgets.residence_calendar import ResidenceCalendar
from desktop.ui.widgets.rolling_chart import ONE_PANEL_MIN_H, RollingAbsenceChart
from desktop.ui.widgets.travel_panel import TravelPanel
from desktop.ui.widgets.verdict_look import ATTENTION, ATTENTION_MARK, label_style, verdict_state

WORKING = "Working out…"
SPLITTER_NAME = "Drag to share the height between the calendar and the timeline and chart"
CALENDAR_MIN_H = 240
KEPT_AFTER_FAILED_SAVE = " What was typed is kept as a draft: Restore it above."
DEFAULT_ROUTE = "long_residence"


def _timeline_work(history: History, route: str, on: date, today: date, _progress):
    """On a pool thread: values in, values out (no widget, no store)."""
    timeline = timeline_for(history, route, on, today=today)
    return timeline, verdict_line(timeline.assessment)


def _report_bytes(history, timeline, client_name, reference, adviser, made_on) -> bytes:
    """On a pool thread: the printed residence report."""
    from desktop.printing.residence_report import build_residence_report

    return build_residence_report(
        history,
        timeline,
        client_name=client_name,
        reference=reference,
        adviser=adviser,
        made_on=made_on,
        today=made_on,
    )


def _residence_read(session, client_id: int) -> tuple:
    """What the tab shows of a client, as plain values (on any thread)."""
    history = load_history(session, client_id)
    client = get_client(session, client_id)
    return history, client.full_name, client.home_office_ref


class _MessageLine(QLabel):
    """The tab's message line: hidden while it says nothing, so the calendar has the room."""

    def __init__(self) -> None:
        super().__init__()
        self.setVisible(False)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        super().clear()
        self.setVisible(False)


class ResidenceTab(QWidget):
    # The client-tab contract (desktop.ui.client_tab): its records are saved through the
    # History tab, which announces them.
    tab_title = "Residence"
    reacts_to = frozenset({DETAILS, HISTORY})
    writes: dict[str, frozenset[str]] = {}

    #: "absences[3]", "permissions[0]"...: show it in the History tab.
    record_activated = Signal(str)
    #: An Absence with the dragged dates, to add through the History tab's trip dialog.
    add_trip_requested = Signal(object)
    #: The calendar, timeline and chart now show the current history.
    timeline_ready = Signal()
    #: A draft was kept by the tab itself (a save that failed): the page offers it again.
    drafts_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = None
        self._adviser = ""
        self._today: Callable[[], date] = date.today
        self._apply_record: Callable[[str, int | None, Any], list[str]] | None = None
        self._client_id: int | None = None
        self._history = History()
        self._client_name = ""
        self._reference = ""
        self._timeline = None
        self._generation = 0
        #: The route asked about (History tab) when the client was last loaded.
        self._asked_route: str | None = None

        self.route = QComboBox()
        self.route.setAccessibleName("Route shown")
        for code, label in ROUTES.items():
            self.route.addItem(label, code)
        route_label = QLabel("&Route")
        route_label.setBuddy(self.route)
        self.route.currentIndexChanged.connect(lambda _i: self.refresh())
        self.on_label = QLabel()
        self.on_label.setAccessibleName("Application date")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict.setAccessibleName("Verdict")
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        self.busy = QLabel(WORKING)
        self.busy.setAccessibleName("The calendar is being worked out")
        self.busy.setStyleSheet("color: palette(mid); font-style: italic;")
        self.busy.hide()
        self.status = _MessageLine()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Residence tab messages")

        self.plan_button = QPushButton("&Plan a trip…")
        self.plan_button.setAccessibleName("Plan a trip")
        self.plan_button.setToolTip("What if the client travels? (Ctrl+T)")
        self.plan_button.clicked.connect(self.plan_trip)
        self.save_button = QPushButton("Save P&DF…")
        self.save_button.setAccessibleName("Save the residence report as PDF")
        self.save_button.setToolTip("Save the residence report for the client's file")
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button = QPushButton("Pr&int…")
        self.print_button.setAccessibleName("Print the residence report")
        self.print_button.setToolTip("Print the residence report (Ctrl+P)")
        self.print_button.clicked.connect(self.print_report)
        for keys, slot in (("Ctrl+T", self.plan_trip), ("Ctrl+P", self.print_report)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        self.calendar = ResidenceCalendar()
        self.calendar.setAccessibleName("Residence calendar")
        self.calendar.record_activated.connect(self.record_activated)
        self.calendar.range_dragged.connect(self._dragged)
        self.timeline_view = PermissionTimeline()
        self.timeline_view.setAccessibleName("Timeline of permissions and applications")
        self.timeline_view.record_activated.connect(self.record_activated)
        self.chart = RollingAbsenceChart()
        self.chart.setAccessibleName("Days outside the UK in the last 12 months")

        top = QHBoxLayout()
        top.addWidget(route_label)
        top.addWidget(self.route, 1)
        top.addWidget(self.on_label)
        top.addSpacing(12)
        top.addWidget(self.plan_button)
        top.addWidget(self.save_button)
        top.addWidget(self.print_button)
        verdict_row = QHBoxLayout()
        verdict_row.addWidget(self.verdict, 1)
        verdict_row.addWidget(self.busy)

        # The timeline and the chart share the lower pane as two tabs, so the calendar keeps
        # its room on a laptop screen; the splitter between them moves.
        self.views = QTabWidget()
        self.views.setAccessibleName("Timeline and chart")
        # "Can I travel?": the question clients ask most (days outside in the 12 months ending
        # today, days left, when each trip stops counting).
        self.travel = TravelPanel()
        for view, title in (
            (self.timeline_view, "Time&line"),
            (self.chart, "12-month &chart"),
            (self.travel, "Ca&n I travel?"),
        ):
            holder = QScrollArea()  # so the pane can be smaller than the view on a small screen
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            holder.setWidget(view)
            self.views.addTab(holder, title)
        self.views.setTabToolTip(0, "Permissions, applications, appeals and custody in sequence")
        self.views.setTabToolTip(1, "Days outside the UK in the 12 months ending on each day")
        self.views.setTabToolTip(
            2,
            "Days outside in the 12 months ending today, days left, and when each trip stops counting",
        )
        # A handle that can be seen (a band with a grip); the first share gives the calendar
        # a whole year and the lower pane room for the whole chart (`share_height`), until
        # the adviser drags it.
        self.splitter = GripSplitter(Qt.Orientation.Vertical, SPLITTER_NAME)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.calendar)
        self.splitter.addWidget(self.views)
        self.calendar.setMinimumHeight(CALENDAR_MIN_H)
        self.views.setMinimumHeight(self._lower_pane_minimum())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._split_dragged = False
        self.splitter.splitterMoved.connect(self._split_moved)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(verdict_row)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)
        self._set_actions_enabled(False)

    # ---- the calendar's and the lower pane's shares ---------------------------------------------
    def _lower_pane_minimum(self) -> int:
        """The timeline and chart pane's least height: its tab bar and the whole chart."""
        return self.views.tabBar().sizeHint().height() + ONE_PANEL_MIN_H + 6

    def _split_moved(self, _pos: int, _index: int) -> None:
        self._split_dragged = True  # the adviser's share stays from now on

    def share_height(self) -> None:
        """The calendar gets one whole year (12 month rows, zoom bar and legend) when the
        lower pane keeps room for the whole chart; otherwise the lower pane keeps that room
        and the calendar the rest (it scrolls). Left alone once the adviser drags."""
        if self._split_dragged:
            return
        total = self.splitter.height() - self.splitter.handleWidth()
        if total <= 0:
            return
        lower = self._lower_pane_minimum()
        calendar = min(self.calendar.one_year_height(self.splitter.width()), total - lower)
        calendar = max(calendar, CALENDAR_MIN_H)
        self.splitter.setSizes([calendar, max(lower, total - calendar)])

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        super().resizeEvent(event)
        self.share_height()

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        super().showEvent(event)
        self.share_height()

    # ---- context -------------------------------------------------------------------------------
    def set_context(
        self,
        store,
        adviser: str,
        today_provider: Callable[[], date] = date.today,
        apply_record: Callable[[str, int | None, Any], list[str]] | None = None,
    ) -> None:
        self._store, self._adviser, self._today = store, adviser, today_provider
        self._apply_record = apply_record

    def today(self) -> date:
        return self._today()

    def load(self, client_id: int) -> None:
        """Read the client's history and show it (the timeline arrives a moment later)."""
        with self._store.read_session() as session:
            found = _residence_read(session, client_id)
        self._show_client(client_id, found)

    def reload_reader(self, client_id: int):
        """The read for a reload after another tab's write (run off the UI thread)."""
        return partial(_residence_read, client_id=client_id)

    def show_reloaded(self, client_id: int, found: tuple) -> None:
        """Show the client read again; a message shown (a trip saved) stays."""
        if client_id == self._client_id:
            self._show_client(client_id, found, keep_message=True)

    def _show_client(self, client_id: int, found: tuple, keep_message: bool = False) -> None:
        history, name, ref = found
        other_client = client_id != self._client_id
        if other_client:
            self._show_nothing()
        self._client_id = client_id
        self._history = history
        self._client_name = name
        self._reference = (
            f"Home Office ref {ref} · Client {client_id}" if ref else f"Client {client_id}"
        )
        asked = history.question.route if history.question else None
        # The same client again (a trip planned or a record saved): the route the adviser
        # is looking at stays; it follows the route asked about only for another client or
        # when that route itself was changed (it used to jump back after every save).
        if other_client or asked != self._asked_route:
            index = self.route.findData(asked or DEFAULT_ROUTE)
            self.route.blockSignals(True)
            self.route.setCurrentIndex(max(0, index))
            self.route.blockSignals(False)
        self._asked_route = asked
        if not keep_message:
            self.status.clear()
        self.refresh()

    def clear(self) -> None:
        """Show nothing of any client (lock, client closed)."""
        self._generation += 1
        self._client_id = None
        self._asked_route = None
        self._history = History()
        self._client_name = self._reference = ""
        self._show_nothing()
        self.status.clear()

    def _show_nothing(self) -> None:
        self._timeline = None
        self.calendar.clear()
        self.timeline_view.clear()
        self.chart.clear()
        self.travel.clear()
        self.verdict.clear()
        self.verdict.setStyleSheet("")
        self.verdict.setProperty("verdictState", None)
        self.verdict.setAccessibleDescription("")
        self.on_label.clear()
        self.busy.hide()
        self._set_actions_enabled(False)

    def _set_actions_enabled(self, enabled: bool) -> None:
        for button in (self.plan_button, self.save_button, self.print_button):
            button.setEnabled(enabled)

    # ---- the timeline --------------------------------------------------------------------------
    def route_code(self) -> str:
        return self.route.currentData() or DEFAULT_ROUTE

    def application_date(self) -> date:
        question = self._history.question
        if question and question.application_date:
            return question.application_date
        return self.today()

    def timeline(self):
        return self._timeline

    def is_working(self) -> bool:
        return self.busy.isVisibleTo(self)

    def refresh(self) -> None:
        if self._client_id is None:
            return
        self._generation += 1
        generation = self._generation
        route, on, today = self.route_code(), self.application_date(), self.today()
        self.on_label.setText(f"on {format_long(on)}")
        self.busy.show()
        op = Operation(
            self,
            "Working out the calendar",
            partial(_timeline_work, self._history, route, on, today),
            show_progress=False,
        )
        # Held weakly: a lambda holding `self` would keep the tab alive from inside its own
        # child operation, and free it there when the operation goes.
        me = weakref.ref(self)
        op.succeeded.connect(lambda result, g=generation: (tab := me()) and tab._show(g, result))
        op.failed.connect(lambda exc, g=generation: (tab := me()) and tab._failed(g, exc))
        op.start()

    def _show(self, generation: int, result) -> None:
        if generation != self._generation or self._client_id is None:
            return  # a late result for an earlier history, client or session
        timeline, line = result
        line = written(line)
        # A verdict resting on an unrecorded assumption is an attention line, never "eligible"
        # in green: its look comes from the assessment (desktop.ui.widgets.verdict_look).
        state = verdict_state(timeline.assessment)
        self._timeline = timeline
        today = self.today()
        self.busy.hide()
        self.verdict.setText(f"{ATTENTION_MARK} {line}" if state == ATTENTION else line)
        self.verdict.setStyleSheet(label_style(state))
        self.verdict.setProperty("verdictState", state)
        self.verdict.setAccessibleDescription(f"Attention: {line}" if state == ATTENTION else line)
        self.calendar.set_timeline(timeline, today)
        self.timeline_view.set_data(self._history, timeline, today)
        self.chart.set_data(
            self._history,
            timeline,
            today=today,
            route=timeline.route,
            on=timeline.application_date,
            figures=load_figures(),
        )
        self.travel.show_for(self._history, timeline.route, today)
        self._set_actions_enabled(True)
        self.timeline_ready.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.busy.hide()
        # The type only: a message could hold client details.
        self.status.setText(f"The calendar could not be worked out ({type(exc).__name__}).")

    # ---- actions -------------------------------------------------------------------------------
    def run_dialog(self, dialog: QDialog) -> bool:
        """Show a dialog modally; tests replace this to drive it without a modal loop."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def plan_trip(
        self,
        left: date | None = None,
        returned: date | None = None,
        *,
        typed: dict | None = None,
    ) -> list[str]:
        """The Plan a trip dialog; an accepted trip is saved as planned. Returns problems.
        What is typed is kept as a draft if the window locks meanwhile; `typed` (a kept
        draft) puts it back."""
        from desktop.ui.plan_trip_dialog import PlanTripDialog

        if self._client_id is None or self._apply_record is None:
            return []
        client_id = self._client_id
        dialog = PlanTripDialog(
            self._history,
            self.route_code(),
            self.application_date(),
            self.today(),
            self,
            left=left if isinstance(left, date) else None,
            returned=returned if isinstance(returned, date) else None,
        )
        dialog.draft_kind = PLAN_TRIP
        dialog.draft_context = {"route": self.route_code()}
        if typed is not None:
            dialog.restore_draft(typed)
        accepted = self.run_dialog(dialog)
        if closed_by_lock(dialog) or self._client_id != client_id:
            return []  # locked meanwhile: what was typed is the kept draft
        absence = dialog.absence() if accepted else None
        if absence is None:
            kept_drafts.forget(self._store, client_id, PLAN_TRIP)  # cancelled
            return []
        problems = self._apply_record("absence", None, absence)
        if not problems:
            kept_drafts.forget(self._store, client_id, PLAN_TRIP)
            self.status.setText("Saved the planned trip.")
            return problems
        message = "Not saved: " + problems[0]
        if kept_drafts.keep_now(self._store, kept_drafts.from_dialog(dialog, client_id)):
            message += KEPT_AFTER_FAILED_SAVE
            self.drafts_changed.emit()
        self.status.setText(message)
        return problems

    def restore_plan_draft(self, payload: dict) -> bool:
        """Open Plan a trip kept as a draft, on the route it was for, with what was typed.
        False when it cannot be opened (no client, or not a draft this tab wrote)."""
        fields = payload.get("fields") if isinstance(payload, dict) else None
        if not isinstance(fields, dict) or self._client_id is None or self._apply_record is None:
            return False
        route = payload.get("route")
        index = self.route.findData(route) if isinstance(route, str) else -1
        if index >= 0 and index != self.route.currentIndex():
            self.route.setCurrentIndex(index)  # the plan's answer depends on the route
        self.plan_trip(typed=payload)
        return True

    def _dragged(self, first: date, last: date) -> None:
        """Drag from the day of leaving to the day of coming back. Trips still to come are
        planned: they open the Plan a trip dialog, which says at once what they would do."""
        if self._client_id is None:
            return
        if first > self.today():
            self.plan_trip(first, last)
        else:
            self.add_trip_requested.emit(Absence(first, last))

    def _report_factory(self):
        return partial(
            _report_bytes,
            self._history,
            self._timeline,
            self._client_name,
            self._reference,
            self._adviser,
            self.today(),
        )

    def save_pdf(self) -> None:
        from desktop.ui.print_report import save_report_pdf, suggested_report_name

        if self._timeline is None:
            return
        save_report_pdf(
            self,
            self._report_factory(),
            suggested_report_name(self._client_id, self.today()),
        )

    def print_report(self) -> None:
        from desktop.ui.print_report import print_report

        if self._timeline is None:
            return
        print_report(self, self._report_factory())
