"""Issue 22: the store's side of casework - visits, matters, letters sent, complaints, consents,
subject access requests made to the centre, and retention decisions.

One function per user action, each in the caller's session (one transaction), each with its
audit row. Audit summaries name the record and the fields that changed ("matter 3 changed:
closed, outcome"), never a value. Bad input raises `CaseworkProblem` (a ValueError) whose
message is one line naming the field (never its content) and whose `.field` is the field's
name, before anything is written.

The rules (reminders, the level check, the retention review) are pure
(`desktop.rules.casework`); this module turns the stored rows into their facts
(`facts_of`, and `all_facts` for every client in a few queries: the deadlines board) and runs
them with the dated figures, the bank holidays and the client's history.

Settings (the `settings` table, per laptop, never shared): `retention_years`,
`consent_period_months`, `oisc_number`, `complaints_procedure`, and `stats_client_key` (the
statistics' keyed-hash key: never exported, synced, or in the referral file or subject access
copy).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.rules.history import (
    APPLICATION_KINDS,
    APPLICATION_OUTCOMES,
    PERMISSION_CATEGORIES,
    date_in_range,
)
from desktop.store.errors import NotFound
from desktop.store.models import (
    AccessRequestRow,
    Adviser,
    ApplicationRow,
    Client,
    ComplaintRow,
    ConsentRow,
    LetterRow,
    MatterRow,
    PermissionRow,
    RetentionDecisionRow,
    VisitRow,
)
from desktop.store.repository import (
    CENTRE_NAME_SETTING,
    audit,
    get_client,
    get_setting,
    set_setting,
)

if TYPE_CHECKING:
    from desktop.rules.casework import CaseworkFacts, CaseworkSettings, LevelCheck
    from desktop.rules.deadlines import Deadline

# ---- fixed lists and limits --------------------------------------------------------------------

#: How a contact was made (visits.how); "letter" and "email" count as writing to the client.
VISIT_HOWS: dict[str, str] = {
    "in_person": "In person",
    "phone": "Phone",
    "letter": "Letter",
    "email": "Email",
    "video": "Video call",
}
WRITTEN_HOWS = frozenset({"letter", "email"})
LETTER_KINDS: dict[str, str] = {
    "client_care": "Client care letter",
    "update": "Update",
    "outcome": "Outcome letter",
    "closing": "Closing letter",
    "referral": "Referral letter",
}
CONSENT_SCOPES: dict[str, str] = {
    "records": "Keeping records",
    "referral": "Sharing on referral",
    "contact": "Being contacted",
}
CONSENT_HOWS: dict[str, str] = {"signed": "Signed", "verbal": "Verbal", "electronic": "Electronic"}
#: OISC code 25: the client's agreement to the client care letter, signed or electronic.
CLIENT_CARE_HOWS: dict[str, str] = {"signed": "Signed copy", "electronic": "Electronic"}
OISC_CATEGORIES: dict[str, str] = {
    "immigration": "Immigration",
    "asylum_protection": "Asylum and Protection",
}
#: An adviser's OISC level (advisers table, matters.adviser_level): 0 not authorised, 1-3 the
#: OISC levels, 4 regulated otherwise (solicitor, barrister, CILEx); None: not recorded.
ADVISER_LEVELS: dict[int, str] = {
    0: "Not authorised",
    1: "Level 1 (Advice and Assistance)",
    2: "Level 2 (Casework)",
    3: "Level 3 (Advocacy and Representation)",
    4: "Regulated otherwise (solicitor, barrister, CILEx)",
}
#: The level a matter's work needs, set by hand (None: the level check's answer).
NEEDED_LEVELS = (1, 2, 3)

MAX_MINUTES = 1440
MAX_TEXT = 20_000  # a free-text field (advice given, notes, a complaint's summary)
MAX_NAME = 100  # an adviser's name (the column)
MAX_TITLE = 200
MAX_CENTRE = 200
MAX_LANGUAGE = 10
MAX_LETTER_FIELDS = 100_000  # the letter's typed parts as JSON
MAX_PERIOD_MONTHS = 120

# ---- settings ----------------------------------------------------------------------------------

RETENTION_YEARS_SETTING = "retention_years"
CONSENT_MONTHS_SETTING = "consent_period_months"
OISC_NUMBER_SETTING = "oisc_number"
COMPLAINTS_PROCEDURE_SETTING = "complaints_procedure"
#: The statistics' keyed-hash key (made and read by desktop.store.statistics.stats_key).
STATS_KEY_SETTING = "stats_client_key"
#: The centre's choice, not law (the contract): a records consent is renewed after a year.
DEFAULT_CONSENT_MONTHS = 12
#: OISC Code of Standards 2016 code 57, when the figure cannot be read.
DEFAULT_RETENTION_YEARS = 6
MAX_RETENTION_YEARS = 100
MAX_OISC_NUMBER = 50
MAX_PROCEDURE = 5_000


class CaseworkProblem(ValueError):
    """Input the store will not keep: one line naming the field (never its value)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


# ---- value types -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitEntry:
    """One contact with the client (OISC codes 53-54)."""

    on: dt.date
    adviser: str = ""
    how: str = "in_person"  # a key of VISIT_HOWS
    minutes: int = 0
    matter_id: int | None = None
    asked: str = ""
    advice: str = ""
    next_steps: str = ""
    info_given: str = ""
    info_source: str = ""
    centre: str = ""  # "": the centre's name in Settings when saved


@dataclass(frozen=True)
class MatterEntry:
    """A piece of work for the client. `oisc_category` "" takes the category's; `centre` ""
    the centre's name in Settings; `adviser_level` is set by the store from the advisers table
    (when the matter is added, or its adviser or OISC category changes), whatever is given."""

    category: str  # a key of the casework data's categories
    opened: dt.date
    title: str = ""
    oisc_category: str = ""
    needed_level: int | None = None
    adviser: str = ""
    adviser_level: int | None = None
    centre: str = ""
    closed: dt.date | None = None
    outcome: str | None = None  # a key of the casework data's outcomes
    decision_on: dt.date | None = None
    outcome_told_on: dt.date | None = None
    client_care_agreed_on: dt.date | None = None
    client_care_how: str = ""  # "" or a key of CLIENT_CARE_HOWS
    application_id: int | None = None
    permission_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class LetterEntry:
    """A letter sent: `fields` holds its typed parts (strings, numbers, flags, lists)."""

    kind: str  # a key of LETTER_KINDS
    on: dt.date
    adviser: str = ""
    matter_id: int | None = None
    language: str = "en"
    large_print: bool = False
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ComplaintEntry:
    received_on: dt.date
    summary: str
    adviser: str = ""
    matter_id: int | None = None
    acknowledged_on: dt.date | None = None
    outcome: str = ""
    outcome_on: dt.date | None = None


@dataclass(frozen=True)
class ConsentEntry:
    """`period_months` None: the centre's setting (`consent_months`)."""

    scope: str  # a key of CONSENT_SCOPES
    given_on: dt.date
    how: str = "signed"  # a key of CONSENT_HOWS
    period_months: int | None = None
    withdrawn_on: dt.date | None = None
    adviser: str = ""
    note: str = ""


@dataclass(frozen=True)
class AccessRequestEntry:
    asked_on: dt.date
    extended: bool = False
    answered_on: dt.date | None = None
    adviser: str = ""
    note: str = ""


def _entry_of(row_value: Any, entry_type: type) -> Any:
    return entry_type(**{f.name: getattr(row_value, f.name) for f in fields(entry_type)})


@dataclass(frozen=True, kw_only=True)
class Visit(VisitEntry):
    id: int

    def entry(self) -> VisitEntry:
        return _entry_of(self, VisitEntry)


@dataclass(frozen=True, kw_only=True)
class Matter(MatterEntry):
    id: int

    @property
    def open(self) -> bool:
        return self.closed is None

    def entry(self) -> MatterEntry:
        return _entry_of(self, MatterEntry)


@dataclass(frozen=True, kw_only=True)
class Letter(LetterEntry):
    id: int

    def entry(self) -> LetterEntry:
        return _entry_of(self, LetterEntry)


@dataclass(frozen=True, kw_only=True)
class Complaint(ComplaintEntry):
    id: int

    def entry(self) -> ComplaintEntry:
        return _entry_of(self, ComplaintEntry)


@dataclass(frozen=True, kw_only=True)
class Consent(ConsentEntry):
    id: int

    def entry(self) -> ConsentEntry:
        return _entry_of(self, ConsentEntry)


@dataclass(frozen=True, kw_only=True)
class AccessRequest(AccessRequestEntry):
    id: int

    def entry(self) -> AccessRequestEntry:
        return _entry_of(self, AccessRequestEntry)


@dataclass(frozen=True)
class RetentionDecision:
    id: int
    decided_on: dt.date
    reason: str
    review_on: dt.date
    adviser: str


@dataclass(frozen=True)
class Casework:
    """Everything of a client's casework, each list newest first."""

    visits: tuple[Visit, ...] = ()
    matters: tuple[Matter, ...] = ()
    letters: tuple[Letter, ...] = ()
    complaints: tuple[Complaint, ...] = ()
    consents: tuple[Consent, ...] = ()
    access_requests: tuple[AccessRequest, ...] = ()
    retention: tuple[RetentionDecision, ...] = ()

    def matter(self, matter_id: int) -> Matter | None:
        return next((m for m in self.matters if m.id == matter_id), None)


@dataclass(frozen=True)
class RetentionDue:
    """A client whose record is due for its retention review on or before the day asked."""

    client_id: int
    name: str
    review_on: dt.date
    basis: str  # why that day, in words (ISO dates inside)


# ---- checks ------------------------------------------------------------------------------------

LABELS: dict[str, str] = {
    "on": "Date",
    "adviser": "Adviser",
    "how": "How",
    "minutes": "Time spent (minutes)",
    "matter_id": "Matter",
    "asked": "What was asked",
    "advice": "Advice given",
    "next_steps": "Next steps",
    "info_given": "Information given",
    "info_source": "Source of the information",
    "centre": "Centre",
    "category": "Category",
    "opened": "Opened",
    "title": "Title",
    "oisc_category": "OISC category",
    "needed_level": "Level needed",
    "closed": "Closed",
    "outcome": "Outcome",
    "decision_on": "Decision received",
    "outcome_told_on": "Client told of the outcome",
    "client_care_agreed_on": "Client care agreed",
    "client_care_how": "How the client care letter was agreed",
    "application_id": "Application",
    "permission_id": "Permission",
    "notes": "Notes",
    "kind": "Kind of letter",
    "language": "Language",
    "large_print": "Large print",
    "fields": "The letter's contents",
    "received_on": "Received",
    "summary": "Summary",
    "acknowledged_on": "Acknowledged",
    "outcome_on": "Outcome given",
    "scope": "Consent to",
    "given_on": "Given",
    "period_months": "Period (months)",
    "withdrawn_on": "Withdrawn",
    "note": "Note",
    "asked_on": "Asked",
    "extended": "Extended",
    "answered_on": "Answered",
    "reason": "Reason",
    "review_on": "Next review",
    "immigration": "OISC level (immigration)",
    "asylum": "OISC level (asylum and protection)",
    "name": "Adviser's name",
    "retention_years": "Keep records for (years)",
    "consent_period_months": "Consent period (months)",
    "oisc_number": "OISC number",
    "complaints_procedure": "Complaints procedure",
    "referral_source": "How the client came",
}


def _problem(name: str, what: str) -> CaseworkProblem:
    return CaseworkProblem(f"{LABELS.get(name, name)}: {what}", name)


def _text(name: str, value: object, limit: int, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise _problem(name, "must be text.")
    if required and not value.strip():
        raise _problem(name, "is needed.")
    if len(value) > limit:
        raise _problem(name, f"is longer than {limit:,} characters.")
    return value


def _date(name: str, value: object, *, required: bool = True) -> dt.date | None:
    if value is None:
        if required:
            raise _problem(name, "give the date.")
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _problem(name, "is not a date.")
    if not date_in_range(value):
        raise _problem(name, "the date is outside the years 1900 to 2100.")
    return value


def _not_before(name: str, value: dt.date | None, earlier: str, first: dt.date | None) -> None:
    if value is not None and first is not None and value < first:
        raise _problem(name, f"is before {LABELS[earlier].lower()}.")


def _choice(name: str, value: object, choices: Iterable[str]) -> str:
    if not isinstance(value, str) or value not in set(choices):
        raise _problem(name, "is not one of the choices.")
    return value


def _int(name: str, value: object, low: int, high: int, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _problem(name, f"must be a whole number from {low} to {high}.")
    return value


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _problem(name, "must be yes or no.")
    return value


def _level(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or value not in ADVISER_LEVELS:
        raise _problem(name, "is not one of the levels.")
    return value  # type: ignore[return-value]


def _casework_data():
    return _assess().load_casework()


def _matter_of(session: Session, client_id: int, matter_id: object) -> int | None:
    """A matter id given on a visit, letter or complaint: None, or one of the client's."""
    if matter_id is None:
        return None
    if isinstance(matter_id, bool) or not isinstance(matter_id, int):
        raise _problem("matter_id", "is not one of the client's matters.")
    row = session.get(MatterRow, matter_id)
    if row is None or row.client_id != client_id:
        raise _problem("matter_id", "is not one of the client's matters.")
    return matter_id


def _centre(session: Session, value: str) -> str:
    value = _text("centre", value, MAX_CENTRE)
    if value.strip():
        return value
    return (get_setting(session, CENTRE_NAME_SETTING, "") or "")[:MAX_CENTRE]


def _visit_columns(session: Session, client_id: int, e: VisitEntry) -> dict:
    return {
        "on": _date("on", e.on),
        "adviser": _text("adviser", e.adviser, MAX_NAME),
        "how": _choice("how", e.how, VISIT_HOWS),
        "minutes": _int("minutes", e.minutes, 0, MAX_MINUTES),
        "matter_id": _matter_of(session, client_id, e.matter_id),
        "asked": _text("asked", e.asked, MAX_TEXT),
        "advice": _text("advice", e.advice, MAX_TEXT),
        "next_steps": _text("next_steps", e.next_steps, MAX_TEXT),
        "info_given": _text("info_given", e.info_given, MAX_TEXT),
        "info_source": _text("info_source", e.info_source, MAX_TEXT),
        "centre": _centre(session, e.centre),
    }


def _matter_columns(session: Session, client_id: int, e: MatterEntry) -> dict:
    data = _casework_data()
    category = _choice("category", e.category, data.categories)
    oisc = e.oisc_category or data.categories[category].oisc_category
    opened = _date("opened", e.opened)
    closed = _date("closed", e.closed, required=False)
    _not_before("closed", closed, "opened", opened)
    outcome = None if e.outcome in (None, "") else _choice("outcome", e.outcome, data.outcomes)
    if closed is not None and outcome is None:
        raise _problem("outcome", "choose the outcome when the matter is closed.")
    decision_on = _date("decision_on", e.decision_on, required=False)
    told = _date("outcome_told_on", e.outcome_told_on, required=False)
    _not_before("outcome_told_on", told, "decision_on", decision_on)
    agreed = _date("client_care_agreed_on", e.client_care_agreed_on, required=False)
    how = (
        ""
        if not e.client_care_how
        else _choice("client_care_how", e.client_care_how, CLIENT_CARE_HOWS)
    )
    if agreed is not None and not how:
        raise _problem("client_care_how", "say how the client agreed (signed or electronic).")
    if agreed is None and how:
        raise _problem("client_care_agreed_on", "give the day the client agreed.")
    return {
        "title": _text("title", e.title, MAX_TITLE),
        "category": category,
        "oisc_category": _choice("oisc_category", oisc, OISC_CATEGORIES),
        "needed_level": _int("needed_level", e.needed_level, 1, 3, optional=True),
        "adviser": _text("adviser", e.adviser, MAX_NAME),
        "centre": _centre(session, e.centre),
        "opened": opened,
        "closed": closed,
        "outcome": outcome,
        "decision_on": decision_on,
        "outcome_told_on": told,
        "client_care_agreed_on": agreed,
        "client_care_how": how,
        "application_id": _linked(
            session, client_id, e.application_id, ApplicationRow, "application_id"
        ),
        "permission_id": _linked(
            session, client_id, e.permission_id, PermissionRow, "permission_id"
        ),
        "notes": _text("notes", e.notes, MAX_TEXT),
    }


def _linked(session: Session, client_id: int, value: object, model: type, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _problem(name, "is not one of the client's records.")
    row = session.get(model, value)
    if row is None or row.client_id != client_id:
        raise _problem(name, "is not one of the client's records.")
    return value


def _letter_columns(session: Session, client_id: int, e: LetterEntry) -> dict:
    language = _text("language", e.language, MAX_LANGUAGE, required=True)
    if not all(c.isascii() and (c.isalnum() or c == "-") for c in language):
        raise _problem("language", "is not a language code.")
    if not isinstance(e.fields, Mapping) or not all(isinstance(k, str) for k in e.fields):
        raise _problem("fields", "must be named parts.")
    try:
        text = json.dumps(dict(e.fields), ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        raise _problem("fields", "hold something that is not text, a number or a list.") from None
    if len(text) > MAX_LETTER_FIELDS:
        raise _problem("fields", f"are longer than {MAX_LETTER_FIELDS:,} characters.")
    return {
        "kind": _choice("kind", e.kind, LETTER_KINDS),
        "on": _date("on", e.on),
        "adviser": _text("adviser", e.adviser, MAX_NAME),
        "matter_id": _matter_of(session, client_id, e.matter_id),
        "language": language,
        "large_print": _flag("large_print", e.large_print),
        "fields": text,
    }


def _complaint_columns(session: Session, client_id: int, e: ComplaintEntry) -> dict:
    received = _date("received_on", e.received_on)
    acknowledged = _date("acknowledged_on", e.acknowledged_on, required=False)
    _not_before("acknowledged_on", acknowledged, "received_on", received)
    outcome_on = _date("outcome_on", e.outcome_on, required=False)
    _not_before("outcome_on", outcome_on, "received_on", received)
    return {
        "received_on": received,
        "summary": _text("summary", e.summary, MAX_TEXT, required=True),
        "adviser": _text("adviser", e.adviser, MAX_NAME),
        "matter_id": _matter_of(session, client_id, e.matter_id),
        "acknowledged_on": acknowledged,
        "outcome": _text("outcome", e.outcome, MAX_TEXT),
        "outcome_on": outcome_on,
    }


def _consent_columns(session: Session, e: ConsentEntry) -> dict:
    given = _date("given_on", e.given_on)
    withdrawn = _date("withdrawn_on", e.withdrawn_on, required=False)
    _not_before("withdrawn_on", withdrawn, "given_on", given)
    period = e.period_months
    if period is None:
        period = consent_months(session)
    return {
        "scope": _choice("scope", e.scope, CONSENT_SCOPES),
        "given_on": given,
        "how": _choice("how", e.how, CONSENT_HOWS),
        "period_months": _int("period_months", period, 1, MAX_PERIOD_MONTHS),
        "withdrawn_on": withdrawn,
        "adviser": _text("adviser", e.adviser, MAX_NAME),
        "note": _text("note", e.note, MAX_TEXT),
    }


def _access_request_columns(e: AccessRequestEntry) -> dict:
    asked = _date("asked_on", e.asked_on)
    answered = _date("answered_on", e.answered_on, required=False)
    _not_before("answered_on", answered, "asked_on", asked)
    return {
        "asked_on": asked,
        "extended": _flag("extended", e.extended),
        "answered_on": answered,
        "adviser": _text("adviser", e.adviser, MAX_NAME),
        "note": _text("note", e.note, MAX_TEXT),
    }


# ---- writing -----------------------------------------------------------------------------------


def _row(session: Session, model: type, row_id: int, what: str):
    row = session.get(model, row_id) if isinstance(row_id, int) else None
    if row is None:
        raise NotFound(f"There is no {what} with id {row_id}.")
    return row


def _update(row: Any, columns: Mapping[str, Any]) -> list[str]:
    """Set the columns that differ (only those: sharing sends a field, not the row)."""
    changed = [name for name, value in columns.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, columns[name])
    return changed


def _add(session: Session, row: Any, by: str, action: str, what: str) -> int:
    session.add(row)
    session.flush()
    audit(session, by, row.client_id, action, f"{what} {row.id}")
    return row.id


def _audit_changes(
    session: Session, row: Any, changed: list[str], by: str, action: str, what: str
) -> None:
    if changed:
        audit(session, by, row.client_id, action, f"{what} {row.id} changed: " + ", ".join(changed))


def add_visit(session: Session, client_id: int, entry: VisitEntry, adviser: str) -> int:
    get_client(session, client_id)
    columns = _visit_columns(session, client_id, entry)
    return _add(session, VisitRow(client_id=client_id, **columns), adviser, "visit.add", "visit")


def update_visit(session: Session, visit_id: int, entry: VisitEntry, adviser: str) -> list[str]:
    row = _row(session, VisitRow, visit_id, "visit")
    changed = _update(row, _visit_columns(session, row.client_id, entry))
    _audit_changes(session, row, changed, adviser, "visit.update", "visit")
    return changed


def delete_visit(session: Session, visit_id: int, adviser: str) -> None:
    row = _row(session, VisitRow, visit_id, "visit")
    client_id = row.client_id
    session.delete(row)
    audit(session, adviser, client_id, "visit.delete", f"visit {visit_id}")


def _adviser_level(session: Session, name: str, oisc_category: str) -> int | None:
    row = session.scalars(select(Adviser).where(Adviser.name == name)).first()
    if row is None:
        return None
    if oisc_category == "asylum_protection":
        return row.oisc_level_asylum
    return row.oisc_level_immigration


def add_matter(session: Session, client_id: int, entry: MatterEntry, adviser: str) -> int:
    get_client(session, client_id)
    columns = _matter_columns(session, client_id, entry)
    columns["adviser_level"] = _adviser_level(session, columns["adviser"], columns["oisc_category"])
    return _add(session, MatterRow(client_id=client_id, **columns), adviser, "matter.add", "matter")


def update_matter(session: Session, matter_id: int, entry: MatterEntry, adviser: str) -> list[str]:
    """Change a matter (closing it is an update with `closed` and `outcome`). The adviser's
    level is copied again when the adviser or the OISC category changes."""
    row = _row(session, MatterRow, matter_id, "matter")
    columns = _matter_columns(session, row.client_id, entry)
    if columns["adviser"] != row.adviser or columns["oisc_category"] != row.oisc_category:
        columns["adviser_level"] = _adviser_level(
            session, columns["adviser"], columns["oisc_category"]
        )
    changed = _update(row, columns)
    _audit_changes(session, row, changed, adviser, "matter.update", "matter")
    return changed


def record_letter(session: Session, client_id: int, entry: LetterEntry, adviser: str) -> int:
    """Log a letter sent (or printed to send): its typed parts are kept to print it again."""
    get_client(session, client_id)
    columns = _letter_columns(session, client_id, entry)
    return _add(
        session, LetterRow(client_id=client_id, **columns), adviser, "letter.record", "letter"
    )


def add_complaint(session: Session, client_id: int, entry: ComplaintEntry, adviser: str) -> int:
    get_client(session, client_id)
    columns = _complaint_columns(session, client_id, entry)
    return _add(
        session, ComplaintRow(client_id=client_id, **columns), adviser, "complaint.add", "complaint"
    )


def update_complaint(
    session: Session, complaint_id: int, entry: ComplaintEntry, adviser: str
) -> list[str]:
    row = _row(session, ComplaintRow, complaint_id, "complaint")
    changed = _update(row, _complaint_columns(session, row.client_id, entry))
    _audit_changes(session, row, changed, adviser, "complaint.update", "complaint")
    return changed


def add_consent(session: Session, client_id: int, entry: ConsentEntry, adviser: str) -> int:
    get_client(session, client_id)
    columns = _consent_columns(session, entry)
    return _add(
        session, ConsentRow(client_id=client_id, **columns), adviser, "consent.add", "consent"
    )


def update_consent(
    session: Session, consent_id: int, entry: ConsentEntry, adviser: str
) -> list[str]:
    row = _row(session, ConsentRow, consent_id, "consent")
    if entry.period_months is None:  # unchanged, not the setting's value of today
        columns = _consent_columns(session, replace(entry, period_months=row.period_months))
    else:
        columns = _consent_columns(session, entry)
    changed = _update(row, columns)
    _audit_changes(session, row, changed, adviser, "consent.update", "consent")
    return changed


def add_access_request(
    session: Session, client_id: int, entry: AccessRequestEntry, adviser: str
) -> int:
    get_client(session, client_id)
    columns = _access_request_columns(entry)
    return _add(
        session,
        AccessRequestRow(client_id=client_id, **columns),
        adviser,
        "access_request.add",
        "access request",
    )


def update_access_request(
    session: Session, request_id: int, entry: AccessRequestEntry, adviser: str
) -> list[str]:
    row = _row(session, AccessRequestRow, request_id, "access request")
    changed = _update(row, _access_request_columns(entry))
    _audit_changes(session, row, changed, adviser, "access_request.update", "access request")
    return changed


def keep_on_review(
    session: Session,
    client_id: int,
    reason: str,
    review_on: dt.date,
    adviser: str,
    today: dt.date,
) -> int:
    """The retention review's "keep": the record stays, with why, until `review_on` (after
    today). Erasing is `repository.delete_client`."""
    get_client(session, client_id)
    reason = _text("reason", reason, MAX_TEXT, required=True)
    review_on = _date("review_on", review_on)
    if review_on <= today:
        raise _problem("review_on", "must be after today.")
    row = RetentionDecisionRow(
        client_id=client_id, decided_on=today, reason=reason, review_on=review_on, adviser=adviser
    )
    return _add(session, row, adviser, "retention.keep", "retention decision")


# ---- reading -----------------------------------------------------------------------------------


def _value(row: Any, value_type: type, **extra: Any) -> Any:
    names = [f.name for f in fields(value_type) if f.name not in extra]
    return value_type(**{n: getattr(row, n) for n in names}, **extra)


def _rows(session: Session, model: type, client_id: int, *order) -> list:
    return list(session.scalars(select(model).where(model.client_id == client_id).order_by(*order)))


def _letter_fields(text: str) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def casework_of(session: Session, client_id: int) -> Casework:
    """The client's casework, each list newest first."""
    get_client(session, client_id)
    return Casework(
        visits=tuple(
            _value(r, Visit)
            for r in _rows(session, VisitRow, client_id, VisitRow.on.desc(), VisitRow.id.desc())
        ),
        matters=tuple(
            _value(r, Matter)
            for r in _rows(
                session, MatterRow, client_id, MatterRow.opened.desc(), MatterRow.id.desc()
            )
        ),
        letters=tuple(
            _value(r, Letter, fields=_letter_fields(r.fields))
            for r in _rows(session, LetterRow, client_id, LetterRow.on.desc(), LetterRow.id.desc())
        ),
        complaints=tuple(
            _value(r, Complaint)
            for r in _rows(
                session,
                ComplaintRow,
                client_id,
                ComplaintRow.received_on.desc(),
                ComplaintRow.id.desc(),
            )
        ),
        consents=tuple(
            _value(r, Consent)
            for r in _rows(
                session, ConsentRow, client_id, ConsentRow.given_on.desc(), ConsentRow.id.desc()
            )
        ),
        access_requests=tuple(
            _value(r, AccessRequest)
            for r in _rows(
                session,
                AccessRequestRow,
                client_id,
                AccessRequestRow.asked_on.desc(),
                AccessRequestRow.id.desc(),
            )
        ),
        retention=tuple(
            _value(r, RetentionDecision)
            for r in _rows(
                session,
                RetentionDecisionRow,
                client_id,
                RetentionDecisionRow.decided_on.desc(),
                RetentionDecisionRow.id.desc(),
            )
        ),
    )


def get_matter(session: Session, matter_id: int) -> Matter:
    return _value(_row(session, MatterRow, matter_id, "matter"), Matter)


def application_choices(session: Session, client_id: int) -> list[tuple[int, str]]:
    """(application id, words) for each of the client's applications, in the history's order:
    what a matter can be linked to."""
    session.flush()  # rows added in this transaction have their ids
    client = get_client(session, client_id)
    out = []
    for app in client.applications:
        words = APPLICATION_KINDS.get(app.kind, app.kind)
        if app.made:
            words += f", made {app.made.isoformat()}"
        if app.decided:
            outcome = APPLICATION_OUTCOMES.get(app.outcome or "", "decided").lower()
            words += f", {outcome} {app.decided.isoformat()}"
        out.append((app.id, words))
    return out


def permission_choices(session: Session, client_id: int) -> list[tuple[int, str]]:
    """(permission id, words) for each of the client's permissions, in the history's order."""
    session.flush()  # rows added in this transaction have their ids
    client = get_client(session, client_id)
    out = []
    for p in client.permissions:
        words = PERMISSION_CATEGORIES.get(p.category, p.category)
        words += f" from {p.start.isoformat()}"
        if p.end:
            words += f" to {p.end.isoformat()}"
        out.append((p.id, words))
    return out


# ---- facts for the rules -------------------------------------------------------------------------


def _d(text: str | None) -> dt.date | None:
    """A stored date or date-time (ISO text) as a date."""
    return dt.date.fromisoformat(text[:10]) if text else None


def _query(session: Session, sql: str, params: tuple) -> list[tuple]:
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _facts(session: Session, client_id: int | None) -> dict[int, CaseworkFacts]:
    """Client id -> facts, in eight queries (raw values: no ORM objects for 10,000 clients)."""
    from desktop.rules.casework import (
        AccessRequestFacts,
        CaseworkFacts,
        ComplaintFacts,
        ConsentFacts,
        MatterFacts,
        RetentionFacts,
    )

    where, params = ("WHERE client_id = ?", (client_id,)) if client_id is not None else ("", ())
    clients = _query(
        session,
        "SELECT id, updated_at FROM clients" + (" WHERE id = ?" if client_id is not None else ""),
        params,
    )
    written: dict[int, list[dt.date]] = {}
    outcome_letters: dict[int, list[dt.date]] = {}
    for matter_id, kind, on in _query(
        session,
        f'SELECT matter_id, kind, "on" FROM letters {where} '
        + ("AND" if where else "WHERE")
        + " matter_id IS NOT NULL",
        params,
    ):
        day = _d(on)
        written.setdefault(matter_id, []).append(day)
        if kind == "outcome":
            outcome_letters.setdefault(matter_id, []).append(day)
    last_visit: dict[int, dt.date] = {}
    for cid, matter_id, how, on in _query(
        session, f'SELECT client_id, matter_id, how, "on" FROM visits {where}', params
    ):
        day = _d(on)
        if cid not in last_visit or day > last_visit[cid]:
            last_visit[cid] = day
        if matter_id is not None and how in WRITTEN_HOWS:
            written.setdefault(matter_id, []).append(day)

    matters: dict[int, list] = {}
    for (
        mid,
        cid,
        title,
        category,
        oisc,
        needed,
        adviser,
        level,
        opened,
        closed,
        outcome,
        decision_on,
        told,
        agreed,
        application_id,
    ) in _query(
        session,
        "SELECT id, client_id, title, category, oisc_category, needed_level, adviser, "
        "adviser_level, opened, closed, outcome, decision_on, outcome_told_on, "
        f"client_care_agreed_on, application_id FROM matters {where} ORDER BY opened, id",
        params,
    ):
        matters.setdefault(cid, []).append(
            MatterFacts(
                id=mid,
                title=title,
                category=category,
                oisc_category=oisc,
                needed_level=needed,
                adviser=adviser,
                adviser_level=level,
                opened=_d(opened),
                closed=_d(closed),
                outcome=outcome,
                decision_on=_d(decision_on),
                outcome_told_on=_d(told),
                client_care_agreed_on=_d(agreed),
                written=tuple(sorted(written.get(mid, ()))),
                outcome_letters=tuple(sorted(outcome_letters.get(mid, ()))),
                application_id=application_id,
            )
        )
    consents: dict[int, list] = {}
    for cid, cons_id, scope, given, period, withdrawn in _query(
        session,
        "SELECT client_id, id, scope, given_on, period_months, withdrawn_on FROM consents "
        f"{where} ORDER BY given_on, id",
        params,
    ):
        consents.setdefault(cid, []).append(
            ConsentFacts(
                id=cons_id,
                scope=scope,
                given_on=_d(given),
                period_months=period,
                withdrawn_on=_d(withdrawn),
            )
        )
    requests: dict[int, list] = {}
    for cid, req_id, asked, extended, answered in _query(
        session,
        "SELECT client_id, id, asked_on, extended, answered_on FROM access_requests "
        f"{where} ORDER BY asked_on, id",
        params,
    ):
        requests.setdefault(cid, []).append(
            AccessRequestFacts(
                id=req_id, asked_on=_d(asked), extended=bool(extended), answered_on=_d(answered)
            )
        )
    complaints: dict[int, list] = {}
    for cid, comp_id, received, acknowledged, outcome_on in _query(
        session,
        "SELECT client_id, id, received_on, acknowledged_on, outcome_on FROM complaints "
        f"{where} ORDER BY received_on, id",
        params,
    ):
        complaints.setdefault(cid, []).append(
            ComplaintFacts(
                id=comp_id,
                received_on=_d(received),
                acknowledged_on=_d(acknowledged),
                outcome_on=_d(outcome_on),
            )
        )
    retention: dict[int, list] = {}
    for cid, decided, review_on in _query(
        session,
        "SELECT client_id, decided_on, review_on FROM retention_decisions "
        f"{where} ORDER BY decided_on, id",
        params,
    ):
        retention.setdefault(cid, []).append(
            RetentionFacts(decided_on=_d(decided), review_on=_d(review_on))
        )
    out: dict[int, CaseworkFacts] = {}
    # Most clients have no casework: one value per day last changed serves them all.
    bare: dict[str | None, CaseworkFacts] = {}
    for cid, updated in clients:
        if cid in last_visit or cid in matters or cid in consents or cid in requests:
            pass
        elif cid not in complaints and cid not in retention:
            day = updated[:10] if updated else None
            facts = bare.get(day)
            if facts is None:
                facts = bare[day] = CaseworkFacts(last_change=_d(day))
            out[cid] = facts
            continue
        out[cid] = CaseworkFacts(
            matters=tuple(matters.get(cid, ())),
            consents=tuple(consents.get(cid, ())),
            access_requests=tuple(requests.get(cid, ())),
            complaints=tuple(complaints.get(cid, ())),
            retention=tuple(retention.get(cid, ())),
            last_visit=last_visit.get(cid),
            last_change=_d(updated),
        )
    return out


def facts_of(session: Session, client_id: int) -> CaseworkFacts:
    """The client's casework as the rules read it (`desktop.rules.casework.CaseworkFacts`)."""
    found = _facts(session, client_id)
    if client_id not in found:
        raise NotFound(f"There is no client with id {client_id}.")
    return found[client_id]


def all_facts(session: Session, client_id: int | None = None) -> dict[int, CaseworkFacts]:
    """Every client's casework facts (the deadlines board), in eight queries; with
    `client_id`, that client's only (an empty dict when there is no such client)."""
    return _facts(session, client_id)


# ---- settings ------------------------------------------------------------------------------------


def _int_setting(session: Session, key: str, default: int, low: int, high: int) -> int:
    text = get_setting(session, key)
    try:
        value = int(text) if text is not None else default
    except ValueError:
        return default
    return value if low <= value <= high else default


def default_retention_years() -> int:
    """The figure casework.retention_years (OISC code 57: six years) in force today."""
    try:
        value = _figures().get("casework.retention_years", dt.date.today())
    except Exception:  # noqa: BLE001 - a missing figure must not stop the store
        return DEFAULT_RETENTION_YEARS
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_RETENTION_YEARS


def retention_years(session: Session) -> int:
    return _int_setting(
        session, RETENTION_YEARS_SETTING, default_retention_years(), 1, MAX_RETENTION_YEARS
    )


def set_retention_years(session: Session, years: int) -> None:
    value = _int(RETENTION_YEARS_SETTING, years, 1, MAX_RETENTION_YEARS)
    set_setting(session, RETENTION_YEARS_SETTING, str(value))


def consent_months(session: Session) -> int:
    return _int_setting(
        session, CONSENT_MONTHS_SETTING, DEFAULT_CONSENT_MONTHS, 1, MAX_PERIOD_MONTHS
    )


def set_consent_months(session: Session, months: int) -> None:
    value = _int(CONSENT_MONTHS_SETTING, months, 1, MAX_PERIOD_MONTHS)
    set_setting(session, CONSENT_MONTHS_SETTING, str(value))


def oisc_number(session: Session) -> str:
    return get_setting(session, OISC_NUMBER_SETTING, "") or ""


def set_oisc_number(session: Session, number: str) -> None:
    value = _text(OISC_NUMBER_SETTING, number, MAX_OISC_NUMBER).strip()
    set_setting(session, OISC_NUMBER_SETTING, value)


def complaints_procedure(session: Session) -> str:
    return get_setting(session, COMPLAINTS_PROCEDURE_SETTING, "") or ""


def set_complaints_procedure(session: Session, text: str) -> None:
    value = _text(COMPLAINTS_PROCEDURE_SETTING, text, MAX_PROCEDURE)
    set_setting(session, COMPLAINTS_PROCEDURE_SETTING, value)


def casework_settings(session: Session) -> CaseworkSettings:
    from desktop.rules.casework import CaseworkSettings

    return CaseworkSettings(
        retention_years=retention_years(session), consent_months=consent_months(session)
    )


# ---- advisers' OISC levels -----------------------------------------------------------------------


def adviser_levels(session: Session) -> dict[str, tuple[int | None, int | None]]:
    """Adviser's name -> (immigration level, asylum and protection level), None: not recorded."""
    rows = session.execute(
        select(Adviser.name, Adviser.oisc_level_immigration, Adviser.oisc_level_asylum)
    )
    return {name: (imm, asy) for name, imm, asy in rows}


def set_adviser_level(
    session: Session, name: str, immigration: int | None, asylum: int | None, by: str
) -> None:
    """Record an adviser's OISC levels on this laptop (the adviser is added if new). Matters
    already saved keep the level they were saved with."""
    name = _text("name", name, MAX_NAME, required=True).strip()
    immigration = _level("immigration", immigration)
    asylum = _level("asylum", asylum)
    row = session.scalars(select(Adviser).where(Adviser.name == name)).first()
    if row is None:
        row = Adviser(name=name)
        session.add(row)
    changed = []
    if row.oisc_level_immigration != immigration:
        row.oisc_level_immigration = immigration
        changed.append("immigration")
    if row.oisc_level_asylum != asylum:
        row.oisc_level_asylum = asylum
        changed.append("asylum")
    if changed:
        audit(session, by, None, "adviser.level", "changed: " + ", ".join(changed))


# ---- the rules, run -------------------------------------------------------------------------------


def _figures():
    """The dated figures, read leniently as the deadlines board reads them (load_figures is
    cached, and cleared when a content pack changes them: desktop.content)."""
    return _assess().load_figures().leniently()


def _assess():
    """desktop.assess (the figures, the casework data, the bank holidays): the one import of
    a module beside the store (see .importlinter's ignore for desktop.store.casework)."""
    import desktop.assess

    return desktop.assess


def calendar_for(facts: CaseworkFacts, today: dt.date, region: str):
    """The bank holidays the reminders need: the board's usual span, wider for old records."""
    years = [today.year]
    for m in facts.matters:
        if m.decision_on is not None:
            years.append(m.decision_on.year)
    years += [r.asked_on.year for r in facts.access_requests]
    first, last = min(min(years) - 1, today.year - 30), today.year + 12
    return _assess().LazyBankHolidays(region, first, last)


def rules_inputs() -> tuple[Any, Any]:
    """(the dated figures, the casework data) the rules read: fetch them once for many
    clients (`reminders_from(..., inputs=...)`)."""
    return _figures(), _casework_data()


def reminders_from(
    facts: CaseworkFacts,
    today: dt.date,
    settings: CaseworkSettings,
    region: str = "england-and-wales",
    history=None,
    inputs: tuple[Any, Any] | None = None,
) -> tuple[Deadline, ...]:
    """The rules' reminders for facts already read (the board reads every client's at once
    and passes `inputs` from `rules_inputs()`)."""
    from desktop.rules.casework import reminders

    figures, data = inputs or rules_inputs()
    return reminders(
        facts, today, calendar_for(facts, today, region), figures, data, settings, history
    )


def reminders_for(
    session: Session, client_id: int, today: dt.date, region: str = "england-and-wales"
) -> tuple[Deadline, ...]:
    """The client's casework reminders (written updates, outcome letters, subject access
    requests, consents, complaints, the level check, the retention review) as Deadlines."""
    from desktop.store.repository import load_history

    facts = facts_of(session, client_id)
    history = load_history(session, client_id)
    return reminders_from(facts, today, casework_settings(session), region, history)


def level_check_for(
    session: Session, matter_id: int, today: dt.date, region: str = "england-and-wales"
) -> LevelCheck:
    """The OISC level the matter's work needs against the adviser's level when it was saved."""
    from desktop.rules.casework import level_check
    from desktop.store.repository import load_history

    row = _row(session, MatterRow, matter_id, "matter")
    facts = facts_of(session, row.client_id)
    matter = next(m for m in facts.matters if m.id == matter_id)
    history = load_history(session, row.client_id)
    return level_check(
        matter,
        history,
        today,
        _casework_data(),
        figures=_figures(),
        bank_holidays=calendar_for(facts, today, region),
    )


def retention_due(session: Session, today: dt.date) -> list[RetentionDue]:
    """Every client whose retention review falls on or before `today` (earliest first): the
    rules' `retention_review_on` (None while a matter is open) from the client's casework and
    the centre's retention period."""
    from desktop.rules.casework import retention_review_on

    settings = casework_settings(session)
    names = dict(_query(session, "SELECT id, full_name FROM clients", ()))
    out = []
    for cid, facts in all_facts(session).items():
        review_on = retention_review_on(facts, settings)
        if review_on is None or review_on > today:
            continue
        basis = _basis(facts, settings, review_on)
        out.append(RetentionDue(cid, names.get(cid, ""), review_on, basis))
    out.sort(key=lambda r: (r.review_on, r.name.casefold(), r.client_id))
    return out


def _basis(facts: CaseworkFacts, settings: CaseworkSettings, review_on: dt.date) -> str:
    """Why the review falls when it does, in words (the review list shows it), as the rules
    count it (`desktop.rules.casework.retention_review_on`)."""
    years = settings.retention_years
    kept = [r for r in facts.retention if r.review_on == review_on]
    if kept:
        decided = max(r.decided_on for r in kept).isoformat()
        return (
            f"Kept after the review on {decided}, to be reviewed again on {review_on.isoformat()}."
        )
    closed = [m.closed for m in facts.matters if m.closed is not None]
    last_closed = max(closed) if closed else None
    if last_closed is not None and (facts.last_visit is None or last_closed >= facts.last_visit):
        since = f"the last matter closed ({last_closed.isoformat()})"
    elif facts.last_visit is not None:
        since = f"the last visit ({facts.last_visit.isoformat()})"
    else:
        changed = facts.last_change.isoformat() if facts.last_change else "unknown"
        since = f"the record last changed ({changed}), with no matter or visit recorded"
    return f"{years} years after {since}: OISC Code of Standards 2016 code 57."


# ---- the subject access copy ------------------------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def casework_record(session: Session, client_id: int) -> dict:
    """Every casework row of the client, for the subject access copy (`export --full`): each
    table's columns (dates as ISO text, a letter's typed parts as they were kept, linked
    applications and permissions in words). Nothing of the centre's settings (never the
    statistics key)."""
    casework = casework_of(session, client_id)
    applications = dict(application_choices(session, client_id))
    permissions = dict(permission_choices(session, client_id))

    def plain(value: Any) -> dict:
        return {f.name: _iso(getattr(value, f.name)) for f in fields(value)}

    matters = []
    for m in casework.matters:
        row = plain(m)
        row["application"] = applications.get(m.application_id) if m.application_id else None
        row["permission"] = permissions.get(m.permission_id) if m.permission_id else None
        matters.append(row)
    letters = []
    for letter in casework.letters:
        row = plain(letter)
        row["fields"] = dict(letter.fields)
        letters.append(row)
    return {
        "matters": matters,
        "visits": [plain(v) for v in casework.visits],
        "letters": letters,
        "complaints": [plain(c) for c in casework.complaints],
        "consents": [plain(c) for c in casework.consents],
        "access_requests": [plain(a) for a in casework.access_requests],
        "retention_decisions": [plain(r) for r in casework.retention],
    }


def client_referral_source(session: Session, client_id: int) -> str:
    return get_client(session, client_id).referral_source


def set_referral_source(session: Session, client_id: int, source: str, adviser: str) -> None:
    """How the client came to the centre (statistics by referral source)."""
    client: Client = get_client(session, client_id)
    value = _text("referral_source", source, 100).strip()
    if client.referral_source != value:
        client.referral_source = value
        audit(session, adviser, client_id, "client.update", "changed: referral_source")
