"""After an erasure or a passphrase change: the copies in backups/ are brought in line, and the
status bar says what was done (issue 15 point 4).

The store keeps copies of itself in the data folder's backups/ before a restore and before a
schema upgrade (desktop.store.backups). Nothing is asked any more (Enter or Esc used to keep
them, so an erased client stayed in every copy):

- an erased client is taken out of every kept copy (`Store.erase_from_kept_copies`); a copy
  that cannot be rewritten is deleted;
- a passphrase change re-encrypts every kept copy under the new passphrase
  (`Store.change_passphrase` does it, and says what it did in `Store.last_kept_rekey`).

Backup files written with File > Back up to file… (a USB stick, say) cannot be reached from
here: the messages say so.

The window runs the erasure off the UI thread (it rewrites each copy: seconds for a large
store) and shows `erasure_line(result)`; `reach_kept_copies` does the same in one call for
callers that have no worker (the command line, older wiring).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

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


def _left_over(result, why: str) -> str:  # noqa: ANN001 - a KeptCopiesResult
    """The sentences about copies deleted instead, and copies that could not be dealt with."""
    parts = []
    if result.deleted:
        one = result.deleted == 1
        parts.append(
            f"{_copies(result.deleted).capitalize()} that {why} {'was' if one else 'were'} "
            "deleted instead."
        )
    if result.failed:
        names = ", ".join(result.failed)
        parts.append(
            f"{_copies(len(result.failed)).capitalize()} could not be changed or deleted: "
            f"delete {names} from the backups folder by hand."
        )
    return " ".join(parts)


def erasure_line(result) -> str:  # noqa: ANN001 - a KeptCopiesResult
    """The status line after a client was erased and the kept copies were reached."""
    if result.total == 0:
        return f"Client deleted. No copies are kept in the backups folder. {ELSEWHERE_ERASED}"
    held, opened = result.rewritten, result.rewritten + result.untouched
    if held and held == opened:
        done = f"Client deleted, also from the {_copies(held)} in the backups folder."
    elif held:
        done = (
            f"Client deleted, also from {held} of the {opened} copies in the backups folder "
            "(the others did not hold this client)."
        )
    elif opened:
        done = (
            f"Client deleted. The {_copies(opened)} in the backups folder did not hold this client."
        )
    else:
        done = "Client deleted."
    extra = _left_over(result, "could not be rewritten")
    return " ".join(part for part in (done, extra, ELSEWHERE_ERASED) if part)


def passphrase_line(result) -> str:  # noqa: ANN001 - a KeptCopiesResult or None
    """The status line after a passphrase change (what was done to the kept copies)."""
    headline = "Passphrase changed."
    if result is None or result.total == 0:
        return f"{headline} No copies are kept in the backups folder. {ELSEWHERE_PASSPHRASE}"
    now = result.rewritten + result.untouched
    done = (
        f"{_copies(now).capitalize()} in the backups folder "
        f"{'opens' if now == 1 else 'open'} with the new passphrase only."
        if now
        else ""
    )
    extra = _left_over(result, "did not open with the old passphrase")
    return " ".join(part for part in (headline, done, extra, ELSEWHERE_PASSPHRASE) if part)


def failed_line(reason: str) -> str:
    """The status line when reaching the kept copies stopped (the store was locked, say):
    what is owed is remembered in the store (`Store.pending_kept_erasures`) and finished by
    the next `erase_from_kept_copies`."""
    headline = "Client deleted." if reason == ERASURE else "Passphrase changed."
    return (
        f"{headline} Not every copy in the backups folder has been updated yet; this is "
        "finished the next time the store is unlocked."
    )


def reach_kept_copies(parent: QWidget | None, store, reason: str) -> str:
    """Bring the kept copies in line after an erasure (every erasure still owed) or a
    passphrase change (already done by the store: reported), on the calling thread; returns
    the line for the status bar."""
    from desktop.store.errors import StoreError

    del parent  # nothing is asked
    if reason == PASSPHRASE:
        return passphrase_line(store.last_kept_rekey)
    try:
        result = store.erase_from_kept_copies()
    except StoreError:
        return failed_line(reason)
    return erasure_line(result)
