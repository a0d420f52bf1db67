"""Issue 15 point 1: the store is shared by many short-lived threads without crashing, losing a
write, or leaving a connection open after Lock."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop.store import repository
from desktop.store.database import POOL_OVERFLOW, POOL_SIZE
from desktop.store.errors import StoreError, StoreLocked
from desktop.store.repository import ClientDetails
from tests.store.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


def test_many_short_lived_threads_read_and_write_without_crash_or_loss(tmp_path):
    """Eight threads alive at once, each doing four operations and ending, replaced at once,
    for four seconds (hundreds of threads): more than the five thread identities that made
    the old pool close connections other threads were using (a segfault, 11 runs in 11).
    In a child process, so a segfault fails this test instead of ending the run."""
    proc = subprocess.run(
        [sys.executable, "-m", "tests.store.thread_stress", str(tmp_path / "data"), "4", "8"],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"exit status {proc.returncode}: {proc.stderr[-2000:]}"
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["threads"] >= 40
    assert result["peak_alive"] > 5
    assert result["errors"] == 0, result["error_types"]
    assert result["committed_clients"] > 0
    assert result["checks"] == {
        "every committed client read back": True,
        "every committed note read back": True,
        "every setting's last value read back": True,
        "integrity_check ok": True,
    }


def test_the_pool_shares_connections_between_threads_instead_of_one_per_thread(store):
    """Twenty threads, one after another, each reading: the pool lends the same few
    connections out again rather than opening (and later closing under someone) one each."""
    from sqlalchemy.pool import QueuePool

    assert isinstance(store.engine.pool, QueuePool)
    assert store.engine.pool.size() == POOL_SIZE
    assert POOL_OVERFLOW > 0

    def read():
        with store.read_session() as s:
            repository.client_count(s)

    for _ in range(20):
        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
    assert store.engine.pool.checkedin() <= POOL_SIZE


def test_a_session_used_after_lock_says_the_store_is_locked(store):
    """A read started on another thread before Lock, continued after it: a clear StoreError,
    not a crash, and its connection is closed when it is given back."""
    with store.session() as s:
        repository.create_client(s, ClientDetails(full_name="Lock Fictional"), "t")
    started, locked, outcome = threading.Event(), threading.Event(), []

    def reader():
        try:
            with store.read_session() as s:
                repository.client_count(s)  # the connection is now lent to this thread
                started.set()
                locked.wait(10)
                repository.list_summaries(s)
            outcome.append("read after lock")
        except StoreError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    assert started.wait(10)
    store.lock()
    locked.set()
    thread.join(10)
    [result] = outcome
    assert isinstance(result, StoreLocked)
    assert str(result) == "The store is locked. Unlock it and try again."
    with pytest.raises(StoreLocked):
        store.read_session()
    with pytest.raises(StoreLocked):
        with store.session():
            pass
    store.unlock(PASSPHRASE)
    with store.read_session() as s:
        assert repository.client_count(s) == 1


def test_a_session_made_before_lock_cannot_reconnect_after_it(store):
    """The old engine's pool would open a new connection on demand: it cannot, because the
    key it needs is gone."""
    session = store.read_session()
    store.lock()
    with pytest.raises(StoreLocked):
        repository.client_count(session)
    session.close()


def test_a_write_interrupted_by_lock_is_rolled_back_whole(store):
    """Lock on the window thread while a write runs on a worker: the write stops with
    StoreLocked and nothing of it is saved."""
    in_write, locked, outcome = threading.Event(), threading.Event(), []

    def writer():
        try:
            with store.session() as s:
                cid = repository.create_client(s, ClientDetails(full_name="Half Fictional"), "t")
                in_write.set()
                locked.wait(10)
                repository.add_note(s, cid, "t", "after the lock")
                s.flush()
        except StoreError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    assert in_write.wait(10)
    store.lock()
    locked.set()
    thread.join(10)
    assert [type(e) for e in outcome] == [StoreLocked]
    store.unlock(PASSPHRASE)
    with store.read_session() as s:
        assert repository.client_count(s) == 0
