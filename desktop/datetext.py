"""Dates in words, the UK way, for every screen and print-out (no Qt, no reportlab: the UI and
`printing/` both use it).

English month names are written out here because `calendar` follows the process locale, which Qt
sets. The engine's sentences carry ISO dates (2021-03-03); `rewrite_iso_dates` turns each into
the form the reader needs.
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

#: An ISO date standing on its own (not part of a longer run of digits or dashes).
ISO_IN_TEXT = re.compile(r"(?<![0-9-])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")


def short_date(value: date) -> str:
    """1 Sep 2024."""
    return f"{value.day} {MONTH_ABBRS[value.month - 1]} {value.year}"


def long_date(value: date) -> str:
    """1 September 2024."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def rewrite_iso_dates(text: str, form: Callable[[date], str]) -> str:
    """`text` with every real ISO date written by `form`; anything else left as it was."""

    def one(m: re.Match[str]) -> str:
        try:
            return form(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            return m.group(0)

    return ISO_IN_TEXT.sub(one, text)
