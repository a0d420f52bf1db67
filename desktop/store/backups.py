"""Housekeeping for the copies the store keeps of itself, and for the temp files it writes.

`backups/` in the data folder holds the copies `Store._keep_copy` takes before a schema upgrade
and before a restore: `<label>-<YYYYMMDD-HHMMSS>[-n].db`, each with its key parameters beside it
(`….params.json`). They hold the clients that were in the store then and open with the
store's passphrase:

* a passphrase change re-encrypts them, and a client erased from the store is taken out of
  them (desktop.store.database: `Store.erase_from_kept_copies`); a copy that cannot be
  rewritten is deleted (`delete_kept`);
* at most N are kept (the `kept_copies` setting, default 5): the oldest go after each new one
  (`prune`);
* temp files a killed process left behind (`store.db.rekey`, `store.db.backup-snapshot`,
  `restore.db.tmp`, `restore.params.tmp`, `store.params.json.tmp`, `*.ddbackup.partial`,
  half-written copies and key parameters in `backups/`) are removed when the store is opened
  (`remove_leftovers`). Only these exact names are touched: any other file in the data folder
  is left alone.

Backup files written with File > Back up to file… live wherever the adviser put them (a USB
stick): nothing here can reach them.

Plain file operations only: no database and no Qt.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from desktop.store.errors import BackupInvalid, StoreError

BACKUPS_DIR = "backups"
#: The setting (settings table) holding how many copies backups/ keeps.
KEEP_COPIES_SETTING = "kept_copies"
DEFAULT_KEPT_COPIES = 5
#: The copy just taken is always kept; more than this many is never useful.
MIN_KEPT_COPIES = 1
MAX_KEPT_COPIES = 50

KEPT_DB_SUFFIX = ".db"
KEPT_PARAMS_SUFFIX = ".params.json"
PARTIAL_SUFFIX = ".partial"

#: Temp files the store writes in the data folder (see desktop.store.database): change_passphrase
#: stages `store.db.rekey`, backup_to `store.db.backup-snapshot`, restore_from `restore.db.tmp`
#: and `restore.params.tmp`. Each is renamed into place or deleted when the work finishes, so one
#: still there at open time was left by a process that was killed.
TEMP_NAMES = (
    "store.db.rekey",
    "store.db.backup-snapshot",
    "restore.db.tmp",
    "restore.params.tmp",
)
#: desktop.store.crypto.write_header writes `<header>.tmp` and renames it over the header: the
#: rename is the commit, so a `.tmp` still there was never used.
HEADER_TEMP_NAMES = ("store.params.json.tmp", "store.params.json.new.tmp")
#: SQLite's own files beside a database: a leftover temp database may have these too.
_SQLITE_SIDE_FILES = ("", "-journal", "-wal", "-shm")
#: backup_to writes `<target>.ddbackup.partial` next to its target and renames it when complete.
_PARTIAL_BACKUP = re.compile(r"[^/\\]+\.ddbackup\.partial")

_KEPT_NAME = re.compile(
    r"(?P<label>[A-Za-z0-9_.-]+?)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?"
    r"(?P<suffix>\.db|\.params\.json)"
)
_SAFE_REVISION = re.compile(r"[A-Za-z0-9_.-]{1,32}")


class BackupFromNewerVersion(BackupInvalid):
    """A backup whose schema revision this version does not know: refused before anything is
    replaced."""

    def __init__(self, revision: object, head: str) -> None:
        self.revision = revision
        super().__init__(
            "This backup was made by a newer version of Drop-in Desk "
            f"({describe_revision(revision)}; this version knows up to {head}). "
            "Nothing was replaced."
        )


class StoreFromNewerVersion(StoreError):
    """A store whose schema revision this version does not know: opened by no one, copied
    nowhere, changed in no way."""

    def __init__(self, revision: object, head: str) -> None:
        self.revision = revision
        super().__init__(
            "This store was made by a newer version of Drop-in Desk "
            f"({describe_revision(revision)}; this version knows up to {head}). "
            "Open it with that version; nothing was changed."
        )


def describe_revision(revision: object) -> str:
    """The revision as "schema 0009", quoted only when it is a short plain name (it comes
    from a file that may have been tampered with)."""
    if isinstance(revision, str) and _SAFE_REVISION.fullmatch(revision):
        return f"schema {revision}"
    return "a schema revision it does not recognise"


# ---- kept copies -----------------------------------------------------------------------------
def _kept_sort_key(path: Path) -> tuple[str, int, str]:
    match = _KEPT_NAME.fullmatch(path.name)
    assert match is not None
    return match["stamp"], int(match["n"] or 1), path.name


def list_kept(backups_dir: Path) -> list[Path]:
    """The kept copies (their `.db` files), oldest first. Only names `_keep_copy` writes
    (`<label>-<YYYYMMDD-HHMMSS>[-n].db`) count: any other file in backups/ is left alone."""
    if not backups_dir.is_dir():
        return []
    found = [
        path
        for path in backups_dir.iterdir()
        if path.is_file()
        and (match := _KEPT_NAME.fullmatch(path.name)) is not None
        and match["suffix"] == KEPT_DB_SUFFIX
    ]
    return sorted(found, key=_kept_sort_key)


def params_of(kept: Path) -> Path:
    return kept.with_name(kept.name[: -len(KEPT_DB_SUFFIX)] + KEPT_PARAMS_SUFFIX)


def new_kept_path(backups_dir: Path, label: str, now: dt.datetime) -> Path:
    """`<label>-<stamp>.db`; a second copy taken the same second gets `-2`, then `-3`…, one
    more than any copy of that second, so names sort in the order the copies were taken."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    taken = [
        int(match["n"] or 1)
        for path in (backups_dir.iterdir() if backups_dir.is_dir() else ())
        if (match := _KEPT_NAME.fullmatch(path.name)) is not None and match["stamp"] == stamp
    ]
    n = max(taken, default=0) + 1
    suffix = "" if n == 1 else f"-{n}"
    return backups_dir / f"{label}-{stamp}{suffix}{KEPT_DB_SUFFIX}"


def delete_kept(kept: Path) -> None:
    """Delete one kept copy: the database, SQLite's files beside it, and its key parameters."""
    for side in _SQLITE_SIDE_FILES:
        kept.with_name(kept.name + side).unlink(missing_ok=True)
    params_of(kept).unlink(missing_ok=True)


def delete_all_kept(backups_dir: Path) -> int:
    """Delete every kept copy; returns how many there were."""
    kept = list_kept(backups_dir)
    for path in kept:
        delete_kept(path)
    return len(kept)


def kept_limit(value: str | None) -> int:
    """The `kept_copies` setting as a number of copies; a missing or unreadable value is the
    default, and the value is held between MIN_KEPT_COPIES and MAX_KEPT_COPIES."""
    try:
        number = int(value) if value is not None else DEFAULT_KEPT_COPIES
    except ValueError:
        return DEFAULT_KEPT_COPIES
    return max(MIN_KEPT_COPIES, min(MAX_KEPT_COPIES, number))


def prune(backups_dir: Path, keep: int, newest: Path | None = None) -> list[Path]:
    """Delete the oldest kept copies so that at most `keep` remain; `newest` (the copy just
    taken) is never deleted. Returns the copies deleted."""
    keep = max(MIN_KEPT_COPIES, keep)
    kept = [path for path in list_kept(backups_dir) if path != newest]
    room = keep - (1 if newest is not None else 0)
    doomed = kept[: max(0, len(kept) - room)]
    for path in doomed:
        delete_kept(path)
    return doomed


# ---- leftovers -------------------------------------------------------------------------------
def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temp files a killed process left in the data folder and in backups/.

    Call only while holding the instance lock (another instance's temp files would be in
    use). Returns what was removed."""
    removed: list[Path] = []

    def remove(path: Path) -> None:
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed.append(path)

    for name in TEMP_NAMES:
        for side in _SQLITE_SIDE_FILES:
            remove(folder / (name + side))
    for name in HEADER_TEMP_NAMES:
        remove(folder / name)
    if folder.is_dir():
        for path in folder.iterdir():
            if _PARTIAL_BACKUP.fullmatch(path.name):
                remove(path)
    backups_dir = folder / BACKUPS_DIR
    if backups_dir.is_dir():
        for path in list(backups_dir.iterdir()):
            name = path.name
            if name.endswith(KEPT_PARAMS_SUFFIX + ".tmp"):
                # A copy's key parameters being rewritten (re-keying): the rename is the commit.
                if _KEPT_NAME.fullmatch(name[: -len(".tmp")]):
                    remove(path)
                continue
            if name.endswith(PARTIAL_SUFFIX):
                # A copy `_keep_copy` was still writing: `<kept>.db.partial` and its journal.
                stem = name[: -len(PARTIAL_SUFFIX)]
                if _KEPT_NAME.fullmatch(stem):
                    remove(path)
                continue
            for side in ("-journal", "-wal", "-shm"):
                if name.endswith(KEPT_DB_SUFFIX + PARTIAL_SUFFIX + side):
                    if _KEPT_NAME.fullmatch(name[: -len(PARTIAL_SUFFIX + side)]):
                        remove(path)
            match = _KEPT_NAME.fullmatch(name)
            if match is not None and match["suffix"] == KEPT_PARAMS_SUFFIX:
                # Key parameters are written first: without their database they are a leftover.
                if not path.with_name(name[: -len(KEPT_PARAMS_SUFFIX)] + KEPT_DB_SUFFIX).exists():
                    remove(path)
    return removed
