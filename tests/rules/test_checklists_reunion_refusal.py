"""Issue 18: the refugee family reunion checklist says the route is closed (and what may be possible
instead), and the after-refusal checklist covers administrative review, the appeal fee, the 14-day
window for a new application, when section 3C leave ends, and judicial review or a fresh claim."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
import textstat
from pypdf import PdfReader

from desktop.assess import load_checklists
from desktop.rules.checklists import Checklist
from tests.handout_inputs import build_handout

CHECKED = date(2026, 12, 6)
MAX_GRADE = 5.0  # as tests/rules/test_checklists.py


@pytest.fixture(scope="module")
def checklists() -> dict[str, Checklist]:
    return load_checklists()


@pytest.fixture(scope="module")
def reunion(checklists) -> Checklist:
    return checklists["refugee_family_reunion"]


@pytest.fixture(scope="module")
def refusal(checklists) -> Checklist:
    return checklists["after_refusal"]


def client_text(checklist: Checklist) -> str:
    return " ".join([checklist.intro, *(item.text for item in checklist.items)])


def by_id(checklist: Checklist, circumstances=()) -> dict:
    return {item.id: item for item in checklist.items_for(circumstances)}


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --------------------------------------------------------------------------------------------
# Both files
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("checklist_id", ["refugee_family_reunion", "after_refusal"])
def test_rechecked_and_version_bumped(checklists, checklist_id):
    checklist = checklists[checklist_id]
    assert checklist.version == 2  # items changed: a client's saved list keeps version 1
    assert checklist.checked_on == CHECKED


@pytest.mark.parametrize("checklist_id", ["refugee_family_reunion", "after_refusal"])
def test_reading_age_and_complete_translations(checklists, checklist_id):
    checklist = checklists[checklist_id]
    assert textstat.flesch_kincaid_grade(client_text(checklist)) <= MAX_GRADE
    assert checklist.languages() == ("en", "ar", "fa")
    for lang in ("ar", "fa"):
        assert checklist.missing_translations(lang) == (), lang
    farsi = [
        *checklist.translations["fa"].values(),
        *(item.translations["fa"] for item in checklist.items),
    ]
    for text in farsi:  # Persian yeh and kaf, never the Arabic letters
        assert "\u064a" not in text and "\u0643" not in text, text


@pytest.mark.parametrize("checklist_id", ["refugee_family_reunion", "after_refusal"])
def test_every_source_cites_a_reference_text_and_gov_uk_pages_carry_the_date(
    checklists, checklist_id
):
    for item in checklists[checklist_id].items:
        assert re.search(r"Reference 00[0-4]\b", item.source), item.id
        if "GOV.UK" in item.source:
            assert "checked 2026-12-06" in item.source, item.id


# --------------------------------------------------------------------------------------------
# Refugee family reunion: closed
# --------------------------------------------------------------------------------------------


def test_family_reunion_closed_at_3pm_on_4_september_2025(reunion):
    assert reunion.closed_on == datetime(2025, 9, 4, 15, 0)
    assert not reunion.closed(datetime(2025, 9, 4, 14, 59))
    assert reunion.closed(datetime(2025, 9, 4, 15, 0))
    assert reunion.closed(CHECKED)
    # The handout's closed box prints the date and time above the note; the note says the rest.
    assert "no longer apply" in reunion.closed_note and "before it closed" in reunion.closed_note
    assert "old rules" in reunion.closed_note and "adviser" in reunion.closed_note


def test_family_reunion_handout_says_closed_from_when(reunion):
    assert "closed" in reunion.intro and "3pm on 4 September 2025" in reunion.intro
    assert "closed" in reunion.title
    assert "cannot make a new application" in reunion.intro
    assert "HC 1298" in by_id(reunion)["family_visa"].source


def test_family_reunion_no_longer_says_there_is_no_fee(reunion):
    text = client_text(reunion).lower()
    assert "no fee" not in text
    assert reunion.fee == ()  # closed: no fee line; the family visa list prints its own fee
    for lang in ("ar", "fa"):  # the old intro's "no fee" sentence is gone from the translations
        assert "لا توجد رسوم" not in reunion.intro_in(lang)
        assert "هزینه‌ای ندارد" not in reunion.intro_in(lang)


def test_family_reunion_says_what_may_be_possible_instead(reunion):
    always = by_id(reunion)
    assert {"family_visa", "human_rights", "see_adviser"} <= set(always)
    family_visa = always["family_visa"]
    assert '"Bringing your family to the UK on a family visa"' in family_visa.text
    assert "fee" in family_visa.text and "income" in family_visa.text
    assert "ask your adviser" in family_visa.text
    assert "E-ECP.3.1" in family_visa.source and "Appendix FM" in family_visa.source
    assert "human rights" in always["human_rights"].text
    assert "Article 8" in always["human_rights"].source
    assert "adviser" in always["see_adviser"].text
    # The options come first, before the evidence.
    assert reunion.sections()[0] == "What you can do now"
    other = load_checklists().get("refugee_family_appendix_fm")
    if other is not None:  # the list it names (another engineer's file) has that very title
        assert other.title == "Bringing your family to the UK on a family visa"
        for lang in ("ar", "fa"):
            assert other.title_in(lang) in family_visa.translations[lang]


def test_family_reunion_keeps_the_evidence_and_says_what_it_is_for(reunion):
    always = by_id(reunion)
    evidence = {"status_document", "sponsor_statement", "asylum_interview", "family_passports"}
    assert evidence <= set(always)
    assert "applied before it closed" in reunion.intro
    assert "new application" in reunion.intro
    before = by_id(reunion, {"applied_before_closure"})
    assert {"applied_before", "before_british"} <= set(before) - set(always)
    assert "old rules" in before["applied_before"].text


def test_family_reunion_status_item_asks_for_the_evisa_not_only_the_brp(reunion):
    for item in reunion.items:
        if "BRP" in item.text:
            assert "eVisa" in item.text and "expired" in item.text, item.id
    status = by_id(reunion)["status_document"]
    assert "share code" in status.text
    assert "eVisas" in status.source


def test_family_reunion_paragraphs_are_cited_with_their_era(reunion):
    for item in reunion.items:
        if re.search(r"\b352[AD]\b", item.source):
            assert "12 April 2023" in item.source, item.id


# --------------------------------------------------------------------------------------------
# After a refusal: which remedy, and its time limit
# --------------------------------------------------------------------------------------------


def test_after_refusal_circumstances_name_the_remedy(refusal):
    assert {"can_appeal", "admin_review", "no_appeal", "detained", "outside_uk"} <= set(
        refusal.circumstances
    )
    always = by_id(refusal)
    assert "which_option" in always
    assert not {"appeal", "admin_review", "judicial_review", "detained_time"} & set(always)
    # The brief's original items are all still there.
    assert {"keep_envelope", "date_received", "ask_for_file", "appeal_date"} <= set(always)
    assert "review" in always["appeal_date"].text


def test_administrative_review_14_days_28_outside_7_detained(refusal):
    review = by_id(refusal, {"admin_review"})["admin_review"]
    assert "administrative review" in review.text and "14 days" in review.text
    assert "Appendix Administrative Review" in review.source
    assert "fee.administrative_review" in review.note
    assert "28 days" in by_id(refusal, {"outside_uk"})["outside_uk_time"].text
    detained = by_id(refusal, {"detained"})["detained_time"]
    assert "7 days" in detained.text and "lawyer" in detained.text


def test_appeal_14_days_and_its_fee(refusal):
    chosen = by_id(refusal, {"can_appeal"})
    assert "14 days" in chosen["appeal"].text
    assert "r.19" in chosen["appeal"].note
    fee = chosen["appeal_fee"]
    assert "fee" in fee.text and "asylum support" in fee.text and "legal aid" in fee.text
    assert "fee.appeal_paper" in fee.note and "fee.appeal_hearing" in fee.note
    assert "First-tier Tribunal" in fee.note


def test_no_appeal_means_judicial_review_or_a_fresh_claim(refusal):
    chosen = by_id(refusal, {"no_appeal"})
    review = chosen["judicial_review"]
    assert "judicial review" in review.text and "3 months" in review.text
    assert "solicitor" in review.text
    assert "CPR 54.5" in review.source and "Upper Tribunal" in review.note
    fresh = chosen["fresh_claim"]
    assert "fresh claim" in fresh.text
    assert "paragraph 353" in fresh.source


def test_fourteen_days_to_apply_again_after_an_in_time_application(refusal):
    again = by_id(refusal, {"applied_in_time"})["apply_again"]
    assert "14 days" in again.text
    assert "SUI 13.1 (paragraph 39E before 11 November 2025)" in again.source


def test_section_3c_and_the_right_to_work_end_with_the_challenge(refusal):
    work = by_id(refusal, {"applied_in_time"})["right_to_work"]
    assert "right to work" in work.text and "stops" in work.text
    assert "appeal" in work.text and "review" in work.text
    assert "s3C(2)" in work.source
    assert "RULE-NOTES: section 3C only where it arises" in work.source


def test_after_refusal_fee_line_is_left_to_the_items(refusal):
    # Which fee applies depends on the remedy, and many clients pay none: no fee line.
    assert refusal.fee == ()


# --------------------------------------------------------------------------------------------
# The handouts print
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("large", [False, True])
def test_family_reunion_handout_prints_closed(reunion, large):
    text = pdf_text(build_handout(reunion, made_on=CHECKED, large_print=large))
    assert "closed" in text and "4 September 2025" in text
    assert "There is no fee" not in text
    assert "Bringing your family to the UK on a family visa" in text
    arabic = build_handout(reunion, lang="ar", made_on=CHECKED, large_print=large)
    assert len(PdfReader(io.BytesIO(arabic)).pages) >= 1


@pytest.mark.parametrize("large", [False, True])
def test_after_refusal_handout_prints_with_every_remedy(refusal, large):
    from desktop.printing.handout import HandoutLine

    items = refusal.items_for(set(refusal.circumstances))
    assert items == refusal.items
    for lang in ("en", "ar"):
        lines = [
            HandoutLine(
                text=refusal.text(item, lang),
                provider=item.provider,
                section=item.section,
                when=item.when,
            )
            for item in items
        ]
        pdf = build_handout(refusal, lang=lang, lines=lines, made_on=CHECKED, large_print=large)
        assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1
    text = pdf_text(build_handout(refusal, made_on=CHECKED, large_print=large))
    assert "After the Home Office says no" in text
