"""First run: choose the centre's passphrase and create the encrypted store."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.store.crypto import passphrase_strength

MIN_LENGTH = 8


class CreateStorePage(QWidget):
    #: Emitted with the chosen passphrase once both fields agree and it is long enough.
    create_requested = Signal(str)

    def __init__(self, folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("createStorePage")
        title = QLabel("<h2>Welcome to Drop-in Desk</h2>")
        intro = QLabel(
            "Client records are kept encrypted on this computer. Choose a passphrase for the "
            "centre: everyone who uses this computer for the drop-in will need it, and "
            "<b>there is no way to recover the records if it is lost</b>. Four or more random "
            "words make a strong passphrase that is easy to remember."
            f"<br><br>Data folder: <code>{folder}</code>"
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("New passphrase")
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName("Type the passphrase again")
        self.strength = QProgressBar()
        self.strength.setRange(0, 4)
        self.strength.setTextVisible(False)
        self.strength.setMaximumHeight(8)
        self.strength.setAccessibleName("Passphrase strength")
        self.hint = QLabel(" ")
        self.hint.setAccessibleName("Passphrase strength hint")
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problem")
        self.create_button = QPushButton("&Create encrypted store")
        self.create_button.setAccessibleName("Create encrypted store")
        self.create_button.setDefault(True)

        form = QFormLayout()
        label = QLabel("&Passphrase:")
        label.setBuddy(self.passphrase)
        form.addRow(label, self.passphrase)
        form.addRow("", self.strength)
        form.addRow("", self.hint)
        label2 = QLabel("&Again:")
        label2.setBuddy(self.confirm)
        form.addRow(label2, self.confirm)

        box = QWidget()
        box.setMaximumWidth(560)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(intro)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addWidget(self.create_button, alignment=Qt.AlignmentFlag.AlignRight)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, alignment=Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.passphrase.textChanged.connect(self._update_strength)
        self.passphrase.returnPressed.connect(self.confirm.setFocus)
        self.confirm.returnPressed.connect(self._submit)
        self.create_button.clicked.connect(self._submit)
        self._update_strength("")

    def focus_first(self) -> None:
        self.passphrase.setFocus()

    def _update_strength(self, text: str) -> None:
        score, hint = passphrase_strength(text)
        self.strength.setValue(score if text else 0)
        colour = ["#b00020", "#d9730d", "#c9a400", "#4b8b3b", "#2e7d32"][score]
        self.strength.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        self.hint.setText(hint if text else "Use at least 12 characters; four words is better.")

    def set_busy(self, busy: bool) -> None:
        for widget in (self.passphrase, self.confirm, self.create_button):
            widget.setEnabled(not busy)
        if busy:
            self.error.setText("Creating the encrypted store…")

    def show_error(self, message: str) -> None:
        self.error.setText(message)

    def _submit(self) -> None:
        first, second = self.passphrase.text(), self.confirm.text()
        if len(first) < MIN_LENGTH:
            self.show_error(f"The passphrase must be at least {MIN_LENGTH} characters long.")
            self.passphrase.setFocus()
            return
        if first != second:
            self.show_error("The two passphrases are not the same. Type the second one again.")
            self.confirm.clear()
            self.confirm.setFocus()
            return
        self.error.setText("")
        self.create_requested.emit(first)

    def clear(self) -> None:
        self.passphrase.clear()
        self.confirm.clear()
        self.error.clear()
