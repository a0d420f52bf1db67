"""Dates in words, the UK way, for every screen and print-out (no Qt, no reportlab: the rules,
the UI and `printing/` all use it; it sits in `desktop.rules` because the rules' own sentences
need it and `desktop.rules` may import only `desktop.rules`).

English month and day names are written out here because `calendar` and `strftime("%B")`
follow the process locale, which Qt sets (a German desktop gave "11 März 2024"): every date in
words, on screen and on paper, comes from `long_date`, `short_date` or `weekday_date`, never from
`strftime`.

The engine's sentences carry ISO dates (2021-03-03) and write them themselves: pass one of the
functions here to `Reason.render` / `Deadline.render` (desktop.rules). Nothing here rewrites
text.
"""

from __future__ import annotations

from datetime import date

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_ABBRS = tuple(name[:3] for name in MONTH_NAMES)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_ABBRS = tuple(name[:3] for name in WEEKDAY_NAMES)


def short_date(value: date) -> str:
    """1 Sep 2024."""
    return f"{value.day} {MONTH_ABBRS[value.month - 1]} {value.year}"


def long_date(value: date) -> str:
    """1 September 2024."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def weekday_date(value: date, *, short: bool = False) -> str:
    """Friday 20 November 2026 (short: Fri 20 Nov 2026)."""
    if short:
        return f"{WEEKDAY_ABBRS[value.weekday()]} {short_date(value)}"
    return f"{WEEKDAY_NAMES[value.weekday()]} {long_date(value)}"
