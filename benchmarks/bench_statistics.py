"""Statistics for funders (issue 22) over 10,000 clients: how long Count takes and how it grows.

Fills a throw-away encrypted store with fictional clients (each with one to three matters and
one to four visits over two years, a tenth of them a second record of the same person) and
times, for a quarter and for a year:

* the whole count as the dialog and `dropin-desk stats` run it (`statistics_for`: the key,
  the reads, the keyed hashes, the counting and the suppression);
* its parts: reading the rows (`read_facts`), and counting with suppression (`compute`);
* making the CSV and the PDF from the counts;

for 1,000, 3,000 and 10,000 clients. Prints medians of 5 runs; no assertions.

    .venv/bin/python benchmarks/bench_statistics.py [--sizes 1000,3000,10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.assess import load_casework  # noqa: E402
from desktop.printing.statistics_report import statistics_csv, statistics_pdf  # noqa: E402
from desktop.rules.statistics import compute, labels_from  # noqa: E402
from desktop.store.database import Store  # noqa: E402
from desktop.store.models import Client, MatterRow, VisitRow  # noqa: E402
from desktop.store.statistics import read_facts, statistics_for, stats_key  # noqa: E402

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
START = dt.date(2025, 1, 1)
NATIONALITIES = ["British", "Syrian", "Eritrean", "Iranian", "Afghan", "Sudanese", "Albanian"]
SOURCES = ["GP", "Self-referred", "Citizens Advice", "Refugee Council", "Law centre", ""]
CENTRES = ["Northside", "Eastgate", "Riverside"]
RUNS = 5


def fill(store: Store, clients: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    data = load_casework()
    categories, outcomes = list(data.categories), list(data.outcomes)
    now = dt.datetime(2026, 12, 7, 9, 0)
    with store.session() as s:
        for i in range(clients):
            twin = i % 10 == 9  # a second record of the person before (same name and birth)
            who = i - 1 if twin else i
            client = Client(
                full_name=f"Fictional Person {who}",
                date_of_birth=dt.date(1950 + who % 60, 1 + who % 12, 1 + who % 28),
                nationality=rng.choice(NATIONALITIES),
                referral_source=rng.choice(SOURCES),
                created_at=now,
                updated_at=now,
            )
            s.add(client)
            s.flush()
            for _m in range(rng.randint(1, 3)):
                opened = START + dt.timedelta(days=rng.randrange(700))
                closed = opened + dt.timedelta(days=rng.randrange(10, 200))
                closes = rng.random() < 0.5
                matter = MatterRow(
                    client_id=client.id,
                    category=rng.choice(categories),
                    oisc_category=rng.choice(["immigration", "asylum_protection"]),
                    opened=opened,
                    closed=closed if closes else None,
                    outcome=rng.choice(outcomes) if closes else None,
                    centre=rng.choice(CENTRES),
                )
                s.add(matter)
                s.flush()
                for _v in range(rng.randint(1, 4)):
                    s.add(
                        VisitRow(
                            client_id=client.id,
                            matter_id=matter.id,
                            on=opened + dt.timedelta(days=rng.randrange(150)),
                            centre=matter.centre,
                        )
                    )


def median_seconds(fn) -> float:  # noqa: ANN001
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def bench(size: int) -> None:
    labels = labels_from(load_casework())
    with tempfile.TemporaryDirectory() as folder:
        store = Store.create(Path(folder) / "data", "bench passphrase", CHEAP_KDF)
        began = time.perf_counter()
        fill(store, size)
        print(f"\n{size:,} clients (filled in {time.perf_counter() - began:.1f} s)")
        try:
            with store.session() as s:
                key = stats_key(s)
            for name, start, end in (
                ("quarter", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
                ("year", dt.date(2025, 10, 1), dt.date(2026, 9, 30)),
            ):

                def whole(start=start, end=end) -> None:
                    with store.session() as s:
                        statistics_for(s, start, end, labels)

                with store.session() as s:
                    facts = read_facts(s, start, end, key)

                def reading(start=start, end=end) -> None:
                    with store.session() as s:
                        read_facts(s, start, end, key)

                stats = compute(*facts, start, end, labels)
                rows = (len(facts[0]), len(facts[1]), len(facts[2]))
                timings = (
                    median_seconds(whole),
                    median_seconds(reading),
                    median_seconds(partial(compute, *facts, start, end, labels)),
                    median_seconds(partial(statistics_csv, stats, "X", end)),
                    median_seconds(partial(statistics_pdf, stats, "X", end)),
                )
                ms = [t * 1000 for t in timings]
                print(
                    f"  {name:8} ({rows[0]:,} records, {rows[1]:,} visits, {rows[2]:,} matters): "
                    f"whole {ms[0]:7.0f} ms | read {ms[1]:6.0f} ms | "
                    f"count+suppress {ms[2]:6.0f} ms | CSV {ms[3]:4.0f} ms | PDF {ms[4]:5.0f} ms"
                )
        finally:
            store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000,10000")
    sizes = [int(x) for x in parser.parse_args().sizes.split(",")]
    print(f"Medians of {RUNS} runs.")
    for size in sizes:
        bench(size)


if __name__ == "__main__":
    main()
