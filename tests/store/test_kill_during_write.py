"""A process killed mid-write loses nothing it had already committed (WAL + synchronous=FULL)."""

import os
import signal
import subprocess
import sys
import textwrap

from desktop.store import repository
from desktop.store.database import Store
from tests.store.conftest import CHEAP_KDF, PASSPHRASE

WRITER = textwrap.dedent(
    """
    import sys
    from desktop.store import repository
    from desktop.store.database import Store
    from desktop.store.repository import ClientDetails

    store = Store.open(sys.argv[1], sys.argv[2])
    i = 0
    while True:
        i += 1
        with store.session() as s:
            cid = repository.create_client(s, ClientDetails(full_name=f"Writer {i}"), "w")
            for n in range(20):  # a multi-row transaction, so kills land mid-transaction too
                repository.add_note(s, cid, "w", "x" * 200)
        print(cid, flush=True)
    """
)


def test_kill_during_write_keeps_every_committed_row(tmp_path):
    folder = tmp_path / "data"
    Store.create(folder, PASSPHRASE, CHEAP_KDF).close()
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(folder), PASSPHRASE],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    committed = []
    try:
        for line in proc.stdout:
            committed.append(int(line))
            if len(committed) >= 40:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert len(committed) >= 40, "the writer stopped before committing 40 clients"

    store = Store.open(folder, PASSPHRASE)
    try:
        with store.read_session() as s:
            ids = {summary.id for summary in repository.list_summaries(s)}
            assert set(committed) <= ids
            # Every client that exists was committed whole, with all 20 notes.
            for cid in ids:
                assert len(repository.notes_of(s, cid)) == 20
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        store.close()
