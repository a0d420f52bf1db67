"""The settlement routes with a qualifying period, one module each, and their table."""

from __future__ import annotations

from desktop.rules.routes import (
    discretionary_leave,
    long_residence,
    partner,
    protection,
    ten_year,
    work,
)
from desktop.rules.routes.spec import RouteSpec

ROUTE_SPECS: dict[str, RouteSpec] = {
    spec.code: spec
    for spec in (
        protection.SPEC,
        discretionary_leave.SPEC,
        long_residence.SPEC,
        work.SPEC,
        partner.SPEC,
        ten_year.SPEC,
    )
}
