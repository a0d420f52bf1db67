"""Instant client search over an in-memory index.

SQLCipher decrypts every page it reads, so a LIKE scan per keystroke over 10,000 clients is
slower than it needs to be. The index is built once after unlocking (one query) and kept in
memory only; it is dropped when the store locks. Matching: every word typed must appear in one
of name, other names, date of birth (ISO or dd/mm/yyyy) or Home Office reference.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Jose" finds "José"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
            d = self.date_of_birth
            parts += [d.isoformat(), d.strftime("%d/%m/%Y"), d.strftime("%d.%m.%Y")]
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
