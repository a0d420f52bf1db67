"""Every shipped checklist loads and prints, in every language it is translated into, in normal
and large print (issue 18: "all checklists load, print and pass the reading-age test"; the
reading age is tests/rules/test_checklists.py)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from desktop.assess import load_checklists
from tests.handout_inputs import build_handout

CHECKLISTS = load_checklists()


@pytest.mark.parametrize("checklist_id", sorted(CHECKLISTS))
def test_checklist_prints_in_each_of_its_languages(checklist_id):
    checklist = CHECKLISTS[checklist_id]
    assert "ar" in checklist.languages() and "fa" in checklist.languages(), checklist_id
    for lang in checklist.languages():
        for large in (False, True):
            pdf = build_handout(checklist, lang=lang, large_print=large, made_on=date(2026, 12, 6))
            reader = PdfReader(io.BytesIO(pdf))
            assert len(reader.pages) >= 1
            text = "".join(page.extract_text() for page in reader.pages)
            if lang == "en":
                first_words = " ".join(checklist.title.split()[:2])
                assert first_words in " ".join(text.split()), (checklist_id, large)
                assert "???" not in text
