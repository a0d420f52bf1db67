"""Issue 10 point 6: on POSIX the data folder is 0700 and every file Drop-in Desk creates is
0600, whatever the umask. (Windows: per-user %LOCALAPPDATA% ACLs; see desktop.store.paths.)

Issue 15 point 2: every folder Drop-in Desk creates is 0700, the parents of a new data folder
too (tests/printing/test_write_atomically.py: what is written over, and what is refused)."""

import os
import stat

import pytest

from desktop.printing.common import write_atomically
from desktop.store import repository
from desktop.store.database import DB_NAME, HEADER_NAME, Store
from desktop.store.paths import make_private_dirs, private_dir
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


# ---- issue 15 point 2: the folders above the data folder, and what is written over ----------


def test_private_dir_makes_every_folder_it_creates_owner_only(tmp_path, umask):
    os.chmod(tmp_path, 0o755)
    folder = tmp_path / "a" / "b" / "c"
    private_dir(folder)
    for made in (tmp_path / "a", tmp_path / "a" / "b", folder):
        assert mode(made) == 0o700, made  # under umask 000 the parents were 0777
    assert mode(tmp_path) == 0o755  # a folder that was there already is not changed


def test_a_store_in_a_new_nested_folder_has_owner_only_parents(tmp_path, umask):
    folder = tmp_path / "centre" / "drop-in" / "data"
    Store.create(folder, PASSPHRASE, CHEAP_KDF).close()
    assert mode(tmp_path / "centre") == mode(tmp_path / "centre" / "drop-in") == 0o700
    assert mode(folder) == 0o700


def test_private_dir_refuses_a_file_on_the_way(tmp_path):
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    for folder in (afile, afile / "data"):
        with pytest.raises(FileExistsError) as info:
            private_dir(folder)
        assert info.value.filename == str(afile)
    assert afile.read_text() == "x" and mode(afile) != 0o700


def test_make_private_dirs_leaves_a_folder_made_meanwhile_alone(tmp_path, monkeypatch):
    folder = tmp_path / "a"
    real_mkdir = type(folder).mkdir

    def racing_mkdir(self, mode=0o777, parents=False, exist_ok=False):
        real_mkdir(self, 0o755)  # another process makes it first
        os.chmod(self, 0o755)
        raise FileExistsError(self)

    monkeypatch.setattr(type(folder), "mkdir", racing_mkdir)
    assert make_private_dirs(folder) == folder
    assert mode(folder) == 0o755
