"""The Notes tab: case notes (newest first) stamped with the session's adviser, and the audit trail.

A note typed but not added is never lost: opening another client keeps it as that client's
encrypted draft (desktop.store.drafts, kind "note"), the window keeps it over a lock, a quit
or an unexpected error (`pending_draft()`), and it is put back in the editor when the client
is opened again. Adding the note drops the draft in the same transaction.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.store import drafts
from desktop.store.repository import add_note, audit_of, notes_of
from desktop.ui.client_tab import ALL_KINDS, NOTES
from desktop.ui.kept_drafts import NOTE, Draft
from desktop.ui.widgets.dates import format_date

NOTE_RESTORED = "A note typed earlier and not added was put back: add it (Ctrl+Return) or clear it."
NOTE_KEPT = (
    "The note typed for client {client} was kept as a draft: it comes back when they are opened."
)
NOTE_NOT_KEPT = (
    "The note typed for client {client} could not be kept ({why}): it is still in the box, "
    "and was not added."
)

ACTIONS = {
    "client.create": "Client added",
    "client.update": "Details changed",
    "client.import": "Imported from a history file",
    "client.delete": "Client erased",
    "household.update": "Household changed",
    "history.update": "History changed",
    "note.add": "Case note added",
    # Casework (issue 22): the summaries name the record and fields, never a value.
    "visit.add": "Visit logged",
    "visit.update": "Visit changed",
    "visit.delete": "Visit deleted",
    "matter.add": "Matter opened",
    "matter.update": "Matter changed",
    "letter.record": "Letter recorded",
    "complaint.add": "Complaint logged",
    "complaint.update": "Complaint changed",
    "consent.add": "Consent recorded",
    "consent.update": "Consent changed",
    "access_request.add": "Subject access request logged",
    "access_request.update": "Subject access request changed",
    "retention.keep": "Kept after a retention review",
    "adviser.level": "Adviser's OISC level recorded",
}


def _when(moment) -> str:
    return f"{format_date(moment.date())} {moment:%H:%M}"


def _notes_and_trail(session, client_id: int) -> tuple[list, list]:
    """A client's notes and audit trail as plain values (on any thread)."""
    notes = [(n.written_on, n.adviser, n.text) for n in notes_of(session, client_id)]
    trail = [(a.at, a.adviser, a.action, a.summary) for a in audit_of(session, client_id)]
    return notes, trail


class NotesTab(QWidget):
    # The client-tab contract (desktop.ui.client_tab): every write is in the audit trail.
    tab_title = "Notes"
    reacts_to = ALL_KINDS
    writes = {"note_added": frozenset({NOTES})}

    note_added = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = None
        self._adviser = ""
        self._client_id: int | None = None

        notes_page = QWidget()
        list_label = QLabel("Case &notes, newest first")
        self.notes = QListWidget()
        self.notes.setAccessibleName("Case notes, newest first")
        self.notes.setWordWrap(True)
        self.notes.setAlternatingRowColors(True)
        self.notes.setSpacing(2)
        list_label.setBuddy(self.notes)
        new_label = QLabel("Ne&w note")
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName("New case note")
        self.editor.setPlaceholderText(
            "What was discussed, advised or agreed. Ctrl+Return adds it."
        )
        self.editor.setTabChangesFocus(True)
        self.editor.setFixedHeight(90)
        new_label.setBuddy(self.editor)
        self.add_button = QPushButton("&Add note")
        self.add_button.setAccessibleName("Add note")
        self.add_button.setToolTip("Add this note (Ctrl+Return)")
        self.add_button.clicked.connect(self.add_current_note)
        self.status = QLabel()
        self.status.setAccessibleName("Note status")
        self.editor.installEventFilter(self)  # Ctrl+Return in the note adds it
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.add_button)
        notes_layout = QVBoxLayout(notes_page)
        notes_layout.addWidget(list_label)
        notes_layout.addWidget(self.notes, 1)
        notes_layout.addWidget(new_label)
        notes_layout.addWidget(self.editor)
        notes_layout.addLayout(buttons)

        self.audit = QTableWidget(0, 4)
        self.audit.setHorizontalHeaderLabels(["When", "Adviser", "What", "Details"])
        self.audit.setAccessibleName("Audit trail")
        self.audit.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.audit.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.audit.verticalHeader().setVisible(False)
        self.audit.setTabKeyNavigation(False)
        header = self.audit.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        self.pages = QTabWidget()
        self.pages.setAccessibleName("Notes and audit trail")
        self.pages.addTab(notes_page, "Case notes")
        self.pages.addTab(self.audit, "Audit trail")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.editor
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.add_current_note()
            return True
        return super().eventFilter(watched, event)

    def set_context(self, store, adviser: str, _today_provider=None) -> None:
        self._store, self._adviser = store, adviser

    def load(self, client_id: int) -> None:
        switching = client_id != self._client_id
        restored = None
        with self._store.session() as session:
            notes, trail = _notes_and_trail(session, client_id)
            if switching:
                restored = _draft_text(drafts.get(session, client_id, NOTE))
        self._client_id = client_id
        if switching:
            self.editor.clear()
            if restored:
                self.editor.setPlainText(restored)
                self.status.setText(NOTE_RESTORED)
        self._show_notes(notes, trail)

    def reload_reader(self, client_id: int):
        """The read for a reload after another tab's write (run off the UI thread)."""
        return partial(_notes_and_trail, client_id=client_id)

    def show_reloaded(self, client_id: int, found: tuple[list, list]) -> None:
        """Show the notes and trail read again; what is typed in the editor stays."""
        if client_id == self._client_id:
            self._show_notes(*found)

    def _show_notes(self, notes: list, trail: list) -> None:
        self.notes.clear()
        for written_on, adviser, text in reversed(notes):
            item = QListWidgetItem(f"{_when(written_on)} · {adviser}\n{text}")
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole, f"{_when(written_on)}, {adviser}: {text}"
            )
            self.notes.addItem(item)
        self.audit.setRowCount(len(trail))
        for row, (at, adviser, action, summary) in enumerate(reversed(trail)):
            for column, text in enumerate(
                (_when(at), adviser, ACTIONS.get(action, action), summary)
            ):
                self.audit.setItem(row, column, QTableWidgetItem(text))

    def pending_draft(self) -> Draft | None:
        """The note typed and not added, for the window to keep; None when the box is empty."""
        text = self.editor.toPlainText()
        if self._client_id is None or not text.strip():
            return None
        return Draft(self._client_id, NOTE, {"text": text})

    def leave_client(self) -> bool:
        """Before another client is shown: keep the typed note as the current client's draft
        (or forget a draft whose text was cleared). False when it could not be kept: the
        page must stay on this client, or the note would be lost."""
        if self._client_id is None or self._store is None:
            return True
        draft = self.pending_draft()
        try:
            with self._store.session() as session:
                if draft is None:
                    drafts.drop(session, self._client_id, NOTE)
                else:
                    drafts.put(session, self._client_id, NOTE, draft.payload)
        except drafts.DraftTooLarge:
            self.status.setText(NOTE_NOT_KEPT.format(client=self._client_id, why="too long"))
            return draft is None
        except Exception as exc:  # noqa: BLE001 - the note stays in the box
            why = f"the store could not be written, {type(exc).__name__}"
            self.status.setText(NOTE_NOT_KEPT.format(client=self._client_id, why=why))
            return draft is None
        if draft is not None:
            self.status.setText(NOTE_KEPT.format(client=self._client_id))
        return True

    def clear(self) -> None:
        self._client_id = None
        self.notes.clear()
        self.editor.clear()
        self.audit.setRowCount(0)
        self.status.clear()

    def note_texts(self) -> list[str]:
        return [self.notes.item(i).text() for i in range(self.notes.count())]

    def add_current_note(self) -> bool:
        text = self.editor.toPlainText().strip()
        if self._client_id is None:
            return False
        if not text:
            self.status.setText("Type the note first.")
            self.editor.setFocus()
            return False
        try:
            with self._store.session() as session:
                add_note(session, self._client_id, self._adviser, text)
                drafts.drop(session, self._client_id, NOTE)  # the same transaction
        except Exception as exc:  # noqa: BLE001 - keep the typed note so nothing is lost
            self.status.setText(
                f"Not saved: the store could not be written ({type(exc).__name__})."
            )
            return False
        self.editor.clear()
        self.status.setText(f"Note added by {self._adviser}.")
        self.load(self._client_id)
        self.note_added.emit()
        return True


def _draft_text(payload) -> str | None:
    """The text of a kept note draft, or None when it is not one this tab wrote."""
    text = payload.get("text") if isinstance(payload, dict) else None
    return text if isinstance(text, str) and text.strip() else None
