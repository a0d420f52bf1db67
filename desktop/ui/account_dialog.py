"""Add or edit a household bank account: whose it is, the bank, type, sort code, last four
digits and whether it is open, dormant or closed (closed accounts must still be declared)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.rules.statement_types import ACCOUNT_KINDS, ACCOUNT_STATUSES
from desktop.store.statements import AccountDetails, StatementDataError
from desktop.ui.widgets.date_field import DateField

STATUS_WORDS = {
    "open": "Open",
    "dormant": "Open but dormant (rarely used)",
    "closed": "Closed (still declare it)",
}


class AccountDialog(QDialog):
    def __init__(
        self,
        holders: Sequence[str],
        details: AccountDetails | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit bank account" if details else "Add bank account")
        self.setAccessibleName(self.windowTitle())
        self._details: AccountDetails | None = None

        self.holder = QComboBox()
        self.holder.setEditable(True)
        self.holder.addItems(list(dict.fromkeys(holders)))
        self.holder.setAccessibleName("Account holder")
        self.bank = QLineEdit()
        self.bank.setAccessibleName("Bank or building society")
        self.bank.setPlaceholderText("e.g. Nationwide")
        self.kind = QComboBox()
        for kind in ACCOUNT_KINDS:
            self.kind.addItem(kind.capitalize(), kind)
        self.kind.setAccessibleName("Account type")
        self.sort_code = QLineEdit()
        self.sort_code.setAccessibleName("Sort code")
        self.sort_code.setPlaceholderText("40-11-62")
        self.sort_code.setMaxLength(8)
        self.last_four = QLineEdit()
        self.last_four.setAccessibleName("Last four digits of the account number")
        self.last_four.setPlaceholderText("1234")
        self.last_four.setMaxLength(4)
        self.status = QComboBox()
        for status in ACCOUNT_STATUSES:
            self.status.addItem(STATUS_WORDS[status], status)
        self.status.setAccessibleName("Account status")
        self.closed_on = DateField(label="Closed on")
        self.notes = QLineEdit()
        self.notes.setAccessibleName("Notes about the account")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Problem with the account details")
        self.message.setStyleSheet("color: #b00020;")

        form = QFormLayout()
        for label, widget in (
            ("&Holder", self.holder),
            ("&Bank", self.bank),
            ("&Type", self.kind),
            ("&Sort code", self.sort_code),
            ("&Last four digits", self.last_four),
            ("S&tatus", self.status),
            ("&Closed on", self.closed_on),
            ("&Notes", self.notes),
        ):
            buddy = QLabel(label)
            buddy.setBuddy(widget)
            form.addRow(buddy, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        self.status.currentIndexChanged.connect(self._status_changed)
        if details is not None:
            self.holder.setCurrentText(details.holder)
            self.bank.setText(details.bank)
            self.kind.setCurrentIndex(max(0, self.kind.findData(details.kind)))
            self.sort_code.setText(details.sort_code)
            self.last_four.setText(details.last_four)
            self.status.setCurrentIndex(max(0, self.status.findData(details.status)))
            self.closed_on.setDate(details.closed_on)
            self.notes.setText(details.notes)
        self._status_changed()

    def _status_changed(self) -> None:
        closed = self.status.currentData() == "closed"
        self.closed_on.setEnabled(closed)

    def details(self) -> AccountDetails | None:
        return self._details

    def current(self) -> AccountDetails:
        return AccountDetails(
            holder=self.holder.currentText(),
            bank=self.bank.text(),
            kind=self.kind.currentData(),
            sort_code=self.sort_code.text(),
            last_four=self.last_four.text(),
            status=self.status.currentData(),
            closed_on=self.closed_on.date() if self.closed_on.isEnabled() else None,
            notes=self.notes.text().strip(),
        )

    def accept(self) -> None:
        if self.closed_on.isEnabled() and self.closed_on.error():
            self.message.setText(self.closed_on.error())
            self.closed_on.setFocus()
            return
        try:
            self._details = self.current().checked()
        except StatementDataError as exc:
            self.message.setText(str(exc))
            return
        super().accept()
