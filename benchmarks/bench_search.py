"""Client search: cost per keystroke over 10,000 clients (target: under 50 ms).

Measures what the list does on each keystroke: ClientIndex.search (fresh, and refined within
the previous result when the query grows) plus the Qt model reset. Also times building the
index from the encrypted store after unlocking. Prints medians; no assertions.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.store.demo import bulk_summaries  # noqa: E402
from desktop.store.search import ClientIndex  # noqa: E402

QUERIES = ["a", "am", "ami", "amin", "amina", "1985", "x12", "placeholder 7", "12/03/19"]


def median_ms(fn, repeat: int = 30) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_index(sizes=(1_000, 10_000, 50_000)) -> None:
    print("keystroke search (median ms; fresh search / refined within previous result)")
    print(f"{'clients':>8} " + " ".join(f"{q!r:>14}" for q in QUERIES[:6]))
    for size in sizes:
        index = ClientIndex(bulk_summaries(size))
        cells = []
        previous = None
        last = ""
        for q in QUERIES[:6]:
            fresh = median_ms(lambda q=q, ix=index: ix.search(q))
            within = previous if previous is not None and q.startswith(last) else None
            refined = median_ms(lambda q=q, w=within, ix=index: ix.search(q, within=w))
            previous, last = index.search(q), q
            cells.append(f"{fresh:6.2f}/{refined:5.2f}")
        print(f"{size:>8} " + " ".join(f"{c:>14}" for c in cells))


def bench_qt_keystroke(size: int = 10_000) -> None:
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from desktop.ui.client_list import ClientListPanel

    qInstallMessageHandler(lambda *_args: None)  # the offscreen platform's chatter

    app = QApplication.instance() or QApplication([])
    panel = ClientListPanel()
    panel.set_index(ClientIndex(bulk_summaries(size)))
    panel.resize(330, 700)
    panel.show()

    def type_word() -> None:
        panel.search.clear()
        for ch in "amina":
            panel.search.insert(ch)
            app.processEvents()

    per_word = median_ms(type_word, repeat=15)
    print(
        f"\nwhole keystroke in the Qt list, {size:,} clients: "
        f"{per_word / 6:.2f} ms median per keystroke (typing 'amina' and clearing)"
    )


def bench_store_load(size: int = 10_000) -> None:
    import datetime as dt

    from desktop.store import repository
    from desktop.store.database import Store
    from desktop.store.models import Client

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.create(
            Path(tmp) / "data",
            "benchmark passphrase",
            {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1},
        )
        now = dt.datetime.now()
        with store.session() as s:
            s.add_all(
                Client(
                    full_name=c.full_name,
                    other_names=c.other_names,
                    date_of_birth=c.date_of_birth,
                    home_office_ref=c.home_office_ref,
                    created_at=now,
                    updated_at=now,
                )
                for c in bulk_summaries(size)
            )

        def load() -> None:
            with store.read_session() as s:
                ClientIndex(repository.list_summaries(s))

        print(
            f"build the index from the encrypted store after unlock, {size:,} clients: "
            f"{median_ms(load, repeat=5):.1f} ms median"
        )
        store.close()


if __name__ == "__main__":
    bench_index()
    bench_qt_keystroke()
    bench_store_load()
