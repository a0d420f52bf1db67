"""Issue 17: names in any script print on the reportlab documents (the residence report and the
bank statement annotation sheet). "محمد علی" printed as "???? ???": the built-in fonts hold
Windows-1252 only. Now each run of another script is set in a bundled font (Noto Sans, Noto
Naskh Arabic, Noto Sans Ethiopic, Droid Sans Fallback), Arabic script shaped right to left.
Fictional names only."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

import desktop
from desktop.assess import timeline_for
from desktop.printing.annotation_sheet import build_annotation_sheet
from desktop.printing.common import para_text, pdf_text, script_runs, shape_arabic
from desktop.printing.residence_report import build_residence_report
from desktop.rules.history import parse_history
from tests.printing.test_annotation_sheet import sample

ARABIC = "محمد علی"  # the issue's own example (Farsi ye)
FARSI = "پژمان گلچین"
TIGRINYA = "ሰላም ገብረመድህን"
CHINESE = "王小明"
CYRILLIC = "Иван Петров"
#: script -> (a fictional name, reportlab's name for its font, the font's own name in the PDF)
NAMES = {
    "Arabic": (ARABIC, "DropinNaskh", "NotoNaskhArabic-Regular"),
    "Farsi": (FARSI, "DropinNaskh", "NotoNaskhArabic-Regular"),
    "Tigrinya": (TIGRINYA, "DropinEthiopic", "NotoSansEthiopic-Regular"),
    "Chinese": (CHINESE, "DropinCJK", "DroidSansFallback"),
    "Cyrillic": (CYRILLIC, "DropinNotoSans", "NotoSans-Regular"),
}
FONT_FILES = (
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "NotoSansEthiopic-Regular.ttf",
    "DroidSansFallback.ttf",
)


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text as a reader gets it, presentation forms folded back to letters
    (NFKC), so the shaped Arabic compares with the name as typed."""
    return [
        unicodedata.normalize("NFKC", " ".join(p.extract_text().split()))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of every font the pages use (a subset is "ABCDEF+Name")."""
    out: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            out.add(str(ref.get_object()["/BaseFont"]).split("+")[-1].lstrip("/"))
    return out


def residence_report_for(name: str) -> bytes:
    history = parse_history(
        {
            "format": "dropin-desk.history/1",
            "person": {"name": name},
            "permissions": [{"category": "refugee", "from": "2019-01-01", "to": "2024-01-01"}],
            "question": {"route": "settlement_protection", "application_date": "2024-01-01"},
        }
    )
    return build_residence_report(
        history,
        timeline_for(history, today=date(2024, 1, 1)),
        made_on=date(2024, 1, 2),
        today=date(2024, 1, 1),
    )


def annotation_sheet_for(name: str, adviser: str = "Sam Adviser") -> bytes:
    review, txns, explanations = sample(count=3)
    return build_annotation_sheet(
        review, txns, explanations, client_name=name, made_on=date(2026, 4, 1), adviser=adviser
    )


# ---- the helpers -----------------------------------------------------------------------------


def test_the_fonts_for_other_scripts_are_in_the_package_with_their_licences():
    folder = desktop.RESOURCES_DIR / "fonts"
    for name in FONT_FILES:
        assert (folder / name).is_file(), name
        assert (folder / name).read_bytes()[:4] == b"\x00\x01\x00\x00", f"{name}: not TrueType"
    assert (folder / "OFL.txt").is_file() and (folder / "DroidSansFallback-LICENSE.txt").is_file()


@pytest.mark.parametrize("script", NAMES)
def test_each_script_runs_in_a_font_that_has_it(script):
    name, font, _embedded = NAMES[script]
    runs = script_runs(f"Client: {name} (ref 12)")
    assert runs[0] == (None, "Client: ") and runs[-1] == (None, " (ref 12)")
    assert len(runs) == 3 and runs[1][0] == font  # the two words stay one run
    assert "?" not in "".join(run for _font, run in runs)


def test_an_arabic_run_is_joined_and_laid_out_right_to_left():
    shaped = shape_arabic(ARABIC)
    # visual order, left to right: ی ل ع (joined) then the space then د م ح م (joined)
    assert shaped == "\ufbfd\ufee0\ufecb \ufeaa\ufee4\ufea4\ufee3"
    assert unicodedata.normalize("NFKC", shaped)[::-1] == ARABIC


def test_lam_alef_is_joined_and_marks_are_kept():
    assert shape_arabic("لاله") == "\ufeea\ufedf\ufefb"  # heh, lam, lam-alef (isolated)
    assert shape_arabic("سلام") == "\ufee1\ufefc\ufeb3"  # lam-alef joined to the seen
    voweled = shape_arabic("مُحَمَّد")
    assert "\u064f" in voweled and "\u064e" in voweled and "\u0651" in voweled


def test_latin_letters_keep_the_built_in_font_as_before():
    assert script_runs("Łukasz Șerban") == [(None, "Lukasz Serban")]
    assert para_text("Ada & <Bo>") == "Ada &amp; &lt;Bo&gt;"
    assert pdf_text(ARABIC) == "???? ???"  # plain strings (no font markup) are unchanged


def test_controls_are_still_taken_out_of_other_scripts():
    runs = script_runs("\u202e" + ARABIC + "\u200f")
    assert [font for font, _run in runs] == ["DropinNaskh"]


# ---- the documents ---------------------------------------------------------------------------


@pytest.mark.parametrize("script", NAMES)
def test_a_name_in_any_script_prints_on_the_residence_report(script):
    name, _font, embedded = NAMES[script]
    pdf = residence_report_for(name)
    first = page_texts(pdf)[0]
    assert f"Client {name} Reference" in first, script
    assert "???" not in first
    assert embedded in embedded_fonts(pdf)


def test_the_residence_report_header_prints_the_name_on_later_pages():
    name = " / ".join(n for n, _f, _e in NAMES.values())
    texts = page_texts(residence_report_for(name))
    assert len(texts) > 1
    for text in texts:  # the table on page 1, the running header after it
        assert name in text
        assert "???" not in text and "? /" not in text


@pytest.mark.parametrize("script", NAMES)
def test_a_name_in_any_script_prints_on_every_page_of_the_annotation_sheet(script):
    name, _font, embedded = NAMES[script]
    pdf = annotation_sheet_for(name, adviser=CYRILLIC)
    texts = page_texts(pdf)
    for number, text in enumerate(texts, start=1):
        assert name in text, f"page {number}"  # the running header on pages after the first
        assert "???" not in text
    everything = " ".join(texts)
    assert f"For {name} to take home" in everything
    assert f"signed and dated by {name}" in everything
    assert CYRILLIC in everything  # the adviser's name too
    assert embedded in embedded_fonts(pdf)


def test_an_arabic_name_keeps_its_place_among_the_english_words():
    texts = page_texts(annotation_sheet_for(ARABIC))
    assert any(f"For {ARABIC} to take home." in t for t in texts)
