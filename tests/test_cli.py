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
