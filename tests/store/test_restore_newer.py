"""Issue 10 point 2: a backup (or store) made by a newer version is refused before anything is
replaced, and no copy is added to backups/ on the way."""

import json
import zipfile
from pathlib import Path

import pytest

from desktop.store.backups import BackupFromNewerVersion, StoreFromNewerVersion
from desktop.store.crypto import derive_key, read_header
from desktop.store.database import (
    DB_NAME,
    HEADER_NAME,
    Store,
    _connect_raw,
    head_revision,
    known_revisions,
)
from tests.store.conftest import PASSPHRASE
from tests.store.test_database import SECRET_NAME, add_client, client_names

FUTURE = "0099"


def _set_revision(db: Path, params_file: Path, revision: str) -> None:
    key = derive_key(PASSPHRASE, read_header(params_file))
    conn = _connect_raw(db, key)
    try:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    finally:
        conn.close()


def newer_backup(store, tmp_path, db_revision=FUTURE, manifest_revision=FUTURE):
    """A real backup of `store`, then edited as a newer version would have written it."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    made = store.backup_to(tmp_path / "made")
    work = tmp_path / "unpacked"
    work.mkdir()
    with zipfile.ZipFile(made) as zf:
        zf.extractall(work)
    _set_revision(work / DB_NAME, work / HEADER_NAME, db_revision)
    manifest = json.loads((work / "manifest.json").read_text())
    manifest["schema_revision"] = manifest_revision
    target = tmp_path / f"newer-{db_revision}-{manifest_revision}.ddbackup"
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.write(work / HEADER_NAME, HEADER_NAME)
        zf.write(work / DB_NAME, DB_NAME)
    return target


def data_folder_files(folder):
    return sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*") if not p.name.startswith("store.")
    )


def test_the_future_revision_is_one_this_code_does_not_know():
    assert FUTURE not in known_revisions()
    assert head_revision() in known_revisions()


@pytest.mark.parametrize(
    "manifest_revision",
    [FUTURE, None],  # the manifest says so / the manifest is silent and only the database says
    ids=["manifest-says-newer", "only-the-database-says"],
)
def test_restore_of_a_newer_backup_is_refused_with_nothing_replaced(
    store, folder, tmp_path, manifest_revision
):
    add_client(store)
    if manifest_revision is None:
        backup = newer_backup(store, tmp_path, manifest_revision=head_revision())
    else:
        backup = newer_backup(store, tmp_path)
    add_client(store, "Second Person", "HO-2")
    db_before = (folder / DB_NAME).stat().st_ino, (folder / HEADER_NAME).read_bytes()
    others_before = data_folder_files(folder)

    with pytest.raises(BackupFromNewerVersion) as refused:
        store.restore_from(backup, PASSPHRASE)

    assert str(refused.value) == (
        f"This backup was made by a newer version of Drop-in Desk (schema {FUTURE}; "
        f"this version knows up to {head_revision()}). Nothing was replaced."
    )
    assert sorted(client_names(store)) == sorted([SECRET_NAME, "Second Person"])
    assert ((folder / DB_NAME).stat().st_ino, (folder / HEADER_NAME).read_bytes()) == db_before
    assert not (folder / "backups").exists() or not list((folder / "backups").iterdir())
    assert data_folder_files(folder) == others_before  # no copy, no staging file left
    assert store.kept_copies() == []


def test_a_refused_restore_tried_again_adds_no_copy_and_the_store_still_opens(
    store, folder, tmp_path
):
    add_client(store)
    backup = newer_backup(store, tmp_path)
    for _ in range(3):
        with pytest.raises(BackupFromNewerVersion):
            store.restore_from(backup, PASSPHRASE)
    assert store.kept_copies() == []
    store.close()
    reopened = Store.open(folder, PASSPHRASE)
    try:
        assert client_names(reopened) == [SECRET_NAME]
    finally:
        reopened.close()


def test_a_revision_name_that_is_not_plain_is_not_quoted(store, tmp_path):
    odd = "\u202eevil\x07"
    backup = newer_backup(store, tmp_path, db_revision=odd, manifest_revision=odd)
    with pytest.raises(BackupFromNewerVersion, match="a schema revision it does not recognise"):
        store.restore_from(backup, PASSPHRASE)
    # The database's own revision decides even when the manifest says this version's head.
    backup = newer_backup(
        store, tmp_path / "second", db_revision=odd, manifest_revision=head_revision()
    )
    with pytest.raises(BackupFromNewerVersion) as refused:
        store.restore_from(backup, PASSPHRASE)
    assert "\u202e" not in str(refused.value) and "\x07" not in str(refused.value)


def test_a_store_left_at_a_newer_revision_is_refused_on_open_without_a_copy(store, folder):
    add_client(store)
    store.close()
    _set_revision(folder / DB_NAME, folder / HEADER_NAME, FUTURE)
    for _ in range(2):
        with pytest.raises(StoreFromNewerVersion, match="made by a newer version"):
            Store.open(folder, PASSPHRASE)
    assert not (folder / "backups").exists() or not list((folder / "backups").iterdir())


def test_a_good_backup_still_restores_and_keeps_one_copy(store, folder, tmp_path):
    add_client(store)
    backup = store.backup_to(tmp_path / "good")
    add_client(store, "Second Person", "HO-2")
    store.restore_from(backup, PASSPHRASE)
    assert client_names(store) == [SECRET_NAME]
    assert len(store.kept_copies()) == 1
