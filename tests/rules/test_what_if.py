"""What if: a planned trip against the absence rules, and the latest safe return date."""

from datetime import timedelta

import pytest

from desktop.assess import load_figures
from desktop.rules.day_timeline import days_outside_in_12_months_ending
from desktop.rules.what_if import plan_trip
from tests.rules.helpers import D, history, perm, trip

FIG = load_figures()


def worker_with_a_60_day_trip():
    return history(
        [perm("skilled_worker", "2019-01-01", "2030-12-31")], [], [trip("2024-03-01", "2024-05-01")]
    )


def plan(h, route, left, returned, on="2026-01-01", today="2024-05-10"):
    return plan_trip(h, route, D(on), FIG, D(left), D(returned), today=D(today))


def test_cr_3_1_trip_taking_the_12_months_over_180_days_breaks_and_says_by_how_much():
    p = plan(worker_with_a_60_day_trip(), "settlement_skilled_worker", "2024-06-01", "2024-11-30")
    assert p.breaks and p.rule == "CR 3.1"
    assert p.whole_days == 181
    assert p.over_by == 61  # 60 + 181 = 241 in the 12 months from 2024-03-02
    # 60 + 120 = 180: back on 2024-09-30 is the last safe day.
    assert p.latest_safe_return == D("2024-09-30")
    assert "61 days over the limit" in p.sentence and "2024-09-30" in p.sentence


def test_latest_safe_return_is_exactly_the_limit():
    h = worker_with_a_60_day_trip()
    safe = plan(h, "settlement_skilled_worker", "2024-06-01", "2024-09-30")
    one_more = plan(h, "settlement_skilled_worker", "2024-06-01", "2024-10-01")
    assert not safe.breaks and one_more.breaks and one_more.over_by == 1


def test_short_trip_is_safe_and_gives_the_latest_safe_return():
    p = plan(worker_with_a_60_day_trip(), "settlement_skilled_worker", "2025-01-01", "2025-02-01")
    assert not p.breaks and p.over_by == 0 and p.breaches == ()
    assert p.latest_safe_return == D("2025-07-01")  # 181 days out would take 12 months over


def test_naturalisation_90_days_in_the_last_12_months():
    h = history([perm("ilr", "2018-01-01", None)], [], [trip("2025-01-01", "2025-03-01")])
    p = plan(
        h, "naturalisation_6_1", "2026-02-01", "2026-03-15", on="2026-06-01", today="2025-12-01"
    )
    assert not p.breaks and p.latest_safe_return == D("2026-05-03")
    too_long = plan(
        h, "naturalisation_6_1", "2026-02-01", "2026-05-10", on="2026-06-01", today="2025-12-01"
    )
    assert too_long.breaks and too_long.over_by == 7
    assert too_long.rule.startswith("BNA 1981 Sch. 1")


def test_route_without_a_fixed_limit_flags_the_partner_risk_not_a_breach():
    h = history([perm("partner_5y", "2021-01-01", "2030-01-01")])
    p = plan(h, "settlement_partner_5y", "2026-01-01", "2026-06-01", today="2025-12-01")
    assert not p.breaks and p.latest_safe_return is None
    assert p.risks and p.risks[0].rule == "E-LTRP.1.10"
    assert "no fixed absence limit" in p.sentence


def test_return_before_departure_is_refused():
    with pytest.raises(ValueError, match="before the departure date"):
        plan(worker_with_a_60_day_trip(), "long_residence", "2025-02-01", "2025-01-01")


def test_rolling_line_counts_whole_days_in_the_12_months_ending_each_day():
    h = worker_with_a_60_day_trip()
    first, last = D("2024-02-25"), D("2025-03-10")
    line = days_outside_in_12_months_ending(h, first, last)
    assert len(line) == (last - first).days + 1
    on = lambda d: line[(D(d) - first).days]  # noqa: E731
    assert on("2024-03-01") == 0  # the day of leaving is in the UK
    assert on("2024-03-02") == 1
    assert on("2024-05-01") == 60
    assert on("2025-03-01") == 60  # 12 months ending 2025-03-01 start on 2024-03-02
    assert on("2025-03-02") == 59  # the first day rolls out
    brute = [
        sum(
            1
            for k in range(1, (t.returned - t.left).days)
            if (day - timedelta(days=365)) < t.left + timedelta(days=k) <= day
        )
        for day in (first + timedelta(days=i) for i in range(len(line)))
        for t in h.absences
    ]
    assert line == brute


def test_plan_a_trip_counts_the_wait_before_entry():
    """Granted from abroad on 1 Jan 2024, entered on 1 Mar 2024 (59 whole days outside before
    entry): a trip of 121 whole days later that year takes the 12 months over 180 only with
    the wait counted (issue 19: the wait is counted without a pretend trip)."""
    from dataclasses import replace

    base = history([perm("skilled_worker", "2024-01-01", "2030-12-31")], [], [])
    waited = replace(base, permissions=(replace(base.permissions[0], entered_on=D("2024-03-01")),))
    args = ("settlement_skilled_worker", "2024-06-01", "2024-10-01")
    assert not plan(base, *args).breaks
    assert plan(waited, *args).breaks
