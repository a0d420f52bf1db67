"""The command line: import / export round trip, passphrase handling, exit statuses."""

import json
import os
import subprocess
import sys

import pytest

from desktop.rules.history import history_to_dict, parse_history
from desktop.store import repository
from desktop.store.database import Store
from tests.store.conftest import CHEAP_KDF, PASSPHRASE
from tests.store.test_repository import CASE


def run_cli(*args, passphrase=PASSPHRASE, stdin=None):
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    env.pop("DROPIN_DESK_PASSPHRASE", None)
    if passphrase is not None:
        env["DROPIN_DESK_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    Store.create(folder, PASSPHRASE, CHEAP_KDF).close()
    return folder


def test_import_prints_id_and_export_returns_the_same_history(data_dir, tmp_path):
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE))
    imported = run_cli("import", str(case), "--data-dir", str(data_dir))
    assert imported.returncode == 0, imported.stderr
    client_id = int(imported.stdout.strip())
    exported = run_cli("export", "--client", str(client_id), "--data-dir", str(data_dir))
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout) == history_to_dict(parse_history(CASE))


def test_wrong_passphrase_exits_2_with_one_line(data_dir):
    result = run_cli("export", "--client", "1", "--data-dir", str(data_dir), passphrase="nope")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "wrong passphrase" in lines[0]


def test_bad_history_is_refused_naming_record_and_field(data_dir, tmp_path):
    bad = dict(CASE, absences=[{"left": "2020-02-10", "returned": "2020-02-01"}])
    case = tmp_path / "bad.json"
    case.write_text(json.dumps(bad))
    result = run_cli("import", str(case), "--data-dir", str(data_dir))
    assert result.returncode == 2
    assert "absences[0].returned" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    store = Store.open(data_dir, PASSPHRASE)
    try:
        with store.read_session() as session:
            assert repository.list_summaries(session) == []  # nothing half-saved
    finally:
        store.close()


def test_unknown_client_and_missing_store_are_clear(data_dir, tmp_path):
    result = run_cli("export", "--client", "99", "--data-dir", str(data_dir))
    assert result.returncode == 2 and "no client with id 99" in result.stderr
    result = run_cli("export", "--client", "1", "--data-dir", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "there is no store" in result.stderr


def test_init_creates_a_store(tmp_path):
    folder = tmp_path / "fresh"
    result = run_cli("init", "--data-dir", str(folder), passphrase="a long enough passphrase")
    assert result.returncode == 0, result.stderr
    assert Store.exists(folder)


def test_assess_reads_a_full_subject_access_export(data_dir, tmp_path):
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE))
    client_id = run_cli("import", str(case), "--data-dir", str(data_dir)).stdout.strip()
    full = run_cli("export", "--client", client_id, "--full", "--data-dir", str(data_dir))
    assert "client_record" in json.loads(full.stdout)
    exported = tmp_path / "full.json"
    exported.write_text(full.stdout)
    from_export = run_cli("assess", str(exported), passphrase=None)
    from_case = run_cli("assess", str(case), passphrase=None)
    assert from_export.returncode == 0, from_export.stderr
    assert json.loads(from_export.stdout) == json.loads(from_case.stdout)


def one_line_exit_2(result) -> str:
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr[:300]
    assert "Traceback" not in result.stderr
    return result.stderr.rstrip("\n")


def test_usage_errors_are_one_line_exit_2():
    line = one_line_exit_2(run_cli("assess", passphrase=None))
    assert line == (
        "dropin-desk assess: error: the following arguments are required: CASE.json "
        "(see dropin-desk assess --help)"
    )
    line = one_line_exit_2(run_cli("assess", "case.json", "--region", "wales", passphrase=None))
    assert line.startswith("dropin-desk assess: error: argument --region: invalid choice: 'wales'")


def test_long_arguments_in_usage_errors_are_echoed_at_most_80_characters():
    long_value = "x" * 100_000  # one argument may be at most 128 KiB on Linux
    for args in (
        ("assess", "case.json", "--region", long_value),
        ("assess", "case.json", "--colour=" + long_value),
        ("export", "--client", long_value),
    ):
        line = one_line_exit_2(run_cli(*args, passphrase=None))
        assert "x" * 81 not in line and "xxx..." in line
        assert len(line) < 400


def test_assess_today_flag_through_main(capsys, tmp_path):
    from desktop.cli import main

    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE))
    assert main(["assess", str(case), "--today", "2024-06-30"]) == 0
    assert json.loads(capsys.readouterr().out)["rules_in_force"] == "2024-06-30"


def test_import_deeply_nested_json_is_one_line_exit_2(data_dir, tmp_path):
    case = tmp_path / "nested.json"
    case.write_text("[" * 100000)
    line = one_line_exit_2(run_cli("import", str(case), "--data-dir", str(data_dir)))
    assert line == "dropin-desk: nested.json: the JSON is nested too deeply to read"
    line = one_line_exit_2(
        run_cli("import", "-", "--data-dir", str(data_dir), stdin='{"a": ' + "[" * 100000)
    )
    assert line == "dropin-desk: standard input: the JSON is nested too deeply to read"


def test_import_date_before_1900_is_refused_naming_the_field(data_dir, tmp_path):
    bad = dict(CASE, person={"name": "A", "date_of_birth": "0001-01-01"})
    case = tmp_path / "old.json"
    case.write_text(json.dumps(bad))
    line = one_line_exit_2(run_cli("import", str(case), "--data-dir", str(data_dir)))
    assert line == (
        "dropin-desk: person.date_of_birth: the date 0001-01-01 is outside the years 1900 to 2100"
    )


def test_import_megabyte_string_is_echoed_at_most_80_characters(data_dir, tmp_path):
    big = "x" * 1_000_000
    for bad in (dict(CASE, **{big: 1}), dict(CASE, question={"route": big})):
        case = tmp_path / "big.json"
        case.write_text(json.dumps(bad))
        line = one_line_exit_2(run_cli("import", str(case), "--data-dir", str(data_dir)))
        assert "x" * 81 not in line and "x" * 77 in line
        assert len(line) < 600
