"""Settlement on the protection route: Appendix Settlement Protection (references 000, 004).

5 years with refugee permission or humanitarian protection; apply in the last month of
permission; no fee. STP 2.1: criminality thresholds, turned into dates from recorded custody.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from desktop.rules import wording
from desktop.rules.days import add_months
from desktop.rules.deadlines import Deadline
from desktop.rules.figures import Figures
from desktop.rules.history import History
from desktop.rules.routes.spec import RouteSpec

if TYPE_CHECKING:
    from desktop.rules.settlement import SettlementAssessment
    from desktop.rules.verdict import Reason


def stp_deadlines(history: History, figures: Figures, on: date) -> list[Deadline]:
    """STP 2.1 thresholds as dates, from each recorded custody period.

    We only know the time in custody, not the sentence. Time served can be shorter than the
    sentence, so each date counts from the custody end date and says to use the sentence end
    if it is later (003: '15 years from the date the period you were sentenced to has finished').
    """
    out: list[Deadline] = []
    long_years = figures.entry("stp.long_sentence_years", on)
    medium = figures.entry("stp.medium_wait_years", on)
    short = figures.entry("stp.short_wait_years", on)
    for i, c in enumerate(history.custody):
        served_months = (c.end.year - c.start.year) * 12 + (c.end.month - c.start.month)
        if c.end >= add_months(c.start, 12 * long_years.value) - timedelta(days=1):
            out.append(
                Deadline(
                    c.end,
                    f"custody[{i}]: at least {long_years.value} years in custody, so the sentence "
                    f"was {long_years.value} years or more: settlement on the protection route "
                    "must be refused",
                    long_years.rule or "STP 2.1(a)",
                    kind="criminality",
                    record=f"custody[{i}]",
                    event_date=c.end,
                    facts=(("limb", "a"),),
                )
            )
            continue
        out.append(
            Deadline(
                add_months(c.end, 12 * medium.value),
                f"custody[{i}]: if the sentence was 12 months to under {long_years.value} years, "
                "settlement is "
                f"refused until {medium.value} years after the sentence ended (count from the "
                "sentence end if later than release)",
                medium.rule or "STP 2.1(b)",
                kind="criminality",
                record=f"custody[{i}]",
                event_date=c.end,
                facts=(("limb", "b"),),
            )
        )
        if served_months < 12:
            out.append(
                Deadline(
                    add_months(c.end, 12 * short.value),
                    f"custody[{i}]: if the sentence was under 12 months, settlement is refused "
                    f"until {short.value} years after the sentence ended",
                    short.rule or "STP 2.1(c)",
                    kind="criminality",
                    record=f"custody[{i}]",
                    event_date=c.end,
                    facts=(("limb", "c"),),
                )
            )
    return out


def protection_reasons(engine: SettlementAssessment) -> list[Reason]:
    return [wording.protection_route(engine.figures, engine.rules_on)]


SPEC = RouteSpec(
    code="settlement_protection",
    counting=frozenset({"refugee", "humanitarian_protection"}),
    not_counting_rule={"*": "Appendix Settlement Protection"},
    months_key="protection.qualifying_months",
    period_rule="Appendix Settlement Protection",
    lead="last_month",
    lead_key="protection.apply_months_before_expiry",
    fee_key="fee.ilr_protection",
    custody="ignore",
    custody_rule="",
    route_reasons=protection_reasons,
    route_deadlines=stp_deadlines,
)
