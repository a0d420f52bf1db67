"""Store errors carry a sentence a person can act on; none of them carries client data."""


class StoreError(Exception):
    """Base class: the message is safe to show in a dialog or print on one line."""


class WrongPassphrase(StoreError):
    def __init__(
        self, message: str = "That passphrase does not open this store. Try again."
    ) -> None:
        super().__init__(message)


class StoreInUse(StoreError):
    def __init__(self, folder: str) -> None:
        super().__init__(
            "Drop-in Desk is already open on this computer with this data folder "
            f"({folder}). Switch to that window, or close it first."
        )


class StoreMissing(StoreError):
    pass


class StoreDamaged(StoreError):
    pass


class BackupInvalid(StoreError):
    pass


class NotFound(StoreError):
    pass


class StoreLocked(StoreError):
    """The store was locked (or closed) while, or before, this work used it."""

    def __init__(self, message: str = "The store is locked. Unlock it and try again.") -> None:
        super().__init__(message)


class StoreBusy(StoreError):
    """Another task held the store for longer than a write may wait: nothing was written."""

    def __init__(
        self,
        message: str = (
            "The store is busy with another task (a restore, a passphrase change or a long "
            "import). Nothing was saved; try again in a moment."
        ),
    ) -> None:
        super().__init__(message)


class StoreReplaced(StoreError):
    """store.db at the path is no longer the file this process opened (another program replaced
    or moved it): nothing more is written, so nothing goes into a file no one will read."""

    def __init__(self) -> None:
        super().__init__(
            "The store file was replaced by another program while Drop-in Desk had it open, so "
            "nothing more is written to it (this change was not saved). Close Drop-in Desk and "
            "open it again."
        )
