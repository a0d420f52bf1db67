"""The client_record section of a full export, read as strictly as the history (issue 10,
point 1): every field's type, length and date, with messages naming the path and never the
client's values."""

import datetime as dt
import json

import pytest

from desktop.importers.history_json import (
    LINE_LIMIT,
    NOTE_LIMIT,
    export_case,
    import_case,
    load_json_text,
    parse_case,
)
from desktop.rules.history import HistoryError
from desktop.store.repository import ClientDetails, HouseholdEntry
from tests.store.test_repository import CASE

#: A fictional client's details, as a full export writes them.
DETAILS = {
    "full_name": "Amira Testcase",
    "other_names": "Amira T.",
    "date_of_birth": "1988-04-12",
    "nationality": "Fictionian",
    "languages": "Arabic, English",
    "interpreter_needed": True,
    "phone": "07700 900123",
    "email": "amira@example.org",
    "address": "12 Fictional Road\nTesttown",
    "home_office_ref": "T1234567",
    "uan": "1234-5678-9012-3456",
    "brp_or_share_code": "WX9 Y8Z 7AB",
    "ni_number": "QQ123456C",
    "status_summary": "Refugee permission to 2026",
    "notes": "Came in about settlement; secret note text",
}
PERSONAL_VALUES = [v for v in DETAILS.values() if isinstance(v, str)] + ["Kid Testcase"]


def with_record(**record) -> dict:
    data = json.loads(json.dumps(CASE))
    data["client_record"] = record
    return data


def with_details(**changes) -> dict:
    return with_record(details=dict(DETAILS, **changes))


def error_of(data) -> str:
    with pytest.raises(HistoryError) as info:
        parse_case(data)
    message = str(info.value)
    for value in PERSONAL_VALUES:
        for part in value.split():
            if len(part) > 4:  # no word of the client's details is echoed
                assert part not in message, (part, message)
    return message


def test_full_details_and_household_are_read():
    case = parse_case(
        with_record(
            details=DETAILS,
            household=[
                {"name": "Kid Testcase", "relationship": "son", "date_of_birth": "2015-01-02"}
            ],
            case_notes=[{"written_on": "2024-01-01T10:00:00", "adviser": "A", "text": "x"}],
            audit_trail=[],
            bank_statements={"accounts": []},
            checklists=[],
        )
    )
    assert case.details == ClientDetails(
        **dict(DETAILS, date_of_birth=dt.date(1988, 4, 12))  # type: ignore[arg-type]
    )
    assert case.household == (HouseholdEntry("Kid Testcase", "son", dt.date(2015, 1, 2)),)


@pytest.mark.parametrize(
    ("value", "got"),
    [
        ({"first": "Amira", "last": "Testcase"}, "an object"),
        (True, "true"),
        (["Amira", "Testcase"], "a list"),
        (42, "a number"),
    ],
)
def test_a_name_of_the_wrong_type_names_the_path_and_no_values(value, got):
    message = error_of(with_details(full_name=value))
    assert message == f"client_record.details.full_name: expected text, got {got}"


@pytest.mark.parametrize("field", sorted(set(DETAILS) - {"date_of_birth", "interpreter_needed"}))
def test_every_text_field_must_be_text(field):
    message = error_of(with_details(**{field: {"nested": "QQ123456C"}}))
    assert message == f"client_record.details.{field}: expected text, got an object"


def test_interpreter_needed_must_be_true_or_false():
    message = error_of(with_details(interpreter_needed="yes please"))
    assert message == "client_record.details.interpreter_needed: expected true or false, got text"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Issue 15 point 3: a date that cannot be read is not echoed (it is the client's).
        ("12/04/1988", "this is not a date in the form YYYY-MM-DD"),
        ("1988-13-01", "this is not a real calendar date (check the month and the day)"),
        ("0000-01-01", "this is not a real calendar date (check the month and the day)"),
        ("99999-01-01", "this is not a date in the form YYYY-MM-DD"),
        ("1850-01-01", "the date 1850-01-01 is outside the years 1900 to 2100"),
        (19880412, "expected a date in the form YYYY-MM-DD, got a number"),
        ("Amira Testcase", "this is not a date in the form YYYY-MM-DD"),
    ],
)
def test_the_date_of_birth_must_be_an_iso_date_in_range(value, expected):
    message = error_of(with_details(date_of_birth=value))
    assert message == f"client_record.details.date_of_birth: {expected}"


def test_one_line_fields_and_long_text_fields_have_limits():
    message = error_of(with_details(phone="0" * (LINE_LIMIT + 1)))
    assert message == (
        f"client_record.details.phone: the text is {LINE_LIMIT + 1:,} characters long; "
        f"at most {LINE_LIMIT:,} are allowed"
    )
    notes = "n" * 10_000_000  # 10 MB of notes
    message = error_of(with_details(notes=notes))
    assert message.startswith("client_record.details.notes: the text is 10,000,000 characters")
    assert len(message) < 120
    # The longest allowed value of each kind is read.
    case = parse_case(with_details(phone="0" * LINE_LIMIT, notes="n" * NOTE_LIMIT))
    assert case.details is not None and len(case.details.notes) == NOTE_LIMIT


def test_a_lone_surrogate_in_the_details_is_refused():
    data = json.loads(json.dumps(with_details()).replace("Amira Testcase", "Amira\\ud800"))
    message = error_of(data)
    assert message.startswith(
        "client_record.details.full_name: character 6 is a lone surrogate (\\ud800)"
    )
    message.encode("utf-8")  # printable: the surrogate is escaped


def test_the_name_is_required_and_unknown_fields_are_refused():
    details = dict(DETAILS)
    del details["full_name"]
    assert error_of(with_record(details=details)) == (
        "client_record.details.full_name: this field is missing"
    )
    message = error_of(with_details(passport_number="X1234567"))
    assert message.startswith("client_record.details: unknown field 'passport_number'")
    assert error_of(with_record(details=[])) == (
        "client_record.details: expected an object with fields, got a list"
    )


@pytest.mark.parametrize(
    ("household", "expected"),
    [
        (7, "client_record.household: expected a list of household members, got a number"),
        ("Kid Testcase", "client_record.household: expected a list of household members, got text"),
        (
            {"name": "Kid Testcase"},
            "client_record.household: expected a list of household members, got an object",
        ),
        ([7], "client_record.household[0]: expected an object with fields, got a number"),
        # Issue 15 point 3: a household given as a list of names quoted the first name.
        (["Kid Testcase"], "client_record.household[0]: expected an object with fields, got text"),
        ([{"relationship": "son"}], "client_record.household[0].name: this field is missing"),
        ([{"name": {"x": 1}}], "client_record.household[0].name: expected text, got an object"),
        (
            [{"name": "Kid Testcase", "relationship": True}],
            "client_record.household[0].relationship: expected text, got true",
        ),
        (
            [{"name": "Kid Testcase", "date_of_birth": "2015-02-30"}],
            "client_record.household[0].date_of_birth: this is not a real calendar date (check the month and the day)",
        ),
        (
            [{"name": "Kid Testcase", "date_of_birth": "2200-01-01"}],
            "client_record.household[0].date_of_birth: the date 2200-01-01 is outside the "
            "years 1900 to 2100",
        ),
        (
            [{"name": "Kid Testcase", "shoe_size": 3}],
            "client_record.household[0]: unknown field 'shoe_size'; expected one of name, "
            "relationship, date_of_birth",
        ),
    ],
)
def test_household_members_are_checked(household, expected):
    assert error_of(with_record(household=household)) == expected


def test_client_record_must_be_an_object_with_known_sections():
    assert parse_case(with_record()).details is None  # an empty record holds nothing
    data = json.loads(json.dumps(CASE))
    data["client_record"] = 7
    assert error_of(data) == "client_record: expected an object with fields, got a number"
    data["client_record"] = "Amira Testcase"
    assert error_of(data) == "client_record: expected an object with fields, got text"
    assert error_of(with_record(details="Amira Testcase")) == (
        "client_record.details: expected an object with fields, got text"
    )
    message = error_of(with_record(favourite_colour="blue"))
    assert message.startswith(
        "client_record: unknown field 'favourite_colour'; expected one of details, household"
    )


def test_sections_that_are_not_imported_are_not_read():
    # Notes, audit trail, statements and checklists stay with the old record: any shape.
    case = parse_case(
        with_record(
            details=DETAILS, case_notes=7, audit_trail="x", bank_statements=[], checklists={}
        )
    )
    assert case.details is not None and case.details.full_name == "Amira Testcase"


def test_deep_nesting_in_the_record_is_named_not_walked():
    nested: list = []
    for _ in range(500):
        nested = [nested]
    assert error_of(with_details(notes=nested)) == (
        "client_record.details.notes: expected text, got a list"
    )
    text = '{"format": "dropin-desk.history/1", "client_record": ' + "[" * 100_000
    with pytest.raises(HistoryError) as info:
        parse_case(load_json_text(text, "deep.json"))
    assert str(info.value) == "deep.json: the JSON is nested too deeply to read"


def test_a_full_export_reads_back_into_the_same_details(tmp_path):
    from desktop.store import repository
    from desktop.store.database import Store
    from tests.store.conftest import CHEAP_KDF, PASSPHRASE

    store = Store.create(tmp_path / "data", PASSPHRASE, CHEAP_KDF)
    try:
        case = parse_case(
            with_record(
                details=DETAILS,
                household=[{"name": "Kid Testcase", "relationship": "son", "date_of_birth": None}],
            )
        )
        with store.session() as session:
            client_id = import_case(session, case, "Tester")
            repository.add_note(session, client_id, "Tester", "Came in about ILR")
        with store.read_session() as session:
            full = export_case(session, client_id, full=True)
    finally:
        store.close()
    again = parse_case(json.loads(json.dumps(full)))
    assert again.details == case.details
    assert again.household == case.household


def test_an_empty_or_null_name_is_read():
    # The import names such a client "(name not given)"; only a missing field is an error.
    case = parse_case(with_details(full_name=""))
    assert case.details is not None and case.details.full_name == ""
    case = parse_case(with_details(full_name=None))
    assert case.details is not None and case.details.full_name == ""
