"""Passphrase -> raw SQLCipher key, with Argon2id.

The salt and cost parameters live in a small plain JSON header beside the database
(`store.params.json`). It holds no secret: without the passphrase the parameters are useless.
The derived 32-byte key is handed to SQLCipher as a raw key (`x'...'`), so SQLCipher's own
PBKDF2 step is skipped and the only stretching is Argon2id's.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw

HEADER_FORMAT = "dropin-desk.keyparams/1"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters. Defaults follow RFC 9106's second recommended option
    (64 MiB, 3 passes), about a third of a second on a modest laptop."""

    salt_hex: str
    time_cost: int = 3
    memory_cost_kib: int = 64 * 1024
    parallelism: int = 4

    @classmethod
    def fresh(cls, **costs: int) -> KdfParams:
        return cls(salt_hex=secrets.token_hex(16), **costs)

    def with_new_salt(self) -> KdfParams:
        return KdfParams(
            salt_hex=secrets.token_hex(16),
            time_cost=self.time_cost,
            memory_cost_kib=self.memory_cost_kib,
            parallelism=self.parallelism,
        )


def derive_key(passphrase: str, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=bytes.fromhex(params.salt_hex),
        time_cost=params.time_cost,
        memory_cost=params.memory_cost_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def key_pragma_value(key: bytes) -> str:
    """The PRAGMA key argument for a raw 256-bit key."""
    return f"\"x'{key.hex()}'\""


def write_header(path: Path, params: KdfParams) -> None:
    """Write atomically: a torn header would lock everyone out of the store."""
    data = {"format": HEADER_FORMAT, "kdf": "argon2id", **asdict(params)}
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def read_header(path: Path) -> KdfParams:
    from desktop.store.errors import StoreDamaged

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != HEADER_FORMAT or data.get("kdf") != "argon2id":
            raise ValueError("unknown format")
        return KdfParams(
            salt_hex=str(data["salt_hex"]),
            time_cost=int(data["time_cost"]),
            memory_cost_kib=int(data["memory_cost_kib"]),
            parallelism=int(data["parallelism"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreDamaged(
            f"The key-parameter file {path.name} is missing or unreadable, so the store cannot be "
            "opened. Restore it from a backup."
        ) from exc


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def passphrase_strength(passphrase: str) -> tuple[int, str]:
    """A rough 0-4 score and hint. Long passphrases beat clever ones, so length dominates."""
    length = len(passphrase)
    classes = sum(
        any(test(ch) for ch in passphrase)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    words = len([w for w in passphrase.split() if w])
    if length < 8:
        return 0, "Too short: use at least 12 characters, ideally four or more words."
    if length < 12:
        return 1, "Weak: make it longer (four random words are easy to remember)."
    if length < 16 and classes < 3 and words < 3:
        return 2, "Fair: longer is stronger; add another word."
    if length < 20 and words < 4:
        return 3, "Good."
    return 4, "Strong."
