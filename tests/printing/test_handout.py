"""The printed client handout: every checklist in English (normal and large print), Arabic and
Farsi shaped right to left with Latin words in order, the client's dates in bold, the money box,
the footer on every page, sizes and faces, generic metadata. Fictional people only."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import replace
from datetime import date

import pytest
import textstat
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from fpdf import FPDF
from pypdf import PdfReader
from pypdf.generic import ContentStream

from desktop.assess import handout_phrases, load_checklists, load_figures
from desktop.printing import handout as handout_module
from desktop.printing.handout import (
    FONT_FILES,
    HandoutDate,
    HandoutLine,
    HandoutWordsMissing,
    client_lines,
    deadline_dates,
    fonts_dir,
    money_text,
    template_lines,
)
from desktop.rules.checklists import PROVIDERS, Checklist, Item
from desktop.rules.deadlines import Deadline
from desktop.rules.finance import check_financial_requirement
from tests.handout_inputs import build_handout

MADE = date(2026, 3, 2)  # a Monday
CHECKLISTS = load_checklists()
NASKH = fonts_dir() / FONT_FILES[("naskh", "")]


def norm(text: str) -> str:
    return " ".join(text.split())


def raw_text_of(pdf: bytes) -> str:
    return norm(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def text_of(pdf: bytes) -> str:
    """The text as read: without the invisible isolates around typed values (U+2068, U+2069;
    see test_bidi_controls_in_typed_values_are_taken_out_and_values_isolated)."""
    return raw_text_of(pdf).replace("\u2068", "").replace("\u2069", "")


def runs_of(pdf: bytes) -> list[tuple[str, str, float]]:
    """Every run of text drawn: (text, font name, size in points)."""
    out: list[tuple[str, str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            out.append((text, str(font["/BaseFont"]), size * tm[0] * cm[0]))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return out


def unmapped_glyph_numbers(pdf: bytes) -> set[str]:
    """The characters pypdf gives for glyphs with no text in their font's ToUnicode map (its
    glyph number as a character): the glyph numbers of each subset that are not mapped."""
    out: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            cmap = ref.get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
            mapped = {int(code, 16) for code in re.findall(r"<([0-9A-Fa-f]{4})>\s*<", cmap)}
            out |= {chr(n) for n in range(1, max(mapped, default=0)) if n not in mapped}
    return out


def fonts_of(pdf: bytes) -> dict[str, dict]:
    """Font name -> its descendant font's descriptor, over every page."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = desc
    return found


def english(checklist: Checklist, large: bool = False, **kw) -> bytes:
    return build_handout(checklist, lang="en", large_print=large, made_on=MADE, **kw)


def test_there_are_checklists_to_print():
    assert len(CHECKLISTS) >= 5


# ---- every checklist, in English ---------------------------------------------------------------


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("checklist_id", sorted(CHECKLISTS))
def test_english_handout_has_the_title_every_item_the_dates_and_the_footer(checklist_id, large):
    checklist = CHECKLISTS[checklist_id]
    dates = [
        HandoutDate(date(2026, 4, 14), "Last day to apply to extend your permission"),
        HandoutDate(date(2026, 3, 16), "Appeal deadline"),
    ]
    pdf = english(checklist, large, dates=dates, client_name="Amina Testperson")
    text = text_of(pdf)
    assert norm(checklist.title) in text
    for item in checklist.items_for(()):
        assert norm(item.text) in text, item.id
        assert item.note not in text or not item.note  # adviser notes never print
    assert "Your dates" in text
    first, second = text.index("Monday 16 March 2026"), text.index("Tuesday 14 April 2026")
    assert first < second  # soonest first
    assert text.index("Appeal deadline") < text.index("Last day to apply")
    pages = PdfReader(io.BytesIO(pdf)).pages
    for number, page in enumerate(pages, start=1):
        page_text = norm(page.extract_text())
        assert "This is not legal advice" in page_text
        assert f"Page {number} of {len(pages)}" in page_text
    bold = {t for t, font, _ in runs_of(pdf) if "Bold" in font}
    assert any("16 March 2026" in t for t in bold)
    assert any("14 April 2026" in t for t in bold)
    assert not any("Appeal deadline" in t for t in bold)


@pytest.mark.parametrize("checklist_id", sorted(CHECKLISTS))
def test_sizes_large_print_body_is_at_least_16_pt_and_normal_print_body_is_12(checklist_id):
    checklist = CHECKLISTS[checklist_id]
    items = [norm(i.text) for i in checklist.items_for(())]
    for large, body in ((True, 18.0), (False, 12.0)):
        runs = runs_of(english(checklist, large, client_name="Amina Testperson"))
        headings = [norm(checklist.title)] + [norm(i.section) for i in checklist.items]
        item_sizes = {
            round(size, 2)
            for text, _, size in runs
            if any(norm(text) in i for i in items) and not any(norm(text) in h for h in headings)
        }
        assert item_sizes == {body}, (large, item_sizes)
        if large:
            assert min(size for _, _, size in runs) >= 16  # footer and labels too
        title_sizes = [s for t, _, s in runs if norm(t) and norm(t) in norm(checklist.title)]
        assert title_sizes and min(title_sizes) > body  # headings larger


@pytest.mark.parametrize("lang", ["en", "ar", "fa"])
def test_no_italics_and_only_the_vendored_sans_and_naskh_faces(lang):
    checklist = CHECKLISTS["spouse_entry_clearance"]
    pdf = build_handout(checklist, lang=lang, large_print=True, made_on=MADE)
    fonts = fonts_of(pdf)
    assert fonts
    for name, desc in fonts.items():
        assert not re.search("italic|oblique", name, re.I), name
        assert float(desc["/ItalicAngle"]) == 0, name
        assert re.fullmatch(r"/[A-Z]{6}\+Noto(Sans|NaskhArabic)(Bold)?", name), name
        assert "/FontFile2" in desc  # embedded


def test_the_reading_age_of_the_english_items_and_intro_is_low():
    """Flesch-Kincaid grade of the intro and items as printed (extracted from the PDF)."""
    for checklist in CHECKLISTS.values():
        text = text_of(english(checklist))
        printed = [norm(checklist.intro)] + [norm(i.text) for i in checklist.items_for(())]
        for part in printed:
            assert part in text
        grade = textstat.flesch_kincaid_grade(" ".join(printed))
        assert grade <= 5.0, (checklist.id, grade)


def test_no_blocks_of_capitals_in_the_handouts_own_words():
    for key, words in handout_phrases()["en"].items():
        for text in [words] if isinstance(words, str) else words:
            assert not re.search(r"\b[A-Z]{4,}\b", text), key


def test_the_handouts_english_is_the_phrases_files_only():
    """No second copy of the words in Python (issue 19): without the phrases file's [en] table
    there is no handout, and the loader itself may be passed."""
    assert not hasattr(handout_module, "ENGLISH")
    for phrases in (None, {}, {"ar": handout_phrases()["ar"]}):
        with pytest.raises(HandoutWordsMissing, match="handout_phrases"):
            handout_module.build_handout(DEMO, made_on=MADE, phrases=phrases)
    pdf = handout_module.build_handout(DEMO, made_on=MADE, phrases=handout_phrases)
    assert "What to bring" in text_of(pdf)
    # A word changed in the phrases file is what prints: nothing else holds the English.
    mine = handout_phrases()
    mine["en"]["what_to_bring"] = "Bring these things"
    assert "Bring these things" in text_of(
        handout_module.build_handout(DEMO, made_on=MADE, phrases=mine)
    )


# ---- the client's own list -----------------------------------------------------------------------

DEMO = Checklist(
    id="demo",
    version=1,
    title="Papers for your visa",
    intro="Bring these papers. We will look at them with you.",
    routes=(),
    circumstances={"married_before": "You were married before"},
    items=(
        Item(
            "passport",
            "Your passport.",
            "Reference 003, spouse visa sheet",
            section="About you",
            translations={"ar": "جواز سفرك.", "fa": "گذرنامه شما."},
        ),
        Item(
            "brp",
            "Your BRP card. It has your photo on it.",
            "Reference 003, spouse visa sheet",
            section="About you",
            translations={
                "ar": "بطاقة الإقامة BRP. عليها صورتك.",
                "fa": "کارت BRP شما. عکس شما روی آن است.",
            },
        ),
        Item(
            "payslips",
            "Payslips for the last 6 months.",
            "Reference 003, spouse visa sheet; Appendix FM-SE",
            provider="sponsor",
            section="Money",
            translations={"ar": "كشوف الراتب لآخر 6 أشهر.", "fa": "فیش حقوقی ۶ ماه گذشته."},
        ),
        Item(
            "divorce",
            "Your divorce papers.",
            "Reference 003, spouse visa sheet",
            when="married_before",
            section="About you",
            translations={"ar": "أوراق طلاقك.", "fa": "مدارک طلاق شما."},
        ),
    ),
    translations={
        "ar": {"title": "أوراق التأشيرة", "intro": "أحضر هذه الأوراق."},
        "fa": {"title": "مدارک ویزا", "intro": "این مدارک را بیاورید."},
    },
)


def test_template_lines_are_the_always_items_in_the_language():
    lines = template_lines(DEMO, "ar")
    assert [line.text for line in lines] == ["جواز سفرك.", "بطاقة الإقامة BRP. عليها صورتك.",
                                            "كشوف الراتب لآخر 6 أشهر."]  # fmt: skip
    assert [line.provider for line in lines] == ["client", "client", "sponsor"]
    assert not any(line.done or line.not_applicable for line in lines)


def test_a_clients_list_shows_received_dates_providers_and_not_needed_apart():
    lines = [
        HandoutLine("Your passport.", done=True, received_on=date(2026, 2, 2), section="About you"),
        HandoutLine("Payslips for the last 6 months.", provider="sponsor", section="Money"),
        HandoutLine("Your divorce papers.", not_applicable=True, section="About you"),
    ]
    text = text_of(english(DEMO, lines=lines))
    assert "Received Monday 2 February 2026" in text
    assert f"Who gets it: {PROVIDERS['sponsor']}" in text
    assert text.index("About you") < text.index("Your passport.") < text.index("Money")
    # Not needed: after the tick list, under its own heading.
    assert text.index("Payslips") < text.index("Not needed") < text.index("Your divorce papers.")


def tick_marks(pdf: bytes) -> int:
    """How many ticks are drawn (each is a three-point polyline: 'm l l S')."""
    count = 0
    for page in PdfReader(io.BytesIO(pdf)).pages:
        data = page.get_contents().get_data().decode("latin-1")
        count += len(re.findall(r"[0-9.]+ m\s+[0-9.]+ [0-9.]+ l\s+[0-9.]+ [0-9.]+ l\s+S", data))
    return count


def test_done_items_are_ticked_and_the_others_are_empty_boxes():
    lines = [HandoutLine("One.", done=True), HandoutLine("Two."), HandoutLine("Three.", done=True)]
    assert tick_marks(english(DEMO, lines=lines)) == 2
    assert tick_marks(english(DEMO, lines=[replace(line, done=False) for line in lines])) == 0


class Stored:
    """The shape of desktop.store.checklists.ItemState that client_lines reads."""

    def __init__(self, item_id, text, status="pending", received_on=None, custom=False):
        self.item_id, self.text, self.status = item_id, text, status
        self.received_on, self.custom = received_on, custom
        self.provider, self.section = "client", "About you"


def test_client_lines_translate_template_items_and_keep_the_advisers_own_in_english():
    stored = [
        Stored("passport", "Your passport (as ticked).", "received", date(2026, 2, 2)),
        Stored("brp", "Your BRP card.", "not_applicable"),
        Stored("custom-1", "A letter from your college.", custom=True),
    ]
    en = client_lines(DEMO, stored, "en")
    assert [line.text for line in en] == [
        "Your passport (as ticked).",
        "Your BRP card.",
        "A letter from your college.",
    ]
    assert en[0].done and en[0].received_on == date(2026, 2, 2)
    assert en[1].not_applicable and not en[1].done
    fa = client_lines(DEMO, stored, "fa")
    assert [line.text for line in fa] == [
        "گذرنامه شما.",
        "کارت BRP شما. عکس شما روی آن است.",
        "A letter from your college.",
    ]


def test_deadline_dates_keep_the_upcoming_once_soonest_first_in_plain_words():
    today = date(2026, 3, 2)
    deadlines = [
        Deadline(date(2027, 1, 14), "Permission ends (Refugee permission, permissions[0]).", "r"),
        Deadline(date(2026, 12, 15), "Earliest date to apply.", "r"),
        Deadline(date(2026, 12, 15), "Earliest date to apply.", "r"),
        Deadline(date(2025, 1, 1), "Passed.", "r", status="passed"),
    ]
    dates = deadline_dates(deadlines, today)
    assert [(d.on, d.what) for d in dates] == [
        (date(2026, 12, 15), "Earliest date to apply."),
        (date(2027, 1, 14), "Permission ends (Refugee permission, permission 1)."),
    ]


# ---- money ---------------------------------------------------------------------------------------


def test_the_money_box_says_the_figures_and_whether_they_are_met():
    money = check_financial_requirement(
        stage="entry_clearance",
        application_date=date(2026, 3, 1),
        income=25000,
        figures=load_figures(),
        savings=20000,
    )
    text = text_of(english(DEMO, money=money))
    assert "Money you need" in text
    assert f"Income you need each year: {money_text(money.income_threshold)}" in text
    assert "Your income each year: £25,000" in text
    assert f"Your income is short by: {money_text(money.shortfall)}" in text
    assert f"Savings you need instead: {money_text(money.savings_needed)}" in text
    assert "Your savings: £20,000" in text
    assert "You do not have enough money for this rule yet." in text
    assert f"Rule: {money.threshold_rule}" in text
    met = replace(money, meets=True)
    assert "You have enough money for this rule." in text_of(english(DEMO, money=met))
    # In Arabic, with "£25,000" kept in reading order inside the right-to-left line.
    arabic = handout_phrases()["ar"]
    ar = text_of(build_handout(DEMO, lang="ar", made_on=MADE, money=money))
    assert arabic["money_you_need"] in ar and arabic["money_not_met"] in ar
    assert "£25,000" in ar and "25,000£" not in ar
    # Without Arabic money words the whole box is English, never half and half.
    partial = {
        "en": handout_phrases()["en"],
        "ar": {k: v for k, v in arabic.items() if k != "money_rule"},
    }
    ar = text_of(build_handout(DEMO, lang="ar", made_on=MADE, money=money, phrases=partial))
    assert "Your income each year: £25,000" in ar and "Money you need" in ar
    assert arabic["money_income"] not in ar


def test_the_money_box_for_an_exempt_sponsor_and_for_savings_that_do_not_count():
    def check(**kw):
        return check_financial_requirement(
            stage="entry_clearance",
            application_date=date(2026, 3, 1),
            income=12000,
            figures=load_figures(),
            savings=30000,
            **kw,
        )

    exempt = text_of(english(DEMO, money=check(disability_benefit=True)))
    assert "the income rule does not apply" in exempt
    assert "Income you need each year" not in exempt  # no threshold to meet
    assert "We need to know your savings" not in exempt
    assert "Rule: Appendix FM E-ECP.3.3" in exempt
    too_new = text_of(english(DEMO, money=check(savings_held_6_months=False)))
    assert "Your savings: £30,000" in too_new
    assert "These savings do not count yet" in too_new
    assert "You do not have enough money for this rule yet." in too_new
    # No Arabic for the exemption sentence: that box is all English, left to right.
    arabic = handout_phrases()["ar"]
    ar = text_of(build_handout(DEMO, lang="ar", made_on=MADE, money=check(disability_benefit=True)))
    assert "Money you need" in ar and arabic["money_you_need"] not in ar


def test_money_text_is_pounds_with_pence_only_when_there_are_some():
    from decimal import Decimal

    assert money_text(29000) == "£29,000"
    assert money_text(Decimal("1234.5")) == "£1,234.50"


# ---- header, metadata, determinism ---------------------------------------------------------------


def test_header_has_the_centre_and_the_made_on_line_and_nothing_when_unset():
    pdf = english(
        DEMO,
        client_name="Amina Testperson",
        centre_name="Example Advice Centre",
        centre_contact="01632 960 123",
        adviser="Sam Adviser",
    )
    text = text_of(pdf)
    assert text.startswith("Example Advice Centre 01632 960 123 Papers for your visa")
    assert "Amina Testperson" in text
    assert "Made on Monday 2 March 2026 with Sam Adviser" in text
    bare = text_of(english(DEMO))
    assert bare.startswith("Papers for your visa")
    assert "Made on Monday 2 March 2026 Bring" in bare  # no "with" and no adviser


def test_metadata_is_generic_and_the_output_is_the_same_every_time():
    pdf = english(DEMO, client_name="Amina Testperson", adviser="Sam Adviser")
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta.title == "Checklist"
    assert "Amina" not in pdf.decode("latin-1").split("stream")[0]
    for value in meta.values():
        assert "Amina" not in str(value) and "Sam" not in str(value)
    assert str(meta["/CreationDate"]).startswith("D:20260302")
    assert pdf == english(DEMO, client_name="Amina Testperson", adviser="Sam Adviser")


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language 'de'"):
        build_handout(DEMO, lang="de", made_on=MADE)


def test_phrases_are_used_and_missing_ones_fall_back_to_english():
    phrases = {
        "en": handout_phrases()["en"],  # the only English: the phrases file's
        "ar": {"what_to_bring": "ما يجب إحضاره", "weekdays": ("الاثنين",) * 7},
    }
    text = text_of(build_handout(DEMO, lang="ar", made_on=MADE, phrases=phrases))
    assert "إحضاره" in text
    assert "الاثنين" in text  # the weekday of the made-on date
    assert "Your dates" not in text  # no dates given: no section
    assert "This is not legal advice" in text  # no Arabic for it: English


# ---- Arabic and Farsi ----------------------------------------------------------------------------


def outline(font: TTFont, name: str):
    glyf = font["glyf"]
    coords, ends, _flags = glyf[name].getCoordinates(glyf)
    return tuple(map(tuple, coords)), tuple(ends)


def naskh_glyphs_written(pdf: bytes) -> list[int | None]:
    """The glyphs drawn in Noto Naskh Arabic (regular), in the order written, as glyph ids of
    the vendored font file (the PDF holds a subset with its own numbering: each glyph is
    matched back by its outline); None between text runs."""
    original = TTFont(str(NASKH))
    by_outline: dict = {}
    for gid, name in enumerate(original.getGlyphOrder()):
        by_outline.setdefault(outline(original, name), gid)
    reader = PdfReader(io.BytesIO(pdf))
    seq: list[int | None] = []
    for page in reader.pages:
        target = subset = cid_to_gid = None
        for key, ref in page["/Resources"]["/Font"].items():
            font = ref.get_object()
            if str(font["/BaseFont"]).endswith("+NotoNaskhArabic"):
                target = key
                desc = font["/DescendantFonts"][0].get_object()
                data = desc["/FontDescriptor"]["/FontFile2"].get_object().get_data()
                subset = TTFont(io.BytesIO(data))
                mapping = desc.get("/CIDToGIDMap")
                if mapping is not None and hasattr(mapping.get_object(), "get_data"):
                    cid_to_gid = mapping.get_object().get_data()
        if target is None:
            continue
        order = subset.getGlyphOrder()

        def original_gid(cid: int, subset=subset, order=order, cid_to_gid=cid_to_gid):
            gid = int.from_bytes(cid_to_gid[2 * cid : 2 * cid + 2], "big") if cid_to_gid else cid
            return by_outline.get(outline(subset, order[gid]))

        stack, current = [], None
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"q":
                stack.append(current)
            elif op == b"Q":
                current = stack.pop()
            elif op == b"Tf":
                current = operands[0]
            elif op in (b"Tj", b"TJ"):
                seq.append(None)
                if current != target:
                    continue
                for part in operands[0] if op == b"TJ" else [operands[0]]:
                    if hasattr(part, "original_bytes"):
                        raw = part.original_bytes
                        seq.extend(
                            original_gid(int.from_bytes(raw[i : i + 2], "big"))
                            for i in range(0, len(raw), 2)
                        )
    return seq


def shaped(word: str, lang: str) -> list[int]:
    """The glyph ids HarfBuzz gives `word` with the vendored font (visual order)."""
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(NASKH))))
    buf = hb.Buffer()
    buf.add_str(word)
    buf.guess_segment_properties()
    buf.language = lang
    hb.shape(font, buf, {})
    return [g.codepoint for g in buf.glyph_infos]


def isolated(word: str) -> list[int]:
    """The glyph ids of the word's letters on their own (what is drawn without shaping)."""
    cmap = TTFont(str(NASKH)).getBestCmap()
    order = TTFont(str(NASKH)).getGlyphOrder()
    return [order.index(cmap[ord(c)]) for c in word]


def contains(seq: list, part: list) -> bool:
    return any(seq[i : i + len(part)] == part for i in range(len(seq) - len(part) + 1))


#: A word of each language's text, with letters that join (initial, medial and final forms).
SHAPED_WORDS = {"ar": "الراتب", "fa": "گذرنامه"}


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_arabic_and_farsi_are_shaped_joined_and_right_to_left(lang):
    pdf = build_handout(DEMO, lang=lang, made_on=MADE)
    assert any("NotoNaskhArabic" in name for name in fonts_of(pdf))
    word = SHAPED_WORDS[lang]
    glyphs = shaped(word, lang)
    assert glyphs != isolated(word)[::-1]  # shaping changes the glyphs: the check can tell
    written = naskh_glyphs_written(pdf)
    assert contains(written, glyphs)
    assert not contains(written, isolated(word))


def test_the_shaping_check_fails_when_shaping_is_off(monkeypatch):
    """Proof that the check above can fail: the same page drawn without HarfBuzz."""
    original = FPDF.set_text_shaping

    def off(self, use_shaping_engine=True, **kwargs):
        original(self, use_shaping_engine=False)

    monkeypatch.setattr(handout_module._HandoutPDF, "set_text_shaping", off)
    pdf = build_handout(DEMO, lang="ar", made_on=MADE)
    assert not contains(naskh_glyphs_written(pdf), shaped(SHAPED_WORDS["ar"], "ar"))


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("lang", ["ar", "fa"])
@pytest.mark.parametrize("checklist_id", sorted(CHECKLISTS))
def test_every_checklist_in_arabic_and_farsi_draws_only_its_own_letters(checklist_id, lang, large):
    """Every character drawn is one of the input's, so no glyph came out in the wrong font
    (fpdf2 once drew a '.' after a Latin word as a '2'), and every Latin word and number of
    the translations is there (kept in reading order inside the right-to-left text)."""
    checklist = CHECKLISTS[checklist_id]
    if lang not in checklist.languages():
        pytest.skip(f"{checklist_id} is not translated into {lang}")
    pdf = build_handout(
        checklist,
        lang=lang,
        large_print=large,
        made_on=MADE,
        client_name="Amina Testperson",
        dates=[HandoutDate(date(2026, 3, 16), "Appeal deadline")],
    )
    text = text_of(pdf)
    source = " ".join(
        [checklist.title_in(lang), checklist.intro_in(lang), "Amina Testperson", "Appeal deadline"]
        + [checklist.text(i, lang) for i in checklist.items_for(())]
        + [checklist.section_in(i.section, lang) for i in checklist.items]
        # A closed route's box (issue 18): its note, translated or in English.
        + [checklist.closed_note, checklist.translations.get(lang, {}).get("closed_note", "")]
        + [str(v) for v in handout_phrases().get(lang, {}).values()]
        + [str(v) for v in handout_phrases().get("en", {}).values()]
        + list(PROVIDERS.values())
        + ["Monday March 2026 0123456789 Page of Large print £,."]  # (the fee line's amount)
    )
    drawn = {c for c in text if unicodedata.category(c) != "Cc"}
    # (A mark HarfBuzz draws as its own glyph has no text of its own in fpdf2's ToUnicode
    # map: pypdf gives its glyph number as a character: a control character, or, once the
    # subset has more than 32 glyphs (a closed route's box adds some), a letter such as "E".
    # That is not a wrong glyph. U+202A and U+202C keep amounts in order.)
    assert drawn - set(source) - set(" :\u202a\u202c") - unmapped_glyph_numbers(pdf) == set()
    assert any("NotoNaskhArabic" in name for name in fonts_of(pdf))
    for item in checklist.items_for(()):
        for latin in re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", checklist.text(item, lang)):
            assert latin in text, (item.id, latin)


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_latin_words_and_digits_inside_right_to_left_text_keep_their_order(lang):
    sentence = {
        "ar": "أحضر بطاقة BRP وأوراق Appendix FM لعام 2026.",
        "fa": "کارت BRP و مدارک Appendix FM سال 2026 را بیاورید.",
    }[lang]
    lines = [HandoutLine(sentence)]
    text = text_of(build_handout(DEMO, lang=lang, made_on=MADE, lines=lines))
    assert "Appendix FM" in text and "FM Appendix" not in text
    assert "2026" in text and "6202" not in text
    assert "BRP" in text


def test_right_to_left_pages_put_the_tick_boxes_on_the_right():
    def box_x(pdf: bytes) -> list[float]:
        data = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
        return [float(m) for m in re.findall(r"([0-9.]+) [0-9.]+ [0-9.]+ -?[0-9.]+ re S", data)]

    width = 595.28
    left = box_x(english(DEMO))
    right = box_x(build_handout(DEMO, lang="ar", made_on=MADE))
    assert left and right
    assert all(x < width / 4 for x in left)
    assert all(x > width * 3 / 4 for x in right)


def test_letters_no_face_has_become_question_marks_and_nothing_is_logged(caplog):
    caplog.set_level("DEBUG")
    text = text_of(english(DEMO, client_name="王小明 Łukasz Testperson"))
    assert "Client: ??? Łukasz Testperson" in text
    assert not [r for r in caplog.records if r.levelno >= 30]  # no warning names the letters
    assert "王" not in caplog.text


def test_an_attention_item_is_printed_as_such_and_never_as_a_plain_date():
    # Issue 16: a record that stops before today. Its date is in the past but it is the most
    # important thing on the handout; it says what it is, not "Permission ended on ... check".
    today = date(2026, 12, 6)
    deadlines = [
        Deadline(
            date(2026, 10, 19),
            "Permission ended on 2026-10-19 and nothing is recorded since: check the client's "
            "status now",
            "SUI 13.1",
            status="attention",
            kind="status_unknown",
        ),
        Deadline(date(2026, 11, 2), "Last day for a late application", "SUI 13.1", status="passed"),
    ]
    (only,) = deadline_dates(deadlines, today)
    assert only.on == date(2026, 10, 19)
    assert only.what.startswith("Your permission to stay ended on 19 October 2026")
    assert "we need to check your immigration status" in only.what.lower()
    assert "2026-10-19" not in only.what
