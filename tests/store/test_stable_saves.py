"""Issue 21: every replicated row has a uid, however it was written, and saving a history or a
household edits the rows in place: a record left alone keeps its row, an edited one keeps its
uid, and only the changed columns are written (and shared)."""

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal

from desktop.importers.bank_csv import ParsedRow, ParsedStatement
from desktop.rules.history import (
    Absence,
    Application,
    Custody,
    History,
    Permission,
    Question,
    StatusCheck,
)
from desktop.store import repository, sync_capture
from desktop.store import statements as st
from desktop.store.repository import ClientDetails, HouseholdEntry

D = dt.date
ADVISER = "Adviser A"
UID = re.compile(r"^[0-9a-f]{32}$")

HISTORY = History(
    permissions=(
        Permission("student", D(2016, 1, 1), D(2018, 12, 31)),
        Permission("skilled_worker", D(2019, 1, 1), D(2024, 1, 1), conditions=("a", "b")),
        Permission("skilled_worker", D(2024, 1, 2), D(2027, 1, 1)),
    ),
    applications=(
        Application("extension", D(2018, 12, 1), D(2019, 1, 1), "granted"),
        Application("extension", D(2023, 12, 1), D(2024, 1, 2), "granted"),
    ),
    absences=(
        Absence(D(2017, 7, 1), D(2017, 7, 20), "holiday"),
        Absence(D(2020, 3, 1), D(2020, 3, 5), planned=False, exceptional=True),
    ),
    custody=(Custody(D(2021, 1, 1), D(2021, 2, 1)),),
    status_checks=(StatusCheck(D(2026, 11, 1)),),
    question=Question("settlement_long_residence", D(2026, 12, 1)),
)


def _client_with_history(store, history=HISTORY):
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name="Stable Person"), ADVISER)
        repository.save_history(s, cid, history, ADVISER)
    return cid


def _uids(store, table, cid):
    with store.read_session() as s:
        rows = s.connection().exec_driver_sql(
            f"SELECT id, uid FROM {table} WHERE client_id = ? ORDER BY id", (cid,)
        )
        return dict(rows.all())


def _all_uids(store):
    out = {}
    with store.read_session() as s:
        for table in sync_capture.REPLICATED:
            out[table] = s.connection().exec_driver_sql(f"SELECT uid FROM {table}").scalars().all()
    return out


def _captured(store):
    with store.read_session() as s:
        return sync_capture.pending(s)


def _capture_on(store):
    with store.session() as s:
        sync_capture.enable(s)


# ---- uids ----------------------------------------------------------------------------------


def test_every_row_written_through_the_orm_has_a_uid(store):
    cid = _client_with_history(store)
    with store.session() as s:
        repository.set_household(s, cid, [HouseholdEntry("Kid", "son", D(2015, 1, 1))], ADVISER)
        repository.add_note(s, cid, ADVISER, "a note")
        aid = st.add_account(s, cid, st.AccountDetails("Stable Person", "Monzo"), ADVISER)
        st.declare_period(s, aid, D(2026, 1, 1), D(2026, 1, 31), ADVISER)
        st.set_check_settings(s, cid, st.CheckSettings(D(2026, 2, 1), "standard"), ADVISER)
    uids = _all_uids(store)
    filled = [
        "clients",
        "household_members",
        "permissions",
        "applications",
        "absences",
        "custody",
        "status_checks",
        "case_notes",
        "statement_checks",
        "bank_accounts",
        "statement_periods",
    ]
    for table in filled:
        assert uids[table], table
        assert all(UID.match(u or "") for u in uids[table]), table
    everything = [u for table in uids.values() for u in table]
    assert len(everything) == len(set(everything))


def test_every_line_of_a_bulk_statement_insert_has_a_uid(store):
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name="Bulk Person"), ADVISER)
        aid = st.add_account(s, cid, st.AccountDetails("Bulk Person", "Monzo"), ADVISER)
    rows = [
        ParsedRow(
            line=n + 2,
            on=D(2026, 6, 1 + n),
            description=f"LINE {n}",
            amount=Decimal("-1"),
            balance=None,
        )
        for n in range(25)
    ]
    statement = ParsedStatement(source="t.csv", rows=tuple(rows), period=None, format_key=None)
    with store.session() as s:
        assert st.add_statement(s, aid, statement, "csv", ADVISER).added == 25
    uids = _all_uids(store)["bank_transactions"]
    assert len(uids) == 25 and len(set(uids)) == 25
    assert all(UID.match(u or "") for u in uids)


def test_a_raw_sql_insert_that_leaves_out_the_uid_is_given_one(store):
    with store.session() as s:
        conn = s.connection()
        conn.exec_driver_sql(
            "INSERT INTO clients (full_name, created_at, updated_at) VALUES "
            "('Raw One', '2026-01-01 00:00:00', '2026-01-01 00:00:00'), "
            "('Raw Two', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
        cid = conn.exec_driver_sql("SELECT id FROM clients WHERE full_name = 'Raw One'").scalar()
        conn.exec_driver_sql(
            "INSERT INTO permissions (client_id, category, start, conditions) "
            "VALUES (?, 'student', '2020-01-01', '')",
            (cid,),
        )
    uids = _all_uids(store)
    assert len(uids["clients"]) == 2 and all(UID.match(u or "") for u in uids["clients"])
    assert len(set(uids["clients"])) == 2
    assert UID.match(uids["permissions"][0] or "")


# ---- save_history keeps rows ---------------------------------------------------------------


def test_editing_one_permissions_end_keeps_every_uid_and_shares_one_change(store):
    cid = _client_with_history(store)
    before = _uids(store, "permissions", cid)
    others = {t: _uids(store, t, cid) for t in ("applications", "absences", "custody")}
    _capture_on(store)
    edited = replace(HISTORY.permissions[2], end=D(2028, 6, 30))
    history = replace(HISTORY, permissions=(*HISTORY.permissions[:2], edited))
    with store.session() as s:
        repository.save_history(s, cid, history, ADVISER)
    assert _uids(store, "permissions", cid) == before
    assert {t: _uids(store, t, cid) for t in others} == others
    changes = [c for c in _captured(store) if c.tbl != "clients"]
    assert [(c.tbl, c.op, c.data) for c in changes] == [
        ("permissions", "update", {"end": "2028-06-30"})
    ]
    assert changes[0].uid == before[max(before)]
    with store.read_session() as s:
        assert repository.load_history(s, cid).permissions == history.permissions


def test_a_saved_history_with_nothing_changed_writes_nothing(store):
    cid = _client_with_history(store)
    _capture_on(store)
    with store.session() as s:
        repository.save_history(s, cid, HISTORY, ADVISER)
    assert _captured(store) == []


def test_an_application_added_in_front_moves_the_others_and_keeps_their_uids(store):
    cid = _client_with_history(store)
    before = _uids(store, "applications", cid)
    _capture_on(store)
    first = Application("visit", D(2015, 6, 1), D(2015, 7, 1), "granted")
    history = replace(HISTORY, applications=(first, *HISTORY.applications))
    with store.session() as s:
        repository.save_history(s, cid, history, ADVISER)
        assert repository.load_history(s, cid).applications == history.applications
    after = _uids(store, "applications", cid)
    assert all(after[k] == v for k, v in before.items())
    changes = [(c.tbl, c.op, c.data) for c in _captured(store) if c.tbl == "applications"]
    assert sorted(c[1] for c in changes) == ["insert", "update", "update"]
    assert {tuple(c[2]) for c in changes if c[1] == "update"} == {("position",)}
    with store.read_session() as s:
        assert repository.load_history(s, cid).applications == history.applications


def test_a_record_removed_is_one_delete_and_the_rest_keep_their_rows(store):
    cid = _client_with_history(store)
    before = _uids(store, "absences", cid)
    _capture_on(store)
    with store.session() as s:
        repository.save_history(s, cid, replace(HISTORY, absences=HISTORY.absences[1:]), ADVISER)
    after = _uids(store, "absences", cid)
    assert list(after.items()) == list(before.items())[1:]
    changes = [(c.tbl, c.op, c.uid) for c in _captured(store) if c.tbl != "clients"]
    assert changes == [("absences", "delete", before[min(before)])]


def test_records_edited_by_their_natural_keys_keep_their_uids(store):
    cid = _client_with_history(store)
    tables = ("absences", "custody", "status_checks", "applications")
    before = {t: _uids(store, t, cid) for t in tables}
    _capture_on(store)
    history = replace(
        HISTORY,
        absences=(replace(HISTORY.absences[0], returned=D(2017, 7, 25)), HISTORY.absences[1]),
        custody=(Custody(D(2021, 1, 1), D(2021, 3, 1)),),
        status_checks=(StatusCheck(D(2026, 11, 1), "found"),),
        applications=(HISTORY.applications[0], replace(HISTORY.applications[1], outcome=None)),
    )
    with store.session() as s:
        repository.save_history(s, cid, history, ADVISER)
    assert {t: _uids(store, t, cid) for t in tables} == before
    changes = {(c.tbl, c.op, tuple(c.data.items())) for c in _captured(store) if c.tbl != "clients"}
    assert changes == {
        ("absences", "update", (("returned", "2017-07-25"),)),
        ("custody", "update", (("end", "2021-03-01"),)),
        ("status_checks", "update", (("outcome", "found"),)),
        ("applications", "update", (("outcome", None),)),
    }


# ---- set_household keeps rows -----------------------------------------------------------------


def test_editing_one_household_member_keeps_every_uid_and_shares_one_change(store):
    members = [
        HouseholdEntry("Kid One", "son", D(2012, 1, 1)),
        HouseholdEntry("Kid Two", "daughter", D(2014, 1, 1)),
    ]
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name="Parent"), ADVISER)
        repository.set_household(s, cid, members, ADVISER)
    before = _uids(store, "household_members", cid)
    _capture_on(store)
    members[1] = replace(members[1], relationship_to_client="stepdaughter")
    with store.session() as s:
        repository.set_household(s, cid, members, ADVISER)
    assert _uids(store, "household_members", cid) == before
    changes = [(c.tbl, c.op, c.data) for c in _captured(store) if c.tbl != "clients"]
    assert changes == [("household_members", "update", {"relationship_to_client": "stepdaughter"})]
    with store.read_session() as s:
        assert repository.household_of(s, cid) == members


def test_a_household_member_renamed_is_a_new_row_and_the_other_is_kept(store):
    members = [HouseholdEntry("Kid One", "son"), HouseholdEntry("Kid Two", "daughter")]
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name="Parent"), ADVISER)
        repository.set_household(s, cid, members, ADVISER)
    before = _uids(store, "household_members", cid)
    with store.session() as s:
        repository.set_household(s, cid, [members[0], HouseholdEntry("Kid 2", "daughter")], ADVISER)
    after = _uids(store, "household_members", cid)
    kept = min(before)
    assert after[kept] == before[kept] and len(after) == 2
    assert set(after.values()) - set(before.values())  # the renamed one is a new row
