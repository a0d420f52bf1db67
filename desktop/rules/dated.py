"""The engine's sentences with their dates as data.

The engine writes every date in its sentences one way, ISO (2024-09-01), and only there; a
sentence is cut once, where it is made, into text and dates (`date_parts`), so a screen or a
print-out asks the sentence to write its own dates in the form it needs (`render`) and never
rewrites text. Pure: no locale, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache

#: How the engine writes a date inside a sentence (and nothing else it writes looks like it).
_ISO = re.compile(r"(?<![0-9-])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")

DateForm = Callable[[date], str]


@lru_cache(maxsize=4096)
def date_parts(text: str) -> tuple[str | date, ...]:
    """`text` as a tuple of text and dates, in order ("On ", date(2024, 9, 1), ": ...")."""
    out: list[str | date] = []
    pos = 0
    for m in _ISO.finditer(text):
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue  # not a real date: stays text
        if m.start() > pos:
            out.append(text[pos : m.start()])
        out.append(day)
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return tuple(out)


def render(text: str, form: DateForm) -> str:
    """`text` with every date written by `form` (e.g. desktop.datetext.long_date)."""
    return "".join(part if isinstance(part, str) else form(part) for part in date_parts(text))


def dates_in(text: str) -> tuple[date, ...]:
    """The dates a sentence names, in order."""
    return tuple(part for part in date_parts(text) if isinstance(part, date))
