"""Issue 21: every change to a replicated row, captured below the ORM into an outbox inside
the encrypted store.

SQLite triggers (made here, installed by migration 0010 and checked on every open) write one
`sync_outbox` row per inserted, updated or deleted row of a replicated table while
`sync_state.capture` is 1 and `sync_state.applying` is 0. Nothing can escape them: ORM
writes, the statements' bulk `insert()`, raw SQL, and the rows SQLite deletes or nulls by
`ON DELETE CASCADE` / `SET NULL` (SQLite fires triggers for foreign-key actions) all pass
through the same triggers.

An outbox row's `data` holds the values exactly as SQLite holds them (dates as ISO text, flags
0/1). Foreign keys travel as the parent row's `uid` under the same column name, so a row
means the same on every laptop whatever its local `id`:

* insert: every column of `columns(table)`;
* update: only the columns whose value changed (`NEW.c IS NOT OLD.c`);
* delete: `{}`.

`uid` itself is the outbox row's own field, never part of `data`; a row's `uid` is given once
(the model's default, or the insert trigger for a raw SQL insert that left it NULL) and never
changes.

Remote changes are written inside `applying(session)`, so they are not captured again.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from desktop.store.models import REPLICATED_TABLES, SQL_NOW, Base

#: The replicated tables, parents before children (apply inserts in this order).
REPLICATED: tuple[str, ...] = REPLICATED_TABLES

#: {table: {column: parent table}}: each foreign key, which travels as the parent's uid (every
#: parent is referred to by its `id`).
FOREIGN_KEYS: dict[str, dict[str, str]] = {
    "household_members": {"client_id": "clients", "member_client_id": "clients"},
    "permissions": {"client_id": "clients"},
    "applications": {"client_id": "clients"},
    "absences": {"client_id": "clients"},
    "custody": {"client_id": "clients"},
    "status_checks": {"client_id": "clients"},
    "case_notes": {"client_id": "clients"},
    "statement_checks": {"client_id": "clients"},
    "bank_accounts": {"client_id": "clients"},
    "statement_periods": {"account_id": "bank_accounts"},
    "bank_transactions": {"account_id": "bank_accounts", "period_id": "statement_periods"},
    "transaction_explanations": {"transaction_id": "bank_transactions"},
    "client_checklists": {"client_id": "clients"},
    "client_checklist_items": {"checklist_id": "client_checklists"},
    # Issue 22: casework.
    "matters": {
        "client_id": "clients",
        "application_id": "applications",
        "permission_id": "permissions",
    },
    "visits": {"client_id": "clients", "matter_id": "matters"},
    "letters": {"client_id": "clients", "matter_id": "matters"},
    "complaints": {"client_id": "clients", "matter_id": "matters"},
    "consents": {"client_id": "clients"},
    "access_requests": {"client_id": "clients"},
    "retention_decisions": {"client_id": "clients"},
}

#: Columns a laptop changes as bookkeeping alongside a real edit (the client's "last changed"
#: time): two laptops editing different fields of one client both change them, which is not a
#: conflict a person should settle. The engine may settle these by the greater version.
BOOKKEEPING: dict[str, tuple[str, ...]] = {
    "clients": ("updated_at",),
    "transaction_explanations": ("updated_at",),
}

#: Every trigger this module makes is named sync_<op>_<table> (op "uid": the uid filler).
TRIGGER_PREFIX = "sync_"
_OPS = ("uid", "insert", "update", "delete")
_NOW = SQL_NOW[1:-1]  # without the parentheses a column default needs
_CAPTURING = "EXISTS (SELECT 1 FROM sync_state WHERE id = 1 AND capture = 1 AND applying = 0)"
#: Not replicated as columns: the local row number and the row's identity (its own field).
_NOT_COLUMNS = ("id", "uid")


def columns(table: str) -> tuple[str, ...]:
    """The replicated columns of `table` (model order), without `id` and `uid`; foreign-key
    columns included (their values travel as parent uids)."""
    if table not in REPLICATED:
        raise KeyError(f"{table} is not replicated")
    return tuple(c.name for c in Base.metadata.tables[table].columns if c.name not in _NOT_COLUMNS)


def trigger_names() -> set[str]:
    return {f"{TRIGGER_PREFIX}{op}_{table}" for table in REPLICATED for op in _OPS}


# ---- the triggers ----------------------------------------------------------------------------


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _value(table: str, column: str, row: str) -> str:
    """The SQL for a column's value as it travels: a foreign key as the parent's uid."""
    parent = FOREIGN_KEYS.get(table, {}).get(column)
    if parent is None:
        return f"{row}.{_q(column)}"
    return f"(SELECT uid FROM {_q(parent)} WHERE id = {row}.{_q(column)})"


def trigger_ddl(table: str, cols: tuple[str, ...]) -> dict[str, str]:
    """{trigger name: CREATE TRIGGER statement} for one table with columns `cols`."""
    t = _q(table)
    pairs = ", ".join(f"'{c}', {_value(table, c, 'r')}" for c in cols)
    fill_uid = (
        f"UPDATE {t} SET uid = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid AND uid IS NULL; "
    )
    # Two triggers, so a row inserted with its uid while capture is off costs two WHEN tests
    # and nothing more (the statements' bulk insert). Either may fire first: each gives a
    # row without a uid its uid before anything reads it.
    uid = (
        f"CREATE TRIGGER {TRIGGER_PREFIX}uid_{table} AFTER INSERT ON {t} "
        f"WHEN NEW.uid IS NULL BEGIN {fill_uid}END"
    )
    insert = (
        f"CREATE TRIGGER {TRIGGER_PREFIX}insert_{table} AFTER INSERT ON {t} "
        f"WHEN {_CAPTURING} BEGIN {fill_uid}"
        "INSERT INTO sync_outbox (tbl, uid, op, data, at) "
        f"SELECT '{table}', r.uid, 'insert', json_object({pairs}), {_NOW} "
        f"FROM {t} AS r WHERE r.rowid = NEW.rowid; "
        "END"
    )
    changed = " OR ".join(f"NEW.{_q(c)} IS NOT OLD.{_q(c)}" for c in cols)
    parts = " UNION ALL ".join(
        f"SELECT '{c}' AS k, {_value(table, c, 'NEW')} AS v WHERE NEW.{_q(c)} IS NOT OLD.{_q(c)}"
        for c in cols
    )
    # OLD.uid IS NULL: the insert trigger giving a raw SQL row its uid (not a change).
    update = (
        f"CREATE TRIGGER {TRIGGER_PREFIX}update_{table} AFTER UPDATE ON {t} "
        f"WHEN OLD.uid IS NOT NULL AND ({changed}) AND {_CAPTURING} BEGIN "
        "INSERT INTO sync_outbox (tbl, uid, op, data, at) "
        f"SELECT '{table}', NEW.uid, 'update', "
        f"(SELECT json_group_object(k, v) FROM ({parts})), {_NOW}; "
        "END"
    )
    delete = (
        f"CREATE TRIGGER {TRIGGER_PREFIX}delete_{table} AFTER DELETE ON {t} "
        f"WHEN OLD.uid IS NOT NULL AND {_CAPTURING} BEGIN "
        "INSERT INTO sync_outbox (tbl, uid, op, data, at) "
        f"VALUES ('{table}', OLD.uid, 'delete', '{{}}', {_NOW}); "
        "END"
    )
    return {
        f"{TRIGGER_PREFIX}uid_{table}": uid,
        f"{TRIGGER_PREFIX}insert_{table}": insert,
        f"{TRIGGER_PREFIX}update_{table}": update,
        f"{TRIGGER_PREFIX}delete_{table}": delete,
    }


def _live_columns(connection: Connection, table: str) -> tuple[str, ...]:
    """The table's columns as the database has them (a migration may run before the models'
    head), without `id` and `uid`."""
    rows = connection.exec_driver_sql(f"PRAGMA table_info({_q(table)})").all()
    return tuple(row[1] for row in rows if row[1] not in _NOT_COLUMNS)


def expected_triggers(connection: Connection) -> dict[str, str]:
    """The triggers of every replicated table the database has: a migration that runs before
    a later one made the newer tables (0010 before 0011's casework) makes theirs next time."""
    out: dict[str, str] = {}
    for table in REPLICATED:
        cols = _live_columns(connection, table)
        if cols:
            out.update(trigger_ddl(table, cols))
    return out


def _installed(connection: Connection) -> tuple[bool, dict[str, str]]:
    """(whether sync_outbox exists, {sync trigger name: its SQL})."""
    rows = connection.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master "
        "WHERE type = 'trigger' OR (type = 'table' AND name = 'sync_outbox')"
    ).all()
    has_outbox = any(kind == "table" for kind, _name, _sql in rows)
    return has_outbox, {
        name: sql
        for kind, name, sql in rows
        if kind == "trigger" and name.startswith(TRIGGER_PREFIX)
    }


def install_triggers(connection: Connection) -> None:
    """(Re)make every capture trigger from the tables' live columns, in the caller's
    transaction. Any other sync_* trigger is dropped."""
    _has_outbox, installed = _installed(connection)
    for name in installed:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_q(name)}")
    for ddl in expected_triggers(connection).values():
        connection.exec_driver_sql(ddl)


def triggers_current(connection: Connection) -> bool:
    """True when the store has no outbox yet (before migration 0010) or its capture triggers
    are exactly the ones this version makes."""
    has_outbox, installed = _installed(connection)
    return not has_outbox or installed == expected_triggers(connection)


def ensure_triggers(engine: Engine) -> bool:
    """Run on every open (after the schema upgrade): one read of sqlite_master and the
    tables' columns; the triggers are remade (one write) only when they differ from this
    version's. A store left with `applying` set is reset. True when anything was written."""
    with engine.connect() as conn:
        current = triggers_current(conn)
        stuck = current and _stuck_applying(conn)
    if current and not stuck:
        return False
    with engine.begin() as conn:
        if not triggers_current(conn):
            install_triggers(conn)
        if _stuck_applying(conn):
            conn.exec_driver_sql("UPDATE sync_state SET applying = 0 WHERE id = 1")
    return True


def _stuck_applying(connection: Connection) -> bool:
    has_outbox, _ = _installed(connection)
    if not has_outbox:
        return False
    row = connection.exec_driver_sql("SELECT applying FROM sync_state WHERE id = 1").first()
    return bool(row and row[0])


# ---- switching capture on and off --------------------------------------------------------------


def _set_state(session: Session, column: str, value: int) -> None:
    # session.execute flushes the ORM's pending writes first, so they see the state as it was.
    session.execute(
        text(
            f"INSERT INTO sync_state (id, {column}) VALUES (1, :v) "
            f"ON CONFLICT(id) DO UPDATE SET {column} = excluded.{column}"
        ),
        {"v": value},
    )


def enable(session: Session) -> None:
    """Capture every change from now on (a centre created or joined)."""
    _set_state(session, "capture", 1)


def disable(session: Session) -> None:
    _set_state(session, "capture", 0)


def enabled(session: Session) -> bool:
    row = session.execute(text("SELECT capture FROM sync_state WHERE id = 1")).first()
    return bool(row and row[0])


def queue_existing(session: Session) -> int:
    """Queue an insert for every replicated row already held (parents first), as the insert
    trigger would have: for the laptop that creates a centre from a store with clients in it.
    Returns how many rows were queued."""
    session.flush()
    conn = session.connection()
    total = 0
    for table in REPLICATED:
        cols = _live_columns(conn, table)
        pairs = ", ".join(f"'{c}', {_value(table, c, 'r')}" for c in cols)
        total += conn.exec_driver_sql(
            "INSERT INTO sync_outbox (tbl, uid, op, data, at) "
            f"SELECT '{table}', r.uid, 'insert', json_object({pairs}), {_NOW} "
            f"FROM {_q(table)} AS r ORDER BY r.rowid"
        ).rowcount
    return total


@contextmanager
def applying(session: Session) -> Iterator[None]:
    """Writes inside the block are not captured (remote changes being applied). The flag is
    set inside the caller's transaction and always put back as it was: on success after the
    block's writes are flushed; on an error at once (a rolled-back transaction undoes it
    anyway). Nests."""
    session.flush()
    conn = session.connection()
    row = conn.exec_driver_sql("SELECT applying FROM sync_state WHERE id = 1").first()
    before = int(row[0]) if row else 0
    conn.exec_driver_sql("UPDATE sync_state SET applying = 1 WHERE id = 1")

    def put_back() -> None:
        session.connection().exec_driver_sql(
            "UPDATE sync_state SET applying = ? WHERE id = 1", (before,)
        )

    try:
        yield
    except BaseException:
        # The block's writes are still not to be captured; if the transaction is broken, the
        # rollback it needs undoes the flag, and the error that broke it is the one to report.
        with contextlib.suppress(Exception):
            session.flush()
        with contextlib.suppress(Exception):
            put_back()
        raise
    session.flush()  # the block's ORM writes land while the flag is still set
    put_back()


# ---- reading the outbox ------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    tbl: str
    uid: str
    op: str
    data: dict
    at: str


def pending(session: Session, after_seq: int = 0, limit: int | None = None) -> list[OutboxRow]:
    """Captured changes after `after_seq`, oldest first (at most `limit`)."""
    sql = "SELECT seq, tbl, uid, op, data, at FROM sync_outbox WHERE seq > :after ORDER BY seq"
    params: dict = {"after": after_seq}
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [
        OutboxRow(seq, tbl, uid, op, json.loads(data), at)
        for seq, tbl, uid, op, data, at in session.execute(text(sql), params)
    ]


def drop_through(session: Session, seq: int) -> int:
    """Forget the captured changes up to and including `seq` (packed into a change file)."""
    return session.execute(text("DELETE FROM sync_outbox WHERE seq <= :seq"), {"seq": seq}).rowcount
