"""Bank statement import: reading CSV downloads (run by `make bench`; never asserted in tests).

Writes five synthetic CSV files of 600 lines each (Lloyds, Nationwide in Windows-1252,
Monzo with a byte-order mark, Starling, NatWest: made-up payees and amounts) to a temporary
folder, times reading all five with `read_statement` (layout detected from each header) plus
their dedupe fingerprints, prints the median, and deletes the folder.
Target: well under a second for the five (an adviser imports a household's accounts at once).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.importers.bank_csv import fingerprints, load_formats, read_statement  # noqa: E402

LINES = 600
PAYEES = ["GREENLEAF GROCER", "NORTHGATE BAKERY", "BRIGHTWATER ENERGY", "HOLLYBANK LETTINGS"]


def lines_of(seed: int) -> list[tuple[date, str, Decimal, Decimal]]:
    """(date, payee, amount, balance after) oldest first, about two lines a day."""
    rnd = random.Random(seed)
    day, balance, out = date(2024, 1, 1), Decimal("500.00"), []
    for i in range(LINES):
        day += timedelta(days=rnd.choice((0, 0, 1)))
        amount = Decimal(rnd.randint(-9000, 4000)) / 100
        if i % 40 == 0:
            amount = Decimal("1250.00")
        balance += amount
        out.append((day, rnd.choice(PAYEES), amount, balance))
    return out


def money(value: Decimal, pound: bool = False) -> str:
    text = f"{abs(value):,.2f}"
    return ("-" if value < 0 else "") + ("£" if pound else "") + text


def write_files(folder: Path) -> list[Path]:
    files = []
    rows = lines_of(1)
    lloyds = [
        "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
        "Debit Amount,Credit Amount,Balance"
    ]
    for day, payee, amount, balance in reversed(rows):  # newest first, as Lloyds gives it
        debit, credit = (f"{-amount:.2f}", "") if amount < 0 else ("", f"{amount:.2f}")
        lloyds.append(
            f"{day:%d/%m/%Y},DEB,'40-11-62,31926819,{payee},{debit},{credit},{balance:.2f}"
        )
    files.append(folder / "lloyds.csv")
    files[-1].write_text("\n".join(lloyds) + "\n", encoding="utf-8")

    rows = lines_of(2)
    nationwide = [
        '"Account Name:","FlexAccount ****45678"',
        '"Account Balance:","£1.00"',
        '"Available Balance: ","£1.00"',
        "",
        '"Date","Transaction type","Description","Paid out","Paid in","Balance"',
    ]
    for day, payee, amount, balance in rows:
        paid_out = money(-amount, True) if amount < 0 else ""
        paid_in = money(amount, True) if amount >= 0 else ""
        nationwide.append(
            f'"{day:%d %b %Y}","Visa purchase","{payee}","{paid_out}","{paid_in}",'
            f'"{money(balance, True)}"'
        )
    files.append(folder / "nationwide.csv")
    files[-1].write_bytes(("\r\n".join(nationwide) + "\r\n").encode("cp1252"))

    rows = lines_of(3)
    monzo = [
        "Transaction ID,Date,Time,Type,Name,Emoji,Category,Amount,Currency,Local amount,"
        "Local currency,Notes and #tags,Address,Receipt,Description"
    ]
    for i, (day, payee, amount, _) in enumerate(rows):
        monzo.append(
            f"tx_{i:06d},{day:%d/%m/%Y},08:00:00,Card payment,{payee.title()},,Shopping,"
            f"{amount:.2f},GBP,{amount:.2f},GBP,,,,{payee}"
        )
    files.append(folder / "monzo.csv")
    files[-1].write_bytes(b"\xef\xbb\xbf" + ("\n".join(monzo) + "\n").encode("utf-8"))

    rows = lines_of(4)
    starling = ["Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),Spending Category"]
    for day, payee, amount, balance in rows:
        starling.append(f"{day:%d/%m/%Y},{payee.title()},REF,CARD,{amount:.2f},{balance:.2f},X")
    files.append(folder / "starling.csv")
    files[-1].write_text("\n".join(starling) + "\n", encoding="utf-8")

    rows = lines_of(5)
    natwest = ["Date, Type, Description, Value, Balance, Account Name, Account Number"]
    for day, payee, amount, balance in reversed(rows):
        natwest.append(
            f'{day:%d/%m/%Y},POS,"\'{payee}",{amount:.2f},{balance:.2f},"\'MISS K MENSAH",'
            '"\'090128-71829364",'
        )
    files.append(folder / "natwest.csv")
    files[-1].write_text("\r\n".join(natwest) + "\r\n", encoding="utf-8")
    return files


def bench(repeat: int = 15) -> None:
    formats = load_formats()
    with tempfile.TemporaryDirectory(prefix="bench-statements-") as tmp:
        files = write_files(Path(tmp))
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            total = 0
            for path in files:
                statement = read_statement(path, formats)
                total += len(fingerprints(statement.rows))
            times.append((time.perf_counter() - start) * 1000)
        assert total == 5 * LINES
    print(f"read 5 CSV statements x {LINES} lines (detect, parse, fingerprints)")
    print(
        f"  median {statistics.median(times):.1f} ms   ({statistics.median(times) / 5:.1f} ms a file)"
    )


if __name__ == "__main__":
    bench()
