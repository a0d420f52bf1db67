"""Hostile history JSON (issue 10, point 5): the first problem is one clear HistoryError that
quotes at most 80 characters of a bad value, with control and bidi characters escaped."""

import json

import pytest

from desktop.rules.history import (
    ECHO_LIMIT,
    TEXT_LIMIT,
    HistoryError,
    clip,
    escape,
    parse_history,
    quote,
    text_problem,
)
from tests.store.test_repository import CASE

#: Every character a message must never show raw: controls, bidi controls and marks, and a
#: lone surrogate.
UNSAFE = [
    "\x00",
    "\x07",
    "\x1b",
    "\n",
    "\r",
    "\x7f",
    "\x85",
    "\x9b",
    "\u200e",
    "\u200f",
    "\u2028",
    "\u2029",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ud800",
    "\udfff",
]


def shows_nothing_unsafe(message: str) -> bool:
    return not any(char in message for char in UNSAFE)


def case_with(**changes) -> dict:
    data = json.loads(json.dumps(CASE))
    data.update(changes)
    return data


def error_of(data) -> str:
    with pytest.raises(HistoryError) as info:
        parse_history(data)
    message = str(info.value)
    message.encode("utf-8")  # a message can always be printed: no lone surrogate in it
    assert shows_nothing_unsafe(message), ascii(message)
    return message


# ---- the one quoting function ------------------------------------------------------------


@pytest.mark.parametrize("char", UNSAFE, ids=lambda c: f"U+{ord(c):04X}")
def test_quote_clip_and_escape_never_show_an_unsafe_character(char):
    text = f"Name{char}Other"
    for shown in (quote(text), clip(text), escape(text)):
        assert shows_nothing_unsafe(shown), ascii(shown)
        assert "Name\\" in shown and "Other" in shown  # written as an escape, not dropped
    code = ord(char)
    assert escape(char) == (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def test_escape_keeps_ordinary_text_and_accents_as_they_are():
    assert escape("Zoë Ó Briain, 12 Fictional Road, C:\\cases") == (
        "Zoë Ó Briain, 12 Fictional Road, C:\\cases"
    )
    assert escape("سارا") == "سارا"  # right-to-left letters are text, not controls


def test_quote_shows_at_most_80_characters_of_the_value():
    value = "\u202e" + "x" * 10_000_000
    shown = quote(value)
    assert shown.startswith("'\\u202e") and shown.endswith("...'")
    assert "x" * ECHO_LIMIT not in shown
    assert shown.count("x") == ECHO_LIMIT - 4  # 80 characters: the mark, 76 x and "..."
    assert len(clip("y" * 500)) == ECHO_LIMIT


def test_text_problem_names_length_and_lone_surrogates_without_the_text():
    assert text_problem("Amira Testcase") is None
    long = text_problem("Amira " * 1000)
    assert long == f"the text is 6,000 characters long; at most {TEXT_LIMIT:,} are allowed"
    surrogate = text_problem("Amira\ud800Testcase")
    assert surrogate is not None
    assert "character 6 is a lone surrogate (\\ud800)" in surrogate
    assert "Amira" not in surrogate


# ---- dates out of range or not dates -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # A date that is wrong is not echoed (issue 15: a date of birth is the client's).
        (
            "0000-01-01",
            "person.date_of_birth: this is not a real calendar date (check the month and the day)",
        ),
        ("99999-01-01", "person.date_of_birth: this is not a date in the form YYYY-MM-DD"),
        (
            "2024-13-01",
            "person.date_of_birth: this is not a real calendar date (check the month and the day)",
        ),
        (
            "2023-02-29",
            "person.date_of_birth: this is not a real calendar date (check the month and the day)",
        ),
        (
            "1899-12-31",
            "person.date_of_birth: the date 1899-12-31 is outside the years 1900 to 2100",
        ),
        (
            "9999-12-31",
            "person.date_of_birth: the date 9999-12-31 is outside the years 1900 to 2100",
        ),
        (
            "２０２４-01-01",
            "person.date_of_birth: this is not a date in the form YYYY-MM-DD",
        ),  # full-width digits are not ASCII
        ("\u202e1202-01-01", "person.date_of_birth: this is not a date in the form YYYY-MM-DD"),
        (19880412, "person.date_of_birth: expected a date in the form YYYY-MM-DD, got a number"),
    ],
)
def test_out_of_range_and_impossible_dates_are_named(value, expected):
    assert error_of(case_with(person={"name": "Amira Testcase", "date_of_birth": value})) == (
        expected
    )


def test_out_of_range_year_in_a_trip_names_the_record():
    bad = case_with(absences=[{"left": "2019-01-01", "returned": "99999-01-01"}])
    assert error_of(bad) == "absences[0].returned: this is not a date in the form YYYY-MM-DD"


# ---- lone surrogates and huge strings ------------------------------------------------------


def test_a_lone_surrogate_in_the_name_is_refused():
    data = json.loads('{"name": "Amira\\ud800 Testcase"}')  # how JSON gives one
    message = error_of(case_with(person=data))
    assert message == (
        "person.name: character 6 is a lone surrogate (\\ud800), which is not text: it cannot "
        "be saved as UTF-8"
    )


def test_a_lone_surrogate_in_a_trip_reason_is_refused():
    trip = {"left": "2019-01-01", "returned": "2019-01-10", "reason": "visit \udc00 family"}
    message = error_of(case_with(absences=[trip]))
    assert message.startswith("absences[0].reason: character 7 is a lone surrogate (\\udc00)")


def test_a_10_megabyte_name_is_refused_in_a_short_message():
    message = error_of(case_with(person={"name": "Amira" * 2_000_000}))
    assert message == (
        "person.name: the text is 10,000,000 characters long; at most 1,000 are allowed"
    )


def test_a_name_of_the_longest_allowed_length_is_read():
    name = "A" * TEXT_LIMIT
    assert parse_history(case_with(person={"name": name})).person.name == name


def test_a_huge_condition_code_is_refused():
    data = case_with()
    data["permissions"][0]["conditions"] = ["x" * 1_000_000]
    message = error_of(data)
    assert message.startswith("permissions[0].conditions: expected a list of condition codes")
    assert len(message) < 200


def test_a_huge_unknown_category_is_quoted_short():
    data = case_with()
    data["permissions"][0]["category"] = "\x1b[2J" + "y" * 100
    message = error_of(data)
    assert message.startswith("permissions[0].category: unknown permission category '\\x1b[2J")
    assert "y" * 80 not in message


# ---- wrong shapes --------------------------------------------------------------------------


def test_an_unknown_key_with_bidi_characters_is_escaped():
    data = case_with()
    data["person"] = {"name": "A", "\u202enoitan\u2066": "x"}
    message = error_of(data)
    assert message.startswith("person: unknown field '\\u202enoitan\\u2066'")


def test_household_at_the_top_of_a_history_is_an_unknown_field():
    message = error_of(case_with(household=7))
    assert message.startswith("unknown field 'household'; expected one of format, person")


@pytest.mark.parametrize("key", ["permissions", "absences", "applications", "custody"])
def test_a_number_where_a_list_belongs_is_named(key):
    assert error_of(case_with(**{key: 7})) == f"{key}: expected a list, got a number"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"person": "Amira Testcase"}, "person: expected an object with fields, got text"),
        ({"absences": "Amira Testcase"}, "absences: expected a list, got text"),
        (
            {"permissions": ["Amira Testcase"]},
            "permissions[0]: expected an object with fields, got text",
        ),
        (
            {"person": {"name": "A", "date_of_birth": "Amira Testcase"}},
            "person.date_of_birth: this is not a date in the form YYYY-MM-DD",
        ),
        (
            {"absences": [{"left": "2020-01-01", "returned": "2020-01-05", "planned": "Amira"}]},
            "absences[0].planned: expected true or false, got text",
        ),
        ({"format": "Amira Testcase"}, None),
        ({"question": "Amira Testcase"}, "question: expected an object with fields, got text"),
    ],
)
def test_a_value_in_the_wrong_place_is_described_never_quoted(data, expected):
    """Issue 15 point 3: a name (or any text) where an object, list, date or flag belongs was
    quoted in the message ("got 'Amira Testcase'"); the message names the field and the kind
    of value only."""
    message = error_of(case_with(**data))
    assert "Amira" not in message and "Testcase" not in message
    if expected is not None:
        assert message == expected


def test_deeply_nested_values_are_named_not_walked():
    nested: list = []
    for _ in range(500):
        nested = [nested]
    assert error_of(case_with(person=nested)) == (
        "person: expected an object with fields, got a list"
    )
    data = case_with()
    data["absences"][0]["reason"] = nested
    assert error_of(data) == "absences[0].reason: expected text, got a list"
