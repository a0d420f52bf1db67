"""Reading and writing client files in the history JSON format (`dropin-desk.history/1`).

Reading a case file is here; adding it to the store and exporting a client from the store are
in `desktop.store.case_file` (`import_case`, `export_case`). A plain export is exactly the
history JSON the residence engine reads. A full export (the subject access request copy) adds
a `client_record` section with everything else held about the client: details, household,
case notes and the audit trail. Import reads either; the `client_record` section is taken off
before the history is parsed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.rules.history import (
    CLIENT_RECORD_KEY,
    TEXT_LIMIT,
    History,
    HistoryError,
    JsonRecord,
    clip,
    kind_of,
    parse_history,
)

# Moved to the store (desktop.store.case_file); named here too for desktop/ui/main_window.py,
# which imports them from here (.importlinter ignores this one import until it moves).
from desktop.store.case_file import case_to_dict, export_case, import_case  # noqa: F401
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
    """The case in a history JSON file ('-': standard input). Only a regular file is read
    (never a device, pipe or folder: `import /dev/zero` grew to 5.9 GB), and only up to
    `desktop.assess.HISTORY_FILE_LIMIT` bytes; HistoryError naming the file otherwise."""
    from desktop.assess import read_history_text

    name = "standard input" if str(path) == "-" else Path(path).name
    return parse_case(load_json_text(read_history_text(path), name))


def parse_case(data: Any) -> CaseFile:
    """The history and, from a full export, the client's details and household, checked as
    strictly as the history: the first problem raises HistoryError naming its path
    ("client_record.details.full_name: expected text, got an object"), never echoing more
    than 80 characters of a value. Case notes, the audit trail, statements and checklists of a
    full export are not imported (the new client starts its own), so they are not read."""
    if not isinstance(data, dict):
        raise HistoryError("the file must hold one JSON object")
    data = dict(data)
    record = data.pop(CLIENT_RECORD_KEY, None)
    try:
        history = parse_history(data)
        if record is None:
            return CaseFile(history)
        rec = JsonRecord(record, CLIENT_RECORD_KEY, RECORD_KEYS)
        details = _parse_details(rec.data.get("details"))
        household = _parse_household(rec.data.get("household"))
    except RecursionError:
        raise HistoryError("the file is nested too deeply to read") from None
    return CaseFile(history, details, household)


#: The sections of a full export's client_record. Only details and household are imported.
RECORD_KEYS = (
    "details",
    "household",
    "case_notes",
    "audit_trail",
    "bank_statements",
    "checklists",
    "casework",  # issue 22: matters, visits, letters... (read for the copy, not imported)
)
_DETAILS = f"{CLIENT_RECORD_KEY}.details"

#: The Details fields that may hold several lines (the form's multi-line boxes and the
#: free-text columns); every other text field is one line. Both limits are far above any real
#: value and far below a hostile one (a 10 MB name). LINE_LIMIT is the history's TEXT_LIMIT,
#: as the name is also the history's person.name.
LONG_TEXT_FIELDS = frozenset({"other_names", "address", "status_summary", "notes"})
LINE_LIMIT = TEXT_LIMIT
NOTE_LIMIT = 100_000
_MEMBER_KEYS = ("name", "relationship", "date_of_birth")


def _parse_details(value: Any) -> ClientDetails | None:
    if value is None:
        return None
    rec = JsonRecord(value, _DETAILS, tuple(ClientDetails.field_names()))
    if "full_name" not in rec.data:  # may be empty: the import then says "(name not given)"
        raise rec.error("full_name", "this field is missing")
    values: dict[str, Any] = {}
    for name in ClientDetails.field_names():
        if name == "date_of_birth":
            values[name] = rec.date(name)
        elif name == "interpreter_needed":
            values[name] = bool(rec.flag(name, nullable=False))
        else:
            limit = NOTE_LIMIT if name in LONG_TEXT_FIELDS else LINE_LIMIT
            values[name] = rec.text(name, limit=limit) or ""
    return ClientDetails(**values)


def _parse_household(value: Any) -> tuple[HouseholdEntry, ...]:
    where = f"{CLIENT_RECORD_KEY}.household"
    if value is None:
        return ()
    if not isinstance(value, list):
        raise HistoryError(
            f"{where}: expected a list of household members, got {kind_of(value)}",
            record=where,
        )
    members = []
    for index, member in enumerate(value):
        rec = JsonRecord(member, f"{where}[{index}]", _MEMBER_KEYS)
        members.append(
            HouseholdEntry(
                name=rec.text("name", required=True, limit=LINE_LIMIT) or "",
                relationship_to_client=rec.text("relationship", limit=LINE_LIMIT) or "",
                date_of_birth=rec.date("date_of_birth"),
            )
        )
    return tuple(members)


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
