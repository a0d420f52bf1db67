"""The store's side of per-client checklists: a checklist started for a client from a template
(`desktop.rules.checklists.Checklist`) and the state of each of its items.

A list keeps snapshots: its title and each item's English text, provider, section and source
as they were when the item was added, so a later change to the template never rewrites what
was ticked. The template's version is kept too, so the tab can offer the items a newer version
adds (`template_updates`, `add_template_updates`).

One function per user action, each in the caller's session (one transaction). Audit rows say
what was done to which list ("checklist 3: item received"), never an item's text, a reason, a
name or which template the list came from.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.rules.checklists import PROVIDERS, Checklist, Item
from desktop.store.errors import NotFound
from desktop.store.models import ChecklistItemRow, ClientChecklistRow
from desktop.store.repository import audit, get_client

STATUSES = ("pending", "received", "not_applicable")
CUSTOM_PREFIX = "custom-"
MAX_TEXT = 2000
MAX_SECTION = 200


class ChecklistDataError(ValueError):
    """Input the store will not keep; the message names the field."""


@dataclass(frozen=True)
class ItemState:
    """One item of a client's checklist, as stored (`id` is the row id)."""

    id: int
    item_id: str  # the template item's id, or "custom-<n>"
    text: str  # English, as it was when the item was added
    provider: str  # a key of desktop.rules.checklists.PROVIDERS
    section: str
    source: str
    status: str  # "pending" | "received" | "not_applicable"
    na_reason: str
    received_on: dt.date | None
    custom: bool

    @property
    def received(self) -> bool:
        return self.status == "received"

    @property
    def not_applicable(self) -> bool:
        return self.status == "not_applicable"


@dataclass(frozen=True)
class ClientChecklist:
    """A client's checklist with its items in order."""

    id: int
    template_id: str
    version: int
    title: str
    started_on: dt.date
    circumstances: tuple[str, ...]
    items: tuple[ItemState, ...]

    def item(self, row_id: int) -> ItemState | None:
        return next((i for i in self.items if i.id == row_id), None)


def progress(checklist: ClientChecklist) -> tuple[int, int]:
    """(received, applicable): applicable is every item except those marked not needed."""
    done = sum(1 for i in checklist.items if i.status == "received")
    applicable = sum(1 for i in checklist.items if i.status != "not_applicable")
    return done, applicable


def progress_text(checklist: ClientChecklist, *, short: bool = False) -> str:
    """ "7 of 12 received (2 not needed)"; `short` leaves the bracket off."""
    done, applicable = progress(checklist)
    text = f"{done} of {applicable} received"
    not_needed = len(checklist.items) - applicable
    if not short and not_needed:
        text += f" ({not_needed} not needed)"
    return text


# ---- reading ----------------------------------------------------------------------------------


def _circumstances(row: ClientChecklistRow) -> tuple[str, ...]:
    try:
        keys = json.loads(row.circumstances or "[]")
    except ValueError:
        return ()
    return tuple(k for k in keys if isinstance(k, str)) if isinstance(keys, list) else ()


def _state(row: ChecklistItemRow) -> ItemState:
    return ItemState(
        id=row.id,
        item_id=row.item_id,
        text=row.text,
        provider=row.provider,
        section=row.section,
        source=row.source,
        status=row.status,
        na_reason=row.na_reason,
        received_on=row.received_on,
        custom=bool(row.custom),
    )


def _value(row: ClientChecklistRow) -> ClientChecklist:
    return ClientChecklist(
        id=row.id,
        template_id=row.template_id,
        version=row.template_version,
        title=row.title,
        started_on=row.started_on,
        circumstances=_circumstances(row),
        items=tuple(_state(i) for i in row.items),
    )


def _list(session: Session, list_id: int) -> ClientChecklistRow:
    row = session.get(ClientChecklistRow, list_id)
    if row is None:
        raise NotFound(f"There is no checklist {list_id}.")
    return row


def _item(session: Session, item_id: int) -> ChecklistItemRow:
    row = session.get(ChecklistItemRow, item_id)
    if row is None:
        raise NotFound(f"There is no checklist item {item_id}.")
    return row


def lists_of(session: Session, client_id: int) -> list[ClientChecklist]:
    """The client's checklists, oldest first."""
    get_client(session, client_id)
    rows = session.scalars(
        select(ClientChecklistRow)
        .where(ClientChecklistRow.client_id == client_id)
        .order_by(ClientChecklistRow.position, ClientChecklistRow.id)
    ).all()
    return [_value(r) for r in rows]


def checklist_of(session: Session, list_id: int) -> ClientChecklist:
    return _value(_list(session, list_id))


def template_updates(session: Session, list_id: int, checklist: Checklist) -> list[Item]:
    """The items of the current template (`checklist`) that the list lacks: items a newer
    version added, for the circumstances ticked when the list was started."""
    row = _list(session, list_id)
    if checklist.id != row.template_id:
        raise ChecklistDataError(
            f"Checklist: this list was started from {row.template_id!r}, not {checklist.id!r}"
        )
    have = {i.item_id for i in row.items}
    return [i for i in checklist.items_for(_circumstances(row)) if i.id not in have]


# ---- writing ----------------------------------------------------------------------------------


def _checked_provider(provider: str) -> str:
    if provider not in PROVIDERS:
        raise ChecklistDataError(
            f"Who provides it: {provider!r} is not one of {', '.join(PROVIDERS)}"
        )
    return provider


def _template_row(item: Item, position: int) -> ChecklistItemRow:
    return ChecklistItemRow(
        item_id=item.id,
        text=item.text,
        provider=item.provider if item.provider in PROVIDERS else "client",
        section=item.section,
        source=item.source,
        status="pending",
        na_reason="",
        received_on=None,
        position=position,
        custom=False,
    )


def start_checklist(
    session: Session,
    client_id: int,
    checklist: Checklist,
    circumstances: Collection[str],
    adviser: str,
    *,
    on: dt.date | None = None,
) -> int:
    """Start `checklist` for the client with the circumstances ticked (keys of
    `checklist.circumstances`); its items are `checklist.items_for(circumstances)`. `on` is the
    day it is started (default today). Returns the new list's id."""
    unknown = [c for c in circumstances if c not in checklist.circumstances]
    if unknown:
        known = ", ".join(checklist.circumstances) or "none"
        raise ChecklistDataError(
            f"Circumstances: {unknown[0]!r} is not one of this checklist's ({known})"
        )
    chosen = [c for c in checklist.circumstances if c in set(circumstances)]
    items = checklist.items_for(chosen)
    if not items:
        raise ChecklistDataError("Checklist: it has no items for these circumstances")
    client = get_client(session, client_id)
    position = (
        session.scalar(
            select(ClientChecklistRow.position)
            .where(ClientChecklistRow.client_id == client.id)
            .order_by(ClientChecklistRow.position.desc())
            .limit(1)
        )
        or 0
    ) + 1
    row = ClientChecklistRow(
        client_id=client.id,
        template_id=checklist.id,
        template_version=checklist.version,
        title=checklist.title,
        started_on=on or dt.date.today(),
        circumstances=json.dumps(chosen),
        position=position,
        items=[_template_row(item, n) for n, item in enumerate(items)],
    )
    session.add(row)
    session.flush()
    audit(
        session,
        adviser,
        client.id,
        "checklist.start",
        f"checklist {row.id} started with {len(items)} item(s)",
    )
    return row.id


def add_template_updates(session: Session, list_id: int, checklist: Checklist, adviser: str) -> int:
    """Add the items `template_updates` finds and record the list as being on the template's
    current version. Returns how many items were added."""
    new = template_updates(session, list_id, checklist)
    row = _list(session, list_id)
    position = max((i.position for i in row.items), default=-1) + 1
    for n, item in enumerate(new):
        row.items.append(_template_row(item, position + n))
    row.template_version = checklist.version
    session.flush()
    audit(
        session,
        adviser,
        row.client_id,
        "checklist.update",
        f"checklist {row.id}: {len(new)} item(s) added from version {checklist.version}",
    )
    return len(new)


def mark_received(session: Session, item_id: int, on: dt.date, adviser: str) -> None:
    """The item is in hand, since `on` (also how its received date is changed)."""
    if not isinstance(on, dt.date):
        raise ChecklistDataError("Received on: give the date the item was received")
    row = _item(session, item_id)
    if _set(row, "received", on, ""):
        _audit_item(session, row, adviser, "checklist.received", "item received")


def mark_pending(session: Session, item_id: int, adviser: str) -> None:
    """Back to "to get" (received date and reason cleared)."""
    row = _item(session, item_id)
    if _set(row, "pending", None, ""):
        _audit_item(session, row, adviser, "checklist.pending", "item back to pending")


def mark_not_applicable(session: Session, item_id: int, reason: str, adviser: str) -> None:
    """The item is not needed for this client; `reason` says why (required)."""
    reason = (reason or "").strip()
    if not reason:
        raise ChecklistDataError("Reason: say why this item is not needed")
    if len(reason) > MAX_TEXT:
        raise ChecklistDataError(f"Reason: keep it under {MAX_TEXT} characters")
    row = _item(session, item_id)
    if _set(row, "not_applicable", None, reason):
        _audit_item(session, row, adviser, "checklist.not_needed", "item marked not needed")


def add_item(
    session: Session,
    list_id: int,
    text: str,
    provider: str,
    section: str,
    adviser: str,
) -> int:
    """An item the template does not have, added by the adviser (id "custom-<n>"). It goes at
    the end of its section. Returns the new item's row id."""
    text, section = (text or "").strip(), (section or "").strip()
    if not text:
        raise ChecklistDataError("Item: say what the client needs to bring")
    if len(text) > MAX_TEXT:
        raise ChecklistDataError(f"Item: keep it under {MAX_TEXT} characters")
    if len(section) > MAX_SECTION:
        raise ChecklistDataError(f"Section: keep it under {MAX_SECTION} characters")
    _checked_provider(provider)
    row = _list(session, list_id)
    numbers = [
        int(i.item_id[len(CUSTOM_PREFIX) :])
        for i in row.items
        if i.item_id.startswith(CUSTOM_PREFIX) and i.item_id[len(CUSTOM_PREFIX) :].isdigit()
    ]
    item = ChecklistItemRow(
        item_id=f"{CUSTOM_PREFIX}{max(numbers, default=0) + 1}",
        text=text,
        provider=provider,
        section=section,
        source="",
        status="pending",
        na_reason="",
        received_on=None,
        position=max((i.position for i in row.items), default=-1) + 1,
        custom=True,
    )
    row.items.append(item)
    session.flush()
    audit(session, adviser, row.client_id, "checklist.item_add", f"checklist {row.id}: item added")
    return item.id


def remove_item(session: Session, item_id: int, adviser: str) -> None:
    """Remove an item the adviser added; a template item can only be marked not needed."""
    row = _item(session, item_id)
    if not row.custom:
        raise ChecklistDataError(
            "Item: it comes from the checklist and cannot be removed; mark it not needed instead"
        )
    owner = _list(session, row.checklist_id)
    owner.items.remove(row)
    session.flush()
    audit(
        session,
        adviser,
        owner.client_id,
        "checklist.item_remove",
        f"checklist {owner.id}: item removed",
    )


def remove_list(session: Session, list_id: int, adviser: str) -> None:
    row = _list(session, list_id)
    client_id, count = row.client_id, len(row.items)
    session.delete(row)
    session.flush()
    audit(
        session,
        adviser,
        client_id,
        "checklist.remove",
        f"checklist {list_id} and its {count} item(s) removed",
    )


def _set(row: ChecklistItemRow, status: str, on: dt.date | None, reason: str) -> bool:
    """Set an item's state; False when it already was so (nothing to write or audit)."""
    if (row.status, row.received_on, row.na_reason) == (status, on, reason):
        return False
    row.status, row.received_on, row.na_reason = status, on, reason
    return True


def _audit_item(
    session: Session, row: ChecklistItemRow, adviser: str, action: str, what: str
) -> None:
    owner = _list(session, row.checklist_id)
    session.flush()
    audit(session, adviser, owner.client_id, action, f"checklist {owner.id}: {what}")


# ---- the subject access copy ------------------------------------------------------------------


def checklists_record(session: Session, client_id: int) -> list[dict]:
    """Everything held about the client's checklists, for the subject access request copy
    (`dropin-desk export --full`, File > Export client…)."""
    return [
        {
            "template": c.template_id,
            "template_version": c.version,
            "title": c.title,
            "started_on": c.started_on.isoformat(),
            "circumstances": list(c.circumstances),
            "items": [
                {
                    "item": i.item_id,
                    "text": i.text,
                    "provider": i.provider,
                    "section": i.section,
                    "source": i.source,
                    "status": i.status,
                    "reason_not_needed": i.na_reason,
                    "received_on": i.received_on.isoformat() if i.received_on else None,
                    "added_by_adviser": i.custom,
                }
                for i in c.items
            ],
        }
        for c in lists_of(session, client_id)
    ]
