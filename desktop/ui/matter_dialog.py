"""New matter, Edit matter and Close matter: one piece of work for a client ("partner
extension", "fee waiver", "appeal").

Fields: title, category (the labels in resources/rules/casework.toml), the OISC category of the
work, the level it needs when the adviser sets it by hand ("From the level check" leaves it to
the check), the adviser, opened, closed, the outcome (only from the list in the same file; a
closed matter needs one, and choosing one that closes the matter puts today in "Closed" when
it is empty), the day the centre heard of the decision, the day the client was told, the day
the client care letter was agreed and how (signed, or electronic evidence: OISC code 25), the
application in the history it is for and the permission it produced, and notes.

The level check (`desktop.rules.casework.level_check`, as `desktop.store.casework.
level_check_for` works it out for a saved matter) is worked out live from the form's values and
the client's history, and shown with its reasons and their sources. When the adviser's level
is too low or not recorded a red line says so, with "Refer to another adviser…": it saves the
matter, closes the form and the tab asks the page to open the referral (`wants_referral`).

The dialog writes itself on OK (`add_matter` / `update_matter`: one transaction with its audit
entry) and is accepted only when it wrote; a problem is shown in place, naming the field, with
everything typed kept. Nothing typed is lost: kept-draft kind "matter" over a lock or a quit,
and Cancel with something typed asks first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.store import drafts
from desktop.store.repository import CENTRE_NAME_SETTING, get_setting, load_history
from desktop.ui.prompts import store_write_problem
from desktop.ui.widgets.date_field import DateField
from desktop.ui.widgets.form_feedback import FormErrors
from desktop.ui.widgets.kept_fields import KeptForm, select_data, show_problems

MATTER_DRAFT = "matter"
NEW_LABEL = "a 'New matter' form"
EDIT_LABEL = "an 'Edit matter' form"

OISC_CATEGORY_LABELS: dict[str, str] = {
    "immigration": "Immigration",
    "asylum_protection": "Asylum and Protection",
}
LEVEL_CHOICES: tuple[tuple[str, int | None], ...] = (
    ("From the level check", None),
    ("Level 1 (Advice and Assistance)", 1),
    ("Level 2 (Casework)", 2),
    ("Level 3 (Advocacy and Representation)", 3),
)
CLIENT_CARE_HOW: tuple[tuple[str, str], ...] = (
    ("Not recorded", ""),
    ("Signed and dated copy", "signed"),
    ("Electronic evidence", "electronic"),
)
NOT_CLOSED = "Not closed (no outcome yet)"
NONE_LINKED = "None"
LEVEL_NAMES = {
    0: "not authorised",
    1: "Level 1",
    2: "Level 2",
    3: "Level 3",
    4: "regulated otherwise (solicitor, barrister or CILEx)",
}
REFER = "Refer to another adviser…"
_RED = "color: #8c1d18; font-weight: bold;"
_GOOD = "color: #1e5f2b;"


def level_words(level: int | None) -> str:
    return "not recorded" if level is None else LEVEL_NAMES.get(level, f"Level {level}")


def check_line(check, adviser: str) -> str:
    """The level check in one line: what the work needs and what the adviser holds."""
    who = adviser.strip() or "The adviser"
    category = OISC_CATEGORY_LABELS.get(check.category, check.category)
    needs = f"This work needs OISC Level {check.needed} in {category}"
    if check.ok is None:
        if check.adviser_level is None:
            return f"{needs}; {who}'s OISC level is not recorded: check it, or refer the client."
        return f"{needs}; {who}'s level was recorded for the other category: check it."
    if check.ok:
        return f"{needs}; {who} is {level_words(check.adviser_level)}: that is enough."
    return (
        f"{needs}; {who} is {level_words(check.adviser_level)}. Refer the client to an adviser "
        f"at Level {check.needed} or above."
    )


class MatterDialog(KeptForm, QDialog):
    """New matter (`matter` None), edit one, or close one (`closing`)."""

    draft_kind = MATTER_DRAFT
    #: The level check was worked out again (tests, and the screen reader's live region).
    level_checked = Signal(object)

    def __init__(
        self,
        store,
        client_id: int,
        adviser: str,
        today_provider: Callable[[], date] = date.today,
        matter: Any = None,
        parent: QWidget | None = None,
        *,
        closing: bool = False,
    ) -> None:
        super().__init__(parent)
        from desktop.assess import load_casework, load_figures

        self._store = store
        self._client_id = client_id
        self._adviser = adviser
        self._today = today_provider
        self._matter = matter
        self._closing = closing and matter is not None
        #: Set by "Refer to another adviser…": the opener asks for the referral once saved.
        self.wants_referral = False
        self.matter_id: int | None = getattr(matter, "id", None)
        self.draft_context = {"matter_id": self.matter_id}
        self._data = load_casework()
        self._figures = load_figures()
        title = "Close matter" if self._closing else "Edit matter" if matter else "New matter"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(620)

        found = self._read()
        self._history = found["history"]
        self._levels: dict[str, tuple[int | None, int | None]] = found["levels"]
        self._centre = getattr(matter, "centre", None) or found["centre"]

        self.title_field = QLineEdit()
        self.title_field.setMaxLength(200)
        self.title_field.setAccessibleName("Matter title")
        self.title_field.setPlaceholderText("e.g. partner extension, fee waiver, appeal")
        self.category_field = QComboBox()
        self.category_field.setAccessibleName("Category of the work")
        for key, category in self._data.categories.items():
            self.category_field.addItem(category.label, key)
        self.oisc_field = QComboBox()
        self.oisc_field.setAccessibleName("OISC category")
        for key, words in OISC_CATEGORY_LABELS.items():
            self.oisc_field.addItem(words, key)
        self.level_field = QComboBox()
        self.level_field.setAccessibleName("OISC level the work needs")
        for words, level in LEVEL_CHOICES:
            self.level_field.addItem(words, level)
        self.adviser_field = QLineEdit()
        self.adviser_field.setMaxLength(100)
        self.adviser_field.setAccessibleName("Adviser")
        self.opened_field = DateField(required=True, label="Opened on")
        self.closed_field = DateField(label="Closed on")
        self.outcome_field = QComboBox()
        self.outcome_field.setAccessibleName("Outcome")
        self.outcome_field.addItem(NOT_CLOSED, None)
        for key, outcome in self._data.outcomes.items():
            self.outcome_field.addItem(outcome.label, key)
        self.decision_field = DateField(label="Decision heard of on")
        days = self._figures.leniently().entry("casework.outcome_working_days", self._today())
        self.decision_field.setToolTip(
            "The day the centre was told of the Home Office or Tribunal decision: the client "
            f"is told in writing within {days.value} working days ({days.rule})"
        )
        self.told_field = DateField(label="Client told of the outcome on")
        self.care_field = DateField(label="Client care agreed on")
        self.care_how_field = QComboBox()
        self.care_how_field.setAccessibleName("How the client care agreement is recorded")
        for words, key in CLIENT_CARE_HOW:
            self.care_how_field.addItem(words, key)
        self.application_field = QComboBox()
        self.application_field.setAccessibleName("Application the matter is for")
        self.application_field.addItem(NONE_LINKED, None)
        for app_id, words in found["applications"]:
            self.application_field.addItem(words, app_id)
        self.permission_field = QComboBox()
        self.permission_field.setAccessibleName("Permission the application produced")
        self.permission_field.addItem(NONE_LINKED, None)
        for permission_id, words in found["permissions"]:
            self.permission_field.addItem(words, permission_id)
        self.notes_field = QPlainTextEdit()
        self.notes_field.setAccessibleName("Notes on the matter")
        self.notes_field.setTabChangesFocus(True)
        self.notes_field.setFixedHeight(self.fontMetrics().height() * 3 + 14)

        # The level check, live.
        self.check_box = QFrame()
        self.check_box.setObjectName("levelCheck")
        self.check_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.check_line = QLabel()
        self.check_line.setWordWrap(True)
        self.check_line.setTextFormat(Qt.TextFormat.PlainText)
        self.check_line.setAccessibleName("Level check")
        self.check_reasons = QLabel()
        self.check_reasons.setWordWrap(True)
        self.check_reasons.setTextFormat(Qt.TextFormat.PlainText)
        self.check_reasons.setAccessibleName("Level check reasons")
        self.check_reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.refer_button = QPushButton(REFER)
        self.refer_button.setAccessibleName(
            "Save the matter and refer the client to another adviser"
        )
        self.refer_button.setToolTip(
            "Save this matter, then write a referral file of the client for an adviser at the "
            "level the work needs"
        )
        self.refer_button.setAutoDefault(False)
        self.refer_button.clicked.connect(self.refer)
        check_top = QHBoxLayout()
        check_top.addWidget(self.check_line, 1)
        check_top.addWidget(self.refer_button, 0, Qt.AlignmentFlag.AlignTop)
        check_layout = QVBoxLayout(self.check_box)
        check_layout.setContentsMargins(6, 4, 6, 4)
        check_layout.addLayout(check_top)
        check_layout.addWidget(self.check_reasons)

        care_row = QHBoxLayout()
        care_row.addWidget(self.care_field, 1)
        care_row.addWidget(self.care_how_field, 1)
        form = QFormLayout()
        rows: list[tuple[str, QWidget | QHBoxLayout]] = [
            ("&Title", self.title_field),
            ("Cate&gory", self.category_field),
            ("O&ISC category", self.oisc_field),
            ("Level &needed", self.level_field),
            ("Ad&viser", self.adviser_field),
            ("&Opened", self.opened_field),
            ("&Closed", self.closed_field),
            ("O&utcome", self.outcome_field),
            ("&Decision heard of", self.decision_field),
            ("Client to&ld on", self.told_field),
            ("Client c&are agreed", care_row),
            ("A&pplication", self.application_field),
            ("Per&mission produced", self.permission_field),
            ("Not&es", self.notes_field),
        ]
        buddies = {"Client c&are agreed": self.care_field}
        for text, field in rows:
            label = QLabel(text)
            label.setBuddy(buddies.get(text, field))  # type: ignore[arg-type]
            form.addRow(label, field)
        self.errors = FormErrors()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Close matter" if self._closing else "Save matter")
        save.setAccessibleName(save.text())
        save.setToolTip(f"{save.text()} (Ctrl+Return)")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.check_box)
        layout.addWidget(self.errors)
        layout.addWidget(self.buttons)
        ordered = [
            self.title_field,
            self.category_field,
            self.oisc_field,
            self.level_field,
            self.adviser_field,
            self.opened_field,
            self.closed_field,
            self.outcome_field,
            self.decision_field,
            self.told_field,
            self.care_field,
            self.care_how_field,
            self.application_field,
            self.permission_field,
            self.notes_field,
            self.refer_button,
            save,
            cancel,
        ]
        for first, second in zip(ordered, ordered[1:], strict=False):
            self.setTabOrder(first, second)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.save)

        self._fill(matter)
        self._initial = self.field_texts()
        self.category_field.currentIndexChanged.connect(self._category_changed)
        for combo in (self.oisc_field, self.level_field):
            combo.currentIndexChanged.connect(self.update_check)
        self.outcome_field.currentIndexChanged.connect(self._outcome_changed)
        for edit in (self.adviser_field, self.opened_field, self.closed_field):
            edit.textChanged.connect(self.update_check)
        self.application_field.currentIndexChanged.connect(self.update_check)
        self.update_check()
        (self.outcome_field if self._closing else self.title_field).setFocus()

    # ---- reading ---------------------------------------------------------------------------------
    def _read(self) -> dict[str, Any]:
        """The client's history (for the level check), the advisers' levels, the centre's
        name and the application and permission choices. Unreadable: the form opens without
        them (the check then rests on the category and the level set by hand)."""
        found: dict[str, Any] = {
            "history": None,
            "levels": {},
            "centre": "",
            "applications": [],
            "permissions": [],
        }
        from desktop.store import casework

        try:
            with self._store.read_session() as session:
                found["history"] = load_history(session, self._client_id)
                found["centre"] = get_setting(session, CENTRE_NAME_SETTING, "") or ""
                found["levels"] = dict(casework.adviser_levels(session))
                found["applications"] = list(casework.application_choices(session, self._client_id))
                found["permissions"] = list(casework.permission_choices(session, self._client_id))
        except Exception:  # noqa: BLE001 - the form still opens
            pass
        return found

    def _fill(self, matter) -> None:
        if matter is None:
            self.adviser_field.setText(self._adviser)
            self.opened_field.setDate(self._today())
            self._category_changed()
            return
        self.title_field.setText(matter.title or "")
        if self.category_field.findData(matter.category) < 0:
            self.category_field.addItem(matter.category, matter.category)  # an older file's key
        self._select(self.category_field, matter.category)
        self._select(self.oisc_field, matter.oisc_category)
        self._select(self.level_field, matter.needed_level)
        self.adviser_field.setText(matter.adviser or "")
        self.opened_field.setDate(matter.opened)
        self.closed_field.setDate(matter.closed)
        if matter.outcome and self.outcome_field.findData(matter.outcome) < 0:
            self.outcome_field.addItem(matter.outcome, matter.outcome)
        self._select(self.outcome_field, matter.outcome)
        self.decision_field.setDate(matter.decision_on)
        self.told_field.setDate(matter.outcome_told_on)
        self.care_field.setDate(matter.client_care_agreed_on)
        self._select(self.care_how_field, matter.client_care_how or "")
        for combo, value in (
            (self.application_field, matter.application_id),
            (self.permission_field, matter.permission_id),
        ):
            if value is not None and combo.findData(value) < 0:
                combo.addItem(f"Record {value}", value)
            self._select(combo, value)
        self.notes_field.setPlainText(matter.notes or "")
        if self._closing and matter.closed is None:
            self.closed_field.setDate(self._today())

    _select = staticmethod(select_data)

    def _category_changed(self, *_args) -> None:
        category = self._data.categories.get(self.category_field.currentData())
        if category is not None:
            self._select(self.oisc_field, category.oisc_category)
        self.update_check()

    def _outcome_changed(self, *_args) -> None:
        outcome = self._data.outcomes.get(self.outcome_field.currentData())
        if outcome is not None and outcome.closes and self.closed_field.is_empty():
            self.closed_field.setDate(self._today())
        self.update_check()

    # ---- the level check ---------------------------------------------------------------------------
    def adviser_level(self) -> int | None:
        """The adviser's recorded level in the form's OISC category (None: not recorded)."""
        levels = self._levels.get(self.adviser_field.text().strip())
        if levels is None:
            return None
        return levels[1] if self.oisc_field.currentData() == "asylum_protection" else levels[0]

    def facts(self):
        """The form's values as `desktop.rules.casework.MatterFacts` (for the level check)."""
        from desktop.rules.casework import MatterFacts

        return MatterFacts(
            id=self.matter_id or 0,
            title=self.title_field.text().strip(),
            category=self.category_field.currentData() or "other",
            oisc_category=self.oisc_field.currentData() or "immigration",
            needed_level=self.level_field.currentData(),
            adviser=self.adviser_field.text().strip(),
            adviser_level=self.adviser_level(),
            opened=self.opened_field.date() or self._today(),
            closed=self.closed_field.date(),
            outcome=self.outcome_field.currentData(),
            decision_on=self.decision_field.date(),
            outcome_told_on=self.told_field.date(),
            client_care_agreed_on=self.care_field.date(),
            application_id=self.application_field.currentData(),
        )

    def level_check(self):
        """The level check of the form's values (None when it cannot be worked out)."""
        from desktop.assess import LazyBankHolidays
        from desktop.board import DEFAULT_REGION
        from desktop.rules.casework import level_check

        today = self._today()
        try:
            holidays = LazyBankHolidays(DEFAULT_REGION, today.year - 2, today.year + 1)
            return level_check(
                self.facts(),
                self._history,
                today,
                self._data,
                figures=self._figures,
                bank_holidays=holidays,
            )
        except Exception:  # noqa: BLE001 - the form works without it
            return None

    def update_check(self, *_args) -> None:
        check = self.level_check()
        self.check = check
        if check is None:
            self.check_line.setText("The level check could not be worked out for this matter.")
            self.check_line.setStyleSheet("")
            self.check_reasons.clear()
            self.refer_button.hide()
            self.level_checked.emit(None)
            return
        line = check_line(check, self.adviser_field.text())
        self.check_line.setText(line)
        self.check_line.setAccessibleDescription(line)
        warn = check.ok is not True
        self.check_line.setStyleSheet(_RED if warn else _GOOD)
        self.check_reasons.setText(
            "\n".join(
                f"• {sentence} ({rule})" if rule else f"• {sentence}"
                for sentence, rule in check.reasons
            )
        )
        self.refer_button.setVisible(warn)
        self.level_checked.emit(check)

    # ---- the fields as typed (drafts) ---------------------------------------------------------------
    def _fields(self) -> dict[str, QWidget]:
        return {
            "title": self.title_field,
            "category": self.category_field,
            "oisc_category": self.oisc_field,
            "needed_level": self.level_field,
            "adviser": self.adviser_field,
            "opened": self.opened_field,
            "closed": self.closed_field,
            "outcome": self.outcome_field,
            "decision_on": self.decision_field,
            "outcome_told_on": self.told_field,
            "client_care_agreed_on": self.care_field,
            "client_care_how": self.care_how_field,
            "application_id": self.application_field,
            "permission_id": self.permission_field,
            "notes": self.notes_field,
        }

    _kept_fields = _fields

    def _draft_extra(self) -> dict[str, Any]:
        return {"closing": self._closing}

    def draft_label(self) -> str:
        if self._closing:
            return "a 'Close matter' form"
        return EDIT_LABEL if self._matter is not None else NEW_LABEL

    def _after_restore(self) -> None:
        self.update_check()

    # ---- checking and saving -----------------------------------------------------------------
    def _date_problem(self, field: DateField, name: str, today: date) -> str | None:
        if field.is_empty():
            return None
        day = field.date()
        if day is None:
            return field.error() or f"{name}: not a real date."
        if day > today:
            return f"{name}: it is after today."
        return None

    def problems(self) -> list[tuple[QWidget, str]]:
        """(field, one line naming it) for everything that stops the save; never a value."""
        today = self._today()
        found: list[tuple[QWidget, str]] = []
        if not self.title_field.text().strip():
            found.append(
                (self.title_field, "Title: say what the matter is (e.g. partner extension).")
            )
        if not self.adviser_field.text().strip():
            found.append((self.adviser_field, "Adviser: type who has the matter."))
        if self.opened_field.is_empty():
            found.append((self.opened_field, "Opened on: type the day the matter was opened."))
        for field, name in (
            (self.opened_field, "Opened on"),
            (self.closed_field, "Closed on"),
            (self.decision_field, "Decision heard of on"),
            (self.told_field, "Client told on"),
            (self.care_field, "Client care agreed on"),
        ):
            problem = self._date_problem(field, name, today)
            if problem:
                found.append((field, problem))
        opened, closed = self.opened_field.date(), self.closed_field.date()
        if opened and closed and closed < opened:
            found.append((self.closed_field, "Closed on: it is before the day the matter opened."))
        outcome = self.outcome_field.currentData()
        if (closed is not None or self._closing) and outcome is None:
            found.append(
                (self.outcome_field, "Outcome: closing a matter needs an outcome from the list.")
            )
        if self._closing and self.closed_field.is_empty():
            found.append((self.closed_field, "Closed on: type the day the matter closed."))
        chosen = self._data.outcomes.get(outcome) if outcome else None
        if chosen is not None and chosen.closes and self.closed_field.is_empty():
            if not self._closing:
                found.append(
                    (self.closed_field, "Closed on: that outcome closes the matter; type the day.")
                )
        decided, told = self.decision_field.date(), self.told_field.date()
        if decided and told and told < decided:
            found.append(
                (self.told_field, "Client told on: it is before the day the decision was heard of.")
            )
        how = self.care_how_field.currentData()
        if self.care_field.date() is not None and not how:
            found.append(
                (
                    self.care_how_field,
                    "Client care agreement: say how it is recorded (signed copy or electronic "
                    "evidence, OISC code 25).",
                )
            )
        if how and self.care_field.is_empty():
            found.append((self.care_field, "Client care agreed on: type the day it was agreed."))
        return found

    def _show_problems(self, found: list[tuple[QWidget, str]]) -> None:
        show_problems(self, found)

    def entry(self):
        """The `desktop.store.casework.MatterEntry` the form holds (checked first)."""
        from desktop.store.casework import MatterEntry

        return MatterEntry(
            title=self.title_field.text().strip(),
            category=self.category_field.currentData() or "other",
            oisc_category=self.oisc_field.currentData() or "immigration",
            needed_level=self.level_field.currentData(),
            adviser=self.adviser_field.text().strip(),
            adviser_level=self.adviser_level(),
            centre=self._centre or "",
            opened=self.opened_field.date(),
            closed=self.closed_field.date(),
            outcome=self.outcome_field.currentData(),
            decision_on=self.decision_field.date(),
            outcome_told_on=self.told_field.date(),
            client_care_agreed_on=self.care_field.date(),
            client_care_how=self.care_how_field.currentData() or "",
            application_id=self.application_field.currentData(),
            permission_id=self.permission_field.currentData(),
            notes=self.notes_field.toPlainText().strip(),
        )

    def refer(self) -> bool:
        """ "Refer to another adviser…": save, then the opener opens the referral."""
        self.wants_referral = True
        if not self.save():
            self.wants_referral = False
            return False
        return True

    def save(self) -> bool:
        found = self.problems()
        self._show_problems(found)
        if found:
            return False
        from desktop.store.casework import CaseworkProblem, add_matter, update_matter

        try:
            entry = self.entry()
            with self._store.session() as session:
                if self._matter is None:
                    matter_id = add_matter(session, self._client_id, entry, self._adviser)
                else:
                    matter_id = self._matter.id
                    update_matter(session, matter_id, entry, self._adviser)
                drafts.drop(session, self._client_id, MATTER_DRAFT)  # the same transaction
        except CaseworkProblem as exc:
            field = self._fields().get(getattr(exc, "field", "") or "")
            self._show_problems([(field or self.title_field, str(exc))])
            return False
        except Exception as exc:  # noqa: BLE001 - the form stays open with what was typed
            problem = store_write_problem(exc).rstrip(".")
            self.errors.set_messages([f"The matter was not saved: {problem}. Try again."])
            return False
        self.matter_id = matter_id
        self.accept()
        return True

    def reject(self) -> None:
        if self.may_close(
            "Discard this matter?",
            "You have typed changes to a matter that are not saved. Close without saving them?",
            yes="Discard",
        ):
            super().reject()
