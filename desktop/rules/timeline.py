"""Lawful presence over time: permissions, section 3C leave, gaps, and how each route counts them.

Two steps:

1. `build_cover` turns the permissions and applications into stretches of lawful presence
   ("covers": a permission, or section 3C leave after it) and classifies every gap between them:
   the 1-31 August 2020 concession (CR 2.1(d)), a forgiven late application (paragraph 39E /
   LR 11.2(b)-(c): does not break, does not count), or a break.
2. `route_pieces` reads that for one route: which categories count, what custody does, and what
   happens after the last known day (we assume the person stays with the same permission, which
   is how "earliest date" questions are answered).

All positions are day ordinals; `INF` stands for "no end".
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

from desktop.rules.days import add_months, trips_and_days
from desktop.rules.deadlines import effective_application_date, fee_waiver_deadline
from desktop.rules.figures import Figures
from desktop.rules.history import PERMISSION_CATEGORIES, Application, History

INF = date.max.toordinal() - 800  # room for window arithmetic past "no end"

#: Applications that extend permission under section 3C when made in time (an application to
#: vary leave). Asylum claims and further submissions are not applications for leave, and
#: naturalisation does not vary leave.
THREE_C_KINDS = frozenset({"initial", "extension", "settlement", "human_rights", "other"})
#: Applications that can lead to the next permission after a gap (39E applies to any of them).
LATE_KINDS = frozenset(
    {"initial", "extension", "settlement", "human_rights", "other", "asylum", "fresh_claim"}
)


def d(o: int) -> date:
    return date.fromordinal(o)


def label(category: str | None) -> str:
    if category is None:
        return "no permission"
    return PERMISSION_CATEGORIES.get(category, category)


def permission_words(category: str | None) -> str:
    """'Student (including Tier 4) permission', but 'Refugee permission' only once."""
    text = label(category)
    return text if text.lower().endswith("permission") else f"{text} permission"


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


@dataclass(frozen=True)
class Gap:
    start: int
    end: int
    kind: str  # "covid" | "forgiven" | "break"
    rule: str
    why: str
    late_application: int | None = None  # index into history.applications
    no_reason_needed: bool = False  # forgiven without a good reason (old 28-day rule, 39E(2))


@dataclass(frozen=True)
class Lapse:
    perm_index: int
    absence_index: int
    left: int


@dataclass
class CoverResult:
    """Working result of build_cover."""

    covers: list[Cover] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    lapses: list[Lapse] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    three_c_travel: list[tuple[int, int]] = field(default_factory=list)  # (absence idx, perm idx)


def three_c_end(app: Application, figures: Figures) -> int | None:
    """Last day of section 3C leave from an in-time application (None: no 3C at all).

    s3C(2)(a): leave continues until the application is decided. After a refusal it continues
    while an appeal or administrative review could be brought in time (s3C(2)(c)-(d)): 14 days
    after a refusal sent in the UK (FtT (IAC) Rules 2014 r.19(2)), or the later date the refusal
    letter gives (`appeal_by`), and while one brought in time is pending (s3C(2)(b)). An appeal
    is pending until finally determined, which includes the time to ask for permission to appeal
    onwards (s104 NIAA 2002; FtT (IAC) Rules 2014 r.33(2)). Rejected or void applications were
    never valid, so they give no 3C leave.
    """
    if app.outcome in ("rejected", "void"):
        return None
    if app.decided is None:
        return INF
    if app.outcome != "refused":
        return app.decided.toordinal()
    window_ends = appeal_window_end(app, figures)
    if app.appeal_lodged is None or app.appeal_lodged > window_ends:
        return window_ends.toordinal()
    if app.appeal_decided is None:
        return INF
    if app.appeal_outcome == "allowed":
        # The decision is then remade; permission normally follows the allowed appeal.
        return INF
    if app.appeal_outcome in ("withdrawn", "abandoned"):
        return app.appeal_decided.toordinal()
    onward = figures.int_("s3c.onward_appeal_days", app.appeal_decided)
    return (app.appeal_decided + timedelta(days=onward)).toordinal()


def appeal_window_end(app: Application, figures: Figures) -> date:
    """Last day an appeal or administrative review of a refusal could be brought in time."""
    assert app.decided is not None
    days = figures.int_("s3c.appeal_days_in_country", app.decided)
    default = app.decided + timedelta(days=days)
    given = getattr(app, "appeal_by", None)
    return max(default, given) if given is not None else default


def build_cover(
    history: History,
    figures: Figures,
    bank_holidays: frozenset[date],
    today: date,
) -> CoverResult:
    out = CoverResult()
    perms = sorted(enumerate(history.permissions), key=lambda t: (t[1].start, t[0]))
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
    apps.sort()
    trips = sorted(trips_and_days(history.absences)[0])
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
        if not lapsed and p.end is not None:
            for made, ai, app in apps:
                if app.kind not in THREE_C_KINDS or made < start or made > ext_end:
                    continue
                e = three_c_end(app, figures)
                if e is not None and e > ext_end:
                    ext_end = e
                    ext_app = ai
            for ai, app in enumerate(history.applications):
                if app.made is not None or app.fee_waiver_requested is None:
                    continue
                fw = app.fee_waiver_requested.toordinal()
                if not (start <= fw <= ext_end):
                    continue
                if app.fee_waiver_decided is None:
                    ext_end = INF
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
            elif nxt <= ext_end:
                ext_end = nxt - 1
        if end >= start:
            out.covers.append(Cover(start, end, p.category, pi, expiry, granted, "permission"))
        if ext_end > end:
            refused = ext_app is not None and history.applications[ext_app].outcome == "refused"
            out.covers.append(
                Cover(end + 1, ext_end, p.category, pi, expiry, granted, "3C", ext_app, refused)
            )
            for left, _returned, ai in trips:
                if end < left <= min(ext_end, today.toordinal()):
                    out.three_c_travel.append((ai, pi))

    covid_from = figures.date_("cr.covid_lawful_from", today).toordinal()
    covid_to = figures.date_("cr.covid_lawful_to", today).toordinal()
    for c1, c2 in itertools.pairwise(out.covers):
        gs, ge = c1.end + 1, c2.start - 1
        if gs > ge:
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
            _classify_gap(apps, figures, gs, ge, last_lawful, c2, out, c1.after_refusal)
        )
    return out


def _classify_gap(
    apps: list[tuple[int, int, Application]],
    figures: Figures,
    gs: int,
    ge: int,
    last_lawful: int,
    nxt: Cover,
    out: CoverResult,
    after_refusal: bool = False,
) -> Gap:
    """A gap between two covers: forgiven under paragraph 39E (or the old 28-day rule), or a break.

    39E(1) forgives an application made within 14 days of permission ending where there was a
    good reason beyond the applicant's control; 39E(2) forgives one made within 14 days of the
    refusal of an in-time application, or of the end of the time to appeal or seek
    administrative review, or of an appeal or review concluding, with no good reason needed.
    """
    for made, ai, app in apps:
        if app.kind not in LATE_KINDS or made <= last_lawful or made > nxt.start:
            continue
        late_by = made - last_lawful
        made_d = d(made)
        grace = figures.entry("late.grace_days", made_d)
        need_reason = bool(figures.get("late.good_reason_needed", made_d))
        rule = "LR 11.2(c)" if need_reason else "LR 11.2(b)"
        if after_refusal and need_reason:
            grace = figures.entry("late.after_refusal_grace_days", made_d)
            need_reason = False
            rule = grace.rule or "paragraph 39E(2)"
        if late_by > grace.value:
            return Gap(
                gs,
                ge,
                "break",
                rule,
                f"Permission ended on {d(last_lawful)} and the next application "
                f"(applications[{ai}]) was made {late_by} days later, on {made_d}; only "
                f"{grace.value} days can be forgiven, so the residence was broken",
                ai,
                not need_reason,
            )
        accepted = app.late_reason_accepted
        if need_reason and accepted is False:
            return Gap(
                gs,
                ge,
                "break",
                rule,
                f"The application of {made_d} was {late_by} days late and the reason for the "
                "delay was not accepted (paragraph 39E), so the residence was broken",
                ai,
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
            (
                f"Section 3C leave after the refusal ended on {d(last_lawful)}; the next "
                f"application was made {late_by} days later, within the {grace.value} days "
                "allowed without a reason, so this gap does not break the residence, but the "
                f"time from {d(gs)} to {d(ge)} (until the next grant) does not count"
                if after_refusal and rule == (grace.rule or "paragraph 39E(2)")
                else f"Permission ended on {d(last_lawful)}; the application made {late_by} "
                "days later was accepted, so this gap does not break the residence, but the "
                f"time from {d(gs)} to {d(ge)} (until the next grant) does not count"
            ),
            ai,
            not need_reason,
        )
    return Gap(
        gs,
        ge,
        "break",
        "CR 2.1(d)",
        f"No permission from {d(gs)} to {d(ge)} and no application was made in time, so the "
        "residence was broken",
    )


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
) -> list[Piece]:
    """The route's reading of the cover: sorted, non-overlapping pieces up to INF."""
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
                    gap_rule_forgiven or g.rule,
                    f"Permission ended on {d(g.start - 1)} and the next application was made "
                    "late; on this route an out-of-time application starts the count again",
                    source="gap",
                )
            )
        elif g.kind == "forgiven":
            rule = g.rule if gap_rule_forgiven is None else gap_rule_forgiven
            items.append(Piece(g.start, g.end, "uncounted", None, rule, g.why, source="gap"))
        else:
            items.append(Piece(g.start, g.end, "break", None, g.rule, g.why, source="gap"))
    items.sort(key=lambda p: p.start)

    # After the last known day: assume the same permission continues (for "earliest date").
    # This holds even when the record stops before today: a missing record is not a gap, so the
    # earliest date is projected from the end of the record and `record_ends_before` says so.
    if items and items[-1].end < INF:
        last = items[-1]
        cat = last.category
        kind = "count" if (cat in counting) else "break"
        items.append(
            Piece(
                last.end + 1,
                INF,
                kind,
                cat,
                "" if kind == "count" else not_counting_rule.get(cat or "", ""),
                "Assumed: permission continues after the last known day",
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
