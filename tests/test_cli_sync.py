"""Sharing from the command line (issue 21): `centre create|invite|join|list|remove` and `sync`,
each with --data-dir: two laptops' steps as the README gives them, and one-line problems."""

import json
import os
import subprocess
import sys

import pytest

from desktop.store import repository
from desktop.store.database import Store
from tests.store.conftest import CHEAP_KDF, PASSPHRASE
from tests.store.test_repository import CASE

CENTRE_WORDS = "tower lake river stone amber"


def run_cli(*args, centre=CENTRE_WORDS):
    env = dict(os.environ, PYTHONPATH=os.getcwd(), DROPIN_DESK_PASSPHRASE=PASSPHRASE)
    env.pop("DROPIN_DESK_CENTRE_PASSPHRASE", None)
    if centre is not None:
        env["DROPIN_DESK_CENTRE_PASSPHRASE"] = centre
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def _one_line_problem(done):
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dropin-desk: "), done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


@pytest.fixture
def laptops(tmp_path):
    front, back = tmp_path / "front", tmp_path / "back"
    Store.create(front, PASSPHRASE, CHEAP_KDF).close()
    Store.create(back, PASSPHRASE, CHEAP_KDF).close()
    shared = tmp_path / "shared"
    shared.mkdir()
    return front, back, shared


def _names(folder):
    store = Store.open(folder, PASSPHRASE)
    try:
        with store.session() as session:
            return sorted(c.full_name for c in repository.list_summaries(session))
    finally:
        store.close()


def test_two_laptops_from_the_command_line(laptops, tmp_path):
    front, back, shared = laptops
    made = run_cli(
        "centre", "create", "--folder", str(shared), "--name", "Riverside",
        "--laptop", "Front desk", "--data-dir", str(front),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "Created the centre Riverside" in made.stdout
    invite = tmp_path / "back.ddinv"
    invited = run_cli("centre", "invite", "--out", str(invite), "--data-dir", str(front))
    assert invited.returncode == 0, invited.stderr
    assert invited.stdout.strip() == str(invite) and invite.exists()
    assert "works once" in invited.stderr
    joined = run_cli(
        "centre", "join", "--folder", str(shared), "--invite", str(invite),
        "--name", "Back room", "--data-dir", str(back),
    )  # fmt: skip
    assert joined.returncode == 0, joined.stderr
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE))
    assert run_cli("import", str(case), "--data-dir", str(front)).returncode == 0
    out = run_cli("sync", "--data-dir", str(front))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("in: 0 changes from 0 files, out: ")
    got = run_cli("sync", "--data-dir", str(back))
    assert got.returncode == 0, got.stderr
    assert "to review: 0" in got.stdout and not got.stdout.startswith("in: 0 ")
    assert _names(back) == [CASE["person"]["name"]]
    listed = run_cli("centre", "list", "--data-dir", str(back))
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.strip().splitlines()]
    assert [r[1] for r in rows] == ["Back room", "Front desk"]
    assert rows[0][-1] == "(this laptop)" and len(rows[0][2]) == 19  # the fingerprint
    removed = run_cli("centre", "remove", rows[1][0], "--data-dir", str(back))
    assert removed.returncode == 0, removed.stderr
    assert "Removed Front desk" in removed.stdout
    relisted = run_cli("centre", "list", "--data-dir", str(back)).stdout
    assert "(removed)" in relisted


def test_problems_are_one_line_with_exit_status_2(laptops, tmp_path):
    front, back, shared = laptops
    assert "not in a centre" in _one_line_problem(run_cli("sync", "--data-dir", str(front)))
    short = run_cli(
        "centre", "create", "--folder", str(shared), "--name", "R", "--data-dir", str(front),
        centre="too short",
    )  # fmt: skip
    assert "too short" in _one_line_problem(short)
    missing = run_cli(
        "centre", "create", "--folder", str(tmp_path / "nowhere"), "--name", "R",
        "--data-dir", str(front),
    )  # fmt: skip
    assert "--folder" in _one_line_problem(missing)
    no_words = run_cli(
        "centre", "create", "--folder", str(shared), "--name", "R", "--data-dir", str(front),
        centre=None,
    )  # fmt: skip
    assert "DROPIN_DESK_CENTRE_PASSPHRASE" in _one_line_problem(no_words)
    junk = tmp_path / "junk.ddinv"
    junk.write_bytes(b"not an invitation")
    bad = run_cli(
        "centre", "join", "--folder", str(shared), "--invite", str(junk), "--name", "B",
        "--data-dir", str(back),
    )  # fmt: skip
    assert "invitation" in _one_line_problem(bad) or "centre.json" in bad.stderr
    assert "not in a centre" in _one_line_problem(
        run_cli("centre", "list", "--data-dir", str(back))
    )
