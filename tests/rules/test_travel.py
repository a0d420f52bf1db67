"""Can I travel? (desktop.rules.travel): whole days outside in the 12 months ending today, the
days left before the route's limit, the day each past trip stops counting; checked against a
day-by-day count."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.assess import load_figures
from desktop.rules.history import Absence, History
from desktop.rules.travel import can_i_travel, counted_trips, window_start
from tests.rules.helpers import history, perm, trip

TODAY = date(2026, 12, 6)
ONE = timedelta(days=1)


def sw_history(*absences):
    return history([perm("skilled_worker", "2021-01-01", "2027-06-01")], absences=absences)


def test_departure_and_return_days_do_not_count_rule_notes_counting_days():
    # RULE-NOTES "Counting days": leaving 10 January and returning 1 February is 21 days.
    answer = can_i_travel(
        sw_history(trip("2026-01-10", "2026-02-01")),
        "settlement_skilled_worker",
        TODAY,
        load_figures(),
    )
    assert answer.days_outside == 21
    assert answer.trips[0].days == 21


def test_the_12_months_end_today_and_start_the_day_after_the_same_date_a_year_earlier():
    assert window_start(TODAY) == date(2025, 12, 7)
    assert window_start(date(2024, 2, 29)) == date(2023, 3, 1)
    assert window_start(date(2025, 2, 28)) == date(2024, 2, 29)
    # A trip straddling the start counts only its days inside the 12 months.
    days, trips = counted_trips((Absence(date(2025, 12, 1), date(2025, 12, 10)),), TODAY)
    assert days == 3  # 7, 8, 9 December
    assert trips[0].stops_counting == date(2026, 12, 9)


def test_days_left_before_the_cr_3_1_limit_and_the_figure_it_comes_from():
    figures = load_figures()
    answer = can_i_travel(
        sw_history(trip("2026-03-03", "2026-03-20"), trip("2026-07-01", "2026-07-31")),
        "settlement_skilled_worker",
        TODAY,
        figures,
    )
    limit = figures.int_("cr.absence_limit_days", TODAY)
    assert (answer.limit, answer.rule) == (limit, "CR 3.1")
    assert answer.days_outside == 16 + 29
    assert answer.days_left == limit - 45
    assert answer.over_by == 0
    sentence = answer.sentence()
    assert "45 whole days" in sentence and f"{limit - 45} whole days left" in sentence
    assert "2026-" not in sentence  # dates in words, never ISO


def test_each_trip_stops_counting_a_year_after_its_last_day_outside():
    answer = can_i_travel(
        sw_history(trip("2026-03-03", "2026-03-20"), trip("2026-07-01", "2026-07-31")),
        "settlement_skilled_worker",
        TODAY,
        load_figures(),
    )
    assert [t.stops_counting for t in answer.trips] == [date(2027, 3, 19), date(2027, 7, 30)]
    assert "stops counting on 19 March 2027" in answer.sentence()
    # On that day the trip's days are all out of the 12 months; the day before, one is in.
    absences = (Absence(date(2026, 3, 3), date(2026, 3, 20)),)
    assert counted_trips(absences, date(2027, 3, 19))[0] == 0
    assert counted_trips(absences, date(2027, 3, 18))[0] == 1


def test_over_the_limit_says_by_how_much():
    answer = can_i_travel(
        sw_history(trip("2026-01-01", "2026-07-15")),
        "settlement_skilled_worker",
        TODAY,
        load_figures(),
    )
    assert answer.days_outside == 194
    assert answer.days_left == 0 and answer.over_by == 14
    assert "14 whole days over the limit" in answer.sentence()


def test_naturalisation_uses_its_own_90_day_figure():
    figures = load_figures()
    answer = can_i_travel(
        sw_history(trip("2026-03-03", "2026-03-20")), "naturalisation_6_1", TODAY, figures
    )
    assert answer.limit == figures.int_("nat.last_12_months_limit_days", TODAY)
    assert answer.rule.startswith("BNA 1981")
    assert "12 months before you apply" in answer.sentence()


def test_routes_without_a_fixed_limit_say_so_and_give_no_days_left():
    answer = can_i_travel(
        sw_history(trip("2026-03-03", "2026-03-20")), "settlement_protection", TODAY, load_figures()
    )
    assert answer.limit is None and answer.days_left is None
    assert answer.days_outside == 16
    assert "no fixed limit" in answer.sentence()
    assert answer.to_dict()["days_left"] is None


def test_future_trips_and_days_after_today_do_not_count():
    days, trips = counted_trips(
        (
            Absence(date(2026, 12, 1), date(2026, 12, 20)),  # still away: 2..6 December
            Absence(date(2027, 1, 5), date(2027, 1, 20), planned=True),
        ),
        TODAY,
    )
    assert days == 5 and len(trips) == 1


def test_long_residence_window_before_the_cr_3_3_cut_off_is_flagged():
    answer = can_i_travel(
        sw_history(trip("2024-03-03", "2024-03-20")),
        "long_residence",
        date(2024, 12, 1),
        load_figures(),
    )
    assert answer.older_rule_from == date(2024, 4, 11)
    assert "other rules applied" in answer.sentence()


def test_to_dict_is_plain_json_values():
    answer = can_i_travel(
        sw_history(trip("2026-03-03", "2026-03-20")),
        "settlement_skilled_worker",
        TODAY,
        load_figures(),
    )
    out = answer.to_dict()
    assert out["window"] == {"from": "2025-12-07", "to": "2026-12-06"}
    assert out["trips"] == [
        {
            "left": "2026-03-03",
            "returned": "2026-03-20",
            "days_counted": 16,
            "stops_counting": "2027-03-19",
            "before_entry": False,
        }
    ]


# ---- against a day-by-day count ----------------------------------------------------------------

BASE = date(2023, 1, 1)


def brute_days_outside(absences, today):
    """Every day D in the 12 months ending today with some trip left < D < returned, counted
    one day at a time: the 12 months start on the earliest day whose window (CR 3.1, by hand
    below) still reaches today."""
    first = today
    while _window_end(first - ONE) >= today:
        first -= ONE
    out = set()
    d = first
    while d <= today:
        if any(a.left < d < a.returned for a in absences):
            out.add(d)
        d += ONE
    return out


def _window_end(start):
    """CR 3.1 by hand: the day before the same date a year later (29 Feb -> 1 Mar next year)."""
    try:
        same = start.replace(year=start.year + 1)
    except ValueError:
        same = date(start.year + 1, 3, 1)
    return same - ONE


@st.composite
def absences(draw):
    n = draw(st.integers(0, 6))
    out, day = [], BASE + timedelta(days=draw(st.integers(0, 60)))
    for _ in range(n):
        day += timedelta(days=draw(st.integers(0, 120)))
        length = draw(st.integers(0, 200))
        out.append(Absence(day, day + timedelta(days=length)))
        day += timedelta(days=length)  # the next trip leaves on or after this return day
    return tuple(out)


@settings(max_examples=300, deadline=None)
@given(absences(), st.integers(0, 1400))
def test_property_days_outside_and_stop_dates_match_a_day_by_day_count(trips, offset):
    today = BASE + timedelta(days=offset)
    answer = can_i_travel(History(absences=trips), "settlement_skilled_worker", today, FIGURES)
    expected = brute_days_outside(trips, today)
    assert answer.days_outside == len(expected)
    assert answer.days_left == max(0, answer.limit - len(expected))
    assert sum(t.days for t in answer.trips) == len(expected)
    for counted in answer.trips:
        a = trips[counted.index]
        mine = {d for d in expected if a.left < d < a.returned}
        assert counted.days == len(mine)
        # The stop date: the first day on which none of this trip's days (up to today) is in
        # the 12 months ending that day; the day before, one still is.
        so_far = (Absence(a.left, min(a.returned, today + ONE)),)
        assert not brute_days_outside(so_far, counted.stops_counting)
        assert brute_days_outside(so_far, counted.stops_counting - ONE)


FIGURES = load_figures()


def test_a_count_of_days_is_never_the_whole_answer_when_status_is_unknown():
    """Issue 19 trust: a client whose permission ended with nothing recorded since, or with an
    application waiting, is told to check before travelling, before any count of days."""
    from datetime import date as _date

    from desktop.assess import load_figures
    from desktop.rules.history import parse_history
    from desktop.rules.travel import can_i_travel

    ended = parse_history(
        {
            "format": "dropin-desk.history/1",
            "permissions": [
                {"category": "skilled_worker", "from": "2021-01-01", "to": "2026-10-19"}
            ],
        }
    )
    answer = can_i_travel(ended, "settlement_skilled_worker", _date(2026, 12, 6), load_figures())
    assert answer.needs_attention and answer.permission_ended_on == _date(2026, 10, 19)
    assert answer.sentence().startswith("Your permission to stay ended on 19 October 2026")
    assert answer.to_dict()["needs_attention"] is True

    pending = parse_history(
        {
            "format": "dropin-desk.history/1",
            "permissions": [
                {"category": "skilled_worker", "from": "2021-01-01", "to": "2027-10-19"}
            ],
            "applications": [{"kind": "settlement", "made": "2026-11-01"}],
        }
    )
    answer = can_i_travel(pending, "settlement_skilled_worker", _date(2026, 12, 6), load_figures())
    assert answer.pending_since == _date(2026, 11, 1) and answer.needs_attention
    assert "waiting for a decision" in answer.sentence().split(".")[0]

    covered = parse_history(
        {
            "format": "dropin-desk.history/1",
            "permissions": [
                {"category": "skilled_worker", "from": "2021-01-01", "to": "2027-10-19"}
            ],
        }
    )
    answer = can_i_travel(covered, "settlement_skilled_worker", _date(2026, 12, 6), load_figures())
    assert not answer.needs_attention and answer.warnings() == []
    assert can_i_travel(parse_history({"format": "dropin-desk.history/1"}), "settlement_skilled_worker", _date(2026, 12, 6), load_figures()).no_permission_recorded  # fmt: skip
