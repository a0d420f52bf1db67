"""Draw installers/icon.png (256 px) with QPainter: `python installers/make_icon.py`.

The same design as installers/icon.svg: a blue rounded square, a white desk top and an open door.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

SIZE = 256


def draw(path: Path) -> None:
    image = QImage(SIZE, SIZE, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#1f5f8b"))
    painter.drawRoundedRect(QRectF(8, 8, 240, 240), 44, 44)
    painter.setBrush(QColor("#f4d35e"))  # the open door
    painter.drawRect(QRectF(150, 44, 62, 112))
    painter.setBrush(QColor("#ffffff"))  # the desk: top and two legs
    painter.drawRoundedRect(QRectF(36, 156, 184, 22), 6, 6)
    painter.drawRect(QRectF(52, 178, 18, 46))
    painter.drawRect(QRectF(186, 178, 18, 46))
    painter.setBrush(QColor("#1f5f8b"))  # door handle
    painter.drawEllipse(QRectF(160, 98, 12, 12))
    painter.end()
    if not image.save(str(path)):
        raise SystemExit(f"could not write {path}")


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1])
    draw(Path(__file__).resolve().parent / "icon.png")
