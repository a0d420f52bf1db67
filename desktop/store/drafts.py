"""Unsaved work kept in the (encrypted) store: one settings row per client and editor.

What was typed but not saved (a case note, a half-filled "Add trip" form, changed details…)
is written here when the window locks, quits or meets an unexpected error, and offered back
when the client is opened again. A draft is JSON under the key ``draft.<client>.<kind>``
(`kind` names the editor: "details", "note", "history_record"…); it goes when its editor
saves or discards, and with the client on erasure (`drop_client`).

A draft is capped (`MAX_DRAFT_BYTES`): a larger one is refused with `DraftTooLarge`, and a
row that is too large, is not JSON or is not a JSON object reads as no draft, never an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.models import Setting

PREFIX = "draft."
#: A draft larger than this (UTF-8 bytes of its JSON) is not kept.
MAX_DRAFT_BYTES = 1_000_000
#: Where the Details tab kept its draft before the drafts had a module of their own.
LEGACY_DETAILS_PREFIX = "details_draft."
_KIND = re.compile(r"[a-z][a-z0-9_]{0,39}")


class DraftTooLarge(ValueError):
    """The draft is over MAX_DRAFT_BYTES: it was not kept."""


def _check(client_id: int, kind: str) -> None:
    if not isinstance(client_id, int) or isinstance(client_id, bool) or client_id < 1:
        raise ValueError("a draft belongs to a client number")
    if not _KIND.fullmatch(kind):
        raise ValueError("a draft kind is lower-case letters, digits and underscores")


def key(client_id: int, kind: str) -> str:
    """The settings key of a client's draft of one kind."""
    _check(client_id, kind)
    return f"{PREFIX}{client_id}.{kind}"


def _legacy_key(client_id: int, kind: str) -> str | None:
    return f"{LEGACY_DETAILS_PREFIX}{client_id}" if kind == "details" else None


def encode(payload: Mapping[str, Any]) -> str:
    """The JSON kept for `payload`; DraftTooLarge when it is over the cap."""
    text = json.dumps(dict(payload), ensure_ascii=False, separators=(",", ":"), default=str)
    if len(text.encode("utf-8")) > MAX_DRAFT_BYTES:
        raise DraftTooLarge(f"the draft is over {MAX_DRAFT_BYTES // 1_000_000} MB")
    return text


def decode(text: str | None) -> dict[str, Any] | None:
    """A kept draft read back: None for no row, a row over the cap, bad JSON or not an object."""
    if not text or len(text) > MAX_DRAFT_BYTES:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def put(session: Session, client_id: int, kind: str, payload: Mapping[str, Any]) -> None:
    """Keep (or replace) a client's draft of one kind. DraftTooLarge: nothing is written."""
    text = encode(payload)
    row = session.get(Setting, key(client_id, kind))
    if row is None:
        session.add(Setting(key=key(client_id, kind), value=text))
    else:
        row.value = text
    legacy = _legacy_key(client_id, kind)
    if legacy is not None and (old := session.get(Setting, legacy)) is not None:
        session.delete(old)


def get(session: Session, client_id: int, kind: str) -> dict[str, Any] | None:
    """A client's draft of one kind, or None (none kept, or it cannot be read)."""
    row = session.get(Setting, key(client_id, kind))
    if row is not None:
        return decode(row.value)
    legacy = _legacy_key(client_id, kind)
    if legacy is not None and (old := session.get(Setting, legacy)) is not None:
        return decode(old.value)
    return None


def drop(session: Session, client_id: int, kind: str) -> bool:
    """Forget a client's draft of one kind. True when there was one."""
    found = False
    for name in (key(client_id, kind), _legacy_key(client_id, kind)):
        if name is not None and (row := session.get(Setting, name)) is not None:
            session.delete(row)
            found = True
    if found:
        session.flush()  # a second look in the same transaction sees it gone
    return found


def kinds(session: Session, client_id: int) -> list[str]:
    """The kinds of draft kept for a client (readable or not), sorted."""
    _check(client_id, "details")
    prefix = f"{PREFIX}{client_id}."
    found = {
        name[len(prefix) :]
        for name in session.scalars(select(Setting.key).where(Setting.key.startswith(prefix)))
        if name.startswith(prefix) and _KIND.fullmatch(name[len(prefix) :])
    }
    if session.get(Setting, f"{LEGACY_DETAILS_PREFIX}{client_id}") is not None:
        found.add("details")
    return sorted(found)


def clients_with_drafts(session: Session) -> list[int]:
    """Every client number that has a draft kept, in order."""
    found: set[int] = set()
    for name in session.scalars(
        select(Setting.key).where(
            Setting.key.startswith(PREFIX) | Setting.key.startswith(LEGACY_DETAILS_PREFIX)
        )
    ):
        rest = name.removeprefix(PREFIX).removeprefix(LEGACY_DETAILS_PREFIX)
        number = rest.split(".", 1)[0]
        if number.isdigit():
            found.add(int(number))
    return sorted(found)


def drop_client(session: Session, client_id: int) -> int:
    """Forget every draft of a client (erasure). Returns how many rows went."""
    _check(client_id, "details")
    prefix = f"{PREFIX}{client_id}."
    gone = 0
    for row in session.scalars(select(Setting).where(Setting.key.startswith(prefix))):
        if row.key.startswith(prefix):
            session.delete(row)
            gone += 1
    legacy = session.get(Setting, f"{LEGACY_DETAILS_PREFIX}{client_id}")
    if legacy is not None:
        session.delete(legacy)
        gone += 1
    session.flush()
    return gone
