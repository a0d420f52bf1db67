"""Settlement on a work route (Skilled Worker): 5 years' continuous residence, Appendix
Continuous Residence CR 1.1, absences under CR 3.1 / CR 3.2."""

from __future__ import annotations

from desktop.rules.routes.continuous_residence import continuous_residence_limits
from desktop.rules.routes.spec import RouteSpec

SPEC = RouteSpec(
    code="settlement_skilled_worker",
    counting=frozenset({"skilled_worker"}),
    not_counting_rule={"*": "CR 1.1"},
    months_key="work.qualifying_months",
    period_rule="CR 1.1",
    lead="before_completion",
    lead_key="cr.apply_days_before_completion",
    fee_key="fee.ilr",
    custody="break",
    custody_rule="CR 2.1(a)",
    absence_limits=continuous_residence_limits,
)
