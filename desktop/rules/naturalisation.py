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
"""

from __future__ import annotations

from datetime import date, timedelta

from desktop.rules import wording
from desktop.rules.days import add_years, max_in_any_12_months, sub_years, trips_and_days
from desktop.rules.deadlines import Deadline, application_deadlines, with_status
from desktop.rules.figures import Figures
from desktop.rules.history import ROUTES, History
from desktop.rules.timeline import INF, build_cover, d, label, record_deadlines
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


def assess_naturalisation(
    history: History,
    route: str,
    on: date,
    figures: Figures,
    *,
    bank_holidays: frozenset[date] = frozenset(),
    today: date,
) -> Assessment:
    s61 = route == "naturalisation_6_1"
    pre = "nat.s6_1" if s61 else "nat.s6_2"
    years_f = figures.entry(f"{pre}.years", on)
    total_f = figures.entry(f"{pre}.total_limit_days", on)
    last_f = figures.entry("nat.last_12_months_limit_days", on)
    years, total_limit, last_limit = years_f.value, total_f.value, last_f.value
    para = "1(2)" if s61 else "3"

    trips, absent = trips_and_days(history.absences)
    reasons: list[str] = []
    notes: list[str] = []
    missing: list[str] = []

    # ---- lawful presence and breaches of immigration law -------------------------------------
    cover = build_cover(history, figures, bank_holidays, today)
    missing.extend(cover.missing)
    bad: list[tuple[int, int, str]] = []  # (start, end, why) periods in breach of immigration laws
    soft: list[tuple[int, int, str]] = []  # periods the caseworker may treat as a breach
    covers = cover.covers
    for g in cover.gaps:
        if g.kind == "break":
            bad.append((g.start, g.end, g.why))
        elif g.kind == "forgiven":
            paragraph = figures.cite("paragraph 39E", d(g.made)) if g.made else "paragraph 39E"
            soft.append((g.start, g.end, f"overstaying later forgiven under {paragraph}"))
    for c in covers:
        if c.category in NO_LEAVE:
            soft.append((c.start, c.end, f"{label(c.category)} without leave"))
    first_cover = covers[0].start if covers else None
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
    citizen = [p for p in history.permissions if p.category == "british_citizen"]
    ilr_from = settled[0] if settled else None

    def checks(apply_day: int) -> tuple[list[Breach], list[str], int]:
        """Breaches of the statutory limits for an application on ordinal apply_day."""
        apply_date = d(apply_day)
        period_first = (sub_years(apply_date, years) + timedelta(days=1)).toordinal()
        year_first = (sub_years(apply_date, 1) + timedelta(days=1)).toordinal()
        out: list[Breach] = []
        other: list[str] = []
        if absent.is_absent(period_first):
            out.append(
                Breach(
                    f"BNA 1981 Sch. 1 para {para}(a)",
                    d(period_first),
                    d(period_first),
                    1,
                    f"The person was outside the UK on {d(period_first)}, the first day of the "
                    f"{years} years; they must be in the UK that day",
                )
            )
        tot = absent.count(period_first, apply_day)
        if tot > total_limit:
            out.append(
                Breach(
                    f"BNA 1981 Sch. 1 para {para}(a)",
                    d(period_first),
                    apply_date,
                    tot,
                    f"{tot} days outside the UK in the {years} years from {d(period_first)} to {apply_date}: more "
                    f"than {total_limit}",
                )
            )
        n12 = absent.count(year_first, apply_day)
        if n12 > last_limit:
            out.append(
                Breach(
                    f"BNA 1981 Sch. 1 para {para}(b)",
                    d(year_first),
                    apply_date,
                    n12,
                    f"{n12} days outside the UK in the 12 months from {d(year_first)} to {apply_date}: more than "
                    f"{last_limit}",
                )
            )
        for s, candidate, why in bad:
            if candidate >= period_first and s <= apply_day:
                out.append(
                    Breach(
                        f"BNA 1981 Sch. 1 para {para}(d)" if s61 else "BNA 1981 Sch. 1 para 3(d)",
                        d(max(s, period_first)),
                        d(min(candidate, apply_day)),
                        min(candidate, apply_day) - max(s, period_first) + 1,
                        f"In breach of immigration laws in the qualifying period: {why}",
                    )
                )
        if ilr_from is None:
            # Issue 16: say what is missing, not "record the person's status then".
            other.append(
                "No indefinite leave or settled status is recorded: "
                + (
                    "it must have been held for the 12 months before the application "
                    "(BNA 1981 Sch. 1 para 1(2)(c))."
                    if s61
                    else "it is needed on the application date (BNA 1981 Sch. 1 para 3(c))."
                )
            )
        elif first_cover is None or first_cover > period_first:
            other.append(
                f"No permission is recorded on {d(period_first)}, the start of the {years} years; record "
                "the person's status then."
            )
        if ilr_from is not None and s61 and ilr_from.toordinal() > year_first:
            other.append(
                "Indefinite leave (or settled status) must have been held for the 12 months "
                f"before the application (BNA 1981 Sch. 1 para 1(2)(c)): held from {ilr_from}."
            )
        elif ilr_from is not None and not s61 and ilr_from.toordinal() > apply_day:
            other.append(
                "Indefinite leave (or settled status) is needed on the application date "
                "(BNA 1981 Sch. 1 para 3(c))."
            )
        return out, other, tot

    apply_day = on.toordinal()
    breaches, other, total = checks(apply_day)
    eligible = not breaches and not other and not citizen

    # ---- earliest date: jump forward by what each failed test needs ---------------------------
    def scan(candidate: int) -> int | None:
        """Least date >= candidate passing every test, jumping by what each failed test needs."""
        for _ in range(5000):
            candidate_date = d(candidate)
            period_first = (sub_years(candidate_date, years) + timedelta(days=1)).toordinal()
            year_first = (sub_years(candidate_date, 1) + timedelta(days=1)).toordinal()
            if absent.is_absent(period_first):
                i = absent.days.index(period_first)
                candidate += absent.returned[i] - period_first
                continue
            if any(be >= INF and bs <= candidate for bs, be, _w in bad):
                return None  # without permission from then on, as far as the record goes
            last_bad = max(
                (
                    min(be, candidate)
                    for bs, be, _w in bad
                    if be >= period_first and bs <= candidate
                ),
                default=None,
            )
            if last_bad is not None:
                candidate = max(candidate + 1, (add_years(d(last_bad), years)).toordinal())
                continue
            over = absent.count(period_first, candidate) - total_limit
            if over > 0:
                candidate += over
                continue
            over = absent.count(year_first, candidate) - last_limit
            if over > 0:
                candidate += over
                continue
            return candidate
        return None

    earliest: int | None = None
    if ilr_from is not None and not citizen:
        candidate = ilr_from.toordinal()
        if s61:
            candidate = (add_years(ilr_from, 1) - timedelta(days=1)).toordinal()
        if first_cover is not None:
            candidate = max(
                candidate, (add_years(d(first_cover), years) - timedelta(days=1)).toordinal()
            )
        earliest = scan(candidate)
        if not eligible and earliest is not None and earliest < apply_day:
            earliest = scan(apply_day)

    # ---- reasons and notes ---------------------------------------------------------------------
    name = ROUTES[route]
    if citizen:
        reasons.append(
            Reason(
                f"{name}: the person is recorded as a British citizen from {citizen[0].start}.",
                code="settled",
                dates={"settled_since": citizen[0].start},
            )
        )
    elif eligible:
        reasons.append(
            Reason(
                f"{name}: eligible on {on} on residence: {total} days outside the UK in the "
                f"{years} years (limit {total_limit}) and no more than {last_limit} in the last "
                "12 months.",
                code="headline",
                rule=years_f.rule or "",
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
    if since is not None:
        reasons.insert(1, wording.status_unknown(d(since - 1), d(since)))
    for s, candidate, why in soft:
        period_first = (sub_years(on, years) + timedelta(days=1)).toordinal()
        if candidate >= period_first and s <= apply_day:
            notes.append(
                f"{d(max(s, period_first))} to {d(min(candidate, apply_day))}: {why}; the Home Office may treat this as a "
                "breach of immigration laws (Nationality guidance: good character)."
            )
    src = "Nationality guidance: naturalisation by discretion"
    n12 = absent.count((sub_years(on, 1) + timedelta(days=1)).toordinal(), apply_day)
    bands_total = figures.entry(f"{pre}.total_bands", on)
    bands_last = figures.entry("nat.last_12_months_bands", on)
    note = _band_note(bands_total.value, total, f"Absences in the {years} years", src)
    if note:
        notes.append(note + " This is discretion, not a pass.")
    note = _band_note(bands_last.value, n12, "Absences in the last 12 months", src)
    if note:
        notes.append(note + " This is discretion, not a pass.")
    if not s61:
        missing.append(
            "s6(2) needs the applicant to be married to, or the civil partner of, a British citizen."
        )
    if any(a.exceptional for a in history.absences):
        notes.append(
            "Absences marked exceptional still count for naturalisation; the reason can support "
            "discretion."
        )
    if history.custody:
        notes.append("Custody is a good character question for naturalisation; get advice.")
    reasons.append(SCOPE)

    p0_date = sub_years(on, years) + timedelta(days=1)
    deadlines = application_deadlines(history, figures, bank_holidays, today)
    deadlines.extend(record_deadlines(cover, history, figures, today))
    if earliest is not None and earliest >= today.toordinal():
        deadlines.append(
            Deadline(
                d(earliest),
                f"Earliest date to apply: {name}",
                years_f.rule or "",
                kind="earliest_application",
                facts=(("route", route),),
            )
        )
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
        deadlines=tuple(with_status(deadlines, today)),
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
