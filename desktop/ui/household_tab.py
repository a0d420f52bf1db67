"""The Household tab: people the client lives with or supports; each change is one transaction.

What is typed into the Add / Edit household member form is never lost: if the window locks,
quits or meets an unexpected error while it is open, it is kept as the client's encrypted draft
(desktop.ui.kept_drafts, kind "household_member") and offered back on the client's page
(`restore_draft`). The draft goes when the form is saved or cancelled; a save that fails keeps
what was typed as the draft (`drafts_changed`), so it can be opened again.
"""

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
from desktop.ui import kept_drafts
from desktop.ui.client_tab import HOUSEHOLD
from desktop.ui.kept_drafts import HOUSEHOLD_MEMBER, closed_by_lock
from desktop.ui.record_dialog import RecordDialog
from desktop.ui.widgets import form_feedback
from desktop.ui.widgets.dates import format_date
from desktop.ui.widgets.record_table import RecordGrid

HEADERS = ("Name", "Relationship", "Date of birth", "Also a client")
KEPT_AFTER_FAILED_SAVE = " What was typed is kept as a draft: Restore it above."
CHANGED_SINCE = (
    "The household member being edited has changed since; what was typed opens as a new one."
)


def _fingerprint(member: HouseholdEntry) -> list:
    """What a kept edit remembers of the member it edits, to be sure it is still the same."""
    born = member.date_of_birth.isoformat() if member.date_of_birth else None
    return [member.name, member.relationship_to_client, born, member.member_client_id]


class HouseholdTab(QWidget):
    # The client-tab contract (desktop.ui.client_tab).
    tab_title = "Household"
    reacts_to: frozenset[str] = frozenset()
    writes = {"household_saved": frozenset({HOUSEHOLD})}

    household_saved = Signal()
    #: A draft was kept by the tab itself (a save that failed): the page offers it again.
    drafts_changed = Signal()

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
        self._member_dialog(None)

    def edit_selected(self) -> None:
        row = self.current_row()
        if row is None:
            return
        self._member_dialog(row)

    def _member_dialog(self, row: int | None, typed: dict | None = None) -> None:
        """Add (row None) or edit a member through the form, then save. What is typed is kept
        as a draft if the window locks meanwhile; `typed` puts such a draft back."""
        if self._client_id is None:
            return
        client_id = self._client_id
        dialog = self._dialog(self._members[row] if row is not None else None)
        dialog.draft_kind = HOUSEHOLD_MEMBER
        dialog.draft_context = {
            "index": row,
            "original": _fingerprint(self._members[row]) if row is not None else None,
        }
        if typed is not None:
            dialog.set_field_texts(typed)
        accepted = self.run_dialog(dialog)
        if closed_by_lock(dialog) or self._client_id != client_id:
            return  # locked meanwhile: what was typed is the kept draft
        if accepted and (entry := dialog.record()) is not None:
            members = list(self._members)
            if row is None:
                members.append(entry)
            else:
                members[row] = entry
            done = f"Added {entry.name}." if row is None else f"Saved {entry.name}."
            if not self.save_members(members, done):
                if kept_drafts.keep_now(self._store, kept_drafts.from_dialog(dialog, client_id)):
                    self.status.setText(self.status.text() + KEPT_AFTER_FAILED_SAVE)
                    self.drafts_changed.emit()
                return
        kept_drafts.forget(self._store, client_id, HOUSEHOLD_MEMBER)

    def restore_draft(self, payload: dict) -> bool:
        """Open the member form kept as a draft, with what was typed. False when the draft is
        not one this tab wrote (the caller forgets it then)."""
        typed = payload.get("fields") if isinstance(payload, dict) else None
        if (
            not isinstance(typed, dict)
            or payload.get("record_kind") != "household"
            or self._client_id is None
        ):
            return False
        row = payload.get("index")
        if row is not None:
            still_there = (
                isinstance(row, int)
                and not isinstance(row, bool)
                and 0 <= row < len(self._members)
                and _fingerprint(self._members[row]) == payload.get("original")
            )
            if not still_there:
                # The member it edited has changed or gone: what was typed comes back as a
                # new member, so nobody else is overwritten.
                row = None
                self.status.setText(CHANGED_SINCE)
        self._member_dialog(row, typed)
        return True

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
