"""The casework reminders' share of a deadlines-board build (issue 22), over 10,000 clients.

Fills a throw-away encrypted store with the board benchmark's fictional clients
(bench_board.fill_store) and gives a third of them casework: a matter (half of them closed),
two visits, a letter, a consent, and for some a complaint or a subject access request. Times,
as medians of 5:

* reading every client's casework facts (`casework.all_facts`, eight queries);
* working out every client's reminders (`board.casework_items`, fresh at every build), and
  again with the last build's answers held (nothing changed: the board's next build);
* one client's reminders for the client page (`casework.reminders_for`).

Prints medians; no assertions.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_board import TODAY, make_store, timed  # noqa: E402


def add_casework(store, ids: list[int], rng: random.Random) -> int:
    from desktop.store.models import (
        AccessRequestRow,
        ComplaintRow,
        ConsentRow,
        LetterRow,
        MatterRow,
        VisitRow,
    )

    rows: dict[type, list[dict]] = {
        m: [] for m in (MatterRow, VisitRow, LetterRow, ConsentRow, ComplaintRow, AccessRequestRow)
    }
    matter_id = 0
    for cid in ids[::3]:
        matter_id += 1
        opened = TODAY - dt.timedelta(days=rng.randint(10, 2000))
        closed = opened + dt.timedelta(days=rng.randint(30, 300)) if rng.random() < 0.5 else None
        if closed is not None and closed >= TODAY:
            closed = None
        rows[MatterRow].append(
            dict(
                id=matter_id,
                client_id=cid,
                title="Benchmark matter",
                category=rng.choice(["partner", "asylum", "fee_waiver", "settlement"]),
                oisc_category="immigration",
                adviser="Asha Adviser",
                adviser_level=rng.choice([None, 1, 2, 3]),
                opened=opened,
                closed=closed,
                outcome="withdrawn" if closed else None,
            )
        )
        for n in range(2):
            rows[VisitRow].append(
                dict(
                    client_id=cid,
                    matter_id=matter_id,
                    on=opened + dt.timedelta(days=n * 20),
                    how=rng.choice(["in_person", "phone", "email", "letter"]),
                    minutes=30,
                )
            )
        rows[LetterRow].append(
            dict(client_id=cid, matter_id=matter_id, kind="client_care", on=opened, fields="{}")
        )
        rows[ConsentRow].append(
            dict(client_id=cid, scope="records", given_on=opened, how="signed", period_months=12)
        )
        if rng.random() < 0.1:
            rows[ComplaintRow].append(
                dict(client_id=cid, received_on=TODAY - dt.timedelta(days=5), summary="x")
            )
        if rng.random() < 0.1:
            rows[AccessRequestRow].append(
                dict(client_id=cid, asked_on=TODAY - dt.timedelta(days=rng.randint(1, 60)))
            )
    with store.session() as session:
        for model, values in rows.items():
            if values:
                session.execute(model.__table__.insert(), values)
    return sum(len(v) for v in rows.values())


def bench(count: int = 10_000, repeat: int = 5) -> None:
    from desktop.board import casework_items
    from desktop.store import casework, repository

    with tempfile.TemporaryDirectory() as tmp:
        store = make_store(Path(tmp) / "data", count)
        with store.read_session() as s:
            ids = sorted(repository.history_sources(s))
        added = add_casework(store, ids, random.Random(22))
        print(f"{count:,} clients, {added:,} casework rows (a third of the clients have casework)")
        reads, works, singles = [], [], []
        for _ in range(repeat):
            with store.read_session() as s:
                sources = repository.history_sources(s)
                start = time.perf_counter()
                facts = casework.all_facts(s)
                settings = casework.casework_settings(s)
                reads.append((time.perf_counter() - start) * 1000)
            works.append(
                timed(lambda f=facts, st=settings, so=sources: casework_items(f, so, st, TODAY))
            )
            with store.read_session() as s:
                singles.append(timed(lambda s=s: casework.reminders_for(s, ids[0], TODAY)))
        held: dict = {}
        casework_items(facts, sources, settings, TODAY, held=None, kept=held)
        again = []
        for _ in range(repeat):
            kept: dict = {}
            again.append(
                timed(
                    lambda f=facts, st=settings, so=sources, h=held, k=kept: casework_items(
                        f, so, st, TODAY, held=h, kept=k
                    )
                )
            )
        items = casework_items(facts, sources, settings, TODAY)
        print(f"{sum(len(v) for v in items.values()):,} reminders on the board")
        print("median ms:")
        print(f"  reading every client's casework facts   {statistics.median(reads):8.1f}")
        print(f"  working out every client's reminders    {statistics.median(works):8.1f}")
        print(f"  the same, nothing changed since (held)  {statistics.median(again):8.1f}")
        print(f"  one client's reminders (client page)    {statistics.median(singles):8.1f}")
        store.close()


if __name__ == "__main__":
    bench()
