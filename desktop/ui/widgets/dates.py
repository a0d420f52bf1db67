"""Reading and writing dates the way people at a UK drop-in type and read them.

Pure functions (no Qt) so they can be tested on their own. Day comes before month
(01/09/2024 is 1 September). Years must have four digits: "1/9/24" could be 1924 or 2024,
and a century error in a date of birth or an absence is worse than asking again.
"""

from __future__ import annotations

import re
from datetime import date

from desktop.datetext import MONTH_NAMES, long_date, short_date
from desktop.rules.dated import render
from desktop.rules.wording import plain_records

_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(MONTH_NAMES, start=1):
    _MONTHS[_name.lower()] = _number
    _MONTHS[_name[:3].lower()] = _number
_MONTHS["sept"] = 9

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d+)$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d+)$")
_WORDS_MONTH_FIRST = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d+)$")

EXAMPLE = "01/09/2024"
HINT = "dd/mm/yyyy"


def _build(text: str, year: str, month: int, day: int) -> date:
    if len(year) != 4:
        raise ValueError(
            f"'{text}' has a {len(year)}-digit year; write the year in full, e.g. {EXAMPLE}"
        )
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' is not a real date: there is no month {month}")
    try:
        return date(int(year), month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None


def parse_user_date(text: str) -> date | None:
    """The date in `text`, None when it is blank, or ValueError with a sentence to show.

    Accepts 2024-09-01, 01/09/2024, 1/9/2024, 1.9.2024, 1 Sep 2024, 1 September 2024,
    1st September 2024 and September 1, 2024.
    """
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        return None
    lowered = cleaned.lower()
    if m := _ISO.match(lowered):
        return _build(cleaned, m.group(1), int(m.group(2)), int(m.group(3)))
    if m := _NUMERIC.match(lowered):
        return _build(cleaned, m.group(3), int(m.group(2)), int(m.group(1)))
    for pattern, day_group, month_group in ((_WORDS, 1, 2), (_WORDS_MONTH_FIRST, 2, 1)):
        if m := pattern.match(lowered):
            month = _MONTHS.get(m.group(month_group))
            if month is None:
                raise ValueError(
                    f"'{cleaned}' is not a date: '{m.group(month_group)}' is not a month"
                )
            return _build(cleaned, m.group(3), month, int(m.group(day_group)))
    raise ValueError(f"'{cleaned}' is not a date; type it like {EXAMPLE} or 1 Sep 2024")


def format_date(value: date | None) -> str:
    """The short UK form used in tables and fields: 1 Sep 2024 (empty for None)."""
    return "" if value is None else short_date(value)


def format_long(value: date | None) -> str:
    """The long form used in sentences: 1 September 2024."""
    return "" if value is None else long_date(value)


def written(sentence: str, *, long: bool = False) -> str:
    """One of the engine's sentences with its dates written for a screen, 1 Sep 2024 (or,
    `long`, 1 September 2024): a `Reason` or `Deadline` writes its own (`render`); any other
    engine sentence (a stretch's or a breach's why) through the same engine function."""
    form = long_date if long else short_date
    own = getattr(sentence, "render", None)
    text = own(form) if callable(own) else render(str(sentence), form)
    return plain_records(text)  # "permission 1", never the history's "permissions[0]"
