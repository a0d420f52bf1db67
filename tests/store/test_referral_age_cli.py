"""A solicitor without Drop-in Desk opens a referral with the `age` command-line tool (Debian's
`age`; .ci/run installs it). age reads a passphrase from the terminal (/dev/tty), not stdin, so
the passphrase is typed into a pseudo-terminal. Every wait is bounded; the child is killed on
failure."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import time

import pytest

from desktop.store import referral_file as rf
from desktop.store.database import Store

from .conftest import CHEAP_KDF, PASSPHRASE

AGE = shutil.which("age")
pytestmark = pytest.mark.skipif(AGE is None, reason="the age command-line tool is not installed")

WORDS = "tower lake river stone amber field"
CLIENT = {"name": "Test Client", "statements": [{"lines": [{"text": "Rent", "pence": 65000}]}]}
FIELDS = {
    "sender": {"name": "Anna"},
    "to": "passphrase",
    "note": "Please advise.",
    "client": CLIENT,
}
#: The most seconds any step may take (scrypt is ~1.5 s here; a slow CI machine gets room).
TIMEOUT = 60


@pytest.fixture(scope="module")
def sender(tmp_path_factory):
    s = Store.create(tmp_path_factory.mktemp("sender") / "data", PASSPHRASE, CHEAP_KDF)
    yield s
    s.close()


def _read_until(fd: int, wanted: bytes, deadline: float) -> bytes:
    """What the terminal shows until `wanted` appears (AssertionError at the deadline or EOF)."""
    seen = b""
    while wanted not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"age did not show {wanted!r} in time; it showed {seen[-200:]!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        assert chunk, f"age ended before showing {wanted!r}; it showed {seen[-200:]!r}"
        seen += chunk
    return seen


def _drain_and_wait(pid: int, fd: int, deadline: float) -> tuple[int, bytes]:
    """(exit status, what it showed) once the child ends; AssertionError at the deadline."""
    shown = b""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), shown
        left = deadline - time.monotonic()
        assert left > 0, f"age did not finish in time; it showed {shown[-200:]!r}"
        ready, _, _ = select.select([fd], [], [], min(left, 0.2))
        if ready:
            with contextlib.suppress(OSError):
                shown += os.read(fd, 4096)


def _age_decrypt_typing_passphrase(sealed, out, passphrase: str) -> None:
    """Run `age -d -o OUT FILE` with a pseudo-terminal as its terminal, and type the passphrase
    when it asks."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the pty
        try:
            os.execv(AGE, [AGE, "-d", "-o", str(out), str(sealed)])
        finally:
            os._exit(127)
    deadline = time.monotonic() + TIMEOUT
    finished = False
    try:
        _read_until(fd, b"passphrase", deadline)
        os.write(fd, passphrase.encode() + b"\n")
        code, shown = _drain_and_wait(pid, fd, deadline)
        finished = True
        assert code == 0, f"age failed ({code}): {shown[-300:]!r}"
    finally:
        if not finished:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        os.close(fd)


def _assert_plaintext(out) -> None:
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "dropin-desk.referral/1"
    assert doc["payload"]["client"] == CLIENT
    assert doc["payload"]["note"] == "Please advise."
    assert doc["payload"]["sender"]["name"] == "Anna"
    assert set(doc["signature"]) == {"key", "value"}


@pytest.mark.parametrize("armoured", [False, True], ids=["binary", "armoured"])
def test_age_cli_opens_a_passphrase_locked_referral(sender, tmp_path, armoured):
    with sender.session() as session:
        data = rf.seal(session, FIELDS, passphrase=WORDS, armoured=armoured)
    sealed = rf.write_file(tmp_path / rf.file_name(dt.date(2026, 12, 7)), data)
    out = tmp_path / "referral.json"
    _age_decrypt_typing_passphrase(sealed, out, WORDS)
    _assert_plaintext(out)


def test_age_cli_opens_a_key_locked_referral_with_the_derived_identity(sender, tmp_path):
    """The receiving laptop's key, written as an age identity file, opens a file locked to its
    referral key: the derivation is age's own X25519, nothing private to Drop-in Desk."""
    receiver = Store.create(tmp_path / "receiver", PASSPHRASE, CHEAP_KDF)
    try:
        with receiver.session() as session:
            to = rf.own_identity(session).recipient
            seed = rf._stored_seed(session)
    finally:
        receiver.close()
    with sender.session() as session:
        data = rf.seal(session, FIELDS, recipient=to, armoured=True)
    sealed = rf.write_file(tmp_path / "referral.ddref", data)
    identity_file = tmp_path / "identity.txt"
    identity_file.write_text(rf._age_secret_key(seed) + "\n", encoding="ascii")
    identity_file.chmod(0o600)
    out = tmp_path / "referral.json"
    result = subprocess.run(
        [AGE, "-d", "-i", str(identity_file), "-o", str(out), str(sealed)],
        capture_output=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-300:]
    _assert_plaintext(out)
