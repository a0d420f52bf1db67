"""Issue 21: the sync engine - versions, packing the outbox, applying another laptop's changes,
and the review queue for edits that cannot be settled without a person.

**Versions.** Every change a laptop makes gets a version `f"{hlc:016x}-{device}"`: a hybrid
logical clock (milliseconds << 16, plus a counter) and the device id, so versions sort by clock
and then by device, the same way everywhere. `sync_device.clock` keeps this laptop's clock:
packing moves it to `max(clock + 1, now_ms << 16)` for each change; applying a file moves it
past the highest version in the file, so a later local edit is always newer than what it saw.

**Fields, not rows.** Each replicated field holds a version and its ancestors (`sync_fields`:
`ver`, `anc` - the versions this value replaced, newest last, at most ANC_LIMIT kept). An
incoming field version:

* is already held or older (it is the field's version, one of its ancestors, or one of an open
  review's candidates or their ancestors): nothing happens;
* replaces what is held when it descends from it (the held version is among its ancestors):
  the value is written;
* otherwise the two were made without knowing each other (CONCURRENT): the field goes to the
  review queue with the *maximal* candidates (none an ancestor of another). The stored value is
  the candidate with the greatest version, so every laptop shows the same value while the item
  waits; an item left with one candidate is closed. Bookkeeping columns
  (`sync_capture.BOOKKEEPING`, e.g. a client's "last changed" time) are settled by the greater
  version with no review.

A local write of a field with an open review (the adviser choosing in the review queue, or just
editing it) descends from every candidate, so it closes the item here and on every other laptop.

**Rows.** `sync_rows` keeps each row's creation version and tombstones (a deleted row stays
a tombstone for good). Deletion wins: an insert or a field change for a tombstoned row is
ignored, and deleting a row deletes (and tombstones) its children. Erasing a client on one
laptop therefore erases it and all its rows on every laptop; its drafts go too, and the
copies in backups/ are told (as a local erasure does). Two laptops adding the "same" row
under a UNIQUE constraint (the same statement line, the same checklist item, a client's one
statement check) keep the row with the greater creation version everywhere; the other is
tombstoned.

**Waiting.** A file naming a row or a parent this laptop has never heard of (its file has not
arrived yet) waits: nothing is written and it is not marked applied; the caller retries it
after others.

**Local edits made before a file is applied** are given their versions first (they are
"stamped" in the outbox), so an edit typed here and a different edit of the same field on
another laptop meet as concurrent, never one silently overwriting the other.

Apply runs in the caller's transaction (one per file), inside `sync_capture.applying`, so the
remote changes are not captured again; a file already applied (`sync_applied`) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CursorResult, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Session

from desktop.store import drafts, sync_capture
from desktop.store.models import Base
from desktop.store.repository import audit, get_setting, set_setting

FORMAT = "dropin-desk.changes/1"
#: The most ancestors a field keeps (the newest).
ANC_LIMIT = 64
DEVICE_NAME_SETTING = "sharing.device_name"
#: An outbox row given its version keeps the change record under this key (never a column).
_STAMPED = "$stamped"
#: Who the audit trail names for what another laptop did.
OTHER_LAPTOP = "(another laptop)"
_VERSION = re.compile(r"^[0-9a-f]{16}-[0-9a-z]{1,64}$")
_UID = re.compile(r"^[0-9a-f]{32}$")
_DEVICE = re.compile(r"^[0-9a-z]{1,64}$")
_OPS = ("insert", "update", "delete")


class ChangesRefused(ValueError):
    """A change set that is not one this version can apply: one line, naming what is wrong,
    never a value from it."""


# ---- versions (pure) -------------------------------------------------------------------------


def make_version(clock: int, device: str) -> str:
    return f"{clock:016x}-{device}"


def clock_of(version: str) -> int:
    return int(version.split("-", 1)[0], 16)


def device_of(version: str) -> str:
    return version.split("-", 1)[1]


def time_of(version: str) -> dt.datetime:
    """When a version was made (UTC), from its clock's millisecond part."""
    return dt.datetime.fromtimestamp((clock_of(version) >> 16) / 1000, tz=dt.UTC)


def pack_clock(clock: int, now_ms: int) -> int:
    """The clock after one local change: past the last one, and at least the wall clock."""
    return max(clock + 1, now_ms << 16)


def apply_clock(clock: int, versions: Iterable[str]) -> int:
    """The clock after applying a file holding `versions`: past everything seen."""
    return max([clock, *(clock_of(v) for v in versions)]) + 1


def merge_ancestors(*groups: Iterable[str]) -> list[str]:
    """One ancestor list from several: each version once, oldest first, the newest ANC_LIMIT."""
    merged = sorted({v for group in groups for v in group})
    return merged[-ANC_LIMIT:]


@dataclass(frozen=True)
class Version:
    """One value of a field as a version made it, with the versions it replaced."""

    ver: str
    value: Any
    anc: tuple[str, ...] = ()

    def covers(self, ver: str) -> bool:
        return ver == self.ver or ver in self.anc


def maximal(candidates: Iterable[Version]) -> list[Version]:
    """The candidates none of the others descends from (each version once), by version."""
    unique: dict[str, Version] = {}
    for c in candidates:
        unique.setdefault(c.ver, c)
    kept = [
        c for c in unique.values() if not any(c.ver in o.anc for o in unique.values() if o is not c)
    ]
    return sorted(kept, key=lambda c: c.ver)


def settle(current: list[Version], incoming: Version) -> list[Version] | None:
    """What a field holds after `incoming` arrives, given the versions it holds now (one, or an
    open review's candidates): None when `incoming` is already held or older; otherwise the
    maximal versions (one: take it; more: a review, the greatest version stored)."""
    if any(c.covers(incoming.ver) for c in current):
        return None
    return maximal([*current, incoming])


# ---- the schema, from the models -------------------------------------------------------------

_META = Base.metadata


def _x(session: Session, sql: str, params: Any = None) -> CursorResult:
    """Run SQL on the session's connection, straight to the driver (named parameters; a list
    of them runs it for each): the engine writes many small rows, and SQLAlchemy's statement
    building cost more than SQLite's work. The ORM's pending writes are flushed by the
    public functions before they start."""
    return session.connection().exec_driver_sql(sql, params if params is not None else ())


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fk(table: str, column: str) -> ForeignKey | None:
    col = _META.tables[table].c[column]
    return next(iter(col.foreign_keys), None)


def _cascades(table: str, column: str) -> bool:
    fk = _fk(table, column)
    return fk is not None and (fk.ondelete or "").upper() == "CASCADE"


def _children(parent: str) -> list[tuple[str, str]]:
    """(child table, FK column) of every replicated child deleted with a `parent` row."""
    return [
        (child, column)
        for child in sync_capture.REPLICATED
        for column, table in sync_capture.FOREIGN_KEYS.get(child, {}).items()
        if table == parent and _cascades(child, column)
    ]


def _unique_keys(table: str) -> list[tuple[str, ...]]:
    """The column sets two rows of `table` may not share (besides uid and the local id)."""
    t = _META.tables[table]
    keys = [
        tuple(c.name for c in con.columns)
        for con in t.constraints
        if isinstance(con, UniqueConstraint)
    ]
    keys += [(c.name,) for c in t.columns if c.unique]
    pk = tuple(c.name for c in t.primary_key.columns)
    if pk != ("id",):
        keys.append(pk)
    return sorted({k for k in keys if k and "uid" not in k and "id" not in k})


_COLUMNS: dict[str, frozenset[str]] = {}


def _columns(table: str) -> frozenset[str]:
    if table not in _COLUMNS:
        _COLUMNS[table] = frozenset(sync_capture.columns(table))
    return _COLUMNS[table]


def _bookkeeping(table: str, column: str) -> bool:
    return column in getattr(sync_capture, "BOOKKEEPING", {}).get(table, ())


# ---- this laptop -----------------------------------------------------------------------------


def _now_ms() -> int:
    """The wall clock in milliseconds (tests replace it)."""
    return time.time_ns() // 1_000_000


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def device_id(session: Session) -> str:
    """This laptop's device id: its installation key's fingerprint (desktop.store.referral_file),
    lower case without dashes. Made (in the session) the first time it is asked for."""
    session.flush()
    row = _x(session, ("SELECT device FROM sync_device WHERE id = 1")).first()
    if row is not None:
        return row[0]
    from desktop.store.referral_file import own_identity

    device = own_identity(session).fingerprint.replace("-", "").lower()
    _x(
        session,
        ("INSERT INTO sync_device (id, device, clock, next_seq) VALUES (1, :d, 0, 1)"),
        {"d": device},
    )
    return device


def device_name(session: Session) -> str:
    """The name this laptop goes by in the centre ("" when none was given)."""
    return get_setting(session, DEVICE_NAME_SETTING, "") or ""


def set_device_name(session: Session, name: str) -> None:
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise ValueError("This laptop's name must be 1 to 100 characters.")
    set_setting(session, DEVICE_NAME_SETTING, name)


def _clock(session: Session) -> int:
    device_id(session)
    return int(_x(session, ("SELECT clock FROM sync_device WHERE id = 1")).scalar_one())


def _set_clock(session: Session, clock: int) -> None:
    _x(session, ("UPDATE sync_device SET clock = :c WHERE id = 1"), {"c": clock})


class _Ticker:
    """Hands out this laptop's versions for one pack, writing the clock back once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.device = device_id(session)
        self.clock = _clock(session)
        self.start = self.clock

    def __call__(self) -> str:
        self.clock = pack_clock(self.clock, _now_ms())
        return make_version(self.clock, self.device)

    def save(self) -> None:
        if self.clock != self.start:
            _set_clock(self.session, self.clock)


# ---- rows and fields as stored -----------------------------------------------------------------


@dataclass
class _RowState:
    ver: str | None = None
    deleted: bool = False

    @property
    def known(self) -> bool:
        return self.ver is not None


def _row_state(session: Session, table: str, uid: str) -> _RowState:
    row = _x(
        session,
        ("SELECT ver, deleted FROM sync_rows WHERE tbl = :t AND uid = :u"),
        {"t": table, "u": uid},
    ).first()
    return _RowState() if row is None else _RowState(row[0], bool(row[1]))


def _set_row(session: Session, table: str, uid: str, ver: str, deleted: bool) -> None:
    """Record a row (its creation version) or its tombstone (keeping the creation version)."""
    _x(
        session,
        (
            "INSERT INTO sync_rows (tbl, uid, ver, deleted) VALUES (:t, :u, :v, :d) "
            "ON CONFLICT(tbl, uid) DO UPDATE SET deleted = excluded.deleted"
        ),
        {"t": table, "u": uid, "v": ver, "d": int(deleted)},
    )


def _local_id(session: Session, table: str, uid: str) -> int | None:
    return _x(session, (f"SELECT rowid FROM {_q(table)} WHERE uid = :u"), {"u": uid}).scalar()


def _exists(session: Session, table: str, uid: str) -> bool:
    return _local_id(session, table, uid) is not None


def _uid_of(session: Session, table: str, row_id: int | None) -> str | None:
    if row_id is None:
        return None
    return _x(session, (f"SELECT uid FROM {_q(table)} WHERE rowid = :i"), {"i": row_id}).scalar()


def _wire_row(session: Session, table: str, uid: str) -> dict[str, Any] | None:
    """A row's replicated columns as they travel (foreign keys as parent uids)."""
    cols = sync_capture.columns(table)
    row = _x(
        session,
        (f"SELECT {', '.join(_q(c) for c in cols)} FROM {_q(table)} WHERE uid = :u"),
        {"u": uid},
    ).first()
    if row is None:
        return None
    out = dict(zip(cols, row, strict=True))
    for column, parent in sync_capture.FOREIGN_KEYS.get(table, {}).items():
        if column in out:
            out[column] = _uid_of(session, parent, out[column])
    return out


def _wire_value(session: Session, table: str, uid: str, column: str) -> Any:
    value = _x(
        session, (f"SELECT {_q(column)} FROM {_q(table)} WHERE uid = :u"), {"u": uid}
    ).scalar()
    parent = sync_capture.FOREIGN_KEYS.get(table, {}).get(column)
    return _uid_of(session, parent, value) if parent else value


_GONE = object()


def _local_value(session: Session, table: str, column: str, value: Any) -> Any:
    """A travelling value as this store holds it: a parent uid as the parent's local id; None
    for a parent deleted when the key is SET NULL; _GONE when the parent is deleted and the
    row goes with it; KeyError when the parent is unknown."""
    parent = sync_capture.FOREIGN_KEYS.get(table, {}).get(column)
    if parent is None or value is None:
        return value
    row_id = _local_id(session, parent, value)
    if row_id is not None:
        return row_id
    if _row_state(session, parent, value).known:
        return _GONE if _cascades(table, column) else None
    raise KeyError(parent)


def _field(session: Session, table: str, uid: str, column: str) -> Version | None:
    row = _x(
        session,
        ("SELECT ver, anc FROM sync_fields WHERE tbl = :t AND uid = :u AND col = :c"),
        {"t": table, "u": uid, "c": column},
    ).first()
    if row is None:
        return None
    return Version(row[0], None, tuple(json.loads(row[1])))


_SET_FIELD = (
    "INSERT INTO sync_fields (tbl, uid, col, ver, anc) VALUES (:t, :u, :c, :v, :a) "
    "ON CONFLICT(tbl, uid, col) DO UPDATE SET ver = excluded.ver, anc = excluded.anc"
)


def _field_params(table: str, uid: str, column: str, ver: str, anc: Iterable[str]) -> dict:
    return {"t": table, "u": uid, "c": column, "v": ver, "a": json.dumps(list(anc)[-ANC_LIMIT:])}


def _set_field(session: Session, table: str, uid: str, column: str, ver: str, anc) -> None:
    _x(session, _SET_FIELD, _field_params(table, uid, column, ver, anc))


def _set_fields(session: Session, table: str, uid: str, fields: dict[str, dict]) -> None:
    """Every field of a new row at once ({column: {"ver", "anc"}})."""
    if fields:
        _x(
            session,
            _SET_FIELD,
            [_field_params(table, uid, c, f["ver"], f["anc"]) for c, f in fields.items()],
        )


def _review(session: Session, table: str, uid: str, column: str) -> list[Version] | None:
    row = _x(
        session,
        ("SELECT candidates FROM sync_review WHERE tbl = :t AND uid = :u AND col = :c"),
        {"t": table, "u": uid, "c": column},
    ).first()
    if row is None:
        return None
    return [Version(c["ver"], c.get("value"), tuple(c.get("anc", ()))) for c in json.loads(row[0])]


def _set_review(
    session: Session, table: str, uid: str, column: str, candidates: list[Version]
) -> None:
    data = json.dumps(
        [
            {"ver": c.ver, "value": c.value, "device": device_of(c.ver), "anc": list(c.anc)}
            for c in candidates
        ]
    )
    _x(
        session,
        (
            "INSERT INTO sync_review (tbl, uid, col, candidates, opened_at) "
            "VALUES (:t, :u, :c, :d, :at) "
            "ON CONFLICT(tbl, uid, col) DO UPDATE SET candidates = excluded.candidates"
        ),
        {"t": table, "u": uid, "c": column, "d": data, "at": _now_text()},
    )


def _close_review(session: Session, table: str, uid: str, column: str) -> None:
    _x(
        session,
        ("DELETE FROM sync_review WHERE tbl = :t AND uid = :u AND col = :c"),
        {"t": table, "u": uid, "c": column},
    )


def _write(session: Session, table: str, uid: str, column: str, value: Any) -> None:
    """Write a travelling value into the row (a parent uid translated to its local id)."""
    try:
        local = _local_value(session, table, column, value)
    except KeyError:
        return  # cannot happen after the waiting check; never write a dangling key
    if local is _GONE:
        return
    _x(
        session,
        (f"UPDATE {_q(table)} SET {_q(column)} = :v WHERE uid = :u"),
        {"v": local, "u": uid},
    )


# ---- deleting ----------------------------------------------------------------------------------


def _with_descendants(session: Session, table: str, uid: str) -> list[tuple[str, str]]:
    """The row and every row deleted with it (by ON DELETE CASCADE), parents first."""
    out = [(table, uid)]
    queue = [(table, _local_id(session, table, uid))]
    while queue:
        parent, row_id = queue.pop()
        if row_id is None:
            continue
        for child, column in _children(parent):
            for child_id, child_uid in _x(
                session,
                (f"SELECT rowid, uid FROM {_q(child)} WHERE {_q(column)} = :i"),
                {"i": row_id},
            ):
                out.append((child, child_uid))
                queue.append((child, child_id))
    return out


def _forget(session: Session, rows: list[tuple[str, str]], ver: str) -> None:
    """Tombstone rows and drop what is kept about them: field versions, review items (which
    hold values) and this laptop's unsent changes to them (an erasure leaves nothing)."""
    for table, uid in rows:
        state = _row_state(session, table, uid)
        _set_row(session, table, uid, state.ver or ver, True)
        params = {"t": table, "u": uid}
        _x(session, ("DELETE FROM sync_fields WHERE tbl = :t AND uid = :u"), params)
        _x(session, ("DELETE FROM sync_review WHERE tbl = :t AND uid = :u"), params)
        _x(
            session,
            ("DELETE FROM sync_outbox WHERE tbl = :t AND uid = :u AND op != 'delete'"),
            params,
        )


def _note_client_erasure(session: Session, client_id: int) -> None:
    """What a local erasure does besides deleting rows (repository.delete_client and the
    store's erasure watch): drafts go, the kept copies are told, the audit trail notes it."""
    from desktop.store.database import PENDING_ERASURE_PREFIX

    created = _x(
        session, ("SELECT created_at FROM clients WHERE id = :i"), {"i": client_id}
    ).scalar()
    drafts.drop_client(session, client_id)
    if created is not None:
        try:
            stamp = dt.datetime.fromisoformat(str(created)).isoformat()
        except ValueError:
            stamp = None
        if stamp is not None:
            key = f"{PENDING_ERASURE_PREFIX}{client_id}"
            held = get_setting(session, key)
            try:
                stamps = [s for s in json.loads(held) if isinstance(s, str)] if held else []
            except ValueError:
                stamps = []
            if stamp not in stamps:
                set_setting(session, key, json.dumps(stamps + [stamp]))
    audit(
        session,
        OTHER_LAPTOP,
        client_id,
        "client.delete",
        "client and all records erased on another laptop of the centre",
    )


def _delete_local(session: Session, table: str, uid: str, ver: str) -> int:
    """Delete a row here (its children by cascade) and tombstone it all. Returns rows deleted."""
    rows = _with_descendants(session, table, uid)
    row_id = _local_id(session, table, uid)
    _forget(session, rows, ver)
    if row_id is None:
        return 0
    if table == "clients":
        _note_client_erasure(session, row_id)
        session.flush()
    _x(session, (f"DELETE FROM {_q(table)} WHERE uid = :u"), {"u": uid})
    return len(rows)


# ---- stamping and packing this laptop's changes ------------------------------------------------


def _stamp_row(session: Session, row: sync_capture.OutboxRow, tick: _Ticker) -> dict | None:
    """Give one captured change its version; the change record, or None to drop it."""
    table, uid = row.tbl, row.uid
    state = _row_state(session, table, uid)
    if row.op == "delete":
        ver = tick()
        # Children deleted by cascade have their own delete rows, but a laptop that never
        # captured them (they came while applying) still tombstones them with the parent.
        _forget(session, [(table, uid)], ver)
        return {"t": table, "u": uid, "op": "delete", "ver": ver}
    if state.deleted:
        return None  # deleted here or by another laptop since: deletion wins
    op, data = row.op, row.data
    if op == "update" and not state.known:
        # A row never shared (made before capture was on): it travels whole.
        data = _wire_row(session, table, uid)
        if data is None:
            return None
        op = "insert"
    ver = tick()
    fields: dict[str, dict] = {}
    if op == "insert":
        _set_row(session, table, uid, ver, False)
        fields = {column: {"v": value, "ver": ver, "anc": []} for column, value in data.items()}
        _set_fields(session, table, uid, fields)
    else:
        for column, value in data.items():
            held = _field(session, table, uid, column)
            review = _review(session, table, uid, column) or []
            anc = merge_ancestors(
                held.anc if held else (),
                [held.ver] if held else (),
                [c.ver for c in review],
                *(c.anc for c in review),
            )
            _set_field(session, table, uid, column, ver, anc)
            if review:
                _close_review(session, table, uid, column)
            fields[column] = {"v": value, "ver": ver, "anc": anc}
    return {"t": table, "u": uid, "op": op, "ver": ver, "f": fields}


def stamp(session: Session) -> int:
    """Give every captured change not yet versioned its version (kept in the outbox until it
    is packed). Returns how many were stamped."""
    session.flush()
    tick = _Ticker(session)
    done = 0
    for row in sync_capture.pending(session):
        if _STAMPED in row.data:
            continue
        record = _stamp_row(session, row, tick)
        if record is None:
            _x(session, ("DELETE FROM sync_outbox WHERE seq = :s"), {"s": row.seq})
        else:
            _x(
                session,
                ("UPDATE sync_outbox SET data = :d WHERE seq = :s"),
                {"d": json.dumps({_STAMPED: record}), "s": row.seq},
            )
        done += 1
    tick.save()
    return done


_HEAD: list[str] = []


def _schema() -> str:
    if not _HEAD:
        from desktop.store.database import head_revision

        _HEAD.append(head_revision())
    return _HEAD[0]


def pack(session: Session) -> dict | None:
    """This laptop's captured changes as one change set, or None when there are none.

    The outbox rows packed are dropped and the next file number taken in the caller's
    transaction: write the file before committing it (a failure rolls both back)."""
    session.flush()
    device = device_id(session)
    stamp(session)
    rows = sync_capture.pending(session)
    if not rows:
        return None
    records = []
    for row in rows:
        record = row.data.get(_STAMPED)
        if record is None:
            continue
        if record["op"] != "delete" and _row_state(session, record["t"], record["u"]).deleted:
            continue  # deleted since it was stamped: its values stay here
        records.append(record)
    sync_capture.drop_through(session, rows[-1].seq)
    if not records:
        return None
    seq = int(_x(session, ("SELECT next_seq FROM sync_device WHERE id = 1")).scalar_one())
    _x(session, ("UPDATE sync_device SET next_seq = :n WHERE id = 1"), {"n": seq + 1})
    return {
        "format": FORMAT,
        "device": device,
        "seq": seq,
        "schema": _schema(),
        "changes": records,
    }


# ---- checking a change set ---------------------------------------------------------------------


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _checked(changes: Any) -> tuple[str, int, list[dict]]:
    """(device, seq, change records) of a well-formed change set; ChangesRefused otherwise."""
    if not isinstance(changes, dict):
        raise ChangesRefused("the change set is not a JSON object")
    if changes.get("format") != FORMAT:
        raise ChangesRefused("the change set's format is not one this version reads")
    device, seq, records = changes.get("device"), changes.get("seq"), changes.get("changes")
    if not isinstance(device, str) or not _DEVICE.match(device):
        raise ChangesRefused("the change set's device is not a device id")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ChangesRefused("the change set's seq is not a positive whole number")
    if not isinstance(records, list):
        raise ChangesRefused("the change set's changes are not a list")
    for n, rec in enumerate(records):
        where = f"change {n + 1}"
        if not isinstance(rec, dict):
            raise ChangesRefused(f"{where} is not an object")
        table, uid, op, ver = rec.get("t"), rec.get("u"), rec.get("op"), rec.get("ver")
        if table not in sync_capture.REPLICATED:
            raise ChangesRefused(f"{where} names a table this version does not share")
        if not isinstance(uid, str) or not _UID.match(uid):
            raise ChangesRefused(f"{where}: the row id is not a uid")
        if op not in _OPS:
            raise ChangesRefused(f"{where}: the operation is not insert, update or delete")
        if not isinstance(ver, str) or not _VERSION.match(ver):
            raise ChangesRefused(f"{where}: the version is not a version")
        if op == "delete":
            continue
        fields = rec.get("f")
        if not isinstance(fields, dict):
            raise ChangesRefused(f"{where}: the fields are not an object")
        for column, fv in fields.items():
            if column not in _columns(table):
                raise ChangesRefused(f"{where} names a column this version does not know")
            if not isinstance(fv, dict) or not _scalar(fv.get("v")):
                raise ChangesRefused(f"{where}: field {column} is not a plain value")
            fver, anc = fv.get("ver"), fv.get("anc")
            if not isinstance(fver, str) or not _VERSION.match(fver):
                raise ChangesRefused(f"{where}: field {column}'s version is not a version")
            if not isinstance(anc, list) or not all(
                isinstance(a, str) and _VERSION.match(a) for a in anc
            ):
                raise ChangesRefused(f"{where}: field {column}'s ancestors are not versions")
            parent = sync_capture.FOREIGN_KEYS.get(table, {}).get(column)
            value = fv.get("v")
            if parent and value is not None and not (isinstance(value, str) and _UID.match(value)):
                raise ChangesRefused(f"{where}: field {column} is not a uid")
    return device, seq, records


def _waits_for(session: Session, records: list[dict]) -> bool:
    """True when a change names a row or parent neither here (nor tombstoned) nor made in
    this change set: a file not yet arrived comes first."""
    in_file = {(r["t"], r["u"]) for r in records if r["op"] in ("insert", "delete")}
    known: dict[tuple[str, str], bool] = {}

    def is_known(table: str, uid: str) -> bool:
        key = (table, uid)
        if key not in known:
            known[key] = (
                key in in_file
                or _row_state(session, table, uid).known
                or _exists(session, table, uid)
            )
        return known[key]

    for rec in records:
        if rec["op"] == "delete":
            continue
        table, uid = rec["t"], rec["u"]
        if _row_state(session, table, uid).deleted:
            continue  # ignored whatever it names
        if rec["op"] == "update" and not is_known(table, uid):
            return True
        for column, parent in sync_capture.FOREIGN_KEYS.get(table, {}).items():
            fv = rec["f"].get(column)
            if fv is not None and fv["v"] is not None and not is_known(parent, fv["v"]):
                return True
    return False


# ---- applying ----------------------------------------------------------------------------------


@dataclass
class Applied:
    """What applying one change set did (counts of rows; conflicts: fields sent to review)."""

    added: int = 0
    changed: int = 0
    deleted: int = 0
    conflicts: int = 0
    skipped: bool = False
    waiting: bool = False
    device: str = ""
    seq: int = 0


def _receive_field(session: Session, table: str, uid: str, column: str, fv: dict) -> str:
    """Settle one incoming field version: "none", "taken" or "conflict"."""
    incoming = Version(fv["ver"], fv["v"], tuple(fv["anc"]))
    held = _field(session, table, uid, column)
    review = _review(session, table, uid, column)
    if held is None and not review:
        _write(session, table, uid, column, incoming.value)
        _set_field(session, table, uid, column, incoming.ver, incoming.anc)
        return "taken"
    if review:
        current = review
    else:
        assert held is not None
        value = _wire_value(session, table, uid, column)
        current = [Version(held.ver, value, held.anc)]
    result = settle(current, incoming)
    if result is None:
        return "none"
    winner = max(result, key=lambda c: c.ver)
    if winner is incoming:
        _write(session, table, uid, column, incoming.value)
    if len(result) == 1 or _bookkeeping(table, column):
        anc = winner.anc
        if len(result) > 1:  # bookkeeping: the greater version replaces the others
            losers = [c for c in result if c is not winner]
            anc = tuple(
                merge_ancestors(winner.anc, [c.ver for c in losers], *(c.anc for c in losers))
            )
        _set_field(session, table, uid, column, winner.ver, anc)
        if review:
            _close_review(session, table, uid, column)
        return "taken" if winner is incoming else "none"
    _set_field(session, table, uid, column, winner.ver, winner.anc)
    _set_review(session, table, uid, column, result)
    return "conflict"


def _clashing(session: Session, table: str, values: dict[str, Any]) -> str | None:
    """The uid of a row here that a new row with `values` would clash with (UNIQUE)."""
    for key in _unique_keys(table):
        if any(values.get(c) is None for c in key):
            continue
        where = " AND ".join(f"{_q(c)} = :k{n}" for n, c in enumerate(key))
        found = _x(
            session,
            (f"SELECT uid FROM {_q(table)} WHERE {where}"),
            {f"k{n}": values[c] for n, c in enumerate(key)},
        ).scalar()
        if found is not None:
            return found
    return None


def _insert(session: Session, rec: dict, applied: Applied) -> None:
    table, uid, ver = rec["t"], rec["u"], rec["ver"]
    state = _row_state(session, table, uid)
    if state.deleted:
        return  # deleted here, or lost a clash: deletion wins
    if _exists(session, table, uid):
        _update(session, rec, applied)
        return
    values: dict[str, Any] = {}
    for column, fv in rec["f"].items():
        local = _local_value(session, table, column, fv["v"])
        if local is _GONE:  # its parent was deleted: so is it
            _set_row(session, table, uid, ver, True)
            return
        values[column] = local
    other = _clashing(session, table, values)
    if other is not None:
        other_ver = _row_state(session, table, other).ver or ""
        if other_ver > ver:
            _set_row(session, table, uid, ver, True)
            return
        applied.deleted += _delete_local(session, table, other, ver)
    names = ["uid", *values]
    _x(
        session,
        (
            f"INSERT INTO {_q(table)} ({', '.join(_q(c) for c in names)}) "
            f"VALUES ({', '.join(f':p{n}' for n in range(len(names)))})"
        ),
        {f"p{n}": v for n, v in enumerate([uid, *values.values()])},
    )
    _set_row(session, table, uid, ver, False)
    _set_fields(session, table, uid, rec["f"])
    applied.added += 1


def _update(session: Session, rec: dict, applied: Applied) -> None:
    table, uid = rec["t"], rec["u"]
    if _row_state(session, table, uid).deleted or not _exists(session, table, uid):
        return
    outcomes = [_receive_field(session, table, uid, column, fv) for column, fv in rec["f"].items()]
    applied.conflicts += outcomes.count("conflict")
    if "taken" in outcomes or "conflict" in outcomes:
        applied.changed += 1


def _delete(session: Session, rec: dict, applied: Applied) -> None:
    table, uid = rec["t"], rec["u"]
    if _row_state(session, table, uid).deleted and not _exists(session, table, uid):
        return
    applied.deleted += _delete_local(session, table, uid, rec["ver"])


def applied_already(session: Session, device: str, seq: int) -> bool:
    session.flush()
    return (
        _x(
            session,
            ("SELECT 1 FROM sync_applied WHERE device = :d AND seq = :s"),
            {"d": device, "s": seq},
        ).first()
        is not None
    )


def apply(session: Session, changes: dict) -> Applied:
    """Apply another laptop's change set in the caller's transaction (see the module text).
    ChangesRefused when it is not well formed (nothing written)."""
    session.flush()
    device, seq, records = _checked(changes)
    applied = Applied(device=device, seq=seq)
    if device == device_id(session) or applied_already(session, device, seq):
        applied.skipped = True
        return applied
    if _waits_for(session, records):
        applied.waiting = True
        return applied
    stamp(session)  # edits typed here meet the file's as what they are: concurrent or older
    seen = [r["ver"] for r in records]
    seen += [fv["ver"] for r in records for fv in r.get("f", {}).values()]
    _set_clock(session, apply_clock(_clock(session), seen))
    with sync_capture.applying(session):
        for rec in records:
            {"insert": _insert, "update": _update, "delete": _delete}[rec["op"]](
                session, rec, applied
            )
    _x(
        session,
        ("INSERT INTO sync_applied (device, seq, applied_at) VALUES (:d, :s, :at)"),
        {"d": device, "s": seq, "at": _now_text()},
    )
    return applied


# ---- the review queue --------------------------------------------------------------------------

SECTIONS: dict[str, str] = {
    "clients": "Client details",
    "household_members": "Household",
    "permissions": "Permissions",
    "applications": "Applications",
    "absences": "Absences",
    "custody": "Custody",
    "status_checks": "Status checks",
    "case_notes": "Case notes",
    "statement_checks": "Bank statements check",
    "bank_accounts": "Bank accounts",
    "statement_periods": "Bank statements",
    "bank_transactions": "Bank statement lines",
    "transaction_explanations": "Explanations of statement lines",
    "client_checklists": "Checklists",
    "client_checklist_items": "Checklist items",
    "matters": "Matters",
    "visits": "Visits",
    "letters": "Letters sent",
    "complaints": "Complaints",
    "consents": "Consents",
    "access_requests": "Subject access requests to the centre",
    "retention_decisions": "Retention decisions",
}
_LABELS = {
    "ni_number": "NI number",
    "uan": "UAN",
    "brp_or_share_code": "BRP or share code",
    "home_office_ref": "Home Office reference",
    "member_client_id": "Linked client",
    "relationship": "Relationship",
}


def label_of(column: str) -> str:
    return _LABELS.get(column, column.replace("_", " ").capitalize())


@dataclass(frozen=True)
class ReviewCandidate:
    """One value a field was given: `value` as stored (dates ISO text, flags 0/1, a linked row
    as its uid), `shown` for a person, who gave it and when."""

    value: Any
    shown: str
    device: str
    who: str
    when: dt.datetime
    ver: str
    #: The value this laptop stores while the item waits (the greatest version).
    stored: bool = False


@dataclass(frozen=True)
class ReviewItem:
    id: int
    tbl: str
    uid: str
    col: str
    section: str
    label: str
    client_id: int | None
    candidates: tuple[ReviewCandidate, ...] = field(default_factory=tuple)
    opened_at: str = ""


def _client_of(session: Session, table: str, uid: str) -> int | None:
    row_id = _local_id(session, table, uid)
    while row_id is not None and table != "clients":
        column, parent = next(iter(sync_capture.FOREIGN_KEYS[table].items()))
        row_id = _x(
            session, (f"SELECT {_q(column)} FROM {_q(table)} WHERE rowid = :i"), {"i": row_id}
        ).scalar()
        table = parent
    return row_id


def _shown(session: Session, table: str, column: str, value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    parent = sync_capture.FOREIGN_KEYS.get(table, {}).get(column)
    if parent == "clients":
        name = _x(session, ("SELECT full_name FROM clients WHERE uid = :u"), {"u": value}).scalar()
        return name if name is not None else "(a client not on this laptop)"
    if parent is not None:
        return "(a linked record)"
    type_name = type(_META.tables[table].c[column].type).__name__
    if type_name == "Boolean":
        return "yes" if value else "no"
    return str(value)


def review_items(session: Session, names: Mapping[str, str] | None = None) -> list[ReviewItem]:
    """The open review items, oldest first. `names`: device id -> laptop name (the centre's
    enrolled laptops); this laptop is named by its own setting."""
    session.flush()
    names = dict(names or {})
    # Read only (the window asks in a read session): this laptop's id when it has one.
    me = _x(session, "SELECT device FROM sync_device WHERE id = 1").scalar()
    if me is not None:
        names.setdefault(me, device_name(session) or "this laptop")
    out = []
    rows = _x(
        session, ("SELECT id, tbl, uid, col, candidates, opened_at FROM sync_review ORDER BY id")
    ).all()
    for item_id, table, uid, column, data, opened_at in rows:
        candidates = json.loads(data)
        greatest = max(c["ver"] for c in candidates)
        out.append(
            ReviewItem(
                id=item_id,
                tbl=table,
                uid=uid,
                col=column,
                section=SECTIONS.get(table, table),
                label=label_of(column),
                client_id=_client_of(session, table, uid),
                candidates=tuple(
                    ReviewCandidate(
                        value=c.get("value"),
                        shown=_shown(session, table, column, c.get("value")),
                        device=device_of(c["ver"]),
                        who=names.get(device_of(c["ver"]), device_of(c["ver"])),
                        when=time_of(c["ver"]),
                        ver=c["ver"],
                        stored=c["ver"] == greatest,
                    )
                    for c in sorted(candidates, key=lambda c: c["ver"])
                ),
                opened_at=opened_at,
            )
        )
    return out


def review_count(session: Session) -> int:
    session.flush()
    return int(_x(session, ("SELECT count(*) FROM sync_review")).scalar_one())


def resolve(session: Session, item_id: int, value: Any, adviser: str | None = None) -> None:
    """Settle a review item with `value` (one of its candidates' values): written here and
    captured as a change descending from every candidate, so the next sync closes the item on
    every laptop. ValueError when the item is gone or the value is not one of its values."""
    session.flush()
    row = _x(
        session, ("SELECT tbl, uid, col, candidates FROM sync_review WHERE id = :i"), {"i": item_id}
    ).first()
    if row is None:
        raise ValueError("This item has already been settled.")
    table, uid, column, data = row
    if value not in [c.get("value") for c in json.loads(data)]:
        raise ValueError("Choose one of the values shown.")
    if not _exists(session, table, uid):
        _close_review(session, table, uid, column)
        return
    with sync_capture.applying(session):
        _write(session, table, uid, column, value)
    _x(
        session,
        ("INSERT INTO sync_outbox (tbl, uid, op, data, at) VALUES (:t, :u, 'update', :d, :at)"),
        {"t": table, "u": uid, "d": json.dumps({column: value}), "at": _now_text()},
    )
    stamp(session)  # versions the choice above every candidate and closes the item
    if adviser:
        audit(
            session,
            adviser,
            _client_of(session, table, uid),
            "sharing.review",
            f"chose a value for {SECTIONS.get(table, table).lower()}: {label_of(column).lower()}",
        )


# ---- comparing stores (tests, the benchmark, diagnostics) --------------------------------------


def replicated_snapshot(session: Session) -> dict[str, dict[str, dict[str, Any]]]:
    """Every replicated row by table and uid, all columns, foreign keys as parent uids."""
    session.flush()
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for table in sync_capture.REPLICATED:
        uids = _x(session, (f"SELECT uid FROM {_q(table)} ORDER BY uid")).scalars()
        out[table] = {uid: _wire_row(session, table, uid) or {} for uid in uids}
    return out


def review_snapshot(session: Session) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """The review queue as (table, uid, column, candidate versions), sorted."""
    session.flush()
    rows = _x(session, ("SELECT tbl, uid, col, candidates FROM sync_review")).all()
    return sorted((t, u, c, tuple(sorted(x["ver"] for x in json.loads(d)))) for t, u, c, d in rows)
