"""Plan a trip (what if): "if I travel from L to R, does it break a rule, by how much, and when
must I be back?"

The adviser types a departure and a return date (and, if they like, a reason). As they type,
the dialog checks the dates in place (a real date, return not before departure, a planned trip
starts after today and does not overlap a trip already recorded) and, 200 ms after the last
key, asks the engine (`desktop.assess.plan_trip_for`) on a pool thread; a result for dates no
longer in the fields is dropped. It then shows at once whether the trip breaks a rule, by how
many days, and the latest safe return date, which "Use latest safe return" puts in the return
field. OK ("Add planned trip") is enabled whenever the dates are valid, whether or not the
trip breaks a rule: the adviser may want it on the calendar to show the client. `absence()`
gives the new `Absence(..., planned=True)`; the caller saves it.

What is typed takes part in "nothing typed is lost" (desktop.ui.kept_drafts): `draft_payload()`
gives the three fields as typed (half-typed dates too), `restore_draft()` puts them back.
"""

from __future__ import annotations

import weakref
from dataclasses import replace
from datetime import date
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.rules.days import whole_days_outside
from desktop.rules.history import ROUTES, Absence, History
from desktop.rules.what_if import TripPlan
from desktop.status_style import GOOD_INK
from desktop.ui.kept_drafts import LABELS, PLAN_TRIP
from desktop.ui.operations import Operation
from desktop.ui.record_dialog import EARLIEST, errors_for_record
from desktop.ui.widgets.date_field import DateField
from desktop.ui.widgets.dates import format_long
from desktop.ui.widgets.form_feedback import FormErrors, mark_invalid
from desktop.ui.widgets.permission_timeline import uk_dates

#: How long after the last key the engine is asked.
DEBOUNCE_MS = 200

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_BREAKS_STYLE = "color: #8c1d18; font-weight: bold;"
_SAFE_STYLE = f"color: {GOOD_INK}; font-weight: bold;"
_NEUTRAL_STYLE = "font-weight: bold;"


def _plan_work(
    history: History, route: str, on: date, left: date, returned: date, today: date, _progress
) -> TripPlan:
    from desktop.assess import plan_trip_for

    return plan_trip_for(history, route, on, left, returned, today=today)


def _long_with_day(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {format_long(day)}"


class PlanTripDialog(QDialog):
    """Plan a trip for a client on `route` (application date `on`).

    `left` and `returned` prefill the dates (the calendar's drag-to-add). `plan_ready(object)`
    fires with each `TripPlan` shown; `absence()` is the trip to save once accepted.
    """

    plan_ready = Signal(object)

    def __init__(
        self,
        history: History,
        route: str,
        on: date,
        today: date,
        parent: QWidget | None = None,
        *,
        left: date | None = None,
        returned: date | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(parent)
        if route not in ROUTES:
            raise ValueError(f"unknown route {route!r}")
        self.history = history
        self.route = route
        self.on = on
        self._today = today
        self._plan: TripPlan | None = None
        self._generation = 0
        self._working = False
        self._touched: set[str] = set()
        self._errors: dict[str, str] = {}

        self.setWindowTitle("Plan a trip")
        self.setAccessibleName("Plan a trip")

        self.intro = QLabel(
            f"{ROUTES[route]}, application on {format_long(on)}. Type the dates of the trip: "
            "the result shows as you type."
        )
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("About this plan")

        self.left_field = DateField(required=True, label="Departure date")
        self.returned_field = DateField(required=True, label="Return date")
        self.reason_field = QLineEdit()
        self.reason_field.setAccessibleName("Reason")
        self.reason_field.setPlaceholderText("Optional, e.g. family wedding")
        self.reason_field.setMaxLength(200)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.labels: dict[str, QLabel] = {}
        for name, text, widget in (
            ("left", "&Leaving the UK", self.left_field),
            ("returned", "&Back in the UK", self.returned_field),
            ("reason", "Rea&son (optional)", self.reason_field),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            self.labels[name] = label
            form.addRow(label, widget)

        self.days_hint = QLabel()
        self.days_hint.setAccessibleName("Days outside the UK")
        self.errors = FormErrors(self)

        # The result.
        self.result_box = QFrame()
        self.result_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.result_box.setAccessibleName("Result")
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setAccessibleName("Does the trip break a rule")
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setTextFormat(Qt.TextFormat.PlainText)
        self.sentence.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sentence.setAccessibleName("What the trip does")
        self.safe_label = QLabel()
        self.safe_label.setWordWrap(True)
        self.safe_label.setAccessibleName("Latest safe return")
        self.use_safe_button = QPushButton("&Use latest safe return")
        self.use_safe_button.setAccessibleName("Use latest safe return")
        self.use_safe_button.setAutoDefault(False)
        self.use_safe_button.clicked.connect(self.use_latest_safe_return)
        self.use_safe_button.setEnabled(False)
        safe_row = QHBoxLayout()
        safe_row.addWidget(self.safe_label, 1)
        safe_row.addWidget(self.use_safe_button)
        self.busy = QLabel("Working out…")
        self.busy.setAccessibleName("Working out")
        self.busy.hide()
        headline_row = QHBoxLayout()
        headline_row.addWidget(self.headline, 1)
        headline_row.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignTop)
        box = QVBoxLayout(self.result_box)
        box.addLayout(headline_row)
        box.addWidget(self.sentence)
        box.addLayout(safe_row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Add planned trip")
        self.ok_button.setAccessibleName("Add planned trip")
        self.ok_button.setDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.days_hint)
        layout.addWidget(self.errors)
        layout.addWidget(self.result_box)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)
        # Room for a usual answer from the start, so the dialog does not jump as it changes;
        # a longer one makes it grow (`_fit`).
        self.sentence.setMinimumHeight(4 * self.fontMetrics().lineSpacing())

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._debounced)

        self.left_field.setDate(left)
        self.returned_field.setDate(returned)
        if reason:
            self.reason_field.setText(reason)
        # Bound methods, not lambdas holding `self`: the fields' connections must not keep the
        # dialog alive. A new date restarts the wait for the engine; any new text (an
        # unfinished date, or "01/03/2026" rewritten as "1 Mar 2026") is checked again only.
        for field in (self.left_field, self.returned_field):
            field.dateChanged.connect(self._typed)
            field.textChanged.connect(self._edited)
        self.left_field.editingFinished.connect(self._left_finished)
        self.returned_field.editingFinished.connect(self._returned_finished)
        if left is not None or returned is not None:
            self._touched = {"left", "returned"}
        self._refresh()
        if self._dates() is not None:
            self._timer.start()
        (
            self.returned_field if left is not None and returned is None else self.left_field
        ).setFocus()

    # ---- values ------------------------------------------------------------------------------
    def today(self) -> date:
        return self._today

    def _dates(self) -> tuple[date, date] | None:
        """The departure and return dates when both are valid (no problems)."""
        if self._errors:
            return None
        left, returned = self.left_field.date(), self.returned_field.date()
        if left is None or returned is None:
            return None
        return left, returned

    def absence(self) -> Absence | None:
        """The planned trip typed, or None while the dates are not valid."""
        dates = self._dates()
        if dates is None:
            return None
        reason = self.reason_field.text().strip() or None
        return Absence(dates[0], dates[1], reason, planned=True)

    def plan(self) -> TripPlan | None:
        """The engine's answer for the dates in the fields (None while it is being worked out
        or when the dates are not valid)."""
        plan, dates = self._plan, self._dates()
        if plan is None or dates is None or self.is_working():
            return None
        return plan if (plan.left, plan.returned) == dates else None

    def is_working(self) -> bool:
        return self._working or self._timer.isActive()

    def problems(self) -> dict[str, str]:
        return dict(self._errors)

    # ---- drafts (kept over a lock, a quit or an error: desktop.ui.kept_drafts) ----------------
    def field_texts(self) -> dict[str, str]:
        return {
            "left": self.left_field.text(),
            "returned": self.returned_field.text(),
            "reason": self.reason_field.text(),
        }

    def draft_payload(self) -> dict | None:
        """The fields as they stand, for a draft; None when all three are empty. Dates put in
        by a drag on the calendar count: they are kept too."""
        texts = self.field_texts()
        if not any(text.strip() for text in texts.values()):
            return None
        return {"fields": texts}

    def draft_label(self) -> str:
        return LABELS[PLAN_TRIP]

    def restore_draft(self, payload: object) -> bool:
        """Put back what `draft_payload` gave. False when it is not one this dialog wrote;
        a field of the wrong type is left out."""
        texts = payload.get("fields") if isinstance(payload, dict) else None
        if not isinstance(texts, dict):
            return False
        for name, field in (
            ("left", self.left_field),
            ("returned", self.returned_field),
            ("reason", self.reason_field),
        ):
            value = texts.get(name)
            if isinstance(value, str):
                field.setText(value[: field.maxLength()])
        self._touched |= {"left", "returned"}
        self._refresh()
        if self._dates() is not None:
            self._timer.start()
        return True

    # ---- checking ----------------------------------------------------------------------------
    def _check(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        for name, field in (("left", self.left_field), ("returned", self.returned_field)):
            if not field.is_valid():
                problems[name] = field.error() or f"{field.label} is not a real date."
            elif field.date() is not None and field.date() < EARLIEST:
                problems[name] = (
                    f"{field.label} ({format_long(field.date())}) is before 1900; check the year."
                )
        left, returned = self.left_field.date(), self.returned_field.date()
        today = self._today
        if left is not None and "left" not in problems and left <= today:
            problems["left"] = (
                f"A planned trip starts after today ({format_long(today)}); the departure date "
                f"is {format_long(left)}. Add a trip already taken from the History tab."
            )
        if (
            left is not None
            and returned is not None
            and returned < left
            and "returned" not in problems
        ):
            problems["returned"] = (
                f"Return date ({format_long(returned)}) is before the departure date "
                f"({format_long(left)})."
            )
        if not problems and left is not None and returned is not None:
            trial = replace(
                self.history,
                absences=(*self.history.absences, Absence(left, returned, planned=True)),
            )
            mine = len(trial.absences) - 1
            for name, message in errors_for_record(trial, "absence", mine, today).items():
                problems.setdefault(name if name in ("left", "returned") else "left", message)
        return problems

    def _alive(self) -> bool:
        # A field loses focus (editingFinished) while the dialog is being torn down.
        return isValid(self) and isValid(self.ok_button) and isValid(self.result_box)

    def _touch(self, name: str) -> None:
        if not self._alive():
            return
        self._touched.add(name)
        self._refresh()

    def _left_finished(self) -> None:
        self._touch("left")

    def _returned_finished(self) -> None:
        self._touch("returned")

    def _edited(self) -> None:
        if self._alive():
            self._refresh()

    def _typed(self) -> None:
        if not self._alive():
            return
        self._generation += 1  # any result on its way is for other dates
        self._working = False
        self._timer.start()
        self._refresh()

    def _debounced(self) -> None:
        # Once typing pauses, problems in what was typed are shown (not at every key).
        for name, field in (("left", self.left_field), ("returned", self.returned_field)):
            if not field.is_empty():
                self._touched.add(name)
        self._refresh()
        self._start_plan()

    def _refresh(self) -> None:
        self._errors = self._check()
        shown = {n: m for n, m in self._errors.items() if n in self._touched}
        mark_invalid(self.left_field, shown.get("left"))
        mark_invalid(self.returned_field, shown.get("returned"))
        self.errors.set_messages(list(shown.values()))
        dates = self._dates()
        self.ok_button.setEnabled(dates is not None)
        left, returned = self.left_field.date(), self.returned_field.date()
        if left and returned and returned >= left:
            n = whole_days_outside(left, returned)
            self.days_hint.setText(
                f"{n} whole day{'s' if n != 1 else ''} outside the UK (the travel days do not count)."
            )
        else:
            self.days_hint.setText("")
        self.days_hint.setVisible(bool(self.days_hint.text()))
        self._show_plan()

    # ---- the engine --------------------------------------------------------------------------
    def _start_plan(self) -> None:
        dates = self._dates()
        self._generation += 1
        if dates is None:
            self._working = False
            self._plan = None
            self._show_plan()
            return
        generation = self._generation
        self._working = True
        self._show_plan()
        # The work gets values only: nothing of the dialog is touched on the pool thread.
        op = Operation(
            self,
            "Checking the trip",
            partial(_plan_work, self.history, self.route, self.on, *dates, self._today),
            show_progress=False,
        )
        # Held weakly: a lambda holding `self` would keep the dialog alive from inside its own
        # child operation, and free it there when the operation goes.
        me = weakref.ref(self)

        def done(plan: TripPlan) -> None:
            dialog = me()
            if dialog is not None:
                dialog._plan_done(generation, plan)

        def failed(exc: object) -> None:
            dialog = me()
            if dialog is not None:
                dialog._plan_failed(generation, exc)

        op.succeeded.connect(done)
        op.failed.connect(failed)
        op.start()

    def _plan_done(self, generation: int, plan: TripPlan) -> None:
        if generation != self._generation:
            return
        self._working = False
        self._plan = plan
        self._show_plan()
        self.plan_ready.emit(plan)

    def _plan_failed(self, generation: int, exc: object) -> None:
        if generation != self._generation:
            return
        self._working = False
        self._plan = None
        self.busy.hide()
        self.result_box.setEnabled(True)
        # The message may hold client data: only its kind is shown.
        self._show_result(
            "The trip could not be checked.",
            _NEUTRAL_STYLE,
            f"The residence engine could not work out this trip ({type(exc).__name__}); "
            "check the dates in the history.",
            "",
        )

    def _show_result(self, headline: str, style: str, sentence: str, safe: str) -> None:
        self.headline.setText(headline)
        self.headline.setStyleSheet(style)
        self.headline.setAccessibleDescription(headline)
        self.sentence.setText(sentence)
        self.sentence.setAccessibleDescription(sentence)
        self.sentence.setVisible(bool(sentence))
        self.safe_label.setText(safe)
        self.safe_label.setAccessibleDescription(safe)
        self.safe_label.setVisible(bool(safe))
        plan = self._plan
        has_safe = plan is not None and plan.latest_safe_return is not None
        self.use_safe_button.setVisible(has_safe)
        self.use_safe_button.setEnabled(
            has_safe
            and not self.is_working()
            and plan.latest_safe_return != self.returned_field.date()  # type: ignore[union-attr]
        )
        self._fit()

    def _fit(self) -> None:
        """Grow (never shrink) to show the whole answer: word-wrapped labels do not make a
        dialog taller on their own."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        wanted = layout.heightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        wanted = max(wanted, layout.minimumSize().height())
        if wanted > self.height():
            self.resize(self.width(), wanted)

    def _show_plan(self) -> None:
        """The last answer (greyed, under "Working out…", while a newer one is on its way)."""
        plan = self._plan
        working = self.is_working() and self._dates() is not None
        self.busy.setVisible(working)
        if self._dates() is None:
            self._plan = None
            self.result_box.setEnabled(True)
            if self._errors and self._touched & set(self._errors):
                text = "Fix the dates above to see what the trip does."
            else:
                text = "Type the departure and return dates to see what the trip does."
            self._show_result(text, _NEUTRAL_STYLE, "", "")
            return
        self.result_box.setEnabled(not working)
        if plan is None:
            self._show_result("", _NEUTRAL_STYLE, "", "")
            return
        self._show_result(
            self.headline_text(plan),
            self._style(plan),
            uk_dates(plan.sentence, long=True),
            self.safe_text(plan),
        )

    @staticmethod
    def _style(plan: TripPlan) -> str:
        if plan.breaks:
            return _BREAKS_STYLE
        return _SAFE_STYLE if not plan.risks else _NEUTRAL_STYLE

    def headline_text(self, plan: TripPlan) -> str:
        if plan.breaks:
            days = f"{plan.over_by} day{'s' if plan.over_by != 1 else ''}"
            return f"Breaks {plan.rule}: {days} over the limit."
        if plan.latest_safe_return is None and not plan.breaches:
            if plan.risks:
                return "No fixed absence limit on this route, but there is a risk (below)."
            return "No fixed absence limit on this route."
        return "Within the absence rules."

    def safe_text(self, plan: TripPlan) -> str:
        if plan.latest_safe_return is not None:
            return f"Latest safe return: {_long_with_day(plan.latest_safe_return)}."
        if plan.breaks:
            return "No safe return date: even coming back the next day breaks the rule."
        return ""

    def use_latest_safe_return(self) -> None:
        plan = self._plan
        if plan is None or plan.latest_safe_return is None:
            return
        self.returned_field.setDate(plan.latest_safe_return)
        self.returned_field.setFocus()

    # ---- closing -----------------------------------------------------------------------------
    def accept(self) -> None:
        self._touched = {"left", "returned"}
        self._refresh()
        if self._errors or self._dates() is None:
            field = self.left_field if "left" in self._errors else self.returned_field
            field.setFocus()
            return
        super().accept()

    def done(self, result: int) -> None:
        self._timer.stop()
        self._generation += 1  # a late answer is dropped
        super().done(result)
