"""Engine round 2 (issue 6): section 3C after refusal, no silent restart, CR 3.2 wording, breaches
in the qualifying period only, the real completion date, deadlines. One test per statutory
sentence, named after it."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.assess import load_figures
from desktop.rules.history import Absence, Application, History, Permission
from desktop.rules.residence import assess, deciding_reason, verdict_line
from tests.rules.helpers import D, app, history, perm, run, trip

# ---- Section 3C after a refusal (s3C(2)(c)-(d)) and paragraph 39E(2) ---------------------------


def refused_then_reapplied(days_after_refusal: int, **refusal) -> History:
    refused_on = D("2020-09-01")
    return history(
        [
            perm("student", "2014-01-01", "2020-06-30"),
            perm("skilled_worker", "2021-03-01", "2030-01-01"),
        ],
        [
            app("extension", "2020-06-20", "2020-09-01", "refused", **refusal),
            app(
                "initial",
                (refused_on + timedelta(days=days_after_refusal)).isoformat(),
                "2021-03-01",
                "granted",
            ),
        ],
    )


def test_s3c_2_c_leave_continues_while_an_appeal_could_be_brought_14_days_after_refusal():
    a = run(refused_then_reapplied(24), "long_residence", "2024-06-01")
    # 3C ran to 2020-09-15 (14 days after the refusal), so the application 24 days after the
    # refusal was 10 days after 3C ended: forgiven, not a break.
    assert not a.continuity_broken
    assert a.qualifying_from == D("2014-01-01")
    assert [(u.start, u.rule) for u in a.uncounted_periods] == [
        (D("2020-09-16"), "paragraph 39E(2)")
    ]


def test_39e_2_forgives_a_further_application_within_14_days_without_a_good_reason():
    # No late_reason_accepted recorded: 39E(2) needs none, so nothing is missing about it.
    a = run(refused_then_reapplied(28), "long_residence", "2024-06-01")
    assert not a.continuity_broken
    assert not any("late_reason_accepted" in m for m in a.missing)


def test_39e_2_application_more_than_14_days_after_3c_ended_breaks_the_residence():
    a = run(refused_then_reapplied(29), "long_residence", "2024-06-01")
    assert a.continuity_broken
    assert a.breaches[0].rule == "paragraph 39E(2)"
    assert a.qualifying_from == D("2021-03-01")
    restart = [r for r in a.reasons if r.code == "restart"]
    assert restart and restart[0].dates["restart_on"] == D("2021-03-01")


def test_s3c_appeal_window_is_longer_where_the_refusal_letter_says_so():
    h = refused_then_reapplied(40, appeal_by="2020-09-25")
    if not hasattr(h.applications[0], "appeal_by"):  # the field arrives with the store change
        return
    a = run(h, "long_residence", "2024-06-01")
    # 3C to 2020-09-25, application on 2020-10-11: 16 days later, over 14: broken.
    assert a.continuity_broken
    b = run(refused_then_reapplied(38, appeal_by="2020-09-25"), "long_residence", "2024-06-01")
    assert not b.continuity_broken


def test_s3c_2_b_leave_continues_while_an_appeal_brought_in_time_is_pending():
    h = history(
        [perm("student", "2014-01-01", "2020-06-30"), perm("student", "2022-02-01", "2030-01-01")],
        [
            app(
                "extension",
                "2020-06-20",
                "2020-09-01",
                "refused",
                appeal_lodged="2020-09-10",
                appeal_decided="2022-01-31",
                appeal_outcome="allowed",
            )
        ],
    )
    a = run(h, "long_residence", "2024-06-01")
    assert not a.continuity_broken
    assert a.qualifying_from == D("2014-01-01")


def test_s104_dismissed_appeal_is_pending_while_onward_permission_could_be_sought():
    h = history(
        [perm("student", "2014-01-01", "2020-06-30"), perm("student", "2022-03-01", "2030-01-01")],
        [
            app(
                "extension",
                "2020-06-20",
                "2020-09-01",
                "refused",
                appeal_lodged="2020-09-10",
                appeal_decided="2022-01-31",
                appeal_outcome="dismissed",
            ),
            app("human_rights", "2022-02-20", "2022-03-01", "granted"),
        ],
    )
    # Dismissed 2022-01-31; onward window to 2022-02-14; new application 6 days later: 39E(2).
    a = run(h, "long_residence", "2024-06-01")
    assert not a.continuity_broken
    assert a.uncounted_periods[0].start == D("2022-02-15")


def test_a_refusal_today_does_not_make_the_client_an_overstayer_before_the_14_days_run():
    h = history(
        [perm("student", "2014-01-01", "2026-11-01")],
        [app("extension", "2026-10-20", "2026-12-01", "refused")],
    )
    for on in ("2026-12-01", "2026-12-15"):
        a = run(h, "long_residence", on, today="2026-12-01")
        assert a.eligible, (on, a.reasons)
    whats = [dl.what for dl in run(h, "long_residence", "2026-12-01").deadlines]
    assert any("Section 3C leave after the refusal ends" in w for w in whats)
    # From 11 November 2025 the after-refusal window is SUI 13.1 (HC 1333): cited by its date.
    assert any(
        dl.rule == "SUI 13.1"
        and dl.date == D("2026-12-29")
        and dl.kind == "late_application_window"
        for dl in run(h, "long_residence", "2026-12-01").deadlines
    )


# ---- No silent restart ---------------------------------------------------------------------


def test_record_ending_before_today_is_status_unknown_with_the_projection_as_a_what_if():
    """Issue 16: a record that stops is not a gap, but nor is it safe: the projection is a
    what-if beside a verdict that is never plain "eligible"."""
    h = history([perm("skilled_worker", "2019-01-01", "2022-12-31")])
    a = run(h, "settlement_skilled_worker", "2026-06-01", today="2026-06-01")
    assert not a.continuity_broken
    assert a.qualifying_from == D("2019-01-01")
    assert a.status_unknown_since == D("2023-01-01")
    assert not a.eligible and a.complete_on is None and a.earliest_application_date is None
    what_if = a.if_permission_continued
    assert what_if is not None and what_if.eligible and what_if.complete_on == D("2024-01-01")
    assert a.reasons[0].startswith(
        "Settlement on a work route (Skilled Worker, 5 years): eligible on 2026-06-01 only if "
        "permission continued after 2022-12-31 - nothing is recorded since. Check the client's "
        "status now (possible overstayer)."
    )
    assert any("Nothing is recorded after 2022-12-31" in m for m in a.missing)
    assert any("section 3C" in m for m in a.missing)
    assert "only if permission continued after 2022-12-31" in verdict_line(a)


def test_naturalisation_record_ending_before_today_is_missing_not_a_breach():
    h = history(
        [perm("skilled_worker", "2015-01-01", "2020-01-01"), perm("ilr", "2020-01-02", None)]
    )
    a = run(h, "naturalisation_6_1", "2026-06-01")
    assert a.eligible and a.breaches == ()
    h2 = history([perm("skilled_worker", "2015-01-01", "2022-01-01")])
    b = run(h2, "naturalisation_6_1", "2026-06-01")
    assert not any("immigration laws" in br.why for br in b.breaches)
    assert any("Nothing is recorded after 2022-01-01" in m for m in b.missing)


def test_every_restart_of_the_qualifying_period_is_named_with_cause_dates_and_rule():
    h = history(
        [perm("student", "2008-01-01", "2012-12-31"), perm("student", "2013-06-01", "2030-01-01")]
    )
    a = run(h, "long_residence", "2023-06-01", today="2026-06-01")
    restarts = [r for r in a.reasons if r.code == "restart"]
    assert len(restarts) == 1
    r = restarts[0]
    assert r.rule == "CR 2.1(d)"
    assert r.dates == {
        "restart_on": D("2013-06-01"),
        "from": D("2013-01-01"),
        "to": D("2013-05-31"),
    }


# ---- CR 3.2 wording -----------------------------------------------------------------------------


def test_cr_3_2_reasons_say_consecutive_periods_and_never_a_rolling_breach_beside_eligible():
    h = history(
        [perm("skilled_worker", "2015-01-01", "2025-12-31", "2015-01-01")],
        [],
        [trip("2016-03-01", "2016-09-27")],  # 209 days
    )
    a = run(h, "settlement_skilled_worker", "2020-06-01")
    assert a.eligible
    text = " ".join(a.reasons)
    assert "consecutive 12-month periods ending on the anniversaries" in text
    assert "(CR 3.2)" in text
    # The rolling figure (209 days) is never set against the CR 3.1 limit.
    assert not any("209" in r and "12 months" in r for r in a.reasons)
    assert a.absence_days_total == 209
    block = next(r for r in a.reasons if r.rule == "CR 3.2")
    assert block.days <= 180 and block.dates["to"] == D("2017-06-01")


# ---- Breaches that matter --------------------------------------------------------------------


def test_a_gap_before_the_qualifying_period_is_a_note_not_a_breach():
    h = history(
        [perm("student", "2008-01-01", "2012-12-31"), perm("student", "2013-06-01", "2030-01-01")]
    )
    a = run(h, "long_residence", "2023-06-01")
    assert a.eligible and not a.continuity_broken and a.breaches == ()
    assert any(
        n.startswith("Before the qualifying period (2013-01-01 to 2013-05-31)") for n in a.notes
    )


def test_a_gap_inside_the_years_counted_back_is_a_breach():
    h = history(
        [perm("student", "2008-01-01", "2012-12-31"), perm("student", "2013-06-01", "2030-01-01")]
    )
    a = run(h, "long_residence", "2019-06-01")
    assert a.continuity_broken and a.breaches[0].rule == "CR 2.1(d)"


def test_a_lapse_before_the_qualifying_period_is_a_note():
    h = history(
        [
            perm("discretionary_leave", "2000-01-01", "2000-05-31"),
            perm("skilled_worker", "2001-01-01", "2030-01-01"),
        ],
        [],
        [trip("2000-03-01", "2000-03-10")],
    )
    a = run(h, "settlement_skilled_worker", "2024-01-01")
    assert a.eligible and a.breaches == ()


def test_naturalisation_first_day_and_450_day_limit_set_the_same_flag():
    base = [perm("skilled_worker", "2010-01-01", "2019-12-31"), perm("ilr", "2020-01-01", None)]
    on = "2026-06-01"
    first_day = run(history(base, [], [trip("2021-05-20", "2021-06-10")]), "naturalisation_6_1", on)
    too_many = run(history(base, [], [trip("2022-01-01", "2023-06-01")]), "naturalisation_6_1", on)
    assert first_day.breaches and too_many.breaches
    assert first_day.continuity_broken is True
    assert too_many.continuity_broken is True


# ---- The real completion date ------------------------------------------------------------------


def test_qualifying_period_gives_the_first_date_it_is_complete_not_years_counted_back():
    h = history([perm("student", "2010-01-01", "2030-01-01")])
    a = run(h, "long_residence", "2024-09-01")
    assert a.qualifying_from == D("2010-01-01")
    assert a.complete_on == D("2020-01-01")
    assert a.counted_back_from == D("2014-09-01")
    out = a.to_dict()["qualifying_period"]
    assert out == {
        "from": "2010-01-01",
        "complete_on": "2020-01-01",
        "counted_back_from": "2014-09-01",
    }


# ---- Fee note, deadlines ---------------------------------------------------------------------


def test_fee_note_cites_the_fee_s_own_source():
    h = history([perm("student", "2014-01-01", "2030-01-01")])
    lr = run(h, "long_residence", "2025-06-01")
    assert any("long residence sheet" in n for n in lr.notes)
    assert not any("Discretionary Leave" in n for n in lr.notes)
    p = run(
        history([perm("partner_5y", "2019-01-01", "2030-01-01")]),
        "settlement_partner_5y",
        "2025-06-01",
    )
    fee = next(n for n in p.notes if n.startswith("Fee on"))
    assert "Fees) Regulations" in fee and "Discretionary Leave" not in fee
    dl = run(
        history([perm("discretionary_leave", "2014-01-01", "2030-01-01")]),
        "settlement_discretionary_leave",
        "2024-06-01",
    )
    assert any("Reference 000" in n for n in dl.notes)


def test_no_duplicate_deadlines():
    h = history(
        [perm("student", "2014-01-01", "2027-01-31")],
        [
            app("extension", "2026-10-20", "2026-11-25", "refused"),
            app("extension", "2026-11-26", "2026-11-27", "refused"),
        ],
    )
    for route in (
        "long_residence",
        "settlement_10y_route",
        "naturalisation_6_1",
        "settlement_domestic_abuse",
    ):
        a = run(h, route, "2026-12-01")
        keys = [(dl.date, dl.what) for dl in a.deadlines]
        assert len(keys) == len(set(keys)), route
        sar = [dl for dl in a.deadlines if "ask the Home Office for your file" in dl.what]
        assert len(sar) == 1


def test_appeal_deadline_on_a_weekend_says_the_next_working_day_is_allowed_r_11():
    # Refusal sent Saturday 2026-11-14 + 14 days = Saturday 2026-11-28; next working day Monday.
    h = history(
        [perm("student", "2014-01-01", "2026-11-20")],
        [app("extension", "2026-11-01", "2026-11-14", "refused")],
    )
    a = run(h, "long_residence", "2026-11-20")
    appeal = next(dl for dl in a.deadlines if dl.what.startswith("Last day to appeal"))
    assert appeal.date == D("2026-11-28")  # the safe date stays first
    assert appeal.next_working_day == D("2026-11-30")
    assert "FtT (IAC) Rules 2014 r.11" in appeal.what
    assert appeal.to_dict()["next_working_day"] == "2026-11-30"


def test_appeal_deadline_on_a_bank_holiday_moves_to_the_next_working_day():
    h = history(
        [perm("student", "2014-01-01", "2026-12-31")],
        [app("extension", "2026-12-01", "2026-12-11", "refused")],  # +14 = Friday 25 December
    )
    holidays = frozenset({D("2026-12-25"), D("2026-12-28")})
    a = run(h, "long_residence", "2026-12-12", holidays=holidays)
    appeal = next(dl for dl in a.deadlines if dl.what.startswith("Last day to appeal"))
    assert appeal.next_working_day == D("2026-12-29")


def test_deadlines_list_past_ones_with_their_status():
    h = history(
        [perm("student", "2014-01-01", "2027-06-30")],
        [
            app("extension", "2018-01-01", "2018-03-01", "refused"),
            app("extension", "2018-03-10", "2018-05-01", "granted"),
        ],
    )
    a = run(h, "long_residence", "2026-12-01")
    statuses = {(dl.kind, dl.status) for dl in a.deadlines}
    assert ("appeal", "passed") in statuses
    # The extension granted in 2018 kept the permission: that deadline is met, not passed.
    ends = next(dl for dl in a.deadlines if dl.kind == "apply_before_expiry")
    assert ends.status == "met" and ends.met_on == D("2018-03-10")
    for dl in a.deadlines:
        if dl.met_on is None:
            assert dl.status == ("passed" if dl.last_day < D("2026-12-01") else "upcoming")
    assert all(
        d["status"] in ("passed", "upcoming", "met", "attention") for d in a.to_dict()["deadlines"]
    )


def test_dl_reasons_say_qualifies_now_may_apply_from_when_only_the_28_day_window_waits():
    h = history([perm("discretionary_leave", "2014-01-01", "2025-06-30")])
    a = run(h, "settlement_discretionary_leave", "2024-03-01")
    assert not a.eligible
    wait = next(r for r in a.reasons if r.code == "wait_for_window")
    assert wait.startswith("Qualifies now")
    assert wait.dates["apply_from"] == D("2025-06-02")
    assert a.earliest_application_date == D("2025-06-02")


# ---- Already settled, deciding reasons ---------------------------------------------------------


def test_ilr_holders_are_already_settled_on_every_settlement_route():
    h = history([perm("student", "2010-01-01", "2019-12-31"), perm("ilr", "2020-01-01", None)])
    for route in ("long_residence", "settlement_skilled_worker", "settlement_domestic_abuse"):
        a = run(h, route, "2024-06-01")
        assert a.settled_since == D("2020-01-01") and not a.eligible
        assert "already settled" in verdict_line(a)


def test_verdict_line_names_the_trip_and_rule_that_broke_the_period():
    h = history(
        [perm("skilled_worker", "2019-01-01", "2030-12-31")], [], [trip("2020-01-01", "2020-07-15")]
    )
    a = run(h, "settlement_skilled_worker", "2024-06-01")
    line = verdict_line(a)
    assert line.startswith("Settlement on a work route: not yet: earliest 2025-06-17.")
    assert "CR 3.1" in line and "2020-07-15" in line
    assert deciding_reason(a).code == "restart"


# ---- Property: a restart always has a reason --------------------------------------------------

FIG = load_figures()


@st.composite
def histories(draw):
    start = date(2008, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
    perms, apps, cursor = [], [], start
    for _ in range(draw(st.integers(1, 4))):
        length = draw(st.integers(200, 1500))
        end = cursor + timedelta(days=length)
        perms.append(Permission("skilled_worker", cursor, end))
        gap = draw(st.sampled_from([0, 0, 5, 20, 90]))
        if gap:
            made = end + timedelta(days=draw(st.integers(1, gap)))
            apps.append(Application("extension", made, end + timedelta(days=gap + 1), "granted"))
        cursor = end + timedelta(days=gap + 1)
    trips, t = [], start + timedelta(days=draw(st.integers(1, 60)))
    for _ in range(draw(st.integers(0, 8))):
        length = draw(st.integers(1, 200))
        trips.append(Absence(t, t + timedelta(days=length)))
        t = t + timedelta(days=length + draw(st.integers(1, 400)))
    return History(permissions=tuple(perms), applications=tuple(apps), absences=tuple(trips))


@settings(max_examples=60, deadline=None)
@given(histories(), st.integers(1500, 6000))
def test_property_every_restart_has_a_reason(h, offset):
    on = date(2008, 1, 1) + timedelta(days=offset)
    for route in ("settlement_skilled_worker", "long_residence"):
        a = assess(h, route, on, FIG, today=on)
        first_counted = min(p.start for p in h.permissions)
        if a.qualifying_from is not None and a.qualifying_from > first_counted:
            restarts = [r for r in a.reasons if r.code == "restart"]
            assert restarts, a.reasons
            assert any(r.dates["restart_on"] == a.qualifying_from for r in restarts)
            assert all(r.rule for r in restarts)
        if a.eligible:
            assert a.breaches == () and not a.continuity_broken


# ---- Property: the CR 3.2 earliest date against a day-by-day scan --------------------------


@st.composite
def pre_2018_histories(draw):
    start = date(2012, 1, 1) + timedelta(days=draw(st.integers(0, 300)))
    perms = (Permission("skilled_worker", start, date(2032, 1, 1), start),)  # granted pre-2018
    trips, t = [], start + timedelta(days=draw(st.integers(10, 400)))
    for _ in range(draw(st.integers(1, 6))):
        length = draw(st.integers(20, 260))
        trips.append(Absence(t, t + timedelta(days=length)))
        t = t + timedelta(days=length + draw(st.integers(1, 500)))
    return History(permissions=perms, absences=tuple(trips))


@settings(max_examples=25, deadline=None)
@given(pre_2018_histories(), st.integers(0, 2500))
def test_property_cr_3_2_earliest_date_is_the_first_eligible_day(h, offset):
    route = "settlement_skilled_worker"
    on = date(2016, 1, 1) + timedelta(days=offset)
    a = assess(h, route, on, FIG, today=on)
    earliest = a.earliest_application_date
    if a.eligible or earliest is None:
        return
    assert assess(h, route, earliest, FIG, today=on).eligible
    day = max(on, earliest - timedelta(days=500))
    while day < earliest:
        assert not assess(h, route, day, FIG, today=on).eligible, (day, earliest)
        day += timedelta(days=1)


# ---- The deadlines-only path (the deadlines board) gives the same deadlines ------------------


@settings(max_examples=40, deadline=None)
@given(histories(), st.integers(1500, 6000), st.integers(-400, 400))
def test_property_deadlines_only_equal_the_full_assessment(h, offset, today_shift):
    from desktop.rules.residence import assess_deadlines

    on = date(2008, 1, 1) + timedelta(days=offset)
    today = on + timedelta(days=today_shift)
    for route in ("settlement_skilled_worker", "long_residence", "settlement_discretionary_leave"):
        full = assess(h, route, on, FIG, today=today).deadlines
        assert assess_deadlines(h, route, on, FIG, today=today) == full
