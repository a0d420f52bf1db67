"""Sharing at scale (issue 21, "Past one centre"): 30 laptops x 10,000 changes applied on one.

One real source store makes 10,000 changes (new clients, each with case notes and a
permission, through the app's own repository: captured by the triggers, packed by
desktop.store.sync_engine.pack). The packed set is then re-labelled as written by 30 different
laptops (their own device ids, row uids and versions: the same shape and size as 30 laptops'
real files, without making 30 stores), each sealed as a change file to 31 recipients
(desktop.store.sync_folder.seal_changes), and applied one after another to a fresh receiving
store, each in its own transaction, as `sync` does.

Prints: the time to pack 10,000 changes; each laptop's apply time at 1, 5, 10, 20 and 30 laptops
(growth as the receiving store fills), the total; the shared folder's size with all 30 change
files, and after compaction (every laptop has acknowledged: the change files go, the signed
device.json / ack.json files stay, about 1 KB a laptop). No assertions.

    python benchmarks/bench_sync_scale.py [--laptops 30] [--changes 10000]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "correct horse battery staple"


def _source_changes(store, changes: int) -> tuple[dict, float]:
    """`changes` change records made through the app, packed: (the set, seconds to pack)."""
    from desktop.rules.history import History, Permission
    from desktop.store import repository, sync_capture, sync_engine
    from desktop.store.repository import ClientDetails

    with store.session() as session:
        sync_engine.device_id(session)
        sync_capture.enable(session)
    per_client = 10  # the client, 8 notes, 1 permission
    made = 0
    while made < changes:
        with store.session() as session:
            for _ in range(50):
                cid = repository.create_client(
                    session,
                    ClientDetails(
                        full_name=f"Bench Person {made}", date_of_birth=dt.date(1990, 1, 1)
                    ),
                    "bench",
                )
                for n in range(8):
                    repository.add_note(session, cid, "bench", f"Note {n} about the matter")
                history = History(
                    permissions=(
                        Permission("leave_to_remain", dt.date(2020, 1, 1), dt.date(2025, 1, 1)),
                    )
                )
                repository.save_history(session, cid, history, "bench")
                made += per_client
                if made >= changes:
                    break
    t = time.perf_counter()
    with store.session() as session:
        packed = sync_engine.pack(session)
    return packed, time.perf_counter() - t


def _relabel(packed: dict, index: int) -> dict:
    """The same changes as written by laptop `index`: its own device id, uids and versions."""
    device = f"bench{index:011d}"
    source = packed["device"]
    tag = f"{index:02x}"

    def uid(u: str) -> str:
        return u[:-2] + tag

    def ver(v: str) -> str:
        return v.replace(source, device)

    out = copy.deepcopy(packed)
    out["device"], out["seq"] = device, 1
    for rec in out["changes"]:
        rec["u"] = uid(rec["u"])
        if "ver" in rec:
            rec["ver"] = ver(rec["ver"])
        for column, field in rec.get("f", {}).items():
            field["ver"] = ver(field["ver"])
            field["anc"] = [ver(a) for a in field.get("anc", [])]
            if column in ("client_id", "member_client_id", "account_id", "period_id") or column in (
                "checklist_id",
                "transaction_id",
            ):
                if isinstance(field.get("v"), str):
                    field["v"] = uid(field["v"])
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--laptops", type=int, default=30)
    parser.add_argument("--changes", type=int, default=10_000)
    args = parser.parse_args()
    import pyrage

    from desktop.store import sync_engine
    from desktop.store.database import Store
    from desktop.store.sync_folder import seal_changes

    folder = Path(tempfile.mkdtemp(prefix="dropin-bench-sync-"))
    try:
        source = Store.create(folder / "source", PASSPHRASE, KDF)
        packed, pack_s = _source_changes(source, args.changes)
        source.close()
        records = len(packed["changes"])
        print(f"pack: {records} changes in {pack_s:.1f} s")
        receiver = Store.create(folder / "receiver", PASSPHRASE, KDF)
        with receiver.session() as session:
            sync_engine.device_id(session)
        keys = [str(pyrage.x25519.Identity.generate().to_public()) for _ in range(args.laptops + 1)]
        shared = folder / "shared"
        shared.mkdir()
        seed = bytes(32)
        total = 0.0
        marks = {1, 5, 10, 20, args.laptops}
        for index in range(1, args.laptops + 1):
            changes = _relabel(packed, index)
            device_dir = shared / "devices" / changes["device"]
            device_dir.mkdir(parents=True)
            (device_dir / "0000000001.ddchg").write_bytes(
                seal_changes(seed, "bench-centre", changes, keys)
            )
            (device_dir / "device.json").write_text("{}" + " " * 900)  # about a real one's size
            t = time.perf_counter()
            with receiver.session() as session:
                applied = sync_engine.apply(session, changes)
            took = time.perf_counter() - t
            total += took
            if applied.waiting or applied.skipped:
                print(f"laptop {index}: not applied (waiting={applied.waiting})")
            if index in marks:
                print(f"laptop {index:>2}: applied {records} changes in {took:.1f} s")
        print(f"all {args.laptops} laptops: {total:.1f} s ({total / args.laptops:.1f} s each)")
        before = sum(f.stat().st_size for f in shared.rglob("*") if f.is_file())
        for f in shared.rglob("*.ddchg"):
            f.unlink()
        after = sum(f.stat().st_size for f in shared.rglob("*") if f.is_file())
        print(f"shared folder: {before / 1e6:.1f} MB before compaction, {after / 1e3:.0f} KB after")
        receiver.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
