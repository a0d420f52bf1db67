"""One dialog for adding or editing any history record or a household member.

Each record type is a list of field specs; the dialog builds the form from them. As it is
typed, the dialog checks only what the rules cannot see (text that is not a date, a needed field
left empty, a household member's details); everything else about a history record (order of
dates, dates that cannot be in the future, a missing end date, overlaps with the rest of the
history) is what `validate_history` reports on the history as it would be after saving, shown
next to the field, not after saving. The dialog has no copy of those checks.

The rules' problems are read as data (`HistoryError.code`, `collection`, `index`, `field`,
`dates`, `other`), never by matching their text: the record they concern, the field to mark,
and for an overlap the other record. The sentence shown is the rules' own, without the JSON
path, its dates written the UK way (`problem_sentence`). An application's remedy (appeal or
administrative review), the review's dates and outcome, detention when the decision was made
and a late appeal the Tribunal admitted are checked by the rules alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.datetext import long_date
from desktop.rules.dated import render
from desktop.rules.days import whole_days_outside
from desktop.rules.history import (
    APPEAL_OUTCOMES,
    APPLICATION_KINDS,
    APPLICATION_OUTCOMES,
    FEE_WAIVER_OUTCOMES,
    INDEFINITE_CATEGORIES,
    PERMISSION_CATEGORIES,
    REMEDIES,
    REVIEW_OUTCOMES,
    STATUS_CHECK_OUTCOMES,
    Absence,
    Application,
    Custody,
    History,
    HistoryError,
    Permission,
    StatusCheck,
    validate_history,
)
from desktop.rules.timeline import permission_words
from desktop.store.repository import HouseholdEntry
from desktop.ui.widgets.date_field import DateField
from desktop.ui.widgets.dates import format_long
from desktop.ui.widgets.form_feedback import FormErrors, mark_invalid

NRPF = "no_recourse_to_public_funds"
EARLIEST = date(1900, 1, 1)

#: Record kind -> the History attribute holding those records.
COLLECTIONS = {
    "permission": "permissions",
    "application": "applications",
    "absence": "absences",
    "custody": "custody",
    "status_check": "status_checks",
}
#: JSON field names used by validate_history -> dataclass attribute names.
_JSON_TO_ATTR = {"from": "start", "to": "end"}

RELATIONSHIPS = (
    "Spouse",
    "Civil partner",
    "Unmarried partner",
    "Child",
    "Stepchild",
    "Parent",
    "Brother or sister",
    "Other relative",
    "Other",
)


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the record's attribute (or a pseudo-field such as "nrpf")
    label: str  # form label, with its & mnemonic
    kind: str  # date | choice | optional_choice | tristate | bool | text | relationship | client_id | section
    title: str = ""  # the name used in sentences; defaults to the label without "&"
    choices: dict[str, str] | None = None
    required: bool = False
    #: Cannot be after today: household fields only (a history record's dates are the
    #: rules' to check: validate_history with today).
    past_only: bool = False
    none_label: str = "Not known"

    @property
    def plain(self) -> str:
        return self.title or self.label.replace("&", "")


SPECS: dict[str, tuple[FieldSpec, ...]] = {
    "permission": (
        FieldSpec("category", "&Category", "choice", choices=PERMISSION_CATEGORIES, required=True),
        FieldSpec("start", "&From (first day)", "date", "Start date", required=True),
        FieldSpec("end", "&To (last day)", "date", "End date"),
        FieldSpec("granted_on", "Date &granted", "date", "Date granted"),
        # Granted from abroad (entry clearance): the day they came to the UK. The days from
        # the start to the day before count as days outside the UK (rules/history.entry_waits).
        FieldSpec(
            "entered_on",
            "&Entered the UK on (if granted from abroad)",
            "date",
            "Entry date",
        ),
        FieldSpec("nrpf", "&No recourse to public funds (NRPF)", "bool"),
        FieldSpec("other_conditions", "&Other conditions", "text", "Other conditions"),
    ),
    "application": (
        FieldSpec(
            "kind",
            "&Kind",
            "choice",
            "Kind of application",
            choices=APPLICATION_KINDS,
            required=True,
        ),
        FieldSpec("made", "Date &made", "date", "Date made"),
        FieldSpec("decided", "Date &decided", "date", "Decision date"),
        FieldSpec(
            "outcome",
            "&Outcome",
            "optional_choice",
            choices=APPLICATION_OUTCOMES,
            none_label="Not decided or not known",
        ),
        FieldSpec(
            "late_reason_accepted", "&Late reason accepted", "tristate", "Late reason accepted"
        ),
        FieldSpec("fee_waiver_section", "Fee waiver", "section"),
        FieldSpec(
            "fee_waiver_requested",
            "Fee waiver &requested",
            "date",
            "Fee waiver request date",
        ),
        FieldSpec(
            "fee_waiver_decided",
            "Fee &waiver decided",
            "date",
            "Fee waiver decision date",
        ),
        FieldSpec(
            "fee_waiver_outcome",
            "Fee waiver o&utcome",
            "optional_choice",
            choices=FEE_WAIVER_OUTCOMES,
            none_label="Not decided or not known",
        ),
        FieldSpec("remedy_section", "Appeal or administrative review", "section"),
        # What the refusal letter offers: the deadline and section 3C follow it. Checked by
        # the rules only (validate_history): refused applications, no clash with what was
        # lodged.
        FieldSpec(
            "remedy",
            "Remed&y the letter gives",
            "optional_choice",
            "Remedy",
            choices=REMEDIES,
            none_label="Not recorded",
        ),
        FieldSpec(
            "detained", "Detai&ned when decided", "tristate", "Detained when the decision was made"
        ),
        # The deadline may still be to come (the rules check the other dates are not after
        # today). Refused applications only (checked by validate_history); the engine reads it
        # for section 3C leave after a refusal.
        FieldSpec(
            "appeal_by",
            "Appeal deadline &given in the letter (if later than the usual time limit)",
            "date",
            "Appeal deadline",
        ),
        FieldSpec("appeal_lodged", "&Appeal lodged", "date", "Appeal date"),
        FieldSpec("appeal_decided", "Appeal d&ecided", "date", "Appeal decision date"),
        FieldSpec(
            "appeal_outcome",
            "Appeal out&come",
            "optional_choice",
            choices=APPEAL_OUTCOMES,
            none_label="Not decided or not known",
        ),
        FieldSpec(
            "appeal_time_extended",
            "Late appeal admitted (&time extended)",
            "tristate",
            "Late appeal admitted",
        ),
        FieldSpec(
            "review_lodged",
            "Administrative re&view asked for",
            "date",
            "Administrative review date",
        ),
        FieldSpec(
            "review_decided",
            "Review dec&ided",
            "date",
            "Review decision date",
        ),
        FieldSpec(
            "review_outcome",
            "Review outcome",
            "optional_choice",
            choices=REVIEW_OUTCOMES,
            none_label="Not decided or not known",
        ),
    ),
    "absence": (
        FieldSpec("left", "&Left the UK", "date", "Departure date", required=True),
        FieldSpec("returned", "&Returned to the UK", "date", "Return date", required=True),
        FieldSpec("reason", "Rea&son", "text", "Reason"),
        FieldSpec("exceptional", "&Exceptional (serious or compelling reason)", "bool"),
        FieldSpec("planned", "&Planned (a future trip)", "bool"),
    ),
    "custody": (
        FieldSpec("start", "&From", "date", "Start date", required=True),
        FieldSpec("end", "&To (release)", "date", "Release date", required=True),
    ),
    # The adviser checked the client's status (the rules refuse a date after today).
    "status_check": (
        FieldSpec("on", "Checked &on", "date", "Date checked", required=True),
        FieldSpec(
            "outcome",
            "&Found",
            "choice",
            "What was found",
            choices=STATUS_CHECK_OUTCOMES,
            required=True,
        ),
    ),
    "household": (
        FieldSpec("name", "&Name", "text", "Name", required=True),
        FieldSpec(
            "relationship_to_client", "&Relationship to client", "relationship", "Relationship"
        ),
        FieldSpec("date_of_birth", "Date of &birth", "date", "Date of birth", past_only=True),
        FieldSpec(
            "member_client_id", "&Also a client (client number)", "client_id", "Client number"
        ),
    ),
}

TITLES = {
    "permission": "permission",
    "application": "application",
    "absence": "trip abroad",
    "custody": "custody period",
    "status_check": "status check",
    "household": "household member",
}


def describe(kind: str, record: Any) -> str:
    """A short phrase naming a record, for sentences: "the trip 10 January 2020 to 1 February 2020"."""
    if kind == "permission":
        until = f"to {format_long(record.end)}" if record.end else "with no end date"
        return f"{permission_words(record.category)} (from {format_long(record.start)} {until})"
    if kind == "absence":
        return f"the trip {format_long(record.left)} to {format_long(record.returned)}"
    if kind == "custody":
        return f"the custody period {format_long(record.start)} to {format_long(record.end)}"
    if kind == "application":
        return APPLICATION_KINDS.get(record.kind, record.kind).lower()
    if kind == "status_check":
        found = STATUS_CHECK_OUTCOMES.get(record.outcome, record.outcome).split(": ", 1)[-1]
        return f"the status check of {format_long(record.on)} ({found})"
    return str(record)


def _kind_of(collection: str | None) -> str | None:
    return next((k for k, c in COLLECTIONS.items() if c == collection), None)


def problem_sentence(problem: HistoryError) -> str:
    """The rules' own sentence for a problem, for a person: without the JSON path it starts
    with (the record and field are known from the problem's data), its dates in UK words."""
    where = ".".join(part for part in (problem.record, problem.field) if part)
    text = problem.message
    if where and text.startswith(where + ": "):
        text = text[len(where) + 2 :]
    text = render(text, long_date)
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def record_name(history: History, collection: str | None, index: int | None) -> str | None:
    """The record a problem is about, as a phrase ("the trip 10 January 2020 to ..."), or None
    when it is not a record of the history (the file, the question) or no longer there."""
    kind = _kind_of(collection)
    if kind is None or index is None:
        return None
    records = getattr(history, COLLECTIONS[kind])
    return describe(kind, records[index]) if 0 <= index < len(records) else None


def humanise(problem: HistoryError, history: History) -> str:
    """A problem with the whole history as a sentence naming the record it is about."""
    if problem.code == "overlap" and problem.other is not None:
        kind = _kind_of(problem.collection)
        mine, other = problem.index, problem.other[1]
        if kind is not None and mine is not None:
            return _overlap_message(kind, history, mine, other, on_mine=True)
    text = problem_sentence(problem)
    name = record_name(history, problem.collection, problem.index)
    if name is None and problem.collection == "status_checks":
        name = "the status check"
    return f"{name[:1].upper()}{name[1:]}: {text[:1].lower()}{text[1:]}" if name else text


class RecordDialog(QDialog):
    """Add or edit one record.

    kind: permission | application | absence | custody | household.
    history/index: the client's history and the index of the record being edited (None = new);
    used for the cross-record checks. `record()` gives the value once accepted.
    `lookup_client(id) -> name | None` checks a household member's client number.
    """

    def __init__(
        self,
        kind: str,
        *,
        record: Any | None = None,
        history: History | None = None,
        index: int | None = None,
        today: date | None = None,
        lookup_client: Callable[[int], str | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if kind not in SPECS:
            raise ValueError(f"unknown record kind {kind!r}")
        self.kind = kind
        self.specs = SPECS[kind]
        self.history = history or History()
        self.index = index
        self._today = today or date.today()
        self._lookup_client = lookup_client
        self._tried = False
        self._touched: set[str] = set()
        self._errors: dict[str, str] = {}
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}

        noun = TITLES[kind]
        self.setWindowTitle(f"{'Edit' if record is not None else 'Add'} {noun}")
        self.setAccessibleName(self.windowTitle())

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in self.specs:
            if spec.kind == "section":
                heading = QLabel(f"<b>{spec.label}</b>")
                heading.setAccessibleName(spec.label)
                form.addRow(heading)
                continue
            widget = self._make_widget(spec)
            self.widgets[spec.name] = widget
            if spec.kind == "bool":
                form.addRow("", widget)
            else:
                label = QLabel(spec.label)
                label.setBuddy(widget)
                self.labels[spec.name] = label
                form.addRow(label, widget)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("About this record")
        self.errors = FormErrors(self)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Save")
        self.ok_button.setAccessibleName(f"Save {noun}")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.errors)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

        if record is not None:
            self.set_record(record)
            self._touched = {spec.name for spec in self.specs}
        self._refresh()
        #: What the fields held when the dialog opened: a draft is kept only if they changed.
        self._opened_with = self.field_texts()
        first = next(iter(self.widgets.values()))
        first.setFocus()

    # ---- building ----------------------------------------------------------------------------
    def _make_widget(self, spec: FieldSpec) -> QWidget:
        widget: QWidget
        if spec.kind == "date":
            widget = DateField(required=spec.required, label=spec.plain)
            widget.textChanged.connect(self._refresh)
            widget.editingFinished.connect(lambda n=spec.name: self._touch(n))
        elif spec.kind in ("choice", "optional_choice", "tristate"):
            widget = QComboBox()
            if spec.kind == "tristate":
                items = [("Not known", None), ("Yes", True), ("No", False)]
            else:
                items = [(label, code) for code, label in (spec.choices or {}).items()]
                if spec.kind == "optional_choice":
                    items.insert(0, (spec.none_label, None))
            for label, value in items:
                widget.addItem(label, value)
            widget.currentIndexChanged.connect(lambda _i, n=spec.name: self._touch(n))
        elif spec.kind == "bool":
            widget = QCheckBox(spec.label)
            widget.toggled.connect(lambda _c, n=spec.name: self._touch(n))
        elif spec.kind == "relationship":
            widget = QComboBox()
            widget.setEditable(True)
            widget.addItem("")
            widget.addItems(RELATIONSHIPS)
            widget.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            widget.editTextChanged.connect(self._refresh)
        else:
            widget = QLineEdit()
            if spec.kind == "client_id":
                widget.setValidator(QIntValidator(1, 2_000_000_000, widget))
                widget.setPlaceholderText("Leave empty if they are not a client")
            elif spec.name == "other_conditions":
                widget.setPlaceholderText("Condition codes, separated by commas")
            widget.textChanged.connect(self._refresh)
            widget.editingFinished.connect(lambda n=spec.name: self._touch(n))
        widget.setAccessibleName(spec.plain)
        return widget

    def _touch(self, name: str) -> None:
        self._touched.add(name)
        self._refresh()

    def today(self) -> date:
        return self._today

    # ---- reading and writing values ----------------------------------------------------------
    def _value(self, name: str) -> Any:
        widget = self.widgets[name]
        if isinstance(widget, DateField):
            return widget.date()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QComboBox):
            if widget.isEditable():
                return widget.currentText().strip()
            return widget.currentData()
        assert isinstance(widget, QLineEdit)
        text = widget.text().strip()
        if self._spec(name).kind == "client_id":
            return int(text) if text else None
        return text

    def _set_value(self, name: str, value: Any) -> None:
        widget = self.widgets[name]
        if isinstance(widget, DateField):
            widget.setDate(value)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QComboBox):
            if widget.isEditable():
                widget.setEditText(value or "")
            else:
                index = widget.findData(value)
                widget.setCurrentIndex(max(index, 0))
        else:
            assert isinstance(widget, QLineEdit)
            widget.setText("" if value is None else str(value))

    def _spec(self, name: str) -> FieldSpec:
        return next(spec for spec in self.specs if spec.name == name)

    def set_record(self, record: Any) -> None:
        if self.kind == "permission":
            self._set_value("category", record.category)
            self._set_value("start", record.start)
            self._set_value("end", record.end)
            self._set_value("granted_on", record.granted_on)
            self._set_value("entered_on", record.entered_on)
            self._set_value("nrpf", NRPF in record.conditions)
            others = [c for c in record.conditions if c != NRPF]
            self._set_value("other_conditions", ", ".join(others))
        elif self.kind == "absence":
            for name in ("left", "returned", "exceptional", "planned"):
                self._set_value(name, getattr(record, name))
            self._set_value("reason", record.reason or "")
        else:
            for spec in self.specs:
                if spec.kind != "section":
                    self._set_value(spec.name, getattr(record, spec.name))
        self._refresh()

    def field_value(self, name: str) -> Any:
        return self._value(name)

    # ---- drafts (kept over a lock, a quit or an error: desktop.ui.kept_drafts) ----------------
    def field_texts(self) -> dict[str, Any]:
        """Each field as it stands, half-typed dates included (text, tick, or the choice's
        code): JSON values, for a draft."""
        texts: dict[str, Any] = {}
        for name, widget in self.widgets.items():
            if isinstance(widget, QCheckBox):
                texts[name] = widget.isChecked()
            elif isinstance(widget, QComboBox):
                texts[name] = widget.currentText() if widget.isEditable() else widget.currentData()
            elif isinstance(widget, QLineEdit):
                texts[name] = widget.text()
        return texts

    def set_field_texts(self, texts: dict[str, Any]) -> None:
        """Put back what `field_texts` gave; anything unknown or of the wrong type is left out."""
        if not isinstance(texts, dict):
            return
        for name, value in texts.items():
            widget = self.widgets.get(name)
            if isinstance(widget, QCheckBox) and isinstance(value, bool):
                widget.setChecked(value)
            elif isinstance(widget, QComboBox) and widget.isEditable() and isinstance(value, str):
                widget.setEditText(value)
            elif isinstance(widget, QComboBox) and not widget.isEditable():
                index = widget.findData(value)
                if index >= 0:
                    widget.setCurrentIndex(index)
            elif isinstance(widget, QLineEdit) and isinstance(value, str):
                widget.setText(value)
        self._touched |= {name for name in texts if name in self.widgets}
        self._refresh()

    def draft_payload(self) -> dict[str, Any] | None:
        """What was typed, for a draft; None when the fields are as they were opened."""
        texts = self.field_texts()
        if texts == self._opened_with:
            return None
        return {"record_kind": self.kind, "fields": texts}

    def draft_label(self) -> str:
        return f"an '{self.windowTitle()}' form"

    def _build(self) -> Any | None:
        """The record as typed, or None while required parts are missing or unreadable."""
        for spec in self.specs:
            widget = self.widgets.get(spec.name)
            # A disabled field (the end of indefinite permission) is ignored.
            if isinstance(widget, DateField) and widget.isEnabled() and not widget.is_valid():
                return None
        v = self._value
        if self.kind == "permission":
            category = v("category")
            indefinite = category in INDEFINITE_CATEGORIES
            if v("start") is None:
                return None
            conditions = [NRPF] if v("nrpf") else []
            conditions += [c.strip() for c in v("other_conditions").split(",") if c.strip()]
            # A missing end date is built as None: the rules say it is needed ("end_needed").
            return Permission(
                category,
                v("start"),
                None if indefinite else v("end"),
                v("granted_on"),
                tuple(dict.fromkeys(conditions)),
                v("entered_on"),
            )
        if self.kind == "application":
            return Application(**{s.name: v(s.name) for s in self.specs if s.kind != "section"})
        if self.kind == "absence":
            if v("left") is None or v("returned") is None:
                return None
            return Absence(
                v("left"), v("returned"), v("reason") or None, v("exceptional"), v("planned")
            )
        if self.kind == "custody":
            if v("start") is None or v("end") is None:
                return None
            return Custody(v("start"), v("end"))
        if self.kind == "status_check":
            if v("on") is None or v("outcome") is None:
                return None
            return StatusCheck(v("on"), v("outcome"))
        if not v("name"):
            return None
        return HouseholdEntry(
            v("name"), v("relationship_to_client"), v("date_of_birth"), v("member_client_id")
        )

    def record(self) -> Any | None:
        """The record typed, if it is valid; None otherwise."""
        if self.check():
            return None
        return self._build()

    # ---- checking ----------------------------------------------------------------------------
    def _input_checks(self) -> dict[str, str]:
        """What the rules cannot see: text that is not a date (yet), a needed field left empty,
        and a household member (not a history record: its date of birth cannot be after today
        and its client number must exist). Every check of a history record is the rules' own
        (`validate_history`, through `_cross_checks`): the dialog has no copy of them."""
        problems: dict[str, str] = {}
        for spec in self.specs:
            widget = self.widgets.get(spec.name)
            if isinstance(widget, DateField):
                if widget.isEnabled() and not widget.is_valid():
                    problems[spec.name] = widget.error() or f"{spec.plain} is not a real date."
            elif spec.required and spec.kind == "text" and not self._value(spec.name):
                problems[spec.name] = f"{spec.plain} is needed."
        if self.kind == "household":
            today = self._today
            for spec in self.specs:
                value = self._value(spec.name) if spec.kind == "date" else None
                if spec.past_only and value is not None and value > today:
                    problems.setdefault(
                        spec.name,
                        f"{spec.plain} ({format_long(value)}) is in the future; "
                        f"today is {format_long(today)}.",
                    )
            member = self._value("member_client_id")
            lookup = self._lookup_client
            if member is not None and lookup is not None and lookup(member) is None:
                problems["member_client_id"] = f"There is no client number {member}."
        return problems

    def _cross_checks(self, record: Any) -> dict[str, str]:
        """Problems the record would cause in the whole history, next to its fields."""
        if self.kind not in COLLECTIONS:
            return {}
        coll = COLLECTIONS[self.kind]
        records = list(getattr(self.history, coll))
        if self.index is None:
            records.append(record)
            mine = len(records) - 1
        else:
            records[self.index] = record
            mine = self.index
        would_be = replace(self.history, **{coll: tuple(records)})
        return errors_for_record(would_be, self.kind, mine, self._today)

    def check(self) -> dict[str, str]:
        """Every problem with the record as typed: field -> sentence. What cannot be read
        first; then, for a history record, what the rules report about it in the history as
        it would be after saving (`errors_for_record`), by field."""
        problems = self._input_checks()
        record = self._build() if self.kind in COLLECTIONS else None
        if record is not None:
            for name, message in self._cross_checks(record).items():
                problems.setdefault(name, message)
        return problems

    def _refresh(self, *_args: object) -> None:
        if self.kind == "permission":
            end = self.widgets["end"]
            indefinite = self._value("category") in INDEFINITE_CATEGORIES
            end.setEnabled(not indefinite)
            if isinstance(end, QLineEdit):
                end.setPlaceholderText("no end date" if indefinite else "dd/mm/yyyy")
        self._errors = self.check()
        shown = {
            name: message
            for name, message in self._errors.items()
            if self._tried or name in self._touched
        }
        for name, widget in self.widgets.items():
            mark_invalid(widget, shown.get(name))
        self.errors.set_messages(list(shown.values()))
        self.hint.setText(self._hint_text())
        self.hint.setVisible(bool(self.hint.text()))

    def _hint_text(self) -> str:
        if self.kind == "absence":
            left, returned = self._value("left"), self._value("returned")
            if left and returned and returned >= left:
                days = whole_days_outside(left, returned)
                return f"{days} whole day{'s' if days != 1 else ''} outside the UK (the travel days do not count)."
        if self.kind == "household":
            member = self._value("member_client_id")
            if member is not None and self._lookup_client is not None:
                name = self._lookup_client(member)
                if name:
                    return f"Client {member}: {name}"
        return ""

    def problems(self) -> dict[str, str]:
        """The current problems (shown or not yet shown): field -> sentence."""
        return dict(self._errors)

    def accept(self) -> None:
        self._tried = True
        self._refresh()
        if self._errors:
            first = next(name for name in self.widgets if name in self._errors)
            self.widgets[first].setFocus()
            return
        super().accept()


def _overlap_message(kind: str, history: History, mine: int, other: int, on_mine: bool) -> str:
    records = getattr(history, COLLECTIONS[kind])
    me, them = records[mine], records[other]
    if kind == "absence":
        return (
            f"This trip overlaps {describe(kind, them)}. A trip may leave on the day the "
            "previous one returned, but not before."
        )
    if kind == "custody":
        return f"This custody period overlaps {describe(kind, them)}."
    if on_mine:
        return (
            f"This permission starts on {format_long(me.start)}, while {describe(kind, them)} "
            f"is still running. The earlier one should end by "
            f"{format_long(me.start - timedelta(days=1))}, the day before this one starts."
        )
    if me.end is None:
        return (
            f"This permission has no end date, so {describe(kind, them)} would overlap it. "
            "Check the dates and the category."
        )
    return (
        f"This permission runs past the start of {describe(kind, them)}. End it on "
        f"{format_long(them.start - timedelta(days=1))} or earlier."
    )


def errors_for_record(history: History, kind: str, mine: int, today: date) -> dict[str, str]:
    """validate_history's problems that concern record `mine` of `kind`, as field -> sentence.

    Read from each problem's data: its `collection` and `index` (this record), or, for an
    overlap the rules put on the other record, its `other` (this one)."""
    coll = COLLECTIONS[kind]
    found: dict[str, str] = {}
    problem: HistoryError
    for problem in validate_history(history, today=today):
        ours = problem.collection == coll and problem.index == mine
        overlap = problem.code == "overlap" and problem.other is not None
        theirs = overlap and problem.other == (coll, mine) and problem.collection == coll
        if not (ours or theirs):
            continue
        if overlap and problem.index is not None and problem.other is not None:
            other = problem.other[1] if ours else problem.index
            field = "start" if kind in ("permission", "custody") else "left"
            message = _overlap_message(kind, history, mine, other, on_mine=ours)
            if not ours:
                field = "end" if kind in ("permission", "custody") else "returned"
                if kind == "permission" and getattr(history, coll)[mine].end is None:
                    field = "category"
        else:
            field = _JSON_TO_ATTR.get(problem.field or "", problem.field or "")
            message = problem_sentence(problem)
        found.setdefault(field, message)
    return found
