"""Unsaved work kept as encrypted drafts (desktop.store.drafts): one row per client and editor,
capped, unreadable rows ignored, erased with the client."""

from pathlib import Path

import pytest

from desktop.store import drafts
from desktop.store.models import Setting
from desktop.store.repository import (
    ClientDetails,
    create_client,
    delete_client,
    get_setting,
    set_setting,
)


@pytest.fixture
def two_clients(store):
    with store.session() as s:
        return [
            create_client(s, ClientDetails(full_name=name), "Setup")
            for name in ("Ottoline Draftwell", "Peregrine Notkept")
        ]


def test_a_draft_comes_back_as_it_was_kept(store, two_clients):
    first, second = two_clients
    with store.session() as s:
        drafts.put(s, first, "note", {"text": "Asked about the 180-day rule"})
        drafts.put(s, first, "history_record", {"fields": {"left": "03/03/2024"}, "index": None})
    with store.read_session() as s:
        assert drafts.get(s, first, "note") == {"text": "Asked about the 180-day rule"}
        assert drafts.get(s, first, "history_record")["fields"] == {"left": "03/03/2024"}
        assert drafts.get(s, second, "note") is None
        assert drafts.kinds(s, first) == ["history_record", "note"]
        assert drafts.kinds(s, second) == []
        assert drafts.clients_with_drafts(s) == [first]


def test_a_second_draft_of_the_same_kind_replaces_the_first(store, two_clients):
    first = two_clients[0]
    with store.session() as s:
        drafts.put(s, first, "note", {"text": "one"})
    with store.session() as s:
        drafts.put(s, first, "note", {"text": "two"})
    with store.read_session() as s:
        assert drafts.get(s, first, "note") == {"text": "two"}


def test_drop_forgets_one_kind_only(store, two_clients):
    first = two_clients[0]
    with store.session() as s:
        drafts.put(s, first, "note", {"text": "one"})
        drafts.put(s, first, "details", {"full_name": "x"})
    with store.session() as s:
        assert drafts.drop(s, first, "note") is True
        assert drafts.drop(s, first, "note") is False
    with store.read_session() as s:
        assert drafts.kinds(s, first) == ["details"]


def test_a_draft_over_the_cap_is_refused_and_nothing_is_written(store, two_clients):
    first = two_clients[0]
    with store.session() as s:
        drafts.put(s, first, "note", {"text": "kept"})
    with pytest.raises(drafts.DraftTooLarge), store.session() as s:
        drafts.put(s, first, "note", {"text": "x" * (drafts.MAX_DRAFT_BYTES + 1)})
    with store.read_session() as s:
        assert drafts.get(s, first, "note") == {"text": "kept"}


@pytest.mark.parametrize(
    "stored",
    ["{not json", "[1, 2]", '"a string"', "", "x" * (drafts.MAX_DRAFT_BYTES + 10), "[" * 100_000],
)
def test_a_row_that_cannot_be_read_is_no_draft_and_no_error(store, two_clients, stored):
    first = two_clients[0]
    with store.session() as s:
        set_setting(s, drafts.key(first, "note"), stored)
    with store.read_session() as s:
        assert drafts.get(s, first, "note") is None
        assert drafts.kinds(s, first) == ["note"]  # still there, so it can be discarded
    with store.session() as s:
        assert drafts.drop(s, first, "note") is True


def test_kinds_and_client_numbers_are_checked():
    with pytest.raises(ValueError):
        drafts.key(0, "note")
    with pytest.raises(ValueError):
        drafts.key(3, "Note; DROP")
    assert drafts.key(12, "history_record") == "draft.12.history_record"


def test_client_numbers_do_not_run_into_each_other(store):
    with store.session() as s:
        ids = [create_client(s, ClientDetails(full_name=f"Client {n}"), "Setup") for n in range(12)]
    one, twelve = ids[0], ids[11]
    assert (one, twelve) == (1, 12)
    with store.session() as s:
        drafts.put(s, twelve, "note", {"text": "for twelve"})
    with store.read_session() as s:
        assert drafts.kinds(s, one) == []
    with store.session() as s:
        assert drafts.drop_client(s, one) == 0
    with store.read_session() as s:
        assert drafts.get(s, twelve, "note") == {"text": "for twelve"}


def test_the_details_draft_kept_under_the_old_key_is_still_read_and_dropped(store, two_clients):
    first = two_clients[0]
    with store.session() as s:
        set_setting(s, f"{drafts.LEGACY_DETAILS_PREFIX}{first}", '{"full_name": "Old Key"}')
    with store.read_session() as s:
        assert drafts.get(s, first, "details") == {"full_name": "Old Key"}
        assert drafts.kinds(s, first) == ["details"]
        assert drafts.clients_with_drafts(s) == [first]
    with store.session() as s:
        drafts.put(s, first, "details", {"full_name": "New Key"})  # replaces the old row
    with store.read_session() as s:
        assert get_setting(s, f"{drafts.LEGACY_DETAILS_PREFIX}{first}") is None
        assert drafts.get(s, first, "details") == {"full_name": "New Key"}


def test_erasing_a_client_erases_every_draft_of_theirs_only(store, two_clients):
    first, second = two_clients
    with store.session() as s:
        drafts.put(s, first, "note", {"text": "erase me"})
        drafts.put(s, first, "statement_grid", {"lines": [["1/1", "x", "", "", ""]]})
        set_setting(s, f"{drafts.LEGACY_DETAILS_PREFIX}{first}", "{}")
        drafts.put(s, second, "note", {"text": "keep me"})
    with store.session() as s:
        delete_client(s, first, "Adviser")
    with store.read_session() as s:
        keys = [row.key for row in s.query(Setting).all()]
        assert not [k for k in keys if k.startswith(f"draft.{first}.")]
        assert f"{drafts.LEGACY_DETAILS_PREFIX}{first}" not in keys
        assert drafts.get(s, second, "note") == {"text": "keep me"}


def test_a_kept_draft_is_in_the_encrypted_file_only(store, two_clients, folder):
    with store.session() as s:
        drafts.put(s, two_clients[0], "note", {"text": "Zqxjvian typed note"})
    store.lock()
    for path in Path(folder).rglob("*"):
        if path.is_file():
            assert b"Zqxjvian" not in path.read_bytes(), path.name
