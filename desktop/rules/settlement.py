"""The settlement engine shared by every route with a qualifying period.

How a route is assessed (each step cites its paragraph in the output):

1. `timeline.build_cover` finds lawful presence: permissions, section 3C leave after in-time
   applications (while an appeal could be brought or is pending, s3C(2)), 34G(4) fee-waiver
   dates, the 1-31 August 2020 concession (CR 2.1(d)) and forgiven late applications
   (paragraph 39E(1)-(2), LR 11.2(b)-(c)).
2. `timeline.route_pieces` marks each stretch as counting, not counting but not breaking
   (custody on the DL route, forgiven gaps), or breaking (gaps, categories that do not count,
   custody on continuous-residence routes). After the end of the record the same permission is
   assumed to continue: a record that stops is not a gap (it is listed under `missing`).
3. The chain start is the first counting day after the last break before the application date.
   The route's absence limits (`absences.py`, chosen by the route module) may restart it later,
   at the return from the trip that broke the limit. Every restart is a reason with its cause.
4. The qualifying period runs from that start and is complete on the anniversary plus every
   uncounted day (`complete_on`); the route's lead time (28 days, last month of permission...)
   gives the first application date. Breaches are what falls inside the period counted back from
   the application date (`counted_back_from`); anything earlier is a note.
5. The earliest application date is the least fixed point of that calculation, with planned
   trips included.

`SettlementAssessment.run` takes these as named steps, each citing its paragraph:
`_record_gaps` (2, issue 16), `_qualifying_period` (3-4), `_breaches` and `_absences` (4),
`_eligibility` and `_earliest_from_application_date` (4-5), then the reasons
(`_verdict_reasons`, `_period_reasons`, `_trip_reasons`, `_route_reasons`) and `_record_stops`
(issue 16).

Day positions are ordinals (`date.toordinal()`); the names say which day each one is.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.rules import wording
from desktop.rules.absences import BlockLimit
from desktop.rules.days import (
    AbsenceDays,
    Trip,
    Window,
    add_months,
    max_in_any_12_months,
    sub_months,
    trips_and_days,
)
from desktop.rules.deadlines import (
    Deadline,
    application_deadlines,
    fee_waiver_deadline,
    last_month_window_opens,
    with_status,
)
from desktop.rules.figures import Figures
from desktop.rules.history import ROUTES, History
from desktop.rules.routes.spec import RouteSpec
from desktop.rules.timeline import (
    INF,
    CoverResult,
    Piece,
    build_cover,
    d,
    label,
    permission_met_on,
    record_deadlines,
    route_pieces,
)
from desktop.rules.verdict import Assessment, Breach, Reason, Uncounted, WhatIf


class _DaysOutside:
    """`day in days_outside`: whether the person was outside the UK that whole day."""

    __slots__ = ("absent",)

    def __init__(self, absent: AbsenceDays):
        self.absent = absent

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.absent.is_absent(day.toordinal())


@dataclass
class _Period:
    """The qualifying period for the application date, as `run` works it out (ordinals)."""

    i: int | None  # the piece the application date falls in
    lawful: bool
    chain_start: int | None
    lower: int | None  # the lowest start the earliest date is looked for from
    earliest: int | None
    months: int
    period_rule: str
    period_start: int | None
    complete: int | None
    restart: int | None
    counted_back: int


@dataclass(frozen=True)
class _Absences:
    """Days outside over the qualifying period (from `span_lo` to the application date)."""

    span_lo: int
    total: int
    planned: int
    window: Window


class SettlementAssessment:
    """One route, one history, one application date. `run()` gives the Assessment."""

    def __init__(
        self,
        history: History,
        spec: RouteSpec,
        on: date,
        figures: Figures,
        bank_holidays: Container[date],
        today: date,
    ):
        self.history = history
        self.spec = spec
        self.on = on
        self.apply_day = on.toordinal()
        self.figures = figures
        self.bank_holidays = bank_holidays
        self.today = today
        self.rules_on = today
        self.notes: list[str] = []
        self.missing: list[str] = []
        self.disregarded: list[Trip] = []

        self.cover: CoverResult = build_cover(history, figures, bank_holidays, today)
        self.missing.extend(self.cover.missing)
        self.notes.extend(self.cover.notes)
        self.pieces: list[Piece] = route_pieces(
            self.cover,
            counting=spec.counting,
            not_counting_rule=spec.not_counting_rule,
            gap_rule_forgiven=spec.forgiven_rule,
            forgive_late=spec.forgive_late,
            custody=spec.custody,
            custody_rule=spec.custody_rule,
            history=history,
            cite=figures.cite,
        )
        self.piece_starts = [p.start for p in self.pieces]
        # chain_starts[i]: first counting day of the unbroken chain piece i belongs to.
        self.chain_starts: list[int | None] = []
        chain: int | None = None
        for p in self.pieces:
            if p.kind == "break":
                chain = None
            elif p.kind == "count" and chain is None:
                chain = p.start
            self.chain_starts.append(chain)
        self.uncounted_spans = [(p.start, p.end) for p in self.pieces if p.kind == "uncounted"]
        self.uncounted_starts = [s for s, _ in self.uncounted_spans]

        self.trips, self.all_absent = trips_and_days(history.absences)
        self.exceptional = [t for t in self.trips if history.absences[t.index].exceptional]
        judged = [t for t in self.trips if not history.absences[t.index].exceptional]
        self.limits = spec.absence_limits(self, judged)
        self.blocks = next((lim for lim in self.limits if isinstance(lim, BlockLimit)), None)
        self._months_cache: dict[int, tuple[int, str]] = {}

    # ---- small helpers the route modules use ---------------------------------------------------

    def absent_for(self, trips: list[Trip]) -> AbsenceDays:
        """Days outside for a subset of the trips, reusing the full set when it is all of them."""
        if len(trips) == len(self.trips):
            return self.all_absent
        return self.all_absent.subset({t.index for t in trips})

    @staticmethod
    def day(ordinal: int) -> date:
        return date.fromordinal(ordinal)

    def piece_index(self, day: int) -> int | None:
        i = bisect_right(self.piece_starts, day) - 1
        if i < 0 or self.pieces[i].end < day:
            return None
        return i

    def uncounted_between(self, first: int, last: int) -> int:
        """Uncounted days in [first, last]."""
        if last < first or not self.uncounted_spans:
            return 0
        total = 0
        i = max(0, bisect_right(self.uncounted_starts, first) - 1)
        while i < len(self.uncounted_spans):
            s, e = self.uncounted_spans[i]
            if s > last:
                break
            lo, hi = max(s, first), min(e, last)
            if lo <= hi:
                total += hi - lo + 1
            i += 1
        return total

    def months_for(self, period_start: int) -> tuple[int, str]:
        """The route's qualifying period (months, rule) for a period starting on that day."""
        if self.spec.qualifying_months is not None:
            cached = self._months_cache.get(period_start)
            if cached is None:
                cached = self.spec.qualifying_months(self, period_start)
                self._months_cache[period_start] = cached
            return cached
        e = self.figures.entry(self.spec.months_key, self.rules_on)
        return e.value, e.rule or self.spec.period_rule

    def complete_day(self, period_start: int, months: int) -> int:
        """The day the period starting then is complete: the anniversary plus uncounted days."""
        base = add_months(d(period_start), months).toordinal()
        complete = base
        for _ in range(50):
            nxt = base + self.uncounted_between(period_start, complete - 1)
            if nxt == complete:
                break
            complete = nxt
        return complete

    def latest_start(self, chain_start: int, apply_day: int, months: int) -> int | None:
        """Latest start in [chain_start, apply_day] whose period is complete by apply_day."""
        if self.complete_day(chain_start, months) > apply_day:
            return None
        lo, hi = chain_start, apply_day
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.complete_day(mid, months) <= apply_day:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def counted_back_start(self, apply_day: int, months: int) -> int:
        """First day of the period counted back from the application date, uncounted days
        included (the part of the history breaches are looked for in)."""
        back = sub_months(d(apply_day), months).toordinal()
        if not self.uncounted_spans:
            return back
        start = back
        for _ in range(50):
            nxt = back - self.uncounted_between(start, apply_day)
            if nxt == start:
                break
            start = nxt
        return start

    def restart_day(self, apply_day: int, chain_start: int, months: int | None = None) -> int:
        """Latest restart any absence limit forces on a chain starting then."""
        if months is None:
            months = self.months_for(chain_start)[0]
        period_lo = self.counted_back_start(apply_day, months) if self.blocks else None
        restart = chain_start
        for lim in self.limits:
            r = lim.restart(apply_day, chain_start, period_lo)
            if r is not None and r > restart:
                restart = r
        return restart

    def restart_cause(
        self, apply_day: int, chain_start: int, restart: int, months: int
    ) -> Breach | None:
        period_lo = self.counted_back_start(apply_day, months)
        for lim in self.limits:
            if lim.restart(apply_day, chain_start, period_lo) == restart:
                cause = lim.explain_restart(apply_day, chain_start, period_lo)
                if cause is not None:
                    return cause
        return None

    # ---- application windows --------------------------------------------------------------------

    def expiry_on(self, day: int) -> int | None:
        """Last day of the permission that holds on `day` (None: indefinite; the day itself
        where nothing is recorded or the permission is assumed to continue)."""
        i = self.piece_index(day)
        if i is None:
            return day
        p = self.pieces[i]
        if p.assumed:
            return day
        return p.expiry

    def window_opens(self, complete: int, apply_day: int) -> int:
        """First day an application can be made, for a period complete on `complete` and an
        application on `apply_day` (the permission then held sets the expiry-based windows)."""
        spec = self.spec
        if spec.lead == "before_completion":
            return complete - self.figures.int_(spec.lead_key, self.rules_on)
        held_on = max(complete - 1, apply_day)
        expiry = self.expiry_on(held_on)
        base = max(expiry if expiry is not None else held_on, complete - 1)
        if spec.lead == "before_expiry":
            return base - self.figures.int_(spec.lead_key, self.rules_on)
        months = self.figures.int_(spec.lead_key, self.rules_on)
        return last_month_window_opens(d(base), months).toordinal()

    def current_route_start(self, day: int) -> tuple[int, int | None] | None:
        """LR 11.3: (start of the run on the current route, grant date of current permission)."""
        i = self.piece_index(day)
        if i is None:
            return None
        category = self.pieces[i].category
        granted = self.pieces[i].granted
        j = i
        while (
            j > 0 and self.pieces[j - 1].category == category and self.pieces[j - 1].kind != "break"
        ):
            j -= 1
            if granted is None:
                granted = self.pieces[j].granted
        return self.pieces[j].start, granted

    def application_floor(self, day: int) -> tuple[int, Reason | None]:
        if self.spec.application_floor is None:
            return day, None
        return self.spec.application_floor(self, day)

    def abroad_until(self, day: int) -> int | None:
        if self.spec.in_country and self.all_absent.is_absent(day):
            i = bisect_left(self.all_absent.days, day)
            return self.all_absent.returned[i]
        return None

    # ---- earliest date --------------------------------------------------------------------------

    def earliest(self, candidate: int) -> int | None:
        """Least application date >= candidate on which the period and absences pass.

        The fixed point of "start -> completion -> first application date" is exact while the
        limits only get stricter as the date moves on (CR 3.1, CR 3.3). CR 3.2 blocks move with
        the application date, so a block can split a trip on a later date and pass where an
        earlier date failed; when a block moved the answer we also try the dates before it,
        jumping by what the worst block needs.
        """
        block_jump_from: int | None = None
        found: int | None = None
        for _ in range(500):
            i = self.piece_index(candidate)
            if i is None:
                break
            chain_start = self.chain_starts[i]
            if self.pieces[i].kind == "break" or chain_start is None:
                nxt = next((p.start for p in self.pieces[i + 1 :] if p.kind == "count"), None)
                if nxt is None:
                    break
                candidate = nxt
                continue
            months = self.months_for(chain_start)[0]
            restart = self.restart_day(candidate, chain_start, months)
            if self.blocks is not None and block_jump_from is None:
                b = self.blocks.restart(
                    candidate, chain_start, self.counted_back_start(candidate, months)
                )
                if b is not None and b >= restart:
                    block_jump_from = candidate
            if restart > candidate:
                candidate = restart
                continue
            first = self.first_date_for_start(restart, candidate)
            if first <= candidate:
                found = candidate
                break
            candidate = first
        if found is not None and block_jump_from is not None and block_jump_from < found:
            day = block_jump_from
            while day < found:
                ok, step = self.passes(day)
                if ok:
                    return day
                day += step
        return found

    def first_date_for_start(self, restart: int, candidate: int) -> int:
        months, _ = self.months_for(restart)
        first = self.window_opens(self.complete_day(restart, months), candidate)
        first, _why = self.application_floor(max(first, candidate))
        back = self.abroad_until(first)
        return back if back is not None else first

    def passes(self, day: int) -> tuple[bool, int]:
        """The eligibility test used when scanning for CR 3.2 dates, and a safe step to the
        next date that could pass.

        The step is more than a day only where the answer cannot change sooner: a restart set
        by a monotone limit (CR 3.1, CR 3.3) or by no limit stays as late; one set by a CR 3.2
        block stays at least as late while that block is still over the limit; and the period
        from a restart is not complete before it is complete.
        """
        i = self.piece_index(day)
        if i is None or self.pieces[i].kind == "break" or self.chain_starts[i] is None:
            return False, 1
        chain_start = self.chain_starts[i]
        assert chain_start is not None
        months = self.months_for(chain_start)[0]
        period_lo = self.counted_back_start(day, months)
        restart = chain_start
        for lim in self.limits:
            if lim is self.blocks:
                continue
            r = lim.restart(day, chain_start, period_lo)
            if r is not None and r > restart:
                restart = r
        slack: int | None = None  # None: the restart is monotone in the application date
        if self.blocks is not None:
            block_restart, block_slack = self.blocks.restart_and_slack(day, chain_start, period_lo)
            if block_restart is not None and block_restart > restart:
                restart, slack = block_restart, block_slack
        if restart > day:
            step = restart - day if slack is None else slack - 2
            return False, max(1, step)
        if self.first_date_for_start(restart, day) <= day:
            return True, 1
        if self.spec.lead != "before_completion":
            return False, 1
        opens = self.window_opens(self.complete_day(restart, self.months_for(restart)[0]), day)
        step = opens - day if slack is None else min(slack - 2, opens - day)
        return False, max(1, step)

    # ---- the verdict ----------------------------------------------------------------------------

    def _lower_bound(self, i: int | None, chain_start: int | None) -> int | None:
        """Where the earliest-date search starts: the chain holding the application date, or
        the next one that starts after it."""
        if chain_start is not None:
            return chain_start
        apply_day = self.apply_day
        lower = next(
            (p.start for p in self.pieces if p.start > apply_day and p.kind == "count"), None
        )
        if lower is None and i is not None:
            lower = next((p.start for p in self.pieces[i + 1 :] if p.kind == "count"), None)
        return lower

    def deadlines_only(self) -> tuple[Deadline, ...]:
        """The deadlines `run()` would give, without the verdict's reasons, absences and notes
        (the deadlines board asks this of every client)."""
        apply_day = self.apply_day
        i = self.piece_index(apply_day)
        lawful = i is not None and self.pieces[i].kind != "break"
        chain_start = self.chain_starts[i] if (i is not None and lawful) else None
        lower = self._lower_bound(i, chain_start)
        tail = self.cover.tail
        if tail is not None and tail.projected:
            # The record stops before today: a date from the projection is the what-if's,
            # never a deadline (see `_deadlines`), so it is not worked out here.
            lower = None
        earliest = self.earliest(lower) if lower is not None else None
        complete = None
        if chain_start is not None:
            restart = self.restart_day(apply_day, chain_start)
            complete = self.complete_day(restart, self.months_for(restart)[0])
        if earliest is not None and earliest < apply_day:
            # As run(): not eligible on the application date, so the useful answer is the
            # first date from then on.
            eligible = (
                complete is not None
                and self.window_opens(complete, apply_day) <= apply_day
                and self.application_floor(apply_day)[0] <= apply_day
                and self.abroad_until(apply_day) is None
            )
            if not eligible:
                earliest = self.earliest(max(apply_day, lower or apply_day))
        return tuple(self._deadlines(complete, earliest))

    def run(self) -> Assessment:
        """The verdict for the application date: the steps of the module docstring, in order."""
        since, ends = self._record_gaps()
        per = self._qualifying_period()
        breaches, earlier = self._breaches(per)
        uncounted = [
            Uncounted(d(p.start), d(min(p.end, self.apply_day)), p.rule, p.why)
            for p in self.pieces
            if p.kind == "uncounted" and p.start <= self.apply_day and p.end >= per.counted_back
        ]
        absences = self._absences(per)
        eligible, why_not = self._eligibility(per)
        could_have = self._earliest_from_application_date(per, eligible)

        reasons = self._verdict_reasons(per, eligible, why_not, could_have)
        reasons.extend(self._period_reasons(per, breaches, earlier, uncounted, absences))
        reasons.extend(self._trip_reasons())
        risks = self._risks(per)
        reasons.extend(wording.risk(rk) for rk in risks)
        reasons.extend(self._route_reasons(per))
        self._fee_note()
        eligible, what_if, complete_out, earliest_out = self._record_stops(
            per, eligible, reasons, since, ends
        )

        tail = self.cover.tail
        return Assessment(
            route=self.spec.code,
            application_date=self.on,
            qualifying_from=d(per.period_start) if per.period_start is not None else None,
            complete_on=d(complete_out) if complete_out is not None else None,
            earliest_application_date=d(earliest_out) if earliest_out is not None else None,
            continuity_broken=bool(breaches),
            absence_days_total=absences.total,
            max_window=absences.window,
            breaches=tuple(breaches),
            uncounted_periods=tuple(uncounted),
            eligible=eligible,
            reasons=tuple(reasons),
            deadlines=tuple(self._deadlines(per.complete, per.earliest)),
            rules_in_force=self.rules_on,
            notes=tuple(dict.fromkeys(self.notes)),
            missing=tuple(dict.fromkeys(self.missing)),
            risks=tuple(risks),
            counted_back_from=d(per.counted_back),
            record_ends=d(ends) if ends is not None else None,
            status_unknown_since=d(since) if since is not None else None,
            if_permission_continued=what_if,
            without_permission_since=(
                d(tail.start)
                if tail is not None and not tail.projected and tail.start <= self.today.toordinal()
                else None
            ),
            absence_days_planned=absences.planned,
        )

    # ---- the steps of `run` ----------------------------------------------------------------------

    def _record_gaps(self) -> tuple[int | None, int | None]:
        """Step 2 (issue 16): what the record does not show goes under `missing` - no
        permission at all, or a record that stops before today. Gives (since, ends): the first
        day of unknown status and the record's last day (None, None: it runs on)."""
        if not self.history.permissions:
            self.missing.append(
                "permissions: no permission is recorded, so there is nothing to count"
            )
        tail = self.cover.tail
        since = tail.start if tail is not None and tail.projected else None
        ends = since - 1 if since is not None else None
        if ends is not None:
            self.missing.append(wording.record_ends(d(ends), self.today))
        return since, ends

    def _qualifying_period(self) -> _Period:
        """Steps 3-4: the chain start (the first counting day after the last break), restarted
        by the route's absence limits; the route's length (`months_for`, the period rule such as
        CR 3.1 or LR 11.1) and the day the period is complete; the period counted back from the
        application date; and the earliest date from the lowest possible start (step 5)."""
        apply_day = self.apply_day
        i = self.piece_index(apply_day)
        lawful = i is not None and self.pieces[i].kind != "break"
        chain_start = self.chain_starts[i] if (i is not None and lawful) else None
        lower = self._lower_bound(i, chain_start)
        earliest = self.earliest(lower) if lower is not None else None
        period_start = complete = restart = None
        if chain_start is not None:
            months, period_rule = self.months_for(chain_start)
            restart = self.restart_day(apply_day, chain_start, months)
            months, period_rule = self.months_for(restart)
            period_start = restart
            complete = self.complete_day(period_start, months)
        else:
            months, period_rule = self.months_for(lower if lower is not None else apply_day)
        # The period counted back from the application date: from the latest start whose
        # period is complete by then, or (not complete) the route's length back from it.
        counted_back = self.counted_back_start(apply_day, months)
        if period_start is not None and complete is not None:
            if complete <= apply_day:
                counted_back = self.latest_start(period_start, apply_day, months) or counted_back
            elif self.window_opens(complete, apply_day) <= apply_day:
                counted_back = period_start  # applying in the lead time before completion
        return _Period(
            i, lawful, chain_start, lower, earliest, months, period_rule, period_start,
            complete, restart, counted_back,
        )  # fmt: skip

    def _breaches(self, per: _Period) -> tuple[list[Breach], list[Breach]]:
        """Step 4: gaps and non-counting stretches (the route's rule, e.g. CR 2.1), leave that
        lapsed on travel (LTERO 2000 art. 13; DL policy: duration of grants) and the route's
        absence limits, inside the period counted back from the application date. Gives
        (breaches, earlier): breaches before that period, after some counted time, are notes."""
        apply_day, counted_back = self.apply_day, per.counted_back
        breaches: list[Breach] = []
        earlier: list[Breach] = []
        seen_count = False
        for p in self.pieces:
            if p.start > apply_day:
                break
            if p.kind == "count":
                seen_count = True
            if p.kind == "break" and seen_count:
                end = min(p.end, apply_day)
                b = Breach(p.rule, d(p.start), d(end), end - p.start + 1, p.why)
                (breaches if end >= counted_back else earlier).append(b)
        for lapse in self.cover.lapses:
            perm = self.history.permissions[lapse.perm_index]
            if lapse.left > apply_day:
                continue
            absence = self.history.absences[lapse.absence_index]
            rule = (
                "DL policy: duration of grants"
                if perm.category == "discretionary_leave"
                else "LTERO 2000 art. 13"
            )
            lapse_end = perm.end or d(lapse.left)
            b = Breach(
                rule,
                d(lapse.left),
                lapse_end,
                max(0, (absence.returned - absence.left).days - 1),
                f"{label(perm.category)} granted for "
                f"{self.figures.int_('leave.lapse_if_granted_months_or_less', self.rules_on)} "
                f"months or less lapses when the holder leaves the UK: the trip of "
                f"{d(lapse.left)} (absences[{lapse.absence_index}]) ended that permission",
            )
            (breaches if lapse_end.toordinal() >= counted_back else earlier).append(b)
        for lim in self.limits:
            breaches.extend(lim.breaches(counted_back, apply_day))
        breaches.sort(key=lambda b: (b.start, b.rule))
        return breaches, earlier

    def _absences(self, per: _Period) -> _Absences:
        """Whole days outside the UK (the route's absence rules, e.g. CR 3.1) over the
        qualifying period, or the period counted back when there is none: in all, on planned
        trips, and the worst 12 months."""
        span_lo = per.period_start if per.period_start is not None else per.counted_back
        total = self.all_absent.count(span_lo, self.apply_day)
        planned_trips = [t for t in self.trips if self.history.absences[t.index].planned]
        planned = (
            self.absent_for(planned_trips).count(span_lo, self.apply_day) if planned_trips else 0
        )
        window = max_in_any_12_months(self.trips, d(span_lo), self.on, absent=self.all_absent)
        return _Absences(span_lo, total, planned, window)

    def _eligibility(self, per: _Period) -> tuple[bool, list[Reason]]:
        """Step 4: eligible on the application date when it is lawful presence, the period is
        complete and its lead time open (the route's period rule; before expiry for routes that
        apply up to 28 days before), the route's application floor is passed and the person
        is in the UK. Gives (eligible, why not)."""
        spec, apply_day, on = self.spec, self.apply_day, self.on
        ok = per.lawful and per.chain_start is not None and per.complete is not None
        why_not: list[Reason] = []
        if not per.lawful:
            if per.i is None:
                why_not.append(wording.nothing_recorded_on(on))
            else:
                p = self.pieces[per.i]
                why_not.append(wording.not_lawful_on(on, p.why, p.rule))
        if ok:
            complete, period_start = per.complete, per.period_start
            assert complete is not None and period_start is not None
            opens = self.window_opens(complete, apply_day)
            if opens > apply_day:
                ok = False
                expiry = self.expiry_on(apply_day)
                if (
                    spec.lead == "before_expiry"
                    and complete <= apply_day
                    and expiry is not None
                    and expiry >= apply_day
                ):
                    why_not.append(
                        wording.qualifies_but_wait(
                            per.months,
                            d(period_start),
                            d(complete),
                            d(opens),
                            d(expiry),
                            self.figures.int_(spec.lead_key, self.rules_on),
                            per.period_rule,
                        )
                    )
                else:
                    why_not.append(
                        wording.period_not_complete(
                            per.months, d(period_start), d(complete), d(opens), per.period_rule
                        )
                    )
            floor, floor_reason = self.application_floor(apply_day)
            if floor > apply_day:
                ok = False
                if floor_reason is not None:
                    why_not.append(floor_reason)
            back = self.abroad_until(apply_day)
            if back is not None:
                ok = False
                why_not.append(wording.abroad_on(on, d(back)))
        return bool(ok), why_not

    def _earliest_from_application_date(self, per: _Period, eligible: bool) -> int | None:
        """Step 5: not eligible on the application date but eligible once before (LR 11.3, a
        planned trip, a lapse...): the useful answer is the first date from the application
        date on (it replaces `per.earliest`). Gives the earlier date it could have been made."""
        if eligible or per.earliest is None or per.earliest >= self.apply_day:
            return None
        could_have = per.earliest
        per.earliest = self.earliest(max(self.apply_day, per.lower or self.apply_day))
        return could_have

    def _verdict_reasons(
        self, per: _Period, eligible: bool, why_not: list[Reason], could_have: int | None
    ) -> list[Reason]:
        """The headline under the period rule (eligible from the qualifying period, or not and
        the earliest date with why not), and an earlier date it could have been made."""
        route_label, on, earliest = ROUTES[self.spec.code], self.on, per.earliest
        reasons: list[Reason] = []
        if eligible:
            assert per.period_start is not None and per.complete is not None
            reasons.append(
                wording.eligible(
                    route_label,
                    on,
                    per.months,
                    d(per.period_start),
                    d(per.complete),
                    per.period_rule,
                )  # fmt: skip
            )
        else:
            reasons.append(
                wording.not_eligible(route_label, on, d(earliest) if earliest is not None else None)
            )
            reasons.extend(why_not)
        if earliest is not None and eligible and earliest < self.apply_day:
            reasons.append(wording.could_have(d(earliest), on, still=True))
        if could_have is not None:
            reasons.append(wording.could_have(d(could_have), on, still=False))
        return reasons

    def _period_reasons(
        self,
        per: _Period,
        breaches: list[Breach],
        earlier: list[Breach],
        uncounted: list[Uncounted],
        absences: _Absences,
    ) -> list[Reason]:
        """What happened inside the period, each with its paragraph: breaches, restarts (step
        3), stretches not counted, the COVID-19 concession (CR 2.1(d)), the days outside and each
        absence limit's summary (or the worst 12 months on a route with none). Breaches before
        the period go to the notes."""
        apply_day, span_lo = self.apply_day, absences.span_lo
        reasons = [wording.breach(b) for b in breaches]
        reasons.extend(
            self._restart_reasons(apply_day, per.chain_start, per.restart, per.months, breaches)
        )
        for b in earlier:
            self.notes.append(wording.before_period(b, d(per.counted_back), self.on))
        for u in uncounted:
            reasons.append(wording.uncounted(u.rule, u.why, u.start, u.end))
        for p in self.pieces:
            if p.source == "covid" and p.start <= apply_day and p.end >= per.counted_back:
                reasons.append(wording.counted_concession(p.rule, p.why, d(p.start), d(p.end)))
        reasons.append(
            wording.absences_total(absences.total, d(span_lo), self.on, absences.planned)
        )
        if self.limits:
            # One line per limit that has absences to judge (the first one when none has, so
            # the limit is stated even for a person who never left).
            judged = [lim for lim in self.limits if lim.absent.count(span_lo, apply_day)]
            reasons.extend(lim.summary(span_lo, apply_day) for lim in judged or self.limits[:1])
        else:
            w = absences.window
            reasons.append(wording.no_absence_limit(w.days, w.start, w.end))
        return reasons

    def _trip_reasons(self) -> list[Reason]:
        """Trips judged apart: exceptional absences (CR 3.4), absences disregarded before the
        cut-off (HC 1118, family10.disregard_absences_before) and travel while an application
        was pending under section 3C."""
        reasons: list[Reason] = []
        for t in self.exceptional:
            a = self.history.absences[t.index]
            reasons.append(wording.exceptional(t.index, a.left, a.returned, "CR 3.4"))
        if self.disregarded:
            cutoff = self.figures.entry("family10.disregard_absences_before", self.rules_on)
            for t in self.disregarded:
                a = self.history.absences[t.index]
                reasons.append(
                    wording.disregarded(
                        t.index, a.left, a.returned, cutoff.value, cutoff.rule or "HC 1118"
                    )
                )
        for ai, _pi in self.cover.three_c_travel:
            reasons.append(wording.travel_while_pending(ai, self.history.absences[ai].left))
        return reasons

    def _risks(self, per: _Period) -> list[Breach]:
        """The route's own risks over the period (the route module's `risks`, e.g. LR 11.3)."""
        if self.spec.risks is None:
            return []
        start = per.period_start if per.period_start is not None else per.counted_back
        return self.spec.risks(self, start, self.apply_day)

    def _route_reasons(self, per: _Period) -> list[Reason]:
        """Step 2's assumption (the same permission continuing after the record) when a date
        rests on it, the route module's own reasons, and what the check covers."""
        reasons: list[Reason] = []
        assumed = next((p for p in self.pieces if p.assumed), None)
        if assumed is not None and (
            (per.complete is not None and per.complete > assumed.start)
            or (per.earliest is not None and per.earliest >= assumed.start)
            or self.apply_day >= assumed.start
        ):
            reasons.append(wording.assumed_from(d(assumed.start), label(assumed.category)))
        if self.spec.route_reasons is not None:
            reasons.extend(self.spec.route_reasons(self))
        reasons.append(wording.scope())
        return reasons

    def _record_stops(
        self,
        per: _Period,
        eligible: bool,
        reasons: list[Reason],
        since: int | None,
        ends: int | None,
    ) -> tuple[bool, WhatIf | None, int | None, int | None]:
        """Issue 16: a record that stops before today. The projection is a what-if: a verdict
        resting on it is never a plain "eligible", and its dates are not the client's own. Time
        shown without permission is said second (s3C; the record's own rule). Edits `reasons`;
        gives (eligible, what_if, complete, earliest) as the Assessment states them."""
        apply_day, earliest, complete = self.apply_day, per.earliest, per.complete
        route_label = ROUTES[self.spec.code]
        what_if: WhatIf | None = None
        complete_out, earliest_out = complete, earliest
        if since is not None and ends is not None:
            relies = (eligible and apply_day >= since) or (
                not eligible and earliest is not None and earliest >= since
            )
            reasons.insert(1, wording.status_unknown(d(ends), d(since)))
            if relies:
                what_if = WhatIf(
                    eligible,
                    d(earliest) if earliest is not None else None,
                    d(per.period_start) if per.period_start is not None else None,
                    d(complete) if complete is not None else None,
                    d(since),
                )
                if eligible:
                    assert complete is not None
                    reasons[0] = wording.eligible_only_if_continued(
                        route_label, self.on, d(ends), d(complete)
                    )
                else:
                    reasons[0] = wording.not_eligible_unless_continued(
                        route_label, self.on, d(ends), d(earliest) if earliest is not None else None
                    )
                eligible = False
                if earliest is not None and earliest >= since:
                    earliest_out = None  # a date resting on the assumption: the what-if's
                if complete is not None and complete >= since:
                    complete_out = None
        tail = self.cover.tail
        if (
            tail is not None
            and not tail.projected
            and tail.start <= max(apply_day, self.today.toordinal())
        ):
            reasons.insert(1, wording.without_permission(d(tail.start), tail.why, tail.rule))
        return eligible, what_if, complete_out, earliest_out

    def _restart_reasons(
        self,
        apply_day: int,
        chain_start: int | None,
        restart: int | None,
        months: int,
        breaches: list[Breach],
    ) -> list[Reason]:
        """Name every restart of the qualifying period: a break before the chain started, and
        an absence limit that moved the start to a return date."""
        out: list[Reason] = []
        if chain_start is None:
            return out
        i = self.piece_index(chain_start)
        before = self.pieces[:i] if i is not None else []
        last_break = next((p for p in reversed(before) if p.kind == "break"), None)
        seen_count = any(p.kind == "count" for p in before)
        if last_break is not None and seen_count:
            end = min(last_break.end, apply_day)
            cause = Breach(
                last_break.rule,
                d(last_break.start),
                d(end),
                end - last_break.start + 1,
                last_break.why,
            )
            out.append(wording.restart(d(chain_start), cause, listed=cause in breaches))
        if restart is not None and restart > chain_start:
            cause = self.restart_cause(apply_day, chain_start, restart, months)
            if cause is None:
                cause = Breach(
                    "absences",
                    d(chain_start),
                    d(restart),
                    0,
                    "the absences above took the count over the limit",
                )
            out.append(wording.restart(d(restart), cause, listed=cause in breaches))
        return out

    def _fee_note(self) -> None:
        try:
            fee = self.figures.entry(self.spec.fee_key, self.on, strict=True)
        except ValueError:
            return
        self.notes.append(
            wording.fee_note(fee.value, self.on, fee.effective_from, fee.source, fee.verified)
        )
        if self.spec.no_fee_waiver:
            self.notes.append(wording.no_fee_waiver_note())

    def _fee_waiver_followup_missed(self, app) -> bool:  # noqa: ANN001 - an Application
        """34G(4): the full application did not follow the fee-waiver decision within its
        working days, and today is past them."""
        if app.fee_waiver_decided is None:
            return False
        due = fee_waiver_deadline(app.fee_waiver_decided, self.figures, self.bank_holidays)
        return due.last_day < self.today

    def _deadlines(self, complete: int | None, earliest: int | None) -> list[Deadline]:
        today = self.today
        t = today.toordinal()
        out = application_deadlines(
            self.history, self.figures, self.bank_holidays, today, _DaysOutside(self.all_absent)
        )
        tail = self.cover.tail
        unknown = tail is not None and tail.projected
        # Each limited permission: apply before it ends to keep it (section 3C). Met when an
        # application made during it kept it (undecided when it ended, or granted), or the
        # next grant followed on.
        for ci, c in enumerate(self.cover.covers):
            if c.source != "permission" or c.expiry is None or c.end != c.expiry:
                continue
            met = permission_met_on(self.history, c, self._fee_waiver_followup_missed)
            out.append(
                Deadline(
                    d(c.expiry),
                    f"Permission ends ({label(c.category)}, permissions[{c.perm_index}]). Apply "
                    "before the end of this day to keep your permission while the application "
                    "is decided",
                    "s3C Immigration Act 1971",
                    kind="apply_before_expiry",
                    met_on=met,
                    done_on=met,
                    record=f"permissions[{c.perm_index}]",
                    facts=(("category", c.category),),
                )
            )
            if (
                self.spec.lead in ("before_expiry", "last_month")
                and complete is not None
                and c.start <= t <= c.end
                and ci == len(self.cover.covers) - 1
            ):
                opens = self.window_opens(complete, t)
                if opens >= t:
                    lead = self.figures.int_(self.spec.lead_key, self.rules_on)
                    what = (
                        f"Window opens to apply for settlement ({lead} days before permission ends)"
                        if self.spec.lead == "before_expiry"
                        else "Last month of permission starts: apply for settlement from today"
                    )
                    out.append(
                        Deadline(
                            d(opens),
                            what,
                            self.spec.period_rule,
                            kind="settlement_window",
                            record=f"permissions[{c.perm_index}]",
                            event_date=d(c.expiry),
                            facts=(("route", self.spec.code), ("lead", self.spec.lead)),
                        )
                    )
        for c in self.cover.covers:
            if c.source != "3C" or not c.after_refusal or c.end >= INF or c.revived:
                continue
            record = f"applications[{c.application}]" if c.application is not None else None
            out.append(
                Deadline(
                    d(c.end),
                    "Section 3C leave after the refusal ends, unless an appeal or administrative "
                    "review is lodged in time",
                    "s3C(2)(b)-(d) Immigration Act 1971",
                    kind="section_3c_ends",
                    starts=d(c.start),
                    record=record,
                )
            )
            grace = self.figures.entry("late.after_refusal_grace_days", d(c.end))
            last = d(c.end) + timedelta(days=grace.value)
            made = next(
                (
                    a.made
                    for a in self.history.applications
                    if a.made is not None and d(c.end) < a.made <= last
                ),
                None,
            )
            out.append(
                Deadline(
                    last,
                    "Last day for a further application that is forgiven without a reason if "
                    "no appeal or review is brought",
                    self.figures.cite(grace.rule or "paragraph 39E(2)", last),
                    kind="late_application_window",
                    met_on=made,
                    done_on=made,
                    starts=d(c.end + 1),
                    event_date=d(c.end),
                    record=record,
                    days=grace.value,
                    facts=(("good_reason_needed", False),),
                )
            )
        out.extend(record_deadlines(self.cover, self.history, self.figures, today))
        if earliest is not None and earliest >= t and not unknown:
            # With the record stopping before today, a future date rests on the assumption
            # that permission continued: it is the what-if's, not a deadline of the client's.
            out.append(
                Deadline(
                    d(earliest),
                    f"Earliest date to apply: {ROUTES[self.spec.code]}",
                    self.spec.period_rule,
                    kind="earliest_application",
                    facts=(("route", self.spec.code),),
                )
            )
        if self.spec.route_deadlines is not None:
            out.extend(self.spec.route_deadlines(self.history, self.figures, self.rules_on))
        return with_status(out, today)
