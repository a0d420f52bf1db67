"""Issue 22: letters printed from templates kept as data (desktop/printing/letters.py,
resources/letters/*.toml): client care (OISC Code of Standards 2016 codes 23-26), update (29),
outcome (30), closing (46-47, 57) and referral. Each read back with pypdf: the centre, its OISC
number, the client, the adviser and the letter's own parts; DRAFT and why on every page while a
piece is missing, never when complete; large print at 18 pt; Arabic and Farsi shaped, followed by
the English letter while unreviewed; the same bytes for the same letter. Fictional people only."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from desktop.printing import letters
from desktop.printing.letters import (
    LETTER_KINDS,
    LetterContext,
    LetterTemplateError,
    letter_languages,
    letter_pdf,
    letter_problems,
    letter_reviewed,
    letter_template,
)
from tests.printing.test_handout import (
    contains,
    fonts_of,
    isolated,
    naskh_glyphs_written,
    runs_of,
    shaped,
)

MADE = date(2026, 12, 7)  # a Monday
DECIDED = date(2026, 12, 3)

#: Every field a complete letter of any kind needs, and some it may print.
FULL = dict(
    centre_name="Riverside Advice Centre",
    centre_contact="12 High Street, Leeds LS1 1AA\n0113 496 0000",
    oisc_number="F202612345",
    complaints_procedure="Tell your adviser first. Then write to the centre manager.",
    client_name="Amina Testperson",
    client_address="Flat 2, 5 Park Road\nLeeds LS6 2AB",
    adviser="Sam Adviser",
    matter_title="Partner extension",
    category_label="Family: partner",
    status_summary="You have permission as a partner until 14 April 2027.",
    instructions="Help you apply to extend your permission as a partner.",
    advice_given="You can apply from 14 March 2027.",
    work_agreed="Check your papers and fill in the form with you.",
    timeframe="About 4 weeks from when you bring your papers.",
    costs="Free: we do not charge.",
    progress="We sent your application on 2 December 2026.",
    outcome_label="Limited leave granted",
    decision_on=DECIDED,
    next_steps="Keep your new permission letter safe.",
    referred_to="Northside Law Centre",
    referral_reason="Your case needs an appeal.",
)

#: kind -> words of the letter's own parts that must be printed (from FULL or the template).
OWN_WORDS = {
    "client_care": [
        "Client care letter",
        "Help you apply to extend your permission as a partner.",
        "The advice we gave you",
        "Check your papers and fill in the form with you.",
        "About 4 weeks from when you bring your papers.",
        "Free: we do not charge.",
        "Tell your adviser first. Then write to the centre manager.",
        "Immigration Services Commissioner",
        "You have permission as a partner until 14 April 2027.",
        "at least 6 years",
        "I have read this letter",
        "Signed:",
    ],
    "update": [
        "Update on your case",
        "What has happened since our last letter",
        "We sent your application on 2 December 2026.",
        "What happens next",
        "Keep your new permission letter safe.",
    ],
    "outcome": [
        "The decision on your case",
        "within 3 working days",
        "The decision: Limited leave granted.",
        "We were told about the decision on 3 December 2026.",
        "What this means for you",
        "You can apply from 14 March 2027.",
        "Keep your new permission letter safe.",
    ],
    "closing": [
        "Your case is closed",
        "The result of your case: Limited leave granted.",
        "We will keep a copy of your file for 6 years.",
        "We have given back all the original documents",
        "If you need help again",
        "We sent your application on 2 December 2026.",
    ],
    "referral": [
        "Referral to another adviser",
        "Northside Law Centre",
        "Your case needs an appeal.",
        "We will only send your details and papers to Northside Law Centre if you agree.",
        "I agree that Riverside Advice Centre may send my details and papers about this case"
        " to Northside Law Centre.",
    ],
}


def context(kind: str, **changes) -> LetterContext:
    return dataclasses.replace(LetterContext(kind=kind, made_on=MADE, **FULL), **changes)


def norm(text: str) -> str:
    return " ".join(text.replace("\u2068", "").replace("\u2069", "").split())


def pages_of(pdf: bytes) -> list[str]:
    return [norm(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return " ".join(pages_of(pdf))


# ---- every kind, in English ------------------------------------------------------------------


def test_there_are_five_kinds_each_with_its_template():
    assert LETTER_KINDS == ("client_care", "update", "outcome", "closing", "referral")
    for kind in LETTER_KINDS:
        assert letter_template(kind).kind == kind


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_each_kind_prints_the_centre_the_client_the_adviser_and_its_own_parts(kind):
    pdf = letter_pdf(context(kind))
    text = text_of(pdf)
    for words in (
        "Riverside Advice Centre",
        "12 High Street, Leeds LS1 1AA",
        "0113 496 0000",
        "Our number: F202612345",
        "7 December 2026",  # the date written out
        "Amina Testperson",
        "Flat 2, 5 Park Road",
        "Leeds LS6 2AB",
        "Dear Amina Testperson,",
        "About: Partner extension",
        "Yours sincerely,",
        "Sam Adviser",
        "Adviser, Riverside Advice Centre",
        *OWN_WORDS[kind],
    ):
        assert words in text, (kind, words)
    # The centre heads the letter: its name, contact and number before anything else.
    assert text.startswith("Riverside Advice Centre 12 High Street, Leeds LS1 1AA 0113 496 0000")
    assert "DRAFT" not in text
    pages = pages_of(pdf)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_a_complete_letter_has_no_problems(kind):
    assert letter_problems(context(kind)) == []


def test_the_client_care_letter_has_every_part_of_code_26_in_order():
    text = text_of(letter_pdf(context("client_care")))
    order = [
        "We are acting for you, Amina Testperson",  # 26a
        "Your immigration status",  # 26b
        "What you asked us to do",  # 26c
        "The work we will do",
        "How long it should take",
        "Costs",  # 26d
        "stays your money",  # 26e
        "There may be other costs",  # 26f
        "Your adviser is Sam Adviser",  # 26g
        "we will give you copies",  # 26h
        "If you are not happy with our help",  # 26i
        "regulated in the UK by the Immigration Services Commissioner",  # 26k
        "Yours sincerely,",
        "Your agreement",  # code 25: signed and dated copy
        "Name: Amina Testperson",
        "Signed:",
        "Date:",
    ]
    at = [text.index(words) for words in order]
    assert at == sorted(at)


def test_an_unknown_status_says_so_and_a_recorded_agreement_is_printed():
    text = text_of(letter_pdf(context("client_care", status_summary="", agreed_on=DECIDED)))
    assert "We do not know your immigration status yet." in text
    assert "You agreed to this letter on 3 December 2026." in text
    assert "Signed:" not in text  # already recorded: nothing to sign


def test_a_referral_with_consent_recorded_prints_no_lines_to_sign():
    text = text_of(letter_pdf(context("referral", consent_on=DECIDED)))
    assert "You agreed to this on 3 December 2026." in text
    assert "Signed:" not in text
    assert "Signed:" in text_of(letter_pdf(context("referral")))


def test_the_closing_letter_says_the_retention_years_from_the_settings():
    text = text_of(letter_pdf(context("closing", retention_years=7)))
    assert "We will keep a copy of your file for 7 years." in text


def test_a_sentence_whose_field_is_empty_is_left_out():
    text = text_of(letter_pdf(context("closing", decision_on=None, progress="")))
    assert "We were told about the decision" not in text
    assert "What we did" not in text  # a part about an empty field is left out whole
    assert "The result of your case: Limited leave granted." in text


def test_several_lines_typed_print_as_several_paragraphs():
    pdf = letter_pdf(context("update", progress="First line.\nSecond line."))
    lines = [
        line.strip() for line in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split("\n")
    ]
    assert "First line." in lines and "Second line." in lines


# ---- not final until complete ----------------------------------------------------------------

MISSING = [
    ("client_care", "centre_name", "No centre name"),
    ("client_care", "oisc_number", "No OISC number"),
    ("client_care", "instructions", "No instructions"),
    ("client_care", "work_agreed", "No work agreed"),
    ("client_care", "timeframe", "No timeframe"),
    ("client_care", "costs", "No costs"),
    ("client_care", "complaints_procedure", "No complaints procedure"),
    ("update", "progress", "No progress since the last letter"),
    ("update", "next_steps", "No next steps"),
    ("outcome", "outcome_label", "No outcome"),
    ("outcome", "decision_on", "No decision date"),
    ("closing", "outcome_label", "No outcome"),
    ("referral", "referred_to", "No one to refer the client to"),
    ("referral", "referral_reason", "No reason for the referral"),
    ("update", "client_name", "No client name"),
    ("update", "adviser", "No adviser name"),
    ("outcome", "centre_contact", "No centre contact details"),
]


@pytest.mark.parametrize(("kind", "field", "words"), MISSING)
def test_each_missing_piece_is_named_and_every_page_says_draft_and_why(kind, field, words):
    empty = None if field == "decision_on" else ""
    ctx = context(kind, **{field: empty})
    problems = letter_problems(ctx)
    assert len(problems) == 1 and problems[0].startswith(words)
    pages = pages_of(letter_pdf(ctx))
    for page in pages:
        assert "DRAFT: not ready to send." in page
        assert words in page


def test_problems_name_the_field_never_a_value():
    ctx = context("client_care", costs="   ", oisc_number="\u202e")  # nothing but spaces/controls
    problems = letter_problems(ctx)
    assert problems == [
        "No OISC number (Settings)",
        'No costs (write "Free" when there is no charge)',
    ]
    for value in FULL.values():
        assert all(str(value) not in p for p in problems)


def test_a_long_incomplete_translation_says_draft_on_every_page_and_the_english_too():
    ctx = context("client_care", language="ar", large_print=True, oisc_number="")
    pages = pages_of(letter_pdf(ctx))
    assert len(pages) >= 4  # the Arabic letter, then the English one
    for page in pages:
        assert "DRAFT: not ready to send. No OISC number (Settings)." in page


def test_a_complete_letter_never_says_draft_on_any_page():
    for page in pages_of(letter_pdf(context("client_care", language="fa", large_print=True))):
        assert "DRAFT" not in page


# ---- large print -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_large_print_body_is_18_pt_and_normal_print_12(kind):
    for large, body in ((True, 18.0), (False, 12.0)):
        pdf = letter_pdf(context(kind, large_print=large))
        sizes = {round(size, 1) for text, _font, size in runs_of(pdf) if "Amina" in text}
        assert body in sizes, (kind, large, sizes)
        body_runs = [s for t, f, s in runs_of(pdf) if "Yours sincerely" in t]
        assert body_runs and all(round(s, 1) == body for s in body_runs)
    large_pages = len(PdfReader(io.BytesIO(letter_pdf(context(kind, large_print=True)))).pages)
    normal_pages = len(PdfReader(io.BytesIO(letter_pdf(context(kind)))).pages)
    assert large_pages >= normal_pages
    assert "Large print" in text_of(letter_pdf(context(kind, large_print=True)))


# ---- Arabic and Farsi ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_every_kind_is_in_english_arabic_and_farsi_and_the_translations_are_unreviewed(kind):
    assert letter_languages(kind) == ["en", "ar", "fa"]
    assert letter_reviewed(kind, "en")
    assert not letter_reviewed(kind, "ar") and not letter_reviewed(kind, "fa")


#: "Page" in each language (on every page, regular weight, letters that join) and the month
#: of MADE.
WORDS = {"ar": ("صفحة", "ديسمبر"), "fa": ("صفحه", "دسامبر")}


@pytest.mark.parametrize("lang", ["ar", "fa"])
@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_a_translated_letter_is_shaped_and_the_english_letter_follows(kind, lang):
    pdf = letter_pdf(context(kind, language=lang))
    assert any("NotoNaskhArabic" in name for name in fonts_of(pdf))
    written = naskh_glyphs_written(pdf)
    word, month = WORDS[lang]
    assert contains(written, shaped(word, lang))  # joined, right to left
    assert not contains(written, isolated(word))
    assert contains(written, shaped(month, lang))  # the date in the letter's own month names
    pages = pages_of(pdf)
    first = pages[0]
    # The translated page says the English letter counts (in English too, for the adviser).
    assert (
        "This letter is a translation. The English letter after it is the one that counts." in first
    )
    assert "Amina Testperson" in first and "Riverside Advice Centre" in first
    english = [n for n, page in enumerate(pages) if "The same letter in English." in page]
    assert len(english) == 1 and english[0] > 0
    rest = " ".join(pages[english[0] :])
    assert letter_template(kind).words["en"]["title"] in rest
    for words in OWN_WORDS[kind]:
        assert words in rest, words
    assert "7 December 2026" in rest
    for number, page in enumerate(pages[english[0] :], start=english[0] + 1):
        assert f"Page {number} of {len(pages)}" in page  # the count right after the English


def test_a_reviewed_translation_prints_no_english_copy(monkeypatch):
    template = letter_template("update")
    sources = dict(template.sources)
    sources["ar"] = dataclasses.replace(sources["ar"], reviewed=True)
    reviewed = dataclasses.replace(template, sources=sources)
    monkeypatch.setattr(letters, "letter_template", lambda kind: reviewed)
    text = text_of(letter_pdf(context("update", language="ar")))
    assert "The same letter in English" not in text
    assert "This letter is a translation" not in text
    assert "What has happened since our last letter" not in text


def test_a_language_without_the_letter_is_a_clear_error():
    with pytest.raises(ValueError, match="no update letter in the language 'de'"):
        letter_pdf(context("update", language="de"))
    with pytest.raises(ValueError, match="no letter of the kind 'thank_you'"):
        letter_problems(context("thank_you"))


# ---- names in any script, typed values ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "font"),
    [
        ("ሰላም ገብረመድህን", "NotoSansEthiopic"),
        ("王小明", "DroidSansFallback"),
        ("Иван Петров", "NotoSans"),
        ("محمد علی", "NotoNaskhArabic"),
    ],
)
def test_a_name_in_any_script_prints_in_a_bundled_font(name, font):
    pdf = letter_pdf(context("update", client_name=name))
    assert any(font in fonts for fonts in fonts_of(pdf))
    if font != "NotoNaskhArabic":  # (shaped Arabic reads back as presentation forms)
        assert name in text_of(pdf)
    assert "?" not in text_of(pdf).replace("questions", "")


def test_bidirectional_controls_typed_in_a_name_are_taken_out():
    text = text_of(letter_pdf(context("update", client_name="\u202eNAMOW SRM")))
    assert "Dear NAMOW SRM," in text


def test_a_typed_value_that_looks_like_a_field_prints_as_typed():
    text = text_of(letter_pdf(context("update", adviser="Sam {centre_name}")))
    assert "contact Sam {centre_name} at Riverside Advice Centre" in text


# ---- bytes and metadata ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_same_letter_gives_the_same_bytes_and_generic_metadata(lang):
    ctx = context("client_care", language=lang)
    pdf = letter_pdf(ctx)
    assert pdf == letter_pdf(ctx)
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta.title == "Letter"
    for value in meta.values():
        assert "Amina" not in str(value) and "Sam" not in str(value)
        assert "Riverside" not in str(value)
    assert str(meta["/CreationDate"]).startswith("D:20261207")
    assert b"Amina" not in pdf  # the text is in subset fonts' glyph codes, never plain


# ---- the templates as data -------------------------------------------------------------------


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_each_template_names_its_source_and_checked_date(kind):
    template = letter_template(kind)
    assert template.rule and template.url.startswith("https://www.gov.uk/")
    assert template.checked_on == date(2026, 12, 7)
    for lang in ("en", "ar", "fa"):
        source = template.sources[lang]
        assert source.source and source.checked_on == date(2026, 12, 7)
    if not template.verified:
        assert template.note  # what could not be checked is said


def test_the_letters_reuse_the_handouts_month_names_rather_than_a_copy():
    from desktop.assess import handout_phrases

    for lang in ("en", "ar", "fa"):
        assert tuple(letter_template("outcome").words[lang]["months"]) == tuple(
            handout_phrases()[lang]["months"]
        )
    text = (letters.letters_dir() / "_common.toml").read_text(encoding="utf-8")
    assert "December" not in text and "months" not in re.sub(r"#.*", "", text)


@pytest.fixture
def templates(tmp_path, monkeypatch):
    """A copy of resources/letters/ to break, with the caches emptied before and after."""
    folder = tmp_path / "letters"
    folder.mkdir()
    for path in letters.letters_dir().glob("*.toml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(letters, "letters_dir", lambda: folder)
    letters.letter_template.cache_clear()
    letters._common.cache_clear()
    yield folder
    letters.letter_template.cache_clear()
    letters._common.cache_clear()


def test_a_broken_template_is_one_line_naming_the_file(templates):
    (templates / "update.toml").write_text("kind = 'update'\n[en\n", encoding="utf-8")
    with pytest.raises(LetterTemplateError, match=r"^update\.toml: not valid TOML"):
        letter_template("update")


def test_a_template_naming_an_unknown_field_is_refused(templates):
    path = templates / "outcome.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{decision_on}", "{decided}", 1),
        encoding="utf-8",
    )
    with pytest.raises(
        LetterTemplateError,
        match=r"outcome\.toml: \[en\] decided_on has an unknown field \{decided\}",
    ):
        letter_template("outcome")


def test_a_translation_missing_a_sentence_is_not_offered(templates):
    path = templates / "closing.toml"
    text = path.read_text(encoding="utf-8")
    fa = text.index("[fa]")
    path.write_text(
        text[:fa] + re.sub(r"\ncome_back = .*", "", text[fa:], count=1), encoding="utf-8"
    )
    assert letter_languages("closing") == ["en", "ar"]


# ---- a copy of a letter sent -----------------------------------------------------------------


def recorded_fields(ctx: LetterContext) -> dict:
    """What the letter form records as sent (desktop/ui/letter_dialog.py `fields()`): every
    part but the letter's own settings, empty ones left out, dates as ISO text."""
    out = {}
    for f in dataclasses.fields(ctx):
        value = getattr(ctx, f.name)
        if f.name in ("kind", "made_on", "language", "large_print") or value in (None, ""):
            continue
        out[f.name] = value.isoformat() if isinstance(value, date) else value
    return out


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_a_copy_from_the_record_is_the_letter_that_was_sent(kind):
    sent = context(kind, agreed_on=date(2026, 12, 1), retention_years=7, large_print=True)
    copy = letters.recorded_context(kind, MADE, "en", True, recorded_fields(sent))
    assert copy == sent
    assert text_of(letters.letter_pdf(copy)) == text_of(letters.letter_pdf(sent))


def test_a_record_with_a_part_missing_or_of_the_wrong_type_prints_a_draft_naming_it():
    fields = recorded_fields(context("outcome"))
    fields["decision_on"] = "3 December"  # not ISO: left out, never guessed
    fields["retention_years"] = "six"
    fields["made_on"] = "2020-01-01"  # the letter's own date comes from the record
    fields["not_a_field"] = "ignored"
    fields["outcome_label"] = 7
    copy = letters.recorded_context("outcome", MADE, "en", False, fields)
    assert copy.decision_on is None and copy.retention_years == 6 and copy.made_on == MADE
    assert copy.outcome_label == ""
    template = letters.letter_template("outcome")
    named = {template.problems["decision_on"], template.problems["outcome_label"]}
    assert set(letters.letter_problems(copy)) == named
    for page in pages_of(letters.letter_pdf(copy)):
        assert "DRAFT" in page
        assert all(norm(why) in page for why in named)
