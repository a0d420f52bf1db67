"""A list item with a small deadline badge on its right ("! 3 d", "! check status"), for the
client list.

The badge text comes from the model's `BADGE_ROLE` (None: no badge); which client has one, and
which deadline it names, is `desktop.board.BoardData.badges` (the board's own rule: attention
items such as a record that stops before today first, never ageing out). It is drawn in the
deadline red of `desktop.status_style` with white text, and always carries words as well as
colour (the model's accessible text says "deadline in 3 days" or "needs attention: ...").
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.status_style import DEADLINE_MARK

BADGE_ROLE = Qt.ItemDataRole.UserRole + 2
_PAD = 6


class BadgeDelegate(QStyledItemDelegate):
    def _badge_size(self, option: QStyleOptionViewItem, text: str) -> QSize:
        font = QFont(option.font)  # a copy: the option's own font draws the item's text
        font.setBold(True)
        metrics = QFontMetrics(font)
        return QSize(metrics.horizontalAdvance(text) + 2 * _PAD, metrics.height() + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        badge = index.data(BADGE_ROLE)
        if not badge:
            super().paint(painter, option, index)
            return
        text = f"! {badge}"
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        size = self._badge_size(opt, text)
        room = opt.rect.width() - size.width() - 3 * _PAD
        opt.text = opt.fontMetrics.elidedText(opt.text, Qt.TextElideMode.ElideRight, max(room, 0))
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        rect = QRect(
            opt.rect.right() - size.width() - _PAD,
            opt.rect.top() + (opt.rect.height() - size.height()) // 2,
            size.width(),
            size.height(),
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(DEADLINE_MARK))
        painter.drawRoundedRect(rect, size.height() / 2, size.height() / 2)
        font = QFont(opt.font)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#FFFFFF"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        # Every row as tall as one with a badge: the list keeps uniform item sizes.
        hint = super().sizeHint(option, index)
        hint.setHeight(max(hint.height(), self._badge_size(option, "! 14 d").height() + 4))
        return hint
