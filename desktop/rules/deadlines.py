"""Deadlines: appeals, the full application after a fee-waiver decision, permission expiry windows
and subject access requests. Working days skip weekends and the bank holidays passed in (the
caller chooses England and Wales, Scotland or Northern Ireland).
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from desktop.rules.days import add_months, add_working_days, is_working_day, sub_months
from desktop.rules.figures import Figures
from desktop.rules.history import Application, History

#: Application kinds whose refusal may carry a right of appeal (protection and human rights
#: claims, s82 Nationality, Immigration and Asylum Act 2002). Others get administrative review
#: at most, so no appeal deadline is printed for them.
APPEALABLE_KINDS = frozenset(
    {"asylum", "fresh_claim", "human_rights", "extension", "settlement", "initial", "other"}
)


@dataclass(frozen=True)
class Deadline:
    date: date
    what: str
    rule: str
    status: str = "upcoming"  # "passed" | "upcoming", against the `today` it was made for
    #: FtT (IAC) Rules 2014 r.11: where a time limit ends on a day that is not a working day,
    #: the act is in time on the next working day. `date` stays the safe date.
    next_working_day: date | None = None

    def to_dict(self) -> dict[str, str]:
        out = {
            "date": self.date.isoformat(),
            "what": self.what,
            "rule": self.rule,
            "status": self.status,
        }
        if self.next_working_day is not None:
            out["next_working_day"] = self.next_working_day.isoformat()
        return out


def with_status(deadlines: Iterable[Deadline], today: date) -> list[Deadline]:
    """Sorted by date, duplicates dropped, each marked passed (before today) or upcoming."""
    out: dict[tuple[date, str], Deadline] = {}
    for d in deadlines:
        key = (d.date, d.what)
        if key not in out:
            status = "passed" if d.date < today else "upcoming"
            out[key] = Deadline(d.date, d.what, d.rule, status, d.next_working_day)
    return sorted(out.values(), key=lambda d: (d.date, d.what))


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
    return Deadline(last, what, f.rule or "", next_working_day=moved)


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
    )


def sar_answer_due(asked: date, figures: Figures) -> Deadline:
    """A subject access request should be answered within one month of asking."""
    f = figures.entry("sar.answer_months", asked)
    return Deadline(
        add_months(asked, f.value),
        "The Home Office should answer a request for your file (subject access request) by this date",
        f.rule or "",
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


def application_deadlines(
    history: History,
    figures: Figures,
    bank_holidays: Container[date],
    today: date,
    outside_uk_on: Container[date] = frozenset(),
) -> list[Deadline]:
    """Deadlines from the applications record, past and upcoming (`status` says which).

    Every refusal that could be appealed gives its appeal deadline (with what happened, when an
    appeal was lodged), and every fee-waiver decision the 10-working-day follow-up. The advice
    to ask for the file (subject access request) is only given while an appeal is still open.
    """
    abroad = outside_uk_on  # days the person was outside the UK (a set, or anything with `in`)
    out: list[Deadline] = []
    for app in history.applications:
        if app.outcome == "refused" and app.decided is not None and app.kind in APPEALABLE_KINDS:
            d = appeal_deadline(
                app.decided,
                figures,
                outside_uk=app.decided in abroad,
                bank_holidays=bank_holidays,
            )
            if app.appeal_lodged is not None:
                on_time = app.appeal_lodged <= (d.next_working_day or d.date)
                what = d.what + (
                    f" An appeal was lodged on {app.appeal_lodged.isoformat()}"
                    + (", in time." if on_time else ", after this date.")
                )
            else:
                what = d.what + " (if the refusal letter gives a right of appeal)"
            out.append(Deadline(d.date, what, d.rule, next_working_day=d.next_working_day))
            if app.appeal_lodged is None and (d.next_working_day or d.date) >= today:
                sar = sar_answer_due(today, figures)
                out.append(
                    Deadline(
                        sar.date,
                        "If you ask the Home Office for your file today, they should answer by this date",
                        sar.rule,
                    )
                )
        if app.fee_waiver_decided is not None:
            d = fee_waiver_deadline(app.fee_waiver_decided, figures, bank_holidays)
            if app.made is not None:
                kept = app.made <= d.date
                d = replace(
                    d,
                    what=d.what
                    + (
                        f". The full application was made on {app.made.isoformat()}"
                        + (", in time." if kept else ", too late.")
                    ),
                )
            out.append(d)
    return with_status(out, today)


def last_month_window_opens(expiry: date, months: int = 1) -> date:
    """First day of the last `months` month(s) of permission ending on `expiry` (inclusive)."""
    return sub_months(expiry + timedelta(days=1), months)
