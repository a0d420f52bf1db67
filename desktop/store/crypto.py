"""Passphrase -> raw SQLCipher key, with Argon2id.

The salt and cost parameters live in a small plain JSON header beside the database
(`store.params.json`). It holds no secret: without the passphrase the parameters are useless.
The derived 32-byte key is handed to SQLCipher as a raw key (`x'...'`), so SQLCipher's own
PBKDF2 step is skipped and the only stretching is Argon2id's.

The passphrase is NFC-normalised first (desktop.store.passphrase.normalise). The header also
holds a key check: the first 16 bytes of HMAC-SHA256(key, "dropin-desk key check"). It lets the
store tell "wrong passphrase" (the check differs) from "damaged database" (the check matches
but SQLCipher cannot read page 1). It gives an attacker nothing new: page 1's own HMAC already
lets anyone holding the file test a guessed key, and every guess still costs one Argon2id run.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw

from desktop.store.passphrase import normalise
from desktop.store.paths import open_private

HEADER_FORMAT = "dropin-desk.keyparams/1"

#: What a header may hold: anything outside these ranges is damage (or tampering), and is
#: refused before Argon2id runs - a time_cost of 10,000 would otherwise hang the open for hours,
#: and a memory cost of terabytes would exhaust the machine.
TIME_COST_RANGE = (1, 20)
MEMORY_COST_KIB_RANGE = (8 * 1024, 1024 * 1024)  # 8 MiB .. 1 GiB
PARALLELISM_RANGE = (1, 16)
SALT_BYTES_RANGE = (16, 64)
KEY_CHECK_BYTES = 16
_KEY_CHECK_LABEL = b"dropin-desk key check"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters. Defaults follow RFC 9106's second recommended option
    (64 MiB, 3 passes), about a third of a second on a modest laptop."""

    salt_hex: str
    time_cost: int = 3
    memory_cost_kib: int = 64 * 1024
    parallelism: int = 4
    #: key_check(key) of the key these parameters derive; "" in headers written before it
    #: existed (those stores cannot tell a damaged page 1 from a wrong passphrase).
    key_check_hex: str = ""

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

    def with_key_check(self, key: bytes) -> KdfParams:
        return replace(self, key_check_hex=key_check(key).hex())

    def key_matches(self, key: bytes) -> bool | None:
        """True/False when the header holds a key check; None when it has none (older store)."""
        if not self.key_check_hex:
            return None
        return hmac.compare_digest(key_check(key).hex(), self.key_check_hex)


def key_check(key: bytes) -> bytes:
    return hmac.new(key, _KEY_CHECK_LABEL, hashlib.sha256).digest()[:KEY_CHECK_BYTES]


def derive_key(passphrase: str, params: KdfParams, *, nfc: bool = True) -> bytes:
    """The 32-byte key. `nfc=False` derives from the passphrase exactly as typed: only for
    opening stores made before passphrases were normalised (see Store._unlock_files)."""
    _check_params(params, "store.params.json")
    if nfc:
        passphrase = normalise(passphrase)
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
    if not params.key_check_hex:
        del data["key_check_hex"]
    tmp = path.with_name(path.name + ".tmp")
    with open_private(tmp, "w") as fh:
        json.dump(data, fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def read_header(path: Path, label: str | None = None) -> KdfParams:
    """Read and validate a header. `label` names it in messages (default: the file's name;
    e.g. "the backup's store.params.json" when checking a backup)."""
    from desktop.store.errors import StoreDamaged

    label = label or path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreDamaged(
            f"The key-parameter file {label} is missing or unreadable, so the store cannot be "
            "opened. Restore it from a backup."
        ) from exc
    return parse_header(data, label)


class _Bad(ValueError):
    pass


def parse_header(data: object, label: str = "store.params.json") -> KdfParams:
    """The KdfParams in a header's JSON, after checking every field's type and range.
    Raises StoreDamaged("<label> is damaged (<what>)")."""
    from desktop.store.errors import StoreDamaged

    try:
        if not isinstance(data, dict):
            raise _Bad("it is not a JSON object")
        if data.get("format") != HEADER_FORMAT:
            raise _Bad("unknown format")
        if data.get("kdf") != "argon2id":
            raise _Bad("unknown key derivation")
        for name in ("salt_hex", "time_cost", "memory_cost_kib", "parallelism"):
            if name not in data:
                raise _Bad(f"{name} is missing")
        check = data.get("key_check_hex", "")
        if not isinstance(check, str) or (check and not _is_hex(check, KEY_CHECK_BYTES)):
            raise _Bad("key_check_hex is not a valid key check")
        params = KdfParams(
            salt_hex=data["salt_hex"],
            time_cost=data["time_cost"],
            memory_cost_kib=data["memory_cost_kib"],
            parallelism=data["parallelism"],
            key_check_hex=check,
        )
        _check_params(params, label)
        return params
    except _Bad as exc:
        raise StoreDamaged(f"{label} is damaged ({exc})") from None


def _is_hex(text: str, nbytes: int | None = None) -> bool:
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        return False
    return nbytes is None or len(raw) == nbytes


def _check_params(params: KdfParams, label: str) -> None:
    """Types and ranges of the costs and salt (also run before every derivation, so no
    KdfParams from anywhere can start an Argon2id run of hours)."""
    from desktop.store.errors import StoreDamaged

    try:
        for name, (low, high) in (
            ("time_cost", TIME_COST_RANGE),
            ("memory_cost_kib", MEMORY_COST_KIB_RANGE),
            ("parallelism", PARALLELISM_RANGE),
        ):
            value = getattr(params, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise _Bad(f"{name} is not a whole number")
            if not low <= value <= high:
                raise _Bad(f"{name} {value} is out of range")
        salt = params.salt_hex
        if not isinstance(salt, str) or not _is_hex(salt):
            raise _Bad("salt_hex is not hexadecimal")
        if not SALT_BYTES_RANGE[0] <= len(salt) // 2 <= SALT_BYTES_RANGE[1]:
            raise _Bad(f"the salt is {len(salt) // 2} bytes long")
    except _Bad as exc:
        raise StoreDamaged(f"{label} is damaged ({exc})") from None


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
