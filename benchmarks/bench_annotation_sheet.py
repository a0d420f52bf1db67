"""Time to make the printed bank-statement annotation sheet (never asserted in tests).

Prints the median time to build the PDF bytes from a finished review for 5 accounts x 600
statement lines with about 25 % flagged (750 flagged lines, half of them explained, the rest
with an empty box to write in). Target: under 3 s (it runs off the UI thread).

The review is made by hand here, so this times the sheet alone, not the statement checks
(benchmarks/bench_statements.py times those). Synthetic data only.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.printing.annotation_sheet import build_annotation_sheet  # noqa: E402
from desktop.rules.statement_types import (  # noqa: E402
    Account,
    Coverage,
    Explanation,
    Flag,
    FlagKind,
    FlagReason,
    IncomeExpenditure,
    MonthSummary,
    StatementReview,
    Txn,
)

APP = date(2026, 4, 15)
FROM, TO = date(2025, 10, 15), date(2026, 4, 14)
RULE = "Reference 003, fee waiver sheet: Bank statements"
SHOPS = ("Greenleaf Cafe", "Corner Shop", "Example Lettings", "Made-up Motors", "Bus Co")


def synthetic(accounts: int = 5, lines: int = 600, share: float = 0.25, seed: int = 3):
    rnd = random.Random(seed)
    accs, txns, flags, coverage = [], [], [], []
    for a in range(accounts):
        key = f"acc{a}"
        acc = Account(
            key,
            f"Person {a} Testperson",
            "Example Bank",
            "current",
            "",
            f"{a:04d}",
            periods=((FROM, TO),),
        )
        accs.append(acc)
        coverage.append(
            Coverage(
                key, acc.label(), FROM, TO, date(2026, 3, 18), ((FROM, TO),), (), 0, TO, True, ()
            )
        )
        balance = Decimal("500.00")
        for i in range(lines):
            amount = Decimal(rnd.randint(-40000, 30000)) / 100
            balance += amount
            on = FROM + timedelta(days=i * 180 // lines)
            t = Txn(f"{key}:{i}", key, on, f"{rnd.choice(SHOPS)} {i:04d}", amount, balance)
            txns.append(t)
            if rnd.random() < share:
                kinds = [FlagKind.LARGE] + ([FlagKind.REGULAR] if rnd.random() < 0.3 else [])
                reasons = tuple(FlagReason(k, "A sentence.", RULE) for k in kinds)
                flags.append(Flag(t, reasons))
    month = MonthSummary(
        date(2025, 10, 1),
        {"wages": Decimal("1450.00")},
        {"rent": Decimal("650.00")},
        {"other_out": Decimal("99.99")},
    )
    months = tuple(
        MonthSummary(
            date(2025 + (m > 12), (m - 1) % 12 + 1, 1), month.income, month.essential, month.other
        )
        for m in range(10, 17)
    )
    review = StatementReview(
        APP,
        Decimal("250"),
        tuple(accs),
        tuple(coverage),
        tuple(sorted(flags, key=lambda f: (f.txn.on, f.txn.account))),
        (),
        (),
        IncomeExpenditure(months, month),
        (),
        (),
    )
    explanations = {
        f.txn.key: Explanation("Bought food and household things for the family")
        for f in flags[::2]
    }
    return review, txns, explanations


def main() -> int:
    review, txns, explanations = synthetic()
    times, size, pages = [], 0, 0
    for _ in range(5):
        t0 = time.perf_counter()
        pdf = build_annotation_sheet(
            review, txns, explanations, client_name="Person 0 Testperson", made_on=APP
        )
        times.append(time.perf_counter() - t0)
        size = len(pdf)
    pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
    print(
        f"5 accounts x 600 lines, {len(review.flags)} flagged: median "
        f"{statistics.median(times):.2f} s ({size // 1024} KiB, about {pages} pages)  "
        "target < 3 s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
