"""What a household pays the Home Office for one application: each person's application fee, the
Immigration Health Charge for leave of limited duration, the total, and whether a fee waiver can
be asked for.

Money is `decimal.Decimal` pounds, to the penny: the fees are whole pounds, but the health charge
for half a year can come to pence (reference 003: £2587.50 for 2 1/2 years at £1035 a year).

Every amount is a dated figure in `resources/rules/fees.toml`; the one in force on the application
date is used (`Figures.entry`). Each line carries that figure's source and the date it took
effect.

The health charge (Immigration (Health Charge) Order 2015, Schedule 1): a yearly amount for each
person, for each year of the leave the application is for; a part of a year up to
`ihs.half_year_max_months` pays half, a longer part the whole year. So a partner visa from
outside the UK (33 months, Appendix FM D-ECP.1.1) pays 3 years and a 30-month extension pays
2 1/2 years. Children under 18 pay the reduced rate (from `ihs.children_reduced_rate_from`;
before that the full rate). Settlement and naturalisation are not limited leave: no charge.

Which applications there are, and each one's fee waiver answer with its reason and source, are
data: resources/rules/fee_applications.toml (`parse_applications`; `desktop.assess` reads it and
passes it in), so that legal prose is corrected without touching Python.

Fee waivers (reference 003, fee waiver sheet: The Home Office policy): the policy lists the
10-year partner, parent and private life routes, other human rights applications, human rights
applications from people with discretionary leave after an asylum refusal (reference 002 too),
further leave for some trafficking victims, the 5-year partner route in the UK only where the
sponsor gets a disability benefit and the family will be adequately maintained, and the 5-year
parent route. There is no fee waiver for permanent stay (fee waiver and long residence sheets);
the domestic abuse settlement fee can be waived (domestic abuse sheet). Naturalisation is not on
the list.

Quoting fees for paper (`quote_fees`, `fee_total`, `fees_printable`, `fee_words_for_client`): each
figure key gives a `FeeQuote` for the date asked about, with its label, source, instrument and
when it was checked. A quote whose figure is not verified (nobody saw it in its instrument or an
official fees table) or that has no figure in force is never printed to a client as an amount:
`fee_words_for_client` then says "Ask your adviser what the fee is on the day you apply."
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from desktop.rules.datetext import long_date
from desktop.rules.figures import Figure, Figures, FiguresError

PENNY = Decimal("0.01")
HALF = Decimal("0.5")

WaiverStatus = Literal["yes", "only_if", "no", "no_fee"]

FEE_WAIVER_SHEET = "Reference 003, fee waiver sheet: The Home Office policy"
#: What the adviser sees next to a fee figure nobody has seen in its instrument or an official
#: fees table (`Figure.verified` False). Such an amount is never printed to a client as fact.
NOT_VERIFIED = "not yet verified: check before telling the client"
ASK_ADVISER = "Ask your adviser what the fee is on the day you apply."
IHS_RULE = "Immigration (Health Charge) Order 2015, Schedule 1"


class FeesError(ValueError):
    """A question the fee calculator cannot answer; `field` names the input that is wrong
    ("application", "on", "adults", "children", "months" or "ihs_years")."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Application:
    """One kind of application: which fee it pays and whether a fee waiver is possible."""

    key: str
    label: str
    fee_key: str
    #: True for leave of limited duration: each person pays the health charge.
    health_charge: bool
    #: The figure giving the usual length of the leave (months), for the health charge.
    leave_months_key: str | None
    waiver: WaiverStatus
    waiver_reason: str
    waiver_source: str
    #: False where children cannot be part of the application (they apply another way).
    children_allowed: bool = True
    children_reason: str = ""
    note: str = ""
    #: False for an application made from outside the UK (paragraph 34G does not apply).
    in_uk: bool = True
    #: Further fees each adult pays with the application fee (naturalisation: the citizenship
    #: ceremony fee, a separate figure from the application fee).
    extra_fee_keys: tuple[str, ...] = ()


#: What an `[[application]]` table of resources/rules/fee_applications.toml may hold.
_APPLICATION_TEXT = ("key", "label", "fee_key", "waiver", "waiver_reason", "source")
_APPLICATION_OPTIONAL = (
    "leave_months_key",
    "children_reason",
    "note",
    "health_charge",
    "children_allowed",
    "in_uk",
    "extra_fee_keys",
)
WAIVER_STATUSES = ("yes", "only_if", "no", "no_fee")


def parse_applications(doc: Mapping[str, Any], *, name: str) -> dict[str, Application]:
    """The applications the fee calculator knows, from the parsed `fee_applications.toml`
    (`desktop.assess.load_fee_applications` reads it): key -> Application, in file order. Each
    entry carries its legal prose and the source of it (`source`). `FeesError` (field
    "applications") names the file, the entry and what is wrong."""
    tables = doc.get("application") if isinstance(doc, Mapping) else None
    if not isinstance(tables, list) or not tables:
        raise FeesError(f"{name}: no [[application]] tables", "applications")
    out: dict[str, Application] = {}
    for n, raw in enumerate(tables, start=1):
        where = f"{name}: application {n}"
        if not isinstance(raw, Mapping):
            raise FeesError(f"{where} is not a table", "applications")
        if isinstance(raw.get("key"), str) and raw["key"].strip():
            where = f"{name}: application {raw['key']!r}"
        unknown = sorted(set(raw) - {*_APPLICATION_TEXT, *_APPLICATION_OPTIONAL})
        if unknown:
            raise FeesError(f"{where}: unknown key {unknown[0]!r}", "applications")
        for field_name in (*_APPLICATION_TEXT, "leave_months_key", "children_reason", "note"):
            value = raw.get(field_name, "")
            if not isinstance(value, str) or (
                field_name in _APPLICATION_TEXT and not value.strip()
            ):
                raise FeesError(f"{where}: {field_name} must be text", "applications")
        for field_name in ("health_charge", "children_allowed", "in_uk"):
            if not isinstance(raw.get(field_name, True), bool):
                raise FeesError(f"{where}: {field_name} must be true or false", "applications")
        if raw["waiver"] not in WAIVER_STATUSES:
            raise FeesError(
                f"{where}: waiver must be one of {', '.join(WAIVER_STATUSES)}", "applications"
            )
        extra = raw.get("extra_fee_keys", [])
        if not isinstance(extra, list) or not all(isinstance(k, str) and k for k in extra):
            raise FeesError(
                f"{where}: extra_fee_keys must be a list of figure keys", "applications"
            )
        health_charge = raw.get("health_charge", False)
        if health_charge and not raw.get("leave_months_key"):
            raise FeesError(f"{where}: a health charge needs leave_months_key", "applications")
        key = raw["key"].strip()
        if key in out:
            raise FeesError(f"{where}: the key is used twice", "applications")
        out[key] = Application(
            key=key,
            label=raw["label"].strip(),
            fee_key=raw["fee_key"].strip(),
            health_charge=health_charge,
            leave_months_key=raw.get("leave_months_key") or None,
            waiver=raw["waiver"],
            waiver_reason=raw["waiver_reason"].strip(),
            waiver_source=raw["source"].strip(),
            children_allowed=raw.get("children_allowed", True),
            children_reason=raw.get("children_reason", "").strip(),
            note=raw.get("note", "").strip(),
            in_uk=raw.get("in_uk", True),
            extra_fee_keys=tuple(extra),
        )
    return out


@dataclass(frozen=True)
class FeeLine:
    """One amount one person pays."""

    person: str  # "Adult 1", "Child 1"
    what: str  # "Application fee", "Immigration Health Charge: 3 years at £1,035 a year"
    amount: Decimal
    figure_key: str
    effective_from: date
    source: str
    rule: str | None
    verified: bool
    note: str | None = None


@dataclass(frozen=True)
class FeeWaiver:
    """Whether this application can have a fee waiver, and why."""

    status: WaiverStatus
    sentence: str
    source: str

    @property
    def possible(self) -> bool | None:
        """True: yes; False: no (or nothing to waive); None: only in some cases."""
        return {"yes": True, "only_if": None, "no": False, "no_fee": False}[self.status]


@dataclass(frozen=True)
class FeeTotal:
    application: str
    label: str
    on: date
    adults: int
    children: int
    lines: tuple[FeeLine, ...]
    total: Decimal
    fee_waiver: FeeWaiver
    #: Months of leave the health charge is worked out from, and the years charged (None when
    #: the application pays no health charge).
    leave_months: int | None = None
    ihs_years: Decimal | None = None
    notes: tuple[str, ...] = field(default=())

    def per_person(self) -> tuple[tuple[str, Decimal], ...]:
        """Each person and what they pay in all, in the order of the lines."""
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.person] = totals.get(line.person, Decimal(0)) + line.amount
        return tuple(totals.items())

    def has_unverified(self) -> bool:
        return any(not line.verified for line in self.lines)

    def text(self) -> str:
        """The whole answer as plain text (for the clipboard)."""
        out = [f"{self.label}: application on {long_date(self.on)}"]
        people = _people_words(self.adults, self.children)
        out.append(f"For {people}.")
        for line in self.lines:
            mark = "" if line.verified else f" [{NOT_VERIFIED}]"
            out.append(
                f"{line.person}: {line.what}: {pounds(line.amount)} (in force from "
                f"{long_date(line.effective_from)}; {line.source}){mark}"
            )
        out.append(f"Total: {pounds(self.total)}")
        out.append(f"Fee waiver: {self.fee_waiver.sentence} ({self.fee_waiver.source})")
        out.extend(self.notes)
        return "\n".join(out)


def pounds(amount: Decimal | int) -> str:
    """£1,321 for whole pounds, £2,587.50 otherwise."""
    value = Decimal(amount)
    if value == value.to_integral_value():
        return f"£{value:,.0f}"
    return f"£{value.quantize(PENNY):,.2f}"


def _people_words(adults: int, children: int) -> str:
    parts = []
    if adults:
        parts.append(f"{adults} adult" + ("s" if adults != 1 else ""))
    if children:
        parts.append(f"{children} child" + ("ren" if children != 1 else ""))
    return " and ".join(parts)


def _years_words(years: Decimal) -> str:
    if years == HALF:
        return "half a year"
    shown = f"{years.normalize():f}"
    return f"{shown} year" + ("" if years == 1 else "s")


def leave_words(months: int) -> str:
    """33 -> "2 years 9 months"."""
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year" + ("s" if years != 1 else ""))
    if rest:
        parts.append(f"{rest} month" + ("s" if rest != 1 else ""))
    return " ".join(parts)


def health_charge_years(months: int, figures: Figures, on: date) -> Decimal:
    """The years of health charge for `months` of leave: whole years, and for the part of a
    year left over, half a year if it is no longer than `ihs.half_year_max_months`, else a
    whole year."""
    if months < 1:
        raise FeesError("Length of leave must be at least one month.", "months")
    half_max = _entry(figures, "ihs.half_year_max_months", on, "months").value
    years, rest = divmod(months, 12)
    extra = Decimal(0) if rest == 0 else HALF if rest <= half_max else Decimal(1)
    return Decimal(years) + extra


def _entry(figures: Figures, key: str, on: date, field_name: str) -> Figure:
    try:
        return figures.entry(key, on, strict=True)
    except FiguresError:
        entries = figures.by_key.get(key)
        if not entries:
            raise
        first = entries[0].effective_from
        raise FeesError(
            f"There is no figure here for {long_date(on)}: the first one for this fee takes "
            f"effect on {long_date(first)}. Use a later date.",
            field_name,
        ) from None


def household_fees(
    application: str | Application,
    on: date,
    adults: int,
    children: int,
    figures: Figures,
    *,
    applications: Mapping[str, Application] | None = None,
    ihs_years: int | None = None,
    months: int | None = None,
) -> FeeTotal:
    """What `adults` and `children` (under 18) applying together pay for `application` (an
    `Application`, or its key in `applications`, `desktop.assess.load_fee_applications()`)
    made on `on`.

    The health charge is for `months` of leave (default: the usual grant for the route), or for
    `ihs_years` whole years when given instead. Raises `FeesError` (naming the input) for a
    question that makes no sense: nobody applying, children on a naturalisation, a length of
    leave for an application that pays no health charge, a date before the fee figures."""
    if isinstance(application, Application):
        app = application
    else:
        known = applications or {}
        found = known.get(application)
        if found is None:
            raise FeesError(
                f"Unknown application {application!r}; use one of {', '.join(known)}.",
                "application",
            )
        app = found
    if adults < 0:
        raise FeesError("The number of adults cannot be negative.", "adults")
    if children < 0:
        raise FeesError("The number of children cannot be negative.", "children")
    if adults + children == 0:
        raise FeesError("Count at least one person applying.", "adults")
    if children and not app.children_allowed:
        raise FeesError(app.children_reason, "children")
    if ihs_years is not None and months is not None:
        raise FeesError("Give the length of leave or the years charged, not both.", "months")
    if not app.health_charge and (ihs_years is not None or months is not None):
        raise FeesError(
            f"{app.label} is not limited leave, so there is no health charge to work out.",
            "months",
        )

    fee = _entry(figures, app.fee_key, on, "on")
    fee_amount = Decimal(fee.value).quantize(PENNY)
    extras = [_entry(figures, key, on, "on") for key in app.extra_fee_keys]
    lines: list[FeeLine] = []
    notes: list[str] = []
    years: Decimal | None = None
    leave: int | None = None
    adult_rate = child_rate = None
    child_pays_adult_rate = False
    if app.health_charge:
        if ihs_years is not None:
            if ihs_years < 1:
                raise FeesError("Years charged must be at least one.", "ihs_years")
            years = Decimal(ihs_years)
        else:
            if months is None:
                assert app.leave_months_key is not None
                months = int(_entry(figures, app.leave_months_key, on, "on").value)
            leave = months
            years = health_charge_years(months, figures, on)
        adult_rate = _entry(figures, "ihs.adult_per_year", on, "on")
        if children:
            reduced_from = figures.date_("ihs.children_reduced_rate_from", on)
            if on < reduced_from:
                child_pays_adult_rate = True
                child_rate = adult_rate
                notes.append(
                    f"Before {long_date(reduced_from)} children paid the full health charge."
                )
            else:
                child_rate = _entry(figures, "ihs.child_per_year", on, "on")
    else:
        notes.append(
            "No Immigration Health Charge: it is paid only for permission to stay for a limited "
            f"time ({IHS_RULE})."
        )

    people = [(f"Adult {i}", False) for i in range(1, adults + 1)] + [
        (f"Child {i}", True) for i in range(1, children + 1)
    ]
    for person, is_child in people:
        lines.append(
            FeeLine(
                person=person,
                what="Application fee" if fee_amount else "Application fee (no fee)",
                amount=fee_amount,
                figure_key=fee.key,
                effective_from=fee.effective_from,
                source=fee.source,
                rule=fee.rule,
                verified=fee.verified,
                note=fee.note,
            )
        )
        for extra in extras:
            lines.append(
                FeeLine(
                    person=person,
                    what=extra.label or extra.key,
                    amount=Decimal(extra.value).quantize(PENNY),
                    figure_key=extra.key,
                    effective_from=extra.effective_from,
                    source=extra.source,
                    rule=extra.rule,
                    verified=extra.verified,
                    note=extra.note,
                )
            )
        if years is not None:
            rate = child_rate if is_child else adult_rate
            assert rate is not None
            kind = (
                "child rate, under 18"
                if is_child and not child_pays_adult_rate
                else "adult rate"
                if not is_child
                else "full rate"
            )
            lines.append(
                FeeLine(
                    person=person,
                    what=(
                        f"Immigration Health Charge: {_years_words(years)} at "
                        f"{pounds(rate.value)} a year ({kind})"
                    ),
                    amount=(Decimal(rate.value) * years).quantize(PENNY),
                    figure_key=rate.key,
                    effective_from=rate.effective_from,
                    source=rate.source,
                    rule=rate.rule,
                    verified=rate.verified,
                    note=rate.note,
                )
            )
    if leave is not None and years is not None:
        notes.insert(
            0,
            f"The health charge is for {leave_words(leave)} of leave: {_years_words(years)} "
            f"charged ({IHS_RULE}).",
        )
    if app.note:
        notes.append(app.note)
    total = sum((line.amount for line in lines), Decimal(0)).quantize(PENNY)
    return FeeTotal(
        application=app.key,
        label=app.label,
        on=on,
        adults=adults,
        children=children,
        lines=tuple(lines),
        total=total,
        fee_waiver=_fee_waiver(app, figures, on),
        leave_months=leave,
        ihs_years=years,
        notes=tuple(notes),
    )


def _fee_waiver(app: Application, figures: Figures, on: date) -> FeeWaiver:
    sentence = app.waiver_reason
    # The fee waiver policy's own points (reference 003, fee waiver sheet) are for the limited
    # leave applications it covers; the domestic abuse settlement form asks about the fee itself.
    if app.health_charge and app.waiver in ("yes", "only_if"):
        sentence += (
            " Someone who can pay the application fee but not the health charge can ask for "
            "the health charge alone to be waived. In a family application, a waiver can be "
            "asked for just the people the family cannot pay for; part of one person's fee "
            "cannot be waived."
        )
    covered = app.health_charge and app.waiver in ("yes", "only_if") and app.in_uk
    if covered or app.key == "fee_waiver_request":
        days = figures.int_("fee_waiver.full_application_working_days", on)
        sentence += (
            f" Once the fee waiver is decided, the full application must follow within {days} "
            "working days (paragraph 34G(4))."
        )
    return FeeWaiver(status=app.waiver, sentence=sentence, source=app.waiver_source)


# ---- quoting fees for paper ---------------------------------------------------------------------


@dataclass(frozen=True)
class FeeQuote:
    """One fee figure as it stands on `on`."""

    key: str
    label: str  # the figure's label ("Application fee")
    amount: Decimal | None  # None when no figure is in force on `on`
    on: date  # the date asked about
    effective_from: date | None
    verified: bool  # False: never print the amount to a client as fact
    source: str
    instrument: str
    checked_on: date | None


def quote_fees(figures: Figures, keys: Sequence[str], on: date) -> tuple[FeeQuote, ...]:
    """A quote for each of `keys` (figure keys such as "fee.naturalisation") on `on`, in order.
    A key with no figure in force on `on` (its first one takes effect later) gives a quote with
    no amount; a key that is not a figure at all raises `FeesError` naming it."""
    if isinstance(keys, str):
        keys = (keys,)
    out = []
    for key in keys:
        entries = figures.by_key.get(key)
        if not entries:
            raise FeesError(f"No fee figure {key!r} in resources/rules.", "keys")
        first = entries[0]
        try:
            entry: Figure | None = figures.entry(key, on, strict=True)
        except FiguresError:
            entry = None
        if entry is None:
            out.append(
                FeeQuote(
                    key=key,
                    label=first.label or "Fee",
                    amount=None,
                    on=on,
                    effective_from=None,
                    verified=False,
                    source="",
                    instrument="",
                    checked_on=None,
                )
            )
            continue
        value = entry.value
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise FeesError(f"Figure {key!r} is not an amount of money.", "keys")
        try:
            amount = _money(Decimal(str(value)))
        except ArithmeticError:
            raise FeesError(f"Figure {key!r} is not an amount of money.", "keys") from None
        out.append(
            FeeQuote(
                key=key,
                label=entry.label or "Fee",
                amount=amount,
                on=on,
                effective_from=entry.effective_from,
                verified=entry.verified,
                source=entry.source,
                instrument=entry.instrument or "",
                checked_on=entry.checked_on,
            )
        )
    return tuple(out)


def _money(value: Decimal) -> Decimal:
    """Whole pounds stay whole (Decimal("1605"), so "{:,}" writes 1,605); pence to the penny."""
    if not value.is_finite():
        raise ArithmeticError("not a finite amount")
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.quantize(PENNY)


def fee_total(quotes: Iterable[FeeQuote]) -> Decimal | None:
    """The sum of the amounts; None if any amount is unknown."""
    total = Decimal(0)
    for quote in quotes:
        if quote.amount is None:
            return None
        total += quote.amount
    return _money(total)


def fees_printable(quotes: Iterable[FeeQuote]) -> bool:
    """True when there is at least one quote and every amount is known and verified: only then
    may the amounts go on client paper as fact."""
    quotes = tuple(quotes)
    return bool(quotes) and all(q.amount is not None and q.verified for q in quotes)


def _client_label(label: str) -> str:
    """Lower-case the first letter ("Application fee" -> "application fee"); a name such as
    "Immigration Health Charge" keeps its capitals."""
    words = label.split()
    if len(words) > 1 and words[1][:1].isupper():
        return label
    return label[:1].lower() + label[1:]


def fee_words_for_client(quotes: Iterable[FeeQuote], on: date) -> str:
    """The fee line for client paper: "Fee on 6 December 2026: £1,605 application fee + £130
    citizenship ceremony fee = £1,735 in total.", "There is no fee." when every fee is a
    verified nought, and "Ask your adviser what the fee is on the day you apply." whenever an
    amount is unknown or not verified (no amount is printed then)."""
    quotes = tuple(quotes)
    if not fees_printable(quotes):
        return ASK_ADVISER
    total = fee_total(quotes)
    assert total is not None
    if total == 0:
        return "There is no fee."
    parts = [
        f"{pounds(q.amount)} {_client_label(q.label)}"
        for q in quotes
        if q.amount  # a nought among real fees is left out
    ]
    words = " + ".join(parts)
    if len(parts) > 1:
        words += f" = {pounds(total)} in total"
    return f"Fee on {long_date(on)}: {words}."
