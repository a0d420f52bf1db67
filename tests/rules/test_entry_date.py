"""The entry date on a permission granted from abroad (issue 19, "Can I travel?"): the days from
the permission's start to the day before entry are days outside the UK, counted by the residence
engine and by "Can I travel?" without a trip in the record (Home Office guidance: the period
between entry clearance and entry counts towards the absence limit; ENTRY_WAIT_RULE)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.assess import load_figures
from desktop.rules.day_timeline import day_timeline
from desktop.rules.history import (
    ENTRY_WAIT_RULE,
    Absence,
    History,
    HistoryError,
    Permission,
    entry_waits,
    history_to_dict,
    parse_history,
    validate_history,
)
from desktop.rules.residence import assess
from desktop.rules.travel import can_i_travel, window_start

D = date.fromisoformat
ONE = timedelta(days=1)
ROUTE = "settlement_skilled_worker"


def granted_from_abroad(entered: str | None, *absences: Absence) -> History:
    return History(
        permissions=(
            Permission(
                "skilled_worker",
                D("2021-01-01"),
                D("2026-06-01"),
                entered_on=(D(entered) if entered else None),
            ),
        ),
        absences=absences,
    )


# ---- the history JSON -------------------------------------------------------------------------


def test_entered_on_is_read_and_written_and_round_trips():
    data = {
        "format": "dropin-desk.history/1",
        "permissions": [
            {
                "category": "skilled_worker",
                "from": "2021-01-01",
                "to": "2026-06-01",
                "entered_on": "2021-03-01",
            }
        ],
    }
    history = parse_history(data)
    assert history.permissions[0].entered_on == date(2021, 3, 1)
    out = history_to_dict(history)
    assert out["permissions"][0]["entered_on"] == "2021-03-01"
    assert parse_history(out) == history


def test_a_history_without_entry_dates_reads_as_before():
    data = {
        "format": "dropin-desk.history/1",
        "permissions": [{"category": "student", "from": "2019-09-01", "to": "2022-01-31"}],
    }
    history = parse_history(data)
    assert history.permissions[0].entered_on is None
    assert history_to_dict(history)["permissions"][0]["entered_on"] is None
    assert entry_waits(history) == ()


@pytest.mark.parametrize(
    "entered, code",
    [("2020-12-31", "date_order"), ("2026-06-02", "date_order"), ("not a date", "not_date")],
)
def test_an_entry_date_outside_the_permission_is_refused_naming_the_field(entered, code):
    data = {
        "format": "dropin-desk.history/1",
        "permissions": [
            {"category": "skilled_worker", "from": "2021-01-01", "to": "2026-06-01"}
            | {"entered_on": entered}
        ],
    }
    with pytest.raises(HistoryError) as caught:
        parse_history(data)
    assert (caught.value.record, caught.value.field, caught.value.code) == (
        "permissions[0]",
        "entered_on",
        code,
    )


def test_an_entry_date_after_today_is_refused_with_today():
    history = granted_from_abroad("2021-03-01")
    (problem,) = validate_history(history, today=D("2021-02-01"))
    assert (problem.field, problem.code) == ("entered_on", "future_date")
    assert validate_history(history, today=D("2021-03-01")) == []


# ---- the residence engine ---------------------------------------------------------------------


def test_the_engine_counts_the_days_before_entry_as_days_outside_with_its_own_reason():
    figures = load_figures()
    on = D("2025-12-01")
    before = assess(granted_from_abroad(None), ROUTE, on, figures)
    after = assess(granted_from_abroad("2021-03-01"), ROUTE, on, figures)
    # 1 January to 28 February 2021: 59 whole days; 1 March, the day of entry, is in the UK.
    assert before.absence_days_total == 0
    assert after.absence_days_total == 59
    (said,) = [r for r in after.reasons if r.code == "entry_wait"]
    assert said.rule == ENTRY_WAIT_RULE and said.days == 59
    assert said.dates == {
        "from": D("2021-01-01"),
        "to": D("2021-02-28"),
        "entered": D("2021-03-01"),
    }
    assert ENTRY_WAIT_RULE in said
    # No trip is in the record, and none is said to be.
    assert not any("absences[" in str(r) for r in (*after.reasons, *after.notes, *after.missing))


@pytest.mark.parametrize("entered", ["2021-01-02", "2021-03-01", "2021-07-01", "2021-09-15"])
def test_the_wait_counts_exactly_as_a_trip_over_the_same_days_would(entered):
    figures = load_figures()
    on = D("2026-05-01")
    waited = assess(granted_from_abroad(entered), ROUTE, on, figures)
    tripped = assess(
        granted_from_abroad(None, Absence(D("2020-12-31"), D(entered))), ROUTE, on, figures
    )
    assert waited.absence_days_total == tripped.absence_days_total
    assert waited.max_window == tripped.max_window
    assert (waited.eligible, waited.qualifying_from, waited.earliest_application_date) == (
        tripped.eligible,
        tripped.qualifying_from,
        tripped.earliest_application_date,
    )


def test_a_wait_over_the_limit_restarts_the_period_at_entry():
    # 1 January to 14 September 2021: 256 days outside in 12 months, over CR 3.1's 180: the
    # period can only count from entry (the guidance: over 180 days, only time after entry).
    result = assess(granted_from_abroad("2021-09-15"), ROUTE, D("2026-05-01"), load_figures())
    assert result.qualifying_from == D("2021-09-15")
    assert any(r.code == "restart" for r in result.reasons)


def test_what_the_engine_says_of_the_wait_is_said_of_the_permission_not_of_a_trip():
    # Long residence, a wait of 226 days before April 2024: over CR 3.3's single absence.
    history = History(
        permissions=(
            Permission("student", D("2014-01-01"), D("2026-06-01"), entered_on=D("2014-08-15")),
        )
    )
    result = assess(history, "long_residence", D("2025-05-01"), load_figures())
    texts = [str(r) for r in (*result.reasons, *result.notes)] + [b.why for b in result.breaches]
    assert not any("absences[" in t for t in texts)
    (restart,) = [r for r in result.reasons if r.code == "restart"]
    assert "the wait before entry on permissions[0]" in restart
    assert restart.rule  # the rule and dates of the reason are kept


def test_the_calendar_draws_the_wait_as_outside_the_uk_pointing_at_the_permission():
    timeline = day_timeline(
        granted_from_abroad("2021-03-01"), ROUTE, D("2025-12-01"), load_figures()
    )
    outside = [s for s in timeline.stretches if s.status == "abroad"]
    assert [(s.start, s.end, s.record, s.rule) for s in outside] == [
        (D("2021-01-01"), D("2021-02-28"), "permissions[0]", ENTRY_WAIT_RULE)
    ]
    assert "before entry" in outside[0].reason


# ---- Can I travel? ----------------------------------------------------------------------------


def test_can_i_travel_counts_the_wait_and_says_what_it_is():
    answer = can_i_travel(granted_from_abroad("2021-03-01"), ROUTE, D("2021-06-01"), load_figures())
    assert answer.days_outside == 59
    (wait,) = answer.trips
    assert wait.before_entry and wait.index == 0 and wait.days == 59
    assert wait.stops_counting == D("2022-02-28")
    sentence = answer.sentence()
    assert "before you came to the UK on 1 March 2021" in sentence
    assert answer.to_dict()["trips"][0]["before_entry"] is True


def _brute_force(history: History, today: date) -> int:
    """Days outside in the 12 months ending today, one day at a time."""
    outside = set()
    for p in history.permissions:
        d = p.start
        while p.entered_on is not None and d < p.entered_on:
            outside.add(d)
            d += ONE
    for a in history.absences:
        d = a.left + ONE
        while d < a.returned:
            outside.add(d)
            d += ONE
    start = window_start(today)
    return sum(1 for d in outside if start <= d <= today)


@settings(max_examples=60, deadline=None)
@given(
    wait=st.integers(min_value=0, max_value=400),
    gaps=st.lists(st.tuples(st.integers(0, 90), st.integers(0, 40)), max_size=4),
    today_offset=st.integers(min_value=0, max_value=900),
)
def test_can_i_travel_matches_a_day_by_day_count(wait, gaps, today_offset):
    start = D("2021-01-01")
    entered = start + timedelta(days=wait)
    trips = []
    cursor = entered
    for gap, length in gaps:
        left = cursor + timedelta(days=gap)
        returned = left + timedelta(days=length)
        trips.append(Absence(left, returned))
        cursor = returned
    history = History(
        permissions=(Permission("skilled_worker", start, D("2026-06-01"), entered_on=entered),),
        absences=tuple(trips),
    )
    today = start + timedelta(days=today_offset)
    answer = can_i_travel(history, ROUTE, today, load_figures())
    assert answer.days_outside == _brute_force(history, today)
