"""Deadlines: appeals and administrative reviews, the full application after a fee-waiver
decision, permission expiry windows, late-application windows, subject access requests, and
the attention items that never age out (a record that stops, time known to be without
permission). Working days skip weekends and the bank holidays passed in (the caller chooses
England and Wales, Scotland or Northern Ireland).

A deadline travels as data: `kind` (a key of DEADLINE_KINDS), `status` (a key of
DEADLINE_STATUSES), `met_on` (the day it was done in time), structured dates (`date`,
`next_working_day`, `starts`, `event_date`) and `facts`. `what` is a sentence for the
reader; no consumer reads it to learn what the deadline is.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from desktop.rules.dated import DateForm, render
from desktop.rules.days import add_months, add_working_days, is_working_day, sub_months
from desktop.rules.figures import Figures
from desktop.rules.history import Application, History

#: Application kinds whose refusal may carry a right of appeal (protection and human rights
#: claims, s82 Nationality, Immigration and Asylum Act 2002) when the history does not say
#: which remedy the refusal letter gives. With `remedy` recorded, the remedy decides.
APPEALABLE_KINDS = frozenset(
    {"asylum", "fresh_claim", "human_rights", "extension", "settlement", "initial", "other"}
)

#: Every kind of deadline the engine makes (a closed list), with a short label.
DEADLINE_KINDS: dict[str, str] = {
    "appeal": "Appeal",
    "administrative_review": "Administrative review",
    "fee_waiver_followup": "Fee waiver: full application",
    "apply_before_expiry": "Permission ends",
    "settlement_window": "Apply from",
    "earliest_application": "Earliest date",
    "section_3c_ends": "Section 3C ends",
    "late_application_window": "Late application",
    "criminality": "Criminality (STP)",
    "sar_answer": "Subject access request",
    "status_unknown": "Status unknown",
    "without_permission": "Without permission",
    # Casework (issue 22, desktop.rules.casework): the centre's own duties to the client.
    "written_update": "Written update due",
    "outcome_letter": "Outcome letter",
    "client_access_request": "Client's subject access request",
    "consent_renewal": "Consent renewal",
    "retention_review": "Retention review",
    "complaint": "Complaint not acknowledged",
    "level_check": "Needs a higher OISC level",
    "consent_missing": "No consent recorded",
    "other": "Other",
}

#: The casework kinds (issue 22): the centre's own duties to the client, dealt with on the
#: client's Casework tab rather than by completing the history.
CASEWORK_KINDS: tuple[str, ...] = (
    "written_update",
    "outcome_letter",
    "client_access_request",
    "consent_renewal",
    "consent_missing",
    "retention_review",
    "complaint",
    "level_check",
)

#: Every status (`with_status` sets it against the day the deadlines are made for).
DEADLINE_STATUSES: dict[str, str] = {
    "upcoming": "the last day (next_working_day when r.11 moves it) is today or later",
    "passed": "the last day is before today and the record does not show it was met",
    "met": "done in time (met_on): an appeal or review lodged, the application made",
    "attention": "needs the adviser now, whatever the date; never ages out (see ATTENTION_KINDS)",
}

#: Kinds that are never "passed": they stay until the record is completed (the casework ones
#: until the complaint is acknowledged, the matter has an adviser at its level, or consent is
#: recorded).
ATTENTION_KINDS = frozenset(
    {"status_unknown", "without_permission", "complaint", "level_check", "consent_missing"}
)


@dataclass(frozen=True)
class Deadline:
    date: date
    what: str
    rule: str
    status: str = "upcoming"  # a key of DEADLINE_STATUSES, against the `today` it was made for
    #: FtT (IAC) Rules 2014 r.11: where a time limit ends on a day that is not a working day,
    #: the act is in time on the next working day. `date` stays the safe date.
    next_working_day: date | None = None
    kind: str = "other"  # a key of DEADLINE_KINDS
    #: The day it was done in time (status "met"); None when not done, or done late.
    met_on: date | None = None
    #: The day it was done, in time or late (an appeal lodged after the last day).
    done_on: date | None = None
    #: First day of the window this deadline closes (the day after permission ended for a
    #: late application; the first day without permission for an attention item).
    starts: date | None = None
    #: The event the time is counted from (the decision, the end of permission...).
    event_date: date | None = None
    #: The record it comes from ("applications[2]", "permissions[0]", "custody[1]").
    record: str | None = None
    #: The figure it counts (14 days, 10 working days), when there is one.
    days: int | None = None
    #: Anything else a screen needs to say it in its own words, as (name, value) pairs: see
    #: the deadline model note (e.g. ("outside_uk", True), ("route", "long_residence")).
    facts: tuple[tuple[str, Any], ...] = ()

    @property
    def last_day(self) -> date:
        """The day by which it must be done (r.11 moves a weekend or holiday on)."""
        return self.next_working_day or self.date

    @property
    def met(self) -> bool:
        return self.met_on is not None

    def fact(self, name: str, default: Any = None) -> Any:
        return dict(self.facts).get(name, default)

    def render(self, form: DateForm) -> str:
        """`what` with its dates written by `form` (desktop.datetext.long_date...)."""
        return render(self.what, form)

    def to_dict(self) -> dict[str, Any]:
        def iso(d: date | None) -> str | None:
            return d.isoformat() if d is not None else None

        out: dict[str, Any] = {
            "date": self.date.isoformat(),
            "what": self.what,
            "rule": self.rule,
            "status": self.status,
            "kind": self.kind,
            "met_on": iso(self.met_on),
            "done_on": iso(self.done_on),
            "starts": iso(self.starts),
            "event_date": iso(self.event_date),
            "record": self.record,
            "days": self.days,
            "facts": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.facts},
        }
        if self.next_working_day is not None:
            out["next_working_day"] = self.next_working_day.isoformat()
        return out


def status_on(deadline: Deadline, today: date) -> str:
    """A deadline's status on `today` (see DEADLINE_STATUSES)."""
    if deadline.kind in ATTENTION_KINDS:
        return "attention"
    if deadline.met_on is not None:
        return "met"
    return "passed" if deadline.last_day < today else "upcoming"


def with_status(deadlines: Iterable[Deadline], today: date) -> list[Deadline]:
    """Sorted by date, duplicates dropped, each with its status on `today`. Attention items
    are never passed and never dropped, however old."""
    out: dict[tuple[date, str, str], Deadline] = {}
    for d in deadlines:
        key = (d.date, d.kind, d.what)
        if key not in out:
            out[key] = _with(d, status_on(d, today))
    return sorted(out.values(), key=lambda d: (d.date, d.what))


def _with(d: Deadline, status: str) -> Deadline:
    """`d` with `status` (the board asks this of every deadline of every client: a plain copy
    of the fields is several times cheaper than dataclasses.replace)."""
    if d.status == status:
        return d
    new = object.__new__(Deadline)
    new.__dict__.update(d.__dict__)
    new.__dict__["status"] = status
    return new


def next_working_day(day: date, bank_holidays: Container[date]) -> date | None:
    """The next working day when `day` is not one (None when it is)."""
    if is_working_day(day, bank_holidays):
        return None
    return add_working_days(day, 1, bank_holidays)


def appeal_deadline(
    decision_sent: date,
    figures: Figures,
    *,
    outside_uk: bool = False,
    received: date | None = None,
    bank_holidays: Container[date] = frozenset(),
) -> Deadline:
    """In-country appeal: 14 days after the decision was sent (r.19(2)); from outside the UK:
    28 days after it was received (r.19(3)(b)). Without a receipt date we count from sending
    and say so: that is the earliest the deadline can be. A last day that is a weekend or bank
    holiday moves to the next working day (r.11); the safe date stays the one shown first."""
    if outside_uk:
        f = figures.entry("appeal.out_of_country_days", decision_sent)
        start = received or decision_sent
        when = "received" if received else "sent (the date received is not recorded)"
        last = start + timedelta(days=f.value)
        what = (
            f"Last day to appeal from outside the UK: {f.value} days after the refusal was {when}"
        )
    else:
        f = figures.entry("appeal.in_country_days", decision_sent)
        start = decision_sent
        last = decision_sent + timedelta(days=f.value)
        what = (
            f"Last day to appeal to the First-tier Tribunal: {f.value} days after the refusal "
            "was sent. Keep the envelope: it proves when it was posted."
        )
    moved = next_working_day(last, bank_holidays)
    if moved is not None:
        r11 = figures.entry("appeal.non_working_day_rule", decision_sent)
        what += (
            f" That day is a weekend or bank holiday, so an appeal on {moved.isoformat()} (the "
            f"next working day) is still in time ({r11.rule}); aim for the earlier date."
        )
    return Deadline(
        last,
        what,
        f.rule or "",
        next_working_day=moved,
        kind="appeal",
        event_date=start,
        days=f.value,
        facts=(("outside_uk", outside_uk), ("counted_from", "received" if received else "sent")),
    )


def review_deadline(
    decided: date, figures: Figures, *, detained: bool = False, outside_uk: bool = False
) -> Deadline:
    """Administrative review: 14 days after the decision was received in the UK, 7 if the
    person is detained, 28 from outside the UK (Appendix Administrative Review). We count from
    the decision date: the earliest the last day can be."""
    if outside_uk:
        key, where = "review.out_of_country_days", "from outside the UK"
    elif detained:
        key, where = "review.detained_days", "in detention"
    else:
        key, where = "review.in_country_days", "in the UK"
    f = figures.entry(key, decided)
    return Deadline(
        decided + timedelta(days=f.value),
        f"Last day to ask for administrative review {where}: {f.value} days after the refusal "
        "was received (counted here from the decision date, the earliest it can be)",
        f.rule or "Appendix Administrative Review",
        kind="administrative_review",
        event_date=decided,
        days=f.value,
        facts=(("where", "outside_uk" if outside_uk else "detained" if detained else "in_uk"),),
    )


def fee_waiver_deadline(
    fee_waiver_decided: date, figures: Figures, bank_holidays: Container[date]
) -> Deadline:
    """34G(4): the full application within 10 working days of the fee-waiver decision."""
    f = figures.entry("fee_waiver.full_application_working_days", fee_waiver_decided)
    return Deadline(
        add_working_days(fee_waiver_decided, f.value, bank_holidays),
        f"Make the full application within {f.value} working days of the fee-waiver decision, "
        "or the application date is lost",
        f.rule or "34G(4)",
        kind="fee_waiver_followup",
        event_date=fee_waiver_decided,
        days=f.value,
        facts=(("working_days", True),),
    )


def sar_answer_due(asked: date, figures: Figures) -> Deadline:
    """A subject access request should be answered within one month of asking."""
    f = figures.entry("sar.answer_months", asked)
    return Deadline(
        add_months(asked, f.value),
        "The Home Office should answer a request for your file (subject access request) by this date",
        f.rule or "",
        kind="sar_answer",
        event_date=asked,
        facts=(("months", f.value),),
    )


def effective_application_date(
    app: Application, figures: Figures, bank_holidays: Container[date]
) -> date | None:
    """34G(4): with a fee-waiver request, the application is made on the request date as long as
    the full application followed within 10 working days of the fee-waiver decision. Otherwise
    the date it was actually made (None if it has not been made)."""
    if app.fee_waiver_requested is not None and app.made is not None:
        if app.fee_waiver_decided is None:
            return app.fee_waiver_requested  # decision date unknown: give the benefit, note it
        due = fee_waiver_deadline(app.fee_waiver_decided, figures, bank_holidays).date
        if app.made <= due:
            return app.fee_waiver_requested
    return app.made


def remedy_of(app: Application) -> str | None:
    """The remedy a refusal carries: what the history records, else "appeal" for the kinds
    that may carry one (the sentence then says "if the refusal letter gives a right of
    appeal"), else None (nothing to show)."""
    if app.remedy is not None:
        return None if app.remedy == "none" else app.remedy
    return "appeal" if app.kind in APPEALABLE_KINDS else None


def remedy_deadline(
    app: Application,
    index: int,
    figures: Figures,
    bank_holidays: Container[date],
    abroad: Container[date] = frozenset(),
) -> Deadline | None:
    """The last day to challenge a refusal by the remedy it carries (appeal or administrative
    review), with whether and when it was brought; None when there is none to show."""
    if app.outcome != "refused" or app.decided is None:
        return None
    remedy = remedy_of(app)
    if remedy is None:
        return None
    outside = app.decided in abroad
    if remedy == "administrative_review":
        d = review_deadline(app.decided, figures, detained=bool(app.detained), outside_uk=outside)
        lodged, what_done = app.review_lodged, "Administrative review was asked for"
    else:
        d = appeal_deadline(app.decided, figures, outside_uk=outside, bank_holidays=bank_holidays)
        lodged, what_done = app.appeal_lodged, "An appeal was lodged"
    facts = d.facts
    if app.appeal_by is not None and app.appeal_by > d.date:
        # The refusal letter gives a later last day: that is the one to keep.
        d = replace(
            d,
            date=app.appeal_by,
            next_working_day=next_working_day(app.appeal_by, bank_holidays)
            if remedy == "appeal"
            else None,
            what=d.what + f" The refusal letter gives a later last day, {app.appeal_by}.",
        )
        facts = (*facts, ("letter_date", True))
    what = d.what
    met_on = None
    if lodged is not None:
        on_time = lodged <= d.last_day
        met_on = lodged if on_time else None
        what += f" {what_done} on {lodged.isoformat()}" + (
            ", in time." if on_time else ", after this date."
        )
        if not on_time and remedy == "appeal" and app.appeal_time_extended:
            what += " The Tribunal extended time."
    elif app.remedy is None:
        what += (
            " (if the refusal letter gives a right of appeal)"
            if remedy == "appeal"
            else " (if the refusal letter offers administrative review)"
        )
    return replace(
        d,
        what=what,
        met_on=met_on,
        done_on=lodged,
        record=f"applications[{index}]",
        facts=(*facts, ("remedy_recorded", app.remedy is not None)),
    )


def application_deadlines(
    history: History,
    figures: Figures,
    bank_holidays: Container[date],
    today: date,
    outside_uk_on: Container[date] = frozenset(),
) -> list[Deadline]:
    """Deadlines from the applications record, past and upcoming (`status` says which).

    Every refusal with a remedy gives the deadline for that remedy (appeal or administrative
    review, with what happened when one was brought), and every fee-waiver decision the
    10-working-day follow-up. The advice to ask for the file (subject access request) is only
    given while an appeal or review is still open.
    """
    abroad = outside_uk_on  # days the person was outside the UK (a set, or anything with `in`)
    out: list[Deadline] = []
    for index, app in enumerate(history.applications):
        remedy = remedy_deadline(app, index, figures, bank_holidays, abroad)
        if remedy is not None:
            out.append(remedy)
            if remedy.done_on is None and remedy.last_day >= today:
                sar = sar_answer_due(today, figures)
                out.append(
                    replace(
                        sar,
                        what="If you ask the Home Office for your file today, they should "
                        "answer by this date",
                        record=f"applications[{index}]",
                    )
                )
        if app.fee_waiver_decided is not None:
            d = fee_waiver_deadline(app.fee_waiver_decided, figures, bank_holidays)
            d = replace(d, record=f"applications[{index}]")
            if app.made is not None:
                kept = app.made <= d.date
                d = replace(
                    d,
                    what=d.what
                    + (
                        f". The full application was made on {app.made.isoformat()}"
                        + (", in time." if kept else ", too late.")
                    ),
                    met_on=app.made if kept else None,
                    done_on=app.made,
                )
            out.append(d)
    return with_status(out, today)


def last_month_window_opens(expiry: date, months: int = 1) -> date:
    """First day of the last `months` month(s) of permission ending on `expiry` (inclusive)."""
    return sub_months(expiry + timedelta(days=1), months)
