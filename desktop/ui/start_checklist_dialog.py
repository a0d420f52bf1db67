"""Start checklist…: pick a checklist template, read its title and introduction, tick the
circumstances that apply to the client, and start it (Enter).

The dialog only chooses; the Checklists tab writes the store. `choice()` is the template and
the circumstance keys ticked (in the template's order).

Under the introduction the adviser reads when the checklist was last checked against its
sources ("Checked against its sources on 1 December 2026."), as a warning once that is older
than the centre's limit (`content_age_limit`), and, for a route closed to new applications,
since when ("Closed to new applications since 3pm on 4 September 2025."): the Checklists tab
asks again before starting such a checklist."""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Mapping
from datetime import date

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

from desktop.printing.client_dates import closed_words
from desktop.rules.checklists import Checklist
from desktop.rules.content_age import (
    DEFAULT_MAX_AGE_DAYS,
    checked_words,
    is_stale,
)

WRAP_AT = 60  # characters per line of a circumstance's tick box
#: The look of a warning for the adviser (words and a colour, never colour alone).
WARNING_STYLE = "background: #FFF4D6; color: #5A3B00; border-radius: 3px; padding: 4px;"
CLOSED_STYLE = "background: #F9D9D3; color: #7A1B0C; border-radius: 3px; padding: 4px;"


def content_age_limit(store=None) -> int:  # noqa: ANN001 - a desktop.store Store or None
    """Days after which content counts as old: the centre's Settings value, kept in the store
    (desktop.ui.settings_dialog.CONTENT_WARN_DAYS_SETTING), else DEFAULT_MAX_AGE_DAYS. Never
    raises: a locked store or a value that is not a whole number gives the default."""
    from desktop.ui.settings_dialog import CONTENT_WARN_DAYS_SETTING, content_warn_days

    if store is None:
        return DEFAULT_MAX_AGE_DAYS
    try:
        from desktop.store.repository import get_setting

        with store.read_session() as session:
            return content_warn_days(get_setting(session, CONTENT_WARN_DAYS_SETTING))
    except Exception:  # noqa: BLE001 - a locked or closed store: the default
        return DEFAULT_MAX_AGE_DAYS


def content_notes(checklist: Checklist, today: date, limit: int) -> tuple[str, bool, str]:
    """(checked-on words, whether they are a warning, closed words or "") for the adviser."""
    stale = is_stale(checklist.checked_on, today, limit)
    return checked_words(checklist.checked_on, today, limit), stale, closed_words(checklist, today)


class StartChecklistDialog(QDialog):
    def __init__(
        self,
        checklists: Mapping[str, Checklist],
        parent: QWidget | None = None,
        *,
        started: Collection[str] = (),
        today: date | None = None,
        content_limit: int | None = None,
    ) -> None:
        """`checklists`: id -> template (`desktop.assess.load_checklists()`); `started`: ids
        the client already has a list from (marked, still choosable: a second application);
        `today` and `content_limit` (days) for the checked-on line."""
        super().__init__(parent)
        self._today = today or date.today()
        self._limit = content_limit if content_limit is not None else content_age_limit()
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
        self.closed = QLabel()
        self.closed.setWordWrap(True)
        self.closed.setTextFormat(Qt.TextFormat.PlainText)
        self.closed.setStyleSheet(CLOSED_STYLE)
        self.closed.setAccessibleName("Closed to new applications")
        self.closed.hide()
        self.checked = QLabel()
        self.checked.setWordWrap(True)
        self.checked.setTextFormat(Qt.TextFormat.PlainText)
        self.checked.setAccessibleName("When the checklist was checked against its sources")
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
        right.addWidget(self.closed)
        right.addWidget(self.intro)
        right.addWidget(self.checked)
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

    def checked_stale(self) -> bool:
        """Whether the checked-on line is shown as a warning."""
        return bool(self.property("checked_stale"))

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
            self.checked.clear()
            self.closed.hide()
            return
        self.title.setText(checklist.title)
        self.intro.setText(checklist.intro)
        words, stale, closed = content_notes(checklist, self._today, self._limit)
        self.checked.setText(words)
        self.checked.setStyleSheet(WARNING_STYLE if stale else "color: #3A4A5A;")
        self.setProperty("checked_stale", stale)
        self.closed.setText(
            f"{closed} Starting it is for an application made before then, or to explain "
            "what the client can do now."
            if closed
            else ""
        )
        self.closed.setVisible(bool(closed))
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
