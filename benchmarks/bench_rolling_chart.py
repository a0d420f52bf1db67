"""Timings for the rolling absence chart and the permission timeline (never asserted in tests).

Prints the median time to:
* work out the chart's series for 40 years (about 14,600 days) and 2,000 trips: the 12-month
  line alone, with a planned trip (two lines), and for naturalisation (four lines);
* paint the chart's and the timeline's static pixmap at 1,200 x 400 (what a resize costs;
  hover and keyboard repaints only copy the pixmap and draw a line or an outline).
The series is worked out on a pool thread because it takes tens of milliseconds; painting is
on the UI thread and should stay well under 16 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.assess import load_figures, timeline_for  # noqa: E402
from desktop.rules.history import Absence, Application, History, Permission  # noqa: E402
from desktop.ui.widgets.rolling_chart import (  # noqa: E402
    chart_range,
    compute_chart_data,
    panels_for,
)

TODAY = date(2026, 11, 22)
FIGURES = load_figures()


def make_history(years: int, trips: int, planned: bool, seed: int = 1) -> History:
    rnd = random.Random(seed)
    start = TODAY - timedelta(days=int(years * 365.25))
    perms, apps, cursor = [], [], start
    while cursor < TODAY + timedelta(days=400):
        end = cursor + timedelta(days=913)
        perms.append(Permission("skilled_worker" if perms else "student", cursor, end))
        apps.append(Application("extension", end - timedelta(days=20), end, "granted"))
        cursor = end + timedelta(days=1)
    span = (TODAY - start).days
    slot = span // max(trips, 1)
    absences = []
    for i in range(trips):
        left = start + timedelta(days=i * slot + rnd.randint(0, max(0, slot // 3)))
        length = min(rnd.randint(1, 20), max(1, slot - slot // 3 - 1))
        absences.append(Absence(left, left + timedelta(days=length)))
    if planned:
        absences.append(
            Absence(TODAY + timedelta(days=30), TODAY + timedelta(days=120), planned=True)
        )
    return History(permissions=tuple(perms), applications=tuple(apps), absences=tuple(absences))


def median_ms(fn, runs: int = 9) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    print("Rolling chart series, 40 years (median ms)")
    for title, route, planned in (
        ("12 months, recorded only", "settlement_skilled_worker", False),
        ("12 months + planned trip", "settlement_skilled_worker", True),
        ("naturalisation + planned", "naturalisation_6_1", True),
    ):
        h = make_history(40, 2000, planned)
        first, last = chart_range(h, None, TODAY)
        panels = panels_for(route, TODAY, FIGURES)
        ms = median_ms(
            # A fresh tuple each run: the engine caches the last absences it saw.
            lambda h=h, first=first, last=last, panels=panels: compute_chart_data(
                replace(h, absences=tuple(h.absences)), first, last, panels
            )
        )
        print(f"  {title:28s} {(last - first).days + 1:6d} days {ms:8.1f} ms")
    print("  (worked out on a pool thread: too slow for the UI thread at 40 years)")
    print()

    from PySide6.QtWidgets import QApplication

    from desktop.ui.widgets.permission_timeline import PermissionTimeline
    from desktop.ui.widgets.rolling_chart import RollingAbsenceChart

    app = QApplication.instance() or QApplication([])
    print("Painting the static pixmap at 1,200 x 400 (median ms)")
    for title, years, trips in (
        ("typical: 15 years, 30 trips", 15, 30),
        ("40 years, 2,000 trips", 40, 2000),
    ):
        h = make_history(years, trips, True)
        tl = timeline_for(h, "long_residence", TODAY, today=TODAY)
        chart = RollingAbsenceChart()
        chart.resize(1200, 400)
        first, last = chart_range(h, tl, TODAY)
        chart.set_chart_data(
            compute_chart_data(h, first, last, panels_for("naturalisation_6_1", TODAY, FIGURES)),
            today=TODAY,
            on=TODAY,
        )
        timeline = PermissionTimeline()
        timeline.resize(1200, 400)
        timeline.set_data(h, tl, TODAY)
        chart._render_static(1.0)  # fonts loaded once
        print(f"  {title}")
        print(
            f"    rolling chart, 2 panels           {median_ms(lambda c=chart: c._render_static(1.0)):6.1f} ms"
        )
        print(
            f"    rolling chart, pixel ratio 2      {median_ms(lambda c=chart: c._render_static(2.0)):6.1f} ms"
        )
        print(
            f"    permission timeline ({len(timeline.items()):3d} items) {median_ms(lambda t=timeline: t._render_static(1.0)):6.1f} ms"
        )
        print(
            f"    timeline items from the history   "
            f"{median_ms(lambda t=timeline, h=h, tl=tl: t.set_data(h, tl, TODAY)):6.1f} ms"
        )
    print("  only on a resize or new data (hover and keys repaint from the pixmap); target:")
    print("  under 16 ms (one frame) for a typical client")
    del app


if __name__ == "__main__":
    main()
