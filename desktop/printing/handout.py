"""The printed client handout: what to bring for a route, in English, Arabic or Farsi.

One A4 portrait PDF made with fpdf2. Arabic and Farsi go through HarfBuzz (uharfbuzz), so letters
join and lines run right to left, with Latin words ("Appendix FM", "BRP") and digits kept in
reading order inside them. Right-to-left pages are right aligned, with the tick boxes on the right.

What is on it, top to bottom: the centre's name and contact (when set), the checklist's title,
the client's name, "Made on <date> with <adviser>", the intro, "Your dates" (the client's own
deadlines in bold, soonest first), "Money you need" (when a financial check is given), then the
items grouped by section, each with a tick box (ticked when done), who provides it and, for
received items, the date received. Items marked not needed are not in the tick list (struck
text is hard to read in large print): they are listed, without boxes, under "Not needed" at the
end, so nobody wonders whether they were forgotten. Every page ends with "This is not legal
advice" (in English too when the handout is not) and "Page n of m". Dates are written out with
the weekday ("Monday 3 March 2026"; in Arabic and Farsi with the phrases' weekday and month
names, Western digits).

Large print: body 18 pt, headings larger, wider line spacing, the same content. Normal print:
12 pt body. Sans-serif faces only, never italics, no blocks of capitals.

Every fixed word comes from `desktop.assess.handout_phrases()` (resources/checklists/
_phrases.toml) in the handout's language, falling back to that file's English (`[en]`) when a
phrase is missing; no English is written again in Python. A sentence that falls back to
English on an Arabic or Farsi page is set left to right; the money box is all in one language,
never half and half.

fpdf2 2.8 needs three work-arounds here, each with its test: the page font is set before every
paragraph (else a line starting with a Latin word could draw the next line's first run in the
wrong font), amounts like "£29,000" are wrapped in a left-to-right embedding inside right-to-left
text (else it prints "29,000£"), and letters no face has are spelled another way before fpdf2
sees them (else it drops them and logs them, and they may be part of a client's name).

The PDF's metadata is generic (title "Checklist", no client name) and its creation date is the
day it was made, so the same input gives the same bytes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

import desktop
from desktop.printing.client_dates import (  # noqa: F401 - ASSUMED_WORDS re-exported
    ASSUMED_WORDS,
    ATTENTION_WORDS,
    ClientFee,
    attention_words,
    client_fee,
    clock_words,
    date_phrase_key,
)
from desktop.printing.common import plain_records, written_long
from desktop.rules.checklists import LANGUAGES, PROVIDERS, Checklist
from desktop.rules.datetext import MONTH_NAMES, WEEKDAY_NAMES
from desktop.rules.history import ROUTES

if TYPE_CHECKING:
    from desktop.rules.figures import Figures
    from desktop.rules.finance import FinancialCheck

#: The vendored faces: (family, style) -> file in resources/fonts/.
FONT_FILES: dict[tuple[str, str], str] = {
    ("sans", ""): "NotoSans-Regular.ttf",
    ("sans", "B"): "NotoSans-Bold.ttf",
    ("naskh", ""): "NotoNaskhArabic-Regular.ttf",
    ("naskh", "B"): "NotoNaskhArabic-Bold.ttf",
}

#: The PDF's title: generic, because file managers and mail programs show it unopened.
PDF_TITLE = "Checklist"


class HandoutWordsMissing(ValueError):
    """The handout was asked for without its words (the phrases file's [en] table at least)."""


# ---- fonts and words -------------------------------------------------------------------------


def fonts_dir() -> Path:
    """resources/fonts/ beside the package (see desktop.assess.rules_dir)."""
    return desktop.RESOURCES_DIR / "fonts"


class _Words:
    """The handout's fixed words in one language, English where a phrase is missing. The English
    is the phrases file's `[en]` table: there is no second copy of the words here."""

    def __init__(self, lang: str, phrases: Mapping[str, Mapping[str, Any]]):
        self.lang = lang
        self.phrases = phrases
        self._mine = phrases.get(lang, {}) if lang != "en" else {}
        self._english = phrases.get("en", {})

    def has(self, key: str) -> bool:
        """Whether the phrase is there in this language (English counts for English)."""
        return self.lang == "en" or bool(self._mine.get(key))

    def __getitem__(self, key: str) -> str:
        for table in (self._mine, self._english):
            value = table.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        raise HandoutWordsMissing(
            f"The handout's words have no {key!r}: check resources/checklists/_phrases.toml [en]"
        )

    def in_english(self) -> _Words:
        return _Words("en", self.phrases)

    def english(self, key: str) -> str:
        return self.in_english()[key]

    def phrase(self, key: str, **values: str) -> tuple[str, bool]:
        """(the sentence of `key` with its "{name}" fields filled, whether it is in this
        language). A phrase missing here is the English one, with the English date, so it can
        be set left to right. Fields are replaced by name only: a stray brace in a phrase
        prints as typed."""
        mine = self.has(key)
        words = self if mine else self.in_english()
        text = words[key]
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text, mine

    def names(self, key: str, english: Sequence[str]) -> Sequence[str]:
        """A list of names (weekdays, months) in this language, else the English ones."""
        for table in (self._mine, self._english):
            value = table.get(key)
            if isinstance(value, Sequence) and not isinstance(value, str):
                if len(value) == len(english) and all(isinstance(v, str) and v for v in value):
                    return value
        return english

    def provider(self, key: str) -> str:
        for table in (self._mine, self._english):
            value = table.get(f"provider:{key}") or table.get(f"provider_{key}")
            if isinstance(value, str) and value.strip():
                return value.strip()
        return PROVIDERS.get(key, key)

    def long_date(self, value: date) -> str:
        """Monday 3 March 2026 (weekday and month in this language; Western digits)."""
        weekday = self.names("weekdays", WEEKDAY_NAMES)[value.weekday()]
        month = self.names("months", MONTH_NAMES)[value.month - 1]
        return f"{weekday} {value.day} {month} {value.year}"


# ---- what goes on the page -------------------------------------------------------------------


@dataclass(frozen=True)
class HandoutLine:
    text: str  # the client's words, already in the handout's language
    provider: str = "client"  # a key of PROVIDERS
    done: bool = False
    received_on: date | None = None
    not_applicable: bool = False
    section: str = ""  # the checklist's section name (in English: the handout translates it)
    when: str = ""  # the template item's circumstance key ("" = always, or the adviser's own)


@dataclass(frozen=True)
class HandoutDate:
    """A client's own date. With a `kind` (desktop.rules.deadlines.DEADLINE_KINDS) that has a
    phrase (client_dates.DATE_PHRASES) the handout prints that phrase in its language;
    otherwise `what`, the engine's sentence made readable, in English."""

    on: date
    what: str  # a client's own deadline, in English
    kind: str = ""
    facts: tuple[tuple[str, Any], ...] = ()
    event_date: date | None = None  # the decision an appeal or review is about
    record: str | None = None  # "applications[2]": which application or permission
    route: str = ""  # the engine route the date was worked out for


def template_lines(checklist: Checklist, lang: str = "en") -> tuple[HandoutLine, ...]:
    """The checklist's always-items as handout lines in `lang` (nothing ticked)."""
    return tuple(
        HandoutLine(
            text=checklist.text(item, lang),
            provider=item.provider,
            section=item.section,
            when=item.when,
        )
        for item in checklist.items_for(())
    )


def client_lines(checklist: Checklist, items: Sequence[Any], lang: str = "en") -> list[HandoutLine]:
    """Handout lines from a client's stored checklist items (`desktop.store.checklists`
    ItemState: item_id, text, provider, section, status, received_on, custom).

    English prints the text as stored (what the adviser ticked); another language prints the
    template's translation of the item, or the stored English when there is none (an item the
    adviser added, or one a newer template dropped)."""
    template = {item.id: item for item in checklist.items}
    out = []
    for state in items:
        item = template.get(state.item_id)
        text = state.text
        if lang != "en" and item is not None and not getattr(state, "custom", False):
            text = checklist.text(item, lang)
        status = getattr(state, "status", "pending")
        out.append(
            HandoutLine(
                text=text,
                provider=state.provider,
                done=status == "received",
                received_on=state.received_on if status == "received" else None,
                not_applicable=status == "not_applicable",
                section=state.section,
                when=item.when if item is not None and not getattr(state, "custom", False) else "",
            )
        )
    return out


def client_words(what: str) -> str:
    """An engine deadline's words for a client: UK dates, "permission 1" for `permissions[0]`."""
    return plain_records(_clean(written_long(what)))


#: Deadline kinds that stay off the client's paper: the dates a conviction or sentence stops
#: counting (Part Suitability / STP) are for the adviser to explain, and a handout taken home
#: may be read by others.
ADVISER_ONLY_KINDS = frozenset({"criminality"})


def deadline_dates(deadlines: Sequence[Any], today: date) -> list[HandoutDate]:
    """The client's own dates from engine deadlines (desktop.rules.deadlines.Deadline): those
    still to come (on or after `today`), each once, soonest first, and, first, any item that
    needs attention whatever its date (status "attention": the record stops, or shows no
    permission), in words saying so. Where a time limit falls on a day that is not a working
    day the safe date is printed (`Deadline.date`). The engine's sentences are made readable:
    UK dates, "permission 1" for `permissions[0]`. No date that rests on an unrecorded
    assumption is printed without saying so (the engine gives no earliest date then).
    Criminality dates (ADVISER_ONLY_KINDS) are left off."""
    seen: dict[tuple[date, str], HandoutDate] = {}
    for d in deadlines:
        if getattr(d, "kind", "") in ADVISER_ONLY_KINDS:
            continue
        status = getattr(d, "status", "upcoming")
        if status == "attention" and getattr(d, "kind", "") in ATTENTION_WORDS:
            what = attention_words(d.kind, d.date)
        elif status in ("passed", "attention") or d.date < today:
            continue
        else:
            what = client_words(d.what)
        facts = tuple(getattr(d, "facts", ()) or ())
        seen.setdefault(
            (d.date, what),
            HandoutDate(
                on=d.date,
                what=what,
                kind=getattr(d, "kind", "") or "",
                facts=facts,
                event_date=getattr(d, "event_date", None),
                record=getattr(d, "record", None),
                route=str(dict(facts).get("route", "") or ""),
            ),
        )
    return sorted(seen.values(), key=lambda d: (d.on, d.what))


_RTL_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def _is_rtl_text(text: str) -> bool:
    return bool(_RTL_LETTER.search(text))


#: An amount with its currency sign or per cent sign ("£29,000", "50%").
_AMOUNT = re.compile(r"[£$€]\s?[0-9][0-9,.]*[0-9]|[£$€]\s?[0-9]|[0-9][0-9,.]*\s?%")
_LRE, _PDF = "\u202a", "\u202c"


def _keep_amounts_in_order(text: str) -> str:
    """Each amount wrapped in a left-to-right embedding: fpdf2 2.8's bidi algorithm puts the
    "£" of "£29,000" in the right-to-left run around it, printing "29,000£"."""
    return _AMOUNT.sub(lambda m: f"{_LRE}{m.group(0)}{_PDF}", text)


def _clean(text: str) -> str:
    """One paragraph: control characters and runs of white space become single spaces."""
    return " ".join("".join(" " if ord(c) < 32 or c == "\x7f" else c for c in text).split())


#: The bidirectional formatting characters: embeddings and overrides (U+202A-202E), isolates
#: (U+2066-2069) and the direction marks (U+200E, U+200F, U+061C). In typed text they reorder
#: what is printed: "Client: " + U+202E + "NAMOW SRM" came out as "Client: MRS WOMAN", and the
#: override ran on into the words after it.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FSI, _PDI = "\u2068", "\u2069"  # first strong isolate, pop directional isolate


def without_bidi_controls(text: str | None) -> str:
    """Typed text that is a paragraph of its own (the centre's name and contact, an item's
    text, which may be one the adviser typed): its bidirectional controls taken out, so it
    shows as typed."""
    return _clean(BIDI_CONTROLS.sub("", text or ""))


def typed(text: str | None) -> str:
    """A value someone typed that is printed inside a sentence (the client's name after
    "Client:", the adviser's after "with"): its bidirectional controls taken out, then the
    value wrapped in a first-strong isolate. It keeps its own direction (an Arabic name reads
    right to left on an English page, a Latin one left to right on an Arabic page) and never
    moves the label, words or digits around it. Empty stays empty."""
    value = without_bidi_controls(text)
    return f"{_FSI}{value}{_PDI}" if value else ""


def _said(sentence: str, text: str) -> bool:
    """Whether `text` already contains `sentence` (case, spacing and the full stop aside)."""
    key = " ".join(sentence.casefold().split()).rstrip(".!。۔")
    return bool(key) and key in " ".join(text.casefold().split())


def money_text(amount: Any) -> str:
    """£29,000 or £1,234.50 (whole pounds without pence); Decimal arithmetic, never float."""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    if value == value.to_integral_value():
        return f"£{value:,.0f}"
    return f"£{value.quantize(Decimal('0.01')):,.2f}"


@dataclass(frozen=True)
class _Style:
    body: float
    small: float  # the footer
    h3: float  # section headings
    h2: float  # "What to bring", "Your dates"
    title: float
    leading: float  # line height as a multiple of the font size
    box: float  # tick box side, mm
    gap: float  # between paragraphs, mm


NORMAL = _Style(body=12, small=10, h3=14, h2=16, title=21, leading=1.45, box=4.6, gap=1.6)
LARGE = _Style(body=18, small=16, h3=21, h2=23, title=28, leading=1.55, box=6.8, gap=2.6)

PT = 25.4 / 72  # mm per point
NASKH_SCALE = 1.2
MARGIN_SIDE = 18.0
MARGIN_TOP = 16.0
FOOTER_BOTTOM = 9.0  # mm from the page's foot to the footer's last line


class _HandoutPDF(FPDF):
    def __init__(self, lang: str, style: _Style, words: _Words):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.hlang = lang
        self.rtl = LANGUAGES.get(lang, ("", "ltr"))[1] == "rtl"
        self.hs = style
        self.words = words
        folder = fonts_dir()
        for (family, face), name in FONT_FILES.items():
            self.add_font(family, face, str(folder / name))
        # Latin inside Arabic and Farsi, and Arabic script (a client's name) inside English.
        self.set_fallback_fonts(["sans"] if self.rtl else ["naskh"])
        self.main_family = "naskh" if self.rtl else "sans"
        # What the faces can draw (regular and bold alike), to spell anything else another way.
        self.drawable = frozenset().union(
            *(
                set(self.fonts[family].cmap) & set(self.fonts[family + "B"].cmap)
                for family in ("sans", "naskh")
            )
        )
        lines = 2 if lang != "en" or style is LARGE else 1
        self.footer_line = style.small * (NASKH_SCALE if self.rtl else 1) * PT * 1.4
        self.footer_height = lines * self.footer_line + 3
        self.set_margins(MARGIN_SIDE, MARGIN_TOP, MARGIN_SIDE)
        self.set_auto_page_break(True, margin=self.footer_height + FOOTER_BOTTOM + 4)
        self.c_margin = 0
        self.set_line_width(0.3)
        self.set_draw_color(26)
        self.set_text_color(26)
        # The page count is written where "{nb}" is, in room kept for three digits; on a
        # right-to-left page it sits at the right of that room, next to the word before it.
        self.alias_nb_pages(align=Align.R if self.rtl else Align.L)

    # -- text --

    def printable(self, text: str) -> str:
        """`text` with only letters the faces have: a letter they lack loses its accent or
        becomes "?" (otherwise fpdf2 drops it and logs it, and it may be part of a name)."""
        if all(ord(c) in self.drawable for c in text):
            return text
        out = []
        for c in text:
            if ord(c) in self.drawable:
                out.append(c)
                continue
            base = "".join(
                b
                for b in unicodedata.normalize("NFKD", c)
                if ord(b) in self.drawable and not unicodedata.combining(b)
            )
            out.append(base or "?")
        return "".join(out)

    def _setup(self, text: str, size: float, bold: bool, rtl: bool | None = None) -> float:
        """Font and shaping for one paragraph; returns the font size used (Arabic script is
        set a little larger: at the same size it reads smaller than Latin). A paragraph with
        no Arabic letters (an English phrase on an Arabic page) is set left to right."""
        rtl = self.rtl if rtl is None else rtl
        direction = "rtl" if rtl and _is_rtl_text(text) else "ltr"
        if direction == "rtl":
            size *= NASKH_SCALE
        self.set_font("naskh" if direction == "rtl" else "sans", "B" if bold else "", size)
        if self.page > 0 and not self.current_font_is_set_on_page:
            # fpdf2 2.8 work-around: when a line starts with a fallback-font run (a Latin word
            # at the left end of an Arabic line) before the font is set on the page, fpdf2
            # sets the main font only inside that line's q/Q and believes it set for the page:
            # the next line then draws its first run in the wrong font (a "." came out as a
            # "2"). Setting the font on the page first avoids it.
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        self.set_text_shaping(
            use_shaping_engine=True, direction=direction, language=self.hlang if self.rtl else "en"
        )
        return size

    def line_height(self, size: float) -> float:
        return size * PT * self.hs.leading

    def para(
        self,
        text: str,
        size: float,
        *,
        bold: bool = False,
        inset: float = 0.0,
        width: float | None = None,
        dry_run: bool = False,
        rtl: bool | None = None,
    ) -> float:
        """One paragraph at the current y, `inset` mm in from the text side (left for English,
        right for Arabic and Farsi; `rtl` False sets an English block on an Arabic or Farsi
        page left to right). Returns its height in mm."""
        text = self.printable(_clean(text))
        if not text:
            return 0.0
        rtl = self.rtl if rtl is None else rtl
        if rtl and _is_rtl_text(text):
            text = _keep_amounts_in_order(text)
        size = self._setup(text, size, bold, rtl)
        w = width if width is not None else self.epw - inset
        x = self.l_margin + (self.epw - inset - w if rtl else inset)
        h = self.line_height(size)
        align = Align.R if rtl else Align.L
        if dry_run:
            lines = self.multi_cell(
                w, h, text, align=align, dry_run=True, output="LINES", new_x=XPos.LMARGIN
            )
            return h * len(lines)
        self.set_x(x)
        y0 = self.y
        self.multi_cell(w, h, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return self.y - y0

    def ensure_room(self, height: float) -> None:
        """A new page when `height` mm does not fit above the footer."""
        if self.y + height > self.page_break_trigger:
            self.add_page()

    # -- page furniture --

    def footer(self) -> None:
        """The disclaimer (in English too on a handout in another language) and "Page n of m"
        on every page; "Large print" under the page number on large-print handouts."""
        style = self.hs
        words = self.words
        h = self.footer_line
        top = self.h - FOOTER_BOTTOM - self.footer_height
        with self.local_context(line_width=0.3):
            self.line(self.l_margin, top, self.w - self.r_margin, top)
        y = top + 1.5
        wide = self.epw * 0.68
        start, end = (Align.R, Align.L) if self.rtl else (Align.L, Align.R)
        text_x = self.l_margin + (self.epw - wide if self.rtl else 0)
        other_x = self.l_margin if self.rtl else self.l_margin + wide

        def put(x: float, y: float, w: float, text: str, align: Align, bold: bool) -> None:
            text = self.printable(text)
            self._setup(text, style.small, bold)
            self.set_xy(x, y)
            self.cell(w, h, text, align=align)

        put(text_x, y, wide, words["not_legal_advice"], start, True)
        page = f"{words['page']} {self.page_no()} {words['of']} {{nb}}"
        put(other_x, y, self.epw - wide, page, end, False)
        if self.hlang != "en":
            put(text_x, y + h, wide, words.english("not_legal_advice"), start, True)
        if self.hs is LARGE:
            put(other_x, y + h, self.epw - wide, words["large_print"], end, False)

    # -- pieces --

    def tick_box(self, y: float, line_h: float, done: bool) -> None:
        s = self.hs.box
        x = self.w - self.r_margin - s if self.rtl else self.l_margin
        top = y + (line_h - s) / 2
        with self.local_context(line_width=0.45 if self.hs is LARGE else 0.35):
            self.rect(x, top, s, s)
            if done:
                self.set_line_width(0.7 if self.hs is LARGE else 0.5)
                self.polyline(
                    [
                        (x + s * 0.2, top + s * 0.52),
                        (x + s * 0.42, top + s * 0.76),
                        (x + s * 0.82, top + s * 0.22),
                    ]
                )

    def rule(self) -> None:
        with self.local_context(line_width=0.25):
            self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)


def _section_order(lines: Sequence[HandoutLine]) -> list[str]:
    order: list[str] = []
    for line in lines:
        if line.section not in order:
            order.append(line.section)
    return order


def _item_parts(pdf: _HandoutPDF, line: HandoutLine) -> list[tuple[str, bool]]:
    """The paragraphs of one item beside its box: its text, who gets it, when received."""
    words = pdf.words
    parts = [(without_bidi_controls(line.text), False)]
    parts.append((f"{words['who_provides']}: {words.provider(line.provider)}", False))
    if line.received_on is not None:
        parts.append((f"{words['received']} {words.long_date(line.received_on)}", False))
    return parts


def _item_inset(pdf: _HandoutPDF) -> float:
    return pdf.hs.box + (3.5 if pdf.hs is LARGE else 2.6)


def _item_height(pdf: _HandoutPDF, line: HandoutLine) -> float:
    inset = _item_inset(pdf)
    return sum(
        pdf.para(t, pdf.hs.body, bold=b, inset=inset, dry_run=True)
        for t, b in _item_parts(pdf, line)
    )


def _draw_item(pdf: _HandoutPDF, line: HandoutLine) -> None:
    style = pdf.hs
    inset = _item_inset(pdf)
    parts = _item_parts(pdf, line)
    pdf.ensure_room(_item_height(pdf, line) + style.gap)
    pdf.tick_box(pdf.y, pdf.line_height(style.body), line.done)
    for text, bold in parts:
        pdf.para(text, style.body, bold=bold, inset=inset)
    pdf.ln(style.gap * 1.6)


def _heading(pdf: _HandoutPDF, text: str, size: float, keep_with: float) -> None:
    """A heading kept on the same page as the `keep_with` mm that follow it."""
    pdf.ln(pdf.hs.gap * 2)
    height = pdf.para(text, size, bold=True, dry_run=True)
    pdf.ensure_room(height + keep_with)
    pdf.para(text, size, bold=True)
    pdf.ln(pdf.hs.gap)


def _money_parts(money: FinancialCheck) -> list[tuple[str, Any, bool]]:
    """The money box's lines as (phrase key, amount or text after it or None, bold)."""
    if getattr(money, "exempt", False):
        exemption = [f.rule for f in getattr(money, "findings", ())][-1:]
        return [
            ("money_exempt", None, True),
            ("money_rule", exemption[0] if exemption else money.threshold_rule, False),
        ]
    parts: list[tuple[str, Any, bool]] = [
        ("money_threshold", money_text(money.income_threshold), False),
        ("money_income", money_text(money.income), False),
    ]
    shortfall = Decimal(str(money.shortfall))
    if shortfall > 0:
        parts.append(("money_shortfall", money_text(shortfall), False))
        parts.append(("money_savings_needed", money_text(money.savings_needed), False))
        if money.savings_held is not None:
            parts.append(("money_savings_held", money_text(money.savings_held), False))
            if getattr(money, "savings_held_6_months", None) is False:
                parts.append(("money_savings_not_counted", None, False))
    verdict = {True: "money_met", False: "money_not_met", None: "money_unknown"}[money.meets]
    parts.append((verdict, None, True))
    parts.append(("money_rule", money.threshold_rule, False))
    return parts


def _draw_money(pdf: _HandoutPDF, money: FinancialCheck) -> None:
    """The "Money you need" box: in `lang` when the phrases have every word it uses in that
    language, otherwise all in English (set left to right), never half and half."""
    style = pdf.hs
    lines = [("money_you_need", None, True), *_money_parts(money)]
    translated = all(pdf.words.has(key) for key, _, _ in lines)
    words = pdf.words if translated else pdf.words.in_english()
    parts = [(words[k] if v is None else f"{words[k]}: {v}", b) for k, v, b in lines]
    pad = 3.0 if style is NORMAL else 4.5
    width = pdf.epw - 2 * pad
    rtl = pdf.rtl and translated
    sizes = [style.h3 if i == 0 else style.body for i in range(len(parts))]
    height = sum(
        pdf.para(t, s, bold=b, inset=pad, width=width, dry_run=True, rtl=rtl)
        for (t, b), s in zip(parts, sizes, strict=True)
    )
    pdf.ln(style.gap * 2)
    pdf.ensure_room(height + 2 * pad)
    top = pdf.y
    pdf.set_y(top + pad)
    for (text, bold), size in zip(parts, sizes, strict=True):
        pdf.para(text, size, bold=bold, inset=pad, width=width, rtl=rtl)
    bottom = pdf.y + pad
    with pdf.local_context(line_width=0.5 if style is LARGE else 0.4):
        pdf.rect(pdf.l_margin, top, pdf.epw, bottom - top)
    pdf.set_y(bottom)


# ---- "Your dates", the fee, a closed route ---------------------------------------------------


@dataclass(frozen=True)
class _DateText:
    on: date
    text: str  # the sentence printed
    translated: bool  # in the handout's language (else English, set left to right)
    phrased: bool  # a phrase with the date in it (else the date, then the engine's sentence)
    key: str | None  # the phrase key
    which: str = ""  # which application it is about, when two alike dates are side by side
    which_translated: bool = True


def _date_texts(words: _Words, dates: Sequence[HandoutDate]) -> list[_DateText]:
    """Each date's sentence in the handout's language (by kind), soonest first, each once.
    Two dates printed with the same phrase but about different applications or routes each
    say which they are about: the decision's date, else the route."""
    out: list[_DateText] = []
    for d in dates:
        key = date_phrase_key(d.kind, d.facts) if d.kind else None
        if key is None:
            out.append(_DateText(d.on, d.what, words.lang == "en", False, None))
            continue
        date_words = words if words.has(key) else words.in_english()
        text, mine = words.phrase(key, date=date_words.long_date(d.on))
        out.append(_DateText(d.on, text, mine, True, key))
    by_key: dict[str, list[int]] = {}
    for n, t in enumerate(out):
        if t.key is not None:
            by_key.setdefault(t.key, []).append(n)
    for numbers in by_key.values():
        identities = {(dates[n].event_date, dates[n].route, dates[n].record) for n in numbers}
        if len(identities) < 2:
            continue
        for n in numbers:
            d = dates[n]
            if d.event_date is not None:
                decided = words if words.has("about_decision") else words.in_english()
                which, mine = words.phrase("about_decision", date=decided.long_date(d.event_date))
            elif d.route:
                which, mine = f"({ROUTES.get(d.route, d.route)})", False
            elif d.record:
                which, mine = f"({plain_records(d.record)})", False
            else:
                continue
            out[n] = replace(out[n], which=which, which_translated=mine)
    unique = {(t.on, t.text, t.which): t for t in out}
    return sorted(unique.values(), key=lambda t: (t.on, t.text, t.which))


def _draw_dates(pdf: _HandoutPDF, dates: Sequence[HandoutDate]) -> None:
    """ "Your dates": a phrase per kind in bold, with its date in it (and, under it, which
    application it is about when two alike dates are side by side); a date without a phrase
    as before: the date in bold, the engine's sentence under it, in English."""
    style = pdf.hs
    words = pdf.words
    texts = _date_texts(words, dates)
    if not texts:
        return
    _heading(pdf, words["your_dates"], style.h2, pdf.line_height(style.body) * 2)
    for t in texts:
        # An English sentence on an Arabic or Farsi page is set left to right.
        rtl = pdf.rtl and t.translated
        which_rtl = pdf.rtl and t.which_translated
        if t.phrased:
            parts = [(t.text, True, 0.0, rtl)]
        else:
            parts = [(words.long_date(t.on), True, 0.0, None), (t.text, False, style.box, rtl)]
        if t.which:
            parts.append((t.which, False, style.box, which_rtl))
        block = sum(
            pdf.para(text, style.body, bold=b, inset=i, dry_run=True, rtl=r)
            for text, b, i, r in parts
        )
        pdf.ensure_room(block + style.gap)
        for text, bold, inset, r in parts:
            pdf.para(text, style.body, bold=bold, inset=inset, rtl=r)
        pdf.ln(style.gap)


def _fee_from(
    checklist: Checklist, on: date, figures: Figures | Callable[[], Figures] | None
) -> ClientFee | None:
    """The checklist's fee on `on` from `figures` (or what the loader `figures` gives); None
    when no figures are given or the checklist names no fee."""
    if figures is None or not checklist.fee:
        return None
    if callable(figures):
        try:
            figures = figures()
        except (OSError, ValueError) as exc:  # figures files missing or wrong
            return ClientFee((), False, None, f"The fee figures could not be read ({exc}).")
    return client_fee(checklist, on, figures)


def fee_sentence(fee: ClientFee, words: _Words, on: date) -> tuple[str, bool]:
    """The fee line's sentence and whether it is in the handout's language: an amount only
    when every figure is known and verified; "There is no fee." for a verified nought;
    otherwise "Ask your adviser ..." (an unverified amount is never printed as fact)."""
    if not fee.printable or fee.total is None:
        return words.phrase("fee_ask")
    if fee.total == 0:
        return words.phrase("fee_none")
    if words.lang == "en" and sum(1 for q in fee.quotes if q.amount) > 1:
        try:  # the parts, "£1,605 application fee + £130 citizenship ceremony fee = ..."
            from desktop.rules.fees import fee_words_for_client

            return fee_words_for_client(fee.quotes, on), True
        except ImportError:
            pass
    day = words if words.has("fee_on") else words.in_english()
    return words.phrase("fee_on", date=day.long_date(on), amount=money_text(fee.total))


def _draw_fee(pdf: _HandoutPDF, fee: ClientFee, on: date, waiver: bool) -> None:
    style = pdf.hs
    words = pdf.words
    parts = [fee_sentence(fee, words, on)]
    if waiver:
        parts.append(words.phrase("fee_waiver_asked"))
    height = sum(pdf.para(t, style.body, dry_run=True, rtl=pdf.rtl and mine) for t, mine in parts)
    _heading(pdf, words["fee"], style.h3, height)
    for text, mine in parts:
        pdf.para(text, style.body, rtl=pdf.rtl and mine)


def closed_sentence(checklist: Checklist, words: _Words) -> tuple[str, bool]:
    """ "Closed to new applications since 3pm on Thursday 4 September 2025." in the handout's
    language (the time as 15:00 outside English)."""
    closed_on = checklist.closed_on
    assert closed_on is not None
    key = "closed_since" if (closed_on.hour or closed_on.minute) else "closed_from"
    mine = words.has(key)
    day_words = words if mine else words.in_english()
    clock = clock_words(closed_on) if day_words.lang == "en" else closed_on.strftime("%H:%M")
    return words.phrase(key, time=clock, date=day_words.long_date(closed_on.date()))


def _draw_closed(pdf: _HandoutPDF, checklist: Checklist) -> None:
    """A closed route: a bordered box at the top of the first page, before anything else,
    saying since when, then the checklist's closed_note (its translation when there is one,
    else the English, set left to right)."""
    style = pdf.hs
    words = pdf.words
    note = checklist.translations.get(pdf.hlang, {}).get("closed_note", "") if pdf.rtl else ""
    parts = [
        (*closed_sentence(checklist, words), True, style.body),
        (note or checklist.closed_note, bool(note) or pdf.hlang == "en", False, style.body),
    ]
    pad = 3.0 if style is NORMAL else 4.5
    width = pdf.epw - 2 * pad
    top = pdf.y
    pdf.set_y(top + pad)
    for text, mine, bold, size in parts:
        pdf.para(text, size, bold=bold, inset=pad, width=width, rtl=pdf.rtl and mine)
        pdf.ln(style.gap / 2)
    bottom = pdf.y + pad
    with pdf.local_context(line_width=1.2 if style is LARGE else 0.9):
        pdf.rect(pdf.l_margin, top, pdf.epw, bottom - top)
    pdf.set_y(bottom)
    pdf.ln(style.gap * 2)


def build_handout(
    checklist: Checklist,
    *,
    lang: str = "en",
    large_print: bool = False,
    lines: Sequence[HandoutLine] | None = None,
    client_name: str = "",
    centre_name: str = "",
    centre_contact: str = "",
    adviser: str = "",
    made_on: date,
    dates: Sequence[HandoutDate] = (),
    money: FinancialCheck | None = None,
    phrases: Mapping[str, Mapping[str, Any]] | Callable[[], Mapping[str, Any]] | None = None,
    fee: ClientFee | None = None,
    figures: Figures | Callable[[], Figures] | None = None,
) -> bytes:
    """The handout as PDF bytes.

    `lines` None: the checklist's always-items in `lang`. `dates`: the client's own deadlines
    (printed soonest first). `phrases`: lang -> key -> words (`desktop.assess.handout_phrases()`,
    or that function itself, called once); it must have the `[en]` table, the only English
    (HandoutWordsMissing, a ValueError, when it is None or has no English). `fee`: the
    checklist's fee (default: worked out from its `fee` keys and `figures` for `made_on`;
    `figures` may be the loader, `desktop.assess.load_figures`, called only when a fee is
    needed; no fee line when the checklist names none or no figures are given). The caller passes the phrases and the figures in: printing does not import
    `desktop.assess` (see `.importlinter`). A route closed on `made_on` gets the
    closed box at the top and no fee line."""
    if lang not in LANGUAGES:
        raise ValueError(
            f"no handouts in the language {lang!r}; expected one of {', '.join(LANGUAGES)}"
        )
    if callable(phrases):
        phrases = phrases()
    if not phrases or not phrases.get("en"):
        raise HandoutWordsMissing(
            "The handout's words were not given: pass phrases=desktop.assess.handout_phrases"
        )
    words = _Words(lang, phrases)
    style = LARGE if large_print else NORMAL
    if lines is None:
        lines = template_lines(checklist, lang)

    pdf = _HandoutPDF(lang, style, words)
    pdf.set_title(PDF_TITLE)
    pdf.set_author("Drop-in Desk")
    pdf.set_creator("Drop-in Desk")
    pdf.set_producer("Drop-in Desk")
    pdf.set_lang(lang)
    pdf.set_creation_date(datetime(made_on.year, made_on.month, made_on.day, tzinfo=UTC))
    pdf.add_page()

    closed = checklist.closed(made_on)
    if closed:
        _draw_closed(pdf, checklist)

    # Header: the centre, when known.
    # Everything typed shows as typed: no bidirectional controls, and a value inside a
    # sentence is isolated from the words around it (see `typed`).
    client_name, adviser = typed(client_name), typed(adviser)
    centre_name = without_bidi_controls(centre_name)
    centre_contact = without_bidi_controls(centre_contact)
    if centre_name or centre_contact:
        pdf.para(centre_name, style.body, bold=True)
        pdf.para(centre_contact, style.body)
        pdf.ln(style.gap)
        pdf.rule()
        pdf.ln(style.gap * 2)

    pdf.para(checklist.title_in(lang), style.title, bold=True)
    pdf.ln(style.gap)
    if client_name:
        pdf.para(f"{words['client']}: {client_name}", style.body, bold=True)
    made = f"{words['made_on']} {words.long_date(made_on)}"
    if adviser:
        made += f" {words['with']} {adviser}"
    pdf.para(made, style.body)
    pdf.ln(style.gap * 2)
    pdf.para(checklist.intro_in(lang), style.body)
    pdf.ln(style.gap)
    pdf.para(words["bring_back"], style.body, bold=True)

    if dates:
        _draw_dates(pdf, dates)

    if fee is None and not closed:
        fee = _fee_from(checklist, made_on, figures)
    if fee is not None and not closed:
        waiver = any("fee_waiver" in line.when and not line.not_applicable for line in lines)
        _draw_fee(pdf, fee, made_on, waiver)

    if money is not None:
        _draw_money(pdf, money)

    wanted = [line for line in lines if not line.not_applicable]
    unwanted = [line for line in lines if line.not_applicable]
    sections = _section_order(wanted)
    first = [line for line in wanted if line.section == sections[0]][:1] if sections else []
    first_room = _item_height(pdf, first[0]) if first else 0.0
    if sections and sections[0]:  # its heading comes between
        first_room += pdf.line_height(style.h3) * 1.3 + style.gap * 3
    tick = words["tick_when_you_have_it"]
    if _said(tick, checklist.intro_in(lang)):
        tick = ""  # the intro says it already
    tick_room = pdf.para(tick, style.body, dry_run=True)
    _heading(pdf, words["what_to_bring"], style.h2, tick_room + first_room)
    pdf.para(tick, style.body)
    for section in sections:
        mine = [line for line in wanted if line.section == section]
        if section:
            _heading(pdf, checklist.section_in(section, lang), style.h3, _item_height(pdf, mine[0]))
        else:
            pdf.ln(style.gap)
        for line in mine:
            _draw_item(pdf, line)

    if unwanted:
        _heading(pdf, words["not_needed"], style.h3, pdf.line_height(style.body))
        for line in unwanted:
            text = without_bidi_controls(line.text)
            h = pdf.para(text, style.body, dry_run=True)
            pdf.ensure_room(h)
            pdf.para(text, style.body)
            pdf.ln(style.gap)

    return bytes(pdf.output())
