"""Timings for the bank-statement checks (run by `make bench`; never asserted in tests).

Prints the median time of `desktop.rules.statements.review` over a synthetic household of 5
accounts x 600 lines (3,000 lines: card spending at a few dozen made-up shops, bills, wages,
benefits, cash, money from people and transfers between the accounts), then how the cost grows at
1,500 / 3,000 / 6,000 lines (it should roughly double: O(n log n)), and the time of a fresh
process that imports the module, loads the figures and words and reviews 3,000 lines.
Target: under 1 s including the import.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.assess import load_figures, statement_vocabulary  # noqa: E402
from desktop.rules.statement_types import Account, Txn  # noqa: E402
from desktop.rules.statements import review  # noqa: E402

APPLICATION = date(2026, 6, 3)
SHOPS = [f"{name} {kind}" for name in ("Pinewood", "Harbour", "Elm", "Northgate", "Kestrel",
         "Marlow", "Bramble", "Quayside") for kind in ("Grocers", "Cafe", "Pharmacy", "Bakery")]  # fmt: skip
BILLS = [("EDF ENERGY DD", "-62.00"), ("THAMES WATER", "-31.50"), ("O2 UK", "-18.00"),
         ("Lambeth Lettings rent", "-650.00"), ("Streamflix", "-9.99")]  # fmt: skip
SORT_CODES = ["40-11-62", "09-01-28", "20-30-40", "11-22-33", "44-55-66"]


def household(lines_per_account: int, accounts: int = 5, seed: int = 1):
    rnd = random.Random(seed)
    start = APPLICATION - timedelta(days=200)
    accs = [
        Account(
            f"acc{i}",
            "Test Holder" if i < 3 else "Second Holder",
            "Bank",
            "current",
            SORT_CODES[i % len(SORT_CODES)],
            f"{1000 + i}",
            periods=((start, APPLICATION - timedelta(days=1)),),
        )
        for i in range(accounts)
    ]
    txns: list[Txn] = []
    for i, account in enumerate(accs):
        lines: list[tuple[date, str, Decimal, str]] = []
        for month in range(7):  # bills and wages
            day = start + timedelta(days=30 * month + 3)
            for name, amount in BILLS:
                lines.append((day, name, Decimal(amount), "DD"))
            lines.append((day + timedelta(days=10), "ACME PAYROLL", Decimal("1250.00"), "BGC"))
        for week in range(28):
            lines.append((start + timedelta(days=7 * week), "PUREGYM", Decimal("-15.00"), "DEB"))
        for _ in range(10):  # transfers to the next account
            day = start + timedelta(days=rnd.randrange(195))
            amount = Decimal(rnd.randrange(20, 400))
            other = accs[(i + 1) % accounts]
            lines.append((day, f"TFR TO A/C {other.last_four}", -amount, "TFR"))
            txns.append(
                Txn(
                    f"{other.key}:t{i}:{len(txns)}",
                    other.key,
                    day + timedelta(days=rnd.randrange(2)),
                    f"TRANSFER FROM {account.sort_code}",
                    amount,
                    None,
                    "TFR",
                )  # fmt: skip
            )
        while len(lines) < lines_per_account - 10:
            day = start + timedelta(days=rnd.randrange(198))
            roll = rnd.random()
            if roll < 0.05:
                lines.append((day, "ATM HIGH ST", Decimal(-20 * rnd.randrange(1, 6)), "ATM"))
            elif roll < 0.08:
                lines.append((day, "KWAME MENSAH", Decimal(rnd.randrange(10, 90)), "FPI"))
            else:
                pence = Decimal(rnd.randrange(100, 9000)) / 100
                shop = rnd.choice(SHOPS)
                lines.append((day, f"CARD PAYMENT TO {shop} {rnd.randrange(9999)}", -pence, "DEB"))
        for n, (day, text, amount, code) in enumerate(sorted(lines)):
            txns.append(Txn(f"{account.key}:{n}", account.key, day, text, amount, None, code))
    return accs, txns


def median_ms(accs, txns, runs: int) -> float:
    figures = load_figures()
    words = statement_vocabulary()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = review(accs, txns, APPLICATION, figures, words)
        times.append((time.perf_counter() - t0) * 1000)
    assert result.flags
    return statistics.median(times)


def cold_process_ms() -> float:
    script = (
        "import sys, time; t0 = time.perf_counter(); "
        f"sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
        "import bench_statements as b; "
        "from desktop.assess import load_figures, statement_vocabulary; "
        "from desktop.rules.statements import review; "
        "accs, txns = b.household(600); "
        "review(accs, txns, b.APPLICATION, load_figures(), statement_vocabulary()); "
        "print((time.perf_counter() - t0) * 1000)"
    )
    times = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def main() -> None:
    accs, txns = household(600)
    result = review(accs, txns, APPLICATION, load_figures(), statement_vocabulary())
    print(
        f"Bank-statement review: {len(accs)} accounts, {len(txns)} lines "
        f"({len(result.flags)} flagged, {len(result.transfers)} transfers, "
        f"{len(result.recurrences)} regular series)"
    )
    print(f"  review(), median of 9:              {median_ms(accs, txns, 9):8.1f} ms")
    print(f"  fresh process (import + data + review): {cold_process_ms():8.1f} ms")
    print("  target: under 1 s including the import")
    print()
    print("Growth (median ms): lines -> time, and time per line")
    for per_account in (300, 600, 1200):
        accs, txns = household(per_account)
        ms = median_ms(accs, txns, 5)
        print(f"  {len(txns):6d} lines {ms:8.1f} ms   {1000 * ms / len(txns):6.1f} us/line")


if __name__ == "__main__":
    main()
