"""Counting days: whole days outside the UK, 12-month windows, anniversaries and working days.

Conventions (each one is tested):

* Only whole days outside the UK count: the day of leaving and the day of return are days in the
  UK (Home Office "Indefinite leave to remain: calculating continuous period in UK"; Nationality
  guidance for naturalisation). A trip that leaves 10 January and returns 1 February is 21 days.
* A 12-month window runs from any date to the day before the same date a year later (CR 3.1;
  Continuous residence guidance v7.0). A window starting 29 February ends on 28 February, like a
  window starting 1 March: "the same date a year later" does not exist, so the corresponding-date
  rule rolls it to 1 March.
* Anniversaries (`add_years`, `add_months`) roll a missing day forward to the 1st of the next month
  (a period that starts 29 February 2016 is complete on 1 March 2026); looking back
  (`sub_years`, `sub_months`) clamps to the month end, so the 5 years ending 29 February 2024 begin
  on 1 March 2019.

Everything works on day ordinals (`date.toordinal()`) internally so the cost is linear in the number
of absence days and trips, never days x trips.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

ONE_DAY = timedelta(days=1)


# --------------------------------------------------------------------------------------------
# Calendar arithmetic
# --------------------------------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """The same day `months` later; a day that does not exist rolls to the 1st of the next month."""
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    month = month0 + 1
    last = calendar.monthrange(year, month)[1]
    if d.day <= last:
        return date(year, month, d.day)
    return date(year, month, last) + ONE_DAY


def sub_months(d: date, months: int) -> date:
    """The same day `months` earlier; a day that does not exist clamps to the month's last day."""
    total = d.year * 12 + (d.month - 1) - months
    year, month0 = divmod(total, 12)
    month = month0 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def sub_years(d: date, years: int) -> date:
    return sub_months(d, 12 * years)


def window_end(start: date) -> date:
    """Last day of the 12-month window that starts on `start` (CR 3.1)."""
    return add_years(start, 1) - ONE_DAY


def whole_days_outside(left: date, returned: date) -> int:
    """Whole days outside the UK for one trip: neither the travel days count."""
    return max(0, (returned - left).days - 1)


# --------------------------------------------------------------------------------------------
# Absence days as sorted ordinals
# --------------------------------------------------------------------------------------------


class Trip(NamedTuple):
    """A trip in ordinals: days outside are left+1 .. returned-1. `index` points at the record.

    A named tuple rather than a dataclass: the engine builds thousands of them per assessment."""

    left: int
    returned: int
    index: int = -1


def trips_from_dates(pairs: Iterable[tuple[date, date]]) -> list[Trip]:
    return [Trip(a.toordinal(), b.toordinal(), i) for i, (a, b) in enumerate(pairs)]


class AbsenceDays:
    """Every whole day outside the UK, as sorted ordinals, with the trip each belongs to.

    Built in O(total absence days); `count(a, b)` is two bisections. `clip` keeps only the days
    inside [lo, hi] (a qualifying period), which is how straddling trips are counted in part.
    """

    __slots__ = ("days", "returned", "trip")

    def __init__(self, trips: Iterable[Trip], lo: int | None = None, hi: int | None = None):
        spans: list[tuple[int, int, int, int]] = []
        for t in trips:
            first, last = t.left + 1, t.returned - 1
            if lo is not None and first < lo:
                first = lo
            if hi is not None and last > hi:
                last = hi
            if first <= last:
                spans.append((first, last, t.returned, t.index))
        spans.sort()
        days: list[int] = []
        returned: list[int] = []
        trip: list[int] = []
        prev_last = None
        for first, last, ret, idx in spans:
            if prev_last is not None and first <= prev_last:
                first = prev_last + 1  # overlapping trips are rejected upstream; stay safe
                if first > last:
                    continue
            n = last - first + 1
            days.extend(range(first, last + 1))
            returned.extend([ret] * n)
            trip.extend([idx] * n)
            prev_last = last
        self.days = days
        self.returned = returned
        self.trip = trip

    def __len__(self) -> int:
        return len(self.days)

    def clipped(self, lo: int | None, hi: int | None) -> AbsenceDays:
        """The same days restricted to [lo, hi], by slicing (no rebuild)."""
        i = 0 if lo is None else bisect_left(self.days, lo)
        j = len(self.days) if hi is None else bisect_right(self.days, hi)
        out = AbsenceDays.__new__(AbsenceDays)
        out.days = self.days[i:j]
        out.returned = self.returned[i:j]
        out.trip = self.trip[i:j]
        return out

    def subset(self, trip_indices: set[int]) -> AbsenceDays:
        """The days of some of the trips (by record index), without rebuilding from dates."""
        keep = [i for i, t in enumerate(self.trip) if t in trip_indices]
        out = AbsenceDays.__new__(AbsenceDays)
        days, returned, trip = self.days, self.returned, self.trip
        out.days = [days[i] for i in keep]
        out.returned = [returned[i] for i in keep]
        out.trip = [trip[i] for i in keep]
        return out

    def upto(self, x: int) -> int:
        """Number of absence days on or before ordinal x."""
        return bisect_right(self.days, x)

    def count(self, a: int, b: int) -> int:
        """Absence days in [a, b] (ordinals, inclusive)."""
        if b < a:
            return 0
        return bisect_right(self.days, b) - bisect_left(self.days, a)

    def is_absent(self, x: int) -> bool:
        i = bisect_left(self.days, x)
        return i < len(self.days) and self.days[i] == x


class LeapDays:
    """Ordinals of 29 February in a range, for the 365/366-day window lengths."""

    __slots__ = ("ordinals",)

    def __init__(self, first_year: int, last_year: int):
        self.ordinals = [
            date(y, 2, 29).toordinal()
            for y in range(first_year, last_year + 1)
            if calendar.isleap(y)
        ]

    def window_end(self, a: int) -> int:
        """Ordinal of the last day of the 12-month window starting on ordinal a.

        The window has 366 days exactly when it contains a 29 February, i.e. when
        a is in [L - 365, L] for a leap day L (see the module docstring).
        """
        i = bisect_left(self.ordinals, a)
        if i < len(self.ordinals) and self.ordinals[i] - a <= 365:
            return a + 365
        return a + 364


def leap_days_for(lo: int, hi: int) -> LeapDays:
    return LeapDays(date.fromordinal(max(1, lo)).year - 1, date.fromordinal(hi).year + 2)


#: The last history's trips and days outside, reused while the same history is assessed on
#: several routes (the History tab asks all nine). Keyed by the identity of the absences tuple:
#: histories are immutable, so the same tuple always means the same trips.
_LAST_TRIPS: tuple[tuple, list[Trip], AbsenceDays] | None = None


def trips_and_days(absences: Sequence[Any]) -> tuple[list[Trip], AbsenceDays]:
    """Trips (in ordinals) and all days outside for a history's absences, cached."""
    global _LAST_TRIPS
    cached = _LAST_TRIPS
    if cached is not None and cached[0] is absences:
        return cached[1], cached[2]
    trips = [Trip(a.left.toordinal(), a.returned.toordinal(), i) for i, a in enumerate(absences)]
    absent = AbsenceDays(trips)
    _LAST_TRIPS = (absences, trips, absent)
    return trips, absent


def forget_cached() -> None:
    """Let go of the last history's trips (they hold a client's dates and reasons): the window
    calls this when it locks."""
    global _LAST_TRIPS
    _LAST_TRIPS = None


@dataclass(frozen=True)
class Window:
    """A 12-month window and the whole days outside the UK inside it."""

    days: int
    start: date | None
    end: date | None


def max_in_any_12_months(
    trips: Sequence[Trip],
    lo: date | None = None,
    hi: date | None = None,
    *,
    absent: AbsenceDays | None = None,
) -> Window:
    """The worst 12-month window (CR 3.1), counting only days inside [lo, hi].

    Any window can slide forward to its first day outside the UK without losing a day (its end
    never moves back), so the worst window starts on a day outside the UK. Within a run of
    consecutive days outside, moving the start one day on loses that day and gains at most one,
    so only the first day of each run can be the worst start, and the days where the window
    grows to 366 days (a 29 February comes into it). Ties go to the earliest start. Pass a
    prebuilt `absent` (all the trips' days) to avoid rebuilding it.
    """
    lo_o = lo.toordinal() if lo else None
    hi_o = hi.toordinal() if hi else None
    if absent is None:
        absent = AbsenceDays(trips, lo_o, hi_o)
    else:
        absent = absent.clipped(lo_o, hi_o)
    days = absent.days
    if not days:
        return Window(0, None, None)
    leaps = leap_days_for(days[0], days[-1] + 400)
    grow = {leap - 365 for leap in leaps.ordinals}
    window_end = leaps.window_end
    best, best_start = 0, days[0]
    prev = None
    for i, a in enumerate(days):
        if a - 1 != prev or a in grow:
            n = bisect_right(days, window_end(a), i) - i
            if n > best:
                best, best_start = n, a
        prev = a
    return Window(best, date.fromordinal(best_start), date.fromordinal(window_end(best_start)))


def max_in_any_12_months_brute_force(trips: Sequence[tuple[date, date]], lo: date, hi: date) -> int:
    """Reference implementation for tests: every window start, every day. Slow on purpose."""
    outside: set[date] = set()
    for left, returned in trips:
        d = left + ONE_DAY
        while d < returned:
            if lo <= d <= hi:
                outside.add(d)
            d += ONE_DAY
    best = 0
    start = lo - timedelta(days=370)
    while start <= hi:
        end = window_end(start)
        n = sum(1 for d in outside if start <= d <= end)
        best = max(best, n)
        start += ONE_DAY
    return best


def consecutive_12_month_blocks(application: date, earliest: date) -> list[tuple[date, date]]:
    """CR 3.2: consecutive 12-month periods ending on the application date's anniversaries.

    Returned newest first, back to the block that contains `earliest`.
    """
    blocks: list[tuple[date, date]] = []
    k = 0
    while True:
        end = sub_years(application, k)
        start = sub_years(application, k + 1) + ONE_DAY
        blocks.append((start, end))
        if start <= earliest:
            return blocks
        k += 1


# --------------------------------------------------------------------------------------------
# Working days
# --------------------------------------------------------------------------------------------


def is_working_day(d: date, bank_holidays: Container[date]) -> bool:
    """Monday to Friday, not a bank holiday (GOV.UK: 'Working days are Monday to Friday, not
    including bank holidays')."""
    return d.weekday() < 5 and d not in bank_holidays


def add_working_days(start: date, n: int, bank_holidays: Container[date]) -> date:
    """The n-th working day after `start` (start itself is day 0, whatever it is)."""
    d = start
    remaining = n
    while remaining > 0:
        d += ONE_DAY
        if is_working_day(d, bank_holidays):
            remaining -= 1
    return d


def working_days_between(start: date, end: date, bank_holidays: Container[date]) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    n = 0
    d = start
    while d < end:
        d += ONE_DAY
        if is_working_day(d, bank_holidays):
            n += 1
    return n
