"""What if: "If I travel from L to R, does it break a rule, by how much, and when must I be back?"

`plan_trip` adds the trip (as `planned`) to a copy of the history and compares it with the
history as it is:

* on the routes with absence limits (CR 3.1, CR 3.2, CR 3.3), every 12-month window, block or
  single absence over its limit that the trip's days are part of and that was not over before;
* on naturalisation, the statutory limits (450/270 days, 90 in the last 12 months, the first
  day of the period) for an application on the first date after the trip (or the application
  date, if later);
* on the routes with no fixed limit (partner, DL, protection), the risks the engine flags.

`latest_safe_return` is the last return date that adds no new breach (longer trips only ever
add days outside, so the search is a bisection). Pure: no Qt, no database, no clock.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, replace
from datetime import date, timedelta

from desktop.rules.days import whole_days_outside
from desktop.rules.figures import Figures
from desktop.rules.history import Absence, History, with_entry_waits
from desktop.rules.routes import ROUTE_SPECS
from desktop.rules.routes.spec import no_absence_limit
from desktop.rules.settlement import SettlementAssessment
from desktop.rules.verdict import Breach

#: How far past the planned return the safe-return search looks (a year and a bit).
SEARCH_DAYS = 400


@dataclass(frozen=True)
class TripPlan:
    left: date
    returned: date
    whole_days: int
    breaks: bool
    #: The new breaches the trip causes (windows, blocks or limits it takes over).
    breaches: tuple[Breach, ...]
    over_by: int  # days over the limit in the worst new breach (0 when it breaks nothing)
    rule: str | None  # the rule of the worst new breach
    latest_safe_return: date | None  # None: even coming back the next day breaks a rule
    risks: tuple[Breach, ...]  # flags that are not breaches (partner route: time apart)
    sentence: str  # for the client, plain English

    @property
    def safe(self) -> bool:
        return not self.breaks


def _with_trip(history: History, left: date, returned: date) -> History:
    return replace(history, absences=(*history.absences, Absence(left, returned, planned=True)))


def _new_breaches(
    history: History,
    route: str,
    on: date,
    figures: Figures,
    left: date,
    returned: date,
    bank_holidays: Container[date],
    today: date,
) -> tuple[list[Breach], list[Breach]]:
    """(breaches the trip adds, risks the trip adds)."""
    trial = _with_trip(history, left, returned)
    first_out, last_out = left + timedelta(days=1), returned - timedelta(days=1)
    if route in ROUTE_SPECS:
        spec = ROUTE_SPECS[route]

        def over(h: History) -> tuple[set[Breach], set[Breach]]:
            # The wait before entry on a permission granted from abroad counts as time
            # outside, as in every other verdict (history.with_entry_waits).
            counted = with_entry_waits(h)[0]
            engine = SettlementAssessment(counted, spec, on, figures, bank_holidays, today)
            lo = min([p.start for p in engine.pieces] or [on.toordinal()])
            hi = max(returned, on).toordinal() + SEARCH_DAYS + 400
            found = set()
            for lim in engine.limits:
                found.update(lim.breaches(lo, hi))
            risks = set(spec.risks(engine, lo, hi)) if spec.risks is not None else set()
            return found, risks

        before, before_risks = over(history)
        after, after_risks = over(trial)
    else:
        from desktop.rules.residence import assess

        when = max(on, returned + timedelta(days=1))
        before = set(
            assess(history, route, when, figures, bank_holidays=bank_holidays, today=today).breaches
        )
        after = set(
            assess(trial, route, when, figures, bank_holidays=bank_holidays, today=today).breaches
        )
        before_risks = after_risks = set()
    # New breaches that the trip's days are part of.
    added = [b for b in after - before if b.start <= last_out and b.end >= first_out]
    return sorted(added, key=lambda b: (b.start, b.rule)), sorted(
        after_risks - before_risks, key=lambda b: b.start
    )


def _limit_of(b: Breach, route: str, figures: Figures, on: date) -> int:
    """The limit a breach is measured against (for 'over by N days')."""
    if b.rule in ("CR 3.1", "CR 3.2"):
        return figures.int_("cr.absence_limit_days", on)
    if b.rule == "CR 3.3":
        if "at any one time" in b.why:
            return figures.int_("lr.single_absence_limit_days", on)
        return figures.int_("lr.total_absence_limit_days", on)
    if b.rule.startswith("BNA 1981"):
        if "the 12 months" in b.why:
            return figures.int_("nat.last_12_months_limit_days", on)
        if "first day" in b.why:
            return 0
        key = (
            "nat.s6_1.total_limit_days"
            if route == "naturalisation_6_1"
            else "nat.s6_2.total_limit_days"
        )
        return figures.int_(key, on)
    return b.days


def plan_trip(
    history: History,
    route: str,
    on: date,
    figures: Figures,
    left: date,
    returned: date,
    *,
    bank_holidays: Container[date] = frozenset(),
    today: date | None = None,
) -> TripPlan:
    """What the trip from `left` to `returned` does on `route` (application on `on`)."""
    if returned < left:
        raise ValueError(f"the return date {returned} is before the departure date {left}")
    today = today or on
    figures = figures.leniently()
    added, risks = _new_breaches(history, route, on, figures, left, returned, bank_holidays, today)
    worst = max(added, key=lambda b: b.days - _limit_of(b, route, figures, on), default=None)
    over_by = (worst.days - _limit_of(worst, route, figures, on)) if worst is not None else 0

    # Latest safe return: bisection on the return date (more days out never removes a breach).
    lo, hi = left, left + timedelta(days=SEARCH_DAYS)
    if added:
        hi = returned
    if _new_breaches(
        history, route, on, figures, left, lo + timedelta(days=1), bank_holidays, today
    )[0]:
        safe_return: date | None = None
    else:
        lo = lo + timedelta(days=1)
        while lo < hi:
            mid = lo + timedelta(days=(hi - lo).days // 2 + 1)
            if _new_breaches(history, route, on, figures, left, mid, bank_holidays, today)[0]:
                hi = mid - timedelta(days=1)
            else:
                lo = mid
        safe_return = lo

    has_limits = (
        route not in ROUTE_SPECS or ROUTE_SPECS[route].absence_limits is not no_absence_limit
    )
    if not has_limits:
        safe_return = None
    n = whole_days_outside(left, returned)
    if worst is not None:
        sentence = (
            f"This trip ({n} whole days outside the UK) breaks {worst.rule}: {worst.why}. "
            f"It is {over_by} days over the limit."
        )
        if safe_return is not None:
            sentence += f" Come back by {safe_return} to stay within the rules."
        else:
            sentence += " Even a short trip at this time breaks the rule."
    else:
        if has_limits:
            sentence = f"This trip ({n} whole days outside the UK) keeps within the absence rules."
        else:
            sentence = (
                f"This trip is {n} whole days outside the UK. This route has no fixed absence "
                "limit; absences are judged on their merits."
            )
        if safe_return is not None:
            sentence += f" The latest safe return date is {safe_return}."
    for r in risks:
        sentence += f" Risk ({r.rule}): {r.why}."
    return TripPlan(
        left=left,
        returned=returned,
        whole_days=n,
        breaks=bool(added),
        breaches=tuple(added),
        over_by=max(0, over_by),
        rule=worst.rule if worst is not None else None,
        latest_safe_return=safe_return,
        risks=tuple(risks),
        sentence=sentence,
    )
