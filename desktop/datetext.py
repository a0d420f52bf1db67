"""Dates in words, the UK way, for every screen and print-out (no Qt, no reportlab: the UI and
`printing/` both use it).

English month and day names are written out here because `calendar` and `strftime("%B")`
follow the process locale, which Qt sets (a German desktop gave "11 März 2024"): every date in
words, on screen and on paper, comes from `long_date`, `short_date` or `weekday_date`, never from
`strftime`.

The engine's sentences carry ISO dates (2021-03-03) and write them themselves: pass one of the
functions here to `Reason.render` / `Deadline.render` (desktop.rules). `rewrite_iso_dates` is
the older way (rewriting any text); it stays until no screen or print-out calls it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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

#: An ISO date standing on its own (not part of a longer run of digits or dashes).
ISO_IN_TEXT = re.compile(r"(?<![0-9-])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")


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


def rewrite_iso_dates(text: str, form: Callable[[date], str]) -> str:
    """`text` with every real ISO date written by `form`; anything else left as it was."""

    def one(m: re.Match[str]) -> str:
        try:
            return form(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            return m.group(0)

    return ISO_IN_TEXT.sub(one, text)
