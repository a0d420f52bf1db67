"""Referral files (issue 20): how long sending and receiving take, and how big the file is,
as a client's bank statements grow (1,000 / 10,000 / 50,000 lines).

Each size: one client in a fresh store (the demo history, one account with N statement lines,
an explanation on every 20th line), then the median of several runs of
- build: the client record and the signed file, locked to a referral key (no scrypt),
- open: decrypt, verify and validate it on a second store (no writes),
- add: write it as a new client on that store (one transaction),
and one passphrase lock/unlock (scrypt's fixed cost, about 1-2 s on this machine, whatever the
size). Prints medians; no assertions (timings belong here, not in tests).

    python benchmarks/bench_referral.py [--runs 3] [--sizes 1000,10000,50000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "correct horse battery staple"


def _client_with_lines(store, lines: int) -> int:
    from desktop.importers.parsed_statement import ParsedRow, ParsedStatement
    from desktop.store import repository, statements
    from desktop.store.repository import ClientDetails

    start = dt.date(2026, 1, 1)
    rows = tuple(
        ParsedRow(
            line=i + 1,
            on=start + dt.timedelta(days=i % 300),
            description=f"CARD PAYMENT SHOP {i % 97}",
            amount=Decimal(-((i % 5000) + 1)) / 100,
            balance=None,
        )
        for i in range(lines)
    )
    with store.session() as session:
        client_id = repository.create_client(
            session,
            ClientDetails(full_name="Bench Example", date_of_birth=dt.date(1990, 1, 1)),
            "bench",
        )
        account = statements.add_account(
            session,
            client_id,
            statements.AccountDetails(holder="Bench Example", bank="Example Bank"),
            "bench",
        )
        statements.add_statement(
            session, account, ParsedStatement("bench.csv", rows, None, None), "csv", "bench"
        )
    return client_id


def _median(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:9.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000,50000")
    args = parser.parse_args()
    from desktop.store import referral
    from desktop.store.database import Store

    folder = Path(tempfile.mkdtemp(prefix="dropin-bench-referral-"))
    try:
        sender = Store.create(folder / "a", PASSPHRASE, KDF)
        receiver = Store.create(folder / "b", PASSPHRASE, KDF)
        key = referral.identity(receiver).recipient
        lock = referral.Lock(recipient=key, recipient_name="Receiver")
        print(f"{'lines':>7} {'file':>10} {'build':>12} {'open':>12} {'add':>12}")
        for size in (int(s) for s in args.sizes.split(",")):
            client_id = _client_with_lines(sender, size)
            build, opened, added = [], [], []
            data = b""
            for _ in range(args.runs):
                t = time.perf_counter()
                _name, data = referral.send(
                    sender, client_id, note="", lock=lock, adviser="bench", sender_name="Bench"
                )
                build.append(time.perf_counter() - t)
                t = time.perf_counter()
                received = referral.open_received(receiver, data)
                opened.append(time.perf_counter() - t)
                t = time.perf_counter()
                referral.accept_as_new(receiver, received, "bench")
                added.append(time.perf_counter() - t)
            print(
                f"{size:>7} {len(data) / 1e6:8.1f} MB {_median(build)} {_median(opened)} "
                f"{_median(added)}"
            )
        client_id = _client_with_lines(sender, 100)
        t = time.perf_counter()
        _name, data = referral.send(
            sender,
            client_id,
            note="",
            lock=referral.Lock(passphrase=referral.new_passphrase()),
            adviser="bench",
            sender_name="Bench",
        )
        print(f"passphrase lock (scrypt), 100 lines: {(time.perf_counter() - t) * 1000:.0f} ms")
        sender.close()
        receiver.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
