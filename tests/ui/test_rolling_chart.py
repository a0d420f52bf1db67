"""The rolling absence chart: its series, limits from the figures, roll-out marks, the planned
part, hover text and the keyboard cursor."""

from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from desktop.assess import load_figures, timeline_for
from desktop.rules.day_timeline import days_outside_in_12_months_ending
from desktop.rules.figures import Figures
from desktop.rules.history import Absence
from desktop.ui.widgets.dates import format_date
from desktop.ui.widgets.rolling_chart import (
    RollingAbsenceChart,
    compute_chart_data,
    days_outside_in_years_ending,
    panels_for,
    rolls_out_on,
)
from tests.rules.helpers import D, history, perm, trip

TODAY = D("2025-10-01")
ONE = timedelta(days=1)

HISTORY = history(
    perms=[perm("skilled_worker", "2019-01-01", "2027-12-31")],
    absences=[
        trip("2019-05-01", "2019-05-20"),
        # 181 whole days: 2 September 2021 to 1 March 2022.
        trip("2021-09-01", "2022-03-02"),
        trip("2023-07-10", "2023-08-01"),
        trip("2026-02-01", "2026-05-01", planned=True),
    ],
)
ROUTE, ON = "settlement_skilled_worker", D("2026-09-01")


def chart_for(qtbot, h=HISTORY, route=ROUTE, on=ON, **kw):
    chart = RollingAbsenceChart()
    qtbot.addWidget(chart)
    chart.resize(1000, 320)
    chart.show()
    qtbot.waitExposed(chart)
    tl = timeline_for(h, route, on, today=TODAY)
    with qtbot.waitSignal(chart.ready, timeout=5000):
        chart.set_data(h, tl, today=TODAY, **kw)
    return chart, tl


def test_series_is_the_engine_line_with_and_without_planned_trips(qtbot):
    chart, tl = chart_for(qtbot)
    data = chart.chart_data()
    assert data.first <= tl.first_day and data.last >= tl.last_day
    assert data.values[0] == days_outside_in_12_months_ending(HISTORY, data.first, data.last)
    recorded = replace(HISTORY, absences=tuple(a for a in HISTORY.absences if not a.planned))
    assert data.recorded[0] == days_outside_in_12_months_ending(recorded, data.first, data.last)
    assert max(data.values[0]) == 181


def test_series_is_worked_out_off_the_ui_thread_and_a_stale_result_is_dropped(qtbot):
    chart = RollingAbsenceChart()
    qtbot.addWidget(chart)
    other = history(perms=[perm("skilled_worker", "2019-01-01", "2027-12-31")])
    chart.set_data(other, None, route=ROUTE, on=ON, today=TODAY)
    assert chart.is_working() and not chart.is_ready()
    assert chart.accessibleDescription() == "Working out the chart…"
    chart.set_data(HISTORY, None, route=ROUTE, on=ON, today=TODAY)
    qtbot.waitUntil(chart.is_ready, timeout=5000)
    qtbot.wait(100)  # the first job's answer has come back too by now, and was dropped
    assert max(chart.chart_data().values[0]) == 181


def test_limits_come_from_the_figures():
    real = load_figures()
    (panel,) = panels_for(ROUTE, ON, real)
    assert (panel.years, panel.limit, panel.rule, panel.firm) == (
        1,
        real.int_("cr.absence_limit_days", ON),
        real.entry("cr.absence_limit_days", ON).rule,
        True,
    )
    # Change the figure: the chart follows it (no literal 180 anywhere).
    changed = {
        k: tuple(replace(e, value=123) for e in v) if k == "cr.absence_limit_days" else v
        for k, v in real.by_key.items()
    }
    assert panels_for(ROUTE, ON, Figures(changed))[0].limit == 123

    nat = panels_for("naturalisation_6_1", ON, real)
    assert [(p.years, p.limit, p.key) for p in nat] == [
        (1, real.int_("nat.last_12_months_limit_days", ON), "nat.last_12_months_limit_days"),
        (
            real.int_("nat.s6_1.years", ON),
            real.int_("nat.s6_1.total_limit_days", ON),
            "nat.s6_1.total_limit_days",
        ),
    ]
    nat2 = panels_for("naturalisation_6_2", ON, real)
    assert [(p.years, p.limit) for p in nat2] == [
        (1, real.int_("nat.last_12_months_limit_days", ON)),
        (real.int_("nat.s6_2.years", ON), real.int_("nat.s6_2.total_limit_days", ON)),
    ]


@pytest.mark.parametrize(
    "route",
    ["settlement_partner_5y", "settlement_discretionary_leave", "settlement_protection"],
)
def test_routes_with_no_fixed_limit_show_a_guide(route):
    (panel,) = panels_for(route, ON, load_figures())
    assert not panel.firm
    assert "no fixed limit" in panel.limit_text


def test_naturalisation_has_a_second_line_for_the_whole_period(qtbot):
    chart, _tl = chart_for(qtbot, route="naturalisation_6_1")
    data = chart.chart_data()
    years = load_figures().int_("nat.s6_1.years", ON)
    assert len(data.panels) == 2
    assert data.values[0] == days_outside_in_12_months_ending(HISTORY, data.first, data.last)
    # Brute force for a few days: every whole day outside in the N years ending that day.
    out = {a.left + ONE * k for a in HISTORY.absences for k in range(1, (a.returned - a.left).days)}
    from desktop.rules.days import sub_years

    for day in (D("2022-03-01"), D("2024-01-01"), D("2026-06-01")):
        start = sub_years(day, years) + ONE
        expected = sum(1 for d in out if start <= d <= day)
        assert data.values[1][(day - data.first).days] == expected


def test_n_year_series_matches_the_engine_for_one_year():
    first, last = D("2018-01-01"), D("2027-01-01")
    assert days_outside_in_years_ending(HISTORY, first, last, 1) == (
        days_outside_in_12_months_ending(HISTORY, first, last)
    )


def test_roll_out_marks_are_on_the_first_day_a_trip_no_longer_counts(qtbot):
    chart, _tl = chart_for(qtbot)
    data = chart.chart_data()
    marks = {r.record: r for r in data.rollouts}
    assert marks["absences[1]"].day == D("2023-03-01")  # last day out 1 March 2022
    assert marks["absences[0]"].day == D("2020-05-19")
    assert marks["absences[3]"].planned
    for r in data.rollouts:
        i = (r.day - data.first).days
        own = (r.returned - r.left).days - 1
        # The day before, the window still holds the trip's last day; on the day, none of it.
        assert data.values[0][i - 1] - data.values[0][i] >= 1
        assert data.values[0][i] <= data.values[0][i - 1] and own > 0
    # 29 February: a year after it the window starts on 1 March.
    assert rolls_out_on(D("2020-03-01")) == D("2021-03-01")
    only = history(absences=[Absence(D("2020-02-10"), D("2020-03-01"))])
    line = days_outside_in_12_months_ending(only, D("2021-02-27"), D("2021-03-01"))
    # The 12 months ending 27 Feb 2021 start on 28 Feb 2020 (2 days out), those ending 28 Feb
    # on 29 Feb (1 day), those ending 1 March on 2 March: the trip has rolled out.
    assert line == [2, 1, 0]


def test_the_planned_part_of_the_line_is_dashed(qtbot):
    chart, _tl = chart_for(qtbot)
    data = chart.chart_data()
    planned = HISTORY.absences[3]
    # From the first whole day of the planned trip until it rolls out of the 12 months.
    assert data.dashed_ranges(0) == [(planned.left + ONE, rolls_out_on(planned.returned) - ONE)]
    assert data.depends_on_planned(0, D("2026-03-01"))
    assert not data.depends_on_planned(0, D("2025-12-31"))
    # No planned trips: no dashed part.
    recorded = replace(HISTORY, absences=HISTORY.absences[:3])
    plain = compute_chart_data(recorded, data.first, data.last, data.panels)
    assert plain.dashed_ranges(0) == [] and plain.values[0] is plain.recorded[0]


def test_hover_text_at_a_given_x(qtbot):
    chart, _tl = chart_for(qtbot)
    day = D("2022-03-03")
    x = chart.x_for(day)
    y = chart.panel_rect(0).center().y()
    text = chart.text_at(QPointF(x, y))
    assert text == "12 months ending 3 Mar 2022: 181 days; limit 180 (CR 3.1), 1 over"
    # The real tooltip event (at a whole pixel: the day under it) shows the same kind of text.
    pos = QPoint(round(x), round(y))
    QApplication.sendEvent(chart, QHelpEvent(QEvent.Type.ToolTip, pos, chart.mapToGlobal(pos)))
    under = chart.date_at(pos.x())
    assert abs((under - day).days) <= 4  # a pixel is about 3 days here
    assert QToolTip.text() == chart.value_text(under)
    assert QToolTip.text().startswith(f"12 months ending {format_date(under)}: ")
    # With a planned trip in the window both values are given.
    assert chart.value_text(D("2026-04-01")).endswith("without); limit 180 (CR 3.1)")
    # Over a roll-out mark under the plot: which trip stops counting.
    mark = next(r for r in chart.chart_data().rollouts if r.record == "absences[1]")
    below = QPointF(chart.x_for(mark.day), chart.height() - 30)
    assert chart.text_at(below) == mark.text
    assert "1 Mar 2023" in mark.text and "absences[1]" in mark.text


def test_keyboard_cursor_moves_and_is_the_accessible_description(qtbot):
    chart, _tl = chart_for(qtbot)
    chart.setFocus()
    assert chart.cursor_date() == TODAY
    chart.set_cursor_date(D("2022-03-02"))
    qtbot.keyClick(chart, Qt.Key.Key_Right)
    assert chart.cursor_date() == D("2022-03-03")
    assert chart.accessibleDescription() == chart.value_text(D("2022-03-03"))
    assert "181 days" in chart.accessibleDescription()
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    assert chart.cursor_date() == D("2022-03-01")
    qtbot.keyClick(chart, Qt.Key.Key_PageDown)
    assert chart.cursor_date() == D("2022-04-01")
    qtbot.keyClick(chart, Qt.Key.Key_PageUp)
    qtbot.keyClick(chart, Qt.Key.Key_PageUp)
    assert chart.cursor_date() == D("2022-02-01")
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    assert chart.cursor_date() == chart.chart_data().first
    qtbot.keyClick(chart, Qt.Key.Key_Left)  # stays in range
    assert chart.cursor_date() == chart.chart_data().first
    qtbot.keyClick(chart, Qt.Key.Key_End)
    assert chart.cursor_date() == chart.chart_data().last


def test_clear_and_paint(qtbot):
    chart, _tl = chart_for(qtbot, route="naturalisation_6_2")
    image = chart.grab()
    assert not image.isNull()
    assert chart._cache.devicePixelRatio() == chart.devicePixelRatioF()
    chart.clear()
    assert chart.chart_data() is None and chart.accessibleDescription() == "No chart to show."
    assert chart.text_at(QPointF(100, 100)) == ""
