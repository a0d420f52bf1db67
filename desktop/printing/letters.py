"""Letters to a client printed from templates kept as data: client care, written update, outcome,
closing and referral (OISC Code of Standards 2016, codes 23-26, 29-31, 46-47, 55-57).

The words are data, not code: resources/letters/<kind>.toml holds each kind's sentences in
English, Arabic and Farsi (`{field}` for the parts that change), the order of the letter's parts,
the fields it needs before it is final, and its source and checked date; _common.toml holds the
words every letter shares. Weekday and month names, "Page", "of" and "Large print" are the
handout's own words (resources/checklists/_phrases.toml, read through the same parser): the
phrase machinery is the handout's (`desktop.printing.handout._Words`, its page class, its
paragraph, heading, large-print sizes and fonts), not a copy.

What is on a letter, top to bottom: the centre's name, contact and OISC (IAA) number, the date
written out (month names in the letter's language, never strftime), the client's name and
address, the letter's title and what it is about, "Dear ...", the parts, "Yours sincerely" and
the adviser, and, for a client care letter or a referral, a block for the client to sign and
date (code 25: the signed copy is the record of the agreement). Large print is the handout's:
18 pt body. A translation no native speaker has checked (`reviewed = false`) says so on its
first page, and the English letter follows it on new pages: the English one counts.

Not final until complete: `letter_problems` lists each missing piece (from the data's `needs`);
a letter with any is printed with DRAFT, and why, at the top of every page and across it.

The PDF's metadata is generic (title "Letter", no client name) and its creation date is the
letter's date, so the same letter gives the same bytes. Printing does not import
`desktop.assess` (see `.importlinter`): the templates are read from the package's resources.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fpdf.enums import Align

import desktop
from desktop.files import FileReadProblem, read_text_limited
from desktop.printing.handout import (
    LARGE,
    NORMAL,
    _HandoutPDF,
    _heading,
    _is_rtl_text,
    _Words,
    fonts_dir,
    typed,
    without_bidi_controls,
)
from desktop.rules.checklists import LANGUAGES, ChecklistError, parse_phrases
from desktop.rules.datetext import MONTH_NAMES

#: The kinds of letter, in the order the letter dialog offers them (the `letters.kind` column).
LETTER_KINDS: tuple[str, ...] = ("client_care", "update", "outcome", "closing", "referral")

#: The PDF's title: generic, because file managers and mail programs show it unopened.
PDF_TITLE = "Letter"

COMMON_FILE = "_common.toml"
#: A template file is small: anything bigger is not one.
TEMPLATE_LIMIT = 256 * 1024
#: The keys of a language table that are about the words, not words.
_ABOUT_KEYS = ("source", "checked_on", "reviewed")
#: The handout's words a letter uses (resources/checklists/_phrases.toml).
_HANDOUT_KEYS = ("weekdays", "months", "page", "of", "large_print")
_PART_KEYS = frozenset(
    {"code", "heading", "text", "field", "if_empty", "after", "sign_off", "signature", "unless"}
)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class LetterTemplateError(ValueError):
    """A letter template cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class LetterContext:
    """Everything a letter prints. Text is as typed (several lines allowed where a field is a
    block of its own); an empty field is left out, or makes the letter a draft when the kind
    needs it (`letter_problems`). `outcome_label` is printed as given (the outcome list's
    label). `retention_years`: how long the centre keeps a closed file (the settings'
    `retention_years`, OISC code 57). `consent_on`: the day the client agreed to the referral
    being shared (a referral letter then prints no consent lines to sign)."""

    kind: str
    made_on: date
    language: str = "en"
    large_print: bool = False
    centre_name: str = ""
    centre_contact: str = ""
    oisc_number: str = ""
    complaints_procedure: str = ""
    client_name: str = ""
    client_address: str = ""
    adviser: str = ""
    matter_title: str = ""
    category_label: str = ""
    status_summary: str = ""
    instructions: str = ""
    advice_given: str = ""
    work_agreed: str = ""
    timeframe: str = ""
    costs: str = ""
    progress: str = ""
    outcome_label: str = ""
    decision_on: date | None = None
    next_steps: str = ""
    referred_to: str = ""
    referral_reason: str = ""
    agreed_on: date | None = None
    retention_years: int = 6
    consent_on: date | None = None


#: The fields a template may print or need (every LetterContext field but the letter's own
#: settings).
FIELDS: frozenset[str] = frozenset(f.name for f in dataclasses.fields(LetterContext)) - {
    "kind",
    "language",
    "large_print",
}
_DATE_FIELDS = frozenset({"made_on", "decision_on", "agreed_on", "consent_on"})


@dataclass(frozen=True)
class LetterPart:
    """One part of a letter's body (see resources/letters/client_care.toml for the keys)."""

    heading: str = ""
    text: tuple[str, ...] = ()
    field: str = ""
    if_empty: str = ""
    after: tuple[str, ...] = ()
    sign_off: bool = False
    signature: str = ""
    unless: str = ""
    code: str = ""


@dataclass(frozen=True)
class LetterSource:
    """Who wrote a language's words, from what, when they were checked, and whether a native
    speaker has reviewed them."""

    source: str
    checked_on: date | None
    reviewed: bool


@dataclass(frozen=True)
class LetterTemplate:
    kind: str
    rule: str  # the rules the letter meets ("OISC Code of Standards 2016, code 29")
    url: str
    checked_on: date | None
    verified: bool
    note: str
    needs: tuple[str, ...]  # the fields it needs before it is final (the common ones first)
    parts: tuple[LetterPart, ...]
    words: Mapping[str, Mapping[str, Any]]  # lang -> key -> words (common and handout's too)
    sources: Mapping[str, LetterSource]  # lang -> about its words (complete languages only)
    problems: Mapping[str, str]  # field -> the line letter_problems gives when it is missing
    draft: Mapping[str, str]  # "mark", "why"


# ---- reading the templates -------------------------------------------------------------------


def letters_dir() -> Path:
    """resources/letters/ beside the package (see desktop.data_folders)."""
    return desktop.RESOURCES_DIR / "letters"


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_text_limited(path, TEMPLATE_LIMIT, "letter template"))
    except FileReadProblem as exc:
        raise LetterTemplateError(str(exc)) from None
    except OSError as exc:
        raise LetterTemplateError(f"{path.name}: cannot be read ({type(exc).__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise LetterTemplateError(f"{path.name}: not valid TOML ({exc})") from None


def _strings(doc: Mapping, key: str, name: str) -> tuple[str, ...]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise LetterTemplateError(f"{name}: {key} must be a list of names")
    return tuple(value)


def _check_fields(names: Sequence[str], where: str) -> None:
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        raise LetterTemplateError(f"{where}: unknown field {', '.join(unknown)}")


def _language_tables(doc: Mapping, name: str) -> dict[str, dict[str, Any]]:
    """lang -> its table, for the languages of LANGUAGES the file has."""
    out = {}
    for lang in LANGUAGES:
        table = doc.get(lang)
        if table is None:
            continue
        if not isinstance(table, dict):
            raise LetterTemplateError(f"{name}: [{lang}] must be a table")
        for key, value in table.items():
            if key in _ABOUT_KEYS:
                continue
            if not isinstance(value, str) or not value.strip():
                raise LetterTemplateError(f"{name}: [{lang}] {key} must be words")
            unknown = set(_PLACEHOLDER.findall(value)) - FIELDS
            if unknown:
                raise LetterTemplateError(
                    f"{name}: [{lang}] {key} has an unknown field {{{sorted(unknown)[0]}}}"
                )
        out[lang] = table
    if "en" not in out:
        raise LetterTemplateError(f"{name}: no [en] table")
    return out


def _source(table: Mapping, name: str, lang: str) -> LetterSource:
    checked = table.get("checked_on")
    if checked is not None and not isinstance(checked, date):
        raise LetterTemplateError(f"{name}: [{lang}] checked_on must be a date")
    reviewed = table.get("reviewed", False)
    if not isinstance(reviewed, bool):
        raise LetterTemplateError(f"{name}: [{lang}] reviewed must be true or false")
    return LetterSource(str(table.get("source", "")), checked, reviewed or lang == "en")


@functools.cache
def _handout_words() -> dict[str, dict[str, Any]]:
    """The handout's words a letter uses, per language (its own parser checks the file)."""
    path = desktop.RESOURCES_DIR / "checklists" / "_phrases.toml"
    doc = _read(path)
    try:
        phrases = parse_phrases(doc, name=path.name, text="")
    except ChecklistError as exc:
        raise LetterTemplateError(str(exc)) from None
    return {lang: {k: words[k] for k in _HANDOUT_KEYS} for lang, words in phrases.items()}


@functools.cache
def _common() -> tuple[tuple[str, ...], dict[str, str], dict[str, str], dict[str, dict]]:
    """(needs, problems, draft, lang -> words) from _common.toml."""
    path = letters_dir() / COMMON_FILE
    doc = _read(path)
    needs = _strings(doc, "needs", COMMON_FILE)
    _check_fields(needs, f"{COMMON_FILE}: needs")
    problems = doc.get("problems", {})
    draft = doc.get("draft", {})
    for table, label, keys in (
        (problems, "problems", ()),
        (draft, "draft", ("mark", "why")),
    ):
        if not isinstance(table, dict) or not all(
            isinstance(v, str) and v.strip() for v in table.values()
        ):
            raise LetterTemplateError(f"{COMMON_FILE}: [{label}] must be a table of words")
        missing = [k for k in keys if k not in table]
        if missing:
            raise LetterTemplateError(f"{COMMON_FILE}: [{label}] has no {', '.join(missing)}")
    return needs, dict(problems), dict(draft), _language_tables(doc, COMMON_FILE)


def _part(raw: Any, where: str, english: Mapping[str, Any]) -> LetterPart:
    if not isinstance(raw, dict):
        raise LetterTemplateError(f"{where} must be a table")
    unknown = sorted(set(raw) - _PART_KEYS)
    if unknown:
        raise LetterTemplateError(f"{where}: unknown key {unknown[0]}")
    part = LetterPart(
        heading=str(raw.get("heading", "")),
        text=_strings(raw, "text", where),
        field=str(raw.get("field", "")),
        if_empty=str(raw.get("if_empty", "")),
        after=_strings(raw, "after", where),
        sign_off=raw.get("sign_off", False) is True,
        signature=str(raw.get("signature", "")),
        unless=str(raw.get("unless", "")),
        code=str(raw.get("code", "")),
    )
    _check_fields([f for f in (part.field, part.unless) if f], where)
    phrases = [part.heading, *part.text, part.if_empty, *part.after, part.signature]
    missing = [k for k in phrases if k and k not in english]
    if missing:
        raise LetterTemplateError(f"{where}: [en] has no {', '.join(missing)}")
    return part


@functools.cache
def letter_template(kind: str) -> LetterTemplate:
    """The template of `kind` (cached). LetterTemplateError (a ValueError) names the file and
    what is wrong; ValueError for a kind that is not one of LETTER_KINDS."""
    if kind not in LETTER_KINDS:
        raise ValueError(
            f"no letter of the kind {kind!r}; expected one of {', '.join(LETTER_KINDS)}"
        )
    name = f"{kind}.toml"
    doc = _read(letters_dir() / name)
    if doc.get("kind") != kind:
        raise LetterTemplateError(f"{name}: kind must be {kind!r}")
    common_needs, problems, draft, common_words = _common()
    own = _language_tables(doc, name)
    handout = _handout_words()
    needs = _strings(doc, "needs", name)
    _check_fields(needs, f"{name}: needs")
    missing = [f for f in (*common_needs, *needs) if f not in problems]
    if missing:
        raise LetterTemplateError(f"{COMMON_FILE}: [problems] has no {', '.join(missing)}")
    english = {**common_words["en"], **own["en"]}
    raw_parts = doc.get("part", [])
    if not isinstance(raw_parts, list) or not raw_parts:
        raise LetterTemplateError(f"{name}: no [[part]]")
    parts = tuple(_part(p, f"{name}: part {n}", english) for n, p in enumerate(raw_parts, 1))
    if "title" not in english:
        raise LetterTemplateError(f"{name}: [en] has no title")
    wanted = {k for k in english if k not in _ABOUT_KEYS}
    words: dict[str, dict[str, Any]] = {}
    sources: dict[str, LetterSource] = {}
    for lang in LANGUAGES:
        if lang not in own or lang not in common_words or lang not in handout:
            continue
        merged = {**handout[lang], **common_words[lang], **own[lang]}
        if lang != "en" and not wanted <= set(merged):
            continue  # a translation without every sentence is not offered
        words[lang] = {k: v for k, v in merged.items() if k not in _ABOUT_KEYS}
        sources[lang] = _source(own[lang], name, lang)
    checked = doc.get("checked_on")
    return LetterTemplate(
        kind=kind,
        rule=str(doc.get("rule", "")),
        url=str(doc.get("url", "")),
        checked_on=checked if isinstance(checked, date) else None,
        verified=doc.get("verified") is True,
        note=str(doc.get("note", "")),
        needs=tuple(dict.fromkeys((*common_needs, *needs))),
        parts=parts,
        words=words,
        sources=sources,
        problems=problems,
        draft=draft,
    )


def letter_languages(kind: str) -> list[str]:
    """The languages a letter of `kind` can be printed in: English, then each translation that
    has every sentence (Arabic, Farsi), in the order of LANGUAGES."""
    return list(letter_template(kind).words)


def letter_reviewed(kind: str, language: str) -> bool:
    """Whether a native speaker has checked the letter's words in `language` (English: yes).
    An unchecked one prints the English letter after it."""
    source = letter_template(kind).sources.get(language)
    return bool(source and source.reviewed)


# ---- what is missing -------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not without_bidi_controls(value)
    return False


def letter_problems(ctx: LetterContext) -> list[str]:
    """Why the letter is not final yet: one line for each piece it needs and has not got (no
    centre name, no OISC number, a client care letter without instructions, an outcome letter
    without a decision date, ...), naming the piece, never a value. Empty: the letter is final.
    ValueError for a kind that is not one of LETTER_KINDS."""
    template = letter_template(ctx.kind)
    return [template.problems[f] for f in template.needs if _blank(getattr(ctx, f))]


def recorded_context(
    kind: str, made_on: date, language: str, large_print: bool, fields: Mapping[str, Any]
) -> LetterContext:
    """The letter as it was recorded as sent (`desktop.store.casework.Letter`: its kind, day,
    language, print size and typed parts), to print a copy: the same words and the same date.
    A part that is not one of FIELDS, or not of its field's type (a record from an older
    version, or edited by hand), is left out; if the kind needs it, the copy then prints DRAFT
    and says which part is missing (`letter_problems`), never a guess."""
    kept: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in FIELDS or name == "made_on":
            continue
        if name in _DATE_FIELDS:
            if isinstance(value, str):
                try:
                    kept[name] = date.fromisoformat(value)
                except ValueError:
                    continue
        elif name == "retention_years":
            if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 100:
                kept[name] = value
        elif isinstance(value, str):
            kept[name] = value
    return LetterContext(
        kind=kind, made_on=made_on, language=language, large_print=large_print, **kept
    )


# ---- the page --------------------------------------------------------------------------------

#: Faces for names in other scripts, added only when a letter's typed words need them (the
#: handout's faces draw Latin, Greek, Cyrillic and Arabic script).
_EXTRA_FACES = (("ethiopic", "NotoSansEthiopic-Regular.ttf"), ("cjk", "DroidSansFallback.ttf"))


@functools.cache
def _face_chars(file: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(fonts_dir() / file), lazy=True).getBestCmap())


class _LetterPDF(_HandoutPDF):
    """The handout's page (fonts, shaping, paragraphs, sizes) with a letter's furniture: DRAFT
    and why at the top of every page and across it, "Page n of m" at the foot, and a change of
    language (the English letter after an unreviewed translation) starting a new page."""

    def __init__(self, lang: str, style, words: _Words, draft: str, mark: str, typed_text: str):
        super().__init__(lang, style, words)
        self.draft = draft
        self.mark = mark
        self.pending: tuple[str, _Words] | None = None
        #: The number of pages when known (a letter with its English copy is laid out twice:
        #: fpdf2 places "{nb}" one way for the whole file, right for Arabic, left for English).
        self.total: int | None = None
        self.extra_families: list[str] = []
        wanted = {ord(c) for c in typed_text} - self.drawable
        for family, file in _EXTRA_FACES:
            chars = _face_chars(file)
            if wanted & chars:
                self.add_font(family, "", str(fonts_dir() / file))
                self.extra_families.append(family)
                self.drawable = self.drawable | chars
                wanted -= chars
        self._use_language(lang, words)
        lines = 2 if style is LARGE else 1
        self.footer_height = lines * self.footer_line + 3
        self.set_auto_page_break(True, margin=self.footer_height + 9.0 + 4)

    def _use_language(self, lang: str, words: _Words) -> None:
        self.hlang = lang
        self.words = words
        self.rtl = LANGUAGES.get(lang, ("", "ltr"))[1] == "rtl"
        self.main_family = "naskh" if self.rtl else "sans"
        self.set_fallback_fonts([*(["sans"] if self.rtl else ["naskh"]), *self.extra_families])

    def header(self) -> None:
        if self.pending is not None:
            self._use_language(*self.pending)
            self.pending = None
        if not self.draft:
            return
        style = self.hs
        # Across the page, light enough to read the letter through.
        with self.local_context(text_color=(205, 205, 205)):
            self.set_text_shaping(False)
            self.set_font("sans", "B", 110 if style is NORMAL else 120)
            with self.rotation(35, self.w / 2, self.h / 2):
                width = self.get_string_width(self.mark)
                self.text(self.w / 2 - width / 2, self.h / 2 + 12, self.mark)
        # At the top, in a box: what is missing (in English: it is for the adviser).
        pad = 2.5
        top = self.y
        self.set_y(top + pad)
        self.para(self.draft, style.body, bold=True, inset=pad, width=self.epw - 2 * pad, rtl=False)
        bottom = self.y + pad
        with self.local_context(line_width=1.0):
            self.rect(self.l_margin, top, self.epw, bottom - top)
        self.set_y(bottom + style.gap * 2)

    def footer(self) -> None:
        """ "Page n of m" on every page, "Large print" under it in large print."""
        style = self.hs
        words = self.words
        h = self.footer_line
        top = self.h - 9.0 - self.footer_height
        with self.local_context(line_width=0.3):
            self.line(self.l_margin, top, self.w - self.r_margin, top)
        # At the start of the line: fpdf2 keeps room for three digits where "{nb}" is, and the
        # number sits at the start of that room, next to "of".
        start = Align.R if self.rtl else Align.L
        total = str(self.total) if self.total else "{nb}"
        lines = [f"{words['page']} {self.page_no()} {words['of']} {total}"]
        if style is LARGE:
            lines.append(words["large_print"])
        for n, text in enumerate(lines):
            text = self.printable(text)
            self._setup(text, style.small, False)
            self.set_xy(self.l_margin, top + 1.5 + n * h)
            self.cell(self.epw, h, text, align=start)

    def blank_line(self, label: str, value: str = "") -> None:
        """ "Signed: ______" : the label, then the value or a line to write on."""
        style = self.hs
        h = self.line_height(style.body)
        text = self.printable(f"{label}: {value}" if value else f"{label}:")
        rtl = self.rtl and _is_rtl_text(label)
        self._setup(text, style.body, False, rtl)
        w = self.get_string_width(text) + 2
        y = self.y
        x = self.w - self.r_margin - w if rtl else self.l_margin
        self.set_xy(x, y)
        self.cell(w, h, text, align=Align.R if rtl else Align.L)
        if not value:
            left, right = (self.l_margin, x - 2) if rtl else (x + w + 1, self.w - self.r_margin)
            with self.local_context(line_width=0.4):
                self.line(left, y + h * 0.85, right, y + h * 0.85)
        self.set_xy(self.l_margin, y + h * 1.7)


# ---- the letter ------------------------------------------------------------------------------


def _day(words: _Words, value: date) -> str:
    """3 March 2026, the month in the letter's language (Western digits, as the handout)."""
    return f"{value.day} {words.names('months', MONTH_NAMES)[value.month - 1]} {value.year}"


def _lines(text: str | None) -> list[str]:
    """A typed block as its lines, each shown as typed (no bidirectional controls)."""
    return [line for line in (without_bidi_controls(p) for p in (text or "").splitlines()) if line]


def _values(ctx: LetterContext, words: _Words) -> dict[str, str]:
    """Each field as printed inside a sentence: typed values isolated (`typed`), dates written
    out, a block of lines joined with commas; empty stays empty."""
    out: dict[str, str] = {}
    for name in FIELDS:
        value = getattr(ctx, name)
        if value is None:
            out[name] = ""
        elif name in _DATE_FIELDS:
            out[name] = _day(words, value)
        elif isinstance(value, int):
            out[name] = str(value)
        else:
            out[name] = typed(", ".join(_lines(value)))
    return out


def _sentence(words: _Words, key: str, values: Mapping[str, str]) -> str:
    """The sentence of `key` with its fields filled; "" when a field it names is empty (the
    sentence is then left out). Fields are replaced by name, in one pass: a stray brace prints,
    and a typed value that looks like a field ("{adviser}") prints as typed."""
    text = words[key]
    if any(not values[name] for name in _PLACEHOLDER.findall(text) if name in values):
        return ""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _paragraphs(pdf: _LetterPDF, items: Sequence[tuple[str, bool]]) -> None:
    for text, bold in items:
        if text:
            rtl = pdf.rtl and _is_rtl_text(text)
            pdf.para(text, pdf.hs.body, bold=bold, rtl=rtl)
            pdf.ln(pdf.hs.gap)


def _draw_head(pdf: _LetterPDF, ctx: LetterContext, values: Mapping[str, str]) -> None:
    """The centre, its contact and OISC number; the date; the client's name and address."""
    style = pdf.hs
    words = pdf.words
    pdf.para(without_bidi_controls(ctx.centre_name), style.h3, bold=True)
    for line in _lines(ctx.centre_contact):
        pdf.para(line, style.body)
    if values["oisc_number"]:
        pdf.para(_sentence(words, "oisc_number", values), style.body)
    pdf.ln(style.gap)
    pdf.rule()
    pdf.ln(style.gap * 2)
    pdf.para(values["made_on"], style.body)
    pdf.ln(style.gap * 2)
    pdf.para(without_bidi_controls(ctx.client_name), style.body, bold=True)
    for line in _lines(ctx.client_address):
        pdf.para(line, style.body)
    pdf.ln(style.gap * 3)


def _signature(pdf: _LetterPDF, part: LetterPart, ctx: LetterContext, values) -> None:
    """The client's statement and the lines to sign: kept together on one page."""
    style = pdf.hs
    words = pdf.words
    statement = _sentence(words, part.signature, values)
    h = pdf.line_height(style.body)
    room = pdf.para(statement, style.body, bold=True, dry_run=True) + h * 1.7 * 3 + style.gap * 3
    pdf.ensure_room(room)
    pdf.para(statement, style.body, bold=True)
    pdf.ln(style.gap * 3)
    pdf.blank_line(words["sign_name"], without_bidi_controls(ctx.client_name))
    pdf.blank_line(words["sign_signed"])
    pdf.blank_line(words["sign_date"])


def _draw_part(pdf: _LetterPDF, part: LetterPart, ctx: LetterContext, values) -> None:
    style = pdf.hs
    words = pdf.words
    if part.sign_off:
        block = [words["yours"], "", values["adviser"], _sentence(words, "adviser_line", values)]
        height = sum(pdf.para(t or " ", style.body, dry_run=True) for t in block)
        pdf.ln(style.gap * 2)
        pdf.ensure_room(height + style.gap * 6)
        pdf.para(block[0], style.body)
        pdf.ln(style.gap * 6)
        if values["adviser"]:
            pdf.para(without_bidi_controls(ctx.adviser), style.body, bold=True)
        if block[3]:
            pdf.para(block[3], style.body)
        pdf.ln(style.gap * 2)
        return
    before = [(_sentence(words, k, values), False) for k in part.text]
    field = [(line, False) for line in _lines(getattr(ctx, part.field))] if part.field else []
    if part.field and not field and part.if_empty:
        field = [(_sentence(words, part.if_empty, values), False)]
    after = [(_sentence(words, k, values), False) for k in part.after]
    signing = bool(part.signature) and (not part.unless or _blank(getattr(ctx, part.unless)))
    if part.field and not field:
        return  # the part is about the field: nothing typed, nothing to say
    if not any(t for t, _ in before + field + after) and not signing:
        return
    body = [item for item in before + field + after if item[0]]
    if signing:  # the part and the lines to sign stay together: one page
        h = pdf.line_height(style.body)
        statement = _sentence(words, part.signature, values)
        room = sum(pdf.para(t, style.body, dry_run=True) + style.gap for t, _ in before + field)
        room += pdf.para(statement, style.body, bold=True, dry_run=True) + h * 1.7 * 3
        if part.heading:
            room += pdf.para(words[part.heading], style.h3, bold=True, dry_run=True)
        pdf.ensure_room(room + style.gap * 6)
    if part.heading:
        first = body[0][0] if body else ""
        keep = pdf.para(first, style.body, dry_run=True) if first else pdf.line_height(style.body)
        _heading(pdf, words[part.heading], style.h3, keep)
    _paragraphs(pdf, [item for item in before + field if item[0]])
    if signing:
        _signature(pdf, part, ctx, values)
    _paragraphs(pdf, [item for item in after if item[0]])


def _draw_letter(pdf: _LetterPDF, template: LetterTemplate, ctx: LetterContext, note: str) -> None:
    style = pdf.hs
    words = pdf.words
    values = _values(ctx, words)
    _draw_head(pdf, ctx, values)
    pdf.para(words["title"], style.title, bold=True)
    pdf.ln(style.gap)
    for key in ("about", "category"):
        line = _sentence(words, key, values)
        if line:
            pdf.para(line, style.body, bold=key == "about")
    if note:
        pad = 3.0 if style is NORMAL else 4.5
        top = pdf.y + style.gap * 2
        pdf.set_y(top + pad)
        for text in dict.fromkeys((words[note], words.english(note))):
            rtl = pdf.rtl and _is_rtl_text(text)
            pdf.para(text, style.body, bold=True, inset=pad, width=pdf.epw - 2 * pad, rtl=rtl)
        bottom = pdf.y + pad
        with pdf.local_context(line_width=0.8):
            pdf.rect(pdf.l_margin, top, pdf.epw, bottom - top)
        pdf.set_y(bottom)
    pdf.ln(style.gap * 3)
    dear = _sentence(words, "dear", values)
    if dear:
        pdf.para(dear, style.body)
        pdf.ln(style.gap)
    for part in template.parts:
        _draw_part(pdf, part, ctx, values)


def _typed_text(ctx: LetterContext) -> str:
    return "".join(str(v) for v in dataclasses.astuple(ctx) if isinstance(v, str))


def _build(template: LetterTemplate, ctx: LetterContext, total: int | None) -> _LetterPDF:
    problems = letter_problems(ctx)
    draft = ""
    if problems:
        draft = template.draft["why"].replace("{reasons}", "; ".join(problems))
    style = LARGE if ctx.large_print else NORMAL
    words = _Words(ctx.language, template.words)
    pdf = _LetterPDF(ctx.language, style, words, draft, template.draft["mark"], _typed_text(ctx))
    pdf.total = total
    pdf.set_title(PDF_TITLE)
    pdf.set_author("Drop-in Desk")
    pdf.set_creator("Drop-in Desk")
    pdf.set_producer("Drop-in Desk")
    pdf.set_lang(ctx.language)
    made = ctx.made_on
    pdf.set_creation_date(datetime(made.year, made.month, made.day, tzinfo=UTC))
    pdf.add_page()
    unreviewed = not template.sources[ctx.language].reviewed
    _draw_letter(pdf, template, ctx, "translation_note" if unreviewed else "")
    if unreviewed:
        pdf.pending = ("en", _Words("en", template.words))
        pdf.add_page()
        _draw_letter(pdf, template, ctx, "english_follows")
    return pdf


def letter_pdf(ctx: LetterContext) -> bytes:
    """The letter as PDF bytes: in `ctx.language` (one of `letter_languages(ctx.kind)`, else a
    ValueError saying so), large print when asked, DRAFT and why on every page while
    `letter_problems(ctx)` lists anything, and, after a translation no native speaker has
    checked, the same letter in English on new pages. LetterTemplateError (a ValueError) when
    a template file is wrong."""
    template = letter_template(ctx.kind)
    if ctx.language not in template.words:
        raise ValueError(
            f"no {ctx.kind} letter in the language {ctx.language!r}; "
            f"expected one of {', '.join(template.words)}"
        )
    total = None
    if not template.sources[ctx.language].reviewed:
        total = _build(template, ctx, None).page  # two directions: count the pages first
    return bytes(_build(template, ctx, total).output())
