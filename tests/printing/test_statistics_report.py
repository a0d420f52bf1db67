"""The statistics CSV and PDF (issue 22): one table per breakdown, the header block, the same
suppression as the screen, and a reviewer who holds the CSV cannot find a named client."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io

import pypdf
import pytest
from sqlalchemy import select

from desktop.printing.statistics_report import statistics_csv, statistics_pdf
from desktop.rules.statistics import (
    BREAKDOWNS,
    SUPPRESSION_NOTE,
    Labels,
    MatterFacts,
    PersonFacts,
    VisitFacts,
    compute,
)
from desktop.store.database import Store
from desktop.store.models import Client, MatterRow, VisitRow
from desktop.store.statistics import statistics_for, stats_key

START, END = dt.date(2026, 7, 1), dt.date(2026, 9, 30)
MADE = dt.date(2026, 12, 7)
CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
LABELS = Labels({"family": "Family"}, {"refused": "Refused"})


def small_stats():
    people = [PersonFacts(f"p{i}", dt.date(1990, 1, 1), "British") for i in range(9)]
    visits = [VisitFacts(f"p{i}", dt.date(2026, 7, 3), "North") for i in range(9)]
    visits.append(VisitFacts("p0", dt.date(2026, 8, 3), "North"))
    matters = [
        MatterFacts(1, "p1", dt.date(2026, 7, 4), dt.date(2026, 9, 1), "family", "", "refused")
    ]
    return compute(people, visits, matters, START, END, LABELS)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_the_header_block_and_one_table_per_breakdown():
    rows = read_csv(statistics_csv(small_stats(), "Northside Advice", MADE))
    assert rows[0] == ["Drop-in Desk statistics"]
    assert rows[1] == ["Centre", "Northside Advice"]
    assert rows[2] == ["Period", "2026-07-01", "2026-09-30"]
    assert rows[3] == ["Made on", "2026-12-07"]
    assert (
        rows[4] == ["Note", SUPPRESSION_NOTE] and "cells under 5 suppressed" in rows[4][1].lower()
    )
    headers = [
        i for i, r in enumerate(rows) if r == ["breakdown", "value", "clients", "visits", "matters"]
    ]
    assert len(headers) == 1 + len(BREAKDOWNS)  # the summary, then each breakdown
    for i in headers:
        assert rows[i - 1] == []  # a blank line before each table
    titles = {r[0] for r in rows[headers[1] :] if len(r) == 5 and r[0] != "breakdown"}
    assert titles == {title for _key, title in BREAKDOWNS}


def test_csv_shows_small_counts_as_under_five():
    rows = read_csv(statistics_csv(small_stats(), "", MADE))
    issue = {r[1]: r[2:] for r in rows if r and r[0] == "Issue"}
    assert issue["Family"] == ["<5", "0", "<5"]
    summary = {r[1]: r[2:] for r in rows if r and r[0] == "Summary"}
    assert summary["Matters closed in the period"][2] == "<5"


def test_csv_cells_that_look_like_formulas_are_written_as_text():
    people = [PersonFacts(f"p{i}", None, "=HYPERLINK(1)") for i in range(6)]
    visits = [VisitFacts(f"p{i}", dt.date(2026, 7, 3), "@centre") for i in range(6)]
    rows = read_csv(statistics_csv(compute(people, visits, [], START, END), "+Centre", MADE))
    values = [cell for r in rows for cell in r]
    assert "'=HYPERLINK(1)" in values and "'@centre" in values and "'+Centre" in values
    assert not any(v.startswith(("=", "+", "@")) for v in values)


def test_pdf_is_a4_with_the_centre_period_charts_and_tables():
    pdf = statistics_pdf(small_stats(), "Northside Advice", MADE)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Statistics: Northside Advice" in text
    assert "1 July 2026 to 30 September 2026" in text
    assert "Visits by month" in text and "Matters opened by issue" in text
    assert "Matters closed by outcome" in text
    for _key, title in BREAKDOWNS:
        assert title in text
    assert "<5" in text
    # Counts, not advice: the footer says so on every page instead of the legal disclaimer.
    for page in reader.pages:
        words = page.extract_text()
        assert "Counts only" in words and "not legal advice" not in words


# ---- the reviewer ------------------------------------------------------------------------------

NAMED = [
    # name, date of birth, Home Office reference, nationality
    ("Amina Yusuf", dt.date(1990, 5, 1), "Y1234567", "Somali"),
    ("Bilal Haddad", dt.date(1985, 11, 23), "H7654321", "Syrian"),
    ("Carmen Ortiz", dt.date(1979, 2, 14), "O1112223", "Colombian"),
    ("Dawit Tesfaye", dt.date(2001, 8, 9), "T9998887", "Eritrean"),
    ("Elif Kaya", dt.date(1995, 3, 30), "K5554443", "Turkish"),
    ("Farid Rahimi", dt.date(1969, 12, 1), "R3332221", "Afghan"),
    ("Grace Mensah", dt.date(2010, 6, 5), "M2223334", "Ghanaian"),
]


@pytest.fixture
def named_store(tmp_path):
    store = Store.create(tmp_path / "data", "test passphrase", CHEAP_KDF)
    now = dt.datetime(2026, 12, 7, 9, 0)
    with store.session() as s:
        for copies in (1, 2):  # each person twice (received again by referral)
            for i, (name, dob, ref, nationality) in enumerate(NAMED):
                client = Client(
                    full_name=name if copies == 1 else name.upper(),
                    date_of_birth=dob,
                    home_office_ref=ref,
                    nationality=nationality,
                    referral_source=f"Referred by {name.split()[0]}'s GP",
                    created_at=now,
                    updated_at=now,
                )
                s.add(client)
                s.flush()
                matter = MatterRow(
                    client_id=client.id,
                    title=f"{name} partner extension",
                    category="family",
                    oisc_category="immigration",
                    opened=dt.date(2026, 7, 1 + i),
                    closed=dt.date(2026, 9, 1) if i % 2 else None,
                    outcome="refused" if i % 2 else None,
                    centre="Northside",
                    notes=f"Notes about {name}",
                )
                s.add(matter)
                s.flush()
                s.add(
                    VisitRow(
                        client_id=client.id,
                        matter_id=matter.id,
                        on=dt.date(2026, 7, 10 + i),
                        centre="Northside",
                        asked=f"{name} asked about {ref}",
                        advice="Typed advice",
                    )
                )
    yield store
    store.close()


def test_a_reviewer_with_the_csv_cannot_find_a_named_client(named_store):
    with named_store.session() as s:
        stats = statistics_for(s, START, END, LABELS)
        key = stats_key(s)
        clients = s.execute(select(Client.id, Client.uid, Client.full_name)).all()
        matter_uids = list(s.scalars(select(MatterRow.uid)))
        visit_uids = list(s.scalars(select(VisitRow.uid)))
    data = statistics_csv(stats, "Northside", MADE)
    text = data.decode("utf-8-sig")
    folded = text.casefold()
    for name, dob, ref, nationality in NAMED:
        for part in name.split():
            assert part.casefold() not in folded, part
        assert nationality.casefold() not in folded  # one client each: grouped as Other
        assert ref.casefold() not in folded
        for shown_date in (dob.isoformat(), dob.strftime("%d/%m/%Y"), f"{dob.day} {dob:%B %Y}"):
            assert shown_date not in text
        for message in (f"{name.casefold()}|{dob.isoformat()}", f"{name}|{dob.isoformat()}"):
            plain = hashlib.sha256(message.encode()).hexdigest()
            keyed = hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
            assert plain not in folded and keyed not in folded
    for _id, uid, _name in clients:
        assert uid not in folded
    for uid in (*matter_uids, *visit_uids):
        assert uid not in folded
    assert key.hex() not in folded
    assert "typed advice" not in folded and "partner extension" not in folded
    assert "referred by" not in folded
    # Seven people (each held twice) are counted once each: 7, not 14.
    summary = {r[1]: r[2:] for r in read_csv(data) if r and r[0] == "Summary"}
    assert summary["In the period"][0] == "7"


def test_the_pdf_holds_no_client_name_either(named_store):
    with named_store.session() as s:
        stats = statistics_for(s, START, END, LABELS)
    pdf = statistics_pdf(stats, "Northside", MADE)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).casefold()
    for name, _dob, ref, _nationality in NAMED:
        assert name.split()[1].casefold() not in text
        assert ref.casefold() not in text
