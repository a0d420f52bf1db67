"""Issue 10 point 8: store.params.json is validated before any key derivation, a damaged
page 1 says "damaged" (not "wrong passphrase"), and every connection wipes its memory."""

import json
import zipfile

import pytest

from desktop.store import crypto, repository
from desktop.store.crypto import KdfParams, parse_header, read_header
from desktop.store.database import DB_NAME, HEADER_NAME, Store
from desktop.store.errors import StoreDamaged, WrongPassphrase
from tests.store.conftest import CHEAP_KDF, PASSPHRASE


def _edit_header(folder, **changes):
    path = folder / HEADER_NAME
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


@pytest.fixture
def closed_store(folder):
    Store.create(folder, PASSPHRASE, CHEAP_KDF).close()
    return folder


def test_huge_time_cost_fails_fast_without_running_argon2(closed_store, monkeypatch):
    _edit_header(closed_store, time_cost=10000)

    def no_argon2(**_kwargs):
        raise AssertionError("Argon2id ran on parameters that should have been refused")

    monkeypatch.setattr(crypto, "hash_secret_raw", no_argon2)
    with pytest.raises(StoreDamaged) as caught:
        Store.open(closed_store, PASSPHRASE)
    assert str(caught.value) == "store.params.json is damaged (time_cost 10000 is out of range)"


@pytest.mark.parametrize(
    ("changes", "what"),
    [
        ({"time_cost": 0}, "time_cost 0 is out of range"),
        ({"time_cost": 21}, "time_cost 21 is out of range"),
        ({"time_cost": "3"}, "time_cost is not a whole number"),
        ({"time_cost": True}, "time_cost is not a whole number"),
        ({"time_cost": 3.5}, "time_cost is not a whole number"),
        ({"memory_cost_kib": 4096}, "memory_cost_kib 4096 is out of range"),
        ({"memory_cost_kib": 1024 * 1024 + 1}, "memory_cost_kib 1048577 is out of range"),
        ({"parallelism": 0}, "parallelism 0 is out of range"),
        ({"parallelism": 17}, "parallelism 17 is out of range"),
        ({"salt_hex": "abcd"}, "the salt is 2 bytes long"),
        ({"salt_hex": "zz" * 16}, "salt_hex is not hexadecimal"),
        ({"salt_hex": 12}, "salt_hex is not hexadecimal"),
        ({"key_check_hex": "00"}, "key_check_hex is not a valid key check"),
        ({"format": "something/2"}, "unknown format"),
    ],
)
def test_each_bad_field_is_named(closed_store, changes, what):
    _edit_header(closed_store, **changes)
    with pytest.raises(StoreDamaged) as caught:
        read_header(closed_store / HEADER_NAME)
    assert str(caught.value) == f"store.params.json is damaged ({what})"


def test_missing_field_and_non_object(tmp_path):
    with pytest.raises(StoreDamaged, match=r"damaged \(parallelism is missing\)"):
        parse_header(
            {"format": crypto.HEADER_FORMAT, "kdf": "argon2id", "salt_hex": "00" * 16,
             "time_cost": 1, "memory_cost_kib": 8192},
        )  # fmt: skip
    with pytest.raises(StoreDamaged, match="not a JSON object"):
        parse_header([1, 2], "the backup's store.params.json")


def _header(**fields):
    header = {"format": crypto.HEADER_FORMAT, "kdf": "argon2id", "salt_hex": "ab" * 16,
              "time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}  # fmt: skip
    header.update(fields)
    return header


@pytest.mark.parametrize(
    ("field", "limits"),
    [
        ("time_cost", crypto.TIME_COST_RANGE),
        ("memory_cost_kib", crypto.MEMORY_COST_KIB_RANGE),
        ("parallelism", crypto.PARALLELISM_RANGE),
    ],
)
def test_the_limits_themselves_are_accepted_and_one_beyond_is_refused(field, limits):
    low, high = limits
    assert (low, high) == {
        "time_cost": (1, 20),
        "memory_cost_kib": (8192, 1024 * 1024),
        "parallelism": (1, 16),
    }[field]
    for value in (low, high):
        params = parse_header(_header(**{field: value}))
        assert getattr(params, field) == value  # the limit itself is read back unchanged
    for value in (low - 1, high + 1):
        with pytest.raises(StoreDamaged) as caught:
            parse_header(_header(**{field: value}))
        assert (
            str(caught.value) == f"store.params.json is damaged ({field} {value} is out of range)"
        )


def test_the_salt_lengths_at_the_limits_are_accepted():
    low, high = crypto.SALT_BYTES_RANGE
    for nbytes in (low, high):
        assert parse_header(_header(salt_hex="ab" * nbytes)).salt_hex == "ab" * nbytes
    for nbytes in (low - 1, high + 1):
        with pytest.raises(StoreDamaged, match=f"the salt is {nbytes} bytes long"):
            parse_header(_header(salt_hex="ab" * nbytes))


def test_kdf_params_out_of_range_are_refused_before_derivation(monkeypatch):
    monkeypatch.setattr(crypto, "hash_secret_raw", lambda **_: pytest.fail("Argon2id ran"))
    with pytest.raises(StoreDamaged, match="time_cost 10000 is out of range"):
        crypto.derive_key("a passphrase", KdfParams(salt_hex="ab" * 16, time_cost=10000))


def test_damaged_first_page_says_damaged_not_wrong_passphrase(closed_store):
    db = closed_store / DB_NAME
    data = bytearray(db.read_bytes())
    data[:16] = b"\x00" * 16  # page 1's salt gone: SQLCipher cannot read the page
    db.write_bytes(bytes(data))
    with pytest.raises(StoreDamaged) as caught:
        Store.open(closed_store, PASSPHRASE)
    assert "store.db is damaged" in str(caught.value)
    assert "passphrase is right" in str(caught.value)
    # A wrong passphrase on the same file is still a wrong passphrase.
    with pytest.raises(WrongPassphrase):
        Store.open(closed_store, "not the right passphrase")


def test_truncated_database_says_damaged(closed_store):
    db = closed_store / DB_NAME
    db.write_bytes(db.read_bytes()[:5000])
    with pytest.raises(StoreDamaged, match=r"store.db is damaged \(the file is 5000 bytes long"):
        Store.open(closed_store, "even a wrong passphrase")


def test_unlock_after_lock_also_tells_damage_apart(folder):
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    try:
        store.lock()
        db = folder / DB_NAME
        data = bytearray(db.read_bytes())
        data[:16] = b"\xff" * 16
        db.write_bytes(bytes(data))
        with pytest.raises(WrongPassphrase):
            store.unlock("not the right passphrase")
        with pytest.raises(StoreDamaged, match="store.db is damaged"):
            store.unlock(PASSPHRASE)
    finally:
        store.close()


def test_a_header_without_key_check_gains_one_on_open(closed_store):
    path = closed_store / HEADER_NAME
    data = json.loads(path.read_text())
    assert data.pop("key_check_hex")
    path.write_text(json.dumps(data))
    Store.open(closed_store, PASSPHRASE).close()
    assert json.loads(path.read_text())["key_check_hex"]


def test_every_connection_has_cipher_memory_security_on(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cipher_memory_security").scalar() == "1"


def test_a_backup_with_a_damaged_header_is_refused_before_argon2(store, tmp_path, monkeypatch):
    backup = store.backup_to(tmp_path / "copy")
    tampered = tmp_path / "tampered.ddbackup"
    with zipfile.ZipFile(backup) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == HEADER_NAME:
                header = json.loads(data)
                header["memory_cost_kib"] = 64 * 1024 * 1024  # 64 GiB
                data = json.dumps(header).encode()
            dst.writestr(item, data)
    monkeypatch.setattr(crypto, "hash_secret_raw", lambda **_: pytest.fail("Argon2id ran"))
    with pytest.raises(
        StoreDamaged, match=r"is damaged \(memory_cost_kib 67108864 is out of range"
    ):
        store.restore_from(tampered, PASSPHRASE)
    monkeypatch.undo()
    with store.read_session() as s:  # the store is untouched and still open
        assert repository.list_summaries(s) == []
