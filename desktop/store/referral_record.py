"""The client record inside a referral file (issue 20): everything held about one client as a
JSON-able dict, read back strictly, added as a new client or merged record by record.

The record is built from the store's tables themselves (`Model.__table__.columns`): every column
except local ids (the primary key `id` and foreign keys: client, account, statement, checklist,
household link) is carried, so a column added later goes with the record without a change here.
Dates are ISO "YYYY-MM-DD", date-times ISO, money whole pence, flags true/false.
Casework (issue 22: matters, visits, letters, complaints, consents, subject access requests,
retention decisions) goes the same way; a link between two records of the client (a visit's,
letter's or complaint's matter; a matter's application and permission) travels as the place of
the linked record in its section ("matter": 0), never a local id, and is re-made on receive. A
record made before casework existed (database revision below 0011) has no casework sections.
Nothing from the settings table travels (the statistics key `stats_client_key` among them).

`read_record` treats the dict as hostile: each value is checked against its column's type and
length, each list against a count limit, and the history (details, permissions, applications,
trips, custody, status checks, the route asked about) against the rules the history JSON
importer uses (`desktop.rules.history.parse_history`), so a referral never holds a history the
app would refuse. Every message names the path ("applications[2].decided: not a date
(YYYY-MM-DD)") and never the value.

Merging matches records by natural keys (history rows are replaced whole on every edit, so row
ids mean nothing across laptops): see `merge_plan`. `apply_merge` writes the history through
`desktop.store.repository.save_history` (the one mapping), so everything that reads the history
sees it as the client page does.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy import types as sa_types
from sqlalchemy.orm import Session

from desktop.rules.checklists import PROVIDERS
from desktop.rules.dated import render
from desktop.rules.datetext import long_date
from desktop.rules.history import (
    APPLICATION_KINDS,
    ERROR_CODES,
    PERMISSION_CATEGORIES,
    History,
    HistoryError,
    Person,
    Question,
    history_to_dict,
    kind_of,
    parse_history,
    text_problem,
)
from desktop.rules.statement_types import ACCOUNT_KINDS, ACCOUNT_STATUSES
from desktop.store import repository
from desktop.store.database import head_revision, known_revisions
from desktop.store.mapping import RECORDS
from desktop.store.models import (
    AbsenceRow,
    AccessRequestRow,
    ApplicationRow,
    BankAccountRow,
    BankTransactionRow,
    CaseNote,
    ChecklistItemRow,
    Client,
    ClientChecklistRow,
    ComplaintRow,
    ConsentRow,
    CustodyRow,
    HouseholdMember,
    LetterRow,
    MatterRow,
    PermissionRow,
    RetentionDecisionRow,
    StatementCheckRow,
    StatementPeriodRow,
    StatusCheckRow,
    TransactionExplanationRow,
    VisitRow,
)
from desktop.store.repository import HouseholdEntry


class RecordProblem(ValueError):
    """One line: where (the path in the record) and what is wrong; never the value."""


# ---- the columns carried -------------------------------------------------------------------------

#: Longest text in a Text column, and in the free notes (case notes, the notes columns).
TEXT_LIMIT = 20_000
NOTES_LIMIT = 100_000
#: Integers a JSON reader anywhere keeps exactly.
INT_LIMIT = 2**53
FIRST_YEAR, LAST_YEAR = 1900, 2200

#: Count limits (a hostile file must not make the store or the screens unusable).
MAX_RECORDS = 2_000  # per kind of history record, household members, statements per account
MAX_ACCOUNTS = 50
MAX_LINES = 200_000  # in all accounts together
MAX_CHECKLISTS = 100
MAX_ITEMS = 1_000  # per checklist
MAX_NOTES = 5_000

_MISSING = object()
#: Text columns as long as the notes: a case note's text, a letter's typed parts (as JSON; the
#: store allows 100,000 characters: desktop.store.casework.MAX_LETTER_FIELDS).
_LONG_TEXT = frozenset({("case_notes", "text"), ("letters", "fields")})


@dataclass(frozen=True)
class _Field:
    name: str  # the column's name: the record's key
    kind: str  # "date", "datetime", "int", "bool" or "text"
    limit: int | None  # longest text
    nullable: bool
    default: Any  # the value when an older record lacks the column; _MISSING: required


def _kind(type_: Any) -> str:
    if isinstance(type_, sa_types.DateTime):
        return "datetime"
    if isinstance(type_, sa_types.Date):
        return "date"
    if isinstance(type_, sa_types.Boolean):
        return "bool"
    if isinstance(type_, sa_types.Integer):
        return "int"
    return "text"


def _fields(table: Table, skip: Iterable[str] = ()) -> tuple[_Field, ...]:
    """Every column of `table` but local ids (the `id` key, foreign keys, and the centre-sharing
    `uid`: a referred client is a new record wherever it is received) and `skip`."""
    out = []
    for col in table.columns:
        if col.name in skip or col.name == "uid" or col.foreign_keys:
            continue
        if col.primary_key and col.name == "id":
            continue
        kind = _kind(col.type)
        limit = None
        if kind == "text":
            length = getattr(col.type, "length", None)
            long = col.name == "notes" or (table.name, col.name) in _LONG_TEXT
            limit = length or (NOTES_LIMIT if long else TEXT_LIMIT)
        if col.default is not None and getattr(col.default, "is_scalar", False):
            default = col.default.arg
        else:
            default = None if col.nullable else _MISSING
        out.append(_Field(col.name, kind, limit, bool(col.nullable), default))
    return tuple(out)


#: The history kinds, in the order of the store's one mapping.
HISTORY_KINDS = tuple(m.collection for m in RECORDS)
#: Record lists kept straight under the client: section -> (model, order of the client page).
_LISTS: dict[str, tuple[type, tuple[str, ...]]] = {
    "household": (HouseholdMember, ("id",)),
    "permissions": (PermissionRow, ("start", "id")),
    "applications": (ApplicationRow, ("position", "id")),
    "absences": (AbsenceRow, ("left", "id")),
    "custody": (CustodyRow, ("start", "id")),
    "status_checks": (StatusCheckRow, ("on", "id")),
    "case_notes": (CaseNote, ("written_on", "id")),
}
DETAILS = _fields(Client.__table__, skip=("created_at", "updated_at"))
ROWS = {name: _fields(model.__table__) for name, (model, _order) in _LISTS.items()}
ACCOUNT = _fields(BankAccountRow.__table__)
STATEMENT = _fields(StatementPeriodRow.__table__)
LINE = _fields(BankTransactionRow.__table__)
EXPLANATION = _fields(TransactionExplanationRow.__table__)
CHECK = _fields(StatementCheckRow.__table__)
CHECKLIST = _fields(ClientChecklistRow.__table__)
ITEM = _fields(ChecklistItemRow.__table__)

#: Casework (issue 22, migration 0011): section -> (model, order kept in the record). A row's
#: links to other records of the same client travel as the place of that record in its section
#: (see _LINKS), never as a local id.
_CASEWORK: dict[str, tuple[type, tuple[str, ...]]] = {
    "matters": (MatterRow, ("opened", "id")),
    "visits": (VisitRow, ("on", "id")),
    "letters": (LetterRow, ("on", "id")),
    "complaints": (ComplaintRow, ("received_on", "id")),
    "consents": (ConsentRow, ("given_on", "id")),
    "access_requests": (AccessRequestRow, ("asked_on", "id")),
    "retention_decisions": (RetentionDecisionRow, ("decided_on", "id")),
}
CASEWORK = {name: _fields(model.__table__) for name, (model, _order) in _CASEWORK.items()}
#: The database revision that added casework: a record made before it has no casework sections.
CASEWORK_REVISION = "0011"


@dataclass(frozen=True)
class _LinkSpec:
    key: str  # the key in the record: "matter"
    column: str  # the column here: "matter_id"
    target: str  # the section linked to: "matters"
    words: str  # "a matter"


#: The links inside the record, by section.
_LINKS: dict[str, tuple[_LinkSpec, ...]] = {
    "matters": (
        _LinkSpec("application", "application_id", "applications", "an application"),
        _LinkSpec("permission", "permission_id", "permissions", "a permission"),
    ),
    "visits": (_LinkSpec("matter", "matter_id", "matters", "a matter"),),
    "letters": (_LinkSpec("matter", "matter_id", "matters", "a matter"),),
    "complaints": (_LinkSpec("matter", "matter_id", "matters", "a matter"),),
}
#: Sections a link may point to, and the tables behind them.
_LINKED: dict[str, tuple[type, tuple[str, ...]]] = {
    "applications": _LISTS["applications"],
    "permissions": _LISTS["permissions"],
    "matters": _CASEWORK["matters"],
}

#: Codes the app's screens look up: a value outside the list is refused.
_CODES: dict[tuple[str, str], Sequence[str]] = {
    ("bank_accounts", "kind"): ACCOUNT_KINDS,
    ("bank_accounts", "status"): ACCOUNT_STATUSES,
    ("statements", "source"): ("csv", "ofx", "paper", "declared"),
    ("statement_check", "threshold"): ("standard", "cautious"),
    ("items", "status"): ("pending", "received", "not_applicable"),
    ("items", "provider"): tuple(PROVIDERS),
    # Casework (the fixed lists of desktop/store/casework.py and the contract of issue 22).
    ("matters", "oisc_category"): ("immigration", "asylum_protection"),
    ("matters", "client_care_how"): ("", "signed", "electronic"),
    ("visits", "how"): ("in_person", "phone", "letter", "email", "video"),
    ("letters", "kind"): ("client_care", "update", "outcome", "closing", "referral"),
    ("consents", "scope"): ("records", "referral", "contact"),
    ("consents", "how"): ("signed", "verbal", "electronic"),
}
#: Codes kept as data (resources/rules/casework.toml, the letter templates' languages): a newer
#: laptop may know more, so only their shape is checked.
_CODE_SHAPED = frozenset({("matters", "category"), ("matters", "outcome"), ("letters", "language")})
_CODE_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*\Z")
#: Whole numbers with a meaning only in a range.
_RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("matters", "needed_level"): (1, 3),
    ("matters", "adviser_level"): (0, 4),  # 0 not authorised, 1-3 the levels, 4 regulated
    ("visits", "minutes"): (0, 1440),
    ("consents", "period_months"): (1, 1200),
}

SECTIONS = (
    "schema",
    "details",
    *_LISTS,
    "statement_check",
    "bank_accounts",
    "checklists",
    *_CASEWORK,
    "deadlines",
)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


# ---- writing the record ----------------------------------------------------------------------------


def _pick(row: Any, fields: Sequence[_Field]) -> dict[str, Any]:
    return {f.name: row[f.name] for f in fields}


def _select(session: Session, model: type, where: Any, order: Sequence[str]) -> list[Any]:
    table = model.__table__
    return list(
        session.execute(select(table).where(where).order_by(*(table.c[o] for o in order)))
        .mappings()
        .all()
    )


def _snapshot(session: Session, client_id: int) -> dict[str, Any]:
    """Everything held about the client, typed (dates as dates), each row with its local id
    as "_id" (taken off by `client_record`)."""
    session.flush()
    client = repository.get_client(session, client_id)
    table = Client.__table__
    row = session.execute(select(table).where(table.c.id == client.id)).mappings().one()
    snap: dict[str, Any] = {"details": _pick(row, DETAILS)}
    for name, (model, order) in _LISTS.items():
        rows = _select(session, model, model.__table__.c.client_id == client_id, order)
        snap[name] = [{**_pick(r, ROWS[name]), "_id": r["id"]} for r in rows]
    check = _select(session, StatementCheckRow, StatementCheckRow.client_id == client_id, ())
    snap["statement_check"] = _pick(check[0], CHECK) if check else None
    snap["bank_accounts"] = [
        _account_snapshot(session, r)
        for r in _select(
            session, BankAccountRow, BankAccountRow.client_id == client_id, ("position", "id")
        )
    ]
    lists = _select(
        session, ClientChecklistRow, ClientChecklistRow.client_id == client_id, ("position", "id")
    )
    snap["checklists"] = [
        {
            **_pick(r, CHECKLIST),
            "_id": r["id"],
            "items": [
                {**_pick(i, ITEM), "_id": i["id"]}
                for i in _select(
                    session,
                    ChecklistItemRow,
                    ChecklistItemRow.checklist_id == r["id"],
                    ("position", "id"),
                )
            ],
        }
        for r in lists
    ]
    _casework_snapshot(session, client_id, snap)
    return snap


def _casework_snapshot(session: Session, client_id: int, snap: dict[str, Any]) -> None:
    """The casework sections of `snap`, each link as the place of the linked record in its
    section (None when not linked, or linked to a record not in the snapshot)."""
    places: dict[str, dict[int, int]] = {
        name: {r["_id"]: i for i, r in enumerate(snap[name])}
        for name in ("applications", "permissions")
    }
    for name, (model, order) in _CASEWORK.items():
        rows = _select(session, model, model.__table__.c.client_id == client_id, order)
        snap[name] = [
            {
                **_pick(r, CASEWORK[name]),
                **{
                    link.key: places[link.target].get(r[link.column])
                    for link in _LINKS.get(name, ())
                },
                "_id": r["id"],
            }
            for r in rows
        ]
        places[name] = {r["_id"]: i for i, r in enumerate(snap[name])}


def _account_snapshot(session: Session, account: Any) -> dict[str, Any]:
    periods = _select(
        session, StatementPeriodRow, StatementPeriodRow.account_id == account["id"], ("start", "id")
    )
    index = {p["id"]: i for i, p in enumerate(periods)}
    t, e = BankTransactionRow.__table__, TransactionExplanationRow.__table__
    explained = {
        r["transaction_id"]: r
        for r in session.execute(
            select(e).join(t, t.c.id == e.c.transaction_id).where(t.c.account_id == account["id"])
        ).mappings()
    }
    lines = []
    for r in _select(
        session, BankTransactionRow, t.c.account_id == account["id"], ("on", "seq", "id")
    ):
        why = explained.get(r["id"])
        lines.append(
            {
                **_pick(r, LINE),
                "statement": index.get(r["period_id"]),
                "explanation": None if why is None else _pick(why, EXPLANATION),
                "_id": r["id"],
            }
        )
    return {
        **_pick(account, ACCOUNT),
        "_id": account["id"],
        "statements": [{**_pick(p, STATEMENT), "_id": p["id"]} for p in periods],
        "lines": lines,
    }


def _plain(value: Any) -> Any:
    """The JSON-able form of a typed tree (without local ids)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "_id"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | date):
        return value.isoformat()
    return value


#: What gives a client's deadlines (desktop.board.deadlines_for): (history, today) -> items
#: with date, what, rule, next_working_day, kind and status.
DeadlineSource = Callable[[History, date], Iterable[Any]]


def client_record(
    session: Session, client_id: int, today: date, *, deadlines: DeadlineSource | None = None
) -> dict:
    """Everything held about the client except local ids and the audit trail, as a JSON-able
    dict (see the module's docstring). "deadlines" is information for a reader without the app,
    worked out by `deadlines` (the board's rules: `desktop.board.deadlines_for`, which the store
    may not import) for `today`; empty without it. It is ignored on receive."""
    out: dict[str, Any] = {"schema": head_revision(), **_plain(_snapshot(session, client_id))}
    out["deadlines"] = []
    if deadlines is not None:
        try:
            items = list(deadlines(repository.export_history(session, client_id), today))
        except Exception:  # noqa: BLE001 - as the board: a history it cannot assess has none
            items = []
        out["deadlines"] = [
            {
                "date": d.date.isoformat(),
                "what": render(d.what, long_date),
                "rule": d.rule,
                "next_working_day": d.next_working_day.isoformat() if d.next_working_day else None,
                "kind": d.kind,
                "status": d.status,
            }
            for d in items
        ]
    return out


# ---- reading the record ------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?\Z"
)
_SAFE_KEY = re.compile(r"[a-z_][a-z0-9_]{0,40}\Z")


def _key_words(key: Any) -> str:
    text = str(key)
    return f"'{text}'" if _SAFE_KEY.match(text) else "(a name that is not a field name)"


def _value(value: Any, f: _Field, path: str) -> Any:
    if value is None:
        if f.nullable:
            return None
        raise RecordProblem(f"{path}: this field is needed (it is empty)")
    if f.kind in ("date", "datetime"):
        pattern, form = (
            (_ISO_DATE, "YYYY-MM-DD")
            if f.kind == "date"
            else (_ISO_DATETIME, "YYYY-MM-DDTHH:MM:SS")
        )
        if not isinstance(value, str) or not pattern.match(value):
            what = "a date" if f.kind == "date" else "a date and time"
            raise RecordProblem(f"{path}: not {what} ({form})")
        try:
            parsed = (dt.datetime if f.kind == "datetime" else date).fromisoformat(value)
        except ValueError:
            raise RecordProblem(f"{path}: not a real calendar date") from None
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            raise RecordProblem(f"{path}: a date outside the years {FIRST_YEAR} to {LAST_YEAR}")
        return parsed
    if f.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordProblem(f"{path}: expected a whole number, got {kind_of(value)}")
        if abs(value) >= INT_LIMIT:
            raise RecordProblem(f"{path}: the number is too large")
        return value
    if f.kind == "bool":
        if not isinstance(value, bool):
            raise RecordProblem(f"{path}: expected true or false, got {kind_of(value)}")
        return value
    if not isinstance(value, str):
        raise RecordProblem(f"{path}: expected text, got {kind_of(value)}")
    problem = text_problem(value, f.limit or TEXT_LIMIT)
    if problem is not None:
        raise RecordProblem(f"{path}: {problem}")
    return value


def _row(
    value: Any,
    path: str,
    fields: Sequence[_Field],
    section: str,
    extra: Sequence[str] = (),
) -> dict[str, Any]:
    """One record checked column by column; `extra`: keys read by the caller."""
    if not isinstance(value, dict):
        raise RecordProblem(f"{path}: expected an object, got {kind_of(value)}")
    names = {f.name for f in fields}
    for key in value:
        if key not in names and key not in extra:
            raise RecordProblem(f"{path}: unknown field {_key_words(key)}")
    out: dict[str, Any] = {}
    for f in fields:
        where = f"{path}.{f.name}"
        if f.name not in value:
            if f.default is _MISSING:
                raise RecordProblem(f"{where}: this field is missing")
            out[f.name] = f.default
            continue
        out[f.name] = _value(value[f.name], f, where)
        codes = _CODES.get((section, f.name))
        if codes is not None and out[f.name] not in codes:
            raise RecordProblem(f"{where}: not one of the codes this version knows")
        held = out[f.name]
        if (section, f.name) in _CODE_SHAPED and held is not None and not _CODE_SHAPE.match(held):
            raise RecordProblem(f"{where}: not a code (letters, digits, _ and -)")
        bounds = _RANGES.get((section, f.name))
        if bounds is not None and held is not None and not bounds[0] <= held <= bounds[1]:
            raise RecordProblem(f"{where}: outside the range {bounds[0]} to {bounds[1]}")
    return out


def _list(value: Any, path: str, limit: int, *, nullable: bool = False) -> list[Any]:
    if value is None and nullable:
        return []
    if not isinstance(value, list):
        raise RecordProblem(f"{path}: expected a list, got {kind_of(value)}")
    if len(value) > limit:
        raise RecordProblem(f"{path}: {len(value):,} records; at most {limit:,} are allowed")
    return value


def _schema(obj: dict, given: str | None) -> str:
    value = obj.get("schema", given)
    if not isinstance(value, str):
        raise RecordProblem(f"schema: expected a database revision, got {kind_of(value)}")
    known = known_revisions()
    if value in known:
        return value
    head = head_revision()
    if re.fullmatch(r"[0-9]{4}", value) and value > head:
        raise RecordProblem(
            f"made by a newer version of Drop-in Desk (database revision {value}; this laptop "
            f"knows up to {head}): update Drop-in Desk on this laptop first"
        )
    raise RecordProblem("schema: not a database revision this version of Drop-in Desk knows")


def _accounts(value: Any) -> list[dict[str, Any]]:
    accounts = []
    total = 0
    for a, raw in enumerate(_list(value, "bank_accounts", MAX_ACCOUNTS)):
        path = f"bank_accounts[{a}]"
        account = _row(raw, path, ACCOUNT, "bank_accounts", ("statements", "lines"))
        statements = [
            _row(s, f"{path}.statements[{i}]", STATEMENT, "statements")
            for i, s in enumerate(_list(raw.get("statements"), f"{path}.statements", MAX_RECORDS))
        ]
        raw_lines = _list(raw.get("lines"), f"{path}.lines", MAX_LINES)
        total += len(raw_lines)
        if total > MAX_LINES:
            raise RecordProblem(
                f"{path}.lines: more than {MAX_LINES:,} statement lines in all accounts"
            )
        lines, seen = [], set()
        for i, r in enumerate(raw_lines):
            where = f"{path}.lines[{i}]"
            line = _row(r, where, LINE, "lines", ("statement", "explanation"))
            held = r.get("statement")
            if held is not None and (
                isinstance(held, bool)
                or not isinstance(held, int)
                or not 0 <= held < len(statements)
            ):
                raise RecordProblem(f"{where}.statement: not the number of a statement listed")
            if line["fingerprint"] in seen:
                raise RecordProblem(f"{where}.fingerprint: the same line twice in one account")
            seen.add(line["fingerprint"])
            why = r.get("explanation")
            line["statement"] = held
            line["explanation"] = (
                None
                if why is None
                else _row(why, f"{where}.explanation", EXPLANATION, "explanation")
            )
            lines.append(line)
        accounts.append({**account, "statements": statements, "lines": lines})
    return accounts


def _checklists(value: Any) -> list[dict[str, Any]]:
    out = []
    for c, raw in enumerate(_list(value, "checklists", MAX_CHECKLISTS)):
        path = f"checklists[{c}]"
        checklist = _row(raw, path, CHECKLIST, "checklists", ("items",))
        items, seen = [], set()
        for i, r in enumerate(_list(raw.get("items"), f"{path}.items", MAX_ITEMS)):
            item = _row(r, f"{path}.items[{i}]", ITEM, "items")
            if item["item_id"] in seen:
                raise RecordProblem(f"{path}.items[{i}].item_id: the same item twice in a list")
            seen.add(item["item_id"])
            items.append(item)
        out.append({**checklist, "items": items})
    return out


def _letter_fields(text: str, where: str) -> None:
    """A letter's `fields` must be the JSON of an object (its typed parts)."""
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict):
        raise RecordProblem(f"{where}: not the letter's parts (a JSON object)")


#: (earlier, later) dates of a casework record that must come in that order, as the store's own
#: forms and desktop.store.casework insist: a hostile file cannot carry in what they refuse.
_DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "matters": (("opened", "closed"), ("decision_on", "outcome_told_on")),
    "complaints": (("received_on", "acknowledged_on"), ("received_on", "outcome_on")),
    "consents": (("given_on", "withdrawn_on"),),
    "access_requests": (("asked_on", "answered_on"),),
}


def _dates_in_order(name: str, row: dict[str, Any], path: str) -> None:
    for first, then in _DATE_ORDER.get(name, ()):
        early, late = row.get(first), row.get(then)
        if early is not None and late is not None and late < early:
            raise RecordProblem(f"{path}.{then}: before {first.replace('_', ' ')}")


def _casework(obj: dict, data: dict[str, Any], made_with: str) -> None:
    """The casework sections of `obj` into `data`, each link checked against the section it
    points to (read before it: applications and permissions, then matters). A record made
    before casework existed has none: empty."""
    older = re.fullmatch(r"[0-9]{4}", made_with) is not None and made_with < CASEWORK_REVISION
    for name in _CASEWORK:
        if name not in obj:
            if not older:
                raise RecordProblem(f"{name}: this section is missing")
            data[name] = []
            continue
        links = _LINKS.get(name, ())
        rows = []
        for i, raw in enumerate(_list(obj[name], name, MAX_RECORDS)):
            path = f"{name}[{i}]"
            row = _row(raw, path, CASEWORK[name], name, tuple(link.key for link in links))
            for link in links:
                held = raw.get(link.key)
                where = f"{path}.{link.key}"
                if held is not None and (isinstance(held, bool) or not isinstance(held, int)):
                    raise RecordProblem(
                        f"{where}: expected the number of {link.words} in '{link.target}' or "
                        f"null, got {kind_of(held)}"
                    )
                if held is not None and not 0 <= held < len(data[link.target]):
                    raise RecordProblem(
                        f"{where}: not the number of {link.words} listed in '{link.target}'"
                    )
                row[link.key] = held
            if name == "letters":
                _letter_fields(row["fields"], f"{path}.fields")
            _dates_in_order(name, row, path)
            rows.append(row)
        data[name] = rows


def read_record(obj: object, *, schema: str | None = None) -> ClientRecord:
    """The record in `obj` (a JSON-parsed dict, from a hostile file), checked; RecordProblem
    naming the path of the first problem otherwise. `schema`: the revision it was made with
    when the dict itself does not say."""
    if not isinstance(obj, dict):
        raise RecordProblem(f"client: expected an object, got {kind_of(obj)}")
    for key in obj:
        if key not in SECTIONS:
            raise RecordProblem(f"client: unknown section {_key_words(key)}")
    made_with = _schema(obj, schema)
    for key in SECTIONS:
        if key not in obj and key not in ("schema", "deadlines", *_CASEWORK):
            raise RecordProblem(f"{key}: this section is missing")
    data: dict[str, Any] = {"details": _row(obj["details"], "details", DETAILS, "details")}
    for name in _LISTS:
        limit = MAX_NOTES if name == "case_notes" else MAX_RECORDS
        data[name] = [
            _row(r, f"{name}[{i}]", ROWS[name], name)
            for i, r in enumerate(_list(obj[name], name, limit))
        ]
    check = obj["statement_check"]
    data["statement_check"] = (
        None if check is None else _row(check, "statement_check", CHECK, "statement_check")
    )
    data["bank_accounts"] = _accounts(obj["bank_accounts"])
    data["checklists"] = _checklists(obj["checklists"])
    _casework(obj, data, made_with)
    check_history(data)
    details = data["details"]
    return ClientRecord(
        name=details["full_name"],
        date_of_birth=details["date_of_birth"],
        home_office_ref=details["home_office_ref"],
        data=data,
        schema=made_with,
    )


# ---- the history rules --------------------------------------------------------------------------

#: The history JSON's keys that are named otherwise in the store's tables.
_JSON_COLUMNS = {"from": "start", "to": "end"}

#: What each history problem means, in words that do not repeat a value.
_REASONS = {
    "unknown_code": "not a code this version of Drop-in Desk knows",
    "date_out_of_range": "a date outside the years 1900 to 2100",
    "bad_text": "the text is too long, or not text",
    "text_missing": "this field is empty",
    "bad_conditions": "conditions must be short codes",
    "indefinite_has_end": "indefinite permission has no end date",
    "end_needed": "this permission needs an end date",
    "made_needed": "an application needs the date it was made or the fee waiver request date",
}


def _history_of(data: dict[str, Any]) -> History:
    """The History the rows make (as the store's one mapping reads them)."""
    details = data["details"]
    route = details.get("target_route")
    return History(
        person=Person(details["full_name"] or None, details["date_of_birth"]),
        question=Question(route, details.get("target_date")) if route else None,
        **{
            m.collection: tuple(
                m.value_type(**{c.field: c.read(row[c.column]) for c in m.columns})
                for row in data[m.collection]
            )
            for m in RECORDS
        },
    )


def _history_path(collection: str | None, index: int | None, fld: str | None) -> str:
    if collection == "person":
        return "details." + ("date_of_birth" if fld == "date_of_birth" else "full_name")
    if collection == "question":
        return "details." + ("target_date" if fld == "application_date" else "target_route")
    if collection is None:
        return "history"
    base = collection if index is None else f"{collection}[{index}]"
    return f"{base}.{_JSON_COLUMNS.get(fld, fld)}" if fld else base


def _reason(problem: HistoryError, name: Callable[[str, int], str]) -> str:
    if problem.code == "overlap" and problem.other is not None:
        return f"overlaps {name(*problem.other)}"
    if problem.code == "date_order":
        others = [k for k in problem.dates if k != problem.field]
        after = f" ({_JSON_COLUMNS.get(others[0], others[0])})" if others else ""
        return f"this date is before the date it must follow{after}"
    if problem.code in _REASONS:
        return _REASONS[problem.code]
    meaning = ERROR_CODES.get(problem.code, "not accepted by the history rules")
    return re.sub(r" \([^)]*\)", "", meaning)


def _path_name(collection: str, index: int) -> str:
    return f"{collection}[{index}]"


def check_history(data: dict[str, Any], name: Callable[[str, int], str] | None = None) -> None:
    """RecordProblem unless the history in `data` (typed rows) passes the history JSON
    importer's own rules (`parse_history`: fields, known codes, order, overlaps). `name` says
    how a record is named in the message (default: its path)."""
    try:
        parse_history(history_to_dict(_history_of(data)))
    except HistoryError as problem:
        named = name is not None and problem.collection in HISTORY_KINDS
        if named and problem.index is not None:
            where = name(problem.collection, problem.index)
        else:
            where = _history_path(problem.collection, problem.index, problem.field)
        raise RecordProblem(f"{where}: {_reason(problem, name or _path_name)}") from None
    except RecursionError:  # pragma: no cover - the file layer limits the depth
        raise RecordProblem("history: nested too deeply to read") from None


# ---- the record, ready to write ------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class ClientRecord:
    """A checked client record (from `read_record`). Its repr names no personal data."""

    name: str
    date_of_birth: date | None
    home_office_ref: str
    data: dict[str, Any] = field(default_factory=dict)
    schema: str = ""

    def __repr__(self) -> str:
        return f"ClientRecord(schema={self.schema!r}, {sum(n for _l, n in self.counts())} records)"

    def counts(self) -> list[tuple[str, int]]:
        """How many of each kind of record, with human labels."""
        d = self.data
        accounts = d["bank_accounts"]
        lines = [line for a in accounts for line in a["lines"]]
        return [
            ("Household", len(d["household"])),
            ("Permissions", len(d["permissions"])),
            ("Applications", len(d["applications"])),
            ("Trips abroad", len(d["absences"])),
            ("Custody", len(d["custody"])),
            ("Status checks", len(d["status_checks"])),
            ("Case notes", len(d["case_notes"])),
            ("Bank accounts", len(accounts)),
            ("Statements", sum(len(a["statements"]) for a in accounts)),
            ("Statement lines", len(lines)),
            ("Explanations", sum(1 for line in lines if line["explanation"] is not None)),
            ("Checklists", len(d["checklists"])),
            ("Checklist items", sum(len(c["items"]) for c in d["checklists"])),
            *((_CASEWORK_SECTIONS[name][1], len(d.get(name, ()))) for name in _CASEWORK),
        ]


# ---- matching a client already here ----------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    client_id: int
    name: str
    date_of_birth: date | None
    why: str  # "same name and date of birth" | "same Home Office reference" | both


def _name_key(name: str) -> str:
    return " ".join((name or "").casefold().split())


def _ref_key(ref: str) -> str:
    return re.sub(r"[\s\-\u2010-\u2015]", "", ref or "").upper()


def find_matches(session: Session, record: ClientRecord) -> list[Match]:
    """Clients here with the same name (case and spaces aside) and date of birth, or the same
    Home Office reference (spaces and dashes aside); an empty name, date or reference never
    matches."""
    name, ref = _name_key(record.name), _ref_key(record.home_office_ref)
    out = []
    rows = session.execute(
        select(Client.id, Client.full_name, Client.date_of_birth, Client.home_office_ref).order_by(
            Client.id
        )
    )
    for client_id, full_name, born, their_ref in rows:
        why = []
        if name and record.date_of_birth is not None and born == record.date_of_birth:
            if _name_key(full_name) == name:
                why.append("same name and date of birth")
        if ref and _ref_key(their_ref) == ref:
            why.append("same Home Office reference")
        if why:
            out.append(Match(client_id, full_name, born, " and ".join(why)))
    return out


# ---- adding as a new client --------------------------------------------------------------------------


def _insert(session: Session, model: type, row: dict[str, Any]) -> int:
    result = session.execute(insert(model.__table__).values(**row))
    return result.inserted_primary_key[0]


def _insert_many(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model.__table__), rows)


def _clean(row: dict[str, Any], fields: Sequence[_Field]) -> dict[str, Any]:
    return {f.name: row[f.name] for f in fields}


def _add_lines(
    session: Session,
    account_id: int,
    lines: list[dict[str, Any]],
    periods: dict[int | None, int | None],
) -> None:
    """Add `lines` (with their explanations) to the account; `periods`: statement index in the
    record -> statement id here."""
    _insert_many(
        session,
        BankTransactionRow,
        [
            {
                **_clean(line, LINE),
                "account_id": account_id,
                "period_id": periods.get(line["statement"]),
            }
            for line in lines
        ],
    )
    explained = [line for line in lines if line["explanation"] is not None]
    if not explained:
        return
    t = BankTransactionRow.__table__
    ids = dict(
        session.execute(select(t.c.fingerprint, t.c.id).where(t.c.account_id == account_id)).all()
    )
    _insert_many(
        session,
        TransactionExplanationRow,
        [
            {**_clean(line["explanation"], EXPLANATION), "transaction_id": ids[line["fingerprint"]]}
            for line in explained
        ],
    )


def _add_account(session: Session, client_id: int, account: dict[str, Any], **over: Any) -> int:
    account_id = _insert(
        session, BankAccountRow, {**_clean(account, ACCOUNT), **over, "client_id": client_id}
    )
    periods: dict[int | None, int | None] = {None: None}
    for i, s in enumerate(account["statements"]):
        periods[i] = _insert(
            session, StatementPeriodRow, {**_clean(s, STATEMENT), "account_id": account_id}
        )
    _add_lines(session, account_id, account["lines"], periods)
    return account_id


def _add_checklist(session: Session, client_id: int, checklist: dict[str, Any], **over: Any) -> int:
    list_id = _insert(
        session,
        ClientChecklistRow,
        {**_clean(checklist, CHECKLIST), **over, "client_id": client_id},
    )
    _insert_many(
        session,
        ChecklistItemRow,
        [{**_clean(i, ITEM), "checklist_id": list_id} for i in checklist["items"]],
    )
    return list_id


def add_as_new(session: Session, record: ClientRecord, adviser: str) -> int:
    """A new client with every record of `record`, inside the caller's transaction (no
    commit). Returns the new client's id."""
    data, now = record.data, _now()
    client_id = _insert(
        session, Client, {**_clean(data["details"], DETAILS), "created_at": now, "updated_at": now}
    )
    #: Section -> the ids given to its records, in the record's order (for the links).
    ids: dict[str, list[int]] = {}
    for name in _LISTS:
        rows = [{**_clean(r, ROWS[name]), "client_id": client_id} for r in data[name]]
        if name in _LINKED:
            ids[name] = [_insert(session, _LISTS[name][0], r) for r in rows]
        else:
            _insert_many(session, _LISTS[name][0], rows)
    if data["statement_check"] is not None:
        _insert(
            session,
            StatementCheckRow,
            {**_clean(data["statement_check"], CHECK), "client_id": client_id},
        )
    for account in data["bank_accounts"]:
        _add_account(session, client_id, account)
    for checklist in data["checklists"]:
        _add_checklist(session, client_id, checklist)
    for name, (model, _order) in _CASEWORK.items():
        links = _LINKS.get(name, ())
        rows = [
            {
                **_clean(r, CASEWORK[name]),
                **{
                    link.column: None if r[link.key] is None else ids[link.target][r[link.key]]
                    for link in links
                },
                "client_id": client_id,
            }
            for r in data.get(name, ())
        ]
        if name in _LINKED:
            ids[name] = [_insert(session, model, r) for r in rows]
        else:
            _insert_many(session, model, rows)
    repository.audit(session, adviser, client_id, "client.create", "from a referral file")
    return client_id


# ---- comparing with a client here ---------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    id: str  # stable within the plan, e.g. "permissions:3"
    section: str  # "Details", "Permission", "Application", "Trip abroad", ...
    label: str  # "Leave to remain, from 1 March 2020"
    kind: str  # "new" | "changed" | "only_here"
    fields: tuple[str, ...] = ()  # human names of the differing fields (changed only)
    here: dict[str, str] = field(default_factory=dict)
    there: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MergePlan:
    differences: tuple[Difference, ...]
    #: diff id -> what taking it does (internal; recomputed by apply_merge).
    steps: dict[str, Callable[[_Merge], None]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def needs_choice(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.kind == "changed")

    def summary(self) -> str:
        new = sum(1 for d in self.differences if d.kind == "new")
        changed = sum(1 for d in self.differences if d.kind == "changed")
        here = sum(1 for d in self.differences if d.kind == "only_here")
        parts = [
            f"{n} {words}"
            for n, words in ((new, "new"), (changed, "changed"), (here, "only on this laptop"))
            if n
        ]
        return ", ".join(parts) if parts else "Nothing differs"


_FIELD_NAMES = {
    "full_name": "Full name",
    "home_office_ref": "Home Office reference",
    "uan": "UAN",
    "brp_or_share_code": "BRP or share code",
    "ni_number": "National Insurance number",
    "target_route": "Route asked about",
    "target_date": "Intended application date",
    "relationship_to_client": "Relationship",
    "start": "From",
    "end": "To",
    "left": "Left",
    "returned": "Returned",
    "on": "Date",
    "amount_pence": "Amount",
    "balance_pence": "Balance",
    "type_code": "Type",
    "na_reason": "Reason not needed",
    "item_id": "Item",
    "template_id": "Template",
    "relationship": "Relationship",
    "oisc_category": "OISC category",
    "needed_level": "OISC level needed",
    "adviser_level": "Adviser's OISC level",
    "decision_on": "Told of the decision on",
    "outcome_told_on": "Client told of the outcome on",
    "client_care_agreed_on": "Client care agreed on",
    "client_care_how": "Client care agreed how",
    "info_given": "Information given",
    "info_source": "Source of the information",
    "large_print": "Large print",
    "fields": "Letter's contents",
    "period_months": "Period (months)",
    "withdrawn_on": "Withdrawn on",
    "answered_on": "Answered on",
    "review_on": "Review on",
}


def field_name(column: str) -> str:
    """A column in words ("date_of_birth" -> "Date of birth")."""
    return _FIELD_NAMES.get(column) or column.replace("_", " ").capitalize()


def _shown(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return f"{long_date(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return long_date(value)
    if column.endswith("_pence") and isinstance(value, int):
        sign = "-" if value < 0 else ""
        return f"{sign}£{abs(value) // 100:,}.{abs(value) % 100:02d}"
    return _clip(str(value), SHOWN_LIMIT)


def _compared(fields: Sequence[_Field], skip: Iterable[str] = ()) -> tuple[str, ...]:
    skip = {"position", *skip}
    return tuple(f.name for f in fields if f.name not in skip)


def _shown_row(row: dict[str, Any], columns: Sequence[str]) -> dict[str, str]:
    return {field_name(c): _shown(c, row[c]) for c in columns}


def _pair(
    here: Sequence[dict], there: Sequence[dict], key: Callable[[dict], Any]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """(pairs of here and there indexes, there only, here only), matched by `key` in order."""
    waiting: dict[Any, list[int]] = {}
    for i, row in enumerate(here):
        waiting.setdefault(key(row), []).append(i)
    pairs, new = [], []
    for j, row in enumerate(there):
        bucket = waiting.get(key(row))
        if bucket:
            pairs.append((bucket.pop(0), j))
        else:
            new.append(j)
    paired = {i for i, _j in pairs}
    return pairs, new, [i for i in range(len(here)) if i not in paired]


_HISTORY_SECTIONS = {
    "permissions": "Permission",
    "applications": "Application",
    "absences": "Trip abroad",
    "custody": "Custody",
    "status_checks": "Status check",
}
#: The natural key of each kind of history record.
_HISTORY_KEYS = {
    "permissions": ("category", "start"),
    "applications": ("kind", "made"),
    "absences": ("left",),
    "custody": ("start",),
    "status_checks": ("on",),
}
#: The order the client page keeps each kind in (applications keep the order entered).
_HISTORY_ORDER = {
    "permissions": "start",
    "absences": "left",
    "custody": "start",
    "status_checks": "on",
}
SHOWN_LIMIT = 500
#: Casework sections: (one record, the counts' label).
_CASEWORK_SECTIONS = {
    "matters": ("Matter", "Matters"),
    "visits": ("Visit", "Visits"),
    "letters": ("Letter", "Letters sent"),
    "complaints": ("Complaint", "Complaints"),
    "consents": ("Consent", "Consents"),
    "access_requests": ("Subject access request", "Subject access requests"),
    "retention_decisions": ("Retention decision", "Retention decisions"),
}
#: The natural key of each kind of casework record (a link in it: the linked record's key).
_CASEWORK_KEYS = {
    "matters": ("category", "opened"),
    "visits": ("on", "adviser", "how"),
    "letters": ("kind", "on", "matter"),
    "complaints": ("received_on",),
    "consents": ("scope", "given_on"),
    "access_requests": ("asked_on",),
    "retention_decisions": ("decided_on",),
}
#: The natural key of the records a link may point to.
_LINKED_KEYS = {
    "applications": _HISTORY_KEYS["applications"],
    "permissions": _HISTORY_KEYS["permissions"],
    "matters": _CASEWORK_KEYS["matters"],
}
#: The details the history is made of too (its person and the question).
_HISTORY_DETAILS = frozenset({"full_name", "date_of_birth", "target_route", "target_date"})


def _history_label(kind: str, row: dict[str, Any]) -> str:
    if kind == "permissions":
        category = PERMISSION_CATEGORIES.get(row["category"], row["category"])
        return f"{category}, from {long_date(row['start'])}"
    if kind == "applications":
        what = APPLICATION_KINDS.get(row["kind"], row["kind"])
        made = row["made"]
        return f"{what}, made {long_date(made)}" if made else f"{what}, not yet made"
    if kind == "absences":
        return f"Left {long_date(row['left'])}, returned {long_date(row['returned'])}"
    if kind == "custody":
        return f"From {long_date(row['start'])} to {long_date(row['end'])}"
    return f"Checked on {long_date(row['on'])}"


def _code_words(code: str | None) -> str:
    return "" if not code else code.replace("_", " ").capitalize()


def _casework_label(name: str, row: dict[str, Any]) -> str:
    if name == "matters":
        what = _clip(row["title"], 60) if row["title"].strip() else _code_words(row["category"])
        return f"{what}, opened {long_date(row['opened'])}"
    if name == "visits":
        who = f", {row['adviser']}" if row["adviser"] else ""
        return f"{long_date(row['on'])}, {_code_words(row['how']).lower()}{who}"
    if name == "letters":
        return f"{_code_words(row['kind'])} letter, {long_date(row['on'])}"
    if name == "complaints":
        return f"Received {long_date(row['received_on'])}"
    if name == "consents":
        return f"{_code_words(row['scope'])}, given {long_date(row['given_on'])}"
    if name == "access_requests":
        return f"Asked {long_date(row['asked_on'])}"
    return f"Decided {long_date(row['decided_on'])}, review {long_date(row['review_on'])}"


def _linked_label(target: str, row: dict[str, Any]) -> str:
    if target in _CASEWORK_SECTIONS:
        return f"{_CASEWORK_SECTIONS[target][0]}: {_casework_label(target, row)}"
    return f"{_HISTORY_SECTIONS[target]}: {_history_label(target, row)}"


@dataclass(frozen=True)
class _Link:
    """A link as compared across laptops: equal when the linked records' natural keys are;
    shown as the linked record's label."""

    key: tuple[Any, ...]
    label: str = field(compare=False)

    def __str__(self) -> str:
        return self.label


def _link_value(data: dict[str, Any], target: str, place: int | None) -> _Link | None:
    if place is None:
        return None
    row = data[target][place]
    return _Link(_natural_key(data, target, row), _linked_label(target, row))


def _natural_key(data: dict[str, Any], name: str, row: dict[str, Any]) -> tuple[Any, ...]:
    """The record's natural key; a link in it by the linked record's own key."""
    out: list[Any] = []
    for column in _CASEWORK_KEYS.get(name) or _LINKED_KEYS[name]:
        link = next((k for k in _LINKS.get(name, ()) if k.key == column), None)
        if link is None:
            out.append(row[column])
        else:
            value = _link_value(data, link.target, row[column])
            out.append(None if value is None else value.key)
    return tuple(out)


def _view(data: dict[str, Any], name: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row as compared: its links as _Link values."""
    return {
        **row,
        **{
            link.key: _link_value(data, link.target, row[link.key]) for link in _LINKS.get(name, ())
        },
    }


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _account_label(row: dict[str, Any]) -> str:
    ending = f" ending {row['last_four']}" if row["last_four"] else ""
    return f"{row['bank']} {row['kind']} account{ending}"


def _line_label(row: dict[str, Any]) -> str:
    amount = _shown("amount_pence", row["amount_pence"])
    return f"{long_date(row['on'])}, {amount}: {_clip(row['description'], 60)}"


class _Merge:
    """What the chosen differences do, gathered before anything is written."""

    def __init__(self, session: Session, client_id: int, here: dict[str, Any]):
        self.session, self.client_id, self.here = session, client_id, here
        self.details: dict[str, Any] = {}
        self.history = {k: list(here[k]) for k in HISTORY_KINDS}
        self.history_touched = False
        entries = repository.household_of(session, client_id)
        self.household: list[HouseholdEntry] = list(entries)
        self.household_touched = False
        #: Writes of the other records, done once the history has passed its checks.
        self.writes: list[Callable[[], None]] = []

    def set_history(self, kind: str, index: int | None, row: dict[str, Any]) -> None:
        if index is None:
            self.history[kind].append(row)
        else:
            self.history[kind][index] = row
        self.history_touched = True

    def set_member(self, index: int | None, row: dict[str, Any]) -> None:
        if index is None:
            self.household.append(
                HouseholdEntry(row["name"], row["relationship_to_client"], row["date_of_birth"])
            )
        else:
            old = self.household[index]
            self.household[index] = HouseholdEntry(
                row["name"],
                row["relationship_to_client"],
                row["date_of_birth"],
                old.member_client_id,
            )
        self.household_touched = True

    def finish(self, adviser: str) -> None:
        session, client_id = self.session, self.client_id
        details = {**_clean(self.here["details"], DETAILS), **self.details}
        history = {
            k: sorted(v, key=lambda r, k=k: r[_HISTORY_ORDER[k]]) if k in _HISTORY_ORDER else v
            for k, v in self.history.items()
        }
        merged = {"details": details, **history}
        if self.history_touched or set(self.details) & _HISTORY_DETAILS:

            def name(kind: str, index: int) -> str:
                return f"{_HISTORY_SECTIONS[kind]}, {_history_label(kind, history[kind][index])}"

            try:
                check_history(merged, name)
            except RecordProblem as problem:
                raise RecordProblem(f"the merged history would not be valid: {problem}") from None
        if self.details:
            table = Client.__table__
            session.execute(
                update(table)
                .where(table.c.id == client_id)
                .values(**self.details, updated_at=_now())
            )
            repository.audit(
                session, adviser, client_id, "client.update", "changed: " + ", ".join(self.details)
            )
            session.expire_all()
        if self.history_touched:
            repository.save_history(session, client_id, _history_of(merged), adviser)
        if self.household_touched:
            repository.set_household(session, client_id, self.household, adviser)
        session.flush()
        for write in self.writes:
            write()
        session.expire_all()


class _Builder:
    def __init__(self, session: Session, client_id: int, here: dict[str, Any]):
        self.session, self.client_id, self.here = session, client_id, here
        self.diffs: list[Difference] = []
        self.steps: dict[str, Callable[[_Merge], None]] = {}
        self.counters: dict[str, int] = {}

    def add(
        self,
        collection: str,
        section: str,
        label: str,
        kind: str,
        step: Callable[[_Merge], None] | None = None,
        *,
        fields: tuple[str, ...] = (),
        here: dict[str, str] | None = None,
        there: dict[str, str] | None = None,
    ) -> None:
        n = self.counters.get(collection, 0)
        self.counters[collection] = n + 1
        diff_id = f"{collection}:{n}"
        self.diffs.append(
            Difference(diff_id, section, label, kind, fields, here or {}, there or {})
        )
        if step is not None:
            self.steps[diff_id] = step

    def compare(
        self,
        collection: str,
        section: str,
        label: str,
        pair: tuple[dict[str, Any], dict[str, Any]],
        columns: Sequence[str],
        step: Callable[[_Merge], None],
    ) -> None:
        h, t = pair
        differing = [c for c in columns if h[c] != t[c]]
        if differing:
            self.add(
                collection,
                section,
                label,
                "changed",
                step,
                fields=tuple(field_name(c) for c in differing),
                here=_shown_row(h, differing),
                there=_shown_row(t, differing),
            )

    def write(self, fn: Callable[[], None]) -> Callable[[_Merge], None]:
        return lambda ctx: ctx.writes.append(fn)


def _update(session: Session, model: type, key: str, row_id: int, values: dict[str, Any]) -> None:
    table = model.__table__
    session.execute(update(table).where(table.c[key] == row_id).values(**values))


def _plan_details(b: _Builder, there: dict[str, Any]) -> None:
    h, t = b.here["details"], there["details"]
    for f in DETAILS:
        if h[f.name] != t[f.name]:
            b.diffs.append(
                Difference(
                    f"details:{f.name}",
                    "Details",
                    field_name(f.name),
                    "changed",
                    (field_name(f.name),),
                    _shown_row(h, [f.name]),
                    _shown_row(t, [f.name]),
                )
            )
            b.steps[f"details:{f.name}"] = lambda ctx, c=f.name, v=t[f.name]: ctx.details.update(
                {c: v}
            )


def _plan_history(b: _Builder, kind: str, there: dict[str, Any]) -> None:
    here_rows, there_rows = b.here[kind], there[kind]
    keys = _HISTORY_KEYS[kind]
    pairs, new, only = _pair(here_rows, there_rows, lambda r: tuple(r[k] for k in keys))
    columns = _compared(ROWS[kind])
    section = _HISTORY_SECTIONS[kind]
    for i, j in pairs:
        row = there_rows[j]
        b.compare(
            kind,
            section,
            _history_label(kind, row),
            (here_rows[i], row),
            columns,
            lambda ctx, i=i, row=row: ctx.set_history(kind, i, row),
        )
    for j in new:
        row = there_rows[j]
        b.add(
            kind,
            section,
            _history_label(kind, row),
            "new",
            lambda ctx, row=row: ctx.set_history(kind, None, row),
            there=_shown_row(row, columns),
        )
    for i in only:
        row = here_rows[i]
        b.add(kind, section, _history_label(kind, row), "only_here", here=_shown_row(row, columns))


def _plan_household(b: _Builder, there: dict[str, Any]) -> None:
    here_rows, there_rows = b.here["household"], there["household"]
    pairs, new, only = _pair(
        here_rows, there_rows, lambda r: (_name_key(r["name"]), r["date_of_birth"])
    )
    columns = _compared(ROWS["household"])
    for i, j in pairs:
        row = there_rows[j]
        b.compare(
            "household",
            "Household member",
            row["name"],
            (here_rows[i], row),
            columns,
            lambda ctx, i=i, row=row: ctx.set_member(i, row),
        )
    for j in new:
        row = there_rows[j]
        b.add(
            "household",
            "Household member",
            row["name"],
            "new",
            lambda ctx, row=row: ctx.set_member(None, row),
            there=_shown_row(row, columns),
        )
    for i in only:
        row = here_rows[i]
        b.add(
            "household", "Household member", row["name"], "only_here", here=_shown_row(row, columns)
        )


def _plan_notes(b: _Builder, there: dict[str, Any]) -> None:
    here_rows, there_rows = b.here["case_notes"], there["case_notes"]
    columns = _compared(ROWS["case_notes"])
    _pairs, new, only = _pair(here_rows, there_rows, lambda r: tuple(r[c] for c in columns))
    session, client_id = b.session, b.client_id

    def label(row: dict[str, Any]) -> str:
        return f"{row['adviser']}, {_shown('written_on', row['written_on'])}"

    for j in new:
        row = there_rows[j]
        values = {**_clean(row, ROWS["case_notes"]), "client_id": client_id}
        b.add(
            "case_notes",
            "Case note",
            label(row),
            "new",
            b.write(lambda values=values: _insert(session, CaseNote, values)),
            there=_shown_row(row, columns),
        )
    for i in only:
        row = here_rows[i]
        b.add("case_notes", "Case note", label(row), "only_here", here=_shown_row(row, columns))


def _plan_check(b: _Builder, there: dict[str, Any]) -> None:
    h, t = b.here["statement_check"], there["statement_check"]
    columns = _compared(CHECK)
    session, client_id = b.session, b.client_id
    label, section = "Fee waiver statement check", "Statement check"
    if t is not None and h is None:
        values = {**_clean(t, CHECK), "client_id": client_id}
        step = b.write(lambda: _insert(session, StatementCheckRow, values))
        b.add("statement_check", section, label, "new", step, there=_shown_row(t, columns))
    elif t is not None and h is not None:
        values = _clean(t, CHECK)
        step = b.write(lambda: _update(session, StatementCheckRow, "client_id", client_id, values))
        b.compare("statement_check", section, label, (h, t), columns, step)
    elif h is not None:
        b.add("statement_check", section, label, "only_here", here=_shown_row(h, columns))


def _plan_accounts(b: _Builder, there: dict[str, Any]) -> None:
    here_rows, there_rows = b.here["bank_accounts"], there["bank_accounts"]
    pairs, new, only = _pair(
        here_rows, there_rows, lambda r: (r["bank"], r["sort_code"], r["last_four"], r["kind"])
    )
    columns = _compared(ACCOUNT)
    session, client_id = b.session, b.client_id
    for i, j in pairs:
        h, t = here_rows[i], there_rows[j]
        values = {c: t[c] for c in columns}
        step = b.write(
            lambda h=h, values=values: _update(session, BankAccountRow, "id", h["_id"], values)
        )
        b.compare("bank_accounts", "Bank account", _account_label(t), (h, t), columns, step)
        _plan_account_contents(b, h, t)
    position = max((r["position"] for r in here_rows), default=-1) + 1
    for k, j in enumerate(new):
        t = there_rows[j]
        shown = {
            **_shown_row(t, columns),
            "Statements": str(len(t["statements"])),
            "Statement lines": str(len(t["lines"])),
        }
        step = b.write(
            lambda t=t, p=position + k: _add_account(session, client_id, t, position=p) and None
        )
        b.add("bank_accounts", "Bank account", _account_label(t), "new", step, there=shown)
    for i in only:
        h = here_rows[i]
        b.add(
            "bank_accounts",
            "Bank account",
            _account_label(h),
            "only_here",
            here=_shown_row(h, columns),
        )


def _statement_label(account: dict[str, Any], row: dict[str, Any]) -> str:
    return f"{_account_label(account)}: {long_date(row['start'])} to {long_date(row['end'])}"


def _plan_account_contents(b: _Builder, h: dict[str, Any], t: dict[str, Any]) -> None:
    """Statements, lines and explanations of an account held on both sides."""
    session, account_id = b.session, h["_id"]
    s_pairs, s_new, s_only = _pair(
        h["statements"], t["statements"], lambda r: (r["start"], r["end"], r["source"])
    )
    period_here = {j: h["statements"][i]["_id"] for i, j in s_pairs}
    l_pairs, l_new, l_only = _pair(h["lines"], t["lines"], lambda r: r["fingerprint"])
    with_statement: dict[int, list[dict[str, Any]]] = {j: [] for j in s_new}
    single = []
    for j in l_new:
        line = t["lines"][j]
        if line["statement"] in with_statement:
            with_statement[line["statement"]].append(line)
        else:
            single.append(line)
    shown_cols = _compared(STATEMENT, skip=("lines", "added_at"))
    for j in s_new:
        s, lines = t["statements"][j], with_statement[j]

        def add_statement(s: dict[str, Any] = s, lines: list = lines, j: int = j) -> None:
            pid = _insert(
                session, StatementPeriodRow, {**_clean(s, STATEMENT), "account_id": account_id}
            )
            _add_lines(session, account_id, lines, {j: pid})

        b.add(
            "statements",
            "Statement",
            _statement_label(t, s),
            "new",
            b.write(add_statement),
            there={**_shown_row(s, shown_cols), "Lines": str(len(lines))},
        )
    for i in s_only:
        s = h["statements"][i]
        b.add(
            "statements",
            "Statement",
            _statement_label(h, s),
            "only_here",
            here=_shown_row(s, shown_cols),
        )
    line_cols = _compared(LINE)
    for line in single:
        periods = {line["statement"]: period_here.get(line["statement"])}
        step = b.write(
            lambda line=line, periods=periods: _add_lines(session, account_id, [line], periods)
        )
        b.add(
            "lines",
            "Statement line",
            _line_label(line),
            "new",
            step,
            there=_shown_row(line, line_cols),
        )
    for i, j in l_pairs:
        hl, tl = h["lines"][i], t["lines"][j]
        values = _clean(tl, LINE)
        step = b.write(
            lambda hl=hl, values=values: _update(
                session, BankTransactionRow, "id", hl["_id"], values
            )
        )
        b.compare("lines", "Statement line", _line_label(tl), (hl, tl), line_cols, step)
        _plan_explanation(b, hl, tl)
    if l_only:
        b.add(
            "lines",
            "Statement line",
            f"{_account_label(h)}: {len(l_only):,} statement line(s)",
            "only_here",
            here={"Statement lines": str(len(l_only))},
        )


def _plan_explanation(b: _Builder, hl: dict[str, Any], tl: dict[str, Any]) -> None:
    he, te = hl["explanation"], tl["explanation"]
    columns = _compared(EXPLANATION, skip=("updated_at",))
    session, line_id = b.session, hl["_id"]
    label = f"Of {_line_label(tl)}"
    if te is not None and he is None:
        values = {**_clean(te, EXPLANATION), "transaction_id": line_id}
        step = b.write(lambda: _insert(session, TransactionExplanationRow, values))
        b.add("explanations", "Explanation", label, "new", step, there=_shown_row(te, columns))
    elif te is not None and he is not None:
        values = _clean(te, EXPLANATION)
        step = b.write(
            lambda: _update(session, TransactionExplanationRow, "transaction_id", line_id, values)
        )
        b.compare("explanations", "Explanation", label, (he, te), columns, step)
    elif he is not None:
        b.add("explanations", "Explanation", label, "only_here", here=_shown_row(he, columns))


def _item_key(row: dict[str, Any]) -> tuple[str, str]:
    return ("custom", row["text"]) if row["custom"] else ("item", row["item_id"])


def _plan_checklists(b: _Builder, there: dict[str, Any]) -> None:
    here_rows, there_rows = b.here["checklists"], there["checklists"]
    pairs, new, only = _pair(here_rows, there_rows, lambda r: (r["template_id"], r["started_on"]))
    columns = _compared(CHECKLIST)
    session, client_id = b.session, b.client_id
    for i, j in pairs:
        h, t = here_rows[i], there_rows[j]
        values = {c: t[c] for c in columns}
        step = b.write(
            lambda h=h, values=values: _update(session, ClientChecklistRow, "id", h["_id"], values)
        )
        b.compare("checklists", "Checklist", t["title"], (h, t), columns, step)
        _plan_items(b, h, t)
    position = max((r["position"] for r in here_rows), default=0) + 1
    for k, j in enumerate(new):
        t = there_rows[j]
        step = b.write(
            lambda t=t, p=position + k: _add_checklist(session, client_id, t, position=p) and None
        )
        shown = {**_shown_row(t, columns), "Items": str(len(t["items"]))}
        b.add("checklists", "Checklist", t["title"], "new", step, there=shown)
    for i in only:
        h = here_rows[i]
        b.add("checklists", "Checklist", h["title"], "only_here", here=_shown_row(h, columns))


_CUSTOM = "custom-"


def _plan_items(b: _Builder, h: dict[str, Any], t: dict[str, Any]) -> None:
    session, list_id = b.session, h["_id"]
    pairs, new, only = _pair(h["items"], t["items"], _item_key)
    columns = _compared(ITEM, skip=("item_id", "custom"))
    for i, j in pairs:
        hi, ti = h["items"][i], t["items"][j]
        values = {c: ti[c] for c in columns}
        step = b.write(
            lambda hi=hi, values=values: _update(session, ChecklistItemRow, "id", hi["_id"], values)
        )
        b.compare("items", "Checklist item", _clip(ti["text"]), (hi, ti), columns, step)
    used = {r["item_id"] for r in h["items"]}
    position = max((r["position"] for r in h["items"]), default=-1) + 1
    for k, j in enumerate(new):
        ti = t["items"][j]

        def add_item(ti: dict[str, Any] = ti, p: int = position + k) -> None:
            values = {**_clean(ti, ITEM), "checklist_id": list_id, "position": p}
            if values["item_id"] in used:  # an item added on both laptops: the next free number
                n = 1
                while f"{_CUSTOM}{n}" in used:
                    n += 1
                values["item_id"] = f"{_CUSTOM}{n}"
            used.add(values["item_id"])
            _insert(session, ChecklistItemRow, values)

        b.add(
            "items",
            "Checklist item",
            _clip(ti["text"]),
            "new",
            b.write(add_item),
            there=_shown_row(ti, columns),
        )
    for i in only:
        hi = h["items"][i]
        b.add(
            "items", "Checklist item", _clip(hi["text"]), "only_here", here=_shown_row(hi, columns)
        )


class _Resolver:
    """Where a received record's link points on this laptop: the record here paired (by natural
    key, as the plan pairs them) with the one linked in the received record. Worked out when
    the links are written: after the merged history is saved and the matters before them are
    written, so a link to a record added by the same merge finds it, and one to a record left
    out is dropped."""

    def __init__(self, session: Session, client_id: int, there: dict[str, Any]):
        self.session, self.client_id, self.there = session, client_id, there
        self.known: dict[str, dict[int, int]] = {}

    def id_of(self, target: str, place: int | None) -> int | None:
        if place is None:
            return None
        if target not in self.known:
            model, order = _LINKED[target]
            rows = _select(
                self.session, model, model.__table__.c.client_id == self.client_id, order
            )
            keys = _LINKED_KEYS[target]
            pairs, _new, _only = _pair(
                rows, self.there[target], lambda r: tuple(r[k] for k in keys)
            )
            self.known[target] = {j: rows[i]["id"] for i, j in pairs}
        return self.known[target].get(place)

    def forget(self, target: str) -> None:
        self.known.pop(target, None)

    def columns(self, name: str, row: dict[str, Any]) -> dict[str, Any]:
        """The row's link columns here."""
        return {
            link.column: self.id_of(link.target, row[link.key]) for link in _LINKS.get(name, ())
        }


def _plan_casework(b: _Builder, name: str, there: dict[str, Any], resolve: _Resolver) -> None:
    """One casework section, matched by natural key (_CASEWORK_KEYS); links compared by the
    linked records' keys and re-made to the merged rows when written."""
    model = _CASEWORK[name][0]
    fields = CASEWORK[name]
    section = _CASEWORK_SECTIONS[name][0]
    here_rows, there_rows = b.here[name], there.get(name, [])
    pairs, new, only = _pair(
        [{"k": _natural_key(b.here, name, r)} for r in here_rows],
        [{"k": _natural_key(there, name, r)} for r in there_rows],
        lambda r: r["k"],
    )
    columns = (*_compared(fields), *(link.key for link in _LINKS.get(name, ())))
    session, client_id = b.session, b.client_id
    for i, j in pairs:
        h, t = here_rows[i], there_rows[j]

        def change(h: dict[str, Any] = h, t: dict[str, Any] = t) -> None:
            values = {**_clean(t, fields), **resolve.columns(name, t)}
            _update(session, model, "id", h["_id"], values)

        b.compare(
            name,
            section,
            _casework_label(name, t),
            (_view(b.here, name, h), _view(there, name, t)),
            columns,
            b.write(change),
        )
    for j in new:
        t = there_rows[j]

        def add(t: dict[str, Any] = t) -> None:
            values = {**_clean(t, fields), **resolve.columns(name, t), "client_id": client_id}
            _insert(session, model, values)
            resolve.forget(name)

        b.add(
            name,
            section,
            _casework_label(name, t),
            "new",
            b.write(add),
            there=_shown_row(_view(there, name, t), columns),
        )
    for i in only:
        h = here_rows[i]
        b.add(
            name,
            section,
            _casework_label(name, h),
            "only_here",
            here=_shown_row(_view(b.here, name, h), columns),
        )


def _build(session: Session, client_id: int, record: ClientRecord) -> tuple[MergePlan, dict]:
    here = _snapshot(session, client_id)
    b = _Builder(session, client_id, here)
    there = record.data
    _plan_details(b, there)
    for kind in HISTORY_KINDS:
        _plan_history(b, kind, there)
    _plan_household(b, there)
    _plan_notes(b, there)
    _plan_check(b, there)
    _plan_accounts(b, there)
    _plan_checklists(b, there)
    resolve = _Resolver(session, client_id, there)
    for name in _CASEWORK:  # matters first: the writes of the others link to them
        _plan_casework(b, name, there, resolve)
    return MergePlan(tuple(b.diffs), b.steps), here


def merge_plan(session: Session, client_id: int, record: ClientRecord) -> MergePlan:
    """How `record` differs from the client here, record by record, matched by natural keys:
    details field by field; permission (category, start); application (kind, made; in order);
    trip (left); custody (start); status check (on); case note (all of it: only ever new);
    household member (name case and spaces aside, date of birth); bank account (bank, sort
    code, last four digits, type); statement (its account, from, to, source); line (its
    account, fingerprint); explanation (its line); checklist (template, started on); item (its
    checklist, item id; an item the adviser added by its text); the statement check (one);
    matter (category, opened); visit (day, adviser, how); letter (kind, day, its matter);
    complaint (received); consent (scope, given); subject access request (asked); retention
    decision (decided). A casework record's links (a visit's matter, a matter's application
    and permission) are compared by the linked records' keys and re-made to the merged rows.
    A new account, statement or checklist is one difference with everything in it; lines only
    here are one difference per account."""
    return _build(session, client_id, record)[0]


def apply_merge(
    session: Session,
    client_id: int,
    record: ClientRecord,
    plan: MergePlan,
    choices: dict[str, str],
    adviser: str,
) -> dict[str, int]:
    """Merge `record` into the client, inside the caller's transaction (no commit).

    `choices[diff.id]` is "received" or "mine" for every changed difference (RecordProblem
    naming those missing otherwise); a new record is added unless its choice is "skip"; what
    is only here is kept. The merged history must pass the history rules, else RecordProblem
    naming the clash and nothing is written. Returns {"added", "changed", "kept"} counts."""
    fresh, here = _build(session, client_id, record)
    if fresh.differences != plan.differences:
        raise RecordProblem(
            "the client's record on this laptop changed since the comparison: compare again"
        )
    missing = [d for d in fresh.needs_choice() if choices.get(d.id) not in ("received", "mine")]
    if missing:
        raise RecordProblem(
            "choose which to keep for: " + "; ".join(f"{d.section}, {d.label}" for d in missing)
        )
    ctx = _Merge(session, client_id, here)
    counts = {"added": 0, "changed": 0, "kept": 0}
    for d in fresh.differences:
        choice = choices.get(d.id)
        if d.kind == "new" and choice != "skip":
            fresh.steps[d.id](ctx)
            counts["added"] += 1
        elif d.kind == "changed" and choice == "received":
            fresh.steps[d.id](ctx)
            counts["changed"] += 1
        elif d.kind != "new":
            counts["kept"] += 1
    ctx.finish(adviser)
    return counts
