"""Instant client search over an in-memory index.

SQLCipher decrypts every page it reads, so a LIKE scan per keystroke over 10,000 clients is
slower than it needs to be. The index is built once after unlocking (one query) and kept in
memory only; it is dropped when the store locks. Matching: every word typed must appear in one
of name, other names, date of birth or Home Office reference. A date of birth is found as the
list shows it ("20 Jan 2001"), in words ("20 January 2001"), ISO (2001-01-20) or with slashes
or dots, with or without the leading zeros (20/01/2001, 20/1/2001, 20.01.2001).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from desktop.rules.datetext import MONTH_NAMES


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Jose" finds "José"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def date_forms(d: dt.date) -> list[str]:
    """Every way a person may type a date of birth into the search: the list's own form
    (20 Jan 2001), in words, ISO, and day/month/year with slashes or dots (never the
    desktop's locale: month names are the app's own)."""
    month = MONTH_NAMES[d.month - 1]
    return [
        d.isoformat(),
        f"{d.day} {month[:3]} {d.year}",
        f"{d.day} {month} {d.year}",
        f"{d.day:02d} {month} {d.year}",
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.day}/{d.month}/{d.year}",
        f"{d.day:02d}.{d.month:02d}.{d.year}",
        f"{d.day}.{d.month}.{d.year}",
    ]


@dataclass(frozen=True)
class ClientSummary:
    id: int
    full_name: str
    other_names: str = ""
    date_of_birth: dt.date | None = None
    home_office_ref: str = ""
    nationality: str = ""

    def haystack(self) -> str:
        parts = [self.full_name, self.other_names, self.home_office_ref]
        if self.date_of_birth:
            parts += date_forms(self.date_of_birth)
        return fold(" \x1f ".join(parts))


class ClientIndex:
    def __init__(self, summaries: list[ClientSummary] | None = None) -> None:
        self._entries: dict[int, tuple[ClientSummary, str]] = {}
        self._order: list[int] = []
        for summary in summaries or []:
            self._entries[summary.id] = (summary, summary.haystack())
        self._resort()

    def _resort(self) -> None:
        self._order = sorted(
            self._entries, key=lambda cid: (fold(self._entries[cid][0].full_name), cid)
        )

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, client_id: int) -> ClientSummary | None:
        entry = self._entries.get(client_id)
        return entry[0] if entry else None

    def upsert(self, summary: ClientSummary) -> None:
        self._entries[summary.id] = (summary, summary.haystack())
        self._resort()

    def remove(self, client_id: int) -> None:
        if self._entries.pop(client_id, None) is not None:
            self._order.remove(client_id)

    def search(self, query: str, within: list[int] | None = None) -> list[int]:
        """Ids in name order. Pass the previous result as `within` when the new query only
        extends the old one: refining is then proportional to the shorter list."""
        words = fold(query).split()
        candidates = self._order if within is None else within
        if not words:
            return list(candidates)
        entries = self._entries
        return [
            cid
            for cid in candidates
            if cid in entries and all(word in entries[cid][1] for word in words)
        ]
