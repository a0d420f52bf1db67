import datetime as dt
import hashlib
from dataclasses import replace

import pytest
from sqlalchemy import inspect, text

from desktop.store import repository
from desktop.store.crypto import KdfParams, derive_key, write_header
from desktop.store.database import (
    DB_NAME,
    HEADER_NAME,
    Store,
    _make_engine,
    current_revision,
    head_revision,
    upgrade_schema,
)
from desktop.store.errors import BackupInvalid, StoreInUse, WrongPassphrase
from desktop.store.models import APPLICATION_ID
from desktop.store.repository import ClientDetails
from tests.store.conftest import CHEAP_KDF, PASSPHRASE

SECRET_NAME = "Zanzibar Quillfeather"


def add_client(store, name=SECRET_NAME, ref="HO-REF-7781234"):
    with store.session() as s:
        return repository.create_client(
            s, ClientDetails(full_name=name, home_office_ref=ref, notes="fled in 2019"), "Tester"
        )


def raw_bytes(folder):
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def file_hash(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def client_names(store):
    with store.read_session() as s:
        return sorted(summary.full_name for summary in repository.list_summaries(s))


def test_raw_bytes_hold_no_client_text(store, folder):
    add_client(store)
    # Both the main file and the WAL are checked while the store is open, and again after close.
    for needle in (
        SECRET_NAME.encode(),
        b"HO-REF-7781234",
        b"fled in 2019",
        SECRET_NAME.encode("utf-16-le"),
    ):
        assert needle not in raw_bytes(folder)
    store.close()
    data = raw_bytes(folder)
    assert SECRET_NAME.encode() not in data
    assert b"SQLite format 3" not in (folder / DB_NAME).read_bytes()[:16]


def test_wrong_passphrase_is_refused_and_leaves_the_file_untouched(store, folder):
    add_client(store)
    store.close()
    before = file_hash(folder / DB_NAME)
    with pytest.raises(WrongPassphrase, match="does not open"):
        Store.open(folder, "not the passphrase")
    assert file_hash(folder / DB_NAME) == before
    reopened = Store.open(folder, PASSPHRASE)
    assert client_names(reopened) == [SECRET_NAME]
    reopened.close()


def test_second_instance_gets_already_open_message(store, folder):
    with pytest.raises(StoreInUse, match="already open on this computer"):
        Store.open(folder, PASSPHRASE)


def test_store_records_schema_head_and_application_id(store):
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_change_passphrase_rekeys(store, folder):
    add_client(store)
    old_salt = store.params.salt_hex
    store.change_passphrase(PASSPHRASE, "a brand new passphrase")
    assert store.params.salt_hex != old_salt
    assert client_names(store) == [SECRET_NAME]
    store.close()
    with pytest.raises(WrongPassphrase):
        Store.open(folder, PASSPHRASE)
    reopened = Store.open(folder, "a brand new passphrase")
    assert client_names(reopened) == [SECRET_NAME]
    reopened.close()


def test_change_passphrase_needs_the_current_one(store):
    with pytest.raises(WrongPassphrase):
        store.change_passphrase("wrong", "a brand new passphrase")


def test_interrupted_rekey_is_finished_on_next_open(store, folder):
    """Power cut after the re-encrypted file was swapped in but before the header was renamed:
    the pending header must be found and used."""
    add_client(store)
    new_params = KdfParams.fresh(**CHEAP_KDF)
    new_key = derive_key("the new one please", new_params)
    from desktop.store.database import _export_copy

    _export_copy(store.engine, folder / "swapped.db", new_key)
    store.close()
    (folder / "swapped.db").replace(folder / DB_NAME)
    for suffix in ("-wal", "-shm"):
        (folder / (DB_NAME + suffix)).unlink(missing_ok=True)
    write_header(folder / (HEADER_NAME + ".new"), new_params)
    reopened = Store.open(folder, "the new one please")
    assert client_names(reopened) == [SECRET_NAME]
    assert not (folder / (HEADER_NAME + ".new")).exists()
    reopened.close()


def test_lock_forgets_key_and_unlock_needs_passphrase(store):
    add_client(store)
    store.lock()
    assert store.locked
    with pytest.raises(Exception, match="locked"):
        store.read_session()
    with pytest.raises(WrongPassphrase):
        store.unlock("nope")
    store.unlock(PASSPHRASE)
    assert client_names(store) == [SECRET_NAME]


def test_backup_and_restore(store, folder, tmp_path):
    add_client(store)
    backup = store.backup_to(tmp_path / "copy")
    assert backup.name == "copy.ddbackup"
    assert SECRET_NAME.encode() not in backup.read_bytes()
    add_client(store, "Second Person", "HO-2")
    assert len(client_names(store)) == 2
    store.restore_from(backup, PASSPHRASE)
    assert client_names(store) == [SECRET_NAME]
    kept = list((folder / "backups").glob("before-restore-*.db"))
    assert len(kept) == 1


def test_restore_with_wrong_passphrase_replaces_nothing(store, folder, tmp_path):
    add_client(store)
    backup = store.backup_to(tmp_path / "copy")
    add_client(store, "Second Person", "HO-2")
    with pytest.raises(WrongPassphrase, match="does not open this backup"):
        store.restore_from(backup, "wrong passphrase")
    assert len(client_names(store)) == 2
    assert not list(folder.glob("restore*"))


def test_restore_rejects_a_file_that_is_not_a_backup(store, tmp_path):
    add_client(store)
    bogus = tmp_path / "holiday.ddbackup"
    bogus.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(BackupInvalid, match="not a Drop-in Desk backup"):
        store.restore_from(bogus, PASSPHRASE)
    assert client_names(store) == [SECRET_NAME]


def test_backup_opens_with_its_own_passphrase_after_a_change(store, tmp_path):
    add_client(store)
    backup = store.backup_to(tmp_path / "old")
    store.change_passphrase(PASSPHRASE, "a brand new passphrase")
    add_client(store, "Second Person", "HO-2")
    with pytest.raises(WrongPassphrase):
        store.restore_from(backup, "a brand new passphrase")
    store.restore_from(backup, PASSPHRASE)
    assert client_names(store) == [SECRET_NAME]


def test_migration_on_open_upgrades_and_backs_up_first(folder):
    """A store left at the first schema revision is upgraded when opened, after a copy of it
    is taken, and keeps its clients."""
    folder.mkdir(parents=True)
    params = KdfParams.fresh(**CHEAP_KDF)
    write_header(folder / HEADER_NAME, params)
    key = derive_key(PASSPHRASE, params)
    engine = _make_engine(folder / DB_NAME, key)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    upgrade_schema(engine, "0001")
    now = dt.datetime(2026, 1, 1)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO clients (full_name, created_at, updated_at) VALUES (:n, :t, :t)"),
            {"n": SECRET_NAME, "t": now},
        )
    assert "case_notes" not in inspect(engine).get_table_names()
    engine.dispose()

    store = Store.open(folder, PASSPHRASE)
    try:
        assert current_revision(store.engine) == head_revision() != "0001"
        assert "case_notes" in inspect(store.engine).get_table_names()
        assert client_names(store) == [SECRET_NAME]
        assert store.upgrade_backup is not None and store.upgrade_backup.exists()
        assert store.upgrade_backup.name.startswith("before-upgrade-0001-to-")
        # The copy is the old schema, encrypted under the same key.
        old = _make_engine(store.upgrade_backup, key)
        assert current_revision(old) == "0001"
        old.dispose()
    finally:
        store.close()


def test_upgrade_from_0002_adds_appeal_by_and_keeps_the_applications(folder):
    """A store from before `appeal_by` (revision 0002) gains the column when opened; the
    applications in it keep every value and read back with no appeal deadline."""
    folder.mkdir(parents=True)
    params = KdfParams.fresh(**CHEAP_KDF)
    write_header(folder / HEADER_NAME, params)
    key = derive_key(PASSPHRASE, params)
    engine = _make_engine(folder / DB_NAME, key)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    upgrade_schema(engine, "0002")
    now = dt.datetime(2026, 1, 1)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO clients (full_name, created_at, updated_at) VALUES (:n, :t, :t)"),
            {"n": SECRET_NAME, "t": now},
        )
        conn.execute(
            text(
                "INSERT INTO applications (client_id, position, kind, made, decided, outcome, "
                "appeal_lodged) VALUES (1, 0, 'asylum', :made, :decided, 'refused', :lodged)"
            ),
            {
                "made": dt.date(2021, 3, 1),
                "decided": dt.date(2022, 6, 10),
                "lodged": dt.date(2022, 6, 20),
            },
        )
    columns = {c["name"] for c in inspect(engine).get_columns("applications")}
    assert "appeal_by" not in columns and "appeal_lodged" in columns
    engine.dispose()

    store = Store.open(folder, PASSPHRASE)
    try:
        assert current_revision(store.engine) == head_revision() != "0002"
        assert store.upgrade_backup.name.startswith("before-upgrade-0002-to-")
        columns = {c["name"]: c for c in inspect(store.engine).get_columns("applications")}
        assert columns["appeal_by"]["nullable"]
        with store.read_session() as s:
            (app,) = repository.load_history(s, 1).applications
        assert (app.kind, app.made, app.decided, app.outcome, app.appeal_lodged) == (
            "asylum",
            dt.date(2021, 3, 1),
            dt.date(2022, 6, 10),
            "refused",
            dt.date(2022, 6, 20),
        )
        assert app.appeal_by is None
        # The new column takes a value like the others.
        with store.session() as s:
            history = repository.load_history(s, 1)
            given = replace(history.applications[0], appeal_by=dt.date(2022, 7, 8))
            repository.save_history(s, 1, replace(history, applications=(given,)), "Tester")
        with store.read_session() as s:
            assert repository.load_history(s, 1).applications[0].appeal_by == dt.date(2022, 7, 8)
    finally:
        store.close()


def test_failed_transaction_saves_nothing(store):
    with pytest.raises(RuntimeError):
        with store.session() as s:
            repository.create_client(s, ClientDetails(full_name="Half Saved"), "Tester")
            raise RuntimeError("crash in the middle of a save")
    assert client_names(store) == []


def test_connections_overwrite_deleted_pages(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_a_backup_is_never_renamed_over_a_pipe(store, tmp_path):
    """Issue 15: writing over a device or a pipe named *.ddbackup replaced the node itself."""
    import os

    from desktop.store.errors import StoreError

    pipe = tmp_path / "copy.ddbackup"
    os.mkfifo(pipe)
    with pytest.raises(StoreError, match="not an ordinary file|pipe"):
        store.backup_to(pipe)
    assert pipe.is_fifo()
