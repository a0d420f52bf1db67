"""Issue 21: the sync engine (desktop.store.sync_engine) - versions, packing, applying, the
review queue. Stores exchange change sets as dicts (the shared folder is sync_folder's)."""

import datetime as dt
import json

import pytest
from sqlalchemy import text

from desktop.store import repository, sync_capture, sync_engine
from desktop.store.database import PENDING_ERASURE_PREFIX, Store
from desktop.store.models import (
    AuditEntry,
    BankAccountRow,
    BankTransactionRow,
    CaseNote,
    Client,
    PermissionRow,
)
from desktop.store.repository import ClientDetails
from desktop.store.sync_engine import (
    ANC_LIMIT,
    ChangesRefused,
    Version,
    apply_clock,
    clock_of,
    device_of,
    make_version,
    maximal,
    merge_ancestors,
    pack_clock,
    settle,
)
from tests.store.conftest import CHEAP_KDF, PASSPHRASE

ADVISER = "Adviser A"


# ---- pure parts --------------------------------------------------------------------------------


def test_a_version_sorts_by_clock_then_device():
    early, late = make_version(5, "bbbb"), make_version(6, "aaaa")
    assert early < late
    assert make_version(6, "aaaa") < make_version(6, "bbbb")
    assert clock_of(late) == 6 and device_of(late) == "aaaa"
    # Real clocks (ms << 16) keep the fixed width, so text order is clock order.
    big = make_version(1_900_000_000_000 << 16, "x")
    assert len(big.split("-")[0]) == 16 and make_version(1 << 16, "z") < big


def test_packing_moves_the_clock_past_itself_and_up_to_the_wall_clock():
    assert pack_clock(0, 1000) == 1000 << 16
    # Several changes in one millisecond: the counter part moves on.
    assert pack_clock(1000 << 16, 1000) == (1000 << 16) + 1
    # A clock ahead of the wall clock (it saw a laptop whose clock is fast) still moves on.
    assert pack_clock(5000 << 16, 1000) == (5000 << 16) + 1


def test_applying_moves_the_clock_past_everything_seen():
    assert apply_clock(10, [make_version(50, "a"), make_version(7, "b")]) == 51
    assert apply_clock(100, [make_version(50, "a")]) == 101


def test_ancestors_are_merged_sorted_once_and_capped():
    merged = merge_ancestors(["b", "a"], ["c", "a"])
    assert merged == ["a", "b", "c"]
    many = [make_version(n, "d") for n in range(ANC_LIMIT + 10)]
    kept = merge_ancestors(many)
    assert len(kept) == ANC_LIMIT and kept[-1] == many[-1] and kept[0] == many[10]


def test_the_maximal_set_drops_every_ancestor_of_another_candidate():
    a = Version("01-a", "x")
    b = Version("02-b", "y", ("01-a",))
    c = Version("03-c", "z")
    assert [v.ver for v in maximal([a, b, c])] == ["02-b", "03-c"]
    assert [v.ver for v in maximal([a, a])] == ["01-a"]


def test_settle_known_newer_and_concurrent():
    held = Version("05-a", "held", ("01-a", "03-b"))
    # Already held, or an ancestor of what is held: nothing to do.
    assert settle([held], Version("05-a", "held")) is None
    assert settle([held], Version("03-b", "old")) is None
    # Made after seeing what is held: it replaces it.
    newer = Version("07-b", "new", ("01-a", "03-b", "05-a"))
    assert settle([held], newer) == [newer]
    # Made without seeing it: both stay, for a person to choose.
    rival = Version("06-c", "rival", ("01-a",))
    assert [v.ver for v in settle([held], rival)] == ["05-a", "06-c"]
    # A third version that saw both candidates settles the item.
    both = Version("09-a", "chosen", ("01-a", "03-b", "05-a", "06-c"))
    assert settle([held, rival], both) == [both]


# ---- stores ------------------------------------------------------------------------------------


@pytest.fixture
def stores(tmp_path):
    made = []

    def make(name):
        store = Store.create(tmp_path / name, PASSPHRASE, CHEAP_KDF)
        with store.session() as s:
            sync_capture.enable(s)
            sync_engine.device_id(s)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def pack(store):
    with store.session() as s:
        return sync_engine.pack(s)


def apply(store, changes):
    with store.session() as s:
        return sync_engine.apply(s, changes)


def exchange(*stores):
    """Every store packs; every other store applies (twice round, so all is settled)."""
    for _ in range(2):
        packed = [(store, pack(store)) for store in stores]
        for store, changes in packed:
            if changes is None:
                continue
            for other in stores:
                if other is not store:
                    assert not apply(other, changes).waiting


def snapshot(store):
    with store.read_session() as s:
        return sync_engine.replicated_snapshot(s), sync_engine.review_snapshot(s)


def new_client(store, name="Ama Mensah", **details):
    with store.session() as s:
        return repository.create_client(s, ClientDetails(full_name=name, **details), ADVISER)


def uid_of(store, table, row_id):
    with store.read_session() as s:
        return s.execute(text(f"SELECT uid FROM {table} WHERE id = :i"), {"i": row_id}).scalar()


def id_of(store, table, uid):
    with store.read_session() as s:
        return s.execute(text(f"SELECT id FROM {table} WHERE uid = :u"), {"u": uid}).scalar()


def edit(store, client_uid, **changes):
    with store.session() as s:
        cid = id_of(store, "clients", client_uid)
        details = ClientDetails.from_client(repository.get_client(s, cid))
        values = details.columns() | changes
        repository.update_client(s, cid, ClientDetails(**values), ADVISER)


def field(store, table, uid, column):
    with store.read_session() as s:
        return s.execute(text(f"SELECT {column} FROM {table} WHERE uid = :u"), {"u": uid}).scalar()


def test_device_id_is_the_installation_fingerprint(stores):
    from desktop.store.referral_file import own_identity

    a = stores("a")
    with a.session() as s:
        device = sync_engine.device_id(s)
        assert device == own_identity(s).fingerprint.replace("-", "").lower()
        assert len(device) == 16
        assert sync_engine.device_id(s) == device
        sync_engine.set_device_name(s, "  Front   desk ")
        assert sync_engine.device_name(s) == "Front desk"
        with pytest.raises(ValueError):
            sync_engine.set_device_name(s, "   ")


def test_pack_is_none_with_nothing_captured_and_numbers_files(stores):
    a = stores("a")
    assert pack(a) is None
    new_client(a)
    first = pack(a)
    assert first["format"] == sync_engine.FORMAT and first["seq"] == 1
    assert [c["op"] for c in first["changes"]] == ["insert"]
    assert pack(a) is None  # the outbox was emptied
    new_client(a, "Second Person")
    assert pack(a)["seq"] == 2


def test_a_new_client_arrives_whole(stores):
    a, b = stores("a"), stores("b")
    cid = new_client(a, date_of_birth=dt.date(1990, 5, 1), interpreter_needed=True)
    with a.session() as s:
        s.add(PermissionRow(client_id=cid, category="student", start=dt.date(2020, 1, 1)))
    result = apply(b, pack(a))
    assert (result.added, result.conflicts, result.waiting) == (2, 0, False)
    assert snapshot(a) == snapshot(b)
    with b.read_session() as s:
        client = s.get(Client, id_of(b, "clients", uid_of(a, "clients", cid)))
        assert client.date_of_birth == dt.date(1990, 5, 1) and client.interpreter_needed is True
        assert client.permissions[0].start == dt.date(2020, 1, 1)


def test_same_field_edited_on_two_stores_goes_to_review_on_both(stores):
    a, b = stores("a"), stores("b")
    uid = uid_of(a, "clients", new_client(a))
    exchange(a, b)
    edit(a, uid, phone="0700 111")
    edit(b, uid, phone="0700 222")
    from_a, from_b = pack(a), pack(b)
    assert apply(b, from_a).conflicts == 1
    assert apply(a, from_b).conflicts == 1
    # The same value everywhere while the item waits: the greater version's.
    ver_a, ver_b = (c["f"]["phone"]["ver"] for c in (from_a["changes"][0], from_b["changes"][0]))
    expected = "0700 111" if ver_a > ver_b else "0700 222"
    assert field(a, "clients", uid, "phone") == field(b, "clients", uid, "phone") == expected
    names = {from_a["device"]: "Front desk", from_b["device"]: "Back room"}
    for store in (a, b):
        with store.read_session() as s:
            items = sync_engine.review_items(s, names)
        assert len(items) == 1
        who = {c.value: c.who for c in items[0].candidates}
        assert who == {"0700 111": "Front desk", "0700 222": "Back room"}
        item = items[0]
        assert (item.tbl, item.col, item.label, item.section) == (
            "clients",
            "phone",
            "Phone",
            "Client details",
        )
        assert item.client_id == id_of(store, "clients", uid)
        assert sorted(c.value for c in item.candidates) == ["0700 111", "0700 222"]
        assert [c.stored for c in item.candidates].count(True) == 1
    assert snapshot(a) == snapshot(b)
    # updated_at changed on both too: bookkeeping, settled without a review.
    assert [i[2] for i in snapshot(a)[1]] == ["phone"]


def test_different_fields_merge_without_review(stores):
    a, b = stores("a"), stores("b")
    uid = uid_of(a, "clients", new_client(a))
    exchange(a, b)
    edit(a, uid, phone="0700 111")
    edit(b, uid, email="ama@example.org")
    exchange(a, b)
    for store in (a, b):
        assert field(store, "clients", uid, "phone") == "0700 111"
        assert field(store, "clients", uid, "email") == "ama@example.org"
    assert snapshot(a) == snapshot(b)
    assert snapshot(a)[1] == []


def test_a_later_edit_replaces_without_review(stores):
    a, b = stores("a"), stores("b")
    uid = uid_of(a, "clients", new_client(a))
    exchange(a, b)
    edit(b, uid, phone="0700 222")
    exchange(a, b)
    edit(a, uid, phone="0700 333")  # A saw B's value first
    exchange(a, b)
    assert field(b, "clients", uid, "phone") == "0700 333"
    assert snapshot(a) == snapshot(b) and snapshot(a)[1] == []


def _conflict(a, b, c, uid):
    edit(a, uid, phone="0700 111")
    edit(b, uid, phone="0700 222")
    exchange(a, b, c)


def test_resolve_travels_and_closes_the_item_on_the_others(stores):
    a, b, c = stores("a"), stores("b"), stores("c")
    uid = uid_of(a, "clients", new_client(a))
    exchange(a, b, c)
    _conflict(a, b, c, uid)
    for store in (a, b, c):
        with store.read_session() as s:
            assert len(sync_engine.review_items(s)) == 1
    # C chooses A's value, whichever version is greater.
    with c.session() as s:
        item = sync_engine.review_items(s)[0]
        sync_engine.resolve(s, item.id, "0700 111", adviser=ADVISER)
        assert sync_engine.review_items(s) == []
        entry = s.query(AuditEntry).filter_by(action="sharing.review").one()
        assert "0700" not in entry.summary  # the trail names the field, never the value
    exchange(a, b, c)
    for store in (a, b, c):
        with store.read_session() as s:
            assert sync_engine.review_items(s) == []
        assert field(store, "clients", uid, "phone") == "0700 111"
    assert snapshot(a) == snapshot(b) == snapshot(c)


def test_resolve_refuses_a_value_that_was_not_offered(stores):
    a, b, c = stores("a"), stores("b"), stores("c")
    uid = uid_of(a, "clients", new_client(a))
    exchange(a, b, c)
    _conflict(a, b, c, uid)
    with a.session() as s:
        item = sync_engine.review_items(s)[0]
        with pytest.raises(ValueError):
            sync_engine.resolve(s, item.id, "something else")
    with pytest.raises(ValueError):
        with a.session() as s:
            sync_engine.resolve(s, 999_999, "0700 111")


def test_an_edit_typed_before_a_file_is_applied_meets_it_as_a_conflict(stores):
    # B's edit is still in its outbox (not packed) when A's arrives: it must not be
    # overwritten and then win silently when B packs.
    a, b = stores("a"), stores("b")
    uid = uid_of(a, "clients", new_client(a))
    exchange(a, b)
    edit(a, uid, phone="0700 111")
    edit(b, uid, phone="0700 222")
    assert apply(b, pack(a)).conflicts == 1
    assert apply(a, pack(b)).conflicts == 1
    assert snapshot(a) == snapshot(b)
    assert len(snapshot(a)[1]) == 1


def test_applying_a_file_twice_changes_nothing(stores):
    a, b = stores("a"), stores("b")
    cid = new_client(a)
    with a.session() as s:
        s.add(CaseNote(client_id=cid, adviser=ADVISER, written_on=dt.datetime.now(), text="x"))
    changes = pack(a)
    first = apply(b, changes)
    assert first.added == 2 and not first.skipped
    before = snapshot(b)
    with b.read_session() as s:
        fields_before = s.execute(text("SELECT * FROM sync_fields ORDER BY 1, 2, 3")).all()
    again = apply(b, json.loads(json.dumps(changes)))
    assert again.skipped and (again.added, again.changed, again.deleted) == (0, 0, 0)
    assert snapshot(b) == before
    with b.read_session() as s:
        assert s.execute(text("SELECT * FROM sync_fields ORDER BY 1, 2, 3")).all() == fields_before
        assert s.execute(text("SELECT count(*) FROM sync_applied")).scalar() == 1
    # Nothing applied here was captured to be sent back.
    assert pack(b) is None


def test_the_same_changes_under_another_file_number_change_nothing(stores):
    # Field versions, not only file numbers, make applying idempotent.
    a, b = stores("a"), stores("b")
    uid = uid_of(a, "clients", new_client(a))
    exchange(a, b)
    edit(a, uid, phone="0700 111")
    changes = pack(a)
    apply(b, changes)
    before = snapshot(b)
    again = apply(b, changes | {"seq": changes["seq"] + 100})
    assert (again.added, again.changed, again.conflicts) == (0, 0, 0)
    assert snapshot(b) == before


def test_delete_wins_over_a_concurrent_edit(stores):
    a, b = stores("a"), stores("b")
    cid = new_client(a)
    with a.session() as s:
        row = PermissionRow(client_id=cid, category="student", start=dt.date(2020, 1, 1))
        s.add(row)
        s.flush()
        pid = row.id
    puid = uid_of(a, "permissions", pid)
    exchange(a, b)
    with a.session() as s:
        s.delete(s.get(PermissionRow, pid))
    with b.session() as s:
        s.get(PermissionRow, id_of(b, "permissions", puid)).category = "work"
    exchange(a, b)
    for store in (a, b):
        assert id_of(store, "permissions", puid) is None
    assert snapshot(a) == snapshot(b)


def _client_with_rows(store):
    cid = new_client(store)
    with store.session() as s:
        s.add(PermissionRow(client_id=cid, category="student", start=dt.date(2020, 1, 1)))
        s.add(CaseNote(client_id=cid, adviser=ADVISER, written_on=dt.datetime.now(), text="n"))
        account = BankAccountRow(client_id=cid, holder="Ama", bank="Bank")
        s.add(account)
        s.flush()
        s.add(
            BankTransactionRow(
                account_id=account.id,
                on=dt.date(2026, 1, 2),
                description="SHOP",
                amount_pence=-100,
                fingerprint="f1",
            )
        )
    return cid


def test_erasure_on_one_store_removes_the_client_and_all_rows_everywhere(stores):
    a, b, c = stores("a"), stores("b"), stores("c")
    cid = _client_with_rows(a)
    uid = uid_of(a, "clients", cid)
    exchange(a, b, c)
    # B adds a note to the client, not yet shared when A erases the client.
    with b.session() as s:
        s.add(
            CaseNote(
                client_id=id_of(b, "clients", uid),
                adviser=ADVISER,
                written_on=dt.datetime.now(),
                text="written on B",
            )
        )
    b_cid = id_of(b, "clients", uid)
    with a.session() as s:
        repository.delete_client(s, cid, ADVISER)
    exchange(a, b, c)
    for store in (a, b, c):
        with store.read_session() as s:
            for table in sync_capture.REPLICATED:
                assert s.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
            # Nothing of the client is kept in the engine's own tables but tombstones.
            assert s.execute(text("SELECT count(*) FROM sync_fields")).scalar() == 0
            assert s.execute(text("SELECT count(*) FROM sync_outbox")).scalar() == 0
            assert s.execute(
                text("SELECT deleted FROM sync_rows WHERE tbl = 'clients' AND uid = :u"),
                {"u": uid},
            ).scalar()
    assert snapshot(a) == snapshot(b) == snapshot(c)
    # B was told to take the client out of its kept copies, and its audit trail says why.
    with b.read_session() as s:
        assert repository.get_setting(s, f"{PENDING_ERASURE_PREFIX}{b_cid}") is not None
        entry = s.query(AuditEntry).filter_by(action="client.delete", client_id=b_cid).one()
        assert entry.adviser == sync_engine.OTHER_LAPTOP


def test_an_erased_client_made_and_erased_before_packing_leaves_no_values(stores):
    a, b = stores("a"), stores("b")
    cid = new_client(a, "Unique Name Zebra", phone="0799 999")
    with a.session() as s:
        repository.delete_client(s, cid, ADVISER)
    changes = pack(a)
    raw = json.dumps(changes)
    assert "Zebra" not in raw and "0799" not in raw
    assert {c["op"] for c in changes["changes"]} == {"delete"}
    apply(b, changes)
    assert snapshot(b)[0]["clients"] == {}


def test_a_unique_clash_settles_the_same_way_everywhere(stores):
    a, b, c = stores("a"), stores("b"), stores("c")
    cid = new_client(a)
    with a.session() as s:
        account = BankAccountRow(client_id=cid, holder="Ama", bank="Bank")
        s.add(account)
        s.flush()
        account_uid = account.uid
    exchange(a, b, c)

    def add_line(store, text_):
        with store.session() as s:
            s.add(
                BankTransactionRow(
                    account_id=id_of(store, "bank_accounts", account_uid),
                    on=dt.date(2026, 1, 2),
                    description=text_,
                    amount_pence=-100,
                    fingerprint="same-line",
                )
            )

    add_line(a, "SHOP (A)")
    add_line(b, "SHOP (B)")
    from_a, from_b = pack(a), pack(b)
    # C sees them in one order, A and B (each having its own) in the other.
    apply(c, from_b)
    apply(c, from_a)
    apply(a, from_b)
    apply(b, from_a)
    winner = max((from_a, from_b), key=lambda ch: ch["changes"][0]["ver"])["changes"][0]["u"]
    for store in (a, b, c):
        lines = snapshot(store)[0]["bank_transactions"]
        assert list(lines) == [winner]
    assert snapshot(a) == snapshot(b) == snapshot(c)


def test_a_child_before_its_parent_waits_then_applies(stores):
    a, b, c = stores("a"), stores("b"), stores("c")
    cid = new_client(a)
    uid = uid_of(a, "clients", cid)
    first = pack(a)
    apply(b, first)
    with b.session() as s:
        s.add(
            PermissionRow(
                client_id=id_of(b, "clients", uid), category="work", start=dt.date(2021, 1, 1)
            )
        )
    second = pack(b)
    early = apply(c, second)
    assert early.waiting and early.added == 0
    with c.read_session() as s:
        assert s.execute(text("SELECT count(*) FROM permissions")).scalar() == 0
        assert not sync_engine.applied_already(s, second["device"], second["seq"])
    assert apply(c, first).added == 1
    assert apply(c, second).added == 1
    assert snapshot(c) == snapshot(b)
    apply(a, second)
    assert snapshot(a) == snapshot(b) == snapshot(c)


def test_an_edit_of_a_row_not_yet_seen_waits(stores):
    a, b, c = stores("a"), stores("b"), stores("c")
    uid = uid_of(a, "clients", new_client(a))
    first = pack(a)
    apply(b, first)
    edit(b, uid, phone="0700 222")
    second = pack(b)
    assert apply(c, second).waiting
    apply(c, first)
    assert not apply(c, second).waiting
    assert field(c, "clients", uid, "phone") == "0700 222"


def test_rows_made_before_sharing_was_on_travel_whole_when_edited(stores, tmp_path):
    a = Store.create(tmp_path / "old", PASSPHRASE, CHEAP_KDF)
    try:
        cid = new_client(a, phone="0700 000")  # capture is off
        b = stores("b")
        with a.session() as s:
            sync_capture.enable(s)
        uid = uid_of(a, "clients", cid)
        edit(a, uid, phone="0700 111")
        changes = pack(a)
        assert [c["op"] for c in changes["changes"]] == ["insert"]
        apply(b, changes)
        assert field(b, "clients", uid, "full_name") == "Ama Mensah"
        assert field(b, "clients", uid, "phone") == "0700 111"
    finally:
        a.close()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"format": "other"}, "format"),
        ({"device": "NOT A DEVICE"}, "device"),
        ({"seq": 0}, "seq"),
        ({"changes": [{"t": "settings", "u": "0" * 32, "op": "insert", "ver": "x"}]}, "table"),
        ({"changes": [{"t": "clients", "u": "0" * 32, "op": "merge", "ver": "x"}]}, "operation"),
        (
            {
                "changes": [
                    {
                        "t": "clients",
                        "u": "0" * 32,
                        "op": "update",
                        "ver": make_version(1, "aa"),
                        "f": {"secret_column": {"v": 1, "ver": make_version(1, "aa"), "anc": []}},
                    }
                ]
            },
            "column",
        ),
    ],
)
def test_a_malformed_change_set_is_refused_and_nothing_written(stores, change, words):
    a, b = stores("a"), stores("b")
    new_client(a)
    good = pack(a)
    with pytest.raises(ChangesRefused, match=words):
        apply(b, good | change)
    assert snapshot(b)[0]["clients"] == {}


def test_own_files_are_skipped(stores):
    a = stores("a")
    new_client(a)
    changes = pack(a)
    assert apply(a, changes).skipped
