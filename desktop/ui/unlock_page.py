"""The unlock screen: shown at start-up and whenever the window is locked.

While it shows, no client detail is on screen or held by any widget.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


class UnlockPage(QWidget):
    unlock_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockPage")
        self.title = QLabel("<h2>Drop-in Desk is locked</h2>")
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.explain = QLabel("Enter the centre's passphrase to open the client records.")
        self.explain.setWordWrap(True)
        self.explain.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("Passphrase")
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setMinimumWidth(320)
        self.button = QPushButton("&Unlock")
        self.button.setAccessibleName("Unlock")
        self.button.setDefault(True)
        # A standing note (demo mode gives its passphrase here): it stays through wrong tries,
        # which use `message` below, and can be selected to copy.
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setAccessibleName("Unlock note")
        self.note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.note.hide()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setAccessibleName("Unlock message")

        box = QWidget()
        box.setFixedWidth(480)
        # Word-wrapped labels need their height for the box's width, or their second line is cut.
        box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.explain)
        inner.addSpacing(8)
        inner.addWidget(self.passphrase)
        inner.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignHCenter)
        inner.addWidget(self.message)
        inner.addWidget(self.note)
        # No alignment flag on the box: an aligned item gets its plain size hint, which ignores
        # the height the wrapped lines need for the box's width (the note's second line was cut).
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        self.passphrase.returnPressed.connect(self._submit)
        self.button.clicked.connect(self._submit)

    def focus_first(self) -> None:
        self.passphrase.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.passphrase.setEnabled(not busy)
        self.button.setEnabled(not busy)
        if busy:
            self.message.setStyleSheet("color: palette(text);")
            self.message.setText("Unlocking…")

    def show_error(self, message: str) -> None:
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(message)
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def reset(self, note: str | None = None, message: str = "") -> None:
        """Clear the passphrase; show `message` once (e.g. "Locked.") and, when given, set the
        standing `note` (None keeps the note there is)."""
        self.passphrase.clear()
        self.message.setStyleSheet("color: palette(text);")
        self.message.setText(message)
        if note is not None:
            self.note.setText(note)
            self.note.setVisible(bool(note))

    def _submit(self) -> None:
        if not self.passphrase.text():
            self.show_error("Type the passphrase first.")
            return
        self.unlock_requested.emit(self.passphrase.text())
