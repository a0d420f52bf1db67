"""One app instance per data folder, enforced with OS locks held for the life of the process.

The OS releases a lock when the process dies, so a crash never leaves a stale lock behind.

Two locks are taken (issue 15 point 2):

- **The data folder itself** (POSIX): `flock` on a descriptor of the folder. Deleting
  `store.lock` cannot release it (a deleted lock file is a new file when the next process
  creates it, with no lock on it: that is how a second instance used to get in, and its
  passphrase change then swapped store.db under the first, whose later writes were lost).
  The folder cannot be deleted while it holds the store, and a new folder at the same path
  (after a move) is a different store.
- **`store.lock`**, as before: older versions look only at it. After locking it, the file the
  descriptor holds is checked to be the one at the path (same device and inode); if it was
  deleted or replaced in between, the lock is taken again on the new file.

On Windows a folder cannot be locked this way, but a file Python has open cannot be deleted
or renamed (it is opened without FILE_SHARE_DELETE), so `store.lock` cannot be taken away
while it is held. On a network file system where `flock` on a folder is not supported (some
NFS setups), only `store.lock` is held: the window warns about network drives anyway
(desktop.store.network_drive).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from desktop.store.errors import StoreInUse

LOCK_NAME = "store.lock"
#: Taking store.lock is retried this many times when it is replaced while being taken.
_ATTEMPTS = 5
#: flock errors that mean "someone else holds it" (anything else: this system cannot lock).
_HELD_ELSEWHERE = {errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES}


class InstanceLock:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._fh = None
        self._folder_fd: int | None = None

    def acquire(self) -> None:
        from desktop.store.paths import private_dir

        private_dir(self.folder)  # the data folder: owner-only on POSIX
        self._folder_fd = _lock_folder(self.folder)
        try:
            self._fh = self._lock_file()
        except BaseException:
            self._release_folder()
            raise

    def _lock_file(self):
        from desktop.store.paths import PRIVATE_FILE_MODE, make_private

        path = self.folder / LOCK_NAME
        for _ in range(_ATTEMPTS):
            fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
            fh = os.fdopen(fd, "a+b")
            try:
                make_private(path)
                _lock_fd(fh)
            except OSError:
                fh.close()
                raise StoreInUse(str(self.folder)) from None
            if _same_file(fh.fileno(), path):
                return fh
            fh.close()  # deleted or replaced between open and lock: lock the one there now
        raise StoreInUse(str(self.folder))

    def release(self) -> None:
        try:
            if self._fh is not None:
                try:
                    _unlock_fd(self._fh)
                finally:
                    self._fh.close()
                    self._fh = None
        finally:
            self._release_folder()

    def _release_folder(self) -> None:
        if self._folder_fd is not None:
            fd, self._folder_fd = self._folder_fd, None
            os.close(fd)  # closing the descriptor releases its flock

    @property
    def held(self) -> bool:
        return self._fh is not None

    @property
    def folder_locked(self) -> bool:
        """True when the data folder itself is locked (POSIX, on a file system that allows
        it): deleting store.lock then lets no second instance in."""
        return self._folder_fd is not None


def _lock_folder(folder: Path) -> int | None:
    """An flock'd descriptor on the folder; None where folders cannot be locked (Windows, some
    network file systems). StoreInUse when another process holds it."""
    if os.name != "posix":
        return None
    import fcntl

    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in _HELD_ELSEWHERE:
            raise StoreInUse(str(folder)) from None
        return None  # not supported here (e.g. NFS emulating flock with fcntl locks)
    return fd


def _lock_fd(fh) -> None:  # noqa: ANN001 - a binary file object
    if os.name == "nt":
        import msvcrt

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock_fd(fh) -> None:  # noqa: ANN001
    if os.name == "nt":
        import msvcrt

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _same_file(fd: int, path: Path) -> bool:
    """The open descriptor is the file at `path` now (not deleted or replaced)."""
    try:
        held, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino)
