"""One day of the timeline in words (desktop.rules.day_words): the calendar's hover text, made
in the rules with a history and no screen."""

from __future__ import annotations

from datetime import timedelta

from desktop.assess import load_figures
from desktop.rules.day_timeline import day_timeline
from desktop.rules.day_words import DEADLINE_STATUS_WORDS, day_words
from tests.rules.helpers import D, app, history, perm, trip

TODAY = D("2023-06-01")
FIG = load_figures()


def skilled_worker():
    """Skilled Worker from March 2018; a 40-day and a 202-day trip in 2019 (over the CR 3.1
    limit in the 12 months from 2 Mar 2019), 3C leave in spring 2021, a planned trip in
    September 2023; the record ends on 31 May 2024 and is projected after."""
    h = history(
        [
            perm("skilled_worker", "2018-03-01", "2021-02-28"),
            perm("skilled_worker", "2021-06-01", "2024-05-31"),
        ],
        [app("extension", "2021-02-20", "2021-05-31", "granted")],
        [
            trip("2019-03-01", "2019-04-11"),
            trip("2019-06-10", "2019-12-30"),
            trip("2023-09-01", "2023-09-12", planned=True),
        ],
    )
    return day_timeline(h, "settlement_skilled_worker", TODAY, FIG, today=TODAY)


def words(tl, day: str, mark: str = "A") -> str:
    return day_words(D(day), tl, today=TODAY, mark=mark)


def test_a_day_abroad_in_12_months_over_the_cr_3_1_limit_says_the_trip_and_the_window():
    assert words(skilled_worker(), "2019-03-13") == (
        "Wed 13 March 2019: [A] Outside the UK, day 12 of 40 (trip 1); "
        "trip: left 1 Mar 2019, back 11 Apr 2019 (40 whole days outside; the travel days count "
        "as in the UK); "
        "in the 12 months 2 Mar 2019 to 1 Mar 2020: 242 days outside, over the CR 3.1 limit"
    )


def test_a_counted_day_names_its_permission_in_plain_words_and_why_it_counts():
    assert words(skilled_worker(), "2022-06-01", mark="C") == (
        "Wed 1 June 2022: [C] Counting residence (permission 2); "
        "Skilled Worker (including Tier 2) permission: counts towards the qualifying period"
    )


def test_a_section_3c_day_cites_section_3c():
    text = words(skilled_worker(), "2021-04-01", mark="3")
    assert text.startswith(
        "Thu 1 April 2021: [3] Section 3C leave (application or appeal pending) (permission 1); "
    )
    assert "extended by section 3C" in text and "(s3C Immigration Act 1971)" in text


def test_a_planned_trip_is_not_yet_taken():
    text = words(skilled_worker(), "2023-09-05", mark="P")
    assert text == (
        "Tue 5 September 2023: [P] Planned trip, day 4 of 10 (trip 3); "
        "planned trip, not yet taken: left 1 Sep 2023, back 12 Sep 2023 (10 whole days outside; "
        "the travel days count as in the UK)"
    )


def test_a_day_after_the_record_is_a_projection():
    assert words(skilled_worker(), "2024-08-01", mark="C").endswith(
        "; assumed: after the end of the record, a projection"
    )


def test_today_and_the_qualifying_period_ends_are_marked():
    tl = skilled_worker()
    assert words(tl, "2023-06-01").endswith("; today")
    assert words(tl, "2019-12-30").endswith("; the qualifying period starts")
    assert words(tl, "2024-12-30").endswith("; the qualifying period is complete")


def test_an_exceptional_trip_is_not_counted_towards_the_limit_cr_3_4():
    h = history(
        [perm("skilled_worker", "2018-03-01", "2024-05-31")],
        [],
        [trip("2019-03-01", "2019-12-11", exceptional=True)],
    )
    tl = day_timeline(h, "settlement_skilled_worker", TODAY, FIG, today=TODAY)
    text = day_words(D("2019-05-01"), tl, today=TODAY, mark="A")
    assert "(284 whole days outside; the travel days count as in the UK); marked exceptional, " in (
        text
    )
    assert "not counted towards the limit (CR 3.4)" in text
    assert "over the" not in text


def test_a_deadline_on_the_day_says_its_status_in_words_and_its_rule():
    lapsed = history([perm("skilled_worker", "2018-03-01", "2023-03-31")])
    tl = day_timeline(lapsed, "long_residence", TODAY, FIG, today=TODAY)
    text = day_words(D("2023-03-31"), tl, today=TODAY)
    assert "deadline (needs attention now): Permission ended on 31 Mar 2023" in text
    assert (
        "deadline (passed): Permission ends (Skilled Worker (including Tier 2), permission 1)"
        in (text)
    )
    assert "(s3C Immigration Act 1971)" in text
    assert set(DEADLINE_STATUS_WORDS) == {"passed", "upcoming", "met", "attention"}


def test_waiting_for_an_asylum_decision_is_not_called_a_gap():
    waiting = history([perm("student", "2015-09-01", "2019-08-31")], [app("asylum", "2019-08-01")])
    tl = day_timeline(waiting, "long_residence", TODAY, FIG, today=TODAY)
    text = day_words(D("2021-03-01"), tl, today=TODAY, mark="W")
    assert "[W] Waiting for a decision (not counted)" in text
    assert "1 Aug 2019" in text and "2019-08-01" not in text


def test_without_a_mark_the_status_is_words_alone():
    assert words(skilled_worker(), "2022-06-01", mark="").startswith(
        "Wed 1 June 2022: Counting residence (permission 2); "
    )


def test_no_day_no_timeline_or_a_day_outside_it_has_no_words():
    tl = skilled_worker()
    assert day_words(None, tl, today=TODAY) == ""
    assert day_words(D("2019-03-13"), None, today=TODAY) == ""
    assert day_words(tl.first_day - timedelta(days=1), tl, today=TODAY) == ""
    assert day_words(tl.last_day + timedelta(days=1), tl, today=TODAY) == ""
    assert day_words(tl.first_day, tl, today=TODAY) != ""


def test_every_day_has_words_with_uk_dates_and_plain_records():
    tl = skilled_worker()
    day = tl.first_day
    while day <= tl.last_day:
        text = day_words(day, tl, today=TODAY)
        assert text, day
        assert "permissions[" not in text and "absences[" not in text, day
        assert str(day.year) + "-" not in text, day  # no ISO dates on screen
        day += timedelta(days=1)


def test_a_stretch_given_by_the_caller_gives_the_same_words():
    tl = skilled_worker()
    day = D("2019-06-11")
    assert day_words(day, tl, today=TODAY, stretch=tl.at(day)) == day_words(day, tl, today=TODAY)
