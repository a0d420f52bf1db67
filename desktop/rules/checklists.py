"""Application checklists as data: what a client gathers for a route or task.

Each checklist is a file in `resources/checklists/` (loaded by `desktop.assess.load_checklists`;
this module does no I/O). Every item carries plain-English text for the client, who provides
it, whether it is always needed or only in a named circumstance, and its source: the reference
text and the Immigration Rules paragraph it comes from. Translations sit beside the English.

File format (one TOML file per checklist; files whose names start with "_" are not checklists)::

    id = "spouse_entry_clearance"     # must equal the file stem
    version = 1                       # bump when items change; a client's list keeps its version
    title = "Coming to the UK as a spouse or partner"
    intro = "Bring these papers to your appointment."   # the handout adds "Tick each one ..."
    routes = []                       # engine route codes (desktop.rules.history.ROUTES)
                                      # whose dates the handout shows; may be empty
    checked_on = 2026-12-06           # when the items were last checked against their sources
    fee = ["fee.naturalisation", "fee.citizenship_ceremony"]   # figure keys (resources/rules/
                                      # fees.toml) whose sum is the fee on the day; [] = no fee line
    closed_on = 2025-09-04T15:00:00   # optional: the route is closed to new applications from then
    closed_note = "This route is closed. ..."   # required with closed_on: plain words for the client
    [review.ar]                       # optional, per language: a native speaker checked it
    by = "Name of the reviewer"
    on = 2026-12-01
    [circumstances]                   # key -> a plain sentence the adviser ticks
    married_before = "You or your partner were married before"
    [translations.ar]                 # one table per language (ar, fa): all optional keys
    title = "..."
    intro = "..."
    "section:Your relationship" = "..."   # a section name used by an item
    "circumstance:married_before" = "..." # a key of [circumstances]
    [[item]]                          # one table per item, in print order
    id = "marriage_certificate"       # lower case letters, digits and _; unique in the file
    section = "Your relationship"     # the heading it goes under ("" = none)
    text = "Your marriage or civil partnership certificate."   # for the client
    provider = "client"               # client | sponsor | household | third_party
    when = ""                         # "" = always; else a key of [circumstances]
    note = "Adviser: ..."             # for the adviser; never printed on a handout
    source = "Reference 003, spouse visa sheet: ...; Appendix FM E-ECP.2.7"
    [item.translations]
    ar = "..."
    fa = "..."

Required: `id`, `version` (a whole number from 1), `title`, `checked_on` (a date), at least one
`[[item]]`, and each item's `id`, `text` and `source`. Anything else is refused with a message naming the file and
line ("resources/checklists/x.toml, line 41: item 'tb_certificate' has no source"): unknown keys,
empty text, a duplicate item id, a `provider` or `when` not in the lists above, a route the
engine does not know, a translation in a language not in LANGUAGES.

`_phrases.toml` holds the handout's own words: `[en]`, `[ar]` and `[fa]` tables with exactly the
keys of PHRASE_KEYS (`weekdays`: 7 names from Monday, `months`: 12 names from January), plus
ENGLISH_FIRST_KEYS (required in `[en]`, optional elsewhere), and a
`[review.<lang>]` table (`by`, `on`) for each language a native speaker has checked. A language
with no review table is unreviewed: printing it warns the adviser.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from desktop.rules.history import ROUTES, quote

#: Who provides an item, in the words a client reads.
PROVIDERS: dict[str, str] = {
    "client": "You",
    "sponsor": "Your sponsor",
    "household": "Someone in your household",
    "third_party": "Someone else",
}

#: Languages a handout can be printed in: code -> (name in that language, direction).
LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("English", "ltr"),
    "ar": ("العربية", "rtl"),
    "fa": ("فارسی", "rtl"),
}


#: The handout's own words in `_phrases.toml`, the same keys in every language. All are strings
#: except `weekdays` (7 names, Monday first) and `months` (12 names, January first).
PHRASE_KEYS: tuple[str, ...] = (
    "what_to_bring",  # heading over the items
    "your_dates",  # heading over the client's own deadlines
    "tick_when_you_have_it",
    "not_legal_advice",  # the footer
    "centre",
    "contact",
    "adviser",
    "client",
    "made_on",  # "Made on <date>"
    "with",  # "... with <adviser>"
    "who_provides",
    "received",  # "Received <date>"
    "to_get",  # an item not yet received
    "not_needed",  # an item marked not applicable
    "only_if",  # "Only if: <circumstance>"
    "money_you_need",  # heading of the money box (desktop.rules.finance.FinancialCheck)
    "money_threshold",  # "Income you need each year: GBP 29,000"
    "money_income",
    "money_shortfall",
    "money_savings_needed",
    "money_savings_held",
    "money_met",  # a sentence
    "money_not_met",  # a sentence
    "money_unknown",  # a sentence
    "money_rule",  # "Rule: Appendix FM E-ECP.3.1"
    "bring_back",  # "Bring this sheet back with you."
    "large_print",
    "page",  # "Page <n> of <m>"
    "of",
    "provider_client",  # the words of PROVIDERS, per language
    "provider_sponsor",
    "provider_household",
    "provider_third_party",
    # "Your dates": one sentence per deadline kind (desktop.printing.client_dates.DATE_PHRASES),
    # "{date}" the date written out.
    "date_apply_before_expiry",
    "date_settle",  # the earliest date to apply for settlement
    "date_become_british",  # the earliest date to apply for naturalisation
    "date_appeal",
    "date_administrative_review",
    "date_fee_waiver_followup",
    "date_section_3c_ends",
    "date_new_application",  # a further application that needs no reason
    "date_late_application",  # a late application that needs a good reason
    "date_file_answer",  # a subject access request's answer
    "date_status_unknown",
    "date_without_permission",
    "about_decision",  # which of two alike dates: "This is about the decision of {date}."
    "fee",  # heading of the fee line
    "fee_on",  # "{date}", "{amount}"
    "fee_none",
    "fee_ask",  # the fee is not known or not verified
    "fee_waiver_asked",
    "closed_since",  # a closed route: "{time}", "{date}"
    "closed_from",  # closed from the start of "{date}"
    "weekdays",
    "months",
)

#: Phrase keys whose value is a list of names, and how many.
PHRASE_LISTS: dict[str, int] = {"weekdays": 7, "months": 12}

#: Phrase keys required in `[en]` and optional in the other languages: words not translated
#: yet. A handout that needs one a language lacks prints that part in English.
ENGLISH_FIRST_KEYS: tuple[str, ...] = (
    "money_exempt",  # the money box for a sponsor exempt from the income rule (a sentence)
    "money_savings_not_counted",  # savings not held long enough (a sentence)
)


class ChecklistError(ValueError):
    """A checklist file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Review:
    """A native speaker checked the translation into one language: who, and on what date."""

    by: str
    on: date


@dataclass(frozen=True)
class Item:
    id: str
    text: str  # English, for the client
    source: str  # reference text and rule paragraph
    provider: str = "client"  # a key of PROVIDERS
    note: str = ""  # for the adviser; never printed on a handout
    when: str = ""  # "" = always; else a key of Checklist.circumstances
    section: str = ""  # the heading the item goes under
    translations: Mapping[str, str] = field(default_factory=dict)  # lang -> client text


@dataclass(frozen=True)
class Checklist:
    id: str  # the file's stem
    version: int
    title: str
    intro: str
    routes: tuple[str, ...]  # engine route codes whose dates the handout shows
    circumstances: Mapping[str, str]  # key -> plain sentence ("You were married before")
    items: tuple[Item, ...]
    #: lang -> {"title": ..., "intro": ..., "section:<name>": ..., "circumstance:<key>": ...}
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    source_file: str = ""
    #: When the items were last checked against their sources (None only for checklists built
    #: in code; every file must say).
    checked_on: date | None = None
    #: Figure keys (resources/rules/fees.toml) whose sum is the application fee; () = none shown.
    fee: tuple[str, ...] = ()
    #: The route is closed to new applications from this moment (None: open), and the client's
    #: words saying so.
    closed_on: datetime | None = None
    closed_note: str = ""
    #: lang -> who checked the translation, and when (a language not here is unreviewed).
    reviews: Mapping[str, Review] = field(default_factory=dict)

    def closed(self, on: date | datetime) -> bool:
        """Whether the route is closed to new applications at `on` (a date counts as closed
        when the closure took effect on or before the end of that day)."""
        if self.closed_on is None:
            return False
        if isinstance(on, datetime):
            return on >= self.closed_on
        return on >= self.closed_on.date()

    def reviewed(self, lang: str) -> Review | None:
        """Who checked the translation into `lang`, or None (English needs no review)."""
        return self.reviews.get(lang)

    def text(self, item: Item, lang: str = "en") -> str:
        return item.text if lang == "en" else item.translations.get(lang, item.text)

    def _phrase(self, key: str, lang: str, english: str) -> str:
        if lang == "en":
            return english
        return self.translations.get(lang, {}).get(key, english)

    def title_in(self, lang: str = "en") -> str:
        return self._phrase("title", lang, self.title)

    def closed_note_in(self, lang: str = "en") -> str:
        """The closed route's words in `lang` (English when not translated; "" when open)."""
        return self._phrase("closed_note", lang, self.closed_note) if self.closed_note else ""

    def intro_in(self, lang: str = "en") -> str:
        return self._phrase("intro", lang, self.intro)

    def section_in(self, name: str, lang: str = "en") -> str:
        return self._phrase(f"section:{name}", lang, name)

    def circumstance_in(self, key: str, lang: str = "en") -> str:
        return self._phrase(f"circumstance:{key}", lang, self.circumstances.get(key, key))

    def languages(self) -> tuple[str, ...]:
        """ "en" first, then every language all items (and the title) are translated into."""
        others = [
            lang
            for lang in LANGUAGES
            if lang != "en"
            and "title" in self.translations.get(lang, {})
            and all(lang in item.translations for item in self.items)
        ]
        return ("en", *others)

    def items_for(self, circumstances: Collection[str] = ()) -> tuple[Item, ...]:
        """The items always needed, plus those for the circumstances given."""
        return tuple(i for i in self.items if not i.when or i.when in circumstances)

    def missing_translations(self, lang: str) -> tuple[str, ...]:
        """What a handout in `lang` would print in English: "title", "intro", "section:<name>",
        "circumstance:<key>" and "item:<id>" (empty when the translation is complete)."""
        if lang == "en":
            return ()
        table = self.translations.get(lang, {})
        wanted = ["title"] + (["intro"] if self.intro else [])
        wanted += ["closed_note"] if self.closed_note else []
        wanted += [f"section:{s}" for s in self.sections()]
        wanted += [f"circumstance:{k}" for k in self.circumstances]
        missing = [k for k in wanted if k not in table]
        missing += [f"item:{i.id}" for i in self.items if lang not in i.translations]
        return tuple(missing)

    def sections(self) -> tuple[str, ...]:
        """The section names the items use, in first-use order ("" is not a section)."""
        return tuple(dict.fromkeys(i.section for i in self.items if i.section))


# --------------------------------------------------------------------------------------------
# Parsing. The TOML is parsed by the caller (desktop.assess); `text` is only used to find lines.
# --------------------------------------------------------------------------------------------

_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_TOP_KEYS = (
    "id",
    "version",
    "title",
    "intro",
    "routes",
    "checked_on",
    "fee",
    "closed_on",
    "closed_note",
    "review",
    "circumstances",
    "translations",
    "item",
)
_FEE_KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\Z")
_ITEM_KEYS = ("id", "section", "text", "provider", "when", "note", "source", "translations")

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\]|\\.)*"'
_LITERAL = r"'[^']*'"
_PART = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_KEY_LINE = re.compile(rf"\s*({_DOTTED})\s*=")
_HEADER_LINE = re.compile(rf"\s*(\[\[?)\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?\Z")
_PARTS = re.compile(_PART)


def _unquote(part: str) -> str:
    if part.startswith('"'):
        return re.sub(r"\\(.)", r"\1", part[1:-1])
    if part.startswith("'"):
        return part[1:-1]
    return part


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(_unquote(p) for p in _PARTS.findall(dotted))


class _LineIndex:
    """Where each table and key of a TOML text starts, by resolved path: ("item", 2, "source")
    is the `source =` line of the third [[item]]. Enough TOML to find lines, not to parse."""

    def __init__(self, text: str):
        self.lines: dict[tuple[Any, ...], int] = {}
        arrays: dict[tuple[Any, ...], int] = {}  # array-of-tables path -> entries so far
        table: tuple[Any, ...] = ()
        closer: str | None = None  # inside a multi-line string ending with this
        for number, line in enumerate(text.splitlines(), start=1):
            if closer is not None:
                if line.count(closer) % 2 == 1:
                    closer = None
                continue
            header = _HEADER_LINE.match(line)
            if header:
                parts = _parts(header.group(2))
                if header.group(1) == "[[":  # a new entry of an array of tables
                    array = (*self._resolve(parts[:-1], arrays), parts[-1])
                    arrays[array] = arrays.get(array, 0) + 1
                    table = (*array, arrays[array] - 1)
                else:
                    table = self._resolve(parts, arrays)
                self.lines.setdefault(table, number)
                continue
            key = _KEY_LINE.match(line)
            if key:
                parts = _parts(key.group(1))
                for n in range(1, len(parts) + 1):
                    self.lines.setdefault((*table, *parts[:n]), number)
                rest = line[key.end() :]
                for delimiter in ('"""', "'''"):
                    if rest.count(delimiter) % 2 == 1:
                        closer = delimiter
                        break

    @staticmethod
    def _resolve(parts: tuple[str, ...], arrays: Mapping[tuple[Any, ...], int]):
        path: tuple[Any, ...] = ()
        for part in parts:
            path = (*path, part)
            if path in arrays:  # a table inside the latest entry of an array of tables
                path = (*path, arrays[path] - 1)
        return path

    def locate(self, *path: Any) -> int:
        """The line of `path`, else of its nearest enclosing table or key; 1 if none."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


def toml_error_line(message: str, text: str) -> tuple[int, int | None]:
    """(line, column) of a tomllib.TOMLDecodeError from its message ("... (at line 3, column
    5)"; "(at end of document)" is the last line). Python 3.11's error has no lineno."""
    found = re.search(r"at line (\d+), column (\d+)", message)
    if found:
        return int(found.group(1)), int(found.group(2))
    return max(1, len(text.splitlines())), None


def _stem(name: str) -> str:
    base = re.split(r"[\\/]", name)[-1]
    return base[: -len(".toml")] if base.endswith(".toml") else base


class _Parser:
    def __init__(self, name: str, text: str):
        self.name = name
        self.index = _LineIndex(text)

    def fail(self, message: str, *path: Any) -> ChecklistError:
        return ChecklistError(f"{self.name}, line {self.index.locate(*path)}: {message}")

    def unknown_keys(self, table: Mapping, allowed: Collection[str], what: str, *path: Any):
        for key in table:
            if key not in allowed:
                raise self.fail(
                    f"{what}: unknown key {quote(str(key))}; expected one of {', '.join(allowed)}",
                    *path,
                    key,
                )

    def text(self, table: Mapping, key: str, what: str, *path: Any, required: bool) -> str:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(f"{what} has no {key}", *path, key)
            return ""
        if not isinstance(value, str):
            raise self.fail(
                f"{what}: {key} must be text in quotes, not {type(value).__name__}", *path, key
            )
        if required and not value.strip():
            raise self.fail(f"{what}: {key} is empty", *path, key)
        return value.strip()

    def table(self, parent: Mapping, key: str, what: str, *path: Any) -> Mapping:
        value = parent.get(key, {})
        if not isinstance(value, Mapping):
            raise self.fail(f"{what} must be a table, not {type(value).__name__}", *path, key)
        return value

    def sentences(self, table: Mapping, what: str, *path: Any) -> dict[str, str]:
        """A table of key -> non-empty text (circumstances; a language's translations)."""
        out = {}
        for key, value in table.items():
            if not isinstance(value, str) or not value.strip():
                kind = "empty" if isinstance(value, str) else type(value).__name__
                raise self.fail(
                    f"{what}: {quote(str(key))} must be non-empty text in quotes, not {kind}",
                    *path,
                    key,
                )
            out[key] = value.strip()
        return out

    def day(self, table: Mapping, key: str, what: str, *path: Any, required: bool) -> date | None:
        """A TOML date (not a date and time) under `key`."""
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(f"{what} has no {key} (a date like 2026-12-06)", *path, key)
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            raise self.fail(
                f"{what}: {key} must be a date like 2026-12-06, not {value!r}", *path, key
            )
        return value

    def reviews(self, doc: Mapping, *path: Any) -> dict[str, Review]:
        """The `[review.<lang>]` tables: who checked each translation, and when."""
        out = {}
        for lang, raw in self.table(doc, "review", "review", *path).items():
            self.language(lang, "review", *path, "review")
            where = (*path, "review", lang)
            if not isinstance(raw, Mapping):
                raise self.fail(f"review.{lang} must be a table with by and on", *where)
            self.unknown_keys(raw, ("by", "on"), f"review.{lang}", *where)
            by = self.text(raw, "by", f"review.{lang}", *where, required=True)
            on = self.day(raw, "on", f"review.{lang}", *where, required=True)
            out[lang] = Review(by=by, on=on)
        return out

    def language(self, lang: Any, what: str, *path: Any) -> None:
        if lang not in LANGUAGES or lang == "en":
            others = ", ".join(code for code in LANGUAGES if code != "en")
            raise self.fail(
                f"{what}: unknown language {quote(str(lang))}; expected one of {others} "
                "(English is the main text)",
                *path,
                lang,
            )


def parse_checklist(doc: Mapping, *, name: str, text: str) -> Checklist:
    """A Checklist from a parsed TOML document, or ChecklistError naming `name` and the line
    (found in `text`, the raw file)."""
    p = _Parser(name, text)
    if not isinstance(doc, Mapping):
        raise p.fail("expected a TOML table")
    p.unknown_keys(doc, _TOP_KEYS, "checklist")

    checklist_id = p.text(doc, "id", "the checklist", required=True)
    if not _ID.match(checklist_id):
        raise p.fail(
            f"id {quote(checklist_id)} must be lower case letters, digits and _ (a file name)",
            "id",
        )
    stem = _stem(name)
    if checklist_id != stem:
        raise p.fail(f"id {quote(checklist_id)} must equal the file name {quote(stem)}", "id")

    version = doc.get("version")
    if version is None:
        raise p.fail("the checklist has no version", "version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise p.fail(f"version must be a whole number from 1, not {version!r}", "version")

    title = p.text(doc, "title", "the checklist", required=True)
    intro = p.text(doc, "intro", "the checklist", required=False)

    routes = doc.get("routes", [])
    if not isinstance(routes, list):
        raise p.fail('routes must be a list of route codes, e.g. ["long_residence"]', "routes")
    for route in routes:
        if route not in ROUTES:
            raise p.fail(
                f"routes: unknown route {quote(str(route))}; expected one of {', '.join(ROUTES)}",
                "routes",
            )
    if len(set(routes)) != len(routes):
        raise p.fail("routes: a route is listed twice", "routes")

    checked_on = p.day(doc, "checked_on", "the checklist", required=True)

    fee = doc.get("fee", [])
    if isinstance(fee, str):
        fee = [fee]
    if not isinstance(fee, list) or not all(isinstance(k, str) for k in fee):
        raise p.fail('fee must be a list of figure keys, e.g. ["fee.flr_partner"]', "fee")
    for key in fee:
        if not _FEE_KEY.match(key):
            raise p.fail(f"fee: {quote(key)} is not a figure key like fee.flr_partner", "fee")
    if len(set(fee)) != len(fee):
        raise p.fail("fee: a figure key is listed twice", "fee")

    closed_on = doc.get("closed_on")
    if closed_on is not None:
        if isinstance(closed_on, datetime):
            if closed_on.tzinfo is not None:
                raise p.fail("closed_on: give the UK time without a time zone", "closed_on")
        elif isinstance(closed_on, date):
            closed_on = datetime(closed_on.year, closed_on.month, closed_on.day)
        else:
            raise p.fail(
                f"closed_on must be a date or date and time like 2025-09-04T15:00:00, "
                f"not {closed_on!r}",
                "closed_on",
            )
    closed_note = p.text(doc, "closed_note", "the checklist", required=closed_on is not None)
    if closed_note and closed_on is None:
        raise p.fail("closed_note needs closed_on: when did the route close?", "closed_note")

    reviews = p.reviews(doc)

    circumstances = p.sentences(
        p.table(doc, "circumstances", "circumstances"), "circumstances", "circumstances"
    )
    for key in circumstances:
        if not _ID.match(key):
            raise p.fail(
                f"circumstances: key {quote(key)} must be lower case letters, digits and _",
                "circumstances",
                key,
            )

    raw_items = doc.get("item")
    if raw_items is None or raw_items == []:
        raise p.fail("the checklist has no items: add [[item]] tables")
    if not isinstance(raw_items, list):
        raise p.fail("item must be a list of [[item]] tables", "item")
    items = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_items):
        item = _parse_item(p, raw, n, circumstances)
        if item.id in seen:
            raise p.fail(
                f"item {quote(item.id)} appears twice: item ids must differ", "item", n, "id"
            )
        seen.add(item.id)
        items.append(item)

    sections = dict.fromkeys(i.section for i in items if i.section)
    translations = {}
    for lang, table in p.table(doc, "translations", "translations").items():
        p.language(lang, "translations", "translations")
        if not isinstance(table, Mapping):
            raise p.fail(f"translations.{lang} must be a table", "translations", lang)
        values = p.sentences(table, f"translations.{lang}", "translations", lang)
        for key in values:
            section = key[len("section:") :] if key.startswith("section:") else None
            circumstance = key[len("circumstance:") :] if key.startswith("circumstance:") else None
            if key in ("title", "intro") or section in sections or circumstance in circumstances:
                continue
            if key == "closed_note" and closed_on is not None:
                continue
            if section is not None:
                why = f"no item has the section {quote(section)}"
            elif circumstance is not None:
                why = f"{quote(circumstance)} is not a key of [circumstances]"
            else:
                why = (
                    "closed_note is only for a checklist with closed_on"
                    if key == "closed_note"
                    else 'expected "title", "intro", "section:<name>", "circumstance:<key>" '
                    'or "closed_note"'
                )
            raise p.fail(
                f"translations.{lang}: unknown key {quote(key)}; {why}", "translations", lang, key
            )
        translations[lang] = values

    return Checklist(
        id=checklist_id,
        version=version,
        title=title,
        intro=intro,
        routes=tuple(routes),
        circumstances=circumstances,
        items=tuple(items),
        translations=translations,
        source_file=name,
        checked_on=checked_on,
        fee=tuple(fee),
        closed_on=closed_on,
        closed_note=closed_note,
        reviews=reviews,
    )


def _parse_item(p: _Parser, raw: Any, n: int, circumstances: Mapping[str, str]) -> Item:
    where = ("item", n)
    if not isinstance(raw, Mapping):
        raise p.fail(f"item {n + 1} must be a table", *where)
    label = f"item {n + 1}"
    item_id = p.text(raw, "id", label, *where, required=True)
    if not _ID.match(item_id):
        raise p.fail(
            f"item {quote(item_id)}: id must be lower case letters, digits and _", *where, "id"
        )
    label = f"item {quote(item_id)}"
    p.unknown_keys(raw, _ITEM_KEYS, label, *where)
    text = p.text(raw, "text", label, *where, required=True)
    source = p.text(raw, "source", label, *where, required=True)
    provider = p.text(raw, "provider", label, *where, required=False) or "client"
    if provider not in PROVIDERS:
        raise p.fail(
            f"{label}: unknown provider {quote(provider)}; expected one of {', '.join(PROVIDERS)}",
            *where,
            "provider",
        )
    when = p.text(raw, "when", label, *where, required=False)
    if when and when not in circumstances:
        known = ", ".join(circumstances) or "none: add a [circumstances] table"
        raise p.fail(
            f"{label}: when = {quote(when)} is not a key of [circumstances] ({known})",
            *where,
            "when",
        )
    translations = p.table(raw, "translations", f"{label}: translations", *where)
    for lang in translations:
        p.language(lang, f"{label}: translations", *where, "translations")
    return Item(
        id=item_id,
        text=text,
        source=source,
        provider=provider,
        note=p.text(raw, "note", label, *where, required=False),
        when=when,
        section=p.text(raw, "section", label, *where, required=False),
        translations=p.sentences(translations, f"{label}: translations", *where, "translations"),
    )


def parse_phrases(doc: Mapping, *, name: str, text: str) -> dict[str, dict[str, Any]]:
    """The handout's own words from `_phrases.toml`: lang -> {key: text} with exactly the keys
    of PHRASE_KEYS in every language of LANGUAGES (`weekdays` and `months` are tuples of
    names). ChecklistError names the file and line of the first problem."""
    p = _Parser(name, text)
    if not isinstance(doc, Mapping):
        raise p.fail("expected a TOML table")
    p.unknown_keys(doc, ("checked_on", "review", *LANGUAGES), "phrases")
    p.day(doc, "checked_on", "phrases", required=False)
    p.reviews(doc)
    out: dict[str, dict[str, Any]] = {}
    for lang in LANGUAGES:
        if lang not in doc:
            raise p.fail(f"phrases: no [{lang}] table")
        table = p.table(doc, lang, f"[{lang}]")
        p.unknown_keys(table, (*PHRASE_KEYS, *ENGLISH_FIRST_KEYS), f"[{lang}]", lang)
        words: dict[str, Any] = {}
        for key in PHRASE_KEYS:
            if key not in table:
                raise p.fail(f"[{lang}] has no {key}", lang)
            value = table[key]
            if key in PHRASE_LISTS:
                size = PHRASE_LISTS[key]
                if (
                    not isinstance(value, list)
                    or len(value) != size
                    or not all(isinstance(v, str) and v.strip() for v in value)
                ):
                    raise p.fail(f"[{lang}] {key} must be a list of {size} names", lang, key)
                words[key] = tuple(v.strip() for v in value)
            else:
                words[key] = p.text(table, key, f"[{lang}]", lang, required=True)
        for key in ENGLISH_FIRST_KEYS:
            if key in table or lang == "en":
                if key not in table:
                    raise p.fail(f"[{lang}] has no {key}", lang)
                words[key] = p.text(table, key, f"[{lang}]", lang, required=True)
        out[lang] = words
    return out


def parse_phrase_reviews(doc: Mapping, *, name: str, text: str) -> dict[str, Review]:
    """lang -> who checked the handout's own words in that language, and when, from the
    `[review.<lang>]` tables of `_phrases.toml` (a language not here is unreviewed)."""
    p = _Parser(name, text)
    if not isinstance(doc, Mapping):
        raise p.fail("expected a TOML table")
    return p.reviews(doc)


def unreviewed_translation(
    checklist: Checklist, lang: str, phrase_reviews: Mapping[str, Review]
) -> str:
    """A warning for the adviser when a handout in `lang` uses words no native speaker has
    checked (the checklist's translation or the handout's own words); "" when all are checked
    or `lang` is English."""
    if lang == "en":
        return ""
    parts = []
    if checklist.reviewed(lang) is None:
        parts.append("this checklist's translation")
    if lang not in phrase_reviews:
        parts.append("the handout's own words")
    if not parts:
        return ""
    name = LANGUAGES.get(lang, (lang, ""))[0]
    return (
        f"Not yet checked by a native speaker ({name}): {' and '.join(parts)}. "
        "Read it with the client, or print in English as well."
    )
