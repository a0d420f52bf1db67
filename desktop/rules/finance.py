"""Appendix FM financial requirement: the income threshold and savings that make up a shortfall.

Worked example (reference 003, spouse visa sheet): to meet £18,600 with an income of £17,600,
the couple need £16,000 plus 2.5 x the £1,000 shortfall = £18,500 in savings. At indefinite
leave the shortfall is divided by 1, not 2.5 (RULE-NOTES; FM 1.7 guidance 7.2.2).

Which threshold applies (reference 003): £29,000 for a first application as a partner made on or
after 11 April 2024; £18,600 for earlier applications, and for anyone already granted partner
permission (fiance included) before that date who is extending or settling. Only the £18,600
rules add amounts for non-British children (E-ECP.3.1(b),(c)).

Savings count only if held for 6 months before the application (Appendix FM-SE paragraph 11(a);
reference 003: "the savings have been in the possession of the applicant or sponsor for at least
6 months prior to making the application").

A sponsor who receives one of the disability benefits listed in E-ECP.3.3 / E-LTRP.3.3 (reference
003, spouse visa sheet: Exemptions) does not have to meet the income threshold at all: the
applicant must instead show they will be adequately maintained without further public funds.
This module does not do that test; it says so (`FinancialCheck.exempt`, `meets` None).

Money is in whole pounds (int): every threshold and the savings base are whole pounds, and the
savings needed are rounded up to the next pound. The 2.5 multiplier is applied as a Decimal so
no float rounding reaches an amount.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from desktop.rules.datetext import long_date
from desktop.rules.figures import Figures

Stage = Literal["entry_clearance", "extension", "ilr"]
STAGES: dict[str, str] = {
    "entry_clearance": "first application as a partner",
    "extension": "extension of partner permission",
    "ilr": "settlement (indefinite leave)",
}

#: Where each part of the check comes from, per stage.
THRESHOLD_RULE = {"entry_clearance": "E-ECP.3.1", "extension": "E-LTRP.3.1", "ilr": "E-ILRP.1.3"}
SAVINGS_RULE = {"entry_clearance": "E-ECP.3.2", "extension": "E-LTRP.3.2", "ilr": "E-ILRP.1.3"}
EXEMPTION_RULE = {
    "entry_clearance": "E-ECP.3.3",
    "extension": "E-LTRP.3.3",
    "ilr": "E-LTRP.3.3 (applied by E-ILRP.1.3)",
}
SHEET = "Reference 003, spouse visa sheet"
SAVINGS_HELD_RULE = "Appendix FM-SE paragraph 11(a); " + SHEET + ": Savings"

Verdict = Literal["met", "not met", "cannot tell", "exempt"]


@dataclass(frozen=True)
class Finding:
    """One sentence of the check and where it comes from."""

    text: str
    rule: str


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
    meets: bool | None  # None when savings are needed and were not given, or when exempt
    reasons: tuple[str, ...]
    # ---- added with the money calculator (defaults keep older callers working) ----------------
    #: True when the sponsor gets a listed disability benefit: the threshold does not apply and
    #: the adequate maintenance test (not worked out here) applies instead.
    exempt: bool = False
    #: Whether the savings were said to be held for the whole period before the application
    #: (None: not said).
    savings_held_6_months: bool | None = None
    #: The savings that count towards the shortfall (0 when not held long enough; None when
    #: no savings were given).
    savings_counted: int | None = None
    #: The savings base (£16,000) and the months savings must be held, as in force.
    savings_base: int = 0
    savings_months: int = 0
    #: The reasons with the paragraph each comes from (same sentences as `reasons`).
    findings: tuple[Finding, ...] = ()
    #: The benefits that give the exemption (reference 003's list, then the further ones).
    exempting_benefits: tuple[str, ...] = ()

    @property
    def verdict(self) -> Verdict:
        if self.exempt:
            return "exempt"
        if self.meets is None:
            return "cannot tell"
        return "met" if self.meets else "not met"

    def savings_sum(self) -> str:
        """The savings needed written out: "£16,000 + 2.5 x £1,000 = £18,500" ("" if none)."""
        if self.exempt or self.shortfall == 0:
            return ""
        return (
            f"{_money(self.savings_base)} + {self.savings_divisor:g} x {_money(self.shortfall)}"
            f" = {_money(self.savings_needed)}"
        )

    def client_sentences(self) -> tuple[str, ...]:
        """The money rule for the client, in short plain sentences (the handout's "Money you
        need" box)."""
        return client_sentences(self)


def _money(amount: float | int | Decimal) -> str:
    value = Decimal(str(amount))
    return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


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
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; use one of {', '.join(STAGES)}")
    if non_british_children < 0:
        raise ValueError("the number of non-British children cannot be negative")
    change = figures.date_("fm.threshold_change_date", application_date)
    old_rules = _old_rules(stage, application_date, change, partner_permission_granted_before)
    lookup_on = change - timedelta(days=1) if old_rules else application_date
    threshold = figures.int_("fm.income_threshold", lookup_on)
    changed = long_date(change)
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


def _old_rules(stage: str, on: date, change: date, granted: date | None) -> bool:
    return on < change or (stage != "entry_clearance" and granted is not None and granted < change)


def check_financial_requirement(
    *,
    stage: Stage,
    application_date: date,
    income: int,
    figures: Figures,
    savings: int | None = None,
    partner_permission_granted_before: date | None = None,
    non_british_children: int = 0,
    savings_held_6_months: bool | None = None,
    disability_benefit: bool = False,
) -> FinancialCheck:
    """Does the income (plus savings) meet the Appendix FM financial requirement?

    `savings_held_6_months`: False means the savings cannot count (Appendix FM-SE 11(a));
    None (not said) counts them and says they must have been held that long.
    `disability_benefit`: the sponsor receives a benefit listed in E-ECP.3.3 / E-LTRP.3.3, so
    the threshold does not apply (the result is `exempt`, `meets` None)."""
    if income < 0 or (savings is not None and savings < 0):
        raise ValueError("income and savings cannot be negative")
    threshold, why = income_threshold(
        stage, application_date, figures, partner_permission_granted_before, non_british_children
    )
    change = figures.date_("fm.threshold_change_date", application_date)
    threshold_rule = f"Appendix FM {THRESHOLD_RULE[stage]}"
    savings_rule = f"Appendix FM {SAVINGS_RULE[stage]}; Appendix FM-SE paragraph 11A"
    base = figures.int_("fm.savings_base", application_date)
    months = figures.int_("fm.savings_held_months", application_date)
    key = "fm.savings_divisor_ilr" if stage == "ilr" else "fm.savings_divisor_entry_and_extension"
    raw_divisor = figures.get(key, application_date)
    divisor = Decimal(str(raw_divisor))
    benefits = tuple(figures.get("fm.exempting_benefits", application_date)) + tuple(
        figures.get("fm.exempting_benefits_further", application_date)
    )
    findings = [
        Finding(why, f"{threshold_rule}; {SHEET}: The financial, or 'maintenance' requirement")
    ]
    if (
        stage != "entry_clearance"
        and partner_permission_granted_before is None
        and application_date >= change
    ):
        findings.append(
            Finding(
                f"If partner (or fiance) permission was first granted before {long_date(change)},"
                " the older, lower threshold applies instead: give the date it was granted.",
                f"{SHEET}: Applications on or after the 11th April 2024",
            )
        )

    if disability_benefit:
        exemption_rule = f"Appendix FM {EXEMPTION_RULE[stage]}; {SHEET}: Exemptions"
        findings.append(
            Finding(
                "The sponsor gets a disability benefit on the list ("
                + _join(list(benefits))
                + "), so the income threshold does not apply and no savings are needed for it.",
                exemption_rule,
            )
        )
        findings.append(
            Finding(
                "The adequate maintenance test applies instead: the family must show they will "
                "be supported without further public funds, with at least what a family of the "
                "same size would have on Income Support, after rent or mortgage and Council Tax."
                " This calculator does not work that out, so it cannot say whether it is met.",
                exemption_rule,
            )
        )
        return FinancialCheck(
            stage=stage,
            application_date=application_date,
            income_threshold=threshold,
            threshold_rule=threshold_rule,
            income=income,
            shortfall=0,
            savings_divisor=float(raw_divisor),
            savings_needed=0,
            savings_held=savings,
            meets=None,
            reasons=tuple(f.text for f in findings),
            exempt=True,
            savings_held_6_months=savings_held_6_months,
            savings_counted=None,
            savings_base=base,
            savings_months=months,
            findings=tuple(findings),
            exempting_benefits=benefits,
        )

    shortfall = max(0, threshold - income)
    # Savings must be *above* £16,000 by the shortfall times the divisor; whole pounds, rounded up.
    needed = 0 if shortfall == 0 else base + math.ceil(Decimal(shortfall) * divisor)
    counted: int | None = None
    if savings is not None:
        counted = 0 if savings_held_6_months is False else savings
    meets: bool | None
    if shortfall == 0:
        findings.append(
            Finding(
                f"An income of {_money(income)} meets the threshold; no savings are needed for it.",
                threshold_rule,
            )
        )
        meets = True
    else:
        findings.append(
            Finding(
                f"The income of {_money(income)} is {_money(shortfall)} short. Savings can make "
                f"up the difference: {_money(base)} plus {divisor:g} x {_money(shortfall)} = "
                f"{_money(needed)}, held for at least {months} months (Appendix FM-SE).",
                savings_rule,
            )
        )
        if savings is None:
            meets = None
            findings.append(
                Finding(
                    "Savings were not given, so this cannot say whether it is met.", savings_rule
                )
            )
        else:
            if savings_held_6_months is False:
                findings.append(
                    Finding(
                        f"The savings of {_money(savings)} have not been held for {months} months "
                        "before the application, so they cannot count towards the shortfall.",
                        SAVINGS_HELD_RULE,
                    )
                )
            elif savings_held_6_months is None:
                findings.append(
                    Finding(
                        f"This counts the savings as held for at least {months} months before the "
                        "application: check the bank statements show that.",
                        SAVINGS_HELD_RULE,
                    )
                )
            assert counted is not None
            meets = counted >= needed
            if savings_held_6_months is False:
                verdict = (
                    f"Savings that count: £0, so the requirement is not met ({_money(needed)} "
                    "needed)."
                )
            else:
                verdict = f"Savings of {_money(savings)} " + (
                    "are enough." if meets else f"are {_money(needed - savings)} short."
                )
            findings.append(Finding(verdict, savings_rule))
    return FinancialCheck(
        stage=stage,
        application_date=application_date,
        income_threshold=threshold,
        threshold_rule=threshold_rule,
        income=income,
        shortfall=shortfall,
        savings_divisor=float(raw_divisor),
        savings_needed=needed,
        savings_held=savings,
        meets=meets,
        reasons=tuple(f.text for f in findings),
        exempt=False,
        savings_held_6_months=savings_held_6_months,
        savings_counted=counted,
        savings_base=base,
        savings_months=months,
        findings=tuple(findings),
        exempting_benefits=benefits,
    )


def client_sentences(check: FinancialCheck) -> tuple[str, ...]:
    """The result for the client: short sentences, everyday words (reading age about 9).

    "You" is the person applying; "your partner" is the sponsor."""
    out: list[str] = []
    if check.exempt:
        out += [
            "Your partner gets a disability benefit.",
            "So you do not need to show the usual income.",
            "You must show you will have enough money to live on.",
            "You must do this without asking for more help from benefits.",
            "Your adviser will help you work this out.",
        ]
        return tuple(out)
    out.append(f"You need an income of {_money(check.income_threshold)} a year.")
    if check.shortfall == 0:
        out += [f"Your income is {_money(check.income)} a year.", "That is enough."]
        return tuple(out)
    out.append(
        f"Your income is {_money(check.income)} a year."
        if check.income
        else "You do not have an income we can count."
    )
    out.append(f"That is {_money(check.shortfall)} short.")
    out.append("Savings can fill the gap.")
    out.append(f"You need {_money(check.savings_needed)} in savings.")
    if check.savings_divisor == 1:
        out.append(f"That is {_money(check.savings_base)}, plus the gap.")
    else:
        out.append(
            f"That is {_money(check.savings_base)}, plus {check.savings_divisor:g} times the gap."
        )
    out.append(f"The money must be in the bank for {check.savings_months} months before you apply.")
    if check.savings_held is None:
        return tuple(out)
    if check.savings_held_6_months is False:
        out += [
            f"Your savings have not been in the bank for {check.savings_months} months.",
            "So they do not count yet.",
        ]
        return tuple(out)
    out.append(f"You have {_money(check.savings_held)} in savings.")
    if check.meets:
        out.append("That is enough.")
    else:
        out.append(f"You need {_money(check.savings_needed - check.savings_held)} more.")
    if check.savings_held_6_months is None:
        out.append("Your adviser will check how long you have had it.")
    return tuple(out)
