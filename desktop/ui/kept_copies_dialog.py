"""After an erasure or a passphrase change: the copies in backups/ are told about and offered for
deletion.

The store keeps copies of itself in the data folder's backups/ before a restore and before a
schema upgrade (desktop.store.backups). They open with the passphrase in use when they were
taken and hold every client the store held then, so an erased client is still in them and a
passphrase that was changed (say, because someone left) still opens them.

Backup files written with File > Back up to file… (a USB stick, say) cannot be reached from
here: the messages say so.

Tests replace `confirm_delete_kept` (a module attribute, looked up at call time).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

ERASURE, PASSPHRASE = "erasure", "passphrase"

ELSEWHERE_ERASED = (
    "Backup files made with File > Back up to file… (on a USB stick, for example) cannot be "
    "reached from here and still hold this client: delete them, or replace them with a new "
    "backup."
)
ELSEWHERE_PASSPHRASE = (
    "Backup files made with File > Back up to file… still open with the old passphrase: make a "
    "new backup and delete the old ones."
)


def _copies(count: int) -> str:
    return "1 copy" if count == 1 else f"{count} copies"


def offer_text(reason: str, count: int) -> str:
    """The question: what the kept copies still hold, and what is out of reach."""
    one = count == 1
    where = (
        f"{_copies(count)} of the store {'is' if one else 'are'} kept in the data folder's "
        "backups folder (taken before a restore or an upgrade)."
    )
    question = "Delete the kept copies now? A restore can no longer be undone with them afterwards."
    if reason == ERASURE:
        holds = "It still holds" if one else "They still hold"
        return (
            f"The client was deleted from the store. {where} {holds} this client's records."
            f"\n\n{question}\n\n{ELSEWHERE_ERASED}"
        )
    opens = "It still opens" if one else "They still open"
    every = "holds" if one else "hold"
    return (
        f"The passphrase was changed. {where} {opens} with the old passphrase and {every} every "
        f"client the store held then.\n\n{question}\n\n{ELSEWHERE_PASSPHRASE}"
    )


def confirm_delete_kept(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask; "Keep them" is the default (Enter and Esc). Tests replace this function."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    delete = box.addButton("&Delete the kept copies", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("&Keep them", QMessageBox.ButtonRole.RejectRole)
    delete.setAccessibleName("Delete the kept copies in the backups folder")
    keep.setAccessibleName("Keep the copies")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is delete


def offer_to_delete_kept(parent: QWidget | None, store, reason: str) -> str:
    """Say what the kept copies still hold and offer to delete them (only when there are
    some); returns the line for the status bar."""
    headline = "Client deleted." if reason == ERASURE else "Passphrase changed."
    elsewhere = ELSEWHERE_ERASED if reason == ERASURE else ELSEWHERE_PASSPHRASE
    count = len(store.kept_copies())
    if count == 0:
        return f"{headline} No copies are kept in the backups folder. {elsewhere}"
    title = "Copies in the backups folder"
    if not confirm_delete_kept(parent, title, offer_text(reason, count)):
        return f"{headline} {_copies(count).capitalize()} kept in the backups folder. {elsewhere}"
    try:
        deleted = store.delete_kept_copies()
    except OSError as exc:
        return (
            f"{headline} The kept copies could not all be deleted "
            f"({exc.strerror or type(exc).__name__}). {elsewhere}"
        )
    return (
        f"{headline} {_copies(deleted).capitalize()} deleted from the backups folder. {elsewhere}"
    )
