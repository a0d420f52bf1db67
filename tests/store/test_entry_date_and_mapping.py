"""The store keeps a permission's entry date (migration 0008), and one mapping (desktop.store.
mapping.RECORDS) moves every history record in and out of the store: the ORM rows and the fast
reader the deadlines board uses read the same fields, each column by its name."""

import datetime as dt
from dataclasses import replace

from sqlalchemy import inspect, text

from desktop import board
from desktop.rules.history import (
    Absence,
    Application,
    Custody,
    History,
    Permission,
    Person,
    Question,
    StatusCheck,
)
from desktop.store import mapping, repository
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
from desktop.store.models import APPLICATION_ID
from desktop.store.repository import ClientDetails
from tests.store.conftest import CHEAP_KDF, PASSPHRASE

D = dt.date.fromisoformat

#: Every kind of record, every field set (so a field read from the wrong column shows).
FULL = History(
    permissions=(
        Permission(
            "skilled_worker",
            D("2021-01-01"),
            D("2024-06-30"),
            D("2020-12-01"),
            ("no_recourse_to_public_funds", "work_limited"),
            D("2021-03-01"),
        ),
        Permission("ilr", D("2024-07-01"), None),
    ),
    applications=(
        Application(
            "extension",
            D("2024-05-01"),
            D("2024-06-20"),
            "refused",
            late_reason_accepted=False,
            fee_waiver_requested=D("2024-04-01"),
            fee_waiver_decided=D("2024-04-20"),
            fee_waiver_outcome="granted",
            appeal_by=D("2024-07-20"),
            remedy="administrative_review",
            review_lodged=D("2024-06-25"),
            review_decided=D("2024-07-10"),
            review_outcome="maintained",
            detained=True,
        ),
    ),
    absences=(
        Absence(D("2022-02-01"), D("2022-02-20"), "family", True, False),
        Absence(D("2023-05-01"), D("2023-05-09")),
    ),
    custody=(Custody(D("2019-01-01"), D("2019-02-01")),),
    question=Question("settlement_skilled_worker", D("2024-06-01")),
    status_checks=(StatusCheck(D("2024-06-25")),),
)


def _saved(store: Store, history: History = FULL) -> int:
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name="Test Person"), "Tester")
        repository.save_history(s, cid, history, "Tester")
    return cid


def _read_fast(store: Store, cid: int) -> History:
    with store.read_session() as s:
        return board.history_from_records(repository.history_sources(s, cid)[cid].records())


def test_the_entry_date_is_kept_and_read_back_by_the_page_and_the_board(store):
    cid = _saved(store)
    with store.read_session() as s:
        loaded = repository.load_history(s, cid)
    assert loaded.permissions[0].entered_on == D("2021-03-01")
    assert replace(loaded, person=Person()) == replace(FULL, person=Person())
    assert _read_fast(store, cid) == replace(FULL, person=Person())


def test_the_fast_reader_reads_columns_by_name_so_a_new_column_cannot_shift_fields(
    store, monkeypatch
):
    """Each record kind read with its columns in another order (as after a column is added
    before the others): the board still sees the same history."""
    cid = _saved(store)
    shuffled = tuple(replace(m, columns=tuple(reversed(m.columns))) for m in mapping.RECORDS)
    monkeypatch.setattr(mapping, "RECORDS", shuffled)
    with store.read_session() as s:
        source = repository.history_sources(s, cid)[cid]
    first_permission_row = source.permissions[0]
    assert first_permission_row[0] == "2021-03-01"  # entered_on now comes first
    assert board.history_from_records(source.records()) == replace(FULL, person=Person())


def test_rows_read_with_extra_columns_are_read_by_name():
    permission = mapping.RECORD_MAPS["permissions"]
    names = ("id", *reversed(permission.column_names))
    values = (7, "2021-03-01", "no_recourse_to_public_funds", None, "2022-01-01", "2021-01-01")
    values = (*values, "student")
    assert permission.from_stored(values, names) == Permission(
        "student",
        D("2021-01-01"),
        D("2022-01-01"),
        None,
        ("no_recourse_to_public_funds",),
        D("2021-03-01"),
    )


def test_one_mapping_covers_every_field_of_every_record():
    """A field added to a value type and not to the mapping fails here (it would be lost)."""
    for m in mapping.RECORDS:
        assert {c.field for c in m.columns} == set(m.value_type.__dataclass_fields__), m.collection
        assert set(m.column_names) <= {c.name for c in m.row_type.__table__.columns}


def test_upgrade_from_0007_adds_the_entry_date_and_keeps_the_permissions(folder):
    folder.mkdir(parents=True)
    params = KdfParams.fresh(**CHEAP_KDF)
    write_header(folder / HEADER_NAME, params)
    key = derive_key(PASSPHRASE, params)
    engine = _make_engine(folder / DB_NAME, key)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    upgrade_schema(engine, "0007")
    now = dt.datetime(2026, 1, 1)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO clients (full_name, created_at, updated_at) VALUES (:n, :t, :t)"),
            {"n": "Old Store Person", "t": now},
        )
        conn.execute(
            text(
                'INSERT INTO permissions (client_id, category, start, "end", conditions) '
                "VALUES (1, 'student', :start, :end, '')"
            ),
            {"start": dt.date(2019, 9, 1), "end": dt.date(2022, 1, 31)},
        )
    assert "entered_on" not in {c["name"] for c in inspect(engine).get_columns("permissions")}
    engine.dispose()

    store = Store.open(folder, PASSPHRASE)
    try:
        assert current_revision(store.engine) == head_revision() != "0007"
        columns = {c["name"]: c for c in inspect(store.engine).get_columns("permissions")}
        assert columns["entered_on"]["nullable"]
        with store.read_session() as s:
            (permission,) = repository.load_history(s, 1).permissions
        assert permission == Permission("student", D("2019-09-01"), D("2022-01-31"))
        assert _read_fast(store, 1).permissions == (permission,)
    finally:
        store.close()
