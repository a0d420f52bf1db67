"""What every printed document shares: page template, fonts, UK dates, the footer with
"page N of M", the status patterns drawn as vector shapes, and writing a file atomically.

Pure reportlab: nothing here imports Qt or `desktop.ui`, so the command line and worker
threads can build documents.

Fonts are reportlab's built-in Helvetica family: the PDF stays small and its text can be
searched and extracted. Those fonts only hold the Windows-1252 characters (English, most Western
European letters, "£", curly quotes and dashes), so `pdf_text` spells a Latin letter outside them
the closest way it can ("Łukasz" → "Lukasz"), and `para_text` / `draw_text` set any other script
(a name in Arabic, Farsi, Tigrinya, Chinese, Russian) in a bundled Noto or Droid font, embedded
subset to the letters used, Arabic script shaped right to left (see "other scripts" below).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from desktop.datetext import long_date
from desktop.files import WriteProblem, writable_target, write_atomically  # noqa: F401 - re-exported
from desktop.rules.dated import render
from desktop.rules.wording import plain_records  # noqa: F401 - re-exported (one copy, in rules)
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
    """Plain text for a reportlab Paragraph (which reads a little XML), in any script.

    What the built-in fonts can draw stays as `pdf_text` makes it; a run of another script
    (a name in Arabic, Farsi, Tigrinya, Chinese, Russian, …) is set in the bundled font that has
    it (`<font name=…>`), Arabic script shaped and laid out right to left (`script_runs`)."""
    out: list[str] = []
    for font, run in script_runs(text):
        out.append(escape(run) if font is None else f'<font name="{font}">{escape(run)}</font>')
    return "".join(out)


# ---- other scripts ---------------------------------------------------------------------------
#
# The built-in fonts hold Windows-1252 only. A letter they lack, and that has no plain spelling
# ("Ł" → "L"), is drawn in the first bundled font that has it: Noto Sans (Cyrillic, Greek,
# Vietnamese), Noto Naskh Arabic (Arabic, Farsi, Urdu), Noto Sans Ethiopic (Tigrinya, Amharic),
# Droid Sans Fallback (Chinese, Japanese, Korean). Each is embedded subset to the letters used.
#
# reportlab draws every string left to right and does no shaping, so a run of Arabic script is
# shaped here with HarfBuzz (uharfbuzz, already used by the handouts): HarfBuzz picks each
# letter's joining form and returns the glyphs in visual (right-to-left) order, and each glyph is
# written back as the character the font maps to it (the Arabic Presentation Forms, which Noto
# Naskh maps). The run is drawn as one piece in its own place among the Latin words around it
# (isolated, as U+2068 … U+2069 would do), so "Client: محمد علی (Ref 12)" keeps its order.

#: (reportlab name, file in resources/fonts/, bold file or None when there is no bold face)
_FACES = (
    ("DropinNotoSans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("DropinNaskh", "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    ("DropinEthiopic", "NotoSansEthiopic-Regular.ttf", None),
    ("DropinCJK", "DroidSansFallback.ttf", None),
)
ARABIC_FONT = "DropinNaskh"


@functools.cache
def _registered() -> tuple[tuple[str, frozenset[int]], ...]:
    """Registers the bundled faces with reportlab once; their names with the characters each
    maps. Bold markup (<b>) in a run finds the face's bold (or its regular when it has none)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    import desktop

    folder = desktop.RESOURCES_DIR / "fonts"
    faces: list[tuple[str, frozenset[int]]] = []
    for name, regular, bold in _FACES:
        font = TTFont(name, str(folder / regular))
        pdfmetrics.registerFont(font)
        bold_name = name
        if bold:
            bold_name = name + "-Bold"
            pdfmetrics.registerFont(TTFont(bold_name, str(folder / bold)))
        pdfmetrics.registerFontFamily(
            name, normal=name, bold=bold_name, italic=name, boldItalic=bold_name
        )
        faces.append((name, frozenset(font.face.charToGlyph)))
    return tuple(faces)


def _face_for(ch: str) -> str | None:
    code = ord(ch)
    for name, chars in _registered():
        if code in chars:
            return name
    return None


def script_runs(text: str | None) -> list[tuple[str | None, str]]:
    """`text` cut into runs ready to draw: (None, text for the built-in font) or (a bundled
    font's name, the run's text as drawn, Arabic script already shaped and in visual order).

    Controls and format characters go as in `pdf_text`; a space between two letters of one
    script stays in that script's run, so a two-word Arabic name is reordered as a whole."""
    if not text:
        return []
    chars: list[tuple[str | None, str]] = []
    for ch in str(text).translate(_SPELLED):
        category = unicodedata.category(ch)
        if ch in "\t\r\n" or category == "Cc":
            chars.append((None, " "))
        elif ch in _JOINERS and chars and chars[-1][0] == ARABIC_FONT:
            chars.append((ARABIC_FONT, ch))  # Farsi's half-space: shaping needs it
        elif category == "Cf":
            continue
        elif _encodable(ch):
            chars.append((None, ch))
        else:
            face = _face_for(ch)
            if face is not None and not _latin_spelling(ch):
                chars.append((face, ch))
            else:
                chars.append((None, pdf_text(ch)))
    # a space (or run of spaces) between two letters of the same other script joins them
    for i, (face, ch) in enumerate(chars):
        if face is None and ch.isspace():
            left = next((f for f, c in reversed(chars[:i]) if not c.isspace()), None)
            right = next((f for f, c in chars[i + 1 :] if not c.isspace()), None)
            if left is not None and left == right:
                chars[i] = (left, ch)
    runs: list[tuple[str | None, str]] = []
    for face, ch in chars:
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return [(face, shape_arabic(run) if face == ARABIC_FONT else run) for face, run in runs]


#: Zero-width non-joiner and joiner: kept inside Arabic-script runs (Farsi writes "صورت‌حساب"
#: with a non-joiner), where HarfBuzz uses them to choose the letters' forms, then left out.
_JOINERS = ("\u200c", "\u200d")


def _latin_spelling(ch: str) -> bool:
    """Whether `pdf_text` already prints `ch` as a plain Latin letter ("Ș" → "S"): those keep
    the built-in font, as before, so a Romanian or Polish name looks as it always has."""
    return any(
        not unicodedata.combining(c) and _encodable(c) for c in unicodedata.normalize("NFKD", ch)
    )


#: Noto Naskh draws lam-alef (its `rlig` feature) as two glyphs no character maps: the alef half
#: first in visual order, then the lam half, whose name says whether the pair joins the letter
#: before it (medial lam: the ligature's final form) or not (initial lam: isolated form).
_LAM_ALEF = {"\u0627": 0xFEFB, "\u0622": 0xFEF5, "\u0623": 0xFEF7, "\u0625": 0xFEF9}
_LAM_HALF = {"uniFEDF.rlig": 0, "uniFEE0.rlig": 1}
_ALEF_FORMS = frozenset(
    chr(c) for c in (0x0627, 0x0622, 0x0623, 0x0625, 0xFE8E, 0xFE82, 0xFE84, 0xFE88)
)


@functools.cache
def _naskh_shaper():
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont as ToolsFont

    import desktop

    path = desktop.RESOURCES_DIR / "fonts" / "NotoNaskhArabic-Regular.ttf"
    tools = ToolsFont(str(path), lazy=True)
    order = tools.getGlyphOrder()
    # glyph -> character, the presentation forms first (they name the joined shapes)
    to_char: dict[str, int] = {}
    for code, glyph in sorted(
        tools.getBestCmap().items(), key=lambda kv: (not 0xFB50 <= kv[0] <= 0xFEFF, kv[0])
    ):
        to_char.setdefault(glyph, code)
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))
    return hb, font, order, to_char


@functools.lru_cache(maxsize=512)
def shape_arabic(run: str) -> str:
    """An Arabic-script run (Arabic, Farsi, Urdu letters and the spaces between them) as the
    characters to draw left to right: joined forms, right-to-left order, lam-alef joined."""
    hb, font, order, to_char = _naskh_shaper()
    buf = hb.Buffer()
    buf.add_str(run)
    buf.guess_segment_properties()
    hb.shape(font, buf, {"liga": False, "dlig": False, "calt": False})
    out: list[str] = []
    for info in buf.glyph_infos:
        glyph = order[info.codepoint]
        if run[info.cluster] in _JOINERS:
            continue  # it has done its work: the letters around it have their forms
        if glyph in _LAM_HALF:
            alef = next((c for c in run[info.cluster + 1 :] if c in _LAM_ALEF), "\u0627")
            if out and out[-1] in _ALEF_FORMS:
                out.pop()
            out.append(chr(_LAM_ALEF[alef] + _LAM_HALF[glyph]))
            continue
        code = to_char.get(glyph)
        if code is not None:
            out.append(chr(code))
            continue
        # a glyph no character maps: marks drawn as one ("uni064E_uni0651") become their parts,
        # each of which the font has; an alef half of lam-alef ("_1008") is drawn by its lam
        base = glyph.split(".", 1)[0]
        parts = [p[3:] for p in base.split("_") if p.startswith("uni") and len(p) == 7]
        try:
            out.extend(chr(int(p, 16)) for p in parts)
        except ValueError:
            pass
    return "".join(out)


def draw_text(canvas: Canvas, x: float, y: float, text: str, font: str, size: float) -> float:
    """`text` drawn from (x, y) run by run (`script_runs`), the built-in parts in `font`, the
    others in their bundled font (bold when `font` is bold). Returns the width drawn."""
    bold = "Bold" in font
    start = x
    for face, run in script_runs(text):
        name = font if face is None else (face + "-Bold" if bold and _has_bold(face) else face)
        canvas.setFont(name, size)
        canvas.drawString(x, y, run)
        x += stringWidth(run, name, size)
    return x - start


def _has_bold(face: str) -> bool:
    return any(name == face and bold for name, _regular, bold in _FACES)


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


def numbered_canvas(
    made_on: date, running_header: str = "", footnote: str = DISCLAIMER
) -> Callable[..., Canvas]:
    """A canvas class that writes the footer (`footnote`: the disclaimer unless a page is not
    about the law, the date made, "Page N of M") on every page once the number of pages is
    known, and `running_header` on pages after the first."""

    made = f"Made on {uk_date(made_on)}"
    header = " ".join((running_header or "").split())

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
            self.drawString(MARGIN_LEFT, y, footnote)
            self.setFont(FONT, 8)
            self.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y, f"Page {number} of {total}")
            self.setFillColor(MUTED)
            self.drawString(MARGIN_LEFT, y - 10, made)
            if header and number > 1:
                draw_text(self, MARGIN_LEFT, PAGE_HEIGHT - MARGIN_TOP + 9, header, FONT, 7.5)
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


# ---- right-to-left paragraphs ----------------------------------------------------------------

_MIRRORED = str.maketrans("()[]{}<>«»", ")(][}{><»«")
#: Marks that end a left-to-right word ("2026.") but belong to the sentence around it.
_TRAILING = ".,:;!?)]}»،؛"


def _is_rtl(word: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in word)


def _word_runs(word: str, font: str, bold: bool) -> list[tuple[str, str]]:
    """One word as (font, text) runs in the order they are drawn left to right. A right-to-left
    word (Arabic, Farsi) has its runs reversed and its brackets mirrored, so "(مثال)." reads
    right to left with the full stop at its end (the left)."""
    runs = []
    for face, run in script_runs(word):
        name = font if face is None else (face + "-Bold" if bold and _has_bold(face) else face)
        runs.append((name, run))
    if _is_rtl(word):
        runs = [
            (name, run if name.startswith(ARABIC_FONT) else run.translate(_MIRRORED)[::-1])
            for name, run in reversed(runs)
        ]
    return runs


class RtlParagraph(Flowable):
    """A paragraph in Arabic or Farsi: wrapped in reading order, each line laid out right to
    left and set against the right margin. Words in another script (a bank's name, an amount,
    a date in digits) keep their own left-to-right order inside the line, as the Unicode
    bidirectional algorithm would place them at word level. `bullet`: drawn at the right.

    reportlab's Paragraph cannot do this: it lays words out left to right only."""

    def __init__(
        self,
        text: str,
        size: float = 13,
        leading: float = 17.5,
        *,
        bold: bool = False,
        bullet: str = "",
        space_after: float = 4,
        space_before: float = 0,
        _lines: list[list[str]] | None = None,
    ):
        super().__init__()
        self.text = " ".join((text or "").split())
        self.size = size
        self.leading = leading
        self.bold = bold
        self.bullet = bullet
        self.font = FONT_BOLD if bold else FONT
        self.spaceAfter = space_after
        self.spaceBefore = space_before
        self._given_lines = _lines
        self._lines: list[list[str]] = list(_lines or [])

    def _width(self, word: str) -> float:
        return sum(stringWidth(run, name, self.size) for name, run in self._runs(word))

    def _runs(self, word: str) -> list[tuple[str, str]]:
        return _word_runs(word, self.font, self.bold)

    def _indent(self) -> float:
        return self.size * 1.3 if self.bullet else 0.0

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        self.width = availWidth
        if self._given_lines is not None:
            self._lines = self._given_lines
        else:
            room = availWidth - self._indent()
            space = stringWidth(" ", self.font, self.size)
            lines: list[list[str]] = [[]]
            used = 0.0
            for word in self.text.split(" ") if self.text else []:
                w = self._width(word)
                if lines[-1] and used + space + w > room:
                    lines.append([])
                    used = 0.0
                used += (space if lines[-1] else 0.0) + w
                lines[-1].append(word)
            self._lines = [line for line in lines if line]
        self.height = self.leading * max(1, len(self._lines))
        return availWidth, self.height

    def split(self, availWidth, availHeight):  # noqa: N803
        self.wrap(availWidth, availHeight)
        fit = int(availHeight // self.leading)
        if fit < 1 or fit >= len(self._lines):
            return []
        first = RtlParagraph(
            self.text,
            self.size,
            self.leading,
            bold=self.bold,
            bullet=self.bullet,
            space_after=0,
            space_before=self.spaceBefore,
            _lines=self._lines[:fit],
        )
        rest = RtlParagraph(
            self.text,
            self.size,
            self.leading,
            bold=self.bold,
            space_after=self.spaceAfter,
            _lines=self._lines[fit:],
        )
        return [first, rest]

    def visual_line(self, words: list[str]) -> list[tuple[str, str]]:
        """A line's (font, text) runs left to right: the words in reverse reading order, except
        that neighbouring left-to-right words (digits, Latin) keep their order."""
        groups: list[list[str]] = []
        for word in words:
            if not _is_rtl(word) and groups and not _is_rtl(groups[-1][-1]):
                groups[-1].append(word)
            else:
                groups.append([word])
        out: list[tuple[str, str]] = []
        for group in reversed(groups):
            pieces = [self._runs(word) for word in group]
            if not _is_rtl(group[-1]):
                # "2026." or "2026)" before Arabic words or the end of the line: the mark
                # belongs to the right-to-left sentence, so it goes to the left of the number,
                # mirrored
                core = group[-1].rstrip(_TRAILING)
                tail = group[-1][len(core) :]
                text = " ".join(group)
                if any(text.count(o) >= text.count(c) > 0 for o, c in ("()", "[]", "{}")):
                    tail = ""  # "(savings ••9876, Amina)": the bracket closes its own words
                if core and tail:
                    pieces[-1] = self._runs(core)
                    pieces.insert(0, [(self.font, tail.translate(_MIRRORED)[::-1])])
                    pieces[0:2] = [pieces[0] + pieces[1]]  # no space between them
            for runs in pieces:
                if out and runs:
                    # a space between two runs of one font goes inside them: one string
                    same = out[-1][0] == runs[0][0]
                    out.append((out[-1][0] if same else self.font, " "))
                out += runs
        merged: list[tuple[str, str]] = []
        for name, run in out:
            if merged and merged[-1][0] == name:
                merged[-1] = (name, merged[-1][1] + run)
            else:
                merged.append((name, run))
        return merged

    def draw(self):
        c = self.canv
        c.setFillColor(INK)
        right = self.width - self._indent()
        y = self.height - self.size
        if self.bullet:
            c.setFont(self.font, self.size)
            c.drawRightString(self.width, y, self.bullet)
        for words in self._lines:
            runs = self.visual_line(words)
            x = right - sum(stringWidth(run, name, self.size) for name, run in runs)
            for name, run in runs:
                c.setFont(name, self.size)
                c.drawString(x, y, run)
                x += stringWidth(run, name, self.size)
            y -= self.leading
