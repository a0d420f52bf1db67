"""The one passphrase policy, shared by the window (create store, change passphrase) and `init`.

The rule is deliberately simple: at least MIN_LENGTH characters. Length is what makes a
passphrase hard to guess; the strength meter (`desktop.store.crypto.passphrase_strength`)
encourages more, but only this rule refuses.

Passphrases are compared and stretched in Unicode NFC form, so "é" typed as one code point
(U+00E9) and as "e" + combining acute (U+0065 U+0301) - which keyboards and input methods
produce differently on different systems - open the same store.
"""

from __future__ import annotations

import unicodedata

#: The fewest characters a new passphrase may have (counted after NFC normalisation).
MIN_LENGTH = 8

#: What the window shows before anything is typed, and what `init --help` could say.
POLICY_HINT = f"Use at least {MIN_LENGTH} characters; four or more random words is better."


def normalise(passphrase: str) -> str:
    """The form every passphrase is in before key derivation (Unicode NFC)."""
    return unicodedata.normalize("NFC", passphrase)


def policy_problem(passphrase: str) -> str | None:
    """None when `passphrase` may be used for a new store or a passphrase change; otherwise
    the sentence to show (the same in the window and on the command line)."""
    if len(normalise(passphrase)) < MIN_LENGTH:
        return f"The passphrase must be at least {MIN_LENGTH} characters long."
    return None
