"""Route assessments, one test per rule or worked example (references 000, 002, 003, 004)."""

from datetime import date, timedelta

import pytest

from tests.rules.helpers import D, app, history, perm, run, trip

# ---- Long residence ----------------------------------------------------------------------------


def issue_example():
    return history(
        [
            perm("student", "2014-09-01", "2016-08-31", "2014-08-20"),
            perm("student", "2016-12-01", "2019-11-19"),
            perm("skilled_worker", "2019-11-20", "2024-11-19"),
        ],
        [app("extension", "2016-08-20", "2016-12-01", "granted")],
        [trip("2020-01-10", "2020-02-01", reason="visit family")],
    )


def test_long_residence_issue_example_eligible_with_28_days_early_application():
    a = run(issue_example(), "long_residence", "2024-09-01", today="2026-11-22")
    assert a.eligible
    assert a.qualifying_from == D("2014-09-01")
    assert a.complete_on == D("2024-09-01")
    assert a.earliest_application_date == D("2024-08-04")
    assert a.absence_days_total == 21
    assert a.max_window.days == 21
    assert not a.continuity_broken and a.breaches == ()
    assert any("qualifying period and absences only" in r for r in a.reasons)


def test_section_3c_in_time_application_extends_permission_and_counts():
    # Student permission ended 2016-08-31; the in-time application was decided 2016-12-01.
    a = run(issue_example(), "long_residence", "2024-09-01")
    assert a.uncounted_periods == ()


def test_late_application_without_3c_breaks_long_residence_when_over_14_days():
    h = history(
        [perm("student", "2014-01-01", "2019-12-31"), perm("student", "2020-03-01", "2030-12-31")],
        [app("extension", "2020-01-15", "2020-03-01", "granted", late_reason_accepted=True)],
    )
    a = run(h, "long_residence", "2024-06-01")
    assert a.continuity_broken
    assert a.breaches[0].rule == "LR 11.2(c)"
    assert a.qualifying_from == D("2020-03-01")


def test_14_day_late_application_with_good_reason_is_forgiven_but_not_counted():
    h = history(
        [perm("student", "2014-01-01", "2019-12-31"), perm("student", "2020-03-01", "2030-12-31")],
        [app("extension", "2020-01-14", "2020-03-01", "granted", late_reason_accepted=True)],
    )
    a = run(h, "long_residence", "2024-01-15")
    assert not a.continuity_broken
    assert [(u.start, u.end, u.rule) for u in a.uncounted_periods] == [
        (D("2020-01-01"), D("2020-02-29"), "LR 11.2(c)")
    ]
    # 10 years from 2014-01-01 plus the 60 uncounted days.
    assert a.complete_on == D("2024-01-01") + timedelta(days=60)


def test_late_application_reason_refused_breaks_continuity():
    h = history(
        [perm("student", "2014-01-01", "2019-12-31"), perm("student", "2020-03-01", "2030-12-31")],
        [app("extension", "2020-01-05", "2020-03-01", "granted", late_reason_accepted=False)],
    )
    assert run(h, "long_residence", "2024-06-01").continuity_broken


def test_28_day_gap_before_24_november_2016_needs_no_reason():
    h = history(
        [perm("student", "2006-01-01", "2015-12-31"), perm("student", "2016-03-01", "2030-12-31")],
        [app("extension", "2016-01-28", "2016-03-01", "granted")],
    )
    a = run(h, "long_residence", "2016-06-01")
    assert a.uncounted_periods[0].rule == "LR 11.2(b)"
    assert not a.continuity_broken
    assert a.missing == ()


def test_ten_days_plus_six_months_example_from_003():
    # 003: "makes their next application 10 days after their status finished ... It takes 6
    # months ... the applicant would have to complete the 10 years plus the extra 6 months and
    # 10 days". Permission ended 2021-12-31, applied 2022-01-10, granted 2022-07-10.
    h = history(
        [
            perm("student", "2014-01-01", "2021-12-31"),
            perm("skilled_worker", "2022-07-10", "2026-12-31"),
        ],
        [app("extension", "2022-01-10", "2022-07-10", "granted", late_reason_accepted=True)],
    )
    a = run(h, "long_residence", "2024-01-01", today="2024-01-01")
    gap_days = (D("2022-07-10") - D("2022-01-01")).days  # expiry to grant: 190 days
    assert a.uncounted_periods[0].start == D("2022-01-01")
    assert a.uncounted_periods[0].end == D("2022-07-09")
    assert a.complete_on == D("2024-01-01") + timedelta(days=gap_days)
    # The same as "10 years plus 6 months and 10 days", give or take month lengths.
    assert abs((a.complete_on - D("2024-07-11")).days) <= 2
    assert not a.eligible
    assert a.earliest_application_date == a.complete_on - timedelta(days=28)


def test_visitor_time_does_not_count_lr_11_1():
    h = history(
        [perm("visitor", "2013-01-01", "2013-06-30"), perm("student", "2013-07-01", "2030-01-01")]
    )
    a = run(h, "long_residence", "2023-07-01")
    assert a.qualifying_from == D("2013-07-01")
    assert a.complete_on == D("2023-07-01")
    assert a.eligible


def test_immigration_bail_between_permissions_breaks_lr_11_2_a():
    h = history(
        [
            perm("student", "2010-01-01", "2015-12-31"),
            perm("immigration_bail", "2016-01-01", "2016-12-31"),
            perm("refugee", "2017-01-01", "2030-12-31"),
        ]
    )
    a = run(h, "long_residence", "2024-01-01")
    assert a.continuity_broken
    assert a.breaches[0].rule == "LR 11.2(a)"
    assert a.qualifying_from == D("2017-01-01")


def test_covid_concession_1_to_31_august_2020_counts_as_lawful():
    h = history(
        [perm("student", "2012-01-01", "2020-07-31"), perm("student", "2020-09-01", "2030-01-01")]
    )
    a = run(h, "long_residence", "2022-01-01")
    assert not a.continuity_broken
    assert a.complete_on == D("2022-01-01")
    assert any("CR 2.1(d)" in r for r in a.reasons)


def test_lr_single_absence_184_days_passes_and_185_breaks_cr_3_3():
    base = [perm("student", "2010-01-01", "2030-12-31")]
    ok = history(base, absences=[trip("2015-03-01", "2015-09-02")])  # 184 whole days
    bad = history(base, absences=[trip("2015-03-01", "2015-09-03")])  # 185
    assert run(ok, "long_residence", "2021-01-01").eligible
    a = run(bad, "long_residence", "2021-01-01")
    assert not a.eligible
    assert [b.rule for b in a.breaches] == ["CR 3.3"]
    assert a.breaches[0].days == 185
    assert a.qualifying_from == D("2015-09-03")  # starts again on the return date


def test_lr_total_548_passes_and_549_breaks_when_reached_before_11_april_2024():
    from desktop.rules.days import whole_days_outside

    base = [perm("student", "2012-01-01", "2030-12-31")]
    four = [trip(f"{y}-01-01", f"{y}-05-03") for y in range(2013, 2017)]
    so_far = sum(whole_days_outside(t.left, t.returned) for t in four)  # 485
    need = 548 - so_far

    def last(days):
        return trip("2017-01-01", (D("2017-01-01") + timedelta(days=days + 1)).isoformat())

    exact = history(base, absences=four + [last(need)])
    over = history(base, absences=four + [last(need + 1)])
    assert run(exact, "long_residence", "2022-01-01").eligible
    a = run(over, "long_residence", "2022-01-01")
    assert not a.eligible
    assert [(b.rule, b.days) for b in a.breaches] == [("CR 3.3", 549)]
    # The qualifying period starts again on the return from the trip that passed the limit.
    assert a.qualifying_from == D("2013-05-03")


def test_lr_absences_after_11_april_2024_use_cr_3_1_rolling_180():
    base = [perm("student", "2015-01-01", "2030-12-31")]
    ok = history(base, absences=[trip("2024-05-01", "2024-10-29")])  # 180
    bad = history(base, absences=[trip("2024-05-01", "2024-10-30")])  # 181
    assert run(ok, "long_residence", "2025-01-10").eligible
    a = run(bad, "long_residence", "2025-01-10")
    assert [b.rule for b in a.breaches] == ["CR 3.1"]


def test_lr_11_3_twelve_months_on_current_route_for_grants_from_11_april_2024():
    h = history(
        [
            perm("student", "2014-06-01", "2024-05-31"),
            perm("skilled_worker", "2024-06-01", "2027-05-31"),
        ]
    )
    # While still a student (granted before 11 April 2024) LR 11.3 does not apply (LR 11.4).
    assert run(h, "long_residence", "2024-05-04").eligible
    a = run(h, "long_residence", "2024-07-01")
    assert not a.eligible
    assert a.earliest_application_date == D("2025-06-01")
    assert any("LR 11.3" in r for r in a.reasons)


def test_second_fee_waiver_instead_of_paid_application_is_a_gap_34g4():
    # First fee waiver refused, no paid application within 10 working days, a second fee-waiver
    # request later: there was no application in time, so the gap breaks continuity (003).
    h = history(
        [
            perm("private_life_10y", "2012-01-01", "2019-06-30"),
            perm("private_life_10y", "2020-01-10", "2030-01-01"),
        ],
        [
            app(
                "extension",
                None,
                fee_waiver_requested="2019-06-20",
                fee_waiver_decided="2019-07-01",
                fee_waiver_outcome="refused",
            ),
            app(
                "extension",
                "2019-08-20",
                "2020-01-10",
                "granted",
                fee_waiver_requested="2019-08-01",
                fee_waiver_decided="2019-08-10",
                fee_waiver_outcome="granted",
            ),
        ],
    )
    a = run(h, "long_residence", "2024-01-01")
    assert a.continuity_broken
    assert a.qualifying_from == D("2020-01-10")


def test_fee_waiver_request_date_is_the_application_date_under_34g4():
    # The full application followed within 10 working days of the fee-waiver decision, so the
    # application counts as made on the fee-waiver request date, in time: 3C leave, no gap.
    h = history(
        [
            perm("private_life_10y", "2012-01-01", "2019-06-30"),
            perm("private_life_10y", "2019-10-01", "2030-01-01"),
        ],
        [
            app(
                "extension",
                "2019-07-10",
                "2019-10-01",
                "granted",
                fee_waiver_requested="2019-06-25",
                fee_waiver_decided="2019-07-01",
                fee_waiver_outcome="granted",
            ),
        ],
    )
    a = run(h, "long_residence", "2022-01-01")
    assert not a.continuity_broken
    assert a.uncounted_periods == ()
    assert a.eligible


def test_custody_breaks_continuous_residence_cr_2_1_a():
    h = history(
        [perm("student", "2010-01-01", "2030-01-01")], custody=[("2016-01-01", "2016-06-30")]
    )
    a = run(h, "long_residence", "2021-01-01")
    assert a.continuity_broken
    assert a.qualifying_from == D("2016-07-01")


def test_abroad_on_the_application_date_is_not_eligible_and_earliest_moves_to_return():
    h = history(
        [perm("student", "2010-01-01", "2030-01-01")],
        absences=[trip("2019-12-20", "2020-01-05", planned=True)],
    )
    a = run(h, "long_residence", "2020-01-02", today="2019-06-01")
    assert not a.eligible
    assert a.earliest_application_date == D("2020-01-05")  # the day they are back


def test_planned_trip_makes_what_if_question_answerable():
    base = [perm("skilled_worker", "2021-01-01", "2030-01-01")]
    plain = run(history(base), "settlement_skilled_worker", "2025-12-04", today="2025-01-01")
    assert plain.eligible
    trip_plan = history(base, absences=[trip("2025-03-01", "2025-09-10", planned=True)])
    a = run(trip_plan, "settlement_skilled_worker", "2025-12-04", today="2025-01-01")
    assert not a.eligible
    assert a.earliest_application_date == D("2030-08-13")


# ---- Work routes: CR 3.1 and CR 3.2 ------------------------------------------------------------


def test_skilled_worker_180_days_in_any_12_months_passes_and_181_breaks_cr_3_1():
    base = [perm("skilled_worker", "2019-01-01", "2025-12-31")]
    ok = run(
        history(base, absences=[trip("2020-03-01", "2020-08-29")]),
        "settlement_skilled_worker",
        "2024-01-01",
    )
    bad = run(
        history(base, absences=[trip("2020-03-01", "2020-08-30")]),
        "settlement_skilled_worker",
        "2024-01-01",
    )
    assert ok.eligible and ok.max_window.days == 180
    assert not bad.eligible
    assert bad.breaches[0].rule == "CR 3.1" and bad.breaches[0].days == 181
    assert bad.qualifying_from == D("2020-08-30")
    assert bad.earliest_application_date == D("2025-08-02")


def test_rolling_window_catches_what_calendar_years_miss():
    base = [perm("skilled_worker", "2018-02-01", "2026-12-31")]
    h = history(base, absences=[trip("2019-08-01", "2019-12-31"), trip("2020-01-01", "2020-03-01")])
    a = run(h, "settlement_skilled_worker", "2023-06-01")
    assert a.breaches and a.breaches[0].rule == "CR 3.1"


def test_cr_3_2_pre_2018_permission_uses_consecutive_blocks():
    # 200 days across two consecutive blocks ending on the application date's anniversaries:
    # each block holds 100, so CR 3.2 passes although a rolling window would hold 200.
    base = [perm("skilled_worker", "2016-06-01", "2022-05-31", "2016-06-01")]
    h = history(base, absences=[trip("2017-02-19", "2017-05-31"), trip("2017-05-31", "2017-09-09")])
    a = run(h, "settlement_skilled_worker", "2021-06-01", today="2021-06-01")
    assert a.eligible, a.reasons
    later_grant = [perm("skilled_worker", "2016-06-01", "2022-05-31", "2018-02-01")]
    b = run(history(later_grant, absences=h.absences), "settlement_skilled_worker", "2021-06-01")
    assert not b.eligible
    assert b.breaches[0].rule == "CR 3.1"


def test_exceptional_absence_not_counted_cr_3_4():
    base = [perm("skilled_worker", "2019-01-01", "2025-12-31")]
    h = history(base, absences=[trip("2020-03-01", "2020-10-30", exceptional=True)])
    a = run(h, "settlement_skilled_worker", "2024-01-01")
    assert a.eligible
    assert any("CR 3.4" in r for r in a.reasons)


# ---- Partner routes ------------------------------------------------------------------------------


def test_partner_5y_has_no_absence_limit_but_flags_e_ltrp_1_10():
    h = history(
        [perm("partner_5y", "2019-01-01", "2024-12-31")],
        absences=[trip("2020-01-01", "2020-09-01")],
    )
    a = run(h, "settlement_partner_5y", "2024-01-01")
    assert a.eligible
    assert a.breaches == ()
    assert a.risks and a.risks[0].rule == "E-LTRP.1.10"


def test_10_year_route_disregards_absences_before_20_june_2022_followed_by_a_grant():
    perms = [
        perm("partner_10y", "2014-01-01", "2021-12-31"),
        perm("partner_10y", "2022-01-01", "2025-06-30"),
    ]
    h = history(perms, absences=[trip("2019-01-01", "2019-09-01")])
    a = run(h, "settlement_10y_route", "2024-01-01")
    assert a.eligible
    assert any("HC 1118" in r for r in a.reasons)


def test_10_year_route_counts_later_absences_under_cr_3_1():
    perms = [
        perm("parent_10y", "2014-01-01", "2021-12-31"),
        perm("parent_10y", "2022-01-01", "2026-06-30"),
    ]
    h = history(perms, absences=[trip("2022-07-01", "2023-03-01")])
    a = run(h, "settlement_10y_route", "2024-01-01")
    assert not a.eligible
    assert a.breaches[0].rule == "CR 3.1"


# ---- Discretionary leave ---------------------------------------------------------------------


def dl_chain(first: str, n: int, months: int = 30):
    from desktop.rules.days import add_months

    out = []
    start = D(first)
    for _ in range(n):
        end = add_months(start, months) - timedelta(days=1)
        out.append(perm("discretionary_leave", start.isoformat(), end.isoformat()))
        start = end + timedelta(days=1)
    return out


def test_dl_120_months_for_first_grant_on_or_after_9_july_2012():
    h = history(dl_chain("2013-03-01", 4))  # 4 x 30 months
    a = run(h, "settlement_discretionary_leave", "2023-02-01", today="2023-01-01")
    assert a.eligible
    assert a.complete_on == D("2023-03-01")
    assert a.earliest_application_date == D("2023-01-31")  # 28 days before leave ends 2023-02-28


def test_dl_6_years_for_first_grant_before_9_july_2012():
    h = history(dl_chain("2012-07-01", 2, 36))  # granted 1 July 2012: transitional
    a = run(h, "settlement_discretionary_leave", "2018-06-10", today="2018-06-01")
    assert a.eligible
    assert a.complete_on == D("2018-07-01")
    later = history(dl_chain("2012-07-09", 2, 36))
    assert not run(later, "settlement_discretionary_leave", "2018-06-15").eligible


def test_dl_custody_does_not_count_but_leave_either_side_aggregates():
    h = history(dl_chain("2013-03-01", 5), custody=[("2016-01-01", "2016-06-30")])
    a = run(h, "settlement_discretionary_leave", "2023-02-01", today="2023-01-01")
    assert not a.continuity_broken
    assert a.qualifying_from == D("2013-03-01")
    assert a.complete_on == D("2023-03-01") + timedelta(days=182)
    assert a.uncounted_periods[0].rule.startswith("DL policy")


def test_dl_of_6_months_or_less_lapses_on_travel():
    h = history(
        [
            perm("discretionary_leave", "2015-01-01", "2015-06-30"),
            perm("discretionary_leave", "2015-07-01", "2030-01-01"),
        ],
        absences=[trip("2015-03-01", "2015-03-10")],
    )
    a = run(h, "settlement_discretionary_leave", "2025-06-01")
    assert a.continuity_broken
    assert any(b.rule == "DL policy: duration of grants" for b in a.breaches)
    assert a.qualifying_from == D("2015-07-01")


def test_dl_late_application_gives_no_3c_leave():
    h = history(
        [
            perm("discretionary_leave", "2013-01-01", "2015-06-30"),
            perm("discretionary_leave", "2015-09-01", "2030-01-01"),
        ],
        [app("extension", "2015-07-20", "2015-09-01", "granted")],
    )
    a = run(h, "settlement_discretionary_leave", "2024-01-01")
    assert a.continuity_broken
    assert a.qualifying_from == D("2015-09-01")


# ---- Protection --------------------------------------------------------------------------------


def test_protection_5_years_apply_in_last_month():
    h = history([perm("refugee", "2019-03-01", "2024-02-29")])
    a = run(h, "settlement_protection", "2024-02-01", today="2024-01-01")
    assert a.eligible
    assert a.earliest_application_date == D("2024-02-01")
    early = run(h, "settlement_protection", "2024-01-31", today="2024-01-01")
    assert not early.eligible
    assert any("no fee" in n.lower() for n in a.notes)


def test_protection_stp_2_1_thresholds_as_deadlines_from_custody():
    h = history(
        [perm("refugee", "2019-03-01", "2024-02-29")], custody=[("2020-01-01", "2020-03-31")]
    )
    a = run(h, "settlement_protection", "2024-02-01", today="2024-01-01")
    rules = {dl.rule: dl.date for dl in a.deadlines}
    assert rules["STP 2.1(c)"] == D("2027-03-31")
    assert rules["STP 2.1(b)"] == D("2035-03-31")


# ---- Domestic abuse --------------------------------------------------------------------------


def test_domestic_abuse_needs_last_permission_as_partner_or_mvdac():
    ok = history(
        [perm("partner_5y", "2022-01-01", "2024-06-30"), perm("mvdac", "2023-01-01", "2023-03-31")][
            :1
        ]
    )
    assert run(ok, "settlement_domestic_abuse", "2023-02-01").eligible
    mv = history(
        [perm("partner_5y", "2022-01-01", "2022-12-31"), perm("mvdac", "2023-01-01", "2023-03-31")]
    )
    assert run(mv, "settlement_domestic_abuse", "2023-02-01").eligible
    no = history([perm("student", "2022-01-01", "2024-06-30")])
    assert not run(no, "settlement_domestic_abuse", "2023-02-01").eligible


# ---- Consistency ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "route",
    [
        "long_residence",
        "settlement_skilled_worker",
        "settlement_10y_route",
        "settlement_partner_5y",
    ],
)
def test_eligible_on_the_earliest_date_and_not_the_day_before(route):
    cat = {
        "long_residence": "student",
        "settlement_skilled_worker": "skilled_worker",
        "settlement_10y_route": "partner_10y",
        "settlement_partner_5y": "partner_5y",
    }[route]
    h = history(
        [perm(cat, "2015-02-28", "2031-01-01")], absences=[trip("2018-01-01", "2018-03-01")]
    )
    a = run(h, route, "2020-01-01")
    e = a.earliest_application_date
    assert e is not None
    assert run(h, route, e.isoformat()).eligible
    assert not run(h, route, (e - timedelta(days=1)).isoformat()).eligible


def test_unknown_route_is_rejected():
    with pytest.raises(ValueError):
        run(history(), "no_such_route", "2024-01-01")


# ---- Property: the earliest date is itself eligible, and eligibility implies earliest <= D ----

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from desktop.rules.history import Absence, History, Permission  # noqa: E402


@st.composite
def work_histories(draw):
    start = date(2014, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
    grant = start if draw(st.booleans()) else date(2018, 3, 1)
    perms = (Permission("skilled_worker", start, date(2032, 1, 1), min(grant, start)),)
    cursor = start
    trips = []
    for _ in range(draw(st.integers(0, 6))):
        left = cursor + timedelta(days=draw(st.integers(1, 500)))
        back = left + timedelta(
            days=draw(st.sampled_from([5, 60, 120, 178, 181, 183, 185, 200, 240]))
        )
        trips.append(Absence(left, back, planned=draw(st.booleans())))
        cursor = back
    return History(permissions=perms, absences=tuple(trips))


@settings(max_examples=60, deadline=None)
@given(
    work_histories(),
    st.sampled_from(["settlement_skilled_worker", "long_residence"]),
    st.integers(0, 4000),
)
def test_earliest_date_is_eligible_and_consistent(h, route, offset):
    on = date(2017, 1, 1) + timedelta(days=offset)
    a = run(h, route, on.isoformat())
    if a.eligible:
        assert a.earliest_application_date is not None and a.earliest_application_date <= on
    e = a.earliest_application_date
    if e is not None and e < date(2031, 6, 1):
        assert run(h, route, e.isoformat(), today=on.isoformat()).eligible
