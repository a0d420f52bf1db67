import json

import pytest

from desktop.importers.history_json import case_to_dict, parse_case, read_case_file
from desktop.rules.history import HistoryError
from tests.store.test_repository import CASE


def test_invalid_json_names_the_file_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "dropin-desk.history/1",\n  "permissions": [,]}')
    with pytest.raises(HistoryError, match=r"broken.json: not valid JSON \(line 2, column"):
        read_case_file(path)


def test_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(HistoryError, match="missing.json: the file cannot be read"):
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
