"""Settlement on the 10-year partner, parent or private life route: Appendix Settlement Family
Life / Appendix Private Life (HC 1118), with Appendix Continuous Residence absences.

Absences before those appendices took effect are disregarded where a family or private life grant
followed them (HC 1118; CR 3.4; RULE-NOTES).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.rules.days import Trip
from desktop.rules.routes.continuous_residence import continuous_residence_limits
from desktop.rules.routes.spec import FAMILY_PRIVATE_LIFE, RouteSpec

if TYPE_CHECKING:
    from desktop.rules.settlement import SettlementAssessment


def disregard_absences_before_family_appendices(
    engine: SettlementAssessment, trips: list[Trip]
) -> list[Trip]:
    """HC 1118: absences (or the part of them) before the cut-off, followed by a family or
    private life grant, are taken out; the rest are judged under CR 3.1 / CR 3.2."""
    cutoff = engine.figures.date_("family10.disregard_absences_before", engine.rules_on).toordinal()
    grants = sorted(
        p.grant_date.toordinal()
        for p in engine.history.permissions
        if p.category in FAMILY_PRIVATE_LIFE
    )
    last_grant = grants[-1] if grants else None
    kept = []
    for t in trips:
        followed = last_grant is not None and last_grant >= t.returned
        if t.left < cutoff - 1 and followed:
            engine.disregarded.append(t)
            if t.returned - 1 >= cutoff:
                kept.append(Trip(cutoff - 1, t.returned, t.index))
        else:
            kept.append(t)
    return kept


def ten_year_limits(engine: SettlementAssessment, trips: list[Trip]) -> list:
    return continuous_residence_limits(
        engine, disregard_absences_before_family_appendices(engine, trips)
    )


SPEC = RouteSpec(
    code="settlement_10y_route",
    counting=FAMILY_PRIVATE_LIFE,
    not_counting_rule={"*": "Appendix Settlement Family Life"},
    months_key="family10.qualifying_months",
    period_rule="Appendix Settlement Family Life / Appendix Private Life",
    lead="before_completion",
    lead_key="family10.apply_days_before_completion",
    fee_key="fee.ilr",
    custody="break",
    custody_rule="CR 2.1(a)",
    absence_limits=ten_year_limits,
)
