"""What every printed document shares: page template, fonts, UK dates, the footer with
"page N of M", the status patterns drawn as vector shapes, and writing a file atomically.

Pure reportlab: nothing here imports Qt or `desktop.ui`, so the command line and worker
threads can build documents.

Fonts are reportlab's built-in Helvetica family: no font file is embedded, the PDF is small and
its text can be searched and extracted. Those fonts only hold the Windows-1252 characters
(English, most Western European letters, "£", curly quotes and dashes), so `pdf_text` spells
any other letter the closest way it can ("Łukasz" → "Lukasz") instead of printing a black box.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from desktop.datetext import long_date
from desktop.files import WriteProblem, writable_target, write_atomically  # noqa: F401 - re-exported
from desktop.rules.dated import render
from desktop.status_style import StatusStyle

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
FONT_ITALIC = "Helvetica-Oblique"

PAGE_SIZE = A4
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = MARGIN_RIGHT = 15 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 18 * mm  # room for the footer
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

DISCLAIMER = "This is not legal advice; check the current Immigration Rules."

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
RULE_GREY = colors.HexColor("#9A9A9A")
HEADER_FILL = colors.HexColor("#E6E6E6")
ZEBRA_FILL = colors.HexColor("#F5F5F5")


# ---- dates -----------------------------------------------------------------------------------


def uk_date(value: date | None, empty: str = "") -> str:
    """The long UK form: 3 March 2021."""
    return empty if value is None else long_date(value)


def written_long(text: str) -> str:
    """One of the engine's sentences with its dates written the UK way (3 March 2021): a
    `Reason` or `Deadline` writes its own (`render`), any other engine sentence (a breach's or
    a stretch's why) through the same engine function. A client reads "3 March 2021" without
    doubt about which number is the month."""
    own = getattr(text, "render", None)
    return own(long_date) if callable(own) else render(str(text), long_date)


_RECORD_REF = re.compile(r"\b(permissions|applications|absences|custody)\[([0-9]+)\]")
_RECORD_WORD = {
    "permissions": "permission",
    "applications": "application",
    "absences": "trip",
    "custody": "custody period",
}


def plain_records(text: str) -> str:
    """`permissions[2]` (the engine's record pointer) as a client reads it: "permission 3"."""
    return _RECORD_REF.sub(lambda m: f"{_RECORD_WORD[m.group(1)]} {int(m.group(2)) + 1}", text)


def sentence(text) -> str:
    """An engine sentence (a str, a `Reason`, a `Deadline`) ready for the page: UK dates,
    plain record names, printable letters."""
    out = pdf_text(plain_records(written_long(text)))
    return out[:1].upper() + out[1:]  # "absences[1] is …" became "trip 2 is …"


# ---- text ------------------------------------------------------------------------------------

#: Letters that do not decompose into a base letter and an accent.
_SPELLED = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ħ": "H",
        "ħ": "h",
        "ı": "i",
        "Ŀ": "L",
        "ŀ": "l",
        "Œ": "OE",
        "œ": "oe",
        "Ŋ": "N",
        "ŋ": "n",
        "ſ": "s",
        "ƒ": "f",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "→": "->",
        "≤": "<=",
        "≥": ">=",
        "\u00a0": " ",
    }
)


def _encodable(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def pdf_text(text: str | None) -> str:
    """`text` with only characters the built-in fonts can draw.

    Letters outside Windows-1252 lose their accent ("Ș" → "S") or are spelled out
    ("ł" → "l"); anything else (another script) becomes "?". Control characters become spaces.
    Format characters (Unicode category Cf: the bidirectional embeddings, overrides, isolates
    and marks such as U+202E, zero-width spaces and joiners, the soft hyphen) are taken out:
    they show nothing, and typed into a name they would reorder it, or print as "?", so
    "U+202E NAMOW SRM" prints as typed, "NAMOW SRM". These documents are drawn left to right
    character by character (reportlab applies no bidirectional reordering), so once the
    controls are gone every value keeps its place among its neighbours.
    """
    if not text:
        return ""
    text = str(text).translate(_SPELLED)
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\t\r\n" or category == "Cc":
            out.append(" ")
        elif category == "Cf":
            continue
        elif _encodable(ch):
            out.append(ch)
        else:
            base = "".join(
                c
                for c in unicodedata.normalize("NFKD", ch)
                if not unicodedata.combining(c) and _encodable(c)
            )
            out.append(base or "?")
    return "".join(out)


def shorten(text: str | None, limit: int) -> str:
    """At most `limit` characters, ending "…" when cut (free text typed by people can be any
    length; a table cell taller than a page cannot be laid out)."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def para_text(text: str | None) -> str:
    """Plain text for a reportlab Paragraph (which reads a little XML)."""
    return escape(pdf_text(text))


# ---- styles ----------------------------------------------------------------------------------


def styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK, alignment=TA_LEFT
    )
    return {
        "body": base,
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=17, leading=21, spaceAfter=2
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, textColor=MUTED, spaceAfter=6),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "verdict": ParagraphStyle(
            "verdict", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=3
        ),
        "lead": ParagraphStyle("lead", parent=base, fontSize=10.5, leading=14, spaceAfter=3),
        "bullet": ParagraphStyle(
            "bullet", parent=base, leftIndent=11, bulletIndent=2, spaceAfter=1.5
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=10.5
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=MUTED),
    }


def table_style_commands(header_rows: int = 1) -> list[tuple]:
    """Grid, header shading and zebra rows shared by every table."""
    return [
        ("FONTNAME", (0, 0), (-1, header_rows - 1), FONT_BOLD),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, INK),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, RULE_GREY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]


# ---- page furniture --------------------------------------------------------------------------


def numbered_canvas(made_on: date, running_header: str = "") -> Callable[..., Canvas]:
    """A canvas class that writes the footer (disclaimer, date made, "Page N of M") on every
    page once the number of pages is known, and `running_header` on pages after the first."""

    made = f"Made on {uk_date(made_on)}"
    header = pdf_text(running_header)

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._furniture(number, total)
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int) -> None:
            self.saveState()
            y = MARGIN_BOTTOM - 9 * mm
            self.setStrokeColor(RULE_GREY)
            self.setLineWidth(0.5)
            self.line(MARGIN_LEFT, y + 10, PAGE_WIDTH - MARGIN_RIGHT, y + 10)
            self.setFillColor(INK)
            self.setFont(FONT_BOLD, 8)
            self.drawString(MARGIN_LEFT, y, DISCLAIMER)
            self.setFont(FONT, 8)
            self.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y, f"Page {number} of {total}")
            self.setFillColor(MUTED)
            self.drawString(MARGIN_LEFT, y - 10, made)
            if header and number > 1:
                self.setFont(FONT, 7.5)
                self.drawString(MARGIN_LEFT, PAGE_HEIGHT - MARGIN_TOP + 9, header)
            self.restoreState()

    return NumberedCanvas


# ---- status patterns (vector) ----------------------------------------------------------------

Rect = tuple[float, float, float, float]  # x, y, width, height

#: The patterns `draw_pattern` draws (every `StatusStyle.pattern` must be one of them).
PATTERNS = frozenset(
    ("solid", "forward_diagonal", "backward_diagonal", "cross", "dots", "horizontal", "vertical")
)


def hex_color(value: str, alpha: float = 1.0) -> colors.Color:
    c = colors.HexColor(value)
    return colors.Color(c.red, c.green, c.blue, alpha=alpha)


def fill_cells(canvas: Canvas, cells: Iterable[Rect], fill: str, alpha: float = 1.0) -> None:
    """One filled rectangle per cell (a day is one `re` in the page's content)."""
    canvas.setFillColor(hex_color(fill, alpha))
    for x, y, w, h in cells:
        canvas.rect(x, y, w, h, stroke=0, fill=1)


def draw_pattern(
    canvas: Canvas,
    pattern: str,
    ink: str,
    cells: list[Rect],
    alpha: float = 1.0,
    spacing: float = 2.6,
) -> None:
    """The status's pattern over `cells`, as vector lines clipped to the cells.

    The lines sit on one lattice fixed to the page, so neighbouring cells join up, and the
    pattern stays visible in greyscale (the reason every status has one)."""
    if pattern not in PATTERNS:
        raise ValueError(f"no drawing for the pattern {pattern!r}")
    if pattern == "solid" or not cells:
        return
    x0 = min(c[0] for c in cells)
    y0 = min(c[1] for c in cells)
    x1 = max(c[0] + c[2] for c in cells)
    y1 = max(c[1] + c[3] for c in cells)
    canvas.saveState()
    clip = canvas.beginPath()
    for x, y, w, h in cells:
        clip.rect(x, y, w, h)
    canvas.clipPath(clip, stroke=0, fill=0)
    canvas.setStrokeColor(hex_color(ink, alpha))
    canvas.setLineWidth(0.5)
    lines = canvas.beginPath()

    def lattice(lo: float, hi: float, step: float) -> Iterable[float]:
        k = int(lo // step) - 1
        while k * step <= hi + step:
            yield k * step
            k += 1

    if pattern in ("forward_diagonal", "cross"):
        # x - y = c: from (c + y0, y0) to (c + y1, y1)
        for c in lattice(x0 - y1, x1 - y0, spacing * 1.4):
            lines.moveTo(c + y0, y0)
            lines.lineTo(c + y1, y1)
    if pattern in ("backward_diagonal", "cross"):
        # x + y = c: from (c - y0, y0) to (c - y1, y1)
        for c in lattice(x0 + y0, x1 + y1, spacing * 1.4):
            lines.moveTo(c - y0, y0)
            lines.lineTo(c - y1, y1)
    if pattern == "vertical":
        for x in lattice(x0, x1, spacing * 0.9):
            lines.moveTo(x, y0)
            lines.lineTo(x, y1)
    if pattern == "horizontal":
        for y in lattice(y0, y1, spacing * 0.9):
            lines.moveTo(x0, y)
            lines.lineTo(x1, y)
    if pattern == "dots":
        # A dash as long as it is wide is a square dot; PDF restarts the dash at each
        # subpath, so starting every row on the lattice puts the dots on it too.
        step = spacing * 0.95
        canvas.setLineWidth(0.9)
        canvas.setDash([0.9, step - 0.9])
        for i, y in enumerate(lattice(y0, y1, step)):
            start = (x0 // step) * step - step + (step / 2 if i % 2 else 0.0)
            lines.moveTo(start, y + step / 2)
            lines.lineTo(x1 + step, y + step / 2)
    canvas.drawPath(lines, stroke=1, fill=0)
    canvas.restoreState()


def draw_swatch(
    canvas: Canvas, style: StatusStyle, x: float, y: float, w: float, h: float, alpha=1.0
) -> None:
    """A legend swatch: the fill, the pattern and a thin border."""
    fill_cells(canvas, [(x, y, w, h)], style.fill, alpha)
    draw_pattern(canvas, style.pattern, style.ink, [(x, y, w, h)], alpha)
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.4)
    canvas.rect(x, y, w, h, stroke=1, fill=0)


# ---- files -----------------------------------------------------------------------------------


def document(buffer, title: str, subject: str, pagesize=PAGE_SIZE) -> SimpleDocTemplate:
    """A document in the house margins. The title stays generic (file managers and mail
    programs show it without opening the file); `invariant` leaves the creation time out, so
    the same input gives the same bytes."""
    return SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author="Drop-in Desk",
        creator="Drop-in Desk",
        subject=subject,
        invariant=1,
    )
