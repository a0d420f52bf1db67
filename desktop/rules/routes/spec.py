"""What a settlement route is, as data: which permission counts, how absences are judged, when
an application can be made. Each route's module builds one `RouteSpec` by keyword and keeps its
special cases as named functions citing their paragraph."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the engine passes itself to the hooks
    from desktop.rules.deadlines import Deadline
    from desktop.rules.figures import Figures
    from desktop.rules.history import History
    from desktop.rules.settlement import SettlementAssessment
    from desktop.rules.verdict import Breach, Reason


#: Limited permission that counts on long residence (everything but LR 11.1(a)/11.2(a) leave).
ALL_LIMITED = frozenset(
    {
        "student",
        "skilled_worker",
        "partner_5y",
        "partner_10y",
        "parent_10y",
        "private_life_10y",
        "refugee",
        "humanitarian_protection",
        "discretionary_leave",
        "leave_outside_rules",
        "uasc_leave",
        "restricted_leave",
        "mvdac",
        "euss_pre_settled",
    }
)

FAMILY_PRIVATE_LIFE = frozenset({"partner_5y", "partner_10y", "parent_10y", "private_life_10y"})


def no_absence_limit(engine: SettlementAssessment, trips: list[Any]) -> list[Any]:
    """Routes whose absences are reported but judged on their merits."""
    return []


@dataclass(frozen=True, kw_only=True)
class RouteSpec:
    code: str
    #: Permission categories whose time counts towards the qualifying period.
    counting: frozenset[str]
    #: Rule cited when time under another category breaks the period ("*": any other).
    not_counting_rule: Mapping[str, str]
    months_key: str
    period_rule: str
    #: When the application can be made: "before_completion" (N days before the period is
    #: complete), "before_expiry" (N days before permission ends) or "last_month".
    lead: str
    lead_key: str
    fee_key: str
    #: Custody: "break" (CR 2.1(a)), "uncounted" (DL policy: aggregated) or "ignore".
    custody: str = "break"
    custody_rule: str = "CR 2.1(a)"
    #: Rule cited for a forgiven late application (None: LR 11.2(b)/(c) as classified).
    forgiven_rule: str | None = "paragraph 39E"
    #: Paragraph 39E forgiveness of short late applications applies on this route.
    forgive_late: bool = True
    in_country: bool = True
    absence_limits: Callable[[SettlementAssessment, list[Any]], list[Any]] = no_absence_limit
    qualifying_months: Callable[[SettlementAssessment, int], tuple[int, str]] | None = None
    application_floor: Callable[[SettlementAssessment, int], tuple[int, Reason | None]] | None = (
        None
    )
    risks: Callable[[SettlementAssessment, int, int], list[Breach]] | None = None
    route_reasons: Callable[[SettlementAssessment], list[Reason]] | None = None
    route_deadlines: Callable[[History, Figures, date], list[Deadline]] | None = None
    no_fee_waiver: bool = False
