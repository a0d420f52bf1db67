"""Lawful presence over time: permissions, section 3C leave, gaps, and how each route counts them.

Two steps:

1. `build_cover` turns the permissions and applications into stretches of lawful presence
   ("covers": a permission, or section 3C leave after it) and classifies every gap between them:
   the 1-31 August 2020 concession (CR 2.1(d)), a forgiven late application (paragraph 39E, SUI
   13.1 from 11 November 2025 / LR 11.2(b)-(c): does not break, does not count), or a break. It
   also says what follows the last day the record accounts for (`CoverResult.tail`): a record
   that stops before today ("unknown": the status must be checked), time known to be without
   permission (a refusal before the permission ended, the adviser's check) or an application
   made after permission ended and still pending.
2. `route_pieces` reads that for one route: which categories count, what custody does, and what
   happens after the last known day (where nothing says otherwise we assume the person stays
   with the same permission, which is how "earliest date" questions are answered; when the
   record stops before today that is a what-if, and the verdict says so).

Section 3C arises only where it should (Immigration Act 1971 s3C): an application made before
the permission expired (s3C(1)(a)-(b)) and not decided or withdrawn when it expired (s3C(1)(c)).
An application refused before the permission ends gives none: a later appeal protects against
removal (NIAA 2002 s78) but does not extend leave. After a refusal, 3C runs while an appeal
could be brought in the UK or is pending (s3C(2)(b)-(c)) or while administrative review could
be sought or is pending (s3C(2)(d)); an appeal brought from outside the UK gives none. An appeal
the Tribunal admits out of time makes 3C run again from the day the notice of appeal was filed,
not before (R (Akinola) v Upper Tribunal [2021] EWCA Civ 1308).

All positions are day ordinals; `INF` stands for "no end".
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from desktop.rules.days import AbsenceDays, add_months, trips_and_days
from desktop.rules.deadlines import Deadline, effective_application_date, fee_waiver_deadline
from desktop.rules.figures import Figures
from desktop.rules.history import (
    PERMISSION_CATEGORIES,
    Application,
    History,
    category_words,
)

INF = date.max.toordinal() - 800  # room for window arithmetic past "no end"

#: Applications that extend permission under section 3C when made in time (an application to
#: vary leave). Asylum claims and further submissions are not applications for leave, and
#: naturalisation does not vary leave.
THREE_C_KINDS = frozenset({"initial", "extension", "settlement", "human_rights", "other"})
#: Applications that can lead to the next permission after a gap (39E applies to any of them).
LATE_KINDS = frozenset(
    {"initial", "extension", "settlement", "human_rights", "other", "asylum", "fresh_claim"}
)
#: Claims whose wait is "waiting for a decision", not a gap (no permission while pending).
PROTECTION_CLAIMS = frozenset({"asylum", "fresh_claim"})

#: The rule behind 3C leave ending before it arose: a decision before the permission expired.
S3C_1_C = "s3C(1)(c) Immigration Act 1971"
AKINOLA = "R (Akinola) v Upper Tribunal [2021] EWCA Civ 1308"


def d(o: int) -> date:
    return date.fromordinal(o)


def label(category: str | None) -> str:
    if category is None:
        return "no permission"
    return PERMISSION_CATEGORIES.get(category, category)


def permission_words(category: str | None) -> str:
    """'Student (including Tier 4) permission', but 'Refugee permission' only once, and
    'Immigration bail' (not a permission): one copy, desktop.rules.history.category_words."""
    return category_words(category)


@dataclass(frozen=True)
class Cover:
    """A stretch of lawful presence: a permission, or section 3C leave after it."""

    start: int
    end: int  # inclusive; INF for indefinite or undecided
    category: str
    perm_index: int
    expiry: int | None  # the permission's own last day (None for indefinite)
    granted: int
    source: str  # "permission" | "3C"
    #: For 3C leave: the index of the application behind it, and whether that application was
    #: refused (a gap after it is judged under paragraph 39E(2), with no good reason needed).
    application: int | None = None
    after_refusal: bool = False
    #: For a permission: an application made during it and refused (or withdrawn) on or before
    #: its last day, so no section 3C leave followed (s3C(1)(c)).
    refused_before_expiry: int | None = None
    #: For 3C leave: it runs again from a late appeal the Tribunal admitted (Akinola).
    revived: bool = False


@dataclass(frozen=True)
class Gap:
    start: int
    end: int
    kind: str  # "covid" | "forgiven" | "break"
    rule: str
    why: str
    late_application: int | None = None  # index into history.applications
    no_reason_needed: bool = False  # forgiven without a good reason (old 28-day rule, 39E(2))
    made: int | None = None  # the day the late application was made (its rule follows it)


@dataclass(frozen=True)
class Lapse:
    perm_index: int
    absence_index: int
    left: int


@dataclass(frozen=True)
class Tail:
    """What follows the last day the record accounts for (`start` is the first day after it).

    kind:
      "unknown"          the record stops before today: nothing says what happened since
      "checked"          the adviser checked and found no permission (a status check)
      "refused_before_expiry"  an application was refused before the permission ended, so no
                         section 3C leave followed (s3C(1)(c)); a pending appeal bars removal
                         only (NIAA 2002 s78)
      "pending"          an application made after permission ended is waiting for a decision
                         (it gives no section 3C leave)
    """

    start: int
    kind: str
    rule: str
    why: str
    perm_index: int | None = None  # the last permission recorded
    application: int | None = None  # the refused or pending application
    checked_on: date | None = None
    #: How the route reads the time after the record ("break": without permission).
    piece_kind: str = "break"
    #: The day the after-refusal window (39E(2) / SUI 13.1) counts from, when known.
    refusal_base: int | None = None
    #: A protection claim is pending: "waiting for a decision", not a gap.
    awaiting_decision: bool = False

    @property
    def projected(self) -> bool:
        """The route reads the days after the record as a projection (what-if)."""
        return self.kind == "unknown"


@dataclass
class CoverResult:
    """Working result of build_cover."""

    covers: list[Cover] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    lapses: list[Lapse] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    three_c_travel: list[tuple[int, int]] = field(default_factory=list)  # (absence idx, perm idx)
    #: What follows the record (None: it runs on, e.g. indefinite leave or a pending
    #: in-time application, or it ends today or later with nothing said against it).
    tail: Tail | None = None


OutsideUK = Callable[[date], bool]


def _never_outside(_day: date) -> bool:
    return False


def effective_remedy(app: Application) -> str | None:
    """The remedy a refusal carries: recorded, or read from what was lodged; None: unknown."""
    if app.remedy is not None:
        return app.remedy
    if app.review_lodged is not None:
        return "administrative_review"
    if app.appeal_lodged is not None:
        return "appeal"
    return None


def appeal_window_end(app: Application, figures: Figures) -> date:
    """Last day an appeal or administrative review of a refusal could be brought in time
    (s3C(2)(b), (d)(i)): 14 days after the decision for an appeal (FtT (IAC) Rules 2014 r.19(2))
    or administrative review in the UK, 7 for review from detention, or the later date the
    refusal letter gives."""
    assert app.decided is not None
    remedy = effective_remedy(app)
    if remedy == "none":
        default = app.decided
    elif remedy == "administrative_review":
        key = "review.detained_days" if app.detained else "review.in_country_days"
        default = app.decided + timedelta(days=figures.int_(key, app.decided))
    else:
        days = figures.int_("s3c.appeal_days_in_country", app.decided)
        default = app.decided + timedelta(days=days)
    given = getattr(app, "appeal_by", None)
    return max(default, given) if given is not None else default


def _appeal_pending_until(app: Application, figures: Figures) -> int:
    """Last day an appeal lodged (and admitted) is pending (s104 NIAA 2002): INF while
    undecided or after it is allowed, the day it was withdrawn or abandoned, else the decision
    plus the time to ask for permission to appeal onwards (FtT (IAC) Rules 2014 r.33(2))."""
    if app.appeal_decided is None:
        return INF
    if app.appeal_outcome == "allowed":
        # The decision is then remade; permission normally follows the allowed appeal.
        return INF
    if app.appeal_outcome in ("withdrawn", "abandoned"):
        return app.appeal_decided.toordinal()
    onward = figures.int_("s3c.onward_appeal_days", app.appeal_decided)
    return (app.appeal_decided + timedelta(days=onward)).toordinal()


def three_c_end(
    app: Application, figures: Figures, outside_uk: OutsideUK = _never_outside
) -> int | None:
    """Last day of section 3C leave from an in-time application (None: no 3C at all), for an
    application still undecided when the permission expired (the caller checks s3C(1)(c)).

    s3C(2)(a): leave continues until the application is decided or withdrawn. After a refusal
    it continues while an appeal could be brought in the UK (s3C(2)(b)), or administrative
    review sought (s3C(2)(d)(i)), in time: 14 days after the decision (7 for review from
    detention), or the later date the refusal letter gives (`appeal_by`); and while one brought
    in time is pending (s3C(2)(c), (d)(ii)). An appeal is pending until finally determined,
    which includes the time to ask for permission to appeal onwards (s104 NIAA 2002; FtT (IAC)
    Rules 2014 r.33(2)); a review until it is decided (a successful review withdraws the
    refusal, so the application is undecided again). An appeal brought from outside the UK
    gives none (s3C(2)(c): "brought while the appellant is in the United Kingdom"). A refusal
    with no appeal or review ends 3C on the decision. Rejected or void applications were never
    valid, so they give no 3C leave. An appeal lodged late is the Tribunal's to admit: see
    `three_c_revived`.
    """
    if app.outcome in ("rejected", "void"):
        return None
    if app.decided is None:
        return INF
    if app.outcome != "refused":
        return app.decided.toordinal()
    remedy = effective_remedy(app)
    if remedy == "none":
        return app.decided.toordinal()
    window_ends = appeal_window_end(app, figures)
    if remedy == "administrative_review":
        if app.review_lodged is None or app.review_lodged > window_ends:
            return window_ends.toordinal()
        if app.review_decided is None or app.review_outcome == "succeeded":
            return INF
        return app.review_decided.toordinal()
    if (
        app.appeal_lodged is None
        or app.appeal_lodged > window_ends
        or outside_uk(app.appeal_lodged)
    ):
        return window_ends.toordinal()
    return _appeal_pending_until(app, figures)


def appeal_admitted_late(app: Application) -> bool | None:
    """Whether a late appeal was admitted by the Tribunal: recorded, or implied by a decision
    on its merits (allowed or dismissed); None when not known."""
    if app.appeal_time_extended is not None:
        return app.appeal_time_extended
    if app.appeal_outcome in ("allowed", "dismissed"):
        return True
    return None


def three_c_revived(
    app: Application, figures: Figures, outside_uk: OutsideUK = _never_outside
) -> tuple[int, int] | None:
    """(first day, last day) of section 3C leave revived by an appeal lodged out of time that
    the Tribunal admitted: it runs from the day the notice of appeal was filed (not the day
    time was extended) while the appeal is pending; the days between the end of the time to
    appeal and the filing are not covered (R (Akinola) v Upper Tribunal [2021] EWCA Civ 1308)."""
    if app.outcome != "refused" or app.decided is None or app.appeal_lodged is None:
        return None
    if effective_remedy(app) not in (None, "appeal"):
        return None
    if app.appeal_lodged <= appeal_window_end(app, figures) or outside_uk(app.appeal_lodged):
        return None
    if appeal_admitted_late(app) is not True:
        return None
    return app.appeal_lodged.toordinal(), _appeal_pending_until(app, figures)


def refusal_base(app: Application, figures: Figures) -> int:
    """The day the after-refusal window (39E(2) / SUI 13.1: a further application within 14
    days, no good reason needed) counts from: the latest of the refusal, the end of the time to
    appeal or seek review, and the appeal or review concluding (INF while one is pending)."""
    assert app.decided is not None
    base = app.decided.toordinal()
    remedy = effective_remedy(app)
    if remedy != "none":
        base = max(base, appeal_window_end(app, figures).toordinal())
    if app.review_lodged is not None:
        if app.review_decided is None or app.review_outcome == "succeeded":
            return INF
        base = max(base, app.review_decided.toordinal())
    if app.appeal_lodged is not None and (
        app.appeal_lodged <= appeal_window_end(app, figures) or appeal_admitted_late(app)
    ):
        base = max(base, _appeal_pending_until(app, figures))
    return base


def _outside_checker(absent: AbsenceDays) -> OutsideUK:
    if not absent.days:
        return _never_outside

    def outside(day: date) -> bool:
        return absent.is_absent(day.toordinal())

    return outside


def build_cover(
    history: History,
    figures: Figures,
    bank_holidays: frozenset[date],
    today: date,
) -> CoverResult:
    out = CoverResult()
    perms = sorted(enumerate(history.permissions), key=lambda t: (t[1].start, t[0]))
    trip_list, absent = trips_and_days(history.absences)
    outside = _outside_checker(absent)
    apps: list[tuple[int, int, Application]] = []
    for i, app in enumerate(history.applications):
        made = effective_application_date(app, figures, bank_holidays)
        if made is not None:
            apps.append((made.toordinal(), i, app))
            if (
                app.fee_waiver_requested is not None
                and app.made is not None
                and made == app.fee_waiver_requested
            ):
                if app.fee_waiver_decided is None:
                    out.missing.append(
                        f"applications[{i}].fee_waiver_decided: the fee-waiver decision date is "
                        "needed to check the full application followed within "
                        f"{figures.int_('fee_waiver.full_application_working_days', app.made)} "
                        "working days (34G(4)); we assumed it did"
                    )
        if app.outcome == "refused" and app.decided is not None:
            if app.remedy is None and app.appeal_lodged is None and app.review_lodged is None:
                out.missing.append(
                    f"applications[{i}].remedy: record whether the refusal letter gives a right "
                    "of appeal or administrative review (or neither); until then "
                    f"{figures.int_('s3c.appeal_days_in_country', app.decided)} days are "
                    "allowed for either"
                )
            if (
                app.appeal_lodged is not None
                and app.appeal_lodged > appeal_window_end(app, figures)
                and effective_remedy(app) in (None, "appeal")
                and appeal_admitted_late(app) is None
            ):
                out.missing.append(
                    f"applications[{i}].appeal_time_extended: the appeal was lodged after the "
                    "time to appeal ended; record whether the Tribunal extended time (until "
                    f"then no section 3C leave is counted from it; {AKINOLA})"
                )
    apps.sort()
    trips = sorted(trip_list)
    lapse_months = figures.int_("leave.lapse_if_granted_months_or_less", today)

    for j, (pi, p) in enumerate(perms):
        start = p.start.toordinal()
        end = INF if p.end is None else p.end.toordinal()
        expiry = None if p.end is None else end
        granted = p.grant_date.toordinal()
        lapsed = False
        if p.end is not None and p.end < add_months(p.start, lapse_months):
            # Leave of 6 months or less lapses when the holder leaves the UK (LTERO 2000
            # art. 13; DL policy v10.0 "Duration of grants").
            for left, _returned, ai in trips:
                if start <= left < end:
                    out.lapses.append(Lapse(pi, ai, left))
                    end = left
                    lapsed = True
                    break
        ext_end = end
        ext_app: int | None = None
        refused_early: int | None = None
        revival: tuple[int, int] | None = None
        if not lapsed and p.end is not None:
            for made, ai, app in apps:
                if app.kind not in THREE_C_KINDS or made < start or made > ext_end:
                    continue
                if app.decided is not None and app.decided.toordinal() <= end:
                    # s3C(1)(c): decided (or withdrawn) before the permission expired: no 3C.
                    if app.outcome == "refused" and made <= end:
                        refused_early = ai
                    continue
                e = three_c_end(app, figures, outside)
                if e is not None and e > ext_end:
                    ext_end = e
                    ext_app = ai
            if ext_app is not None:
                revival = three_c_revived(history.applications[ext_app], figures, outside)
                if revival is not None and revival[0] <= ext_end + 1:
                    ext_end = max(ext_end, revival[1])  # no gap: one stretch
                    revival = None
            for ai, app in enumerate(history.applications):
                if app.made is not None or app.fee_waiver_requested is None:
                    continue
                fw = app.fee_waiver_requested.toordinal()
                if not (start <= fw <= ext_end):
                    continue
                if app.fee_waiver_decided is None:
                    ext_end = INF
                    revival = None
                    out.notes.append(
                        f"applications[{ai}]: the fee-waiver request of {app.fee_waiver_requested} "
                        "is pending; permission is treated as continuing while it is decided (003)"
                    )
                else:
                    due = fee_waiver_deadline(app.fee_waiver_decided, figures, bank_holidays).date
                    if due >= today:
                        ext_end = max(ext_end, due.toordinal())
                        out.notes.append(
                            f"applications[{ai}]: the full application must be made by {due} "
                            "to keep the fee-waiver request date as the application date (34G(4))"
                        )
        if j + 1 < len(perms):
            nxt = perms[j + 1][1].start.toordinal()
            if nxt <= end:
                end = nxt - 1  # replaced by the next grant
                ext_end = end
                revival = None
            elif nxt <= ext_end:
                ext_end = nxt - 1
                revival = None
            elif revival is not None and nxt <= revival[1]:
                revival = (revival[0], nxt - 1) if revival[0] < nxt else None
        if ext_end > end or revival is not None:
            refused_early = None  # section 3C followed after all
        if end >= start:
            out.covers.append(
                Cover(
                    start,
                    end,
                    p.category,
                    pi,
                    expiry,
                    granted,
                    "permission",
                    refused_before_expiry=refused_early,
                )
            )
        if ext_end > end:
            refused = ext_app is not None and history.applications[ext_app].outcome == "refused"
            out.covers.append(
                Cover(end + 1, ext_end, p.category, pi, expiry, granted, "3C", ext_app, refused)
            )
            for left, _returned, ai in trips:
                if end < left <= min(ext_end, today.toordinal()):
                    out.three_c_travel.append((ai, pi))
        if revival is not None:
            out.covers.append(
                Cover(
                    revival[0],
                    revival[1],
                    p.category,
                    pi,
                    expiry,
                    granted,
                    "3C",
                    ext_app,
                    True,
                    revived=True,
                )
            )

    covid_from = figures.date_("cr.covid_lawful_from", today).toordinal()
    covid_to = figures.date_("cr.covid_lawful_to", today).toordinal()
    for c1, c2 in itertools.pairwise(out.covers):
        gs, ge = c1.end + 1, c2.start - 1
        if gs > ge:
            continue
        if c2.revived:
            out.gaps.append(
                Gap(
                    gs,
                    ge,
                    "break",
                    f"s3C(2)(b)-(c) Immigration Act 1971; {AKINOLA}",
                    f"Section 3C leave ended on {d(c1.end)}, when the time to appeal ran out; the "
                    f"appeal lodged late on {d(c2.start)} was admitted by the Tribunal, which "
                    "revives section 3C leave from the day the notice of appeal was filed, not "
                    f"before: {d(gs)} to {d(ge)} is not covered",
                )
            )
            continue
        last_lawful = c1.end
        if c1.end >= covid_from - 1 and gs <= covid_to:
            cov_end = min(ge, covid_to)
            out.gaps.append(
                Gap(
                    gs,
                    cov_end,
                    "covid",
                    "CR 2.1(d)",
                    "Without permission from "
                    f"{d(gs)} to {d(cov_end)}, but permission was held immediately before "
                    f"{d(covid_from)}, so this time is treated as lawful",
                )
            )
            gs = cov_end + 1
            last_lawful = cov_end
            if gs > ge:
                continue
        out.gaps.append(
            _classify_gap(
                apps, figures, gs, ge, last_lawful, c2, out, _refusal_base_of(c1, history, figures)
            )
        )
    out.tail = _tail(out, history, figures, apps, today)
    return out


def _refusal_base_of(c: Cover, history: History, figures: Figures) -> int | None:
    """The day the after-refusal window counts from for a gap after cover `c`: the end of 3C
    leave after a refusal, or for a permission during which an application was refused before
    it ended, the latest of that refusal's events (None: no refusal behind the gap)."""
    if c.source == "3C" and c.after_refusal:
        return c.end
    if c.source == "permission" and c.refused_before_expiry is not None:
        return refusal_base(history.applications[c.refused_before_expiry], figures)
    return None


def _classify_gap(
    apps: list[tuple[int, int, Application]],
    figures: Figures,
    gs: int,
    ge: int,
    last_lawful: int,
    nxt: Cover,
    out: CoverResult,
    after_refusal: int | None = None,
) -> Gap:
    """A gap between two covers: forgiven under paragraph 39E / SUI 13.1 (or the old 28-day
    rule), or a break. `after_refusal`: the day the after-refusal window counts from, when a
    refusal is behind the gap (see `_refusal_base_of`).

    39E(1) forgives an application made within 14 days of permission ending where there was a
    good reason beyond the applicant's control; 39E(2) forgives one made within 14 days of the
    refusal of an in-time application, or of the end of the time to appeal or seek
    administrative review, or of an appeal or review concluding, with no good reason needed.
    From 11 November 2025 both are SUI 13.1 (HC 1333): the number cited follows the date the
    late application was made.
    """
    for made, ai, app in apps:
        if app.kind not in LATE_KINDS or made <= last_lawful or made > nxt.start:
            continue
        late_by = made - last_lawful
        made_d = d(made)
        grace = figures.entry("late.grace_days", made_d)
        need_reason = bool(figures.get("late.good_reason_needed", made_d))
        rule = "LR 11.2(c)" if need_reason else "LR 11.2(b)"
        paragraph = figures.cite("paragraph 39E", made_d)
        after = False
        if after_refusal is not None and need_reason:
            g2 = figures.entry("late.after_refusal_grace_days", made_d)
            if made - after_refusal <= g2.value:
                grace = g2
                need_reason = False
                rule = figures.cite(g2.rule or "paragraph 39E(2)", made_d)
                after = True
                late_by = min(late_by, max(made - after_refusal, 0))
            elif late_by > grace.value:
                # Too late for either limb: the after-refusal one is the paragraph that failed.
                grace = g2
                need_reason = False
                rule = figures.cite(g2.rule or "paragraph 39E(2)", made_d)
        if late_by > grace.value:
            return Gap(
                gs,
                ge,
                "break",
                rule,
                f"Permission ended on {d(last_lawful)} and the next application "
                f"(applications[{ai}]) was made {made - last_lawful} days later, on {made_d}; "
                f"only {grace.value} days can be forgiven, so the residence was broken",
                ai,
                not need_reason,
                made,
            )
        accepted = app.late_reason_accepted
        if need_reason and accepted is False:
            return Gap(
                gs,
                ge,
                "break",
                rule,
                f"The application of {made_d} was {late_by} days late and the reason for the "
                f"delay was not accepted ({paragraph}), so the residence was broken",
                ai,
                False,
                made,
            )
        if need_reason and accepted is None:
            out.missing.append(
                f"applications[{ai}].late_reason_accepted: the application of {made_d} was "
                f"{late_by} days late; we assumed the Home Office accepted a good reason because "
                "permission followed. Check the grant letter"
            )
        return Gap(
            gs,
            ge,
            "forgiven",
            rule,
            _forgiven_why(gs, ge, last_lawful, made, grace.value, after, after_refusal),
            ai,
            not need_reason,
            made,
        )
    return Gap(gs, ge, "break", "CR 2.1(d)", _no_permission_why(gs, ge, apps))


def _forgiven_why(
    gs: int,
    ge: int,
    last_lawful: int,
    made: int,
    grace: int,
    after: bool,
    after_refusal: int | None,
) -> str:
    until = f"the time from {d(gs)} to {d(ge)} (until the next grant) does not count"
    if after and after_refusal == last_lawful:
        return (
            f"Section 3C leave after the refusal ended on {d(last_lawful)}; the next "
            f"application was made {made - last_lawful} days later, within the {grace} days "
            f"allowed without a reason, so this gap does not break the residence, but {until}"
        )
    if after and after_refusal is not None:
        step = (
            "while the appeal or review of the refusal was pending"
            if after_refusal >= INF
            else f"within {grace} days of the refusal's last step ({d(after_refusal)})"
        )
        return (
            f"Permission ended on {d(last_lawful)} after a refusal made before it ended; the "
            f"next application was made {step}, which needs no reason, so this gap does not "
            f"break the residence, but {until}"
        )
    return (
        f"Permission ended on {d(last_lawful)}; the application made {made - last_lawful} days "
        f"later was accepted, so this gap does not break the residence, but {until}"
    )


def _no_permission_why(gs: int, ge: int, apps: list[tuple[int, int, Application]]) -> str:
    """Why a stretch without permission breaks: a pending protection claim is said as such."""
    for made, ai, app in apps:
        if (
            app.kind in PROTECTION_CLAIMS
            and made <= gs
            and (app.decided is None or app.decided.toordinal() > gs)
        ):
            return (
                f"Waiting for a decision on the protection claim of {d(made)} (applications[{ai}]) "
                f"from {d(gs)} to {d(ge)}: no permission while it was pending, so this time "
                "does not count as lawful residence and breaks it"
            )
    return (
        f"No permission from {d(gs)} to {d(ge)} and no application was made in time, so the "
        "residence was broken"
    )


def _tail(
    out: CoverResult,
    history: History,
    figures: Figures,
    apps: list[tuple[int, int, Application]],
    today: date,
) -> Tail | None:
    """What follows the last day the record accounts for (see `Tail`)."""
    if not out.covers:
        return None
    last = max(out.covers, key=lambda c: (c.end, c.start))
    if last.end >= INF:
        return None
    start = last.end + 1
    t = today.toordinal()
    ended = d(last.end)
    # The adviser checked and found no permission after the record.
    checks = [c for c in history.status_checks if c.outcome == "no_permission"]
    checked = max((c.on for c in checks if c.on.toordinal() >= start), default=None)
    # An application still waiting for a decision that gave no section 3C leave: made after
    # the record ended, or a protection claim (not an application to vary leave) made at any
    # time.
    pending = next(
        (
            (made, ai, app)
            for made, ai, app in reversed(apps)
            if (made >= start or app.kind in PROTECTION_CLAIMS)
            and app.decided is None
            and app.outcome is None
            and app.kind in LATE_KINDS
        ),
        None,
    )
    base = _refusal_base_of(last, history, figures)
    overstayer = figures.cite("paragraph 39E", max(today, ended))
    if pending is not None:
        made, ai, app = pending
        grace = figures.int_("late.grace_days", d(made))
        within = made - last.end <= grace or (base is not None and made - base <= grace)
        if app.kind in PROTECTION_CLAIMS:
            why = (
                f"Waiting for a decision on the protection claim of {d(made)} (applications[{ai}]): "
                f"no permission since {d(start)} while it is pending (not counted)"
            )
            rule = "Immigration Rules Part 11"
        else:
            why = (
                f"No permission since {d(start)}: the application of {d(made)} "
                f"(applications[{ai}]) was made after the permission ended, so it gives no section "
                "3C leave while it is pending (s3C(1)(a) Immigration Act 1971)"
                + (
                    f"; made within {grace} days, the gap may be forgiven if it is granted "
                    f"({overstayer})"
                    if within
                    else ""
                )
            )
            rule = "s3C(1)(a) Immigration Act 1971"
        return Tail(
            start,
            "pending",
            rule,
            why,
            last.perm_index,
            ai,
            # Without permission until it is decided: if it is granted and the late
            # application accepted, the gap is forgiven then (and the record says so).
            piece_kind="break",
            refusal_base=base,
            awaiting_decision=app.kind in PROTECTION_CLAIMS,
        )
    if checked is not None:
        return Tail(
            start,
            "checked",
            "CR 2.1(d)",
            f"No permission since {d(start)}: the adviser checked on {checked} and found none "
            "(overstaying)",
            last.perm_index,
            checked_on=checked,
            refusal_base=base,
        )
    if last.source == "permission" and last.refused_before_expiry is not None:
        ai = last.refused_before_expiry
        app = history.applications[ai]
        why = (
            f"No permission since {d(start)}: the application of {app.made} (applications[{ai}]) "
            f"was refused on {app.decided}, before the permission ended on {ended}, so no "
            "section 3C leave followed"
        )
        rule = S3C_1_C
        appeal_pending = app.appeal_lodged is not None and app.appeal_decided is None
        review_pending = app.review_lodged is not None and app.review_decided is None
        if appeal_pending:
            why += (
                f"; the appeal lodged on {app.appeal_lodged} protects against removal while it is "
                "pending (NIAA 2002 s78) but does not extend leave"
            )
            rule += "; NIAA 2002 s78"
        elif review_pending:
            why += (
                f"; the administrative review asked for on {app.review_lodged} is pending, but "
                "leave was not extended"
            )
        if base is not None and base >= INF:
            out.notes.append(
                f"applications[{ai}]: when the appeal or review is decided, a further application "
                f"made within {figures.int_('late.after_refusal_grace_days', today)} days of that "
                f"needs no reason ({figures.cite('paragraph 39E(2)', today)})"
            )
        return Tail(
            start,
            "refused_before_expiry",
            rule,
            why,
            last.perm_index,
            ai,
            refusal_base=base,
        )
    if last.end < t:
        return Tail(
            start,
            "unknown",
            overstayer,
            f"Nothing is recorded after {ended}: the client's status since is unknown (possible "
            "overstayer)",
            last.perm_index,
            last.application,
            refusal_base=base,
        )
    return None


#: Applications that keep a permission when made before it ends (undecided then: section 3C;
#: or granted): the "permission ends" deadline is met by one of them.
KEEPS_PERMISSION = THREE_C_KINDS | {"mvdac"}


def permission_met_on(
    history: History,
    c: Cover,
    followup_missed: Callable[[Application], bool] = lambda _app: False,
) -> date | None:
    """When the "apply before the permission ends" deadline of permission cover `c` was met:
    the day an application made during it was made, if it kept the permission (undecided when
    the permission ended, so section 3C followed, or granted); or the grant date of the next
    permission following on. None: not met (nothing made, or refused or withdrawn before the
    permission ended, s3C(1)(c)).

    A fee-waiver request with no full application yet counts from the request's date only
    while the full application can still follow in time (34G(4)): `followup_missed(app)` says
    when its 10 working days have passed, and then it meets nothing."""
    if c.expiry is None:
        return None
    start, expiry = d(c.start), d(c.expiry)
    found: list[date] = []
    for app in history.applications:
        if app.made is None and followup_missed(app):
            continue
        made = app.fee_waiver_requested if app.made is None else app.made
        if made is None or not start <= made <= expiry or app.kind not in KEEPS_PERMISSION:
            continue
        if app.outcome in ("rejected", "void"):
            continue
        if app.decided is None or app.decided > expiry or app.outcome == "granted":
            found.append(made)
    for p in history.permissions:
        if start < p.start <= expiry + timedelta(days=1):
            found.append(min(p.grant_date, expiry))
    return min(found) if found else None


def record_deadlines(
    cover: CoverResult, history: History, figures: Figures, today: date
) -> list[Deadline]:
    """Deadlines from what follows the record (`CoverResult.tail`): the attention item for a
    record that stops before today ("status_unknown") or time the record shows without
    permission ("without_permission"), and the late-application windows: 14 days after the
    permission ended with a good reason (paragraph 39E(1), SUI 13.1 from 11 November 2025) and,
    after a refusal made before the permission ended, 14 days from the refusal's last step with
    no reason needed (39E(2) / SUI 13.1). Each cites the paragraph in force on its own date."""
    tail = cover.tail
    if tail is None:
        return []
    end = tail.start - 1
    ended, since = d(end), d(tail.start)
    last = next((c for c in cover.covers if c.end == end), None)
    after_refusal_3c = last is not None and last.source == "3C" and last.after_refusal
    perm_record = f"permissions[{tail.perm_index}]" if tail.perm_index is not None else None
    out: list[Deadline] = []
    if tail.kind == "unknown":
        out.append(
            Deadline(
                ended,
                f"Permission ended on {ended} and nothing is recorded since: check the client's "
                "status now (possible overstayer). Record a new permission or a pending "
                "application, or that you checked and there is no permission",
                tail.rule,
                kind="status_unknown",
                starts=since,
                event_date=ended,
                record=perm_record,
            )
        )
    elif tail.kind == "refused_before_expiry" and tail.start <= today.toordinal():
        app = history.applications[tail.application] if tail.application is not None else None
        out.append(
            Deadline(
                since,
                f"{tail.why}. The client has had no permission since {since}",
                tail.rule,
                kind="without_permission",
                starts=since,
                event_date=app.decided if app is not None else ended,
                record=f"applications[{tail.application}]",
                facts=(("reason", "refused_before_expiry"),),
            )
        )
    if tail.kind == "pending":
        return out  # the application is in: nothing more to make in time
    grace_f = figures.entry("late.grace_days", ended)
    need_reason = bool(figures.get("late.good_reason_needed", ended))
    base = tail.refusal_base if not after_refusal_3c else None
    no_reason_last: int | None = None
    if base is not None and base < INF and need_reason:
        g2 = figures.entry("late.after_refusal_grace_days", d(base))
        if base + g2.value > end:
            no_reason_last = base + g2.value
            out.append(
                Deadline(
                    d(no_reason_last),
                    "Last day for a further application that needs no reason: "
                    f"{g2.value} days after the refusal's last step ({d(base)}), the refusal "
                    "having come before the permission ended",
                    figures.cite(g2.rule or "paragraph 39E(2)", d(no_reason_last)),
                    kind="late_application_window",
                    starts=since,
                    event_date=d(base),
                    record=f"applications[{tail.application}]"
                    if tail.application is not None
                    else perm_record,
                    days=g2.value,
                    facts=(("good_reason_needed", False),),
                )
            )
    if not after_refusal_3c:
        last_day = end + grace_f.value
        if no_reason_last is None or last_day > no_reason_last:
            rule = (
                figures.cite("paragraph 39E(1)", d(last_day))
                if need_reason
                else (grace_f.rule or "LR 11.2(b)")
            )
            out.append(
                Deadline(
                    d(last_day),
                    (
                        f"Last day for a late application: within {grace_f.value} days after "
                        "permission ended, with a good reason beyond the client's control why "
                        "it could not be made in time"
                        if need_reason
                        else f"Last day for a late application: within {grace_f.value} days "
                        "after permission ended"
                    ),
                    rule,
                    kind="late_application_window",
                    starts=since,
                    event_date=ended,
                    record=perm_record,
                    days=grace_f.value,
                    facts=(("good_reason_needed", need_reason),),
                )
            )
    return out


# --------------------------------------------------------------------------------------------
# Route view
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    kind: str  # "count" | "uncounted" | "break"
    category: str | None
    rule: str
    why: str
    expiry: int | None = None  # last day of the permission behind it (None: indefinite/unknown)
    granted: int | None = None
    assumed: bool = False
    source: str = ""


def record_end(cover: CoverResult) -> int | None:
    """Last day the record accounts for (None: it runs on with no end, e.g. indefinite leave)."""
    if not cover.covers:
        return None
    end = max(c.end for c in cover.covers)
    return None if end >= INF else end


def route_pieces(
    cover: CoverResult,
    *,
    counting: frozenset[str],
    not_counting_rule: dict[str, str],
    gap_rule_forgiven: str | None,
    forgive_late: bool = True,
    custody: str,
    custody_rule: str,
    history: History,
    cite: Callable[[str, date], str] | None = None,
) -> list[Piece]:
    """The route's reading of the cover: sorted, non-overlapping pieces up to INF. `cite`
    (Figures.cite) numbers the route's own rule for forgiven gaps by the date the late
    application was made."""

    def cited(rule: str, g: Gap) -> str:
        if cite is None or g.made is None:
            return rule
        return cite(rule, d(g.made))

    items: list[Piece] = []
    for c in cover.covers:
        if c.category in counting:
            items.append(
                Piece(
                    c.start,
                    c.end,
                    "count",
                    c.category,
                    "",
                    "",
                    c.expiry,
                    c.granted,
                    False,
                    c.source,
                )
            )
        else:
            rule = not_counting_rule.get(c.category, not_counting_rule.get("*", ""))
            items.append(
                Piece(
                    c.start,
                    c.end,
                    "break",
                    c.category,
                    rule,
                    f"Time with {permission_words(c.category)} does not count on this route",
                    c.expiry,
                    c.granted,
                    False,
                    c.source,
                )
            )
    for g in cover.gaps:
        if g.kind == "covid":
            items.append(Piece(g.start, g.end, "count", None, g.rule, g.why, source="covid"))
        elif g.kind == "forgiven" and not forgive_late:
            items.append(
                Piece(
                    g.start,
                    g.end,
                    "break",
                    None,
                    cited(gap_rule_forgiven, g) if gap_rule_forgiven else g.rule,
                    f"Permission ended on {d(g.start - 1)} and the next application was made "
                    "late; on this route an out-of-time application starts the count again",
                    source="gap",
                )
            )
        elif g.kind == "forgiven":
            rule = g.rule if gap_rule_forgiven is None else cited(gap_rule_forgiven, g)
            items.append(Piece(g.start, g.end, "uncounted", None, rule, g.why, source="gap"))
        else:
            items.append(Piece(g.start, g.end, "break", None, g.rule, g.why, source="gap"))
    items.sort(key=lambda p: p.start)

    # After the last known day. Where the record says what followed (a refusal before the
    # permission ended, the adviser's check, an application made late and pending) that is the
    # tail: time without permission. Otherwise assume the same permission continues (for
    # "earliest date"); when the record stops before today that is a what-if, and the verdict
    # built on it says so (`status_unknown_since`).
    if items and items[-1].end < INF:
        last = items[-1]
        tail = cover.tail
        if tail is not None and not tail.projected:
            items.append(
                Piece(
                    last.end + 1,
                    INF,
                    tail.piece_kind,
                    None,
                    tail.rule,
                    tail.why,
                    source="awaiting" if tail.awaiting_decision else "tail",
                )
            )
        else:
            cat = last.category
            kind = "count" if (cat in counting) else "break"
            items.append(
                Piece(
                    last.end + 1,
                    INF,
                    kind,
                    cat,
                    "" if kind == "count" else not_counting_rule.get(cat or "", ""),
                    (
                        "Assumed (a what-if): permission continues after the last known day; "
                        "nothing is recorded since, so the client's status is unknown"
                        if tail is not None
                        else "Assumed: permission continues after the last known day"
                    ),
                    None,
                    None,
                    True,
                    "assumed",
                )
            )

    if custody in ("break", "uncounted") and history.custody:
        items = _overlay_custody(items, history, custody, custody_rule)
    return items


def _overlay_custody(items: list[Piece], history: History, custody: str, rule: str) -> list[Piece]:
    spans = sorted((c.start.toordinal(), c.end.toordinal()) for c in history.custody)
    out: list[Piece] = []
    for p in items:
        pieces = [p]
        for cs, ce in spans:
            nxt: list[Piece] = []
            for q in pieces:
                if ce < q.start or cs > q.end or q.kind == "break":
                    nxt.append(q)
                    continue
                if q.start < cs:
                    nxt.append(_cut(q, q.start, cs - 1))
                why = (
                    "Time in prison or detention does not count, but leave before and after it "
                    "adds up (DL policy: settlement applications)"
                    if custody == "uncounted"
                    else "Time in prison or detention does not count as lawful residence and "
                    "breaks continuous residence"
                )
                nxt.append(
                    Piece(
                        max(q.start, cs),
                        min(q.end, ce),
                        custody,
                        q.category,
                        rule,
                        why,
                        q.expiry,
                        q.granted,
                        q.assumed,
                        "custody",
                    )
                )
                if q.end > ce:
                    nxt.append(_cut(q, ce + 1, q.end))
            pieces = nxt
        out.extend(pieces)
    return out


def _cut(p: Piece, start: int, end: int) -> Piece:
    return Piece(
        start, end, p.kind, p.category, p.rule, p.why, p.expiry, p.granted, p.assumed, p.source
    )
