"""Timings for the passphrase check (never asserted in tests).

The create-store page and the change-passphrase dialog run `desktop.store.passphrase.assess`
at every key, so it should stay well under a frame or two (target: median under 16 ms a key
while typing, worst case under 50 ms). zxcvbn grows much faster than linearly with length,
so it sees only the first ESTIMATE_CHARS characters; this prints the median for typing
ordinary passphrases one key at a time and for the worst inputs found (long runs of one digit,
repeats, a 50,000-character paste).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.store.passphrase import ESTIMATE_CHARS, assess  # noqa: E402

TYPED = [
    "correct horse battery staple",
    "plum kettle ravine octave",
    "tangerine orbit velvet canyon walnut",
    "Summer2024!",
]

WORST = {
    f"{ESTIMATE_CHARS} x '1'": "1" * ESTIMATE_CHARS,
    "100,000 x '1'": "1" * 100_000,
    "'ab' repeated": "ab" * 200,
    "'p@ssw0rd' repeated": "p@ssw0rd" * 50,
    "date repeated": "19901231" * 50,
    "spaced digits": "1 " * 200,
    "50,000-character paste": "plum kettle ravine octave " * 2000,
}


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    assess("warm up: imports zxcvbn and its word lists")
    keys = []
    for text in TYPED:
        for end in range(1, len(text) + 1):
            start = time.perf_counter()
            assess(text[:end])
            keys.append(time.perf_counter() - start)
    print(
        f"typing {len(TYPED)} passphrases, {len(keys)} keys: median "
        f"{statistics.median(keys) * 1000:.2f} ms a key, slowest {max(keys) * 1000:.2f} ms"
    )
    for name, text in WORST.items():
        print(f"{name}: median {median_ms(lambda t=text: assess(t), 15):.2f} ms")


if __name__ == "__main__":
    main()
