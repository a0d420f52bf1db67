"""Household fees: what a family pays the Home Office for one application, line by line.

The adviser picks the application, the date and how many adults and children (under 18) apply
together; for limited leave, the length of the leave (the usual grant for the route to start
with). Each line shows who pays it, what it is, the amount, the date that figure took effect and
where it comes from; a figure nobody has seen in its instrument or an official fees table is
marked "not yet verified: check before telling the client" (its amount, its total and the
clipboard text all say so), and the source's tooltip names the instrument and when it was checked. Then the total and
whether a fee waiver can be asked for, and why. `desktop.rules.fees.household_fees` does the
sums (pure, Decimal pounds); "Copy result" puts the answer on the clipboard as plain text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.datetext import long_date
from desktop.rules.fees import (
    NOT_VERIFIED,
    Application,
    FeesError,
    FeeTotal,
    health_charge_years,
    household_fees,
    leave_words,
    pounds,
)
from desktop.rules.figures import Figures, FiguresError
from desktop.ui.widgets.calculator import CalculatorDialog
from desktop.ui.widgets.form_feedback import FormErrors, mark_invalid

COLUMNS = ("Who pays", "What", "Amount", "In force from", "Source")
UNVERIFIED = f" ({NOT_VERIFIED})"
_WAIVER_WORDS = {
    "yes": "Fee waiver: can be asked for.",
    "only_if": "Fee waiver: only in some cases.",
    "no": "Fee waiver: not available.",
    "no_fee": "Fee waiver: not needed.",
}


class FeesDialog(CalculatorDialog):
    """The household fee calculator. `figures` defaults to resources/rules, `applications` to
    resources/rules/fee_applications.toml (`desktop.assess.load_fee_applications`); `today`
    (default: the real date) fills in the application date."""

    def __init__(
        self,
        parent: QWidget | None = None,
        figures: Figures | None = None,
        today: date | None = None,
        applications: Mapping[str, Application] | None = None,
    ) -> None:
        super().__init__(
            parent,
            figures,
            today,
            title="Household fees",
            intro=(
                "Pick the application and who is applying: the fees show as you change them. "
                "The fee in force on the application date is used."
            ),
        )
        self._total: FeeTotal | None = None
        self._load_problem = ""
        if applications is None:
            from desktop.assess import load_fee_applications

            try:
                applications = load_fee_applications()
            except ValueError as exc:  # the file is missing or wrong: say so, never crash
                applications, self._load_problem = {}, str(exc)
        self.applications: Mapping[str, Application] = applications

        self.application_combo = QComboBox()
        self.application_combo.setAccessibleName("Application")
        for key, app in self.applications.items():
            self.application_combo.addItem(app.label, key)
        self.adults_spin = QSpinBox()
        self.adults_spin.setRange(0, 20)
        self.adults_spin.setValue(1)
        self.adults_spin.setAccessibleName("Adults applying")
        self.children_spin = QSpinBox()
        self.children_spin.setRange(0, 20)
        self.children_spin.setAccessibleName("Children under 18 applying")
        self.months_spin = QSpinBox()
        self.months_spin.setRange(0, 120)
        self.months_spin.setSuffix(" months")
        # 0 stands for "no health charge" (the field is then disabled).
        self.months_spin.setSpecialValueText("Not needed")
        self.months_spin.setAccessibleName("Length of leave in months")
        self.months_hint = QLabel()
        self.months_hint.setAccessibleName("Health charge years")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.labels: dict[str, QLabel] = {}
        for name, text, widget in (
            ("application", "A&pplication", self.application_combo),
            ("on", "Application &date", self.date_field),
            ("adults", "&Adults applying", self.adults_spin),
            ("children", "&Children under 18 applying", self.children_spin),
            ("months", "&Length of leave", self.months_spin),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            self.labels[name] = label
            form.addRow(label, widget)
        form.addRow("", self.months_hint)

        self.errors = FormErrors(self)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Fees, one line for each amount")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        # Rows as tall as their wrapped text, at whatever width the columns end up.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        for column, mode in enumerate(
            (
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
            )
        ):
            header.setSectionResizeMode(column, mode)
        self.table.setMinimumHeight(220)

        self.total_label = QLabel()
        self.total_label.setStyleSheet("font-weight: bold;")
        self.total_label.setAccessibleName("Total")
        self.waiver_label = QLabel()
        self.waiver_label.setWordWrap(True)
        self.waiver_label.setTextFormat(Qt.TextFormat.PlainText)
        self.waiver_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.waiver_label.setAccessibleName("Fee waiver")
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_label.setAccessibleName("Notes")

        self.copy_button = QPushButton("C&opy result")
        self.copy_button.setAccessibleName("Copy result")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_result)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close")
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total_label)
        layout.addWidget(self.waiver_label)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(820)
        self.resize(1000, 720)

        self.application_combo.currentIndexChanged.connect(self._application_changed)
        self.date_field.textChanged.connect(self._update)
        for spin in (self.adults_spin, self.children_spin, self.months_spin):
            spin.valueChanged.connect(self._update)
        self._application_changed()
        self.application_combo.setFocus()

    # ---- values ------------------------------------------------------------------------------
    def application(self) -> str:
        return self.application_combo.currentData()

    def set_application(self, key: str) -> None:
        self.application_combo.setCurrentIndex(self.application_combo.findData(key))

    def total(self) -> FeeTotal | None:
        """The answer for the entries shown (None while they are wrong)."""
        return self._total

    # ---- the live result ---------------------------------------------------------------------
    def _application_changed(self, *_args: object) -> None:
        app = self.applications.get(self.application())
        if app is None:
            self._update()
            return
        self.months_spin.blockSignals(True)
        if app.health_charge and app.leave_months_key:
            on = self.date_field.date() or self._today
            try:
                self.months_spin.setValue(int(self.figures.get(app.leave_months_key, on)))
            except FiguresError:
                self.months_spin.setValue(12)
        else:
            self.months_spin.setValue(0)
        self.months_spin.setEnabled(app.health_charge)
        self.labels["months"].setEnabled(app.health_charge)
        self.months_spin.blockSignals(False)
        self.children_spin.setEnabled(app.children_allowed or self.children_spin.value() > 0)
        self._update()

    def _update(self, *_args: object) -> None:
        app = self.applications.get(self.application())
        if app is None:  # no applications could be read
            self._total = None
            self._show_errors({"application": self._load_problem or "Pick an application."})
            self._show(None)
            return
        errors: dict[str, str] = {}
        on = self.date_field.date()
        if self.date_field.error():
            errors["on"] = self.date_field.error() or ""
        total: FeeTotal | None = None
        if on is not None and not errors:
            try:
                total = household_fees(
                    app,
                    on,
                    self.adults_spin.value(),
                    self.children_spin.value(),
                    self.figures,
                    months=self.months_spin.value() if app.health_charge else None,
                )
            except FeesError as exc:
                label = {
                    "on": "Application date",
                    "adults": "People applying",
                    "children": "Children",
                    "months": "Length of leave",
                }.get(exc.field, "Application")
                message = str(exc)
                if not message.lower().startswith(label.split()[0].lower()):
                    message = f"{label}: {message}"
                errors[exc.field if exc.field in self._widgets() else "application"] = message
        self.children_spin.setEnabled(app.children_allowed or self.children_spin.value() > 0)
        if app.health_charge and on is not None:
            try:
                years = health_charge_years(self.months_spin.value(), self.figures, on)
                shown = f"{years.normalize():f}"
                self.months_hint.setText(
                    f"{leave_words(self.months_spin.value())}: health charge for {shown} "
                    + ("year" if years == 1 else "years")
                )
            except (FeesError, FiguresError):
                self.months_hint.setText("")
        else:
            self.months_hint.setText("No health charge for this application.")
        self._total = total
        self._show_errors(errors)
        self._show(total)

    def _widgets(self) -> dict[str, QWidget]:
        return {
            "application": self.application_combo,
            "on": self.date_field,
            "adults": self.adults_spin,
            "children": self.children_spin,
            "months": self.months_spin,
        }

    def _show_errors(self, errors: dict[str, str]) -> None:
        self._errors = errors
        for name, widget in self._widgets().items():
            mark_invalid(widget, errors.get(name))
        self.errors.set_messages(list(errors.values()))

    def _show(self, total: FeeTotal | None) -> None:
        self.table.setRowCount(0)
        if total is None:
            self.total_label.setText("Fix the entries above to see the fees.")
            self.waiver_label.clear()
            self.notes_label.clear()
            self.copy_button.setEnabled(False)
            return
        self.table.setRowCount(len(total.lines))
        for row, line in enumerate(total.lines):
            figure = self._figure(line.figure_key, line.effective_from)
            cells = (
                line.person,
                line.what,
                pounds(line.amount) + ("" if line.verified else " *"),
                long_date(line.effective_from),
                line.source + ("" if line.verified else UNVERIFIED),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == 4:
                    item.setToolTip(_checked_words(text, figure))
                if column == 2 and not line.verified:
                    item.setToolTip("Not yet verified: check before telling the client.")
                self.table.setItem(row, column, item)
        people = ", ".join(f"{person} {pounds(amount)}" for person, amount in total.per_person())
        text = f"Total: {pounds(total.total)} ({people})"
        if total.has_unverified():
            text += f" * includes figures {NOT_VERIFIED}"
        self.total_label.setText(text)
        waiver = total.fee_waiver
        self.waiver_label.setText(
            f"{_WAIVER_WORDS[waiver.status]} {waiver.sentence} ({waiver.source})"
        )
        self.notes_label.setText("\n".join(total.notes))
        self.copy_button.setEnabled(True)

    def _figure(self, key: str, effective_from: date):  # noqa: ANN202 - a Figure or None
        for entry in self.figures.by_key.get(key, ()):
            if entry.effective_from == effective_from:
                return entry
        return None

    # ---- copying -----------------------------------------------------------------------------
    def result_text(self) -> str:
        return self._total.text() if self._total is not None else ""

    def copy_result(self) -> None:
        text = self.result_text()
        if text:
            QGuiApplication.clipboard().setText(text)


def _checked_words(source: str, figure) -> str:  # noqa: ANN001 - a Figure or None
    """The source's tooltip: the source, then the instrument and when and how it was checked."""
    out = [source]
    if figure is not None:
        if figure.instrument:
            out.append(f"Instrument: {figure.instrument}")
        if figure.checked_on is not None:
            how = f" ({figure.checked_how})" if figure.checked_how else ""
            out.append(f"Checked on {long_date(figure.checked_on)}{how}")
        if figure.note:
            out.append(figure.note)
    return "\n".join(out)
