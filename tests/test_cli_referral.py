"""The referral from the command line (issue 20): `refer`, `receive`, `list`, `referral-key`,
`address-book`: a volunteer's store to a solicitor's and back, by passphrase and by key."""

import json
import os
import subprocess
import sys

import pytest

from desktop.store import repository
from desktop.store.database import Store
from tests.store.conftest import CHEAP_KDF, PASSPHRASE
from tests.store.test_repository import CASE

WORDS = "tower river album lake copper garden"


def run_cli(*args, referral=None, adviser=None):
    env = dict(os.environ, PYTHONPATH=os.getcwd(), DROPIN_DESK_PASSPHRASE=PASSPHRASE)
    env.pop("DROPIN_DESK_REFERRAL_PASSPHRASE", None)
    if referral is not None:
        env["DROPIN_DESK_REFERRAL_PASSPHRASE"] = referral
    if adviser is not None:
        env["DROPIN_DESK_ADVISER"] = adviser
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=180,
    )


@pytest.fixture
def two_laptops(tmp_path):
    """A volunteer's store holding one client (imported from CASE) and a solicitor's, empty."""
    volunteer, solicitor = tmp_path / "volunteer", tmp_path / "solicitor"
    Store.create(volunteer, PASSPHRASE, CHEAP_KDF).close()
    Store.create(solicitor, PASSPHRASE, CHEAP_KDF).close()
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE))
    made = run_cli("import", str(case), "--data-dir", str(volunteer))
    assert made.returncode == 0, made.stderr
    return volunteer, solicitor, int(made.stdout)


def _names(folder):
    store = Store.open(folder, PASSPHRASE)
    try:
        with store.session() as session:
            return sorted(c.full_name for c in repository.list_summaries(session))
    finally:
        store.close()


def _audit_actions(folder):
    store = Store.open(folder, PASSPHRASE)
    try:
        with store.session() as session:
            from sqlalchemy import select

            from desktop.store.models import AuditEntry

            return [(a.action, a.summary) for a in session.scalars(select(AuditEntry))]
    finally:
        store.close()


def test_passphrase_referral_round_trip_prints_the_new_id_last(two_laptops, tmp_path):
    volunteer, solicitor, client_id = two_laptops
    out = tmp_path / "out"
    out.mkdir()
    sent = run_cli(
        "refer", "--client", str(client_id), "--out", str(out), "--data-dir", str(volunteer),
        "--note", "Overstayer: please advise", referral=WORDS,
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    path = out / os.path.basename(sent.stdout.strip())
    assert path.exists() and path.name.startswith("referral-") and path.suffix == ".ddref"
    assert CASE["person"]["name"].split()[0] not in path.name
    assert (path.stat().st_mode & 0o777) == 0o600
    # Without --yes nothing is written (no terminal to ask on).
    refused = run_cli("receive", str(path), "--data-dir", str(solicitor), referral=WORDS)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert _names(solicitor) == []
    got = run_cli("receive", str(path), "--yes", "--data-dir", str(solicitor), referral=WORDS)
    assert got.returncode == 0, got.stderr
    new_id = int(got.stdout.strip().splitlines()[-1])
    assert "NOT in your address book" in got.stderr and "Overstayer" in got.stderr
    listed = run_cli("list", "--data-dir", str(solicitor))
    assert listed.stdout.splitlines() == [f"{new_id}\t{CASE['person']['name']}"]
    assert any(a == "referral.sent" for a, _ in _audit_actions(volunteer))
    received = [s for a, s in _audit_actions(solicitor) if a == "referral.received"]
    assert len(received) == 1 and WORDS.split()[0] not in received[0]


def test_wrong_passphrase_is_one_line_and_writes_nothing(two_laptops, tmp_path):
    volunteer, solicitor, client_id = two_laptops
    path = tmp_path / "r.ddref"
    sent = run_cli(
        "refer", "--client", str(client_id), "--out", str(path), "--data-dir", str(volunteer),
        referral=WORDS,
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    bad = run_cli(
        "receive", str(path), "--yes", "--data-dir", str(solicitor),
        referral="tower river album lake copper wrong",
    )  # fmt: skip
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1 and "passphrase" in bad.stderr
    assert _names(solicitor) == []


def test_generated_passphrase_is_six_words_on_stderr_only(two_laptops, tmp_path):
    volunteer, _solicitor, client_id = two_laptops
    path = tmp_path / "r.ddref"
    sent = run_cli(
        "refer", "--client", str(client_id), "--out", str(path), "--data-dir", str(volunteer)
    )
    assert sent.returncode == 0, sent.stderr
    words = sent.stderr.strip().rsplit(": ", 1)[1].split()
    assert len(words) == 6
    assert " ".join(words) not in sent.stdout
    assert " ".join(words).encode() not in path.read_bytes()


def test_key_referral_to_an_address_book_name_and_back_merges(two_laptops, tmp_path):
    volunteer, solicitor, client_id = two_laptops
    key = run_cli("referral-key", "--data-dir", str(solicitor))
    assert key.returncode == 0, key.stderr
    recipient = key.stdout.splitlines()[0]
    assert recipient.startswith("age1")
    added = run_cli(
        "address-book", "--add", "Sol Icitor", "--key", recipient, "--data-dir", str(volunteer)
    )
    assert added.returncode == 0, added.stderr
    assert "Sol Icitor" in added.stdout and key.stdout.splitlines()[1].split()[-1] in added.stdout
    there = tmp_path / "there.ddref"
    sent = run_cli(
        "refer", "--client", str(client_id), "--out", str(there), "--to", "sol icitor",
        "--armor", "--data-dir", str(volunteer),
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    assert there.read_bytes().startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
    got = run_cli("receive", str(there), "--yes", "--data-dir", str(solicitor))
    assert got.returncode == 0, got.stderr
    their_id = int(got.stdout.split()[-1])
    # The solicitor adds a case note and sends it back by the volunteer's key (from the file).
    store = Store.open(solicitor, PASSPHRASE)
    try:
        with store.session() as session:
            repository.add_note(session, their_id, "Solicitor", "Advised on an FLR(FP) application")
    finally:
        store.close()
    back_key = run_cli("referral-key", "--data-dir", str(volunteer)).stdout.splitlines()[0]
    back = tmp_path / "back.ddref"
    sent_back = run_cli(
        "refer", "--client", str(their_id), "--out", str(back), "--to", back_key,
        "--data-dir", str(solicitor),
    )  # fmt: skip
    assert sent_back.returncode == 0, sent_back.stderr
    # The same client is already on the volunteer's laptop: --yes alone is not enough.
    alike = run_cli("receive", str(back), "--yes", "--data-dir", str(volunteer))
    assert alike.returncode == 2 and "--merge" in alike.stderr
    merged = run_cli(
        "receive", str(back), "--yes", "--merge", str(client_id), "--data-dir", str(volunteer)
    )
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout.split()[-1] == str(client_id)
    assert _names(volunteer) == [CASE["person"]["name"]]
    store = Store.open(volunteer, PASSPHRASE)
    try:
        with store.session() as session:
            texts = [n.text for n in repository.notes_of(session, client_id)]
    finally:
        store.close()
    assert "Advised on an FLR(FP) application" in texts


def test_a_file_for_someone_else_and_a_damaged_file_are_refused(two_laptops, tmp_path):
    volunteer, solicitor, client_id = two_laptops
    other = tmp_path / "other"
    Store.create(other, PASSPHRASE, CHEAP_KDF).close()
    other_key = run_cli("referral-key", "--data-dir", str(other)).stdout.splitlines()[0]
    path = tmp_path / "r.ddref"
    sent = run_cli(
        "refer", "--client", str(client_id), "--out", str(path), "--to", other_key,
        "--data-dir", str(volunteer),
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    wrong = run_cli("receive", str(path), "--yes", "--data-dir", str(solicitor))
    assert wrong.returncode == 2 and "someone else" in wrong.stderr
    cut = tmp_path / "cut.ddref"
    cut.write_bytes(path.read_bytes()[:-40])
    damaged = run_cli("receive", str(cut), "--yes", "--data-dir", str(other))
    assert damaged.returncode == 2 and len(damaged.stderr.strip().splitlines()) == 1
    not_age = tmp_path / "x.ddref"
    not_age.write_text("hello")
    refused = run_cli("receive", str(not_age), "--yes", "--data-dir", str(other))
    assert refused.returncode == 2 and "not a referral file" in refused.stderr
    assert _names(solicitor) == [] and _names(other) == []


def test_the_referral_commands_run_as_python_m_desktop_cli_too(two_laptops):
    """`python -m desktop.cli` runs cli.py as a script: every command must be defined before
    the script's main() runs (the guard stays at the very end of the file)."""
    _volunteer, solicitor, _client_id = two_laptops
    env = dict(os.environ, PYTHONPATH=os.getcwd(), DROPIN_DESK_PASSPHRASE=PASSPHRASE)
    run = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "list", "--data-dir", str(solicitor)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
