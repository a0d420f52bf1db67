import json

import pytest

from desktop.importers.history_json import (
    case_to_dict,
    load_json_text,
    parse_case,
    read_case_file,
)
from desktop.rules.history import HistoryError
from tests.store.test_repository import CASE


def test_invalid_json_names_the_file_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "dropin-desk.history/1",\n  "permissions": [,]}')
    with pytest.raises(HistoryError, match=r"broken.json: not valid JSON \(line 2, column"):
        read_case_file(path)


def test_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(HistoryError, match="missing.json: the history file cannot be read"):
        read_case_file(tmp_path / "missing.json")


def test_top_level_must_be_an_object():
    with pytest.raises(HistoryError, match="one JSON object"):
        parse_case([CASE])


def test_client_record_household_needs_names():
    bad = dict(CASE, client_record={"household": [{"relationship": "son"}]})
    with pytest.raises(HistoryError, match=r"client_record.household\[0\]"):
        parse_case(bad)


def test_client_record_details_date_of_birth_must_be_iso():
    bad = dict(CASE, client_record={"details": {"full_name": "A", "date_of_birth": "1/2/1990"}})
    with pytest.raises(HistoryError, match="client_record.details"):
        parse_case(bad)


def test_plain_case_round_trips_through_case_to_dict():
    case = parse_case(json.loads(json.dumps(CASE)))
    assert parse_case(case_to_dict(case)).history == case.history
    assert "client_record" not in case_to_dict(case)


def test_deeply_nested_json_is_a_clear_error(tmp_path):
    path = tmp_path / "nested.json"
    path.write_text("[" * 100000)
    with pytest.raises(HistoryError) as info:
        read_case_file(path)
    assert str(info.value) == "nested.json: the JSON is nested too deeply to read"


def test_number_with_too_many_digits_is_a_clear_error():
    with pytest.raises(HistoryError) as info:
        load_json_text("1" * 5000, "standard input")
    assert str(info.value) == "standard input: not valid JSON (a number in it is too long)"


def test_client_record_details_error_is_clipped():
    bad = dict(CASE, client_record={"details": {"full_name": "A", "date_of_birth": "x" * 10**6}})
    with pytest.raises(HistoryError) as info:
        parse_case(bad)
    message = str(info.value)
    assert (
        message == "client_record.details.date_of_birth: this is not a date in the form YYYY-MM-DD"
    )
    assert "xx" not in message


@pytest.mark.parametrize("where", ["details", "household"])
def test_client_record_dates_outside_1900_to_2100_are_refused(where):
    if where == "details":
        record = {"details": {"full_name": "A", "date_of_birth": "1850-01-01"}}
        expected = (
            "client_record.details.date_of_birth: the date 1850-01-01 is outside the years "
            "1900 to 2100"
        )
    else:
        record = {"household": [{"name": "B", "date_of_birth": "2200-01-01"}]}
        expected = (
            "client_record.household[0].date_of_birth: the date 2200-01-01 is outside the "
            "years 1900 to 2100"
        )
    with pytest.raises(HistoryError) as info:
        parse_case(dict(CASE, client_record=record))
    assert str(info.value) == expected


def test_issue_16_fields_round_trip_through_the_history_json():
    case = dict(
        CASE,
        applications=[
            {
                "kind": "human_rights",
                "made": "2026-05-01",
                "decided": "2026-06-10",
                "outcome": "refused",
                "remedy": "appeal",
                "appeal_lodged": "2026-07-01",
                "appeal_time_extended": True,
                "detained": False,
            }
        ],
        status_checks=[{"on": "2026-12-01", "outcome": "no_permission"}],
    )
    parsed = parse_case(json.loads(json.dumps(case)))
    again = case_to_dict(parsed)
    assert again["applications"][0]["remedy"] == "appeal"
    assert again["applications"][0]["appeal_time_extended"] is True
    assert again["status_checks"] == [{"on": "2026-12-01", "outcome": "no_permission"}]
    assert parse_case(again).history == parsed.history


def test_an_unknown_remedy_is_refused_naming_the_field():
    bad = dict(CASE, applications=[{"kind": "extension", "made": "2026-01-01", "remedy": "x"}])
    with pytest.raises(HistoryError) as info:
        parse_case(bad)
    assert str(info.value).startswith("applications[0].remedy: unknown remedy 'x'")
    assert info.value.code == "unknown_code"
