"""A client in and out of the store as a case file (the history JSON, `dropin-desk.history/1`).

`import_case` adds the client a case file holds; `export_case` gives a client's history JSON
and, with `full`, the subject access request copy (details, household, case notes, audit
trail, bank statements, checklists and casework). Reading the file itself is the importers' work
(`desktop.importers.history_json.read_case_file`); keeping the store's side here lets the
importers stay beside the store, not on top of it (the layers in `.importlinter`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from desktop.rules.history import CLIENT_RECORD_KEY, History, history_to_dict
from desktop.store import repository
from desktop.store.repository import ClientDetails, HouseholdEntry

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session


class Case(Protocol):
    """What a case file holds (`desktop.importers.history_json.CaseFile` is one)."""

    @property
    def history(self) -> History: ...

    @property
    def details(self) -> ClientDetails | None: ...

    @property
    def household(self) -> Sequence[HouseholdEntry]: ...


def import_case(session: Session, case: Case, adviser: str) -> int:
    """Add the client in `case` to the store (inside the caller's transaction)."""
    client_id = repository.import_history(session, case.history, adviser, case.details)
    if case.household:
        repository.set_household(session, client_id, list(case.household), adviser)
    return client_id


def case_to_dict(
    case: Case,
    notes: list[dict] | None = None,
    audit: list[dict] | None = None,
    full: bool = False,
) -> dict:
    """The history JSON of `case`; with `full`, its `client_record` section too."""
    out = history_to_dict(case.history)
    if full:
        out[CLIENT_RECORD_KEY] = {
            "details": case.details.to_dict() if case.details else None,
            "household": [
                {
                    "name": m.name,
                    "relationship": m.relationship_to_client,
                    "date_of_birth": m.date_of_birth.isoformat() if m.date_of_birth else None,
                }
                for m in case.household
            ],
            "case_notes": notes or [],
            "audit_trail": audit or [],
        }
    return out


class _StoredCase:
    def __init__(self, history: History, details: ClientDetails, household: list):
        self.history = history
        self.details = details
        self.household = tuple(household)


def export_case(session: Session, client_id: int, *, full: bool) -> dict:
    """The client's history JSON; with `full`, the subject access request copy."""
    client = repository.get_client(session, client_id)
    case = _StoredCase(
        repository.export_history(session, client_id),
        ClientDetails.from_client(client),
        repository.household_of(session, client_id),
    )
    notes = audit = None
    if full:
        notes = [
            {"written_on": n.written_on.isoformat(), "adviser": n.adviser, "text": n.text}
            for n in repository.notes_of(session, client_id)
        ]
        audit = [
            {"at": a.at.isoformat(), "adviser": a.adviser, "action": a.action, "summary": a.summary}
            for a in repository.audit_of(session, client_id)
        ]
    out = case_to_dict(case, notes, audit, full=full)
    if full:
        from desktop.store.casework import casework_record
        from desktop.store.checklists import checklists_record
        from desktop.store.statements import statements_record

        out[CLIENT_RECORD_KEY]["bank_statements"] = statements_record(session, client_id)
        out[CLIENT_RECORD_KEY]["checklists"] = checklists_record(session, client_id)
        # Issue 22: visits, matters, letters, complaints, consents, access requests and
        # retention decisions (never the centre's settings, so never the statistics key).
        out[CLIENT_RECORD_KEY]["casework"] = casework_record(session, client_id)
    return out
