"""Help > Content and sources…: the content in use (the app's own or an installed update
pack) and each checklist and figures file with the date it was last checked against its
sources, those older than the limit (a setting) or with no date marked in words, not only
colour."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
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
    def __init__(
        self,
        status,
        parent: QWidget | None = None,
        *,
        rollback: Callable[[], object] | None = None,
    ) -> None:
        """`status`: a desktop.content.ContentStatus. `rollback`: goes back to the previous
        content (desktop.content.rollback for the window's data folder) and returns the
        ContentInUse now; None: no button (nothing to go back from, or no data folder)."""
        super().__init__(parent)
        self.status = status
        self._rollback = rollback
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
        self.rollback_button = QPushButton("Go &back to the previous content…")
        self.rollback_button.setAccessibleName("Go back to the previous content")
        self.rollback_button.setToolTip(
            "Stop using the content pack in use: the one installed before it, or the content "
            "that came with the app, is used instead. The pack stays on disk."
        )
        self.rollback_button.setAutoDefault(False)
        self.rollback_button.setEnabled(
            rollback is not None and (status.in_use.source == "pack" or bool(status.in_use.problem))
        )
        self.rollback_button.clicked.connect(self.go_back)
        buttons.addButton(self.rollback_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.rollback_button.setVisible(rollback is not None)  # after addButton, which shows it
        layout = QVBoxLayout(self)
        for widget in (self.in_use, self.problem, self.summary):
            layout.addWidget(widget)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.table.setFocus()

    def go_back(self) -> bool:
        """Ask, then roll back; the dialog then says what is in use. False when nothing
        changed (the adviser said no, or it could not be done: the reason is shown)."""
        if self._rollback is None:
            return False
        answer = QMessageBox.question(
            self,
            "Go back to the previous content",
            f"Stop using {self.status.in_use.label}? The content installed before it (or the "
            "content that came with the app) is used from now on. You can install the pack "
            "again later.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            now = self._rollback()
        except Exception as exc:  # noqa: BLE001 - a ContentPackError or a disk error: say so
            message = str(exc) if str(exc) else type(exc).__name__
            self.problem.setText(f"Could not go back: {message}")
            self.problem.setVisible(True)
            return False
        self.in_use.setText(
            f"In use now: {now.label}. Pages already open show it when next opened."
        )
        self.problem.setVisible(False)
        self.rollback_button.setEnabled(getattr(now, "source", "") == "pack")
        return True

    def marked_rows(self) -> list[str]:
        """The files marked as needing a check (for tests and screen readers alike)."""
        return [
            self.table.item(row, 0).text()
            for row in range(self.table.rowCount())
            if not self.table.item(row, 2).text().startswith("Checked recently")
        ]
