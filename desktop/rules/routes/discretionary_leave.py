"""Settlement after discretionary leave: Discretionary Leave policy v10.0 (reference 002).

120 months' continuous limited leave where the first DL was granted on or after 9 July 2012, 6
years where before (transitional arrangements); custody does not count but leave before and after
it adds up; apply no more than 28 days before leave expires; an out-of-time application starts the
count again (no paragraph 39E forgiveness on this route).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.rules import wording
from desktop.rules.routes.spec import RouteSpec

if TYPE_CHECKING:
    from desktop.rules.settlement import SettlementAssessment
    from desktop.rules.verdict import Reason


def dl_months_by_first_grant(engine: SettlementAssessment, start: int) -> tuple[int, str]:
    """DL policy, transitional arrangements: the period depends on when the first DL in the
    unbroken run starting at `start` was granted."""
    first_dl = None
    i = engine.piece_index(start)
    pieces = engine.pieces
    while i is not None and i < len(pieces):
        p = pieces[i]
        if p.kind == "break":
            break
        if p.category == "discretionary_leave" and p.granted is not None:
            first_dl = p.granted
            break
        if p.category == "discretionary_leave" and p.assumed:
            break
        i += 1
    f, on = engine.figures, engine.rules_on
    cutoff = f.date_("dl.new_policy_from", on)
    key = (
        "dl.transitional_months"
        if first_dl is not None and engine.day(first_dl) < cutoff
        else "dl.qualifying_months"
    )
    e = f.entry(key, on)
    return e.value, e.rule or ""


def dl_reasons(engine: SettlementAssessment) -> list[Reason]:
    if any(p.category == "leave_outside_rules" for p in engine.pieces):
        engine.notes.append(wording.leave_outside_rules_note())
    return [wording.dl_route(engine.figures, engine.rules_on)]


SPEC = RouteSpec(
    code="settlement_discretionary_leave",
    counting=frozenset({"discretionary_leave", "leave_outside_rules"}),
    not_counting_rule={"*": "DL policy: settlement"},
    months_key="dl.qualifying_months",
    period_rule="DL policy: settlement",
    lead="before_expiry",
    lead_key="dl.apply_days_before_expiry",
    fee_key="fee.ilr_discretionary_leave",
    custody="uncounted",
    custody_rule="DL policy: settlement applications",
    forgiven_rule="DL policy: section 3C",
    forgive_late=False,
    qualifying_months=dl_months_by_first_grant,
    route_reasons=dl_reasons,
)
