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

from desktop.rules.days import AbsenceDays, Trip, add_years, max_in_any_12_months, sub_years
from desktop.rules import wording
from desktop.rules.deadlines import Deadline, application_deadlines, with_status
from desktop.rules.figures import Figures
from desktop.rules.history import ROUTES, History
from desktop.rules.timeline import build_cover, d, label, record_end
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

    trips = [
        Trip(a.left.toordinal(), a.returned.toordinal(), i) for i, a in enumerate(history.absences)
    ]
    absent = AbsenceDays(trips)
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
            soft.append((g.start, g.end, "overstaying later forgiven under paragraph 39E"))
    for c in covers:
        if c.category in NO_LEAVE:
            soft.append((c.start, c.end, f"{label(c.category)} without leave"))
    first_cover = covers[0].start if covers else None
    # A record that stops before today is not a breach of immigration laws: it is missing.
    ends = record_end(cover)
    if ends is not None and ends < today.toordinal():
        missing.append(wording.record_ends(d(ends), today))

    settled = sorted(p.start for p in history.permissions if p.category in SETTLED)
    citizen = [p for p in history.permissions if p.category == "british_citizen"]
    ilr_from = settled[0] if settled else None

    def checks(x: int) -> tuple[list[Breach], list[str], int]:
        """Breaches of the statutory limits for an application on ordinal x."""
        xd = d(x)
        p0 = (sub_years(xd, years) + timedelta(days=1)).toordinal()
        l0 = (sub_years(xd, 1) + timedelta(days=1)).toordinal()
        out: list[Breach] = []
        other: list[str] = []
        if absent.is_absent(p0):
            out.append(
                Breach(
                    f"BNA 1981 Sch. 1 para {para}(a)",
                    d(p0),
                    d(p0),
                    1,
                    f"The person was outside the UK on {d(p0)}, the first day of the "
                    f"{years} years; they must be in the UK that day",
                )
            )
        tot = absent.count(p0, x)
        if tot > total_limit:
            out.append(
                Breach(
                    f"BNA 1981 Sch. 1 para {para}(a)",
                    d(p0),
                    xd,
                    tot,
                    f"{tot} days outside the UK in the {years} years from {d(p0)} to {xd}: more "
                    f"than {total_limit}",
                )
            )
        n12 = absent.count(l0, x)
        if n12 > last_limit:
            out.append(
                Breach(
                    f"BNA 1981 Sch. 1 para {para}(b)",
                    d(l0),
                    xd,
                    n12,
                    f"{n12} days outside the UK in the 12 months from {d(l0)} to {xd}: more than "
                    f"{last_limit}",
                )
            )
        for s, e, why in bad:
            if e >= p0 and s <= x:
                out.append(
                    Breach(
                        f"BNA 1981 Sch. 1 para {para}(d)" if s61 else "BNA 1981 Sch. 1 para 3(d)",
                        d(max(s, p0)),
                        d(min(e, x)),
                        min(e, x) - max(s, p0) + 1,
                        f"In breach of immigration laws in the qualifying period: {why}",
                    )
                )
        if first_cover is None or first_cover > p0:
            other.append(
                f"No permission is recorded on {d(p0)}, the start of the {years} years; record "
                "the person's status then."
            )
        if s61:
            need = l0
            if ilr_from is None or ilr_from.toordinal() > need:
                other.append(
                    "Indefinite leave (or settled status) must have been held for the 12 months "
                    "before the application (BNA 1981 Sch. 1 para 1(2)(c))"
                    + (f": held from {ilr_from}." if ilr_from else ": none is recorded.")
                )
        else:
            if ilr_from is None or ilr_from.toordinal() > x:
                other.append(
                    "Indefinite leave (or settled status) is needed on the application date "
                    "(BNA 1981 Sch. 1 para 3(c))."
                )
        return out, other, tot

    x = on.toordinal()
    breaches, other, total = checks(x)
    eligible = not breaches and not other and not citizen

    # ---- earliest date: jump forward by what each failed test needs ---------------------------
    def scan(e: int) -> int | None:
        """Least date >= e passing every test, jumping by what each failed test needs."""
        for _ in range(5000):
            ed = d(e)
            p0 = (sub_years(ed, years) + timedelta(days=1)).toordinal()
            l0 = (sub_years(ed, 1) + timedelta(days=1)).toordinal()
            if absent.is_absent(p0):
                i = absent.days.index(p0)
                e += absent.returned[i] - p0
                continue
            last_bad = max((min(be, e) for bs, be, _w in bad if be >= p0 and bs <= e), default=None)
            if last_bad is not None:
                e = max(e + 1, (add_years(d(last_bad), years)).toordinal())
                continue
            over = absent.count(p0, e) - total_limit
            if over > 0:
                e += over
                continue
            over = absent.count(l0, e) - last_limit
            if over > 0:
                e += over
                continue
            return e
        return None

    earliest: int | None = None
    if ilr_from is not None and not citizen:
        e = ilr_from.toordinal()
        if s61:
            e = (add_years(ilr_from, 1) - timedelta(days=1)).toordinal()
        if first_cover is not None:
            e = max(e, (add_years(d(first_cover), years) - timedelta(days=1)).toordinal())
        earliest = scan(e)
        if not eligible and earliest is not None and earliest < x:
            earliest = scan(x)

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
    for s, e, why in soft:
        p0 = (sub_years(on, years) + timedelta(days=1)).toordinal()
        if e >= p0 and s <= x:
            notes.append(
                f"{d(max(s, p0))} to {d(min(e, x))}: {why}; the Home Office may treat this as a "
                "breach of immigration laws (Nationality guidance: good character)."
            )
    src = "Nationality guidance: naturalisation by discretion"
    n12 = absent.count((sub_years(on, 1) + timedelta(days=1)).toordinal(), x)
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
    if earliest is not None and earliest >= today.toordinal():
        deadlines.append(
            Deadline(d(earliest), f"Earliest date to apply: {name}", years_f.rule or "")
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
    )
