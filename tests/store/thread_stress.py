"""Many short-lived threads reading and writing one store at once (issue 15, point 1).

Run as a script in its own process, so a segfault is a failed exit status rather than a dead
test run: `python -m tests.store.thread_stress FOLDER SECONDS [ALIVE]`. It creates a store in
FOLDER, then for SECONDS keeps ALIVE threads running, each doing a few operations and
ending, replaced at once by a new thread (as QThreadPool's workers expire and are replaced).
Writers add clients with notes and change settings through `store.session()` and the
repository functions; readers list, search and read notes through `store.read_session()`.

At the end it checks that every committed write reads back (clients, their notes, the last
value of each writer's setting), runs `PRAGMA integrity_check`, and prints one JSON line:
threads, peak alive, distinct thread identities, operations, committed clients, errors
(exception type names only: the records are fictional, but the habit holds) and checks.
Exit status 0 when there were no errors and every check passed, 1 otherwise.

tests/store/test_threads.py runs it; benchmarks/bench_store_threads.py times it.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

NOTES_PER_CLIENT = 3
OPS_PER_THREAD = 4
CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "correct horse battery staple"


def run(folder: Path, seconds: float, alive: int = 8) -> dict:
    from desktop.store import repository
    from desktop.store.database import Store
    from desktop.store.repository import ClientDetails

    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    committed: dict[int, int] = {}  # client id -> notes committed with it
    last_setting: dict[str, str] = {}
    errors: list[str] = []
    idents: set[int] = set()
    ops = [0]
    guard = threading.Lock()

    def note_error(exc: BaseException) -> None:
        with guard:
            errors.append(type(exc).__name__)

    def writer(n: int) -> None:
        idents.add(threading.get_ident())
        for i in range(OPS_PER_THREAD):
            try:
                if i % 2 == 0:
                    with store.session() as s:
                        cid = repository.create_client(
                            s, ClientDetails(full_name=f"Stress Fictional {n}-{i}"), "stress"
                        )
                        for k in range(NOTES_PER_CLIENT):
                            repository.add_note(s, cid, "stress", f"note {k}")
                    with guard:
                        committed[cid] = NOTES_PER_CLIENT
                else:
                    key, value = f"stress.writer.{n}", f"value {i}"
                    with store.session() as s:
                        repository.set_setting(s, key, value)
                    with guard:  # one key a writer: its last commit is the value to read
                        last_setting[key] = value
                with guard:
                    ops[0] += 1
            except Exception as exc:  # noqa: BLE001 - counted, and the run fails
                note_error(exc)

    def reader(_n: int) -> None:
        idents.add(threading.get_ident())
        for _ in range(OPS_PER_THREAD):
            try:
                with store.read_session() as s:
                    summaries = repository.list_summaries(s)
                    for summary in summaries[-3:]:
                        repository.notes_of(s, summary.id)
                    repository.client_count(s)
                with guard:
                    ops[0] += 1
            except Exception as exc:  # noqa: BLE001
                note_error(exc)

    threads: list[threading.Thread] = []
    peak = 0
    started = time.monotonic()
    n = 0
    while time.monotonic() - started < seconds:
        running = [t for t in threads if t.is_alive()]
        peak = max(peak, len(running))
        while len(running) < alive:
            thread = threading.Thread(target=writer if n % 2 else reader, args=(n,))
            n += 1
            thread.start()
            threads.append(thread)
            running.append(thread)
        time.sleep(0.005)
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    checks: dict[str, bool] = {}
    with store.read_session() as s:
        ids = {summary.id for summary in repository.list_summaries(s)}
        checks["every committed client read back"] = set(committed) <= ids
        checks["every committed note read back"] = all(
            len(repository.notes_of(s, cid)) == count for cid, count in committed.items()
        )
        checks["every setting's last value read back"] = all(
            repository.get_setting(s, key) == value for key, value in last_setting.items()
        )
    with store.engine.connect() as conn:
        checks["integrity_check ok"] = (
            conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        )
    store.close()
    return {
        "threads": n,
        "peak_alive": peak,
        "thread_identities": len(idents),
        "ops": ops[0],
        "ops_per_s": round(ops[0] / elapsed, 1),
        "committed_clients": len(committed),
        "errors": len(errors),
        "error_types": sorted(set(errors)),
        "checks": checks,
    }


def main(argv: list[str]) -> int:
    folder, seconds = Path(argv[0]), float(argv[1])
    alive = int(argv[2]) if len(argv) > 2 else 8
    result = run(folder, seconds, alive)
    print(json.dumps(result), flush=True)
    return 0 if result["errors"] == 0 and all(result["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
