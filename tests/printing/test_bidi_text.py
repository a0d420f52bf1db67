"""Issue 15 point 4: right-to-left override characters in typed text (U+202E and the other
bidirectional controls) no longer reorder what a printed page says. "Client: " followed by
U+202E and "NAMOW SRM" printed as "Client: MRS WOMAN" on the handout, and the override ran on
into the words after it ("Letter from knab eht dna SANDY"); the reportlab documents printed
the control as "?". Fictional people only."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from desktop.assess import load_checklists, timeline_for
from desktop.printing.annotation_sheet import build_annotation_sheet
from desktop.printing.common import pdf_text
from desktop.printing.handout import (
    BIDI_CONTROLS,
    HandoutLine,
    typed,
    without_bidi_controls,
)
from desktop.printing.residence_report import build_residence_report
from desktop.rules.history import parse_history
from tests.handout_inputs import build_handout
from tests.printing.test_annotation_sheet import sample

RLO, LRO, RLE, PDF_, RLI, FSI, PDI, LRM, RLM, ALM = (
    "\u202e",
    "\u202d",
    "\u202b",
    "\u202c",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
)
EVERY_CONTROL = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

#: Typed backwards after an override, so that on the page it would read "MRS WOMAN".
REVERSED_NAME = RLO + "NAMOW SRM"
MADE = date(2026, 3, 2)
CHECKLIST = load_checklists()["fee_waiver"]


def raw_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def visible(text: str) -> str:
    """The text without the (invisible) isolates that wrap typed values."""
    return text.replace(FSI, "").replace(PDI, "")


# ---- the helpers -----------------------------------------------------------------------------


def test_every_bidi_control_is_taken_out_of_typed_text():
    assert all(BIDI_CONTROLS.fullmatch(c) for c in EVERY_CONTROL)
    assert without_bidi_controls(f"A{EVERY_CONTROL}B C") == "AB C"
    assert typed(REVERSED_NAME) == f"{FSI}NAMOW SRM{PDI}"
    assert typed(f"{RLE}محمد{PDF_} 2") == f"{FSI}محمد 2{PDI}"
    assert typed("") == typed(None) == typed(RLO + LRM) == ""  # nothing typed: nothing at all


def test_pdf_text_drops_format_characters_instead_of_printing_question_marks():
    assert pdf_text(REVERSED_NAME) == "NAMOW SRM"
    assert pdf_text(f"Amina{EVERY_CONTROL} Test\u200bperson\u00ad") == "Amina Testperson"
    assert pdf_text("Łucja\tŻak") == "Lucja Zak"  # unchanged: spelled out, controls to spaces


# ---- the handout (fpdf2, with the bidirectional algorithm) -------------------------------------


@pytest.mark.parametrize("lang", ["en", "ar", "fa"])
def test_a_name_with_an_override_prints_as_typed_on_the_handout(lang):
    pdf = build_handout(
        CHECKLIST,
        lang=lang,
        made_on=MADE,
        client_name=REVERSED_NAME,
        adviser=RLO + "RESIVDA MAS",
        centre_name="Example " + RLO + "ertneC",
        centre_contact=RLO + "321 069 23610",
        lines=[HandoutLine(text="Letter from " + RLO + "YDNAS and the bank")],
    )
    text = raw_text(pdf)
    for control in (RLO, LRO, RLE, PDF_, RLI, LRM, RLM, ALM):
        assert control not in text
    seen = visible(text)
    assert "NAMOW SRM" in seen and "MRS WOMAN" not in seen
    assert "RESIVDA MAS" in seen and "SAM ADVISER" not in seen
    assert "Example ertneC" in seen
    assert "321 069 23610" in seen  # digits too, as typed
    # The override no longer runs on into the words after it.
    assert "Letter from YDNAS and the bank" in seen
    if lang == "en":
        # The labels keep their place before the values.
        assert f"Client: {FSI}NAMOW SRM{PDI}" in text
        assert f"Made on Monday 2 March 2026 with {FSI}RESIVDA MAS{PDI}" in text


def test_an_unclosed_embedding_in_the_name_does_not_reorder_the_rest():
    # Without the isolate, U+202B (right-to-left embedding) with no closing U+202C reordered the
    # rest of the line; the date before it and the name itself stay in reading order.
    pdf = build_handout(CHECKLIST, made_on=MADE, client_name="Amina " + RLE + "Testperson")
    text = raw_text(pdf)
    assert f"Client: {FSI}Amina Testperson{PDI}" in text
    assert "Made on Monday 2 March 2026" in text


def test_an_arabic_name_on_an_english_handout_keeps_its_neighbours_in_order():
    name = "مريم 2"  # an Arabic name followed by a digit, as a household list may have it
    pdf = build_handout(CHECKLIST, made_on=MADE, client_name=name, adviser="Sam Adviser")
    text = raw_text(pdf)
    assert "Client:" in text
    assert "Made on Monday 2 March 2026 with " in text
    assert text.index("Client:") < text.index("Made on Monday 2 March 2026")


# ---- the reportlab documents (no bidirectional reordering: the controls are dropped) -----------


def test_a_name_with_an_override_prints_as_typed_on_the_residence_report():
    history = parse_history(
        {
            "format": "dropin-desk.history/1",
            "person": {"name": REVERSED_NAME},
            "permissions": [{"category": "refugee", "from": "2019-01-01", "to": "2024-01-01"}],
            "question": {"route": "settlement_protection", "application_date": "2024-01-01"},
        }
    )
    timeline = timeline_for(history, today=date(2024, 1, 1))
    pdf = build_residence_report(
        history,
        timeline,
        reference=RLO + "A1234567 fer OH",
        adviser=RLO + "RESIVDA MAS",
        made_on=date(2024, 1, 2),
        today=date(2024, 1, 1),
    )
    text = raw_text(pdf)
    assert RLO not in text and "?" + "NAMOW" not in text
    assert "Client NAMOW SRM" in text  # the label first, then the name as typed
    assert "A1234567 fer OH" in text and "Adviser RESIVDA MAS" in text
    assert "?A1234567" not in text and "?RESIVDA" not in text


def test_a_name_with_an_override_prints_as_typed_on_the_annotation_sheet():
    review, txns, explanations = sample(count=3)
    pdf = build_annotation_sheet(
        review,
        txns,
        explanations,
        client_name=REVERSED_NAME,
        made_on=date(2026, 4, 1),
        adviser=RLO + "RESIVDA MAS",
    )
    text = raw_text(pdf)
    assert RLO not in text and "?NAMOW" not in text and "?RESIVDA" not in text
    assert "NAMOW SRM" in text and "RESIVDA MAS" in text
