"""Issue 22: the casework reminders (desktop.rules.casework), each date rule with its citation,
the retention review, the level check, and the data file they read (resources/rules/
casework.toml). Bank holidays are England and Wales from the `holidays` package, as the app
uses them: Christmas 2026 is Friday 25 and Monday 28 December (Boxing Day falls on a Saturday),
Easter 2027 is Good Friday 26 March and Easter Monday 29 March."""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import desktop
from desktop.assess import bank_holidays, load_casework, load_figures
from desktop.rules.casework import (
    AccessRequestFacts,
    CaseworkData,
    CaseworkDataError,
    CaseworkFacts,
    CaseworkSettings,
    ComplaintFacts,
    ConsentFacts,
    MatterFacts,
    RetentionFacts,
    access_request_due,
    consent_renewal_due,
    level_check,
    months_later_or_month_end,
    outcome_letter_due,
    parse_casework,
    reminders,
    retention_review_on,
    update_due,
)
from desktop.rules.days import is_working_day
from desktop.rules.deadlines import ATTENTION_KINDS, DEADLINE_KINDS
from desktop.rules.figures import Figures
from tests.rules.helpers import D, app, history, perm

F = load_figures()
DATA = load_casework()
BH = bank_holidays("england-and-wales", 2015, 2035)
TODAY = D("2026-12-07")
SETTINGS = CaseworkSettings()
CASEWORK_TOML = desktop.RESOURCES_DIR / "rules" / "casework.toml"


def matter(**kw) -> MatterFacts:
    base = dict(
        id=1,
        title="Partner extension",
        category="partner",
        oisc_category="immigration",
        needed_level=None,
        adviser="Ana",
        adviser_level=1,
        opened=D("2026-10-01"),
        closed=None,
        outcome=None,
        decision_on=None,
        outcome_told_on=None,
        client_care_agreed_on=None,
    )
    base.update(kw)
    return MatterFacts(**base)


def consent(id=1, given="2026-01-01", months=12, withdrawn=None, scope="records"):
    return ConsentFacts(id, scope, D(given), months, D(withdrawn) if withdrawn else None)


def run(facts: CaseworkFacts, today: date = TODAY, hist=None, settings=SETTINGS):
    return reminders(facts, today, BH, F, DATA, settings, history=hist)


def of_kind(found, kind):
    return [d for d in found if d.kind == kind]


# ---- code 29: a written update every 3 months ---------------------------------------------------


def test_code_29_update_due_3_months_after_the_latest_written_contact():
    m = matter(opened=D("2026-01-10"), written=(D("2026-02-01"), D("2026-03-05")))
    assert update_due(m, F) == D("2026-06-05")


def test_code_29_update_due_3_months_after_opening_when_nothing_was_written():
    assert update_due(matter(opened=D("2026-01-10")), F) == D("2026-04-10")


def test_code_29_a_month_end_with_no_such_day_rolls_to_the_first():
    # 30 November + 3 months: there is no 30 February, so 1 March (desktop.rules.days.add_months).
    assert update_due(matter(opened=D("2025-11-30")), F) == D("2026-03-01")
    # 29 February 2024 + 3 months is simply 29 May.
    assert update_due(matter(opened=D("2024-02-29")), F) == D("2024-05-29")


def test_code_29_reminder_for_an_open_matter_upcoming_then_passed_none_once_closed():
    m = matter(opened=D("2026-10-01"))
    (upcoming,) = of_kind(run(CaseworkFacts(matters=(m,))), "written_update")
    assert (upcoming.date, upcoming.status) == (D("2027-01-01"), "upcoming")
    assert upcoming.rule == "OISC Code of Standards 2016 code 29"
    assert upcoming.record == "matters[1]" and "2026-10-01" in upcoming.what
    (passed,) = of_kind(run(CaseworkFacts(matters=(m,)), today=D("2027-01-02")), "written_update")
    # Past its day and still owed: an attention item, which never ages off the board.
    assert passed.status == "attention"
    closed = replace(m, closed=D("2026-11-01"), outcome="advice_only")
    assert of_kind(run(CaseworkFacts(matters=(closed,))), "written_update") == []


# ---- code 30: the outcome in writing within 3 working days --------------------------------------


def test_code_30_three_working_days_over_a_weekend():
    # Friday 4 December 2026: Monday 7, Tuesday 8, Wednesday 9.
    assert outcome_letter_due(D("2026-12-04"), BH, F) == D("2026-12-09")


def test_code_30_three_working_days_over_christmas():
    # Thursday 24 December 2026: 25 and 28 are bank holidays, 26-27 the weekend.
    assert outcome_letter_due(D("2026-12-24"), BH, F) == D("2026-12-31")


def test_code_30_three_working_days_over_easter():
    # Thursday 25 March 2027: Good Friday 26, Easter Monday 29.
    assert outcome_letter_due(D("2027-03-25"), BH, F) == D("2027-04-01")


def test_code_30_a_decision_heard_of_on_a_saturday_counts_from_the_next_working_day():
    assert outcome_letter_due(D("2026-12-05"), BH, F) == D("2026-12-09")


def _outcome(m, today=TODAY):
    (found,) = of_kind(run(CaseworkFacts(matters=(m,)), today=today), "outcome_letter")
    return found


def test_code_30_met_when_the_outcome_letter_went_by_the_due_day():
    m = matter(decision_on=D("2026-12-04"), outcome_letters=(D("2026-12-09"),))
    d = _outcome(m, today=D("2026-12-20"))
    assert (d.date, d.status, d.met_on, d.done_on) == (
        D("2026-12-09"),
        "met",
        D("2026-12-09"),
        D("2026-12-09"),
    )
    assert d.rule == "OISC Code of Standards 2016 code 30" and d.days == 3
    assert "in time" in d.what


def test_code_30_a_late_letter_is_passed_with_the_day_it_went():
    m = matter(decision_on=D("2026-12-04"), outcome_letters=(D("2026-12-10"),))
    d = _outcome(m, today=D("2026-12-20"))
    assert (d.status, d.met_on, d.done_on) == ("passed", None, D("2026-12-10"))
    assert "late" in d.what


def test_code_30_upcoming_before_the_day_and_passed_after_with_no_letter():
    m = matter(decision_on=D("2026-12-04"))
    assert _outcome(m, today=D("2026-12-09")).status == "upcoming"
    assert _outcome(m, today=D("2026-12-10")).status == "attention"  # still owed


def test_code_30_outcome_told_on_counts_and_a_letter_before_the_decision_does_not():
    told = matter(decision_on=D("2026-12-04"), outcome_told_on=D("2026-12-07"))
    assert _outcome(told, today=D("2026-12-20")).status == "met"
    earlier = matter(decision_on=D("2026-12-04"), outcome_letters=(D("2026-11-01"),))
    assert _outcome(earlier, today=D("2026-12-20")).status == "attention"


def test_code_30_applies_to_a_closed_matter_too():
    m = matter(decision_on=D("2026-12-04"), closed=D("2026-12-05"), outcome="refused")
    assert _outcome(m).kind == "outcome_letter"


def _brute_working_days(start: date, n: int, holidays) -> date:
    """Walk day by day, counting only Monday-Friday days that are not bank holidays."""
    count, day = 0, start
    while count < n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            count += 1
    return day


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2016, 4, 1), max_value=date(2034, 12, 1)))
def test_outcome_letter_due_matches_a_brute_force_count_of_working_days(decided):
    due = outcome_letter_due(decided, BH, F)
    assert due == _brute_working_days(decided, 3, BH)
    between = [decided + timedelta(days=i) for i in range(1, (due - decided).days + 1)]
    assert sum(is_working_day(d, BH) for d in between) == 3 and is_working_day(due, BH)


# ---- UK GDPR art. 12(3): the client's subject access request to the centre --------------------


def access(asked, extended=False, answered=None, id=1):
    return AccessRequestFacts(id, D(asked), extended, D(answered) if answered else None)


def test_access_request_one_month_is_the_corresponding_date():
    d = access_request_due(access("2026-03-10"), BH, F)
    assert (d.date, d.next_working_day, d.last_day) == (D("2026-04-10"), None, D("2026-04-10"))
    assert d.rule == "UK GDPR art. 12(3)" and d.kind == "client_access_request"
    assert d.record == "access_requests[1]" and "2026-03-10" in d.what


def test_access_request_31_january_is_due_the_last_day_of_february():
    assert access_request_due(access("2025-01-31"), BH, F).date == D("2025-02-28")


def test_access_request_31_january_in_a_leap_year_is_due_29_february():
    assert access_request_due(access("2024-01-31"), BH, F).date == D("2024-02-29")


def test_access_request_due_on_a_saturday_moves_to_the_monday():
    # 31 January 2026 + 1 month = Saturday 28 February 2026: in time on Monday 2 March.
    d = access_request_due(access("2026-01-31"), BH, F)
    assert (d.date, d.next_working_day) == (D("2026-02-28"), D("2026-03-02"))
    assert "2026-03-02" in d.what


def test_access_request_due_on_christmas_day_moves_past_the_bank_holidays():
    # 25 December 2026 (Friday); Boxing Day's substitute is Monday 28: Tuesday 29.
    d = access_request_due(access("2026-11-25"), BH, F)
    assert (d.date, d.last_day) == (D("2026-12-25"), D("2026-12-29"))


def test_access_request_extended_by_two_further_months():
    d = access_request_due(access("2026-01-15", extended=True), BH, F)
    assert d.date == D("2026-04-15") and d.fact("months") == 3 and d.fact("extended") is True
    # 30 November 2025 + 3 months: no 30 February, so Saturday 28 February, then Monday.
    late = access_request_due(access("2025-11-30", extended=True), BH, F)
    assert (late.date, late.last_day) == (D("2026-02-28"), D("2026-03-02"))


def test_access_request_answered_in_time_is_met_late_is_passed():
    moved = access_request_due(access("2026-01-31", answered="2026-03-02"), BH, F)
    assert moved.met_on == D("2026-03-02")  # the next working day is still in time
    late = access_request_due(access("2026-01-31", answered="2026-03-03"), BH, F)
    assert (late.met_on, late.done_on) == (None, D("2026-03-03"))
    found = run(CaseworkFacts(access_requests=(access("2026-01-31", answered="2026-03-03"),)))
    assert [d.status for d in found] == ["passed"]
    open_one = run(CaseworkFacts(access_requests=(access("2026-11-25"),)))
    assert [d.status for d in open_one] == ["upcoming"]


def _brute_ico_due(asked: date, months: int, holidays) -> date:
    """The ICO's words, walked day by day: find the month `months` on; the day in it with the
    same number, else its last day; then on to a day that is not a weekend or bank holiday."""
    month, year = asked.month, asked.year
    for _ in range(months):
        month += 1
        if month == 13:
            month, year = 1, year + 1
    day = asked
    candidates = []
    while (day.year, day.month) <= (year, month):
        if (day.year, day.month) == (year, month):
            candidates.append(day)
        day += timedelta(days=1)
    same = [d for d in candidates if d.day == asked.day]
    due = same[0] if same else candidates[-1]
    while due.weekday() >= 5 or due in holidays:
        due += timedelta(days=1)
    return due


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(2018, 5, 25), max_value=date(2034, 9, 1)),
    st.booleans(),
)
def test_access_request_due_matches_a_brute_force_of_the_ico_rule(asked, extended):
    request = AccessRequestFacts(1, asked, extended)
    d = access_request_due(request, BH, F)
    assert d.last_day == _brute_ico_due(asked, 3 if extended else 1, BH)
    assert d.date.day == min(asked.day, calendar.monthrange(d.date.year, d.date.month)[1])


def test_months_later_or_month_end_clamps_where_add_months_would_roll():
    assert months_later_or_month_end(D("2026-01-31"), 1) == D("2026-02-28")
    assert months_later_or_month_end(D("2024-02-29"), 12) == D("2025-02-28")
    assert months_later_or_month_end(D("2026-12-15"), 1) == D("2027-01-15")


# ---- consent ------------------------------------------------------------------------------------


def test_consent_renewal_is_period_months_after_it_was_given():
    assert consent_renewal_due(consent(given="2026-01-01", months=12)) == D("2027-01-01")
    # A missing day rolls to the 1st: 31 January + 1 month, 29 February + 12 months.
    assert consent_renewal_due(consent(given="2026-01-31", months=1)) == D("2026-03-01")
    assert consent_renewal_due(consent(given="2024-02-29", months=12)) == D("2025-03-01")


def test_consent_renewal_reminder_for_the_records_scope_only():
    facts = CaseworkFacts(
        consents=(consent(1, "2026-06-01"), consent(2, "2026-06-01", scope="contact"))
    )
    (d,) = run(facts)
    assert (d.kind, d.date, d.record, d.status) == (
        "consent_renewal",
        D("2027-06-01"),
        "consents[1]",
        "upcoming",
    )


def test_an_open_matter_with_no_records_consent_is_an_attention_item():
    (d,) = of_kind(run(CaseworkFacts(matters=(matter(),))), "consent_missing")
    assert d.status == "attention" and d.fact("reason") == "none"
    assert "no consent" in d.what and d.record == "matters[1]"


def test_withdrawn_consent_with_an_open_matter_says_so():
    facts = CaseworkFacts(matters=(matter(),), consents=(consent(withdrawn="2026-11-01"),))
    found = run(facts)
    (d,) = of_kind(found, "consent_missing")
    assert d.fact("reason") == "withdrawn" and "2026-11-01" in d.what
    assert of_kind(found, "consent_renewal") == []


def test_expired_consent_with_an_open_matter_says_so_and_the_renewal_is_passed():
    facts = CaseworkFacts(matters=(matter(),), consents=(consent(given="2025-06-01"),))
    found = run(facts)
    (missing,) = of_kind(found, "consent_missing")
    (renewal,) = of_kind(found, "consent_renewal")
    assert missing.fact("reason") == "expired" and "2026-06-01" in missing.what
    assert renewal.status == "passed"


def test_a_newer_consent_replaces_a_withdrawn_one_and_no_matter_no_attention():
    facts = CaseworkFacts(
        matters=(matter(),),
        consents=(consent(1, "2025-01-01", withdrawn="2025-06-01"), consent(2, "2026-03-01")),
    )
    found = run(facts)
    assert of_kind(found, "consent_missing") == []
    assert [d.record for d in of_kind(found, "consent_renewal")] == ["consents[2]"]
    closed = replace(matter(), closed=D("2026-11-01"))
    assert of_kind(run(CaseworkFacts(matters=(closed,))), "consent_missing") == []


# ---- code 57: retention review ------------------------------------------------------------------


def test_retention_none_while_a_matter_is_open():
    facts = CaseworkFacts(
        matters=(matter(), matter(id=2, closed=D("2020-01-01"))), last_visit=D("2020-01-01")
    )
    assert retention_review_on(facts, SETTINGS) is None
    assert of_kind(run(facts), "retention_review") == []


def test_retention_six_years_after_the_latest_close_or_visit():
    facts = CaseworkFacts(
        matters=(matter(closed=D("2020-03-01")), matter(id=2, closed=D("2021-05-10"))),
        last_visit=D("2021-02-01"),
    )
    assert retention_review_on(facts, SETTINGS) == D("2027-05-10")
    later_visit = replace(facts, last_visit=D("2022-01-31"))
    assert retention_review_on(later_visit, SETTINGS) == D("2028-01-31")


def test_retention_years_is_a_setting():
    facts = CaseworkFacts(matters=(matter(closed=D("2020-03-01")),))
    assert retention_review_on(facts, CaseworkSettings(retention_years=10)) == D("2030-03-01")


def test_retention_counts_from_the_last_change_when_nothing_else_is_recorded():
    assert retention_review_on(CaseworkFacts(last_change=D("2019-07-01")), SETTINGS) == D(
        "2025-07-01"
    )
    assert retention_review_on(CaseworkFacts(), SETTINGS) is None


def test_a_keep_decision_moves_the_review_to_its_date():
    facts = CaseworkFacts(
        matters=(matter(closed=D("2019-01-15")),),
        retention=(RetentionFacts(D("2025-01-20"), D("2027-01-20")),),
    )
    assert retention_review_on(facts, SETTINGS) == D("2027-01-20")
    (d,) = of_kind(run(facts), "retention_review")
    assert (d.date, d.status, d.fact("kept")) == (D("2027-01-20"), "upcoming", True)
    assert d.rule == "OISC Code of Standards 2016 code 57" and d.record == "matters[1]"


def test_the_latest_keep_decision_counts_and_never_moves_the_review_earlier():
    facts = CaseworkFacts(
        matters=(matter(closed=D("2019-01-15")),),
        retention=(
            RetentionFacts(D("2024-01-01"), D("2030-01-01")),
            RetentionFacts(D("2025-02-01"), D("2026-01-01")),
        ),
    )
    # The latest decision (1 Feb 2025) says review 1 Jan 2026: later than 15 Jan 2025.
    assert retention_review_on(facts, SETTINGS) == D("2026-01-01")
    early = replace(facts, retention=(RetentionFacts(D("2020-01-01"), D("2021-01-01")),))
    assert retention_review_on(early, SETTINGS) == D("2025-01-15")


def test_retention_review_passed_when_due():
    facts = CaseworkFacts(matters=(matter(closed=D("2019-01-15")),))
    (d,) = of_kind(run(facts), "retention_review")
    assert (d.date, d.status) == (D("2025-01-15"), "attention")  # the review is owed


# ---- code 79: complaints ------------------------------------------------------------------------


def test_a_complaint_not_acknowledged_is_an_attention_item_until_it_is():
    waiting = ComplaintFacts(3, D("2026-12-01"))
    (d,) = run(CaseworkFacts(complaints=(waiting,)))
    assert (d.kind, d.status, d.record) == ("complaint", "attention", "complaints[3]")
    assert "2026-12-01" in d.what and d.rule
    done = replace(waiting, acknowledged_on=D("2026-12-02"))
    assert run(CaseworkFacts(complaints=(done,))) == ()


# ---- the level check (Guidance on Competence 2021) ----------------------------------------------


def check(m, hist=None, today=TODAY):
    return level_check(m, hist, today, DATA, figures=F, bank_holidays=BH)


def in_date_permission():
    return perm("partner_5y", "2022-01-01", "2027-12-31")


def test_level_category_base_level_and_the_adviser_setting_by_hand():
    lc = check(matter(adviser_level=1))
    assert (lc.needed, lc.category, lc.ok) == (1, "immigration", True)
    assert lc.reasons[0][1].startswith("OISC Guidance on Competence 2021")
    by_hand = check(matter(needed_level=3, adviser_level=2))
    assert (by_hand.needed, by_hand.ok) == (3, False)
    assert any("set this matter at OISC Level 3" in s for s, _ in by_hand.reasons)


def test_level_asylum_category_is_asylum_and_protection_at_level_2():
    lc = check(matter(category="asylum", oisc_category="asylum_protection", adviser_level=1))
    assert (lc.needed, lc.category, lc.ok) == (2, "asylum_protection", False)


def test_level_overstayer_needs_level_2():
    hist = history([perm("student", "2020-01-01", "2026-06-30")])
    lc = check(matter(adviser_level=1), hist)
    assert (lc.needed, lc.ok) == (2, False)
    (sentence, rule) = lc.reasons[-1]
    assert "no permission to stay on 2026-07-01" in sentence and "Competence 2021" in rule


def test_level_section_3c_leave_is_permission():
    hist = history([perm("student", "2020-01-01", "2026-06-30")], [app("extension", "2026-06-01")])
    assert check(matter(adviser_level=1), hist).needed == 1


def test_level_overstay_is_not_checked_without_figures():
    hist = history([perm("student", "2020-01-01", "2026-06-30")])
    assert level_check(matter(adviser_level=1), hist, TODAY, DATA).needed == 1


def test_level_a_refusal_needs_level_2():
    hist = history(
        [in_date_permission()],
        [app("extension", "2026-05-01", "2026-11-20", "refused", remedy="none")],
    )
    lc = check(matter(adviser_level=1), hist)
    assert (lc.needed, lc.ok) == (2, False)
    assert any("refused an application on 2026-11-20" in s for s, _ in lc.reasons)


def test_level_an_old_refusal_before_a_later_grant_does_not_count():
    hist = history(
        [in_date_permission()],
        [
            app("extension", "2018-05-01", "2018-06-01", "refused", remedy="none"),
            app("extension", "2021-12-01", "2022-01-01", "granted"),
        ],
    )
    assert check(matter(adviser_level=1), hist).needed == 1


def test_level_an_appeal_that_can_be_lodged_needs_level_2_and_says_level_3_after():
    hist = history(
        [in_date_permission()],
        [app("human_rights", "2026-05-01", "2026-12-01", "refused", remedy="appeal")],
    )
    lc = check(matter(adviser_level=2), hist)
    assert (lc.needed, lc.ok) == (2, True)
    assert any("can be appealed" in s and "Level 3" in s for s, _ in lc.reasons)


def test_level_an_appeal_lodged_needs_level_3():
    hist = history(
        [in_date_permission()],
        [
            app(
                "human_rights",
                "2026-05-01",
                "2026-10-01",
                "refused",
                remedy="appeal",
                appeal_lodged="2026-10-10",
            )
        ],
    )
    lc = check(matter(adviser_level=2), hist)
    assert (lc.needed, lc.ok) == (3, False)
    assert any("appeal was lodged on 2026-10-10" in s for s, _ in lc.reasons)


def test_level_administrative_review_needs_level_2():
    hist = history(
        [in_date_permission()],
        [
            app(
                "extension",
                "2026-05-01",
                "2026-10-20",
                "refused",
                remedy="administrative_review",
                review_lodged="2026-11-01",
            )
        ],
    )
    lc = check(matter(adviser_level=1), hist)
    assert lc.needed == 2
    assert any("Administrative review" in s and "2026-11-01" in s for s, _ in lc.reasons)


def test_level_an_asylum_claim_is_asylum_and_protection():
    hist = history([], [app("asylum", "2026-09-01")])
    lc = check(matter(adviser_level=2), hist)
    assert (lc.needed, lc.category) == (2, "asylum_protection")
    # The adviser's level 2 was recorded for Immigration: not known for this category.
    assert lc.ok is None
    assert any("check their authorisation" in s for s, _ in lc.reasons)


@pytest.mark.parametrize(
    ("adviser_level", "ok"),
    [(None, None), (0, False), (1, False), (2, True), (3, True), (4, True)],
)
def test_level_adviser_levels_against_a_level_2_need(adviser_level, ok):
    lc = check(matter(category="fee_waiver", adviser_level=adviser_level))
    assert lc.needed == 2 and lc.ok is ok and lc.adviser_level == adviser_level


def test_level_regulated_otherwise_is_always_enough():
    hist = history(
        [in_date_permission()],
        [app("asylum", "2026-05-01", "2026-10-01", "refused", appeal_lodged="2026-10-05")],
    )
    lc = check(matter(adviser_level=4), hist)
    assert (lc.needed, lc.ok) == (3, True)


def test_level_reminder_for_an_open_matter_only():
    too_low = matter(category="appeal", adviser_level=2)
    (d,) = of_kind(run(CaseworkFacts(matters=(too_low,))), "level_check")
    assert d.status == "attention" and d.fact("needed") == 3 and d.fact("recorded") is True
    assert "Refer the client" in d.what and "Level 3" in d.what and d.record == "matters[1]"
    unknown = matter(adviser_level=None)
    (u,) = of_kind(run(CaseworkFacts(matters=(unknown,))), "level_check")
    assert "not recorded" in u.what and u.fact("recorded") is False
    assert of_kind(run(CaseworkFacts(matters=(matter(adviser_level=1),))), "level_check") == []
    closed = replace(too_low, closed=D("2026-11-01"))
    assert of_kind(run(CaseworkFacts(matters=(closed,))), "level_check") == []


def test_level_reminder_uses_the_history():
    hist = history([perm("student", "2020-01-01", "2026-06-30")])
    (d,) = of_kind(run(CaseworkFacts(matters=(matter(),)), hist=hist), "level_check")
    assert "2026-07-01" in d.what and d.fact("needed") == 2


# ---- every reminder says itself -----------------------------------------------------------------


def test_every_reminder_has_a_kind_rule_record_dates_and_a_sentence():
    facts = CaseworkFacts(
        matters=(
            matter(decision_on=D("2026-11-02"), category="appeal"),
            matter(id=2, closed=D("2026-01-01")),
        ),
        consents=(consent(given="2025-01-01"),),
        access_requests=(access("2026-11-25"),),
        complaints=(ComplaintFacts(1, D("2026-12-01")),),
    )
    found = run(facts)
    kinds = {d.kind for d in found}
    assert kinds == {
        "written_update",
        "outcome_letter",
        "client_access_request",
        "consent_renewal",
        "consent_missing",
        "complaint",
        "level_check",
    }
    for d in found:
        assert d.kind in DEADLINE_KINDS and d.rule.strip() and d.what.strip(), d
        assert d.record and d.event_date is not None, d
        assert d.status == ("attention" if d.kind in ATTENTION_KINDS else d.status)
    assert found == tuple(sorted(found, key=lambda d: (d.date, d.what)))


def test_the_new_kinds_have_labels_and_the_attention_ones_never_pass():
    for kind in (
        "written_update",
        "outcome_letter",
        "client_access_request",
        "consent_renewal",
        "retention_review",
        "complaint",
        "level_check",
        "consent_missing",
    ):
        assert DEADLINE_KINDS[kind]
    assert {"complaint", "level_check", "consent_missing"} <= ATTENTION_KINDS
    assert not {"written_update", "outcome_letter", "retention_review"} & ATTENTION_KINDS


def test_figures_missing_from_an_older_content_pack_come_from_casework_toml():
    without = Figures({k: v for k, v in F.by_key.items() if not k.startswith("casework.")})
    found = reminders(CaseworkFacts(matters=(matter(),)), TODAY, BH, without, DATA, SETTINGS)
    assert of_kind(found, "written_update")


# ---- the data file ------------------------------------------------------------------------------


def _doc():
    with CASEWORK_TOML.open("rb") as fh:
        return tomllib.load(fh)


def test_every_casework_figure_has_source_rule_and_checked_on():
    doc = _doc()
    keys = {f["key"] for f in doc["figure"]}
    assert keys == {
        "casework.update_months",
        "casework.outcome_working_days",
        "casework.retention_years",
        "casework.access_request_months",
        "casework.access_request_extension_months",
    }
    for f in doc["figure"]:
        assert f["source"].strip() and f["rule"].strip() and isinstance(f["checked_on"], date)
        if f.get("verified", True) is False:
            assert f.get("note") or f.get("checked_how"), f["key"]
    assert F.get("casework.update_months", TODAY) == 3
    assert F.get("casework.outcome_working_days", TODAY) == 3
    assert F.get("casework.retention_years", TODAY) == 6


def test_every_category_outcome_and_trigger_is_sourced_and_dated():
    doc = _doc()
    for section in ("categories", "outcomes", "level_triggers"):
        for key, raw in doc[section].items():
            assert raw["source"].strip() and isinstance(raw["checked_on"], date), (section, key)
            if raw.get("verified", True) is False:
                assert raw.get("note") or section == "outcomes", (section, key)
    for section in ("categories", "level_triggers"):
        for key, raw in doc[section].items():
            assert "verified" in raw and raw["rule"].strip(), (section, key)


def test_the_categories_and_outcomes_the_issue_names_are_there():
    assert {
        "partner",
        "family",
        "fee_waiver",
        "settlement",
        "citizenship",
        "asylum",
        "fresh_claim",
        "appeal",
        "administrative_review",
        "euss",
        "long_residence",
        "windrush",
        "domestic_abuse",
        "nrpf",
        "travel_document",
        "advice_only",
        "other",
    } <= set(DATA.categories)
    assert {
        "permanent_leave_granted",
        "limited_leave_granted",
        "refugee_status_granted",
        "humanitarian_protection_granted",
        "citizenship_granted",
        "refused",
        "appeal_allowed",
        "appeal_dismissed",
        "withdrawn",
        "referred_on",
        "advice_only",
        "lost_contact",
        "other",
    } <= set(DATA.outcomes)
    # LAA codes found by search (Guidance for reporting Controlled Work, J3.4.1).
    assert DATA.outcomes["permanent_leave_granted"].laa == "IA"
    assert DATA.outcomes["humanitarian_protection_granted"].laa == "IB"
    assert DATA.outcomes["limited_leave_granted"].laa == "IC"
    assert all(o.laa == "" or o.laa.startswith("I") for o in DATA.outcomes.values())
    assert DATA.category_label("appeal") == "Appeal to the Tribunal"
    assert DATA.outcome_label("nonsense") == "nonsense"


def test_parse_casework_names_the_file_and_the_entry_when_wrong():
    doc = _doc()
    bad = {**doc, "categories": {**doc["categories"], "partner": {**doc["categories"]["partner"]}}}
    bad["categories"]["partner"]["level"] = 5
    with pytest.raises(CaseworkDataError, match=r"casework.toml: categories.partner: level"):
        parse_casework(bad)
    no_trigger = {**doc, "level_triggers": {"refused": doc["level_triggers"]["refused"]}}
    with pytest.raises(CaseworkDataError, match="level_triggers.without_permission is missing"):
        parse_casework(no_trigger)
    assert isinstance(parse_casework(doc), CaseworkData)


def test_load_casework_reports_a_broken_file_by_name(tmp_path):
    (tmp_path / "casework.toml").write_text("categories = [", "utf-8")
    with pytest.raises(CaseworkDataError, match="casework.toml is not valid TOML"):
        load_casework(str(tmp_path))
    with pytest.raises(CaseworkDataError, match="cannot be read"):
        load_casework(str(tmp_path / "missing"))


def test_level_says_so_when_permission_today_cannot_be_worked_out():
    casework_only = DATA.figures  # no residence figures: the lawful-presence sweep cannot run
    hist = history([perm("student", "2020-01-01", "2026-06-30")])
    lc = level_check(matter(), hist, TODAY, DATA, figures=casework_only, bank_holidays=BH)
    assert lc.needed == 1
    assert any("could not be worked out" in s for s, _ in lc.reasons)


def test_a_duty_done_late_is_passed_and_one_still_owed_stays_an_attention_item():
    """An outcome letter sent after its day is done (passed, with done_on: it may age off the
    board); one never sent stays an attention item however long ago its day was."""
    m = matter(decision_on=D("2026-12-01"))
    late = replace(m, outcome_letters=(D("2026-12-20"),))
    done_late = _outcome(late, today=D("2027-06-01"))
    assert (done_late.status, done_late.done_on) == ("passed", D("2026-12-20"))
    owed = _outcome(m, today=D("2027-06-01"))
    assert (owed.status, owed.done_on) == ("attention", None)
