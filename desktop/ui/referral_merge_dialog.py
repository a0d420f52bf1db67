"""Compare and merge a received referral into a client already here, record by record
(issue 20).

A table, side by side: Section | Record | This laptop | In the file | Use. Each row's "Use":

- changed (the same record differs): "Choose…" (no default), "In the file" or "This laptop";
- new (only in the file): "Add" or "Leave out";
- only here (only on this laptop): "Kept", nothing to choose.

The plan's summary is at the top; "Use all from the file" and "Keep all of this laptop's" set
every changed row at once (the adviser's own choice, on screen). Merge is enabled only when
every changed row is chosen: a permission's dates or a decision are never settled silently.
`choices()` gives what `desktop.store.referral.accept_merge` takes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

TITLE = "Compare and merge a referral"
COLUMNS = ("Section", "Record", "This laptop", "In the file", "Use")
CHOOSE, FROM_FILE, MINE = "Choose…", "In the file", "This laptop"
ADD, LEAVE_OUT, KEPT = "Add", "Leave out", "Kept"
#: Combo entries per kind: (words, choice for accept_merge; None = no entry in choices).
OPTIONS = {
    "changed": ((CHOOSE, None), (FROM_FILE, "received"), (MINE, "mine")),
    "new": ((ADD, None), (LEAVE_OUT, "skip")),
}
UNCHOSEN_STYLE = "QComboBox { background: #fff3c4; font-weight: bold; }"


def field_words(name: str) -> str:
    """The store gives fields in words ("Full name", "UAN"); a bare column name is made so."""
    return name.replace("_", " ").strip().capitalize() if "_" in name else name


def values_words(fields, values: dict[str, str]) -> str:
    """One line a field ("Ends: 3 March 2027"); a field with no value says so."""
    names = list(fields) or list(values)
    lines = [f"{field_words(name)}: {values.get(name) or '(none)'}" for name in names]
    return "\n".join(lines) if values else "(not here)"


class ReferralMergeDialog(QDialog):
    def __init__(self, plan, client_words: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        intro = QLabel(
            f"Merging the referral into {client_words}. "
            if client_words
            else "Merging the referral. "
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setAccessibleName("Which client")
        self.summary = QLabel(str(plan.summary()))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName("What the merge does")
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.status = QLabel()
        self.status.setAccessibleName("Rows still to choose")
        self.status.setStyleSheet("color: #8a1c1c;")

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Records side by side: this laptop and the file")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab goes to each row's "Use", then on
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        #: diff.id -> (kind, combo or None)
        self.rows: dict[str, tuple[str, QComboBox | None]] = {}
        self._fill()

        self.all_file = QPushButton("Use all from the &file")
        self.all_file.setAccessibleName("Use every changed record from the file")
        self.all_mine = QPushButton("&Keep all of this laptop's")
        self.all_mine.setAccessibleName("Keep this laptop's version of every changed record")
        self.merge_button = QPushButton("&Merge")
        self.merge_button.setAccessibleName("Merge as chosen")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel: nothing is written")
        for button in (self.all_file, self.all_mine, self.merge_button):
            button.setAutoDefault(False)
        self.all_file.clicked.connect(lambda: self.choose_all("received"))
        self.all_mine.clicked.connect(lambda: self.choose_all("mine"))
        self.merge_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_file)
        buttons.addWidget(self.all_mine)
        buttons.addStretch(1)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(980, 560)
        self._update()
        first = next((combo for _kind, combo in self.rows.values() if combo is not None), None)
        (first or self.table).setFocus()

    def _fill(self) -> None:
        differences = list(self.plan.differences)
        self.table.setRowCount(len(differences))
        for row, diff in enumerate(differences):
            texts = (
                diff.section,
                diff.label,
                values_words(diff.fields, dict(diff.here)),
                values_words(diff.fields, dict(diff.there)),
            )
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                self.table.setItem(row, column, item)
            combo = None
            if diff.kind in OPTIONS:
                combo = QComboBox()
                for words, choice in OPTIONS[diff.kind]:
                    combo.addItem(words, choice)
                combo.setAccessibleName(f"Use for {diff.section}: {diff.label}")
                combo.currentIndexChanged.connect(self._update)
                combo.installEventFilter(self)
                # In a holder, at the top of its cell: a tall row (a note) would stretch it.
                holder = QWidget()
                holder_layout = QVBoxLayout(holder)
                holder_layout.setContentsMargins(2, 2, 2, 2)
                holder_layout.addWidget(combo, 0, Qt.AlignmentFlag.AlignTop)
                holder_layout.addStretch(1)
                self.table.setCellWidget(row, 4, holder)
            else:
                item = QTableWidgetItem(KEPT)
                item.setToolTip("Only on this laptop: kept as it is")
                self.table.setItem(row, 4, item)
            self.rows[diff.id] = (diff.kind, combo)
        self.table.resizeRowsToContents()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        """A row's "Use" that takes the focus (Tab) is scrolled into view with its row."""
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QComboBox):
            for row in range(self.table.rowCount()):
                if self.combo_at(row) is watched:
                    self.table.selectRow(row)
                    self.table.scrollToItem(self.table.item(row, 0))
                    break
        return super().eventFilter(watched, event)

    def combo_at(self, row: int) -> QComboBox | None:
        """The row's "Use" choice, or None for a row with nothing to choose ("Kept")."""
        holder = self.table.cellWidget(row, 4)
        return None if holder is None else holder.findChild(QComboBox)

    def unchosen(self) -> int:
        return sum(
            1
            for kind, combo in self.rows.values()
            if kind == "changed" and combo is not None and combo.currentData() is None
        )

    def _update(self, *_args) -> None:
        left = self.unchosen()
        self.merge_button.setEnabled(left == 0)
        for kind, combo in self.rows.values():
            if kind == "changed" and combo is not None:
                combo.setStyleSheet(UNCHOSEN_STYLE if combo.currentData() is None else "")
        changed = sum(1 for kind, _ in self.rows.values() if kind == "changed")
        self.all_file.setEnabled(changed > 0)
        self.all_mine.setEnabled(changed > 0)
        self.status.setText(
            f"Choose which to use for {left} changed record{'s' if left != 1 else ''} "
            "before merging."
            if left
            else ""
        )

    def choose_all(self, choice: str) -> None:
        for kind, combo in self.rows.values():
            if kind == "changed" and combo is not None:
                combo.setCurrentIndex(combo.findData(choice))

    def choose(self, diff_id: str, words: str) -> None:
        """Pick a row's "Use" by its words (tests, and the same as picking it in the combo)."""
        _kind, combo = self.rows[diff_id]
        combo.setCurrentIndex(combo.findText(words))

    def choices(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for diff_id, (_kind, combo) in self.rows.items():
            if combo is not None and combo.currentData() is not None:
                found[diff_id] = combo.currentData()
        return found

    def accept(self) -> None:
        if self.unchosen():
            return
        super().accept()
