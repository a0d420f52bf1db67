"""Soak test: drive the real window through long drop-in sessions and count what goes wrong.

Each session runs in its own process (so a segfault is a counted crash, not the end of the
script) on a fresh demo store, and does what a volunteer does in a morning, in a random
order seeded by the session number: open clients, type and save details, add case notes,
add permissions and trips, plan a trip, switch through every tab, import a bank statement,
build the residence report, the annotation sheet and a handout, back up, lock and unlock (by
hand and by the idle timer), and open the deadlines board. Between steps Qt runs its event
loop so background operations (verdicts, timelines, imports, PDFs) overlap the next step, as
they do when a person clicks on.

    python benchmarks/soak_window.py [--sessions 50] [--rounds 40] [--timeout 300]

SOAK_DEBUG=1 also prints each error's traceback and message into the session's stderr and keeps
it in the temp folder (the data is the demo's fictional clients).

Prints one line a session (ok / crash with the signal / hang / errors with their types) and
then the totals. Exit status 1 when any session crashed, hung or raised. Not part of
`make bench` (it takes several minutes): run it before a release and after store or
threading changes. No client data is printed: the error lines give exception types and the
step only.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "soak session passphrase words"
STATEMENT = ROOT / "tests" / "data" / "statements" / "monzo.csv"


# ---- one session (runs in a child process) -----------------------------------------------------
def run_session(seed: int, rounds: int, folder: Path, expiry_ms: int) -> int:
    import datetime as dt
    import threading

    from PySide6.QtCore import QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

    import desktop.store.database as database
    from desktop.rules.history import Absence, Permission
    from desktop.store.database import Store
    from desktop.store.demo import fill_demo
    from desktop.store.lock import InstanceLock
    from desktop.ui.gc_guard import UiThreadGarbageCollector
    from desktop.ui.main_window import MainWindow

    rng = random.Random(seed)
    # Count the threads that open store connections: the soak is only worth its name when
    # many short-lived threads reach the store, as they do in a day's use.
    # (A thread-local mark, not the thread id: ids are reused once a thread ends.)
    seen = threading.local()
    connecting_threads = [0]
    connections = [0]
    connect = database._connect_raw

    def counted_connect(*args, **kwargs):
        if not getattr(seen, "counted", False):
            seen.counted = True
            connecting_threads[0] += 1
        connections[0] += 1
        return connect(*args, **kwargs)

    database._connect_raw = counted_connect
    errors: list[str] = []
    step_name = ["start"]

    def note_error(kind: str, exc_type: type[BaseException], tb) -> None:
        frames = traceback.extract_tb(tb)[-2:] if tb is not None else []
        where = " < ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames))
        errors.append(f"{step_name[0]}: {kind} {exc_type.__name__} at {where}")
        if os.environ.get("SOAK_DEBUG") and tb is not None:  # fictional data only: safe here
            traceback.print_exception(exc_type, None, tb, file=sys.stderr)

    def hook(exc_type, exc, tb):  # unhandled exceptions on the window thread
        note_error("unhandled", exc_type, tb)

    app = QApplication.instance() or QApplication([])
    # Idle pool threads end after 30 s in the app, and new ones take their place; a short
    # expiry makes a few minutes of soak turn threads over as hours at the desk do.
    QThreadPool.globalInstance().setExpiryTimeout(expiry_ms)
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    client_ids = fill_demo(store)
    store.close()
    collector = UiThreadGarbageCollector(interval_ms=100)
    collector.start()
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(folder, lock, kdf_costs=CHEAP_KDF, ask_adviser=False)
    window.show()
    sys.excepthook = hook  # after the window: the count sees every exception it lets through

    out = Path(tempfile.mkdtemp(prefix="soak-out-"))
    QFileDialog.getSaveFileName = staticmethod(  # every Save as… answers with a file in `out`
        lambda *a, **k: (str(out / f"file-{rng.randrange(10**6)}.pdf"), "")
    )

    def dismiss() -> None:
        """Answer whatever modal box is up, as a hurried volunteer does."""
        widget = app.activeModalWidget()
        if isinstance(widget, QMessageBox):
            button = widget.defaultButton() or widget.escapeButton()
            if button is not None:
                button.click()
            else:
                widget.done(0)
        elif isinstance(widget, QDialog):
            widget.reject()

    dismisser = QTimer()
    dismisser.timeout.connect(dismiss)
    dismisser.start(150)

    def pump(ms: int) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.005)

    def wait(predicate, seconds: float = 60.0) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            if predicate():
                return True
            time.sleep(0.01)
        return False

    def unlock() -> None:
        window.unlock_page.passphrase.setText(PASSPHRASE)
        window.unlock_page.passphrase.returnPressed.emit()
        if not wait(lambda: window.unlocked and window.stack.currentWidget() is window.workspace):
            raise TimeoutError("unlock did not finish in 60 s")

    page = window.client_page

    def open_client() -> None:
        window._show_client(rng.choice(client_ids))

    def switch_tabs() -> None:
        for index in rng.sample(range(page.tabs.count()), page.tabs.count()):
            page.show_tab(index)
            pump(rng.randint(0, 60))

    def edit_details() -> None:
        page.show_tab(0)
        form = page.details_tab.form
        field = form.widgets.get("phone")
        if field is not None:
            field.setText(f"07700 900{rng.randint(100, 999)}")
        if rng.random() < 0.8:
            page.details_tab.save()

    def add_note() -> None:
        tab = page.notes_tab
        tab.editor.setPlainText(f"Soak note {rng.randint(1, 10**6)}: advised on documents.")
        if rng.random() < 0.7:
            tab.add_current_note()

    def add_trip() -> None:
        left = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 2000))
        record = Absence(left=left, returned=left + dt.timedelta(days=rng.randint(1, 40)))
        page.history_tab.apply_record("absence", None, record)

    def add_permission() -> None:
        start = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
        record = Permission(
            category="student",
            start=start,
            end=start + dt.timedelta(days=rng.randint(300, 900)),
        )
        page.history_tab.apply_record("permission", None, record)

    def plan_trip() -> None:
        left = dt.date.today() + dt.timedelta(days=rng.randint(10, 200))
        page.residence_tab.plan_trip(left, left + dt.timedelta(days=rng.randint(1, 30)))

    def residence_report() -> None:
        page.show_tab(3)
        wait(lambda: not page.residence_tab.is_working(), 30)
        page.residence_tab.save_pdf()

    def statements() -> None:
        page.show_tab(5)
        tab = page.statements_tab
        wait(lambda: tab.accounts.rowCount() > 0 or True, 1)
        if tab.accounts.rowCount():
            tab.accounts.selectRow(rng.randrange(tab.accounts.rowCount()))
            tab.import_statement(path=STATEMENT)
            pump(200)
            tab.save_sheet()

    def handout() -> None:
        page.show_tab(6)
        tab = page.checklists_tab
        if tab.checklists():
            factory = tab.handout_factory(rng.choice(["en", "ar", "fa"]), rng.random() < 0.5)
            from desktop.ui.print_report import write_report_pdf

            write_report_pdf(tab, factory, out / f"handout-{rng.randrange(10**6)}.pdf")

    def backup() -> None:
        window.backup_file(out / f"copy-{rng.randrange(10**6)}.ddbackup")

    def export_import() -> None:
        """The subject access copy out, then the same file in as a new client (both run
        in the background and read or write the store from a pool thread)."""
        client_id = window.client_page.current_client_id()
        path = out / f"client-{rng.randrange(10**6)}.json"
        window.export_file(client_id, path)
        if wait(lambda: path.exists(), 30) and rng.random() < 0.5:
            window.import_file(path)

    def lock_unlock() -> None:
        window.lock()
        wait(lambda: not window.unlocked, 30)
        unlock()

    def idle_lock() -> None:
        window.idle.idle.emit()  # what the idle timer sends after its minutes
        wait(lambda: not window.unlocked, 30)
        if not window.unlocked:
            unlock()

    def board() -> None:
        window.show_board()
        pump(rng.randint(50, 400))
        window.show_clients()

    steps = [
        (open_client, 6),
        (switch_tabs, 4),
        (edit_details, 3),
        (add_note, 3),
        (add_trip, 3),
        (add_permission, 1),
        (plan_trip, 1),
        (residence_report, 2),
        (statements, 2),
        (handout, 1),
        (backup, 2),
        (export_import, 3),
        (lock_unlock, 2),
        (idle_lock, 1),
        (board, 2),
    ]
    actions = [step for step, weight in steps for _ in range(weight)]
    try:
        unlock()
        open_client()
        for _ in range(rounds):
            action = rng.choice(actions)
            step_name[0] = action.__name__
            try:
                if not window.unlocked:
                    unlock()
                if window.client_page.current_client_id() is None and action is not open_client:
                    open_client()
                action()
            except Exception as exc:  # noqa: BLE001 - counted, with its type and place
                note_error("raised", type(exc), exc.__traceback__)
                if os.environ.get("SOAK_DEBUG"):
                    print("  message:", str(exc)[:400], file=sys.stderr)
            pump(rng.randint(0, 120))
        step_name[0] = "finish"
        made = sorted(x.suffix for x in out.iterdir())
        print(
            f"STEPS {rounds}; files written: {len(made)} ({' '.join(sorted(set(made)))}); "
            f"{connections[0]} store connections from {connecting_threads[0]} threads"
        )
        wait(lambda: not window._busy, 60)
        pump(300)
        if window.unlocked:
            window.lock()
            wait(lambda: not window.unlocked, 30)
    finally:
        dismisser.stop()
        collector.stop()
        window.close()
        shutil.rmtree(out, ignore_errors=True)
    for line in errors:
        print("ERROR", line, flush=True)
    return 1 if errors else 0


def _crash_frames(stderr: str, most: int = 12) -> list[str]:
    """The faulthandler lines of a crash: the thread headers and the top frames of each."""
    keep, frames = [], 0
    for line in stderr.splitlines():
        if line.startswith(("Fatal Python error", "Current thread", "Thread 0x")):
            keep.append(line.strip())
            frames = 0
        elif line.strip().startswith("File ") and frames < 3:
            keep.append("  " + line.strip())
            frames += 1
    return keep[:most]


# ---- the driver --------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--timeout", type=int, default=300, help="seconds before a hang")
    parser.add_argument("--first", type=int, default=1, help="first session's seed")
    parser.add_argument(
        "--thread-expiry-ms", type=int, default=50, help="idle pool threads end after this"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        import faulthandler

        faulthandler.enable()  # a crash prints where each thread was (file and line only)
        return run_session(args.one, args.rounds, args.folder, args.thread_expiry_ms)

    crashes = hangs = failed = ok = 0
    durations: list[float] = []
    for seed in range(args.first, args.first + args.sessions):
        folder = Path(tempfile.mkdtemp(prefix="soak-")) / "data"
        command = [sys.executable, __file__, "--one", str(seed), "--rounds", str(args.rounds)]
        command += ["--thread-expiry-ms", str(args.thread_expiry_ms)]
        started = time.monotonic()
        try:
            done = subprocess.run(
                [*command, "--folder", str(folder)],
                capture_output=True,
                text=True,
                timeout=args.timeout,
            )
        except subprocess.TimeoutExpired:
            hangs += 1
            print(f"session {seed}: HANG (no end after {args.timeout} s)", flush=True)
            continue
        finally:
            shutil.rmtree(folder.parent, ignore_errors=True)
        seconds = time.monotonic() - started
        durations.append(seconds)
        if done.returncode != 0 and os.environ.get("SOAK_DEBUG"):
            kept = Path(tempfile.gettempdir()) / f"soak-session-{seed}.err"
            kept.write_text(done.stderr, "utf-8")  # fictional data only
            print(f"    (SOAK_DEBUG: the session's stderr is in {kept})", flush=True)
        if done.returncode < 0:
            crashes += 1
            name = signal.Signals(-done.returncode).name
            print(f"session {seed}: CRASH ({name}) after {seconds:.1f} s", flush=True)
            for line in _crash_frames(done.stderr):
                print("   ", line, flush=True)
        elif done.returncode != 0:
            failed += 1
            lines = [x for x in done.stdout.splitlines() if x.startswith("ERROR")]
            if not lines:  # died before counting: the last line of the traceback's type
                tail = [x for x in done.stderr.splitlines() if x.strip()][-1:]
                lines = [f"ERROR exit {done.returncode}: {t.split(':')[0]}" for t in tail]
            print(f"session {seed}: {len(lines)} error(s) in {seconds:.1f} s", flush=True)
            for line in lines[:10]:
                print("   ", line, flush=True)
        else:
            ok += 1
            steps = [x[6:] for x in done.stdout.splitlines() if x.startswith("STEPS ")]
            print(f"session {seed}: ok in {seconds:.1f} s; {' '.join(steps)}", flush=True)
    durations.sort()
    median = durations[len(durations) // 2] if durations else 0.0
    print(
        f"{args.sessions} sessions x {args.rounds} steps: {ok} ok, {crashes} crashes, "
        f"{hangs} hangs, {failed} with errors (median {median:.1f} s a session)"
    )
    return 0 if ok == args.sessions else 1


if __name__ == "__main__":
    sys.exit(main())
