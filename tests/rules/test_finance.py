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
