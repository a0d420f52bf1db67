"""Referring a client to another adviser's laptop, and receiving one: one encrypted, signed file.

The work is split three ways: `desktop.store.referral_record` turns a client into a lossless
record and back (validating a hostile one, matching and merging record by record);
`desktop.store.referral_file` locks and signs it (age, Ed25519: the installation's key and the
address book); this module joins them for the window and the command line, each action in one
transaction with its audit entry ("referral.sent" / "referral.received": who, when, how locked;
never the content). Opening a file writes nothing: the adviser sees the preview first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop.store import referral_file as rf
from desktop.store import referral_record as rr
from desktop.store.referral_file import Contact, Identity, ReferralRefused
from desktop.store.referral_record import Difference, Match, MergePlan, RecordProblem
from desktop.store.repository import audit

if TYPE_CHECKING:
    from desktop.store.database import Store

__all__ = [
    "READ_LIMIT",
    "Contact",
    "Difference",
    "Identity",
    "Lock",
    "Match",
    "MergePlan",
    "Received",
    "RecordProblem",
    "ReferralRefused",
    "accept_as_new",
    "accept_merge",
    "add_contact",
    "contacts",
    "fingerprint",
    "identity",
    "lock_kind",
    "new_passphrase",
    "open_received",
    "parse_recipient",
    "plan_merge",
    "record_counts",
    "remove_contact",
    "save_sender",
    "send",
    "sender_name",
]

#: The most read from a referral file (armour included): the file layer's limit.
READ_LIMIT = rf.FILE_LIMIT
#: The covering note's limit, in characters.
NOTE_LIMIT = 4000

new_passphrase = rf.new_passphrase
fingerprint = rf.fingerprint
parse_recipient = rf.parse_recipient
lock_kind = rf.lock_kind


@dataclass(frozen=True)
class Lock:
    """How a referral is locked: exactly one of a passphrase or a recipient's referral key."""

    passphrase: str | None = None
    recipient: str | None = None
    recipient_name: str = ""


@dataclass(frozen=True)
class Received:
    """An opened, verified and validated referral, not yet written anywhere."""

    sender_name: str
    sender_fingerprint: str
    sender_recipient: str
    sender_known_as: str | None
    sent_at: dt.datetime
    note: str
    to: str
    client_name: str
    date_of_birth: dt.date | None
    home_office_ref: str
    counts: list[tuple[str, int]]
    matches: list[Match]
    lock: str = "passphrase"
    record: rr.ClientRecord | None = field(default=None, repr=False, compare=False)


def identity(store: Store) -> Identity:
    with store.session() as session:
        return rf.own_identity(session)


def contacts(store: Store) -> list[Contact]:
    with store.session() as session:
        return rf.contacts(session)


def add_contact(store: Store, name: str, recipient: str, note: str = "") -> Contact:
    with store.session() as session:
        return rf.add_contact(session, name, recipient, note)


def remove_contact(store: Store, contact_id: int) -> None:
    with store.session() as session:
        rf.remove_contact(session, contact_id)


def record_counts(store: Store, client_id: int) -> list[tuple[str, int]]:
    """What a referral of this client would hold, as labelled counts."""
    today = dt.date.today()
    with store.session() as session:
        return rr.read_record(rr.client_record(session, client_id, today)).counts()


def sender_name(store: Store, adviser: str) -> str:
    """How a referral names its sender: "Anna (Riverside Advice Drop-in)", the adviser and the
    centre name from Settings; either alone when the other is not set."""
    from desktop.store.repository import CENTRE_NAME_SETTING, get_setting

    with store.session() as session:
        centre = (get_setting(session, CENTRE_NAME_SETTING, "") or "").strip()
    person = adviser.strip()
    if person and centre:
        return f"{person} ({centre})"
    return person or centre


def _lock_words(lock: Lock) -> tuple[str, str]:
    """(to, audit words) for the lock, checked: exactly one way."""
    if (lock.passphrase is None) == (lock.recipient is None):
        raise ReferralRefused("choose one way to lock the referral: a passphrase or their key")
    if lock.passphrase is not None:
        return "passphrase", "locked with a six-word passphrase"
    key = rf.parse_recipient(lock.recipient or "")
    name = lock.recipient_name.strip() or "their referral key"
    return name, f"to {name} ({rf.fingerprint(key)}), locked with their key"


def send(
    store: Store,
    client_id: int,
    *,
    note: str,
    lock: Lock,
    adviser: str,
    sender_name: str,
    armoured: bool = False,
    today: dt.date | None = None,
    deadlines: rr.DeadlineSource | None = None,
    write: Callable[[str, bytes], object] | None = None,
) -> tuple[str, bytes]:
    """The referral file of one client: (suggested file name, its bytes). `deadlines` works out
    the client's deadlines for a reader without the app (`desktop.board.deadlines_for`: the
    store may not import the board). `write(name, data)`, when given, writes the file inside
    the transaction that records the audit entry ("referral.sent"), so a file that could not
    be written is not recorded as sent."""
    if len(note) > NOTE_LIMIT:
        raise ReferralRefused(f"the covering note is longer than {NOTE_LIMIT} characters")
    if not sender_name.strip():
        raise ReferralRefused("the sender's name is empty: set your name or the centre's name")
    day = today or dt.date.today()
    to, words = _lock_words(lock)
    with store.session() as session:
        record = rr.client_record(session, client_id, day, deadlines=deadlines)
        data = rf.seal(
            session,
            {"sender": {"name": sender_name.strip()}, "to": to, "note": note, "client": record},
            passphrase=lock.passphrase,
            recipient=lock.recipient,
            armoured=armoured,
        )
        name = rf.file_name(day)
        if write is not None:
            write(name, data)
        audit(session, adviser, client_id, "referral.sent", f"{words}; file {name}")
    return name, data


def open_received(store: Store, data: bytes, passphrase: str | None = None) -> Received:
    """Decrypt, verify and validate a referral file; nothing is written."""
    with store.session() as session:
        opened = rf.open_sealed(session, data, passphrase)
        try:
            record = rr.read_record(opened.payload.get("client"))
        except RecordProblem as exc:
            raise ReferralRefused(f"the client record in the file is not usable: {exc}") from None
        matches = rr.find_matches(session, record)
    return Received(
        sender_name=opened.sender_name,
        sender_fingerprint=opened.sender_fingerprint,
        sender_recipient=opened.sender_recipient,
        sender_known_as=opened.sender_known_as,
        sent_at=opened.sent_at,
        note=opened.note,
        to=opened.to,
        client_name=record.name,
        date_of_birth=record.date_of_birth,
        home_office_ref=record.home_office_ref,
        counts=record.counts(),
        matches=matches,
        lock="passphrase" if passphrase is not None else "key",
        record=record,
    )


def _from_words(received: Received) -> str:
    known = (
        f"in the address book as {received.sender_known_as}"
        if received.sender_known_as
        else "not in the address book"
    )
    return (
        f"from {received.sender_name} ({received.sender_fingerprint}), {known}; "
        f"sent {received.sent_at.strftime('%Y-%m-%d %H:%M')} UTC"
    )


def plan_merge(store: Store, received: Received, client_id: int) -> MergePlan:
    with store.session() as session:
        return rr.merge_plan(session, client_id, _record(received))


def accept_as_new(store: Store, received: Received, adviser: str) -> int:
    """Add the received client as a new client; one transaction with its audit entry."""
    with store.session() as session:
        client_id = rr.add_as_new(session, _record(received), adviser)
        audit(session, adviser, client_id, "referral.received", f"{_from_words(received)}; new")
    return client_id


def accept_merge(
    store: Store, received: Received, client_id: int, choices: dict[str, str], adviser: str
) -> dict[str, int]:
    """Merge the received record into client `client_id` as the adviser chose; one
    transaction: a RecordProblem (a choice missing, a clash) leaves the store as it was."""
    record = _record(received)
    with store.session() as session:
        plan = rr.merge_plan(session, client_id, record)
        counts = rr.apply_merge(session, client_id, record, plan, choices, adviser)
        done = ", ".join(f"{n} {what}" for what, n in counts.items())
        audit(
            session,
            adviser,
            client_id,
            "referral.received",
            f"{_from_words(received)}; merged: {done}",
        )
    return counts


def save_sender(store: Store, received: Received, name: str) -> Contact:
    """Put the sender of `received` in the address book under `name`."""
    return add_contact(store, name, received.sender_recipient)


def _record(received: Received) -> rr.ClientRecord:
    if received.record is None:  # pragma: no cover - Received is only made by open_received
        raise ReferralRefused("the referral has no client record")
    return received.record
