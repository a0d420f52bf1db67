"""Everything the UI and the command line do to the store, one function per user action.

Each function takes an open session from `Store.session()`, so one user action is one
transaction. Audit rows name the fields that changed, never their values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.rules.history import History, Person
from desktop.rules.wording import plural
from desktop.store import drafts
from desktop.store.errors import NotFound
from desktop.store.mapping import (
    RECORD_MAPS,
    history_from_client,
    history_rows,
    reconcile,
    source_columns,
)
from desktop.store.models import (
    Adviser,
    AuditEntry,
    CaseNote,
    Client,
    HouseholdMember,
    Setting,
)
from desktop.store.search import ClientSummary

#: Where the Details tab kept its draft before desktop.store.drafts (still read and erased).
DETAILS_DRAFT_PREFIX = drafts.LEGACY_DETAILS_PREFIX


#: The centre's name and contact (Settings; the foot of client handouts, a referral's sender).
CENTRE_NAME_SETTING = "centre_name"
CENTRE_CONTACT_SETTING = "centre_contact"


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class ClientDetails:
    """The Details tab and the intake form, as one value."""

    full_name: str
    other_names: str = ""
    date_of_birth: dt.date | None = None
    nationality: str = ""
    languages: str = ""
    interpreter_needed: bool = False
    phone: str = ""
    email: str = ""
    address: str = ""
    home_office_ref: str = ""
    uan: str = ""
    brp_or_share_code: str = ""
    ni_number: str = ""
    status_summary: str = ""
    notes: str = ""

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def from_client(cls, client: Client) -> ClientDetails:
        return cls(**{name: getattr(client, name) for name in cls.field_names()})

    def columns(self) -> dict:
        return {name: getattr(self, name) for name in self.field_names()}

    def to_dict(self) -> dict:
        out = self.columns()
        out["date_of_birth"] = self.date_of_birth.isoformat() if self.date_of_birth else None
        return out

    @classmethod
    def from_dict(cls, data: dict) -> ClientDetails:
        values = {k: v for k, v in data.items() if k in cls.field_names()}
        if values.get("date_of_birth"):
            values["date_of_birth"] = dt.date.fromisoformat(values["date_of_birth"])
        return cls(**values)


@dataclass(frozen=True)
class HouseholdEntry:
    name: str
    relationship_to_client: str = ""
    date_of_birth: dt.date | None = None
    member_client_id: int | None = None


def audit(
    session: Session, adviser: str, client_id: int | None, action: str, summary: str = ""
) -> None:
    session.add(
        AuditEntry(at=_now(), adviser=adviser, client_id=client_id, action=action, summary=summary)
    )


def get_client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(f"There is no client with id {client_id}.")
    return client


def summary_of(client: Client) -> ClientSummary:
    return ClientSummary(
        id=client.id,
        full_name=client.full_name,
        other_names=client.other_names,
        date_of_birth=client.date_of_birth,
        home_office_ref=client.home_office_ref,
        nationality=client.nationality,
    )


def list_summaries(session: Session) -> list[ClientSummary]:
    rows = session.execute(
        select(
            Client.id,
            Client.full_name,
            Client.other_names,
            Client.date_of_birth,
            Client.home_office_ref,
            Client.nationality,
        )
    )
    return [ClientSummary(*row) for row in rows]


def create_client(session: Session, details: ClientDetails, adviser: str) -> int:
    now = _now()
    client = Client(**details.columns(), created_at=now, updated_at=now)
    session.add(client)
    session.flush()
    audit(session, adviser, client.id, "client.create")
    return client.id


def update_client(
    session: Session, client_id: int, details: ClientDetails, adviser: str
) -> list[str]:
    client = get_client(session, client_id)
    changed = [
        name
        for name in ClientDetails.field_names()
        if getattr(client, name) != getattr(details, name)
    ]
    for name in changed:
        setattr(client, name, getattr(details, name))
    if changed:
        client.updated_at = _now()
        audit(session, adviser, client_id, "client.update", "changed: " + ", ".join(changed))
    return changed


def delete_client(session: Session, client_id: int, adviser: str) -> None:
    """Erase a client and everything held about them (an erasure request). The audit trail
    keeps only that client number N was erased, when and by whom."""
    client = get_client(session, client_id)
    session.delete(client)
    # Unsaved work kept as drafts over a lock or a quit (desktop.store.drafts) goes with the
    # client, in the same transaction.
    drafts.drop_client(session, client_id)
    audit(session, adviser, client_id, "client.delete", "client and all records erased")


def set_household(
    session: Session, client_id: int, members: list[HouseholdEntry], adviser: str
) -> None:
    client = get_client(session, client_id)
    before = [_entry_of(m) for m in client.household]
    if before == members:
        return
    # Edited in place (issue 21): a member matched by name and date of birth keeps its row
    # and uid, and only what changed is written.
    client.household = reconcile(
        list(client.household),
        members,
        value_of=_entry_of,
        key=lambda m, _position: (m.name, m.date_of_birth),
        columns_of=lambda m, _position: {
            "name": m.name,
            "relationship_to_client": m.relationship_to_client,
            "date_of_birth": m.date_of_birth,
            "member_client_id": m.member_client_id,
        },
        new_row=lambda columns: HouseholdMember(**columns),
    )
    client.updated_at = _now()
    audit(session, adviser, client_id, "household.update", plural(len(members), "member"))


def _entry_of(member: HouseholdMember) -> HouseholdEntry:
    return HouseholdEntry(
        member.name, member.relationship_to_client, member.date_of_birth, member.member_client_id
    )


def household_of(session: Session, client_id: int) -> list[HouseholdEntry]:
    client = get_client(session, client_id)
    return [_entry_of(m) for m in client.household]


def load_history(session: Session, client_id: int) -> History:
    return history_from_client(get_client(session, client_id))


def save_history(session: Session, client_id: int, history: History, adviser: str) -> None:
    """Make the client's whole history `history` (already validated by the caller).

    The caller hands over the whole history, which keeps cross-record checks (overlaps,
    order) simple and the write atomic. The rows are edited in place (issue 21,
    `mapping.reconcile`): a record left as it was is not touched, one edited (matched by its
    natural key: a permission's category and start, an application's place, an absence's
    departure, a custody period's start, a status check's day) keeps its row and uid and
    only its changed columns are written; the rest are deleted or added.
    """
    client = get_client(session, client_id)
    before = history_from_client(client)
    changed = [
        name
        for name in (
            "permissions",
            "applications",
            "absences",
            "custody",
            "question",
            "status_checks",
        )
        if getattr(before, name) != getattr(history, name)
    ]
    if not changed:
        return
    for name in changed:
        if name in RECORD_MAPS:
            record_map = RECORD_MAPS[name]
            rows = record_map.reconcile(list(getattr(client, name)), getattr(history, name))
            setattr(client, name, rows)
    question = history.question
    client.target_route = question.route if question else None
    client.target_date = question.application_date if question else None
    client.updated_at = _now()
    audit(session, adviser, client_id, "history.update", "changed: " + ", ".join(changed))


def import_history(
    session: Session, history: History, adviser: str, details: ClientDetails | None = None
) -> int:
    """Add a new client from a history (and, from a full export, their details)."""
    person = history.person
    if details is None:
        details = ClientDetails(full_name=person.name or "", date_of_birth=person.date_of_birth)
    if not details.full_name.strip():
        details = replace(details, full_name="(name not given)")
    client_id = create_client(session, details, adviser)
    client = get_client(session, client_id)
    for name, rows in history_rows(history).items():
        setattr(client, name, rows)
    if history.question:
        client.target_route = history.question.route
        client.target_date = history.question.application_date
    audit(session, adviser, client_id, "client.import", "from history JSON")
    return client_id


def export_history(session: Session, client_id: int) -> History:
    client = get_client(session, client_id)
    history = history_from_client(client)
    return replace(
        history, person=Person(name=client.full_name or None, date_of_birth=client.date_of_birth)
    )


def add_note(session: Session, client_id: int, adviser: str, text: str) -> CaseNote:
    client = get_client(session, client_id)
    note = CaseNote(client_id=client.id, adviser=adviser, written_on=_now(), text=text)
    session.add(note)
    audit(session, adviser, client_id, "note.add")
    return note


def notes_of(session: Session, client_id: int) -> list[CaseNote]:
    return list(get_client(session, client_id).case_notes)


def audit_of(session: Session, client_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.client_id == client_id).order_by(AuditEntry.id)
        )
    )


def adviser_names(session: Session) -> list[str]:
    rows = session.scalars(
        select(Adviser.name).order_by(Adviser.last_used.desc().nulls_last(), Adviser.name)
    )
    return list(rows)


def use_adviser(session: Session, name: str) -> None:
    adviser = session.scalars(select(Adviser).where(Adviser.name == name)).first()
    if adviser is None:
        adviser = Adviser(name=name)
        session.add(adviser)
    adviser.last_used = _now()


def get_setting(session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(Setting, key)
    return row.value if row else default


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


# ---- the deadlines board (desktop.board) -----------------------------------------------------
# The board reads every client's history at once, so these read the stored values in a few
# queries (no ORM objects): dates stay ISO text and flags 0/1, as SQLite holds them. The
# order of each record list is the one the Client relationships use, so a source turns into
# the same History as `load_history` gives.

# The columns read are the store's one mapping's (desktop.store.mapping.RECORDS), and
# `mapping.history_from_records` reads them back by name.
PERMISSION_SOURCE = RECORD_MAPS["permissions"].column_names
# The application columns are named as the history JSON's keys.
APPLICATION_SOURCE = RECORD_MAPS["applications"].column_names
ABSENCE_SOURCE = RECORD_MAPS["absences"].column_names
CUSTODY_SOURCE = RECORD_MAPS["custody"].column_names
#: The adviser's status checks ("checked: no permission"), as the history JSON's keys.
STATUS_CHECK_SOURCE = RECORD_MAPS["status_checks"].column_names


@dataclass
class HistorySource:
    """One client's history as stored, with the client's name (see `history_sources`)."""

    client_id: int
    full_name: str
    target_route: str | None = None
    target_date: str | None = None
    permissions: list[tuple] = field(default_factory=list)
    applications: list[tuple] = field(default_factory=list)
    absences: list[tuple] = field(default_factory=list)
    custody: list[tuple] = field(default_factory=list)
    status_checks: list[tuple] = field(default_factory=list)

    def records(self) -> tuple:
        """Everything the history is made of, as one value (what the board's digest covers)."""
        return (
            self.target_route,
            self.target_date,
            *(tuple(getattr(self, table)) for table, _columns, _order in source_columns()),
        )


def client_count(session: Session) -> int:
    return session.connection().exec_driver_sql("SELECT count(*) FROM clients").scalar_one()


def history_sources(session: Session, client_id: int | None = None) -> dict[int, HistorySource]:
    """Every client's stored history (or one client's), in six queries, keyed by client id.

    Reads through the driver's cursor: SQLAlchemy's row objects would double the cost of the
    100,000 rows that 10,000 clients have."""
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        where, params = ("WHERE id = ?", (client_id,)) if client_id is not None else ("", ())
        cursor.execute(
            f"SELECT id, full_name, target_route, target_date FROM clients {where}", params
        )
        out = {row[0]: HistorySource(*row) for row in cursor.fetchall()}
        where = "WHERE client_id = ?" if client_id is not None else ""
        for table, columns, order in source_columns():
            names = ", ".join(f'"{c}"' for c in columns)
            cursor.execute(
                f"SELECT client_id, {names} FROM {table} {where} ORDER BY client_id, {order}",
                params,
            )
            for row in cursor.fetchall():
                source = out.get(row[0])
                if source is not None:
                    getattr(source, table).append(row[1:])
    finally:
        cursor.close()
    return out


def latest_advisers(session: Session, client_id: int | None = None) -> dict[int, str]:
    """Client id -> the adviser who last changed anything of theirs (the newest audit entry)."""
    where, params = ("AND client_id = ?", (client_id,)) if client_id is not None else ("", ())
    rows = session.connection().exec_driver_sql(
        "SELECT a.client_id, a.adviser FROM audit_log AS a JOIN ("
        f"  SELECT max(id) AS id FROM audit_log WHERE client_id IS NOT NULL {where}"
        "  GROUP BY client_id"
        ") AS newest ON a.id = newest.id",
        params,
    )
    return dict(rows.all())


def deadline_cache(session: Session) -> dict[int, tuple[str, str, str, str | None]]:
    """Client id -> (digest, day worked out for as ISO text, rules version, deadlines JSON)."""
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        cursor.execute(
            "SELECT client_id, digest, computed_for, rules_version, deadlines FROM deadline_cache"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}
    finally:
        cursor.close()


def deadline_cache_count(session: Session, computed_for: str, rules_version: str) -> int:
    """How many clients have deadlines kept for that day and rules version."""
    return (
        session.connection()
        .exec_driver_sql(
            "SELECT count(*) FROM deadline_cache WHERE computed_for = ? AND rules_version = ?",
            (computed_for, rules_version),
        )
        .scalar_one()
    )


def save_deadline_cache(
    session: Session, rows: Iterable[tuple[int, str, str, str, str | None]]
) -> None:
    """Keep (client id, digest, day as ISO text, rules version, deadlines JSON) rows; a row for
    a client erased meanwhile is skipped."""
    params = [(*row, row[0]) for row in rows]
    if params:
        session.connection().exec_driver_sql(
            "INSERT OR REPLACE INTO deadline_cache "
            "(client_id, digest, computed_for, rules_version, deadlines) "
            "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM clients WHERE id = ?)",
            params,
        )
