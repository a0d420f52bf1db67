"""The window's yes/no questions, built so that Enter never loses work.

Tests replace `ask_unsaved` and `confirm_quit` (module attributes, looked up at call time).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
QUIT_QUESTION = "Quit Drop-in Desk?"


def unsaved_box(parent: QWidget | None, text: str) -> tuple[QMessageBox, dict]:
    """The unsaved-changes question: Save (the default, Enter), Discard (Alt+D) and Cancel
    (Esc). Returned unshown, with the button -> answer map, so tests can look at it."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Unsaved changes")
    box.setText(text)
    save = box.addButton("&Save", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("&Discard changes", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    for button, name in (
        (save, "Save the changes"),
        (discard, "Discard the changes"),
        (cancel, "Cancel"),
    ):
        button.setAccessibleName(name)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    return box, {save: SAVE, discard: DISCARD, cancel: CANCEL}


def ask_unsaved(parent: QWidget | None, text: str) -> str:
    """SAVE, DISCARD or CANCEL."""
    box, answers = unsaved_box(parent, text)
    box.exec()
    return answers.get(box.clickedButton(), CANCEL)


def quit_box(
    parent: QWidget | None,
    text: str = QUIT_QUESTION,
    quit_label: str = "&Quit",
    quit_is_default: bool = True,
) -> tuple[QMessageBox, object]:
    """The quit question: Quit is the default (Enter) unless `quit_is_default` is false (then
    Enter cancels: the question is about losing something); Esc always cancels. Returns the
    box and its Quit button."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question if quit_is_default else QMessageBox.Icon.Warning)
    box.setWindowTitle("Quit")
    box.setText(text)
    quit_button = box.addButton(quit_label, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    quit_button.setAccessibleName(quit_label.replace("&", ""))
    cancel.setAccessibleName("Cancel")
    box.setDefaultButton(quit_button if quit_is_default else cancel)
    box.setEscapeButton(cancel)
    return box, quit_button


def confirm_quit(
    parent: QWidget | None,
    text: str = QUIT_QUESTION,
    quit_label: str = "&Quit",
    quit_is_default: bool = True,
) -> bool:
    box, quit_button = quit_box(parent, text, quit_label, quit_is_default)
    box.exec()
    return box.clickedButton() is quit_button


def store_write_problem(exc: BaseException) -> str:
    """Why a save did not reach the store, for a status line: the store's own errors carry a
    sentence that names no client value (locked, busy, the file replaced underneath); anything
    else gets its kind only."""
    from desktop.store.errors import StoreError

    if isinstance(exc, StoreError):
        return str(exc)
    return f"the store could not be written ({type(exc).__name__})."
