"""Hostile files and failing stores on the command line (issue 10, points 1 and 5): exit
status 2, one line on stderr, never a traceback, and none of the file's personal values."""

import json

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from desktop import cli
from desktop.store import repository
from desktop.store.database import Store
from tests.store.conftest import CHEAP_KDF, PASSPHRASE
from tests.store.test_repository import CASE
from tests.test_cli import one_line_exit_2, run_cli

#: A fictional client's details: not one of these may reach the terminal on an error.
DETAILS = {
    "full_name": "Amira Testcase",
    "phone": "07700 900123",
    "address": "12 Fictional Road, Testtown",
    "ni_number": "QQ123456C",
    "notes": "secret note text about the claim",
}
PERSONAL = ["Amira", "Testcase", "07700", "900123", "Fictional", "Testtown", "QQ123456C", "secret"]


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    Store.create(folder, PASSPHRASE, CHEAP_KDF).close()
    return folder


def no_clients(folder) -> bool:
    store = Store.open(folder, PASSPHRASE)
    try:
        with store.read_session() as session:
            return repository.list_summaries(session) == []
    finally:
        store.close()


def write(tmp_path, name: str, data=None, text: str | None = None):
    path = tmp_path / name
    path.write_text(text if text is not None else json.dumps(data), encoding="utf-8")
    return path


def full_case(**details) -> dict:
    return dict(CASE, client_record={"details": dict(DETAILS, **details), "household": []})


def shows_no_personal_value(line: str) -> None:
    for value in PERSONAL:
        assert value not in line, line


# ---- point 1: a wrong type in client_record --------------------------------------------------


@pytest.mark.parametrize("name", [{"given": "Amira"}, True])
def test_import_of_a_wrongly_typed_name_exits_2_with_one_line_and_no_values(
    data_dir, tmp_path, name
):
    path = write(tmp_path, "case.json", full_case(full_name=name))
    line = one_line_exit_2(run_cli("import", str(path), "--data-dir", str(data_dir)))
    kind = "an object" if isinstance(name, dict) else "true"
    assert line == f"dropin-desk: client_record.details.full_name: expected text, got {kind}"
    shows_no_personal_value(line)
    assert no_clients(data_dir)


def test_import_of_a_wrongly_typed_phone_exits_2_with_one_line_and_no_values(data_dir, tmp_path):
    # Before the fix this reached the database, whose error listed every value being inserted.
    path = write(tmp_path, "case.json", full_case(phone={"mobile": "07700 900123"}))
    line = one_line_exit_2(run_cli("import", str(path), "--data-dir", str(data_dir)))
    assert line == "dropin-desk: client_record.details.phone: expected text, got an object"
    shows_no_personal_value(line)
    assert no_clients(data_dir)


def test_import_of_household_7_exits_2(data_dir, tmp_path):
    data = dict(CASE, client_record={"details": DETAILS, "household": 7})
    path = write(tmp_path, "case.json", data)
    line = one_line_exit_2(run_cli("import", str(path), "--data-dir", str(data_dir)))
    assert line == (
        "dropin-desk: client_record.household: expected a list of household members, got a number"
    )
    assert no_clients(data_dir)


# ---- the store refusing a record, and any other failure: the kind only ----------------------


def _refusal(exc_type):
    params = tuple(DETAILS.values())
    if exc_type is IntegrityError:
        return IntegrityError("INSERT INTO clients VALUES (?, ?, ?, ?, ?)", params, Exception("x"))
    return StatementError("binding failed", "INSERT INTO clients", params, Exception("x"))


@pytest.mark.parametrize("exc_type", [IntegrityError, StatementError])
def test_a_store_refusal_prints_only_its_kind(data_dir, tmp_path, monkeypatch, capsys, exc_type):
    from desktop.store import case_file

    assert "Amira Testcase" in str(_refusal(exc_type))  # SQLAlchemy's own text has the values

    def refuse(session, case, adviser):
        raise _refusal(exc_type)

    monkeypatch.setattr(case_file, "import_case", refuse)
    monkeypatch.setenv(cli.PASSPHRASE_ENV, PASSPHRASE)
    path = write(tmp_path, "case.json", full_case())
    status = cli.main(["import", str(path), "--data-dir", str(data_dir)])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err == (
        f"dropin-desk: the store refused the record ({exc_type.__name__}); nothing was saved\n"
    )


def test_an_unexpected_failure_prints_only_its_kind(data_dir, monkeypatch, capsys):
    from desktop.store import case_file

    def broken(session, client_id, *, full):
        raise KeyError("Amira Testcase, QQ123456C")

    monkeypatch.setattr(case_file, "export_case", broken)
    monkeypatch.setenv(cli.PASSPHRASE_ENV, PASSPHRASE)
    status = cli.main(["export", "--client", "1", "--data-dir", str(data_dir)])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err == "dropin-desk: internal error (KeyError); no data from the input is shown\n"


def test_a_sqlalchemy_error_outside_import_prints_only_its_kind(monkeypatch, capsys):
    def broken(args):
        raise _refusal(IntegrityError)

    monkeypatch.setattr(cli, "_cmd_export", broken)
    status = cli.main(["export", "--client", "1"])
    err = capsys.readouterr().err
    assert status == 2
    assert (
        err == "dropin-desk: the store refused the request (IntegrityError); nothing was changed\n"
    )


# ---- point 5: hostile files for import, assess and report ----------------------------------


def commands(path, data_dir, tmp_path):
    out = str(tmp_path / "report.pdf")
    return {
        "import": ("import", str(path), "--data-dir", str(data_dir)),
        "assess": ("assess", str(path)),
        "report": ("report", str(path), "--out", out),
    }


@pytest.mark.parametrize("command", ["import", "assess", "report"])
def test_deep_nesting_exits_2_with_one_line(data_dir, tmp_path, command):
    text = '{"format": "dropin-desk.history/1", "person": ' + "[" * 200_000 + "]" * 200_000 + "}"
    path = write(tmp_path, "deep.json", text=text)
    line = one_line_exit_2(run_cli(*commands(path, data_dir, tmp_path)[command]))
    assert line.endswith("deep.json: the JSON is nested too deeply to read")
    assert not (tmp_path / "report.pdf").exists()


@pytest.mark.parametrize("command", ["import", "assess", "report"])
def test_a_lone_surrogate_in_a_name_exits_2_with_one_line(data_dir, tmp_path, command):
    text = json.dumps(CASE).replace('"Test Person"', '"Amira\\ud800 Testcase"')
    assert "\\ud800" in text
    path = write(tmp_path, "surrogate.json", text=text)
    line = one_line_exit_2(run_cli(*commands(path, data_dir, tmp_path)[command]))
    assert line.endswith(
        "person.name: character 6 is a lone surrogate (\\ud800), which is not text: it cannot "
        "be saved as UTF-8"
    )
    shows_no_personal_value(line)
    if command == "import":
        assert no_clients(data_dir)


def test_a_10_megabyte_name_and_an_impossible_date_exit_2(data_dir, tmp_path):
    big = dict(CASE, person={"name": "Amira" * 2_000_000})
    line = one_line_exit_2(
        run_cli("import", str(write(tmp_path, "big.json", big)), "--data-dir", str(data_dir))
    )
    assert line == (
        "dropin-desk: person.name: the text is 10,000,000 characters long; at most 1,000 are "
        "allowed"
    )
    bad = dict(CASE, person={"name": "Amira Testcase", "date_of_birth": "2024-13-01"})
    line = one_line_exit_2(run_cli("assess", str(write(tmp_path, "d.json", bad)), passphrase=None))
    assert line == (
        "person.date_of_birth: this is not a real calendar date (check the month and the day)"
    )
    assert no_clients(data_dir)


def test_control_and_bidi_characters_in_a_file_name_are_escaped(data_dir, tmp_path):
    path = tmp_path / "case\x1b[31m\u202e.json"
    line = one_line_exit_2(run_cli("import", str(path), "--data-dir", str(data_dir)))
    assert line.startswith("dropin-desk: ")
    assert line.endswith(
        "case\\x1b[31m\\u202e.json: the history file cannot be read (No such file or directory)"
    )
    assert "\x1b" not in line and "\u202e" not in line


def test_a_lone_surrogate_in_the_adviser_name_is_refused_before_the_store(
    data_dir, tmp_path, monkeypatch
):
    # An undecodable byte in the environment arrives as a lone surrogate (surrogateescape);
    # before, the store refused it with an error of its own.
    monkeypatch.setenv(cli.ADVISER_ENV, "\udcff")  # the byte 0xff in the child's environment
    path = write(tmp_path, "case.json", CASE)
    line = one_line_exit_2(run_cli("import", str(path), "--data-dir", str(data_dir)))
    assert line == (
        "dropin-desk: DROPIN_DESK_ADVISER: character 1 is a lone surrogate (\\udcff), which is "
        "not text: it cannot be saved as UTF-8"
    )
    assert no_clients(data_dir)


def test_hostile_standard_input_is_refused_the_same_way(data_dir):
    text = json.dumps(full_case(full_name=["Amira", "Testcase"]))
    result = run_cli("import", "-", "--data-dir", str(data_dir), stdin=text)
    line = one_line_exit_2(result)
    assert line == "dropin-desk: client_record.details.full_name: expected text, got a list"
    assert no_clients(data_dir)
