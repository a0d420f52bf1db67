"""The store under many short-lived threads (issue 15): operations a second, and errors.

Runs tests/store/thread_stress.py (threads that each do four reads or writes through
`store.session()` / `store.read_session()` and end, replaced at once) in a child process per
run, so a crash is counted rather than ending the script, for a few thread counts. Prints the
median operations a second and the errors over the runs (the target is errors=0, crashes=0,
every committed write read back and `PRAGMA integrity_check` ok). Also prints what keying
one connection costs, which is why the pool keeps connections rather than opening one per
operation. No assertions.

    python benchmarks/bench_store_threads.py [--runs 3] [--seconds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def one_run(seconds: float, alive: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="dropin-bench-threads-"))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tests.store.thread_stress", str(folder / "data"), str(seconds)]
            + [str(alive)],
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode not in (0, 1) or not lines:
        return {"crashed": proc.returncode}
    return json.loads(lines[-1])


def connection_cost_ms(repeat: int = 50) -> float:
    from desktop.store.database import Store, _connect_raw

    folder = Path(tempfile.mkdtemp(prefix="dropin-bench-connect-"))
    try:
        store = Store.create(
            folder / "data",
            "correct horse battery staple",
            {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1},
        )
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            _connect_raw(store.db_path, store._key).close()
            times.append((time.perf_counter() - start) * 1000)
        store.close()
        return statistics.median(times)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    print(f"opening and keying one connection: median {connection_cost_ms():.1f} ms")
    print(f"{'alive':>6} {'threads':>8} {'ops/s (median)':>15} {'errors':>7} {'crashes':>8} checks")
    for alive in (2, 8, 16):
        runs = [one_run(args.seconds, alive) for _ in range(args.runs)]
        done = [r for r in runs if "crashed" not in r]
        crashes = len(runs) - len(done)
        rate = statistics.median(r["ops_per_s"] for r in done) if done else 0.0
        threads = statistics.median(r["threads"] for r in done) if done else 0
        errors = sum(r["errors"] for r in done)
        checks = all(all(r["checks"].values()) for r in done) and bool(done)
        print(
            f"{alive:>6} {threads:>8.0f} {rate:>15.1f} {'errors=' + str(errors):>7} "
            f"{crashes:>8} {'ok' if checks else 'FAILED'}"
        )


if __name__ == "__main__":
    main()
