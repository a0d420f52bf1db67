"""The rolling absence chart: whole days outside the UK in the 12 months ending on each day,
against the route's limit (hand-painted; QtCharts is not available).

* Settlement routes: one panel, the 12-month line against `cr.absence_limit_days` (180, CR 3.1).
  On the routes with no fixed absence limit (partner, discretionary leave, protection, domestic
  abuse) the same figure is drawn dashed as a guide only.
* Naturalisation: the 12-month line against `nat.last_12_months_limit_days` (90), and a second
  panel with the days outside in the 5 years (3 for s6(2)) ending on each day against
  `nat.s6_1.total_limit_days` (450) or `nat.s6_2.total_limit_days` (270).

Every limit is read from the figures in force on the application date, never written here.

The part of a line that depends on planned trips is dashed: the series is worked out with and
without the planned absences, the recorded-only line is drawn solid and the line with the
planned trips dashed where the two differ. A small triangle under the first panel marks the
day each trip's days have rolled out of the 12 months (the first day whose 12 months no longer
hold any of its days). The area above the limit is shaded, stronger where the line is over it.

Working out the series for a 40-year history takes about 50 ms a line (see
benchmarks/bench_rolling_chart.py), two or four lines a chart, so it is done on a pool thread
(`Operation`); the chart says "Working out…" meanwhile and drops a result that is no longer
for the data shown. Painting uses a pixmap cache at the device pixel ratio; the cursor and hover
line are painted over it.

Keyboard: Left/Right move the cursor a day, PageUp/PageDown a month, Home/End to the ends; the
value at the cursor is the accessible description.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop.rules.day_timeline import DayTimeline, days_outside_in_12_months_ending
from desktop.rules.days import add_months, add_years, sub_months, sub_years
from desktop.rules.figures import Figures
from desktop.rules.history import History
from desktop.rules.routes import ROUTE_SPECS
from desktop.rules.routes.spec import no_absence_limit
from desktop.status_style import (
    GUIDE_INK,
    OVER_LIMIT_OUTLINE,
    PERIOD_MARK,
    TODAY_MARK,
    style_for,
)
from desktop.ui.operations import Operation
from desktop.ui.widgets.dates import format_date
from desktop.ui.widgets.painting import StaticLayerMixin

ONE_DAY = timedelta(days=1)
NATURALISATION = {"naturalisation_6_1": "nat.s6_1", "naturalisation_6_2": "nat.s6_2"}
#: Routes with no fixed absence limit that `ROUTE_SPECS` does not hold.
_NO_LIMIT_ROUTES = frozenset({"settlement_domestic_abuse"})


@dataclass(frozen=True)
class Panel:
    """One line of the chart and its limit."""

    years: int  # the window: days outside in the `years` years ending on each day
    limit: int
    rule: str  # the figure's rule, e.g. "CR 3.1"
    firm: bool  # False: a guide only (the route has no fixed limit)
    key: str  # the figure the limit comes from

    @property
    def window(self) -> str:
        return "12 months" if self.years == 1 else f"{self.years} years"

    @property
    def limit_text(self) -> str:
        if self.firm:
            return f"limit {self.limit} ({self.rule})"
        return f"guide {self.limit} ({self.rule}; no fixed limit on this route)"


def panels_for(route: str, on: date, figures: Figures) -> tuple[Panel, ...]:
    """The chart's lines and limits for `route`, from the figures in force on `on`."""
    figures = figures.leniently()

    def panel(years: int, key: str, firm: bool = True) -> Panel:
        entry = figures.entry(key, on)
        return Panel(years, int(entry.value), entry.rule or key, firm, key)

    if route in NATURALISATION:
        pre = NATURALISATION[route]
        return (
            panel(1, "nat.last_12_months_limit_days"),
            panel(figures.int_(f"{pre}.years", on), f"{pre}.total_limit_days"),
        )
    firm = route not in _NO_LIMIT_ROUTES and not (
        route in ROUTE_SPECS and ROUTE_SPECS[route].absence_limits is no_absence_limit
    )
    return (panel(1, "cr.absence_limit_days", firm),)


def days_outside_in_years_ending(
    history: History, first: date, last: date, years: int
) -> list[int]:
    """For each day D from `first` to `last`, the whole days outside the UK in the `years`
    years ending on D (D included). For one year this is the engine's own function."""
    if years == 1:
        return days_outside_in_12_months_ending(history, first, last)
    days: list[int] = []
    for a in sorted(history.absences, key=lambda a: a.left):
        lo = max(a.left.toordinal() + 1, days[-1] + 1 if days else 0)
        days.extend(range(lo, a.returned.toordinal()))
    out: list[int] = []
    lo_i = hi_i = 0
    n = len(days)
    day = first
    while day <= last:
        end = day.toordinal()
        start = (sub_years(day, years) + ONE_DAY).toordinal()
        while hi_i < n and days[hi_i] <= end:
            hi_i += 1
        while lo_i < n and days[lo_i] < start:
            lo_i += 1
        out.append(hi_i - lo_i)
        day += ONE_DAY
    return out


def rolls_out_on(returned: date) -> date:
    """The first day whose 12 months hold none of a trip's days (the last one is the day before
    `returned`): about a year after it, a day later where a 29 February is in the way."""
    last_out = returned - ONE_DAY
    day = add_years(last_out, 1)
    while sub_years(day, 1) + ONE_DAY <= last_out:
        day += ONE_DAY
    return day


@dataclass(frozen=True)
class RollOut:
    day: date  # the first day the trip no longer counts in the 12 months
    left: date
    returned: date
    whole_days: int
    planned: bool
    record: str

    @property
    def text(self) -> str:
        what = "planned trip" if self.planned else "trip"
        return (
            f"From {format_date(self.day)} the {what} {format_date(self.left)} to "
            f"{format_date(self.returned)} ({self.whole_days} whole days outside, {self.record}) "
            "no longer counts in the 12 months"
        )


@dataclass(frozen=True)
class ChartData:
    """Everything the chart draws, worked out off the UI thread (pure values)."""

    first: date
    last: date
    panels: tuple[Panel, ...]
    #: Per panel: the line with every absence (planned trips included) ...
    values: tuple[list[int], ...]
    #: ... and with the recorded absences only (the same list when there are no planned trips).
    recorded: tuple[list[int], ...]
    rollouts: tuple[RollOut, ...]

    def index(self, day: date) -> int | None:
        i = (day - self.first).days
        return i if 0 <= i < len(self.values[0]) else None

    def depends_on_planned(self, panel: int, day: date) -> bool:
        i = self.index(day)
        return i is not None and self.values[panel][i] != self.recorded[panel][i]

    def dashed_ranges(self, panel: int = 0) -> list[tuple[date, date]]:
        """The first and last day of each run of days whose value depends on planned trips."""
        runs: list[tuple[date, date]] = []
        start = None
        with_planned, recorded = self.values[panel], self.recorded[panel]
        for i, (a, b) in enumerate(zip(with_planned, recorded, strict=True)):
            if a != b and start is None:
                start = i
            elif a == b and start is not None:
                runs.append(
                    (self.first + timedelta(days=start), self.first + timedelta(days=i - 1))
                )
                start = None
        if start is not None:
            runs.append((self.first + timedelta(days=start), self.last))
        return runs


def compute_chart_data(
    history: History, first: date, last: date, panels: tuple[Panel, ...]
) -> ChartData:
    """The series and roll-out marks (pure: safe on a pool thread)."""
    planned = any(a.planned for a in history.absences)
    recorded_history = (
        replace(history, absences=tuple(a for a in history.absences if not a.planned))
        if planned
        else history
    )
    values, recorded = [], []
    for panel in panels:
        line = days_outside_in_years_ending(history, first, last, panel.years)
        values.append(line)
        recorded.append(
            days_outside_in_years_ending(recorded_history, first, last, panel.years)
            if planned
            else line
        )
    rollouts = []
    for i, a in enumerate(history.absences):
        n = max(0, (a.returned - a.left).days - 1)
        if n == 0:
            continue
        day = rolls_out_on(a.returned)
        if first <= day <= last:
            rollouts.append(RollOut(day, a.left, a.returned, n, a.planned, f"absences[{i}]"))
    rollouts.sort(key=lambda r: r.day)
    return ChartData(first, last, tuple(panels), tuple(values), tuple(recorded), tuple(rollouts))


def _work(
    history: History, first: date, last: date, panels: tuple[Panel, ...], _progress
) -> ChartData:
    return compute_chart_data(history, first, last, panels)


def chart_range(history: History, timeline: DayTimeline | None, today: date) -> tuple[date, date]:
    """The timeline's range, stretched to take in today and the day the last trip rolls out of
    the 12 months (so a planned trip's whole effect is seen)."""
    dates = [today]
    if timeline is not None:
        dates += [timeline.first_day, timeline.last_day]
    for p in history.permissions:
        dates.append(p.start)
    for a in history.absences:
        dates += [a.left, a.returned]
    first = min(dates)
    last = max(dates)
    trips = [a.returned for a in history.absences if a.returned - a.left > ONE_DAY]
    if trips:
        last = max(last, rolls_out_on(max(trips)))
    return first, last


def _nice_step(top: float) -> int:
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 6:
            return step
    return 2000


# --------------------------------------------------------------------------------------------
# The widget
# --------------------------------------------------------------------------------------------

LEFT = 52
RIGHT = 16
TOP = 26  # the legend
PANEL_TITLE = 18
PANEL_GAP = 10
AXIS_H = 36  # roll-out marks and years
#: The chart's least height with one panel (a plot about 80 px high) and with two.
ONE_PANEL_MIN_H = 160
TWO_PANEL_MIN_H = 260
LINE = QColor("#1F2A44")
PLANNED_INK = QColor(style_for("planned").ink)


class RollingAbsenceChart(StaticLayerMixin, QWidget):
    """`set_data(history, timeline, *, route=None, on=None, today, figures=None)`; `clear()`.

    `ready()` fires when a set of data has been worked out and drawn.
    """

    ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName("Rolling absence chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # Short enough to be seen whole in the lower pane of a 1366x768 window (the plot
        # scales to the height); two panels need more (`_show`).
        self.setMinimumSize(420, ONE_PANEL_MIN_H)
        self._data: ChartData | None = None
        self._tops: list[int] = []
        #: Per panel, in data coordinates: (the recorded line and the dashed planned part, in
        #: short pieces; the area under the line with every trip).
        self._shapes: list[tuple[list[QPolygonF], list[QPolygonF], QPolygonF]] = []
        self._working = False
        self._generation = 0
        self._route: str | None = None
        self._today = date.today()
        self._on: date | None = None
        self._cursor: date | None = None
        self._hover: date | None = None
        self._cache: QPixmap | None = None
        self._cache_key: tuple | None = None
        self._update_description()

    # ---- data --------------------------------------------------------------------------------
    def set_data(
        self,
        history: History,
        timeline: DayTimeline | None,
        *,
        today: date,
        route: str | None = None,
        on: date | None = None,
        figures: Figures | None = None,
    ) -> None:
        """Show `history` on `route` (application date `on`); both default to the timeline's.
        The limits are the figures' in force on `on` (`desktop.assess.load_figures()` when
        `figures` is None). The series are worked out on a pool thread; `ready` follows."""
        if figures is None:
            from desktop.assess import load_figures

            figures = load_figures()
        route = route or (timeline.route if timeline is not None else None)
        if route is None:
            raise ValueError("set_data needs a route (or a timeline)")
        on = on or (timeline.application_date if timeline is not None else today)
        panels = panels_for(route, on, figures)
        first, last = chart_range(history, timeline, today)
        self._route, self._today, self._on = route, today, on
        self._generation += 1
        generation = self._generation
        self._working = True
        self._data = None
        self._hover = None
        self._invalidate()
        self._update_description()
        # The work gets values only: nothing of the widget is touched on the pool thread.
        op = Operation(
            self,
            "Working out the rolling chart",
            partial(_work, history, first, last, panels),
            show_progress=False,
        )
        # The connections hold the chart weakly: a lambda holding `self` would keep it alive
        # from inside its own child operation, and free it there when the operation goes.
        me = weakref.ref(self)

        def shown(data: ChartData) -> None:
            chart = me()
            if chart is not None:
                chart._show(generation, data)

        def failed(_exc: object) -> None:
            chart = me()
            if chart is not None:
                chart._failed(generation)

        op.succeeded.connect(shown)
        op.failed.connect(failed)
        op.start()

    def set_chart_data(self, data: ChartData, *, today: date, on: date | None = None) -> None:
        """Show data already worked out (printing and tests)."""
        self._generation += 1
        self._today, self._on = today, on
        self._show(self._generation, data)

    def _show(self, generation: int, data: ChartData) -> None:
        if generation != self._generation:
            return
        self._working = False
        self._data = data
        self._tops = self._tops_for(data)
        self.setMinimumHeight(ONE_PANEL_MIN_H if len(data.panels) < 2 else TWO_PANEL_MIN_H)
        self._build_shapes(data)
        if self._cursor is None or data.index(self._cursor) is None:
            self._cursor = min(max(self._today, data.first), data.last)
        self._invalidate()
        self._update_description()
        self.ready.emit()

    def _failed(self, generation: int) -> None:
        if generation != self._generation:
            return
        self._working = False
        self._data = None
        self._invalidate()
        self.setAccessibleDescription("The chart could not be worked out for this history.")

    def clear(self) -> None:
        self._generation += 1
        self._working = False
        self._data = None
        self._cursor = self._hover = None
        self._invalidate()
        self._update_description()

    def is_ready(self) -> bool:
        return self._data is not None and not self._working

    def is_working(self) -> bool:
        return self._working

    def chart_data(self) -> ChartData | None:
        return self._data

    def panels(self) -> tuple[Panel, ...]:
        return self._data.panels if self._data is not None else ()

    def cursor_date(self) -> date | None:
        return self._cursor

    def set_cursor_date(self, day: date) -> None:
        if self._data is None:
            return
        self._cursor = min(max(day, self._data.first), self._data.last)
        self._update_description()
        self.update()

    # ---- text --------------------------------------------------------------------------------
    def value_text(self, day: date) -> str:
        """ "12 months ending 3 Mar 2022: 181 days; limit 180 (CR 3.1)" (one sentence a line)."""
        data = self._data
        if data is None or data.index(day) is None:
            return ""
        i = data.index(day)
        assert i is not None
        parts = []
        for n, panel in enumerate(data.panels):
            value, recorded = data.values[n][i], data.recorded[n][i]
            text = (
                f"{panel.window} ending {format_date(day)}: {value} day{'s' if value != 1 else ''}"
            )
            if value != recorded:
                text += f" with planned trips ({recorded} without)"
            text += f"; {panel.limit_text}"
            if value > panel.limit:
                text += f", {value - panel.limit} over"
            parts.append(text[:1].upper() + text[1:])
        return ". ".join(parts)

    def rollout_near(self, x: float, tolerance: float = 5.0) -> RollOut | None:
        """The roll-out mark closest to x, if within `tolerance` pixels."""
        if self._data is None:
            return None
        best, best_d = None, tolerance
        for r in self._data.rollouts:
            d = abs(self._x_mid(r.day) - x)
            if d <= best_d:
                best, best_d = r, d
        return best

    def text_at(self, pos: QPointF) -> str:
        """The hover text at a point: a roll-out mark's, else the value of the day under it."""
        if self._data is None:
            return ""
        if pos.y() >= self._axis_top() - 2:
            mark = self.rollout_near(pos.x())
            if mark is not None:
                return mark.text
        if not self._plot_left() <= pos.x() <= self._plot_right():
            return ""
        return self.value_text(self.date_at(pos.x()))

    def _update_description(self) -> None:
        if self._working:
            text = "Working out the chart…"
        elif self._data is None:
            text = "No chart to show."
        elif self._cursor is not None:
            text = self.value_text(self._cursor)
        else:
            text = ""
        self.setAccessibleDescription(text)

    # ---- geometry ----------------------------------------------------------------------------
    def _plot_left(self) -> float:
        return LEFT

    def _plot_right(self) -> float:
        return max(LEFT + 50.0, self.width() - RIGHT)

    def _axis_top(self) -> float:
        return self.height() - AXIS_H

    def panel_rect(self, n: int) -> QRectF:
        """The plot area of panel `n` (without its title)."""
        count = max(1, len(self.panels()))
        total = self._axis_top() - TOP
        each = (total - PANEL_GAP * (count - 1)) / count
        top = TOP + n * (each + PANEL_GAP) + PANEL_TITLE
        return QRectF(
            self._plot_left(), top, self._plot_right() - self._plot_left(), each - PANEL_TITLE
        )

    def x_for(self, day: date) -> float:
        data = self._data
        if data is None:
            return self._plot_left()
        span = max(1, (data.last - data.first).days)
        return self._plot_left() + (day - data.first).days / span * (
            self._plot_right() - self._plot_left()
        )

    def _x_mid(self, day: date) -> float:
        return self.x_for(day)

    def date_at(self, x: float) -> date:
        data = self._data
        if data is None:
            return self._today
        span = max(1, (data.last - data.first).days)
        frac = (x - self._plot_left()) / max(1.0, self._plot_right() - self._plot_left())
        frac = min(max(frac, 0.0), 1.0)
        return data.first + timedelta(days=round(frac * span))

    def _top_value(self, n: int) -> int:
        """The top of panel n's y axis (a round number above the limit and the peak)."""
        return self._tops[n]

    @staticmethod
    def _tops_for(data: ChartData) -> list[int]:
        tops = []
        for panel, line in zip(data.panels, data.values, strict=True):
            top = max(panel.limit * 1.2, (max(line) if line else 0) * 1.08, 10)
            step = _nice_step(top)
            tops.append(int(-(-top // step) * step))
        return tops

    def y_for(self, n: int, value: float) -> float:
        rect = self.panel_rect(n)
        return rect.bottom() - value / self._top_value(n) * rect.height()

    def sizeHint(self) -> QSize:
        return QSize(900, 320 if len(self.panels()) < 2 else 460)

    # ---- events ------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        self._invalidate()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._invalidate()
        super().changeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            text = self.text_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._data is not None:
            x = event.position().x()
            inside = self._plot_left() <= x <= self._plot_right()
            hover = self.date_at(x) if inside else None
            if hover != self._hover:
                self._hover = hover
                self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hover is not None:
            self._hover = None
            self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._data is not None:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.set_cursor_date(self.date_at(event.position().x()))
            event.accept()
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        data, cursor = self._data, self._cursor
        if data is not None and cursor is not None:
            key = event.key()
            moves = {
                Qt.Key.Key_Right: lambda d: d + ONE_DAY,
                Qt.Key.Key_Left: lambda d: d - ONE_DAY,
                Qt.Key.Key_PageDown: lambda d: add_months(d, 1),
                Qt.Key.Key_PageUp: lambda d: sub_months(d, 1),
                Qt.Key.Key_Home: lambda _d: data.first,
                Qt.Key.Key_End: lambda _d: data.last,
            }
            if key in moves:
                self.set_cursor_date(moves[key](cursor))
                event.accept()
                return
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self.update()
        super().focusOutEvent(event)

    # ---- painting ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self._static_painter()
        if self._data is not None:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            if self._hover is not None:
                self._paint_cursor(painter, self._hover, QColor(0, 0, 0, 90), 1.0)
            if self._cursor is not None and self.hasFocus():
                self._paint_cursor(painter, self._cursor, self.palette().highlight().color(), 1.6)
                self._paint_readout(painter, self._cursor)
        if self.hasFocus():
            pen = QPen(self.palette().highlight().color(), 1.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        painter.end()

    def _paint_cursor(self, p: QPainter, day: date, color: QColor, width: float) -> None:
        data = self._data
        assert data is not None
        i = data.index(day)
        if i is None:
            return
        x = self.x_for(day)
        p.setPen(QPen(color, width))
        for n in range(len(data.panels)):
            rect = self.panel_rect(n)
            p.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            y = self.y_for(n, data.values[n][i])
            p.setBrush(color)
            p.drawEllipse(QPointF(x, y), 3.5, 3.5)
            p.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_readout(self, p: QPainter, day: date) -> None:
        """The cursor's values in a box beside it (the keyboard user's hover text)."""
        data = self._data
        assert data is not None
        i = data.index(day)
        if i is None:
            return
        font = self._small_font()
        fm = QFontMetrics(font)
        lines = [format_date(day)] + [
            f"{panel.window}: {data.values[n][i]} days (limit {panel.limit})"
            for n, panel in enumerate(data.panels)
        ]
        w = max(fm.horizontalAdvance(line) for line in lines) + 12
        h = fm.lineSpacing() * len(lines) + 12
        x = self.x_for(day)
        rect = self.panel_rect(0)
        left = x + 8 if x + 8 + w < self._plot_right() else x - 8 - w
        box = QRectF(left, rect.top() + 18, w, h)
        p.setPen(QPen(self.palette().highlight().color(), 1))
        p.setBrush(QColor(255, 255, 255, 235))
        p.drawRoundedRect(box, 3, 3)
        p.setFont(font)
        p.setPen(self.palette().text().color())
        p.drawText(
            box.adjusted(6, 4, -6, -4),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            "\n".join(lines),
        )

    def _render_static(self, dpr: float) -> QPixmap:
        pixmap = QPixmap(QSize(max(1, int(self.width() * dpr)), max(1, int(self.height() * dpr))))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(self.palette().base().color())
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            if self._data is None:
                painter.setPen(self.palette().placeholderText().color())
                painter.drawText(
                    QRectF(self.rect()),
                    int(Qt.AlignmentFlag.AlignCenter),
                    "Working out the chart…" if self._working else "No chart to show.",
                )
            else:
                self._paint_static(painter, self._data)
        finally:
            painter.end()
        return pixmap

    @staticmethod
    def _corners(line: list[int], lo: int = 0, hi: int | None = None) -> QPolygonF:
        """The line between indexes lo and hi in data coordinates (x: day index, y: days),
        corners only (where its slope changes): built once per data set, mapped to the
        screen by a QTransform at paint time."""
        hi = len(line) - 1 if hi is None else hi
        points = [
            QPointF(i, line[i])
            for i in range(lo, hi + 1)
            if not (lo < i < hi and line[i] - line[i - 1] == line[i + 1] - line[i])
        ]
        return QPolygonF(points)

    @staticmethod
    def _chunks(polygon: QPolygonF, size: int = 32) -> list[QPolygonF]:
        """A long line in short pieces (sharing their end points): the raster engine strokes
        one polyline of thousands of points far more slowly than many short ones."""
        count = polygon.size()
        if count <= size + 1:
            return [polygon]
        return [polygon.mid(i, size + 1) for i in range(0, count - 1, size)]

    def _build_shapes(self, data: ChartData) -> None:
        self._shapes = []
        for n in range(len(data.panels)):
            values = self._corners(data.values[n])
            recorded = (
                values if data.recorded[n] is data.values[n] else self._corners(data.recorded[n])
            )
            dashed = []
            for start, end in data.dashed_ranges(n):
                lo = max(0, (start - data.first).days - 1)
                hi = min(len(data.values[n]) - 1, (end - data.first).days + 1)
                dashed.extend(self._chunks(self._corners(data.values[n], lo, hi)))
            under = QPolygonF(values)
            under.prepend(QPointF(0, 0))
            under.append(QPointF(len(data.values[n]) - 1, 0))
            self._shapes.append((self._chunks(recorded), dashed, under))

    def _transform(self, n: int) -> QTransform:
        """Data coordinates of panel n (day index, days) -> widget coordinates."""
        data = self._data
        assert data is not None
        left = self._plot_left()
        x_scale = (self._plot_right() - left) / max(1, (data.last - data.first).days)
        rect = self.panel_rect(n)
        y_scale = rect.height() / self._top_value(n)
        return QTransform(x_scale, 0, 0, -y_scale, left, rect.bottom())

    def _paint_static(self, p: QPainter, data: ChartData) -> None:
        text = self.palette().text().color()
        small = self._small_font()
        fm = QFontMetrics(small)
        p.setFont(small)
        self._paint_legend(p, small)
        left, right = self._plot_left(), self._plot_right()
        years = range(
            data.first.year + (data.first != date(data.first.year, 1, 1)), data.last.year + 1
        )
        year_step = 1
        while (
            self.x_for(date(2001, 1, 1)) - self.x_for(date(2000, 1, 1))
        ) * year_step < fm.horizontalAdvance("2000") + 8:
            year_step += 1
        for n, panel in enumerate(data.panels):
            rect = self.panel_rect(n)
            top_value = self._top_value(n)
            # Title.
            p.setPen(text)
            bold = QFont(small)
            bold.setBold(True)
            p.setFont(bold)
            p.drawText(
                QRectF(left, rect.top() - PANEL_TITLE, rect.width(), PANEL_TITLE - 2),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
                f"Whole days outside the UK in the {panel.window} ending on each day",
            )
            p.setFont(small)
            # Over the limit: the band above it.
            limit_y = self.y_for(n, panel.limit)
            band = QColor(OVER_LIMIT_OUTLINE)
            band.setAlpha(22 if panel.firm else 12)
            p.fillRect(QRectF(left, rect.top(), rect.width(), limit_y - rect.top()), band)
            # Grid and y axis.
            step = _nice_step(top_value)
            for value in range(0, top_value + 1, step):
                y = self.y_for(n, value)
                p.setPen(QPen(QColor(0, 0, 0, 28), 1))
                p.drawLine(QPointF(left, y), QPointF(right, y))
                p.setPen(text)
                p.drawText(
                    QRectF(0, y - 8, left - 6, 16),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    str(value),
                )
            for year in years:
                x = self.x_for(date(year, 1, 1))
                p.setPen(QPen(QColor(0, 0, 0, 22), 1))
                p.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            # Where the line is over the limit: filled between the two.
            recorded, dashed_parts, under_data = self._shapes[n]
            to_screen = self._transform(n)
            under = QPainterPath()
            under.addPolygon(to_screen.map(under_data))
            under.closeSubpath()
            p.save()
            p.setClipRect(QRectF(left, rect.top(), rect.width(), max(0.0, limit_y - rect.top())))
            over = QColor(OVER_LIMIT_OUTLINE)
            over.setAlpha(110 if panel.firm else 60)
            p.fillPath(under, over)
            p.restore()
            # The limit.
            pen = QPen(QColor(OVER_LIMIT_OUTLINE) if panel.firm else QColor(GUIDE_INK), 1.5)
            if not panel.firm:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(left, limit_y), QPointF(right, limit_y))
            label = (
                f"Limit {panel.limit} days ({panel.rule})"
                if panel.firm
                else f"Guide {panel.limit} days: no fixed limit on this route"
            )
            w = fm.horizontalAdvance(label) + 8
            label_rect = QRectF(left + 6, limit_y - 16, w, 14)
            if label_rect.top() < rect.top():
                label_rect.moveTop(limit_y + 2)
            p.fillRect(label_rect, QColor(255, 255, 255, 200))
            p.drawText(label_rect, int(Qt.AlignmentFlag.AlignCenter), label)
            # Today and the application date.
            for day, color, dashed in (
                (self._today, TODAY_MARK, False),
                (self._on, PERIOD_MARK, True),
            ):
                if day is None or data.index(day) is None:
                    continue
                x = self.x_for(day)
                p.setPen(
                    QPen(
                        QColor(color),
                        1.2,
                        Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine,
                    )
                )
                p.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            # The recorded line, solid; then the planned part, dashed.
            p.setPen(QPen(LINE, 1.6))
            p.setBrush(Qt.BrushStyle.NoBrush)
            for part in recorded:
                p.drawPolyline(to_screen.map(part))
            if dashed_parts:
                p.setPen(QPen(PLANNED_INK, 1.8, Qt.PenStyle.DashLine))
                for part in dashed_parts:
                    p.drawPolyline(to_screen.map(part))
            p.setPen(QPen(text, 1))
            p.drawLine(QPointF(left, rect.bottom()), QPointF(right, rect.bottom()))
            p.drawLine(QPointF(left, rect.top()), QPointF(left, rect.bottom()))

        # Today / application date labels over the first panel, a row lower if they would touch.
        first_rect = self.panel_rect(0)
        placed: list[tuple[float, float, int]] = []
        marks = [(self._today, TODAY_MARK, "Today"), (self._on, PERIOD_MARK, "Application date")]
        for day, color, name in sorted(
            (m for m in marks if m[0] is not None and data.index(m[0]) is not None),
            key=lambda m: m[0],
        ):
            x = self.x_for(day)
            w = fm.horizontalAdvance(name) + 6
            x0 = x + 3 if x + 3 + w < right else x - w - 3
            row = 0
            while any(r == row and not (x0 + w < a0 or x0 > a1) for a0, a1, r in placed):
                row += 1
            placed.append((x0, x0 + w, row))
            p.setPen(QColor(color))
            p.drawText(
                QRectF(x0, first_rect.top() + 2 + 14 * row, w, 14),
                int(Qt.AlignmentFlag.AlignLeft),
                name,
            )

        # Roll-out marks and years.
        axis = self._axis_top()
        span = max(1, (data.last - data.first).days)
        x_scale = (right - left) / span
        for planned in (False, True):
            if planned:
                p.setPen(QPen(PLANNED_INK, 1, Qt.PenStyle.DashLine))
                p.setBrush(QColor(style_for("planned").fill))
            else:
                p.setPen(QPen(LINE, 1))
                p.setBrush(QColor("#7A8BB0"))
            drawn: set[int] = set()  # one mark a pixel: more would only cover each other
            for r in data.rollouts:
                if r.planned != planned:
                    continue
                x = left + (r.day - data.first).days * x_scale
                if round(x) in drawn:
                    continue
                drawn.add(round(x))
                p.drawPolygon(
                    QPolygonF(
                        [QPointF(x, axis + 2), QPointF(x - 4, axis + 10), QPointF(x + 4, axis + 10)]
                    )
                )
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(text)
        for year in years:
            if (year - years[0]) % year_step:
                continue
            x = self.x_for(date(year, 1, 1))
            p.drawLine(QPointF(x, axis + 12), QPointF(x, axis + 16))
            p.drawText(
                QRectF(x - 30, axis + 16, 60, 16), int(Qt.AlignmentFlag.AlignHCenter), str(year)
            )

    def _paint_legend(self, p: QPainter, font: QFont) -> None:
        fm = QFontMetrics(font)
        x, y = float(LEFT), 4.0
        text = self.palette().text().color()
        data = self._data
        planned = data is not None and any(
            a is not b for a, b in zip(data.values, data.recorded, strict=True)
        )
        entries = [
            ("solid", "Recorded trips"),
            *([("dashed", "With planned trips")] if planned else []),
            ("over", "Over the limit"),
            ("rollout", "A trip stops counting (hover for which)"),
        ]
        for kind, label in entries:
            if kind == "solid":
                p.setPen(QPen(LINE, 1.6))
                p.drawLine(QPointF(x, y + 8), QPointF(x + 22, y + 8))
            elif kind == "dashed":
                p.setPen(QPen(PLANNED_INK, 1.8, Qt.PenStyle.DashLine))
                p.drawLine(QPointF(x, y + 8), QPointF(x + 22, y + 8))
            elif kind == "over":
                over = QColor(OVER_LIMIT_OUTLINE)
                over.setAlpha(110)
                p.fillRect(QRectF(x, y + 2, 22, 12), over)
            else:
                p.setPen(QPen(LINE, 1))
                p.setBrush(QColor("#7A8BB0"))
                p.drawPolygon(
                    QPolygonF(
                        [QPointF(x + 11, y + 2), QPointF(x + 7, y + 12), QPointF(x + 15, y + 12)]
                    )
                )
                p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(text)
            p.drawText(
                QRectF(x + 28, y, fm.horizontalAdvance(label) + 4, 16),
                int(Qt.AlignmentFlag.AlignVCenter),
                label,
            )
            x += 28 + fm.horizontalAdvance(label) + 18
