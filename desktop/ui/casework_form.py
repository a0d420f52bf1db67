"""What the casework record dialogs share (issue 22): the complaint, consent and access request
dialogs are a form that writes itself on OK.

OK checks the form first (every problem named by its field, under the form, the field marked),
then writes in ONE transaction through desktop.store.casework. A problem the store finds
(`CaseworkProblem`, which names its field, never its value) is shown the same way; the dialog
stays open with everything typed, and `exec()` returns Accepted only when the row was written.

Nothing typed is lost: each form takes part in desktop.ui.kept_drafts (its `draft_kind`, named
in kept_drafts.LABELS; `draft_payload()` / `restore_draft()` over the fields added with `add_row`),
so a lock, a quit or an unexpected error keeps what was typed as an encrypted draft that the
client page offers back; Cancel with something typed asks first; Save drops the draft in the
same transaction as the row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.store import drafts
from desktop.ui import kept_drafts, prompts
from desktop.ui.widgets.date_field import DateField
from desktop.ui.widgets.form_feedback import FormErrors, mark_invalid
from desktop.ui.widgets.kept_fields import KeptForm, field_values

TodayProvider = Callable[[], date]
#: (the field's key, the sentence naming it) for each problem found before writing.
Problem = tuple[str, str]

#: The kept-draft kind of each record form (desktop.store.drafts; its words on the lock screen
#: and the client page are kept_drafts.LABELS'). The Casework tab opens them again.
COMPLAINT_DRAFT = "complaint"
CONSENT_DRAFT = "consent"
ACCESS_REQUEST_DRAFT = "access_request"
#: The payload's key for the row being edited (None: a new row).
ROW_KEY = "row_id"


def date_field(label: str, *, required: bool = False, value: date | None = None) -> DateField:
    field = DateField(required=required, label=label)
    field.setDate(value)
    return field


def choice_combo(accessible: str, choices: dict[str, str], current: str | None) -> QComboBox:
    """A drop-down of `choices` (key -> words), the key `current` chosen when it is one."""
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    for key, words in choices.items():
        combo.addItem(words, key)
    index = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(max(index, 0))
    return combo


def row_adviser(row, adviser: str) -> str:
    """The adviser named on a row: who recorded it (kept on an edit), else the one now."""
    return (getattr(row, "adviser", "") or adviser) if row is not None else adviser


def date_problems(*fields: DateField) -> list[Problem]:
    """A date typed that is not a date (or a required one left empty): named by its label."""
    return [(f.label, f.error() or "") for f in fields if not f.is_valid()]


def not_after(field: DateField, limit: date, what: str) -> list[Problem]:
    value = field.date()
    if value is not None and value > limit:
        return [(field.label, f"{field.label} cannot be after {what}.")]
    return []


def not_before(field: DateField, start: date | None, what: str) -> list[Problem]:
    value = field.date()
    if value is not None and start is not None and value < start:
        return [(field.label, f"{field.label} cannot be before {what}.")]
    return []


def text_box(accessible: str, text: str = "", lines: int = 3) -> QPlainTextEdit:
    """A few lines of text in a form; Tab moves on, as in every other field."""
    box = QPlainTextEdit(text)
    box.setAccessibleName(accessible)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * (lines + 1) + 12)
    return box


def in_order(
    first: DateField, later: tuple[DateField, ...], today: date, since: str
) -> list[Problem]:
    """The usual checks of a record's dates: none after today, and each of `later` (an
    answer, an acknowledgement, a withdrawal) not before `first` ("the day it was asked")."""
    found = not_after(first, today, "today")
    for field in later:
        found += not_after(field, today, "today")
        found += not_before(field, first.date(), since)
    return found


def note_problems(note: QPlainTextEdit, limit: int) -> list[Problem]:
    if len(note.toPlainText().strip()) > limit:
        return [("note", f"Note: too long ({limit} characters at most).")]
    return []


class CaseworkFormDialog(KeptForm, QDialog):
    """A form that writes one casework row on OK (subclasses: `problems()`, `write()`, their
    `draft_kind` and `editing`, the row being edited or None)."""

    #: The kept-draft kind (one of the three above); None: the form is not kept.
    draft_kind: str | None = None

    def __init__(
        self,
        store,
        client_id: int,
        adviser: str,
        today_provider: TodayProvider,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.client_id = client_id
        self.adviser = adviser
        self.today_provider = today_provider
        #: True once the row is in the store (exec() is Accepted only then).
        self.written = False
        #: The id of the row written (a new row's id, or the row edited).
        self.written_id: int | None = None
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        #: The row being edited (a subclass sets it), or None for a new row.
        self.editing = None
        self.form = QFormLayout()
        self._fields: dict[str, QWidget] = {}
        #: The fields a draft keeps (by their first key) and what each held when added.
        self._draft_fields: dict[str, QWidget] = {}
        self._initial: dict[str, object] = {}
        self.errors = FormErrors()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Save")
        self.ok_button.setAccessibleName(f"Save: {title}")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.intro = QLabel("")
        self.intro.setWordWrap(True)
        self.intro.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.errors)
        layout.addWidget(self.buttons)

    def today(self) -> date:
        return self.today_provider()

    def add_row(self, text: str, widget: QWidget, *keys: str) -> QWidget:
        """A labelled row; `keys` are the names problems use for this field (the store's
        `CaseworkProblem.field`, a date field's label)."""
        label = QLabel(text)
        label.setBuddy(widget)
        self.form.addRow(label, widget)
        for key in keys:
            self._fields[key] = widget
        if isinstance(widget, DateField):
            self._fields[widget.label] = widget
        if keys:
            self._draft_fields[keys[0]] = widget
            self._initial.update(field_values({keys[0]: widget}))
        return widget

    # ---- the fields as typed (drafts) ------------------------------------------------------
    @property
    def draft_context(self) -> dict:
        """Merged into the draft: which row was being edited."""
        return {ROW_KEY: getattr(self.editing, "id", None)}

    def _kept_fields(self) -> dict[str, QWidget]:
        return self._draft_fields

    def draft_label(self) -> str:
        return kept_drafts.label_of(self.draft_kind or "", None)

    # ---- subclasses ------------------------------------------------------------------------
    def problems(self) -> list[Problem]:
        """What is wrong with the form as typed (nothing is written while any)."""
        return []

    def write(self, session) -> int | None:
        """Write the row in `session` (one transaction); the row's id."""
        raise NotImplementedError

    # ---- OK --------------------------------------------------------------------------------
    def show_problems(self, problems: list[Problem]) -> None:
        for widget in self._fields.values():
            mark_invalid(widget, None)
        for key, message in problems:
            widget = self._fields.get(key)
            if widget is not None:
                mark_invalid(widget, message)
        self.errors.set_messages([message for _key, message in problems])
        for key, _message in problems:
            widget = self._fields.get(key)
            if widget is not None:
                widget.setFocus()
                break

    def save(self) -> bool:
        """Check, then write in one transaction; the dialog closes only when it wrote."""
        from desktop.store.casework import CaseworkProblem

        found = self.problems()
        self.show_problems(found)
        if found:
            return False
        try:
            with self.store.session() as session:
                self.written_id = self.write(session)
                if self.draft_kind is not None:  # the same transaction as the row
                    drafts.drop(session, self.client_id, self.draft_kind)
        except CaseworkProblem as exc:
            self.show_problems([(getattr(exc, "field", "") or "", str(exc))])
            return False
        except Exception as exc:  # noqa: BLE001 - never a traceback; what was typed stays
            self.show_problems([("", f"Not saved: {prompts.store_write_problem(exc)}")])
            return False
        self.written = True
        super().accept()
        return True

    def accept(self) -> None:
        """Return (the default button) and OK both go through `save`."""
        if self.written:
            super().accept()
        else:
            self.save()

    def reject(self) -> None:
        """Cancel (or Escape): asks first when something was typed; a lock closes at once (the
        window kept what was typed as a draft)."""
        if self.may_close(
            "Discard what you typed?",
            f"{self.windowTitle()}: what you typed is not saved. Close without saving it?",
            yes="Discard",
        ):
            super().reject()
