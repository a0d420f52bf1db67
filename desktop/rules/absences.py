"""Absence limits as restart points.

Each limit answers two questions in near-constant time after one linear pass:

* `restart(X, S)`: if the qualifying period started on S and the application is made on X, does a
  limit fail? If so, the earliest day after the failing absences the period could start again
  (the return date of the trip that takes the count over the limit). A later start never makes
  things worse, so the earliest good start is simply the latest restart point.
* `breaches(lo, X)`: the windows, blocks or trips that break the limit, for the report.

Limits:
* `RollingLimit`   CR 3.1 - no more than 180 days in any 12 months (rolling windows).
* `BlockLimit`     CR 3.2 - 180 days in consecutive 12-month blocks ending on the application
                   date's anniversaries (absences during permission granted before 11 Jan 2018).
* `SingleLimit`    CR 3.3 - no single absence over 184 days (long residence, started before
                   11 April 2024).
* `TotalLimit`     CR 3.3 - no more than 548 days in total, where reached before 11 April 2024.

Positions are day ordinals. A restart point is only used when the offending day is on or after S
(absences before the period started do not matter).
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from datetime import date

from desktop.rules import wording
from desktop.rules.days import AbsenceDays, Trip, leap_days_for, max_in_any_12_months
from desktop.rules.verdict import Breach, Reason


def _d(o: int) -> date:
    return date.fromordinal(o)


class RollingLimit:
    """CR 3.1: at most `limit` whole days outside the UK in any 12-month window."""

    def __init__(
        self,
        trips: list[Trip],
        limit: int,
        rule: str = "CR 3.1",
        scope: str = "Absences",
        absent: AbsenceDays | None = None,
    ):
        self.limit = limit
        self.rule = rule
        self.scope = scope
        self.trips = trips
        self.absent = absent if absent is not None else AbsenceDays(trips)
        days = self.absent.days
        self.ends: list[int] = []
        self.counts: list[int] = []
        self.kmax: list[int] = []
        if not days:
            return
        # Most histories never come near the limit: one look at the worst window (a pass over
        # the runs of days outside, not every day) settles that no restart or breach can come.
        self.worst = max_in_any_12_months(trips, absent=self.absent)
        if self.worst.days <= limit:
            self.absent_never_over = True
            return
        leap_days = leap_days_for(days[0], days[-1] + 400).ordinals
        best = -1
        ends, counts, kmax = self.ends, self.counts, self.kmax
        # One pass with two pointers (this runs for every assessment): `leap` is the first
        # 29 February on or after the window's start (the window then has 366 days when that
        # day falls inside it, as LeapDays.window_end), `j` the first day after the window.
        n_days, n_leaps = len(days), len(leap_days)
        leap = j = 0
        for i, a in enumerate(days):
            while leap < n_leaps and leap_days[leap] < a:
                leap += 1
            e = a + 365 if leap < n_leaps and leap_days[leap] - a <= 365 else a + 364
            if j < i:
                j = i
            while j < n_days and days[j] <= e:
                j += 1
            n = j - i
            if n > limit:
                over_day = j - limit - 1  # the day that takes the window over the limit
                if over_day > best:
                    best = over_day
            ends.append(e)
            counts.append(n)
            kmax.append(best)

    #: True when no 12-month window of these absences is over the limit (nothing to restart).
    absent_never_over = False

    def _over_day(self, apply_day: int) -> int:
        days = self.absent.days
        if not days or self.absent_never_over:
            return -1
        idx = bisect_right(self.ends, apply_day)
        over_day = self.kmax[idx - 1] if idx else -1
        # Windows that run past X count only up to X.
        if idx < len(days) and days[idx] <= apply_day:
            j = bisect_right(days, apply_day, idx)
            if j - idx > self.limit:
                over_day = max(over_day, j - self.limit - 1)
        return over_day

    def restart(self, apply_day: int, chain_start: int, period_lo: int | None = None) -> int | None:
        over_day = self._over_day(apply_day)
        if over_day >= 0 and self.absent.days[over_day] >= chain_start:
            return self.absent.returned[over_day]
        return None

    def explain_restart(
        self, apply_day: int, chain_start: int, period_lo: int | None = None
    ) -> Breach | None:
        """The over-limit window whose trip sets the restart (for the reason)."""
        restart_day = self.restart(apply_day, chain_start)
        if restart_day is None:
            return None
        found = [
            b for b in self.breaches(chain_start, apply_day) if b.start.toordinal() < restart_day
        ]
        return found[-1] if found else None

    def summary(self, lo: int, apply_day: int) -> Reason:
        w = max_in_any_12_months(self.trips, _d(lo), _d(apply_day), absent=self.absent)
        return wording.rolling_summary(w.days, w.start, w.end, self.limit, self.rule, self.scope)

    def breaches(self, lo: int, apply_day: int) -> list[Breach]:
        """One breach per run of overlapping over-limit windows: the worst window of the run."""
        if self.absent_never_over:
            return []
        days = self.absent.days
        out: list[Breach] = []
        cur: list[int] | None = None  # [count, start, end, run_end]
        # Windows inside the period only: one that starts before `lo` holds no more days of the
        # period than the window starting on the period's first day outside the UK.
        for i in range(bisect_left(days, lo), len(days)):
            a = days[i]
            if a > apply_day:
                break
            e = self.ends[i]
            n = self.counts[i] if e <= apply_day else bisect_right(days, apply_day, i) - i
            if n <= self.limit:
                continue
            if cur is not None and a > cur[3]:
                out.append(self._breach(cur[0], cur[1], cur[2]))
                cur = None
            if cur is None:
                cur = [n, a, e, e]
            else:
                if n > cur[0]:
                    cur[0], cur[1], cur[2] = n, a, e
                cur[3] = max(cur[3], e)
        if cur is not None:
            out.append(self._breach(cur[0], cur[1], cur[2]))
        return out

    def _breach(self, n: int, a: int, e: int) -> Breach:
        return Breach(
            self.rule,
            _d(a),
            _d(e),
            n,
            f"{n} days outside the UK between {_d(a)} and {_d(e)}: more than the "
            f"{self.limit} days allowed in any 12 months",
        )


class BlockLimit:
    """CR 3.2: at most `limit` days in each consecutive 12-month block ending on the application
    date's anniversaries (for absences during permission granted before 11 January 2018).

    Only the blocks that make up the qualifying period count back from the application date
    (`period_lo` is its first day); a block breach before it does not matter.
    """

    def __init__(
        self,
        trips: list[Trip],
        limit: int,
        cutoff: date,
        rule: str = "CR 3.2",
        absent: AbsenceDays | None = None,
    ):
        self.limit = limit
        self.rule = rule
        self.cutoff = cutoff
        self.absent = absent if absent is not None else AbsenceDays(trips)

    def _blocks(self, apply_day: int, lo: int) -> list[tuple[int, int, int]]:
        """(first day, last day, days outside) for each block back to the one holding `lo`,
        newest first. Ordinal arithmetic: this runs for every candidate date."""
        days = self.absent.days
        if not days:
            return []
        first = max(lo, days[0])
        if first > apply_day:
            return []
        xd = _d(apply_day)
        year, month, day = xd.year, xd.month, xd.day
        leap_day = month == 2 and day == 29
        out = []
        end = apply_day
        over_day = 1
        count = self.absent.count
        while True:
            y = year - over_day
            if leap_day and not calendar.isleap(y):
                start = date(y, 2, 28).toordinal() + 1
            else:
                start = date(y, month, day).toordinal() + 1
            out.append((start, end, count(max(start, lo), end)))
            if start <= first:
                return out
            end = start - 1
            over_day += 1

    def restart(self, apply_day: int, chain_start: int, period_lo: int | None = None) -> int | None:
        best = None
        lo = chain_start if period_lo is None else max(chain_start, period_lo)
        for _bs, be, n in self._blocks(apply_day, lo):
            if n > self.limit:
                over_day = self.absent.upto(be) - self.limit - 1
                if self.absent.days[over_day] >= chain_start:
                    restart_day = self.absent.returned[over_day]
                    best = restart_day if best is None else max(best, restart_day)
        return best

    def restart_and_slack(
        self, apply_day: int, chain_start: int, period_lo: int | None = None
    ) -> tuple[int | None, int]:
        """The restart, and how far the application date can move on while the block that sets
        it stays over the limit: moving the blocks by j days takes at most j days (and a day
        for a 29 February) out of a block, and its restart never moves back."""
        best, slack = None, 0
        lo = chain_start if period_lo is None else max(chain_start, period_lo)
        for _bs, be, n in self._blocks(apply_day, lo):
            if n > self.limit:
                over_day = self.absent.upto(be) - self.limit - 1
                if self.absent.days[over_day] >= chain_start:
                    restart_day = self.absent.returned[over_day]
                    if best is None or restart_day > best:
                        best, slack = restart_day, n - self.limit
        return best, slack

    def explain_restart(
        self, apply_day: int, chain_start: int, period_lo: int | None = None
    ) -> Breach | None:
        lo = chain_start if period_lo is None else max(chain_start, period_lo)
        found = self.breaches(lo, apply_day)
        return found[-1] if found else None

    def worst(self, lo: int, apply_day: int) -> tuple[int, int | None, int | None]:
        best = (0, None, None)
        for bs, be, n in self._blocks(apply_day, lo):
            if n >= best[0]:
                best = (n, bs, be)
        return best

    def summary(self, lo: int, apply_day: int) -> Reason:
        n, bs, be = self.worst(lo, apply_day)
        return wording.block_summary(
            n,
            _d(max(bs, lo)) if bs is not None else None,
            _d(be) if be is not None else None,
            self.limit,
            self.rule,
            self.cutoff,
        )

    def breaches(self, lo: int, apply_day: int) -> list[Breach]:
        return [
            Breach(
                self.rule,
                _d(bs),
                _d(be),
                n,
                f"{n} days outside the UK in the 12 months from {_d(bs)} to {_d(be)} "
                f"(counted back from the application date): more than {self.limit}",
            )
            for bs, be, n in sorted(self._blocks(apply_day, lo))
            if n > self.limit
        ]


class SingleLimit:
    """CR 3.3(b): no single absence over `limit` days (long residence, started before cut-off)."""

    def __init__(
        self,
        trips: list[Trip],
        limit: int,
        cutoff: date,
        rule: str = "CR 3.3",
        absent: AbsenceDays | None = None,
    ):
        self.limit = limit
        self.rule = rule
        self.cutoff = cutoff
        self.trips = trips
        self.absent = absent if absent is not None else AbsenceDays(trips)
        self.long = sorted(
            (t.returned - 1, t.returned, t.left, t.index)
            for t in trips
            if t.returned - t.left - 1 > limit
        )

    def restart(self, apply_day: int, chain_start: int, period_lo: int | None = None) -> int | None:
        best = None
        for last, returned, _left, _i in self.long:
            if last > apply_day:
                break
            if last >= chain_start:
                best = returned
        return best

    def explain_restart(
        self, apply_day: int, chain_start: int, period_lo: int | None = None
    ) -> Breach | None:
        restart_day = self.restart(apply_day, chain_start)
        found = [
            b for b in self.breaches(chain_start, apply_day) if b.end.toordinal() == restart_day
        ]
        return found[-1] if found else None

    def summary(self, lo: int, apply_day: int) -> Reason:
        longest = max(
            (
                min(t.returned - 1, apply_day) - max(t.left + 1, lo) + 1
                for t in self.trips
                if t.returned - 1 >= lo and t.left < apply_day
            ),
            default=0,
        )
        return wording.single_summary(max(0, longest), self.limit, self.rule, self.cutoff)

    def breaches(self, lo: int, apply_day: int) -> list[Breach]:
        return [
            Breach(
                self.rule,
                _d(left),
                _d(returned),
                returned - left - 1,
                f"One absence of {returned - left - 1} days (absences[{i}]): more than the "
                f"{self.limit} days allowed at any one time for an absence that started before "
                f"{wording.long_date(self.cutoff)}",
            )
            for last, returned, left, i in self.long
            if last >= lo and left <= apply_day
        ]


class TotalLimit:
    """CR 3.3(a): no more than `limit` days in total, counting days before `cutoff` only."""

    def __init__(
        self,
        trips: list[Trip],
        limit: int,
        cutoff: int,
        rule: str = "CR 3.3",
        absent: AbsenceDays | None = None,
    ):
        self.limit = limit
        self.rule = rule
        self.cutoff = cutoff
        self.absent = (
            absent.clipped(None, cutoff - 1)
            if absent is not None
            else AbsenceDays(trips, hi=cutoff - 1)
        )

    def explain_restart(
        self, apply_day: int, chain_start: int, period_lo: int | None = None
    ) -> Breach | None:
        found = self.breaches(chain_start, apply_day)
        return found[-1] if found else None

    def summary(self, lo: int, apply_day: int) -> Reason:
        return wording.total_summary(
            self.total(lo, apply_day), self.limit, self.rule, _d(self.cutoff)
        )

    def restart(self, apply_day: int, chain_start: int, period_lo: int | None = None) -> int | None:
        b = min(apply_day, self.cutoff - 1)
        total = self.absent.upto(b)
        if total > self.limit:
            over_day = total - self.limit - 1
            if self.absent.days[over_day] >= chain_start:
                return self.absent.returned[over_day]
        return None

    def total(self, lo: int, apply_day: int) -> int:
        return self.absent.count(lo, min(apply_day, self.cutoff - 1))

    def breaches(self, lo: int, apply_day: int) -> list[Breach]:
        n = self.total(lo, apply_day)
        if n <= self.limit:
            return []
        reached = self.absent.days[self.absent.upto(lo - 1) + self.limit]
        return [
            Breach(
                self.rule,
                _d(lo),
                _d(reached),
                n,
                f"{n} days outside the UK in total during the qualifying period before "
                f"{wording.long_date(_d(self.cutoff))}; the limit of {self.limit} days was "
                f"passed on {_d(reached)}",
            )
        ]
