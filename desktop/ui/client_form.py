"""The client's details as a form: used by the intake dialog and by the Details tab."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.store.repository import ClientDetails
from desktop.ui.widgets.date_field import DateField
from desktop.ui.widgets.dates import format_long
from desktop.ui.widgets.form_feedback import FormErrors, mark_invalid

EARLIEST_BIRTH = date(1900, 1, 1)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# Two prefix letters, six digits, one suffix letter A-D (spaces are allowed when typed).
_NI = re.compile(r"^[A-CEGHJ-PR-TW-Z]{2}\d{6}[A-D]$")

#: (field, label with mnemonic, accessible name) in the order the form is filled.
PERSON_FIELDS = (
    ("full_name", "&Full name (required)", "Full name"),
    ("other_names", "&Other names used", "Other names used"),
    ("date_of_birth", "Date of &birth", "Date of birth"),
    ("nationality", "Na&tionality", "Nationality"),
    ("languages", "&Languages", "Languages"),
    ("interpreter_needed", "&Interpreter needed", "Interpreter needed"),
    ("phone", "&Phone", "Phone"),
    ("email", "&Email", "Email"),
    ("address", "&Address", "Address"),
)
IMMIGRATION_FIELDS = (
    ("home_office_ref", "&Home Office reference", "Home Office reference"),
    ("uan", "&UAN", "Unique application number (UAN)"),
    ("brp_or_share_code", "BRP or eVisa share &code", "BRP number or eVisa share code"),
    ("ni_number", "National Insurance nu&mber", "National Insurance number"),
    ("notes", "&Notes", "Notes"),
    ("status_summary", "&Status in one line", "Status summary"),
)
FIELD_LABELS = {name: accessible for name, _label, accessible in PERSON_FIELDS + IMMIGRATION_FIELDS}


def normalise_ni(text: str) -> str:
    return "".join(text.split()).upper()


class ClientForm(QWidget):
    """Every ClientDetails field. `changed` fires on any edit (for dirty tracking)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self._loading = False

        columns = QHBoxLayout()
        columns.setSpacing(16)
        person_box = QGroupBox("Person and contact")
        immigration_box = QGroupBox("Immigration")
        for box, specs in ((person_box, PERSON_FIELDS), (immigration_box, IMMIGRATION_FIELDS)):
            form = QFormLayout(box)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for name, label_text, accessible in specs:
                widget = self._make_widget(name, accessible)
                label = QLabel(label_text)
                label.setBuddy(widget)
                self.widgets[name] = widget
                self.labels[name] = label
                form.addRow(label, widget)
            columns.addWidget(box, 1, Qt.AlignmentFlag.AlignTop)

        self.errors = FormErrors(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(columns)
        outer.addWidget(self.errors)
        outer.addStretch(1)

        order = [name for name, _l, _a in PERSON_FIELDS + IMMIGRATION_FIELDS]
        for first, second in pairwise(order):
            QWidget.setTabOrder(self.widgets[first], self.widgets[second])

    # ---- building ----------------------------------------------------------------------------
    def _make_widget(self, name: str, accessible: str) -> QWidget:
        widget: QWidget
        if name == "date_of_birth":
            widget = DateField(label="Date of birth")
            widget.textChanged.connect(self._edited)
        elif name == "interpreter_needed":
            widget = QCheckBox("Yes, book an interpreter")
            widget.toggled.connect(self._edited)
        elif name in ("address", "notes"):
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)
            widget.setFixedHeight(64 if name == "address" else 80)
            widget.textChanged.connect(self._edited)
        else:
            widget = QLineEdit()
            widget.textChanged.connect(self._edited)
            if name == "email":
                widget.setPlaceholderText("name@example.org")
            elif name == "ni_number":
                widget.setPlaceholderText("AB123456C")
            elif name == "full_name":
                widget.setPlaceholderText("As on their documents")
        widget.setAccessibleName(accessible)
        return widget

    def _edited(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()

    # ---- values ------------------------------------------------------------------------------
    def set_details(self, details: ClientDetails) -> None:
        self._loading = True
        try:
            for name in ClientDetails.field_names():
                widget = self.widgets[name]
                value = getattr(details, name)
                if isinstance(widget, DateField):
                    widget.setDate(value)
                elif isinstance(widget, QCheckBox):
                    widget.setChecked(bool(value))
                elif isinstance(widget, QPlainTextEdit):
                    widget.setPlainText(value or "")
                else:
                    widget.setText(value or "")
        finally:
            self._loading = False
        self.clear_errors()

    def details(self) -> ClientDetails:
        values: dict[str, object] = {}
        for name in ClientDetails.field_names():
            widget = self.widgets[name]
            if isinstance(widget, DateField):
                values[name] = widget.date()
            elif isinstance(widget, QCheckBox):
                values[name] = widget.isChecked()
            elif isinstance(widget, QPlainTextEdit):
                values[name] = widget.toPlainText().strip()
            else:
                values[name] = widget.text().strip()
        if values["ni_number"]:
            values["ni_number"] = normalise_ni(str(values["ni_number"]))
        return ClientDetails(**values)  # type: ignore[arg-type]

    def clear(self) -> None:
        self.set_details(ClientDetails(full_name=""))

    def is_blank(self) -> bool:
        return self.details() == ClientDetails(full_name="")

    # ---- drafts (kept over a lock, a quit or an error: desktop.ui.kept_drafts) ----------------
    def field_texts(self) -> dict[str, str | bool]:
        """Each field exactly as it stands, a half-typed date included: JSON values."""
        texts: dict[str, str | bool] = {}
        for name, widget in self.widgets.items():
            if isinstance(widget, QCheckBox):
                texts[name] = widget.isChecked()
            elif isinstance(widget, QPlainTextEdit):
                texts[name] = widget.toPlainText()
            elif isinstance(widget, QLineEdit):
                texts[name] = widget.text()
        return texts

    def has_text(self) -> bool:
        """True when anything at all is typed or ticked (even a date that does not parse)."""
        return any(
            value is True or (isinstance(value, str) and value.strip())
            for value in self.field_texts().values()
        )

    def set_field_texts(self, texts: object) -> None:
        """Put back what `field_texts` gave; an unknown field or a value of the wrong type is
        left out (a kept draft is read back, never trusted)."""
        if not isinstance(texts, dict):
            return
        for name, value in texts.items():
            widget = self.widgets.get(name) if isinstance(name, str) else None
            if isinstance(widget, QCheckBox) and isinstance(value, bool):
                widget.setChecked(value)
            elif isinstance(widget, QPlainTextEdit) and isinstance(value, str):
                widget.setPlainText(value)
            elif isinstance(widget, QLineEdit) and isinstance(value, str):
                widget.setText(value[: widget.maxLength()])

    # ---- checking ----------------------------------------------------------------------------
    def field_errors(self, today: date) -> dict[str, str]:
        problems: dict[str, str] = {}
        name = self.widgets["full_name"]
        assert isinstance(name, QLineEdit)
        if not name.text().strip():
            problems["full_name"] = "Full name is needed."
        dob_field = self.widgets["date_of_birth"]
        assert isinstance(dob_field, DateField)
        dob = dob_field.date()
        if not dob_field.is_valid():
            problems["date_of_birth"] = dob_field.error() or "Date of birth is not a real date."
        elif dob is not None and dob > today:
            problems["date_of_birth"] = (
                f"Date of birth ({format_long(dob)}) is in the future; today is {format_long(today)}."
            )
        elif dob is not None and dob < EARLIEST_BIRTH:
            problems["date_of_birth"] = (
                f"Date of birth ({format_long(dob)}) is before 1900; check the year."
            )
        email = self.widgets["email"]
        assert isinstance(email, QLineEdit)
        if email.text().strip() and not _EMAIL.match(email.text().strip()):
            problems["email"] = (
                f"Email ('{email.text().strip()}') does not look like an email address, "
                "e.g. name@example.org."
            )
        ni = self.widgets["ni_number"]
        assert isinstance(ni, QLineEdit)
        if ni.text().strip() and not _NI.match(normalise_ni(ni.text())):
            problems["ni_number"] = (
                f"National Insurance number ('{ni.text().strip()}') should be two letters, "
                "six digits and a letter A to D, like AB123456C."
            )
        return problems

    def validate(self, today: date) -> list[str]:
        """Check every field, show the problems in place and return them as sentences."""
        problems = self.field_errors(today)
        for name, widget in self.widgets.items():
            mark_invalid(widget, problems.get(name))
        messages = list(problems.values())
        self.errors.set_messages(messages)
        return messages

    def first_invalid(self, today: date) -> QWidget | None:
        problems = self.field_errors(today)
        for name, _label, _acc in PERSON_FIELDS + IMMIGRATION_FIELDS:
            if name in problems:
                return self.widgets[name]
        return None

    def clear_errors(self) -> None:
        for widget in self.widgets.values():
            mark_invalid(widget, None)
        self.errors.set_messages([])

    def first_field(self) -> QWidget:
        return self.widgets["full_name"]

    def last_field(self) -> QWidget:
        return self.widgets["status_summary"]
