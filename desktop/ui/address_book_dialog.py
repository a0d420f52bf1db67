"""The referral address book (issue 20): this laptop's own referral key at the top, to give to
the people who send you referrals (with Copy), and the contacts you send to: name, fingerprint
and key. Add takes a name and a key and shows the fingerprint as the key is typed, to read
aloud and compare; Remove asks first. Each change is one transaction in the store.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.referral_common import (
    KeyEntry,
    api,
    error_label,
    monospace,
    problem_line,
    say,
)

TITLE = "Referral address book"
OWN_KEY_WORDS = (
    "Give this key to the advisers who send you referrals (email is fine: it is not secret). "
    "When they add it, read the fingerprint to each other by phone."
)


def confirm_remove(parent: QWidget, name: str) -> bool:
    """Remove a contact? No is the default. Tests replace this."""
    answer = QMessageBox.question(
        parent,
        TITLE,
        f"Remove {name} from the address book? Referrals from them will show as not known.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class AddressBookDialog(QDialog):
    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.error = error_label("Problem")

        own = QGroupBox("This laptop's referral key")
        own.setAccessibleName("This laptop's referral key")
        self.own_key = QLabel()
        self.own_key.setFont(monospace())
        self.own_key.setWordWrap(True)
        self.own_key.setAccessibleName("This laptop's referral key")
        self.own_key.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.own_fingerprint = QLabel()
        self.own_fingerprint.setFont(monospace(1.3, bold=True))
        self.own_fingerprint.setAccessibleName("This laptop's fingerprint")
        self.own_fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton("&Copy key")
        self.copy_button.setAccessibleName("Copy this laptop's referral key")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_own_key)
        own_words = QLabel(OWN_KEY_WORDS)
        own_words.setWordWrap(True)
        own_words.setAccessibleName("About this laptop's key")
        own_form = QFormLayout(own)
        key_row = QHBoxLayout()
        key_row.addWidget(self.own_key, 1)
        key_row.addWidget(self.copy_button)
        own_form.addRow(own_words)
        key_caption = QLabel("Key:")
        key_caption.setAccessibleName("Key")
        own_form.addRow(key_caption, key_row)
        fingerprint_caption = QLabel("Fingerprint:")
        fingerprint_caption.setAccessibleName("Fingerprint")
        own_form.addRow(fingerprint_caption, self.own_fingerprint)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(("Name", "Fingerprint", "Key"))
        self.table.setAccessibleName("Contacts")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table_label = QLabel("C&ontacts you send referrals to:")
        table_label.setBuddy(self.table)
        self.remove_button = QPushButton("&Remove…")
        self.remove_button.setAccessibleName("Remove the chosen contact")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemSelectionChanged.connect(self._update)

        add = QGroupBox("Add a contact")
        add.setAccessibleName("Add a contact")
        self.entry = KeyEntry("&Name:", "Referral &key:")
        self.add_button = QPushButton("&Add")
        self.add_button.setAccessibleName("Add the contact")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add)
        self.entry.changed.connect(self._update)
        add_layout = QVBoxLayout(add)
        add_layout.addWidget(self.entry)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        add_layout.addLayout(add_row)

        self.close_button = QPushButton("C&lose")
        self.close_button.setAccessibleName("Close the address book")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        # Enter in the Add fields adds (when the key is whole), never closes the book.
        self.add_button.setDefault(True)
        remove_row = QHBoxLayout()
        remove_row.addWidget(self.remove_button)
        remove_row.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(own)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(remove_row)
        layout.addWidget(add)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.resize(760, 600)
        self._load()
        self.table.setFocus()

    def _load(self) -> None:
        try:
            mine = api().identity(self.store)
            self.own_key.setText(mine.recipient)
            self.own_fingerprint.setText(mine.fingerprint)
            found = api().contacts(self.store)
        except Exception as exc:  # noqa: BLE001 - one line, never a traceback
            say(self.error, problem_line(exc))
            found = []
        self.table.setRowCount(len(found))
        for row, contact in enumerate(found):
            for column, text in enumerate((contact.name, contact.fingerprint, contact.recipient)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, contact.id)
                item.setToolTip(text)
                if column:
                    item.setFont(monospace())
                self.table.setItem(row, column, item)
        self._update()

    def _update(self) -> None:
        self.remove_button.setEnabled(bool(self.table.selectedItems()))
        self.add_button.setEnabled(self.entry.ready())

    def copy_own_key(self) -> None:
        QGuiApplication.clipboard().setText(self.own_key.text())
        say(self.error, "")

    def add(self) -> None:
        problem = self.entry.problem()
        if problem:
            say(self.error, problem)
            return
        try:
            api().add_contact(self.store, self.entry.name(), self.entry.recipient())
        except Exception as exc:  # noqa: BLE001 - one line; what was typed stays
            say(self.error, problem_line(exc))
            return
        say(self.error, "")
        self.entry.clear()
        self._load()

    def remove_selected(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        row = items[0].row()
        contact_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        name = self.table.item(row, 0).text()
        if not confirm_remove(self, name):
            return
        try:
            api().remove_contact(self.store, contact_id)
        except Exception as exc:  # noqa: BLE001
            say(self.error, problem_line(exc))
            return
        self._load()

    def contact_names(self) -> list[str]:
        return [self.table.item(row, 0).text() for row in range(self.table.rowCount())]
