"""The read-only record table used by the History and Household tabs.

One row per record, whole-row single selection, Tab leaves the table, and the keyboard verbs
every record list shares: Insert adds, Enter edits, Delete removes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget


class RecordGrid(QTableWidget):
    def __init__(
        self,
        headers: Sequence[str],
        accessible_name: str,
        on_add: Callable[[], None],
        on_edit: Callable[[], None],
        on_delete: Callable[[], None],
    ) -> None:
        super().__init__(0, len(headers))
        self.setHorizontalHeaderLabels(list(headers))
        self.setAccessibleName(accessible_name)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(100)
        self._keys = {
            Qt.Key.Key_Insert: on_add,
            Qt.Key.Key_Return: on_edit,
            Qt.Key.Key_Enter: on_edit,
            Qt.Key.Key_Delete: on_delete,
        }
        self.doubleClicked.connect(lambda _index: on_edit())
        self.installEventFilter(self)

    def current_row(self) -> int | None:
        rows = self.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self and event.type() == QEvent.Type.KeyPress:
            action = self._keys.get(event.key())
            if action is not None:
                action()
                return True
        return super().eventFilter(watched, event)
