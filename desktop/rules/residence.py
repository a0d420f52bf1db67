"""Per-route assessment: "Can they apply on route R on date D? If not, when? What breaks it?"

`assess()` is the one entry point (pure: figures, bank holidays and `today` are passed in).

How a settlement route is assessed (each step cites its paragraph in the output):

1. `timeline.build_cover` finds lawful presence: permissions, section 3C leave after in-time
   applications (and 34G(4) fee-waiver dates), the 1-31 August 2020 concession (CR 2.1(d)) and
   forgiven late applications (paragraph 39E, LR 11.2(b)-(c)).
2. `timeline.route_pieces` marks each stretch as counting, not counting but not breaking
   (custody on the DL route, forgiven gaps), or breaking (gaps, categories that do not count,
   custody on continuous-residence routes).
3. The chain start S is the first counting day after the last break before the application date.
   Absence limits (`absences.py`) may push the start later, to the return from the trip that
   broke the limit. The qualifying period is the latest period of the route's length ending by
   the application date, or from that start if the person has less.
4. The period completes on the anniversary of its start plus every uncounted day; the route's
   lead time (28 days, last month of permission, ...) gives the first application date.
5. The earliest application date is the least fixed point of that calculation, assuming the
   person stays with permission from the last known day, with planned trips included.

`eligible` is about the qualifying period and absences only; every verdict says so.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.rules import naturalisation
from desktop.rules.absences import BlockLimit, RollingLimit, SingleLimit, TotalLimit
from desktop.rules.days import (
    AbsenceDays,
    Trip,
    add_months,
    max_in_any_12_months,
    sub_months,
    whole_days_outside,
)
from desktop.rules.deadlines import Deadline, application_deadlines, last_month_window_opens
from desktop.rules.figures import Figures
from desktop.rules.history import ROUTES, History
from desktop.rules.timeline import (
    CoverResult,
    Piece,
    build_cover,
    d,
    label,
    route_pieces,
)
from desktop.rules.verdict import Assessment, Breach, Uncounted

SCOPE = (
    "This checks the qualifying period and absences only. It does not check criminality or "
    "character, English, Life in the UK, the relationship, money or the fee."
)

NOT_COUNTING_LR = {
    "visitor": "LR 11.1(a)",
    "short_term_student": "LR 11.1(a)",
    "seasonal_worker": "LR 11.1(a)",
    "ukraine_scheme": "LR 11.1(a)",
    "immigration_bail": "LR 11.2(a)",
    "temporary_admission": "LR 11.2(a)",
}

FAMILY_PRIVATE_LIFE = frozenset({"partner_5y", "partner_10y", "parent_10y", "private_life_10y"})


@dataclass(frozen=True)
class RouteSpec:
    code: str
    counting: frozenset[str]
    not_counting_rule: dict[str, str]
    months_key: str
    period_rule: str
    regime: str  # "lr" | "cr" | "family10" | "report"
    custody: str  # "break" | "uncounted" | "ignore"
    custody_rule: str
    lead: str  # "before_completion" | "before_expiry" | "last_month"
    lead_key: str | None
    forgiven_rule: str | None  # rule label for forgiven gaps (None: keep LR 11.2(b)/(c))
    in_country: bool = True
    #: Paragraph 39E forgiveness of short late applications. The DL policy does not have it:
    #: "Those who apply out of time will be unable to accrue continuous leave" (002).
    forgive_late: bool = True


_ALL_LIMITED = frozenset(
    {
        "student",
        "skilled_worker",
        "partner_5y",
        "partner_10y",
        "parent_10y",
        "private_life_10y",
        "refugee",
        "humanitarian_protection",
        "discretionary_leave",
        "leave_outside_rules",
        "uasc_leave",
        "restricted_leave",
        "mvdac",
        "euss_pre_settled",
    }
)

SPECS: dict[str, RouteSpec] = {
    "long_residence": RouteSpec(
        "long_residence",
        _ALL_LIMITED | {"ilr", "euss_settled", "british_citizen"},
        NOT_COUNTING_LR,
        "lr.qualifying_months",
        "LR 11.1",
        "lr",
        "break",
        "CR 2.1(a)",
        "before_completion",
        "lr.apply_days_before_completion",
        None,
    ),
    "settlement_skilled_worker": RouteSpec(
        "settlement_skilled_worker",
        frozenset({"skilled_worker"}),
        {"*": "CR 1.1"},
        "work.qualifying_months",
        "CR 1.1",
        "cr",
        "break",
        "CR 2.1(a)",
        "before_completion",
        "cr.apply_days_before_completion",
        "paragraph 39E",
    ),
    "settlement_partner_5y": RouteSpec(
        "settlement_partner_5y",
        frozenset({"partner_5y"}),
        {"*": "E-ILRP.1.3"},
        "partner5.qualifying_months",
        "E-ILRP.1.3",
        "report",
        "ignore",
        "",
        "before_completion",
        "partner5.apply_days_before_completion",
        "paragraph 39E",
    ),
    "settlement_10y_route": RouteSpec(
        "settlement_10y_route",
        FAMILY_PRIVATE_LIFE,
        {"*": "Appendix Settlement Family Life"},
        "family10.qualifying_months",
        "Appendix Settlement Family Life / Appendix Private Life",
        "family10",
        "break",
        "CR 2.1(a)",
        "before_completion",
        "family10.apply_days_before_completion",
        "paragraph 39E",
    ),
    "settlement_discretionary_leave": RouteSpec(
        "settlement_discretionary_leave",
        frozenset({"discretionary_leave", "leave_outside_rules"}),
        {"*": "DL policy: settlement"},
        "dl.qualifying_months",
        "DL policy: settlement",
        "report",
        "uncounted",
        "DL policy: settlement applications",
        "before_expiry",
        "dl.apply_days_before_expiry",
        "DL policy: section 3C",
        forgive_late=False,
    ),
    "settlement_protection": RouteSpec(
        "settlement_protection",
        frozenset({"refugee", "humanitarian_protection"}),
        {"*": "Appendix Settlement Protection"},
        "protection.qualifying_months",
        "Appendix Settlement Protection",
        "report",
        "ignore",
        "",
        "last_month",
        "protection.apply_months_before_expiry",
        "paragraph 39E",
    ),
}


def assess(
    history: History,
    route: str,
    on: date,
    figures: Figures,
    *,
    bank_holidays: frozenset[date] = frozenset(),
    today: date | None = None,
) -> Assessment:
    """Assess `history` for `route` with an application on `on`."""
    if route not in ROUTES:
        raise ValueError(f"unknown route {route!r}; expected one of {', '.join(ROUTES)}")
    today = today or on
    figures = figures.leniently()
    if route in ("naturalisation_6_1", "naturalisation_6_2"):
        return naturalisation.assess_naturalisation(
            history, route, on, figures, bank_holidays=bank_holidays, today=today
        )
    if route == "settlement_domestic_abuse":
        return _assess_domestic_abuse(history, on, figures, bank_holidays, today)
    return _Settlement(history, SPECS[route], on, figures, bank_holidays, today).run()


# --------------------------------------------------------------------------------------------
# Settlement routes with a qualifying period
# --------------------------------------------------------------------------------------------


class _Settlement:
    def __init__(
        self,
        history: History,
        spec: RouteSpec,
        on: date,
        figures: Figures,
        bank_holidays: frozenset[date],
        today: date,
    ):
        self.h = history
        self.spec = spec
        self.on = on
        self.x = on.toordinal()
        self.f = figures
        self.bh = bank_holidays
        self.today = today
        self.rules_on = today
        self.notes: list[str] = []
        self.missing: list[str] = []
        self.reasons: list[str] = []

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
            figures=figures,
            today=today,
        )
        self.starts = [p.start for p in self.pieces]
        # chain_start[i]: first counting day of the unbroken chain piece i belongs to.
        self.chain_start: list[int | None] = []
        cur: int | None = None
        for p in self.pieces:
            if p.kind == "break":
                cur = None
            elif p.kind == "count" and cur is None:
                cur = p.start
            self.chain_start.append(cur)
        unc = [(p.start, p.end) for p in self.pieces if p.kind == "uncounted"]
        self.unc_starts = [s for s, _ in unc]
        self.unc_spans = unc
        self.unc_prefix = [0]
        for s, e in unc:
            self.unc_prefix.append(self.unc_prefix[-1] + e - s + 1)

        self.trips = [
            Trip(a.left.toordinal(), a.returned.toordinal(), i)
            for i, a in enumerate(history.absences)
        ]
        self.all_absent = AbsenceDays(self.trips)
        self._build_limits()

    # ---- lookups -------------------------------------------------------------------------------

    def piece_index(self, x: int) -> int | None:
        i = bisect_right(self.starts, x) - 1
        if i < 0 or self.pieces[i].end < x:
            return None
        return i

    def uncounted_between(self, a: int, b: int) -> int:
        """Uncounted days in [a, b]."""
        if b < a or not self.unc_spans:
            return 0
        total = 0
        i = max(0, bisect_right(self.unc_starts, a) - 1)
        while i < len(self.unc_spans):
            s, e = self.unc_spans[i]
            if s > b:
                break
            lo, hi = max(s, a), min(e, b)
            if lo <= hi:
                total += hi - lo + 1
            i += 1
        return total

    def months_for(self, s: int) -> tuple[int, str]:
        spec = self.spec
        if spec.code == "settlement_discretionary_leave":
            first_dl = None
            i = self.piece_index(s)
            while i is not None and i < len(self.pieces):
                p = self.pieces[i]
                if p.kind == "break":
                    break
                if p.category == "discretionary_leave" and p.granted is not None:
                    first_dl = p.granted
                    break
                if p.category == "discretionary_leave" and p.assumed:
                    break
                i += 1
            cutoff = self.f.date_("dl.new_policy_from", self.rules_on)
            if first_dl is not None and d(first_dl) < cutoff:
                e = self.f.entry("dl.transitional_months", self.rules_on)
                return e.value, e.rule or ""
            e = self.f.entry("dl.qualifying_months", self.rules_on)
            return e.value, e.rule or ""
        e = self.f.entry(spec.months_key, self.rules_on)
        return e.value, e.rule or spec.period_rule

    def complete(self, q: int, months: int) -> int:
        """The day the period starting q is complete: the anniversary plus uncounted days."""
        base = add_months(d(q), months).toordinal()
        c = base
        for _ in range(50):
            c2 = base + self.uncounted_between(q, c - 1)
            if c2 == c:
                break
            c = c2
        return c

    def latest_start(self, s: int, x: int, months: int) -> int | None:
        """Latest q in [s, x] whose period is complete by x (None if none)."""
        if self.complete(s, months) > x:
            return None
        lo, hi = s, x
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.complete(mid, months) <= x:
                lo = mid
            else:
                hi = mid - 1
        return lo

    # ---- absence limits -----------------------------------------------------------------------

    def _build_limits(self) -> None:
        spec, f, on = self.spec, self.f, self.rules_on
        self.limits: list = []
        self.blocks: BlockLimit | None = None
        self.exceptional = [t for t in self.trips if self.h.absences[t.index].exceptional]
        counted = [t for t in self.trips if not self.h.absences[t.index].exceptional]
        self.absence_rule = ""
        if spec.regime == "lr":
            cutoff = f.date_("lr.transition_date", on).toordinal()
            before = [t for t in counted if t.left < cutoff]
            after = [t for t in counted if t.left >= cutoff]
            self.limits.append(SingleLimit(before, f.int_("lr.single_absence_limit_days", on)))
            self.limits.append(
                TotalLimit(before, f.int_("lr.total_absence_limit_days", on), cutoff)
            )
            self.limits.append(RollingLimit(after, f.int_("cr.absence_limit_days", on), "CR 3.1"))
            self.absence_rule = "CR 3.1 and CR 3.3"
        elif spec.regime in ("cr", "family10"):
            if spec.regime == "family10":
                counted = self._family_disregard(counted)
            rolling_from = f.date_("cr.rolling_rule_from", on)
            old, new = [], []
            for t in counted:
                (old if self._under_pre_2018_permission(t, rolling_from) else new).append(t)
            limit = f.int_("cr.absence_limit_days", on)
            self.limits.append(RollingLimit(new, limit, "CR 3.1"))
            if old:
                self.blocks = BlockLimit(old, limit, "CR 3.2")
                self.limits.append(self.blocks)
            self.absence_rule = "CR 3.1" + (" and CR 3.2" if old else "")

    def _under_pre_2018_permission(self, t: Trip, cutoff: date) -> bool:
        """CR 3.2 applies to absences 'with permission granted under the rules in place before
        11 January 2018': the permission held on the day of departure (3C leave included)."""
        for c in self.cover.covers:
            if c.start <= t.left <= c.end:
                return d(c.granted) < cutoff
        return False

    def _family_disregard(self, trips: list[Trip]) -> list[Trip]:
        cutoff = self.f.date_("family10.disregard_absences_before", self.rules_on).toordinal()
        grants = sorted(
            p.grant_date.toordinal()
            for p in self.h.permissions
            if p.category in FAMILY_PRIVATE_LIFE
        )
        out = []
        self.disregarded: list[Trip] = []
        for t in trips:
            followed = any(g >= t.returned for g in grants)
            if t.left < cutoff - 1 and followed:
                self.disregarded.append(t)
                if t.returned - 1 >= cutoff:
                    out.append(Trip(cutoff - 1, t.returned, t.index))
            else:
                out.append(t)
        return out

    def restart_point(self, x: int, s: int) -> int:
        r = s
        for lim in self.limits:
            c = lim.restart(x, s)
            if c is not None and c > r:
                r = c
        return r

    # ---- route windows ------------------------------------------------------------------------

    def expiry_around(self, c: int) -> int | None:
        """Last day of the permission that holds on day c-1 (None: indefinite)."""
        i = self.piece_index(c - 1)
        if i is None:
            return c - 1
        p = self.pieces[i]
        if p.assumed:
            return c - 1
        if p.source == "3C":
            return p.expiry
        return p.expiry

    def window_open(self, c: int) -> int:
        spec = self.spec
        if spec.lead == "before_completion":
            return c - self.f.int_(spec.lead_key, self.rules_on)
        exp = self.expiry_around(c)
        if exp is None:
            exp = c - 1
        if spec.lead == "before_expiry":
            return max(exp, c - 1) - self.f.int_(spec.lead_key, self.rules_on)
        months = self.f.int_(spec.lead_key, self.rules_on)
        return last_month_window_opens(d(max(exp, c - 1)), months).toordinal()

    def current_route_start(self, x: int) -> tuple[int, int | None] | None:
        """LR 11.3: (start of the run on the current route, grant date of current permission)."""
        i = self.piece_index(x)
        if i is None:
            return None
        cat = self.pieces[i].category
        granted = self.pieces[i].granted
        j = i
        while j > 0 and self.pieces[j - 1].category == cat and self.pieces[j - 1].kind != "break":
            j -= 1
            if granted is None:
                granted = self.pieces[j].granted
        return self.pieces[j].start, granted

    def extra_floor(self, e: int) -> tuple[int, str | None]:
        """Route conditions that set a floor on the application date."""
        if self.spec.code != "long_residence":
            return e, None
        cur = self.current_route_start(e)
        if cur is None:
            return e, None
        run_start, granted = cur
        cutoff = self.f.date_("lr.current_route_from", self.rules_on).toordinal()
        if granted is not None and granted >= cutoff:
            need = add_months(d(run_start), self.f.int_("lr.current_route_months", self.rules_on))
            if need.toordinal() > e:
                return need.toordinal(), (
                    f"The current permission was granted on or after 11 April 2024, so the person "
                    f"needs 12 months on their current route first: from {need} (LR 11.3)"
                )
        return e, None

    def abroad_until(self, e: int) -> int | None:
        if self.spec.in_country and self.all_absent.is_absent(e):
            i = bisect_left(self.all_absent.days, e)
            return self.all_absent.returned[i]
        return None

    # ---- earliest date ---------------------------------------------------------------------------

    def earliest(self, e: int) -> int | None:
        """Least application date >= e on which the period and absences pass.

        The fixed point of "start -> completion -> first application date" is exact while the
        limits only get stricter as the date moves on (CR 3.1, CR 3.3). CR 3.2 blocks move with
        the application date, so a block can split a trip on a later date and pass where an
        earlier date failed; when a block moved the answer we also try the days before it.
        """
        block_jump_from: int | None = None
        found: int | None = None
        for _ in range(500):
            i = self.piece_index(e)
            if i is None:
                break
            if self.pieces[i].kind == "break" or self.chain_start[i] is None:
                nxt = next((p.start for p in self.pieces[i + 1 :] if p.kind == "count"), None)
                if nxt is None:
                    break
                e = nxt
                continue
            s = self.chain_start[i]
            assert s is not None
            r = self.restart_point(e, s)
            if self.blocks is not None and block_jump_from is None:
                b = self.blocks.restart(e, s)
                if b is not None and b >= r:
                    block_jump_from = e
            if r > e:
                e = r
                continue
            g = self.first_date_for_start(r, e)
            if g <= e:
                found = e
                break
            e = g
        if found is not None and block_jump_from is not None and block_jump_from < found:
            for y in range(max(block_jump_from, found - 800), found):
                if self.passes(y):
                    return y
        return found

    def first_date_for_start(self, r: int, e: int) -> int:
        months, _ = self.months_for(r)
        g = self.window_open(self.complete(r, months))
        g, _why = self.extra_floor(max(g, e))
        back = self.abroad_until(g)
        return back if back is not None else g

    def passes(self, y: int) -> bool:
        """The quick eligibility test used when scanning for CR 3.2 dates."""
        i = self.piece_index(y)
        if i is None or self.pieces[i].kind == "break" or self.chain_start[i] is None:
            return False
        s = self.chain_start[i]
        assert s is not None
        r = self.restart_point(y, s)
        return r <= y and self.first_date_for_start(r, y) <= y

    # ---- the verdict ------------------------------------------------------------------------------

    def run(self) -> Assessment:
        spec, x = self.spec, self.x
        i = self.piece_index(x)
        lawful = i is not None and self.pieces[i].kind != "break"
        s = self.chain_start[i] if (i is not None and lawful) else None
        route_label = ROUTES[spec.code]
        missing = self.missing
        reasons: list[str] = []

        if not self.h.permissions:
            missing.append("permissions: no permission is recorded, so there is nothing to count")

        # Lower bound for the earliest-date search: the chain holding the application date, or
        # the next one that starts after it.
        if s is not None:
            lower = s
        else:
            lower = next((p.start for p in self.pieces if p.start > x and p.kind == "count"), None)
            if lower is None and i is not None:
                lower = next((p.start for p in self.pieces[i + 1 :] if p.kind == "count"), None)
        earliest = self.earliest(lower) if lower is not None else None
        self.could_have = None

        q = c = None
        months = 0
        r = None
        if s is not None:
            r = self.restart_point(x, s)
            months, period_rule = self.months_for(r)
            q_nat = self.latest_start(s, x, months)
            q = max(r, q_nat) if q_nat is not None else r
            c = self.complete(q, months)
        else:
            months, period_rule = self.months_for(lower if lower is not None else x)

        period_years = f"{months // 12} years" if months % 12 == 0 else f"{months} months"
        lookback = min(q if q is not None else x, sub_months(self.on, months).toordinal())

        # Breaks: gaps and non-counting stretches after some counted time, absence breaches.
        breaches: list[Breach] = []
        seen_count = False
        for p in self.pieces:
            if p.start > x:
                break
            if p.kind == "count":
                seen_count = True
            if p.kind == "break" and seen_count and p.end >= lookback:
                end = min(p.end, x)
                breaches.append(Breach(p.rule, d(p.start), d(end), end - p.start + 1, p.why))
        for lapse in self.cover.lapses:
            perm = self.h.permissions[lapse.perm_index]
            if lapse.left <= x and perm.end is not None and perm.end.toordinal() >= lookback:
                rule = (
                    "DL policy: duration of grants"
                    if perm.category == "discretionary_leave"
                    else "LTERO 2000 art. 13"
                )
                breaches.append(
                    Breach(
                        rule,
                        d(lapse.left),
                        perm.end or d(lapse.left),
                        whole_days_outside(
                            self.h.absences[lapse.absence_index].left,
                            self.h.absences[lapse.absence_index].returned,
                        ),
                        f"{label(perm.category)} granted for 6 months or less lapses when the "
                        f"holder leaves the UK: the trip of {d(lapse.left)} (absences"
                        f"[{lapse.absence_index}]) ended that permission",
                    )
                )
        lo = lookback
        for lim in self.limits:
            breaches.extend(lim.breaches(lo, x))
        breaches.sort(key=lambda b: (b.start, b.rule))
        continuity_broken = bool(breaches)

        uncounted = [
            Uncounted(d(p.start), d(min(p.end, x)), p.rule, p.why)
            for p in self.pieces
            if p.kind == "uncounted" and p.start <= x and p.end >= lookback
        ]
        covid = [
            p for p in self.pieces if p.source == "covid" and p.start <= x and p.end >= lookback
        ]

        # Absences in the qualifying period (or the lookback when there is none).
        span_lo = q if q is not None else lookback
        total = self.all_absent.count(span_lo, x)
        window = max_in_any_12_months(self.trips, d(span_lo), self.on)

        # ---- eligibility ----
        ok = lawful and s is not None and c is not None
        why_not: list[str] = []
        if not lawful:
            if i is None:
                why_not.append(f"No permission is recorded on {self.on}.")
            else:
                p = self.pieces[i]
                why_not.append(f"On {self.on}: {p.why} ({p.rule}).")
        floor_reason = None
        if ok:
            assert c is not None and r is not None
            opens = self.window_open(c)
            if r > x:
                ok = False
            if opens > x:
                ok = False
                why_not.append(
                    f"The qualifying period of {period_years} from {d(q)} is complete on "
                    f"{d(c)}; an application can be made from {d(opens)} ({period_rule})."
                )
            floor, floor_reason = self.extra_floor(x)
            if floor > x:
                ok = False
                why_not.append(floor_reason or "")
            back = self.abroad_until(x)
            if back is not None:
                ok = False
                why_not.append(
                    f"The person is outside the UK on {self.on} (back on {d(back)}); this "
                    "application must be made in the UK."
                )
        eligible = bool(ok)
        if not eligible and earliest is not None and earliest < x:
            # Eligible once before, but not now (LR 11.3, a planned trip, a lapse...): the useful
            # answer is the first date from the application date on.
            self.could_have = earliest
            earliest = self.earliest(max(x, lower or x))

        # ---- reasons ----
        if eligible:
            assert q is not None and c is not None
            reasons.append(
                f"{route_label}: eligible on {self.on}. The qualifying period of {period_years} "
                f"runs from {d(q)} and is complete on {d(c)} ({period_rule})."
            )
        else:
            head = f"{route_label}: not eligible on {self.on}."
            if earliest is not None:
                head += f" Earliest application date: {d(earliest)}."
            else:
                head += " No application date can be given from this history."
            reasons.append(head)
            reasons.extend(w for w in why_not if w)
        if earliest is not None and eligible and earliest < x:
            reasons.append(f"An application could have been made from {d(earliest)}.")
        if self.could_have is not None:
            reasons.append(
                f"An application could have been made from {d(self.could_have)}, but not on "
                f"{self.on}."
            )
        for b in breaches:
            reasons.append(f"{b.rule}: {b.why} ({b.start} to {b.end}).")
        if r is not None and s is not None and r > s:
            reasons.append(
                f"Because of the absences above, the qualifying period starts again on {d(r)}, "
                "the day the person came back."
            )
        for u in uncounted:
            reasons.append(f"{u.rule}: {u.why}.")
        for p in covid:
            reasons.append(f"{p.rule}: {p.why}.")
        if spec.regime != "report":
            limit_txt = {
                "lr": "no single absence over 184 days and no more than 548 days in total for "
                "absences that started before 11 April 2024 (CR 3.3); no more than 180 days in "
                "any 12 months for later absences (CR 3.1)",
                "cr": "no more than 180 days outside the UK in any 12 months (CR 3.1)",
                "family10": "no more than 180 days outside the UK in any 12 months (CR 3.1)",
            }[spec.regime]
            reasons.append(
                f"Absences: {total} whole days outside the UK from {d(span_lo)} to {self.on}; "
                f"the worst 12 months had {window.days} days"
                + (f" ({window.start} to {window.end})" if window.start else "")
                + f". The limit: {limit_txt}."
            )
        else:
            reasons.append(
                f"Absences: {total} whole days outside the UK from {d(span_lo)} to {self.on}; "
                f"the worst 12 months had {window.days} days. This route has no fixed absence "
                "limit."
            )
        for t in self.exceptional:
            a = self.h.absences[t.index]
            reasons.append(
                f"absences[{t.index}] ({a.left} to {a.returned}) is marked exceptional and is not "
                "counted towards the limit (CR 3.4); keep evidence of the reason."
            )
        for t in getattr(self, "disregarded", []):
            a = self.h.absences[t.index]
            reasons.append(
                f"absences[{t.index}] ({a.left} to {a.returned}) was before 20 June 2022 and "
                "followed by a grant of family or private life permission, so it is disregarded "
                "(HC 1118; CR 3.4)."
            )
        for ai, _pi in self.cover.three_c_travel:
            a = self.h.absences[ai]
            reasons.append(
                f"absences[{ai}]: travel on {a.left} while an application was pending; the Home "
                "Office treats the application as withdrawn (reference 004), which can end "
                "section 3C leave."
            )
        risks = self._route_risks(q, x, lookback)
        for rk in risks:
            reasons.append(f"Risk ({rk.rule}): {rk.why}.")
        assumed = next((p for p in self.pieces if p.assumed), None)
        if assumed is not None and (
            (c is not None and c > assumed.start)
            or (earliest is not None and earliest >= assumed.start)
        ):
            reasons.append(
                f"From {d(assumed.start)} this assumes the person stays in the UK with permission "
                f"({label(assumed.category)}), with any planned trips."
            )
        if spec.code == "settlement_discretionary_leave":
            reasons.append(
                "DL settlement: 120 months' continuous limited leave if the first DL was granted "
                "on or after 9 July 2012, 6 years if before; apply no more than 28 days before "
                "leave expires (DL policy v10.0)."
            )
            if any(p.category == "leave_outside_rules" for p in self.pieces):
                self.notes.append(
                    "Leave outside the rules has been counted with DL; the policy says it 'may' "
                    "count depending on why it was granted (DL policy: settlement applications)."
                )
        if spec.code == "settlement_protection":
            reasons.append(
                "Protection route: 5 years with refugee or humanitarian protection permission; "
                "apply in the last month of permission; there is no fee (references 000, 004)."
            )
        reasons.append(SCOPE)
        self._fee_note()

        deadlines = self._deadlines(c, earliest)
        return Assessment(
            route=spec.code,
            application_date=self.on,
            qualifying_from=d(q) if q is not None else None,
            complete_on=d(c) if c is not None else None,
            earliest_application_date=d(earliest) if earliest is not None else None,
            continuity_broken=continuity_broken,
            absence_days_total=total,
            max_window=window,
            breaches=tuple(breaches),
            uncounted_periods=tuple(uncounted),
            eligible=eligible,
            reasons=tuple(reasons),
            deadlines=tuple(deadlines),
            rules_in_force=self.rules_on,
            notes=tuple(dict.fromkeys(self.notes)),
            missing=tuple(dict.fromkeys(missing)),
            risks=tuple(risks),
        )

    def _route_risks(self, q: int | None, x: int, lookback: int) -> list[Breach]:
        if self.spec.code != "settlement_partner_5y":
            return []
        flag = self.f.entry("partner5.long_absence_flag_days", self.rules_on)
        lo = q if q is not None else lookback
        out = []
        for t in self.trips:
            n = t.returned - t.left - 1
            if n > flag.value and t.returned - 1 >= lo and t.left <= x:
                out.append(
                    Breach(
                        "E-LTRP.1.10",
                        d(t.left),
                        d(t.returned),
                        n,
                        f"{n} days outside the UK (absences[{t.index}]). If the partner did not "
                        "travel too, the Home Office may ask whether you lived together in the "
                        "UK; keep evidence of a good reason for the time apart",
                    )
                )
        return out

    def _fee_note(self) -> None:
        code = self.spec.code
        key = "fee.ilr_protection" if code == "settlement_protection" else "fee.ilr"
        try:
            fee = self.f.entry(key, self.on, strict=True)
        except ValueError:
            return
        if fee.value == 0:
            self.notes.append(f"No fee for this application ({fee.source}).")
        else:
            self.notes.append(
                f"Fee on {self.on}: £{fee.value:,} (in force from {fee.effective_from}; {fee.source})."
            )
        if code == "long_residence":
            self.notes.append("There is no fee waiver for settlement applications (reference 003).")

    def _deadlines(self, c: int | None, earliest: int | None) -> list[Deadline]:
        today = self.today
        t = today.toordinal()
        abroad_days = {date.fromordinal(o) for o in self.all_absent.days if t - 60 <= o <= t + 400}
        out = application_deadlines(self.h, self.f, self.bh, today, abroad_days)
        # Current permission: apply before it ends to keep it (section 3C).
        i = self.piece_index(t)
        if i is not None:
            p = self.pieces[i]
            if (
                p.expiry is not None
                and not p.assumed
                and p.expiry >= t
                and p.source == "permission"
            ):
                out.append(
                    Deadline(
                        d(p.expiry),
                        f"Permission ends ({label(p.category)}). Apply before the end of this day "
                        "to keep your permission while the application is decided",
                        "s3C Immigration Act 1971",
                    )
                )
                if self.spec.lead in ("before_expiry", "last_month") and c is not None:
                    opens = self.window_open(c)
                    if opens >= t:
                        what = (
                            "Window opens to apply for settlement (28 days before permission ends)"
                            if self.spec.lead == "before_expiry"
                            else "Last month of permission starts: apply for settlement from today"
                        )
                        out.append(Deadline(d(opens), what, self.spec.period_rule))
        if earliest is not None and earliest >= t:
            out.append(
                Deadline(
                    d(earliest),
                    f"Earliest date to apply: {ROUTES[self.spec.code]}",
                    self.spec.period_rule,
                )
            )
        if self.spec.code == "settlement_protection":
            out.extend(stp_deadlines(self.h, self.f, self.rules_on))
        out.sort(key=lambda dl: (dl.date, dl.what))
        return list(dict.fromkeys(out))


def stp_deadlines(history: History, figures: Figures, on: date) -> list[Deadline]:
    """STP 2.1 thresholds as dates, from each recorded custody period.

    We only know the time in custody, not the sentence. Time served can be shorter than the
    sentence, so each date counts from the custody end date and says to use the sentence end
    if it is later (003: '15 years from the date the period you were sentenced to has finished').
    """
    out: list[Deadline] = []
    long_years = figures.entry("stp.long_sentence_years", on)
    medium = figures.entry("stp.medium_wait_years", on)
    short = figures.entry("stp.short_wait_years", on)
    for i, c in enumerate(history.custody):
        served_months = (c.end.year - c.start.year) * 12 + (c.end.month - c.start.month)
        if c.end >= add_months(c.start, 12 * long_years.value) - timedelta(days=1):
            out.append(
                Deadline(
                    c.end,
                    f"custody[{i}]: at least {long_years.value} years in custody, so the sentence "
                    "was 4 years or more: settlement on the protection route must be refused",
                    long_years.rule or "STP 2.1(a)",
                )
            )
            continue
        out.append(
            Deadline(
                add_months(c.end, 12 * medium.value),
                f"custody[{i}]: if the sentence was 12 months to under 4 years, settlement is "
                f"refused until {medium.value} years after the sentence ended (count from the "
                "sentence end if later than release)",
                medium.rule or "STP 2.1(b)",
            )
        )
        if served_months < 12:
            out.append(
                Deadline(
                    add_months(c.end, 12 * short.value),
                    f"custody[{i}]: if the sentence was under 12 months, settlement is refused "
                    f"until {short.value} years after the sentence ended",
                    short.rule or "STP 2.1(c)",
                )
            )
    return out


# --------------------------------------------------------------------------------------------
# Domestic abuse (no qualifying period)
# --------------------------------------------------------------------------------------------

DA_PARTNER = frozenset({"partner_5y", "partner_10y"})


def _assess_domestic_abuse(
    history: History, on: date, figures: Figures, bank_holidays: frozenset[date], today: date
) -> Assessment:
    """Appendix Victim of Domestic Abuse: no qualifying period; the last permission must be as a
    partner (of a British citizen, settled person, refugee, ...) or MVDAC after such permission
    (reference 003, 'Who can apply under this route')."""
    perms = sorted(
        (p for p in history.permissions if p.start <= on), key=lambda p: (p.start, p.category)
    )
    reasons: list[str] = []
    missing: list[str] = []
    last = perms[-1] if perms else None
    partner_before = [p for p in perms if p.category in DA_PARTNER]
    eligible = False
    qfrom = None
    earliest = None
    if last is None:
        reasons.append(
            "Settlement as a victim of domestic abuse: not eligible: no permission recorded."
        )
    elif last.category in DA_PARTNER or (last.category == "mvdac" and partner_before):
        eligible = True
        anchor = partner_before[-1] if partner_before else last
        qfrom = anchor.start
        earliest = anchor.start
        reasons.append(
            f"Settlement as a victim of domestic abuse: eligible on {on} as far as permission "
            f"goes: the last permission is {label(last.category)} (Appendix Victim of Domestic "
            "Abuse; reference 003). There is no minimum period."
        )
        if last.end is not None and last.end < on:
            reasons.append(
                f"That permission ended on {last.end}: apply while it is running, or within 14 "
                "days with a good reason (paragraph 39E)."
            )
        missing.append(
            "The partner's status (British, settled, EUSS pre-settled, refugee or HM Forces) and "
            "evidence that domestic abuse caused the relationship to break down are needed "
            "(reference 003)."
        )
    else:
        reasons.append(
            f"Settlement as a victim of domestic abuse: not eligible: the last permission is "
            f"{label(last.category)}, not permission as a partner or MVDAC after it "
            "(reference 003, 'Who can't apply under this route')."
        )
    reasons.append(SCOPE)
    trips = [
        Trip(a.left.toordinal(), a.returned.toordinal(), i) for i, a in enumerate(history.absences)
    ]
    lo = qfrom or (perms[0].start if perms else on)
    window = max_in_any_12_months(trips, lo, on)
    total = AbsenceDays(trips).count(lo.toordinal(), on.toordinal())
    deadlines = application_deadlines(history, figures, bank_holidays, today)
    if last is not None and last.category == "mvdac" and last.end is not None and last.end >= today:
        deadlines.append(
            Deadline(
                last.end,
                "MVDAC permission ends: apply for settlement as a victim of domestic abuse before then",
                "MVDAC (reference 003)",
            )
        )
    notes = []
    try:
        fee = figures.entry("fee.ilr", on, strict=True)
        notes.append(
            f"Fee on {on}: £{fee.value:,} unless waived (refuge, universal credit or low income; "
            "reference 003)."
        )
    except ValueError:
        pass
    return Assessment(
        route="settlement_domestic_abuse",
        application_date=on,
        qualifying_from=qfrom,
        complete_on=qfrom,
        earliest_application_date=earliest,
        continuity_broken=False,
        absence_days_total=total,
        max_window=window,
        breaches=(),
        uncounted_periods=(),
        eligible=eligible,
        reasons=tuple(reasons),
        deadlines=tuple(sorted(deadlines, key=lambda x: (x.date, x.what))),
        rules_in_force=today,
        notes=tuple(notes),
        missing=tuple(missing),
    )


def verdict_line(assessment: Assessment) -> str:
    """One plain-English line for the client page."""
    label_ = ROUTES[assessment.route].split(" (")[0]
    qf, co = assessment.qualifying_from, assessment.complete_on
    if assessment.eligible:
        if qf and co and qf != co:
            years = round((co - qf).days / 365.25)
            return f"{label_}: eligible on {assessment.application_date} ({years} years from {qf})"
        return f"{label_}: eligible on {assessment.application_date}"
    if assessment.earliest_application_date is not None:
        return f"{label_}: not yet: earliest {assessment.earliest_application_date}"
    # The first reason after the headline is the one that decides it (a breach, a gap, or
    # what is missing); show it so the line explains itself.
    if len(assessment.reasons) > 1:
        return f"{label_}: not eligible. {assessment.reasons[1]}"
    return f"{label_}: not eligible on this history"
