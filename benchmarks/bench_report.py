"""Time to make the printed residence report (run by `make bench`; never asserted in tests).

Prints the median time to build the PDF bytes (timeline already made, as the UI has it) for:
* a typical client: the example history (12 years of calendar, one trip);
* a 40-year history with 500 trips (about 20 pages: 4 calendar pages, a long trips table).
Targets: typical under 0.5 s; 40 years / 500 trips under 5 s (it runs off the UI thread with a
progress dialog, so this is about waiting, not a frozen window).
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.assess import timeline_for  # noqa: E402
from desktop.printing.residence_report import build_residence_report  # noqa: E402
from desktop.rules.history import Absence, History, Permission, parse_history  # noqa: E402

TODAY = date(2025, 1, 10)


def long_history(years: int = 40, trips: int = 500, seed: int = 7) -> History:
    rnd = random.Random(seed)
    start = TODAY - timedelta(days=int(years * 365.25))
    perms, cursor = [], start
    while cursor < TODAY + timedelta(days=400):
        end = cursor + timedelta(days=913)
        perms.append(Permission("skilled_worker" if perms else "student", cursor, end))
        cursor = end + timedelta(days=1)
    absences, day = [], start + timedelta(days=10)
    gap = max(3, (TODAY - start).days // trips - 8)
    for _ in range(trips):
        length = rnd.randint(1, 12)
        absences.append(Absence(day, day + timedelta(days=length + 1), reason="visit"))
        day += timedelta(days=length + 2 + rnd.randint(1, gap))
    return History(permissions=tuple(perms), absences=tuple(absences))


def median_s(history: History, route: str | None, on: date | None, runs: int) -> tuple[float, int]:
    timeline = timeline_for(history, route, on, today=TODAY)
    times, size = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        pdf = build_residence_report(history, timeline, made_on=TODAY)
        times.append(time.perf_counter() - t0)
        size = len(pdf)
    return statistics.median(times), size


def main() -> int:
    example = ROOT / "tests" / "data" / "cases" / "long_residence_example.json"
    typical = parse_history(json.loads(example.read_text(encoding="utf-8")))
    t, size = median_s(typical, None, None, runs=9)
    print(f"typical report: median {t * 1000:.0f} ms ({size // 1024} KiB)  target < 500 ms")
    t, size = median_s(long_history(), "long_residence", date(2025, 6, 1), runs=3)
    print(f"40 years, 500 trips: median {t:.2f} s ({size // 1024} KiB)  target < 5 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
