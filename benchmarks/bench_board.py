"""The deadlines board over 10,000 clients (target: under 2 s from the encrypted store).

Fills a throw-away encrypted store with generated fictional clients (`fill_store`) and times
`DeadlineBoard.build` as the app runs it after unlocking:

* cold: the first build of the day: nothing cached, every history goes to the engine;
* cold, worker processes already started (the app starts them while the passphrase is
  checked);
* warm after unlock: a new session (memory cache empty) the same day, one client changed since
  the last build: the store's cache answers for the rest;
* warm in the session: the memory cache holds every client and one client changed;
* one client saved: the single-client refresh the window runs after a save;
where a cold one-process build spends its time (reading, the engine, sorting), and how the
cold cost grows with the number of clients. Prints medians; no assertions. On the 2-core
machine the engine dominates (its deadlines-only path, about 0.2 ms of CPU a client), so a cold
build of 10,000 clients takes about 1.9 s with two worker processes, just under the target.
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

from desktop.rules.history import (  # noqa: E402
    Absence,
    Application,
    Custody,
    History,
    Permission,
    Question,
)

TODAY = dt.date(2026, 12, 1)
DAY = dt.timedelta(days=1)
ADVISERS = ["Asha Adviser", "Ben Caseworker", "Chloe Solicitor", "Dev Volunteer"]
_FIRST = ["Ada", "Bram", "Chidi", "Dana", "Emre", "Fatima", "Goran", "Hui", "Ines", "Jamal"]
_LAST = ["Example", "Sample", "Specimen", "Placeholder", "Fictitious", "Madeup", "Pretend"]


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _trips(rng: random.Random, lo: dt.date, hi: dt.date, n: int) -> tuple[Absence, ...]:
    out: list[Absence] = []
    span = (hi - lo).days
    if span < 60 or n == 0:
        return ()
    slot = span // n
    for i in range(n):
        left = lo + _days(i * slot + rng.randint(1, max(1, slot // 3)))
        back = left + _days(rng.randint(2, min(40, max(2, slot // 2))))
        if back >= hi:
            break
        out.append(Absence(left, back, "visit"))
    return tuple(out)


def generated_history(rng: random.Random, today: dt.date = TODAY) -> History:
    """One fictional but realistic drop-in client: a route, its permissions, a few trips, and
    often something with a deadline near `today` (a refusal, a fee waiver, an expiry)."""
    scenario = rng.choice(
        [
            "work",
            "work",
            "protection",
            "asylum_refused",
            "partner",
            "dl",
            "fee_waiver",
            "settled",
            "extension_refused",
            "ten_year",
        ]
    )
    perms: list[Permission] = []
    apps: list[Application] = []
    custody: list[Custody] = []
    route = None
    if scenario == "work":
        end = today + _days(rng.randint(-200, 900))
        start = end - _days(rng.randint(3 * 365, 5 * 365))
        perms = [
            Permission("student", start - _days(3 * 365), start - DAY),
            Permission("skilled_worker", start, end),
        ]
        apps = [Application("initial", start - _days(40), start, "granted")]
        route = rng.choice(["settlement_skilled_worker", "long_residence", None])
    elif scenario == "protection":
        end = today + _days(rng.randint(-60, 900))
        start = end - _days(5 * 365 - 1)
        perms = [Permission("refugee", start, end)]
        apps = [Application("asylum", start - _days(400), start, "granted")]
        if rng.random() < 0.1:
            inside = start + _days(200)
            custody = [Custody(inside, inside + _days(rng.randint(30, 500)))]
        route = "settlement_protection" if rng.random() < 0.8 else None
    elif scenario == "asylum_refused":
        made = today - _days(rng.randint(300, 900))
        decided = today - _days(rng.randint(0, 45))
        lodged = decided + _days(rng.randint(3, 12)) if rng.random() < 0.4 else None
        if lodged is not None and lodged > today:
            lodged = None
        apps = [Application("asylum", made, decided, "refused", appeal_lodged=lodged)]
        perms = [Permission("immigration_bail", made, made + _days(3 * 365))]
    elif scenario == "partner":
        end = today + _days(rng.randint(-100, 800))
        mid = end - _days(912)
        nrpf = ("no_recourse_to_public_funds",)
        perms = [
            Permission("partner_5y", mid - _days(912), mid - DAY, conditions=nrpf),
            Permission("partner_5y", mid, end, conditions=nrpf),
        ]
        route = "settlement_partner_5y" if rng.random() < 0.7 else None
    elif scenario in ("dl", "ten_year"):
        category = "discretionary_leave" if scenario == "dl" else "private_life_10y"
        end = today + _days(rng.randint(-100, 900))
        for _ in range(rng.randint(2, 4)):
            start = end - _days(912)
            perms.insert(0, Permission(category, start, end))
            end = start - DAY
        code = "settlement_discretionary_leave" if scenario == "dl" else "settlement_10y_route"
        route = code if rng.random() < 0.6 else None
    elif scenario == "fee_waiver":
        end = today - _days(rng.randint(0, 200))
        perms = [Permission("private_life_10y", end - _days(900), end)]
        decided = today - _days(rng.randint(0, 18))
        asked = decided - _days(rng.randint(10, 40))
        made = decided + _days(rng.randint(1, 10)) if rng.random() < 0.3 else None
        if made is not None and made > today:
            made = None
        apps = [
            Application(
                "extension",
                made,
                fee_waiver_requested=asked,
                fee_waiver_decided=decided,
                fee_waiver_outcome="granted",
            )
        ]
        route = "settlement_10y_route" if rng.random() < 0.5 else None
    elif scenario == "settled":
        ilr = today - _days(rng.randint(100, 2000))
        perms = [
            Permission("refugee", ilr - _days(5 * 365), ilr - DAY),
            Permission("ilr", ilr, None),
        ]
        route = "naturalisation_6_1" if rng.random() < 0.6 else None
    else:  # extension_refused: section 3C after the refusal, then 39E(2)
        end = today - _days(rng.randint(60, 400))
        perms = [Permission("skilled_worker", end - _days(3 * 365), end)]
        made = end - _days(rng.randint(5, 40))
        apps = [Application("extension", made, today - _days(rng.randint(0, 30)), "refused")]
        route = "long_residence" if rng.random() < 0.5 else None
    first = min([p.start for p in perms] + [a.made for a in apps if a.made] + [today])
    lawful_until = min(today, max([p.end or today for p in perms] + [first]))
    return History(
        permissions=tuple(perms),
        applications=tuple(apps),
        absences=_trips(rng, first, lawful_until - DAY, rng.randint(0, 12)),
        custody=tuple(custody),
        question=Question(route) if route else None,
    )


def fill_store(store, count: int, seed: int = 1, today: dt.date = TODAY) -> list[int]:
    """Add `count` generated clients (bulk inserts, one transaction) with audit entries from a
    few advisers. Returns the new client ids."""
    from desktop.store.mapping import history_rows
    from desktop.store.models import (
        AbsenceRow,
        ApplicationRow,
        AuditEntry,
        Client,
        CustodyRow,
        PermissionRow,
    )

    rng = random.Random(seed)
    now = dt.datetime(2026, 11, 30, 12, 0)
    with store.session() as session:
        conn = session.connection()
        first_id = (conn.exec_driver_sql("SELECT max(id) FROM clients").scalar() or 0) + 1
        clients, audit = [], []
        tables: dict[str, list[dict]] = {
            "permissions": [],
            "applications": [],
            "absences": [],
            "custody": [],
        }
        for offset in range(count):
            cid = first_id + offset
            history = generated_history(rng, today)
            q = history.question
            clients.append(
                dict(
                    id=cid,
                    full_name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)} {cid}",
                    other_names="",
                    date_of_birth=dt.date(1960, 1, 1) + _days(rng.randrange(40 * 365)),
                    status_summary="FICTIONAL benchmark client",
                    target_route=q.route if q else None,
                    target_date=q.application_date if q else None,
                    created_at=now,
                    updated_at=now,
                )
            )
            for table, rows in history_rows(history).items():
                for row in rows:
                    values = {c.key: getattr(row, c.key) for c in row.__table__.columns}
                    values.pop("id")
                    values["client_id"] = cid
                    tables[table].append(values)
            audit.append(
                dict(at=now, adviser=rng.choice(ADVISERS), client_id=cid, action="client.create")
            )
        session.execute(Client.__table__.insert(), clients)
        models = {
            "permissions": PermissionRow,
            "applications": ApplicationRow,
            "absences": AbsenceRow,
            "custody": CustodyRow,
        }
        for table, rows in tables.items():
            if rows:
                session.execute(models[table].__table__.insert(), rows)
        session.execute(AuditEntry.__table__.insert(), audit)
    return list(range(first_id, first_id + count))


def make_store(folder: Path, count: int):
    from desktop.store.database import Store

    store = Store.create(
        folder, "benchmark passphrase", {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
    )
    fill_store(store, count)
    return store


def change_one_client(store, client_id: int, n: int) -> None:
    """Save a changed history for one client, as the History tab does."""
    from dataclasses import replace

    from desktop.store import repository

    with store.session() as session:
        history = repository.load_history(session, client_id)
        trip = Absence(dt.date(2015, 1, 1) + _days(n * 3), dt.date(2015, 1, 2) + _days(n * 3))
        history = replace(history, absences=(*history.absences, trip))
        repository.save_history(session, client_id, history, "Benchmark")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def bench_build(count: int = 10_000, repeat: int = 5) -> None:
    from desktop.board import DeadlineBoard
    from desktop.store import repository

    with tempfile.TemporaryDirectory() as tmp:
        store = make_store(Path(tmp) / "data", count)
        data = DeadlineBoard(processes=1).build(store, TODAY)
        print(
            f"{count:,} clients, {len(data.rows):,} deadlines "
            f"({len(data.visible()):,} shown by default, {len(data.badges()):,} badges)"
        )
        ids = sorted(data.clients)

        def clear_store_cache() -> None:
            with store.session() as s:
                s.connection().exec_driver_sql("DELETE FROM deadline_cache")

        def cold(processes: int, warm_pool: bool) -> tuple[float, float]:
            times, cpu = [], []
            for _ in range(repeat):
                clear_store_cache()
                board = DeadlineBoard(processes=processes)
                if warm_pool:
                    board.warm_up(TODAY)
                started = time.process_time()
                times.append(timed(lambda b=board: b.build(store, TODAY)))
                cpu.append((time.process_time() - started) * 1000)
                board.close()
            return statistics.median(times), statistics.median(cpu)

        print("cold build (nothing cached), median ms (wall / CPU of the app's own process):")
        for label, processes, warm in (
            ("one process", 1, False),
            ("2 worker processes, started by the build", 2, False),
            ("2 worker processes, already started", 2, True),
        ):
            wall, cpu = cold(processes, warm)
            print(f"  {label:42s} {wall:7.0f} / {cpu:6.0f}")

        clear_store_cache()
        board = DeadlineBoard(processes=2)
        board.build(store, TODAY)
        saved = timed(lambda: board.save_cache(store))
        board.close()
        print(
            f"then writing {count:,} cache rows to the store (after the board is shown): {saved:.0f}"
        )
        after_unlock, in_session, single = [], [], []
        for n in range(repeat):
            change_one_client(store, ids[n], n)
            fresh = DeadlineBoard(processes=2)  # a new session: memory cache empty
            after_unlock.append(timed(lambda b=fresh: b.build(store, TODAY)))
            fresh.save_cache(store)
            change_one_client(store, ids[n + repeat], n)
            in_session.append(timed(lambda b=fresh: b.build(store, TODAY)))
            fresh.save_cache(store)
            cid = ids[n + 2 * repeat]
            change_one_client(store, cid, n)
            single.append(timed(lambda b=fresh, c=cid: b.client_entry(store, c, TODAY)))
            fresh.close()
        print("warm, one client changed, median ms:")
        print(f"  full build after unlock (store cache)   {statistics.median(after_unlock):8.1f}")
        print(f"  full build in the session (memory)      {statistics.median(in_session):8.1f}")
        print(f"  that one client refreshed after a save  {statistics.median(single):8.1f}")

        with store.read_session() as s:
            read = timed(lambda: (repository.history_sources(s), repository.latest_advisers(s)))
        print(f"reading every history and adviser (one pass): {read:.0f} ms")
        print("where a cold one-process build spends its time, ms:")
        for phase, ms in phases(store).items():
            print(f"  {phase:40s} {ms:7.0f}")
        store.close()


def phases(store) -> dict[str, float]:
    """Split a cold one-process build by its progress messages."""
    from desktop.board import DeadlineBoard

    marks: list[tuple[float, int]] = []
    start = time.perf_counter()

    def progress(percent: int, _message: str) -> None:
        marks.append(((time.perf_counter() - start) * 1000, percent))

    DeadlineBoard(processes=1, use_store_cache=False).build(store, TODAY, progress)
    read_done = next(t for t, p in marks if p >= 15)
    engine_done = next(t for t, p in marks if p >= 96)
    return {
        "reading the store": read_done,
        "the engine (parse + assess, one core)": engine_done - read_done,
        "rows and sorting": marks[-1][0] - engine_done,
    }


def bench_growth(sizes=(1_000, 2_500, 5_000, 10_000)) -> None:
    from desktop.board import DeadlineBoard

    print("cold build by size (2 worker processes, already warm), median of 3, ms")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            store = make_store(Path(tmp) / "data", size)
            times = []
            for _ in range(3):
                board = DeadlineBoard(processes=2, use_store_cache=False)
                board.warm_up()
                times.append(timed(lambda b=board, st=store: b.build(st, TODAY)))
                board.close()
            median = statistics.median(times)
            print(f"  {size:>7,} clients  {median:8.0f}   ({median / size * 1000:.0f} µs a client)")
            store.close()


if __name__ == "__main__":
    bench_build()
    print()
    bench_growth()
