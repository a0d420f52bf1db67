"""First run: choose the centre's passphrase and create the encrypted store."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.store.passphrase import MIN_LENGTH, POLICY_HINT, assess

__all__ = ["MIN_LENGTH", "CreateStorePage"]


class CreateStorePage(QWidget):
    #: Emitted with the chosen passphrase once both fields agree and the policy accepts it.
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
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        # Its own label: inside the wrapped intro the last line was cut off at some widths.
        where = QLabel(f"Data folder: <code>{escape(folder)}</code>")
        where.setTextFormat(Qt.TextFormat.RichText)
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

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
        self.hint.setWordWrap(True)  # the policy's hint is a whole sentence
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
        # A fixed width: with a centred box, wrapped labels were given too little height.
        box.setFixedWidth(560)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(intro)
        inner.addWidget(where)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addWidget(self.create_button, alignment=Qt.AlignmentFlag.AlignRight)
        # Never shorter than its contents: the fields stay their full height and the labels
        # whole on a 1366x768 laptop (they were squashed to about 10 px).
        for field in (self.passphrase, self.confirm):
            field.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # Centred by stretches, not by an alignment flag: with the flag the box's height was
        # worked out for the page's width rather than its own 560 px, so the wrapped labels
        # took fewer lines than they need and everything under them was squashed.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        content = QWidget()
        column = QVBoxLayout(content)
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(2)
        # A smaller window (or a larger font) scrolls rather than squashing the form.
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

        self.passphrase.textChanged.connect(self._update_strength)
        self.passphrase.returnPressed.connect(self.confirm.setFocus)
        self.confirm.returnPressed.connect(self._submit)
        self.create_button.clicked.connect(self._submit)
        self._update_strength("")

    def focus_first(self) -> None:
        self.passphrase.setFocus()

    def _update_strength(self, text: str) -> None:
        """The meter and the hint, from the same judgement `_submit` applies (so the hint
        never says "Good" to a passphrase the button then refuses)."""
        check = assess(text)
        score = check.score if text else 0
        self.strength.setValue(score)
        colour = ["#b00020", "#d9730d", "#c9a400", "#4b8b3b", "#2e7d32"][score]
        self.strength.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        self.hint.setText(check.hint if text else POLICY_HINT)

    def set_busy(self, busy: bool) -> None:
        for widget in (self.passphrase, self.confirm, self.create_button):
            widget.setEnabled(not busy)
        if busy:
            self.error.setText("Creating the encrypted store…")

    def show_error(self, message: str) -> None:
        self.error.setText(message)

    def _submit(self) -> None:
        first, second = self.passphrase.text(), self.confirm.text()
        check = assess(first)
        if not check.ok:
            self.show_error(check.hint)
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
