"""Issue 15 point 3: a backup is checked whole before anything is unpacked or replaced.

A 300 MB manifest used to be read whole, a 2 GiB archive bomb unpacked, members were not
counted, and only SQLite's quick_check ran (which skips index contents and foreign keys).
Each refusal here leaves the store exactly as it was: the same clients, no staging file, no
copy added to backups/.
"""

import json
import os
import struct
import threading
import zipfile

import pytest

from desktop.store import database, repository
from desktop.store.crypto import derive_key, read_header
from desktop.store.database import DB_NAME, HEADER_NAME, _connect_raw
from desktop.store.errors import BackupInvalid
from tests.store.conftest import PASSPHRASE
from tests.store.test_database import SECRET_NAME, add_client, client_names


@pytest.fixture
def parts(store, tmp_path):
    """A real backup of a store holding one client (with a note), unpacked: its three parts.
    The store then gets a second client, so a restore that went ahead would show."""
    cid = add_client(store)
    with store.session() as s:
        repository.add_note(s, cid, "Tester", "first visit")
    made = store.backup_to(tmp_path / "made")
    with zipfile.ZipFile(made) as zf:
        found = {name: zf.read(name) for name in zf.namelist()}
    add_client(store, "Second Fictional", "HO-2")
    return found


def build(tmp_path, members, name="tampered.ddbackup", compression=zipfile.ZIP_STORED):
    target = tmp_path / name
    with zipfile.ZipFile(target, "w", compression=compression) as zf:
        for member, data in members:
            zf.writestr(member, data)
    return target


def in_order(parts):
    return [(name, parts[name]) for name in ("manifest.json", HEADER_NAME, DB_NAME)]


def assert_nothing_replaced(store):
    assert sorted(client_names(store)) == sorted([SECRET_NAME, "Second Fictional"])
    assert not list(store.folder.glob("restore*"))
    assert store.kept_copies() == []


def edited_db(parts, tmp_path, *statements):
    """The backup's database after running `statements` on it (foreign keys off, so a broken
    reference can be written; writable_schema on, so an index can be mislabelled)."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    (work / DB_NAME).write_bytes(parts[DB_NAME])
    (work / HEADER_NAME).write_bytes(parts[HEADER_NAME])
    conn = _connect_raw(work / DB_NAME, derive_key(PASSPHRASE, read_header(work / HEADER_NAME)))
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        for statement in statements:
            conn.execute(statement)
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"  # the old check passes
    finally:
        conn.close()
    return (work / DB_NAME).read_bytes()


def test_a_good_backup_still_restores(store, parts, tmp_path):
    store.restore_from(build(tmp_path, in_order(parts)), PASSPHRASE)
    assert client_names(store) == [SECRET_NAME]


def test_an_oversized_manifest_is_refused_before_it_is_read(store, parts, tmp_path, monkeypatch):
    manifest = json.loads(parts["manifest.json"])
    manifest["padding"] = " " * (300 * 1024)
    members = in_order(parts)
    members[0] = ("manifest.json", json.dumps(manifest).encode())
    backup = build(tmp_path, members)
    monkeypatch.setattr(database.json, "loads", lambda *_: pytest.fail("the manifest was read"))
    with pytest.raises(BackupInvalid) as refused:
        store.restore_from(backup, PASSPHRASE)
    monkeypatch.undo()
    assert str(refused.value) == (
        "tampered.ddbackup is not a Drop-in Desk backup: its manifest.json is 300 KB, more than "
        "the 64 KB it can be."
    )
    assert_nothing_replaced(store)


def _lie_about_size(path, member, declared):
    """Rewrite the uncompressed size `member` declares, in its local header and in the
    central directory, leaving its data (and the CRC of the real data) alone."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, declared)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_len]) == member.encode():
            struct.pack_into("<I", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def test_a_member_holding_more_than_its_header_says_is_refused(store, parts, tmp_path):
    big = json.loads(parts["manifest.json"])
    big["padding"] = "x" * (200 * 1024)
    members = in_order(parts)
    members[0] = ("manifest.json", json.dumps(big).encode())
    backup = build(tmp_path, members, compression=zipfile.ZIP_DEFLATED)
    _lie_about_size(backup, "manifest.json", 1000)
    with pytest.raises(BackupInvalid, match="tampered.ddbackup"):
        store.restore_from(backup, PASSPHRASE)
    assert_nothing_replaced(store)


def test_an_archive_bomb_is_refused_before_it_is_unpacked(store, parts, tmp_path, monkeypatch):
    members = in_order(parts)
    members[2] = (DB_NAME, bytes(64 * 1024 * 1024))  # 64 MiB of zeros: deflates to ~64 KB
    backup = build(tmp_path, members, name="bomb.ddbackup", compression=zipfile.ZIP_DEFLATED)
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda zf, member, *a, **k: opened.append(member) or real_open(zf, member, *a, **k),
    )
    with pytest.raises(BackupInvalid) as refused:
        store.restore_from(backup, PASSPHRASE)
    assert str(refused.value).startswith(
        "bomb.ddbackup is not a Drop-in Desk backup: store.db would unpack to 64 MB from"
    )
    assert "archive bomb" in str(refused.value)
    assert opened == []  # not a byte of it was inflated
    assert_nothing_replaced(store)


def test_a_bomb_that_lies_about_its_size_is_stopped_at_the_declared_size(store, parts, tmp_path):
    members = in_order(parts)
    members[2] = (DB_NAME, bytes(32 * 1024 * 1024))
    backup = build(tmp_path, members, name="liar.ddbackup", compression=zipfile.ZIP_DEFLATED)
    _lie_about_size(backup, DB_NAME, 40960)  # "ten pages": within any ratio
    with pytest.raises(BackupInvalid, match="liar.ddbackup"):
        store.restore_from(backup, PASSPHRASE)
    assert_nothing_replaced(store)


def test_a_database_bigger_than_the_free_space_is_refused(store, parts, tmp_path, monkeypatch):
    backup = build(tmp_path, in_order(parts))
    monkeypatch.setattr(
        database.shutil, "disk_usage", lambda _: type("Usage", (), {"free": 1024})()
    )
    with pytest.raises(BackupInvalid, match="There is not enough free disk space to restore"):
        store.restore_from(backup, PASSPHRASE)
    monkeypatch.undo()
    assert_nothing_replaced(store)


@pytest.mark.parametrize(
    "extra",
    [
        ("../escaped.txt", b"outside the data folder"),
        ("/tmp/absolute.txt", b"absolute"),
        ("backups/", b""),
        ("notes.txt", b"anything else"),
        (DB_NAME, b"a second store.db"),
    ],
    ids=["traversal", "absolute", "folder", "other-file", "duplicate"],
)
def test_a_backup_with_members_a_backup_never_has_is_refused(store, parts, tmp_path, extra):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        backup = build(tmp_path / "", in_order(parts) + [extra])
    with pytest.raises(BackupInvalid) as refused:
        store.restore_from(backup, PASSPHRASE)
    assert "holds files a backup does not" in str(refused.value)
    assert not (tmp_path / "escaped.txt").exists()
    assert not (store.folder.parent / "escaped.txt").exists()
    assert_nothing_replaced(store)


def test_a_backup_missing_a_part_is_refused(store, parts, tmp_path):
    backup = build(tmp_path, in_order(parts)[:2])
    with pytest.raises(BackupInvalid, match="a part is missing"):
        store.restore_from(backup, PASSPHRASE)
    assert_nothing_replaced(store)


@pytest.mark.parametrize("manifest", [b"[1, 2, 3]", b"\xff\xfe not json", b'"format"'])
def test_a_manifest_that_is_not_an_object_is_refused_in_one_line(store, parts, tmp_path, manifest):
    members = in_order(parts)
    members[0] = ("manifest.json", manifest)
    with pytest.raises(BackupInvalid) as refused:
        store.restore_from(build(tmp_path, members), PASSPHRASE)
    assert "\n" not in str(refused.value)
    assert str(refused.value).startswith("tampered.ddbackup is")
    assert_nothing_replaced(store)


def test_an_index_that_does_not_match_its_table_is_refused(store, parts, tmp_path):
    """quick_check passes this (it does not compare index entries with rows);
    integrity_check does not."""
    damaged = edited_db(
        parts,
        tmp_path,
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_case_notes_client_id ON case_notes "
        "(adviser)' WHERE name = 'ix_case_notes_client_id'",
    )
    members = in_order(parts)
    members[2] = (DB_NAME, damaged)
    with pytest.raises(BackupInvalid) as refused:
        store.restore_from(build(tmp_path, members), PASSPHRASE)
    assert str(refused.value).startswith(
        "tampered.ddbackup is damaged: its database fails SQLite's integrity check ("
    )
    assert str(refused.value).endswith("Nothing was replaced.")
    assert_nothing_replaced(store)


def test_a_record_pointing_at_a_missing_client_is_refused(store, parts, tmp_path):
    damaged = edited_db(
        parts,
        tmp_path,
        "INSERT INTO case_notes (client_id, written_on, adviser, text) "
        "VALUES (999, '2024-01-01 10:00:00', 'Tester', 'orphan')",
    )
    members = in_order(parts)
    members[2] = (DB_NAME, damaged)
    with pytest.raises(BackupInvalid) as refused:
        store.restore_from(build(tmp_path, members), PASSPHRASE)
    assert str(refused.value) == (
        "tampered.ddbackup is damaged: 1 record in its database point at records that are not "
        "there. Nothing was replaced."
    )
    assert_nothing_replaced(store)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX named pipes")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(store, parts, tmp_path):
    fifo = tmp_path / "pipe.ddbackup"
    os.mkfifo(fifo)
    outcome = []

    def restore():
        try:
            store.restore_from(fifo, PASSPHRASE)
        except BackupInvalid as exc:
            outcome.append(str(exc))

    thread = threading.Thread(target=restore, daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "restore_from waited on the pipe"
    assert outcome == [
        "pipe.ddbackup is not an ordinary file (a device, pipe or socket), so it is not read."
    ]
    assert_nothing_replaced(store)
