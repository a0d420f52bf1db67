"""Start-up time of `dropin-desk assess` (run by `make bench`; never asserted in tests).

Runs `python -m desktop assess CASE.json --today 2026-11-22` as a fresh process 15 times on a
one-trip history and prints:
* the median wall-clock time of the whole process (start, imports, assessment, JSON out);
* the median total import time reported by `python -X importtime`, and the slowest imports.
Target: the whole process under 150 ms.

Bytecode is cached in a temporary folder (PYTHONPYCACHEPREFIX), as an installed app has its
`.pyc` files: without it every run would also compile the sources. Nothing is written beside
the sources.

Usage: bench_cli.py [CASE.json]   (default: tests/data/cases/long_residence_example.json)
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASE = ROOT / "tests" / "data" / "cases" / "long_residence_example.json"
RUNS = 15
TARGET_MS = 150
#: Must never be imported by `assess` (the store, the window, PDFs, bank holidays for a
#: history that checks no working day).
HEAVY = ("holidays", "sqlalchemy", "PySide6", "reportlab", "sqlcipher3")

_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def run(case: Path, env: dict[str, str], *flags: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        *flags,
        "-m",
        "desktop",
        "assess",
        str(case),
        "--today",
        "2026-11-22",
    ]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"assess failed (exit {result.returncode}): {result.stderr.strip()}")
    return result


def imports(stderr: str) -> list[tuple[str, int, int]]:
    """(module, depth, cumulative us) for every import in `-X importtime` output."""
    out = []
    for line in stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            depth = (len(match.group(3)) - 1) // 2
            out.append((match.group(4), depth, int(match.group(2))))
    return out


def main() -> None:
    case = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CASE
    with tempfile.TemporaryDirectory(prefix="bench-cli-pyc-") as pyc:
        env = dict(os.environ, PYTHONPYCACHEPREFIX=pyc)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        run(case, env)  # warm-up: fills the bytecode cache

        walls = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            run(case, env)
            walls.append((time.perf_counter() - t0) * 1000)

        totals = []
        last: list[tuple[str, int, int]] = []
        for _ in range(RUNS):
            last = imports(run(case, env, "-X", "importtime").stderr)
            # Depth 0 rows include their children, so each import is counted once.
            totals.append(sum(us for _, depth, us in last if depth == 0) / 1000)

    loaded = {name.split(".")[0] for name, _, _ in last}
    top = [(name, us) for name, depth, us in last if depth == 0]
    print(f"dropin-desk assess {case.name} --today 2026-11-22 ({RUNS} runs, median)")
    print(
        f"  whole process (wall clock): {statistics.median(walls):7.1f} ms   target < {TARGET_MS} ms"
    )
    print(f"  imports (-X importtime):    {statistics.median(totals):7.1f} ms")
    print("  slowest top-level imports (last run):")
    for name, us in sorted(top, key=lambda row: -row[1])[:5]:
        print(f"    {name:40s} {us / 1000:6.1f} ms")
    heavy = sorted(loaded & set(HEAVY))
    print(f"  heavy packages imported: {', '.join(heavy) if heavy else 'none'}")


if __name__ == "__main__":
    main()
