"""Timings for a very large OFX statement through the path `dropin-desk annotate` takes (run by
`make bench`; never asserted in tests).

Writes synthetic OFX 1 (SGML) files of 10,000, 20,000 and 40,000 transactions (one
<STMTTRN> a line, about 125 bytes each: 40,000 is about 5 MB, the size of the file that took
4 min 54 s before the reader and the checks were made linear), made-up shops, bills and people,
with many lines sharing each payee (a few dozen payees in all), then times
`desktop.annotate.review_files` on each: reading the file (ofxparse) and every check (flags,
transfers, regular series, income and outgoings). Prints the median of a few runs, the time
per line and how the cost grows from one size to the next (linear: about 2x when the lines
double). Target: 40,000 lines in under 5 s.

    .venv/bin/python benchmarks/bench_ofx_large.py [--runs 3] [--sizes 10000,20000,40000]
        [--profile]      # cProfile of the largest size instead: the 25 costliest calls
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.annotate import review_files  # noqa: E402

APPLICATION = date(2026, 6, 3)
SHOPS = [f"{name} {kind}" for name in ("Pinewood", "Harbour", "Elm", "Northgate", "Kestrel",
         "Marlow") for kind in ("Grocers", "Cafe", "Pharmacy", "Bakery")]  # fmt: skip
BILLS = [("EDF ENERGY", "-62.00"), ("THAMES WATER", "-31.50"), ("O2 UK", "-18.00"),
         ("LAMBETH LETTINGS RENT", "-650.00"), ("STREAMFLIX", "-9.99")]  # fmt: skip
PEOPLE = ["KWAME MENSAH", "ADA OKAFOR", "JAN NOWAK"]

HEAD = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260601120000<LANGUAGE>ENG<FI><ORG>Fictional Building Society<FID>9999</FI></SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>GBP
<BANKACCTFROM><BANKID>401162<ACCTID>31926819<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>{start}<DTEND>{end}
"""
TAIL = """</BANKTRANLIST>
<LEDGERBAL><BALAMT>1173.02<DTASOF>{end}</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
"""


def transactions(count: int, seed: int = 1) -> list[tuple[date, str, str, Decimal]]:
    """`count` lines over the 6 months before APPLICATION, oldest first: card spending at two
    dozen shops, monthly bills and wages, weekly gym, cash and money from people."""
    rnd = random.Random(seed)
    start = APPLICATION - timedelta(days=182)
    lines: list[tuple[date, str, str, Decimal]] = []
    for month in range(6):
        day = start + timedelta(days=30 * month + 3)
        for name, amount in BILLS:
            lines.append((day, "DIRECTDEBIT", name, Decimal(amount)))
        lines.append((day + timedelta(days=10), "DIRECTDEP", "ACME PAYROLL", Decimal("1250.00")))
    for week in range(26):
        lines.append((start + timedelta(days=7 * week), "POS", "PUREGYM", Decimal("-15.00")))
    while len(lines) < count:
        day = start + timedelta(days=rnd.randrange(181))
        roll = rnd.random()
        if roll < 0.04:
            lines.append((day, "ATM", "ATM HIGH ST", Decimal(-20 * rnd.randrange(1, 6))))
        elif roll < 0.07:
            lines.append((day, "CREDIT", rnd.choice(PEOPLE), Decimal(rnd.randrange(10, 90))))
        else:
            pence = Decimal(rnd.randrange(100, 9000)) / 100
            lines.append((day, "POS", rnd.choice(SHOPS), -pence))
    lines.sort(key=lambda line: line[0])
    return lines[:count]


def ofx_text(count: int, seed: int = 1) -> str:
    lines = transactions(count, seed)
    start, end = lines[0][0], lines[-1][0]
    body = [
        f"<STMTTRN><TRNTYPE>{kind}<DTPOSTED>{on:%Y%m%d}<TRNAMT>{amount}"
        f"<FITID>SYN{n:07d}<NAME>{name}<MEMO>CARD 4412</STMTTRN>\n"
        for n, (on, kind, name, amount) in enumerate(lines)
    ]
    return (
        HEAD.format(start=f"{start:%Y%m%d}", end=f"{end:%Y%m%d}")
        + "".join(body)
        + TAIL.format(end=f"{end:%Y%m%d}")
    )


def write_file(folder: Path, count: int) -> Path:
    path = folder / f"large-{count}.ofx"
    path.write_text(ofx_text(count), encoding="ascii")
    return path


def time_once(path: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    review, txns, _accounts = review_files([path], APPLICATION)
    seconds = time.perf_counter() - t0
    return seconds, len(review.flags)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="10000,20000,40000")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.profile:
            import cProfile
            import pstats

            path = write_file(folder, sizes[-1])
            profiler = cProfile.Profile()
            profiler.runcall(review_files, [path], APPLICATION)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            return
        print("Large OFX through `annotate` (read + every check), median of", args.runs)
        previous: tuple[int, float] | None = None
        for count in sizes:
            path = write_file(folder, count)
            size_mb = path.stat().st_size / 1_048_576
            runs = [time_once(path) for _ in range(args.runs)]
            median = statistics.median(s for s, _ in runs)
            growth = ""
            if previous is not None:
                growth = f"   x{median / previous[1]:.2f} for x{count / previous[0]:.1f} the lines"
            print(
                f"  {count:6d} lines ({size_mb:4.1f} MB, {runs[0][1]:5d} flagged): "
                f"{median:7.2f} s  {1e6 * median / count:6.1f} us/line{growth}"
            )
            previous = (count, median)
        print("  target: 40,000 lines in under 5 s")


if __name__ == "__main__":
    main()
