"""What the hand-painted widgets share: the status patterns as Qt brushes, and a static layer
painted once into a pixmap (at the screen's pixel ratio) with the moving parts drawn over it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPainter, QPixmap

#: Fill pattern names (as in desktop.status_style) -> Qt brush styles, layered over the fill.
BRUSH_STYLES: dict[str, Qt.BrushStyle] = {
    "solid": Qt.BrushStyle.NoBrush,
    "forward_diagonal": Qt.BrushStyle.FDiagPattern,
    "backward_diagonal": Qt.BrushStyle.BDiagPattern,
    "cross": Qt.BrushStyle.DiagCrossPattern,
    "dots": Qt.BrushStyle.Dense6Pattern,
    "horizontal": Qt.BrushStyle.HorPattern,
    "vertical": Qt.BrushStyle.VerPattern,
}


class StaticLayerMixin:
    """For a QWidget whose `_render_static(dpr) -> QPixmap` draws everything that does not move.

    `_static_painter()` starts a paint event: it rebuilds the pixmap only when the size or
    pixel ratio changed or `_invalidate()` was called, draws it, and returns the painter for
    the overlays (hover, focus, cursor)."""

    _cache: QPixmap | None = None
    _cache_key: tuple | None = None

    def _invalidate(self) -> None:
        self._cache = None
        self.update()  # type: ignore[attr-defined]

    def _small_font(self) -> QFont:
        font = QFont(self.font())  # type: ignore[attr-defined]
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        return font

    def _static_painter(self) -> QPainter:
        dpr = self.devicePixelRatioF()  # type: ignore[attr-defined]
        key = (self.width(), self.height(), dpr)  # type: ignore[attr-defined]
        if self._cache is None or self._cache_key != key:
            self._cache = self._render_static(dpr)  # type: ignore[attr-defined]
            self._cache_key = key
        painter = QPainter(self)  # type: ignore[arg-type]
        painter.drawPixmap(0, 0, self._cache)
        return painter
