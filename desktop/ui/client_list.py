"""The left-hand client list with instant search.

Searching runs against `desktop.store.search.ClientIndex` in memory, so each keystroke costs
a few milliseconds even with 10,000 clients (see benchmarks/bench_search.py). When the new
query extends the previous one, only the previous matches are re-checked.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from desktop.store.search import ClientIndex, ClientSummary

ClientIdRole = Qt.ItemDataRole.UserRole + 1


def describe(summary: ClientSummary) -> str:
    parts = [summary.full_name]
    if summary.date_of_birth:
        parts.append(summary.date_of_birth.strftime("%d/%m/%Y"))
    if summary.home_office_ref:
        parts.append(summary.home_office_ref)
    return "  ·  ".join(parts)


class ClientListModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.index_data = ClientIndex()
        self._ids: list[int] = []

    def set_index(self, index: ClientIndex) -> None:
        self.beginResetModel()
        self.index_data = index
        self._ids = index.search("")
        self.endResetModel()

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self.endResetModel()

    def ids(self) -> list[int]:
        return self._ids

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        client_id = self._ids[index.row()]
        if role == ClientIdRole:
            return client_id
        summary = self.index_data.get(client_id)
        if summary is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return describe(summary)
        if role == Qt.ItemDataRole.ToolTipRole:
            return summary.other_names and f"Also known as: {summary.other_names}"
        return None

    def row_of(self, client_id: int) -> int:
        try:
            return self._ids.index(client_id)
        except ValueError:
            return -1


class ClientListPanel(QWidget):
    client_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, other names, date of birth, HO ref  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search clients")
        self.model = ClientListModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.setAccessibleName("Client list")
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.count = QLabel("")
        self.count.setAccessibleName("Number of clients shown")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)

        self._last_query = ""
        self.search.textChanged.connect(self._on_query)
        self.search.returnPressed.connect(self._open_first)
        self.view.activated.connect(self._on_activated)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        self.search.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        from PySide6.QtCore import QEvent

        if obj is self.search and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down and self.model.rowCount() > 0:
                self.view.setFocus()
                if not self.view.currentIndex().isValid():
                    self.view.setCurrentIndex(self.model.index(0, 0))
                return True
        return super().eventFilter(obj, event)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def set_index(self, index: ClientIndex) -> None:
        self._last_query = ""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.model.set_index(index)
        self._update_count()

    def clear(self) -> None:
        self.set_index(ClientIndex())

    def refresh(self, keep: int | None = None) -> None:
        """Re-run the current query (after a save or delete), keeping `keep` selected."""
        self._last_query = ""
        self._on_query(self.search.text())
        if keep is not None:
            self.select(keep)

    def select(self, client_id: int) -> None:
        row = self.model.row_of(client_id)
        if row >= 0:
            self.view.selectionModel().blockSignals(True)
            self.view.setCurrentIndex(self.model.index(row, 0))
            self.view.selectionModel().blockSignals(False)
            self.view.scrollTo(self.model.index(row, 0))

    def _on_query(self, text: str) -> None:
        index = self.model.index_data
        refine = bool(self._last_query) and text.startswith(self._last_query)
        ids = index.search(text, within=self.model.ids() if refine else None)
        self._last_query = text
        self.model.set_ids(ids)
        self._update_count()

    def _update_count(self) -> None:
        total = len(self.model.index_data)
        shown = self.model.rowCount()
        if total == 0:
            self.count.setText("No clients yet. Press Ctrl+N to add one.")
        elif shown == total:
            self.count.setText(f"{total:,} client{'s' if total != 1 else ''}")
        else:
            self.count.setText(f"{shown:,} of {total:,} client{'s' if total != 1 else ''}")

    def _open_first(self) -> None:
        if self.model.rowCount() > 0:
            self.view.setCurrentIndex(self.model.index(0, 0))
            self.client_selected.emit(self.model.ids()[0])

    def _on_activated(self, index: QModelIndex) -> None:
        self.client_selected.emit(index.data(ClientIdRole))

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.client_selected.emit(current.data(ClientIdRole))
