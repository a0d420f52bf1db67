"""Help > Keyboard shortcuts (F1): every shortcut the window has, in one list.

The list is read from the window itself, so it cannot drift from what the keys do: every menu
action with a shortcut (its "What's this" text, else its menu text) and every QShortcut on a
page or tab (its "What's this" text, else the tooltip of the button that names the same keys,
"Print the annotation sheet (Ctrl+P)"), followed by the keys that are ways of moving about
rather than one action (`GENERAL`). The same keys on several tabs make one row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: A QShortcut with this property set to False is left out of the list (it is one of a
#: family `GENERAL` describes in one row, such as Ctrl+1 … Ctrl+7).
UNLISTED = "shortcuts_list_skip"

#: (keys, what they do): ways of moving about, not one action each.
GENERAL: tuple[tuple[str, str], ...] = (
    ("Down, Enter", "From the search: into the list / open the first client found"),
    (
        "Ctrl+1 … Ctrl+8 (or Alt+1 … Alt+8)",
        "Client tabs: Details, Household, History, Residence, Notes, Statements, Checklists, "
        "Casework",
    ),
    ("Insert, Enter, Delete", "Add, edit or delete the selected record in a table"),
    ("Ctrl+Return", "Add the note typed (Notes tab); save the form (New client and other forms)"),
    ("Enter or Space", "Press the button that has the focus"),
    ("Alt + underlined letter", "Go to that field or press that button"),
)

#: Kept for callers that read the fixed part of the list.
SHORTCUTS = GENERAL


def _keys(sequences) -> str:
    return ", ".join(
        s.toString(QKeySequence.SequenceFormat.PortableText) for s in sequences if not s.isEmpty()
    )


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _menu_actions(window: QWidget) -> list[QAction]:
    """The window's actions in menu order, then any others it holds."""
    found: list[QAction] = []

    def walk(actions) -> None:
        for action in actions:
            menu = action.menu()
            if isinstance(menu, QMenu):
                walk(menu.actions())
            elif action not in found:
                found.append(action)

    bar = window.menuBar() if hasattr(window, "menuBar") else None
    if bar is not None:
        walk(bar.actions())
    walk(window.actions())
    return found


def _button_words(shortcut: QShortcut, keys: str) -> str:
    """What a shortcut does, from the button beside it that names the same keys in its
    tooltip ("Print the residence report (Ctrl+P)")."""
    parent = shortcut.parent()
    if not isinstance(parent, QWidget):
        return ""
    tag = re.compile(r"\s*\(" + re.escape(keys) + r"\)\s*$")
    for button in parent.findChildren(QAbstractButton):
        tip = button.toolTip()
        if tag.search(tip):
            return tag.sub("", tip)
    return ""


def _place(widget: QWidget | None, places: Mapping[QWidget, str]) -> str:
    while widget is not None:
        if widget in places:
            return places[widget]
        name = widget.accessibleName()
        if name.endswith(" tab"):
            return name
        widget = widget.parentWidget()
    return ""


def shortcut_rows(
    window: QWidget, places: Mapping[QWidget, str] | None = None
) -> list[tuple[str, str]]:
    """(keys, what they do) for every shortcut `window` holds, then `GENERAL`. `places` names
    pages that are not client tabs ({deadlines_page: "Deadlines board"})."""
    places = places or {}
    rows: dict[str, list[str]] = {}

    def add(keys: str, what: str) -> None:
        if keys and what and what not in rows.setdefault(keys, []):
            rows[keys].append(what)

    for action in _menu_actions(window):
        add(_keys(action.shortcuts()), action.whatsThis() or _plain(action.text()))
    for shortcut in window.findChildren(QShortcut):
        if shortcut.property(UNLISTED):
            continue
        keys = _keys([shortcut.key()])
        what = shortcut.whatsThis() or _button_words(shortcut, keys)
        if not what:
            continue
        parent = shortcut.parent()
        where = _place(parent if isinstance(parent, QWidget) else None, places)
        add(keys, f"{what} ({where})" if where else what)
    return [(keys, "; ".join(whats)) for keys, whats in rows.items()] + list(GENERAL)


class ShortcutsDialog(QDialog):
    def __init__(
        self, parent: QWidget | None = None, rows: list[tuple[str, str]] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = list(rows) if rows is not None else list(GENERAL)
        self.table = QTableWidget(len(rows), 2)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "What they do"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for row, (keys, what) in enumerate(rows):
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

    def rows(self) -> list[tuple[str, str]]:
        return [
            (self.table.item(row, 0).text(), self.table.item(row, 1).text())
            for row in range(self.table.rowCount())
        ]
