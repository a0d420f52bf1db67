"""The day-by-day timeline the calendar paints: statuses, reasons, and agreement with `assess`."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.assess import load_figures
from desktop.rules.day_timeline import STATUSES, day_timeline
from desktop.rules.days import max_in_any_12_months_brute_force
from desktop.rules.history import Absence, History, Permission
from desktop.rules.residence import assess
from tests.rules.helpers import D, app, history, perm, trip

FIG = load_figures()


def timeline(h, route, on, today=None, **kw):
    return day_timeline(h, route, D(on), FIG, today=D(today or on), **kw)


def messy():
    return history(
        [
            perm("visitor", "2012-01-01", "2012-06-30"),
            perm("student", "2012-09-01", "2016-08-31"),
            perm("student", "2016-12-01", "2019-11-19"),
            perm("skilled_worker", "2019-11-20", "2024-11-19"),
        ],
        [app("extension", "2016-08-20", "2016-12-01", "granted")],
        [
            trip("2013-07-01", "2013-08-15"),
            trip("2020-01-10", "2020-02-01", reason="visit family"),
            trip("2027-03-01", "2027-03-20", planned=True),
        ],
        custody=[("2018-02-01", "2018-02-20")],
    )


def test_stretches_are_consecutive_and_cover_every_day_once():
    tl = timeline(messy(), "long_residence", "2024-09-01", today="2026-11-22")
    assert tl.stretches[0].start == tl.first_day == D("2012-01-01")
    assert tl.stretches[-1].end == tl.last_day
    for a, b in zip(tl.stretches, tl.stretches[1:], strict=False):
        assert b.start == a.end + timedelta(days=1)
    assert all(s.status in STATUSES for s in tl.stretches)
    assert all(s.reason for s in tl.stretches)


def test_each_status_has_its_rule_and_reason():
    tl = timeline(messy(), "long_residence", "2024-09-01", today="2026-11-22")
    at = tl.at
    visitor = at(D("2012-03-01"))
    assert visitor.status == "not_counting" and visitor.rule == "LR 11.1(a)"
    assert not visitor.counts and visitor.record == "permissions[0]"
    gap = at(D("2012-07-15"))
    assert gap.status == "gap"
    three_c = at(D("2016-10-01"))
    assert three_c.status == "section_3c" and three_c.counts and "3C" in three_c.rule
    abroad = at(D("2020-01-20"))
    assert abroad.status == "abroad" and abroad.record == "absences[1]"
    assert abroad.reason == "Outside the UK from 2020-01-10 to 2020-02-01: 21 whole days outside"
    # The days of travel are days in the UK.
    assert at(D("2020-01-10")).status == "counted" and at(D("2020-02-01")).status == "counted"
    custody = at(D("2018-02-10"))
    assert custody.status == "custody" and custody.rule == "CR 2.1(a)" and not custody.counts
    planned = at(D("2027-03-10"))
    assert planned.status == "planned" and planned.assumed
    assert at(D("2026-01-01")).assumed  # after the record: the projection
    assert at(D("2011-01-01")) is None


def test_timeline_agrees_with_assess_on_the_same_history():
    h = messy()
    for route in ("long_residence", "settlement_skilled_worker", "naturalisation_6_1"):
        tl = timeline(h, route, "2024-09-01", today="2026-11-22")
        a = assess(h, route, D("2024-09-01"), FIG, today=D("2026-11-22"))
        assert tl.assessment == a
        assert tl.worst_window == a.max_window
        lo = a.qualifying_from if route != "naturalisation_6_1" else a.counted_back_from
        if lo is not None:
            assert tl.days_abroad(lo, a.application_date) == a.absence_days_total


def test_custody_breaks_long_residence_on_the_timeline_as_in_the_assessment():
    tl = timeline(messy(), "long_residence", "2024-09-01", today="2026-11-22")
    a = tl.assessment
    assert a.qualifying_from == D("2018-02-21")
    first_counted = next(s for s in tl.stretches if s.counts and s.start >= D("2018-02-21"))
    assert first_counted.start == a.qualifying_from


def test_windows_over_the_limit_are_listed_for_the_whole_history():
    h = history(
        [perm("skilled_worker", "2019-01-01", "2030-12-31")],
        [],
        [trip("2020-01-01", "2020-07-15"), trip("2023-01-01", "2023-07-20")],
    )
    tl = timeline(h, "settlement_skilled_worker", "2026-06-01")
    assert [b.rule for b in tl.over_limit] == ["CR 3.1", "CR 3.1"]
    assert tl.over_limit[0].days == 195 and tl.over_limit[1].days == 199


def test_timeline_for_a_40_year_history_has_one_stretch_per_trip_and_status_change():
    perms = [Permission("skilled_worker", date(1986, 1, 1), date(2030, 1, 1))]
    trips = tuple(
        Absence(date(1986, 2, 1) + timedelta(days=7 * i), date(1986, 2, 4) + timedelta(days=7 * i))
        for i in range(2000)
    )
    h = History(permissions=tuple(perms), absences=trips)
    tl = day_timeline(h, "settlement_skilled_worker", date(2026, 1, 1), FIG)
    assert sum(1 for s in tl.stretches if s.status == "abroad") == 2000
    assert len(tl.stretches) == 4001


# ---- Property: days abroad and the worst window against a brute-force count ---------------


@st.composite
def trip_histories(draw):
    start = date(2015, 1, 1)
    trips, t = [], start + timedelta(days=draw(st.integers(0, 30)))
    for _ in range(draw(st.integers(0, 10))):
        length = draw(st.integers(0, 120))
        trips.append(Absence(t, t + timedelta(days=length), planned=draw(st.booleans())))
        t = t + timedelta(days=length + draw(st.integers(0, 200)))
    perms = (Permission("skilled_worker", start, date(2030, 12, 31)),)
    return History(permissions=perms, absences=tuple(trips))


@settings(max_examples=40, deadline=None)
@given(trip_histories(), st.integers(365, 4000), st.integers(0, 3000))
def test_property_days_abroad_and_worst_window_equal_brute_force(h, on_offset, lo_offset):
    on = date(2015, 1, 1) + timedelta(days=on_offset)
    tl = day_timeline(h, "settlement_skilled_worker", on, FIG, today=on)
    lo = date(2015, 1, 1) + timedelta(days=min(lo_offset, on_offset))
    outside = {
        a.left + timedelta(days=k) for a in h.absences for k in range(1, (a.returned - a.left).days)
    }
    assert tl.days_abroad(lo, on) == sum(1 for day in outside if lo <= day <= on)
    a = tl.assessment
    span_lo = a.qualifying_from or a.counted_back_from
    worst = max_in_any_12_months_brute_force(
        [(x.left, x.returned) for x in h.absences], span_lo, on
    )
    assert tl.worst_window.days == worst
