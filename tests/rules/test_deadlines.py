"""Deadlines: appeals, 34G(4) fee-waiver follow-up, expiry windows, subject access requests."""

from datetime import date

from desktop.assess import bank_holidays, load_figures
from desktop.rules.deadlines import (
    appeal_deadline,
    effective_application_date,
    fee_waiver_deadline,
    last_month_window_opens,
    sar_answer_due,
)
from desktop.rules.history import Application
from tests.rules.helpers import D, app, history, perm, run

F = load_figures()


def test_in_country_appeal_14_days_after_refusal_sent():
    assert appeal_deadline(D("2024-03-01"), F).date == D("2024-03-15")


def test_out_of_country_appeal_28_days_after_receipt():
    d = appeal_deadline(D("2024-03-01"), F, outside_uk=True, received=D("2024-03-05"))
    assert d.date == D("2024-04-02")
    assert "r.19(3)(b)" in d.rule


def test_fee_waiver_full_application_within_10_working_days_england_and_wales():
    ew = bank_holidays("england-and-wales", 2023, 2024)
    d = fee_waiver_deadline(D("2023-12-22"), F, ew)
    assert d.date == D("2024-01-10") and d.rule == "34G(4)"


def test_working_days_follow_the_region_scotland_2_january():
    sc = bank_holidays("scotland", 2023, 2024)
    ew = bank_holidays("england-and-wales", 2023, 2024)
    assert D("2024-01-02") in sc and D("2024-01-02") not in ew
    assert fee_waiver_deadline(D("2023-12-22"), F, sc).date == D("2024-01-11")


def test_34g4_application_date_is_fee_waiver_request_when_followed_in_time():
    ew = bank_holidays("england-and-wales", 2023, 2024)
    a = Application(
        "extension",
        D("2024-01-10"),
        fee_waiver_requested=D("2023-12-01"),
        fee_waiver_decided=D("2023-12-22"),
    )
    assert effective_application_date(a, F, ew) == D("2023-12-01")
    late = Application(
        "extension",
        D("2024-01-11"),
        fee_waiver_requested=D("2023-12-01"),
        fee_waiver_decided=D("2023-12-22"),
    )
    assert effective_application_date(late, F, ew) == D("2024-01-11")


def test_sar_answer_due_one_month_after_asking():
    assert sar_answer_due(D("2024-01-31"), F).date == D("2024-03-01")
    assert sar_answer_due(D("2024-05-15"), F).date == D("2024-06-15")


def test_last_month_of_permission_window():
    assert last_month_window_opens(D("2024-06-30")) == D("2024-06-01")
    assert last_month_window_opens(D("2024-03-30")) == D("2024-02-29")


def test_assessment_lists_appeal_and_fee_waiver_deadlines_still_to_come():
    h = history(
        [perm("private_life_10y", "2020-01-01", "2026-12-31")],
        [
            app("extension", "2026-10-01", "2026-11-20", "refused"),
            app(
                "extension",
                None,
                fee_waiver_requested="2026-11-01",
                fee_waiver_decided="2026-11-18",
                fee_waiver_outcome="refused",
            ),
        ],
    )
    ew = bank_holidays("england-and-wales", 2026, 2027)
    a = run(h, "settlement_10y_route", "2026-11-22", today="2026-11-22", holidays=ew)
    rules = {dl.rule: dl.date for dl in a.deadlines}
    assert rules["FTT (IAC) Rules 2014 r.19(2)"] == D("2026-12-04")
    assert rules["34G(4)"] == D("2026-12-02")
    assert rules["UK GDPR art. 12(3)"] == D("2026-12-22")
    assert rules["s3C Immigration Act 1971"] == D("2026-12-31")


def test_unknown_region_is_rejected():
    import pytest

    with pytest.raises(ValueError):
        bank_holidays("wales-only", 2024, 2024)
    assert isinstance(date.today(), date)
