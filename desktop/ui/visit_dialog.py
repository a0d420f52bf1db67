"""Log a visit (Ctrl+Shift+V on the client page), or edit one: a record of one contact with the
client (OISC Code of Standards 2016 code 53: an adequate record of all interactions; code 54:
the record names the adviser).

Fields: the date (today), the adviser (the session's), how the contact was (in person, phone,
letter, email, video), the minutes it took, what was asked, the advice given, the next steps,
the information given to the client and its source, the matter it was for (optional: the
client's open matters) and the centre (from Settings).

The dialog writes itself on OK (`desktop.store.casework.add_visit` / `update_visit`, one
transaction with its audit entry) and is accepted only when it wrote. Bad input gets a line
naming the field under the form and a red border on it; the dialog stays open with everything
typed. Nothing typed is lost: the dialog takes part in desktop.ui.kept_drafts (kind "visit":
`draft_payload()` / `restore_draft()`), so a lock, a quit or an unexpected error keeps it as an
encrypted draft that the client page offers back; Cancel with something typed asks first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.store import drafts
from desktop.store.casework import MAX_MINUTES, VISIT_HOWS
from desktop.store.repository import CENTRE_NAME_SETTING, get_setting
from desktop.ui.prompts import store_write_problem
from desktop.ui.widgets.date_field import DateField
from desktop.ui.widgets.form_feedback import FormErrors
from desktop.ui.widgets.kept_fields import KeptForm, select_data, show_problems

#: The kept-draft kind of this form (desktop.store.drafts; offered back by the client page).
VISIT_DRAFT = "visit"
NEW_LABEL = "a 'Log a visit' form"
EDIT_LABEL = "an 'Edit visit' form"

#: How the contact was: stored key -> words (the store's list).
HOW_LABELS = VISIT_HOWS
NO_MATTER = "Not for a particular matter"

#: The form's fields by the names the store's CaseworkProblem.field uses.
TEXT_FIELDS = ("asked", "advice", "next_steps", "info_given")


def open_matters(casework: Any, keep: int | None = None) -> list[tuple[int, str]]:
    """(id, title) of the client's open matters, and of `keep` (the matter a visit being edited
    is for) even when it has closed."""
    out = []
    for matter in getattr(casework, "matters", ()) or ():
        if matter.closed is None or matter.id == keep:
            out.append((matter.id, matter.title or f"Matter {matter.id}"))
    return out


class VisitDialog(KeptForm, QDialog):
    """Log a visit (`visit` None) or edit one (a `desktop.store.casework.Visit`)."""

    draft_kind = VISIT_DRAFT

    def __init__(
        self,
        store,
        client_id: int,
        adviser: str,
        today_provider: Callable[[], date] = date.today,
        visit: Any = None,
        parent: QWidget | None = None,
        *,
        matters: list[tuple[int, str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._client_id = client_id
        self._adviser = adviser
        self._today = today_provider
        self._visit = visit
        #: The id of the visit written (set once saved).
        self.visit_id: int | None = getattr(visit, "id", None)
        self.draft_context = {"visit_id": self.visit_id}
        self.setWindowTitle("Edit visit" if visit is not None else "Log a visit")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(560)

        centre = getattr(visit, "centre", None)
        if matters is None or (visit is None and centre is None):
            found_matters, found_centre = self._read(visit)
            matters = found_matters if matters is None else matters
            centre = found_centre if centre is None else centre

        self.on_field = DateField(required=True, label="Date of the visit")
        self.adviser_field = QLineEdit()
        self.adviser_field.setMaxLength(100)
        self.adviser_field.setAccessibleName("Adviser")
        self.how_field = QComboBox()
        self.how_field.setAccessibleName("How the contact was")
        for key, words in HOW_LABELS.items():
            self.how_field.addItem(words, key)
        self.minutes_field = QSpinBox()
        self.minutes_field.setRange(0, MAX_MINUTES)
        self.minutes_field.setSingleStep(5)
        self.minutes_field.setSuffix(" min")
        self.minutes_field.setAccessibleName("Time spent, in minutes")
        self.asked_field = self._text("What the client asked")
        self.advice_field = self._text("Advice given")
        self.next_steps_field = self._text("Next steps")
        self.info_given_field = self._text("Information given to the client")
        self.info_source_field = QLineEdit()
        self.info_source_field.setAccessibleName("Source of the information given")
        self.info_source_field.setPlaceholderText("e.g. GOV.UK page, leaflet, Immigration Rules")
        self.matter_field = QComboBox()
        self.matter_field.setAccessibleName("Matter the visit was for")
        self.matter_field.addItem(NO_MATTER, None)
        for matter_id, title in matters or []:
            self.matter_field.addItem(title, matter_id)
        self.centre_field = QLineEdit()
        self.centre_field.setMaxLength(200)
        self.centre_field.setAccessibleName("Centre")

        form = QFormLayout()
        rows: list[tuple[str, QWidget]] = [
            ("&Date", self.on_field),
            ("Ad&viser", self.adviser_field),
            ("&How", self.how_field),
            ("&Minutes", self.minutes_field),
            ("What was &asked", self.asked_field),
            ("Advice &given", self.advice_field),
            ("&Next steps", self.next_steps_field),
            ("&Information given", self.info_given_field),
            ("Its &source", self.info_source_field),
            ("Ma&tter", self.matter_field),
            ("&Centre", self.centre_field),
        ]
        for text, field in rows:
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        self.errors = FormErrors()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Save visit")
        save.setAccessibleName("Save the visit")
        save.setToolTip("Save the visit (Ctrl+Return)")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(self.buttons)
        ordered = [field for _text, field in rows] + [
            save,
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
        ]
        for first, second in zip(ordered, ordered[1:], strict=False):
            self.setTabOrder(first, second)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.activated.connect(self.save)

        self._fill(visit, centre or "")
        self._initial = self.field_texts()
        self.on_field.setFocus()

    # ---- building ------------------------------------------------------------------------------
    def _text(self, name: str) -> QPlainTextEdit:
        field = QPlainTextEdit()
        field.setAccessibleName(name)
        field.setTabChangesFocus(True)
        field.setFixedHeight(self.fontMetrics().height() * 3 + 14)
        return field

    def _read(self, visit) -> tuple[list[tuple[int, str]], str]:
        """The client's open matters and the centre's name in Settings (none when unreadable:
        the form still opens)."""
        from desktop.store.casework import casework_of

        try:
            with self._store.read_session() as session:
                matters = open_matters(
                    casework_of(session, self._client_id), getattr(visit, "matter_id", None)
                )
                centre = get_setting(session, CENTRE_NAME_SETTING, "") or ""
        except Exception:  # noqa: BLE001 - the form opens without the choices
            return [], ""
        return matters, centre

    def _fill(self, visit, centre: str) -> None:
        if visit is None:
            self.on_field.setDate(self._today())
            self.adviser_field.setText(self._adviser)
            self.centre_field.setText(centre)
            return
        self.on_field.setDate(visit.on)
        self.adviser_field.setText(visit.adviser or "")
        self._select(self.how_field, visit.how)
        self.minutes_field.setValue(max(0, min(MAX_MINUTES, int(visit.minutes or 0))))
        self.asked_field.setPlainText(visit.asked or "")
        self.advice_field.setPlainText(visit.advice or "")
        self.next_steps_field.setPlainText(visit.next_steps or "")
        self.info_given_field.setPlainText(visit.info_given or "")
        self.info_source_field.setText(visit.info_source or "")
        if visit.matter_id is not None and self.matter_field.findData(visit.matter_id) < 0:
            self.matter_field.addItem(f"Matter {visit.matter_id}", visit.matter_id)
        self._select(self.matter_field, visit.matter_id)
        self.centre_field.setText(visit.centre or "")

    _select = staticmethod(select_data)

    # ---- the fields as typed (drafts) ---------------------------------------------------------------
    def _fields(self) -> dict[str, QWidget]:
        return {
            "on": self.on_field,
            "adviser": self.adviser_field,
            "how": self.how_field,
            "minutes": self.minutes_field,
            "asked": self.asked_field,
            "advice": self.advice_field,
            "next_steps": self.next_steps_field,
            "info_given": self.info_given_field,
            "info_source": self.info_source_field,
            "matter_id": self.matter_field,
            "centre": self.centre_field,
        }

    _kept_fields = _fields

    def draft_label(self) -> str:
        return EDIT_LABEL if self._visit is not None else NEW_LABEL

    # ---- checking and saving -----------------------------------------------------------------
    def problems(self) -> list[tuple[QWidget, str]]:
        """(field, one line naming it) for everything that stops the save; never a value."""
        found: list[tuple[QWidget, str]] = []
        today = self._today()
        day = self.on_field.date()
        if self.on_field.is_empty():
            found.append((self.on_field, "Date of the visit: type the day the client was seen."))
        elif day is None:
            found.append(
                (self.on_field, self.on_field.error() or "Date of the visit: not a real date.")
            )
        elif day > today:
            found.append(
                (
                    self.on_field,
                    "Date of the visit: it is after today. Log a visit on or after the day it "
                    "happened.",
                )
            )
        if not self.adviser_field.text().strip():
            found.append((self.adviser_field, "Adviser: type who saw the client."))
        if not (self.asked_field.toPlainText().strip() or self.advice_field.toPlainText().strip()):
            found.append(
                (
                    self.asked_field,
                    "What was asked: say what the client asked or the advice given (OISC code "
                    "53: a record of every contact).",
                )
            )
        if (
            self.info_given_field.toPlainText().strip()
            and not self.info_source_field.text().strip()
        ):
            found.append(
                (
                    self.info_source_field,
                    "Source of the information given: say where it comes from (e.g. GOV.UK).",
                )
            )
        return found

    def _show_problems(self, found: list[tuple[QWidget, str]]) -> None:
        show_problems(self, found)

    def entry(self):
        """The `desktop.store.casework.VisitEntry` the form holds (checked: `problems()` empty)."""
        from desktop.store.casework import VisitEntry

        return VisitEntry(
            matter_id=self.matter_field.currentData(),
            on=self.on_field.date(),
            adviser=self.adviser_field.text().strip(),
            how=self.how_field.currentData(),
            minutes=self.minutes_field.value(),
            asked=self.asked_field.toPlainText().strip(),
            advice=self.advice_field.toPlainText().strip(),
            next_steps=self.next_steps_field.toPlainText().strip(),
            info_given=self.info_given_field.toPlainText().strip(),
            info_source=self.info_source_field.text().strip(),
            centre=self.centre_field.text().strip(),
        )

    def save(self) -> bool:
        """Check, then write the visit and drop its kept draft in one transaction; accepted
        only when written. A problem keeps the dialog open with everything typed."""
        found = self.problems()
        self._show_problems(found)
        if found:
            return False
        from desktop.store.casework import CaseworkProblem, add_visit, update_visit

        try:
            entry = self.entry()
            with self._store.session() as session:
                if self._visit is None:
                    self.visit_id = add_visit(session, self._client_id, entry, self._adviser)
                else:
                    update_visit(session, self._visit.id, entry, self._adviser)
                drafts.drop(session, self._client_id, VISIT_DRAFT)  # the same transaction
        except CaseworkProblem as exc:
            field = self._fields().get(getattr(exc, "field", "") or "")
            self._show_problems([(field or self.on_field, str(exc))])
            if self._visit is None:
                self.visit_id = None
            return False
        except Exception as exc:  # noqa: BLE001 - the form stays open with what was typed
            if self._visit is None:
                self.visit_id = None
            self.errors.set_messages(
                [f"The visit was not saved: {store_write_problem(exc).rstrip('.')}. Try again."]
            )
            return False
        self.accept()
        return True

    def reject(self) -> None:
        if self.may_close(
            "Discard this visit?",
            "You have typed a visit that is not saved. Close without saving it?",
            yes="Discard",
        ):
            super().reject()
