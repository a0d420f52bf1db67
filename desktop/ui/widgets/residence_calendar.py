"""The residence calendar: a multi-year year planner of a `DayTimeline`, one cell per day.

Layout (the classic year planner): each year is a block of 12 rows, one per month, with the
days of the month 1..31 across; the year is written at the left of January and the month at
the left of each row, the day numbers above the block. Blocks flow left to right, then down,
as many side by side as the width allows (one at year zoom on an ordinary window, three or
four at decade zoom). Zoom levels:

    decade  small cells without text, many years on one screen
    year    the default: readable cells, month and day labels
    month   large cells with the day number and the status mark

Each day is filled with its status colour *and* pattern from `desktop.status_style` (so a
greyscale print or a colour-blind reader still tells them apart); month zoom also writes the
status mark. Days after the end of the record (`assumed`, the projection) are drawn at
ASSUMED_ALPHA with a thin vertical hatch (no status uses it, so it reads in greyscale); days
outside first_day..last_day are blank (an empty grid); dates that do not exist (30 February)
are not drawn. Decade zoom, which has no month labels, leaves a little more paper between
quarters. Over the cells: every window, block or absence over a limit
(OVER_LIMIT_OUTLINE), the worst 12 months of the qualifying period (WORST_WINDOW_OUTLINE,
dashed), the qualifying period's start and complete-on date (PERIOD_MARK bars on the cell's
left and right edges), today (a box) and deadlines (a corner triangle: filled while upcoming,
hollow once passed); then the selection, the hovered day and the keyboard focus.

Speed: the static part of each year block (cells, patterns, labels) is painted once into a
pixmap at the screen's device pixel ratio and kept (`cache_builds` counts those paints); the
cache is dropped only when the timeline, the zoom, the cell size, the font or the device pixel
ratio change. Cells widen to fill the width (and at decade zoom grow taller to fill the
height), within limits, so a resize that keeps the cell size only reflows the cached blocks.
Every paint blits the visible blocks and draws the outlines and marks over them, so a 40-year
history repaints in about a millisecond. The day under the mouse is found by arithmetic
(`day_at`), never by one widget or item per day.

Keyboard (the calendar takes focus with Tab or a click):
    Left / Right            one day back / on
    Up / Down               one month row up / down, same day of the month (a 31st that the
                            month lacks is shown on its last day, and comes back after)
    Ctrl+Left / Ctrl+Right  one week back / on
    Page Up / Page Down     one year back / on
    Home / End              first / last day of the timeline
    T                       today
    Shift + any of those    extends the selection from where it started
    Space                   as a click: selects the day (`day_selected`)
    Enter or Return         as a double-click: `day_selected`, and `record_activated` with the
                            day's record when it has one
    Shift+Enter             `range_dragged` with the selection (the focused day when none),
                            e.g. to add an absence
    Escape                  drops the selection
    Ctrl+= / Ctrl++, Ctrl+- zoom in / out (Ctrl+0: year); Ctrl+mouse wheel too

The focused day's hover text is the widget's accessible description and status tip, so a
screen reader reads the day as the focus moves. Mouse: hover shows the same text as a tooltip,
a click selects a day, a double-click opens its record (`record_activated`), a drag across
days selects a range and emits `range_dragged`.

Points (`day_at`, `cell_rect`) are in viewport coordinates: the widget is a
QAbstractScrollArea; its zoom buttons sit above the viewport and the legend
(`CalendarLegend`) below it, so the legend is always visible.
"""

from __future__ import annotations

from bisect import bisect_right
from calendar import monthrange
from collections import OrderedDict
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleEvent,
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QStaticText,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QWidget,
)

from desktop.datetext import MONTH_ABBRS
from desktop.rules.day_timeline import DayTimeline, Stretch
from desktop.rules.day_words import day_words
from desktop.status_style import (
    ASSUMED_ALPHA,
    DEADLINE_MARK,
    OVER_LIMIT_OUTLINE,
    PERIOD_MARK,
    TODAY_MARK,
    WORST_WINDOW_OUTLINE,
    StatusStyle,
    legend,
    style_for,
)
from desktop.ui.widgets.dates import format_date, format_long
from desktop.ui.widgets.painting import BRUSH_STYLES

ZOOM_LEVELS = ("decade", "year", "month")
ONE_DAY = timedelta(days=1)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# The planner is paper: a white ground whatever the desktop theme (the status colours are
# light fills chosen for a white page, as in the printed report).
PAPER = "#FFFFFF"
LABEL_INK = "#222222"
SOFT_INK = "#6A6A6A"
BLANK_DAY = "#F2F2F2"  # a day in the grid outside the timeline: empty
HIGHLIGHT = "#1F5FBF"  # selection and hover (no status uses a saturated blue outline)

#: Cached year blocks are kept up to about this many device pixels (64 MB), least recently
#: painted first out; the visible ones always stay.
TILE_BUDGET_PIXELS = 16_000_000


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day: date, months: int, dom: int | None = None) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        return day
    wanted = dom or day.day
    return date(year, month, min(wanted, monthrange(year, month)[1]))


class _Metrics:
    """Sizes of one zoom level, in logical pixels. Cells widen to fill the width (between
    `min_w` and `max_w`); `fit` chooses the blocks per row and the cell width."""

    def __init__(self, zoom: str, font: QFont) -> None:
        fm = QFontMetrics(font)
        fh = fm.height()
        self.zoom = zoom
        self.small_font = QFont(font)
        self.small_font.setPointSizeF(max(6.5, font.pointSizeF() * 0.82))
        self.label_font = QFont(font)
        self.year_font = QFont(font)
        self.year_font.setBold(True)
        sfm = QFontMetrics(self.small_font)
        self.weekday_in_cells = False
        if zoom == "decade":
            self.cell_h = 8
            self.min_h, self.max_h = 8, 12
            self.min_w, self.max_w = 7, 12
            self.gap_x = 0
            self.label_w = QFontMetrics(self.year_font).horizontalAdvance("0000") + 10
            self.header_h = 0
            self.month_labels = False
            self.header_every = 0
            self.text_in_cells = False
            self.block_gap_x, self.block_gap_y = 18, 10
        elif zoom == "year":
            self.cell_h = max(15, fh + 2)
            self.min_w = max(self.cell_h + 1, sfm.horizontalAdvance("31") + 5)
            self.max_w = int(self.cell_h * 1.8)
            self.gap_x = 1
            self.year_font.setPointSizeF(font.pointSizeF() * 1.1)
            yfm = QFontMetrics(self.year_font)
            self.label_w = yfm.horizontalAdvance("0000") + fm.horizontalAdvance("May") + 18
            self.header_h = sfm.height() + 3
            self.month_labels = True
            self.header_every = 1
            self.text_in_cells = False
            self.block_gap_x, self.block_gap_y = 28, 14
        else:  # month
            self.cell_h = 2 * fh + 8
            self.min_w = max(fh + 8, sfm.horizontalAdvance("31") + 12)
            self.max_w = int(self.cell_h * 2.2)
            self.weekday_width = sfm.horizontalAdvance("31  W") + 8
            self.gap_x = 1
            self.year_font.setPointSizeF(font.pointSizeF() * 1.3)
            yfm = QFontMetrics(self.year_font)
            self.label_w = max(yfm.horizontalAdvance("0000"), fm.horizontalAdvance("May")) + 20
            self.header_h = max(fh, yfm.height()) + 4  # the year is written above January
            self.month_labels = True
            self.header_every = 1
            self.text_in_cells = True
            self.mark_font = QFont(font)
            self.mark_font.setBold(True)
            self.mark_font.setPointSizeF(font.pointSizeF() * 1.15)
            self.block_gap_x, self.block_gap_y = 32, 18
        self.margin = 10
        #: A little more paper between quarters where months have no labels (decade zoom).
        self.quarter_gap = 3 if zoom == "decade" else 0
        self._texts: _CellTexts | None = None
        self.cols = 1
        self.cell_w = self.min_w
        if zoom != "decade":
            self.min_h = self.max_h = self.cell_h
        self.fit(0, 0, 1)

    def static_texts(self) -> _CellTexts:
        if self._texts is None:
            self._texts = _CellTexts(self.small_font, self.mark_font)
        return self._texts

    def fit(self, width: int, height: int, years: int) -> None:
        """Blocks per row and cell width for a viewport `width` wide showing `years` years;
        at decade zoom the rows also grow (up to `max_h`) when every year fits the height."""
        avail = width - 2 * self.margin
        smallest = self.label_w + 31 * self.min_w
        fit = int((avail + self.block_gap_x) // (smallest + self.block_gap_x))
        self.cols = max(1, min(fit, max(1, years)))
        spare = avail - self.cols * self.label_w - (self.cols - 1) * self.block_gap_x
        self.cell_w = max(self.min_w, min(self.max_w, spare // (31 * self.cols)))
        if self.text_in_cells:
            self.weekday_in_cells = self.cell_w >= self.weekday_width
        if self.max_h > self.min_h:
            rows = -(-max(1, years) // self.cols)
            room = height - 2 * self.margin - (rows - 1) * self.block_gap_y
            per_row = room // rows - self.header_h - 3 * self.quarter_gap
            self.cell_h = max(self.min_h, min(self.max_h, per_row // 12))
        self.block_w = self.label_w + 31 * self.cell_w
        self.block_h = self.header_h + 12 * self.cell_h + 3 * self.quarter_gap

    def row_y(self, row: int) -> int:
        """Top of month row `row` (0 = January) inside a year block."""
        return self.header_h + row * self.cell_h + (row // 3) * self.quarter_gap

    def row_at(self, y: float) -> int | None:
        """The month row at height `y` inside a year block (None in a gap or off the rows)."""
        y -= self.header_h
        if y < 0:
            return None
        quarter, within = divmod(y, 3 * self.cell_h + self.quarter_gap)
        if within >= 3 * self.cell_h or quarter > 3:
            return None
        return int(quarter) * 3 + int(within // self.cell_h)


class _CellTexts:
    """Day numbers, weekday initials and status marks as QStaticText, laid out once."""

    def __init__(self, small: QFont, mark: QFont) -> None:
        sfm, mfm = QFontMetrics(small), QFontMetrics(mark)
        self.small_h, self.mark_h = sfm.height(), mfm.height()
        self.numbers = {n: self._text(str(n), small) for n in range(1, 32)}
        self.number_w = {n: sfm.horizontalAdvance(str(n)) for n in range(1, 32)}
        self.weekdays = [self._text(w[0], small) for w in WEEKDAYS]
        self.weekday_w = max(sfm.horizontalAdvance(w[0]) for w in WEEKDAYS)
        self.marks = {s.status: self._text(s.mark, mark) for s in legend()}
        self.mark_w = {s.status: mfm.horizontalAdvance(s.mark) + 6 for s in legend()}

    @staticmethod
    def _text(text: str, font: QFont) -> QStaticText:
        st = QStaticText(text)
        st.setTextFormat(Qt.TextFormat.PlainText)
        st.prepare(font=font)
        return st


class _StatusPaint:
    """Brushes for one status, made once (painting reuses them)."""

    def __init__(self, style: StatusStyle) -> None:
        self.style = style
        self.fill = QBrush(QColor(style.fill))
        brush_style = BRUSH_STYLES.get(style.pattern, Qt.BrushStyle.NoBrush)
        self.pattern = (
            QBrush(QColor(style.ink), brush_style) if brush_style != Qt.BrushStyle.NoBrush else None
        )
        self.ink = QColor(style.ink)
        self.ink_pen = QPen(self.ink)
        #: Over the paler fill of projected days: thin vertical lines (no status uses them), so
        #: the projection reads in greyscale too.
        self.assumed_hatch = QBrush(self.ink, Qt.BrushStyle.VerPattern)


class CalendarLegend(QWidget):
    """Every status (swatch with its colour and pattern, mark, label) and what the outlines and
    marks mean; it wraps to its width (height for width)."""

    SWATCH_W = 26
    SWATCH_H = 15

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Calendar legend")
        self._paints = [_StatusPaint(s) for s in legend()]
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self._items = self._make_items()
        self.setAccessibleDescription(
            "; ".join(
                f"{mark}: {text}" if mark else text for _kind, mark, text, _arg in self._items
            )
        )
        self.setToolTip(
            "\n".join(f"{mark}  {text}" if mark else text for _k, mark, text, _a in self._items)
        )
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._pens = {
            "over": QPen(QColor(OVER_LIMIT_OUTLINE), 2),
            "worst": QPen(QColor(WORST_WINDOW_OUTLINE), 2, Qt.PenStyle.DashLine),
            "today": QPen(QColor(TODAY_MARK), 2),
            "frame": QPen(QColor("#BBBBBB"), 1),
            "deadline": QPen(QColor(DEADLINE_MARK), 1.2),
        }
        self._pens["worst"].setDashPattern([3, 2])

    @staticmethod
    def _make_items() -> list[tuple[str, str, str, object]]:
        items: list[tuple[str, str, str, object]] = []
        for style in legend():
            items.append(("status", style.mark, style.label, style.status))
        items.append(("assumed", "", "Paler, hatched: after the end of the record (assumed)", None))
        items.append(("blank", "", "No record", None))
        items.append(("over", "", "Over a limit (12 months, block or absence)", None))
        items.append(("worst", "", "Worst 12 months of the qualifying period", None))
        items.append(("period", "", "Qualifying period: start and complete-on", None))
        items.append(("today", "", "Today", None))
        items.append(("deadline", "", "Deadline (hollow once passed)", None))
        return items

    def _item_width(self, fm: QFontMetrics, bfm: QFontMetrics, mark: str, text: str) -> int:
        w = self.SWATCH_W + 6
        if mark:
            w += bfm.horizontalAdvance(mark) + 5
        return w + fm.horizontalAdvance(text) + 18

    def _rows(self, width: int) -> list[list[tuple[int, tuple[str, str, str, object]]]]:
        fm = QFontMetrics(self.font())
        bfm = QFontMetrics(self._bold)
        rows: list[list[tuple[int, tuple[str, str, str, object]]]] = [[]]
        x = 0
        for item in self._items:
            w = self._item_width(fm, bfm, item[1], item[2])
            if rows[-1] and x + w > width - 12:
                rows.append([])
                x = 0
            rows[-1].append((x, item))
            x += w
        return rows

    def _row_h(self) -> int:
        return max(self.SWATCH_H, QFontMetrics(self.font()).height()) + 6

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return len(self._rows(max(width, 200))) * self._row_h() + 8

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(900, self.heightForWidth(900))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(260, self.heightForWidth(260))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        try:
            p.fillRect(self.rect(), QColor(PAPER))
            fm = QFontMetrics(self.font())
            bfm = QFontMetrics(self._bold)
            row_h = self._row_h()
            by_status = {sp.style.status: sp for sp in self._paints}
            for r, row in enumerate(self._rows(self.width())):
                y = 4 + r * row_h
                for x0, (kind, mark, text, arg) in row:
                    x = x0 + 8
                    sw = QRectF(x, y + (row_h - self.SWATCH_H) / 2, self.SWATCH_W, self.SWATCH_H)
                    self._paint_swatch(p, sw, kind, by_status.get(arg) if arg else None)
                    x += self.SWATCH_W + 6
                    if mark:
                        sp = by_status[arg]
                        p.setFont(self._bold)
                        p.setPen(sp.ink_pen)
                        p.drawText(
                            QRectF(x, y, bfm.horizontalAdvance(mark) + 2, row_h),
                            Qt.AlignmentFlag.AlignVCenter,
                            mark,
                        )
                        x += bfm.horizontalAdvance(mark) + 5
                    p.setFont(self.font())
                    p.setPen(QColor(LABEL_INK))
                    room = self.width() - x - 6
                    if fm.horizontalAdvance(text) > room:  # narrower than one item: elide
                        text = fm.elidedText(text, Qt.TextElideMode.ElideRight, max(room, 20))
                    p.drawText(
                        QRectF(x, y, fm.horizontalAdvance(text) + 4, row_h),
                        Qt.AlignmentFlag.AlignVCenter,
                        text,
                    )
        finally:
            p.end()

    def _paint_swatch(self, p: QPainter, r: QRectF, kind: str, sp: _StatusPaint | None) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        if kind == "status" and sp is not None:
            p.fillRect(r, sp.fill)
            if sp.pattern is not None:
                p.fillRect(r, sp.pattern)
        elif kind == "assumed":
            sp = self._paints[0]
            p.setOpacity(ASSUMED_ALPHA)
            p.fillRect(r, sp.fill)
            p.fillRect(r, sp.assumed_hatch)
            p.setOpacity(1.0)
        elif kind == "blank":
            p.fillRect(r, QColor(BLANK_DAY))
        elif kind in ("over", "worst"):
            p.fillRect(r, self._paints[0].fill)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(self._pens[kind])
            p.drawRect(r.adjusted(1, 1, -1, -1))
        elif kind == "period":
            p.fillRect(r, self._paints[0].fill)
            green = QColor(PERIOD_MARK)
            p.fillRect(QRectF(r.left(), r.top(), 3, r.height()), green)
            p.fillRect(QRectF(r.right() - 3, r.top(), 3, r.height()), green)
        elif kind == "today":
            p.fillRect(r, self._paints[0].fill)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(self._pens["today"])
            p.drawRect(r.adjusted(1, 1, -1, -1))
        elif kind == "deadline":
            p.fillRect(r, self._paints[0].fill)
            _corner_triangle(p, r, 9, True, self._pens["deadline"])
            _corner_triangle(p, r.translated(-13, 0), 9, False, self._pens["deadline"])
        if kind not in ("status",):
            return
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(self._pens["frame"])
        p.drawRect(r)


def _corner_triangle(p: QPainter, r: QRectF, size: float, filled: bool, pen: QPen) -> None:
    """The deadline mark: a triangle in the cell's top right corner."""
    tri = QPolygonF(
        [
            QPointF(r.right() - size, r.top()),
            QPointF(r.right(), r.top()),
            QPointF(r.right(), r.top() + size),
        ]
    )
    p.setPen(pen)
    p.setBrush(pen.color() if filled else QColor(PAPER))
    p.drawPolygon(tri)


class _ZoomBar(QWidget):
    def __init__(self, calendar: ResidenceCalendar) -> None:
        super().__init__(calendar)
        self.setAccessibleName("Calendar zoom")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 8, 3)
        layout.setSpacing(4)
        label = QLabel("Zoom:")
        label.setAccessibleName("Zoom")
        layout.addWidget(label)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QToolButton] = {}
        for zoom in ZOOM_LEVELS:
            button = QToolButton()
            button.setText(zoom.capitalize())
            button.setCheckable(True)
            button.setAccessibleName(f"Zoom to {zoom}")
            button.setToolTip(f"Show the calendar at {zoom} zoom (Ctrl+= and Ctrl+- zoom)")
            button.clicked.connect(lambda _checked=False, z=zoom: calendar.set_zoom(z))
            self.group.addButton(button)
            self.buttons[zoom] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self.hint = QLabel(
            "Arrows move, Shift+arrows select, Enter or double-click opens the record"
        )
        self.hint.setAccessibleName("Calendar keys")
        self.hint.setStyleSheet(f"color: {SOFT_INK}")
        layout.addWidget(self.hint)
        self.full_width = layout.sizeHint().width()

    def show_zoom(self, zoom: str) -> None:
        self.buttons[zoom].setChecked(True)


class ResidenceCalendar(QAbstractScrollArea):
    """A custom-painted year planner of a client's days (see the module docstring)."""

    #: The record of the double-clicked (or Enter-ed) day's stretch, e.g. "absences[3]".
    record_activated = Signal(str)
    #: The clicked (or Enter-ed) day, a `date`.
    day_selected = Signal(object)
    #: A dragged (or Shift+arrow selected, then Shift+Enter) range: first and last date, ordered.
    range_dragged = Signal(object, object)
    #: The zoom level after a change ("decade", "year" or "month").
    zoom_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Residence calendar")
        self.setWhatsThis(__doc__.split("Keyboard", 1)[1].split("The focused", 1)[0])
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.viewport().setMouseTracking(True)
        self.viewport().setAutoFillBackground(False)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self._timeline: DayTimeline | None = None
        self._today: date = date.today()
        self._starts: list[date] = []
        self._zoom = "year"
        self._m = _Metrics(self._zoom, self.font())
        self._cols = 1
        self._in_relayout = False
        self._year0 = self._year1 = 0
        self._focused: date | None = None
        self._selected: date | None = None
        self._hover: date | None = None
        self._anchor: date | None = None  # Shift+arrow selection start
        self._selection: tuple[date, date] | None = None  # ordered
        self._press_day: date | None = None
        self._dragging = False
        self._sticky_dom: int | None = None  # Up/Down keep the day of the month
        self._tiles: OrderedDict[int, QPixmap] = OrderedDict()
        self._tile_dpr = 0.0
        #: How many year-block pixmaps have been painted (the cache's rebuilds).
        self.cache_builds = 0
        self._static_paths: list[tuple[str, QPainterPath, QRectF]] = []
        self._selection_path: QPainterPath | None = None

        self._paints = {sp.style.status: sp for sp in (_StatusPaint(s) for s in legend())}
        self._paper = QColor(PAPER)
        self._paper_brush = QBrush(self._paper)
        self._blank_brush = QBrush(QColor(BLANK_DAY))
        self._label_pen = QPen(QColor(LABEL_INK))
        self._soft_pen = QPen(QColor(SOFT_INK))
        self._over_pen = QPen(QColor(OVER_LIMIT_OUTLINE), 2.5)
        self._over_pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        self._worst_pen = QPen(QColor(WORST_WINDOW_OUTLINE), 2, Qt.PenStyle.DashLine)
        self._worst_pen.setDashPattern([3, 2])
        self._worst_pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        self._period_brush = QBrush(QColor(PERIOD_MARK))
        self._today_pen = QPen(QColor(TODAY_MARK), 2)
        self._today_pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        self._deadline_pen = QPen(QColor(DEADLINE_MARK), 1.2)
        highlight = QColor(HIGHLIGHT)
        self._select_pen = QPen(highlight, 3)
        self._select_pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        fill = QColor(highlight)
        fill.setAlphaF(0.28)
        self._range_brush = QBrush(fill)
        self._range_pen = QPen(highlight, 2)
        self._halo_pen = QPen(self._paper, 3)
        self._hover_pen = QPen(QColor("#111111"), 1.5)
        self._focus_pen = QPen(QColor("#111111"), 1, Qt.PenStyle.DotLine)

        self._bar = _ZoomBar(self)
        self._bar.show_zoom(self._zoom)
        self.legend = CalendarLegend(self)
        self._relayout()

    # ----------------------------------------------------------------- public API

    @property
    def timeline(self) -> DayTimeline | None:
        return self._timeline

    @property
    def zoom(self) -> str:
        return self._zoom

    @property
    def focused_day(self) -> date | None:
        return self._focused

    @property
    def selection(self) -> tuple[date, date] | None:
        """The selected range (first, last), from a drag or Shift+arrows; None when none."""
        return self._selection

    def set_timeline(self, timeline: DayTimeline | None, today: date) -> None:
        """Show `timeline` (None: nothing). A new timeline for a calendar already showing one
        keeps the scroll position and the focused day (the history was edited); otherwise the
        calendar scrolls to today."""
        had = self._timeline is not None
        self._today = today
        if timeline is None:
            self.clear()
            return
        self._timeline = timeline
        self._starts = [s.start for s in timeline.stretches]
        self._year0, self._year1 = timeline.first_day.year, timeline.last_day.year
        self._invalidate_tiles()
        self._selection = None
        self._anchor = None
        self._hover = None
        if self._focused is None or not had:
            self._focused = self._clamp(today)
        else:
            self._focused = self._clamp(self._focused)
        self._selected = None
        self._relayout()
        if not had:
            self.scroll_to(self._focused)
        self._announce()
        self.viewport().update()

    def clear(self) -> None:
        """Show nothing and hold no timeline (e.g. when the store locks)."""
        self._timeline = None
        self._starts = []
        self._year0 = self._year1 = 0
        self._focused = self._selected = self._hover = self._anchor = None
        self._selection = None
        self._selection_path = None
        self._press_day = None
        self._dragging = False
        self._invalidate_tiles()
        self._static_paths = []
        QToolTip.hideText()
        self.setAccessibleDescription("")
        self.setStatusTip("")
        self._relayout()
        self.viewport().update()

    def set_zoom(self, zoom: str) -> None:
        """Zoom to "decade", "year" or "month", keeping the focused day (or the middle one)
        in view."""
        if zoom not in ZOOM_LEVELS:
            raise ValueError(f"zoom must be one of {', '.join(ZOOM_LEVELS)}, not {zoom!r}")
        self._bar.show_zoom(zoom)
        if zoom == self._zoom:
            return
        keep = self._focused if self._focused and self._is_visible(self._focused) else None
        if keep is None:
            keep = self.day_at(QPointF(self.viewport().width() / 2, self.viewport().height() / 2))
        self._zoom = zoom
        self._m = _Metrics(zoom, self.font())
        self._invalidate_tiles()
        self._relayout()
        if keep is not None:
            self._center_on(keep)
        self.viewport().update()
        self.zoom_changed.emit(zoom)

    def zoom_in(self) -> None:
        i = ZOOM_LEVELS.index(self._zoom)
        self.set_zoom(ZOOM_LEVELS[min(i + 1, len(ZOOM_LEVELS) - 1)])

    def zoom_out(self) -> None:
        i = ZOOM_LEVELS.index(self._zoom)
        self.set_zoom(ZOOM_LEVELS[max(i - 1, 0)])

    def day_at(self, point: QPointF) -> date | None:
        """The date of the cell at `point` (viewport coordinates), None off the cells or for a
        date that does not exist. Pure arithmetic from the layout."""
        if self._timeline is None:
            return None
        m = self._m
        x = point.x() + self.horizontalScrollBar().value() - m.margin
        y = point.y() + self.verticalScrollBar().value() - m.margin
        if x < 0 or y < 0:
            return None
        pitch_x, pitch_y = m.block_w + m.block_gap_x, m.block_h + m.block_gap_y
        col, bx = divmod(x, pitch_x)
        row, by = divmod(y, pitch_y)
        if col >= self._cols or bx >= m.block_w or by >= m.block_h:
            return None
        year = self._year0 + int(row) * self._cols + int(col)
        if year > self._year1:
            return None
        cx, cy = bx - m.label_w, by - m.header_h
        if cx < 0 or cy < 0:
            return None
        row = m.row_at(by)
        if row is None:
            return None
        day, month = int(cx // m.cell_w) + 1, row + 1
        if day > 31 or month > 12 or day > monthrange(year, month)[1]:
            return None
        return date(year, month, day)

    def cell_rect(self, day: date) -> QRectF:
        """The cell of `day` in viewport coordinates (an empty rect when it is not laid out)."""
        r = self._content_cell(day)
        if r is None:
            return QRectF()
        return r.translated(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())

    def scroll_to(self, day: date | None) -> None:
        """Bring `day` into view (centred when it was out of view)."""
        if day is None or self._content_cell(day) is None:
            return
        if not self._is_visible(day):
            self._center_on(day)

    def hover_text(self, day: date | None) -> str:
        """What the day was and why (`desktop.rules.day_words`): empty for a day outside the
        timeline (or no timeline)."""
        tl = self._timeline
        if tl is None or day is None:
            return ""
        s = self._stretch_at(day)
        if s is None:
            return ""
        return day_words(day, tl, today=self._today, mark=style_for(s.status).mark, stretch=s)

    # ----------------------------------------------------------------- layout

    def _clamp(self, day: date) -> date | None:
        tl = self._timeline
        if tl is None:
            return None
        return min(max(day, tl.first_day), tl.last_day)

    def _stretch_at(self, day: date) -> Stretch | None:
        tl = self._timeline
        if tl is None:
            return None
        i = bisect_right(self._starts, day) - 1
        if i < 0:
            return None
        s = tl.stretches[i]
        return s if s.end >= day else None

    def _block_origin(self, year: int) -> tuple[float, float]:
        m = self._m
        i = year - self._year0
        row, col = divmod(i, self._cols)
        return (
            m.margin + col * (m.block_w + m.block_gap_x),
            m.margin + row * (m.block_h + m.block_gap_y),
        )

    def _content_cell(self, day: date) -> QRectF | None:
        if self._timeline is None or not self._year0 <= day.year <= self._year1:
            return None
        m = self._m
        x, y = self._block_origin(day.year)
        return QRectF(
            x + m.label_w + (day.day - 1) * m.cell_w,
            y + m.row_y(day.month - 1),
            m.cell_w,
            m.cell_h,
        )

    def _relayout(self) -> None:
        """Margins for the zoom bar and legend, blocks per row, cell width, scroll ranges and
        the outline paths. Cached blocks are dropped only when the cell width changes."""
        if self._in_relayout:
            return
        self._in_relayout = True
        try:
            self._do_relayout()
        finally:
            self._in_relayout = False

    def _do_relayout(self) -> None:
        cr = self.contentsRect()
        sb = self.verticalScrollBar().sizeHint().width()
        bar_h = self._bar.sizeHint().height()
        legend_h = self.legend.heightForWidth(max(1, cr.width() - sb))
        self.setViewportMargins(0, bar_h, 0, legend_h)
        vp = self.viewport().geometry()
        self._bar.hint.setVisible(vp.width() >= self._bar.full_width)
        self._bar.setGeometry(QRect(vp.left(), vp.top() - bar_h, vp.width(), bar_h))
        self.legend.setGeometry(QRect(vp.left(), vp.bottom() + 1, vp.width(), legend_h))
        m = self._m
        vw = max(1, vp.width())
        years = (self._year1 - self._year0 + 1) if self._timeline is not None else 0
        old_size = (m.cell_w, m.cell_h)
        m.fit(vw, self.viewport().height(), years)
        if (m.cell_w, m.cell_h) != old_size:
            self._invalidate_tiles()
        self._cols = m.cols
        rows = -(-years // self._cols) if years else 0
        content_w = 2 * m.margin + self._cols * m.block_w + (self._cols - 1) * m.block_gap_x
        content_h = (
            2 * m.margin + rows * m.block_h + max(0, rows - 1) * m.block_gap_y if rows else 0
        )
        vh = self.viewport().height()
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        vbar.setRange(0, max(0, content_h - vh))
        vbar.setPageStep(max(1, vh))
        vbar.setSingleStep(m.cell_h * 2)
        hbar.setRange(0, max(0, content_w - vw) if years else 0)
        hbar.setPageStep(max(1, vw))
        hbar.setSingleStep(m.cell_w * 2)
        self._static_paths = self._make_static_paths()
        self._selection_path = (
            self._range_path(*self._selection) if self._selection is not None else None
        )

    def _range_path(self, lo: date, hi: date) -> QPainterPath:
        """The outline of the cells from `lo` to `hi` in content coordinates: per year block,
        the staircase from the first day to the end of its row, whole rows, and the start of
        the last row to the last day."""
        path = QPainterPath()
        m = self._m
        lo = max(lo, date(self._year0, 1, 1))
        hi = min(hi, date(self._year1, 12, 31))
        for year in range(lo.year, hi.year + 1):
            a = max(lo, date(year, 1, 1))
            b = min(hi, date(year, 12, 31))
            if a > b:
                continue
            ox, oy = self._block_origin(year)
            x0 = ox + m.label_w

            def x(col: int, x0: float = x0) -> float:
                return x0 + col * m.cell_w

            def y(row: int, oy: float = oy) -> float:
                return oy + m.row_y(row)

            r0, c0, r1, c1 = a.month - 1, a.day - 1, b.month - 1, b.day - 1
            if r0 == r1:
                path.addRect(QRectF(x(c0), y(r0), x(c1 + 1) - x(c0), m.cell_h))
            elif r1 == r0 + 1 and c1 + 1 <= c0:  # two rows that do not touch
                path.addRect(QRectF(x(c0), y(r0), x(31) - x(c0), m.cell_h))
                path.addRect(QRectF(x(0), y(r1), x(c1 + 1) - x(0), m.cell_h))
            else:
                points = [
                    (x(c0), y(r0)),
                    (x(31), y(r0)),
                    (x(31), y(r1)),
                    (x(c1 + 1), y(r1)),
                    (x(c1 + 1), y(r1) + m.cell_h),
                    (x(0), y(r1) + m.cell_h),
                    (x(0), y(r0 + 1)),
                    (x(c0), y(r0 + 1)),
                ]
                path.addPolygon(QPolygonF([QPointF(px, py) for px, py in points]))
                path.closeSubpath()
        return path

    def _make_static_paths(self) -> list[tuple[str, QPainterPath, QRectF]]:
        tl = self._timeline
        if tl is None:
            return []
        out: list[tuple[str, QPainterPath, QRectF]] = []
        for b in tl.over_limit:
            path = self._range_path(b.start, b.end)
            out.append(("over", path, path.boundingRect()))
        w = tl.worst_window
        if w.start is not None and w.end is not None and w.days > 0:
            path = self._range_path(w.start, w.end)
            out.append(("worst", path, path.boundingRect()))
        return out

    def _is_visible(self, day: date) -> bool:
        r = self.cell_rect(day)
        return not r.isEmpty() and QRectF(self.viewport().rect()).contains(r)

    def _center_on(self, day: date) -> None:
        r = self._content_cell(day)
        if r is None:
            return
        vw, vh = self.viewport().width(), self.viewport().height()
        self.horizontalScrollBar().setValue(int(r.center().x() - vw / 2))
        self.verticalScrollBar().setValue(int(r.center().y() - vh / 2))

    def _ensure_visible(self, day: date) -> None:
        r = self._content_cell(day)
        if r is None:
            return
        m = self._m
        vw, vh = self.viewport().width(), self.viewport().height()
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        top = r.top() - m.cell_h - (m.header_h if day.month == 1 else 0)
        bottom = r.bottom() + m.cell_h
        if top < vbar.value():
            vbar.setValue(int(top))
        elif bottom > vbar.value() + vh:
            vbar.setValue(int(bottom - vh))
        left, right = r.left() - m.label_w, r.right() + m.cell_w
        if left < hbar.value():
            hbar.setValue(int(left))
        elif right > hbar.value() + vw:
            hbar.setValue(int(right - vw))

    # ----------------------------------------------------------------- cache

    def _invalidate_tiles(self) -> None:
        self._tiles.clear()

    def _tile(self, year: int, dpr: float) -> QPixmap:
        tile = self._tiles.get(year)
        if tile is not None:
            self._tiles.move_to_end(year)
            return tile
        m = self._m
        tile = QPixmap(int(m.block_w * dpr + 0.5), int(m.block_h * dpr + 0.5))
        tile.setDevicePixelRatio(dpr)
        tile.fill(self._paper)
        p = QPainter(tile)
        try:
            self._paint_block(p, year)
        finally:
            p.end()
        self.cache_builds += 1
        self._tiles[year] = tile
        return tile

    def _trim_tiles(self, keep: set[int]) -> None:
        m = self._m
        per = max(1.0, m.block_w * m.block_h * self._tile_dpr * self._tile_dpr)
        limit = max(len(keep), int(TILE_BUDGET_PIXELS // per))
        for year in list(self._tiles):
            if len(self._tiles) <= limit:
                break
            if year not in keep:
                del self._tiles[year]

    def _paint_block(self, p: QPainter, year: int) -> None:
        """The static part of one year: labels, cells with fill and pattern, grid lines."""
        tl = self._timeline
        assert tl is not None
        m = self._m
        gx, gy = m.label_w, m.header_h
        cw, ch = m.cell_w, m.cell_h
        # Labels.
        p.setFont(m.year_font)
        p.setPen(self._label_pen)
        if m.text_in_cells:  # month zoom: above the month labels
            p.drawText(
                QRectF(2, 0, m.label_w, m.header_h - 1),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                str(year),
            )
        elif m.header_h:
            p.drawText(
                QRectF(2, 0, m.label_w, m.header_h + ch),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                str(year),
            )
        else:
            p.drawText(
                QRectF(0, 0, m.label_w - 6, m.block_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(year),
            )
        if m.month_labels:
            p.setFont(m.label_font)
            for r in range(12):
                p.drawText(
                    QRectF(0, m.row_y(r), m.label_w - 5, ch),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    MONTH_ABBRS[r],
                )
        if m.header_every:
            p.setFont(m.small_font)
            p.setPen(self._soft_pen)
            for c in range(0, 31, m.header_every):
                p.drawText(
                    QRectF(gx + c * cw, 0, cw, m.header_h),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    str(c + 1),
                )
        # Every existing day of the year starts blank (outside the timeline).
        p.setPen(Qt.PenStyle.NoPen)
        for r in range(12):
            dim = monthrange(year, r + 1)[1]
            p.fillRect(QRectF(gx, m.row_y(r), dim * cw, ch), self._blank_brush)
        # Runs of days with one status, month by month, grouped by look.
        runs: dict[tuple[str, bool], list[QRectF]] = {}
        lo = max(tl.first_day, date(year, 1, 1))
        hi = min(tl.last_day, date(year, 12, 31))
        texts: list[tuple[date, Stretch]] = []
        if lo <= hi:
            i = max(0, bisect_right(self._starts, lo) - 1)
            stretches = tl.stretches
            n = len(stretches)
            while i < n and stretches[i].start <= hi:
                s = stretches[i]
                i += 1
                a, b = max(s.start, lo), min(s.end, hi)
                if a > b:
                    continue
                rects = runs.setdefault((s.status, s.assumed), [])
                while a <= b:
                    month_end = date(a.year, a.month, monthrange(a.year, a.month)[1])
                    e = b if b < month_end else month_end
                    rects.append(
                        QRectF(
                            gx + (a.day - 1) * cw,
                            m.row_y(a.month - 1),
                            (e.day - a.day + 1) * cw,
                            ch,
                        )
                    )
                    if m.text_in_cells:
                        d = a
                        while d <= e:
                            texts.append((d, s))
                            d += ONE_DAY
                    a = e + ONE_DAY
        for (status, assumed), rects in runs.items():
            sp = self._paints[status]
            if assumed:  # paler: the fill at ASSUMED_ALPHA over the paper
                for r in rects:
                    p.fillRect(r, self._paper_brush)
                p.setOpacity(ASSUMED_ALPHA)
            for r in rects:
                p.fillRect(r, sp.fill)
            if sp.pattern is not None:
                for r in rects:
                    p.fillRect(r, sp.pattern)
            if assumed:
                for r in rects:
                    p.fillRect(r, sp.assumed_hatch)
                p.setOpacity(1.0)
        if m.text_in_cells:
            self._paint_cell_texts(p, year, texts)
        # Grid: paper lines between days and between months.
        if m.gap_x:
            for c in range(1, 31):
                p.fillRect(QRectF(gx + c * cw, gy, 1, m.block_h - gy), self._paper_brush)
        for r in range(1, 12):
            p.fillRect(QRectF(gx, m.row_y(r), 31 * cw, 1), self._paper_brush)

    def _paint_cell_texts(self, p: QPainter, year: int, texts: list[tuple[date, Stretch]]) -> None:
        """Month zoom: the day number (and weekday initial, when it fits) at the top of each
        cell and the status mark below, each on a patch of the fill so the pattern never
        hides them. Texts are QStaticText made once per zoom, drawn a font at a time."""
        m = self._m
        cw, ch = m.cell_w, m.cell_h
        gx = m.label_w
        by_day = dict(texts)
        cells: list[tuple[float, float, int, int, _StatusPaint | None, bool]] = []
        for month in range(1, 13):
            y = m.row_y(month - 1)
            first_weekday = date(year, month, 1).weekday()
            for dom in range(1, monthrange(year, month)[1] + 1):
                s = by_day.get(date(year, month, dom))
                sp = self._paints[s.status] if s is not None else None
                weekday = (first_weekday + dom - 1) % 7
                cells.append((gx + (dom - 1) * cw, y, dom, weekday, sp, bool(s and s.assumed)))
        st = m.static_texts()
        for assumed in (False, True):
            group = [c for c in cells if c[5] == assumed]
            if not group:
                continue
            p.setOpacity(max(ASSUMED_ALPHA, 0.6) if assumed else 1.0)
            # Patches of fill behind the texts.
            for x, y, dom, _weekday, sp, _a in group:
                if sp is None:
                    continue
                p.fillRect(QRectF(x + 2, y + 2, st.number_w[dom] + 3, st.small_h), sp.fill)
                if m.weekday_in_cells:
                    p.fillRect(
                        QRectF(x + cw - st.weekday_w - 6, y + 2, st.weekday_w + 3, st.small_h),
                        sp.fill,
                    )
                p.fillRect(
                    QRectF(
                        x + (cw - st.mark_w[sp.style.status]) / 2,
                        y + ch - st.mark_h - 3,
                        st.mark_w[sp.style.status],
                        st.mark_h,
                    ),
                    sp.fill,
                )
            p.setFont(m.small_font)
            pen = None
            for x, y, dom, _weekday, sp, _a in group:
                want = sp.ink_pen if sp is not None else self._soft_pen
                if want is not pen:
                    p.setPen(want)
                    pen = want
                p.drawStaticText(QPointF(x + 3, y + 2), st.numbers[dom])
            if m.weekday_in_cells:
                p.setPen(self._soft_pen)
                for x, y, _dom, weekday, _sp, _a in group:
                    p.drawStaticText(
                        QPointF(x + cw - st.weekday_w - 5, y + 2), st.weekdays[weekday]
                    )
            p.setFont(m.mark_font)
            pen = None
            for x, y, _dom, _weekday, sp, _a in group:
                if sp is None:
                    continue
                if sp.ink_pen is not pen:
                    p.setPen(sp.ink_pen)
                    pen = sp.ink_pen
                status = sp.style.status
                p.drawStaticText(
                    QPointF(x + (cw - st.mark_w[status]) / 2 + 3, y + ch - st.mark_h - 3),
                    st.marks[status],
                )
        p.setOpacity(1.0)

    # ----------------------------------------------------------------- painting

    def _visible_years(self) -> list[int]:
        if self._timeline is None:
            return []
        m = self._m
        sx, sy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        vw, vh = self.viewport().width(), self.viewport().height()
        pitch_x, pitch_y = m.block_w + m.block_gap_x, m.block_h + m.block_gap_y
        c0 = max(0, int((sx - m.margin) // pitch_x))
        c1 = min(self._cols - 1, int((sx + vw - m.margin) // pitch_x))
        r0 = max(0, int((sy - m.margin) // pitch_y))
        r1 = int((sy + vh - m.margin) // pitch_y)
        years = []
        for row in range(r0, r1 + 1):
            for col in range(c0, c1 + 1):
                year = self._year0 + row * self._cols + col
                if year <= self._year1:
                    years.append(year)
        return years

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        vp = self.viewport()
        p = QPainter(vp)
        try:
            p.fillRect(event.rect(), self._paper)
            if self._timeline is None:
                return
            dpr = vp.devicePixelRatioF()
            if dpr != self._tile_dpr:
                self._invalidate_tiles()
                self._tile_dpr = dpr
            sx, sy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
            years = self._visible_years()
            exposed = QRectF(event.rect())
            for year in years:
                x, y = self._block_origin(year)
                target = QRectF(x - sx, y - sy, self._m.block_w, self._m.block_h)
                if target.intersects(exposed):
                    p.drawPixmap(QPointF(target.left(), target.top()), self._tile(year, dpr))
            self._trim_tiles(set(years))
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.translate(-sx, -sy)
            view = exposed.translated(sx, sy)
            self._paint_overlays(p, view)
        finally:
            p.end()

    def _paint_overlays(self, p: QPainter, view: QRectF) -> None:
        """Over the cached blocks, in content coordinates: outlines, marks, selection, hover."""
        tl = self._timeline
        assert tl is not None
        p.setBrush(Qt.BrushStyle.NoBrush)
        for kind, path, bounds in self._static_paths:
            if bounds.intersects(view):
                p.setPen(self._over_pen if kind == "over" else self._worst_pen)
                p.drawPath(path)
        if self._selection_path is not None and self._selection is not None:
            p.setPen(self._range_pen)
            p.setBrush(self._range_brush)
            p.drawPath(self._selection_path)
            p.setBrush(Qt.BrushStyle.NoBrush)
        m = self._m
        bar = 2.5 if self._zoom == "decade" else 3.5
        a = tl.assessment
        for day, side in ((a.qualifying_from, "left"), (a.complete_on, "right")):
            r = self._content_cell(day) if day is not None else None
            if r is None or not r.intersects(view.adjusted(-8, -8, 8, 8)):
                continue
            x = r.left() - bar / 2 if side == "left" else r.right() - bar / 2
            p.fillRect(QRectF(x, r.top() - 3, bar, r.height() + 6), self._period_brush)
            flag = max(5.0, min(9.0, m.cell_h * 0.7))
            sign = 1 if side == "left" else -1
            tip = QPolygonF(
                [
                    QPointF(x + bar / 2, r.top() - 3),
                    QPointF(x + bar / 2 + sign * flag, r.top() - 3),
                    QPointF(x + bar / 2, r.top() - 3 + flag),
                ]
            )
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self._period_brush)
            p.drawPolygon(tip)
            p.setBrush(Qt.BrushStyle.NoBrush)
        size = max(4.0, min(11.0, min(m.cell_w, m.cell_h) * 0.45))
        for d in a.deadlines:
            r = self._content_cell(d.date)
            if r is not None and r.intersects(view):
                _corner_triangle(p, r, size, d.status != "passed", self._deadline_pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        r = self._content_cell(self._today)
        if r is not None and r.intersects(view.adjusted(-4, -4, 4, 4)):
            p.setPen(self._today_pen)
            p.drawRect(r.adjusted(-1, -1, 1, 1))
        if self._selected is not None:
            r = self._content_cell(self._selected)
            if r is not None:
                p.setPen(self._halo_pen)
                p.drawRect(r.adjusted(-1.5, -1.5, 1.5, 1.5))
                p.setPen(self._select_pen)
                p.drawRect(r.adjusted(-1.5, -1.5, 1.5, 1.5))
        if self._hover is not None:
            r = self._content_cell(self._hover)
            if r is not None:
                p.setPen(self._halo_pen)
                p.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5))
                p.setPen(self._hover_pen)
                p.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5))
        if self._focused is not None and self.hasFocus():
            r = self._content_cell(self._focused)
            if r is not None:
                p.setPen(self._halo_pen)
                p.drawRect(r.adjusted(-3, -3, 3, 3))
                p.setPen(self._focus_pen)
                p.drawRect(r.adjusted(-3, -3, 3, 3))

    # ----------------------------------------------------------------- events

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._relayout()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FontChange:
            self._m = _Metrics(self._zoom, self.font())
            self._invalidate_tiles()
            self._relayout()
        super().changeEvent(event)

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 - Qt override
        self.viewport().update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        m = _Metrics("year", self.font())
        width = m.block_w + 2 * m.margin + self.verticalScrollBar().sizeHint().width() + 4
        height = (
            self._bar.sizeHint().height()
            + 2 * (m.block_h + m.block_gap_y)
            + 2 * m.margin
            + self.legend.heightForWidth(width)
        )
        return QSize(width, height)

    def one_year_height(self, width: int) -> int:
        """The height that shows one whole year block at year zoom (all 12 month rows) with
        the zoom bar and the legend, at `width`: the Residence tab's first share for it."""
        m = _Metrics("year", self.font())
        frame = 2 * self.frameWidth()
        legend = self.legend.heightForWidth(
            max(1, width - frame - self.verticalScrollBar().sizeHint().width())
        )
        return self._bar.sizeHint().height() + m.block_h + 2 * m.margin + legend + frame

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        m = _Metrics("decade", self.font())
        width = m.block_w + 2 * m.margin + self.verticalScrollBar().sizeHint().width() + 4
        height = self._bar.sizeHint().height() + 160 + self.legend.heightForWidth(width)
        return QSize(width, height)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.ToolTip:
            day = self.day_at(QPointF(event.pos()))
            text = self.hover_text(day)
            if text and day is not None:
                QToolTip.showText(
                    event.globalPos(), text, self.viewport(), self.cell_rect(day).toAlignedRect()
                )
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        if kind == QEvent.Type.Leave:
            self._set_hover(None)
        return super().viewportEvent(event)

    def _set_hover(self, day: date | None) -> None:
        if day == self._hover:
            return
        old, self._hover = self._hover, day
        for d in (old, day):
            if d is not None:
                self.viewport().update(self.cell_rect(d).adjusted(-3, -3, 3, 3).toAlignedRect())

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._press_day = self.day_at(event.position())
        self._dragging = False
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        day = self.day_at(event.position())
        self._set_hover(day)
        if self._press_day is not None and event.buttons() & Qt.MouseButton.LeftButton:
            if day is not None and (self._dragging or day != self._press_day):
                self._dragging = True
                self._set_selection(self._press_day, day)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton or self._press_day is None:
            super().mouseReleaseEvent(event)
            return
        press, self._press_day = self._press_day, None
        if self._dragging and self._selection is not None:
            self._dragging = False
            lo, hi = self._selection
            self._anchor = press
            self._move_focus(self.day_at(event.position()) or hi, keep_selection=True)
            self.range_dragged.emit(lo, hi)
        else:
            self._dragging = False
            day = self.day_at(event.position())
            if day is not None and day == press:
                self._set_selection(None, None)
                self._anchor = None
                self._move_focus(day)
                self._select_day(day)  # one click selects; opening the record is a double-click
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """A double-click opens the day's record (`record_activated`), as Enter does."""
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseDoubleClickEvent(event)
            return
        day = self.day_at(event.position())
        # The press of a double-click: the release that follows is not a second click.
        self._press_day = None
        self._dragging = False
        if day is not None:
            self._set_selection(None, None)
            self._anchor = None
            self._move_focus(day)
            self._activate(day)
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        super().focusInEvent(event)
        self._announce()
        self.viewport().update()

    def focusOutEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        super().focusOutEvent(event)
        self.viewport().update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.ZoomIn) or (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
            and event.key() in (Qt.Key.Key_Equal, Qt.Key.Key_Plus)
        ):
            self.zoom_in()
            return
        if event.matches(QKeySequence.StandardKey.ZoomOut) or (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
            and event.key() in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore)
        ):
            self.zoom_out()
            return
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and event.key() == Qt.Key.Key_0:
            self.set_zoom("year")
            return
        tl = self._timeline
        if tl is None or self._focused is None:
            super().keyPressEvent(event)
            return
        key = event.key()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if shift:
                lo, hi = self._selection or (self._focused, self._focused)
                self.range_dragged.emit(lo, hi)
            else:
                self._activate(self._focused)
            return
        if key == Qt.Key.Key_Space:  # as a click: selects the day, opens nothing
            self._select_day(self._focused)
            return
        if key == Qt.Key.Key_Escape and self._selection is not None:
            self._anchor = None
            self._set_selection(None, None)
            return
        target = self._key_target(key, ctrl)
        if target is None:
            super().keyPressEvent(event)
            return
        if shift:
            if self._anchor is None:
                self._anchor = self._focused
        else:
            self._anchor = None
        self._move_focus(
            target, keep_selection=shift, vertical=key in (Qt.Key.Key_Up, Qt.Key.Key_Down)
        )
        if shift and self._anchor is not None:
            self._set_selection(self._anchor, target)
        elif self._selection is not None:
            self._set_selection(None, None)

    def _key_target(self, key: int, ctrl: bool) -> date | None:
        tl = self._timeline
        f = self._focused
        assert tl is not None and f is not None
        if key == Qt.Key.Key_Left:
            return f - (7 if ctrl else 1) * ONE_DAY
        if key == Qt.Key.Key_Right:
            return f + (7 if ctrl else 1) * ONE_DAY
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            dom = self._sticky_dom or f.day
            return _add_months(f, -1 if key == Qt.Key.Key_Up else 1, dom)
        if key == Qt.Key.Key_PageUp:
            return _add_years(f, -1)
        if key == Qt.Key.Key_PageDown:
            return _add_years(f, 1)
        if key == Qt.Key.Key_Home:
            return tl.first_day
        if key == Qt.Key.Key_End:
            return tl.last_day
        if key == Qt.Key.Key_T:
            return self._today
        return None

    def _move_focus(self, day: date, keep_selection: bool = False, vertical: bool = False) -> None:
        target = self._clamp(day)
        if target is None:
            return
        if vertical:
            if self._sticky_dom is None and self._focused is not None:
                self._sticky_dom = self._focused.day
        else:
            self._sticky_dom = None
        old, self._focused = self._focused, target
        self._ensure_visible(target)
        for d in (old, target):
            if d is not None:
                self.viewport().update(self.cell_rect(d).adjusted(-5, -5, 5, 5).toAlignedRect())
        self._announce()

    def _set_selection(self, a: date | None, b: date | None) -> None:
        if a is None or b is None:
            new = None
        else:
            new = (a, b) if a <= b else (b, a)
        if new == self._selection:
            return
        self._selection = new
        self._selection_path = self._range_path(*new) if new is not None else None
        self.viewport().update()
        self._announce()

    def _select_day(self, day: date) -> None:
        self._selected = day
        self.viewport().update()
        self.day_selected.emit(day)

    def _activate(self, day: date) -> None:
        self._select_day(day)
        s = self._stretch_at(day)
        if s is not None and s.record:
            self.record_activated.emit(s.record)

    def _announce(self) -> None:
        """The focused day's text as the accessible description and status tip."""
        text = self.hover_text(self._focused)
        if not text and self._focused is not None:
            text = f"{format_long(self._focused)}: no record"
        if self._selection is not None:
            lo, hi = self._selection
            text += f". Selected {format_date(lo)} to {format_date(hi)}, {(hi - lo).days + 1} days"
        if text == self.accessibleDescription():
            return
        self.setAccessibleDescription(text)
        self.setStatusTip(text)
        if QAccessible.isActive():
            QAccessible.updateAccessibility(
                QAccessibleEvent(self, QAccessible.Event.DescriptionChanged)
            )


__all__ = ["ZOOM_LEVELS", "CalendarLegend", "ResidenceCalendar"]
