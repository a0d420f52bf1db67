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

from bisect import bisect_right
from datetime import date

from desktop.rules.days import AbsenceDays, Trip, consecutive_12_month_blocks, leap_days_for
from desktop.rules.verdict import Breach


def _d(o: int) -> date:
    return date.fromordinal(o)


class RollingLimit:
    """CR 3.1: at most `limit` whole days outside the UK in any 12-month window."""

    def __init__(self, trips: list[Trip], limit: int, rule: str = "CR 3.1"):
        self.limit = limit
        self.rule = rule
        self.absent = AbsenceDays(trips)
        days = self.absent.days
        self.ends: list[int] = []
        self.counts: list[int] = []
        self.kmax: list[int] = []
        if not days:
            return
        leaps = leap_days_for(days[0], days[-1] + 400)
        best = -1
        ends, counts, kmax = self.ends, self.counts, self.kmax
        for i, a in enumerate(days):
            e = leaps.window_end(a)
            j = bisect_right(days, e, i)
            n = j - i
            if n > limit:
                k = j - limit - 1  # the day that takes the window over the limit
                if k > best:
                    best = k
            ends.append(e)
            counts.append(n)
            kmax.append(best)

    def _k(self, x: int) -> int:
        days = self.absent.days
        if not days:
            return -1
        idx = bisect_right(self.ends, x)
        k = self.kmax[idx - 1] if idx else -1
        # Windows that run past X count only up to X.
        if idx < len(days) and days[idx] <= x:
            j = bisect_right(days, x, idx)
            if j - idx > self.limit:
                k = max(k, j - self.limit - 1)
        return k

    def restart(self, x: int, s: int) -> int | None:
        k = self._k(x)
        if k >= 0 and self.absent.days[k] >= s:
            return self.absent.returned[k]
        return None

    def breaches(self, lo: int, x: int) -> list[Breach]:
        """One breach per run of overlapping over-limit windows: the worst window of the run."""
        days = self.absent.days
        out: list[Breach] = []
        cur: list[int] | None = None  # [count, start, end, run_end]
        for i, a in enumerate(days):
            if a > x:
                break
            e = self.ends[i]
            n = self.counts[i] if e <= x else bisect_right(days, x, i) - i
            if n <= self.limit or e < lo:
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
    date's anniversaries (for absences during permission granted before 11 January 2018)."""

    def __init__(self, trips: list[Trip], limit: int, rule: str = "CR 3.2"):
        self.limit = limit
        self.rule = rule
        self.absent = AbsenceDays(trips)

    def _blocks(self, x: int, lo: int) -> list[tuple[int, int, int]]:
        if not self.absent.days:
            return []
        first = max(lo, self.absent.days[0])
        if first > x:
            return []
        out = []
        for bs, be in consecutive_12_month_blocks(_d(x), _d(first)):
            s, e = bs.toordinal(), be.toordinal()
            out.append((s, e, self.absent.count(s, e)))
        return out

    def restart(self, x: int, s: int) -> int | None:
        best = None
        for _bs, be, n in self._blocks(x, s):
            if n > self.limit:
                k = self.absent.upto(be) - self.limit - 1
                if self.absent.days[k] >= s:
                    r = self.absent.returned[k]
                    best = r if best is None else max(best, r)
        return best

    def breaches(self, lo: int, x: int) -> list[Breach]:
        return [
            Breach(
                self.rule,
                _d(bs),
                _d(be),
                n,
                f"{n} days outside the UK in the 12 months from {_d(bs)} to {_d(be)} "
                f"(counted back from the application date): more than {self.limit}",
            )
            for bs, be, n in sorted(self._blocks(x, lo))
            if n > self.limit
        ]


class SingleLimit:
    """CR 3.3(b): no single absence over `limit` days (long residence, started before cut-off)."""

    def __init__(self, trips: list[Trip], limit: int, rule: str = "CR 3.3"):
        self.limit = limit
        self.rule = rule
        self.long = sorted(
            (t.returned - 1, t.returned, t.left, t.index)
            for t in trips
            if t.returned - t.left - 1 > limit
        )

    def restart(self, x: int, s: int) -> int | None:
        best = None
        for last, returned, _left, _i in self.long:
            if last > x:
                break
            if last >= s:
                best = returned
        return best

    def breaches(self, lo: int, x: int) -> list[Breach]:
        return [
            Breach(
                self.rule,
                _d(left),
                _d(returned),
                returned - left - 1,
                f"One absence of {returned - left - 1} days (absences[{i}]): more than the "
                f"{self.limit} days allowed at any one time for an absence that started before "
                "11 April 2024",
            )
            for last, returned, left, i in self.long
            if last >= lo and left <= x
        ]


class TotalLimit:
    """CR 3.3(a): no more than `limit` days in total, counting days before `cutoff` only."""

    def __init__(self, trips: list[Trip], limit: int, cutoff: int, rule: str = "CR 3.3"):
        self.limit = limit
        self.rule = rule
        self.cutoff = cutoff
        self.absent = AbsenceDays(trips, hi=cutoff - 1)

    def restart(self, x: int, s: int) -> int | None:
        b = min(x, self.cutoff - 1)
        total = self.absent.upto(b)
        if total > self.limit:
            k = total - self.limit - 1
            if self.absent.days[k] >= s:
                return self.absent.returned[k]
        return None

    def total(self, lo: int, x: int) -> int:
        return self.absent.count(lo, min(x, self.cutoff - 1))

    def breaches(self, lo: int, x: int) -> list[Breach]:
        n = self.total(lo, x)
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
                f"11 April 2024; the limit of {self.limit} days was passed on {_d(reached)}",
            )
        ]
