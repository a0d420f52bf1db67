"""Issue 17: the client's copy of the annotation sheet ("What is still missing") is in the
client's language where the handouts have it (Arabic, Farsi), laid out right to left; the
pages for the Home Office stay in English. Fictional people only."""

from __future__ import annotations

import io
import tomllib
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

import desktop
from desktop.printing.annotation_sheet import build_annotation_sheet
from desktop.printing.common import RtlParagraph
from desktop.printing.sheet_words import (
    SHEET_PHRASES_FILE,
    SheetWords,
    client_copy_language,
    sheet_phrases,
)
from desktop.rules.checklists import LANGUAGES
from tests.printing.test_annotation_sheet import sample

PHRASES = desktop.RESOURCES_DIR / "checklists" / SHEET_PHRASES_FILE


def pages(pdf: bytes) -> list[str]:
    """Each page's text, presentation forms folded back to letters and Farsi's half-space
    (which a reader's extraction drops) left out, for comparing with the phrases."""
    return [
        unicodedata.normalize("NFKC", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages
    ]


def plain(text: str) -> str:
    return text.replace("\u200c", "")


def sheet(language: str = "en", name: str = "Amina Testperson") -> list[str]:
    review, txns, explanations = sample(count=3, explain=1)
    return pages(
        build_annotation_sheet(
            review,
            txns,
            explanations,
            client_name=name,
            made_on=date(2026, 4, 1),
            adviser="Sam Adviser",
            language=language,
        )
    )


def client_copy_pages(texts: list[str], title: str) -> list[str]:
    start = next(i for i, t in enumerate(texts) if plain(title) in t)
    return texts[start:]


def test_the_phrases_have_every_key_in_every_language_and_are_not_yet_checked():
    doc = tomllib.loads(PHRASES.read_text(encoding="utf-8"))
    assert doc["reviewed"] is False  # written by an engineer, not a native speaker
    words = sheet_phrases()
    assert set(words) == set(LANGUAGES)
    for lang in LANGUAGES:
        assert set(words[lang]) == set(words["en"]), lang


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_the_client_copy_is_in_the_clients_language(lang):
    words = SheetWords(lang)
    texts = sheet(lang)
    copy = " ".join(client_copy_pages(texts, words("title")))
    for key in ("title", "statements_heading", "payments_heading", "bring_heading"):
        assert plain(words(key)) in copy, key
    assert plain(words("bring_declaration")) in copy
    assert "What is still missing" not in " ".join(texts)
    assert "What to bring back" not in copy and "?" not in copy


def test_dates_in_the_client_copy_use_the_handouts_month_names():
    copy = " ".join(sheet("ar"))
    assert "أبريل" in copy and "2026" in copy  # the application on 15 April 2026
    assert SheetWords("ar").long_date(date(2026, 4, 15)) == "15 أبريل 2026"
    assert SheetWords("fa").long_date(date(2026, 4, 15)) == "15 آوریل 2026"


def test_the_pages_for_the_home_office_stay_in_english():
    texts = sheet("fa", name="پژمان گلچین")
    everything = " ".join(texts)
    assert "Declaration" in everything and "Income and expenditure" in everything
    assert "To be read, signed and dated by پژمان گلچین" in everything


def test_english_is_the_default_and_unchanged():
    copy = " ".join(client_copy_pages(sheet(), "What is still missing"))
    assert "For Amina Testperson to take home. Bring these back with this sheet" in copy
    assert "2 of 6 flagged lines still need an explanation." in " ".join(copy.split())
    assert "What to bring back" in copy


def test_an_unknown_language_gives_english():
    assert SheetWords("xx").lang == "en" and not SheetWords("xx").rtl
    assert SheetWords("ar").rtl and SheetWords("fa").rtl


@pytest.mark.parametrize(
    ("recorded", "lang"),
    [
        ("Arabic", "ar"),
        ("Tigrinya, Arabic", "ar"),
        ("Farsi", "fa"),
        ("Persian (some English)", "fa"),
        ("English, Arabic", "en"),
        ("Dari, Pashto", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_the_client_copys_language_is_the_first_recorded_one_the_sheet_has(recorded, lang):
    assert client_copy_language(recorded) == lang


# ---- right-to-left lines -----------------------------------------------------------------------


def test_a_right_to_left_line_puts_the_first_word_at_the_right():
    line = RtlParagraph("x").visual_line("في 15 أبريل 2026.".split())
    drawn = "".join(run for _font, run in line)
    # left to right: ".2026", "April", "15", "in": the full stop ends the sentence at the left
    assert drawn.startswith(".2026 ") and drawn.endswith("15 \ufef2\ufed3")


def test_a_bracketed_english_phrase_keeps_its_brackets():
    line = RtlParagraph("x").visual_line("مارس 2026 (savings ••9876, Amina)".split())
    assert line[0][1] == "2026 (savings ••9876, Amina) "


def test_a_long_paragraph_wraps_in_reading_order():
    words = SheetWords("ar")("letters_intro")
    para = RtlParagraph(words)
    para.wrap(300, 1000)
    assert len(para._lines) > 2
    assert " ".join(" ".join(line) for line in para._lines) == " ".join(words.split())
    first, rest = para.split(300, para.leading * 2)
    assert len(first._lines) == 2 and first._lines + rest._lines == para._lines
