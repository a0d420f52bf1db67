"""Issue 15 point 5: after Lock the store holds no key and no connection, and the process
writes no core dump."""

import gc
import os
import sys
import threading

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from desktop.store import database, repository
from desktop.store.repository import ClientDetails
from tests.store.conftest import PASSPHRASE


def _reachable(root, limit=20_000):
    """Every object reachable from `root` through gc referents (and plain attributes)."""
    seen, stack, found = set(), [root], []
    while stack and len(seen) < limit:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type | type(sys)):
            continue
        seen.add(id(obj))
        found.append(obj)
        stack.extend(gc.get_referents(obj))
    return found


@pytest.fixture
def connections(monkeypatch):
    """Every raw connection the store opens."""
    made = []
    real = database._connect_raw

    def recording(*args, **kwargs):
        conn = real(*args, **kwargs)
        made.append(conn)
        return conn

    monkeypatch.setattr(database, "_connect_raw", recording)
    return made


def _is_closed(conn):
    try:
        conn.execute("SELECT 1")
    except sqlcipher.ProgrammingError:
        return True
    return False


def test_after_lock_the_store_holds_no_key_bytes(store):
    with store.session() as s:
        repository.create_client(s, ClientDetails(full_name="Key Fictional"), "t")
    held = store._key
    key = bytes(held)
    store.lock()
    assert store._key is None
    assert held == bytearray(len(key))  # the bytearray it kept was zeroed, not just dropped
    hexed = key.hex()
    for obj in _reachable(store):
        if isinstance(obj, bytes | bytearray):
            assert key not in bytes(obj)
        elif isinstance(obj, str):
            assert hexed not in obj
    store.unlock(PASSPHRASE)
    with store.read_session() as s:
        assert repository.client_count(s) == 1


def test_after_lock_no_connection_is_open(store, connections):
    with store.session() as s:
        repository.create_client(s, ClientDetails(full_name="Pool Fictional"), "t")
    # Several connections in the pool at once: two threads reading while a third writes.
    barrier = threading.Barrier(3)

    def read():
        with store.read_session() as s:
            repository.client_count(s)
            barrier.wait(10)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    with store.read_session() as s:
        repository.client_count(s)
        barrier.wait(10)
    for thread in threads:
        thread.join(10)
    assert len(connections) >= 3
    assert not any(_is_closed(c) for c in connections)
    store.lock()
    assert store.engine is None
    assert all(_is_closed(c) for c in connections)


def test_a_connection_lent_to_another_thread_at_lock_is_closed_when_given_back(store, connections):
    lent, locked, done = threading.Event(), threading.Event(), threading.Event()

    def reader():
        with store.read_session() as s:
            repository.client_count(s)
            lent.set()
            locked.wait(10)
        done.set()

    thread = threading.Thread(target=reader)
    thread.start()
    assert lent.wait(10)
    store.lock()
    in_use = [c for c in connections if not _is_closed(c)]
    assert len(in_use) == 1  # the lent one: closing it under the reader would crash it
    locked.set()
    assert done.wait(10)
    thread.join(10)
    assert all(_is_closed(c) for c in connections)


@pytest.mark.skipif(os.name != "posix", reason="POSIX resource limits")
@pytest.mark.skipif(os.environ.get("DROPIN_DESK_CORE_DUMPS") == "1", reason="dumps kept")
def test_an_open_store_turns_core_dumps_off(store):
    import resource

    assert resource.getrlimit(resource.RLIMIT_CORE) == (0, 0)
    if sys.platform.startswith("linux"):
        import ctypes

        pr_get_dumpable = 3
        assert ctypes.CDLL(None).prctl(pr_get_dumpable, 0, 0, 0, 0) == 0
