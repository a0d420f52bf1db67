"""The printed bank-statement annotation sheet for a fee-waiver (or change of conditions)
application: a landscape A4 PDF to go with the statements.

    pdf = build_annotation_sheet(review, txns, explanations, client_name="…",
                                 made_on=date.today(), adviser="…")

In this order:
* per account (in `review.accounts` order), each starting on a new page: who holds it, the
  bank, type, sort code and last four digits, the statements held against the six months
  required, and any gap; then a table of every flagged line (date, description, money in, money
  out, balance, why it is flagged in a few words, and the explanation: the client's own words,
  else what the app can say itself, else an empty box to write in by hand). Each page's part of
  the table ends with that page's totals of money in and money out;
* the monthly income and expenditure summary (own-account transfers left out);
* a declaration for the client to sign: the explanations are true and these are all the
  household's accounts, closed, dormant and children's accounts included;
* the client's copy, in larger type: what is still missing and what to bring back.

* when `review.warnings` has notes for the adviser, a last page headed "Adviser's page: do not
  send": they never appear on the pages for the Home Office.

Unless `review.readiness(explanations).final` (every flag explained, every declared account's
statements cover the whole period, no possibly undeclared account open) every page says "DRAFT"
in its header and carries a light diagonal "DRAFT — n of m explained" mark, and the first page
lists every reason under "Why this sheet is a draft".

Pure: reads only its arguments (no clock, no files, no Qt). Money is Decimal throughout and
printed "£1,234.56".
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.datetext import MONTH_ABBRS, short_date
from desktop.printing.common import (
    DISCLAIMER,
    FONT,
    FONT_BOLD,
    HEADER_FILL,
    INK,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MUTED,
    RULE_GREY,
    ZEBRA_FILL,
    RtlParagraph,
    document,
    draw_text,
    numbered_canvas,
    para_text,
    pdf_text,
    sentence,
    shorten,
    styles,
    table_style_commands,
    uk_date,
)
from desktop.printing.sheet_words import SheetWords
from desktop.rules.statement_types import (
    CATEGORIES,
    ESSENTIAL_CATEGORIES,
    INCOME_CATEGORIES,
    OTHER_CATEGORIES,
    Account,
    Coverage,
    Explanation,
    Flag,
    FlagKind,
    MonthSummary,
    Readiness,
    StatementReview,
    Txn,
)
from desktop.rules.statements import Vocabulary, accounts_for_declaration

__all__ = [
    "ADVISER_HEADING",
    "PAGE_SIZE",
    "TITLE",
    "WHY_DRAFT",
    "build_annotation_sheet",
    "sheet_readiness",
    "draft_mark",
    "money",
    "why_flagged",
]

TITLE = "Bank statement annotation sheet"
PAGE_SIZE = landscape(A4)
PAGE_WIDTH, PAGE_HEIGHT = PAGE_SIZE
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

#: Longest free text printed (typed by people: any length; a cell taller than a page cannot be
#: laid out).
NAME_LIMIT = 100
DESCRIPTION_LIMIT = 140
EXPLANATION_LIMIT = 600
DETAIL_LIMIT = 160
#: Height of the empty box left for a handwritten explanation.
WRITE_BOX_HEIGHT = 40.0
#: Months of income and expenditure side by side before the table continues underneath.
MONTHS_PER_TABLE = 8
#: Payments listed by date under a person who needs to write a letter (then "and n more").
LETTER_DATES = 6

#: The heading of the first page's list of what stops the sheet being final.
WHY_DRAFT = "Why this sheet is a draft"
#: The heading of the last page, which holds the notes for the adviser only.
ADVISER_HEADING = "Adviser's page: do not send"

DRAFT_GREY = colors.Color(0.45, 0.45, 0.45, alpha=0.16)
PENNY = Decimal("0.01")

_S = styles()
_CELL = _S["cell"]
_CELL_BOLD = _S["cell_bold"]
_CELL_RIGHT = ParagraphStyle("cell_right", parent=_CELL, alignment=2)
_CELL_RIGHT_BOLD = ParagraphStyle("cell_right_bold", parent=_CELL_BOLD, alignment=2)
_DETAIL = ParagraphStyle("detail", parent=_CELL, fontSize=7.5, leading=9.5, textColor=MUTED)
_PROMPT = ParagraphStyle("prompt", parent=_CELL, fontSize=6.8, leading=8, textColor=MUTED)

# The client's copy: larger type, for reading at home.
_BIG = ParagraphStyle("big", parent=_S["body"], fontSize=13, leading=17.5, spaceAfter=4)
_BIG_TITLE = ParagraphStyle("big_title", parent=_S["title"], fontSize=22, leading=27, spaceAfter=6)
_BIG_H2 = ParagraphStyle(
    "big_h2", parent=_S["h2"], fontSize=16, leading=20, spaceBefore=12, spaceAfter=5
)
_BIG_BULLET = ParagraphStyle("big_bullet", parent=_BIG, leftIndent=18, bulletIndent=4, spaceAfter=3)
_BIG_CELL = ParagraphStyle("big_cell", parent=_BIG, spaceAfter=0, fontSize=12, leading=15)
_BIG_CELL_BOLD = ParagraphStyle("big_cell_bold", parent=_BIG_CELL, fontName=FONT_BOLD)
_BIG_CELL_RIGHT = ParagraphStyle("big_cell_right", parent=_BIG_CELL, alignment=2)


# ---- small words -----------------------------------------------------------------------------


def money(value: Decimal) -> str:
    """£1,234.56 (to the penny, half up; "-£12.00" below zero). Decimal only."""
    if not isinstance(value, Decimal):
        raise TypeError(f"money is a Decimal, not {type(value).__name__}")
    q = value.quantize(PENNY, rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    return f"{sign}£{abs(q):,.2f}"


def _pounds(value: Decimal) -> str:
    """£250 for a whole number of pounds, else £49.99 (a threshold in a few words)."""
    q = value.quantize(PENNY, rounding=ROUND_HALF_UP)
    if q == q.to_integral_value():
        return f"£{int(q):,}"
    return money(q)


def draft_mark(explained: int, total: int, others: int = 0) -> str:
    """The words of the DRAFT mark; `others`: the points other than unexplained lines that stop
    the sheet being final (missing statements, a possibly undeclared account)."""
    mark = f"DRAFT — {explained} of {total} explained"
    if others:
        mark += f", {others} other point{'s' if others != 1 else ''} open"
    return mark


_KIND_WORDS = {
    FlagKind.OWN_TRANSFER: "Transfer between own accounts",
    FlagKind.UNMATCHED_TRANSFER: "Transfer: account not listed",
    FlagKind.CASH: "Cash",
    FlagKind.FROM_PERSON: "Money from a person",
    FlagKind.BALANCE_REDUCTION: "Large payment before applying",
    FlagKind.UNDECLARED_ACCOUNT: "Possibly an account not declared",
}

#: What each reason means, in a sentence for the key on the first page (the engine's own
#: sentence for each line is in its rule; these say the same for the whole sheet).
_KIND_MEANING = {
    FlagKind.LARGE: "a payment in or out over the amount that must be explained",
    FlagKind.REGULAR: "a payment that repeats: say what it is (rent, wages, a bill)",
    FlagKind.OWN_TRANSFER: "money moved between two accounts on this sheet (matched)",
    FlagKind.UNMATCHED_TRANSFER: "money moved to or from an account not on this sheet: "
    "add that account or explain",
    FlagKind.CASH: "cash paid in or taken out: say where it came from or what it was for",
    FlagKind.FROM_PERSON: "money from a friend or relative: a letter from them is needed",
    FlagKind.BALANCE_REDUCTION: "a large payment out shortly before the application: "
    "say what it was for",
    FlagKind.UNDECLARED_ACCOUNT: "money to or from what looks like the holder's own account "
    "(savings, a pot, an ISA) that is not on this sheet: add that account",
}


def why_flagged(flag: Flag, review: StatementReview) -> str:
    """Why a line is flagged in a few words: "Over £250; Regular (monthly)"."""
    cadence = {r.key: r.cadence for r in review.recurrences}
    words: list[str] = []
    for reason in flag.reasons:
        if reason.kind == FlagKind.LARGE:
            word = f"Over {_pounds(review.threshold)}"
        elif reason.kind == FlagKind.REGULAR:
            how = cadence.get(flag.series or "")
            word = f"Regular ({how})" if how else "Regular"
        else:
            word = _KIND_WORDS.get(reason.kind, str(reason.kind).replace("_", " ").capitalize())
        if word not in words:
            words.append(word)
    return "; ".join(words)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _kind_label(kind: FlagKind, threshold: Decimal) -> str:
    if kind == FlagKind.LARGE:
        return f"Over {_pounds(threshold)}"
    if kind == FlagKind.REGULAR:
        return "Regular"
    return _KIND_WORDS.get(kind, str(kind))


def _status_words(account: Account) -> str:
    if account.status == "closed":
        return f"Closed on {uk_date(account.closed_on)}" if account.closed_on else "Closed"
    return account.status.capitalize() if account.status else "Open"


def _periods_words(periods: Sequence[tuple[date, date]]) -> str:
    if not periods:
        return "None"
    return "; ".join(f"{short_date(a)} to {short_date(b)}" for a, b in sorted(periods))


def _explained(
    flag: Flag, explanations: Mapping[str, Explanation]
) -> tuple[Explanation | None, bool]:
    """(the explanation to print, whether the app wrote it)."""
    own = explanations.get(flag.txn.key)
    if own is not None and own.given:
        return own, own.auto
    if flag.suggested is not None and flag.suggested.given:
        return flag.suggested, True
    return None, False


def _who(flag: Flag, explanation: Explanation | None) -> str:
    if explanation is not None and explanation.counterparty.strip():
        return explanation.counterparty.strip()
    return flag.txn.description.strip() or "Not known"


# ---- page furniture --------------------------------------------------------------------------


def _sheet_canvas(made_on: date, running: str, draft: str | None):
    """numbered_canvas's footer, laid out for the landscape page, with the DRAFT header and
    watermark when `draft` is set."""
    base = numbered_canvas(made_on, running)
    made = f"Made on {uk_date(made_on)}"
    header = " ".join(running.split())  # drawn by draw_text: a name in any script
    mark = pdf_text(draft) if draft else ""

    class SheetCanvas(base):
        def _furniture(self, number: int, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            y = MARGIN_BOTTOM - 9 * mm  # as in common.numbered_canvas
            self.setStrokeColor(RULE_GREY)
            self.setLineWidth(0.5)
            self.line(MARGIN_LEFT, y + 10, width - MARGIN_RIGHT, y + 10)
            self.setFillColor(INK)
            self.setFont(FONT_BOLD, 8)
            self.drawString(MARGIN_LEFT, y, DISCLAIMER)
            self.setFont(FONT, 8)
            self.drawRightString(width - MARGIN_RIGHT, y, f"Page {number} of {total}")
            self.setFillColor(MUTED)
            self.drawString(MARGIN_LEFT, y - 10, made)
            top = height - MARGIN_TOP + 9
            if header and number > 1:
                draw_text(self, MARGIN_LEFT, top, header, FONT, 7.5)
            if mark:
                self.setFillColor(INK)
                self.setFont(FONT_BOLD, 9)
                self.drawRightString(width - MARGIN_RIGHT, top, mark)
                self._watermark(width, height)
            self.restoreState()

        def _watermark(self, width: float, height: float) -> None:
            """Light grey and see-through, drawn over the page so table shading cannot hide
            it, and pale enough that the text under it stays readable."""
            self.saveState()
            self.translate(width / 2, height / 2)
            self.rotate(math.degrees(math.atan2(height, width)))
            self.setFillColor(DRAFT_GREY)
            self.setFont(FONT_BOLD, 130)
            self.drawCentredString(0, -10, "DRAFT")
            self.setFont(FONT_BOLD, 30)
            self.drawCentredString(0, -52, mark.replace("DRAFT — ", ""))
            self.restoreState()

    return SheetCanvas


# ---- the document ----------------------------------------------------------------------------


def build_annotation_sheet(
    review: StatementReview,
    txns: Sequence[Txn],
    explanations: Mapping[str, Explanation],
    *,
    client_name: str,
    made_on: date,
    adviser: str = "",
    language: str = "en",
    vocabulary: Vocabulary | None = None,
) -> bytes:
    """The annotation sheet as PDF bytes (write them with `common.write_atomically`).

    `txns` are every line of the statements (for the line counts and to name the other side of
    a matched transfer); `explanations` maps Txn.key to what the client said. `language`: the
    client's copy ("What is still missing") in English, Arabic ("ar") or Farsi ("fa"); the
    pages for the Home Office stay in English. `vocabulary`: the statement checks' words (to
    find accounts the explanations name); the bundled ones when not given."""
    explanations = dict(explanations)
    name = shorten(client_name, NAME_LIMIT)
    adviser = shorten(adviser, NAME_LIMIT)
    ready, named = sheet_readiness(review, explanations, vocabulary)
    reasons = ready.reasons
    done, total = ready.explained, ready.flagged
    final = ready.final
    others = len(reasons) - (1 if done < total else 0)
    draft = None if final else draft_mark(done, total, max(others, 0))
    buffer = io.BytesIO()
    doc = document(buffer, TITLE, TITLE, pagesize=PAGE_SIZE)
    sheet = _Sheet(review, txns, explanations, name, made_on, adviser, (done, total), final)
    sheet.reasons = tuple(reasons)
    sheet.named_accounts = tuple(named)
    sheet.words = SheetWords(language)
    story: list[Flowable] = []
    story += sheet.title_block()
    for i, account in enumerate(review.accounts):
        story.append(PageBreak())
        story += sheet.account(i, account)
    story.append(PageBreak())
    story += sheet.income_expenditure()
    story.append(PageBreak())
    story += sheet.declaration()
    story.append(PageBreak())
    story += sheet.client_copy()
    if review.warnings:
        # Notes for the adviser are never on the pages that go to the Home Office: a last page
        # of their own, headed so it is taken out before the sheet is sent.
        story.append(PageBreak())
        story += sheet.adviser_page()
    running = f"{TITLE} · {name}" if name else TITLE
    doc.build(story, canvasmaker=_sheet_canvas(made_on, running, draft))
    return buffer.getvalue()


def sheet_readiness(
    review: StatementReview,
    explanations: Mapping[str, Explanation],
    vocabulary: Vocabulary | None = None,
) -> tuple[Readiness, tuple[str, ...]]:
    """(whether the sheet prints as final and why not, the accounts the explanations name that
    are not declared). `review.readiness`, plus one reason per account an explanation names
    that is not declared: it goes on the declaration, but with no statements on the sheet it
    cannot be final. The Statements tab and the review screen use this too, so they never say
    "final" when the sheet would not."""
    if vocabulary is None:
        from desktop.assess import statement_vocabulary

        vocabulary = statement_vocabulary()
    explanations = dict(explanations)
    ready = review.readiness(explanations)
    listed = accounts_for_declaration(review, explanations, vocabulary)
    named = tuple(listed[len(review.accounts) :])
    if not named:
        return ready, ()
    reasons = (
        *ready.reasons,
        *(f"An explanation names an account not declared: {n}." for n in named),
    )
    return Readiness(False, reasons, ready.explained, ready.flagged), named


def _p(text: str, style: str | ParagraphStyle = "body") -> Paragraph:
    return Paragraph(text, _S[style] if isinstance(style, str) else style)


def _cell(text: str | None, style: ParagraphStyle = _CELL) -> Paragraph:
    return Paragraph(para_text(text), style)


def _facts_table(facts: Sequence[tuple[str, str, str, str]], widths: Sequence[float]) -> Table:
    rows = [
        [_cell(k1, _CELL_BOLD), _cell(v1), _cell(k2, _CELL_BOLD), _cell(v2)]
        for k1, v1, k2, v2 in facts
    ]
    table = Table(rows, colWidths=list(widths), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, -1), (-1, -1), 0.8, INK),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE_GREY),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _notice(inner: list[Flowable], thick: bool = True) -> Table:
    """A boxed note (the coverage of an account; the declaration's statement)."""
    box = Table([[inner]], colWidths=[FRAME_WIDTH], hAlign="LEFT")
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, INK),
                ("LINEBEFORE", (0, 0), (0, -1), 4 if thick else 0.8, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 9),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return box


class _WriteBox(Flowable):
    """An empty ruled box left in the explanation column for the client to write in."""

    def __init__(self, width: float, height: float, prompt: str):
        super().__init__()
        self.width = width
        self.height = height
        self.prompt = Paragraph(para_text(prompt), _PROMPT)

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        return self.width, self.height

    def draw(self):
        c = self.canv
        c.saveState()
        c.setFillColor(colors.white)
        c.setStrokeColor(MUTED)
        c.setLineWidth(0.6)
        c.rect(0, 0, self.width, self.height, stroke=1, fill=1)
        _w, h = self.prompt.wrap(self.width - 6, self.height)
        self.prompt.drawOn(c, 3, self.height - h - 2)
        c.setStrokeColor(colors.HexColor("#C8C8C8"))
        c.setLineWidth(0.4)
        c.setDash([1, 1.5])
        for y in (self.height * 0.36, self.height * 0.08):
            c.line(4, y + 2, self.width - 4, y + 2)
        c.restoreState()


def _prompt(flag: Flag) -> str:
    kinds = flag.kinds
    if FlagKind.FROM_PERSON in kinds:
        return "Who sent it, how do you know them, and is it a gift or a loan?"
    if FlagKind.UNMATCHED_TRANSFER in kinds:
        return "Which account did this go to or come from?"
    if FlagKind.CASH in kinds:
        if flag.txn.amount >= 0:
            return "Where did this cash come from?"
        return "What was this cash spent on?"
    if FlagKind.REGULAR in kinds:
        return "What is this regular payment?"
    if flag.txn.amount >= 0:
        return "Where did this money come from?"
    return "What was this payment for?"


# ---- the flagged-lines table, with page totals -----------------------------------------------


@dataclass
class _Part:
    """The rows of one account's table (shared by the parts it is split into)."""

    header: list
    rows: list[list]
    money_in: list[Decimal]
    money_out: list[Decimal]  # positive
    widths: list[float]
    heights: list[float] | None = None  # header, every row, a totals row


def _flag_table_style() -> list[tuple]:
    """The shared table style, with the font of the plain-string cells (date and money)."""
    return [
        *table_style_commands(),
        ("FONTNAME", (0, 1), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), _CELL.fontSize),
        ("LEADING", (0, 0), (-1, -1), _CELL.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (2, 0), (4, -1), "RIGHT"),
    ]


class _TotalledTable(Flowable):
    """A table of flagged lines that, wherever it is split across pages, ends each page's part
    with that part's totals of money in and money out (and the last part, when there were
    several, with the account's totals too). The header row repeats on every part.

    Rows are measured once; each part is then a plain reportlab Table with those heights."""

    TOTAL_LABEL = "Total on this page"
    ALL_LABEL = "Total of all flagged lines in this account"

    def __init__(self, data: _Part, start: int = 0, end: int | None = None, first: bool = True):
        super().__init__()
        self.data = data
        self.start = start
        self.end = len(data.rows) if end is None else end
        self.first = first
        self._table: Table | None = None

    # sizes
    def _measure(self) -> list[float]:
        d = self.data
        if d.heights is None:
            zero = Decimal(0)
            probe = Table(
                [d.header, *d.rows, self._totals_row(self.TOTAL_LABEL, 0, zero, zero)],
                colWidths=d.widths,
            )
            probe.setStyle(TableStyle(_flag_table_style()))
            probe.wrap(FRAME_WIDTH, 10**7)
            d.heights = list(probe._rowHeights)
        return d.heights

    def _rows_h(self, start: int, end: int) -> float:
        h = self._measure()
        return sum(h[1 + start : 1 + end])

    def _height(self, start: int, end: int, last: bool) -> float:
        h = self._measure()
        totals = h[-1] * (2 if last and not (self.first and start == 0) else 1)
        return h[0] + self._rows_h(start, end) + totals

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        self.width = sum(self.data.widths)
        self.height = self._height(self.start, self.end, self.end == len(self.data.rows))
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803
        n = self.end
        end = self.start
        while end < n and self._height(self.start, end + 1, end + 1 == n) <= availHeight:
            end += 1
        if end == self.start:
            return []  # not even one row: the table moves to the next page
        if end >= n:
            return [self]
        return [
            _TotalledTable(self.data, self.start, end, self.first),
            _TotalledTable(self.data, end, self.end, first=False),
        ]

    # drawing
    def _totals_row(self, label: str, count: int, money_in: Decimal, money_out: Decimal):
        lines = f" ({count} line{'s' if count != 1 else ''})" if count else ""
        return [
            _cell(label + lines, _CELL_BOLD),
            "",
            money(money_in),
            money(money_out),
            "",
            "",
            "",
        ]

    def _make_table(self) -> Table:
        d = self.data
        end = self.end
        last = end == len(d.rows)
        heights = self._measure()
        zero = Decimal(0)
        body = d.rows[self.start : end]
        rows = [d.header, *body]
        row_heights = [heights[0], *heights[1 + self.start : 1 + end]]
        page_in = sum(d.money_in[self.start : end], zero)
        page_out = sum(d.money_out[self.start : end], zero)
        rows.append(self._totals_row(self.TOTAL_LABEL, end - self.start, page_in, page_out))
        row_heights.append(heights[-1])
        several = not (self.first and self.start == 0)
        if last and several:
            rows.append(
                self._totals_row(
                    self.ALL_LABEL, len(d.rows), sum(d.money_in, zero), sum(d.money_out, zero)
                )
            )
            row_heights.append(heights[-1])
        totals_from = len(body) + 1
        commands = _flag_table_style()
        commands += [
            ("ROWBACKGROUNDS", (0, 1), (-1, totals_from - 1), [colors.white, ZEBRA_FILL]),
            ("FONTNAME", (0, totals_from), (-1, -1), FONT_BOLD),
            ("LINEABOVE", (0, totals_from), (-1, totals_from), 0.8, INK),
            ("BACKGROUND", (0, totals_from), (-1, -1), HEADER_FILL),
        ]
        for r in range(totals_from, len(rows)):
            commands += [("SPAN", (0, r), (1, r)), ("SPAN", (4, r), (6, r))]
        table = Table(rows, colWidths=d.widths, rowHeights=row_heights, hAlign="LEFT")
        table.setStyle(TableStyle(commands))
        return table

    def draw(self):
        table = self._table or self._make_table()
        self._table = table
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)


# ---- sections --------------------------------------------------------------------------------


class _Sheet:
    def __init__(self, review, txns, explanations, name, made_on, adviser, progress, final):
        self.review: StatementReview = review
        self.explanations: dict[str, Explanation] = explanations
        self.name = name
        self.made_on = made_on
        self.adviser = adviser
        self.progress = progress
        self.final = final
        self.reasons: tuple[str, ...] = ()  # why it is not final (Readiness.reasons)
        #: Accounts the explanations name that are not declared (for the declaration).
        self.named_accounts: tuple[str, ...] = ()
        self.words = SheetWords("en")  # the client copy's language (build_annotation_sheet)
        self.by_key: dict[str, Txn] = {t.key: t for t in txns}
        self.lines: dict[str, int] = {}
        for t in txns:
            self.lines[t.account] = self.lines.get(t.account, 0) + 1
        self.accounts = {a.key: a for a in review.accounts}
        self.coverage: dict[str, Coverage] = {c.account: c for c in review.coverage}
        self.flags_of: dict[str, list[Flag]] = {}
        for flag in review.flags:
            self.flags_of.setdefault(flag.txn.account, []).append(flag)

    # page 1
    def title_block(self) -> list[Flowable]:
        r = self.review
        done, total = self.progress
        state = (
            "Final: every flagged line is explained and the statements are complete"
            if self.final
            else "Draft: not ready to send (see below)"
        )
        facts = [
            ("Client", self.name or "Not given", "Application date", uk_date(r.application_date)),
            (
                "Accounts",
                str(len(r.accounts)),
                "Period the statements must cover",
                self._window_words(),
            ),
            (
                "Lines flagged",
                f"{total} ({done} explained)",
                "Explain lines over",
                _pounds(r.threshold),
            ),
            ("Prepared with", self.adviser or "Not recorded", "Sheet", state),
        ]
        out: list[Flowable] = [
            _p(TITLE, "title"),
            _p(
                "Every account held by the household, with each payment in or out that needs "
                "explaining and the explanation, for the fee waiver application.",
                "subtitle",
            ),
            _facts_table(facts, [78, 260, 160, FRAME_WIDTH - 498]),
            Spacer(1, 8),
        ]
        if not self.final:
            out.append(self._why_draft())
            out.append(Spacer(1, 8))
        out.append(self._overview())
        kinds = []
        for flag in r.flags:
            for reason in flag.reasons:
                if reason.kind not in [k for k, _ in kinds]:
                    kinds.append((reason.kind, reason.rule))
        if kinds:
            order = list(FlagKind)
            kinds.sort(key=lambda kr: order.index(kr[0]) if kr[0] in order else len(order))
            out += [Spacer(1, 4), _p("Why lines are flagged", "h2")]
            out += [
                Paragraph(
                    f"<b>{para_text(_kind_label(k, r.threshold))}</b>: "
                    f"{para_text(_KIND_MEANING.get(k, ''))} "
                    f'<font color="#555555">({para_text(rule)})</font>',
                    _S["bullet"],
                    bulletText="•",
                )
                for k, rule in kinds
            ]
        out.append(Spacer(1, 4))
        return out

    def _why_draft(self) -> Flowable:
        """What stops the sheet being final, boxed on the first page."""
        reasons = list(self.reasons) or ["Not every check is complete yet."]
        inner: list[Flowable] = [
            _p(f"<b>{WHY_DRAFT}</b>"),
            *[Paragraph(para_text(sentence(why)), _S["bullet"], bulletText="•") for why in reasons],
            _p(
                "Do not send it or sign the declaration until each of these is dealt with and "
                "the sheet is printed again without the DRAFT mark."
            ),
        ]
        return _notice(inner)

    # the adviser's page
    def adviser_page(self) -> list[Flowable]:
        return [
            _p(ADVISER_HEADING, "title"),
            _p(
                "Notes for the adviser from the checks. This page is not part of the sheet for "
                "the Home Office: take it out before the sheet is sent.",
                "subtitle",
            ),
            _p("Notes for the adviser", "h2"),
            *[
                Paragraph(para_text(sentence(w)), _S["bullet"], bulletText="•")
                for w in self.review.warnings
            ],
        ]

    def _overview(self) -> Flowable:
        """One row per account: the contents of the pages that follow."""
        r = self.review
        if not r.accounts:
            return _p("No accounts are listed.", "lead")
        head = ["Account", "Holder", "Status", "Statements held", "Statements", "Flagged"]
        rows: list[list] = [[_cell(h, _CELL_BOLD) for h in head]]
        for a in r.accounts:
            flags = self.flags_of.get(a.key, [])
            done = sum(1 for f in flags if _explained(f, self.explanations)[0] is not None)
            cov = self.coverage.get(a.key)
            if cov is None:
                state = "Not worked out"
            elif cov.missing:
                state = f"{cov.missing_days} day{'s' if cov.missing_days != 1 else ''} missing"
            else:
                state = "Complete" if cov.ok else "Not complete"
            name = f"{a.bank} {a.kind}" + (f" ••{a.last_four}" if a.last_four else "")
            rows.append(
                [
                    _cell(name),
                    _cell(a.holder),
                    _cell(_status_words(a)),
                    _cell(_periods_words(a.periods)),
                    _cell(state),
                    _cell(f"{len(flags)} ({done} explained)" if flags else "None"),
                ]
            )
        widths = [190.0, 130.0, 100.0, 160.0, 90.0]
        widths.append(FRAME_WIDTH - sum(widths))
        table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        commands = table_style_commands()
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA_FILL]))
        table.setStyle(TableStyle(commands))
        return table

    def _window_words(self) -> str:
        if not self.review.coverage:
            return "Not worked out"
        c = self.review.coverage[0]
        return f"{uk_date(c.required_from)} to {uk_date(c.required_to)}"

    # one account
    def account(self, index: int, account: Account) -> list[Flowable]:
        n = len(self.review.accounts)
        flags = self.flags_of.get(account.key, [])
        cov = self.coverage.get(account.key)
        explained = sum(1 for f in flags if _explained(f, self.explanations)[0] is not None)
        lines = self.lines.get(account.key, 0)
        title = f"Account {index + 1} of {n}: {account.bank} {account.kind}"
        if account.last_four:
            title += f" ••{account.last_four}"
        required = "Not worked out"
        if cov is not None:
            required = f"{uk_date(cov.required_from)} to {uk_date(cov.required_to)}"
        facts = [
            (
                "Holder",
                account.holder or "Not given",
                "Statements held",
                _periods_words(account.periods),
            ),
            ("Bank", account.bank or "Not given", "Required period", required),
            (
                "Account type",
                account.kind or "Not given",
                "Latest statement to end on or after",
                uk_date(cov.end_no_earlier_than) if cov else "Not worked out",
            ),
            (
                "Sort code",
                account.sort_code or "Not given",
                "Lines in the statements",
                f"{lines} ({len(flags)} flagged, {explained} explained)",
            ),
            (
                "Account number",
                f"••{account.last_four}" if account.last_four else "Not given",
                "Status",
                _status_words(account),
            ),
        ]
        out: list[Flowable] = [
            _p(para_text(shorten(title, 150)), "h2"),
            _facts_table(facts, [82, 250, 170, FRAME_WIDTH - 502]),
            Spacer(1, 5),
            self._coverage_box(cov),
            Spacer(1, 6),
        ]
        if not flags:
            out.append(_p("<b>No transactions need explaining</b> in this account.", "lead"))
            return out
        out.append(self._flag_table(flags))
        return out

    def _coverage_box(self, cov: Coverage | None) -> Flowable:
        if cov is None:
            return _notice([_p("<b>Statements:</b> coverage not worked out for this account.")])
        if cov.ok and not cov.missing:
            head = "<b>Statements: complete</b> for the period required."
        elif cov.missing:
            gaps = "; ".join(
                f"{uk_date(a)} to {uk_date(b)}" if a != b else uk_date(a) for a, b in cov.missing
            )
            days = f" ({cov.missing_days} day{'s' if cov.missing_days != 1 else ''})"
            head = f"<b>Statements missing:</b> {para_text(gaps)}{days}"
        else:
            head = "<b>Statements: not complete.</b>"
        inner: list[Flowable] = [_p(head)]
        inner += [
            Paragraph(para_text(sentence(s)), _S["bullet"], bulletText="•") for s in cov.sentences
        ]
        return _notice(inner)

    def _flag_table(self, flags: list[Flag]) -> Flowable:
        widths = [58.0, 150.0, 58.0, 58.0, 62.0, 112.0]
        widths.append(FRAME_WIDTH - sum(widths))
        header = [
            _cell("Date", _CELL_BOLD),
            _cell("Description", _CELL_BOLD),
            _cell("Money in", _CELL_RIGHT_BOLD),
            _cell("Money out", _CELL_RIGHT_BOLD),
            _cell("Balance", _CELL_RIGHT_BOLD),
            _cell("Why flagged", _CELL_BOLD),
            _cell("Explanation", _CELL_BOLD),
        ]
        rows, ins, outs = [], [], []
        box_w = widths[-1] - 6
        zero = Decimal(0)
        #: An unexplained series gets one box, on its first line; the others point to it.
        first_of_series: dict[str, date] = {}
        for flag in flags:
            t = flag.txn
            money_in = t.amount if t.amount > 0 else zero
            money_out = -t.amount if t.amount < 0 else zero
            ins.append(money_in)
            outs.append(money_out)
            rows.append(
                [
                    # One-line cells are plain strings (styled by the table): a Paragraph per
                    # cell is most of the time a long sheet takes.
                    short_date(t.on),
                    _cell(shorten(t.description, DESCRIPTION_LIMIT)),
                    money(money_in) if money_in else "",
                    money(money_out) if money_out else "",
                    money(t.balance) if t.balance is not None else "",
                    _cell(why_flagged(flag, self.review)),
                    self._explanation_cell(flag, box_w, first_of_series),
                ]
            )
        return _TotalledTable(_Part(header, rows, ins, outs, widths))

    def _explanation_cell(
        self, flag: Flag, box_w: float, first_of_series: dict[str, date]
    ) -> list[Flowable]:
        explanation, auto = _explained(flag, self.explanations)
        # Who and what document, even when the client has not written the text yet.
        details = self._details(flag, explanation or self.explanations.get(flag.txn.key))
        out: list[Flowable] = []
        if explanation is None and flag.series is not None and flag.series in first_of_series:
            first = first_of_series[flag.series]
            out.append(
                Paragraph(
                    para_text(f"Same as {short_date(first)} (the same regular payment)"), _DETAIL
                )
            )
        elif explanation is None:
            if flag.series is not None:
                first_of_series[flag.series] = flag.txn.on
            out.append(_WriteBox(box_w, WRITE_BOX_HEIGHT, _prompt(flag)))
        else:
            text = para_text(shorten(explanation.text, EXPLANATION_LIMIT))
            if auto:
                text += ' <font color="#555555" size="7">(matched by the app)</font>'
            out.append(Paragraph(text, _CELL))
        if details:
            out.append(Paragraph(" · ".join(para_text(d) for d in details), _DETAIL))
        return out

    def _details(self, flag: Flag, e: Explanation | None) -> list[str]:
        out: list[str] = []
        if e is not None:
            if e.counterparty.strip():
                who = e.counterparty.strip()
                if e.relationship.strip():
                    who += f" ({e.relationship.strip()})"
                out.append(("From: " if flag.txn.amount > 0 else "To: ") + who)
            elif e.relationship.strip():
                out.append(f"Relationship: {e.relationship.strip()}")
            if e.loan_or_gift == "loan":
                when = (
                    f", to be repaid by {short_date(e.repayment_date)}" if e.repayment_date else ""
                )
                out.append(f"Loan{when}")
            elif e.loan_or_gift == "gift":
                out.append("Gift")
            if e.category and e.category in CATEGORIES and not e.auto:
                out.append(f"Category: {CATEGORIES[e.category]}")
            if e.document.strip():
                out.append(f"Evidence: {e.document.strip()}")
        if flag.match:
            other = self.by_key.get(flag.match)
            if other is not None:
                acc = self.accounts.get(other.account)
                where = acc.label() if acc else other.account
                out.append(f"Matching line: {where}, {short_date(other.on)}")
        return [shorten(d, DETAIL_LIMIT) for d in out]

    # income and expenditure
    def income_expenditure(self) -> list[Flowable]:
        ie = self.review.income_expenditure
        months = list(ie.months)
        out: list[Flowable] = [
            _p("Income and expenditure", "title"),
            _p(
                "Money in and out of all the accounts on this sheet, by calendar month, from "
                "the statements and the explanations. Transfers between the household's own "
                "accounts are left out. The last column is the monthly average over the period "
                "the statements must cover.",
                "subtitle",
            ),
        ]
        gaps = [c.label for c in self.review.coverage if c.missing or not c.ok]
        if gaps:
            out.append(
                _notice(
                    [
                        _p(
                            "<b>Not complete:</b> statements are missing for "
                            f"{para_text(_and_list(gaps))}, so money in and out in the "
                            "missing days is not counted here (see the first page)."
                        )
                    ]
                )
            )
            out.append(Spacer(1, 6))
        if not months:
            return [*out, _p("There are no months to summarise.")]
        if any(m.part_month for m in months):
            out.append(
                _p(
                    "A month marked <b>part</b> is only partly inside the period (the days "
                    "counted are shown): its figures are for those days, not a whole month's."
                )
            )
        chunks = [months[i : i + MONTHS_PER_TABLE] for i in range(0, len(months), MONTHS_PER_TABLE)]
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            out.append(self._ie_table(chunk, ie.average if last else None))
            out.append(Spacer(1, 8))
        return out

    def _ie_table(self, months: list[MonthSummary], average: MonthSummary | None) -> Table:
        columns: list[tuple[str, MonthSummary]] = [
            (f"{MONTH_ABBRS[m.month.month - 1]} {m.month.year}", m) for m in months
        ]
        if average is not None:
            columns.append(("Monthly average", average))
        label_w = 190.0
        col_w = min(80.0, (FRAME_WIDTH - label_w) / max(1, len(columns)))
        header = [_cell("", _CELL_BOLD)] + [_month_heading(c, m) for c, m in columns]
        rows: list[list] = [header]
        bold_rows: list[int] = []
        section_rows: list[int] = []

        def section(title: str) -> None:
            section_rows.append(len(rows))
            rows.append([_cell(title, _CELL_BOLD)] + [""] * len(columns))

        def line(label: str, values: list[Decimal], bold: bool = False, blank_zero=True) -> None:
            if bold:
                bold_rows.append(len(rows))
            style = _CELL_RIGHT_BOLD if bold else _CELL_RIGHT
            cells = [_cell("–" if blank_zero and v == 0 else money(v), style) for v in values]
            rows.append([_cell(label, _CELL_BOLD if bold else _CELL), *cells])

        def per(part: str, key: str) -> list[Decimal]:
            return [getattr(m, part).get(key, Decimal(0)) for _, m in columns]

        section("Money in")
        for key, label in INCOME_CATEGORIES.items():
            line(label, per("income", key))
        line("Total income", [m.total_income for _, m in columns], True, False)
        section("Essential outgoings")
        for key, label in ESSENTIAL_CATEGORIES.items():
            line(label, per("essential", key))
        line("Total essential outgoings", [m.total_essential for _, m in columns], True, False)
        section("Other outgoings")
        for key, label in OTHER_CATEGORIES.items():
            line(label, per("other", key))
        line("Total other outgoings", [m.total_other for _, m in columns], True, False)
        line(
            "Total outgoings",
            [m.total_out for _, m in columns],
            True,
            False,
        )
        line(
            "Income minus outgoings",
            [m.net for _, m in columns],
            True,
            False,
        )
        commands = table_style_commands()
        for r in section_rows:
            commands += [
                ("SPAN", (0, r), (-1, r)),
                ("BACKGROUND", (0, r), (-1, r), ZEBRA_FILL),
                ("TOPPADDING", (0, r), (-1, r), 5),
            ]
        for r in bold_rows:
            commands.append(("LINEABOVE", (0, r), (-1, r), 0.6, INK))
        commands.append(("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 1.2, INK))
        if average is not None:
            commands.append(("BACKGROUND", (-1, 1), (-1, -1), colors.HexColor("#EFEFEF")))
        table = Table(
            rows, colWidths=[label_w] + [col_w] * len(columns), repeatRows=1, hAlign="LEFT"
        )
        table.setStyle(TableStyle(commands))
        return table

    # declaration
    def declaration(self) -> list[Flowable]:
        r = self.review
        decl = ParagraphStyle("decl", parent=_S["lead"], fontSize=11.5, leading=15.5)
        bullet = ParagraphStyle("decl_bullet", parent=decl, leftIndent=14, bulletIndent=3)
        accounts = [
            Paragraph(
                para_text(
                    f"{a.label()}"
                    + (f", sort code {a.sort_code}" if a.sort_code else "")
                    + f": {_lower_first(_status_words(a))}"
                ),
                bullet,
                bulletText="–",
            )
            for a in r.accounts
        ]
        accounts += [
            Paragraph(para_text(named), bullet, bulletText="–") for named in self.named_accounts
        ]
        accounts = accounts or [Paragraph("No accounts are listed.", bullet, bulletText="–")]
        points = [
            "The explanations on this sheet are true and complete. Where I have said money "
            "came from or went to someone, I have said who they are.",
            "These are all the bank, building society, savings, credit card and prepaid "
            "accounts held by me and by everyone in my household, including accounts that "
            "are closed, dormant, empty or rarely used, and children's accounts:",
        ]
        inner: list[Flowable] = [
            _p("<b>I confirm that:</b>", decl),
            Paragraph(para_text(points[0]), bullet, bulletText="1."),
            Paragraph(para_text(points[1]), bullet, bulletText="2."),
            *accounts,
        ]
        if r.holders_without_accounts:
            names = _and_list(r.holders_without_accounts)
            verb = "holds" if len(r.holders_without_accounts) == 1 else "hold"
            inner.append(
                Paragraph(
                    para_text(
                        f"{names} {verb} no account of any kind (none is listed above). If that "
                        "is not right, the account must be added before this is signed."
                    ),
                    bullet,
                    bulletText="3.",
                )
            )
        inner.append(Spacer(1, 3))
        inner.append(
            _p(
                "I understand that the Home Office checks credit records for accounts that are "
                "not declared, and may refuse the application if it finds one.",
                decl,
            )
        )
        lines = Table(
            [
                [_cell("Signature", _BIG_CELL_BOLD), "", _cell("Date", _BIG_CELL_BOLD), ""],
                [_cell("Name", _BIG_CELL_BOLD), _cell(self.name, _BIG_CELL), "", ""],
            ],
            colWidths=[90, 330, 60, 200],
            rowHeights=[46, 34],
            hAlign="LEFT",
        )
        lines.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LINEBELOW", (1, 0), (1, 0), 0.8, INK),
                    ("LINEBELOW", (3, 0), (3, 0), 0.8, INK),
                    ("LINEBELOW", (1, 1), (1, 1), 0.8, INK),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        prepared = (
            f"Prepared with: {para_text(self.adviser)} on {uk_date(self.made_on)}"
            if self.adviser
            else f"Prepared with: ______________________________ on {uk_date(self.made_on)}"
        )
        return [
            _p("Declaration", "title"),
            _p(
                f"To be read, signed and dated by {para_text(self.name or 'the client')} when "
                "the sheet is complete.",
                "subtitle",
            ),
            *(
                []
                if self.final
                else [
                    _p(
                        "<b>Do not sign yet:</b> this sheet is a draft (see the first page for "
                        "why).",
                        "lead",
                    )
                ]
            ),
            _notice(inner),
            Spacer(1, 14),
            lines,
            Spacer(1, 18),
            _p(prepared, "lead"),
        ]

    # the client's copy, in the client's language (self.words: English, Arabic or Farsi)
    def _big(self, text: str, style: ParagraphStyle = _BIG) -> Flowable:
        """A paragraph of the client's copy: reportlab's Paragraph in English, right to left
        in Arabic and Farsi (common.RtlParagraph)."""
        if not self.words.rtl:
            return _p(para_text(text), style)
        return RtlParagraph(
            text,
            style.fontSize,
            style.leading,
            bold=style.fontName == FONT_BOLD,
            space_after=style.spaceAfter,
            space_before=style.spaceBefore,
        )

    def _bullet(self, text: str) -> Flowable:
        if not self.words.rtl:
            return _big_bullet(text)
        return RtlParagraph(text, _BIG.fontSize, _BIG.leading, bullet="•", space_after=3)

    def client_copy(self) -> list[Flowable]:
        r = self.review
        w = self.words
        out: list[Flowable] = [
            self._big(w("title"), _BIG_TITLE),
            self._big(
                w(
                    "intro",
                    name=self.name or w("the_client"),
                    date=w.long_date(r.application_date),
                )
            ),
        ]
        bring: list[str] = []
        # 1. statements
        gaps: list[str] = []
        for a in r.accounts:
            cov = self.coverage.get(a.key)
            if cov is None:
                continue
            who = f"({a.kind}{' ••' + a.last_four if a.last_four else ''}, {a.holder})"
            for start, end in cov.missing:
                gaps.append(
                    w(
                        "get_statements",
                        bank=a.bank,
                        start=w.long_date(start),
                        end=w.long_date(end),
                        account=who,
                    )
                )
        out.append(self._big(w("statements_heading"), _BIG_H2))
        if gaps:
            out += [self._bullet(g) for g in gaps]
            bring.append(w("bring_statements"))
        else:
            out.append(self._big(w("statements_none")))
        # 2. lines not yet explained
        unexplained = [f for f in r.flags if _explained(f, self.explanations)[0] is None]
        out.append(self._big(w("payments_heading"), _BIG_H2))
        if unexplained:
            count = len(unexplained)
            out.append(
                self._big(
                    w(
                        "payments_count",
                        count=count,
                        total=len(r.flags),
                        lines="lines" if len(r.flags) != 1 else "line",
                        need="needs" if count == 1 else "need",
                    )
                )
            )
            out.append(self._unexplained_table(unexplained))
            bring.append(w("bring_this_sheet"))
        else:
            out.append(self._big(w("payments_none")))
        # 3. letters
        letters = self._letters()
        out.append(self._big(w("letters_heading"), _BIG_H2))
        if letters:
            out.append(self._big(w("letters_intro")))
            out += [self._bullet(line) for line in letters]
            bring.append(w("bring_letters"))
        else:
            out.append(self._big(w("none_needed")))
        # 4. people with no statements
        if r.holders_without_accounts:
            out.append(self._big(w("people_heading"), _BIG_H2))
            out.append(self._big(w("people_intro")))
            out += [self._bullet(name) for name in r.holders_without_accounts]
            bring.append(w("bring_people"))
        # 5. what to bring back
        documents = sorted(
            {
                shorten(e.document, DETAIL_LIMIT)
                for f in r.flags
                if (e := _explained(f, self.explanations)[0]) is not None and e.document.strip()
            }
        )
        if documents:
            listed = "; ".join(documents[:LETTER_DATES])
            if len(documents) > LETTER_DATES:
                listed += " " + w("more_documents", count=len(documents) - LETTER_DATES)
            bring.append(w("bring_documents", listed=listed))
        bring.append(w("bring_other_accounts"))
        bring.append(w("bring_declaration"))
        out.append(
            KeepTogether([self._big(w("bring_heading"), _BIG_H2), _checklist(bring, rtl=w.rtl)])
        )
        return out

    def _unexplained_table(self, flags: list[Flag]) -> Table:
        w = self.words
        head_right = ParagraphStyle("h", parent=_BIG_CELL_BOLD, alignment=2)
        header = [
            _cell(w("column_date"), head_right if w.rtl else _BIG_CELL_BOLD),
            _cell(w("column_account"), head_right if w.rtl else _BIG_CELL_BOLD),
            _cell(w("column_amount"), head_right),
            _cell(w("column_description"), head_right if w.rtl else _BIG_CELL_BOLD),
        ]
        if w.rtl:  # headings in Arabic script: shaped, right to left, set to the right
            header = [
                RtlParagraph(text, _BIG_CELL.fontSize, _BIG_CELL.leading, bold=True, space_after=0)
                for text in (
                    w("column_date"),
                    w("column_account"),
                    w("column_amount"),
                    w("column_description"),
                )
            ]
        rows: list[list] = [header]
        # The lines of one regular series are one row: the client explains them once.
        groups: dict[str, list[Flag]] = {}
        for f in flags:
            groups.setdefault(f.series or f"line:{f.txn.key}", []).append(f)
        for group in groups.values():
            t = group[0].txn
            acc = self.accounts.get(t.account)
            where = f"{acc.bank} {acc.kind}" if acc else t.account
            if acc and acc.last_four:
                where += f" ••{acc.last_four}"
            description = shorten(t.description, DESCRIPTION_LIMIT)
            if len(group) == 1:
                when = w.short_date(t.on)
                amount = _signed(t.amount)
            else:
                when = f"{w.short_date(t.on)} – {w.short_date(group[-1].txn.on)}"
                if not w.rtl:
                    when = f"{short_date(t.on)} to {short_date(group[-1].txn.on)}"
                amounts = {f.txn.amount for f in group}
                amount = (
                    _signed(t.amount) if len(amounts) == 1 else w("about", amount=_signed(t.amount))
                )
                description += " " + w("regular_times", count=len(group))
            when_cell = (
                RtlParagraph(when, _BIG_CELL.fontSize, _BIG_CELL.leading, space_after=0)
                if w.rtl
                else _cell(when, _BIG_CELL)
            )
            amount_cell = (
                RtlParagraph(amount, _BIG_CELL.fontSize, _BIG_CELL.leading, space_after=0)
                if w.rtl and len(group) > 1 and len(amounts) > 1
                else _cell(amount, _BIG_CELL_RIGHT)
            )
            rows.append(
                [when_cell, _cell(where, _BIG_CELL), amount_cell, _cell(description, _BIG_CELL)]
            )
        widths = [130.0, 190.0, 120.0]
        widths.append(FRAME_WIDTH - sum(widths))
        if w.rtl:  # read from the right: the date in the rightmost column
            rows = [list(reversed(row)) for row in rows]
            widths.reverse()
        table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        commands = table_style_commands()
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA_FILL]))
        commands.append(("TOPPADDING", (0, 0), (-1, -1), 4))
        commands.append(("LEFTPADDING", (0 if w.rtl else 3, 0), (0 if w.rtl else 3, -1), 14))
        commands.append(("BOTTOMPADDING", (0, 0), (-1, -1), 4))
        table.setStyle(TableStyle(commands))
        return table

    def _letters(self) -> list[str]:
        """Money from people, grouped by who gave it, where no letter is recorded yet."""
        w = self.words
        people: dict[str, list[Flag]] = {}
        names: dict[str, str] = {}
        for f in self.review.flags:
            if FlagKind.FROM_PERSON not in f.kinds:
                continue
            e, _auto = _explained(f, self.explanations)
            if e is not None and e.document.strip():
                continue  # the letter (or other evidence) is recorded
            who = _who(f, e)
            key = _person_key(who)
            names.setdefault(key, who)
            people.setdefault(key, []).append(f)
        lines = []
        for key, flags in people.items():
            total = sum((f.txn.amount for f in flags), Decimal(0))
            when = ", ".join(
                w("amount_on", amount=money(f.txn.amount), date=w.short_date(f.txn.on))
                for f in flags[:LETTER_DATES]
            )
            if len(flags) > LETTER_DATES:
                when += " " + w("and_more", count=len(flags) - LETTER_DATES)
            times = w("payments", count=len(flags)) if len(flags) > 1 else w("one_payment")
            lines.append(
                w("letter_line", who=names[key], total=money(total), payments=times, when=when)
            )
        return lines


def _month_heading(title: str, m: MonthSummary) -> Paragraph:
    """ "Oct 2025", and under it "part: 17 of 31 days" for a month only partly in the period."""
    text = para_text(title)
    if m.part_month:
        text += f'<br/><font size="6.5">part: {m.days} of {m.days_in_month} days</font>'
    return Paragraph(text, _CELL_RIGHT_BOLD)


def _signed(amount: Decimal) -> str:
    """-£12.00 out, +£12.00 in (the client's copy lists both in one column)."""
    return money(amount) if amount < 0 else f"+{money(amount)}"


def _big_bullet(text: str) -> Paragraph:
    return Paragraph(para_text(text), _BIG_BULLET, bulletText="•")


class _TickBox(Flowable):
    """An empty square to tick (the built-in fonts have no ballot box)."""

    SIZE = 10.0

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        return self.SIZE, self.SIZE

    def draw(self):
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, self.SIZE, self.SIZE, stroke=1, fill=0)


def _checklist(items: Sequence[str], rtl: bool = False) -> Table:
    """Tick boxes; in Arabic and Farsi the box is at the right, where a line starts."""
    if rtl:
        rows = [
            [RtlParagraph(item, _BIG_CELL.fontSize, _BIG_CELL.leading, space_after=0), _TickBox()]
            for item in items
        ]
        table = Table(rows, colWidths=[FRAME_WIDTH - 22, 22], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (1, 0), (1, -1), 5),
                    ("LEFTPADDING", (1, 0), (1, -1), 8),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table
    rows = [[_TickBox(), Paragraph(para_text(item), _BIG_CELL)] for item in items]
    table = Table(rows, colWidths=[22, FRAME_WIDTH - 22], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (0, -1), 5),
                ("LEFTPADDING", (0, 0), (0, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _and_list(names: Sequence[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _person_key(who: str) -> str:
    """Payments from one person carry different references ("A FRIEND REF 12", "A FRIEND REF
    19"): group on the words without digits."""
    words = [w for w in who.casefold().replace("-", " ").split() if not any(c.isdigit() for c in w)]
    words = [w for w in words if w not in ("ref", "reference", "fpi", "bgc", "tfr")]
    return " ".join(words) or who.casefold()
