"""A client's history as one horizontal timeline: permissions, section 3C leave and gaps,
applications, refusals and appeals, and custody, in lanes over a year axis. Waiting for a
decision on a protection claim is its own bar, "Waiting for a decision (not counted)", never an
orange "Gap"; days after a record that stops before today are "Status unknown".

The widget reads a `History` (and, when there is one, the `DayTimeline` of the route asked
about, for the 3C and gap stretches and the qualifying period) and builds a flat list of
`TimelineItem`s: bars from a first to a last day, and markers on one day. Everything that does
not change with the mouse or the keyboard (lanes, bars, axis, today, the period marks) is
painted once into a pixmap at the screen's device pixel ratio; hover and focus outlines are
painted over it.

Colours: permission categories are grouped (study, work, family, protection and DL, settled
and EUSS, bail and visitor) with one colour of the Okabe-Ito palette each *and* a fill pattern
and a text label, so the bars read without colour; 3C leave, gaps and custody use the status
look of `desktop.status_style`, which the calendar and the printed report use too.

Keyboard: Tab gives the widget focus, Left/Right (Home/End) move between the items in time
order, Enter or Space activates the focused one (`record_activated` with its record, e.g.
"permissions[2]"). The focused item's description is the accessible description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
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
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop.rules.day_timeline import DayTimeline
from desktop.rules.days import whole_days_outside
from desktop.rules.history import (
    APPEAL_OUTCOMES,
    APPLICATION_KINDS,
    APPLICATION_OUTCOMES,
    FEE_WAIVER_OUTCOMES,
    PERMISSION_CATEGORIES,
    History,
)
from desktop.rules.wording import plain_records
from desktop.status_style import (
    ALERT_INK,
    OVER_LIMIT_OUTLINE,
    PERIOD_MARK,
    TODAY_MARK,
    style_for,
)
from desktop.ui.widgets.dates import format_date, written
from desktop.ui.widgets.painting import BRUSH_STYLES, StaticLayerMixin

ONE_DAY = timedelta(days=1)

#: Lane code -> the name shown at the left.
LANES: dict[str, str] = {
    "permissions": "Permissions",
    "leave": "Leave and gaps",
    "trips": "Trips abroad",
    "applications": "Applications",
    "appeals": "Refusals and appeals",
    "custody": "Custody",
}


@dataclass(frozen=True)
class CategoryGroup:
    code: str
    label: str  # legend text
    fill: str  # Okabe-Ito colour
    ink: str  # text and pattern colour on `fill`
    pattern: str  # a key of BRUSH_STYLES
    categories: frozenset[str]


#: Permission categories in groups, each with an Okabe-Ito colour, a pattern and a label.
GROUPS: tuple[CategoryGroup, ...] = (
    CategoryGroup(
        "study", "Study", "#56B4E9", "#06304A", "dots", frozenset({"student", "short_term_student"})
    ),
    CategoryGroup(
        "work",
        "Work",
        "#0072B2",
        "#FFFFFF",
        "solid",
        frozenset({"skilled_worker", "seasonal_worker"}),
    ),
    CategoryGroup(
        "family",
        "Family and private life",
        "#CC79A7",
        "#3D0F2C",
        "backward_diagonal",
        frozenset({"partner_5y", "partner_10y", "parent_10y", "private_life_10y", "mvdac"}),
    ),
    CategoryGroup(
        "protection",
        "Protection and DL",
        "#009E73",
        "#FFFFFF",
        "vertical",
        frozenset(
            {
                "refugee",
                "humanitarian_protection",
                "discretionary_leave",
                "leave_outside_rules",
                "uasc_leave",
                "restricted_leave",
                "ukraine_scheme",
            }
        ),
    ),
    CategoryGroup(
        "settled",
        "Settled and EU Settlement Scheme",
        "#F0E442",
        "#4A4400",
        "cross",
        frozenset({"ilr", "euss_settled", "euss_pre_settled", "british_citizen"}),
    ),
    CategoryGroup(
        "bail",
        "Bail and visitor",
        "#D9D9D9",
        "#222222",
        "forward_diagonal",
        frozenset({"visitor", "immigration_bail", "temporary_admission"}),
    ),
)
_OTHER_GROUP = GROUPS[-1]

_BRACKETED = re.compile(r"(.*?)\s*\((.*)\)")


def short_label(category: str) -> str:
    """The category's name short enough for a bar, made from its one name in
    `desktop.rules.history.PERMISSION_CATEGORIES` (the full name is in the hover text): the
    abbreviation it gives in brackets ("... concession (MVDAC)" -> "MVDAC"), else the name
    without its brackets but keeping a route's length ("Partner (5-year route, Appendix FM)" ->
    "Partner (5-year)"), without the scheme's name ("EU Settlement Scheme: settled status" ->
    "Settled status") and without "permission", which the lane says ("Refugee")."""
    name = PERMISSION_CATEGORIES.get(category, category)
    if m := _BRACKETED.fullmatch(name):
        head, inside = m.groups()
        if re.fullmatch(r"[A-Z]{2,}", inside):
            return inside
        years = re.search(r"\d+-year", inside)
        name = f"{head} ({years.group()})" if years else head
    if ": " in name:
        rest = name.split(": ", 1)[1]
        name = rest[:1].upper() + rest[1:]
    return name.removesuffix(" permission")


#: Outcome marks: code -> (legend text, fill colour, glyph). "check" and "cross" are drawn as
#: shapes; other glyphs are a letter in the circle.
MARKS: dict[str, tuple[str, str, str]] = {
    "granted": ("Granted", "#009E73", "check"),
    "allowed": ("Appeal allowed", "#009E73", "check"),
    "partial": ("Granted in part", "#009E73", "½"),
    "refused": ("Refused", ALERT_INK, "cross"),
    "dismissed": ("Appeal dismissed", ALERT_INK, "cross"),
    "withdrawn": ("Withdrawn", "#555555", "W"),
    "rejected": ("Rejected as invalid", "#8A3B00", "R"),
    "void": ("Void", "#555555", "V"),
    "abandoned": ("Appeal abandoned", "#555555", "A"),
    "pending": ("Pending (runs to today)", "#FFFFFF", "?"),
    "over_limit": ("Over a limit: breaks continuity", OVER_LIMIT_OUTLINE, "!"),
}
REFUSAL_FILL = "#D55E00"  # Okabe-Ito vermillion: the refusal diamond

APPLICATION_FILL, APPLICATION_INK = "#E8E8E8", "#333333"
FEE_WAIVER_FILL = "#F6F6F6"
APPEAL_FILL = "#FFF1E0"


def group_for(category: str) -> CategoryGroup:
    for group in GROUPS:
        if category in group.categories:
            return group
    return _OTHER_GROUP


@dataclass(frozen=True)
class TimelineItem:
    """One bar (first to last day, inclusive) or marker (one day) on a lane."""

    lane: str  # a key of LANES
    kind: str  # "bar" | "marker"
    start: date
    end: date  # inclusive; equal to start for a marker
    label: str  # drawn on the bar when it fits
    description: str  # hover text and accessible description
    record: str | None  # "permissions[2]", "applications[0]", "custody[1]" or None
    fill: str
    ink: str
    pattern: str = "solid"
    mark: str | None = None  # a key of MARKS drawn at the end of a bar (or as the marker)
    open_end: bool = False  # runs on past its end (pending, or indefinite permission)
    row: int = 0  # the sub-row within the lane (overlapping items stack)


def _dates(start: date, end: date | None, open_text: str = "no end date") -> str:
    if end is None:
        return f"from {format_date(start)}, {open_text}"
    if end == start:
        return f"on {format_date(start)}"
    return f"{format_date(start)} to {format_date(end)}"


def uk_dates(text: str, *, long: bool = False) -> str:
    """An engine sentence with its dates written the UK way: 1 Dec 2009 (or, `long`,
    1 December 2009)."""
    return written(text, long=long)


#: Day statuses drawn in the leave lane: status -> (name in the hover text, label on the bar).
LEAVE_STATUSES: dict[str, tuple[str, str]] = {
    "section_3c": ("Section 3C leave", "3C leave"),
    "gap": ("Gap or overstay", "Gap"),
    "awaiting_decision": ("Waiting for a decision (not counted)", "Waiting for a decision"),
    "status_unknown": ("Status unknown (nothing recorded)", "Status unknown"),
}


def _with_record(text: str, record: str | None) -> str:
    """The text with its record in plain words: "(permission 2)", "(trip 3)"."""
    return f"{text} ({plain_records(record)})" if record else text


def build_items(history: History, timeline: DayTimeline | None, today: date) -> list[TimelineItem]:
    """Every bar and marker, packed into rows per lane; in lane order, then time order."""
    items: list[TimelineItem] = []
    horizon = today
    if timeline is not None:
        horizon = max(horizon, timeline.last_day)

    # ---- permissions -------------------------------------------------------------------------
    for i, p in enumerate(history.permissions):
        group = group_for(p.category)
        name = PERMISSION_CATEGORIES.get(p.category, p.category)
        record = f"permissions[{i}]"
        end = p.end if p.end is not None else max(horizon, p.start)
        items.append(
            TimelineItem(
                "permissions",
                "bar",
                p.start,
                end,
                short_label(p.category),
                _with_record(f"Permission: {name}, {_dates(p.start, p.end)}", record),
                record,
                group.fill,
                group.ink,
                group.pattern,
                open_end=p.end is None,
            )
        )

    # ---- 3C leave and gaps (from the day timeline) -------------------------------------------
    if timeline is not None:
        items.extend(_leave_items(timeline))

    # ---- trips abroad -------------------------------------------------------------------------
    items.extend(_trip_items(history, timeline))

    # ---- applications, refusals and appeals --------------------------------------------------
    for i, a in enumerate(history.applications):
        record = f"applications[{i}]"
        kind = APPLICATION_KINDS.get(a.kind, a.kind)
        if a.fee_waiver_requested is not None:
            fw_end = a.fee_waiver_decided or today
            outcome = a.fee_waiver_outcome or ("pending" if a.fee_waiver_decided is None else None)
            said = (
                FEE_WAIVER_OUTCOMES.get(a.fee_waiver_outcome, a.fee_waiver_outcome).lower()
                if a.fee_waiver_outcome
                else "decided, outcome not recorded"
            )
            when = (
                f"{said} {format_date(a.fee_waiver_decided)}"
                if a.fee_waiver_decided
                else "not decided yet (pending)"
            )
            items.append(
                TimelineItem(
                    "applications",
                    "bar",
                    a.fee_waiver_requested,
                    max(fw_end, a.fee_waiver_requested),
                    "Fee waiver",
                    _with_record(
                        f"Fee waiver request for {kind.lower()}: asked "
                        f"{format_date(a.fee_waiver_requested)}, {when}",
                        record,
                    ),
                    record,
                    FEE_WAIVER_FILL,
                    APPLICATION_INK,
                    "dots",
                    mark=outcome,
                    open_end=a.fee_waiver_decided is None,
                )
            )
        if a.made is not None:
            pending = a.decided is None and a.outcome is None
            end = a.decided or (today if pending else a.made)
            mark = a.outcome or ("pending" if pending else None)
            if a.outcome:
                said = APPLICATION_OUTCOMES.get(a.outcome, a.outcome).lower()
                when = f"{said} {format_date(a.decided)}" if a.decided else f"{said} (no date)"
            elif a.decided:
                when = f"decided {format_date(a.decided)}, outcome not recorded"
            else:
                when = "not decided yet (pending)"
            items.append(
                TimelineItem(
                    "applications",
                    "bar",
                    a.made,
                    max(end, a.made),
                    _short_kind(a.kind),
                    _with_record(
                        f"Application: {kind}, made {format_date(a.made)}, {when}", record
                    ),
                    record,
                    APPLICATION_FILL,
                    APPLICATION_INK,
                    mark=mark,
                    open_end=pending,
                )
            )
        if a.outcome == "refused" and a.decided is not None:
            items.append(
                TimelineItem(
                    "appeals",
                    "marker",
                    a.decided,
                    a.decided,
                    "Refused",
                    _with_record(
                        f"Refused: {kind.lower()}, decided {format_date(a.decided)}", record
                    ),
                    record,
                    REFUSAL_FILL,
                    "#FFFFFF",
                    mark="refused",
                )
            )
        if a.appeal_lodged is not None:
            pending = a.appeal_decided is None and a.appeal_outcome is None
            end = a.appeal_decided or (today if pending else a.appeal_lodged)
            if a.appeal_outcome:
                said = APPEAL_OUTCOMES.get(a.appeal_outcome, a.appeal_outcome).lower()
                when = f"{said} {format_date(a.appeal_decided)}" if a.appeal_decided else said
            elif a.appeal_decided:
                when = f"decided {format_date(a.appeal_decided)}, outcome not recorded"
            else:
                when = "not decided yet (pending)"
            items.append(
                TimelineItem(
                    "appeals",
                    "bar",
                    a.appeal_lodged,
                    max(end, a.appeal_lodged),
                    "Appeal",
                    _with_record(
                        f"Appeal against the refusal of {kind.lower()}: lodged "
                        f"{format_date(a.appeal_lodged)}, {when}",
                        record,
                    ),
                    record,
                    APPEAL_FILL,
                    APPLICATION_INK,
                    mark=a.appeal_outcome or ("pending" if pending else None),
                    open_end=pending,
                )
            )

    # ---- custody -----------------------------------------------------------------------------
    custody_style = style_for("custody")
    for i, c in enumerate(history.custody):
        record = f"custody[{i}]"
        items.append(
            TimelineItem(
                "custody",
                "bar",
                c.start,
                c.end,
                "Custody",
                _with_record(f"Custody: {_dates(c.start, c.end)}", record),
                record,
                custody_style.fill,
                custody_style.ink,
                custody_style.pattern,
            )
        )
    return pack_rows(items)


def _short_kind(kind: str) -> str:
    return {
        "initial": "First application",
        "extension": "Extension",
        "settlement": "Settlement",
        "naturalisation": "Naturalisation",
        "asylum": "Asylum claim",
        "fresh_claim": "Fresh claim",
        "fee_waiver_only": "Fee waiver",
        "human_rights": "Human rights",
        "mvdac": "MVDAC",
        "change_of_conditions": "Change of conditions",
    }.get(kind, "Application")


def _trip_items(history: History, timeline: DayTimeline | None) -> list[TimelineItem]:
    """Every trip abroad, recorded or planned, from the day of leaving to the day back. A
    trip inside a 12 months, block or absence over its limit (the timeline's `over_limit`)
    carries the "over a limit" mark and names the rule: it is the trip that broke
    continuity."""
    breaches = timeline.over_limit if timeline is not None else ()
    items = []
    for i, a in enumerate(history.absences):
        record = f"absences[{i}]"
        status = "planned" if a.planned else "abroad"
        style = style_for(status)
        days = whole_days_outside(a.left, a.returned)
        what = "Planned trip" if a.planned else "Trip abroad"
        text = f"{what}: {_dates(a.left, a.returned)}, {days} whole day{'s' if days != 1 else ''} outside"
        if a.exceptional:
            text += "; marked exceptional (not counted towards the limit, CR 3.4)"
        over = [b for b in breaches if b.start <= a.returned and a.left <= b.end]
        if over:
            rules = sorted({b.rule for b in over})
            text += f"; over a limit ({', '.join(rules)}): breaks continuity"
        items.append(
            TimelineItem(
                "trips",
                "bar",
                a.left,
                a.returned,
                "Planned" if a.planned else "Trip",
                _with_record(text, record),
                record,
                style.fill,
                style.ink,
                style.pattern,
                mark="over_limit" if over else None,
            )
        )
    return items


def _leave_items(timeline: DayTimeline) -> list[TimelineItem]:
    """3C leave, gaps, waiting for a decision and unknown status (`LEAVE_STATUSES`); a stretch
    broken only by trips abroad is one bar."""
    runs: list[list] = []  # [status, start, end, record, rule, reason, days abroad in between]
    pending_abroad = 0
    last_status: str | None = None
    for s in timeline.stretches:
        if s.status in ("abroad", "planned"):
            pending_abroad += s.days
            continue
        if s.status in LEAVE_STATUSES:
            prev = runs[-1] if runs else None
            if (
                prev is not None
                and last_status == s.status
                and prev[0] == s.status
                and prev[3] == s.record
                and s.assumed == prev[7]
            ):
                prev[2] = s.end
                prev[6] += pending_abroad
            else:
                runs.append([s.status, s.start, s.end, s.record, s.rule, s.reason, 0, s.assumed])
        last_status = s.status
        pending_abroad = 0
    items = []
    for status, start, end, record, rule, reason, abroad, assumed in runs:
        style = style_for(status)
        name, label = LEAVE_STATUSES[status]
        text = f"{name}: {_dates(start, end)}"
        if assumed:
            text += " (after the end of the record: assumed)"
        if abroad:
            text += f", with {abroad} day{'s' if abroad != 1 else ''} abroad in between"
        text += f". {uk_dates(reason)}"
        if rule and rule not in reason:
            text += f" ({rule})"
        items.append(
            TimelineItem(
                "leave",
                "bar",
                start,
                end,
                label,
                _with_record(text, record),
                record,
                style.fill,
                style.ink,
                style.pattern,
            )
        )
    return items


def _extent(item: TimelineItem, px_per_day: float | None) -> tuple[float, float]:
    """The days an item takes up on screen (its mark and arrow head included), as ordinals."""
    lo, hi = float(item.start.toordinal()), float(item.end.toordinal() + 1)
    if not px_per_day:
        return lo, hi
    if item.kind == "marker":
        half = (BAR_H / 2 + 3) / px_per_day
        return lo + 0.5 - half, lo + 0.5 + half
    hi = max(hi, lo + 3 / px_per_day)
    if item.mark:
        hi += (MARK_R + 3) / px_per_day
    elif item.open_end:
        hi += 8 / px_per_day
    return lo, hi


def pack_rows(items: list[TimelineItem], px_per_day: float | None = None) -> list[TimelineItem]:
    """Give each item the first row of its lane where it does not overlap another (on screen,
    when the scale `px_per_day` is given: a refusal and the appeal lodged ten days later do
    not sit on top of each other). In lane order, then time order within a lane."""
    packed: list[TimelineItem] = []
    for lane in LANES:
        row_ends: list[float] = []
        for item in sorted((i for i in items if i.lane == lane), key=lambda i: (i.start, i.end)):
            lo, hi = _extent(item, px_per_day)
            for row, last in enumerate(row_ends):
                if lo >= last:
                    row_ends[row] = hi
                    break
            else:
                row = len(row_ends)
                row_ends.append(hi)
            packed.append(replace(item, row=row))
    return packed


# --------------------------------------------------------------------------------------------
# The widget
# --------------------------------------------------------------------------------------------

LABEL_W = 132  # the lane names
RIGHT_PAD = 14
TOP_H = 30  # period mark labels above the lanes
ROW_H = 22
BAR_H = 16
LANE_PAD = 4
AXIS_H = 24
LEGEND_ROW_H = 18
MARK_R = 6.0


class PermissionTimeline(StaticLayerMixin, QWidget):
    """The history as a timeline. `set_data(history, timeline, today)`; `clear()`.

    `record_activated(str)` fires with the record of a clicked or Enter-activated item.
    """

    record_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName("Permission timeline")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(420)
        self._items: list[TimelineItem] = []
        self._order: list[int] = []  # item indexes in time order (keyboard)
        self._rows: dict[str, int] = dict.fromkeys(LANES, 1)
        self._first = self._last = date.today()
        self._today = date.today()
        self._period: tuple[date | None, date | None] = (None, None)
        self._focus: int | None = None  # position in self._order
        self._hover: int | None = None  # item index
        self._cache: QPixmap | None = None
        self._cache_key: tuple | None = None
        self._packed_width = -1
        self._update_description()

    # ---- data --------------------------------------------------------------------------------
    def set_data(self, history: History, timeline: DayTimeline | None, today: date) -> None:
        self._today = today
        self._items = build_items(history, timeline, today)
        if timeline is not None:
            a = timeline.assessment
            self._period = (a.qualifying_from, a.complete_on)
        else:
            self._period = (None, None)
        dates = [d for i in self._items for d in (i.start, i.end)] + [today]
        dates += [d for d in self._period if d is not None]
        if timeline is not None:
            dates += [timeline.first_day, timeline.last_day]
        lo, hi = min(dates), max(dates)
        self._first = date(lo.year, 1, 1)
        self._last = date(hi.year, 12, 31)
        self._focus = None
        self._hover = None
        self._repack()
        self._update_description()

    def _repack(self) -> None:
        """Stack items that would touch on screen at the present width; keep the focus."""
        focused = self.focused_item()
        span = (self._last - self._first).days + 1
        px_per_day = (self._plot_right() - self._plot_left()) / span
        self._items = pack_rows(self._items, px_per_day)
        self._packed_width = self.width()
        lanes = list(LANES)
        self._order = sorted(
            range(len(self._items)),
            key=lambda i: (
                self._items[i].start,
                lanes.index(self._items[i].lane),
                self._items[i].row,
            ),
        )
        self._rows = {
            lane: max([i.row + 1 for i in self._items if i.lane == lane] or [1]) for lane in LANES
        }
        if focused is not None:
            same = next(
                n
                for n, i in enumerate(self._order)
                if replace(self._items[i], row=0) == replace(focused, row=0)
            )
            self._focus = same
        self.setMinimumHeight(self._content_height(self.width()))
        self.updateGeometry()
        self._invalidate()

    def clear(self) -> None:
        self._items, self._order = [], []
        self._rows = dict.fromkeys(LANES, 1)
        self._period = (None, None)
        self._focus = self._hover = None
        self.setMinimumHeight(self._content_height(self.width()))
        self.updateGeometry()
        self._invalidate()
        self._update_description()

    def items(self) -> list[TimelineItem]:
        """Every bar and marker (in lane order, then time order within a lane)."""
        return list(self._items)

    def lane_items(self, lane: str) -> list[TimelineItem]:
        return [i for i in self._items if i.lane == lane]

    def items_in_time_order(self) -> list[TimelineItem]:
        """The order Left and Right move through."""
        return [self._items[i] for i in self._order]

    def focused_item(self) -> TimelineItem | None:
        if self._focus is None:
            return None
        return self._items[self._order[self._focus]]

    def range(self) -> tuple[date, date]:
        return self._first, self._last

    # ---- geometry ----------------------------------------------------------------------------
    def _lane_top(self, lane: str) -> float:
        y = TOP_H
        for code in LANES:
            if code == lane:
                return y
            y += self._rows[code] * ROW_H + 2 * LANE_PAD
        return y

    def _lanes_bottom(self) -> float:
        return self._lane_top("")  # past the last lane

    def _plot_left(self) -> float:
        return LABEL_W

    def _plot_right(self) -> float:
        return max(self._plot_left() + 50, self.width() - RIGHT_PAD)

    def x_for(self, day: date) -> float:
        """The x of the start of `day`."""
        span = (self._last - self._first).days + 1
        left, right = self._plot_left(), self._plot_right()
        return left + (day - self._first).days / span * (right - left)

    def date_at(self, x: float) -> date:
        span = (self._last - self._first).days + 1
        left, right = self._plot_left(), self._plot_right()
        frac = (x - left) / max(1.0, right - left)
        frac = min(max(frac, 0.0), 1.0 - 1e-9)
        return self._first + timedelta(days=int(frac * span))

    def item_rect(self, index: int) -> QRectF:
        """The rectangle of item `index` (of `items()`), in widget coordinates."""
        item = self._items[index]
        top = self._lane_top(item.lane) + LANE_PAD + item.row * ROW_H + (ROW_H - BAR_H) / 2
        if item.kind == "marker":
            cx = self.x_for(item.start) + self._day_w() / 2
            return QRectF(cx - BAR_H / 2, top, BAR_H, BAR_H)
        x0 = self.x_for(item.start)
        x1 = max(self.x_for(item.end + ONE_DAY), x0 + 3)
        return QRectF(x0, top, x1 - x0, BAR_H)

    def _day_w(self) -> float:
        return self.x_for(self._first + ONE_DAY) - self.x_for(self._first)

    def item_at(self, pos: QPoint | QPointF) -> int | None:
        """The index (in `items()`) of the item under `pos`: markers first, then the shortest
        bar (so a short bar on a long one can still be reached)."""
        p = QPointF(pos)
        hits = []
        for i in range(len(self._items)):
            rect = self.item_rect(i)
            grown = rect.adjusted(-3, -2, 3 + (MARK_R if self._items[i].mark else 0), 2)
            if grown.contains(p):
                hits.append(i)
        if not hits:
            return None
        return min(hits, key=lambda i: (self._items[i].kind != "marker", self.item_rect(i).width()))

    def tooltip_at(self, pos: QPoint | QPointF) -> str | None:
        index = self.item_at(pos)
        return self._items[index].description if index is not None else None

    def _legend_layout(self, width: float) -> list[list[tuple[str, object]]]:
        """Legend entries in lines that fit `width`: ("group", CategoryGroup) | ("mark", code)
        | ("status", status)."""
        fm = QFontMetrics(self._small_font())
        entries: list[tuple[str, object, float]] = []
        for group in GROUPS:
            entries.append(("group", group, 26 + fm.horizontalAdvance(group.label) + 14))
        for status in (*LEAVE_STATUSES, "abroad", "planned", "custody"):
            text = style_for(status).label
            entries.append(("status", status, 26 + fm.horizontalAdvance(text) + 14))
        entries.append(("refusal", None, 18 + fm.horizontalAdvance("Refusal") + 14))
        for code in (
            "granted",
            "refused",
            "withdrawn",
            "rejected",
            "void",
            "pending",
            "over_limit",
        ):
            entries.append(("mark", code, 18 + fm.horizontalAdvance(MARKS[code][0]) + 14))
        lines: list[list[tuple[str, object]]] = [[]]
        used = 0.0
        avail = max(200.0, width - 16)
        for kind, value, w in entries:
            if used + w > avail and lines[-1]:
                lines.append([])
                used = 0.0
            lines[-1].append((kind, value))
            used += w
        return lines

    def _content_height(self, width: float) -> int:
        lanes = sum(self._rows[c] * ROW_H + 2 * LANE_PAD for c in LANES)
        legend = len(self._legend_layout(width)) * LEGEND_ROW_H + 8
        return int(TOP_H + lanes + AXIS_H + legend)

    def sizeHint(self) -> QSize:
        return QSize(900, self._content_height(900))

    def minimumSizeHint(self) -> QSize:
        return QSize(420, self._content_height(420))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._content_height(width)

    # ---- events ------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        if self.width() != self._packed_width:
            self._repack()
        self._invalidate()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._invalidate()
        super().changeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hover = self.item_at(event.position())
        if hover != self._hover:
            self._hover = hover
            self.setCursor(
                Qt.CursorShape.PointingHandCursor
                if hover is not None and self._items[hover].record
                else Qt.CursorShape.ArrowCursor
            )
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hover is not None:
            self._hover = None
            self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            index = self.item_at(event.position())
            if index is not None:
                self._set_focus(self._order.index(index))
                self._activate()
                event.accept()
                return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        n = len(self._order)
        if n and key in (Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Home, Qt.Key.Key_End):
            if key == Qt.Key.Key_Home:
                target = 0
            elif key == Qt.Key.Key_End:
                target = n - 1
            elif self._focus is None:
                target = 0 if key == Qt.Key.Key_Right else n - 1
            elif key == Qt.Key.Key_Right:
                target = min(self._focus + 1, n - 1)
            else:
                target = max(self._focus - 1, 0)
            self._set_focus(target)
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            if self._focus is not None:
                self._activate()
                event.accept()
                return
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self.update()
        super().focusOutEvent(event)

    def _set_focus(self, position: int | None) -> None:
        self._focus = position
        self._update_description()
        self.update()

    def _activate(self) -> None:
        item = self.focused_item()
        if item is not None and item.record:
            self.record_activated.emit(item.record)

    def _update_description(self) -> None:
        item = self.focused_item()
        if item is not None:
            text = item.description
        elif self._items:
            text = (
                f"{len(self._items)} items from {format_date(self._first)} to "
                f"{format_date(self._last)}. Use Left and Right to move between them, Enter "
                "to open one."
            )
        else:
            text = "No history to show."
        self.setAccessibleDescription(text)
        if item is not None:
            self.setToolTip("")

    # ---- painting ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self._static_painter()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._hover is not None:
            rect = self.item_rect(self._hover).adjusted(-1.5, -1.5, 1.5, 1.5)
            painter.setPen(QPen(QColor("#000000"), 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 3, 3)
        item = self.focused_item()
        if item is not None:
            index = self._order[self._focus]  # type: ignore[index]
            rect = self.item_rect(index).adjusted(-3, -3, 3, 3)
            color = self.palette().highlight().color() if self.hasFocus() else QColor("#777777")
            painter.setPen(QPen(color, 2.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 4, 4)
        elif self.hasFocus():
            pen = QPen(self.palette().highlight().color(), 1.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        painter.end()

    def _render_static(self, dpr: float) -> QPixmap:
        pixmap = QPixmap(QSize(max(1, int(self.width() * dpr)), max(1, int(self.height() * dpr))))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(self.palette().base().color())
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            self._paint_static(painter)
        finally:
            painter.end()
        return pixmap

    def _paint_static(self, p: QPainter) -> None:
        text_color = self.palette().text().color()
        font = self.font()
        small = self._small_font()
        left, right = self._plot_left(), self._plot_right()
        lanes_bottom = self._lanes_bottom()
        p.setFont(font)

        # Lanes: alternate backgrounds and names.
        for n, lane in enumerate(LANES):
            top = self._lane_top(lane)
            height = self._rows[lane] * ROW_H + 2 * LANE_PAD
            if n % 2 == 0:
                p.fillRect(QRectF(0, top, right, height), QColor(0, 0, 0, 10))
            p.setPen(text_color)
            p.drawText(
                QRectF(6, top, LABEL_W - 10, height),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
                | int(Qt.TextFlag.TextWordWrap),
                LANES[lane],
            )
            if not any(i.lane == lane for i in self._items):
                p.setPen(QColor("#8A8A8A"))
                p.setFont(small)
                p.drawText(
                    QRectF(left + 6, top, right - left, height),
                    int(Qt.AlignmentFlag.AlignVCenter),
                    "None recorded" if self._items else "",
                )
                p.setFont(font)

        # Year grid and axis.
        p.setFont(small)
        fm = QFontMetrics(small)
        years = list(range(self._first.year, self._last.year + 1))
        year_w = (right - left) / max(1, len(years))
        step = 1
        while year_w * step < fm.horizontalAdvance("2000") + 10:
            step += 1
        for year in years:
            x = self.x_for(date(year, 1, 1))
            major = (year - years[0]) % step == 0
            p.setPen(QPen(QColor(0, 0, 0, 40 if major else 18), 1))
            p.drawLine(QPointF(x, TOP_H), QPointF(x, lanes_bottom + (5 if major else 2)))
            if major:
                p.setPen(text_color)
                p.drawText(
                    QRectF(x - 30, lanes_bottom + 6, 60, AXIS_H - 6),
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                    str(year),
                )
        p.setPen(QPen(text_color, 1))
        p.drawLine(QPointF(left, lanes_bottom), QPointF(right, lanes_bottom))

        # Qualifying period and today (under the bars; their labels above the lanes).
        if self._items:
            start, complete = self._period
            marks = []
            if start is not None:
                marks.append((start, f"Period starts {format_date(start)}", PERIOD_MARK, True))
            if complete is not None:
                marks.append((complete, f"Complete on {format_date(complete)}", PERIOD_MARK, True))
            marks.append((self._today, f"Today {format_date(self._today)}", TODAY_MARK, False))
            self._paint_vertical_marks(p, marks, small, lanes_bottom)

        # Bars, then markers on top.
        for index, item in enumerate(self._items):
            if item.kind == "bar":
                self._paint_bar(p, index, item, small)
        for index, item in enumerate(self._items):
            if item.kind == "marker":
                self._paint_marker(p, self.item_rect(index))
        for index, item in enumerate(self._items):
            if item.kind == "bar" and item.mark:
                rect = self.item_rect(index)
                self._paint_mark(p, QPointF(rect.right(), rect.center().y()), item.mark, small)

        # Legend.
        self._paint_legend(p, lanes_bottom + AXIS_H + 4, small)

    def _paint_vertical_marks(
        self, p: QPainter, marks: list[tuple[date, str, str, bool]], font: QFont, bottom: float
    ) -> None:
        fm = QFontMetrics(font)
        placed: list[tuple[float, float, int]] = []  # (x0, x1, row) of labels drawn
        for day, text, color, dashed in sorted(marks, key=lambda m: m[0]):
            x = self.x_for(day) + self._day_w() / 2
            pen = QPen(
                QColor(color), 1.6, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
            )
            p.setPen(pen)
            p.drawLine(QPointF(x, TOP_H - 2), QPointF(x, bottom))
            w = fm.horizontalAdvance(text) + 6
            x0 = min(max(x - w / 2, 2), self.width() - w - 2)
            row = 0
            while any(r == row and not (x0 + w < a or x0 > b) for a, b, r in placed):
                row += 1
            placed.append((x0, x0 + w, row))
            p.setPen(QColor(color))
            p.drawText(
                QRectF(x0, 1 + row * 13 if row < 2 else 1, w, 14),
                int(Qt.AlignmentFlag.AlignCenter),
                text,
            )

    def _paint_bar(self, p: QPainter, index: int, item: TimelineItem, font: QFont) -> None:
        rect = self.item_rect(index)
        fill, ink = QColor(item.fill), QColor(item.ink)
        path = QPainterPath()
        path.addRoundedRect(rect, 3, 3)
        p.fillPath(path, fill)
        style = BRUSH_STYLES.get(item.pattern, Qt.BrushStyle.NoBrush)
        if style != Qt.BrushStyle.NoBrush:
            pattern_color = QColor(ink)
            pattern_color.setAlpha(75)
            p.fillPath(path, QBrush(pattern_color, style))
        outline = QColor(item.ink if item.fill in ("#FFFFFF", FEE_WAIVER_FILL) else item.fill)
        outline = outline.darker(150)
        pen = QPen(outline, 1)
        if item.lane == "applications" and item.label == "Fee waiver":
            pen.setStyle(Qt.PenStyle.DotLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        if item.open_end:
            # An arrow head: it runs on past the end shown.
            tip = QPointF(rect.right() + 5, rect.center().y())
            arrow = QPolygonF(
                [QPointF(rect.right(), rect.top()), tip, QPointF(rect.right(), rect.bottom())]
            )
            p.setBrush(fill)
            p.drawPolygon(arrow)
        room = rect.width() - (MARK_R * 2 + 4 if item.mark else 6)
        fm = QFontMetrics(font)
        if room > 14:
            text = fm.elidedText(item.label, Qt.TextElideMode.ElideRight, int(room))
            if text and text != "…":
                p.setFont(font)
                p.setPen(ink)
                p.drawText(
                    rect.adjusted(4, 0, -2, 0),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    text,
                )

    def _paint_marker(self, p: QPainter, rect: QRectF) -> None:
        c = rect.center()
        r = rect.height() / 2
        diamond = QPolygonF(
            [
                QPointF(c.x(), c.y() - r),
                QPointF(c.x() + r, c.y()),
                QPointF(c.x(), c.y() + r),
                QPointF(c.x() - r, c.y()),
            ]
        )
        p.setPen(QPen(QColor("#5A1F00"), 1))
        p.setBrush(QColor(REFUSAL_FILL))
        p.drawPolygon(diamond)
        self._paint_glyph(p, c, r * 0.45, "cross", QColor("#FFFFFF"))

    def _paint_mark(self, p: QPainter, center: QPointF, mark: str, font: QFont) -> None:
        _label, color, glyph = MARKS.get(mark, (mark, "#555555", mark[:1].upper()))
        fill = QColor(color)
        p.setPen(QPen(QColor("#222222"), 1))
        p.setBrush(fill)
        p.drawEllipse(center, MARK_R, MARK_R)
        ink = QColor("#000000") if fill.lightness() > 160 else QColor("#FFFFFF")
        if glyph in ("check", "cross"):
            self._paint_glyph(p, center, MARK_R * 0.5, glyph, ink)
        else:
            bold = QFont(font)
            bold.setBold(True)
            bold.setPixelSize(9)
            p.setFont(bold)
            p.setPen(ink)
            p.drawText(
                QRectF(center.x() - MARK_R, center.y() - MARK_R, 2 * MARK_R, 2 * MARK_R),
                int(Qt.AlignmentFlag.AlignCenter),
                glyph,
            )

    @staticmethod
    def _paint_glyph(p: QPainter, c: QPointF, r: float, glyph: str, color: QColor) -> None:
        pen = QPen(color, 1.8)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        if glyph == "cross":
            p.drawLine(QPointF(c.x() - r, c.y() - r), QPointF(c.x() + r, c.y() + r))
            p.drawLine(QPointF(c.x() - r, c.y() + r), QPointF(c.x() + r, c.y() - r))
        else:
            p.drawPolyline(
                QPolygonF(
                    [
                        QPointF(c.x() - r, c.y()),
                        QPointF(c.x() - r * 0.25, c.y() + r * 0.8),
                        QPointF(c.x() + r, c.y() - r * 0.8),
                    ]
                )
            )

    def _paint_legend(self, p: QPainter, top: float, font: QFont) -> None:
        p.setFont(font)
        fm = QFontMetrics(font)
        text_color = self.palette().text().color()
        y = top
        for line in self._legend_layout(self.width()):
            x = 8.0
            for kind, value in line:
                box = QRectF(x, y + 3, 20, LEGEND_ROW_H - 6)
                if kind in ("group", "status"):
                    if kind == "group":
                        assert isinstance(value, CategoryGroup)
                        fill, ink, pattern, text = value.fill, value.ink, value.pattern, value.label
                    else:
                        style = style_for(str(value))
                        fill, ink, pattern, text = style.fill, style.ink, style.pattern, style.label
                    p.fillRect(box, QColor(fill))
                    brush_style = BRUSH_STYLES.get(pattern, Qt.BrushStyle.NoBrush)
                    if brush_style != Qt.BrushStyle.NoBrush:
                        c = QColor(ink)
                        c.setAlpha(75)
                        p.fillRect(box, QBrush(c, brush_style))
                    p.setPen(QPen(QColor(fill).darker(150), 1))
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawRect(box)
                    x += 26
                elif kind == "refusal":
                    self._paint_marker(p, QRectF(x, y + 2, LEGEND_ROW_H - 4, LEGEND_ROW_H - 4))
                    text = "Refusal"
                    x += 18
                else:
                    self._paint_mark(p, QPointF(x + MARK_R, y + LEGEND_ROW_H / 2), str(value), font)
                    text = MARKS[str(value)][0]
                    x += 18
                p.setFont(font)
                p.setPen(text_color)
                w = fm.horizontalAdvance(text)
                p.drawText(
                    QRectF(x, y, w + 4, LEGEND_ROW_H),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    text,
                )
                x += w + 14
            y += LEGEND_ROW_H
