"""The Qt build in use must not leak references to None while painting (PySide6 6.12.0 on
Python 3.11 drops one on every setPen/setBrush/drawRect; custom painting then kills the app)."""

import gc
import sys

from PySide6.QtGui import QColor, QImage, QPainter, QPen


def test_painting_keeps_the_reference_count_of_none():
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    painter = QPainter(image)

    def paint(times: int) -> None:
        for _ in range(times):
            painter.setPen(QPen(QColor(0, 0, 0)))
            painter.setBrush(QColor(200, 0, 0))
            painter.drawRect(1, 1, 5, 5)

    try:
        paint(200)  # first calls fill Qt's and Python's caches
        gc.collect()
        before = sys.getrefcount(None)
        paint(2000)
        gc.collect()
        after = sys.getrefcount(None)
    finally:
        painter.end()
    # A leaking build loses three references per round (6,000 here); a sound one none.
    assert abs(after - before) < 100
