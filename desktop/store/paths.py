"""Where the store lives by default: the per-user data folder from platformdirs."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import platformdirs

APP_NAME = "DropInDesk"


def default_data_dir() -> Path:
    override = os.environ.get("DROPIN_DESK_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


# ---- private files and folders -----------------------------------------------------------------
#: The data folder, backups/ and every file Drop-in Desk creates in them (the database and its
#: -wal/-shm journals, store.params.json, store.lock, kept copies, backup files, exports) are
#: readable by their owner only on POSIX systems, whatever the umask.
#:
#: Windows has no chmod: os.chmod there only toggles the read-only flag, so these functions do
#: nothing beyond creating the file. Privacy comes from where the store lives: the default data
#: folder is under %LOCALAPPDATA%, whose ACL grants access to the user, SYSTEM and
#: Administrators only, and files created in it inherit that ACL. A --data-dir or an export
#: written elsewhere (a shared drive, a USB stick) gets that folder's ACL.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private(path: Path | str) -> None:
    """Set owner-only permissions on an existing file or folder (POSIX; nothing on Windows)."""
    if os.name != "posix":
        return
    path = Path(path)
    os.chmod(path, PRIVATE_DIR_MODE if path.is_dir() else PRIVATE_FILE_MODE)


def private_dir(folder: Path | str) -> Path:
    """Create `folder` (and its parents) if needed, and make `folder` itself owner-only."""
    folder = make_private_dirs(folder)
    make_private(folder)
    return folder


def make_private_dirs(folder: Path | str) -> Path:
    """Create `folder` and every missing folder above it, each owner-only (0700 on POSIX)
    whatever the umask: `mkdir(parents=True)` gives the parents it makes the umask's mode
    (0777 under umask 000), so a `--data-dir a/b/c` left `a` and `b` open to everyone.
    Folders that already exist are not touched (they may be the user's own, such as ~).
    FileExistsError when `folder`, or a folder above it, is a file."""
    folder = Path(folder)
    missing: list[Path] = []
    current = folder
    while not current.is_dir():
        if current.exists() or current.is_symlink():  # a file, or a link to nowhere
            raise FileExistsError(errno.EEXIST, "it is a file, not a folder", str(current))
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            if not path.is_dir():
                raise
            continue  # made meanwhile by someone else: theirs, not ours to change
        if os.name == "posix":
            os.chmod(path, PRIVATE_DIR_MODE)
    return folder


def create_private_file(path: Path | str, *, exclusive: bool = False) -> Path:
    """Create `path` empty with owner-only permissions (or tighten it if it exists and
    `exclusive` is false). The mode is given to os.open and set again with chmod, so the umask
    cannot widen it. Used before SQLite or zipfile opens a file by name: SQLite gives a
    database's -wal and -shm files the database file's permissions."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else 0)
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    os.close(fd)
    make_private(path)
    return path


def open_private(path: Path | str, mode: str = "wb", encoding: str | None = None):
    """open() for writing a new file with owner-only permissions ("wb", "w", "xb", "x")."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT
    flags |= os.O_EXCL if mode.startswith("x") else os.O_TRUNC
    if "b" not in mode:
        encoding = encoding or "utf-8"
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    try:
        if os.name == "posix":
            os.fchmod(fd, PRIVATE_FILE_MODE)
        return os.fdopen(fd, mode.replace("x", "w"), encoding=encoding)
    except BaseException:
        os.close(fd)
        raise
