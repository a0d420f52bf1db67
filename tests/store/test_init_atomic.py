"""Issue 10 point 3: a kill at any step of `init` leaves a folder that `init` or `open` (and so
`import`) accepts, and the half-made store is finished or cleared with a note."""

import os
import subprocess
import sys
import textwrap

import pytest

from desktop.store import repository
from desktop.store.crypto import KdfParams, derive_key, write_header
from desktop.store.database import (
    BUILDING_NAME,
    DB_NAME,
    HEADER_NAME,
    ORPHAN_HEADER_NAME,
    Store,
    _make_engine,
)
from desktop.store.errors import StoreError
from desktop.store.repository import ClientDetails
from tests.store.conftest import CHEAP_KDF, PASSPHRASE

KILLED_INIT = textwrap.dedent(
    """
    import os, sys
    from desktop.store import database

    def step(name):
        if name == sys.argv[2]:
            os._exit(9)  # as abrupt as a power cut: no cleanup, no finally blocks

    database._init_step = step
    database.Store.create(sys.argv[1], sys.argv[3], {"time_cost": 1, "memory_cost_kib": 8192,
                          "parallelism": 1})
    print("not killed")
    """
)

STEPS = ["folder", "database", "schema", "params", "renamed"]


def kill_init_at(folder, step):
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    run = subprocess.run(
        [sys.executable, "-c", KILLED_INIT, str(folder), step, PASSPHRASE],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 9, run.stderr
    assert "not killed" not in run.stdout


def add_and_count(store):
    with store.session() as s:
        repository.create_client(s, ClientDetails(full_name="Percival Oddington"), "Tester")
    with store.read_session() as s:
        return len(repository.list_summaries(s))


@pytest.mark.parametrize("step", STEPS)
def test_kill_at_each_step_then_open_or_init_works(tmp_path, step):
    folder = tmp_path / "data"
    kill_init_at(folder, step)
    if Store.exists(folder):
        # Far enough that the store is whole: opening finishes it, and `import` works.
        assert step in ("params", "renamed")
        store = Store.open(folder, PASSPHRASE)
        if step == "params":
            assert store.recovery_note and "finished" in store.recovery_note
        assert add_and_count(store) == 1
        store.close()
        assert not (folder / BUILDING_NAME).exists()
    else:
        assert step in ("folder", "database", "schema")
        store = Store.create(folder, "a fresh passphrase here", CHEAP_KDF)
        if step != "folder":
            assert (
                store.recovery_note == "An empty store left by an interrupted 'init' was removed."
            )
        assert add_and_count(store) == 1
        store.close()
        assert not (folder / BUILDING_NAME).exists()
        Store.open(folder, "a fresh passphrase here").close()


def test_kill_after_params_then_init_again_replaces_the_empty_store(tmp_path):
    folder = tmp_path / "data"
    kill_init_at(folder, "params")
    assert Store.exists(folder)  # whole but not renamed: the window offers to unlock it
    # `init` again (nobody ever opened it, so it holds nothing): cleared and made anew.
    store = Store.create(folder, "the second attempt", CHEAP_KDF)
    assert store.recovery_note == "An empty store left by an interrupted 'init' was removed."
    store.close()
    Store.open(folder, "the second attempt").close()


def test_older_version_params_without_database_are_moved_aside(folder):
    folder.mkdir(parents=True)
    write_header(folder / HEADER_NAME, KdfParams.fresh(**CHEAP_KDF))
    assert not Store.exists(folder)  # the window offers to create, `init` is allowed
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    assert "moved aside" in store.recovery_note
    store.close()
    assert (folder / ORPHAN_HEADER_NAME).exists()


def older_half_made(folder):
    """An older `init` killed after store.db was created but before the schema was made."""
    folder.mkdir(parents=True)
    params = KdfParams.fresh(**CHEAP_KDF)
    write_header(folder / HEADER_NAME, params)
    engine = _make_engine(folder / DB_NAME, derive_key(PASSPHRASE, params))
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA user_version = 0")  # forces page 1 to be written
    engine.dispose()


def test_older_half_made_store_is_finished_on_open(folder):
    older_half_made(folder)
    store = Store.open(folder, PASSPHRASE)
    assert store.recovery_note == "Creating this store had been interrupted; it was finished."
    assert add_and_count(store) == 1
    store.close()


def test_older_half_made_store_is_replaced_by_init_with_its_passphrase(folder):
    older_half_made(folder)
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    assert store.recovery_note == "An empty store left by an interrupted 'init' was removed."
    store.close()


def test_a_real_store_is_never_removed_by_init(folder):
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    add_and_count(store)
    store.close()
    for passphrase in (PASSPHRASE, "someone else's passphrase"):
        with pytest.raises(StoreError, match="already a store"):
            Store.create(folder, passphrase, CHEAP_KDF)
    store = Store.open(folder, PASSPHRASE)
    with store.read_session() as s:
        assert len(repository.list_summaries(s)) == 1
    store.close()
