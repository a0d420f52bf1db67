"""Settlement as a partner on the 5-year route: Appendix FM E-ILRP.1.3 (60 months as a partner).

There is no fixed absence limit: the couple must have lived together in the UK or have a good
reason for time apart (E-LTRP.1.10; RULE-NOTES). Long absences are flagged as risks, not breaches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.rules.routes.spec import RouteSpec
from desktop.rules.verdict import Breach

if TYPE_CHECKING:
    from desktop.rules.settlement import SettlementAssessment


def e_ltrp_1_10_long_absences(engine: SettlementAssessment, lo: int, x: int) -> list[Breach]:
    """E-LTRP.1.10: absences longer than the product's flag are risks to 'lived together'."""
    flag = engine.figures.entry("partner5.long_absence_flag_days", engine.rules_on)
    out = []
    for t in engine.trips:
        n = t.returned - t.left - 1
        if n > flag.value and t.returned - 1 >= lo and t.left <= x:
            out.append(
                Breach(
                    "E-LTRP.1.10",
                    engine.day(t.left),
                    engine.day(t.returned),
                    n,
                    f"{n} days outside the UK (absences[{t.index}]). If the partner did not "
                    "travel too, the Home Office may ask whether you lived together in the "
                    "UK; keep evidence of a good reason for the time apart",
                )
            )
    return out


SPEC = RouteSpec(
    code="settlement_partner_5y",
    counting=frozenset({"partner_5y"}),
    not_counting_rule={"*": "E-ILRP.1.3"},
    months_key="partner5.qualifying_months",
    period_rule="E-ILRP.1.3",
    lead="before_completion",
    lead_key="partner5.apply_days_before_completion",
    fee_key="fee.ilr",
    custody="ignore",
    custody_rule="",
    risks=e_ltrp_1_10_long_absences,
)
