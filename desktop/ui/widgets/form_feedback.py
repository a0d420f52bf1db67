"""Showing problems in place: a red border on the field, its accessible description set to the
problem, and a list of sentences under the form. No popups for validation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

INVALID_PROPERTY = "invalid"
_INVALID_STYLE = "border: 2px solid #b3261e; border-radius: 3px; padding: 1px;"


def mark_invalid(widget: QWidget, message: str | None) -> None:
    """Flag `widget` as invalid with `message`, or clear the flag when `message` is None."""
    invalid = message is not None
    if bool(widget.property(INVALID_PROPERTY)) == invalid and (
        widget.accessibleDescription() == (message or "")
    ):
        return
    widget.setProperty(INVALID_PROPERTY, invalid)
    # A per-widget style sheet keeps the border working whatever the application style is.
    widget.setStyleSheet(_INVALID_STYLE if invalid else "")
    widget.setAccessibleDescription(message or "")
    if invalid:
        widget.setToolTip(message)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def is_marked_invalid(widget: QWidget) -> bool:
    return bool(widget.property(INVALID_PROPERTY))


class FormErrors(QLabel):
    """The sentences under a form. Hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet("color: #8c1d18;")
        self.setAccessibleName("Problems to fix")
        self._messages: list[str] = []
        self.hide()

    def set_messages(self, messages: list[str]) -> None:
        self._messages = list(messages)
        self.setText("\n".join(f"• {m}" for m in self._messages))
        self.setAccessibleDescription(" ".join(self._messages))
        self.setVisible(bool(self._messages))

    def messages(self) -> list[str]:
        return list(self._messages)


def confirm(parent: QWidget | None, title: str, text: str, yes: str = "Yes") -> bool:
    """Ask before something that cannot be taken back (not used for validation).

    Tests replace this function to answer without a modal loop.
    """
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
