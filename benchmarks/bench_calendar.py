"""Timings for the residence calendar widget (offscreen; never asserted in tests).

Prints medians, per zoom level, for a 10-year and a 40-year history with 2,000 trips, on a
1200 x 800 calendar:
* repaint with the year blocks cached (what every hover, selection and focus move costs);
* widget.grab() with the cache (the whole widget: zoom bar, calendar, legend);
* scroll by a page and repaint (cached blocks, new ones appear at the edge);
* rebuild: the cache dropped, then a repaint (a new timeline, zoom or cell width);
* every year block of the history painted (the whole cache, as if scrolled through);
* hover_text and day_at for one day;
and a growth table over years and trips, to show that a cached repaint does not grow with
the history and a rebuild grows with the blocks on screen only.
Target: 40 years repaint in under 20 ms.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_calendar.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_assess import FIGURES, HOLIDAYS, TODAY, make_history  # noqa: E402
from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.rules.day_timeline import day_timeline  # noqa: E402
from desktop.ui.widgets.residence_calendar import ZOOM_LEVELS, ResidenceCalendar  # noqa: E402


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def timeline(years: int, trips: int):
    return day_timeline(
        make_history(years, trips),
        "long_residence",
        TODAY,
        FIGURES,
        bank_holidays=HOLIDAYS,
        today=TODAY,
    )


def calendar(app: QApplication, tl, zoom: str) -> ResidenceCalendar:
    cal = ResidenceCalendar()
    cal.resize(1200, 800)
    cal.show()
    cal.set_timeline(tl, TODAY)
    cal.set_zoom(zoom)
    cal.scroll_to(tl.first_day + (tl.last_day - tl.first_day) / 2)
    app.processEvents()
    cal.viewport().repaint()
    return cal


def rebuild(cal: ResidenceCalendar) -> None:
    cal._invalidate_tiles()
    cal.viewport().repaint()


def all_blocks(cal: ResidenceCalendar) -> None:
    cal._invalidate_tiles()
    dpr = cal.viewport().devicePixelRatioF()
    for year in range(cal.timeline.first_day.year, cal.timeline.last_day.year + 1):
        cal._tile(year, dpr)


def scroller(cal: ResidenceCalendar) -> Callable[[], None]:
    bar = cal.verticalScrollBar()
    state = {"down": True}

    def step() -> None:
        value = bar.value() + (bar.pageStep() if state["down"] else -bar.pageStep())
        if value > bar.maximum() or value < 0:
            state["down"] = not state["down"]
            value = min(max(0, value), bar.maximum())
        bar.setValue(value)
        cal.viewport().repaint()

    return step


def main() -> None:
    app = QApplication.instance() or QApplication([])
    rnd = random.Random(3)
    print("Residence calendar, 1200 x 800, offscreen (median ms)")
    print(
        f"  {'history':20s} {'zoom':7s} {'repaint':>8s} {'grab':>8s} {'scroll':>8s} "
        f"{'rebuild':>8s} {'all blocks':>11s} {'hover':>7s} {'day_at':>7s}  builds"
    )
    for years, trips in ((10, 2000), (40, 2000)):
        tl = timeline(years, trips)
        span = (tl.last_day - tl.first_day).days
        days = [tl.first_day + timedelta(days=rnd.randrange(span)) for _ in range(200)]
        day_iter = iter(days * 10)
        for zoom in ZOOM_LEVELS:
            cal = calendar(app, tl, zoom)
            builds = cal.cache_builds
            repaint = median_ms(cal.viewport().repaint, 60)
            grab = median_ms(cal.grab, 30)
            assert cal.cache_builds == builds  # cached: nothing was painted again
            scroll = median_ms(scroller(cal), 30)
            rebuilt = median_ms(lambda cal=cal: rebuild(cal), 15)
            every = median_ms(lambda cal=cal: all_blocks(cal), 3)
            hover = median_ms(lambda cal=cal, it=day_iter: cal.hover_text(next(it)), 200)
            point = cal.cell_rect(cal.focused_day).center()
            at = median_ms(lambda cal=cal, point=point: cal.day_at(QPointF(point)), 500)
            print(
                f"  {f'{years} y, {trips} trips':20s} {zoom:7s} {repaint:8.2f} {grab:8.2f} "
                f"{scroll:8.2f} {rebuilt:8.2f} {every:11.2f} {hover:7.3f} {at:7.4f}  "
                f"{cal.cache_builds}"
            )
            cal.close()
            cal.deleteLater()
    print("  target: 40 years repaint < 20 ms (repaint and grab use the cached blocks)")
    print()
    trip_counts = [100, 500, 2000]
    for what, fn in (
        ("cached repaint", lambda cal: median_ms(cal.viewport().repaint, 40)),
        ("rebuild + repaint", lambda cal: median_ms(lambda: rebuild(cal), 10)),
    ):
        print(f"Growth, year zoom, {what} (median ms): rows = years, columns = trips")
        print("  years " + "".join(f"{n:>9d}" for n in trip_counts))
        for years in (5, 10, 20, 40):
            row = []
            for n in trip_counts:
                cal = calendar(app, timeline(years, n), "year")
                row.append(fn(cal))
                cal.close()
                cal.deleteLater()
            print(f"  {years:5d} " + "".join(f"{t:9.2f}" for t in row))
        print()


if __name__ == "__main__":
    main()
