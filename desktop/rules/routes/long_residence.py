"""Long residence: Appendix Long Residence (10 years' lawful residence), reference 003.

LR 11.1: 10 years' continuous lawful residence; visitor, short-term student, seasonal worker and
Ukraine scheme time does not count (LR 11.1(a)); immigration bail and temporary admission are not
lawful residence (LR 11.2(a)). CR 3.3: absences that started before 11 April 2024 are judged by the
old rules (no single absence over 184 days, 548 days in total); later ones by CR 3.1. LR 11.3: 12
months on the current route where the current permission was granted on or after 11 April 2024.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.rules import wording
from desktop.rules.absences import RollingLimit, SingleLimit, TotalLimit
from desktop.rules.days import Trip, add_months
from desktop.rules.routes.spec import ALL_LIMITED, RouteSpec

if TYPE_CHECKING:
    from desktop.rules.settlement import SettlementAssessment
    from desktop.rules.verdict import Reason

NOT_COUNTING_LR = {
    "visitor": "LR 11.1(a)",
    "short_term_student": "LR 11.1(a)",
    "seasonal_worker": "LR 11.1(a)",
    "ukraine_scheme": "LR 11.1(a)",
    "immigration_bail": "LR 11.2(a)",
    "temporary_admission": "LR 11.2(a)",
}


def cr_3_3_long_residence_limits(engine: SettlementAssessment, trips: list[Trip]) -> list:
    """CR 3.3 for absences that started before 11 April 2024, CR 3.1 for later ones."""
    f, on = engine.figures, engine.rules_on
    cutoff_date = f.date_("lr.transition_date", on)
    cutoff = cutoff_date.toordinal()
    before = [t for t in trips if t.left < cutoff]
    after = [t for t in trips if t.left >= cutoff]
    # Trips do not overlap, so every day of a trip that left before the cut-off comes before
    # every day of one that left after it: the two sets of days are two slices of one list.
    days = engine.absent_for(trips)
    boundary = min(t.left for t in after) + 1 if after else None
    days_before = days.clipped(None, boundary - 1) if boundary is not None else days
    days_after = days.clipped(boundary, None) if boundary is not None else days.clipped(1, 0)
    scope = f"Absences that started on or after {wording.long_date(cutoff_date)}"
    return [
        SingleLimit(
            before, f.int_("lr.single_absence_limit_days", on), cutoff_date, absent=days_before
        ),
        TotalLimit(before, f.int_("lr.total_absence_limit_days", on), cutoff, absent=days_before),
        RollingLimit(after, f.int_("cr.absence_limit_days", on), "CR 3.1", scope, days_after),
    ]


def lr_11_3_twelve_months_on_current_route(
    engine: SettlementAssessment, day: int
) -> tuple[int, Reason | None]:
    """LR 11.3-11.4: where the current permission was granted on or after 11 April 2024, 12
    months on the current route before applying."""
    cur = engine.current_route_start(day)
    if cur is None:
        return day, None
    run_start, granted = cur
    f, on = engine.figures, engine.rules_on
    cutoff = f.date_("lr.current_route_from", on)
    if granted is not None and granted >= cutoff.toordinal():
        months = f.entry("lr.current_route_months", on)
        need = add_months(engine.day(run_start), months.value)
        if need.toordinal() > day:
            return need.toordinal(), wording.lr_current_route(
                need, cutoff, months.value, months.rule or "LR 11.3"
            )
    return day, None


SPEC = RouteSpec(
    code="long_residence",
    counting=ALL_LIMITED | {"ilr", "euss_settled", "british_citizen"},
    not_counting_rule=NOT_COUNTING_LR,
    months_key="lr.qualifying_months",
    period_rule="LR 11.1",
    lead="before_completion",
    lead_key="lr.apply_days_before_completion",
    fee_key="fee.ilr_long_residence",
    custody="break",
    custody_rule="CR 2.1(a)",
    forgiven_rule=None,
    absence_limits=cr_3_3_long_residence_limits,
    application_floor=lr_11_3_twelve_months_on_current_route,
    no_fee_waiver=True,
)
