"""Issue 18, new checklists part A: partner extension (FLR(M)), settlement as a partner (SET(M)),
naturalisation (form AN), registering a child (MN1) and discretionary leave extension (FLR(DL)).

Each test names the point of the issue it holds: the key words a client must read, the fee keys
the handout prints, the engine routes whose dates it shows, the sources and the date they were
checked, the reading age and the Arabic and Farsi translations."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import textstat
from pypdf import PdfReader

from desktop.assess import load_checklists, load_figures
from desktop.rules.checklists import PROVIDERS
from desktop.rules.history import ROUTES
from tests.handout_inputs import build_handout

NEW = (
    "flr_partner",
    "set_partner",
    "naturalisation",
    "child_registration",
    "flr_discretionary_leave",
)
CHECKED = date(2026, 12, 6)
#: The issue's reading age: Flesch-Kincaid grade over a whole checklist's client text.
MAX_GRADE = 5.0
#: Official names that stay in Latin letters inside Arabic and Farsi sentences.
LATIN_NAMES = ("Home Office", "BRP", "eVisa", "Life in the UK", "MN1", "EU Settlement Scheme")


@pytest.fixture(scope="module")
def checklists():
    return load_checklists()


def client_text(checklist) -> str:
    return " ".join([checklist.intro, *(item.text for item in checklist.items)])


def items(checklist):
    return {item.id: item for item in checklist.items}


# --------------------------------------------------------------------------------------------
# Every new file: loads, dated, fee keys, routes, reading age, translations, sources
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("checklist_id", NEW)
def test_new_checklist_loads_checked_today_with_known_fee_and_routes(checklists, checklist_id):
    checklist = checklists[checklist_id]
    assert checklist.source_file == f"resources/checklists/{checklist_id}.toml"
    assert checklist.version == 1
    assert checklist.checked_on == CHECKED
    assert checklist.closed_on is None  # these routes are open
    assert checklist.fee, "every new checklist names its fee"
    assert set(checklist.fee) <= set(load_figures().keys())
    assert set(checklist.routes) <= set(ROUTES)


def test_fee_keys_are_the_ones_the_brief_names(checklists):
    assert checklists["flr_partner"].fee == ("fee.flr_partner",)
    assert checklists["set_partner"].fee == ("fee.ilr",)
    assert checklists["naturalisation"].fee == ("fee.naturalisation", "fee.citizenship_ceremony")
    assert checklists["child_registration"].fee == ("fee.child_registration",)
    assert checklists["flr_discretionary_leave"].fee == ("fee.flr_discretionary_leave",)


def test_routes_show_the_clients_own_dates_where_the_engine_has_them(checklists):
    assert checklists["flr_partner"].routes == ("settlement_partner_5y",)
    assert checklists["set_partner"].routes == ("settlement_partner_5y",)
    assert checklists["flr_discretionary_leave"].routes == ("settlement_discretionary_leave",)
    # Only s6(1): the s6(2) date is earlier and would mislead a client who is not married to a
    # British citizen (the format has no routes per circumstance).
    assert checklists["naturalisation"].routes == ("naturalisation_6_1",)
    assert checklists["child_registration"].routes == ()  # no engine route for MN1


@pytest.mark.parametrize("checklist_id", NEW)
def test_reading_age_of_the_new_checklist(checklists, checklist_id):
    grade = textstat.flesch_kincaid_grade(client_text(checklists[checklist_id]))
    assert grade <= MAX_GRADE, (checklist_id, grade)


@pytest.mark.parametrize("checklist_id", NEW)
def test_complete_arabic_and_farsi_translations(checklists, checklist_id):
    checklist = checklists[checklist_id]
    assert checklist.languages() == ("en", "ar", "fa")
    assert checklist.reviews == {}  # not checked by a native speaker: stays unreviewed
    for lang in ("ar", "fa"):
        assert checklist.missing_translations(lang) == (), lang
        assert checklist.title_in(lang) != checklist.title
        assert checklist.intro_in(lang) != checklist.intro
        for item in checklist.items:
            translated = checklist.text(item, lang)
            assert re.search(r"[\u0600-\u06ff]", translated), (lang, item.id)
            for name in LATIN_NAMES:
                if name in item.text:
                    assert name in translated, (lang, item.id, name)
    farsi = [
        checklist.title_in("fa"),
        checklist.intro_in("fa"),
        *checklist.translations["fa"].values(),
        *(checklist.text(i, "fa") for i in checklist.items),
    ]
    for text in farsi:
        assert "\u064a" not in text and "\u0643" not in text, text  # Arabic yeh and kaf


@pytest.mark.parametrize("checklist_id", NEW)
def test_every_item_has_a_dated_source_with_a_paragraph(checklists, checklist_id):
    paragraph = re.compile(
        r"E-LTRP|E-ILRP|E-ECP|GEN\.1|FM-SE|paragraph \d|para \d|BNA 1981 s\d|Sch\. \d|"
        r"Reference 00[0-4]: |Reference 00[0-4], [a-z ]+ (sheet|section)|RULE-NOTES: |"
        r"Part Suitability|section \d\(\d\)|reg \d|section '"
    )
    for item in checklists[checklist_id].items:
        assert item.provider in PROVIDERS
        assert item.text.endswith((".", ":")), item.id
        assert paragraph.search(item.source), (checklist_id, item.id, item.source)
        # Every GOV.UK page cited says when it was checked.
        for part in item.source.split(";"):
            if "GOV.UK '" in part:
                assert "2026-12-06" in part, (checklist_id, item.id, part)


@pytest.mark.parametrize("checklist_id", NEW)
def test_every_circumstance_has_an_item_and_every_when_is_a_circumstance(checklists, checklist_id):
    checklist = checklists[checklist_id]
    used = {item.when for item in checklist.items if item.when}
    assert used == set(checklist.circumstances)


@pytest.mark.parametrize("checklist_id", NEW)
def test_no_fee_amount_in_client_text(checklists, checklist_id):
    """Fees are printed from the figures on the day; the only pound figures in the text are the
    partner income thresholds (Appendix FM), which are not fees."""
    for item in checklists[checklist_id].items:
        if "£" in item.text:
            assert item.id == "income_needed", (checklist_id, item.id)
    assert "£" not in checklists[checklist_id].intro


@pytest.mark.parametrize("checklist_id", NEW)
def test_a_brp_is_never_asked_for_without_the_evisa_share_code(checklists, checklist_id):
    for item in checklists[checklist_id].items:
        if "BRP" in item.text:
            assert "share code" in item.text, (checklist_id, item.id)
    evisa_items = [i for i in checklists[checklist_id].items if "eVisa share code" in i.text]
    for item in evisa_items:
        assert "expired" in item.text and "RULE-NOTES: eVisas" in item.source


# --------------------------------------------------------------------------------------------
# The key points of each checklist
# --------------------------------------------------------------------------------------------


def test_partner_extension_points(checklists):
    flr = checklists["flr_partner"]
    assert "28 days" in flr.intro and "before your visa ends" in flr.intro
    by_id = items(flr)
    income = by_id["income_needed"]
    assert "£29,000" in income.text and "£18,600" in income.text and "11 April 2024" in income.text
    assert "E-LTRP.3.1" in income.source and not income.when  # printed without a client too
    # The partner may hold refugee leave or protection, or EU Settlement Scheme status.
    assert by_id["partner_refugee_status"].when == "sponsor_refugee"
    assert "refugee" in by_id["partner_refugee_status"].text
    assert by_id["partner_euss_status"].when == "sponsor_euss"
    assert "EU Settlement Scheme" in by_id["partner_euss_status"].text
    assert "E-LTRP.1.10" in by_id["letters_same_home"].source
    assert "A2" in by_id["english_test"].text
    assert "E-LTRP.4.1" in by_id["english_test"].source
    assert by_id["evisa"].provider == "client" and not by_id["evisa"].when


def test_settlement_as_a_partner_points(checklists):
    setm = checklists["set_partner"]
    assert "5 years" in setm.intro and "stay in the UK for good" in setm.intro
    assert "cannot ask for a fee waiver" in setm.intro
    by_id = items(setm)
    assert "E-ILRP" in by_id["grant_letters"].source
    assert "Life in the UK" in by_id["life_in_uk"].text
    assert "B1" in by_id["english_test"].text
    assert "£29,000" in by_id["income_needed"].text
    assert "withdrawn" in by_id["no_travel"].text and "Ireland" in by_id["no_travel"].text
    assert "6 or over" in by_id["biometrics"].text
    assert by_id["partner_euss"].when == "sponsor_euss"


def test_naturalisation_points(checklists):
    nat = checklists["naturalisation"]
    assert "12 months" in nat.intro and "married to a British citizen" in nat.intro
    assert "2 fees" in nat.intro and "ceremony" in nat.intro
    by_id = items(nat)
    limits = by_id["absence_limits"].text
    assert "450 days" in limits and "90 days" in limits and "first day of the 5 years" in limits
    assert "Naturalisation absences" in by_id["absence_limits"].source
    spouse = by_id["absence_limits_spouse"]
    assert spouse.when == "married_to_british" and "270 days" in spouse.text
    assert "Life in the UK" in by_id["life_in_uk"].text
    assert "B1" in by_id["english_test"].text
    assert "Two people" in by_id["referees"].text and "British passport" in by_id["referees"].text
    assert (
        by_id["tell_everything"].section == "Good character" and not by_id["tell_everything"].when
    )
    came = by_id["came_without_visa"]
    assert came.when == "came_without_visa" and "Talk to us before you apply" in came.text
    assert "10 February 2025" in came.source
    assert "fee waiver" in by_id["fee"].text
    assert "s42" in by_id["ceremony"].source and "3 months" in by_id["ceremony"].text
    # ILR held 12 months unless married to a British citizen (BNA 1981 Sch. 1 para 1(2)(c), 3).
    assert "1(2)(c)" in by_id["settled_proof"].source


def test_child_registration_points(checklists):
    mn1 = checklists["child_registration"]
    assert "MN1" in mn1.intro and "fee waiver" in mn1.intro and "18" in mn1.intro
    by_id = items(mn1)
    sources = " ".join(i.source for i in mn1.items)
    assert "s3(1)" in sources and "s1(3)" in sources
    assert by_id["fee_waiver_statements"].when == "cannot_pay"
    assert "Affordability fee waiver" in by_id["fee_waiver_statements"].source
    assert "form T" in by_id["ten_years_other_form"].text
    assert "teacher" in by_id["referees"].text
    assert "18th birthday" in by_id["apply_before_18"].text


def test_discretionary_leave_extension_points(checklists):
    dl = checklists["flr_discretionary_leave"]
    assert "28 days" in dl.intro and "fee waiver" in dl.intro and "late" in dl.intro
    by_id = items(dl)
    assert "28 days" in by_id["apply_window"].text
    assert "Reference 002: Further leave applications" in by_id["apply_window"].source
    follow_up = by_id["fee_waiver_next"]
    assert "10 working days" in follow_up.text and "34G(4)" in follow_up.source
    assert "FLR(DL)" in by_id["fee"].source
    assert "still apply" in by_id["reasons_still_apply"].text


def test_items_for_partner_extension_with_and_without_circumstances(checklists):
    flr = checklists["flr_partner"]
    always = {i.id for i in flr.items_for()}
    assert {"passport", "evisa", "partner_status", "income_needed"} <= always
    assert "partner_refugee_status" not in always
    chosen = {i.id for i in flr.items_for({"sponsor_refugee"})}
    assert chosen == always | {"partner_refugee_status"}


# --------------------------------------------------------------------------------------------
# They print
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("checklist_id", NEW)
@pytest.mark.parametrize("lang", ["en", "ar", "fa"])
@pytest.mark.parametrize("large", [False, True])
def test_new_checklist_prints(checklists, checklist_id, lang, large):
    checklist = checklists[checklist_id]
    pdf = build_handout(checklist, lang=lang, large_print=large, made_on=CHECKED)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    if lang == "en":
        text = " ".join("".join(page.extract_text() for page in reader.pages).split())
        assert " ".join(checklist.title.split()[:2]) in text
        assert "???" not in text
