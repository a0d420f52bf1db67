"""A statement held with no transactions on it: the period a dormant or empty account's statement
covers, so the coverage check counts it (Reference 003: statements for every account "regardless
of whether they are empty")."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.widgets.date_field import DateField


class QuietStatementDialog(QDialog):
    def __init__(self, account_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Statement with no transactions")
        self.setAccessibleName(self.windowTitle())
        intro = QLabel(
            f"{account_label}: the dates a statement covers when nothing went in or out."
        )
        intro.setWordWrap(True)
        self.start = DateField(required=True, label="Statement from")
        self.end = DateField(required=True, label="Statement to")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Problem with the dates")
        self.message.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        for text, field in (("Statement &from", self.start), ("Statement &to", self.end)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def period(self) -> tuple[date, date] | None:
        start, end = self.start.date(), self.end.date()
        return (start, end) if start and end else None

    def accept(self) -> None:
        for field in (self.start, self.end):
            if field.date() is None:
                self.message.setText(field.error() or f"{field.label}: give a date.")
                field.setFocus()
                return
        if self.start.date() > self.end.date():
            self.message.setText("Statement to: the end is before the start")
            self.end.setFocus()
            return
        super().accept()
