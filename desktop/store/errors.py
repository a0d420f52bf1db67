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
