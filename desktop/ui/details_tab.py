"""The Details tab: the client's details form with Save (Ctrl+S), Revert and Delete client.

Unsaved changes survive a lock, a quit or an unexpected error: `pending_draft()` hands them to
the window, which keeps them in the (encrypted) store (desktop.store.drafts, kind "details"),
and the next `load()` of that client puts them back, marked unsaved. Save, Revert and Discard
remove the draft.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.store import drafts
from desktop.store.repository import (
    ClientDetails,
    delete_client,
    get_client,
    update_client,
)
from desktop.ui import prompts
from desktop.ui.client_form import ClientForm
from desktop.ui.client_tab import DETAILS as CHANGED_DETAILS
from desktop.ui.delete_client_dialog import DeleteClientDialog
from desktop.ui.kept_drafts import DETAILS, Draft

DRAFT_RESTORED = "Unsaved changes kept earlier were put back: save or revert them."


def draft_key(client_id: int) -> str:
    return drafts.key(client_id, DETAILS)


def read_draft(session, client_id: int) -> ClientDetails | None:
    """The kept draft of a client's details, None when there is none (or it cannot be read)."""
    payload = drafts.get(session, client_id, DETAILS)
    if payload is None:
        return None
    try:
        details = ClientDetails.from_dict(payload)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    for name, value in details.columns().items():
        wanted = bool if name == "interpreter_needed" else (date, type(None))
        if name not in ("interpreter_needed", "date_of_birth"):
            wanted = str
        if not isinstance(value, wanted):
            return None  # not a draft this tab wrote: ignored, never a crash
    return details


def drop_draft(session, client_id: int) -> None:
    drafts.drop(session, client_id, DETAILS)


def confirm_delete(parent: QWidget | None, full_name: str) -> bool:
    """Ask for the typed name; tests replace this function."""
    return DeleteClientDialog(full_name, parent).exec() == QDialog.DialogCode.Accepted


#: The form's labels as the Details tab shows them, under the window's menus: every Alt+letter
#: in the window is one thing (File, View, Tools, Settings and Help keep F, V, T, S and H;
#: tests/ui/test_keyboard_words.py checks it). A field left without a letter is one Tab away.
WINDOW_LABELS: dict[str, str] = {
    "full_name": "Full &name (required)",
    "other_names": "Other names &used",
    "nationality": "Nationalit&y",
    "home_office_ref": "Home &Office reference",
    "uan": "UAN",
    "notes": "Notes",
    "status_summary": "Status in one line",
}


class DetailsTab(QWidget):
    # The client-tab contract (desktop.ui.client_tab): nothing another tab writes changes the
    # form, and a reload would overwrite what is being typed.
    tab_title = "Details"
    reacts_to: frozenset[str] = frozenset()
    writes = {"details_saved": frozenset({CHANGED_DETAILS})}

    details_saved = Signal()
    client_deleted = Signal(int)
    dirty_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = None
        self._adviser = ""
        self._today: Callable[[], date] = date.today
        self._client_id: int | None = None
        self._saved: ClientDetails | None = None
        self._dirty = False

        self.form = ClientForm()
        for name, text in WINDOW_LABELS.items():
            self.form.labels[name].setText(text)
        self.form.changed.connect(self._on_changed)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.form)

        self.save_button = QPushButton("Save chan&ges")
        self.save_button.setAccessibleName("Save changes")
        self.save_button.setToolTip("Save the client's details (Ctrl+S)")
        self.revert_button = QPushButton("&Revert")
        self.revert_button.setAccessibleName("Revert to the saved details")
        self.revert_button.setToolTip("Put back the details as last saved")
        self.delete_button = QPushButton("&Delete client…")
        self.delete_button.setAccessibleName("Delete client")
        self.delete_button.setToolTip(
            "For erasure requests: deletes everything held about this client"
        )
        self.status = QLabel()
        self.status.setAccessibleName("Save status")
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.delete_button.clicked.connect(self.delete)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)

        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.form.last_field(), self.save_button)
        QWidget.setTabOrder(self.save_button, self.revert_button)
        QWidget.setTabOrder(self.revert_button, self.delete_button)
        self._set_dirty(False)

    def set_context(
        self, store, adviser: str, today_provider: Callable[[], date] = date.today
    ) -> None:
        self._store, self._adviser, self._today = store, adviser, today_provider

    def load(self, client_id: int) -> None:
        with self._store.session() as session:
            details = ClientDetails.from_client(get_client(session, client_id))
            draft = read_draft(session, client_id)
        self._client_id = client_id
        self._saved = details
        self.form.set_details(details)
        self.status.clear()
        self._set_dirty(False)
        if draft is not None and draft != details:
            self.form.set_details(draft)
            self._set_dirty(self.has_unsaved_changes())
            self.status.setText(DRAFT_RESTORED)

    def pending_draft(self) -> Draft | None:
        """The unsaved changes, for the window to keep (lock, quit, error); None if none."""
        if not self.has_unsaved_changes():
            return None
        return Draft(self._client_id, DETAILS, self.form.details().to_dict())

    def keep_draft(self) -> bool:
        """Write the unsaved changes to the store now. True when kept."""
        draft = self.pending_draft()
        if draft is None or self._store is None:
            return False
        try:
            with self._store.session() as session:
                drafts.put(session, draft.client_id, DETAILS, draft.payload)
        except Exception:  # noqa: BLE001 - the caller says the changes were not kept
            return False
        return True

    def discard_draft(self, client_id: int | None = None) -> None:
        """Forget a kept draft (the adviser discarded the changes, or the client went)."""
        client_id = self._client_id if client_id is None else client_id
        if client_id is None or self._store is None or self._store.locked:
            return
        with self._store.session() as session:
            drop_draft(session, client_id)

    def clear(self) -> None:
        self._client_id = None
        self._saved = None
        self.form.clear()
        self.status.clear()
        self._set_dirty(False)

    def saved_details(self) -> ClientDetails | None:
        return self._saved

    def has_unsaved_changes(self) -> bool:
        return self._client_id is not None and self.form.details() != self._saved

    def _on_changed(self) -> None:
        self._set_dirty(self.has_unsaved_changes())
        if self._dirty:
            self.status.setText("Unsaved changes")

    def _set_dirty(self, dirty: bool) -> None:
        changed = dirty != self._dirty
        self._dirty = dirty
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.delete_button.setEnabled(self._client_id is not None)
        if not dirty and self.status.text() == "Unsaved changes":
            self.status.clear()
        if changed:
            self.dirty_changed.emit(dirty)

    def save(self) -> bool:
        if self._client_id is None:
            return False
        if self.form.validate(self._today()):
            self.status.setText("Not saved: fix the problems shown.")
            first = self.form.first_invalid(self._today())
            if first is not None:
                first.setFocus()
            return False
        details = self.form.details()
        try:
            with self._store.session() as session:
                update_client(session, self._client_id, details, self._adviser)
                drop_draft(session, self._client_id)
        except Exception as exc:  # noqa: BLE001 - keep what was typed; say it was not saved
            self.status.setText(f"Not saved: {prompts.store_write_problem(exc)}")
            return False
        self._saved = details
        self.form.set_details(details)
        self._set_dirty(False)
        self.status.setText("Saved.")
        self.details_saved.emit()
        return True

    def revert(self) -> None:
        if self._saved is not None:
            self.form.set_details(self._saved)
            self._set_dirty(False)
            self.discard_draft()
            self.status.setText("Reverted to the saved details.")

    def delete(self) -> bool:
        if self._client_id is None or self._saved is None:
            return False
        if not confirm_delete(self, self._saved.full_name):
            return False
        client_id = self._client_id
        try:
            with self._store.session() as session:
                delete_client(session, client_id, self._adviser)
        except Exception as exc:  # noqa: BLE001
            self.status.setText(f"Not deleted: {prompts.store_write_problem(exc)}")
            return False
        self.clear()
        self.client_deleted.emit(client_id)
        return True
