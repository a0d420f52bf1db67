"""What `PRAGMA cipher_memory_security = ON` (set on every store connection) costs.

Runs the same work (create a store, add 200 clients one transaction each, list them 50
times) with the setting on (as shipped) and off, and prints the median of 5 runs each.
Measured on the shared 2-core development machine: no cost visible above the noise
(0.47 s on vs 0.52 s off in one run, 0.66 s vs 0.93 s in another).

    .venv/bin/python benchmarks/bench_memory_security.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from desktop.store import database, repository
from desktop.store.repository import ClientDetails

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
RUNS = 5


def one_run() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        store = database.Store.create(Path(tmp) / "data", "benchmark passphrase", CHEAP_KDF)
        for i in range(200):
            with store.session() as s:
                repository.create_client(s, ClientDetails(full_name=f"Bench Person {i}"), "b")
        for _ in range(50):
            with store.read_session() as s:
                repository.list_summaries(s)
        store.close()
        return time.perf_counter() - start


def main() -> None:
    shipped = database._connect_raw

    def memory_security_off(db_path, key):
        conn = shipped(db_path, key)
        conn.execute("PRAGMA cipher_memory_security = OFF")
        return conn

    results = {}
    for label, connect in (("on", shipped), ("off", memory_security_off)):
        database._connect_raw = connect
        results[label] = statistics.median(one_run() for _ in range(RUNS))
    database._connect_raw = shipped
    for label, seconds in results.items():
        print(f"cipher_memory_security {label:>3}: median {seconds:.3f} s over {RUNS} runs")


if __name__ == "__main__":
    main()
