"""Timings for the residence engine (run by `make bench`; never asserted in tests).

Prints the median time to assess:
* a typical client: 10 years of permission, 40 trips;
* a 40-year history with 2,000 absences (the earliest date is always computed);
* the hard case of issue 6: 40 years, about 2,000 trips, permission granted before 2018 so
  absences are judged in CR 3.2 consecutive blocks, with long trips that breach the limits;
* the day-by-day timeline (the calendar's data) for the 40-year histories;
and growth tables over years and trips, to show the cost is linear (not days x trips).
Targets: typical < 5 ms; 40 years / 2,000 trips (hard case included) < 10 ms; timeline well
under 10 ms.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.assess import bank_holidays, load_figures  # noqa: E402
from desktop.rules.day_timeline import day_timeline  # noqa: E402
from desktop.rules.history import Absence, History, Permission  # noqa: E402
from desktop.rules.residence import assess  # noqa: E402

FIGURES = load_figures()
HOLIDAYS = bank_holidays("england-and-wales", 1980, 2030)
TODAY = date(2026, 11, 22)


def make_history(years: int, trips: int, seed: int = 1) -> History:
    rnd = random.Random(seed)
    start = TODAY - timedelta(days=int(years * 365.25))
    perms = []
    cursor = start
    while cursor < TODAY + timedelta(days=400):
        end = cursor + timedelta(days=913)  # 30 months
        perms.append(Permission("skilled_worker" if perms else "student", cursor, end))
        cursor = end + timedelta(days=1)
    span = (TODAY - start).days
    slot = span // max(trips, 1)
    absences = []
    for i in range(trips):
        left = start + timedelta(days=i * slot + rnd.randint(0, max(0, slot // 3)))
        length = min(rnd.randint(1, 20), max(1, slot - slot // 3 - 1))
        absences.append(Absence(left, left + timedelta(days=length)))
    return History(permissions=tuple(perms), absences=tuple(absences))


def make_hard_history(years: int, trips: int, seed: int = 1) -> History:
    """Permission granted before 11 January 2018 (CR 3.2 blocks) and about 1% long trips of
    60-200 days among short ones, so some 12-month blocks are over the limit."""
    rnd = random.Random(seed)
    start = TODAY - timedelta(days=int(years * 365.25))
    perms, cursor = [], start
    while cursor < date(2015, 1, 1):
        end = cursor + timedelta(days=913)
        perms.append(Permission("skilled_worker", cursor, end))
        cursor = end + timedelta(days=1)
    perms.append(Permission("skilled_worker", cursor, date(2031, 1, 1), cursor))
    absences: list[Absence] = []
    day = start + timedelta(days=30)
    gap = max(1, (TODAY - start).days // max(trips, 1) - 3)
    while len(absences) < trips and day < TODAY - timedelta(days=30):
        length = rnd.randint(60, 200) if rnd.random() < 0.01 else rnd.randint(1, 4)
        absences.append(Absence(day, day + timedelta(days=length + 1)))
        day = day + timedelta(days=length + 1 + rnd.randint(1, gap))
    return History(permissions=tuple(perms), absences=tuple(absences))


def median_timeline_ms(h: History, route: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        day_timeline(h, route, TODAY, FIGURES, bank_holidays=HOLIDAYS, today=TODAY)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def median_ms(h: History, route: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        a = assess(h, route, TODAY, FIGURES, bank_holidays=HOLIDAYS, today=TODAY)
        times.append((time.perf_counter() - t0) * 1000)
    assert a.earliest_application_date is not None or not a.eligible
    return statistics.median(times)


def main() -> None:
    typical = make_history(10, 40)
    big = make_history(40, 2000)
    print("Residence engine timings (median, earliest date included)")
    for route in (
        "long_residence",
        "settlement_skilled_worker",
        "settlement_10y_route",
        "settlement_discretionary_leave",
        "naturalisation_6_1",
    ):
        t1 = median_ms(typical, route, 50)
        t2 = median_ms(big, route, 15)
        print(
            f"  {route:32s} typical (10 y, 40 trips): {t1:6.2f} ms   "
            f"40 y, 2,000 trips: {t2:6.2f} ms"
        )
    print("  targets: typical < 5 ms, 40 years / 2,000 trips < 10 ms")
    print()
    hard = make_hard_history(40, 2000)
    print(f"Hard case: 40 years, {len(hard.absences)} trips, CR 3.2 blocks, breaches (median)")
    for route in ("settlement_skilled_worker", "settlement_10y_route", "long_residence"):
        a = assess(hard, route, TODAY, FIGURES, bank_holidays=HOLIDAYS, today=TODAY)
        print(
            f"  {route:32s} {median_ms(hard, route, 15):6.2f} ms   "
            f"({len(a.breaches)} breaches, earliest {a.earliest_application_date})"
        )
    print("  target: < 10 ms")
    print()
    print("Day-by-day timeline, assessment included (median ms)")
    for name, h in (("40 y, 2,000 trips", big), ("hard case", hard)):
        print(f"  {name:20s} {median_timeline_ms(h, 'long_residence', 15):6.2f} ms")
    print("  target: well under 10 ms")
    print()
    trip_counts = [50, 250, 500, 1000, 2000]
    for title, maker, route in (
        ("long_residence", make_history, "long_residence"),
        ("hard case, CR 3.2", make_hard_history, "settlement_skilled_worker"),
    ):
        print(f"Growth ({title}, median ms): rows = years, columns = trips")
        print("  years " + "".join(f"{n:>9d}" for n in trip_counts))
        for years in (10, 20, 40):
            row = [median_ms(maker(years, n), route, 7) for n in trip_counts]
            print(f"  {years:5d} " + "".join(f"{t:9.2f}" for t in row))
        print()


if __name__ == "__main__":
    main()
