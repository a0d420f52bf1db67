"""The unlock screen: shown at start-up and whenever the window is locked.

While it shows, no client detail is on screen or held by any widget.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget


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
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setAccessibleName("Unlock message")

        box = QWidget()
        box.setFixedWidth(480)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.explain)
        inner.addSpacing(8)
        inner.addWidget(self.passphrase)
        inner.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignHCenter)
        inner.addWidget(self.message)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, alignment=Qt.AlignmentFlag.AlignHCenter)
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

    def reset(self, note: str = "") -> None:
        self.passphrase.clear()
        self.message.setStyleSheet("color: palette(text);")
        self.message.setText(note)

    def _submit(self) -> None:
        if not self.passphrase.text():
            self.show_error("Type the passphrase first.")
            return
        self.unlock_requested.emit(self.passphrase.text())
