"""Checklists as data: the files in resources/checklists/, their parser, and the handout words."""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime

import pytest
import textstat

from desktop.assess import (
    checklists_dir,
    handout_phrase_reviews,
    handout_phrases,
    load_checklists,
)
from desktop.rules.checklists import (
    ENGLISH_FIRST_KEYS,
    LANGUAGES,
    PHRASE_KEYS,
    PHRASE_LISTS,
    PROVIDERS,
    Checklist,
    ChecklistError,
    Item,
    Review,
    parse_checklist,
    parse_phrase_reviews,
    parse_phrases,
    unreviewed_translation,
)
from desktop.rules.history import ROUTES

REQUIRED = (
    "spouse_entry_clearance",
    "refugee_family_reunion",
    "protection_settlement",
    "dl_settlement",
    "domestic_abuse_settlement",
    "mvdac_concession",
    "long_residence",
    "ten_year_extension",
    "fee_waiver",
    "nrpf_change_of_conditions",
    "after_refusal",
    "windrush",
)
#: Reading age about 9-10 (Flesch-Kincaid grade), measured over a whole checklist's client text.
MAX_GRADE = 5.0
#: Names that stay in Latin script inside Arabic and Farsi sentences.
LATIN_NAMES = (
    "Home Office",
    "BRP",
    "TB",
    "MVDAC",
    "Universal Credit",
    "Life in the UK",
    "UK NARIC",
)


@pytest.fixture(scope="module")
def checklists() -> dict[str, Checklist]:
    return load_checklists()


def client_text(checklist: Checklist) -> str:
    """What the client reads in English: the intro and every item's text."""
    return " ".join([checklist.intro, *(item.text for item in checklist.items)])


# --------------------------------------------------------------------------------------------
# The shipped files
# --------------------------------------------------------------------------------------------


def test_every_required_checklist_exists_and_ids_are_sorted(checklists):
    assert set(REQUIRED) <= set(checklists)
    assert list(checklists) == sorted(checklists)
    for checklist_id, checklist in checklists.items():
        assert checklist.id == checklist_id
        assert checklist.source_file == f"resources/checklists/{checklist_id}.toml"
        assert checklist.items, checklist_id


def test_phrases_file_is_not_a_checklist(checklists):
    assert (checklists_dir() / "_phrases.toml").is_file()
    assert not any(c.id.startswith("_") for c in checklists.values())


def test_load_is_cached(checklists):
    again = load_checklists()
    assert again is not checklists  # a fresh dict: callers may change theirs
    assert all(again[k] is checklists[k] for k in checklists)


@pytest.mark.parametrize("checklist_id", REQUIRED)
def test_every_item_cites_a_reference_text(checklists, checklist_id):
    for item in checklists[checklist_id].items:
        assert re.search(r"Reference 00[0-4]\b", item.source), (checklist_id, item.id)
        assert item.provider in PROVIDERS
        assert item.text.endswith((".", ":")) or item.text[-1].isdigit(), (checklist_id, item.id)


@pytest.mark.parametrize("checklist_id", REQUIRED)
def test_translations_are_complete_in_arabic_and_farsi(checklists, checklist_id):
    checklist = checklists[checklist_id]
    assert checklist.languages() == ("en", "ar", "fa")
    for lang in ("ar", "fa"):
        assert checklist.missing_translations(lang) == (), lang
        assert checklist.title_in(lang) != checklist.title
        assert checklist.intro_in(lang) != checklist.intro
        for section in checklist.sections():
            assert checklist.section_in(section, lang) != section
        for key in checklist.circumstances:
            assert checklist.circumstance_in(key, lang) != checklist.circumstances[key]
        for item in checklist.items:
            translated = checklist.text(item, lang)
            assert translated != item.text
            assert re.search(r"[\u0600-\u06ff]", translated), (lang, item.id)
            for name in LATIN_NAMES:  # official names stay in Latin script
                if name in item.text:
                    assert name in translated, (lang, item.id, name)


def test_farsi_uses_persian_letters_not_arabic_ones(checklists):
    for checklist in checklists.values():
        farsi = [checklist.title_in("fa"), *(checklist.text(i, "fa") for i in checklist.items)]
        for text in farsi:
            assert "\u064a" not in text and "\u0643" not in text, text  # Arabic yeh and kaf


def test_reading_age_of_the_client_text_of_every_checklist(checklists):
    """Every checklist shipped, not only the first ones: a new file is held to the same bar."""
    grades = {cid: textstat.flesch_kincaid_grade(client_text(c)) for cid, c in checklists.items()}
    too_hard = {cid: g for cid, g in grades.items() if g > MAX_GRADE}
    assert not too_hard, f"Flesch-Kincaid grade above {MAX_GRADE}: {too_hard}"


def test_every_checklist_says_when_it_was_checked(checklists):
    for checklist in checklists.values():
        assert checklist.checked_on is not None, checklist.id
        assert date(2025, 1, 1) <= checklist.checked_on <= date.today(), checklist.id


def test_every_fee_key_of_a_checklist_is_a_figure(checklists):
    from desktop.assess import load_figures

    known = set(load_figures().keys())
    for checklist in checklists.values():
        missing = set(checklist.fee) - known
        assert not missing, f"{checklist.id}: fee keys not in resources/rules: {missing}"


def test_every_circumstance_is_used_by_an_item(checklists):
    for checklist in checklists.values():
        used = {item.when for item in checklist.items}
        assert set(checklist.circumstances) <= used, checklist.id


def test_routes_are_engine_routes(checklists):
    assert checklists["protection_settlement"].routes == ("settlement_protection",)
    assert checklists["dl_settlement"].routes == ("settlement_discretionary_leave",)
    assert checklists["long_residence"].routes == ("long_residence",)
    for checklist in checklists.values():
        assert set(checklist.routes) <= set(ROUTES)


def test_items_for_with_and_without_circumstances(checklists):
    spouse = checklists["spouse_entry_clearance"]
    always = spouse.items_for()
    ids = [i.id for i in always]
    assert "applicant_passport" in ids and "marriage_certificate" in ids
    assert "divorce_papers" not in ids and "tb_certificate" not in ids
    assert all(not i.when for i in always)

    chosen = spouse.items_for({"married_before", "needs_tb_test"})
    chosen_ids = [i.id for i in chosen]
    assert {"divorce_papers", "death_certificate", "tb_certificate"} <= set(chosen_ids)
    assert "savings_statements" not in chosen_ids
    assert len(chosen) == len(always) + 3
    # File order is kept, whatever order the circumstances come in.
    assert chosen_ids == [i.id for i in spouse.items if i in chosen]
    assert spouse.items_for(set(spouse.circumstances)) == spouse.items


def test_key_points_the_brief_names_are_there(checklists):
    refusal = {i.id: i for i in checklists["after_refusal"].items_for()}
    assert {"keep_envelope", "date_received", "ask_for_file", "appeal_date"} <= set(refusal)
    assert "postmark" in refusal["date_received"].text
    fee_waiver = " ".join(i.text for i in checklists["fee_waiver"].items)
    assert "10 working days" in fee_waiver and "6 months" in fee_waiver
    assert "34G(4)" in " ".join(i.source for i in checklists["fee_waiver"].items)
    protection = checklists["protection_settlement"]
    assert "no fee" in protection.intro and "last month" in protection.intro
    assert any("withdrawn" in i.text for i in protection.items)
    mvdac = checklists["mvdac_concession"]
    assert "3 months" in mvdac.intro


# --------------------------------------------------------------------------------------------
# The handout's own words
# --------------------------------------------------------------------------------------------


def test_handout_phrases_have_every_key_in_every_language():
    phrases = handout_phrases()
    assert set(phrases) == set(LANGUAGES)
    for lang, words in phrases.items():
        english_first = ENGLISH_FIRST_KEYS if lang == "en" else ()
        assert tuple(words) == (*PHRASE_KEYS, *english_first), lang
        for key, size in PHRASE_LISTS.items():
            assert len(words[key]) == size and all(words[key]), (lang, key)
    english = phrases["en"]
    assert english["weekdays"][0] == "Monday" and english["months"][11] == "December"
    assert english["not_legal_advice"] == "This is not legal advice"
    for code, words in PROVIDERS.items():
        assert english[f"provider_{code}"] == words
    assert phrases["ar"]["weekdays"][0] == "الاثنين"
    assert phrases["fa"]["months"][0] == "ژانویه"


def test_phrases_are_marked_unreviewed():
    """Written by an engineer, not a native speaker: no language has a review yet."""
    path = checklists_dir() / "_phrases.toml"
    text = path.read_text(encoding="utf-8")
    assert parse_phrase_reviews(tomllib.loads(text), name=PHRASES_NAME, text=text) == {}
    assert handout_phrase_reviews() == {}


PHRASES_NAME = "resources/checklists/_phrases.toml"


def phrases_text(drop: str = "", extra: str = "") -> str:
    lines = ["# the handout's words"]
    for lang in LANGUAGES:
        lines.append(f"[{lang}]")
        for key in PHRASE_KEYS:
            if lang == "fa" and key == drop:
                continue
            if key in PHRASE_LISTS:
                names = ", ".join(['"x"'] * PHRASE_LISTS[key])
                lines.append(f"{key} = [{names}]")
            else:
                lines.append(f'{key} = "x"')
        if lang == "en":
            lines.extend(f'{key} = "x"' for key in ENGLISH_FIRST_KEYS)
        if lang == "fa" and extra:
            lines.append(extra)
    return "\n".join(lines) + "\n"


def parse_phrases_text(text: str):
    return parse_phrases(tomllib.loads(text), name=PHRASES_NAME, text=text)


def test_phrases_errors_name_the_line():
    assert parse_phrases_text(phrases_text())["fa"]["weekdays"] == ("x",) * 7
    text = phrases_text(drop="bring_back")
    fa_line = text.splitlines().index("[fa]") + 1
    with pytest.raises(ChecklistError) as err:
        parse_phrases_text(text)
    assert str(err.value) == f"{PHRASES_NAME}, line {fa_line}: [fa] has no bring_back"

    # Words not translated yet: required in English, optional elsewhere (ENGLISH_FIRST_KEYS).
    parsed = parse_phrases_text(phrases_text())
    assert "money_exempt" in parsed["en"] and "money_exempt" not in parsed["fa"]
    assert parse_phrases_text(phrases_text(extra='money_exempt = "y"'))["fa"]["money_exempt"] == "y"
    text = phrases_text().replace('money_exempt = "x"\n', "", 1)
    with pytest.raises(ChecklistError, match=r"\[en\] has no money_exempt"):
        parse_phrases_text(text)

    text = phrases_text(extra='colour = "red"')
    with pytest.raises(ChecklistError) as err:
        parse_phrases_text(text)
    line = text.splitlines().index('colour = "red"') + 1
    assert str(err.value).startswith(f"{PHRASES_NAME}, line {line}: [fa]: unknown key 'colour'")

    text = phrases_text().replace('months = ["x", "x"', 'months = ["x"', 1)
    line = 3 + PHRASE_KEYS.index("months")  # after the comment and "[en]"
    assert text.splitlines()[line - 1].startswith("months = ")
    with pytest.raises(ChecklistError) as err:
        parse_phrases_text(text)
    assert str(err.value) == f"{PHRASES_NAME}, line {line}: [en] months must be a list of 12 names"


# --------------------------------------------------------------------------------------------
# The parser: every error names the file and the line
# --------------------------------------------------------------------------------------------

NAME = "resources/checklists/sample.toml"
SAMPLE = """\
id = "sample"
version = 1
title = "Sample"
intro = "Bring these."
routes = ["long_residence"]
checked_on = 2026-12-01
[circumstances]
married_before = "You were married before"

[translations.ar]
title = "عينة"

[[item]]
id = "passport"
section = "You"
text = "Your passport."
source = "Reference 003, spouse visa sheet: Procedure"

[[item]]
id = "divorce"
text = "Divorce papers."
provider = "sponsor"
when = "married_before"
source = "Reference 003, spouse visa sheet: Previous marriages"
[item.translations]
ar = "أوراق الطلاق."
"""


def parse(text: str, name: str = NAME) -> Checklist:
    return parse_checklist(tomllib.loads(text), name=name, text=text)


def replace_line(number: int, new: str, text: str = SAMPLE) -> str:
    lines = text.splitlines()
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


def error_of(text: str, name: str = NAME) -> str:
    with pytest.raises(ChecklistError) as err:
        parse(text, name)
    return str(err.value)


def test_sample_parses_to_the_values_written():
    checklist = parse(SAMPLE)
    assert checklist == Checklist(
        id="sample",
        version=1,
        title="Sample",
        intro="Bring these.",
        routes=("long_residence",),
        circumstances={"married_before": "You were married before"},
        items=(
            Item("passport", "Your passport.", "Reference 003, spouse visa sheet: Procedure",
                 section="You"),
            Item("divorce", "Divorce papers.",
                 "Reference 003, spouse visa sheet: Previous marriages", provider="sponsor",
                 when="married_before", translations={"ar": "أوراق الطلاق."}),
        ),
        translations={"ar": {"title": "عينة"}},
        source_file=NAME,
        checked_on=date(2026, 12, 1),
    )  # fmt: skip
    assert checklist.languages() == ("en",)  # the passport is not translated
    assert checklist.missing_translations("ar") == ("intro", "section:You", "circumstance:married_before", "item:passport")  # fmt: skip
    assert checklist.text(checklist.items[0], "ar") == "Your passport."  # English fallback


@pytest.mark.parametrize(
    ("line", "new", "expected"),
    [
        (3, 'colour = "red"', "line 3: checklist: unknown key 'colour'"),
        (2, "version = 0", "line 2: version must be a whole number from 1, not 0"),
        (2, 'version = "1"', "line 2: version must be a whole number from 1, not '1'"),
        (2, "version = true", "line 2: version must be a whole number from 1, not True"),
        (3, 'title = "  "', "line 3: the checklist: title is empty"),
        (5, 'routes = ["long_stay"]', "line 5: routes: unknown route 'long_stay'"),
        (8, "married_before = 3", "line 8: circumstances: 'married_before' must be non-empty"),
        (10, "[translations.de]", "line 10: translations: unknown language 'de'"),
        (11, 'titel = "x"', "line 11: translations.ar: unknown key 'titel'"),
        (
            11,
            '"section:Money" = "x"',
            "line 11: translations.ar: unknown key 'section:Money'; no item has the section 'Money'",
        ),  # fmt: skip
        (14, 'id = "Pass port"', "line 14: item 'Pass port': id must be lower case"),
        (16, 'text = ""', "line 16: item 'passport': text is empty"),
        (17, 'source = ""', "line 17: item 'passport': source is empty"),
        (20, 'id = "passport"', "line 20: item 'passport' appears twice: item ids must differ"),
        (22, 'provder = "sponsor"', "line 22: item 'divorce': unknown key 'provder'"),
        (
            22,
            'provider = "neighbour"',
            "line 22: item 'divorce': unknown provider 'neighbour'; expected one of client, sponsor, household, third_party",
        ),  # fmt: skip
        (
            23,
            'when = "widowed"',
            "line 23: item 'divorce': when = 'widowed' is not a key of [circumstances] (married_before)",
        ),  # fmt: skip
        (26, 'de = "x"', "line 26: item 'divorce': translations: unknown language 'de'"),
        (26, 'ar = ""', "line 26: item 'divorce': translations: 'ar' must be non-empty text"),
    ],
)
def test_each_error_names_the_file_and_line(line, new, expected):
    message = error_of(replace_line(line, new))
    assert message.startswith(f"{NAME}, {expected}"), message


def test_missing_source_points_at_the_item():
    text = SAMPLE.replace('source = "Reference 003, spouse visa sheet: Previous marriages"\n', "")
    assert error_of(text) == f"{NAME}, line 19: item 'divorce' has no source"


def test_missing_id_title_and_version():
    assert error_of(replace_line(1, "")) == f"{NAME}, line 1: the checklist has no id"
    assert error_of(replace_line(2, "")) == f"{NAME}, line 1: the checklist has no version"
    assert error_of(replace_line(3, "")) == f"{NAME}, line 1: the checklist has no title"
    no_item_id = replace_line(14, "")
    assert error_of(no_item_id) == f"{NAME}, line 13: item 1 has no id"


def test_id_must_equal_the_file_stem():
    other = "resources/checklists/other.toml"
    assert error_of(SAMPLE, other) == (
        f"{other}, line 1: id 'sample' must equal the file name 'other'"
    )
    assert parse(SAMPLE, "C:\\centre\\checklists\\sample.toml").id == "sample"


def test_no_items():
    text = SAMPLE[: SAMPLE.index("[[item]]")]
    assert "the checklist has no items" in error_of(text)


def test_multi_line_strings_do_not_confuse_the_line_numbers():
    note = 'note = """Adviser:\n[[item]]\nsource = "not a key"\n"""\n'
    text = SAMPLE.replace('section = "You"\n', 'section = "You"\n' + note)
    assert parse(text).items[0].note.startswith("Adviser:")
    # The provider line moved down by the 4 note lines.
    bad = text.replace('provider = "sponsor"', 'provider = "neighbour"')
    assert error_of(bad).startswith(f"{NAME}, line 26: item 'divorce': unknown provider")


def test_dotted_and_inline_translations_are_found():
    text = SAMPLE.replace('[item.translations]\nar = "أوراق الطلاق."\n', 'translations.de = "x"\n')
    assert error_of(text).startswith(f"{NAME}, line 25: item 'divorce': translations: unknown")
    text = SAMPLE.replace(
        '[item.translations]\nar = "أوراق الطلاق."\n', 'translations = { fr = "x" }\n'
    )
    assert error_of(text).startswith(f"{NAME}, line 25: item 'divorce': translations:")


# --------------------------------------------------------------------------------------------
# Loading a folder
# --------------------------------------------------------------------------------------------


def test_load_checklists_reads_a_folder_and_skips_underscore_files(tmp_path):
    (tmp_path / "sample.toml").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "_phrases.toml").write_text("not = [valid", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    loaded = load_checklists(str(tmp_path))
    assert list(loaded) == ["sample"]
    assert loaded["sample"].source_file == str(tmp_path / "sample.toml")


def test_toml_syntax_error_names_file_line_and_column(tmp_path):
    text = replace_line(3, 'title = "Sample" "again"')
    (tmp_path / "sample.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistError) as err:
        load_checklists(str(tmp_path))
    assert str(err.value).startswith(
        f"{tmp_path / 'sample.toml'}, line 3, column 18: not valid TOML"
    )


def test_toml_error_at_the_end_names_the_last_line(tmp_path):
    (tmp_path / "sample.toml").write_text('id = "sample"\ntitle = "open', encoding="utf-8")
    with pytest.raises(
        ChecklistError, match=r"sample\.toml, line 2: not valid TOML \(Unterminated"
    ):
        load_checklists(str(tmp_path))


def test_the_first_bad_file_is_reported(tmp_path):
    (tmp_path / "a_bad.toml").write_text(SAMPLE.replace('id = "sample"', 'id = "a_bad"').replace("version = 1", "version = -2"), encoding="utf-8")  # fmt: skip
    (tmp_path / "sample.toml").write_text(SAMPLE, encoding="utf-8")
    with pytest.raises(ChecklistError) as err:
        load_checklists(str(tmp_path))
    assert str(err.value) == (
        f"{tmp_path / 'a_bad.toml'}, line 2: version must be a whole number from 1, not -2"
    )


def test_not_utf8(tmp_path):
    (tmp_path / "sample.toml").write_bytes(b'id = "\xff"\n')
    with pytest.raises(ChecklistError, match="sample.toml: not UTF-8 text"):
        load_checklists(str(tmp_path))


def test_phrases_folder_errors_name_the_file(tmp_path):
    (tmp_path / "_phrases.toml").write_text(phrases_text(drop="months"), encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"_phrases\.toml, line \d+: \[fa\] has no months"):
        handout_phrases(str(tmp_path))


# --------------------------------------------------------------------------------------------
# Issue 18: checked_on, fee, closed routes, translation reviews
# --------------------------------------------------------------------------------------------


def test_new_keys_parse_to_the_values_written():
    text = SAMPLE.replace(
        "checked_on = 2026-12-01\n",
        "checked_on = 2026-12-01\n"
        'fee = ["fee.naturalisation", "fee.citizenship_ceremony"]\n'
        "closed_on = 2025-09-04T15:00:00\n"
        'closed_note = "This route is closed."\n'
        "[review.ar]\n"
        'by = "A. Reviewer"\n'
        "on = 2026-11-30\n",
    )
    checklist = parse(text)
    assert checklist.fee == ("fee.naturalisation", "fee.citizenship_ceremony")
    assert checklist.closed_on == datetime(2025, 9, 4, 15, 0)
    assert checklist.closed_note == "This route is closed."
    assert checklist.reviewed("ar") == Review(by="A. Reviewer", on=date(2026, 11, 30))
    assert checklist.reviewed("fa") is None
    # Closed from 3pm that day: a date counts as closed, so does 3pm, not 2:59pm.
    assert checklist.closed(date(2025, 9, 4))
    assert not checklist.closed(date(2025, 9, 3))
    assert checklist.closed(datetime(2025, 9, 4, 15, 0))
    assert not checklist.closed(datetime(2025, 9, 4, 14, 59))
    # A single key may be written without the list.
    assert parse(text.replace('fee = ["fee.naturalisation", "fee.citizenship_ceremony"]', 'fee = "fee.euss"')).fee == ("fee.euss",)  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("fee = 1321", "fee must be a list of figure keys"),
        ('fee = ["1321"]', "fee: '1321' is not a figure key"),
        ('fee = ["fee.ilr", "fee.ilr"]', "fee: a figure key is listed twice"),
        ("closed_on = 2025-09-04", "the checklist has no closed_note"),
        ('closed_on = "soon"\nclosed_note = "x"', "closed_on must be a date or date and time"),
        ('closed_note = "Closed."', "closed_note needs closed_on"),
        ('closed_on = 2025-09-04T15:00:00Z\nclosed_note = "x"', "closed_on: give the UK time"),
        ('[review.de]\nby = "x"\non = 2026-01-01', "review: unknown language 'de'"),
        ("[review.ar]\non = 2026-01-01", "review.ar has no by"),
        ('[review.ar]\nby = "x"', "review.ar has no on"),
        ('[review.ar]\nby = "x"\non = "yesterday"', "review.ar: on must be a date"),
        ('[review.ar]\nby = "x"\non = 2026-01-01\nstars = 5', "review.ar: unknown key 'stars'"),
    ],
)
def test_new_keys_refused_with_the_line(extra, expected):
    text = SAMPLE.replace("checked_on = 2026-12-01\n", f"checked_on = 2026-12-01\n{extra}\n")
    message = error_of(text)
    assert message.startswith(f"{NAME}, line ") and expected in message, message


def test_checked_on_is_required_and_a_date():
    assert error_of(SAMPLE.replace("checked_on = 2026-12-01\n", "\n")) == (
        f"{NAME}, line 1: the checklist has no checked_on (a date like 2026-12-06)"
    )
    message = error_of(SAMPLE.replace("checked_on = 2026-12-01", 'checked_on = "last week"'))
    assert message.startswith(f"{NAME}, line 6: the checklist: checked_on must be a date")
    message = error_of(
        SAMPLE.replace("checked_on = 2026-12-01", "checked_on = 2026-12-01T10:00:00")
    )
    assert "checked_on must be a date like 2026-12-06" in message


def test_phrase_reviews_are_read_and_checked():
    text = phrases_text() + '[review.fa]\nby = "N. Speaker"\non = 2026-12-02\n'
    reviews = parse_phrase_reviews(tomllib.loads(text), name=PHRASES_NAME, text=text)
    assert reviews == {"fa": Review("N. Speaker", date(2026, 12, 2))}
    assert parse_phrases_text(text)["fa"]["weekdays"] == ("x",) * 7  # still the same words
    bad = phrases_text() + '[review.fa]\nby = ""\non = 2026-12-02\n'
    with pytest.raises(ChecklistError, match=r"line \d+: review.fa: by is empty"):
        parse_phrases_text(bad)
    with pytest.raises(ChecklistError, match="unknown key 'reviewed'"):
        parse_phrases_text("reviewed = true\n" + phrases_text())


def test_unreviewed_translation_warns_the_adviser():
    checklist = parse(SAMPLE)
    assert unreviewed_translation(checklist, "en", {}) == ""
    both = unreviewed_translation(checklist, "ar", {})
    assert both.startswith("Not yet checked by a native speaker (العربية)")
    assert "this checklist's translation and the handout's own words" in both
    reviewed = parse(SAMPLE.replace("checked_on = 2026-12-01\n", 'checked_on = 2026-12-01\n[review.ar]\nby = "R"\non = 2026-12-01\n'))  # fmt: skip
    review = Review("R", date(2026, 12, 1))
    assert unreviewed_translation(reviewed, "ar", {"ar": review}) == ""
    assert "the handout's own words" in unreviewed_translation(reviewed, "ar", {})
    assert "this checklist's translation." in unreviewed_translation(
        checklist, "ar", {"ar": review}
    )


def test_closed_note_is_translated_like_the_title():
    text = SAMPLE.replace(
        "checked_on = 2026-12-01\n",
        'checked_on = 2026-12-01\nclosed_on = 2025-09-04T15:00:00\nclosed_note = "Closed."\n',
    )
    assert parse(text).missing_translations("ar")[:2] == ("intro", "closed_note")
    translated = text.replace('title = "عينة"', 'title = "عينة"\nclosed_note = "مغلق."')
    checklist = parse(translated)
    assert checklist.closed_note_in("ar") == "مغلق."
    assert checklist.closed_note_in("fa") == "Closed."  # English until translated
    assert "closed_note" not in checklist.missing_translations("ar")
    open_route = SAMPLE.replace('title = "عينة"', 'title = "عينة"\nclosed_note = "مغلق."')
    assert "closed_note is only for a checklist with closed_on" in error_of(open_route)


def test_family_reunion_closed_note_is_in_arabic_and_farsi(checklists):
    checklist = checklists["refugee_family_reunion"]
    for lang in ("ar", "fa"):
        assert checklist.closed_note_in(lang) != checklist.closed_note
        assert "closed_note" not in checklist.missing_translations(lang)
