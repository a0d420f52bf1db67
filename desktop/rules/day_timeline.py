"""Day by day: what every day of a history was, for one route, and why (the calendar's data).

`day_timeline(history, route, on, figures, ...)` runs the same engine as `assess` and returns the
history as consecutive stretches of days, each with one status:

    counted       lawful residence that counts towards the route's qualifying period
    section_3c    leave extended by section 3C while an in-time application or appeal was pending
    not_counting  in the UK with permission that does not count on this route (or a concession)
    abroad        a whole day outside the UK (the days of leaving and coming back are in the UK)
    planned       a whole day outside the UK on a planned trip
    gap           without permission: overstaying, or a gap later forgiven under paragraph 39E
    awaiting_decision  waiting for a decision on a protection claim, no permission (not counted)
    status_unknown     after a record that stops before today, up to today: nothing recorded,
                  drawn as the projection (what-if) with `assumed` True
    custody       in prison or detention

with the rule and a one-sentence reason, the record it comes from (`permissions[2]`,
`absences[5]`), whether it is after the end of the record (`assumed`), and whether the day counts
towards the period. It also gives every window or block over an absence limit, the worst 12 months
in the qualifying period, and the assessment itself, so the calendar and the verdict never
disagree. Pure: no Qt, no database, no clock.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from desktop.rules.days import (
    ONE_DAY,
    Window,
    sub_years,
    trips_and_days,
)
from desktop.rules.figures import Figures
from desktop.rules.history import ENTRY_WAIT_RULE, History, with_entry_waits
from desktop.rules.routes import ROUTE_SPECS
from desktop.rules.routes.spec import RouteSpec
from desktop.rules.settlement import SettlementAssessment
from desktop.rules.timeline import INF, PROTECTION_CLAIMS, Piece, permission_words
from desktop.rules.verdict import Assessment, Breach

STATUSES: dict[str, str] = {
    "counted": "Counting residence",
    "section_3c": "Section 3C leave (application or appeal pending)",
    "not_counting": "In the UK, not counting",
    "abroad": "Outside the UK",
    "planned": "Planned trip",
    "gap": "Gap or overstay",
    "awaiting_decision": "Waiting for a decision (not counted)",
    "status_unknown": "Status unknown (nothing recorded)",
    "custody": "Custody",
}

#: The statuses issue 16 added (a calendar needs a style for each).
NEW_STATUSES = ("awaiting_decision", "status_unknown")

#: Naturalisation and domestic abuse have no qualifying-period chain of their own; their days are
#: read with every lawful permission counting, as the nationality guidance does for "lawful".
_LAWFUL_VIEW = RouteSpec(
    code="long_residence",
    counting=frozenset(
        c
        for c in (
            "student skilled_worker partner_5y partner_10y parent_10y private_life_10y refugee "
            "humanitarian_protection discretionary_leave leave_outside_rules uasc_leave "
            "restricted_leave mvdac euss_pre_settled euss_settled ilr british_citizen visitor "
            "short_term_student seasonal_worker ukraine_scheme"
        ).split()
    ),
    not_counting_rule={"*": "BNA 1981 Sch. 1"},
    months_key="lr.qualifying_months",
    period_rule="BNA 1981 Sch. 1",
    lead="before_completion",
    lead_key="lr.apply_days_before_completion",
    fee_key="fee.ilr",
    custody="ignore",
    custody_rule="",
    forgiven_rule=None,
)


class Stretch(NamedTuple):
    """Consecutive days with one status (a named tuple: a long history has thousands)."""

    start: date
    end: date  # inclusive
    status: str  # a key of STATUSES
    rule: str
    why: str  # the reason; empty for trips, whose reason is made from the trip on demand
    record: str | None = None
    assumed: bool = False  # after the end of the record: the projection
    counts: bool = False  # counts towards the qualifying period
    trip: tuple[date, date, int, bool] | None = None  # (left, returned, whole days, exceptional)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def reason(self) -> str:
        if self.trip is None:
            return self.why
        left, returned, n, exceptional = self.trip
        what = "Planned trip" if self.status == "planned" else "Outside the UK"
        text = f"{what} from {left} to {returned}: {n} whole days outside"
        if exceptional:
            text += "; marked exceptional (not counted towards the limit, CR 3.4)"
        return text


@dataclass(frozen=True)
class DayTimeline:
    route: str
    application_date: date
    first_day: date
    last_day: date
    stretches: tuple[Stretch, ...]
    #: Every 12-month window, CR 3.2 block or single absence over its limit, whole history.
    over_limit: tuple[Breach, ...]
    #: The worst 12 months in the qualifying period (the assessment's max_absence_any_12_months).
    worst_window: Window
    assessment: Assessment
    #: The first day nothing is recorded for, when the record stops before today.
    status_unknown_since: date | None = None

    def at(self, day: date) -> Stretch | None:
        """The stretch holding `day` (None outside first_day..last_day)."""
        starts = [s.start for s in self.stretches]
        i = bisect_right(starts, day) - 1
        if i < 0 or self.stretches[i].end < day:
            return None
        return self.stretches[i]

    def days_with(self, statuses: Container[str], lo: date, hi: date) -> int:
        """Days in [lo, hi] whose status is one of `statuses`."""
        n = 0
        for s in self.stretches:
            if s.end < lo or s.start > hi or s.status not in statuses:
                continue
            n += (min(s.end, hi) - max(s.start, lo)).days + 1
        return n

    def days_abroad(self, lo: date, hi: date) -> int:
        return self.days_with(("abroad", "planned"), lo, hi)


def _piece_status(p: Piece) -> tuple[str, bool]:
    """(status, counts) for a piece of the route's reading of the record."""
    if p.source == "custody":
        return "custody", False
    if p.source == "awaiting":
        return "awaiting_decision", False
    if p.kind == "count":
        return ("section_3c" if p.source == "3C" else "counted"), True
    if p.source in ("gap", "current", "tail"):
        return "gap", False
    if p.kind == "uncounted":
        return "gap", False
    return "not_counting", False


def _piece_reason(p: Piece, history: History) -> tuple[str, str | None]:
    record = None
    if p.source in ("permission", "3C", "custody") or p.assumed:
        perm = _permission_index(history, p)
        record = f"permissions[{perm}]" if perm is not None else None
    if p.source == "custody":
        idx = next(
            (
                i
                for i, c in enumerate(history.custody)
                if c.start.toordinal() <= p.start <= c.end.toordinal()
            ),
            None,
        )
        record = f"custody[{idx}]" if idx is not None else record
        return p.why, record
    if p.assumed:
        return (
            "After the last recorded day: assumed to continue with "
            f"{permission_words(p.category)}, to project the earliest date",
            record,
        )
    if p.kind == "count" and p.source == "3C":
        return (
            f"{permission_words(p.category)} extended by section 3C while an application or "
            "appeal was pending (s3C Immigration Act 1971)",
            record,
        )
    if p.kind == "count" and p.source == "covid":
        return p.why, None
    if p.kind == "count":
        return f"{permission_words(p.category)}: counts towards the qualifying period", record
    return p.why, record


def _permission_index(history: History, p: Piece) -> int | None:
    for i, perm in enumerate(history.permissions):
        if perm.category != p.category:
            continue
        if p.expiry is not None and perm.end is not None and perm.end.toordinal() == p.expiry:
            return i
        if p.granted is not None and perm.grant_date.toordinal() == p.granted:
            return i
    return None


def day_timeline(
    history: History,
    route: str,
    on: date,
    figures: Figures,
    *,
    bank_holidays: Container[date] = frozenset(),
    today: date | None = None,
    until: date | None = None,
    assessment: Assessment | None = None,
) -> DayTimeline:
    """Every day from the first record to `until` (default: the latest of the application date,
    today, the completion and earliest dates, and the last planned trip)."""
    from desktop.rules.residence import assess, said_of_entry_waits, unless_settled

    today = today or on
    figures = figures.leniently()
    spec = ROUTE_SPECS.get(route, _LAWFUL_VIEW)
    # The wait before entry on a permission granted from abroad is days outside (as in
    # `residence.assess`): drawn as abroad, pointing at the permission, not a trip.
    counted, waits = with_entry_waits(history)
    engine = SettlementAssessment(counted, spec, on, figures, bank_holidays, today)
    if assessment is None:
        if route in ROUTE_SPECS:
            assessment = said_of_entry_waits(unless_settled(engine.run(), history), waits)
        else:
            assessment = assess(
                history, route, on, figures, bank_holidays=bank_holidays, today=today
            )

    firsts = [p.start for p in history.permissions]
    firsts += [a.left for a in history.absences]
    firsts += [a.made for a in history.applications if a.made is not None]
    first = min(firsts) if firsts else on
    lasts = [on, today]
    for v in (assessment.complete_on, assessment.earliest_application_date):
        if v is not None:
            lasts.append(v)
    lasts += [a.returned for a in history.absences]
    last = until or max(lasts)
    lo, hi = first.toordinal(), last.toordinal()

    stretches: list[Stretch] = []
    add = stretches.append
    d = date.fromordinal  # local names: this loop runs once per trip
    make = Stretch
    absences = counted.absences
    trips = sorted(engine.trips)
    # Per trip, once: (first day out, last day out, status, record, trip facts, rule, why).
    # A wait before entry is not a trip: it points at its permission and says why it counts.
    trip_rows = []
    for t in trips:
        a = absences[t.index]
        wait = waits.get(t.index)
        if wait is not None:
            trip_rows.append(
                (
                    t.left + 1,
                    t.returned - 1,
                    "abroad",
                    f"permissions[{wait.permission}]",
                    None,
                    ENTRY_WAIT_RULE,
                    f"Outside the UK before entry on {wait.entered}: permission granted from "
                    "abroad; the days before entry count as days outside the UK",
                )
            )
            continue
        trip_rows.append(
            (
                t.left + 1,
                t.returned - 1,
                "planned" if a.planned else "abroad",
                f"absences[{t.index}]",
                (a.left, a.returned, t.returned - t.left - 1, a.exceptional),
                "",
                "",
            )
        )
    n_trips = len(trip_rows)
    ti = 0
    for p in engine.pieces:
        if p.end < lo or p.start > hi:
            continue
        start, end = max(p.start, lo), min(p.end, hi)
        status, counts = _piece_status(p)
        reason, record = _piece_reason(p, history)
        rule = p.rule or ("s3C Immigration Act 1971" if status == "section_3c" else "")
        assumed = p.assumed
        cursor = start
        while ti < n_trips and trip_rows[ti][1] < start:
            ti += 1
        tj = ti
        while tj < n_trips and trip_rows[tj][0] <= end:
            first_out, last_out, trip_status, trip_record, facts, trip_rule, trip_why = trip_rows[
                tj
            ]
            a = first_out if first_out > cursor else cursor
            b = last_out if last_out < end else end
            if a <= b:
                if a > cursor:
                    add(make(d(cursor), d(a - 1), status, rule, reason, record, assumed, counts))
                add(
                    make(
                        d(a),
                        d(b),
                        trip_status,
                        trip_rule,
                        trip_why,
                        trip_record,
                        assumed,
                        counts,
                        facts,
                    )
                )
                cursor = b + 1
            tj += 1
        if cursor <= end:
            add(make(d(cursor), d(end), status, rule, reason, record, assumed, counts))
    # Days before the first permission that a trip or application records: no permission.
    if engine.pieces and engine.pieces[0].start > lo:
        stretches.insert(
            0,
            Stretch(
                d(lo),
                d(engine.pieces[0].start - 1),
                "gap",
                "",
                "Before the first recorded permission",
            ),
        )

    if history.custody and spec.custody == "ignore":
        stretches = _mark_custody(stretches, history)
    stretches = _mark_awaiting(stretches, history)
    since = assessment.status_unknown_since
    if since is None and engine.cover.tail is not None and engine.cover.tail.projected:
        since = date.fromordinal(engine.cover.tail.start)
    if since is not None:
        stretches = _mark_unknown(stretches, since, today)

    over: list[Breach] = []
    if route in ROUTE_SPECS:
        for lim in engine.limits:
            over.extend(lim.breaches(lo, min(hi, INF)))
    else:
        over.extend(assessment.breaches)
    over.sort(key=lambda b: (b.start, b.rule))
    return DayTimeline(
        route=route,
        application_date=on,
        first_day=first,
        last_day=last,
        stretches=tuple(stretches),
        over_limit=tuple(over),
        worst_window=assessment.max_window,
        assessment=assessment,
        status_unknown_since=since,
    )


def _mark_custody(stretches: list[Stretch], history: History) -> list[Stretch]:
    """Routes on which custody changes nothing still show it, keeping whether the day counts."""
    spans = sorted((c.start, c.end, i) for i, c in enumerate(history.custody))
    out: list[Stretch] = []
    for s in stretches:
        pieces = [s]
        for cs, ce, ci in spans:
            nxt: list[Stretch] = []
            for q in pieces:
                if ce < q.start or cs > q.end or q.status in ("abroad", "planned", "custody"):
                    nxt.append(q)
                    continue
                if q.start < cs:
                    nxt.append(q._replace(end=cs - ONE_DAY))
                nxt.append(
                    q._replace(
                        start=max(q.start, cs),
                        end=min(q.end, ce),
                        status="custody",
                        why="In prison or detention (this route does not turn on custody; "
                        "criminality is assessed separately)",
                        trip=None,
                        record=f"custody[{ci}]",
                    )
                )
                if q.end > ce:
                    nxt.append(q._replace(start=ce + ONE_DAY))
            pieces = nxt
        out.extend(pieces)
    return out


def _split(
    stretches: list[Stretch],
    lo: date,
    hi: date,
    applies: Callable[[Stretch], bool],
    change: Callable[[Stretch], Stretch],
) -> list[Stretch]:
    """Stretches with the days in [lo, hi] of those `applies` accepts replaced by `change(s)`."""
    out: list[Stretch] = []
    for s in stretches:
        if s.end < lo or s.start > hi or not applies(s):
            out.append(s)
            continue
        if s.start < lo:
            out.append(s._replace(end=lo - ONE_DAY))
        out.append(change(s)._replace(start=max(s.start, lo), end=min(s.end, hi)))
        if s.end > hi:
            out.append(s._replace(start=hi + ONE_DAY))
    return out


def _mark_awaiting(stretches: list[Stretch], history: History) -> list[Stretch]:
    """Days without permission while a protection claim waits for a decision: "waiting for a
    decision (not counted)", not a gap (issue 16)."""
    claims = [
        (a.made, a.decided, i)
        for i, a in enumerate(history.applications)
        if a.kind in PROTECTION_CLAIMS and a.made is not None
    ]
    if not claims or not any(s.status == "gap" for s in stretches):
        return stretches
    for made, decided, i in sorted(claims):
        last = decided - ONE_DAY if decided is not None else date.max - timedelta(days=800)

        def change(s: Stretch, made: date = made, i: int = i) -> Stretch:
            return s._replace(
                status="awaiting_decision",
                rule="Immigration Rules Part 11",
                why=f"Waiting for a decision on the protection claim of {made} (not counted: "
                "no permission while it is pending)",
                record=f"applications[{i}]",
                counts=False,
            )

        stretches = _split(stretches, made, last, lambda s: s.status == "gap", change)
    return stretches


def _mark_unknown(stretches: list[Stretch], since: date, today: date) -> list[Stretch]:
    """Days from the end of a record that stops before today up to today: status unknown,
    drawn as the projection (what-if)."""
    if since > today:
        return stretches

    def change(s: Stretch) -> Stretch:
        return s._replace(
            status="status_unknown",
            why=f"Nothing is recorded from {since}: the client's status is unknown (possible "
            "overstayer). Drawn as if permission continued (a what-if)",
        )

    applies = lambda s: s.assumed and s.status not in ("abroad", "planned", "custody")  # noqa: E731
    return _split(stretches, since, today, applies, change)


def days_outside_in_12_months_ending(history: History, first: date, last: date) -> list[int]:
    """For each day D from `first` to `last`, the whole days outside the UK in the 12 months
    ending on D (D included): the rolling chart's line. One pass with two pointers."""
    _trips, absent = trips_and_days(with_entry_waits(history)[0].absences)
    days = absent.days
    out: list[int] = []
    lo_i = hi_i = 0
    n = len(days)
    day = first
    one = ONE_DAY
    while day <= last:
        end = day.toordinal()
        start = (sub_years(day, 1) + one).toordinal()
        while hi_i < n and days[hi_i] <= end:
            hi_i += 1
        while lo_i < n and days[lo_i] < start:
            lo_i += 1
        out.append(max(0, hi_i - lo_i))
        day += one
    return out


__all__ = [
    "NEW_STATUSES",
    "STATUSES",
    "days_outside_in_12_months_ending",
    "DayTimeline",
    "Stretch",
    "day_timeline",
]
