"""Can I travel? The days outside the UK in the 12 months ending today, the days left before the
route's limit, and the date each past trip stops counting.

The question clients ask most at the desk. Counting follows the engine (RULE-NOTES "Counting
days" and "Any 12 months"; desktop.rules.days):

* only whole days outside the UK count: neither the day of leaving nor the day of return;
* the 12 months ending on a day D run from the day after the same date a year earlier to D
  (CR 3.1: a window runs from any date to the day before the same date a year later, so the one
  that ends on D starts on `sub_years(D, 1) + 1 day`; for D = 28 February 2025 that is
  29 February 2024, the longer of the two windows that end that day);
* a day outside counts in every 12 months it falls in, so it stops counting a year after it
  happened, and a trip stops counting altogether a year after its last whole day outside
  (`add_years(last day outside, 1)`; a last day of 29 February stops counting on 1 March).

The days before entry on a permission granted from abroad (`Permission.entered_on`) count as
days outside, as a trip would (`desktop.rules.history.ENTRY_WAIT_RULE`), without a trip in the
record: the answer lists them with `before_entry` set.

Days after `today` are not counted (a trip still going on counts up to today); planned trips in
the future are for "Plan a trip" (desktop.rules.what_if), which checks every 12 months a new
trip touches.

The limit, from the dated figures (`desktop.assess.load_figures()`), in force on `today`:

* the routes with the CR 3.1 rolling limit (Skilled Worker, the 10-year routes, long
  residence for absences from 11 April 2024): `cr.absence_limit_days` (180 days in any 12
  months), the key `desktop.rules.routes.continuous_residence` and `long_residence` read;
* naturalisation: `nat.last_12_months_limit_days` (90 days in the 12 months ending with the
  date of application, BNA 1981 Sch. 1), the key `desktop.rules.naturalisation` reads;
* the routes with no fixed limit (protection, discretionary leave, the 5-year partner route,
  domestic abuse): no limit; absences are judged on their merits.

Pure: no Qt, no database, no clock; dates in sentences come from `desktop.rules.datetext`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from desktop.rules.datetext import long_date
from desktop.rules.days import AbsenceDays, Trip, add_years, sub_years
from desktop.rules.figures import Figures
from desktop.rules.history import Absence, EntryWait, History, with_entry_waits
from desktop.rules.routes import ROUTE_SPECS
from desktop.rules.routes.spec import no_absence_limit

ONE_DAY = timedelta(days=1)
DateForm = Callable[[date], str]

#: The figure of the 12-month limit on the routes that have a rolling limit (CR 3.1).
ROLLING_LIMIT_KEY = "cr.absence_limit_days"
#: The figure of the naturalisation limit in the 12 months ending with the application.
NATURALISATION_LIMIT_KEY = "nat.last_12_months_limit_days"
NATURALISATION_ROUTES = frozenset({"naturalisation_6_1", "naturalisation_6_2"})
#: From when the rolling rule applies, per route (figure keys): a 12 months that starts before
#: it is judged partly under an older rule (CR 3.2 blocks, CR 3.3 for long residence).
OLDER_RULE_KEYS = {"long_residence": "lr.transition_date"}
DEFAULT_OLDER_RULE_KEY = "cr.rolling_rule_from"


def window_start(today: date) -> date:
    """The first day of the 12 months ending on `today` (see the module's docstring)."""
    return sub_years(today, 1) + ONE_DAY


def stops_counting(last_day_outside: date) -> date:
    """The first day on which `last_day_outside` is in none of the 12 months ending that day."""
    return add_years(last_day_outside, 1)


@dataclass(frozen=True)
class CountedTrip:
    """A past trip with whole days outside in the 12 months ending today."""

    left: date
    returned: date
    #: Its whole days outside inside the 12 months ending today.
    days: int
    #: From this day on, none of its days counts (a year after its last whole day outside).
    stops_counting: date
    #: Its position in `History.absences` (for the screen to find the record; never shown).
    #: For a wait before entry, its position in `History.permissions` (see `before_entry`).
    index: int
    #: Not a trip: the days before entry on a permission granted from abroad (`left` is the
    #: day before the permission started, `returned` the day of entry; `index` the permission).
    before_entry: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": self.left.isoformat(),
            "returned": self.returned.isoformat(),
            "days_counted": self.days,
            "stops_counting": self.stops_counting.isoformat(),
            "before_entry": self.before_entry,
        }


@dataclass(frozen=True)
class TravelAnswer:
    route: str
    today: date
    #: The 12 months ending today: `window_start(today)` .. `today`.
    start: date
    days_outside: int
    #: The route's limit in those 12 months and its rule (None: no fixed limit).
    limit: int | None
    rule: str | None
    #: The trips with days in the 12 months, oldest first.
    trips: tuple[CountedTrip, ...]
    #: Part of the 12 months falls before the rolling rule applied (older rules: see the full
    #: assessment).
    older_rule_from: date | None = None
    #: No recorded permission covers today: the last one ended on this day (None: covered, or
    #: nothing recorded at all, see `no_permission_recorded`). A count of days is no answer
    #: then: the client may not be able to come back.
    permission_ended_on: date | None = None
    no_permission_recorded: bool = False
    #: An application made and not yet decided (leaving the UK may withdraw it).
    pending_since: date | None = None

    @property
    def needs_attention(self) -> bool:
        """True when the days left are not the whole answer (status unknown or pending)."""
        return (
            self.permission_ended_on is not None
            or self.no_permission_recorded
            or self.pending_since is not None
        )

    def warnings(self, form: DateForm = long_date) -> list[str]:
        """What must be said before any count of days: status not known, an application
        waiting (Immigration Rules Part 1 / the application is treated as withdrawn if the
        applicant leaves the Common Travel Area while it is pending, s3C leave ends)."""
        out = []
        if self.no_permission_recorded:
            out.append(
                "We have no permission to stay recorded for you. Do not travel until the adviser "
                "has checked your immigration status: you may not be able to come back."
            )
        elif self.permission_ended_on is not None:
            out.append(
                f"Your permission to stay ended on {form(self.permission_ended_on)} and nothing "
                "is recorded since. Do not travel until the adviser has checked your immigration "
                "status: you may not be able to come back."
            )
        if self.pending_since is not None:
            out.append(
                f"You have an application waiting for a decision (made on "
                f"{form(self.pending_since)}). Leaving the UK before the decision can end it: "
                "ask the adviser before you travel."
            )
        return out

    @property
    def days_left(self) -> int | None:
        """Days left before the limit in the 12 months ending today (None: no fixed limit)."""
        return None if self.limit is None else max(0, self.limit - self.days_outside)

    @property
    def over_by(self) -> int:
        return 0 if self.limit is None else max(0, self.days_outside - self.limit)

    def sentence(self, form: DateForm = long_date) -> str:
        """The answer for a client, in plain words, dates written by `form`: any warning
        (`warnings`) first, as loudly as the count."""
        n = self.days_outside
        parts = [
            *self.warnings(form),
            f"In the 12 months from {form(self.start)} to {form(self.today)} you were outside "
            f"the UK for {_days(n)}.",
            "The days you leave and come back do not count.",
        ]
        if self.limit is None:
            parts.append(
                "This route has no fixed limit on time outside the UK: each absence is judged "
                "on its reasons."
            )
        else:
            if self.route in NATURALISATION_ROUTES:
                parts.append(
                    f"The limit is {_days(self.limit)} in the 12 months before you apply "
                    f"({self.rule})."
                )
            else:
                parts.append(f"The limit is {_days(self.limit)} in any 12 months ({self.rule}).")
            if self.over_by:
                parts.append(f"That is {_days(self.over_by)} over the limit. Talk to an adviser.")
            else:
                parts.append(f"You have {_days(self.days_left or 0)} left before the limit.")
        if self.trips:
            oldest = self.trips[0]
            if oldest.before_entry:
                what = (
                    f"The days before you came to the UK on {form(oldest.returned)} count as "
                    f"days outside the UK. They stop counting on {form(oldest.stops_counting)}."
                )
            else:
                what = (
                    f"Your trip from {form(oldest.left)} to {form(oldest.returned)} stops "
                    f"counting on {form(oldest.stops_counting)}."
                )
            parts.append(f"Days stop counting one year after they happen. {what}")
        if self.older_rule_from is not None:
            parts.append(
                f"Some of these 12 months are before {form(self.older_rule_from)}, when other "
                "rules applied: the adviser checks them."
            )
        if self.limit is not None:
            parts.append("Before you book a trip, ask the adviser to check it.")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "window": {"from": self.start.isoformat(), "to": self.today.isoformat()},
            "days_outside": self.days_outside,
            "limit": self.limit,
            "rule": self.rule,
            "days_left": self.days_left,
            "over_by": self.over_by,
            "trips": [t.to_dict() for t in self.trips],
            "older_rule_from": self.older_rule_from.isoformat() if self.older_rule_from else None,
            "needs_attention": self.needs_attention,
            "warnings": self.warnings(),
            "sentence": self.sentence(),
        }


def _days(n: int) -> str:
    return f"{n} whole day{'s' if n != 1 else ''}" if n else "no whole days"


def route_limit(route: str, figures: Figures, on: date) -> tuple[int | None, str | None]:
    """(limit, rule) on `route` for the 12 months ending `on`; (None, None): no fixed limit."""
    if route in NATURALISATION_ROUTES:
        key = NATURALISATION_LIMIT_KEY
    elif route in ROUTE_SPECS and ROUTE_SPECS[route].absence_limits is not no_absence_limit:
        key = ROLLING_LIMIT_KEY
    else:
        return None, None
    entry = figures.entry(key, on)
    return int(entry.value), entry.rule or None


def _older_rule_from(route: str, figures: Figures, start: date, on: date) -> date | None:
    if route in NATURALISATION_ROUTES or route not in ROUTE_SPECS:
        return None
    if ROUTE_SPECS[route].absence_limits is no_absence_limit:
        return None
    key = OLDER_RULE_KEYS.get(route, DEFAULT_OLDER_RULE_KEY)
    cutoff = figures.date_(key, on)
    return cutoff if start < cutoff else None


def counted_trips(
    absences: Sequence[Absence], today: date, waits: Mapping[int, EntryWait] | None = None
) -> tuple[int, tuple[CountedTrip, ...]]:
    """(whole days outside in the 12 months ending `today`, the trips they belong to). `waits`:
    the absences that are a wait before entry (`history.with_entry_waits`), by position."""
    waits = waits or {}
    start = window_start(today)
    lo, hi = start.toordinal(), today.toordinal()
    trips = [Trip(a.left.toordinal(), a.returned.toordinal(), i) for i, a in enumerate(absences)]
    inside = AbsenceDays(trips, lo, hi)  # overlapping records count each day once
    per_trip: dict[int, list[int]] = {}
    for day, index in zip(inside.days, inside.trip, strict=True):
        per_trip.setdefault(index, []).append(day)
    out = []
    for index, days in per_trip.items():
        a = absences[index]
        last = min(a.returned.toordinal() - 1, hi)
        wait = waits.get(index)
        out.append(
            CountedTrip(
                a.left,
                a.returned,
                len(days),
                stops_counting(date.fromordinal(last)),
                index if wait is None else wait.permission,
                wait is not None,
            )
        )
    out.sort(key=lambda t: (t.left, t.returned, t.before_entry, t.index))
    return len(inside), tuple(out)


def can_i_travel(history: History, route: str, today: date, figures: Figures) -> TravelAnswer:
    """The days outside in the 12 months ending `today`, the limit on `route` and what is
    left, and when each past trip stops counting."""
    figures = figures.leniently()
    start = window_start(today)
    # The wait before entry on a permission granted from abroad counts too (ENTRY_WAIT_RULE).
    counted, waits = with_entry_waits(history)
    days, trips = counted_trips(counted.absences, today, waits)
    limit, rule = route_limit(route, figures, today)
    covered = [
        p for p in history.permissions if p.start <= today and (p.end is None or p.end >= today)
    ]
    ended = [p.end for p in history.permissions if p.end is not None and p.end < today]
    pending = [
        a.made
        for a in history.applications
        if a.made is not None and a.made <= today and a.decided is None
    ]
    return TravelAnswer(
        route=route,
        today=today,
        start=start,
        days_outside=days,
        limit=limit,
        rule=rule,
        trips=trips,
        older_rule_from=_older_rule_from(route, figures, start, today),
        permission_ended_on=max(ended) if not covered and ended else None,
        no_permission_recorded=not history.permissions,
        pending_since=min(pending) if pending else None,
    )
