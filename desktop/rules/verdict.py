"""The engine's answer: value types and their JSON shape (the `dropin-desk assess` output)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.rules.dated import DateForm, date_parts, render
from desktop.rules.days import Window
from desktop.rules.deadlines import Deadline


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


class Reason(str):
    """One sentence of a verdict, with what it is about as data.

    It is a `str` (the sentence a client can read), so it prints and compares as text; the UI
    and the PDFs read `code` (what kind of reason: "headline", "restart", "breach", "absences",
    ...), `rule` (the paragraph) and `dates` (named dates the sentence mentions) instead of
    parsing the sentence, and write it with `render(form)`, which puts every date of the
    sentence in the reader's form (`desktop.datetext.long_date`, `short_date`).
    """

    code: str
    rule: str
    dates: Mapping[str, date]
    days: int | None

    def __new__(
        cls,
        text: str,
        *,
        code: str = "",
        rule: str = "",
        dates: Mapping[str, date | None] | None = None,
        days: int | None = None,
    ) -> Reason:
        obj = super().__new__(cls, text)
        obj.code = code
        obj.rule = rule
        obj.dates = {k: v for k, v in (dates or {}).items() if v is not None}
        obj.days = days
        return obj

    @property
    def parts(self) -> tuple[str | date, ...]:
        """The sentence as text and dates, in order."""
        return date_parts(str(self))

    def render(self, form: DateForm) -> str:
        """The sentence with each of its dates written by `form`."""
        return render(str(self), form)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "text": str(self), "rule": self.rule}
        out["dates"] = {k: v.isoformat() for k, v in self.dates.items()}
        if self.days is not None:
            out["days"] = self.days
        return out


def as_reason(text: str, code: str) -> Reason:
    """`text` as a Reason (kept as it is when it already is one)."""
    return text if isinstance(text, Reason) else Reason(text, code=code)


def reason_dict(reason: str) -> dict[str, Any]:
    if isinstance(reason, Reason):
        return reason.to_dict()
    return {"code": "", "text": str(reason), "rule": "", "dates": {}}


@dataclass(frozen=True)
class Breach:
    """Something that breaks the rule `rule` between `start` and `end` (`days` long or counted)."""

    rule: str
    start: date
    end: date
    days: int
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "days": self.days,
            "why": self.why,
        }


@dataclass(frozen=True)
class Uncounted:
    """Time that does not count towards the qualifying period but does not break it."""

    start: date
    end: date
    rule: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "rule": self.rule,
            "why": self.why,
        }


@dataclass(frozen=True)
class WhatIf:
    """The verdict as it would be if permission had continued after the end of the record (the
    projection): shown as a what-if beside a verdict that does not rely on it."""

    eligible: bool
    earliest_application_date: date | None
    qualifying_from: date | None
    complete_on: date | None
    assumed_from: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "earliest_application_date": _iso(self.earliest_application_date),
            "qualifying_period": {
                "from": _iso(self.qualifying_from),
                "complete_on": _iso(self.complete_on),
            },
            "assumed_from": self.assumed_from.isoformat(),
        }


@dataclass(frozen=True)
class Assessment:
    route: str
    application_date: date
    qualifying_from: date | None
    complete_on: date | None
    earliest_application_date: date | None
    continuity_broken: bool
    absence_days_total: int
    max_window: Window
    breaches: tuple[Breach, ...]
    uncounted_periods: tuple[Uncounted, ...]
    eligible: bool
    reasons: tuple[str, ...]
    deadlines: tuple[Deadline, ...]
    rules_in_force: date
    notes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    risks: tuple[Breach, ...] = field(default=())
    #: Start of the period counted back from the application date (when it differs from the
    #: first day of the qualifying period, e.g. the person has more than enough years).
    counted_back_from: date | None = None
    #: Indefinite leave, settled status or citizenship held on the application date.
    settled_since: date | None = None
    settled_as: str | None = None
    #: Where the projection after the record starts (the record stops before today).
    record_ends: date | None = None
    #: The first day nothing is recorded for, when the record stops before today (the day after
    #: the last permission or section 3C leave): the client's status must be checked.
    status_unknown_since: date | None = None
    #: The projection "if permission continued" when the verdict would otherwise rest on it
    #: (then `eligible` is False and the headline says what is assumed).
    if_permission_continued: WhatIf | None = None
    #: The first day the record shows without permission (a refusal before the permission
    #: ended, the adviser's check, an application made late and pending), up to today.
    without_permission_since: date | None = None
    #: Whole days on planned trips inside `absence_days_total` (it includes them).
    absence_days_planned: int = 0

    def __post_init__(self) -> None:
        # Notes and missing items are sentences with dates too: each can render its own.
        object.__setattr__(self, "notes", tuple(as_reason(n, "note") for n in self.notes))
        object.__setattr__(self, "missing", tuple(as_reason(m, "missing") for m in self.missing))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of issue 3, keys in the issue's order, extras after."""
        return {
            "route": self.route,
            "application_date": self.application_date.isoformat(),
            "qualifying_period": {
                "from": _iso(self.qualifying_from),
                "complete_on": _iso(self.complete_on),
                "counted_back_from": _iso(self.counted_back_from),
            },
            "earliest_application_date": _iso(self.earliest_application_date),
            "continuity_broken": self.continuity_broken,
            "absence_days_total": self.absence_days_total,
            "max_absence_any_12_months": {
                "days": self.max_window.days,
                "from": _iso(self.max_window.start),
                "to": _iso(self.max_window.end),
            },
            "breaches": [b.to_dict() for b in self.breaches],
            "uncounted_periods": [u.to_dict() for u in self.uncounted_periods],
            "eligible": self.eligible,
            "reasons": list(self.reasons),
            "deadlines": [d.to_dict() for d in self.deadlines],
            "rules_in_force": self.rules_in_force.isoformat(),
            "notes": list(self.notes),
            "missing": list(self.missing),
            "risks": [r.to_dict() for r in self.risks],
            "settled_since": _iso(self.settled_since),
            "reason_details": [reason_dict(r) for r in self.reasons],
            "status_unknown_since": _iso(self.status_unknown_since),
            "if_permission_continued": (
                None
                if self.if_permission_continued is None
                else self.if_permission_continued.to_dict()
            ),
            "without_permission_since": _iso(self.without_permission_since),
            "absence_days_planned": self.absence_days_planned,
        }
