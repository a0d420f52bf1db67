"""Issue 18, new checklists part B: administrative review, a late EU Settlement Scheme
application, Skilled Worker settlement, a refugee's family on an Appendix FM family visa, and
getting into a UKVI account and making a share code. Each loads, has its fee keys, cites its
sources with a date, reads at about age 9, is complete in Arabic and Farsi, and prints."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import textstat
from pypdf import PdfReader

from desktop.assess import load_checklists, load_figures
from desktop.printing.handout import HandoutLine
from desktop.rules.checklists import Checklist
from tests.handout_inputs import build_handout

CHECKED = date(2026, 12, 6)
MAX_GRADE = 5.0  # as tests/rules/test_checklists.py
NEW = {
    "administrative_review": ("fee.administrative_review",),
    "euss_late": ("fee.euss",),
    "skilled_worker_settlement": ("fee.ilr",),
    "refugee_family_appendix_fm": ("fee.partner_entry_clearance",),
    "ukvi_account_share_code": (),
}
#: A rule paragraph or part of the Rules, the Act, a reference text, or a GOV.UK page with the
#: date it was checked: every source names at least one.
CITATION = re.compile(
    r"Appendix [A-Z][A-Za-z ]*|SUI \d|paragraph \d|CR \d|E-ECP\.\d|GEN\.\d|s3C|Reference 00\d"
    r"|GOV\.UK '[^']+'.*\(checked 2026-12-06\)|Part Suitability|Regulations 20\d\d"
)
LATIN_NAMES = ("Home Office", "BRP", "TB", "UKVI", "eVisa", "Life in the UK", "GOV.UK", "GWF")


@pytest.fixture(scope="module")
def checklists() -> dict[str, Checklist]:
    return load_checklists()


def client_text(checklist: Checklist) -> str:
    return " ".join([checklist.intro, *(item.text for item in checklist.items)])


def items(checklist: Checklist) -> dict:
    return {item.id: item for item in checklist.items}


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --------------------------------------------------------------------------------------------
# Every new file
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("checklist_id", sorted(NEW))
def test_loads_checked_today_with_its_fee_keys(checklists, checklist_id):
    checklist = checklists[checklist_id]
    assert checklist.source_file == f"resources/checklists/{checklist_id}.toml"
    assert checklist.version == 1
    assert checklist.checked_on == CHECKED
    assert checklist.fee == NEW[checklist_id]
    assert set(checklist.fee) <= set(load_figures().keys())
    assert checklist.closed_on is None


@pytest.mark.parametrize("checklist_id", sorted(NEW))
def test_reading_age_about_nine(checklists, checklist_id):
    grade = textstat.flesch_kincaid_grade(client_text(checklists[checklist_id]))
    assert grade <= MAX_GRADE, (checklist_id, grade)


@pytest.mark.parametrize("checklist_id", sorted(NEW))
def test_every_source_cites_a_rule_or_a_dated_page(checklists, checklist_id):
    for item in checklists[checklist_id].items:
        assert CITATION.search(item.source), (checklist_id, item.id, item.source)
        assert item.text.endswith("."), (checklist_id, item.id)


@pytest.mark.parametrize("checklist_id", sorted(NEW))
def test_arabic_and_farsi_are_complete(checklists, checklist_id):
    checklist = checklists[checklist_id]
    assert checklist.languages() == ("en", "ar", "fa")
    assert checklist.reviews == {}  # written by an engineer: unreviewed, flagged when printing
    for lang in ("ar", "fa"):
        assert checklist.missing_translations(lang) == (), lang
        assert checklist.title_in(lang) != checklist.title
        assert checklist.intro_in(lang) != checklist.intro
        for section in checklist.sections():
            assert checklist.section_in(section, lang) != section
        for key, sentence in checklist.circumstances.items():
            assert checklist.circumstance_in(key, lang) != sentence
        for item in checklist.items:
            translated = checklist.text(item, lang)
            assert re.search(r"[\u0600-\u06ff]", translated), (lang, item.id)
            for name in LATIN_NAMES:
                if name in item.text:
                    assert name in translated, (lang, item.id, name)
    farsi = [
        checklist.title_in("fa"),
        checklist.intro_in("fa"),
        *(checklist.text(i, "fa") for i in checklist.items),
        *(checklist.section_in(s, "fa") for s in checklist.sections()),
        *(checklist.circumstance_in(k, "fa") for k in checklist.circumstances),
    ]
    for text in farsi:
        assert "\u064a" not in text and "\u0643" not in text, text  # Arabic yeh and kaf


@pytest.mark.parametrize("checklist_id", sorted(NEW))
def test_every_circumstance_is_used(checklists, checklist_id):
    checklist = checklists[checklist_id]
    assert set(checklist.circumstances) == {i.when for i in checklist.items if i.when}


@pytest.mark.parametrize("checklist_id", sorted(NEW))
def test_a_brp_is_asked_for_as_old_or_expired(checklists, checklist_id):
    for item in checklists[checklist_id].items:
        if "BRP" in item.text:
            assert "expired" in item.text or "old BRP" in item.text, item.id


@pytest.mark.parametrize("checklist_id", sorted(NEW))
def test_no_fee_amount_in_the_client_text(checklists, checklist_id):
    # The handout prints the fee from the figures; the only amount in words is the income rule.
    for item in checklists[checklist_id].items:
        if (checklist_id, item.id) != ("refugee_family_appendix_fm", "income_proof"):
            assert "£" not in item.text, item.id


# --------------------------------------------------------------------------------------------
# Administrative review
# --------------------------------------------------------------------------------------------


def test_administrative_review_time_limits_and_what_it_is_for(checklists):
    review = checklists["administrative_review"]
    by = items(review)
    assert "administrative review" in review.intro and "letter says so" in review.intro
    limits = by["time_limit"].text
    assert "14 days" in limits and "7 days" in limits and "28 days" in limits
    assert "detention" in limits and "outside the UK" in limits
    assert "Appendix Administrative Review" in by["time_limit"].source
    # A case-working error, in plain words for the client and defined for the adviser.
    assert "mistake" in by["mistakes_list"].text
    assert "case-working error" in by["mistakes_list"].note
    assert "did not consider evidence" in by["mistakes_list"].note
    assert "only ask once" in by["ask_online"].text


def test_administrative_review_section_3c_window_and_judicial_review(checklists):
    by = items(checklists["administrative_review"])
    rights = by["rights_while_waiting"]
    assert rights.when == "applied_in_time"
    assert "right to work" in rights.text and "late" in rights.text
    assert "s3C(2)(d)-(e)" in rights.source
    again = by["if_still_refused"]
    assert "14 days" in again.text
    assert "SUI 13.1" in again.source and "39E(2) before 11 November 2025" in again.source
    assert "judicial review" in by["court_review"].text
    assert "back" in by["fee"].text  # refunded when the Home Office finds its mistake


# --------------------------------------------------------------------------------------------
# Late EU Settlement Scheme application
# --------------------------------------------------------------------------------------------


def test_euss_late_reasonable_grounds_since_august_2023(checklists):
    late = checklists["euss_late"]
    by = items(late)
    assert "30 June 2021" in late.intro
    assert "no fee" not in late.intro  # fee.euss is unverified: the fee line says ask the adviser
    assert "proof of your reason" in late.intro.lower()
    assert "9 August 2023" in by["reason_letter"].note
    assert "benefit of the doubt" in by["reason_letter"].note
    assert all("EU9" in by[i].source for i in ("reason_letter", "reason_proof", "if_rejected"))
    assert {by[i].when for i in ("care_letter", "health_letter", "abuse_letter")} == {
        "child_in_care",
        "health",
        "abuse",
    }
    assert "cannot appeal" in by["if_rejected"].text
    assert "31 December 2020" in by["lived_here_before_2021"].text
    assert "certificate of application" in by["certificate_of_application"].text


# --------------------------------------------------------------------------------------------
# Skilled Worker settlement
# --------------------------------------------------------------------------------------------


def test_skilled_worker_settlement_says_the_rules_may_change(checklists):
    settle = checklists["skilled_worker_settlement"]
    by = items(settle)
    assert settle.routes == ("settlement_skilled_worker",)
    assert "5 years" in settle.intro and "plans" in settle.intro
    assert "check the rules" in settle.intro
    note = by["passports"].note
    assert "earned settlement" in note and "not confirmed" in note and "CP 1448" in note
    assert "Appendix Skilled Worker" in by["employer_letter"].source
    assert "still need you" in by["employer_letter"].text
    assert "CR 3.1" in by["trips_list"].source
    assert "Life in the UK" in by["life_in_uk"].text and "B1" in by["english"].text
    assert "eVisa" in by["visa_letters"].text and "expired" in by["visa_letters"].text
    assert "Part Suitability" in by["criminal_papers"].source


# --------------------------------------------------------------------------------------------
# A refugee's family on an Appendix FM family visa
# --------------------------------------------------------------------------------------------


def test_refugee_family_appendix_fm_after_the_closure(checklists):
    family = checklists["refugee_family_appendix_fm"]
    by = items(family)
    assert family.title == "Bringing your family to the UK on a family visa"
    for words in ("closed", "3pm on 4 September 2025", "family visa", "fee", "money rule"):
        assert words in family.intro, words
    assert "E-ECP.2.1" in by["your_status"].source
    assert "humanitarian protection" in by["your_status"].text
    assert "share code" in by["your_status"].text and "expired" in by["your_status"].text
    income = by["income_proof"]
    assert "£29,000" in income.text and "E-ECP.3.1" in income.source
    assert "11 April 2024" in income.note
    hardship = by["why_apart_is_hard"]
    assert hardship.when == "money_rule_not_met"
    assert "GEN.3.1" in hardship.source and "GEN.3.2" in hardship.source
    assert "human rights" in hardship.note
    waiver = by["fee_waiver"]
    assert waiver.when == "cannot_pay_fee" and "fee waiver" in waiver.text
    assert "Affordability fee waiver" in waiver.source
    assert by["tb_certificate"].when == "needs_tb_test"
    assert "online" in by["apply_online"].text  # not the old paper form and photos


# --------------------------------------------------------------------------------------------
# UKVI account and share code
# --------------------------------------------------------------------------------------------


def test_ukvi_account_share_code_is_free_and_has_the_steps(checklists):
    ukvi = checklists["ukvi_account_share_code"]
    by = items(ukvi)
    assert ukvi.fee == ()
    assert "free" in ukvi.intro and "Never pay" in ukvi.intro
    assert "expired" in by["old_brp"].text
    assert "phone" in by["phone_and_email"].text and "email" in by["phone_and_email"].text
    assert "Get access to your eVisa" in by["make_account"].text
    assert "View and prove your immigration status" in by["make_share_code"].text
    assert "date of birth" in by["give_share_code"].text
    assert "second one" in by["check_for_account"].text
    assert "90" not in by["code_runs_out"].text  # not confirmed on GOV.UK: no number


# --------------------------------------------------------------------------------------------
# The handouts print: English, Arabic and Farsi, normal and large print, every item
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("checklist_id", sorted(NEW))
def test_handout_prints_in_every_language(checklists, checklist_id, large):
    checklist = checklists[checklist_id]
    for lang in ("en", "ar", "fa"):
        lines = [
            HandoutLine(
                text=checklist.text(item, lang),
                provider=item.provider,
                section=item.section,
                when=item.when,
            )
            for item in checklist.items
        ]
        pdf = build_handout(checklist, lang=lang, lines=lines, made_on=CHECKED, large_print=large)
        assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1
    text = pdf_text(build_handout(checklist, made_on=CHECKED, large_print=large))
    assert checklist.title.split(" (")[0][:30] in text


def test_refugee_family_handout_says_closed(checklists):
    text = pdf_text(build_handout(checklists["refugee_family_appendix_fm"], made_on=CHECKED))
    assert "closed" in text and "4 September 2025" in text and "29,000" in text
