"""Rows <-> rules value types: ONE mapping for every history record. The rules package never
sees the ORM.

`RECORDS` says, for each kind of record, which table holds it, which column holds each field of
the value type, and how a stored value becomes the field's value (a date, a flag, a list of
codes). Everything that moves a history in or out of the store reads it:

* `history_from_client` / `history_rows`: ORM rows <-> History (the client page, import, export);
* `source_columns` / `history_from_records`: the stored values read through the driver's
  cursor in a few queries (`repository.history_sources`, the deadlines board), dates as ISO
  text and flags as 0/1.

The fast reader asks for the columns named here and reads each value back by the same name,
so adding a column (here, once) cannot shift another field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.rules.history import (
    APPLICATION_FIELDS,
    Absence,
    Application,
    Custody,
    History,
    Permission,
    Person,
    Question,
    StatusCheck,
)
from desktop.store.models import (
    AbsenceRow,
    ApplicationRow,
    Base,
    Client,
    CustodyRow,
    PermissionRow,
    StatusCheckRow,
)

#: How a stored value becomes a field's value. "date": a date (ISO text from the driver); "flag":
#: true, false or not known (None); "tick": true or false; "codes": a comma-separated list kept
#: as a tuple of codes; "value": as it is (text, a code, a number).
KINDS = ("value", "date", "flag", "tick", "codes")


@dataclass(frozen=True)
class Column:
    """One field of a value type and the column that holds it."""

    field: str
    column: str
    kind: str = "value"

    def read(self, stored: Any) -> Any:
        """The field's value from the stored one (an ORM attribute or a driver value)."""
        if self.kind == "date":
            if stored is None or isinstance(stored, date):
                return stored
            return date.fromisoformat(stored)
        if self.kind == "flag":
            return None if stored is None else bool(stored)
        if self.kind == "tick":
            return bool(stored)
        if self.kind == "codes":
            return tuple(c for c in (stored or "").split(",") if c)
        return stored

    def write(self, value: Any) -> Any:
        """The stored value (for an ORM row) of the field's value."""
        if self.kind == "codes":
            return ",".join(value)
        if self.kind == "tick":
            return bool(value)
        return value


@dataclass(frozen=True)
class RecordMap:
    """One kind of history record: its table (named as the History attribute), value type,
    ORM row type, columns, and the order the client's relationship keeps them in."""

    collection: str
    value_type: type
    row_type: type[Base]
    columns: tuple[Column, ...]
    order: str
    #: Columns the row has that are not fields (the application's position in the list).
    extra: Callable[[int], dict[str, Any]] | None = None
    #: The fields that say "the same record, edited" when a history is saved (issue 21: the row
    #: keeps its uid and only its changed columns are written). Empty: the record's place in
    #: the list (applications).
    natural_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.column for c in self.columns)

    def from_row(self, row: Any) -> Any:
        return self.value_type(**{c.field: c.read(getattr(row, c.column)) for c in self.columns})

    def from_stored(self, values: Sequence[Any], names: Sequence[str] | None = None) -> Any:
        """The value from stored `values`, in the order of `names` (default `column_names`):
        each read by its column's name, never by its place."""
        if names is None:
            # Read with `column_names`: the values are in the columns' own order.
            return self.value_type(
                **{c.field: c.read(v) for c, v in zip(self.columns, values, strict=True)}
            )
        by_name = dict(zip(names, values, strict=True))
        return self.value_type(**{c.field: c.read(by_name[c.column]) for c in self.columns})

    def row_columns(self, value: Any, position: int) -> dict[str, Any]:
        """Column -> the value an ORM row holds for `value` at `position` in its list."""
        fields = {c.column: c.write(getattr(value, c.field)) for c in self.columns}
        if self.extra is not None:
            fields.update(self.extra(position))
        return fields

    def to_row(self, value: Any, position: int) -> Any:
        return self.row_type(**self.row_columns(value, position))

    def key(self, value: Any, position: int) -> tuple:
        if not self.natural_key:
            return (position,)
        return tuple(getattr(value, f) for f in self.natural_key)

    def reconcile(self, rows: Sequence[Any], values: Sequence[Any]) -> list[Any]:
        """The rows that hold `values` (in their order), reusing `rows` (see `reconcile`)."""
        return reconcile(
            rows,
            values,
            value_of=self.from_row,
            key=self.key,
            columns_of=self.row_columns,
            new_row=lambda cols: self.row_type(**cols),
        )


def _application_columns() -> tuple[Column, ...]:
    kinds = {
        name: "date" if "date" in str(f) else "flag" if "bool" in str(f) else "value"
        for name, f in Application.__annotations__.items()
    }
    return tuple(Column(name, name, kinds[name]) for name in APPLICATION_FIELDS)


RECORDS: tuple[RecordMap, ...] = (
    RecordMap(
        "permissions",
        Permission,
        PermissionRow,
        (
            Column("category", "category"),
            Column("start", "start", "date"),
            Column("end", "end", "date"),
            Column("granted_on", "granted_on", "date"),
            Column("conditions", "conditions", "codes"),
            Column("entered_on", "entered_on", "date"),
        ),
        "start, id",
        natural_key=("category", "start"),
    ),
    RecordMap(
        "applications",
        Application,
        ApplicationRow,
        _application_columns(),
        "position, id",
        extra=lambda position: {"position": position},
    ),
    RecordMap(
        "absences",
        Absence,
        AbsenceRow,
        (
            Column("left", "left", "date"),
            Column("returned", "returned", "date"),
            Column("reason", "reason"),
            Column("exceptional", "exceptional", "tick"),
            Column("planned", "planned", "tick"),
        ),
        '"left", id',
        natural_key=("left",),
    ),
    RecordMap(
        "custody",
        Custody,
        CustodyRow,
        (Column("start", "start", "date"), Column("end", "end", "date")),
        "start, id",
        natural_key=("start",),
    ),
    RecordMap(
        "status_checks",
        StatusCheck,
        StatusCheckRow,
        (Column("on", "on", "date"), Column("outcome", "outcome")),
        '"on", id',
        natural_key=("on",),
    ),
)
RECORD_MAPS: dict[str, RecordMap] = {m.collection: m for m in RECORDS}


def reconcile(
    rows: Sequence[Any],
    values: Sequence[Any],
    *,
    value_of: Callable[[Any], Any],
    key: Callable[[Any, int], Any],
    columns_of: Callable[[Any, int], dict[str, Any]],
    new_row: Callable[[dict[str, Any]], Any],
) -> list[Any]:
    """Issue 21: the ORM rows that hold `values` (in their order), editing `rows` in place
    rather than replacing them, so each record keeps its uid and only what changed is written
    (and shared).

    Each value is matched to a held row: first a row holding an equal value (untouched but for
    its place), then a row with the same natural key (`key(value, position)`: its changed
    columns are set); ties go to the earlier row. A value with no match gets `new_row`; a held
    row left unmatched is not in the result (the relationship's delete-orphan deletes it)."""
    held = [value_of(row) for row in rows]
    free = list(range(len(rows)))
    matched: list[int | None] = [None] * len(values)
    for i, value in enumerate(values):
        j = next((j for j in free if held[j] == value), None)
        if j is not None:
            matched[i] = j
            free.remove(j)
    for i, value in enumerate(values):
        if matched[i] is not None:
            continue
        wanted = key(value, i)
        j = next((j for j in free if key(held[j], j) == wanted), None)
        if j is not None:
            matched[i] = j
            free.remove(j)
    out = []
    for i, value in enumerate(values):
        columns = columns_of(value, i)
        if matched[i] is None:
            out.append(new_row(columns))
            continue
        row = rows[matched[i]]
        for name, stored in columns.items():
            if getattr(row, name) != stored:
                setattr(row, name, stored)
        out.append(row)
    return out


def source_columns() -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """(table, columns, SQL order) for each kind of record: what the fast reader asks for."""
    return tuple((m.collection, m.column_names, m.order) for m in RECORDS)


def history_from_client(client: Client) -> History:
    return History(
        person=Person(name=client.full_name or None, date_of_birth=client.date_of_birth),
        question=(
            Question(route=client.target_route, application_date=client.target_date)
            if client.target_route
            else None
        ),
        **{
            m.collection: tuple(m.from_row(row) for row in getattr(client, m.collection))
            for m in RECORDS
        },
    )


def history_rows(history: History) -> dict[str, list]:
    """Fresh ORM rows for every record of `history` (not yet attached to a client)."""
    return {
        m.collection: [m.to_row(v, i) for i, v in enumerate(getattr(history, m.collection))]
        for m in RECORDS
    }


def history_from_records(
    records: tuple, columns: dict[str, Sequence[str]] | None = None
) -> History:
    """A History from `repository.HistorySource.records()` (the stored values: route, target
    date, then each kind of record's rows in `RECORDS` order), without the person. `columns`
    gives the columns each kind's rows were read with (default: this mapping's, which is what
    `history_sources` asks for)."""
    route, target, *rows = records
    names = columns or {}
    return History(
        question=Question(route, _day(target)) if route else None,
        **{
            m.collection: tuple(m.from_stored(r, names.get(m.collection)) for r in kind_rows)
            for m, kind_rows in zip(RECORDS, rows, strict=True)
        },
    )


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value) if value else None
