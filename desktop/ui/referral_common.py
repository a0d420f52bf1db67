"""What the referral dialogs share (issue 20): the store's referral API, one-line problems,
the sent time in words, a referral-key field that shows the fingerprint as it is typed, and
how a dialog runs slow work off the UI thread.

Locking or opening a referral with a passphrase takes about 1.5 s (scrypt): it always runs as
an `Operation`, through the window's own `run` when a window opened the dialog (so a lock or a
quit waits for it), else through an `Operation` of the dialog's own.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.rules.datetext import long_date, weekday_date

#: How a dialog runs slow work: (title, work, on_success, on_failure) -> Operation.
Runner = Callable[..., Any]

FINGERPRINT_HINT = (
    "Read this fingerprint aloud with them and check it matches what their screen shows."
)
NO_FINGERPRINT = "The fingerprint shows here once the key is typed in full."
ERROR_STYLE = "color: #8a1c1c; font-weight: bold;"


def api():
    """desktop.store.referral, looked up when used (tests may stand in for it)."""
    return importlib.import_module("desktop.store.referral")


def problem_line(exc: BaseException) -> str:
    """One line a person can act on: a refusal's own words (they name the field, never a
    value), a file problem's kind, or the failure's kind only - never a traceback."""
    if isinstance(exc, ValueError):  # ReferralRefused, RecordProblem, FileReadProblem
        text = (str(exc).strip().splitlines() or [""])[0].strip()
        if not text:
            text = "the file could not be used"
    elif isinstance(exc, OSError):
        text = f"the file could not be read or written ({exc.strerror or type(exc).__name__})"
    else:
        text = f"something went wrong ({type(exc).__name__}); nothing was changed"
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def sent_words(moment: dt.datetime) -> str:
    """ "Friday 4 December 2026 at 14:05" in this computer's time (UK words, never strftime)."""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return f"{weekday_date(local.date())} at {local.hour:02d}:{local.minute:02d}"


def birth_words(value: dt.date | None) -> str:
    return long_date(value) if value is not None else "not given"


def counts_words(counts: list[tuple[str, int]]) -> str:
    """One line a kind it holds: "Permissions: 3" (kinds with none are left out)."""
    return (
        "\n".join(f"{label}: {number}" for label, number in counts if number)
        or "Only the client's details"
    )


def monospace(size_factor: float = 1.0, bold: bool = False) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if size_factor != 1.0:
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * size_factor)
    font.setBold(bold)
    return font


def error_label(accessible: str) -> QLabel:
    """The dialog's one-line problem: red, wraps, selectable, hidden while empty."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(ERROR_STYLE)
    label.setAccessibleName(accessible)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def say(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setAccessibleDescription(text)
    label.setVisible(bool(text))


def own_runner(parent: QWidget) -> Runner:
    """A runner for a dialog opened without a window: an Operation of its own."""
    from desktop.ui.operations import Operation

    def run(title, work, on_success=None, on_failure=None, show_progress=True):
        op = Operation(parent, title, work, show_progress=show_progress)
        if on_success is not None:
            op.succeeded.connect(on_success)
        if on_failure is not None:
            op.failed.connect(on_failure)
        op.start()
        return op

    return run


class KeyEntry(QWidget):
    """A name and a referral key (age1...), with the key's fingerprint shown live once the
    key is whole, and the words to compare it aloud. `labels` carry the Alt letters, so each
    dialog keeps its own unique."""

    changed = Signal()

    def __init__(
        self,
        name_label: str = "&Name:",
        key_label: str = "&Key:",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.name_field = QLineEdit()
        self.name_field.setMaxLength(200)
        self.name_field.setAccessibleName("Their name, for the address book")
        self.name_field.setPlaceholderText("e.g. Jane Smith, Smith & Co Solicitors")
        self.key_field = QLineEdit()
        self.key_field.setMaxLength(200)
        self.key_field.setAccessibleName("Their referral key, starting age1")
        self.key_field.setPlaceholderText("age1…  (they find it in Referral address book)")
        self.key_field.setFont(monospace())
        self.fingerprint = QLabel(NO_FINGERPRINT)
        self.fingerprint.setAccessibleName("Fingerprint of the key typed")
        self.fingerprint.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.hint = QLabel(FINGERPRINT_HINT)
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Check the fingerprint aloud")
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        for text, field in ((name_label, self.name_field), (key_label, self.key_field)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        caption = QLabel("Fingerprint:")
        caption.setAccessibleName("Fingerprint")
        form.addRow(caption, self.fingerprint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        self.name_field.textChanged.connect(self.changed)
        self.key_field.textChanged.connect(self._key_typed)

    def _key_typed(self) -> None:
        key = self.recipient()
        if key is None:
            self.fingerprint.setText(NO_FINGERPRINT)
            self.fingerprint.setFont(self.font())
        else:
            self.fingerprint.setText(api().fingerprint(key))
            self.fingerprint.setFont(monospace(1.3, bold=True))
        self.fingerprint.setAccessibleDescription(self.fingerprint.text())
        self.changed.emit()

    def recipient(self) -> str | None:
        """The key as the store reads it, or None while it is not a whole, valid key."""
        text = self.key_field.text().strip()
        if not text:
            return None
        try:
            return api().parse_recipient(text)
        except ValueError:
            return None

    def name(self) -> str:
        return " ".join(self.name_field.text().split())

    def ready(self) -> bool:
        return bool(self.name()) and self.recipient() is not None

    def problem(self) -> str:
        """Why it cannot be used yet ("" when it can): the field, never its content."""
        if not self.name():
            return "Type their name."
        text = self.key_field.text().strip()
        if not text:
            return "Paste their referral key (it starts age1)."
        try:
            api().parse_recipient(text)
        except ValueError as exc:
            return problem_line(exc)
        return ""

    def clear(self) -> None:
        self.name_field.clear()
        self.key_field.clear()
