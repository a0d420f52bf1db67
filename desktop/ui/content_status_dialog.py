"""Help > Content and sources…: the content in use (the app's own or an installed update
pack) and each checklist and figures file with the date it was last checked against its
sources, those older than the limit (a setting) or with no date marked in words, not only
colour."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.rules.content_pack import FRESH, STALE, stale_files


def state_words(state: str, limit_days: int) -> str:
    if state == FRESH:
        return "Checked recently"
    if state == STALE:
        return f"Older than {limit_days} days: check it"
    return "No date: check it"


def summary_line(status) -> str:
    """One line for the status bar and the dialog: how many files need checking."""
    stale = stale_files(status.ages)
    if not stale:
        return f"All {len(status.ages)} guidance files were checked in the last {status.limit_days} days."
    return (
        f"{len(stale)} of {len(status.ages)} guidance files were last checked more than "
        f"{status.limit_days} days ago (or say no date): see Help > Content and sources."
    )


class ContentStatusDialog(QDialog):
    def __init__(self, status, parent: QWidget | None = None) -> None:
        """`status`: a desktop.content.ContentStatus."""
        super().__init__(parent)
        self.status = status
        self.setWindowTitle("Content and sources")
        self.setAccessibleName("Content and sources")
        self.setMinimumSize(640, 460)
        installed = ", ".join(str(v) for v in status.installed) or "none"
        self.in_use = QLabel(f"In use: {status.in_use.label}. Installed update packs: {installed}.")
        self.in_use.setWordWrap(True)
        self.in_use.setAccessibleName("Content in use")
        self.problem = QLabel(status.in_use.problem)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem with the installed content")
        self.problem.setStyleSheet("color: #8a1c1c; font-weight: bold;")
        self.problem.setVisible(bool(status.in_use.problem))
        self.summary = QLabel(summary_line(status))
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("How old the guidance is")
        self.table = QTableWidget(len(status.ages), 3)
        self.table.setHorizontalHeaderLabels(["File", "Checked on", "State"])
        self.table.setAccessibleName("Checklist and figures files with the date each was checked")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        bold = QFont()
        bold.setBold(True)
        for row, age in enumerate(status.ages):
            cells = (
                age.path,
                f"checked on {age.checked_on.isoformat()}" if age.checked_on else "no date",
                state_words(age.state, status.limit_days),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if age.state != FRESH:
                    item.setFont(bold)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        note = QLabel(
            "Each file says when it was last checked against the Immigration Rules, GOV.UK "
            "guidance and fees. A centre gets newer content from a content update pack "
            "(File > Install content update…); the warning age is in Settings."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.in_use, self.problem, self.summary):
            layout.addWidget(widget)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.table.setFocus()

    def marked_rows(self) -> list[str]:
        """The files marked as needing a check (for tests and screen readers alike)."""
        return [
            self.table.item(row, 0).text()
            for row in range(self.table.rowCount())
            if not self.table.item(row, 2).text().startswith("Checked recently")
        ]
