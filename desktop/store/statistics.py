"""Statistics for funders (issue 22): the rows the counts are made from, and the keyed hash
that counts one person once.

    stats = statistics_for(session, start, end, labels)     # desktop.rules.statistics.Statistics

Unique clients: the same person can have two records (received twice by referral, say). Each
record is given a `person` key: HMAC-SHA256(key, normalised full name + "|" + ISO date of
birth), with the key the setting `stats_client_key` (32 random bytes as hex, made on first
use, inside the encrypted store). Records with the same name and date of birth share it; a
record without a date of birth is its own person (keyed by its uid). Never a plain hash: with
a name and a date of birth anyone could compute SHA-256 and find a client in a list of
hashes; without the key the HMAC tells nothing. The key is not in the settings that are
shared with the centre's laptops (the settings table is not replicated), the referral file or
the subject access copy (neither holds settings), and the hashes never leave this module's
caller: desktop.rules.statistics only counts them.

Only the rows the period needs are read: visits in the period, matters open at some time in it
or closed in it, and the client records they belong to (name and date of birth only to make
the key, in memory).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from desktop.rules.statistics import (
    Labels,
    MatterFacts,
    PersonFacts,
    Statistics,
    VisitFacts,
    compute,
)
from desktop.store.models import Client, MatterRow, VisitRow
from desktop.store.repository import get_setting, set_setting

#: The settings key of the statistics key (desktop.store.casework names the same key).
STATS_KEY_SETTING = "stats_client_key"
KEY_BYTES = 32


def stats_key(session: Session) -> bytes:
    """The store's statistics key, made (and saved in this session's transaction) on first
    use. A damaged value (not 64 hex digits) is replaced: the counts are then still right,
    only not comparable person-by-person with earlier runs (nothing is)."""
    stored = get_setting(session, STATS_KEY_SETTING)
    if stored is not None:
        try:
            key = bytes.fromhex(stored)
        except ValueError:
            key = b""
        if len(key) == KEY_BYTES:
            return key
    key = secrets.token_bytes(KEY_BYTES)
    set_setting(session, STATS_KEY_SETTING, key.hex())
    return key


def normalised_name(full_name: str) -> str:
    """A name compared: compatibility form (NFKC), case folded, spacing collapsed."""
    return " ".join(unicodedata.normalize("NFKC", full_name).split()).casefold()


def person_key(key: bytes, full_name: str, date_of_birth: date | None, uid: str | None) -> str:
    """The opaque key counting one person once (see the module's docstring)."""
    if date_of_birth is None or not normalised_name(full_name):
        return f"record:{uid}"
    message = f"{normalised_name(full_name)}|{date_of_birth.isoformat()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def read_facts(
    session: Session, start: date, end: date, key: bytes
) -> tuple[list[PersonFacts], list[VisitFacts], list[MatterFacts]]:
    """The visits, matters and client records the period [start, end] needs."""
    visit_rows = session.execute(
        select(VisitRow.client_id, VisitRow.on, VisitRow.centre, VisitRow.matter_id).where(
            VisitRow.on >= start, VisitRow.on <= end
        )
    ).all()
    matter_rows = session.execute(
        select(
            MatterRow.id,
            MatterRow.client_id,
            MatterRow.opened,
            MatterRow.closed,
            MatterRow.category,
            MatterRow.oisc_category,
            MatterRow.outcome,
            MatterRow.centre,
        ).where(
            or_(
                and_(
                    MatterRow.opened <= end,
                    or_(MatterRow.closed.is_(None), MatterRow.closed >= start),
                ),
                and_(MatterRow.closed >= start, MatterRow.closed <= end),
            )
        )
    ).all()
    # Visits in the period may belong to matters outside it (closed before it started).
    linked = {r.matter_id for r in visit_rows if r.matter_id is not None}
    linked -= {r.id for r in matter_rows}
    extra: list = []
    for chunk in _chunks(sorted(linked)):
        extra += session.execute(
            select(
                MatterRow.id,
                MatterRow.client_id,
                MatterRow.opened,
                MatterRow.closed,
                MatterRow.category,
                MatterRow.oisc_category,
                MatterRow.outcome,
                MatterRow.centre,
            ).where(MatterRow.id.in_(chunk))
        ).all()
    client_ids = {r.client_id for r in visit_rows} | {r.client_id for r in matter_rows}
    persons: dict[int, str] = {}
    people: list[PersonFacts] = []
    for chunk in _chunks(sorted(client_ids)):
        for c in session.execute(
            select(
                Client.id,
                Client.uid,
                Client.full_name,
                Client.date_of_birth,
                Client.nationality,
                Client.referral_source,
            )
            .where(Client.id.in_(chunk))
            .order_by(Client.id)
        ):
            person = person_key(key, c.full_name or "", c.date_of_birth, c.uid or str(c.id))
            persons[c.id] = person
            people.append(
                PersonFacts(person, c.date_of_birth, c.nationality or "", c.referral_source or "")
            )
    visits = [
        VisitFacts(persons[r.client_id], r.on, r.centre or "", r.matter_id)
        for r in visit_rows
        if r.client_id in persons
    ]
    matters = [
        MatterFacts(
            r.id,
            persons.get(r.client_id, f"client:{r.client_id}"),
            r.opened,
            r.closed,
            r.category or "",
            r.oisc_category or "",
            r.outcome,
            r.centre or "",
        )
        for r in [*matter_rows, *extra]
    ]
    return people, visits, matters


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    """SQLite limits the parameters of one statement."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def statistics_for(session: Session, start: date, end: date, labels: Labels) -> Statistics:
    """The published counts for [start, end] (makes the statistics key on first use, in this
    session's transaction: use a writing session, `store.session()`)."""
    key = stats_key(session)
    people, visits, matters = read_facts(session, start, end, key)
    return compute(people, visits, matters, start, end, labels)
