"""Help > Keyboard shortcuts (F1): every shortcut the window has, in one list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: (keys, what they do), in the order a new user meets them.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+F", "Search clients (name, other names, date of birth, Home Office reference)"),
    ("Down, Enter", "From the search: into the list / open the first client found"),
    ("Ctrl+N", "New client"),
    (
        "Ctrl+1 … Ctrl+7 (or Alt+1 … Alt+7)",
        "Client tabs: Details, Household, History, Residence, Notes, Statements, Checklists",
    ),
    ("Ctrl+S", "Save the client's details (Details tab)"),
    ("Insert, Enter, Delete", "Add, edit or delete the selected record in a table"),
    ("Ctrl+D", "Deadlines board (Esc goes back)"),
    ("Ctrl+I", "Import a client from a history JSON file"),
    ("Ctrl+E", "Export the client (subject access copy)"),
    ("Ctrl+Shift+A", "Switch adviser"),
    ("Ctrl+L", "Lock the window now"),
    ("Ctrl+Q", "Quit (asks only when something typed is not saved)"),
    ("F1", "This list"),
    ("Alt + underlined letter", "Go to that field or press that button"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(SHORTCUTS), 2)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "What they do"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for row, (keys, what) in enumerate(SHORTCUTS):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 480)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def keys(self) -> list[str]:
        return [self.table.item(row, 0).text() for row in range(self.table.rowCount())]
