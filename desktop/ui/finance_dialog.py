"""The Appendix FM money calculator: "does this income (and these savings) meet the financial
requirement, and if not, how much in savings would?"

The adviser picks the stage and types the dates and amounts; the result updates at every key
(the check is a pure function, `desktop.rules.finance.check_financial_requirement`, and costs
microseconds). It shows the threshold and why that one, the shortfall, the savings needed with
the sum written out, and met / not met / cannot tell, each sentence with the rule paragraph it
comes from, then the same result in plain words for the client. "Copy result" puts it all on the
clipboard as plain text. Bad input is named in place (red border, accessible description, the
sentence under the form); nothing here is saved.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.datetext import long_date
from desktop.rules.figures import Figures, FiguresError
from desktop.rules.finance import STAGES, FinancialCheck, check_financial_requirement
from desktop.status_style import GOOD_INK
from desktop.ui.widgets.calculator import CalculatorDialog
from desktop.ui.widgets.date_field import DateField
from desktop.ui.widgets.form_feedback import FormErrors, mark_invalid

STAGE_LABELS = {
    "entry_clearance": "First application as a partner",
    "extension": "Extension of partner permission",
    "ilr": "Settlement (indefinite leave)",
}
HEADLINES = {
    "met": "Met: the financial requirement is met on these figures.",
    "not met": "Not met on these figures.",
    "cannot tell": "Cannot tell yet: savings are needed and were not given.",
    "exempt": "Income threshold does not apply: the adequate maintenance test applies instead.",
}
_STYLES = {
    "met": f"color: {GOOD_INK}; font-weight: bold;",
    "not met": "color: #8c1d18; font-weight: bold;",
    "cannot tell": "font-weight: bold;",
    "exempt": "font-weight: bold;",
}
#: The calculator's size where the screen has room; a smaller screen gets less (the figures
#: and the result scroll, the buttons stay in view).
PREFERRED_SIZE = QSize(780, 660)


def fitted_size(available: QSize) -> QSize:
    """The dialog's first size on a screen with `available` room (less a margin for the
    title bar and frame): never taller than the screen, never over PREFERRED_SIZE."""
    if available.isEmpty():
        return QSize(PREFERRED_SIZE)
    return QSize(
        min(PREFERRED_SIZE.width(), available.width() - 16),
        min(PREFERRED_SIZE.height(), available.height() - 48),
    )


_AMOUNT = re.compile(r"^(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d{1,2}))?$")


def parse_pounds(text: str, label: str, *, pence_allowed: bool) -> int | None:
    """Whole pounds typed as "£18,600", "18600" or "18,600.00"; None when blank.

    ValueError names the field and what is wrong. With `pence_allowed` a balance like
    "£18,523.47" is accepted and counted as whole pounds, rounded down (the thresholds are whole
    pounds, so rounding down never turns "short" into "enough")."""
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        return None
    if cleaned.lower().startswith("gbp"):
        cleaned = cleaned[3:]
    cleaned = cleaned.removeprefix("£")
    if cleaned.startswith("-"):
        raise ValueError(f"{label} cannot be negative.")
    m = _AMOUNT.match(cleaned)
    if m is None:
        raise ValueError(
            f"{label}: '{text.strip()}' is not an amount in pounds. Type it like £21,500."
        )
    pence = m.group("pence")
    if pence and int(pence) and not pence_allowed:
        raise ValueError(f"{label}: type whole pounds, without pence (like £21,500).")
    try:
        return int(Decimal(m.group("pounds").replace(",", "")))
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        raise ValueError(f"{label}: '{text.strip()}' is not an amount in pounds.") from None


def _money(amount: int) -> str:
    return f"£{amount:,}"


class FinanceDialog(CalculatorDialog):
    """The money calculator. `figures` defaults to the dated figures in resources/rules; `today`
    (default: the real date) fills in the application date."""

    def __init__(
        self,
        parent: QWidget | None = None,
        figures: Figures | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(
            parent,
            figures,
            today,
            title="Appendix FM money calculator",
            intro=(
                "Type the figures for the couple: the result changes as you type. Amounts are in "
                "pounds a year (savings: the total held)."
            ),
        )
        self._check: FinancialCheck | None = None

        self.stage_combo = QComboBox()
        self.stage_combo.setAccessibleName("Stage")
        for stage in STAGES:
            self.stage_combo.addItem(STAGE_LABELS[stage], stage)
        self.granted_field = DateField(label="Date partner permission was first granted")
        self.children_spin = QSpinBox()
        self.children_spin.setRange(0, 20)
        self.children_spin.setAccessibleName("Non-British children")
        self.children_hint = QLabel()
        self.children_hint.setWordWrap(True)
        self.children_hint.setAccessibleName("About non-British children")
        self.income_field = QLineEdit()
        self.income_field.setAccessibleName("Annual income")
        self.income_field.setPlaceholderText("e.g. £21,500")
        self.income_field.setMaxLength(20)
        self.savings_field = QLineEdit()
        self.savings_field.setAccessibleName("Savings")
        self.savings_field.setPlaceholderText("Optional, e.g. £20,000")
        self.savings_field.setMaxLength(20)
        self.held_box = QCheckBox()
        self.held_box.setAccessibleName("Savings held for the whole period before the application")
        self.exempt_box = QCheckBox()
        self.exempt_box.setAccessibleName("Sponsor gets a listed disability benefit")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.labels: dict[str, QLabel] = {}
        for name, text, widget in (
            ("stage", "S&tage", self.stage_combo),
            ("date", "Application &date", self.date_field),
            ("granted", "Partner permission first &granted (optional)", self.granted_field),
            ("children", "Non-British c&hildren", self.children_spin),
            ("income", "Annual &income", self.income_field),
            ("savings", "&Savings (optional)", self.savings_field),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            self.labels[name] = label
            form.addRow(label, widget)
            if name == "children":
                form.addRow("", self.children_hint)
        form.addRow("", self.held_box)
        form.addRow("", self.exempt_box)

        self.errors = FormErrors(self)

        # ---- the result ----------------------------------------------------------------------
        self.result_box = QFrame()
        self.result_box.setAccessibleName("Result")
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setAccessibleName("Is the requirement met")
        grid = QGridLayout()
        self.values: dict[str, QLabel] = {}
        for row, (name, text) in enumerate(
            (
                ("threshold", "Income threshold"),
                ("shortfall", "Shortfall"),
                ("needed", "Savings needed"),
                ("counted", "Savings that count"),
            )
        ):
            caption = QLabel(text + ":")
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(text)
            grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1)
            self.values[name] = value
        grid.setColumnStretch(1, 1)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("Why, with the rule for each point")
        self.client_heading = QLabel("In plain words, for the client:")
        self.client_heading.setStyleSheet("font-weight: bold;")
        self.client_text = QLabel()
        self.client_text.setWordWrap(True)
        self.client_text.setTextFormat(Qt.TextFormat.PlainText)
        self.client_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.client_text.setAccessibleName("In plain words, for the client")
        box = QVBoxLayout(self.result_box)
        box.addWidget(self.headline)
        box.addLayout(grid)
        box.addWidget(self.details)
        box.addWidget(self.client_heading)
        box.addWidget(self.client_text)
        box.addStretch(1)
        self.result_box.setFrameShape(QFrame.Shape.StyledPanel)

        self.copy_button = QPushButton("&Copy result")
        self.copy_button.setAccessibleName("Copy result")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_result)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close")
        self.buttons.rejected.connect(self.reject)

        # The form and the result scroll together; Close and Copy result stay under them,
        # always in view (at 820 px tall they were off a 1366x768 screen).
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.intro)
        body_layout.addLayout(form)
        body_layout.addWidget(self.errors)
        body_layout.addWidget(self.result_box, 1)
        self.result_scroll = QScrollArea()
        self.result_scroll.setWidgetResizable(True)
        self.result_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.result_scroll.setWidget(body)
        self.result_scroll.setAccessibleName("Figures and result")

        layout = QVBoxLayout(self)
        layout.addWidget(self.result_scroll, 1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(720)
        self.resize(fitted_size(self.screen().availableGeometry().size()))

        self.stage_combo.currentIndexChanged.connect(self._update)
        for field in (self.date_field, self.granted_field, self.income_field, self.savings_field):
            field.textChanged.connect(self._update)
        self.children_spin.valueChanged.connect(self._update)
        self.held_box.toggled.connect(self._update)
        self.exempt_box.toggled.connect(self._update)
        self._update()
        self.stage_combo.setFocus()

    # ---- values ------------------------------------------------------------------------------
    def stage(self) -> str:
        return self.stage_combo.currentData()

    def check(self) -> FinancialCheck | None:
        """The result for the figures in the fields (None while they are incomplete or wrong)."""
        return self._check

    def set_stage(self, stage: str) -> None:
        self.stage_combo.setCurrentIndex(self.stage_combo.findData(stage))

    # ---- the live result ---------------------------------------------------------------------
    def _update(self, *_args: object) -> None:
        errors: dict[str, str] = {}
        stage = self.stage()
        on = self.date_field.date()
        if self.date_field.error():
            errors["date"] = self.date_field.error() or ""
        self.granted_field.setEnabled(stage != "entry_clearance")
        granted = self.granted_field.date() if stage != "entry_clearance" else None
        if stage != "entry_clearance" and self.granted_field.error():
            errors["granted"] = self.granted_field.error() or ""
        elif granted is not None and on is not None and granted > on:
            errors["granted"] = (
                f"Date partner permission was first granted ({long_date(granted)}) is after the "
                f"application date ({long_date(on)})."
            )
        income = savings = None
        try:
            income = parse_pounds(self.income_field.text(), "Annual income", pence_allowed=False)
        except ValueError as exc:
            errors["income"] = str(exc)
        try:
            savings = parse_pounds(self.savings_field.text(), "Savings", pence_allowed=True)
        except ValueError as exc:
            errors["savings"] = str(exc)

        figures_on = on or self._today
        try:
            months = self.figures.int_("fm.savings_held_months", figures_on)
            change = self.figures.date_("fm.threshold_change_date", figures_on)
            benefits = list(self.figures.get("fm.exempting_benefits", figures_on)) + list(
                self.figures.get("fm.exempting_benefits_further", figures_on)
            )
        except FiguresError as exc:
            errors.setdefault("date", f"Application date: {exc}.")
            months, change, benefits = None, None, []
        self.held_box.setText(
            f"Savings held for at least {months} &months before applying"
            if months
            else "Savings held long enough before applying (&months)"
        )
        self.exempt_box.setText(
            "Sponsor gets a listed disability &benefit (such as Carer's Allowance or PIP)"
        )
        listed = "The benefits on the list: " + "; ".join(benefits) + "."
        self.exempt_box.setToolTip(listed)
        self.exempt_box.setAccessibleDescription(listed)
        self.children_hint.setText(
            f"Children only add to the threshold under the rules before {long_date(change)}."
            if change
            else ""
        )

        check: FinancialCheck | None = None
        if on is not None and income is not None and not errors:
            try:
                check = check_financial_requirement(
                    stage=stage,
                    application_date=on,
                    income=income,
                    figures=self.figures,
                    savings=savings,
                    partner_permission_granted_before=granted,
                    non_british_children=self.children_spin.value(),
                    savings_held_6_months=self.held_box.isChecked() if savings else None,
                    disability_benefit=self.exempt_box.isChecked(),
                )
            except FiguresError as exc:
                errors["date"] = f"Application date: {exc}."
        self._check = check
        self._show_errors(errors)
        self._show(check, on, income)

    def _show_errors(self, errors: dict[str, str]) -> None:
        self._errors = errors
        widgets = {
            "date": self.date_field,
            "granted": self.granted_field,
            "income": self.income_field,
            "savings": self.savings_field,
        }
        for name, widget in widgets.items():
            mark_invalid(widget, errors.get(name))
        self.errors.set_messages(list(errors.values()))

    def _show(self, check: FinancialCheck | None, on: date | None, income: int | None) -> None:
        if check is None:
            for value in self.values.values():
                value.clear()
            self.details.clear()
            self.client_text.clear()
            self.client_heading.hide()
            self.headline.setStyleSheet(_STYLES["cannot tell"])
            if self._errors:
                self.headline.setText("Fix the entries above to see the result.")
            elif on is None:
                self.headline.setText("Type the application date to see the result.")
            else:
                self.headline.setText("Type the annual income to see the result.")
            self.copy_button.setEnabled(False)
            return
        verdict = check.verdict
        self.headline.setText(HEADLINES[verdict])
        self.headline.setStyleSheet(_STYLES[verdict])
        if check.exempt:
            self.values["threshold"].setText("Does not apply (disability benefit).")
            self.values["shortfall"].setText("Not worked out: the threshold does not apply.")
            self.values["needed"].setText("None for the threshold.")
        else:
            self.values["threshold"].setText(
                f"{_money(check.income_threshold)} ({check.threshold_rule})"
            )
            self.values["shortfall"].setText(
                _money(check.shortfall) if check.shortfall else "None: the income is enough."
            )
            self.values["needed"].setText(
                check.savings_sum() if check.shortfall else "None: the income is enough."
            )
        if check.savings_counted is None:
            self.values["counted"].setText("No savings given.")
        else:
            self.values["counted"].setText(_money(check.savings_counted))
        self.details.setText("\n".join(f"• {f.text} ({f.rule})" for f in check.findings))
        self.client_heading.show()
        self.client_text.setText(" ".join(check.client_sentences()))
        self.copy_button.setEnabled(True)

    # ---- copying -----------------------------------------------------------------------------
    def result_text(self) -> str:
        """The result as plain text ("" while there is none)."""
        check = self._check
        if check is None:
            return ""
        lines = [
            "Appendix FM money calculator",
            f"Stage: {STAGES[check.stage]}; application date: {long_date(check.application_date)}",
            f"Income: {_money(check.income)} a year",
        ]
        if check.savings_held is not None:
            held = {True: "yes", False: "no", None: "not said"}[check.savings_held_6_months]
            lines.append(
                f"Savings: {_money(check.savings_held)} "
                f"(held {check.savings_months} months: {held})"
            )
        if check.exempt:
            lines.append("Sponsor gets a listed disability benefit: yes")
        lines.append(f"Result: {HEADLINES[check.verdict]}")
        if not check.exempt:
            lines.append(f"Income threshold: {_money(check.income_threshold)}")
            if check.shortfall:
                lines.append(f"Shortfall: {_money(check.shortfall)}")
                lines.append(f"Savings needed: {check.savings_sum()}")
        lines.append("Why:")
        lines += [f"- {f.text} ({f.rule})" for f in check.findings]
        lines.append("In plain words, for the client:")
        lines.append(" ".join(check.client_sentences()))
        return "\n".join(lines)

    def copy_result(self) -> None:
        text = self.result_text()
        if text:
            QGuiApplication.clipboard().setText(text)
