"""Issue 16, section 4 (engine side): deadlines travel as data (kind, status, met_on, structured
dates), history errors carry a code and fields, and sentences render their own dates."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.assess import load_figures
from desktop.datetext import long_date, short_date
from desktop.rules.deadlines import (
    ATTENTION_KINDS,
    DEADLINE_KINDS,
    DEADLINE_STATUSES,
    Deadline,
    status_on,
    with_status,
)
from desktop.rules.history import (
    ERROR_CODES,
    Absence,
    Application,
    History,
    HistoryError,
    Permission,
    StatusCheck,
    parse_history,
    validate_history,
)
from desktop.rules.residence import assess, assess_deadlines
from desktop.store.demo import _DEMO_CASES, _history_json
from tests.rules.helpers import D, app, history, perm, run

F = load_figures()
ROUTES = (
    "long_residence",
    "settlement_skilled_worker",
    "settlement_protection",
    "settlement_discretionary_leave",
    "settlement_10y_route",
    "settlement_partner_5y",
    "settlement_domestic_abuse",
    "naturalisation_6_1",
)


def demo_histories():
    return [parse_history(_history_json(case)) for case in _DEMO_CASES]


# ---- kinds: every deadline the engine makes has one, from the closed list ---------------------


def test_every_deadline_the_engine_makes_has_a_kind_from_the_closed_list():
    seen = set()
    extra = [
        history(
            [perm("refugee", "2021-12-20", "2026-12-19")],
            [app("asylum", "2020-01-01", "2021-12-20", "granted")],
            custody=[("2022-03-01", "2022-06-30")],
        ),
        history(
            [perm("private_life_10y", "2024-05-01", "2026-12-31")],
            [
                app(
                    "extension",
                    None,
                    fee_waiver_requested="2026-11-20",
                    fee_waiver_decided="2026-12-01",
                ),
                app("human_rights", "2026-01-01", "2026-11-30", "refused", remedy="appeal"),
            ],
        ),
    ]
    for h in demo_histories() + extra:
        for route in ROUTES:
            a = assess(h, route, D("2026-12-06"), F, today=D("2026-12-06"))
            for dl in a.deadlines:
                assert dl.kind in DEADLINE_KINDS and dl.kind != "other", dl
                assert dl.status in DEADLINE_STATUSES
                assert dl.status == status_on(dl, D("2026-12-06"))
                seen.add(dl.kind)
    assert {
        "appeal",
        "fee_waiver_followup",
        "apply_before_expiry",
        "earliest_application",
        "criminality",
        "status_unknown",
        "late_application_window",
        "sar_answer",
    } <= seen


def test_statuses_met_attention_passed_upcoming():
    met = Deadline(D("2026-11-20"), "w", "r", kind="appeal", met_on=D("2026-11-15"))
    late = Deadline(D("2026-11-20"), "w", "r", kind="appeal", done_on=D("2026-11-25"))
    unknown = Deadline(D("2020-01-31"), "w", "r", kind="status_unknown")
    weekend = Deadline(D("2026-11-21"), "w", "r", kind="appeal", next_working_day=D("2026-11-23"))
    today = D("2026-11-22")
    assert [status_on(d, today) for d in (met, late, unknown, weekend)] == [
        "met",
        "passed",
        "attention",
        "upcoming",  # r.11: in time on the next working day
    ]
    # Issue 22 added the casework attention items (desktop.rules.casework).
    assert ATTENTION_KINDS == {
        "status_unknown",
        "without_permission",
        "complaint",
        "level_check",
        "consent_missing",
    }


def test_with_status_never_drops_or_passes_an_attention_item():
    unknown = Deadline(D("2001-01-31"), "Permission ended", "SUI 13.1", kind="status_unknown")
    out = with_status([unknown, unknown], D("2099-01-01"))
    assert [d.status for d in out] == ["attention"]


def test_deadline_json_carries_kind_status_and_dates():
    h = history(
        [perm("student", "2016-12-01", "2026-10-31")],
        [app("extension", "2026-10-01", "2026-11-06", "refused", appeal_lodged="2026-11-12")],
    )
    out = run(h, "long_residence", "2026-11-13").to_dict()["deadlines"]
    (appeal,) = [d for d in out if d["kind"] == "appeal"]
    assert appeal["status"] == "met" and appeal["met_on"] == "2026-11-12"
    assert appeal["event_date"] == "2026-11-06" and appeal["days"] == 14
    assert appeal["record"] == "applications[0]" and appeal["facts"]["outside_uk"] is False
    assert set(appeal) >= {"date", "what", "rule", "status", "kind", "met_on", "starts"}


def test_permission_ends_is_met_by_an_in_time_application_that_kept_it_not_by_an_early_refusal():
    kept = history(
        [perm("student", "2016-12-01", "2026-10-31")],
        [app("extension", "2026-10-01", "2026-11-06", "refused")],
    )
    lost = history(
        [perm("student", "2016-12-01", "2026-10-31")],
        [app("extension", "2026-10-01", "2026-10-20", "refused")],
    )
    (k,) = [
        d
        for d in run(kept, "long_residence", "2026-11-07").deadlines
        if d.kind == "apply_before_expiry"
    ]
    (lo,) = [
        d
        for d in run(lost, "long_residence", "2026-11-07").deadlines
        if d.kind == "apply_before_expiry"
    ]
    assert k.status == "met" and k.met_on == D("2026-10-01")
    assert lo.status == "passed" and lo.met_on is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    end_offset=st.integers(-900, 400),
    applied=st.one_of(st.none(), st.integers(-60, 30)),
    decided_after=st.one_of(st.none(), st.integers(0, 90)),
    outcome=st.sampled_from(["granted", "refused", "withdrawn"]),
    route=st.sampled_from(ROUTES),
)
def test_the_boards_fast_path_gives_exactly_the_deadlines_of_the_verdict(
    end_offset, applied, decided_after, outcome, route
):
    today = D("2026-12-06")
    end = date.fromordinal(today.toordinal() + end_offset)
    apps = []
    if applied is not None:
        made = date.fromordinal(end.toordinal() + applied)
        decided = (
            date.fromordinal(made.toordinal() + decided_after)
            if decided_after is not None
            else None
        )
        apps.append(Application("extension", made, decided, outcome if decided else None))
    h = History(
        permissions=(Permission("skilled_worker", D("2018-01-01"), end),), applications=tuple(apps)
    )
    full = assess(h, route, today, F, today=today).deadlines
    fast = assess_deadlines(h, route, today, F, today=today)
    assert full == fast
    for dl in full:
        assert dl.kind in DEADLINE_KINDS and dl.status == status_on(dl, today)


# ---- sentences render their own dates -----------------------------------------------------------


def test_a_reason_renders_its_own_dates_in_the_readers_form():
    a = run(
        history([perm("skilled_worker", "2019-01-01", "2024-12-31")]),
        "settlement_skilled_worker",
        "2026-06-01",
    )
    head = a.reasons[0]
    assert "2024-12-31" in head
    rendered = head.render(long_date)
    assert "31 December 2024" in rendered and "2024-12-31" not in rendered
    assert date(2024, 12, 31) in head.parts
    missing = a.missing[0]
    assert missing.code == "missing" and "31 Dec 2024" in missing.render(short_date)


def test_a_deadline_renders_its_own_dates():
    dl = Deadline(D("2026-11-20"), "An appeal was lodged on 2026-11-12, in time.", "r")
    assert dl.render(long_date) == "An appeal was lodged on 12 November 2026, in time."


# ---- history errors carry a code and fields -----------------------------------------------------


def _codes(h: History, today: date | None = None) -> list[HistoryError]:
    return validate_history(h, today)


def test_history_errors_carry_code_collection_index_field_and_dates():
    h = History(absences=(Absence(D("2020-01-10"), D("2020-01-01")),))
    (problem,) = _codes(h)
    assert problem.code == "date_order"
    assert (problem.collection, problem.index, problem.field) == ("absences", 0, "returned")
    assert problem.dates == {"returned": D("2020-01-01"), "left": D("2020-01-10")}
    assert problem.code in ERROR_CODES


def test_an_overlap_names_the_other_record_as_data():
    h = History(
        absences=(
            Absence(D("2020-01-01"), D("2020-01-20")),
            Absence(D("2020-01-10"), D("2020-01-30")),
        )
    )
    (problem,) = _codes(h)
    assert problem.code == "overlap" and problem.other == ("absences", 0)
    assert (problem.collection, problem.index) == ("absences", 1)
    assert problem.dates["other_from"] == D("2020-01-01")
    permissions = History(
        permissions=(
            Permission("student", D("2020-01-01"), D("2021-01-01")),
            Permission("student", D("2020-06-01"), D("2022-01-01")),
        )
    )
    (p,) = _codes(permissions)
    assert p.code == "overlap" and p.other == ("permissions", 0)


@pytest.mark.parametrize(
    ("data_change", "code", "field"),
    [
        ({"format": "x"}, "format", "format"),
        (
            {"permissions": [{"category": "nope", "from": "2020-01-01", "to": "2021-01-01"}]},
            "unknown_code",
            "category",
        ),
        (
            {"permissions": [{"category": "student", "from": "2020-02-30", "to": "2021-01-01"}]},
            "not_real_date",
            "from",
        ),
        ({"permissions": [{"category": "student", "from": "2020-01-01"}]}, "end_needed", "to"),
        (
            {"absences": [{"left": "2020-01-01", "returned": "2020-02-01", "zzz": 1}]},
            "unknown_field",
            "zzz",
        ),
        ({"status_checks": [{"on": "2020-01-01", "outcome": "maybe"}]}, "unknown_code", "outcome"),
    ],
)
def test_parse_errors_carry_a_code(data_change, code, field):
    data = {"format": "dropin-desk.history/1", **data_change}
    with pytest.raises(HistoryError) as info:
        parse_history(data)
    assert info.value.code == code and info.value.field == field


def test_new_history_fields_are_checked_with_codes():
    refused_not = Application(
        "extension", D("2020-01-01"), D("2020-02-01"), "granted", remedy="appeal"
    )
    both = Application(
        "extension",
        D("2020-01-01"),
        D("2020-02-01"),
        "refused",
        appeal_lodged=D("2020-02-05"),
        review_lodged=D("2020-02-05"),
    )
    review_early = Application(
        "extension", D("2020-01-01"), D("2020-02-01"), "refused", review_lodged=D("2020-01-20")
    )
    extended = Application(
        "extension", D("2020-01-01"), D("2020-02-01"), "refused", appeal_time_extended=True
    )
    found = {
        p.code for p in _codes(History(applications=(refused_not, both, review_early, extended)))
    }
    assert {"needs_refusal", "remedy_conflict", "date_order", "needs_appeal"} <= found
    future = History(status_checks=(StatusCheck(D("2030-01-01")),))
    (p,) = _codes(future, today=D("2026-01-01"))
    assert p.code == "future_date" and p.collection == "status_checks" and p.index == 0


def test_history_error_to_dict_has_no_text_but_the_message():
    (problem,) = _codes(History(absences=(Absence(D("2020-01-10"), D("2020-01-01")),)))
    out = problem.to_dict()
    assert out["code"] == "date_order" and out["collection"] == "absences" and out["index"] == 0
    assert out["dates"] == {"returned": "2020-01-01", "left": "2020-01-10"}


def _fee_waiver_only(today):
    """Permission to 31 Oct 2026; a fee waiver asked for on 20 Oct and granted on 13 Nov, so
    the full application was due by 27 Nov (10 working days); none is recorded."""
    from desktop.rules.history import Application, History, Permission

    history = History(
        permissions=(Permission("private_life_10y", date(2024, 5, 1), date(2026, 10, 31)),),
        applications=(
            Application(
                "extension",
                None,
                fee_waiver_requested=date(2026, 10, 20),
                fee_waiver_decided=date(2026, 11, 13),
                fee_waiver_outcome="granted",
            ),
        ),
    )
    result = assess(history, "long_residence", date(2027, 1, 1), F, today=today)
    (ends,) = [x for x in result.deadlines if x.kind == "apply_before_expiry"]
    return ends


def test_34g4_a_fee_waiver_request_keeps_permission_only_while_the_full_application_can_follow():
    """34G(4): the request date is the application date only if the full application follows
    within 10 working days of the fee-waiver decision. Before the 27 Nov it still can; after
    it, with nothing made, the "permission ends" deadline was not met."""
    assert _fee_waiver_only(date(2026, 11, 20)).status == "met"
    missed = _fee_waiver_only(date(2026, 12, 6))
    assert missed.status == "passed" and missed.met_on is None
