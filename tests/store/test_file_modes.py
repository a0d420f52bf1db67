"""Issue 10 point 6: on POSIX the data folder is 0700 and every file Drop-in Desk creates is
0600, whatever the umask. (Windows: per-user %LOCALAPPDATA% ACLs; see desktop.store.paths.)"""

import os
import stat

import pytest

from desktop.printing.common import write_atomically
from desktop.store import repository
from desktop.store.database import DB_NAME, HEADER_NAME, Store
from desktop.store.repository import ClientDetails
from tests.store.conftest import CHEAP_KDF, PASSPHRASE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def add_client(store):
    with store.session() as s:
        repository.create_client(s, ClientDetails(full_name="Wilhelmina Pratt"), "Tester")


def test_new_store_folder_and_files_are_owner_only(tmp_path, umask):
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    try:
        add_client(store)
        assert mode(folder) == 0o700
        names = [DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", HEADER_NAME, "store.lock"]
        for name in names:
            assert (folder / name).exists(), name
            assert mode(folder / name) == 0o600, name
        # Nothing else in the folder is readable by others either.
        for path in folder.iterdir():
            assert mode(path) & 0o077 == 0, path.name
    finally:
        store.close()


def test_kept_copies_backups_rekey_and_restore_are_owner_only(tmp_path, umask):
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    try:
        add_client(store)
        kept = store._keep_copy("test")
        assert mode(store.backups_dir) == 0o700
        for path in store.backups_dir.iterdir():
            assert mode(path) == 0o600, path.name
        assert mode(kept) == 0o600
        backup = store.backup_to(tmp_path / "usb-stick-copy")
        assert mode(backup) == 0o600
        store.change_passphrase(PASSPHRASE, "a different passphrase entirely")
        assert mode(folder / DB_NAME) == 0o600
        assert mode(folder / HEADER_NAME) == 0o600
        store.restore_from(backup, PASSPHRASE)
        for name in (DB_NAME, HEADER_NAME):
            assert mode(folder / name) == 0o600, name
        for path in store.backups_dir.iterdir():
            assert mode(path) == 0o600, path.name
    finally:
        store.close()


def test_an_older_world_readable_store_is_tightened_on_open(tmp_path):
    folder = tmp_path / "data"
    Store.create(folder, PASSPHRASE, CHEAP_KDF).close()
    os.chmod(folder, 0o755)
    for name in (DB_NAME, HEADER_NAME, "store.lock"):
        os.chmod(folder / name, 0o644)
    store = Store.open(folder, PASSPHRASE)
    store.close()
    assert mode(folder) == 0o700
    for name in (DB_NAME, HEADER_NAME, "store.lock"):
        assert mode(folder / name) == 0o600, name


def test_exports_written_by_the_printing_writer_are_owner_only(tmp_path, umask):
    out = write_atomically(tmp_path / "report.pdf", b"%PDF-1.4 fictional")
    assert mode(out) == 0o600
