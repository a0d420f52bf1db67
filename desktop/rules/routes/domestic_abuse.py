"""Settlement as a victim of domestic abuse: Appendix Victim of Domestic Abuse (reference 003).

No qualifying period: the last permission must be as a partner (of a British citizen, settled
person, refugee, ...) or MVDAC after such permission ('Who can apply under this route').
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date

from desktop.rules import wording
from desktop.rules.days import AbsenceDays, Trip, max_in_any_12_months
from desktop.rules.deadlines import Deadline, application_deadlines, with_status
from desktop.rules.figures import Figures
from desktop.rules.history import ROUTES, History
from desktop.rules.timeline import build_cover, label, record_deadlines
from desktop.rules.verdict import Assessment, Reason, WhatIf

DA_PARTNER = frozenset({"partner_5y", "partner_10y"})


def assess_domestic_abuse(
    history: History, on: date, figures: Figures, bank_holidays: Container[date], today: date
) -> Assessment:
    """Appendix Victim of Domestic Abuse: no qualifying period; the last permission must be as a
    partner (of a British citizen, settled person, refugee, ...) or MVDAC after such permission
    (reference 003, 'Who can apply under this route')."""
    perms = sorted(
        (p for p in history.permissions if p.start <= on), key=lambda p: (p.start, p.category)
    )
    reasons: list[Reason] = []
    missing: list[str] = []
    last = perms[-1] if perms else None
    partner_before = [p for p in perms if p.category in DA_PARTNER]
    eligible = False
    qfrom = None
    earliest = None
    if last is None:
        reasons.append(wording.not_eligible(ROUTES["settlement_domestic_abuse"], on, None))
        reasons.append(Reason("No permission is recorded.", code="requirement"))
    elif last.category in DA_PARTNER or (last.category == "mvdac" and partner_before):
        eligible = True
        anchor = partner_before[-1] if partner_before else last
        qfrom = anchor.start
        earliest = anchor.start
        reasons.append(
            Reason(
                f"Settlement as a victim of domestic abuse: eligible on {on} as far as permission "
                f"goes: the last permission is {label(last.category)} (Appendix Victim of "
                "Domestic Abuse; reference 003). There is no minimum period.",
                code="headline",
                rule="Appendix Victim of Domestic Abuse",
                dates={"application": on, "permission_from": last.start},
            )
        )
        if last.end is not None and last.end < on:
            grace = figures.entry("late.grace_days", on)
            reasons.append(
                Reason(
                    f"That permission ended on {last.end}: apply while it is running, or within "
                    f"{grace.value} days with a good reason ({figures.cite(grace.rule or '', on)}).",
                    code="late",
                    rule=figures.cite(grace.rule or "", on),
                    dates={"ended": last.end},
                )
            )
        missing.append(
            "The partner's status (British, settled, EUSS pre-settled, refugee or HM Forces) and "
            "evidence that domestic abuse caused the relationship to break down are needed "
            "(reference 003)."
        )
    else:
        reasons.append(wording.not_eligible(ROUTES["settlement_domestic_abuse"], on, None))
        reasons.append(
            Reason(
                f"The last permission is {label(last.category)}, not permission as a partner or "
                "MVDAC after it (Appendix Victim of Domestic Abuse; reference 003, 'Who can't "
                "apply under this route').",
                code="requirement",
                rule="Appendix Victim of Domestic Abuse",
            )
        )
    # Issue 16: a record that stops before today. Eligibility on a later date rests on
    # permission having continued: never a plain "eligible".
    cover = build_cover(history, figures, bank_holidays, today)  # type: ignore[arg-type]
    tail = cover.tail
    since = tail.start if tail is not None and tail.projected else None
    what_if = None
    if since is not None:
        ended = date.fromordinal(since - 1)
        missing.append(wording.record_ends(ended, today))
        reasons.insert(1, wording.status_unknown(ended, date.fromordinal(since)))
        if eligible and on.toordinal() >= since:
            what_if = WhatIf(True, earliest, qfrom, qfrom, date.fromordinal(since))
            reasons[0] = wording.eligible_only_if_continued(
                ROUTES["settlement_domestic_abuse"], on, ended, qfrom or on
            )
            eligible = False
    reasons.append(wording.scope())
    trips = [
        Trip(a.left.toordinal(), a.returned.toordinal(), i) for i, a in enumerate(history.absences)
    ]
    lo = qfrom or (perms[0].start if perms else on)
    window = max_in_any_12_months(trips, lo, on)
    total = AbsenceDays(trips).count(lo.toordinal(), on.toordinal())
    deadlines = application_deadlines(history, figures, bank_holidays, today)
    deadlines.extend(record_deadlines(cover, history, figures, today))
    if last is not None and last.category == "mvdac" and last.end is not None and last.end >= today:
        deadlines.append(
            Deadline(
                last.end,
                "MVDAC permission ends: apply for settlement as a victim of domestic abuse before then",
                "MVDAC (reference 003)",
                kind="apply_before_expiry",
                record=f"permissions[{history.permissions.index(last)}]",
                facts=(("category", "mvdac"),),
            )
        )
    notes = []
    try:
        fee = figures.entry("fee.ilr_domestic_abuse", on, strict=True)
        caution = "" if fee.verified else f"{wording.FEE_NOT_VERIFIED}; "
        notes.append(
            f"Fee on {on}: £{fee.value:,} unless waived ({caution}refuge, universal credit or "
            f"low income; {fee.source})."
        )
    except ValueError:
        pass
    return Assessment(
        route="settlement_domestic_abuse",
        application_date=on,
        qualifying_from=qfrom,
        complete_on=qfrom,
        earliest_application_date=earliest,
        continuity_broken=False,
        absence_days_total=total,
        max_window=window,
        breaches=(),
        uncounted_periods=(),
        eligible=eligible,
        reasons=tuple(reasons),
        deadlines=tuple(with_status(deadlines, today)),
        rules_in_force=today,
        notes=tuple(notes),
        missing=tuple(missing),
        record_ends=date.fromordinal(since - 1) if since is not None else None,
        status_unknown_since=date.fromordinal(since) if since is not None else None,
        if_permission_continued=what_if,
        without_permission_since=(
            date.fromordinal(tail.start)
            if tail is not None and not tail.projected and tail.start <= today.toordinal()
            else None
        ),
    )
