"""One app instance per data folder, enforced with an OS file lock.

The OS releases the lock when the process dies, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from desktop.store.errors import StoreInUse

LOCK_NAME = "store.lock"


class InstanceLock:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._fh = None

    def acquire(self) -> None:
        from desktop.store.paths import PRIVATE_FILE_MODE, make_private, private_dir

        private_dir(self.folder)  # the data folder: owner-only on POSIX
        fd = os.open(self.folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        fh = os.fdopen(fd, "a+b")
        make_private(self.folder / LOCK_NAME)
        try:
            if os.name == "nt":
                import msvcrt

                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise StoreInUse(str(self.folder)) from None
        self._fh = fh

    def release(self) -> None:
        if self._fh is None:
            return
        try:
            if os.name == "nt":
                import msvcrt

                self._fh.seek(0)
                msvcrt.locking(self._fh.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
        finally:
            self._fh.close()
            self._fh = None

    @property
    def held(self) -> bool:
        return self._fh is not None
