"""Issue 18, spouse/partner checklist and eVisas across the existing checklists (brief H2b).

The spouse handout names every kind of sponsor the Rules allow (E-ECP.2.1), the TB certificate
(Appendix Tuberculosis) and the income needed (E-ECP.3.1), and its paper steps are the online
process; every item that asks for a BRP says BRPs ended on 31 December 2024, that status is an
eVisa in a UKVI account proved with a share code, and that an old BRP still helps.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import textstat
from pypdf import PdfReader

from desktop.assess import load_checklists
from desktop.rules.checklists import Checklist
from tests.handout_inputs import build_handout

CHECKED = date(2026, 12, 6)
#: The checklists this brief re-checked, and the fee keys each now carries.
FEES: dict[str, tuple[str, ...]] = {
    "spouse_entry_clearance": ("fee.partner_entry_clearance",),
    "dl_settlement": ("fee.ilr_discretionary_leave",),
    "domestic_abuse_settlement": ("fee.ilr_domestic_abuse",),
    "fee_waiver": ("fee.fee_waiver_request",),
    "long_residence": ("fee.ilr_long_residence",),
    "mvdac_concession": (),  # no fee for the concession
    "nrpf_change_of_conditions": (),  # no fee for a change of conditions
    "protection_settlement": ("fee.ilr_protection",),
    "ten_year_extension": ("fee.flr_family_private_life",),
}
MINE = tuple(FEES)
#: Words every item that asks for a BRP must carry (English client text).
EVISA_WORDS = (
    "31 December 2024",
    "eVisa",
    "UKVI account",
    "share code",
    "old BRP card",
    "still helps",
    "run out",
    "open",
)


@pytest.fixture(scope="module")
def checklists() -> dict[str, Checklist]:
    return load_checklists()


@pytest.fixture(scope="module")
def spouse(checklists) -> Checklist:
    return checklists["spouse_entry_clearance"]


def items(checklist: Checklist) -> dict:
    return {item.id: item for item in checklist.items}


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


# --------------------------------------------------------------------------------------------
# Every file re-checked: date, version, fee
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("checklist_id", MINE)
def test_rechecked_files_say_so_and_carry_their_fee(checklists, checklist_id):
    checklist = checklists[checklist_id]
    assert checklist.checked_on == CHECKED
    assert checklist.version == 2  # items changed: a client's saved list keeps version 1
    assert checklist.fee == FEES[checklist_id]


# --------------------------------------------------------------------------------------------
# 1. Spouse / partner
# --------------------------------------------------------------------------------------------


def test_spouse_sponsor_may_be_british_settled_refugee_protected_or_euss(spouse):
    sponsor = items(spouse)["sponsor_status"]
    assert not sponsor.when  # on every handout, the blank one too
    for words in (
        "British",
        "settled",
        "refugee",
        "humanitarian protection",
        "EU Settlement Scheme",
    ):
        assert words in sponsor.text, words
    assert "E-ECP.2.1" in sponsor.source and "checked 2026-12-06" in sponsor.source
    assert "(d)" in sponsor.note and "verify" in sponsor.note  # the unconfirmed wording is flagged


def test_spouse_tb_certificate_for_the_listed_countries(spouse):
    tb = items(spouse)["tb_certificate"]
    assert tb.when == "needs_tb_test"
    assert "list" in spouse.circumstances["needs_tb_test"]
    assert "TB" in tb.text and "clinic the Home Office approves" in tb.text
    assert "6 months" in tb.text
    assert "Appendix Tuberculosis" in tb.source and "Reference 003" in tb.source


def test_spouse_handout_without_a_client_states_the_income_needed(spouse):
    income = items(spouse)["income_needed"]
    assert not income.when
    assert "£29,000" in income.text and "£18,600" in income.text
    assert "11 April 2024" in income.text
    assert "E-ECP.3.1" in income.source and "HC 590" in income.source
    # The older rule has its own circumstance and proof.
    assert "11 April 2024" in spouse.circumstances["older_income_rule"]
    assert items(spouse)["first_application_proof"].when == "older_income_rule"
    assert "first_application_proof" not in {i.id for i in spouse.items_for()}

    printed = pdf_text(build_handout(spouse, made_on=CHECKED))
    assert "£29,000" in printed and "£18,600" in printed and "11 April 2024" in printed
    arabic = pdf_text(build_handout(spouse, lang="ar", made_on=CHECKED))
    assert "29,000" in arabic and "18,600" in arabic


def test_spouse_paper_steps_are_the_online_process(spouse):
    by_id = items(spouse)
    assert "photos" not in by_id and "application_form" not in by_id  # the old sheet's steps
    for step in ("apply_online", "biometrics", "upload_papers", "visa_fee"):
        assert by_id[step].section == "How to apply"
        assert "checked 2026-12-06" in by_id[step].source
    assert "online" in by_id["apply_online"].text and "GOV.UK" in by_id["apply_online"].text
    assert "photo and fingerprints" in by_id["biometrics"].text
    assert "upload" in by_id["upload_papers"].text
    for step in ("apply_online", "biometrics", "upload_papers"):
        assert "Changed on 2026-12-06" in by_id[step].note
    client_words = " ".join(i.text for i in spouse.items).casefold()
    for old in ("four passport photos", "by hand", "printed out"):
        assert old not in client_words, old


def test_spouse_keeps_what_other_tests_rely_on(spouse):
    always = {i.id for i in spouse.items_for()}
    assert {"applicant_passport", "marriage_certificate", "sponsor_status"} <= always
    chosen = spouse.items_for({"married_before", "needs_tb_test"})
    assert len(chosen) == len(spouse.items_for()) + 3


# --------------------------------------------------------------------------------------------
# 2. eVisas
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("checklist_id", MINE)
def test_every_item_that_asks_for_a_brp_explains_evisas(checklists, checklist_id):
    asking = [i for i in checklists[checklist_id].items if "BRP" in i.text]
    for item in asking:
        for words in EVISA_WORDS:
            assert words in item.text, (item.id, words)
        assert "eVisa" in item.note and "RULE-NOTES: eVisas" in item.source, item.id
        for lang in ("ar", "fa"):
            translated = item.translations[lang]
            assert "BRP" in translated and "eVisa" in translated and "UKVI" in translated
            assert "share code" in translated, (item.id, lang)


def test_the_items_that_asked_for_a_brp_now_ask_for_a_share_code(checklists):
    were_brp = {
        "spouse_entry_clearance": ["sponsor_status"],
        "dl_settlement": ["status_card", "family_status"],
        "domestic_abuse_settlement": ["partner_visa", "ex_partner_status", "children_status"],
        "fee_waiver": ["id_numbers"],
        "long_residence": ["grant_letters"],
        "mvdac_concession": ["partner_visa"],
        "nrpf_change_of_conditions": ["brp_or_passport"],
        "protection_settlement": ["status_card", "family_status"],
        "ten_year_extension": ["passport_brp"],
    }
    for checklist_id, ids in were_brp.items():
        by_id = items(checklists[checklist_id])
        for item_id in ids:
            assert "share code" in by_id[item_id].text, (checklist_id, item_id)
            assert "31 December 2024" in by_id[item_id].text, (checklist_id, item_id)


# --------------------------------------------------------------------------------------------
# Re-checks: Part Suitability, no fee amounts in text, reading age, translations, sources
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("checklist_id", MINE)
def test_part_9_and_39e_are_cited_with_their_new_numbers(checklists, checklist_id):
    for item in checklists[checklist_id].items:
        cited = f"{item.note} {item.source}"
        if "Part 9" in cited:
            assert "Part Suitability" in cited and "11 November 2025" in cited, item.id
        if "39E" in cited:
            assert "SUI 13.1" in cited, item.id


@pytest.mark.parametrize("checklist_id", MINE)
def test_no_amount_of_money_in_client_text_but_the_income_rule(checklists, checklist_id):
    checklist = checklists[checklist_id]
    amounts = re.compile(r"£|GBP|\bpounds?\b")
    assert not amounts.search(checklist.intro)
    for item in checklist.items:
        if (checklist_id, item.id) == ("spouse_entry_clearance", "income_needed"):
            continue  # not a fee: the income rule the issue asks to be printed (E-ECP.3.1)
        assert not amounts.search(item.text), (checklist_id, item.id)


@pytest.mark.parametrize("checklist_id", MINE)
def test_reading_age_and_translations_of_my_checklists(checklists, checklist_id):
    checklist = checklists[checklist_id]
    text = " ".join([checklist.intro, *(i.text for i in checklist.items)])
    assert textstat.flesch_kincaid_grade(text) <= 5.0
    for lang in ("ar", "fa"):
        assert checklist.missing_translations(lang) == ()
        assert lang not in checklist.reviews  # written by an engineer, not a native speaker
    farsi = [
        *checklist.translations["fa"].values(),
        *(i.translations["fa"] for i in checklist.items),
    ]
    for text in farsi:
        assert "\u064a" not in text and "\u0643" not in text, text  # Arabic yeh and kaf


@pytest.mark.parametrize("checklist_id", MINE)
def test_every_item_cites_a_reference_and_a_paragraph_or_a_dated_page(checklists, checklist_id):
    paragraph = re.compile(
        r"E-ECP\.\d|FM-SE|LR \d|SUI \d|34G|Part 9|Part Suitability|Appendix [A-Z]|paragraph|"
        r"Regulations \d{4}|checked 2026-12-06|Reference 00[0-4]: [A-Z]|sheet: [A-Z]"
    )
    for item in checklists[checklist_id].items:
        assert re.search(r"Reference 00[0-4]\b", item.source), (checklist_id, item.id)
        assert paragraph.search(item.source), (checklist_id, item.id)


# --------------------------------------------------------------------------------------------
# They print: English, Arabic, Farsi, large print
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("checklist_id", MINE)
def test_my_checklists_print_as_handouts(checklists, checklist_id):
    checklist = checklists[checklist_id]
    for lang, large in (("en", False), ("ar", False), ("fa", False), ("en", True), ("ar", True)):
        pdf = build_handout(checklist, lang=lang, large_print=large, made_on=CHECKED)
        assert pdf.startswith(b"%PDF")
        if lang == "en":
            printed = pdf_text(pdf)
            assert checklist.title in printed
            if any("BRP" in i.text for i in checklist.items_for()):
                assert "31 December 2024" in printed and "share code" in printed
