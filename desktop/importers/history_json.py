"""Reading and writing client files in the history JSON format (`dropin-desk.history/1`).

A plain export is exactly the history JSON the residence engine reads. A full export (the
subject access request copy) adds a `client_record` section with everything else held about
the client: details, household, case notes and the audit trail. Import reads either; the
`client_record` section is taken off before the history is parsed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.rules.history import (
    CLIENT_RECORD_KEY,
    DATE_RANGE_TEXT,
    History,
    HistoryError,
    clip,
    date_in_range,
    history_to_dict,
    parse_history,
)
from desktop.store.repository import ClientDetails, HouseholdEntry


@dataclass(frozen=True)
class CaseFile:
    history: History
    details: ClientDetails | None = None
    household: tuple[HouseholdEntry, ...] = ()


def load_json_text(text: str, source: str) -> Any:
    source = clip(source)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise HistoryError(
            f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise HistoryError(f"{source}: the JSON is nested too deeply to read") from None
    except ValueError:  # e.g. a number with more digits than Python will convert
        raise HistoryError(f"{source}: not valid JSON (a number in it is too long)") from None


def read_case_file(path: Path | str) -> CaseFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise HistoryError(
            f"{clip(path.name)}: the file cannot be read ({exc.__class__.__name__})"
        ) from None
    return parse_case(load_json_text(text, path.name))


def parse_case(data: Any) -> CaseFile:
    if not isinstance(data, dict):
        raise HistoryError("the file must hold one JSON object")
    data = dict(data)
    record = data.pop(CLIENT_RECORD_KEY, None)
    history = parse_history(data)
    if record is None:
        return CaseFile(history)
    if not isinstance(record, dict):
        raise HistoryError(f"{CLIENT_RECORD_KEY}: must be an object", record=CLIENT_RECORD_KEY)
    details = None
    if isinstance(record.get("details"), dict):
        try:
            details = ClientDetails.from_dict(record["details"])
            dob = details.date_of_birth
            if dob is not None and not date_in_range(dob):
                raise ValueError(f"date_of_birth: the date {dob.isoformat()} is {DATE_RANGE_TEXT}")
        except (TypeError, ValueError) as exc:
            reason = clip(" ".join(str(exc).splitlines()))  # it may echo a value of any length
            raise HistoryError(
                f"{CLIENT_RECORD_KEY}.details: {reason}", record=CLIENT_RECORD_KEY, field="details"
            ) from None
    household = []
    for index, member in enumerate(record.get("household") or []):
        where = f"{CLIENT_RECORD_KEY}.household[{index}]"
        try:
            dob = member.get("date_of_birth")
            household.append(
                HouseholdEntry(
                    name=str(member["name"]),
                    relationship_to_client=str(member.get("relationship") or ""),
                    date_of_birth=_date(dob) if dob else None,
                )
            )
        except (KeyError, TypeError, AttributeError, ValueError):
            raise HistoryError(
                f"{where}: needs a name and an optional date_of_birth "
                "(YYYY-MM-DD, years 1900 to 2100)",
                record=where,
            ) from None
    return CaseFile(history, details, tuple(household))


def _date(value: str):
    import datetime as dt

    parsed = dt.date.fromisoformat(value)
    if not date_in_range(parsed):
        raise ValueError(DATE_RANGE_TEXT)
    return parsed


def case_to_dict(
    case: CaseFile,
    notes: list[dict] | None = None,
    audit: list[dict] | None = None,
    full: bool = False,
) -> dict:
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


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def import_case(session, case: CaseFile, adviser: str) -> int:
    """Add the client in `case` to the store (inside the caller's transaction)."""
    from desktop.store import repository

    client_id = repository.import_history(session, case.history, adviser, case.details)
    if case.household:
        repository.set_household(session, client_id, list(case.household), adviser)
    return client_id


def export_case(session, client_id: int, *, full: bool) -> dict:
    """The client's history JSON; with `full`, the subject access request copy."""
    from desktop.store import repository

    client = repository.get_client(session, client_id)
    case = CaseFile(
        history=repository.export_history(session, client_id),
        details=ClientDetails.from_client(client),
        household=tuple(repository.household_of(session, client_id)),
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
        from desktop.store.checklists import checklists_record
        from desktop.store.statements import statements_record

        out[CLIENT_RECORD_KEY]["bank_statements"] = statements_record(session, client_id)
        out[CLIENT_RECORD_KEY]["checklists"] = checklists_record(session, client_id)
    return out
