"""At the start of a session the adviser picks or adds their name: it stamps notes and audit rows.

With the store (issue 22) the dialog also shows and records the adviser's OISC level in each
of the OISC's two categories, Immigration and Asylum and Protection (Not recorded, Not
authorised, Level 1, 2, 3, or a solicitor or other regulated person). The levels are kept on
this laptop (`desktop.store.casework.set_adviser_level`, one transaction, audited) and copied
onto each matter when it is saved, for the level check."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

#: The levels as the dialog offers them (None: not recorded). Short words; the store's
#: ADVISER_LEVELS has the same keys.
LEVEL_CHOICES: tuple[tuple[int | None, str], ...] = (
    (None, "Not recorded"),
    (0, "Not authorised"),
    (1, "Level 1 (Advice and Assistance)"),
    (2, "Level 2 (Casework)"),
    (3, "Level 3 (Advocacy and Representation)"),
    (4, "Solicitor or other regulated person"),
)


def _level_combo(accessible: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    for value, words in LEVEL_CHOICES:
        combo.addItem(words, value)
    return combo


def _set_level(combo: QComboBox, value: int | None) -> None:
    index = combo.findData(value) if value is not None else 0
    combo.setCurrentIndex(max(index, 0))


class AdviserDialog(QDialog):
    def __init__(
        self,
        names: list[str],
        current: str = "",
        parent: QWidget | None = None,
        *,
        store=None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Who is advising today?")
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.addItems(names)
        self.combo.setCurrentText(current or (names[0] if names else ""))
        self.combo.setAccessibleName("Adviser name")
        self.combo.lineEdit().setPlaceholderText("Type your name")
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setAccessibleName("Problem")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        label = QLabel("&Your name:")
        label.setBuddy(self.combo)
        form.addRow(label, self.combo)
        self.immigration = _level_combo("OISC level in Immigration")
        self.asylum = _level_combo("OISC level in Asylum and Protection")
        #: Name -> (immigration, asylum) as recorded on this laptop.
        self.recorded: dict[str, tuple[int | None, int | None]] = {}
        if store is not None:
            self.recorded = self._read_levels()
            for text, combo in (
                ("OISC level, &Immigration:", self.immigration),
                ("OISC level, Asylum and &Protection:", self.asylum),
            ):
                level_label = QLabel(text)
                level_label.setBuddy(combo)
                form.addRow(level_label, combo)
            self.combo.currentTextChanged.connect(self._show_levels)
            self._show_levels()
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Your name is put on the notes you write and on every change you make.")
        )
        layout.addLayout(form)
        if store is not None:
            note = QLabel(
                "Your OISC level in each category is kept on this laptop and checked against "
                "the work each matter needs."
            )
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        # An editable combo box swallows Return; a volunteer expects it to mean OK.
        self.combo.lineEdit().returnPressed.connect(self._accept)
        self.combo.setFocus()
        self.combo.lineEdit().selectAll()

    def _read_levels(self) -> dict[str, tuple[int | None, int | None]]:
        from desktop.store.casework import adviser_levels

        try:
            with self.store.read_session() as session:
                return adviser_levels(session)
        except Exception:  # noqa: BLE001 - shown as "Not recorded", never a crash
            return {}

    def _show_levels(self, *_args) -> None:
        immigration, asylum = self.recorded.get(self.name(), (None, None))
        _set_level(self.immigration, immigration)
        _set_level(self.asylum, asylum)

    def name(self) -> str:
        return " ".join(self.combo.currentText().split())

    def levels(self) -> tuple[int | None, int | None]:
        """(Immigration, Asylum and Protection): None not recorded, 0 not authorised, 1-3 the
        levels, 4 a solicitor or other regulated person."""
        return self.immigration.currentData(), self.asylum.currentData()

    def _save_levels(self, name: str) -> bool:
        """Record the levels when they changed (one transaction); False: not written."""
        from desktop.store.casework import set_adviser_level
        from desktop.ui import prompts

        immigration, asylum = self.levels()
        if self.recorded.get(name, (None, None)) == (immigration, asylum):
            return True
        try:
            with self.store.session() as session:
                set_adviser_level(session, name, immigration, asylum, name)
        except Exception as exc:  # noqa: BLE001 - the name and levels stay as chosen
            message = str(exc) if isinstance(exc, ValueError) else prompts.store_write_problem(exc)
            self.error.setText(f"The OISC levels were not saved: {message}")
            return False
        self.recorded[name] = (immigration, asylum)
        return True

    def _accept(self) -> None:
        name = self.name()
        if not name:
            self.error.setText("Type your name, or pick it from the list.")
            return
        if len(name) > 100:
            self.error.setText("That name is too long (100 characters at most).")
            return
        if self.store is not None and not self._save_levels(name):
            return
        self.accept()
