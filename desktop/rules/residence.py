"""Per-route assessment: "Can they apply on route R on date D? If not, when? What breaks it?"

`assess()` is the one entry point (pure: figures, bank holidays and `today` are passed in). The
routes with a qualifying period run through the shared engine in `settlement.py`, each with its
special cases in its own module under `routes/`; naturalisation (`naturalisation.py`) and the
domestic abuse route (`routes/domestic_abuse.py`) have their own shape.

`eligible` is about the qualifying period and absences only; every verdict says so.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from dataclasses import replace
from datetime import date

from desktop.rules import naturalisation, wording
from desktop.rules.deadlines import Deadline
from desktop.rules.figures import Figures
from desktop.rules.history import (
    ENTRY_WAIT_RULE,
    INDEFINITE_CATEGORIES,
    ROUTES,
    EntryWait,
    History,
    with_entry_waits,
)
from desktop.rules.routes import ROUTE_SPECS
from desktop.rules.routes.domestic_abuse import assess_domestic_abuse
from desktop.rules.routes.protection import stp_deadlines
from desktop.rules.settlement import SettlementAssessment
from desktop.rules.timeline import label
from desktop.rules.verdict import Assessment, Reason

__all__ = [
    "SCOPE",
    "SPECS",
    "assess",
    "assess_deadlines",
    "deciding_reason",
    "settled_on",
    "stp_deadlines",
    "unless_settled",
    "verdict_line",
]

SCOPE = wording.SCOPE
SPECS = ROUTE_SPECS
NATURALISATION = ("naturalisation_6_1", "naturalisation_6_2")


def assess(
    history: History,
    route: str,
    on: date,
    figures: Figures,
    *,
    bank_holidays: Container[date] = frozenset(),
    today: date | None = None,
) -> Assessment:
    """Assess `history` for `route` with an application on `on`.

    `today` pins the date deadlines and projections are measured from, and the rules in force
    (`rules_in_force`); it defaults to `on`.
    """
    if route not in ROUTES:
        raise ValueError(f"unknown route {route!r}; expected one of {', '.join(ROUTES)}")
    today = today or on
    figures = figures.leniently()
    # The wait before entry on a permission granted from abroad is counted as days outside
    # the UK (`entry_waits`): the engine sees it as one more absence, never stored or shown.
    counted, waits = with_entry_waits(history)
    if route in NATURALISATION:
        result = naturalisation.assess_naturalisation(
            counted, route, on, figures, bank_holidays=bank_holidays, today=today
        )
        return said_of_entry_waits(result, waits)
    if route == "settlement_domestic_abuse":
        result = assess_domestic_abuse(counted, on, figures, bank_holidays, today)
    else:
        result = SettlementAssessment(
            counted, ROUTE_SPECS[route], on, figures, bank_holidays, today
        ).run()
    return said_of_entry_waits(unless_settled(result, history), waits)


def assess_deadlines(
    history: History,
    route: str,
    on: date,
    figures: Figures,
    *,
    bank_holidays: Container[date] = frozenset(),
    today: date | None = None,
) -> tuple[Deadline, ...]:
    """The deadlines of `assess(...)`, worked out without the rest of the verdict (faster: the
    deadlines board asks this for every client)."""
    today = today or on
    if route not in ROUTE_SPECS:
        return assess(
            history, route, on, figures, bank_holidays=bank_holidays, today=today
        ).deadlines
    engine = SettlementAssessment(
        with_entry_waits(history)[0],
        ROUTE_SPECS[route],
        on,
        figures.leniently(),
        bank_holidays,
        today,
    )
    deadlines = engine.deadlines_only()
    if settled_on(history, on) is not None:
        deadlines = tuple(dl for dl in deadlines if dl.kind != "earliest_application")
    return deadlines


_ABSENCE_POINTER = re.compile(r"\babsences\[([0-9]+)\]")


def said_of_entry_waits(result: Assessment, waits: Mapping[int, EntryWait]) -> Assessment:
    """`result` with what the engine says about a wait before entry (an absence it added, see
    `with_entry_waits`) said about the permission ("the wait before entry on permissions[0]"
    for "absences[3]"), and one reason per wait that started by the application date: its
    days, its dates and the rule (`ENTRY_WAIT_RULE`)."""
    if not waits:
        return result

    def point(text: str) -> str:
        def sub(match: re.Match[str]) -> str:
            wait = waits.get(int(match.group(1)))
            if wait is None:
                return match.group(0)
            return f"the wait before entry on permissions[{wait.permission}]"

        new = _ABSENCE_POINTER.sub(sub, str(text))
        if new == str(text):
            return text
        if isinstance(text, Reason):
            return Reason(new, code=text.code, rule=text.rule, dates=text.dates, days=text.days)
        return new

    on = result.application_date
    said = tuple(entry_wait_reason(wait) for wait in waits.values() if wait.first <= on)
    return replace(
        result,
        reasons=tuple(point(r) for r in result.reasons) + said,
        notes=tuple(point(n) for n in result.notes),
        missing=tuple(point(m) for m in result.missing),
        breaches=tuple(replace(b, why=point(b.why)) for b in result.breaches),
        risks=tuple(replace(b, why=point(b.why)) for b in result.risks),
        uncounted_periods=tuple(replace(u, why=point(u.why)) for u in result.uncounted_periods),
    )


def entry_wait_reason(wait: EntryWait) -> Reason:
    """The days before entry on a permission granted from abroad, as a reason."""
    n = wait.days
    return Reason(
        f"permissions[{wait.permission}]: granted from abroad; the {n} whole "
        f"day{'s' if n != 1 else ''} from {wait.first} to {wait.last}, before entry to the UK "
        f"on {wait.entered}, count as days outside the UK ({ENTRY_WAIT_RULE}).",
        code="entry_wait",
        rule=ENTRY_WAIT_RULE,
        dates={"from": wait.first, "to": wait.last, "entered": wait.entered},
        days=n,
    )


def unless_settled(result: Assessment, history: History) -> Assessment:
    """A settlement verdict for someone who already holds indefinite leave says so instead."""
    route, on = result.route, result.application_date
    settled = settled_on(history, on)
    if settled is None:
        return result
    since, category = settled
    headline = wording.already_settled(ROUTES[route], on, since, label(category))
    return replace(
        result,
        eligible=False,
        earliest_application_date=None,
        reasons=(headline, *result.reasons[1:]),
        settled_since=since,
        settled_as=category,
        deadlines=tuple(dl for dl in result.deadlines if dl.kind != "earliest_application"),
    )


def settled_on(history: History, on: date) -> tuple[date, str] | None:
    """(start, category) of indefinite leave, settled status or citizenship held on `on`."""
    held = [
        (p.start, p.category)
        for p in history.permissions
        if p.category in INDEFINITE_CATEGORIES and p.start <= on
    ]
    return min(held) if held else None


def verdict_line(assessment: Assessment) -> Reason:
    """One plain-English line for the client page, naming what decides it (a Reason: write its
    dates with `.render(desktop.datetext.long_date)`). A verdict resting on permission
    continuing after a record that stops before today says so first (issue 16)."""
    label_ = ROUTES[assessment.route].split(" (")[0]
    qf, co = assessment.qualifying_from, assessment.complete_on
    on = assessment.application_date
    if assessment.settled_since is not None:
        return Reason(
            f"{label_}: already settled ({label(assessment.settled_as)} from "
            f"{assessment.settled_since})",
            code="verdict_line",
        )
    since = assessment.status_unknown_since
    ends = assessment.record_ends
    check = " Check the client's status now (possible overstayer)."
    what_if = assessment.if_permission_continued
    if what_if is not None and ends is not None:
        if what_if.eligible:
            text = (
                f"{label_}: eligible on {on} only if permission continued after {ends} - "
                "nothing is recorded since." + check
            )
        elif what_if.earliest_application_date is not None:
            text = (
                f"{label_}: not eligible on {on}; the earliest date would be "
                f"{what_if.earliest_application_date} only if permission continued after "
                f"{ends} - nothing is recorded since." + check
            )
        else:
            text = f"{label_}: not eligible on {on}. Nothing is recorded after {ends}." + check
        return Reason(text, code="verdict_line", dates={"record_ends": ends})
    if assessment.without_permission_since is not None and not assessment.eligible:
        why = next((r for r in assessment.reasons if r.code == "without_permission"), None)
        if why is not None:
            return Reason(f"{label_}: not eligible on {on}. {why}", code="verdict_line")
    caveat = ""
    if since is not None and ends is not None:
        caveat = f" Nothing is recorded after {ends}: check the client's status now (possible overstayer)."
    elif assessment.without_permission_since is not None:
        caveat = f" No permission since {assessment.without_permission_since}."
    if assessment.eligible:
        if qf and co and qf != co:
            years = round((co - qf).days / 365.25)
            text = f"{label_}: eligible on {on} ({years} years from {qf})"
        else:
            text = f"{label_}: eligible on {on}"
        return Reason(_with(text, caveat), code="verdict_line")
    deciding = deciding_reason(assessment)
    if assessment.earliest_application_date is not None:
        line = f"{label_}: not yet: earliest {assessment.earliest_application_date}"
        if deciding is not None and deciding.code == "not_complete":
            line += f" (the qualifying period is complete on {deciding.dates['complete_on']})"
        elif deciding is not None:
            line += f". {deciding}"
        return Reason(_with(line, caveat), code="verdict_line")
    if deciding is not None:
        return Reason(_with(f"{label_}: not eligible. {deciding}", caveat), code="verdict_line")
    return Reason(_with(f"{label_}: not eligible on this history", caveat), code="verdict_line")


def _with(text: str, caveat: str) -> str:
    """`text`, then `caveat` as a sentence of its own."""
    if not caveat:
        return text
    return (text if text.endswith(".") else text + ".") + caveat


#: Reasons that decide a verdict, most telling first: what broke the period (with the trip or
#: gap and the rule) says more than the completion date it led to.
DECIDING_CODES = (
    "restart",
    "breach",
    "not_lawful",
    "abroad",
    "floor",
    "wait_for_window",
    "requirement",
    "late",
    "not_complete",
)


def deciding_reason(assessment: Assessment) -> Reason | None:
    """The reason that decides a verdict that is not 'eligible' (None when there is none)."""
    found = [r for r in assessment.reasons[1:] if getattr(r, "code", "") in DECIDING_CODES]
    if not found:
        return None
    return min(found, key=lambda r: DECIDING_CODES.index(r.code))
