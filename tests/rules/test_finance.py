"""Appendix FM financial requirement, after the worked examples in reference 003."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.assess import load_figures
from desktop.rules.finance import check_financial_requirement, income_threshold

FIGURES = load_figures()
BEFORE = date(2024, 1, 10)
AFTER = date(2024, 6, 1)


def test_shortfall_times_2_5_worked_example_18600():
    # 003: "if the sponsor earns only £17,600, then he or she will need to have £16,000 in
    # savings, in addition to 2.5 times the £1000 shortfall ... total savings of £18,500".
    check = check_financial_requirement(
        stage="entry_clearance", application_date=BEFORE, income=17_600, figures=FIGURES
    )
    assert check.income_threshold == 18_600
    assert check.shortfall == 1_000
    assert check.savings_needed == 18_500
    assert check.meets is None  # savings not given
    assert "£16,000 plus 2.5 x £1,000 = £18,500" in check.reasons[1]


def test_shortfall_worked_example_29000():
    # 003: "anyone earning £28,000 will need to have savings of £18,500".
    check = check_financial_requirement(
        stage="entry_clearance",
        application_date=AFTER,
        income=28_000,
        figures=FIGURES,
        savings=18_499,
    )
    assert check.income_threshold == 29_000
    assert check.savings_needed == 18_500
    assert check.meets is False
    assert "£1 short" in check.reasons[-1]


def test_savings_alone_for_29000_is_88500():
    check = check_financial_requirement(
        stage="entry_clearance",
        application_date=AFTER,
        income=0,
        figures=FIGURES,
        savings=88_500,
    )
    assert check.savings_needed == 88_500 and check.meets is True


def test_at_settlement_savings_count_in_full():
    check = check_financial_requirement(
        stage="ilr",
        application_date=AFTER,
        income=28_000,
        figures=FIGURES,
        partner_permission_granted_before=date(2021, 6, 1),
    )
    # Partner permission from before 11 April 2024 keeps the £18,600 threshold, so no shortfall.
    assert check.income_threshold == 18_600 and check.savings_needed == 0 and check.meets
    first_time = check_financial_requirement(
        stage="ilr", application_date=AFTER, income=28_000, figures=FIGURES
    )
    assert first_time.savings_divisor == 1
    assert first_time.savings_needed == 16_000 + 1_000


def test_extension_after_a_pre_april_2024_grant_keeps_18600():
    threshold, why = income_threshold(
        "extension", AFTER, FIGURES, partner_permission_granted_before=date(2023, 5, 1)
    )
    assert threshold == 18_600 and "before 11 April 2024" in why


def test_first_application_on_11_april_2024_uses_29000_and_the_day_before_18600():
    assert income_threshold("entry_clearance", date(2024, 4, 11), FIGURES)[0] == 29_000
    assert income_threshold("entry_clearance", date(2024, 4, 10), FIGURES)[0] == 18_600


def test_child_additions_only_under_the_18600_rules():
    assert income_threshold("entry_clearance", BEFORE, FIGURES, non_british_children=2)[0] == (
        18_600 + 3_800 + 2_400
    )
    assert income_threshold("entry_clearance", AFTER, FIGURES, non_british_children=2)[0] == 29_000


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        check_financial_requirement(
            stage="extension", application_date=AFTER, income=-1, figures=FIGURES
        )


@given(st.integers(0, 40_000), st.integers(0, 120_000))
def test_savings_needed_matches_the_formula(income, savings):
    check = check_financial_requirement(
        stage="extension", application_date=AFTER, income=income, figures=FIGURES, savings=savings
    )
    shortfall = max(0, 29_000 - income)
    expected = 0 if shortfall == 0 else 16_000 + shortfall * 5 // 2 + (shortfall * 5 % 2 > 0)
    assert check.savings_needed == expected
    assert check.meets is (shortfall == 0 or savings >= expected)


# ---- the money calculator: savings held 6 months, the disability exemption, client sentences ---

import textstat  # noqa: E402

from desktop.rules.figures import Figures  # noqa: E402


def _check(**kw):
    args = {"stage": "entry_clearance", "application_date": AFTER, "figures": FIGURES}
    return check_financial_requirement(**(args | kw))


def _changed(key, value):
    from dataclasses import replace

    by_key = dict(FIGURES.by_key)
    by_key[key] = tuple(replace(f, value=value) for f in FIGURES.by_key[key])
    return Figures(by_key)


def test_first_application_on_or_after_11_april_2024_is_29000_and_says_why():
    check = _check(income=29_000)
    assert check.income_threshold == 29_000 and check.meets is True and check.verdict == "met"
    assert "on or after 11 April 2024" in check.reasons[0]
    # A first application is judged on its own date even with an earlier (e.g. visit) grant.
    earlier = _check(income=20_000, partner_permission_granted_before=date(2023, 1, 1))
    assert earlier.income_threshold == 29_000


def test_extension_keeps_18600_when_partner_permission_was_granted_before_the_change():
    check = check_financial_requirement(
        stage="extension",
        application_date=date(2025, 9, 1),
        income=18_600,
        figures=FIGURES,
        partner_permission_granted_before=date(2024, 4, 10),
    )
    assert check.income_threshold == 18_600 and check.meets is True
    assert check.threshold_rule == "Appendix FM E-LTRP.3.1"
    # Granted on the day of the change: the new threshold.
    later = check_financial_requirement(
        stage="extension",
        application_date=date(2025, 9, 1),
        income=18_600,
        figures=FIGURES,
        partner_permission_granted_before=date(2024, 4, 11),
    )
    assert later.income_threshold == 29_000 and later.shortfall == 10_400
    assert later.meets is None  # savings not given


def test_extension_without_a_grant_date_says_the_older_threshold_may_apply():
    check = check_financial_requirement(
        stage="extension", application_date=AFTER, income=20_000, figures=FIGURES
    )
    assert check.income_threshold == 29_000
    assert any("first granted before 11 April 2024" in r for r in check.reasons)
    first = _check(income=20_000)
    assert not any("first granted before" in r for r in first.reasons)


def test_savings_needed_is_written_out_as_a_sum():
    check = check_financial_requirement(
        stage="entry_clearance", application_date=BEFORE, income=17_600, figures=FIGURES
    )
    assert check.savings_sum() == "£16,000 + 2.5 x £1,000 = £18,500"
    ilr = check_financial_requirement(
        stage="ilr", application_date=AFTER, income=28_000, figures=FIGURES
    )
    assert ilr.savings_sum() == "£16,000 + 1 x £1,000 = £17,000"
    assert _check(income=30_000).savings_sum() == ""


def test_savings_not_held_6_months_do_not_count():
    held = _check(income=28_000, savings=20_000, savings_held_6_months=True)
    assert held.meets is True and held.savings_counted == 20_000
    not_held = _check(income=28_000, savings=20_000, savings_held_6_months=False)
    assert not_held.meets is False and not_held.verdict == "not met"
    assert not_held.savings_counted == 0 and not_held.savings_held == 20_000
    said = [f for f in not_held.findings if "have not been held for 6 months" in f.text]
    assert said and said[0].rule.startswith("Appendix FM-SE paragraph 11(a)")
    assert "Savings that count: £0" in not_held.reasons[-1]
    # Not needed when the income alone meets the threshold.
    rich = _check(income=30_000, savings=5_000, savings_held_6_months=False)
    assert rich.meets is True


def test_savings_held_not_said_are_counted_with_a_caveat():
    check = _check(income=28_000, savings=18_500)
    assert check.meets is True and check.savings_held_6_months is None
    assert any("check the bank statements show that" in r for r in check.reasons)
    assert not any(
        "check the bank statements" in r
        for r in _check(income=28_000, savings=18_500, savings_held_6_months=True).reasons
    )


def test_the_6_month_period_and_savings_base_come_from_the_figures():
    figures = _changed("fm.savings_held_months", 4)
    check = check_financial_requirement(
        stage="entry_clearance",
        application_date=AFTER,
        income=28_000,
        figures=figures,
        savings=30_000,
        savings_held_6_months=False,
    )
    assert any("have not been held for 4 months" in r for r in check.reasons)
    assert any("4 months before you apply" in s for s in check.client_sentences())
    base = _changed("fm.savings_base", 10_000)
    assert check_financial_requirement(
        stage="entry_clearance", application_date=AFTER, income=28_000, figures=base
    ).savings_needed == (10_000 + 2_500)


def test_disability_benefit_exemption_means_the_threshold_does_not_apply():
    for stage, rule in (
        ("entry_clearance", "E-ECP.3.3"),
        ("extension", "E-LTRP.3.3"),
        ("ilr", "E-LTRP.3.3"),
    ):
        check = check_financial_requirement(
            stage=stage,
            application_date=AFTER,
            income=9_000,
            figures=FIGURES,
            savings=0,
            disability_benefit=True,
        )
        assert check.exempt and check.meets is None and check.verdict == "exempt"
        assert check.shortfall == 0 and check.savings_needed == 0 and check.savings_sum() == ""
        text = " ".join(check.reasons)
        assert "income threshold does not apply" in text
        assert "adequate maintenance test applies instead" in text
        assert "cannot say whether it is met" in text
        assert all(rule in f.rule for f in check.findings[-2:])
    # The list comes from the figures: reference 003's six, then the further ones in the Rules.
    assert "Carer's Allowance" in check.exempting_benefits
    assert "Personal Independence Payment" in check.exempting_benefits
    assert any("Armed Forces Independence Payment" in b for b in check.exempting_benefits)
    assert "Carer's Allowance" in text and "Armed Forces Independence Payment" in text


def test_findings_are_the_reasons_each_with_where_it_comes_from():
    for kw in (
        {"income": 10_000},
        {"income": 10_000, "savings": 50_000, "savings_held_6_months": False},
        {"income": 40_000},
        {"income": 0, "disability_benefit": True},
    ):
        check = _check(**kw)
        assert tuple(f.text for f in check.findings) == check.reasons
        assert all(f.rule.startswith(("Appendix FM", "Reference 003")) for f in check.findings)


SCENARIOS = [
    {"income": 30_000},
    {"income": 28_000},
    {"income": 28_000, "savings": 18_500, "savings_held_6_months": True},
    {"income": 20_000, "savings": 25_000, "savings_held_6_months": True},
    {"income": 20_000, "savings": 40_000, "savings_held_6_months": False},
    {"income": 20_000, "savings": 40_000},
    {"income": 0, "savings": 88_500, "savings_held_6_months": True},
    {"income": 5_000, "disability_benefit": True},
]


@pytest.mark.parametrize(
    "kw", SCENARIOS, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items())
)
def test_client_sentences_are_short_and_plain(kw):
    sentences = _check(**kw).client_sentences()
    assert sentences
    text = " ".join(sentences)
    assert textstat.flesch_kincaid_grade(text) <= 6, text
    assert all(len(s.split()) <= 14 for s in sentences), sentences
    assert all(s.endswith(".") for s in sentences)


def test_client_sentences_say_the_amounts():
    short = _check(income=28_000, savings=10_000, savings_held_6_months=True).client_sentences()
    assert short[0] == "You need an income of £29,000 a year."
    assert "That is £1,000 short." in short
    assert "You need £18,500 in savings." in short
    assert "You need £8,500 more." in short
    assert "The money must be in the bank for 6 months before you apply." in short
    not_held = _check(income=28_000, savings=30_000, savings_held_6_months=False)
    assert "So they do not count yet." in not_held.client_sentences()
    exempt = _check(income=0, disability_benefit=True).client_sentences()
    assert exempt[0] == "Your partner gets a disability benefit."
    assert not any("£" in s for s in exempt)
    ilr = check_financial_requirement(
        stage="ilr", application_date=AFTER, income=28_000, figures=FIGURES
    ).client_sentences()
    assert "That is £16,000, plus the gap." in ilr


def test_unknown_stage_and_negative_children_are_refused():
    with pytest.raises(ValueError, match="unknown stage"):
        income_threshold("visit", AFTER, FIGURES)
    with pytest.raises(ValueError, match="cannot be negative"):
        income_threshold("entry_clearance", BEFORE, FIGURES, non_british_children=-1)
