"""Appendix FM financial requirement: the income threshold and savings that make up a shortfall.

Worked example (reference 003, spouse visa sheet): to meet £18,600 with an income of £17,600,
the couple need £16,000 plus 2.5 x the £1,000 shortfall = £18,500 in savings. At indefinite
leave the shortfall is divided by 1, not 2.5 (RULE-NOTES; FM 1.7 guidance 7.2.2).

Which threshold applies (reference 003): £29,000 for a first application as a partner made on or
after 11 April 2024; £18,600 for earlier applications, and for anyone already granted partner
permission (fiance included) before that date who is extending or settling. Only the £18,600
rules add amounts for non-British children (E-ECP.3.1(b),(c)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from desktop.rules.figures import Figures

Stage = Literal["entry_clearance", "extension", "ilr"]
STAGES: dict[str, str] = {
    "entry_clearance": "first application as a partner",
    "extension": "extension of partner permission",
    "ilr": "settlement (indefinite leave)",
}


@dataclass(frozen=True)
class FinancialCheck:
    stage: Stage
    application_date: date
    income_threshold: int
    threshold_rule: str
    income: int
    shortfall: int
    savings_divisor: float
    savings_needed: int
    savings_held: int | None
    meets: bool | None  # None when savings are needed and were not given
    reasons: tuple[str, ...]


def _money(amount: float) -> str:
    return f"£{amount:,.0f}" if float(amount).is_integer() else f"£{amount:,.2f}"


def income_threshold(
    stage: Stage,
    application_date: date,
    figures: Figures,
    partner_permission_granted_before: date | None = None,
    non_british_children: int = 0,
) -> tuple[int, str]:
    """The threshold in force and the sentence saying why that one.

    `partner_permission_granted_before`: the date partner (or fiance) permission was first
    granted, if it was; it keeps the £18,600 rules for extensions and settlement."""
    change = figures.date_("fm.threshold_change_date", application_date)
    old_rules = application_date < change or (
        stage != "entry_clearance"
        and partner_permission_granted_before is not None
        and partner_permission_granted_before < change
    )
    lookup_on = change - timedelta(days=1) if old_rules else application_date
    threshold = figures.int_("fm.income_threshold", lookup_on)
    changed = f"{change.day} {change:%B %Y}"
    why = f"The income threshold is {_money(threshold)} " + (
        f"(the rules before {changed} apply to this application)"
        if old_rules
        else f"(a first partner application made on or after {changed})"
    )
    if old_rules and non_british_children > 0:
        first = figures.int_("fm.child_addition_first", lookup_on)
        further = figures.int_("fm.child_addition_each_further", lookup_on)
        extra = first + further * (non_british_children - 1)
        threshold += extra
        why += f", plus {_money(extra)} for {non_british_children} non-British child(ren)"
    return threshold, why + "."


def check_financial_requirement(
    *,
    stage: Stage,
    application_date: date,
    income: int,
    figures: Figures,
    savings: int | None = None,
    partner_permission_granted_before: date | None = None,
    non_british_children: int = 0,
) -> FinancialCheck:
    if income < 0 or (savings is not None and savings < 0):
        raise ValueError("income and savings cannot be negative")
    threshold, why = income_threshold(
        stage, application_date, figures, partner_permission_granted_before, non_british_children
    )
    base = figures.int_("fm.savings_base", application_date)
    key = "fm.savings_divisor_ilr" if stage == "ilr" else "fm.savings_divisor_entry_and_extension"
    divisor = float(figures.get(key, application_date))
    shortfall = max(0, threshold - income)
    # Savings must be *above* £16,000 by the shortfall times the divisor; whole pounds, rounded up.
    needed = 0 if shortfall == 0 else base + math.ceil(shortfall * divisor)
    reasons = [why]
    if shortfall == 0:
        reasons.append(
            f"An income of {_money(income)} meets the threshold; no savings are needed for it."
        )
        meets: bool | None = True
    else:
        reasons.append(
            f"The income of {_money(income)} is {_money(shortfall)} short. Savings can make up the "
            f"difference: {_money(base)} plus {divisor:g} x {_money(shortfall)} = "
            f"{_money(needed)}, held for at least 6 months (Appendix FM-SE)."
        )
        if savings is None:
            meets = None
            reasons.append("Savings were not given, so this cannot say whether it is met.")
        else:
            meets = savings >= needed
            reasons.append(
                f"Savings of {_money(savings)} "
                + ("are enough." if meets else f"are {_money(needed - savings)} short.")
            )
    rule = {"entry_clearance": "E-ECP.3.1-3.2", "extension": "E-LTRP.3.1-3.2", "ilr": "E-ILRP.1.3"}
    return FinancialCheck(
        stage=stage,
        application_date=application_date,
        income_threshold=threshold,
        threshold_rule=f"Appendix FM {rule[stage]}",
        income=income,
        shortfall=shortfall,
        savings_divisor=divisor,
        savings_needed=needed,
        savings_held=savings,
        meets=meets,
        reasons=tuple(reasons),
    )
