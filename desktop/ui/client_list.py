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
from desktop.ui.widgets.badge_delegate import BADGE_ROLE, BadgeDelegate
from desktop.ui.widgets.dates import format_date

ClientIdRole = Qt.ItemDataRole.UserRole + 1
#: The deadline badge's text ("3 d", "today", "check status"), None when there is none
#: (desktop.board.Badge: chosen by `desktop.board.needs_action`, the board's own rule).
BadgeRole = BADGE_ROLE


def describe(summary: ClientSummary) -> str:
    parts = [summary.full_name]
    if summary.date_of_birth:
        parts.append(format_date(summary.date_of_birth))
    if summary.home_office_ref:
        parts.append(summary.home_office_ref)
    return "  ·  ".join(parts)


def badge_tip(badge) -> str:
    """The badge in a sentence for the tooltip: what needs attention, or when the deadline is."""
    row = badge.row
    if badge.attention:
        return f"Needs attention: {row.summary}"
    said = badge.accessible
    return f"{said[:1].upper()}{said[1:]} ({format_date(row.date)}): {row.summary}"


class ClientListModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.index_data = ClientIndex()
        self._ids: list[int] = []
        self._badges: dict = {}  # client id -> desktop.board.Badge

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

    def set_badges(self, badges: dict) -> None:
        """Client id -> desktop.board.Badge for clients with a deadline soon ({} for none)."""
        old, self._badges = self._badges, dict(badges)
        changed = [
            cid for cid in old.keys() | self._badges.keys() if old.get(cid) != self._badges.get(cid)
        ]
        if not changed or not self._ids:
            return
        if len(changed) > 100:  # many: one signal for the whole list
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, 0))
            return
        for cid in changed:  # after one client's save: only their row
            row = self.row_of(cid)
            if row >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, 0))

    def badge(self, client_id: int):
        return self._badges.get(client_id)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        client_id = self._ids[index.row()]
        if role == ClientIdRole:
            return client_id
        badge = self._badges.get(client_id)
        if role == BadgeRole:
            return badge.text if badge is not None else None
        summary = self.index_data.get(client_id)
        if summary is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return describe(summary)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = describe(summary)
            return f"{text}, {badge.accessible}" if badge is not None else text
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = [f"Also known as: {summary.other_names}"] if summary.other_names else []
            if badge is not None:
                tips.append(badge_tip(badge))
            return "\n".join(tips) or None
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
        self.view.setItemDelegate(BadgeDelegate(self.view))
        self.count = QLabel("")
        self.count.setAccessibleName("Number of clients shown")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)

        self._last_query = ""
        # True while the list moves its own current row (select()): that is no request to
        # open a client. The view still repaints, so the highlight and the page agree.
        self._quiet = False
        # The client the page shows (as far as the list knows): kept highlighted across searches.
        self._chosen: int | None = None
        self.search.textChanged.connect(self._on_query)
        self.search.returnPressed.connect(self._open_first)
        self.view.activated.connect(self._on_activated)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        find = QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        find.setWhatsThis(
            "Search clients (name, other names, date of birth as the list shows it or "
            "20/01/2001, Home Office reference)"
        )
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
        self._chosen = None
        self._last_query = ""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.model.set_index(index)
        self._update_count()

    def clear(self) -> None:
        self.model.set_badges({})
        self.set_index(ClientIndex())

    def set_badges(self, badges: dict) -> None:
        """Show a deadline badge on each client in `badges` (client id -> Badge)."""
        self.model.set_badges(badges)

    def refresh(self, keep: int | None = None) -> None:
        """Re-run the current query (after a save or delete), keeping `keep` selected."""
        self._last_query = ""
        self._on_query(self.search.text())
        if keep is not None:
            self.select(keep)

    def select(self, client_id: int) -> None:
        """Highlight `client_id` without asking to open them; when the search hides them, no
        other client stays highlighted."""
        self._chosen = client_id
        row = self.model.row_of(client_id)
        self._quiet = True
        try:
            if row >= 0:
                self.view.setCurrentIndex(self.model.index(row, 0))
            else:
                self.view.selectionModel().clear()
        finally:
            self._quiet = False
        if row >= 0:
            self.view.scrollTo(self.model.index(row, 0))

    def _on_query(self, text: str) -> None:
        index = self.model.index_data
        refine = bool(self._last_query) and text.startswith(self._last_query)
        ids = index.search(text, within=self.model.ids() if refine else None)
        self._last_query = text
        self.model.set_ids(ids)
        if self._chosen is not None and self.model.row_of(self._chosen) >= 0:
            self.select(self._chosen)
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

    # One request per choice: moving the current row asks to open that client; Enter or a
    # double-click on the row already current asks nothing more (the client is already asked
    # for), so an unsaved-changes question never comes twice.
    def _open_first(self) -> None:
        if self.model.rowCount() > 0:
            self._open_row(self.model.index(0, 0))

    def _on_activated(self, index: QModelIndex) -> None:
        self._open_row(index)

    def _open_row(self, index: QModelIndex) -> None:
        if index != self.view.currentIndex():
            self.view.setCurrentIndex(index)  # asks through _on_current
        else:
            self.client_selected.emit(index.data(ClientIdRole))

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._quiet:
            self._chosen = current.data(ClientIdRole)
            self.client_selected.emit(self._chosen)
