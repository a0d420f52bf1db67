"""Deadlines: appeals, the full application after a fee-waiver decision, permission expiry windows
and subject access requests. Working days skip weekends and the bank holidays passed in (the
caller chooses England and Wales, Scotland or Northern Ireland).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.rules.days import add_months, add_working_days, sub_months
from desktop.rules.figures import Figures
from desktop.rules.history import Application, History

#: Application kinds whose refusal may carry a right of appeal (protection and human rights
#: claims, s82 Nationality, Immigration and Asylum Act 2002). Others get administrative review
#: at most, so no appeal deadline is printed for them.
APPEALABLE_KINDS = frozenset(
    {"asylum", "fresh_claim", "extension", "settlement", "initial", "other"}
)


@dataclass(frozen=True)
class Deadline:
    date: date
    what: str
    rule: str

    def to_dict(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "what": self.what, "rule": self.rule}


def appeal_deadline(
    decision_sent: date,
    figures: Figures,
    *,
    outside_uk: bool = False,
    received: date | None = None,
) -> Deadline:
    """In-country appeal: 14 days after the decision was sent (r.19(2)); from outside the UK:
    28 days after it was received (r.19(3)(b)). Without a receipt date we count from sending
    and say so: that is the earliest the deadline can be."""
    if outside_uk:
        f = figures.entry("appeal.out_of_country_days", decision_sent)
        start = received or decision_sent
        when = "received" if received else "sent (the date received is not recorded)"
        return Deadline(
            start + timedelta(days=f.value),
            f"Last day to appeal from outside the UK: {f.value} days after the refusal was {when}",
            f.rule or "",
        )
    f = figures.entry("appeal.in_country_days", decision_sent)
    return Deadline(
        decision_sent + timedelta(days=f.value),
        f"Last day to appeal to the First-tier Tribunal: {f.value} days after the refusal was sent. "
        "Keep the envelope: it proves when it was posted.",
        f.rule or "",
    )


def fee_waiver_deadline(
    fee_waiver_decided: date, figures: Figures, bank_holidays: frozenset[date]
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
    app: Application, figures: Figures, bank_holidays: frozenset[date]
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
    bank_holidays: frozenset[date],
    today: date,
    outside_uk_on: Iterable[date] = (),
) -> list[Deadline]:
    """Deadlines from the applications record that are still to come (on or after `today`)."""
    abroad = set(outside_uk_on)
    out: list[Deadline] = []
    for app in history.applications:
        if (
            app.outcome == "refused"
            and app.decided is not None
            and app.appeal_lodged is None
            and app.kind in APPEALABLE_KINDS
        ):
            d = appeal_deadline(app.decided, figures, outside_uk=app.decided in abroad)
            if d.date >= today:
                out.append(
                    Deadline(
                        d.date, d.what + " (if the refusal letter gives a right of appeal)", d.rule
                    )
                )
                sar = sar_answer_due(today, figures)
                out.append(
                    Deadline(
                        sar.date,
                        "If you ask the Home Office for your file today, they should answer by this date",
                        sar.rule,
                    )
                )
        if app.fee_waiver_decided is not None and app.made is None:
            d = fee_waiver_deadline(app.fee_waiver_decided, figures, bank_holidays)
            if d.date >= today:
                out.append(d)
    return out


def last_month_window_opens(expiry: date, months: int = 1) -> date:
    """First day of the last `months` month(s) of permission ending on `expiry` (inclusive)."""
    return sub_months(expiry + timedelta(days=1), months)
