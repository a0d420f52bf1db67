"""New client intake: one form, filled by keyboard alone.

Tab (or Enter in a one-line field) moves on; Enter on the last field or Ctrl+Return anywhere
saves; Esc cancels, asking first if anything has been typed. Saving is one transaction.
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
from desktop.ui.client_form import ClientForm
from desktop.ui.widgets import form_feedback


class IntakeDialog(QDialog):
    def __init__(
        self, store, adviser: str, parent: QWidget | None = None, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._adviser = adviser
        self._today = today
        self._client_id: int | None = None
        self.setWindowTitle("New client")
        self.setAccessibleName("New client intake")

        intro = QLabel(
            "Only the full name is needed now; fill in what the client can tell you. "
            "Tab or Enter moves to the next field. Ctrl+Return saves, Esc cancels."
        )
        intro.setWordWrap(True)
        self.form = ClientForm(self)

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
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)
        for widget in self.form.widgets.values():
            widget.installEventFilter(self)
        QWidget.setTabOrder(self.form.last_field(), self.save_button)
        QWidget.setTabOrder(self.save_button, self.cancel_button)
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
        typed = self._client_id is None and not self.form.is_blank()
        if typed and not form_feedback.confirm(
            self,
            "Discard this client?",
            "You have typed details for a new client. Close without saving them?",
            yes="Discard",
        ):
            return
        super().reject()
