"""Statistics read from the store (issue 22): one person counted once through a keyed hash,
the key made once inside the store and never in an export or the sharing outbox."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import select

from desktop.rules.statistics import Labels
from desktop.store.case_file import export_case
from desktop.store.models import Client, MatterRow, Setting, SyncOutbox, VisitRow
from desktop.store.statistics import (
    STATS_KEY_SETTING,
    normalised_name,
    person_key,
    statistics_for,
    stats_key,
)

START, END = dt.date(2026, 7, 1), dt.date(2026, 9, 30)
NOW = dt.datetime(2026, 12, 7, 9, 0)


def add_client(session, name, dob=None, nationality="", referral=""):
    client = Client(
        full_name=name,
        date_of_birth=dob,
        nationality=nationality,
        referral_source=referral,
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(client)
    session.flush()
    return client.id


def add_visit(session, client_id, on, centre="North", matter_id=None):
    session.add(VisitRow(client_id=client_id, on=on, centre=centre, matter_id=matter_id))


def add_matter(session, client_id, opened, closed=None, outcome=None, category="family"):
    row = MatterRow(
        client_id=client_id,
        category=category,
        oisc_category="immigration",
        opened=opened,
        closed=closed,
        outcome=outcome,
        centre="North",
    )
    session.add(row)
    session.flush()
    return row.id


def summary(stats):
    return {words: count for words, count in stats.summary}


def test_two_records_of_the_same_person_count_once(store):
    with store.session() as s:
        dob = dt.date(1990, 5, 1)
        first = add_client(s, "Amina  Yusuf", dob)
        second = add_client(s, "amina yusuf", dob)  # received again by referral
        for cid in (first, second):
            add_visit(s, cid, dt.date(2026, 7, 10))
        others = [add_client(s, f"Client {i}", dt.date(1980, 1, i + 1)) for i in range(6)]
        for cid in others:
            add_visit(s, cid, dt.date(2026, 8, 3))
    with store.session() as s:
        stats = statistics_for(s, START, END, Labels())
    assert summary(stats)["Clients (unique)"].value == 7  # not 8
    assert summary(stats)["Visits"].value == 8


def test_records_without_a_date_of_birth_are_counted_by_their_record(store):
    with store.session() as s:
        ids = [add_client(s, "Same Name") for _ in range(6)]
        for cid in ids:
            add_visit(s, cid, dt.date(2026, 7, 10))
    with store.session() as s:
        stats = statistics_for(s, START, END, Labels())
    assert summary(stats)["Clients (unique)"].value == 6


def test_the_key_is_made_once_32_random_bytes_kept_in_the_store(store):
    with store.session() as s:
        assert s.get(Setting, STATS_KEY_SETTING) is None
        key = stats_key(s)
    with store.session() as s:
        again = stats_key(s)
        stored = s.get(Setting, STATS_KEY_SETTING).value
    assert key == again and len(key) == 32 and stored == key.hex()


def test_a_damaged_key_is_replaced(store):
    with store.session() as s:
        s.add(Setting(key=STATS_KEY_SETTING, value="not hex"))
    with store.session() as s:
        key = stats_key(s)
    assert len(key) == 32


def test_the_person_key_is_keyed_not_a_plain_hash_of_name_and_date_of_birth():
    dob = dt.date(1990, 5, 1)
    plain = hashlib.sha256(b"amina yusuf|1990-05-01").hexdigest()
    one = person_key(b"k" * 32, "Amina Yusuf", dob, "uid1")
    assert one != plain
    assert one != person_key(b"j" * 32, "Amina Yusuf", dob, "uid1")  # another key, another hash
    assert one == person_key(b"k" * 32, " AMINA   yusuf ", dob, "uid2")
    assert normalised_name("Ａmina\u00a0Yusuf") == "amina yusuf"  # NFKC: full-width, no-break


def test_the_key_is_not_in_the_subject_access_copy_nor_the_sharing_outbox(store):
    with store.session() as s:
        cid = add_client(s, "Amina Yusuf", dt.date(1990, 5, 1))
        add_visit(s, cid, dt.date(2026, 7, 10))
    with store.session() as s:
        key = stats_key(s).hex()
        statistics_for(s, START, END, Labels())
    with store.session() as s:
        copy = json.dumps(export_case(s, cid, full=True), default=str)
        outbox = " ".join(s.scalars(select(SyncOutbox.data)))
    assert key not in copy
    assert key not in outbox


def test_visits_and_matters_are_read_for_the_period_only(store):
    with store.session() as s:
        ids = [add_client(s, f"Client {i}", dt.date(1980, 1, i + 1)) for i in range(12)]
        for cid in ids[:6]:
            add_visit(s, cid, dt.date(2026, 7, 10))
        add_visit(s, ids[6], dt.date(2026, 6, 30))  # the day before
        add_visit(s, ids[7], dt.date(2026, 10, 1))  # the day after
        for cid in ids[:6]:
            add_matter(s, cid, dt.date(2026, 1, 5), dt.date(2026, 8, 1), "refused")
        old = add_matter(s, ids[8], dt.date(2025, 1, 1), dt.date(2025, 6, 1), "granted")
        add_visit(s, ids[8], dt.date(2026, 7, 20), matter_id=old)  # a visit after it closed
    with store.session() as s:
        stats = statistics_for(s, START, END, Labels({"family": "Family"}, {"refused": "Refused"}))
    counts = summary(stats)
    assert counts["Clients (unique)"].value == 7
    assert counts["Visits"].value == 7
    assert counts["Matters closed"].value == 6
    outcome = {r.label: r.matters.text for r in stats.breakdown("outcome").rows}
    assert outcome == {"Refused": "6"}
