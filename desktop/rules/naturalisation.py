"""Naturalisation as a British citizen: British Nationality Act 1981 s6 and Schedule 1.

s6(1) (Sch. 1 para 1(2)): in the UK at the beginning of the 5 years ending with the date of
application; no more than 450 days outside the UK in those 5 years and 90 in the last 12 months;
free of any time limit on stay in the last 12 months (ILR held 12 months); not in breach of
immigration laws in the 5 years.
s6(2) (Sch. 1 para 3): the same over 3 years with 270 days; ILR needed on the application date only;
married to or the civil partner of a British citizen.

Absences are whole days (the days of travel are days in the UK), as for settlement. Caseworkers may
disregard excess absences; the bands from the Nationality guidance are shown as notes beside the
limit and never turn a failure into a pass.

`assess_naturalisation` runs named steps, each citing the paragraph it applies: `_limits` (the
figures), `_status` (breaches of immigration laws, indefinite leave), `_absence_breaches`
(para (a)-(b)), `_law_breaches` (para (d)), `_settled_requirements` (para 1(2)(c) / 3(c)),
`_earliest`, `_verdict_reasons`, `_discretion_notes` and `_deadlines`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from desktop.rules import wording
from desktop.rules.days import (
    AbsenceDays,
    add_months,
    add_years,
    max_in_any_12_months,
    sub_months,
    sub_years,
    trips_and_days,
)
from desktop.rules.deadlines import Deadline, application_deadlines, with_status
from desktop.rules.figures import Figure, Figures
from desktop.rules.history import ROUTES, History, Permission
from desktop.rules.timeline import INF, CoverResult, build_cover, d, label, record_deadlines
from desktop.rules.verdict import Assessment, Breach, Reason

SCOPE = Reason(
    "This checks residence and absences only. It does not check good character, English, "
    "the Life in the UK test, referees or the fee.",
    code="scope",
)
SETTLED = frozenset({"ilr", "euss_settled"})
NO_LEAVE = frozenset({"immigration_bail", "temporary_admission"})


def _band_note(bands: list, n: int, what: str, source: str) -> str | None:
    for low, high, text in bands:
        if n >= low and (high == -1 or n <= high):
            return f"{what}: {n} days. {text} ({source})"
    return None


# ---- the steps of `assess_naturalisation`, each with the paragraph it applies -------------------


@dataclass(frozen=True)
class _Limits:
    """The route's statutory figures, in force on the application date."""

    route: str
    s61: bool
    #: The paragraph of Schedule 1: "1(2)" for s6(1), "3" for s6(2).
    para: str
    #: Figure key prefix: "nat.s6_1" or "nat.s6_2".
    pre: str
    years_f: Figure
    total_limit: int
    last_limit: int
    #: s6(1): months free of any time limit on stay before the application (para 1(2)(c)).
    free_months: int

    @property
    def years(self) -> int:
        return self.years_f.value


def _limits(route: str, on: date, figures: Figures) -> _Limits:
    """BNA 1981 Sch. 1 para 1(2)(a)-(c) (s6(1)) or para 3(a)-(c) (s6(2)): the qualifying years,
    the 450 or 270 days in them, the 90 days in the last 12 months and, for s6(1), the months of
    indefinite leave (free of a time limit) before the application."""
    s61 = route == "naturalisation_6_1"
    pre = "nat.s6_1" if s61 else "nat.s6_2"
    return _Limits(
        route=route,
        s61=s61,
        para="1(2)" if s61 else "3",
        pre=pre,
        years_f=figures.entry(f"{pre}.years", on),
        total_limit=figures.entry(f"{pre}.total_limit_days", on).value,
        last_limit=figures.entry("nat.last_12_months_limit_days", on).value,
        free_months=figures.int_("nat.s6_1.free_of_time_limit_months", on),
    )


@dataclass(frozen=True)
class _Status:
    """What the record says about the person's status over time."""

    cover: CoverResult
    #: (start, end, why): periods in breach of immigration laws (ordinals).
    bad: list[tuple[int, int, str]]
    #: Periods the caseworker may treat as a breach (forgiven overstaying, bail).
    soft: list[tuple[int, int, str]]
    first_cover: int | None
    #: First day of the status unknown after a record that stops before today (issue 16).
    since: int | None
    ilr_from: date | None
    citizen: list[Permission]


def _status(
    history: History,
    figures: Figures,
    bank_holidays: frozenset[date],
    today: date,
    missing: list[str],
) -> _Status:
    """BNA 1981 Sch. 1 para 1(2)(d) / 3(d): periods in breach of immigration laws (gaps the
    record shows), and periods the Home Office may treat as a breach (Nationality guidance:
    good character) - overstaying forgiven under paragraph 39E, immigration bail. Also when
    indefinite leave (para 1(2)(c) / 3(c)) and British citizenship start. Adds to `missing`
    what the record does not show."""
    cover = build_cover(history, figures, bank_holidays, today)
    missing.extend(cover.missing)
    bad: list[tuple[int, int, str]] = []
    soft: list[tuple[int, int, str]] = []
    for g in cover.gaps:
        if g.kind == "break":
            bad.append((g.start, g.end, g.why))
        elif g.kind == "forgiven":
            paragraph = figures.cite("paragraph 39E", d(g.made)) if g.made else "paragraph 39E"
            soft.append((g.start, g.end, f"overstaying later forgiven under {paragraph}"))
    for c in cover.covers:
        if c.category in NO_LEAVE:
            soft.append((c.start, c.end, f"{label(c.category)} without leave"))
    # A record that stops before today is not a breach of immigration laws: it is missing, and
    # the client's status must be checked (issue 16). Time the record shows without permission
    # after it (a refusal before it ended, the adviser's check) is a breach; a late application
    # still pending may yet be forgiven.
    tail = cover.tail
    since = tail.start if tail is not None and tail.projected else None
    if since is not None:
        missing.append(wording.record_ends(d(since - 1), today))
    elif tail is not None and tail.kind == "pending":
        soft.append((tail.start, INF, tail.why[0].lower() + tail.why[1:]))
    elif tail is not None:
        bad.append((tail.start, INF, tail.why))
    settled = sorted(p.start for p in history.permissions if p.category in SETTLED)
    return _Status(
        cover=cover,
        bad=bad,
        soft=soft,
        first_cover=cover.covers[0].start if cover.covers else None,
        since=since,
        ilr_from=settled[0] if settled else None,
        citizen=[p for p in history.permissions if p.category == "british_citizen"],
    )


def _period_first(lim: _Limits, apply_day: int) -> int:
    """Sch. 1 para 1(2)(a) / 3(a): the first day of the years ending with the application."""
    return (sub_years(d(apply_day), lim.years) + timedelta(days=1)).toordinal()


def _year_first(apply_day: int) -> int:
    """Sch. 1 para 1(2)(b) / 3(b): the first day of the 12 months ending with the application."""
    return (sub_years(d(apply_day), 1) + timedelta(days=1)).toordinal()


def _free_first(lim: _Limits, apply_day: int) -> int:
    """Sch. 1 para 1(2)(c): the first day of the months ending with the application in which
    the person must be free of any time limit on stay (`nat.s6_1.free_of_time_limit_months`)."""
    return (sub_months(d(apply_day), lim.free_months) + timedelta(days=1)).toordinal()


def _absence_breaches(
    lim: _Limits, absent: AbsenceDays, apply_day: int
) -> tuple[list[Breach], int]:
    """Sch. 1 para 1(2)(a)-(b) / 3(a)-(b): in the UK on the first day of the qualifying years,
    no more than 450 (270) days outside in them and 90 in the last 12 months. Also gives the
    days outside in the qualifying years."""
    apply_date = d(apply_day)
    period_first, year_first = _period_first(lim, apply_day), _year_first(apply_day)
    out: list[Breach] = []
    if absent.is_absent(period_first):
        out.append(
            Breach(
                f"BNA 1981 Sch. 1 para {lim.para}(a)",
                d(period_first),
                d(period_first),
                1,
                f"The person was outside the UK on {d(period_first)}, the first day of the "
                f"{lim.years} years; they must be in the UK that day",
            )
        )
    tot = absent.count(period_first, apply_day)
    if tot > lim.total_limit:
        out.append(
            Breach(
                f"BNA 1981 Sch. 1 para {lim.para}(a)",
                d(period_first),
                apply_date,
                tot,
                f"{tot} days outside the UK in the {lim.years} years from {d(period_first)} to "
                f"{apply_date}: more than {lim.total_limit}",
            )
        )
    n12 = absent.count(year_first, apply_day)
    if n12 > lim.last_limit:
        out.append(
            Breach(
                f"BNA 1981 Sch. 1 para {lim.para}(b)",
                d(year_first),
                apply_date,
                n12,
                f"{n12} days outside the UK in the 12 months from {d(year_first)} to "
                f"{apply_date}: more than {lim.last_limit}",
            )
        )
    return out, tot


def _law_breaches(lim: _Limits, status: _Status, apply_day: int) -> list[Breach]:
    """Sch. 1 para 1(2)(d) / 3(d): not in breach of immigration laws in the qualifying years."""
    period_first = _period_first(lim, apply_day)
    out: list[Breach] = []
    for s, candidate, why in status.bad:
        if candidate >= period_first and s <= apply_day:
            out.append(
                Breach(
                    f"BNA 1981 Sch. 1 para {lim.para}(d)",
                    d(max(s, period_first)),
                    d(min(candidate, apply_day)),
                    min(candidate, apply_day) - max(s, period_first) + 1,
                    f"In breach of immigration laws in the qualifying period: {why}",
                )
            )
    return out


def _settled_requirements(lim: _Limits, status: _Status, apply_day: int) -> list[str]:
    """Sch. 1 para 1(2)(c): free of any time limit on stay for the months before the
    application (s6(1)); para 3(c): indefinite leave on the application date (s6(2)). Also a
    record that does not reach back to the start of the qualifying years."""
    period_first = _period_first(lim, apply_day)
    ilr_from = status.ilr_from
    months = lim.free_months
    other: list[str] = []
    if ilr_from is None:
        # Issue 16: say what is missing, not "record the person's status then".
        other.append(
            "No indefinite leave or settled status is recorded: "
            + (
                f"it must have been held for the {months} months before the application "
                "(BNA 1981 Sch. 1 para 1(2)(c))."
                if lim.s61
                else "it is needed on the application date (BNA 1981 Sch. 1 para 3(c))."
            )
        )
    elif status.first_cover is None or status.first_cover > period_first:
        other.append(
            f"No permission is recorded on {d(period_first)}, the start of the {lim.years} years; "
            "record the person's status then."
        )
    if ilr_from is not None and lim.s61 and ilr_from.toordinal() > _free_first(lim, apply_day):
        other.append(
            f"Indefinite leave (or settled status) must have been held for the {months} months "
            f"before the application (BNA 1981 Sch. 1 para 1(2)(c)): held from {ilr_from}."
        )
    elif ilr_from is not None and not lim.s61 and ilr_from.toordinal() > apply_day:
        other.append(
            "Indefinite leave (or settled status) is needed on the application date "
            "(BNA 1981 Sch. 1 para 3(c))."
        )
    return other


def _first_passing_day(
    lim: _Limits, status: _Status, absent: AbsenceDays, candidate: int
) -> int | None:
    """The least day >= candidate passing Sch. 1 para 1(2)(a), (b) and (d) (or 3(a), (b), (d)),
    jumping forward by what each failed test needs; None when the record shows no such day."""
    for _ in range(5000):
        period_first = _period_first(lim, candidate)
        year_first = _year_first(candidate)
        if absent.is_absent(period_first):
            i = absent.days.index(period_first)
            candidate += absent.returned[i] - period_first
            continue
        if any(be >= INF and bs <= candidate for bs, be, _w in status.bad):
            return None  # without permission from then on, as far as the record goes
        last_bad = max(
            (
                min(be, candidate)
                for bs, be, _w in status.bad
                if be >= period_first and bs <= candidate
            ),
            default=None,
        )
        if last_bad is not None:
            candidate = max(candidate + 1, (add_years(d(last_bad), lim.years)).toordinal())
            continue
        over = absent.count(period_first, candidate) - lim.total_limit
        if over > 0:
            candidate += over
            continue
        over = absent.count(year_first, candidate) - lim.last_limit
        if over > 0:
            candidate += over
            continue
        return candidate
    return None


def _earliest(
    lim: _Limits, status: _Status, absent: AbsenceDays, apply_day: int, eligible: bool
) -> int | None:
    """The earliest application date: not before indefinite leave (para 3(c)) or, for s6(1),
    before it has been held for `free_months` (para 1(2)(c)), nor before the record covers the
    qualifying years; then the first day passing the limits. Not eligible on the application
    date: the first such day from then on."""
    ilr_from = status.ilr_from
    if ilr_from is None or status.citizen:
        return None
    candidate = ilr_from.toordinal()
    if lim.s61:
        candidate = (add_months(ilr_from, lim.free_months) - timedelta(days=1)).toordinal()
    if status.first_cover is not None:
        candidate = max(
            candidate, (add_years(d(status.first_cover), lim.years) - timedelta(days=1)).toordinal()
        )
    earliest = _first_passing_day(lim, status, absent, candidate)
    if not eligible and earliest is not None and earliest < apply_day:
        earliest = _first_passing_day(lim, status, absent, apply_day)
    return earliest


def _verdict_reasons(
    lim: _Limits,
    status: _Status,
    on: date,
    eligible: bool,
    earliest: int | None,
    total: int,
    breaches: list[Breach],
    other: list[str],
) -> list[Reason]:
    """The headline (British citizen already, eligible on residence, or not and from when),
    each breach with its paragraph of Schedule 1, each unmet requirement, and (issue 16) a
    status unknown after the record stops."""
    name = ROUTES[lim.route]
    reasons: list[Reason] = []
    if status.citizen:
        reasons.append(
            Reason(
                f"{name}: the person is recorded as a British citizen from {status.citizen[0].start}.",
                code="settled",
                dates={"settled_since": status.citizen[0].start},
            )
        )
    elif eligible:
        reasons.append(
            Reason(
                f"{name}: eligible on {on} on residence: {total} days outside the UK in the "
                f"{lim.years} years (limit {lim.total_limit}) and no more than {lim.last_limit} "
                "in the last 12 months.",
                code="headline",
                rule=lim.years_f.rule or "",
                dates={"application": on},
                days=total,
            )
        )
    else:
        reasons.append(
            wording.not_eligible(name, on, d(earliest) if earliest is not None else None)
        )
    for b in breaches:
        reasons.append(wording.breach(b))
    reasons.extend(Reason(text, code="requirement") for text in other)
    if status.since is not None:
        reasons.insert(1, wording.status_unknown(d(status.since - 1), d(status.since)))
    return reasons


def _discretion_notes(
    lim: _Limits,
    status: _Status,
    history: History,
    absent: AbsenceDays,
    on: date,
    total: int,
    figures: Figures,
) -> list[str]:
    """Notes that never turn a failure into a pass: periods the Home Office may treat as a
    breach (Nationality guidance: good character), the discretion bands for excess absences
    (Nationality guidance: naturalisation by discretion), exceptional absences and custody."""
    apply_day = on.toordinal()
    notes: list[str] = []
    period_first = _period_first(lim, apply_day)
    for s, candidate, why in status.soft:
        if candidate >= period_first and s <= apply_day:
            notes.append(
                f"{d(max(s, period_first))} to {d(min(candidate, apply_day))}: {why}; the Home "
                "Office may treat this as a breach of immigration laws (Nationality guidance: "
                "good character)."
            )
    src = "Nationality guidance: naturalisation by discretion"
    n12 = absent.count(_year_first(apply_day), apply_day)
    bands_total = figures.entry(f"{lim.pre}.total_bands", on)
    bands_last = figures.entry("nat.last_12_months_bands", on)
    note = _band_note(bands_total.value, total, f"Absences in the {lim.years} years", src)
    if note:
        notes.append(note + " This is discretion, not a pass.")
    note = _band_note(bands_last.value, n12, "Absences in the last 12 months", src)
    if note:
        notes.append(note + " This is discretion, not a pass.")
    if any(a.exceptional for a in history.absences):
        notes.append(
            "Absences marked exceptional still count for naturalisation; the reason can support "
            "discretion."
        )
    if history.custody:
        notes.append("Custody is a good character question for naturalisation; get advice.")
    return notes


def _deadlines(
    lim: _Limits,
    status: _Status,
    history: History,
    figures: Figures,
    bank_holidays: frozenset[date],
    today: date,
    earliest: int | None,
) -> list[Deadline]:
    """The application deadlines and those of the record (`deadlines`, `timeline`), and the
    earliest date to apply (Sch. 1 para 1(2) / 3) when it is today or later."""
    deadlines = application_deadlines(history, figures, bank_holidays, today)
    deadlines.extend(record_deadlines(status.cover, history, figures, today))
    if earliest is not None and earliest >= today.toordinal():
        deadlines.append(
            Deadline(
                d(earliest),
                f"Earliest date to apply: {ROUTES[lim.route]}",
                lim.years_f.rule or "",
                kind="earliest_application",
                facts=(("route", lim.route),),
            )
        )
    return with_status(deadlines, today)


def assess_naturalisation(
    history: History,
    route: str,
    on: date,
    figures: Figures,
    *,
    bank_holidays: frozenset[date] = frozenset(),
    today: date,
) -> Assessment:
    """Naturalisation under s6(1) or s6(2) on residence (BNA 1981 Sch. 1 para 1(2) or 3)."""
    lim = _limits(route, on, figures)
    trips, absent = trips_and_days(history.absences)
    missing: list[str] = []
    status = _status(history, figures, bank_holidays, today, missing)

    apply_day = on.toordinal()
    breaches, total = _absence_breaches(lim, absent, apply_day)
    breaches.extend(_law_breaches(lim, status, apply_day))
    other = _settled_requirements(lim, status, apply_day)
    eligible = not breaches and not other and not status.citizen
    earliest = _earliest(lim, status, absent, apply_day, eligible)

    reasons = _verdict_reasons(lim, status, on, eligible, earliest, total, breaches, other)
    notes = _discretion_notes(lim, status, history, absent, on, total, figures)
    if not lim.s61:
        missing.append(
            "s6(2) needs the applicant to be married to, or the civil partner of, a British citizen."
        )
    reasons.append(SCOPE)

    p0_date = d(_period_first(lim, apply_day))
    since, tail = status.since, status.cover.tail
    return Assessment(
        route=route,
        application_date=on,
        qualifying_from=p0_date,
        complete_on=on,
        earliest_application_date=d(earliest) if earliest is not None else None,
        # The same failing condition gives the same flag on every route: any breach of the
        # statutory requirements (first day, 450/270 days, 90 days, immigration laws).
        continuity_broken=bool(breaches),
        absence_days_total=total,
        max_window=max_in_any_12_months(trips, p0_date, on, absent=absent),
        counted_back_from=p0_date,
        breaches=tuple(breaches),
        uncounted_periods=(),
        eligible=eligible,
        reasons=tuple(reasons),
        deadlines=tuple(_deadlines(lim, status, history, figures, bank_holidays, today, earliest)),
        rules_in_force=today,
        notes=tuple(notes),
        missing=tuple(dict.fromkeys(missing)),
        record_ends=d(since - 1) if since is not None else None,
        status_unknown_since=d(since) if since is not None else None,
        without_permission_since=(
            d(tail.start)
            if tail is not None and not tail.projected and tail.start <= today.toordinal()
            else None
        ),
        absence_days_planned=absent.subset(
            {i for i, a in enumerate(history.absences) if a.planned}
        ).count(p0_date.toordinal(), apply_day)
        if any(a.planned for a in history.absences)
        else 0,
    )
