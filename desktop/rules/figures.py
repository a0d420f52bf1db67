"""Dated figures: "which value of figure X was in force on date D, and where does it come from?"

The data comes from `resources/rules/*.toml`, loaded by `desktop.assess` (this module does no I/O).
Each file holds `[[figure]]` tables:

    [[figure]]
    key = "lr.qualifying_years"
    value = 10
    effective_from = 2024-04-11
    rule = "LR 11.1"
    source = "Appendix Long Residence, in force 11 April 2024 (reference 003)"

A key may appear several times with different `effective_from` dates (a fee that changed); the
entry in force on D is the one with the latest `effective_from` on or before D. Cut-off dates (for
example 11 January 2018) are figures too: their value is a date.

A figure may also say where it comes from and when that was checked: `instrument` (the statutory
instrument that set it), `checked_on` (a date), `checked_how` (one line) and `label` (plain client
words, "Application fee"). A file may carry a top-level `checked_on` (when its figures were last
checked); `Figures` ignores it (the content pack reads it).

Paragraphs that were renumbered are data too (`[[renumbered]]` tables: old, new, effective_from,
source): `Figures.cite(rule, on)` gives the number in force on the date of the event, so a gap
forgiven in 2024 cites "paragraph 39E(1)" and one in 2026 "SUI 13.1" (HC 1333, 11 November 2025).
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


class FiguresError(ValueError):
    """Bad figure data, or a question the data cannot answer."""


@dataclass(frozen=True)
class Figure:
    key: str
    value: Any
    effective_from: date
    source: str
    rule: str | None = None
    note: str | None = None
    verified: bool = True  # False where the figure comes from memory of guidance, not a text here
    #: The statutory instrument (number, name, where in it) that set the figure.
    instrument: str | None = None
    #: When the figure was last checked against its source, and how (one line).
    checked_on: date | None = None
    checked_how: str | None = None
    #: Plain client words for the figure ("Application fee", "Citizenship ceremony fee").
    label: str | None = None


@dataclass(frozen=True)
class Renumbering:
    """A paragraph cited by another number from `effective_from` (HC 1333 moved paragraph 39E
    into Part Suitability as SUI 13.1 on 11 November 2025)."""

    old: str
    new: str
    effective_from: date
    source: str
    verified: bool = True


@dataclass(frozen=True)
class Figures:
    """All dated figures, grouped by key and sorted by `effective_from`."""

    by_key: Mapping[str, tuple[Figure, ...]] = field(default_factory=dict)
    #: When True, a question about a date before a figure first took effect gets that first
    #: value instead of an error. The engine asks about rules "in force on today"; tests and
    #: what-if questions with an old `today` would otherwise fail on later-added figures.
    lenient: bool = False
    #: Old citation -> its renumberings, latest last (see `cite`).
    renumbered: Mapping[str, tuple[Renumbering, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The effective dates of each key, once: `entry` runs in the engine's inner loops.
        object.__setattr__(
            self, "_dates", {k: [e.effective_from for e in v] for k, v in self.by_key.items()}
        )

    def leniently(self) -> Figures:
        if self.lenient:
            return self
        return Figures(self.by_key, True, self.renumbered)

    @classmethod
    def from_tables(cls, tables: Iterable[Mapping[str, Any]]) -> Figures:
        """Build from parsed TOML documents (each with a `figure` array)."""
        grouped: dict[str, list[Figure]] = {}
        moves: dict[str, list[Renumbering]] = {}
        tables = list(tables)
        for doc_no, doc in enumerate(tables):
            for i, raw in enumerate(doc.get("renumbered", [])):
                where = f"document {doc_no} renumbered[{i}]"
                try:
                    old, new, eff, source = (
                        raw["old"],
                        raw["new"],
                        raw["effective_from"],
                        raw["source"],
                    )
                except KeyError as exc:
                    raise FiguresError(f"{where}: missing {exc.args[0]!r}") from None
                if isinstance(eff, datetime):
                    eff = eff.date()
                if not isinstance(eff, date):
                    raise FiguresError(f"{where} ({old}): effective_from must be a date")
                if not all(isinstance(v, str) and v.strip() for v in (old, new, source)):
                    raise FiguresError(f"{where}: old, new and source must be text")
                moves.setdefault(old, []).append(
                    Renumbering(old, new, eff, source, bool(raw.get("verified", True)))
                )
        for doc_no, doc in enumerate(tables):
            for i, raw in enumerate(doc.get("figure", [])):
                where = f"document {doc_no} figure[{i}]"
                try:
                    key = raw["key"]
                    value = raw["value"]
                    eff = raw["effective_from"]
                    source = raw["source"]
                except KeyError as exc:
                    raise FiguresError(f"{where}: missing {exc.args[0]!r}") from None
                if isinstance(eff, datetime):
                    eff = eff.date()
                if not isinstance(eff, date):
                    raise FiguresError(f"{where} ({key}): effective_from must be a date")
                if not isinstance(source, str) or not source.strip():
                    raise FiguresError(f"{where} ({key}): every figure needs a source")
                checked_on = raw.get("checked_on")
                if isinstance(checked_on, datetime):
                    checked_on = checked_on.date()
                if checked_on is not None and not isinstance(checked_on, date):
                    raise FiguresError(
                        f"{where} ({key}): checked_on must be a date like 2026-12-06"
                    )
                texts = {}
                for name in ("instrument", "checked_how", "label"):
                    text = raw.get(name)
                    if text is not None and (not isinstance(text, str) or not text.strip()):
                        raise FiguresError(f"{where} ({key}): {name} must be text")
                    texts[name] = text
                grouped.setdefault(key, []).append(
                    Figure(
                        key=key,
                        value=value,
                        effective_from=eff,
                        source=source,
                        rule=raw.get("rule"),
                        note=raw.get("note"),
                        verified=bool(raw.get("verified", True)),
                        checked_on=checked_on,
                        **texts,
                    )
                )
        by_key: dict[str, tuple[Figure, ...]] = {}
        for key, entries in grouped.items():
            entries.sort(key=lambda f: f.effective_from)
            for a, b in itertools.pairwise(entries):
                if a.effective_from == b.effective_from:
                    raise FiguresError(f"{key}: two values take effect on {a.effective_from}")
            by_key[key] = tuple(entries)
        renumbered = {
            old: tuple(sorted(found, key=lambda r: r.effective_from))
            for old, found in moves.items()
        }
        return cls(by_key, False, renumbered)

    def entry(self, key: str, on: date, *, strict: bool | None = None) -> Figure:
        entries = self.by_key.get(key)
        if not entries:
            raise FiguresError(f"no figure {key!r} in resources/rules")
        i = bisect_right(self._dates[key], on)
        if i == 0 and not (self.lenient if strict is None else not strict):
            raise FiguresError(
                f"figure {key!r} has no value in force on {on.isoformat()} "
                f"(first takes effect {entries[0].effective_from.isoformat()})"
            )
        return entries[max(i, 1) - 1]

    def cite(self, rule: str, on: date) -> str:
        """`rule` as it is numbered on `on` (the date of the event it is cited for): the old
        number before a renumbering took effect, the new one from that day."""
        if not rule:
            return rule
        current = rule
        for _ in range(8):  # a paragraph renumbered twice follows both moves
            moves = self.renumbered.get(current)
            if not moves:
                break
            found = [m for m in moves if m.effective_from <= on]
            if not found:
                break
            current = found[-1].new
        return current

    def renumbering(self, rule: str) -> tuple[Renumbering, ...]:
        """Every renumbering of `rule` (empty when it was never renumbered)."""
        return tuple(self.renumbered.get(rule, ()))

    def get(self, key: str, on: date) -> Any:
        return self.entry(key, on).value

    def date_(self, key: str, on: date) -> date:
        value = self.get(key, on)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str):
            return date.fromisoformat(value)
        if not isinstance(value, date):
            raise FiguresError(f"figure {key!r} is not a date")
        return value

    def int_(self, key: str, on: date) -> int:
        value = self.get(key, on)
        if isinstance(value, bool) or not isinstance(value, int):
            raise FiguresError(f"figure {key!r} is not a whole number")
        return value

    def keys(self) -> list[str]:
        return sorted(self.by_key)
