"""Issue 21: change capture by SQLite triggers into an outbox inside the encrypted store.

Off until a centre switches it on; then every write path (ORM, the statements' bulk insert,
raw SQL, foreign-key cascades) leaves one outbox row per row changed, with foreign keys as
the parent's uid and values as SQLite holds them; nothing written inside `applying` is
captured; the triggers are made for a new store, by the upgrade of an older one, and put
right on every open."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from sqlalchemy import text

from desktop.importers.bank_csv import ParsedRow, ParsedStatement
from desktop.rules.checklists import Checklist, Item
from desktop.rules.history import (
    Absence,
    Application,
    Custody,
    History,
    Permission,
    StatusCheck,
)
from desktop.rules.statement_types import Explanation
from desktop.store import casework as cw
from desktop.store import checklists as cl
from desktop.store import repository, sync_capture
from desktop.store import statements as st
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
from desktop.store.models import APPLICATION_ID, Base
from desktop.store.repository import ClientDetails, HouseholdEntry
from tests.store.conftest import CHEAP_KDF, PASSPHRASE

D = dt.date
ADVISER = "Adviser A"
UID = re.compile(r"^[0-9a-f]{32}$")
#: Tables that stay on one laptop.
LOCAL_TABLES = {
    "advisers",
    "audit_log",
    "settings",
    "deadline_cache",
    "referral_contacts",
    "sync_state",
    "sync_outbox",
    "sync_device",
    "sync_fields",
    "sync_rows",
    "sync_applied",
    "sync_review",
}

CHECKLIST = Checklist(
    id="capture_test",
    version=1,
    title="What to bring",
    intro="",
    routes=(),
    circumstances={},
    items=(Item("passport", "Your passport", "ref 1"), Item("payslips", "Payslips", "ref 2")),
    translations={},
    source_file="resources/checklists/capture_test.toml",
)


def _lines(count, start=1):
    rows = tuple(
        ParsedRow(
            line=n + 2,
            on=D(2026, 6, start) + dt.timedelta(days=n),
            description=f"SHOP {n}",
            amount=Decimal("-2.50"),
            balance=Decimal("100.00"),
        )
        for n in range(count)
    )
    return ParsedStatement(source="t.csv", rows=rows, period=None, format_key=None)


def _enable(store):
    with store.session() as s:
        sync_capture.enable(s)


def _outbox(store, after=0):
    with store.read_session() as s:
        return sync_capture.pending(s, after)


def _last_seq(store):
    rows = _outbox(store)
    return rows[-1].seq if rows else 0


def _uid(store, table, row_id, key="id"):
    with store.read_session() as s:
        return (
            s.connection()
            .exec_driver_sql(f"SELECT uid FROM {table} WHERE {key} = ?", (row_id,))
            .scalar_one()
        )


def _full_client(store):
    """A client with a row in every replicated table. Returns (client id, ids by table)."""
    ids = {}
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name="Full Person"), ADVISER)
        other = repository.create_client(s, ClientDetails(full_name="Other Person"), ADVISER)
        repository.set_household(
            s, cid, [HouseholdEntry("Other Person", "sister", None, other)], ADVISER
        )
        repository.save_history(
            s,
            cid,
            History(
                permissions=(Permission("student", D(2020, 1, 1), D(2022, 1, 1)),),
                applications=(Application("extension", D(2021, 12, 1), late_reason_accepted=True),),
                absences=(Absence(D(2020, 7, 1), D(2020, 7, 20), "holiday", planned=True),),
                custody=(Custody(D(2021, 3, 1), D(2021, 3, 10)),),
                status_checks=(StatusCheck(D(2026, 11, 1)),),
            ),
            ADVISER,
        )
        repository.add_note(s, cid, ADVISER, "first meeting")
        aid = st.add_account(s, cid, st.AccountDetails("Full Person", "Monzo"), ADVISER)
        result = st.add_statement(s, aid, _lines(3), "csv", ADVISER)
        txn = s.connection().exec_driver_sql(
            "SELECT min(id) FROM bank_transactions WHERE account_id = ?", (aid,)
        )
        txn_id = txn.scalar_one()
        st.save_explanation(
            s, cid, [txn_id], Explanation("from my brother", loan_or_gift="gift"), ADVISER
        )
        st.set_check_settings(s, cid, st.CheckSettings(D(2026, 7, 1), "standard"), ADVISER)
        list_id = cl.start_checklist(s, cid, CHECKLIST, [], ADVISER, on=D(2026, 7, 2))
        # Issue 22: a row in each casework table, the matter linked to the application and
        # the permission.
        matter = cw.add_matter(
            s,
            cid,
            cw.MatterEntry(
                "partner",
                D(2026, 7, 1),
                application_id=cw.application_choices(s, cid)[0][0],
                permission_id=cw.permission_choices(s, cid)[0][0],
            ),
            ADVISER,
        )
        cw.add_visit(s, cid, cw.VisitEntry(D(2026, 7, 1), ADVISER, matter_id=matter), ADVISER)
        cw.record_letter(
            s, cid, cw.LetterEntry("client_care", D(2026, 7, 2), matter_id=matter), ADVISER
        )
        cw.add_complaint(
            s, cid, cw.ComplaintEntry(D(2026, 8, 1), "late", matter_id=matter), ADVISER
        )
        cw.add_consent(s, cid, cw.ConsentEntry("records", D(2026, 7, 1)), ADVISER)
        cw.add_access_request(s, cid, cw.AccessRequestEntry(D(2026, 8, 1)), ADVISER)
        cw.keep_on_review(s, cid, "appeal pending", D(2030, 1, 1), ADVISER, D(2026, 12, 7))
    ids.update(
        other=other, account=aid, period=result.period_id, transaction=txn_id, checklist=list_id
    )
    return cid, ids


# ---- the tables, triggers and switch -------------------------------------------------------


def test_every_table_is_either_replicated_or_known_to_stay_local():
    assert set(Base.metadata.tables) == set(sync_capture.REPLICATED) | LOCAL_TABLES


def test_foreign_keys_are_every_link_between_replicated_rows():
    for table in sync_capture.REPLICATED:
        links = {
            fk.parent.name: fk.column.table.name for fk in Base.metadata.tables[table].foreign_keys
        }
        assert links == sync_capture.FOREIGN_KEYS.get(table, {}), table
        assert all(parent in sync_capture.REPLICATED for parent in links.values())
    assert "id" not in sync_capture.columns("clients")
    assert "uid" not in sync_capture.columns("permissions")
    assert "client_id" in sync_capture.columns("statement_checks")
    # Parents come before their children.
    order = sync_capture.REPLICATED
    for table, links in sync_capture.FOREIGN_KEYS.items():
        assert all(order.index(p) < order.index(table) for p in links.values())


def _triggers(store):
    with store.read_session() as s:
        names = s.connection().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        )
        return set(names.scalars())


def test_a_new_store_has_every_trigger_and_captures_nothing_until_enabled(store):
    assert _triggers(store) == sync_capture.trigger_names()
    with store.read_session() as s:
        state = s.execute(text("SELECT id, capture, applying FROM sync_state")).all()
        assert state == [(1, 0, 0)] and not sync_capture.enabled(s)
    _full_client(store)
    assert _outbox(store) == []
    _enable(store)
    with store.session() as s:
        assert sync_capture.enabled(s)
        repository.add_note(s, 1, ADVISER, "now shared")
    assert [(c.tbl, c.op) for c in _outbox(store)] == [("case_notes", "insert")]
    with store.session() as s:
        sync_capture.disable(s)
        repository.add_note(s, 1, ADVISER, "not shared")
    assert len(_outbox(store)) == 1


def test_opening_puts_back_a_trigger_dropped_or_changed(folder):
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    assert not sync_capture.ensure_triggers(store.engine)  # current: nothing written
    with store.session() as s:
        s.connection().exec_driver_sql("DROP TRIGGER sync_insert_permissions")
        s.connection().exec_driver_sql("DROP TRIGGER sync_update_clients")
        s.connection().exec_driver_sql(
            "CREATE TRIGGER sync_update_clients AFTER UPDATE ON clients BEGIN SELECT 1; END"
        )
        s.connection().exec_driver_sql("UPDATE sync_state SET capture = 1")
    store.close()
    store = Store.open(folder, PASSPHRASE)
    try:
        assert _triggers(store) == sync_capture.trigger_names()
        with store.read_session() as s:
            assert sync_capture.triggers_current(s.connection())
        with store.session() as s:
            cid = repository.create_client(s, ClientDetails(full_name="After Open"), ADVISER)
            repository.save_history(
                s, cid, History(permissions=(Permission("student", D(2020, 1, 1), None),)), ADVISER
            )
            repository.update_client(s, cid, ClientDetails(full_name="After Opening"), ADVISER)
        ops = [(c.tbl, c.op) for c in _outbox(store)]
        assert ("permissions", "insert") in ops and ("clients", "update") in ops
    finally:
        store.close()


# ---- every write path ------------------------------------------------------------------------


def test_every_write_path_is_captured_once_enabled(store):
    _enable(store)

    def since(seq):
        return [(c.tbl, c.op, c.data) for c in _outbox(store, seq)]

    seq = _last_seq(store)
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name="Every Path"), ADVISER)
    (create,) = since(seq)
    assert create[:2] == ("clients", "insert") and create[2]["full_name"] == "Every Path"
    assert set(create[2]) == set(sync_capture.columns("clients"))

    seq = _last_seq(store)
    with store.session() as s:
        repository.update_client(
            s,
            cid,
            ClientDetails(full_name="Every Path", phone="0123", interpreter_needed=True),
            ADVISER,
        )
    (update,) = since(seq)
    assert update[:2] == ("clients", "update")
    assert {k: v for k, v in update[2].items() if k != "updated_at"} == {
        "phone": "0123",
        "interpreter_needed": 1,
    }

    seq = _last_seq(store)
    with store.session() as s:
        repository.save_history(
            s,
            cid,
            History(
                permissions=(
                    Permission("student", D(2020, 1, 1), D(2021, 1, 1)),
                    Permission("graduate", D(2021, 1, 2), D(2023, 1, 1)),
                )
            ),
            ADVISER,
        )
    assert [c[:2] for c in since(seq) if c[0] != "clients"] == [("permissions", "insert")] * 2

    seq = _last_seq(store)
    with store.session() as s:
        repository.add_note(s, cid, ADVISER, "a note")
    assert [c[:2] for c in since(seq)] == [("case_notes", "insert")]

    seq = _last_seq(store)
    with store.session() as s:
        aid = st.add_account(s, cid, st.AccountDetails("Every Path", "Monzo"), ADVISER)
    assert [c[:2] for c in since(seq)] == [("bank_accounts", "insert")]

    seq = _last_seq(store)
    with store.session() as s:
        result = st.add_statement(s, aid, _lines(40), "csv", ADVISER)
    changes = since(seq)
    assert [c[:2] for c in changes] == [("statement_periods", "insert")] + [
        ("bank_transactions", "insert")
    ] * 40
    assert len({c[2]["fingerprint"] for c in changes[1:]}) == 40

    seq = _last_seq(store)
    with store.session() as s:
        txn = s.execute(text("SELECT id FROM bank_transactions ORDER BY id LIMIT 2")).scalars()
        st.save_explanation(
            s, cid, list(txn), Explanation("rent share", loan_or_gift="gift"), ADVISER
        )
    assert [c[:2] for c in since(seq)] == [("transaction_explanations", "insert")] * 2

    seq = _last_seq(store)
    with store.session() as s:
        st.set_check_settings(s, cid, st.CheckSettings(D(2026, 7, 1), "cautious"), ADVISER)
    assert [c[:2] for c in since(seq)] == [("statement_checks", "insert")]

    seq = _last_seq(store)
    with store.session() as s:
        list_id = cl.start_checklist(s, cid, CHECKLIST, [], ADVISER, on=D(2026, 7, 2))
    assert [c[:2] for c in since(seq)] == [("client_checklists", "insert")] + [
        ("client_checklist_items", "insert")
    ] * 2

    seq = _last_seq(store)
    with store.session() as s:
        item = cl.checklist_of(s, list_id).items[0]
        cl.mark_received(s, item.id, D(2026, 7, 3), ADVISER)
    (tick,) = since(seq)
    assert tick == (
        "client_checklist_items",
        "update",
        {"status": "received", "received_on": "2026-07-03"},
    )

    seq = _last_seq(store)
    with store.session() as s:
        st.delete_period(s, result.period_id, ADVISER)
    ops = [c[:2] for c in since(seq)]
    assert ops.count(("bank_transactions", "delete")) == 40
    assert ops.count(("transaction_explanations", "delete")) == 2
    assert ("statement_periods", "delete") in ops


def test_deleting_a_client_captures_a_delete_for_it_and_every_child_row(store):
    cid, ids = _full_client(store)
    held = set()
    with store.read_session() as s:
        conn = s.connection()
        for table in sync_capture.REPLICATED:
            held |= {(table, u) for u in conn.exec_driver_sql(f"SELECT uid FROM {table}").scalars()}
    other_uid = _uid(store, "clients", ids["other"])
    _enable(store)
    with store.session() as s:
        repository.delete_client(s, cid, ADVISER)
    deletes = [(c.tbl, c.uid) for c in _outbox(store) if c.op == "delete"]
    assert len(deletes) == len(set(deletes))
    assert set(deletes) == held - {("clients", other_uid)}
    assert {t for t, _ in deletes} == set(sync_capture.REPLICATED)
    assert all(c.data == {} for c in _outbox(store) if c.op == "delete")


def test_a_foreign_key_set_to_null_by_a_deletion_is_captured(store):
    cid, ids = _full_client(store)
    _enable(store)
    with store.session() as s:
        repository.delete_client(s, ids["other"], ADVISER)
    member = [c for c in _outbox(store) if c.tbl == "household_members"]
    assert [(c.op, c.data) for c in member] == [("update", {"member_client_id": None})]


# ---- what a change holds ---------------------------------------------------------------------


def test_foreign_keys_travel_as_the_parents_uids_and_values_as_stored(store):
    _enable(store)
    cid, ids = _full_client(store)
    inserts = {}
    for change in _outbox(store):
        assert change.op == "insert" and UID.match(change.uid)
        inserts.setdefault(change.tbl, []).append(change)
    client_uid = _uid(store, "clients", cid)
    (member,) = inserts["household_members"]
    assert member.data["client_id"] == client_uid
    assert member.data["member_client_id"] == _uid(store, "clients", ids["other"])
    (permission,) = inserts["permissions"]
    assert permission.data == {
        "client_id": client_uid,
        "category": "student",
        "start": "2020-01-01",
        "end": "2022-01-01",
        "granted_on": None,
        "conditions": "",
        "entered_on": None,
    }
    account_uid = _uid(store, "bank_accounts", ids["account"])
    period_uid = _uid(store, "statement_periods", ids["period"])
    assert inserts["bank_accounts"][0].data["client_id"] == client_uid
    assert inserts["statement_periods"][0].data["account_id"] == account_uid
    assert {c.data["account_id"] for c in inserts["bank_transactions"]} == {account_uid}
    assert {c.data["period_id"] for c in inserts["bank_transactions"]} == {period_uid}
    assert inserts["bank_transactions"][0].data["amount_pence"] == -250
    (explanation,) = inserts["transaction_explanations"]
    assert explanation.data["transaction_id"] == _uid(
        store, "bank_transactions", ids["transaction"]
    )
    (check,) = inserts["statement_checks"]
    assert check.data == {
        "client_id": client_uid,
        "application_date": "2026-07-01",
        "threshold": "standard",
    }
    checklist_uid = _uid(store, "client_checklists", ids["checklist"])
    assert {c.data["checklist_id"] for c in inserts["client_checklist_items"]} == {checklist_uid}
    # Every value exactly as SQLite holds it (dates as ISO text, flags 0/1, no FK ids).
    with store.read_session() as s:
        conn = s.connection().connection.dbapi_connection
        for table, changes in inserts.items():
            cols = sync_capture.columns(table)
            fks = sync_capture.FOREIGN_KEYS.get(table, {})
            for change in changes:
                names = ", ".join(f'"{c}"' for c in cols)
                row = conn.execute(f"SELECT {names} FROM {table} WHERE uid = ?", (change.uid,))
                stored = dict(zip(cols, row.fetchone(), strict=True))
                assert set(change.data) == set(cols), table
                for col in cols:
                    if col not in fks:
                        assert change.data[col] == stored[col], (table, col)
    client = inserts["clients"][0].data
    assert client["interpreter_needed"] == 0 and isinstance(client["created_at"], str)


def test_an_update_that_changes_nothing_is_not_captured(store):
    cid, _ids = _full_client(store)
    _enable(store)
    with store.session() as s:
        s.connection().exec_driver_sql("UPDATE clients SET full_name = full_name")
        repository.update_client(s, cid, ClientDetails(full_name="Full Person"), ADVISER)
    assert _outbox(store) == []


# ---- applying ----------------------------------------------------------------------------------


def _state(store):
    with store.read_session() as s:
        return s.execute(text("SELECT capture, applying FROM sync_state")).one()


def test_writes_inside_applying_are_not_captured_and_capture_resumes_after(store):
    _enable(store)
    with store.session() as s:
        with sync_capture.applying(s):
            cid = repository.create_client(s, ClientDetails(full_name="From Elsewhere"), ADVISER)
            with sync_capture.applying(s):  # nests
                repository.add_note(s, cid, ADVISER, "remote note")
            repository.add_note(s, cid, ADVISER, "still remote")
        repository.add_note(s, cid, ADVISER, "local note")
    assert [(c.tbl, c.op, c.data.get("text")) for c in _outbox(store)] == [
        ("case_notes", "insert", "local note")
    ]
    assert tuple(_state(store)) == (1, 0)


def test_applying_is_reset_when_the_block_fails(store):
    _enable(store)
    with pytest.raises(RuntimeError), store.session() as s:
        with sync_capture.applying(s):
            repository.create_client(s, ClientDetails(full_name="Rolled Back"), ADVISER)
            raise RuntimeError("bad file")
    assert tuple(_state(store)) == (1, 0)
    with store.session() as s:
        try:
            with sync_capture.applying(s):
                raise ValueError("one change refused")
        except ValueError:
            pass
        repository.create_client(s, ClientDetails(full_name="Local After"), ADVISER)
    assert [(c.tbl, c.data["full_name"]) for c in _outbox(store)] == [("clients", "Local After")]
    assert tuple(_state(store)) == (1, 0)


def test_a_failed_database_write_inside_applying_leaves_the_flag_off(store):
    _enable(store)
    with pytest.raises(Exception), store.session() as s:  # noqa: B017 - the driver's error
        with sync_capture.applying(s):
            s.connection().exec_driver_sql("INSERT INTO permissions (client_id) VALUES (999)")
    assert tuple(_state(store)) == (1, 0)


# ---- the outbox --------------------------------------------------------------------------------


def test_pending_reads_in_order_and_drop_through_forgets(store):
    _enable(store)
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name="Outbox"), ADVISER)
        for n in range(5):
            repository.add_note(s, cid, ADVISER, f"note {n}")
    with store.session() as s:
        rows = sync_capture.pending(s)
        assert [r.seq for r in rows] == sorted(r.seq for r in rows) and len(rows) == 6
        assert [r.seq for r in sync_capture.pending(s, rows[1].seq, limit=2)] == [
            rows[2].seq,
            rows[3].seq,
        ]
        assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", r.at) for r in rows)
        assert sync_capture.drop_through(s, rows[2].seq) == 3
        assert [r.seq for r in sync_capture.pending(s)] == [r.seq for r in rows[3:]]


def test_queue_existing_queues_every_row_held_parents_first(store):
    cid, _ids = _full_client(store)
    with store.session() as s:
        sync_capture.enable(s)
        count = sync_capture.queue_existing(s)
    rows = _outbox(store)
    assert count == len(rows) and {r.op for r in rows} == {"insert"}
    order = [sync_capture.REPLICATED.index(r.tbl) for r in rows]
    assert order == sorted(order)
    assert {r.tbl for r in rows} == set(sync_capture.REPLICATED)


# ---- upgrading and the encrypted file ----------------------------------------------------------


def test_upgrading_a_0009_store_gives_every_row_a_unique_uid_and_the_triggers(folder):
    folder.mkdir(parents=True)
    params = KdfParams.fresh(**CHEAP_KDF)
    write_header(folder / HEADER_NAME, params)
    key = derive_key(PASSPHRASE, params)
    engine = _make_engine(folder / DB_NAME, key)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    upgrade_schema(engine, "0009")
    with engine.begin() as conn:
        for n in range(3):
            conn.exec_driver_sql(
                "INSERT INTO clients (full_name, other_names, nationality, languages, "
                "interpreter_needed, phone, email, address, home_office_ref, uan, "
                "brp_or_share_code, ni_number, status_summary, notes, created_at, updated_at) "
                "VALUES (?, '', '', '', 0, '', '', '', '', '', '', '', '', '', "
                "'2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000')",
                (f"Old Person {n}",),
            )
            conn.exec_driver_sql(
                'INSERT INTO permissions (client_id, category, start, "end", conditions) '
                "VALUES (?, 'student', '2019-09-01', '2022-01-31', '')",
                (n + 1,),
            )
    engine.dispose()

    store = Store.open(folder, PASSPHRASE)
    try:
        assert current_revision(store.engine) == head_revision() == "0011"
        assert _triggers(store) == sync_capture.trigger_names()
        with store.read_session() as s:
            conn = s.connection()
            uids = [
                *conn.exec_driver_sql("SELECT uid FROM clients").scalars(),
                *conn.exec_driver_sql("SELECT uid FROM permissions").scalars(),
            ]
            assert len(uids) == 6 == len(set(uids)) and all(UID.match(u) for u in uids)
            assert not sync_capture.enabled(s)
            assert sync_capture.pending(s) == []
            (permission,) = repository.load_history(s, 2).permissions
        assert permission == Permission("student", D(2019, 9, 1), D(2022, 1, 31))
        with store.session() as s, pytest.raises(Exception, match="UNIQUE"):  # noqa: PT012
            s.connection().exec_driver_sql(
                "UPDATE permissions SET uid = (SELECT uid FROM permissions WHERE id = 1) "
                "WHERE id = 2"
            )
    finally:
        store.close()


def test_the_outbox_keeps_no_client_text_outside_the_encrypted_file(folder):
    name, note = "Zebediah Quillfeather", "Lives at 12 Marigold Crescent"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    try:
        _enable(store)
        with store.session() as s:
            cid = repository.create_client(s, ClientDetails(full_name=name), ADVISER)
            repository.add_note(s, cid, ADVISER, note)
        captured = _outbox(store)
        assert captured[0].data["full_name"] == name  # it is there, in the store
        assert captured[1].data["text"] == note
        raw = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    finally:
        store.close()
    raw += b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    for secret in (name, note, "Quillfeather", "Marigold"):
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in raw
