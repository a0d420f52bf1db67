"""Issue 16, section 1: a record that stops before today is "status unknown", loudly.

The engine returns `status_unknown_since` beside the projection; a verdict resting on the
projection is never plain "eligible" (the projection stays as `if_permission_continued`); an
attention deadline that never ages out until the record is completed (a new permission, a
pending application, or the adviser's "checked: no permission"); and within 14 days of the end
the late-application window (paragraph 39E(1), SUI 13.1 from 11 November 2025)."""

from dataclasses import replace
from datetime import date

from desktop.assess import load_figures
from desktop.rules.day_timeline import STATUSES, day_timeline
from desktop.rules.deadlines import with_status
from desktop.rules.history import StatusCheck, parse_history
from desktop.rules.residence import assess_deadlines, verdict_line
from desktop.store.demo import _DEMO_CASES, _history_json
from tests.rules.helpers import D, app, history, perm, run

F = load_figures()

#: The issue's case: the last permission ended 31 January 2025, nothing is recorded since.
LAPSED = history(
    [
        perm("student", "2015-01-01", "2019-12-31"),
        perm("skilled_worker", "2020-01-01", "2025-01-31"),
    ]
)


def by_kind(deadlines, kind):
    return [d for d in deadlines if d.kind == kind]


def test_a_record_that_stops_before_today_is_status_unknown_never_plain_eligible():
    a = run(LAPSED, "long_residence", "2026-12-06")
    assert a.status_unknown_since == D("2025-02-01")
    assert a.record_ends == D("2025-01-31")
    assert not a.eligible
    assert a.reasons[0] == (
        "Long residence (10 years' lawful residence): eligible on 2026-12-06 only if permission "
        "continued after 2025-01-31 - nothing is recorded since. Check the client's status now "
        "(possible overstayer)."
    )
    assert a.reasons[1].code == "status_unknown"
    what_if = a.if_permission_continued
    assert what_if is not None and what_if.eligible and what_if.assumed_from == D("2025-02-01")
    assert verdict_line(a) == (
        "Long residence: eligible on 2026-12-06 only if permission continued after 2025-01-31 "
        "- nothing is recorded since. Check the client's status now (possible overstayer)."
    )
    out = a.to_dict()
    assert out["status_unknown_since"] == "2025-02-01"
    assert out["eligible"] is False and out["if_permission_continued"]["eligible"] is True


def test_a_date_resting_on_the_projection_is_not_given_as_the_clients_own():
    h = history([perm("skilled_worker", "2023-01-01", "2025-01-31")])
    a = run(h, "settlement_skilled_worker", "2026-12-06")
    assert not a.eligible and a.earliest_application_date is None
    assert a.if_permission_continued.earliest_application_date is not None
    assert "only if permission continued after 2025-01-31" in a.reasons[0]
    assert not by_kind(a.deadlines, "earliest_application")  # a what-if, not a deadline


def test_status_unknown_is_an_attention_item_that_never_ages_out():
    a = run(LAPSED, "long_residence", "2026-12-06")
    (item,) = by_kind(a.deadlines, "status_unknown")
    assert item.status == "attention"
    assert (item.date, item.starts, item.record) == (
        D("2025-01-31"),
        D("2025-02-01"),
        "permissions[1]",
    )
    years_later = with_status(a.deadlines, D("2040-01-01"))
    assert [d.status for d in years_later if d.kind == "status_unknown"] == ["attention"]
    fast = assess_deadlines(LAPSED, "long_residence", D("2026-12-06"), F, today=D("2026-12-06"))
    assert fast == a.deadlines


def test_paragraph_39e_1_late_window_within_14_days_of_the_end_is_upcoming_before_11_nov_2025():
    h = history([perm("student", "2015-01-01", "2025-03-31")])
    a = run(h, "long_residence", "2025-04-05")
    (late,) = by_kind(a.deadlines, "late_application_window")
    assert late.date == D("2025-04-14") and late.status == "upcoming"
    assert late.rule == "paragraph 39E(1)" and late.fact("good_reason_needed") is True
    assert late.starts == D("2025-04-01") and late.event_date == D("2025-03-31")


def test_sui_13_1_late_window_from_11_november_2025():
    h = history([perm("student", "2015-01-01", "2026-11-30")])
    a = run(h, "long_residence", "2026-12-06")
    (late,) = by_kind(a.deadlines, "late_application_window")
    assert late.date == D("2026-12-14") and late.status == "upcoming"
    assert late.rule == "SUI 13.1"
    passed = run(h, "long_residence", "2027-01-06")
    assert by_kind(passed.deadlines, "late_application_window")[0].status == "passed"
    assert by_kind(passed.deadlines, "status_unknown")[0].status == "attention"


def test_checked_no_permission_turns_the_time_after_the_record_into_overstaying():
    checked = replace(LAPSED, status_checks=(StatusCheck(D("2026-12-01")),))
    a = run(checked, "long_residence", "2026-12-06")
    assert a.status_unknown_since is None and a.if_permission_continued is None
    assert a.without_permission_since == D("2025-02-01")
    assert not by_kind(a.deadlines, "status_unknown")
    (gap,) = [b for b in a.breaches if b.start == D("2025-02-01")]
    assert "checked on 2026-12-01" in gap.why
    assert not a.eligible and a.earliest_application_date is None


def test_a_check_dated_before_the_end_of_the_record_does_not_apply():
    checked = replace(LAPSED, status_checks=(StatusCheck(D("2024-06-01")),))
    a = run(checked, "long_residence", "2026-12-06")
    assert a.status_unknown_since == D("2025-02-01")


def test_a_new_permission_completes_the_record():
    renewed = history(
        [
            perm("student", "2015-01-01", "2019-12-31"),
            perm("skilled_worker", "2020-01-01", "2025-01-31"),
            perm("skilled_worker", "2025-02-01", "2028-01-31"),
        ],
        [app("extension", "2025-01-10", "2025-02-01", "granted")],
    )
    a = run(renewed, "long_residence", "2026-12-06")
    assert a.status_unknown_since is None and a.eligible
    assert not [d for d in a.deadlines if d.status == "attention"]


def test_a_pending_application_completes_the_record():
    pending = history(LAPSED.permissions, [app("extension", "2025-01-20")])
    a = run(pending, "long_residence", "2026-12-06")
    assert a.status_unknown_since is None
    assert not by_kind(a.deadlines, "status_unknown")


def test_a_pending_protection_claim_is_waiting_for_a_decision_not_a_gap():
    h = history(
        [perm("student", "2015-01-01", "2025-01-31")],
        [app("asylum", "2025-01-20")],
    )
    t = day_timeline(h, "long_residence", D("2026-12-06"), F, today=D("2026-12-06"))
    after = t.at(D("2025-06-01"))
    assert after.status == "awaiting_decision" and not after.counts
    assert after.why.startswith("Waiting for a decision on the protection claim of 2025-01-20")
    assert STATUSES["awaiting_decision"] == "Waiting for a decision (not counted)"


def test_waiting_for_an_asylum_decision_before_the_first_grant_is_not_drawn_as_a_gap():
    h = history(
        [perm("refugee", "2021-06-01", "2026-05-31")],
        [app("asylum", "2020-01-10", "2021-06-01", "granted")],
    )
    t = day_timeline(h, "settlement_protection", D("2026-05-01"), F, today=D("2026-05-01"))
    waiting = t.at(D("2020-06-01"))
    assert waiting.status == "awaiting_decision" and waiting.record == "applications[0]"
    assert not any(s.status == "gap" for s in t.stretches if s.end < D("2021-06-01"))


def test_the_calendar_marks_the_unknown_days_up_to_today():
    t = day_timeline(LAPSED, "long_residence", D("2026-12-06"), F, today=D("2026-12-06"))
    assert t.status_unknown_since == D("2025-02-01")
    day = t.at(D("2026-01-01"))
    assert day.status == "status_unknown" and day.assumed
    assert "status is unknown" in day.why
    assert t.at(D("2025-01-31")).status == "counted"


def test_demo_amara_says_status_unknown():
    """Demo client Amara: permission ended 19 October 2026, nothing recorded since (the demo
    data is not changed)."""
    case = next(c for c in _DEMO_CASES if c["details"]["full_name"] == "Amara Example")
    h = parse_history(_history_json(case))
    a = run(h, "long_residence", "2025-09-01", today="2026-12-06")
    assert a.status_unknown_since == D("2026-10-20")
    assert any(r.code == "status_unknown" for r in a.reasons)
    assert "check the client's status now" in verdict_line(a)
    (item,) = by_kind(a.deadlines, "status_unknown")
    assert item.status == "attention" and item.date == D("2026-10-19")
    assert isinstance(item.date, date)


def test_domestic_abuse_route_after_a_lapsed_partner_permission_is_not_plain_eligible():
    h = history([perm("partner_5y", "2022-01-01", "2025-01-31")])
    a = run(h, "settlement_domestic_abuse", "2026-12-06")
    assert not a.eligible and a.status_unknown_since == D("2025-02-01")
    assert "only if permission continued after 2025-01-31" in a.reasons[0]
    assert [d.status for d in by_kind(a.deadlines, "status_unknown")] == ["attention"]


def test_naturalisation_records_the_unknown_status_and_its_attention_item():
    h = history([perm("skilled_worker", "2015-01-01", "2022-01-01")])
    a = run(h, "naturalisation_6_1", "2026-06-01")
    assert a.status_unknown_since == D("2022-01-02")
    assert [d.status for d in by_kind(a.deadlines, "status_unknown")] == ["attention"]


def test_the_calendar_draws_time_known_to_be_without_permission_as_a_gap():
    checked = replace(LAPSED, status_checks=(StatusCheck(D("2026-12-01")),))
    t = day_timeline(checked, "long_residence", D("2026-12-06"), F, today=D("2026-12-06"))
    day = t.at(D("2026-01-01"))
    assert day.status == "gap" and not day.assumed and "checked on 2026-12-01" in day.why
    assert t.status_unknown_since is None
