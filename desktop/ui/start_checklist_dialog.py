"""Start checklist…: pick a checklist template, read its title and introduction, tick the
circumstances that apply to the client, and start it (Enter).

The dialog only chooses; the Checklists tab writes the store. `choice()` is the template and
the circumstance keys ticked (in the template's order)."""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.rules.checklists import Checklist

WRAP_AT = 60  # characters per line of a circumstance's tick box


class StartChecklistDialog(QDialog):
    def __init__(
        self,
        checklists: Mapping[str, Checklist],
        parent: QWidget | None = None,
        *,
        started: Collection[str] = (),
    ) -> None:
        """`checklists`: id -> template (`desktop.assess.load_checklists()`); `started`: ids
        the client already has a list from (marked, still choosable: a second application)."""
        super().__init__(parent)
        self.setWindowTitle("Start a checklist")
        self.setAccessibleName("Start a checklist")
        self._checklists = dict(checklists)
        self._boxes: dict[str, QCheckBox] = {}

        self.templates = QListWidget()
        self.templates.setAccessibleName("Checklists to choose from")
        self.templates.setWordWrap(True)
        self.templates.setSpacing(2)
        self.templates.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for checklist in self._checklists.values():
            mark = "  (already started)" if checklist.id in started else ""
            item = QListWidgetItem(f"{checklist.title}{mark}")
            item.setData(Qt.ItemDataRole.UserRole, checklist.id)
            item.setToolTip(f"{checklist.title} — version {checklist.version}")
            self.templates.addItem(item)
        templates_label = QLabel("&Checklist")
        templates_label.setBuddy(self.templates)

        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setAccessibleName("About this checklist")
        self.intro.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.ticks_label = QLabel("Tick what applies to the client:")
        self.ticks = QWidget()
        self.ticks_layout = QVBoxLayout(self.ticks)
        self.ticks_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.ticks)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.count = QLabel()
        self.count.setAccessibleName("How many items the checklist will have")

        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(self.intro)
        right.addSpacing(6)
        right.addWidget(self.ticks_label)
        right.addWidget(scroll, 1)
        right.addWidget(self.count)
        left = QVBoxLayout()
        left.addWidget(templates_label)
        left.addWidget(self.templates, 1)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.start_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("&Start checklist")
        self.start_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self.resize(820, 460)

        self.templates.currentRowChanged.connect(self._show)
        if self._checklists:
            self.templates.setCurrentRow(0)
        else:
            self.title.setText("No checklists are installed.")
            self.intro.setText("Checklists are read from resources/checklists/.")
        self._show()
        self.templates.setFocus()

    # ---- API -----------------------------------------------------------------------------------
    def selected(self) -> Checklist | None:
        item = self.templates.currentItem()
        return None if item is None else self._checklists[item.data(Qt.ItemDataRole.UserRole)]

    def select(self, checklist_id: str) -> bool:
        for row in range(self.templates.count()):
            if self.templates.item(row).data(Qt.ItemDataRole.UserRole) == checklist_id:
                self.templates.setCurrentRow(row)
                return True
        return False

    def circumstance_boxes(self) -> dict[str, QCheckBox]:
        return dict(self._boxes)

    def set_ticked(self, keys: Collection[str]) -> None:
        for key, box in self._boxes.items():
            box.setChecked(key in keys)

    def ticked(self) -> tuple[str, ...]:
        return tuple(key for key, box in self._boxes.items() if box.isChecked())

    def choice(self) -> tuple[Checklist, tuple[str, ...]] | None:
        checklist = self.selected()
        return None if checklist is None else (checklist, self.ticked())

    # ---- internals -----------------------------------------------------------------------------
    def _show(self, _row: int = -1) -> None:
        checklist = self.selected()
        while self.ticks_layout.count():
            widget = self.ticks_layout.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self._boxes = {}
        self.start_button.setEnabled(checklist is not None)
        if checklist is None:
            self.ticks_label.hide()
            self.count.clear()
            return
        self.title.setText(checklist.title)
        self.intro.setText(checklist.intro)
        for key, sentence in checklist.circumstances.items():
            # QCheckBox does not wrap: long sentences are broken onto lines here.
            box = QCheckBox(textwrap.fill(sentence, WRAP_AT))
            box.setAccessibleName(sentence)
            box.toggled.connect(self._update_count)
            self.ticks_layout.addWidget(box)
            self._boxes[key] = box
        self.ticks_layout.addStretch(1)
        self.ticks_label.setVisible(bool(self._boxes))
        self._update_count()

    def _update_count(self) -> None:
        checklist = self.selected()
        if checklist is None:
            return
        always = len(checklist.items_for(()))
        chosen = len(checklist.items_for(self.ticked()))
        extra = f" ({chosen - always} for what is ticked)" if chosen > always else ""
        self.count.setText(f"{chosen} items to gather{extra}.")
