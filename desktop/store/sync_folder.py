"""The shared folder: several laptops of one centre exchange change files (issue 21).

The app never talks to the network. A folder is kept in step between laptops by Syncthing, a
network share or a USB stick; each laptop writes only under its own `devices/<id>/`, so the
transport never sees two writers of one file.

    centre.json                      written once by the creator (signed): centre id, name
    devices/<id>/device.json         the laptop's name, referral key, signing key, joining proof
    devices/<id>/0000000001.ddchg    a change file: age-encrypted to every enrolled laptop
                                     (itself included), signed inside by the laptop
    devices/<id>/ack.json            signed: the highest file applied from each other laptop
    devices/<id>/removed.json        signed: the laptops this laptop removed
    .tmp-*                           a file being written (renamed when whole; .stignore it)

A laptop's id is its installation key's fingerprint (desktop.store.referral_file) without
dashes, lower case: 16 characters. Its referral key is the age recipient change files are
locked to, and its Ed25519 key signs every file it writes.

**Enrolment.** `create_centre` makes a random 32-byte centre secret (kept in the settings,
inside the encrypted store) and writes centre.json and this laptop's device.json. The centre
passphrase is used only to lock invitations (`make_invitation`: age, passphrase-locked: the
centre id, name, secret, a one-time token, an expiry 7 days on, the inviter). `join_centre`
opens one and writes device.json with proof = HMAC-SHA256(secret, id + recipient + token).
Every laptop accepts a device.json only when the proof holds, its signature is the key it
names, and its token has not been used by another laptop (used tokens are recorded).

**Change files** hold what `desktop.store.sync_engine.pack` made of the outbox. Inside the age
layer: {"format": "dropin-desk.changefile/1", "payload": {"centre": id, "changes": {...}},
"signature": {"key", "value"}} (Ed25519 over b"dropin-desk changefile v1\\n" + canonical
payload). A file is refused (one line, nothing applied, the others go on) when it is damaged,
not locked to this laptop's key when it should be, not signed by the laptop whose folder it is
in, for another centre, or its sequence number is not its name's (a replayed copy). A file
from a newer schema waits until this laptop is updated.

**Safe at any time.** Packing and saving what is to be written are one transaction (the packed
changes are kept in the settings until the file is written), so a laptop switched off between
the two writes the same file next time; each incoming file is applied in its own transaction
with its sync_applied row; every file is written to a `.tmp-` name and renamed.

**Late joiners.** A file is locked to the laptops enrolled when it was written, and files
every laptop has acknowledged are deleted (compaction). So when a laptop sees a newly enrolled
one, it writes a *snapshot*: every record it holds, with the versions each field already has
(and the deletions it knows of), locked to everyone. Applying it changes nothing where the
receiver is up to date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop.files import FileReadProblem, read_limited, shown_name
from desktop.store import referral_file as rf
from desktop.store.repository import get_setting, set_setting

CENTRE_FILE = "centre.json"
DEVICES_DIR = "devices"
DEVICE_FILE = "device.json"
ACK_FILE = "ack.json"
REMOVED_FILE = "removed.json"
CHANGE_SUFFIX = ".ddchg"
INVITATION_SUFFIX = ".ddinv"
TEMP_PREFIX = ".tmp-"
CHANGES_FORMAT = "dropin-desk.changes/1"
#: The largest change file read (a snapshot of a big store included) and the largest small file.
CHANGE_LIMIT = 256 * 1024 * 1024
SMALL_LIMIT = 256 * 1024
INVITATION_LIMIT = 64 * 1024
INVITATION_DAYS = 7
NAME_LIMIT = 60
MIN_WORDS = 4
MIN_CHARS = 20
#: An ack.json is written again when the acknowledgements change, or when it is this old
#: (so "last seen" stays true).
ACK_REFRESH = dt.timedelta(hours=1)

# Settings (inside the encrypted store; not replicated).
CENTRE_SETTING = "sync.centre"  # JSON: id, name, secret, check, folder, laptop, created_by
PENDING_SETTING = "sync.pending"  # JSON: the packed changes not yet written as a file
TOKENS_SETTING = "sync.tokens"  # JSON: {token: device id} of accepted laptops
SEEN_SETTING = "sync.seen"  # JSON: [device ids] this laptop has written or seen a snapshot for
REMOVED_SETTING = "sync.removed"  # JSON: [{"device", "after_seq", "at"}] removed here
LAST_SETTING = "sync.last"  # JSON: the last sync's report (for the status line)
CREATOR_TOKEN = "centre-creator"

_DEVICE_ID = re.compile(r"[0-9a-z]{16}")
_CHANGE_NAME = re.compile(r"([0-9]{10})\.ddchg")
_HEX = re.compile(r"[0-9a-f]+")


class SyncProblem(ValueError):
    """A step refused: one line for the person, naming the file or setting, never a value from
    a record."""


# ---- small helpers ---------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(when: dt.datetime | None = None) -> str:
    return (when or _now()).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_stamp(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return when.astimezone(dt.UTC)


def device_id_of(recipient: str) -> str:
    """A laptop's id: its referral key's fingerprint without dashes, lower case."""
    return rf.fingerprint(recipient).replace("-", "").lower()


def _canonical(payload: Any) -> bytes:
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _context(kind: str) -> bytes:
    return f"dropin-desk {kind} v1\n".encode("ascii")


def _signed_doc(seed: bytes, kind: str, payload: dict) -> bytes:
    from nacl.signing import SigningKey

    key = SigningKey(seed)
    value = key.sign(_context(kind) + _canonical(payload)).signature
    doc = {
        "format": f"dropin-desk.{kind}/1",
        "payload": payload,
        "signature": {"key": bytes(key.verify_key).hex(), "value": value.hex()},
    }
    return (json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


class _Newer(SyncProblem):
    """A file in a format (or from a schema) this version does not know yet: it waits."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for key, value in pairs:
        if key in doc:
            raise SyncProblem("a field appears twice in one object")
        doc[key] = value
    return doc


def _no_constant(_text: str) -> Any:
    raise SyncProblem("it holds NaN or Infinity")


def _json(data: bytes) -> Any:
    try:
        return json.loads(
            data.decode("utf-8"), object_pairs_hook=_pairs, parse_constant=_no_constant
        )
    except SyncProblem:
        raise
    except RecursionError:
        raise SyncProblem("it is nested too deeply") from None
    except (UnicodeDecodeError, ValueError):
        raise SyncProblem("it is not JSON text") from None


def _open_signed(data: bytes, kind: str) -> tuple[dict, bytes]:
    """(payload, Ed25519 public key) of a signed document, the signature checked."""
    from nacl.exceptions import BadSignatureError, CryptoError
    from nacl.signing import VerifyKey

    doc = _json(data)
    if not isinstance(doc, dict) or set(doc) != {"format", "payload", "signature"}:
        raise SyncProblem(f"it is not a {kind} file (format, payload, signature)")
    fmt = doc["format"]
    match = re.fullmatch(
        rf"dropin-desk\.{kind}/([0-9]{{1,6}})", fmt if isinstance(fmt, str) else ""
    )
    if match is None:
        raise SyncProblem(f"it is not a {kind} file Drop-in Desk knows")
    if int(match.group(1)) > 1:
        raise _Newer("made by a newer version of Drop-in Desk: update this laptop")
    payload, signature = doc["payload"], doc["signature"]
    if not isinstance(payload, dict):
        raise SyncProblem("payload is not an object")
    if not isinstance(signature, dict) or set(signature) != {"key", "value"}:
        raise SyncProblem("the signature is missing or malformed")
    key, value = signature["key"], signature["value"]
    for text_, length in ((key, 64), (value, 128)):
        if not isinstance(text_, str) or len(text_) != length or not _HEX.fullmatch(text_):
            raise SyncProblem("the signature is malformed")
    public = bytes.fromhex(key)
    try:
        VerifyKey(public).verify(_context(kind) + _canonical(payload), bytes.fromhex(value))
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        raise SyncProblem("the signature does not match: the file was changed or forged") from None
    return payload, public


def _mac(secret: bytes, *parts: str) -> str:
    return hmac.new(secret, "\n".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()


def _usable_passphrase(passphrase: str | None) -> str:
    words = rf.normalise_passphrase(passphrase or "")
    if len(words.split()) < MIN_WORDS and len(words) < MIN_CHARS:
        raise SyncProblem(
            f"the centre passphrase is too short: use at least {MIN_WORDS} words or "
            f"{MIN_CHARS} letters"
        )
    return words


def _clean_name(name: str | None, what: str) -> str:
    value = " ".join((name or "").split())
    if not value:
        raise SyncProblem(f"{what} is empty")
    if len(value) > NAME_LIMIT:
        raise SyncProblem(f"{what} is longer than {NAME_LIMIT} characters")
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in value):
        raise SyncProblem(f"{what} holds a control character")
    return value


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: a `.tmp-` file in the same folder, flushed,
    then renamed over (Syncthing and other laptops never see a part-written file when the
    folder's .stignore ignores `.tmp-*`)."""
    folder = path.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    except OSError as exc:
        raise SyncProblem(
            f"cannot write in {shown_name(folder)} ({exc.strerror or type(exc).__name__})"
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, 0o644)  # the folder's files are encrypted or hold no client data
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise SyncProblem(
            f"cannot write {shown_name(path)} ({exc.strerror or type(exc).__name__})"
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_dir(folder)


def _read(path: Path, limit: int, what: str) -> bytes:
    try:
        return read_limited(path, limit, what)
    except FileReadProblem as exc:
        raise SyncProblem(str(exc)) from None


# ---- this laptop's centre (settings) ---------------------------------------------------------


@dataclass(frozen=True)
class Centre:
    id: str
    name: str
    secret: bytes
    check: str  # HMAC of the centre passphrase: says whether the one typed is the centre's
    folder: str
    laptop: str  # this laptop's name
    device: str  # this laptop's id


def centre_of(session: Session) -> Centre | None:
    """This laptop's centre, or None when it has not created or joined one."""
    value = get_setting(session, CENTRE_SETTING)
    if value is None:
        return None
    try:
        doc = json.loads(value)
        return Centre(
            id=doc["id"],
            name=doc["name"],
            secret=bytes.fromhex(doc["secret"]),
            check=doc["check"],
            folder=doc["folder"],
            laptop=doc["laptop"],
            device=doc["device"],
        )
    except (ValueError, KeyError, TypeError):
        raise SyncProblem("this laptop's centre settings are damaged (restore a backup)") from None


def _save_centre(session: Session, centre: Centre) -> None:
    set_setting(
        session,
        CENTRE_SETTING,
        json.dumps(
            {
                "id": centre.id,
                "name": centre.name,
                "secret": centre.secret.hex(),
                "check": centre.check,
                "folder": centre.folder,
                "laptop": centre.laptop,
                "device": centre.device,
            }
        ),
    )


def _json_setting(session: Session, key: str, default: Any) -> Any:
    value = get_setting(session, key)
    if value is None:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


def _set_json(session: Session, key: str, value: Any) -> None:
    set_setting(session, key, json.dumps(value, sort_keys=True))


def _own_device_doc(session: Session, centre: Centre, token: str, joined: str) -> bytes:
    seed = rf.own_seed(session)
    me = rf.own_identity(session)
    device = device_id_of(me.recipient)
    payload = {
        "centre": centre.id,
        "device": device,
        "name": centre.laptop,
        "recipient": me.recipient,
        "signing_key": me.signing_public.hex(),
        "joined": joined,
        "token": token,
        "proof": _mac(centre.secret, device, me.recipient, token),
    }
    return _signed_doc(seed, "device", payload)


def _enrol_store(session: Session, centre: Centre, token: str, seen: list[str]) -> None:
    """Settings, the engine's device row, capture on, and every record already here put in
    the outbox (so a laptop's existing clients travel too)."""
    _save_centre(session, centre)
    tokens = _json_setting(session, TOKENS_SETTING, {})
    tokens[token if token != CREATOR_TOKEN else f"{CREATOR_TOKEN}:{centre.id}"] = centre.device
    _set_json(session, TOKENS_SETTING, tokens)
    _set_json(session, SEEN_SETTING, sorted(set(seen) | {centre.device}))
    _start_capture(session, centre.device, centre.laptop)


def _start_capture(session: Session, device: str, laptop: str) -> None:
    from desktop.store import sync_capture, sync_engine

    session.execute(
        text(
            "INSERT INTO sync_device(id, device) VALUES (1, :d) "
            "ON CONFLICT(id) DO UPDATE SET device = excluded.device"
        ),
        {"d": device},
    )
    sync_engine.set_device_name(session, laptop)
    sync_capture.enable(session)
    sync_capture.queue_existing(session)  # the records already here travel too


# ---- enrolment ---------------------------------------------------------------------------------


def _folder(folder: Path | str) -> Path:
    path = Path(folder)
    if not path.is_dir():
        raise SyncProblem(f"the shared folder {shown_name(path)} does not exist (make it first)")
    return path


def _not_enrolled(session: Session) -> None:
    centre = centre_of(session)
    if centre is not None:
        raise SyncProblem(
            f"this laptop is already in the centre {centre.name}; a laptop shares with one centre"
        )


def create_centre(store, folder: Path | str, name: str, passphrase: str, laptop: str) -> Centre:  # noqa: ANN001 - store
    """Make a centre in an empty shared folder: centre.json, this laptop's device.json, the
    centre secret and capture in the store. SyncProblem when the folder already holds one."""
    path = _folder(folder)
    centre_name = _clean_name(name, "the centre's name")
    laptop_name = _clean_name(laptop, "this laptop's name")
    words = _usable_passphrase(passphrase)
    if (path / CENTRE_FILE).exists() or (path / DEVICES_DIR).exists():
        raise SyncProblem(
            f"{shown_name(path)} already holds a centre: join it with an invitation instead"
        )
    with store.session() as session:
        _not_enrolled(session)
        me = rf.own_identity(session)
        seed = rf.own_seed(session)
        device = device_id_of(me.recipient)
        secret = secrets.token_bytes(32)
        centre = Centre(
            id=secrets.token_hex(8),
            name=centre_name,
            secret=secret,
            check=_mac(secret, "passphrase", words),
            folder=str(path.resolve()),
            laptop=laptop_name,
            device=device,
        )
        created = _stamp()
        centre_doc = _signed_doc(
            seed,
            "centre",
            {
                "centre": centre.id,
                "name": centre.name,
                "created": created,
                "creator": device,
                "check": _mac(secret, "centre", centre.id),
            },
        )
        device_doc = _own_device_doc(session, centre, CREATOR_TOKEN, created)
        _enrol_store(session, centre, CREATOR_TOKEN, [])
        own = path / DEVICES_DIR / device
        own.mkdir(parents=True, exist_ok=True)
        write_file(own / DEVICE_FILE, device_doc)
        write_file(path / CENTRE_FILE, centre_doc)
    write_stignore(path)
    return centre


@dataclass(frozen=True)
class Invitation:
    data: bytes
    expires: dt.datetime


def make_invitation(store, passphrase: str, days: int = INVITATION_DAYS) -> Invitation:  # noqa: ANN001
    """A one-time invitation, locked with the centre passphrase (checked against the one the
    centre was made with)."""
    import pyrage

    with store.session() as session:
        centre = centre_of(session)
        if centre is None:
            raise SyncProblem("this laptop is not in a centre: create one or join one first")
        words = rf.normalise_passphrase(passphrase or "")
        if not hmac.compare_digest(_mac(centre.secret, "passphrase", words), centre.check):
            raise SyncProblem("that is not the centre passphrase")
        expires = _now() + dt.timedelta(days=days)
        doc = {
            "format": "dropin-desk.invitation/1",
            "centre": centre.id,
            "name": centre.name,
            "secret": centre.secret.hex(),
            "token": secrets.token_hex(16),
            "expires": _stamp(expires),
            "inviter": centre.device,
        }
    data = pyrage.passphrase.encrypt(json.dumps(doc).encode("utf-8"), words)
    return Invitation(data=data, expires=expires)


def _open_invitation(data: bytes, passphrase: str) -> dict:
    import pyrage

    try:
        kind = rf.lock_kind(data)
    except rf.ReferralRefused:
        raise SyncProblem("not an invitation file (it is not age-encrypted)") from None
    if kind != "passphrase":
        raise SyncProblem("not an invitation file (it is not locked with a passphrase)")
    try:
        plain = pyrage.passphrase.decrypt(data, rf.normalise_passphrase(passphrase or ""))
    except pyrage.DecryptError as exc:
        if "Decryption failed" in str(exc):
            raise SyncProblem("the centre passphrase does not open this invitation") from None
        raise SyncProblem("the invitation is damaged; ask for a new one") from None
    except Exception:
        raise SyncProblem("the invitation is damaged; ask for a new one") from None
    doc = _json(plain)
    fields = {"format", "centre", "name", "secret", "token", "expires", "inviter"}
    if (
        not isinstance(doc, dict)
        or set(doc) != fields
        or doc["format"] != ("dropin-desk.invitation/1")
    ):
        raise SyncProblem("not an invitation Drop-in Desk knows")
    if not all(isinstance(doc[k], str) for k in fields):
        raise SyncProblem("the invitation is malformed")
    if not _HEX.fullmatch(doc["secret"]) or len(doc["secret"]) != 64:
        raise SyncProblem("the invitation is malformed (secret)")
    expires = _parse_stamp(doc["expires"])
    if expires is None:
        raise SyncProblem("the invitation is malformed (expires)")
    if expires < _now():
        raise SyncProblem("the invitation has expired; ask for a new one")
    return doc


def read_centre_file(folder: Path) -> tuple[dict, bytes]:
    """centre.json's payload (signature checked) and its signing key."""
    path = folder / CENTRE_FILE
    if not path.exists():
        raise SyncProblem(f"{shown_name(folder)} holds no centre.json: is it the shared folder?")
    try:
        payload, public = _open_signed(_read(path, SMALL_LIMIT, "centre file"), "centre")
    except SyncProblem as exc:
        raise SyncProblem(f"centre.json: {exc}") from None
    for key in ("centre", "name", "created", "creator", "check"):
        if not isinstance(payload.get(key), str):
            raise SyncProblem(f"centre.json: {key} is missing")
    return payload, public


def join_centre(
    store, folder: Path | str, invitation: bytes, passphrase: str, laptop: str
) -> Centre:  # noqa: ANN001
    """Join the centre whose shared folder is `folder` with an invitation and the centre
    passphrase: writes this laptop's device.json."""
    path = _folder(folder)
    laptop_name = _clean_name(laptop, "this laptop's name")
    doc = _open_invitation(invitation, passphrase)
    secret = bytes.fromhex(doc["secret"])
    payload, _public = read_centre_file(path)
    if payload["centre"] != doc["centre"] or not hmac.compare_digest(
        payload["check"], _mac(secret, "centre", doc["centre"])
    ):
        raise SyncProblem(
            f"{shown_name(path)} is not the shared folder of the centre this invitation is for"
        )
    words = rf.normalise_passphrase(passphrase)
    devices, _lines = _scan_devices(path, doc["centre"], secret, {})
    for found in devices.values():
        if found.token == doc["token"]:
            raise SyncProblem("this invitation has already been used; ask for a new one")
    with store.session() as session:
        _not_enrolled(session)
        me = rf.own_identity(session)
        device = device_id_of(me.recipient)
        centre = Centre(
            id=doc["centre"],
            name=payload["name"],
            secret=secret,
            check=_mac(secret, "passphrase", words),
            folder=str(path.resolve()),
            laptop=laptop_name,
            device=device,
        )
        device_doc = _own_device_doc(session, centre, doc["token"], _stamp())
        _enrol_store(session, centre, doc["token"], list(devices))
        tokens = _json_setting(session, TOKENS_SETTING, {})
        for found in devices.values():
            tokens[found.token_key] = found.id
        _set_json(session, TOKENS_SETTING, tokens)
        own = path / DEVICES_DIR / device
        own.mkdir(parents=True, exist_ok=True)
        write_file(own / DEVICE_FILE, device_doc)
    write_stignore(path)
    return centre


def write_stignore(folder: Path) -> bool:
    """Syncthing's ignore list (`.stignore`, which Syncthing keeps on each laptop and never
    sends) when the folder has none: files being written are not sent half-made."""
    path = folder / ".stignore"
    if path.exists() or path.is_symlink():
        return False
    with contextlib.suppress(SyncProblem):
        write_file(path, STIGNORE.encode("utf-8"))
        return True
    return False


# ---- the laptops in the folder -----------------------------------------------------------------


@dataclass
class Device:
    id: str
    name: str
    recipient: str
    signing_key: bytes
    joined: str
    token: str
    centre: str = ""
    removed: bool = False
    last_seen: str | None = None
    acked: dict[str, int] = field(default_factory=dict)
    removals: list[dict] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        return rf.fingerprint(self.recipient)

    @property
    def token_key(self) -> str:
        return self.token if self.token != CREATOR_TOKEN else f"{CREATOR_TOKEN}:{self.centre}"


def _device_from(path: Path, centre_id: str, secret: bytes, creator: str | None) -> Device:
    payload, public = _open_signed(_read(path, SMALL_LIMIT, "device file"), "device")
    need = ("centre", "device", "name", "recipient", "signing_key", "joined", "token", "proof")
    for key in need:
        if not isinstance(payload.get(key), str):
            raise SyncProblem(f"{key} is missing")
    if set(payload) != set(need):
        raise SyncProblem("it holds fields a device file does not have")
    if payload["centre"] != centre_id:
        raise SyncProblem("it is for another centre")
    if payload["signing_key"] != public.hex():
        raise SyncProblem("it is not signed by the laptop it names")
    try:
        recipient = rf.recipient_of_signing_key(public)
    except rf.ReferralRefused:
        raise SyncProblem("its signing key is not a valid key") from None
    if recipient != payload["recipient"]:
        raise SyncProblem("its referral key is not its signing key's")
    device = device_id_of(recipient)
    if device != payload["device"] or device != path.parent.name:
        raise SyncProblem("its laptop id is not its key's or its folder's")
    if payload["token"] == CREATOR_TOKEN and device != creator:
        raise SyncProblem("it claims to have made the centre, which another laptop did")
    expected = _mac(secret, device, recipient, payload["token"])
    if not hmac.compare_digest(expected, payload["proof"]):
        raise SyncProblem("its joining proof does not match the centre (not invited)")
    return Device(
        id=device,
        name=payload["name"][:NAME_LIMIT],
        recipient=recipient,
        signing_key=public,
        joined=payload["joined"],
        token=payload["token"],
        centre=centre_id,
    )


def _scan_devices(
    folder: Path, centre_id: str, secret: bytes, tokens: dict[str, str]
) -> tuple[dict[str, Device], list[str]]:
    """The laptops whose device.json holds (id -> Device), and a line for each refused one.
    `tokens` (token -> device) are the invitations already used: a second laptop with one is
    refused. The acks and removals each laptop signed are read too."""
    creator = None
    with contextlib.suppress(SyncProblem):
        payload, public = read_centre_file(folder)
        creator = payload["creator"]
        if device_id_of(rf.recipient_of_signing_key(public)) != creator:
            creator = None
    devices: dict[str, Device] = {}
    lines: list[str] = []
    base = folder / DEVICES_DIR
    try:
        entries = sorted(os.listdir(base))
    except FileNotFoundError:
        entries = []
    except OSError as exc:
        raise SyncProblem(f"cannot read {shown_name(base)} ({exc.strerror})") from None
    for entry in entries:
        if not _DEVICE_ID.fullmatch(entry) or not (base / entry / DEVICE_FILE).exists():
            continue
        where = f"{DEVICES_DIR}/{entry}/{DEVICE_FILE}"
        try:
            found = _device_from(base / entry / DEVICE_FILE, centre_id, secret, creator)
        except SyncProblem as exc:
            lines.append(f"{where}: refused: {exc}")
            continue
        holder = tokens.get(found.token_key)
        if holder is not None and holder != found.id:
            lines.append(f"{where}: refused: its invitation was already used by another laptop")
            continue
        if any(d.token_key == found.token_key for d in devices.values()):
            lines.append(f"{where}: refused: its invitation was already used by another laptop")
            continue
        found.last_seen = found.joined
        _read_ack(base / entry, found, lines)
        _read_removed(base / entry, found, lines)
        devices[found.id] = found
    return devices, lines


def _own_signed(
    own: Path, device: Device, name: str, what: str, kind: str, field: str, valid, lines: list[str]
) -> tuple[dict, object] | None:
    """A signed file in a laptop's own folder (ack.json, removed.json): its payload and the
    value of `field` when it is signed by that laptop and `valid(value)`; None when there is no
    such file, or when it is refused (one line added to `lines`)."""
    path = own / name
    if not path.exists():
        return None
    try:
        payload, public = _open_signed(_read(path, SMALL_LIMIT, what), kind)
        if public != device.signing_key or payload.get("device") != device.id:
            raise SyncProblem("it is not signed by the laptop whose folder it is in")
        value = payload.get(field)
        if not valid(value):
            raise SyncProblem(f"{field} is malformed")
    except SyncProblem as exc:
        lines.append(f"{DEVICES_DIR}/{device.id}/{name}: refused: {exc}")
        return None
    return payload, value


def _valid_acked(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
        for k, v in value.items()
    )


def _valid_removed(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(r, dict)
        and isinstance(r.get("device"), str)
        and isinstance(r.get("after_seq"), int)
        for r in value
    )


def _read_ack(own: Path, device: Device, lines: list[str]) -> None:
    found = _own_signed(own, device, ACK_FILE, "ack file", "ack", "acked", _valid_acked, lines)
    if found is None:
        return
    payload, acked = found
    device.acked = dict(acked)
    at = payload.get("at")
    if isinstance(at, str) and _parse_stamp(at) is not None:
        device.last_seen = max(device.last_seen or "", at)


def _read_removed(own: Path, device: Device, lines: list[str]) -> None:
    found = _own_signed(
        own, device, REMOVED_FILE, "removal file", "removed", "removed", _valid_removed, lines
    )
    if found is not None:
        device.removals = found[1]


def _removed_set(devices: dict[str, Device], own: list[dict], me: str) -> dict[str, int]:
    """device -> the last of its files still read. This laptop's removals count first; then
    those of each laptop not itself removed, until nothing more changes."""
    removed: dict[str, int] = {}
    for r in own:
        removed[r["device"]] = r["after_seq"]
    changed = True
    while changed:
        changed = False
        for device in sorted(devices.values(), key=lambda d: d.id):
            if device.id in removed or device.id == me and me in removed:
                continue
            for r in device.removals:
                if r["device"] not in removed and r["device"] != device.id:
                    removed[r["device"]] = r["after_seq"]
                    changed = True
    for device_id in removed:
        if device_id in devices:
            devices[device_id].removed = True
    return removed


def list_devices(store) -> list[Device]:  # noqa: ANN001
    """The laptops enrolled in this laptop's centre, as the folder shows them (this one first)."""
    with store.session() as session:
        centre = _required_centre(session)
        tokens = _json_setting(session, TOKENS_SETTING, {})
        own_removed = _json_setting(session, REMOVED_SETTING, [])
    folder = _folder(centre.folder)
    devices, _lines = _scan_devices(folder, centre.id, centre.secret, tokens)
    _removed_set(devices, own_removed, centre.device)
    return sorted(devices.values(), key=lambda d: (d.id != centre.device, d.name.casefold(), d.id))


def _required_centre(session: Session) -> Centre:
    centre = centre_of(session)
    if centre is None:
        raise SyncProblem("this laptop is not in a centre: create one or join one first")
    return centre


def remove_device(store, device_id: str) -> Device:  # noqa: ANN001
    """Remove a laptop (lost or given away): removed.json names it, and files written from now
    on are not locked to it. Its files up to the last one seen here are still read."""
    wanted = (device_id or "").strip().replace("-", "").lower()
    with store.session() as session:
        centre = _required_centre(session)
        tokens = _json_setting(session, TOKENS_SETTING, {})
        own_removed = _json_setting(session, REMOVED_SETTING, [])
        folder = _folder(centre.folder)
        devices, _lines = _scan_devices(folder, centre.id, centre.secret, tokens)
        matches = [d for d in devices.values() if d.id == wanted or d.fingerprint == device_id]
        if not matches:
            raise SyncProblem("no laptop with that id in the centre (see 'centre list')")
        target = matches[0]
        if target.id == centre.device:
            raise SyncProblem("this is this laptop: remove it from another laptop")
        if any(r["device"] == target.id for r in own_removed):
            raise SyncProblem("that laptop has already been removed")
        applied = [
            s
            for (s,) in session.execute(
                text("SELECT seq FROM sync_applied WHERE device = :d"), {"d": target.id}
            ).all()
        ]
        own_removed.append(
            {"device": target.id, "after_seq": max(applied, default=0), "at": _stamp()}
        )
        _set_json(session, REMOVED_SETTING, own_removed)
        doc = _signed_doc(
            rf.own_seed(session),
            "removed",
            {"centre": centre.id, "device": centre.device, "removed": own_removed},
        )
        write_file(folder / DEVICES_DIR / centre.device / REMOVED_FILE, doc)
    target.removed = True
    return target


# ---- change files ------------------------------------------------------------------------------


def seal_changes(seed: bytes, centre_id: str, changes: dict, recipients: list[str]) -> bytes:
    """A change file: the signed changes, age-encrypted to every recipient."""
    import pyrage

    plain = _signed_doc(seed, "changefile", {"centre": centre_id, "changes": changes})
    keys = [pyrage.x25519.Recipient.from_str(r) for r in sorted(set(recipients))]
    return pyrage.encrypt(plain, keys)


class NotForThisLaptop(SyncProblem):
    """A change file locked before this laptop joined (a snapshot brings what it held)."""


def open_changes(seed: bytes, data: bytes, centre_id: str, writer: Device, seq: int) -> dict:
    """The changes in a change file written by `writer` under the name `seq`, every check made
    (SyncProblem otherwise; _Newer when it must wait for an update)."""
    import pyrage

    try:
        kind = rf.lock_kind(data)
    except rf.ReferralRefused:
        raise SyncProblem("it is damaged or not a change file") from None
    if kind != "key":
        raise SyncProblem("it is not locked to the centre's laptops")
    identity = pyrage.x25519.Identity.from_str(rf.age_identity(seed))
    try:
        plain = pyrage.decrypt(data, [identity])
    except pyrage.DecryptError as exc:
        if "No matching keys" in str(exc):
            raise NotForThisLaptop("it was locked before this laptop joined") from None
        raise SyncProblem("it is damaged (cut short or changed)") from None
    except Exception:
        raise SyncProblem("it is damaged (cut short or changed)") from None
    payload, public = _open_signed(plain, "changefile")
    if public != writer.signing_key:
        raise SyncProblem("it is not signed by the laptop whose folder it is in (forged)")
    if payload.get("centre") != centre_id:
        raise SyncProblem("it is for another centre")
    changes = payload.get("changes")
    if not isinstance(changes, dict):
        raise SyncProblem("changes is missing")
    fmt = changes.get("format")
    if not isinstance(fmt, str) or not fmt.startswith("dropin-desk.changes/"):
        raise SyncProblem("changes.format is not one Drop-in Desk knows")
    if fmt != CHANGES_FORMAT:
        raise _Newer("made by a newer version of Drop-in Desk: update this laptop")
    if changes.get("device") != writer.id:
        raise SyncProblem("changes.device is not the laptop whose folder it is in")
    if changes.get("seq") != seq:
        raise SyncProblem("its sequence number is not its name's (a copied or replayed file)")
    if not isinstance(changes.get("changes"), list):
        raise SyncProblem("changes.changes is not a list")
    schema = changes.get("schema")
    from desktop.store.database import known_revisions

    if not isinstance(schema, str) or schema not in known_revisions():
        raise _Newer("made by a newer version of Drop-in Desk: update this laptop")
    return changes


def _change_files(own: Path) -> list[tuple[int, Path]]:
    try:
        names = os.listdir(own)
    except OSError:
        return []
    found = []
    for name in names:
        match = _CHANGE_NAME.fullmatch(name)
        if match:
            found.append((int(match.group(1)), own / name))
    return sorted(found)


# ---- sync --------------------------------------------------------------------------------------


@dataclass
class SyncReport:
    changes_in: int = 0
    files_in: int = 0
    changes_out: int = 0
    files_out: int = 0
    waiting: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    to_review: int = 0
    compacted: int = 0
    at: dt.datetime | None = None

    def summary(self) -> str:
        return (
            f"in: {self.changes_in} changes from {self.files_in} files, "
            f"out: {self.changes_out} changes, to review: {self.to_review}"
        )

    def lines(self) -> list[str]:
        return [*self.refused, *self.waiting]


_gates: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_gates_lock = threading.Lock()


@contextlib.contextmanager
def _one_sync(store) -> Iterator[None]:  # noqa: ANN001
    with _gates_lock:
        gate = _gates.setdefault(store, threading.Lock())
    with gate:
        yield


def last_report(session: Session) -> dict | None:
    """The last sync's report as saved (at, in, files, out, review, waiting, refused), for a
    status line; None before the first."""
    value = _json_setting(session, LAST_SETTING, None)
    return value if isinstance(value, dict) else None


def sync(store, folder: Path | str | None = None) -> SyncReport:  # noqa: ANN001
    """Exchange with the shared folder: write what changed here, apply what the other laptops
    wrote, acknowledge, compact. Safe to run at any time, and again after any interruption."""
    with _one_sync(store):
        return _sync(store, folder)


def _sync(store, folder: Path | str | None) -> SyncReport:  # noqa: ANN001
    report = SyncReport()
    with store.session() as session:
        centre = _required_centre(session)
        seed = rf.own_seed(session)
        tokens = _json_setting(session, TOKENS_SETTING, {})
        own_removed = _json_setting(session, REMOVED_SETTING, [])
    path = _folder(folder if folder is not None else centre.folder)
    payload, _public = read_centre_file(path)
    if payload["centre"] != centre.id:
        raise SyncProblem(f"{shown_name(path)} is the shared folder of another centre")
    own = path / DEVICES_DIR / centre.device
    own.mkdir(parents=True, exist_ok=True)
    for name in os.listdir(own):
        if name.startswith(TEMP_PREFIX):  # left by a laptop switched off mid-write
            with contextlib.suppress(OSError):
                os.unlink(own / name)

    devices, lines = _scan_devices(path, centre.id, centre.secret, tokens)
    report.refused.extend(lines)
    if centre.device not in devices:  # device.json lost (deleted by hand): written again
        with store.session() as session:
            token = next((t for t, d in tokens.items() if d == centre.device), CREATOR_TOKEN)
            token = CREATOR_TOKEN if token.startswith(CREATOR_TOKEN) else token
            write_file(own / DEVICE_FILE, _own_device_doc(session, centre, token, _stamp()))
        devices, _ = _scan_devices(path, centre.id, centre.secret, tokens)
    removed = _removed_set(devices, own_removed, centre.device)
    if centre.device in removed:
        raise SyncProblem("this laptop has been removed from the centre by another laptop")
    with store.session() as session:  # accepted laptops' tokens, so none is used twice
        saved = _json_setting(session, TOKENS_SETTING, {})
        fresh = {d.token_key: d.id for d in devices.values() if d.token_key not in saved}
        if fresh:
            _set_json(session, TOKENS_SETTING, {**saved, **fresh})
    recipients = [d.recipient for d in devices.values() if d.id not in removed]

    _write_out(store, seed, centre, own, recipients, devices, removed, report)
    applied = _read_in(store, seed, centre, path, devices, removed, report)
    _acknowledge(store, seed, centre, path, own, devices, removed, applied)
    report.compacted = _compact(centre, own, devices, removed)

    from desktop.store import sync_engine

    with store.session() as session:
        report.to_review = sync_engine.review_count(session)
        report.at = _now().replace(microsecond=0)
        _set_json(
            session,
            LAST_SETTING,
            {
                "at": _stamp(report.at),
                "in": report.changes_in,
                "files": report.files_in,
                "out": report.changes_out,
                "review": report.to_review,
                "waiting": len(report.waiting),
                "refused": len(report.refused),
            },
        )
    return report


def _write_pending(store, seed, centre, own, recipients, report) -> None:  # noqa: ANN001
    with store.session() as session:
        pending = _json_setting(session, PENDING_SETTING, None)
    if not pending:
        return
    for changes in pending:
        data = seal_changes(seed, centre.id, changes, recipients)
        write_file(own / f"{changes['seq']:010d}{CHANGE_SUFFIX}", data)
        report.files_out += 1
    with store.session() as session:
        _set_json(session, PENDING_SETTING, [])


def _write_out(store, seed, centre, own, recipients, devices, removed, report) -> None:  # noqa: ANN001
    from desktop.store import sync_engine

    _write_pending(store, seed, centre, own, recipients, report)  # from an interrupted sync
    # Never write a file number already used: a store restored from a backup (or copied) holds
    # an older next number, and the others would take a new file under an old number for one
    # they have applied already (its changes lost without a word). The folder says what was used.
    used = [seq for seq, _path in _change_files(own)]
    used += [d.acked.get(centre.device, 0) for d in devices.values()]
    with store.session() as session:
        session.execute(
            text("UPDATE sync_device SET next_seq = :n WHERE id = 1 AND next_seq < :n"),
            {"n": max(used, default=0) + 1},
        )
        changes = sync_engine.pack(session)
        batch = []
        if changes is not None:
            batch.append(changes)
            report.changes_out += len(changes.get("changes", []))
        seen = set(_json_setting(session, SEEN_SETTING, []))
        newcomers = [d for d in devices if d not in seen and d not in removed]
        if newcomers:
            snapshot = _snapshot(session, centre.device)
            if snapshot is not None:
                batch.append(snapshot)
            _set_json(session, SEEN_SETTING, sorted(seen | set(newcomers)))
        if batch:
            _set_json(session, PENDING_SETTING, batch)
    _write_pending(store, seed, centre, own, recipients, report)


def _snapshot(session: Session, device: str) -> dict | None:
    """Every record this laptop holds, with the versions its fields have, and the deletions it
    knows of: for a laptop that joined after older files were locked or compacted."""
    from desktop.store import sync_capture
    from desktop.store.database import head_revision

    records: list[dict] = []
    rows = {
        (t, u): (ver, deleted)
        for t, u, ver, deleted in session.execute(
            text("SELECT tbl, uid, ver, deleted FROM sync_rows")
        ).all()
    }
    if not rows:
        return None
    fields: dict[tuple[str, str], dict[str, tuple[str, list]]] = {}
    for t, u, col, ver, anc in session.execute(
        text("SELECT tbl, uid, col, ver, anc FROM sync_fields")
    ).all():
        fields.setdefault((t, u), {})[col] = (ver, json.loads(anc or "[]"))
    for table in sync_capture.REPLICATED:
        cols = list(sync_capture.columns(table))
        fks = sync_capture.FOREIGN_KEYS.get(table, {})
        joins, picks = [], []
        for i, col in enumerate(cols):
            if col in fks:
                joins.append(f'LEFT JOIN "{fks[col]}" p{i} ON p{i}.id = t."{col}"')
                picks.append(f"p{i}.uid")
            else:
                picks.append(f't."{col}"')
        sql = (
            f'SELECT t.uid, {", ".join(picks)} FROM "{table}" t {" ".join(joins)} ORDER BY t.rowid'
        )
        for row in session.execute(text(sql)).all():
            known = rows.get((table, row[0]))
            if known is None or known[1]:
                continue
            have = fields.get((table, row[0]), {})
            record_fields = {}
            for col, value in zip(cols, row[1:], strict=True):
                ver, anc = have.get(col, (known[0], []))
                record_fields[col] = {"v": value, "ver": ver, "anc": anc}
            records.append(
                {"t": table, "u": row[0], "op": "insert", "ver": known[0], "f": record_fields}
            )
    order = {t: i for i, t in enumerate(sync_capture.REPLICATED)}
    for (table, uid), (ver, deleted) in sorted(
        rows.items(), key=lambda item: -order.get(item[0][0], 0)
    ):
        if deleted:
            records.append({"t": table, "u": uid, "op": "delete", "ver": ver})
    seq = session.execute(text("SELECT next_seq FROM sync_device WHERE id = 1")).scalar_one()
    session.execute(text("UPDATE sync_device SET next_seq = next_seq + 1 WHERE id = 1"))
    return {
        "format": CHANGES_FORMAT,
        "device": device,
        "seq": seq,
        "schema": head_revision(),
        "changes": records,
    }


def _file_key(changes: dict) -> str:
    vers = [c.get("ver", "") for c in changes.get("changes", []) if isinstance(c, dict)]
    vers = [v for v in vers if isinstance(v, str)]
    return max(vers, default="")


def _applied_seqs(store, device_id: str) -> set[int]:  # noqa: ANN001
    with store.session() as session:
        return {
            s
            for (s,) in session.execute(
                text("SELECT seq FROM sync_applied WHERE device = :d"), {"d": device_id}
            ).all()
        }


def _mark_applied(store, device_id: str, seq: int) -> None:  # noqa: ANN001
    with store.session() as session:
        session.execute(
            text("INSERT OR IGNORE INTO sync_applied(device, seq, applied_at) VALUES (:d, :s, :a)"),
            {"d": device_id, "s": seq, "a": _stamp()},
        )


def _read_in(store, seed, centre, path, devices, removed, report) -> dict[str, set[int]]:  # noqa: ANN001
    """Apply every other laptop's new files; returns device -> the seqs applied (all told)."""
    from desktop.store import sync_engine

    applied_by: dict[str, set[int]] = {}
    queue: list[tuple[str, str, int, dict]] = []
    for device in sorted(devices.values(), key=lambda d: d.id):
        if device.id == centre.device:
            continue
        applied = _applied_seqs(store, device.id)
        applied_by[device.id] = applied
        skipped_removed = 0
        for seq, file in _change_files(path / DEVICES_DIR / device.id):
            if seq in applied:
                continue
            where = f"{DEVICES_DIR}/{device.id}/{file.name}"
            if device.id in removed and seq > removed[device.id]:
                skipped_removed += 1
                continue
            try:
                changes = open_changes(
                    seed, _read(file, CHANGE_LIMIT, "change file"), centre.id, device, seq
                )
            except NotForThisLaptop:
                _mark_applied(store, device.id, seq)  # a snapshot brings what it held
                applied.add(seq)
                continue
            except _Newer as exc:
                report.waiting.append(f"{where}: waits: {exc}")
                continue
            except SyncProblem as exc:
                report.refused.append(f"{where}: refused: {exc}; nothing from it was applied")
                continue
            queue.append((_file_key(changes), device.id, seq, changes))
        if skipped_removed:
            report.refused.append(
                f"laptop {device.name} ({device.id}) was removed: {skipped_removed} of its "
                "later files were not read"
            )
    queue.sort(key=lambda item: (item[0], item[1], item[2]))
    progress = True
    while queue and progress:
        progress = False
        for item in list(queue):
            _key, device_id, seq, changes = item
            try:
                with store.session() as session:  # one file, one transaction
                    result = sync_engine.apply(session, changes)
                    if result.waiting:
                        continue
                    session.execute(  # the engine records it too; here in case it did not
                        text(
                            "INSERT OR IGNORE INTO sync_applied(device, seq, applied_at) "
                            "VALUES (:d, :s, :a)"
                        ),
                        {"d": device_id, "s": seq, "a": _stamp()},
                    )
            except sync_engine.ChangesRefused as exc:
                queue.remove(item)
                report.refused.append(
                    f"{DEVICES_DIR}/{device_id}/{seq:010d}{CHANGE_SUFFIX}: refused: {exc}; "
                    "nothing from it was applied"
                )
                continue
            queue.remove(item)
            progress = True
            applied_by[device_id].add(seq)
            if not result.skipped:
                report.files_in += 1
                report.changes_in += result.added + result.changed + result.deleted
    for _key, device_id, seq, _changes in queue:
        report.waiting.append(
            f"{DEVICES_DIR}/{device_id}/{seq:010d}{CHANGE_SUFFIX}: waits for records from a "
            "file not here yet"
        )
    return applied_by


def _acknowledge(store, seed, centre, path, own, devices, removed, applied_by) -> None:  # noqa: ANN001
    mine = devices.get(centre.device)
    previous = dict(mine.acked) if mine is not None else {}
    acked: dict[str, int] = {}
    for device_id, applied in applied_by.items():
        present = [s for s, _ in _change_files(path / DEVICES_DIR / device_id)]
        missing = [s for s in present if s not in applied]
        if missing:
            value = min(missing) - 1
        elif present:
            value = max(present)
        else:
            value = 0
        acked[device_id] = max(value, previous.get(device_id, 0))
    stale = True
    if mine is not None and mine.last_seen:
        seen = _parse_stamp(mine.last_seen)
        stale = seen is None or _now() - seen > ACK_REFRESH
    if acked == previous and (own / ACK_FILE).exists() and not stale:
        return
    doc = _signed_doc(
        seed, "ack", {"centre": centre.id, "device": centre.device, "at": _stamp(), "acked": acked}
    )
    write_file(own / ACK_FILE, doc)


def _compact(centre, own, devices, removed) -> int:  # noqa: ANN001
    """Delete this laptop's files that every other enrolled laptop has acknowledged."""
    others = [d for d in devices.values() if d.id != centre.device and d.id not in removed]
    if not others:
        return 0
    through = min(d.acked.get(centre.device, 0) for d in others)
    count = 0
    for seq, file in _change_files(own):
        if seq <= through:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(file)
                count += 1
    return count


STIGNORE = """// Drop-in Desk: files being written (renamed when whole) and Syncthing's own.
.tmp-*
~syncthing~*
.syncthing.*
"""
