"""Appendix Continuous Residence absence limits shared by the work and 10-year routes.

CR 3.1: no more than 180 days outside the UK in any 12 months (rolling, since 11 January 2018).
CR 3.2: absences during permission granted under the rules in place before 11 January 2018 are
counted in consecutive 12-month periods ending on the anniversaries of the application date.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from desktop.rules.absences import BlockLimit, RollingLimit
from desktop.rules.days import Trip

if TYPE_CHECKING:
    from desktop.rules.settlement import SettlementAssessment


def granted_before_rolling_rule(engine: SettlementAssessment, trips: list[Trip]) -> list[bool]:
    """CR 3.2 applies to absences 'with permission granted under the rules in place before
    11 January 2018': the permission held on the day of departure (3C leave included)."""
    cutoff = engine.figures.date_("cr.rolling_rule_from", engine.rules_on).toordinal()
    covers = engine.cover.covers
    starts = [c.start for c in covers]
    out = []
    for t in trips:
        i = bisect_right(starts, t.left) - 1
        held = covers[i] if i >= 0 and covers[i].end >= t.left else None
        out.append(held is not None and held.granted < cutoff)
    return out


def continuous_residence_limits(engine: SettlementAssessment, trips: list[Trip]) -> list:
    """CR 3.1 for absences under later permission, CR 3.2 blocks for the rest."""
    f, on = engine.figures, engine.rules_on
    old_flags = granted_before_rolling_rule(engine, trips)
    old = [t for t, flag in zip(trips, old_flags, strict=True) if flag]
    new = [t for t, flag in zip(trips, old_flags, strict=True) if not flag]
    limit = f.int_("cr.absence_limit_days", on)
    scope = "Absences judged under CR 3.1" if old else "Absences"
    cutoff = f.date_("cr.rolling_rule_from", on)
    if old and new and max(t.left for t in old) < min(t.left for t in new):
        # The usual case: every trip under the old permission came before the first under the
        # new one, so their days are two slices of one list (trips do not overlap).
        days = engine.absent_for(trips)
        boundary = min(t.left for t in new) + 1
        old_days, new_days = days.clipped(None, boundary - 1), days.clipped(boundary, None)
    else:
        old_days, new_days = engine.absent_for(old), engine.absent_for(new)
    limits: list = [RollingLimit(new, limit, "CR 3.1", scope, absent=new_days)]
    if old:
        limits.append(BlockLimit(old, limit, cutoff, "CR 3.2", absent=old_days))
    return limits
