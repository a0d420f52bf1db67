"""A splitter whose handle can be seen: a band with a grip in the middle, a resize cursor, a
tooltip and an accessible name (the platform's own handle is a few faint pixels)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSplitter, QSplitterHandle, QWidget

HANDLE_WIDTH = 10
BAND = "#d4d4d4"
GRIP = "#6b6b6b"


class GripHandle(QSplitterHandle):
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect())
        p.fillRect(r, QColor(BAND))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(GRIP))
        vertical = self.orientation() == Qt.Orientation.Vertical  # the panes are stacked
        for n in (-1, 0, 1):  # three dots across the middle
            if vertical:
                centre_x, centre_y = r.center().x() + n * 8, r.center().y()
            else:
                centre_x, centre_y = r.center().x(), r.center().y() + n * 8
            p.drawEllipse(QRectF(centre_x - 2, centre_y - 2, 4, 4))
        p.end()


class GripSplitter(QSplitter):
    """A QSplitter with `GripHandle`s; `name` is each handle's accessible name and tooltip."""

    def __init__(self, orientation: Qt.Orientation, name: str, parent: QWidget | None = None):
        super().__init__(orientation, parent)
        self._name = name
        self.setHandleWidth(HANDLE_WIDTH)

    def createHandle(self) -> QSplitterHandle:  # noqa: N802 - Qt override
        handle = GripHandle(self.orientation(), self)
        handle.setAccessibleName(self._name)
        handle.setToolTip(self._name)
        return handle
