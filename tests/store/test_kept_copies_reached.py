"""Issue 15 point 4: erasure and passphrase changes reach the kept copies in backups/.

Before, after erasing a client the window asked whether to delete the copies, Enter or Esc
kept them, and all three copies still held the erased client; a passphrase change left every
copy opening with the old passphrase.
"""

import datetime as dt
import json

import pytest
from sqlalchemy import select, text, update

from desktop.store import repository
from desktop.store.backups import params_of
from desktop.store.crypto import KdfParams, derive_key, read_header, write_header
from desktop.store.database import (
    PENDING_ERASURE_PREFIX,
    KeptCopiesResult,
    Store,
    _connect_raw,
    _make_engine,
)
from desktop.store.errors import StoreLocked, WrongPassphrase
from desktop.store.models import Client
from desktop.store.repository import ClientDetails
from tests.store.conftest import CHEAP_KDF, PASSPHRASE

NEW_PASSPHRASE = "tangerine lighthouse quietly orbits"
ERASED = "Tamsin Fictional-Erased"
KEPT = ["Rhiannon Example", "Obadiah Placeholder"]


def add(store, name, notes=0):
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name=name), "Tester")
        for n in range(notes):
            repository.add_note(s, cid, "Tester", f"note {n}")
    return cid


def erase(store, cid):
    with store.session() as s:
        repository.delete_client(s, cid, "Tester")


def copy_rows(copy, passphrase=PASSPHRASE):
    """(names, note counts by client id) in a kept copy, opened with its own key parameters
    and `passphrase` (WrongPassphrase when that does not open it)."""
    key = derive_key(passphrase, read_header(params_of(copy)))
    _connect_raw(copy, key).close()
    engine = _make_engine(copy, key)
    try:
        with engine.connect() as conn:
            names = sorted(r[0] for r in conn.execute(text("SELECT full_name FROM clients")))
            notes = dict(
                conn.execute(
                    text("SELECT client_id, count(*) FROM case_notes GROUP BY client_id")
                ).all()
            )
            free = conn.exec_driver_sql("PRAGMA freelist_count").scalar()
            integrity = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
    finally:
        engine.dispose()
    return names, notes, free, integrity


@pytest.fixture
def with_copies(store):
    """A store holding the client to erase (with notes) and two others, and three copies."""
    erased = add(store, ERASED, notes=3)
    for name in KEPT:
        add(store, name, notes=1)
    for _ in range(3):
        store._keep_copy("before-restore")
    return erased


def test_erasing_a_client_takes_them_out_of_every_kept_copy(store, with_copies):
    erase(store, with_copies)
    result = store.erase_from_kept_copies(with_copies)
    assert result == KeptCopiesResult(rewritten=3)
    copies = store.kept_copies()
    assert len(copies) == 3
    for copy in copies:
        names, notes, free, integrity = copy_rows(copy)
        assert names == sorted(KEPT)
        assert with_copies not in notes  # the client's notes went with them
        assert len(notes) == 2
        assert free == 0  # VACUUM: no freed page left holding them
        assert integrity == "ok"
    assert store.pending_kept_erasures() == {}


def test_every_erasure_is_noted_in_its_own_transaction_until_the_copies_are_reached(
    store, with_copies, folder
):
    erase(store, with_copies)
    [stamps] = store.pending_kept_erasures().values()
    assert list(store.pending_kept_erasures()) == [with_copies]
    assert len(stamps) == 1 and dt.datetime.fromisoformat(stamps[0])
    # The app stops before the copies were reached (a crash, a quit): the note is in the
    # store, so the next session finishes the job.
    store.close()
    reopened = Store.open(folder, PASSPHRASE)
    try:
        assert list(reopened.pending_kept_erasures()) == [with_copies]
        assert reopened.erase_from_kept_copies().rewritten == 3
        for copy in reopened.kept_copies():
            assert copy_rows(copy)[0] == sorted(KEPT)
        assert reopened.pending_kept_erasures() == {}
    finally:
        reopened.close()


def test_a_rolled_back_deletion_notes_nothing(store, with_copies):
    with pytest.raises(RuntimeError):
        with store.session() as s:
            repository.delete_client(s, with_copies, "Tester")
            s.flush()
            raise RuntimeError("the user action failed half-way")
    assert store.pending_kept_erasures() == {}
    with store.read_session() as s:
        assert repository.client_count(s) == 3


def test_another_client_given_the_same_id_later_is_not_touched(store):
    """Ids are reused (the highest id erased is given to the next client): a copy holding
    the new client under that id keeps them. created_at tells the two apart."""
    add(store, KEPT[0])
    first = add(store, ERASED)
    with store.session() as s:  # made a while ago
        s.execute(
            update(Client).where(Client.id == first).values(created_at=dt.datetime(2020, 1, 1))
        )
    store._keep_copy("before-restore")  # holds the erased client
    erase(store, first)
    second = add(store, "Newcomer Fictional")
    assert second == first  # the id came round again
    store._keep_copy("before-restore")  # holds the newcomer under that id
    result = store.erase_from_kept_copies()
    assert result == KeptCopiesResult(rewritten=1, untouched=1)
    older, newer = store.kept_copies()
    assert copy_rows(older)[0] == [KEPT[0]]
    assert copy_rows(newer)[0] == sorted([KEPT[0], "Newcomer Fictional"])


def test_a_copy_the_store_key_does_not_open_is_deleted(store, with_copies, tmp_path):
    """A copy made under an older passphrase (by a version that did not re-key copies)
    cannot be rewritten without that passphrase: it is deleted, and counted."""
    stranger = tmp_path / "stranger"
    other = Store.create(stranger, PASSPHRASE, CHEAP_KDF)  # another salt: another key
    other._keep_copy("before-restore")
    [foreign] = other.kept_copies()
    other.close()
    target = store.backups_dir / "before-upgrade-0001-to-0006-20200101-000000.db"
    target.write_bytes(foreign.read_bytes())
    params_of(target).write_bytes(params_of(foreign).read_bytes())
    erase(store, with_copies)
    result = store.erase_from_kept_copies()
    assert result == KeptCopiesResult(rewritten=3, deleted=1)
    assert not target.exists() and not params_of(target).exists()
    assert len(store.kept_copies()) == 3


def test_a_copy_of_an_older_schema_is_rewritten_by_the_same_cascades(store, with_copies):
    """A copy taken before a schema upgrade has another revision: the ORM's models may not
    fit it, so the deletion is SQL with the foreign keys' ON DELETE CASCADE."""
    first = store.kept_copies()[0]
    key = derive_key(PASSPHRASE, read_header(params_of(first)))
    conn = _connect_raw(first, key)
    conn.execute("UPDATE alembic_version SET version_num = '0005'")
    conn.close()
    erase(store, with_copies)
    assert store.erase_from_kept_copies().rewritten == 3
    names, notes, free, _ = copy_rows(first)
    assert names == sorted(KEPT) and with_copies not in notes and free == 0


def test_a_lock_while_the_copies_are_rewritten_stops_and_the_next_run_finishes(store, with_copies):
    erase(store, with_copies)

    def lock_after_first(percent, _message):
        if percent > 5:
            store.lock()

    with pytest.raises(StoreLocked):
        store.erase_from_kept_copies(progress=lock_after_first)
    store.unlock(PASSPHRASE)
    assert list(store.pending_kept_erasures()) == [with_copies]
    store.erase_from_kept_copies()
    for copy in store.kept_copies():
        assert copy_rows(copy)[0] == sorted(KEPT)


def test_with_nothing_owed_the_copies_are_left_alone(store, with_copies):
    before = [copy.stat().st_mtime_ns for copy in store.kept_copies()]
    assert store.erase_from_kept_copies() == KeptCopiesResult(untouched=3)
    assert [copy.stat().st_mtime_ns for copy in store.kept_copies()] == before


def test_a_passphrase_change_re_keys_every_kept_copy(store, with_copies):
    result = store.change_passphrase(PASSPHRASE, NEW_PASSPHRASE)
    assert result == KeptCopiesResult(rewritten=3)
    assert store.last_kept_rekey == result
    for copy in store.kept_copies():
        with pytest.raises(WrongPassphrase):
            copy_rows(copy, PASSPHRASE)
        names, notes, _, integrity = copy_rows(copy, NEW_PASSPHRASE)
        assert names == sorted([ERASED, *KEPT]) and integrity == "ok"
        assert read_header(params_of(copy)) == store.params
    # ...and an erasure afterwards still reaches them (they share the store's key).
    erase(store, with_copies)
    assert store.erase_from_kept_copies().rewritten == 3
    for copy in store.kept_copies():
        assert copy_rows(copy, NEW_PASSPHRASE)[0] == sorted(KEPT)


def test_a_copy_under_an_even_older_passphrase_is_deleted_at_a_passphrase_change(
    store, with_copies
):
    first = store.kept_copies()[0]
    key = derive_key(PASSPHRASE, read_header(params_of(first)))
    older = KdfParams.fresh(**CHEAP_KDF)
    older_key = derive_key("an older passphrase altogether", older)
    conn = _connect_raw(first, key)
    conn.execute(f"PRAGMA rekey = \"x'{older_key.hex()}'\"")
    conn.close()
    write_header(params_of(first), older.with_key_check(older_key))
    result = store.change_passphrase(PASSPHRASE, NEW_PASSPHRASE)
    assert result == KeptCopiesResult(rewritten=2, deleted=1)
    assert not first.exists()
    for copy in store.kept_copies():
        copy_rows(copy, NEW_PASSPHRASE)


def test_a_copy_left_with_stale_key_parameters_by_a_kill_still_opens(store, with_copies):
    """Killed between renaming a re-keyed copy into place and writing its new parameters:
    the copy opens with the store's key, and its parameters are set right."""
    first = store.kept_copies()[0]
    stale = params_of(first).read_bytes()
    store.change_passphrase(PASSPHRASE, NEW_PASSPHRASE)
    params_of(first).write_bytes(stale)  # as if the kill came before write_header
    erase(store, with_copies)
    assert store.erase_from_kept_copies().rewritten == 3
    assert copy_rows(first, NEW_PASSPHRASE)[0] == sorted(KEPT)


def test_the_note_holds_no_personal_data(store, with_copies):
    erase(store, with_copies)
    with store.read_session() as s:
        [(key, value)] = s.execute(
            select(text("key"), text("value"))
            .select_from(text("settings"))
            .where(text("key LIKE :p"))
            .params(p=PENDING_ERASURE_PREFIX + "%")
        ).all()
    assert key == f"{PENDING_ERASURE_PREFIX}{with_copies}"
    assert ERASED not in value and all(isinstance(v, str) for v in json.loads(value))


def test_a_copy_s_half_written_key_parameters_are_cleared_on_open(store, with_copies, folder):
    """Re-keying writes `<copy>.params.json.tmp` and renames it: one still there was never
    used. Anything else in backups/ is left alone."""
    copy = store.kept_copies()[0]
    leftover = params_of(copy).with_name(params_of(copy).name + ".tmp")
    leftover.write_text("{}")
    stranger = store.backups_dir / "my-notes.params.json.tmp"
    stranger.write_text("{}")
    store.close()
    reopened = Store.open(folder, PASSPHRASE)
    try:
        assert not leftover.exists()
        assert stranger.exists()
        assert len(reopened.kept_copies()) == 3
    finally:
        reopened.close()
