"""The referral file: one client's record, signed by this installation and locked with age.

A `.ddref` file is an age-encrypted file (https://age-encryption.org/v1; `pyrage` here, and
the `age` command-line tool in Debian opens it too), binary or ASCII-armoured (for email; the
reader tells them apart). Inside is UTF-8 JSON, pretty-printed so a solicitor with only `age`
can read it:

    {"format": "dropin-desk.referral/1",
     "payload": {"sent_at": "2026-12-07T10:15:30Z", "app_version": "0.1.0",
                 "sender": {"name": ..., "recipient": "age1..."}, "to": ..., "note": ...,
                 "client": <the client record: desktop.store.referral_record>},
     "signature": {"key": <64 hex digits: Ed25519 public key>, "value": <128 hex digits>}}

The signature is Ed25519 over b"dropin-desk referral v1\\n" + the payload as canonical JSON
(sorted keys, no spaces, UTF-8).

**One key per installation.** The store's settings keep a 32-byte Ed25519 seed
(`referral.signing_seed`, hex, inside the encrypted store; made on first use). The same key
gives the installation's age identity, as age's own ssh-ed25519 recipients do: the X25519
secret is the Ed25519 secret converted to Curve25519, and the referral key (`age1...`, the
"recipient" others lock files to) is the Ed25519 public key converted. So the key a file is
signed with names the sender's referral key, and the address book (referral_contacts, by
referral key) says whether the sender is known. A fingerprint (`fingerprint`) is what two
people compare aloud.

**Passphrases** are six words from resources/referral_words.txt, normalised the same way on
both sides (`normalise_passphrase`), never stored, never in the file.

**Refusals.** Everything wrong with a file is a `ReferralRefused`: one line that says what is
wrong and where (a field's path, never a value from the file). Opening a file writes nothing.
A file is refused when it is not age, is over FILE_LIMIT, is cut short or changed (age's
authentication), the passphrase is wrong, it is locked to another key, its JSON is not plain
(invalid UTF-8, duplicate keys, fractions or NaN, nesting deeper than MAX_DEPTH, a string over
MAX_STRING characters), a field is missing or of the wrong kind, the format is newer or
unknown, the signature is missing or does not match, the signing key is not the sender's
referral key, or the sending time is not a time or is more than a day ahead. The client
record itself is checked by desktop.store.referral_record.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import desktop
from desktop.files import FileReadProblem, WriteProblem, read_limited, write_atomically
from desktop.store.models import ReferralContact
from desktop.store.repository import get_setting, set_setting

REFERRAL_FORMAT = "dropin-desk.referral/1"
#: The most bytes read from a .ddref file (armour included), and the most a sealed file may be.
FILE_LIMIT = 64 * 1024 * 1024
FILE_SUFFIX = ".ddref"
#: The settings key holding this installation's Ed25519 seed (hex).
SEED_SETTING = "referral.signing_seed"
#: What is signed: this line, then the payload's canonical JSON.
SIGNATURE_CONTEXT = b"dropin-desk referral v1\n"
FINGERPRINT_CONTEXT = b"dropin-desk fingerprint v1\n"
#: The fingerprint's characters: digits and capitals with 0/O, 1/I/L and U left out (they are
#: misread or misheard). 30 characters, so a fingerprint is written in base 30 (see below).
FINGERPRINT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Limits on what a file may hold (checked on both sides).
MAX_DEPTH = 40
MAX_STRING = 200_000
NAME_LIMIT = 200
NOTE_LIMIT = 4000
TO_LIMIT = 200
VERSION_LIMIT = 100
#: The most scrypt work a passphrase file may ask for (2**21: about 2 GB of memory). age
#: writes 2**18 (the Go tool) or what takes about a second on the sender's machine (pyrage);
#: a hostile file asking for 2**30 would take the laptop's memory.
MAX_SCRYPT_LOG_N = 21
MIN_PASSPHRASE_WORDS = 4
MIN_PASSPHRASE_CHARS = 20
WORDS_FILE = "referral_words.txt"

_AGE_MAGIC = b"age-encryption.org/"
_AGE_V1 = b"age-encryption.org/v1\n"
_ARMOUR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
_ARMOUR_END = b"-----END AGE ENCRYPTED FILE-----"

# The messages a person reads (one line each; the caller may put the file name before them).
NOT_AGE = "not a referral file (it is not an age-encrypted file)"
DAMAGED = "the file is incomplete or damaged - it may not have finished copying; ask for it again"
WRONG_PASSPHRASE = "the passphrase does not open this file: check the six words with the sender"
OTHER_KEY = "this file is locked to someone else's referral key, not this laptop's"
NEEDS_PASSPHRASE = "this file is locked with a passphrase: type the six words the sender read out"
NEWER = "made by a newer version of Drop-in Desk: update this laptop first"
BAD_SIGNATURE = "the signature does not match: the file was changed after it was signed"


class ReferralRefused(ValueError):
    """A referral file (or a step in making one) refused: one line for the user, naming what is
    wrong and where, never a value from the file."""


# ---- keys ------------------------------------------------------------------------------------

_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            check ^= generator[i] if (top >> i) & 1 else 0
    return check


def _bech32(hrp: str, data: bytes) -> str:
    """BIP 173 bech32 (not bech32m), as age writes its keys; lower case."""
    acc, bits, groups = 0, 0, []
    for byte in data:
        acc = acc << 8 | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            groups.append(acc >> bits & 31)
    if bits:
        groups.append(acc << (5 - bits) & 31)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _bech32_polymod(expanded + groups + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[g] for g in groups + checksum)


def recipient_of_signing_key(public: bytes) -> str:
    """The referral key (age X25519 recipient, `age1...`) of an Ed25519 public key."""
    from nacl.bindings import crypto_sign_ed25519_pk_to_curve25519
    from nacl.exceptions import RuntimeError as NaclRuntimeError

    if len(public) != 32:
        raise ReferralRefused("a signing key is 32 bytes")
    try:
        return _bech32("age", crypto_sign_ed25519_pk_to_curve25519(public))
    except (NaclRuntimeError, ValueError, TypeError):
        raise ReferralRefused("the signing key is not a valid Ed25519 key") from None


def _age_secret_key(seed: bytes) -> str:
    """The age identity (AGE-SECRET-KEY-1...) derived from a 32-byte Ed25519 seed."""
    from nacl.bindings import crypto_sign_ed25519_sk_to_curve25519, crypto_sign_seed_keypair

    _public, secret = crypto_sign_seed_keypair(seed)  # secret = seed + public (64 bytes)
    return _bech32("age-secret-key-", crypto_sign_ed25519_sk_to_curve25519(secret)).upper()


def fingerprint(recipient: str) -> str:
    """A referral key's fingerprint to compare aloud: "7Q3F-KM2P-XR9A-B4TD".

    SHA-256 of b"dropin-desk fingerprint v1\\n" + the key (ASCII), read as a big-endian
    number and written in base 30 with FINGERPRINT_ALPHABET, least significant digit first,
    16 digits (about 78 bits), in four groups of four."""
    number = int.from_bytes(
        hashlib.sha256(FINGERPRINT_CONTEXT + recipient.encode("ascii")).digest(), "big"
    )
    chars = []
    for _ in range(16):
        number, digit = divmod(number, len(FINGERPRINT_ALPHABET))
        chars.append(FINGERPRINT_ALPHABET[digit])
    text = "".join(chars)
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def parse_recipient(text: str) -> str:
    """A referral key as typed or pasted (`age1...`), checked and in its usual (lower-case)
    form; ReferralRefused otherwise. The message never repeats what was typed."""
    import pyrage

    key = (text or "").strip() if isinstance(text, str) else ""
    if key.upper().startswith("AGE-SECRET-KEY-"):
        raise ReferralRefused(
            "that is a secret key, not a referral key: keep it private and give the key that "
            "starts age1"
        )
    problem = "not a referral key: it starts age1 and is 62 characters long"
    if not key or len(key) > 100 or not key.isascii():
        raise ReferralRefused(problem)
    try:
        parsed = pyrage.x25519.Recipient.from_str(key.lower())
    except Exception:  # pyrage's RecipientError, or anything it raises for odd input
        raise ReferralRefused(problem) from None
    return str(parsed)


@dataclass(frozen=True)
class Identity:
    """This installation's referral identity: its referral key, the key's fingerprint, and the
    Ed25519 public key files are signed with."""

    recipient: str
    fingerprint: str
    signing_public: bytes


def _stored_seed(session: Session) -> bytes | None:
    text = get_setting(session, SEED_SETTING)
    if text is None:
        return None
    try:
        seed = bytes.fromhex(text.strip())
    except ValueError:
        seed = b""
    if len(seed) != 32:
        # Never replaced silently: a new key would make this laptop someone else.
        raise ReferralRefused(
            "this laptop's referral key in the settings is damaged (restore a backup)"
        )
    return seed


def _identity_of(seed: bytes) -> Identity:
    from nacl.signing import SigningKey

    public = bytes(SigningKey(seed).verify_key)
    recipient = recipient_of_signing_key(public)
    return Identity(recipient=recipient, fingerprint=fingerprint(recipient), signing_public=public)


def own_identity(session: Session) -> Identity:
    """This installation's identity; the key is made (and put in the session, to be committed
    with it) the first time it is asked for."""
    seed = _stored_seed(session)
    if seed is None:
        seed = secrets.token_bytes(32)
        set_setting(session, SEED_SETTING, seed.hex())
    return _identity_of(seed)


def own_seed(session: Session) -> bytes:
    """This installation's 32-byte Ed25519 seed (made, in the session, on first use): the
    shared folder (desktop.store.sync_folder) signs with it and opens files with its age
    identity (`age_identity`)."""
    own_identity(session)
    seed = _stored_seed(session)
    assert seed is not None
    return seed


def age_identity(seed: bytes) -> str:
    """The age identity (AGE-SECRET-KEY-1...) of a seed: it opens files locked to the
    installation's referral key."""
    return _age_secret_key(seed)


def _existing_identity(session: Session) -> Identity | None:
    """The identity when the key has been made; None otherwise (writes nothing)."""
    seed = _stored_seed(session)
    return None if seed is None else _identity_of(seed)


# ---- the address book --------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    id: int
    name: str
    recipient: str
    fingerprint: str
    added_at: dt.datetime
    note: str


def _contact(row: ReferralContact) -> Contact:
    return Contact(
        id=row.id,
        name=row.name,
        recipient=row.recipient,
        fingerprint=fingerprint(row.recipient),
        added_at=row.added_at,
        note=row.note or "",
    )


def contacts(session: Session) -> list[Contact]:
    """The address book, by name."""
    rows = session.scalars(select(ReferralContact)).all()
    return sorted((_contact(r) for r in rows), key=lambda c: (c.name.casefold(), c.id))


def contact_for(session: Session, recipient: str) -> Contact | None:
    """The address book's entry for a referral key, or None (also for a key that is not one)."""
    try:
        key = parse_recipient(recipient)
    except ReferralRefused:
        return None
    row = session.scalars(select(ReferralContact).where(ReferralContact.recipient == key)).first()
    return None if row is None else _contact(row)


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in text)


def add_contact(session: Session, name: str, recipient: str, note: str = "") -> Contact:
    """Save a referral key under a name; ReferralRefused for an empty or long name, a key that
    is not one, a key already saved (saying under which name) or this laptop's own key."""
    name = (name or "").strip()
    if not name:
        raise ReferralRefused("give the contact a name")
    if len(name) > NAME_LIMIT:
        raise ReferralRefused(f"the contact's name is longer than {NAME_LIMIT} characters")
    if _has_control(name):
        raise ReferralRefused("the contact's name holds a control character (a tab or new line)")
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise ReferralRefused(f"the contact's note is longer than {NOTE_LIMIT} characters")
    key = parse_recipient(recipient)
    own = _existing_identity(session)
    if own is not None and own.recipient == key:
        raise ReferralRefused("that is this laptop's own referral key, not someone else's")
    saved = contact_for(session, key)
    if saved is not None:
        raise ReferralRefused(f"that referral key is already in the address book, as {saved.name}")
    row = ReferralContact(
        name=name, recipient=key, added_at=dt.datetime.now().replace(microsecond=0), note=note
    )
    session.add(row)
    session.flush()
    return _contact(row)


def remove_contact(session: Session, contact_id: int) -> None:
    """Take a contact out of the address book (nothing happens when it is already gone)."""
    row = session.get(ReferralContact, contact_id)
    if row is not None:
        session.delete(row)
        session.flush()


# ---- passphrases and names ---------------------------------------------------------------------


@functools.cache
def _words() -> tuple[str, ...]:
    text = (desktop.RESOURCES_DIR / WORDS_FILE).read_text(encoding="utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def new_passphrase(words: int = 6) -> str:
    """`words` words chosen at random (secrets) from resources/referral_words.txt, single
    spaces: six of 1,024 words give 60 bits."""
    chosen = _words()
    return " ".join(secrets.choice(chosen) for _ in range(words))


_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.,]+")


def normalise_passphrase(text: str) -> str:
    """A passphrase as both sides use it: lower case, each run of spaces, hyphens, dots or
    commas made one space, no space at either end ("Tower-Lake  river." -> "tower lake
    river")."""
    return _SEPARATORS.sub(" ", (text or "").lower()).strip()


def file_name(today: dt.date) -> str:
    """A referral file's name: no client name, a random tag ("referral-2026-12-07-7Q3F.ddref")."""
    tag = "".join(secrets.choice(FINGERPRINT_ALPHABET) for _ in range(4))
    return f"referral-{today.isoformat()}-{tag}{FILE_SUFFIX}"


def read_file(path: Path | str) -> bytes:
    """A referral file's bytes, read safely (regular files only, at most FILE_LIMIT);
    ReferralRefused naming the file otherwise."""
    try:
        return read_limited(path, FILE_LIMIT, "referral file")
    except FileReadProblem as exc:
        raise ReferralRefused(str(exc)) from None


def write_file(path: Path | str, data: bytes) -> Path:
    """Write a sealed referral atomically (a new file is readable by its owner only);
    ReferralRefused saying why it could not be written."""
    try:
        return write_atomically(path, data)
    except WriteProblem as exc:
        raise ReferralRefused(str(exc)) from None


# ---- the age envelope --------------------------------------------------------------------------


def _too_big(size: int) -> ReferralRefused:
    return ReferralRefused(
        f"the file is {size / 1_048_576:.0f} MB, more than the "
        f"{FILE_LIMIT // 1_048_576} MB a referral file can be"
    )


def _binary(data: bytes) -> bytes:
    """The binary age file in `data`: armour (as age writes it for email, perhaps with CRLF
    line ends or blank space around it) is decoded."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ReferralRefused(NOT_AGE)
    data = bytes(data)
    if len(data) > FILE_LIMIT:
        raise _too_big(len(data))
    stripped = data.strip()
    if not stripped.startswith(_ARMOUR_BEGIN):
        return data
    lines = stripped.splitlines()
    if lines[-1].strip() != _ARMOUR_END:
        raise ReferralRefused(DAMAGED)
    body = b"".join(line.strip() for line in lines[1:-1])
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise ReferralRefused(DAMAGED) from None


def _stanzas(binary: bytes) -> list[list[bytes]]:
    """The arguments of each recipient stanza in an age v1 header (ReferralRefused when it is
    not age, or the header is cut short)."""
    if not binary.startswith(_AGE_MAGIC):
        raise ReferralRefused(NOT_AGE)
    if not binary.startswith(_AGE_V1):
        raise ReferralRefused("the file is locked with a newer age format than this laptop reads")
    end = binary.find(b"\n--- ")
    if end < 0:
        raise ReferralRefused(DAMAGED)
    stanzas = []
    for line in binary[len(_AGE_V1) : end + 1].split(b"\n"):
        if line.startswith(b"-> "):
            stanzas.append(line[3:].split(b" "))
    if not stanzas or not all(s and s[0] for s in stanzas):
        raise ReferralRefused(DAMAGED)
    return stanzas


def _kind(binary: bytes) -> str:
    stanzas = _stanzas(binary)
    scrypt = [s for s in stanzas if s[0] == b"scrypt"]
    if not scrypt:
        return "key"
    if len(stanzas) != 1 or len(scrypt[0]) != 3 or not scrypt[0][2].isdigit():
        raise ReferralRefused(DAMAGED)
    if len(scrypt[0][2]) > 2 or int(scrypt[0][2]) > MAX_SCRYPT_LOG_N:
        raise ReferralRefused(
            "the file's passphrase lock asks for more work than this laptop allows; ask the "
            "sender to make it again with Drop-in Desk or the age tool"
        )
    return "passphrase"


def lock_kind(data: bytes) -> str:
    """How a file is locked: "passphrase" (an age scrypt stanza) or "key" (X25519 or another
    recipient); ReferralRefused when it is not an age file, too big or cut short."""
    return _kind(_binary(data))


def _decrypt(session: Session, binary: bytes, passphrase: str | None) -> bytes:
    import pyrage

    if _kind(binary) == "passphrase":
        if passphrase is None or not normalise_passphrase(passphrase):
            raise ReferralRefused(NEEDS_PASSPHRASE)
        try:
            return pyrage.passphrase.decrypt(binary, normalise_passphrase(passphrase))
        except pyrage.DecryptError as exc:
            if "Decryption failed" in str(exc):  # the passphrase stanza did not open
                raise ReferralRefused(WRONG_PASSPHRASE) from None
            raise ReferralRefused(DAMAGED) from None
        except Exception:
            raise ReferralRefused(DAMAGED) from None
    own = _existing_identity(session)
    if own is None:
        raise ReferralRefused(OTHER_KEY)
    seed = _stored_seed(session)
    assert seed is not None
    identity = pyrage.x25519.Identity.from_str(_age_secret_key(seed))
    try:
        return pyrage.decrypt(binary, [identity])
    except pyrage.DecryptError as exc:
        if "No matching keys" in str(exc):
            raise ReferralRefused(OTHER_KEY) from None
        raise ReferralRefused(DAMAGED) from None
    except Exception:
        raise ReferralRefused(DAMAGED) from None


# ---- the JSON inside ---------------------------------------------------------------------------


class _Plain(Exception):
    """Raised inside json.loads by the hooks; turned into a ReferralRefused."""


def _shown_key(key: object) -> str:
    """A field name as a message shows it: letters, digits and _ only, clipped."""
    text = "".join(ch for ch in str(key) if ch.isascii() and (ch.isalnum() or ch in "_-"))
    return (text[:40] or "?") if len(text) <= 40 else text[:39] + "…"


def _path(parts: tuple[object, ...]) -> str:
    shown = ""
    for part in parts:
        if isinstance(part, int):
            shown += f"[{part}]"
        else:
            shown += ("." if shown else "") + _shown_key(part)
    if len(shown) > 160:
        shown = shown[:159] + "…"
    return shown or "the file"


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for key, value in pairs:
        if key in doc:
            raise _Plain(f"the field {_shown_key(key)} appears twice in one object")
        doc[key] = value
    return doc


def _no_float(_text: str) -> Any:
    raise _Plain("it holds a number with a fraction or exponent (only whole numbers are allowed)")


def _no_constant(_text: str) -> Any:
    raise _Plain("it holds NaN or Infinity, which is not a number JSON allows")


def _check_tree(doc: Any) -> None:
    """Nesting, kinds and string lengths everywhere, without recursion."""
    stack: list[tuple[Any, tuple[object, ...], int]] = [(doc, (), 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise ReferralRefused(
                    f"{_path(path)} is longer than {MAX_STRING:,} characters; the file is refused"
                )
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    raise ReferralRefused(
                        f"{_path(path)} holds a character that is not text (a lone surrogate)"
                    ) from None
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ReferralRefused(
                    f"{_path(path)} is nested more than {MAX_DEPTH} levels deep; the file is "
                    "refused"
                )
            if isinstance(value, dict):
                for key, item in value.items():
                    if len(key) > MAX_STRING:
                        raise ReferralRefused(
                            f"a field name in {_path(path)} is longer than {MAX_STRING:,} "
                            "characters"
                        )
                    stack.append((item, (*path, key), depth + 1))
            else:
                stack.extend((item, (*path, i), depth + 1) for i, item in enumerate(value))
        elif value is None or isinstance(value, bool | int):
            continue
        else:  # a float cannot come out of the parser; refused anyway
            raise ReferralRefused(f"{_path(path)} is not a whole number, text, list or object")


def _parse(plaintext: bytes) -> Any:
    try:
        text = plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise ReferralRefused(
            "not a referral file: what is inside is not UTF-8 text (it may be another kind "
            "of age file)"
        ) from None
    try:
        doc = json.loads(
            text, object_pairs_hook=_pairs, parse_float=_no_float, parse_constant=_no_constant
        )
    except _Plain as exc:
        raise ReferralRefused(f"not a usable referral file: {exc}") from None
    except RecursionError:
        raise ReferralRefused(
            f"the file is nested more than {MAX_DEPTH} levels deep; the file is refused"
        ) from None
    except ValueError:
        raise ReferralRefused(
            "not a referral file: what is inside is not valid JSON (it may be another kind of "
            "age file)"
        ) from None
    _check_tree(doc)
    return doc


def _object(doc: Any, path: tuple[object, ...], fields: dict[str, type]) -> dict[str, Any]:
    """`doc` as an object with exactly these fields of these kinds."""
    if not isinstance(doc, dict):
        raise ReferralRefused(f"{_path(path)} is not an object")
    for key, kind in fields.items():
        if key not in doc:
            raise ReferralRefused(f"{_path((*path, key))} is missing")
        value = doc[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            word = {str: "text", dict: "an object"}.get(kind, kind.__name__)
            raise ReferralRefused(f"{_path((*path, key))} is not {word}")
    for key in doc:
        if key not in fields:
            raise ReferralRefused(f"{_path((*path, key))} is not a field a referral file has")
    return doc


def _text_limit(value: str, path: tuple[object, ...], limit: int, empty_ok: bool = True) -> None:
    if not empty_ok and not value.strip():
        raise ReferralRefused(f"{_path(path)} is empty")
    if len(value) > limit:
        raise ReferralRefused(f"{_path(path)} is longer than {limit:,} characters")


_FORMAT = re.compile(r"dropin-desk\.referral/([0-9]{1,6})")
_HEX = re.compile(r"[0-9a-f]+")


def _check_format(doc: Any) -> None:
    if not isinstance(doc, dict):
        raise ReferralRefused("not a referral file: the JSON inside is not an object")
    value = doc.get("format")
    if not isinstance(value, str):
        raise ReferralRefused(
            "not a referral file: format is missing" if value is None else "format is not text"
        )
    match = _FORMAT.fullmatch(value)
    if match is None or int(match.group(1)) < 1:
        raise ReferralRefused("not a referral file Drop-in Desk knows (its format is unknown)")
    if int(match.group(1)) > 1:
        raise ReferralRefused(NEWER)


def _parse_sent_at(value: str, now: dt.datetime) -> dt.datetime:
    problem = "payload.sent_at is not a date and time (UTC)"
    if len(value) > 40:
        raise ReferralRefused(problem)
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ReferralRefused(problem) from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise ReferralRefused(problem)
    when = when.astimezone(dt.UTC)
    if when > now + dt.timedelta(days=1):
        raise ReferralRefused(
            "payload.sent_at is more than a day in the future: check the date on this laptop "
            "and the sender's"
        )
    return when


def _checked(doc: Any) -> tuple[dict[str, Any], bytes, bytes]:
    """(payload, signing key, signature) of a parsed document, its shape checked."""
    _check_format(doc)
    _object(doc, (), {"format": str, "payload": dict, "signature": dict})
    payload = _object(
        doc["payload"],
        ("payload",),
        {
            "sent_at": str,
            "app_version": str,
            "sender": dict,
            "to": str,
            "note": str,
            "client": dict,
        },
    )
    sender = _object(payload["sender"], ("payload", "sender"), {"name": str, "recipient": str})
    _text_limit(sender["name"], ("payload", "sender", "name"), NAME_LIMIT, empty_ok=False)
    _text_limit(payload["to"], ("payload", "to"), TO_LIMIT)
    _text_limit(payload["note"], ("payload", "note"), NOTE_LIMIT)
    _text_limit(payload["app_version"], ("payload", "app_version"), VERSION_LIMIT)
    try:
        usual = parse_recipient(sender["recipient"])
    except ReferralRefused:
        usual = None
    if usual != sender["recipient"]:  # seal writes the usual (lower-case) form
        raise ReferralRefused("payload.sender.recipient is not a referral key")
    signature = doc["signature"]
    if not isinstance(signature, dict) or set(signature) != {"key", "value"}:
        raise ReferralRefused(
            "the file's signature is missing or malformed (signature.key and signature.value)"
        )
    key, value = signature["key"], signature["value"]
    for name, text, length in (("key", key, 64), ("value", value, 128)):
        if not isinstance(text, str) or len(text) != length or not _HEX.fullmatch(text):
            raise ReferralRefused(
                f"the file's signature is malformed (signature.{name} is not {length} hex digits)"
            )
    return payload, bytes.fromhex(key), bytes.fromhex(value)


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _verify(payload: dict[str, Any], public: bytes, signature: bytes) -> None:
    from nacl.exceptions import BadSignatureError, CryptoError
    from nacl.signing import VerifyKey

    try:
        VerifyKey(public).verify(SIGNATURE_CONTEXT + _canonical(payload), signature)
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        raise ReferralRefused(BAD_SIGNATURE) from None
    if recipient_of_signing_key(public) != payload["sender"]["recipient"]:
        raise ReferralRefused(
            "the file was signed with a key that is not the sender's referral key it names "
            "(payload.sender.recipient)"
        )


@dataclass(frozen=True)
class Opened:
    """A decrypted, checked and verified referral (nothing written). `payload["client"]` is
    still to be checked by desktop.store.referral_record."""

    payload: dict
    sender_name: str
    sender_recipient: str
    sender_fingerprint: str
    sender_known_as: str | None
    sent_at: dt.datetime
    note: str
    to: str
    app_version: str


def open_sealed(session: Session, data: bytes, passphrase: str | None = None) -> Opened:
    """Decrypt `data` (with the passphrase when it is passphrase-locked, else with this
    laptop's key), parse, check and verify it. Nothing is written; ReferralRefused says what
    is wrong."""
    binary = _binary(data)
    plaintext = _decrypt(session, binary, passphrase)
    payload, public, signature = _checked(_parse(plaintext))
    _verify(payload, public, signature)
    sent_at = _parse_sent_at(payload["sent_at"], dt.datetime.now(dt.UTC))
    sender = payload["sender"]
    known = contact_for(session, sender["recipient"])
    return Opened(
        payload=payload,
        sender_name=sender["name"],
        sender_recipient=sender["recipient"],
        sender_fingerprint=fingerprint(sender["recipient"]),
        sender_known_as=None if known is None else known.name,
        sent_at=sent_at,
        note=payload["note"],
        to=payload["to"],
        app_version=payload["app_version"],
    )


# ---- sealing -----------------------------------------------------------------------------------


def _sign(seed: bytes, payload: dict[str, Any]) -> dict[str, str]:
    from nacl.signing import SigningKey

    key = SigningKey(seed)
    value = key.sign(SIGNATURE_CONTEXT + _canonical(payload)).signature
    return {"key": bytes(key.verify_key).hex(), "value": value.hex()}


def _plaintext(seed: bytes, payload: dict[str, Any]) -> bytes:
    doc = {"format": REFERRAL_FORMAT, "payload": payload, "signature": _sign(seed, payload)}
    return (json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def _usable_passphrase(passphrase: str) -> str:
    words = normalise_passphrase(passphrase)
    if len(words.split()) < MIN_PASSPHRASE_WORDS or len(words) < MIN_PASSPHRASE_CHARS:
        raise ReferralRefused(
            f"the passphrase is too short: use at least {MIN_PASSPHRASE_WORDS} words and "
            f"{MIN_PASSPHRASE_CHARS} letters (six generated words are best)"
        )
    return words


def seal(
    session: Session,
    payload_fields: dict,
    *,
    passphrase: str | None = None,
    recipient: str | None = None,
    armoured: bool = False,
) -> bytes:
    """The referral file for `payload_fields` ({"sender": {"name"}, "to", "note", "client"}):
    sent_at, app_version and the sender's referral key are added, the payload signed with
    this installation's key (made on first use, in the session) and the whole locked with
    exactly one of a passphrase (normalised) or a recipient's referral key. The result is
    checked as a receiver would check it first, so a file that would be refused is never made."""
    import pyrage

    if (passphrase is None) == (recipient is None):
        raise ReferralRefused("choose one way to lock the referral: a passphrase or their key")
    words = _usable_passphrase(passphrase) if passphrase is not None else None
    key = parse_recipient(recipient) if recipient is not None else None
    if not isinstance(payload_fields, dict):
        raise ReferralRefused("the referral has nothing in it")
    sender = payload_fields.get("sender")
    name = sender.get("name") if isinstance(sender, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise ReferralRefused("the sender's name is empty: set your name or the centre's name")
    own = own_identity(session)
    seed = _stored_seed(session)
    assert seed is not None
    to = payload_fields.get("to")
    if to is None:
        known = contact_for(session, key) if key is not None else None
        to = "passphrase" if key is None else (known.name if known else fingerprint(key))
    payload = {
        "sent_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "app_version": desktop.__version__,
        "sender": {"name": name.strip(), "recipient": own.recipient},
        "to": to,
        "note": payload_fields.get("note", ""),
        "client": payload_fields.get("client"),
    }
    try:
        plaintext = _plaintext(seed, payload)
    except (TypeError, ValueError):  # a float, NaN or an object JSON cannot hold
        raise ReferralRefused(
            "the referral holds a value a referral file cannot carry (a fraction or an object)"
        ) from None
    # What the receiver will do, done here first (a mistake is found by the sender, not them).
    checked, public, signature = _checked(_parse(plaintext))
    _verify(checked, public, signature)
    if len(plaintext) * (4 / 3 if armoured else 1) > FILE_LIMIT:
        raise _too_big(int(len(plaintext) * (4 / 3 if armoured else 1)))
    if words is not None:
        data = pyrage.passphrase.encrypt(plaintext, words, armored=armoured)
    else:
        data = pyrage.encrypt(plaintext, [pyrage.x25519.Recipient.from_str(key)], armored=armoured)
    if len(data) > FILE_LIMIT:
        raise _too_big(len(data))
    return data
