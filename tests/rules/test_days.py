"""Day counting: whole days, 12-month windows, CR 3.2 blocks, anniversaries, working days."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.rules.days import (
    AbsenceDays,
    add_months,
    add_working_days,
    add_years,
    consecutive_12_month_blocks,
    max_in_any_12_months,
    max_in_any_12_months_brute_force,
    sub_years,
    trips_from_dates,
    whole_days_outside,
    window_end,
    working_days_between,
)


def test_whole_days_left_10_jan_returned_1_feb_is_21_days():
    assert whole_days_outside(date(2020, 1, 10), date(2020, 2, 1)) == 21


def test_whole_days_same_day_and_next_day_trips_are_zero():
    assert whole_days_outside(date(2020, 1, 10), date(2020, 1, 10)) == 0
    assert whole_days_outside(date(2020, 1, 10), date(2020, 1, 11)) == 0
    assert whole_days_outside(date(2020, 1, 10), date(2020, 1, 12)) == 1


def test_whole_days_across_29_february_counts_the_leap_day():
    assert whole_days_outside(date(2020, 2, 27), date(2020, 3, 2)) == 3  # 28, 29 Feb, 1 Mar
    assert whole_days_outside(date(2021, 2, 27), date(2021, 3, 2)) == 2


def test_window_runs_to_the_day_before_the_same_date_a_year_later():
    assert window_end(date(2019, 8, 1)) == date(2020, 7, 31)
    assert window_end(date(2019, 3, 1)) == date(2020, 2, 29)  # 366 days, holds a leap day
    assert window_end(date(2020, 2, 29)) == date(2021, 2, 28)
    assert window_end(date(2020, 3, 1)) == date(2021, 2, 28)


def test_anniversary_of_29_february_rolls_to_1_march_and_looking_back_clamps():
    assert add_years(date(2016, 2, 29), 10) == date(2026, 3, 1)
    assert add_years(date(2016, 2, 29), 8) == date(2024, 2, 29)
    assert sub_years(date(2024, 2, 29), 5) == date(2019, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 3, 1)


def test_any_12_months_is_rolling_not_calendar_years():
    # 100 days at the end of 2019 and 100 at the start of 2020: each calendar year is fine,
    # but a window across the new year holds 200 days (CR 3.1).
    trips = trips_from_dates(
        [(date(2019, 9, 22), date(2020, 1, 1)), (date(2019, 12, 31), date(2020, 4, 10))][:1]
        + [(date(2020, 1, 1), date(2020, 4, 10))]
    )
    w = max_in_any_12_months(trips)
    assert w.days == 100 + 99
    assert w.start == date(2019, 9, 23)


def test_any_12_months_counts_only_days_inside_the_window_of_a_straddling_trip():
    trips = trips_from_dates([(date(2020, 1, 1), date(2021, 7, 1))])  # 546 days
    w = max_in_any_12_months(trips)
    assert w.days == 366  # a whole window, 2020 being a leap year
    clipped = max_in_any_12_months(trips, lo=date(2021, 1, 1), hi=date(2021, 12, 31))
    assert clipped.days == 181


def test_boundary_180_and_181_days_in_a_window():
    ok = trips_from_dates([(date(2021, 1, 1), date(2021, 1, 1) + timedelta(days=181))])
    over = trips_from_dates([(date(2021, 1, 1), date(2021, 1, 1) + timedelta(days=182))])
    assert max_in_any_12_months(ok).days == 180
    assert max_in_any_12_months(over).days == 181


def test_cr_3_2_blocks_count_back_from_the_application_date():
    blocks = consecutive_12_month_blocks(date(2020, 6, 15), date(2017, 1, 1))
    assert blocks[0] == (date(2019, 6, 16), date(2020, 6, 15))
    assert blocks[1] == (date(2018, 6, 16), date(2019, 6, 15))
    assert blocks[-1][0] <= date(2017, 1, 1)
    leap = consecutive_12_month_blocks(date(2024, 2, 29), date(2023, 1, 1))
    assert leap[0] == (date(2023, 3, 1), date(2024, 2, 29))
    assert leap[1] == (date(2022, 3, 1), date(2023, 2, 28))


def test_working_days_skip_weekends_and_bank_holidays():
    christmas = frozenset({date(2023, 12, 25), date(2023, 12, 26), date(2024, 1, 1)})
    # Friday 22 December 2023 + 10 working days, skipping Christmas, Boxing Day and New Year.
    assert add_working_days(date(2023, 12, 22), 10, christmas) == date(2024, 1, 10)
    assert add_working_days(date(2023, 12, 22), 10, frozenset()) == date(2024, 1, 5)
    assert working_days_between(date(2023, 12, 22), date(2024, 1, 10), christmas) == 10


def test_absence_days_count_and_clip():
    a = AbsenceDays(trips_from_dates([(date(2020, 1, 10), date(2020, 2, 1))]))
    assert len(a) == 21
    assert a.count(date(2020, 1, 11).toordinal(), date(2020, 1, 20).toordinal()) == 10
    assert not a.is_absent(date(2020, 1, 10).toordinal())
    assert a.is_absent(date(2020, 1, 11).toordinal())


# --- property test: the linear sweep equals brute force --------------------------------------

BASE = date(2018, 6, 1)


@st.composite
def random_trips(draw):
    n = draw(st.integers(0, 8))
    cursor = draw(st.integers(0, 60))
    out = []
    for _ in range(n):
        length = draw(st.sampled_from([0, 1, 2, 3, 10, 30, 90, 170, 181, 200, 400]))
        length = draw(st.integers(0, length)) if draw(st.booleans()) else length
        left = BASE + timedelta(days=cursor)
        out.append((left, left + timedelta(days=length)))
        cursor += length + draw(st.integers(0, 200))
    return out


@settings(max_examples=60, deadline=None)
@given(random_trips(), st.integers(0, 300), st.integers(200, 1500))
def test_any_12_months_max_equals_brute_force(trips, lo_off, span):
    lo = BASE + timedelta(days=lo_off)
    hi = lo + timedelta(days=span)
    fast = max_in_any_12_months(trips_from_dates(trips), lo, hi)
    assert fast.days == max_in_any_12_months_brute_force(trips, lo, hi)
    if fast.days:
        # The reported window really holds that many days.
        a = AbsenceDays(trips_from_dates(trips), lo.toordinal(), hi.toordinal())
        assert a.count(fast.start.toordinal(), fast.end.toordinal()) == fast.days
        assert fast.end == window_end(fast.start)
