"""One day of a `DayTimeline` in words: what the day was and why (the calendar's hover text).

`day_words(day, timeline, today=..., mark=...)` says the day's status with its reason, rule and
record; for a trip, day k of n and the whole days outside; every window or block over a limit
holding the day, with its figures and rule; the worst 12 months of the qualifying period; and
whether the day is today, the qualifying period's start or complete-on date, the earliest date
to apply or a deadline. Dates are written the UK way (1 Sep 2024) and records in plain words
("permission 2", never `permissions[1]`).

The words are made here, not in the widget that paints the day, so the rule they state is
tested with a history and no screen, and a screen reader, a tooltip and a status bar all read
the same sentence. Pure: no Qt, no clock (today is passed in).
"""

from __future__ import annotations

from datetime import date, timedelta

from desktop.rules.dated import render
from desktop.rules.datetext import WEEKDAY_ABBRS, long_date, short_date
from desktop.rules.day_timeline import STATUSES, DayTimeline, Stretch
from desktop.rules.wording import plain_records

#: A deadline's status in the day's words.
DEADLINE_STATUS_WORDS = {
    "passed": "passed",
    "upcoming": "upcoming",
    "met": "done in time",
    "attention": "needs attention now",
}

#: Windows over a limit named one by one; more are counted ("and 3 more periods ...").
OVER_LIMIT_NAMED = 2

_ONE_DAY = timedelta(days=1)


def _screen(sentence: object) -> str:
    """An engine sentence (a `Reason`, a `Deadline` or a plain string with ISO dates) with its
    dates as 1 Sep 2024 and its records in plain words."""
    own = getattr(sentence, "render", None)
    text = own(short_date) if callable(own) else render(str(sentence), short_date)
    return plain_records(text)


def _is_twelve_months(start: date, end: date) -> bool:
    try:
        year_on = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        year_on = start.replace(year=start.year + 1, day=28)
    return year_on - _ONE_DAY == end


def _status_head(day: date, s: Stretch, mark: str) -> str:
    look = f"[{mark}] " if mark else ""
    return f"{WEEKDAY_ABBRS[day.weekday()]} {long_date(day)}: {look}{STATUSES[s.status]}"


def _stretch_words(day: date, s: Stretch, mark: str) -> list[str]:
    """The day's status and why: a trip's day k of n and its dates, or the stretch's reason and
    rule; "assumed" for the projection after the end of the record."""
    head = _status_head(day, s, mark)
    parts: list[str] = []
    if s.trip is not None:
        left, returned, n, exceptional = s.trip
        head += f", day {(day - left).days} of {n}"
        if s.record:
            head += f" ({plain_records(s.record)})"
        parts.append(head)
        what = "planned trip, not yet taken" if s.status == "planned" else "trip"
        trip_text = (
            f"{what}: left {short_date(left)}, back {short_date(returned)} "
            f"({n} whole days outside; the travel days count as in the UK)"
        )
        if exceptional:
            trip_text += "; marked exceptional, not counted towards the limit (CR 3.4)"
        parts.append(trip_text)
    else:
        if s.record:
            head += f" ({plain_records(s.record)})"
        parts.append(head)
        reason = _screen(s.reason)
        if s.rule and s.rule not in reason:
            reason += f" ({s.rule})"
        if reason:
            parts.append(reason)
    if s.assumed:
        parts.append("assumed: after the end of the record, a projection")
    return parts


def _limit_words(day: date, timeline: DayTimeline) -> list[str]:
    """Every window or block over a limit holding the day, and the worst 12 months."""
    parts: list[str] = []
    over = [b for b in timeline.over_limit if b.start <= day <= b.end]
    for b in over[:OVER_LIMIT_NAMED]:
        if _is_twelve_months(b.start, b.end):
            parts.append(
                f"in the 12 months {short_date(b.start)} to {short_date(b.end)}: "
                f"{b.days} days outside, over the {b.rule} limit"
            )
        else:
            parts.append(f"over a limit: {_screen(b.why)} ({b.rule})")
    if len(over) > OVER_LIMIT_NAMED:
        parts.append(f"and {len(over) - OVER_LIMIT_NAMED} more periods over a limit")
    w = timeline.worst_window
    if w.start is not None and w.end is not None and w.start <= day <= w.end:
        parts.append(
            f"in the worst 12 months of the qualifying period, {short_date(w.start)} to "
            f"{short_date(w.end)}: {w.days} days outside"
        )
    return parts


def _date_words(day: date, timeline: DayTimeline, today: date) -> list[str]:
    """Today, the qualifying period's ends, the earliest date to apply and deadlines on the day."""
    a = timeline.assessment
    parts: list[str] = []
    if day == today:
        parts.append("today")
    if a.qualifying_from == day:
        parts.append("the qualifying period starts")
    if a.complete_on == day:
        parts.append("the qualifying period is complete")
    if a.earliest_application_date == day:
        parts.append("the earliest date to apply")
    for d in a.deadlines:
        if d.date == day:
            status = DEADLINE_STATUS_WORDS.get(d.status, d.status)
            parts.append(f"deadline ({status}): {_screen(d)} ({d.rule})")
    return parts


def day_words(
    day: date | None,
    timeline: DayTimeline | None,
    *,
    today: date,
    mark: str = "",
    stretch: Stretch | None = None,
) -> str:
    """What `day` was on `timeline` and why, as one line of clauses joined by "; ".

    `mark` is the day's status mark as the screen draws it (desktop.status_style: "A" for
    outside the UK), written "[A]" before the status; `stretch` is the day's stretch when the
    caller already has it (found with `timeline.at` otherwise). Empty for no day, no timeline
    or a day outside the timeline."""
    if timeline is None or day is None or not timeline.first_day <= day <= timeline.last_day:
        return ""
    s = stretch if stretch is not None else timeline.at(day)
    if s is None or not s.start <= day <= s.end:
        return ""
    parts = _stretch_words(day, s, mark)
    parts += _limit_words(day, timeline)
    parts += _date_words(day, timeline, today)
    return "; ".join(parts)
