"""Issue 15 point 2: one process per store, for real.

- With store.lock deleted a second process used to get in (and its passphrase change then
  swapped store.db under the first, whose later writes were lost): the data folder itself is
  now locked too.
- A store.db replaced underneath a running process (by another program) is noticed before
  the next write, which is refused with a clear StoreError instead of going into a file no
  one will read again.
- A data folder on a network drive gets a warning.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop.store import network_drive, repository
from desktop.store.database import DB_NAME, HEADER_NAME, Store
from desktop.store.errors import StoreInUse, StoreReplaced
from desktop.store.lock import LOCK_NAME, InstanceLock
from desktop.store.repository import ClientDetails
from tests.store.conftest import CHEAP_KDF, PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]

#: Opens the store, says "open", then for each line on stdin ("write NAME" / "quit") adds a
#: client and says "wrote" or the error's class and message.
HOLDER = textwrap.dedent(
    """
    import sys
    from desktop.store import repository
    from desktop.store.database import Store
    from desktop.store.errors import StoreError
    from desktop.store.repository import ClientDetails

    store = Store.open(sys.argv[1], sys.argv[2])
    print("open", flush=True)
    for line in sys.stdin:
        command, _, name = line.strip().partition(" ")
        if command == "quit":
            break
        try:
            with store.session() as s:
                repository.create_client(s, ClientDetails(full_name=name), "holder")
            print("wrote", flush=True)
        except StoreError as exc:
            print(f"refused {type(exc).__name__}: {exc}", flush=True)
    store.close()
    print("closed", flush=True)
    """
)

#: Tries to open the store; prints the outcome.
SECOND = textwrap.dedent(
    """
    import sys
    from desktop.store.database import Store
    from desktop.store.errors import StoreError

    try:
        store = Store.open(sys.argv[1], sys.argv[2])
    except StoreError as exc:
        print(f"refused {type(exc).__name__}: {exc}", flush=True)
        sys.exit(3)
    print("opened", flush=True)
    store.close()
    """
)


def _python(script, *args, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def _say(proc, line):
    proc.stdin.write(line + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


@pytest.fixture
def made(folder):
    Store.create(folder, PASSPHRASE, CHEAP_KDF).close()
    return folder


@pytest.fixture
def holder(made):
    proc = _python(HOLDER, made, PASSPHRASE)
    try:
        assert proc.stdout.readline().strip() == "open", proc.stderr.read()
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)


def test_deleting_the_lock_file_does_not_let_a_second_process_in(made, holder):
    (made / LOCK_NAME).unlink()
    second = _python(SECOND, made, PASSPHRASE)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 3, (out, err)
    assert out.startswith("refused StoreInUse: Drop-in Desk is already open on this computer")
    # The first process carries on writing, and what it wrote is there afterwards.
    assert _say(holder, "write Still Fictional") == "wrote"
    assert _say(holder, "quit") == "closed"
    store = Store.open(made, PASSPHRASE)
    try:
        with store.read_session() as s:
            assert [c.full_name for c in repository.list_summaries(s)] == ["Still Fictional"]
    finally:
        store.close()


def test_a_lock_file_replaced_by_another_file_does_not_let_a_second_process_in(made, holder):
    (made / LOCK_NAME).unlink()
    (made / LOCK_NAME).write_bytes(b"")
    with pytest.raises(StoreInUse):
        InstanceLock(made).acquire()


def test_the_data_folder_itself_is_locked_while_held(folder):
    first = InstanceLock(folder)
    first.acquire()
    try:
        if os.name == "posix":
            assert first.folder_locked
        (folder / LOCK_NAME).unlink()
        with pytest.raises(StoreInUse):
            InstanceLock(folder).acquire()
    finally:
        first.release()
    again = InstanceLock(folder)
    again.acquire()  # released for good: the next instance gets in
    assert again.held
    again.release()


#: What got past store.lock before (a deleted lock file, or an older version that looks only at
#: store.lock): a second process changing the passphrase, which swaps in a new store.db.
BYPASSING_REKEY = textwrap.dedent(
    """
    import sys
    from desktop.store.database import Store

    class Bypassed:
        held = True

        def release(self):
            pass

    store = Store.open(sys.argv[1], sys.argv[2], lock=Bypassed())
    store.change_passphrase(sys.argv[2], sys.argv[3])
    store.close()
    print("changed", flush=True)
    """
)
NEW_PASSPHRASE = "tangerine lighthouse quietly orbits"


def test_a_store_replaced_underneath_refuses_to_write_and_loses_nothing_silently(made, holder):
    assert _say(holder, "write Before Fictional") == "wrote"
    other = _python(BYPASSING_REKEY, made, PASSPHRASE, NEW_PASSPHRASE)
    out, err = other.communicate(timeout=120)
    assert out.strip() == "changed", err
    answer = _say(holder, "write After Fictional")
    # Before: "wrote", into the old file no one would open again (the write was lost).
    assert answer.startswith(
        "refused StoreReplaced: The store file was replaced by another program"
    )
    assert "nothing more is written" in answer and "open it again" in answer
    assert _say(holder, "write Later Fictional").startswith("refused StoreReplaced")
    assert _say(holder, "quit") == "closed"
    store = Store.open(made, NEW_PASSPHRASE)
    try:
        with store.read_session() as s:
            # What the first process wrote before the swap was carried over; what it was
            # refused is nowhere (it was told).
            assert [c.full_name for c in repository.list_summaries(s)] == ["Before Fictional"]
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        store.close()


def test_a_store_file_replaced_by_hand_is_noticed_before_the_next_write(made, holder, tmp_path):
    """Another program puts a different store.db (and its key parameters) in place, clearing
    the old journal as SQLite requires of anyone replacing a database file."""
    assert _say(holder, "write Before Fictional") == "wrote"
    other = tmp_path / "other"
    Store.create(other, PASSPHRASE, CHEAP_KDF).close()
    for suffix in ("-wal", "-shm"):
        (made / (DB_NAME + suffix)).unlink(missing_ok=True)
    os.replace(other / HEADER_NAME, made / HEADER_NAME)
    os.replace(other / DB_NAME, made / DB_NAME)
    assert _say(holder, "write After Fictional").startswith("refused StoreReplaced")
    assert _say(holder, "quit") == "closed"
    store = Store.open(made, PASSPHRASE)
    try:
        with store.read_session() as s:
            assert repository.list_summaries(s) == []  # the replacement, untouched
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        store.close()


def test_in_one_process_a_replaced_store_refuses_writes_but_its_own_changes_do_not(store, tmp_path):
    """The store's own passphrase change swaps store.db too: that is not "replaced"."""
    with store.session() as s:
        repository.create_client(s, ClientDetails(full_name="Own Fictional"), "t")
    store.change_passphrase(PASSPHRASE, "tangerine lighthouse quietly orbits")
    with store.session() as s:
        repository.create_client(s, ClientDetails(full_name="After Change Fictional"), "t")
    assert not store.replaced
    copy = tmp_path / "copy.db"
    copy.write_bytes(store.db_path.read_bytes())
    os.replace(copy, store.db_path)  # same bytes, but another file
    with pytest.raises(StoreReplaced):
        with store.session() as s:
            repository.create_client(s, ClientDetails(full_name="Lost Fictional"), "t")
    assert store.replaced


def test_the_store_says_when_its_folder_is_on_a_network_drive(store, monkeypatch):
    assert store.network_drive_warning() is None  # the test folder is on a local disk
    monkeypatch.setattr(network_drive, "network_drive_kind", lambda folder: "nfs4")
    warning = store.network_drive_warning()
    assert warning.startswith(f"The data folder ({store.folder}) is on a network drive (nfs4).")
    assert "another computer" in warning


MOUNTINFO = "\n".join(
    [
        r"27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
        r"40 27 0:50 / /home/adviser/Shared\040Drive rw - cifs //server/share rw",
        r"41 27 0:51 / /mnt/nfs rw - nfs4 server:/export rw",
        r"42 41 0:52 / /mnt/nfs/local rw - ext4 /dev/vdb rw",
        r"43 27 0:53 / /home/adviser/remote rw - fuse.sshfs adviser@host: rw",
    ]
)


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/home/adviser/.local/share/DropInDesk", "ext4"),
        ("/home/adviser/Shared Drive/DropInDesk", "cifs"),
        ("/home/adviser/Shared", "ext4"),  # a prefix of the mount point's name is not inside
        ("/mnt/nfs/DropInDesk", "nfs4"),
        ("/mnt/nfs/local/DropInDesk", "ext4"),  # mounted over: the deeper mount holds it
        ("/home/adviser/remote/DropInDesk", "fuse.sshfs"),
    ],
)
def test_the_mount_holding_a_folder_is_found_in_mountinfo(path, expected):
    assert network_drive.fs_type_from_mountinfo(MOUNTINFO, path) == expected


@pytest.mark.parametrize(
    "fs_type, network",
    [("nfs4", True), ("cifs", True), ("smb3", True), ("fuse.sshfs", True), ("9p", True)]
    + [("ext4", False), ("btrfs", False), ("tmpfs", False), ("fuse.portal", False)],
)
def test_network_file_system_types(fs_type, network):
    assert network_drive.is_network_fs_type(fs_type) is network


@pytest.mark.parametrize(
    "path, drive_type, expected",
    [
        (r"\\server\share\DropInDesk", 3, "a network share"),
        (r"\\?\UNC\server\share\DropInDesk", 3, "a network share"),
        (r"Z:\DropInDesk", 4, "a mapped network drive"),
        (r"C:\Users\adviser\AppData\Local\DropInDesk", 3, None),
        (r"\\?\C:\Users\adviser\AppData\Local\DropInDesk", 3, None),
    ],
)
def test_windows_network_drives(path, drive_type, expected, monkeypatch):
    monkeypatch.setattr(network_drive.os.path, "splitdrive", _ntpath_splitdrive)
    assert network_drive.windows_kind(path, drive_type=lambda root: drive_type) == expected


def _ntpath_splitdrive(path):
    import ntpath

    return ntpath.splitdrive(path)
