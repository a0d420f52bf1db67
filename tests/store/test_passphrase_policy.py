"""Issue 10 point 7: one passphrase policy (window and `init`), NFC normalisation, and the
re-key of stores whose key was derived from a passphrase as typed (not NFC)."""

import os
import subprocess
import sys
import unicodedata

import pytest

from desktop.store import repository
from desktop.store.crypto import KdfParams, derive_key, read_header, write_header
from desktop.store.database import DB_NAME, HEADER_NAME, Store, _make_engine, upgrade_schema
from desktop.store.errors import StoreError, WrongPassphrase
from desktop.store.models import APPLICATION_ID
from desktop.store.passphrase import MIN_LENGTH, POLICY_HINT, normalise, policy_problem
from desktop.store.repository import ClientDetails
from tests.store.conftest import CHEAP_KDF

COMPOSED = "caf\u00e9 au lait tous les jours"  # é as one code point
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)  # e + U+0301 combining acute


def test_the_two_forms_differ_and_normalise_to_one():
    assert COMPOSED != DECOMPOSED
    assert normalise(DECOMPOSED) == normalise(COMPOSED) == COMPOSED


def test_policy_is_eight_characters_and_hint_and_error_say_the_same_number():
    assert MIN_LENGTH == 8
    assert policy_problem("x" * 7) == "The passphrase must be at least 8 characters long."
    assert policy_problem("x" * 8) is None
    assert "at least 8 characters" in POLICY_HINT
    # Length is counted in NFC: seven letters typed with a combining accent are still seven.
    assert policy_problem(unicodedata.normalize("NFD", "abcdef\u00e9")) is not None


def test_create_and_change_refuse_a_short_passphrase(folder):
    with pytest.raises(StoreError, match="at least 8 characters"):
        Store.create(folder, "short", CHEAP_KDF)
    assert not Store.exists(folder)
    store = Store.create(folder, COMPOSED, CHEAP_KDF)
    try:
        with pytest.raises(StoreError, match="at least 8 characters"):
            store.change_passphrase(COMPOSED, "tiny")
    finally:
        store.close()


def test_cli_init_applies_the_same_policy(tmp_path):
    folder = tmp_path / "data"
    env = dict(os.environ, PYTHONPATH=os.getcwd(), DROPIN_DESK_PASSPHRASE="seven77")
    run = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--data-dir", str(folder), "init"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 2
    assert run.stderr == "dropin-desk: The passphrase must be at least 8 characters long.\n"
    assert not Store.exists(folder)


def test_nfc_and_nfd_forms_open_the_same_new_store(folder):
    store = Store.create(folder, DECOMPOSED, CHEAP_KDF)
    store.close()
    Store.open(folder, COMPOSED).close()
    Store.open(folder, DECOMPOSED).close()


def _legacy_store(folder, passphrase):
    """A store as versions before normalisation made it: key from the passphrase as typed,
    and a header without a key check."""
    folder.mkdir(parents=True)
    params = KdfParams.fresh(**CHEAP_KDF)
    write_header(folder / HEADER_NAME, params)
    key = derive_key(passphrase, params, nfc=False)
    engine = _make_engine(folder / DB_NAME, key)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    upgrade_schema(engine)
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        repository.create_client(session, ClientDetails(full_name="Ottoline Brack"), "Tester")
    engine.dispose()
    return params


def test_store_keyed_with_a_decomposed_passphrase_is_rekeyed_to_nfc_on_open(folder):
    old = _legacy_store(folder, DECOMPOSED)
    # The NFC key does not open the old file: only the fallback to the typed form can.
    assert derive_key(DECOMPOSED, old) != derive_key(DECOMPOSED, old, nfc=False)
    store = Store.open(folder, DECOMPOSED)
    try:
        with store.read_session() as s:
            assert [c.full_name for c in repository.list_summaries(s)] == ["Ottoline Brack"]
    finally:
        store.close()
    new = read_header(folder / HEADER_NAME)
    assert new.salt_hex != old.salt_hex  # re-keyed through the passphrase-change path
    assert new.key_check_hex
    # From now on the NFC form opens it, whichever way the é is typed.
    for typed in (COMPOSED, DECOMPOSED):
        reopened = Store.open(folder, typed)
        with reopened.read_session() as s:
            assert len(repository.list_summaries(s)) == 1
        reopened.close()


def test_unlock_after_lock_also_migrates_a_typed_form_store(folder):
    _legacy_store(folder, DECOMPOSED)
    # Open with the raw key by hand (as an old version running until now would have it).
    store = Store.open(folder, DECOMPOSED)  # migrates here already
    store.lock()
    with pytest.raises(WrongPassphrase):
        store.unlock("not the passphrase at all")
    store.unlock(COMPOSED)
    with store.read_session() as s:
        assert len(repository.list_summaries(s)) == 1
    store.close()


def test_a_store_made_with_composed_passphrase_is_not_opened_by_other_text(folder):
    Store.create(folder, COMPOSED, CHEAP_KDF).close()
    with pytest.raises(WrongPassphrase):
        Store.open(folder, COMPOSED.replace("\u00e9", "e"))
