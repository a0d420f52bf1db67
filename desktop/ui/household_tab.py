"""The Household tab: people the client lives with or supports; each change is one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.store.models import Client
from desktop.store.repository import HouseholdEntry, household_of, set_household
from desktop.ui.record_dialog import RecordDialog
from desktop.ui.widgets import form_feedback
from desktop.ui.widgets.dates import format_date
from desktop.ui.widgets.record_table import RecordGrid

HEADERS = ("Name", "Relationship", "Date of birth", "Also a client")


class HouseholdTab(QWidget):
    household_saved = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = None
        self._adviser = ""
        self._today: Callable[[], date] = date.today
        self._client_id: int | None = None
        self._members: list[HouseholdEntry] = []

        title = QLabel("Household &members")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.table = RecordGrid(
            HEADERS,
            "Household members",
            on_add=self.add_member,
            on_edit=self.edit_selected,
            on_delete=self.remove_selected,
        )
        title.setBuddy(self.table)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.add_button = QPushButton("&Add member…")
        self.edit_button = QPushButton("&Edit…")
        self.remove_button = QPushButton("&Remove")
        for button, name in (
            (self.add_button, "Add household member"),
            (self.edit_button, "Edit household member"),
            (self.remove_button, "Remove household member"),
        ):
            button.setAccessibleName(name)
        self.add_button.clicked.connect(self.add_member)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Last change")

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._update_buttons()

    def set_context(
        self, store, adviser: str, today_provider: Callable[[], date] = date.today
    ) -> None:
        self._store, self._adviser, self._today = store, adviser, today_provider

    def members(self) -> list[HouseholdEntry]:
        return list(self._members)

    def load(self, client_id: int) -> None:
        with self._store.session() as session:
            members = household_of(session, client_id)
        self._client_id = client_id
        self._show(members)

    def clear(self) -> None:
        self._client_id = None
        self._show([])
        self.status.clear()

    def _show(self, members: list[HouseholdEntry]) -> None:
        self._members = list(members)
        self.table.setRowCount(len(members))
        for row, m in enumerate(members):
            values = (
                m.name,
                m.relationship_to_client,
                format_date(m.date_of_birth),
                f"Client {m.member_client_id}" if m.member_client_id else "",
            )
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self._update_buttons()

    def current_row(self) -> int | None:
        return self.table.current_row()

    def _update_buttons(self) -> None:
        has = self.current_row() is not None
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def lookup_client(self, client_id: int) -> str | None:
        if client_id == self._client_id:
            return None  # a client is not their own household member
        with self._store.session() as session:
            client = session.get(Client, client_id)
            return client.full_name if client is not None else None

    def run_dialog(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _dialog(self, record: HouseholdEntry | None) -> RecordDialog:
        return RecordDialog(
            "household",
            record=record,
            today=self._today(),
            lookup_client=self.lookup_client,
            parent=self,
        )

    def add_member(self) -> None:
        if self._client_id is None:
            return
        dialog = self._dialog(None)
        if self.run_dialog(dialog) and (entry := dialog.record()) is not None:
            self.save_members(self._members + [entry], f"Added {entry.name}.")

    def edit_selected(self) -> None:
        row = self.current_row()
        if row is None:
            return
        dialog = self._dialog(self._members[row])
        if self.run_dialog(dialog) and (entry := dialog.record()) is not None:
            members = list(self._members)
            members[row] = entry
            self.save_members(members, f"Saved {entry.name}.")

    def remove_selected(self) -> None:
        row = self.current_row()
        if row is None:
            return
        name = self._members[row].name
        if form_feedback.confirm(
            self, "Remove household member?", f"Remove {name} from this household?", yes="Remove"
        ):
            members = list(self._members)
            members.pop(row)
            self.save_members(members, f"Removed {name}.")

    def save_members(self, members: list[HouseholdEntry], done: str = "Saved.") -> bool:
        try:
            with self._store.session() as session:
                set_household(session, self._client_id, members, self._adviser)
        except Exception as exc:  # noqa: BLE001 - show it; the old household stays
            self.status.setText(
                f"Not saved: the store could not be written ({type(exc).__name__}). Nothing was changed."
            )
            return False
        self.load(self._client_id)
        self.status.setText(done)
        self.household_saved.emit()
        return True
