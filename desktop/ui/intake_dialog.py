"""New client intake: one form, filled by keyboard alone.

Tab (or Enter in a one-line field) moves on; Enter on the last field or Ctrl+Return anywhere
saves; Esc cancels, asking first if anything has been typed. Saving is one transaction.

Nothing typed is lost: if the window locks, quits or meets an unexpected error while the form
is open, what was typed is kept as an encrypted draft (desktop.ui.kept_drafts, kind
"new_client": there is no client number yet) and put back the next time New client is opened,
with a line saying so. Saving the client forgets it in the same transaction; Cancel forgets it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.store.errors import StoreError
from desktop.store.repository import create_client
from desktop.ui import kept_drafts
from desktop.ui.client_form import ClientForm
from desktop.ui.kept_drafts import NEW_CLIENT, closed_by_lock
from desktop.ui.widgets import form_feedback

RESTORED = (
    "A new-client form typed earlier and not saved was put back: save it, or Cancel to discard it."
)


class IntakeDialog(QDialog):
    def __init__(
        self, store, adviser: str, parent: QWidget | None = None, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._adviser = adviser
        self._today = today
        self._client_id: int | None = None
        #: Takes part in "nothing typed is lost" (desktop.ui.kept_drafts).
        self.draft_kind = NEW_CLIENT
        self.setWindowTitle("New client")
        self.setAccessibleName("New client intake")

        intro = QLabel(
            "Only the full name is needed now; fill in what the client can tell you. "
            "Tab or Enter moves to the next field. Ctrl+Return saves, Esc cancels."
        )
        intro.setWordWrap(True)
        self.form = ClientForm(self)
        self.restored_note = QLabel()
        self.restored_note.setWordWrap(True)
        self.restored_note.setAccessibleName("About this form")
        self.restored_note.hide()

        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton("Save client")
        self.save_button.setAccessibleName("Save client")
        self.save_button.setToolTip("Save this client (Ctrl+Return)")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel intake")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        # Enter in a field must not save half a form: only Enter on a button or the last
        # field does (handled in eventFilter).
        self.save_button.setAutoDefault(False)
        self.cancel_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.restored_note)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)
        for widget in self.form.widgets.values():
            widget.installEventFilter(self)
        QWidget.setTabOrder(self.form.last_field(), self.save_button)
        QWidget.setTabOrder(self.save_button, self.cancel_button)
        self._put_back_kept()
        self.form.first_field().setFocus()
        self.resize(self.sizeHint().expandedTo(self.minimumSizeHint()))

    # ---- keyboard ----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            # Ctrl+Return is also a window shortcut; handling it here as well keeps it working
            # whichever widget has focus, even before the window is active.
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.save()
                return True
            if isinstance(watched, QLineEdit):
                if watched is self.form.last_field():
                    self.save()
                else:
                    self.focusNextChild()
                return True
        return super().eventFilter(watched, event)

    # ---- actions -----------------------------------------------------------------------------
    def today(self) -> date:
        return self._today or date.today()

    def client_id(self) -> int | None:
        """The new client's id once saved, else None."""
        return self._client_id

    # ---- drafts (desktop.ui.kept_drafts) -----------------------------------------------------
    def draft_payload(self) -> dict | None:
        """What was typed, for a draft; None when the form is empty or already saved."""
        if self._client_id is not None or not self.form.has_text():
            return None
        return {"fields": self.form.field_texts()}

    def draft_label(self) -> str:
        return kept_drafts.LABELS[NEW_CLIENT]  # never the typed name

    def restore_draft(self, payload: object) -> bool:
        """Put a kept New client form back. False when it is not one this form wrote."""
        fields = payload.get("fields") if isinstance(payload, dict) else None
        if not isinstance(fields, dict):
            return False
        self.form.set_field_texts(fields)
        self.restored_note.setText(RESTORED)
        self.restored_note.show()
        return True

    def _put_back_kept(self) -> None:
        if self._store is None:
            return
        try:
            with self._store.read_session() as session:
                payload = kept_drafts.new_client_draft(session)
        except Exception:  # noqa: BLE001 - a blank form, never a crash
            return
        if payload is not None and not self.restore_draft(payload):
            kept_drafts.forget(self._store, None, NEW_CLIENT)  # not readable: let it go

    def save(self) -> None:
        if self._client_id is not None:
            return
        problems = self.form.validate(self.today())
        if problems:
            first = self.form.first_invalid(self.today())
            if first is not None:
                first.setFocus()
            return
        details = self.form.details()
        try:
            with self._store.session() as session:
                client_id = create_client(session, details, self._adviser)
                kept_drafts.drop_new_client_draft(session)  # the same transaction
        except StoreError as exc:
            self.form.errors.set_messages([f"The client was not saved: {exc}"])
            return
        except Exception:  # noqa: BLE001 - a database failure must not lose the typed form
            self.form.errors.set_messages(
                ["The client was not saved because the store could not be written. Try again."]
            )
            return
        self._client_id = client_id
        self.accept()

    def reject(self) -> None:
        if closed_by_lock(self):
            # The window locked or quit: what was typed has just been kept as the draft, so
            # nothing is asked. A form emptied by hand lets an earlier draft go (what comes
            # back is what was on screen).
            if self.draft_payload() is None and self._client_id is None:
                kept_drafts.forget(self._store, None, NEW_CLIENT)
            super().reject()
            return
        typed = self.draft_payload() is not None
        if typed and not form_feedback.confirm(
            self,
            "Discard this client?",
            "You have typed details for a new client. Close without saving them?",
            yes="Discard",
        ):
            return
        if self._client_id is None:
            kept_drafts.forget(self._store, None, NEW_CLIENT)  # cancelled: the draft goes
        super().reject()
