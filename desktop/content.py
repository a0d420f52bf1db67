"""Content update packs: where the app's guidance content is read from, and how a signed pack
is checked, installed and rolled back (the pure part is desktop.rules.content_pack).

The content is three folders: `rules/` (dated figures, fees, statement words), `checklists/`
(checklists and the handouts' words) and `bank_formats/` (bank statement layouts). The app
ships one copy in resources/ (its version in resources/content_version.toml). A
centre can install a newer copy from a **content update pack** (a `.ddpack` file from a USB
stick), which lives in the DATA folder, never the program folder:

    <data>/content/packs/<N>/manifest.json, manifest.sig, rules/, checklists/, bank_formats/
    <data>/content/active            {"pack_version": N}  (or null: the app's own content)

A pack is used when `active` names it AND its version is newer than the app's own content AND
it still matches its signed manifest (checked once a run: a pack edited by hand is not used,
the app's own content is, and `in_use().problem` says why).

Checking a pack (`check_pack`) reads it whole into memory with a size limit, and refuses it
WHOLE, before anything is written, when: it is not a whole zip; an entry escapes (absolute,
"..", a link, a folder, anything but `<folder>/<name>.toml`); the signature is missing, wrong
or by a key not in resources/content_keys/; a file is listed and absent, present and
unlisted, or differs in size or SHA-256; the format or app version does not fit; the pack is
not newer than the content in use; or any file fails the app's own parsers. Installing
(`install_pack`) unpacks into a temporary folder inside <data>/content, checks it again from
disk, renames it into place and then switches `active` atomically; the last KEEP_PACKS packs
are kept for `rollback`. After either, `refresh()` clears the loaders' caches, so the new
content is used at once without a restart (pages already open show it when next opened).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import shutil
import stat
import sys
import tempfile
import threading
import tomllib
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import desktop
from desktop.files import FileReadProblem, WriteProblem, read_limited, shown_name, write_atomically
from desktop.rules.content_pack import (
    CONTENT_FOLDERS,
    DATED_FOLDERS,
    MANIFEST_NAME,
    PACK_FORMAT,
    SIGNATURE_NAME,
    Changes,
    ChecklistChange,
    ContentAge,
    Manifest,
    PackError,
    PackFile,
    checked_on_of,
    checklist_changes,
    compatibility_problem,
    content_ages,
    figure_changes,
    file_changes,
    manifest_doc,
    manifest_from_doc,
    path_problem,
    version_problem,
)


def parse_manifest(data: bytes) -> Manifest:
    """The Manifest in `data` (the manifest.json bytes); PackError saying what is wrong."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PackError("the manifest is not valid JSON") from None
    return manifest_from_doc(doc)


def manifest_bytes(manifest: Manifest) -> bytes:
    """The manifest as the pack stores it (and as the signature covers it)."""
    return (json.dumps(manifest_doc(manifest), indent=1, sort_keys=True) + "\n").encode("utf-8")


PACK_SUFFIX = ".ddpack"
#: The trusted public keys (one `<name>.pub` each: base64 of the 32-byte Ed25519 key).
KEYS_DIR = desktop.RESOURCES_DIR / "content_keys"
VERSION_FILE = "content_version.toml"
CONTENT_FOLDER = "content"  # inside the data folder
PACKS_FOLDER = "packs"
ACTIVE_FILE = "active"
KEEP_PACKS = 3
#: Limits on what is read: a pack, one content file inside it, all of them, and entries.
MAX_PACK_BYTES = 32 * 1024 * 1024
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_CONTENT_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 2000
_SMALL_FILE = 64 * 1024  # active, manifest.sig, a key file, content_version.toml
_MAX_MANIFEST = 1024 * 1024


class ContentPackError(ValueError):
    """A pack cannot be checked, installed or rolled back: one line saying why. Whenever it
    is raised, nothing in the data folder was changed."""


# ---- keys ------------------------------------------------------------------------------------


def key_id(public_key: bytes) -> str:
    """A key's short name in a signature: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def _key_bytes(path: Path, what: str) -> bytes:
    """The 32 bytes in a key file: base64 on the first line that is not a # comment."""
    try:
        text = read_limited(path, _SMALL_FILE, what).decode("ascii")
    except (FileReadProblem, UnicodeDecodeError) as exc:
        raise ContentPackError(f"{shown_name(path)}: the {what} cannot be read ({exc})") from None
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    try:
        raw = base64.b64decode(lines[0], validate=True) if lines else b""
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ContentPackError(f"{shown_name(path)} is not an Ed25519 {what} (32 bytes, base64)")
    return raw


def trusted_keys(keys_folder: Path | None = None) -> dict[str, tuple[str, bytes]]:
    """key id -> (file name, public key) for every `*.pub` in `keys_folder` (default: the keys
    shipped with the app). A key file that cannot be used is left out."""
    folder = Path(keys_folder) if keys_folder is not None else KEYS_DIR
    keys: dict[str, tuple[str, bytes]] = {}
    for path in sorted(folder.glob("*.pub")) if folder.is_dir() else []:
        try:
            raw = _key_bytes(path, "public key")
        except ContentPackError:
            continue
        keys[key_id(raw)] = (path.stem, raw)
    return keys


def signature_file(manifest_data: bytes, private_seed: bytes) -> tuple[bytes, str]:
    """(manifest.sig's bytes, the key id) for a manifest signed with a 32-byte Ed25519 seed."""
    from nacl.signing import SigningKey

    signing = SigningKey(private_seed)
    public = bytes(signing.verify_key)
    signature = signing.sign(manifest_data).signature
    doc = {"key": key_id(public), "signature": base64.b64encode(signature).decode("ascii")}
    return (json.dumps(doc, sort_keys=True) + "\n").encode("ascii"), key_id(public)


def verify_signature(manifest_data: bytes, signature_data: bytes, keys_folder: Path | None) -> str:
    """The name of the trusted key that signed the manifest; ContentPackError otherwise."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    try:
        doc = json.loads(signature_data.decode("ascii"))
        kid, signature = doc["key"], base64.b64decode(doc["signature"], validate=True)
        if not isinstance(kid, str) or len(signature) != 64:
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ContentPackError("its signature file is damaged") from None
    keys = trusted_keys(keys_folder)
    if kid not in keys:
        shown = "".join(ch for ch in kid[:16] if ch.isalnum())
        raise ContentPackError(
            f"it is signed by a key this app does not trust (key {shown}); only packs from "
            "the Drop-in Desk maintainers can be installed"
        )
    name, public = keys[kid]
    try:
        VerifyKey(public).verify(manifest_data, signature)
    except BadSignatureError:
        raise ContentPackError(
            "its signature does not match: the pack was changed after it was signed"
        ) from None
    return name


# ---- the app's own content and what is in use ---------------------------------------------------


@dataclass(frozen=True)
class ContentInUse:
    root: Path  # the folder holding rules/, checklists/ and bank_formats/
    source: str  # "bundled" or "pack"
    version: int
    made_on: date | None
    problem: str = ""  # why an installed pack is not used ("" when none is broken)

    @property
    def label(self) -> str:
        made = f", made on {self.made_on.isoformat()}" if self.made_on else ""
        if self.source == "pack":
            return f"content pack {self.version}{made}"
        return f"the content that came with the app (version {self.version}{made})"


def bundled_version(resources: Path | None = None) -> tuple[int, date | None]:
    """(pack_version, made_on) of the content in `resources` (default: the app's own), from
    its content_version.toml; (0, None) when there is none."""
    path = Path(resources or desktop.RESOURCES_DIR) / VERSION_FILE
    try:
        doc = tomllib.loads(read_limited(path, _SMALL_FILE, "content version").decode("utf-8"))
    except (FileReadProblem, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return 0, None
    version = doc.get("pack_version")
    made = doc.get("made_on")
    return (
        version if isinstance(version, int) and not isinstance(version, bool) else 0,
        made if isinstance(made, date) else None,
    )


def content_dir(data_folder: Path) -> Path:
    return Path(data_folder) / CONTENT_FOLDER


def installed_packs(data_folder: Path) -> list[int]:
    """The versions of the packs kept in the data folder, oldest first."""
    folder = content_dir(data_folder) / PACKS_FOLDER
    try:
        names = [p.name for p in folder.iterdir() if p.is_dir() and not p.is_symlink()]
    except OSError:
        return []
    return sorted(int(n) for n in names if n.isascii() and n.isdigit() and len(n) < 10)


def _active_pointer(data_folder: Path) -> tuple[bool, int | None, str]:
    """(an `active` file exists, the pack it names or None, a problem with it)."""
    path = content_dir(data_folder) / ACTIVE_FILE
    if not path.exists() and not path.is_symlink():
        return False, None, ""
    try:
        doc = json.loads(read_limited(path, _SMALL_FILE, "content pointer").decode("utf-8"))
        version = doc["pack_version"]
        if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
            raise ValueError
    except (FileReadProblem, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return True, None, "the file that says which content pack is in use is damaged"
    return True, version, ""


def verify_installed(folder: Path, keys_folder: Path | None = None) -> Manifest:
    """The manifest of the pack unpacked in `folder`, after checking its signature and that
    every file matches it and no other content file is there; ContentPackError otherwise."""
    try:
        manifest_data = read_limited(folder / MANIFEST_NAME, _MAX_MANIFEST, "manifest")
        signature_data = read_limited(folder / SIGNATURE_NAME, _SMALL_FILE, "signature")
    except FileReadProblem as exc:
        raise ContentPackError(str(exc)) from None
    verify_signature(manifest_data, signature_data, keys_folder)
    try:
        manifest = parse_manifest(manifest_data)
    except PackError as exc:
        raise ContentPackError(str(exc)) from None
    listed = {f.path for f in manifest.files}
    for kind in CONTENT_FOLDERS:
        for path in (folder / kind).glob("*") if (folder / kind).is_dir() else []:
            if f"{kind}/{path.name}" not in listed:
                raise ContentPackError(f"{kind}/{shown_name(path)} is not in its manifest")
    for entry in manifest.files:
        path = folder / entry.path
        if path.is_symlink():
            raise ContentPackError(f"{entry.path} is a link")
        try:
            data = read_limited(path, MAX_FILE_BYTES, "content file")
        except FileReadProblem:
            raise ContentPackError(f"{entry.path} is missing or cannot be read") from None
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise ContentPackError(f"{entry.path} has been changed since the pack was signed")
    return manifest


def content_in_use(data_folder: Path, keys_folder: Path | None = None) -> ContentInUse:
    """Which content the app reads, worked out from the data folder now (not cached)."""
    version, made_on = bundled_version()
    bundled = ContentInUse(desktop.RESOURCES_DIR, "bundled", version, made_on)
    exists, active, problem = _active_pointer(data_folder)
    if problem:
        return replace(bundled, problem=f"{problem}; {_FALLBACK}")
    if not exists or active is None or active <= version:
        return bundled  # no pack, or the app's own content is as new (an app update)
    folder = content_dir(data_folder) / PACKS_FOLDER / str(active)
    try:
        manifest = verify_installed(folder, keys_folder)
        if manifest.pack_version != active:
            raise ContentPackError(f"its manifest says pack {manifest.pack_version}")
    except ContentPackError as exc:
        return replace(
            bundled,
            problem=f"The installed content pack {active} cannot be used ({exc}); {_FALLBACK}",
        )
    return ContentInUse(folder, "pack", manifest.pack_version, manifest.made_on)


_FALLBACK = "the content that came with the app is used instead"

# What the running app reads from: the data folder and trusted keys it was started with.
_lock = threading.RLock()
_data_folder: Path | None = None
_keys_folder: Path | None = None
_cached: ContentInUse | None = None


def use_data_folder(folder: Path | str | None, keys_folder: Path | str | None = None) -> None:
    """Read content from the packs installed in `folder` (None: the default data folder),
    checked against the keys in `keys_folder` (None: the keys shipped with the app). The
    window and the command line call this with the data folder they were given."""
    global _data_folder, _keys_folder
    with _lock:
        _data_folder = Path(folder) if folder is not None else None
        _keys_folder = Path(keys_folder) if keys_folder is not None else None
    refresh()


def in_use() -> ContentInUse:
    """The content the app reads now (worked out once, again after `refresh`)."""
    global _cached
    with _lock:
        if _cached is None:
            from desktop.store.paths import default_data_dir

            folder = _data_folder if _data_folder is not None else default_data_dir()
            try:
                _cached = content_in_use(folder, _keys_folder)
            except Exception as exc:  # noqa: BLE001 - the app must start on its own content
                version, made_on = bundled_version()
                _cached = ContentInUse(
                    desktop.RESOURCES_DIR,
                    "bundled",
                    version,
                    made_on,
                    f"the installed content could not be checked ({type(exc).__name__}); "
                    f"{_FALLBACK}",
                )
        return _cached


def content_folder(kind: str) -> Path:
    """`rules`, `checklists` or `bank_formats` of the content in use."""
    return in_use().root / kind


#: The loaders' caches of content (module, function): cleared when the content changes.
_CACHES = (
    ("desktop.assess", "load_figures"),
    ("desktop.assess", "statement_vocabulary"),
    ("desktop.assess", "_checklists"),
    ("desktop.assess", "_phrases"),
    ("desktop.assess", "_phrase_reviews"),
    ("desktop.assess", "_casework"),
    ("desktop.board", "_figures"),
    ("desktop.board", "rules_version"),
    ("desktop.printing.sheet_words", "sheet_phrases"),
)


def refresh() -> ContentInUse:
    """Work out the content in use again and clear every loader's cache when it changed."""
    global _cached
    with _lock:
        before = _cached
        _cached = None
        now = in_use()
        if before is None or (before.root, before.version) != (now.root, now.version):
            clear_loader_caches()
        return now


def clear_loader_caches() -> None:
    for module_name, name in _CACHES:
        module = sys.modules.get(module_name)  # a module not loaded yet has nothing cached
        function = getattr(module, name, None) if module is not None else None
        clear = getattr(function, "cache_clear", None)
        if clear is not None:
            clear()


# ---- checking the content itself ------------------------------------------------------------------


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_content(files: Mapping[str, bytes]) -> dict[str, dict[str, Any]]:
    """path -> parsed TOML for a whole set of content files, after running the app's own
    loaders on them (figures, statement words, checklists, the handouts' words, bank layouts):
    ContentPackError naming the first file that would not load. Nothing is read from disk."""
    from desktop.importers.bank_formats import BankFormatError, format_from_dict
    from desktop.rules import checklists as checklist_rules
    from desktop.rules.fees import FeesError
    from desktop.rules.figures import Figures, FiguresError
    from desktop.rules.statements import VocabularyError, vocabulary_from_toml

    docs: dict[str, dict[str, Any]] = {}
    texts: dict[str, str] = {}
    for path in sorted(files):
        try:
            text = files[path].decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ContentPackError(f"{path}: byte {exc.start} is not UTF-8 text") from None
        try:
            docs[path] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ContentPackError(f"{path}: not valid TOML ({_one_line(exc, 120)})") from None
        texts[path] = text
    for kind in CONTENT_FOLDERS:
        if not any(p.startswith(f"{kind}/") for p in docs):
            raise ContentPackError(f"it has no {kind}/ files; a pack holds all the content")
    for needed in ("rules/statement_words.toml", "checklists/_phrases.toml"):
        if needed not in docs:
            raise ContentPackError(f"it has no {needed}, which the app needs")
    current = ""
    try:
        for path, doc in docs.items():  # one file at a time first, so a message names it
            if path.startswith("rules/"):
                current = path
                try:
                    Figures.from_tables([doc])
                except FiguresError as exc:
                    message = f"{path}: {_one_line(exc)}".replace("document 0 ", "")
                    raise ContentPackError(message) from None
        current = "rules/"
        figures = Figures.from_tables(d for p, d in docs.items() if p.startswith("rules/"))
        if not figures:
            raise ContentPackError("rules/: no figures")
        current = "rules/statement_words.toml"
        vocabulary_from_toml(docs[current])
        current = "rules/fee_applications.toml"
        if current in docs:  # the fee calculator's applications (an older pack may lack them)
            from desktop.rules.fees import parse_applications

            parse_applications(docs[current], name=current)
        current = "rules/casework.toml"
        if current in docs:  # issue 22: casework categories, outcomes, level triggers
            from desktop.rules.casework import parse_casework

            parse_casework(docs[current], name=current)
        for path, doc in docs.items():
            current = path
            stem = path.rsplit("/", 1)[1][: -len(".toml")]
            if path.startswith("checklists/"):
                if path == "checklists/_phrases.toml":
                    checklist_rules.parse_phrases(doc, name=path, text=texts[path])
                    reviews = getattr(checklist_rules, "parse_phrase_reviews", None)
                    if reviews is not None:
                        reviews(doc, name=path, text=texts[path])
                elif not stem.startswith("_"):
                    checklist_rules.parse_checklist(doc, name=path, text=texts[path])
            elif path.startswith("bank_formats/"):
                fmt = format_from_dict(doc, path)
                if fmt.key != stem:
                    raise ContentPackError(f"{path}: its key must be the file name ({stem})")
    except ContentPackError:
        raise
    except (
        checklist_rules.ChecklistError,
        FiguresError,
        VocabularyError,
        BankFormatError,
        FeesError,
        ValueError,  # CaseworkDataError and any other loader's ValueError: named below
    ) as exc:
        message = _one_line(exc)
        raise ContentPackError(message if current in message else f"{current}: {message}") from None
    except Exception as exc:  # noqa: BLE001 - a file the parsers trip on is refused, not a crash
        raise ContentPackError(f"{current}: cannot be used ({type(exc).__name__})") from None
    return docs


# ---- checking a pack -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedPack:
    """A pack that passed every check: safe to install over `replaces`."""

    source: Path
    manifest: Manifest
    manifest_data: bytes
    signature_data: bytes
    files: Mapping[str, bytes]
    docs: Mapping[str, dict[str, Any]]
    key_name: str
    replaces: ContentInUse


def _entries(data: bytes, name: str) -> dict[str, bytes]:
    """name -> bytes of each entry of the zip in `data`, refusing anything but regular files
    with safe names, within the limits."""
    damaged = f"{name} is not a whole content pack (it is damaged or cut short)"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise ContentPackError(damaged) from None
    if len(infos) > MAX_ENTRIES:
        raise ContentPackError(f"{name} has more than {MAX_ENTRIES} entries")
    out: dict[str, bytes] = {}
    total = 0
    for info in infos:
        entry = info.filename
        kind = stat.S_IFMT(info.external_attr >> 16)
        if entry not in (MANIFEST_NAME, SIGNATURE_NAME):
            problem = path_problem(entry)
            if problem:
                raise ContentPackError(f"{name}: {problem}")
        if kind == stat.S_IFLNK:
            raise ContentPackError(f"{name}: the entry {entry} is a symbolic link")
        if info.is_dir() or kind not in (0, stat.S_IFREG):
            raise ContentPackError(f"{name}: the entry {entry} is not a plain file")
        if info.flag_bits & 0x1:
            raise ContentPackError(f"{name}: the entry {entry} is encrypted")
        if entry in out:
            raise ContentPackError(f"{name}: the entry {entry} is there twice")
        if info.file_size > MAX_FILE_BYTES:
            raise ContentPackError(f"{name}: the entry {entry} is too large")
        try:
            with archive.open(info) as fh:
                body = fh.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
            raise ContentPackError(damaged) from None
        if len(body) > MAX_FILE_BYTES:
            raise ContentPackError(f"{name}: the entry {entry} is too large")
        total += len(body)
        if total > MAX_CONTENT_BYTES:
            raise ContentPackError(f"{name}: its content is too large")
        out[entry] = body
    return out


def _check_files(manifest: Manifest, files: Mapping[str, bytes]) -> None:
    listed = {f.path: f for f in manifest.files}
    for path in sorted(set(files) - set(listed)):
        raise ContentPackError(f"{path} is in the pack but not in its signed manifest")
    for path in sorted(set(listed) - set(files)):
        raise ContentPackError(f"{path} is listed in the manifest but missing from the pack")
    for path, entry in sorted(listed.items()):
        data = files[path]
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise ContentPackError(
                f"{path} differs from its signed manifest: the pack was changed after signing"
            )


def check_pack(
    path: Path | str,
    data_folder: Path | str,
    *,
    keys_folder: Path | str | None = None,
    app_version: str | None = None,
) -> CheckedPack:
    """Read and check the pack at `path` against the content in use in `data_folder`.
    ContentPackError (one line, naming the pack) when it must not be installed. Writes
    nothing."""
    path, data_folder = Path(path), Path(data_folder)
    keys = Path(keys_folder) if keys_folder is not None else None
    name = shown_name(path)
    try:
        data = read_limited(path, MAX_PACK_BYTES, "content pack")
    except FileReadProblem as exc:
        raise ContentPackError(str(exc)) from None
    entries = _entries(data, name)
    manifest_data = entries.pop(MANIFEST_NAME, None)
    signature_data = entries.pop(SIGNATURE_NAME, None)
    if manifest_data is None:
        raise ContentPackError(f"{name} has no manifest, so it is not a content pack")
    if signature_data is None:
        raise ContentPackError(f"{name} is not signed, so it cannot be trusted")
    try:
        key_name = verify_signature(manifest_data, signature_data, keys)
        manifest = parse_manifest(manifest_data)
        problem = compatibility_problem(manifest, app_version or desktop.__version__)
        if problem:
            raise ContentPackError(problem)
        _check_files(manifest, entries)
        replaces = content_in_use(data_folder, keys)
        problem = version_problem(manifest.pack_version, replaces.version, replaces.label)
        if problem:
            raise ContentPackError(problem)
        docs = parse_content(entries)
        for entry in manifest.files:
            if entry.checked_on != checked_on_of(docs[entry.path]) and entry.path.startswith(
                DATED_FOLDERS
            ):
                raise ContentPackError(f"{entry.path}: its checked_on differs from the manifest's")
    except (ContentPackError, PackError) as exc:
        raise ContentPackError(f"{name} was not installed: {exc}") from None
    return CheckedPack(
        path, manifest, manifest_data, signature_data, entries, docs, key_name, replaces
    )


# ---- what a pack changes -----------------------------------------------------------------------


def _folder_files(root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for kind in CONTENT_FOLDERS:
        folder = root / kind
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            with contextlib.suppress(FileReadProblem):
                out[f"{kind}/{path.name}"] = read_limited(path, MAX_FILE_BYTES, "content file")
    return out


def _docs(files: Mapping[str, bytes]) -> dict[str, dict[str, Any]]:
    docs = {}
    for path, data in files.items():
        with contextlib.suppress(UnicodeDecodeError, tomllib.TOMLDecodeError):
            docs[path] = tomllib.loads(data.decode("utf-8-sig"))
    return docs


def pack_changes(checked: CheckedPack) -> Changes:
    """What installing `checked` changes compared with the content it replaces."""
    old_files = _folder_files(checked.replaces.root)
    old_docs = _docs(old_files)
    added, removed, changed = file_changes(
        {p: hashlib.sha256(d).hexdigest() for p, d in old_files.items()},
        {f.path: f.sha256 for f in checked.manifest.files},
    )
    lists: list[ChecklistChange] = []
    for path in sorted(set(added) | set(changed)):
        if path.startswith("checklists/") and not path.split("/")[1].startswith("_"):
            lists.append(checklist_changes(path, old_docs.get(path, {}), checked.docs[path]))
    for path in removed:
        if path.startswith("checklists/") and not path.split("/")[1].startswith("_"):
            lists.append(checklist_changes(path, old_docs.get(path, {}), {}))
    figures = figure_changes(
        (d for p, d in old_docs.items() if p.startswith("rules/")),
        (d for p, d in checked.docs.items() if p.startswith("rules/")),
    )
    dates = {
        p: (checked_on_of(old_docs.get(p, {})), checked_on_of(checked.docs.get(p, {})))
        for p in (*added, *changed)
    }
    return Changes(added, removed, changed, tuple(lists), figures, dates)


# ---- installing and rolling back -----------------------------------------------------------------


def _write_new(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _set_active(data_folder: Path, version: int | None) -> None:
    data = (json.dumps({"pack_version": version}) + "\n").encode("ascii")
    try:
        write_atomically(content_dir(data_folder) / ACTIVE_FILE, data)
    except WriteProblem as exc:
        raise ContentPackError(f"the content in use could not be switched ({exc})") from None


def _prune(data_folder: Path, keep: int | None) -> None:
    """Keep the KEEP_PACKS newest packs (and `keep`, the one in use); remove the others."""
    versions = installed_packs(data_folder)
    kept = set(versions[-KEEP_PACKS:]) | ({keep} if keep is not None else set())
    for version in versions:
        if version not in kept:
            shutil.rmtree(
                content_dir(data_folder) / PACKS_FOLDER / str(version), ignore_errors=True
            )


#: An unpack folder older than this was left by an install that stopped (a crash, a power cut).
ABANDONED_AFTER_SECONDS = 3600


def _remove_abandoned_unpacks(root: Path) -> None:
    """Delete `.incoming-*` folders an interrupted install left behind (an hour old or more,
    so an install running now in another window is left alone). Never raises."""
    import shutil
    import time

    try:
        leftovers = list(root.glob(".incoming-*"))
    except OSError:
        return
    for folder in leftovers:
        try:
            if time.time() - folder.lstat().st_mtime >= ABANDONED_AFTER_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def install_pack(
    checked: CheckedPack, data_folder: Path | str, *, keys_folder: Path | str | None = None
) -> ContentInUse:
    """Unpack `checked` into the data folder and make it the content in use (see the module's
    docstring). ContentPackError, with nothing changed, when it cannot be done; the content in
    use is checked again first (another install may have happened since `check_pack`)."""
    data_folder = Path(data_folder)
    keys = Path(keys_folder) if keys_folder is not None else None
    version = checked.manifest.pack_version
    now = content_in_use(data_folder, keys)
    problem = version_problem(version, now.version, now.label)
    if problem:
        raise ContentPackError(f"{shown_name(checked.source)} was not installed: {problem}")
    from desktop.store.paths import make_private_dirs

    root = content_dir(data_folder)
    packs = root / PACKS_FOLDER
    made_root = not root.exists()
    _remove_abandoned_unpacks(root)
    try:
        make_private_dirs(packs)
        temp = Path(tempfile.mkdtemp(prefix=".incoming-", dir=root))
    except OSError as exc:
        raise ContentPackError(
            f"the content folder in the data folder cannot be written "
            f"({exc.strerror or type(exc).__name__}); nothing was installed"
        ) from None
    target = packs / str(version)
    try:
        _write_new(temp / MANIFEST_NAME, checked.manifest_data)
        _write_new(temp / SIGNATURE_NAME, checked.signature_data)
        for path, data in checked.files.items():
            _write_new(temp / path, data)
        verify_installed(temp, keys)  # what is on disk is what was checked
    except BaseException as exc:
        shutil.rmtree(root if made_root else temp, ignore_errors=True)
        raise _unpack_problem(exc) from None
    aside: Path | None = None
    placed = False
    try:
        if target.exists():  # installed before, then rolled back from: replaced whole
            aside = Path(tempfile.mkdtemp(prefix=".replaced-", dir=root))
            os.rename(target, aside / "pack")
        os.rename(temp, target)
        placed = True
        _set_active(data_folder, version)
    except BaseException as exc:
        if placed:
            shutil.rmtree(target, ignore_errors=True)
        if aside is not None:
            with contextlib.suppress(OSError):
                os.rename(aside / "pack", target)
            shutil.rmtree(aside, ignore_errors=True)
        shutil.rmtree(root if made_root else temp, ignore_errors=True)
        raise _unpack_problem(exc) from None
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    _prune(data_folder, version)
    return _after_change(data_folder, keys)


def _unpack_problem(exc: BaseException) -> BaseException:
    if isinstance(exc, ContentPackError) or not isinstance(exc, Exception):
        return exc
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
    return ContentPackError(
        f"the pack could not be unpacked in the data folder ({reason}); nothing was installed"
    )


def _after_change(data_folder: Path, keys: Path | None) -> ContentInUse:
    """The content in use after an install or rollback; the running app's caches are cleared
    when it is the data folder the app reads from."""
    from desktop.store.paths import default_data_dir

    current = _data_folder if _data_folder is not None else default_data_dir()
    with contextlib.suppress(OSError):
        if Path(current).resolve() == Path(data_folder).resolve():
            refresh()
    return content_in_use(data_folder, keys)


def rollback(data_folder: Path | str, *, keys_folder: Path | str | None = None) -> ContentInUse:
    """Go back to the previous installed pack, or to the app's own content; the pack rolled
    back from stays on disk (the last KEEP_PACKS are kept). ContentPackError when there is
    nothing to go back from."""
    data_folder = Path(data_folder)
    keys = Path(keys_folder) if keys_folder is not None else None
    now = content_in_use(data_folder, keys)
    exists, active, _problem = _active_pointer(data_folder)
    if now.source != "pack":
        if exists and active is not None or _problem:
            _set_active(data_folder, None)  # a pointer to a pack not used: cleared
            return _after_change(data_folder, keys)
        raise ContentPackError(
            f"there is nothing to roll back: {now.label} is in use, and no pack is installed "
            "over it"
        )
    bundled, _made = bundled_version()
    target: int | None = None
    for version in reversed(installed_packs(data_folder)):
        if bundled < version < now.version:
            with contextlib.suppress(ContentPackError):
                verify_installed(content_dir(data_folder) / PACKS_FOLDER / str(version), keys)
                target = version
                break
    _set_active(data_folder, target)
    return _after_change(data_folder, keys)


# ---- content age ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentStatus:
    in_use: ContentInUse
    ages: tuple[ContentAge, ...]
    limit_days: int
    installed: tuple[int, ...]


def content_status(
    on: date,
    limit_days: int,
    data_folder: Path | str | None = None,
    *,
    keys_folder: Path | str | None = None,
) -> ContentStatus:
    """Each checklist and figures file of the content in use with its `checked_on`, and which
    are older than `limit_days` on `on` (or say no date). `data_folder` None: the running
    app's content (`in_use`)."""
    if data_folder is None:
        current = in_use()
        folder = _data_folder
    else:
        folder = Path(data_folder)
        current = content_in_use(folder, Path(keys_folder) if keys_folder is not None else None)
    entries: list[tuple[str, date | None]] = []
    for kind in DATED_FOLDERS:
        path_folder = current.root / kind
        for path in sorted(path_folder.glob("*.toml")) if path_folder.is_dir() else []:
            checked = None
            with contextlib.suppress(FileReadProblem, UnicodeDecodeError, tomllib.TOMLDecodeError):
                data = read_limited(path, MAX_FILE_BYTES, "content file")
                checked = checked_on_of(tomllib.loads(data.decode("utf-8-sig")))
            entries.append((f"{kind}/{path.name}", checked))
    installed = tuple(installed_packs(folder)) if folder is not None else ()
    return ContentStatus(current, content_ages(entries, on, limit_days), limit_days, installed)


# ---- building a pack (maintainers) ------------------------------------------------------------------


def read_private_key(path: Path | str) -> bytes:
    """The 32-byte Ed25519 seed in a private key file (base64 after # comment lines)."""
    return _key_bytes(Path(path), "private key")


def build_pack(
    key_file: Path | str,
    out: Path | str,
    *,
    content_root: Path | str | None = None,
    pack_version: int | None = None,
    made_on: date | None = None,
    min_app: str | None = None,
    keys_folder: Path | str | None = None,
) -> Manifest:
    """Make a signed pack of the content in `content_root` (default: the app's resources/)
    at `out`, and stamp `content_root`/content_version.toml with its version, so the next
    release of the app carries content at least this new. The content is checked with the
    app's own loaders first, and the key must be one the app trusts (`keys_folder`).
    ContentPackError when it cannot be made; `out` is written whole or not at all."""
    root = Path(content_root) if content_root is not None else desktop.RESOURCES_DIR
    seed = read_private_key(key_file)
    from nacl.signing import SigningKey

    public = bytes(SigningKey(seed).verify_key)
    if key_id(public) not in trusted_keys(Path(keys_folder) if keys_folder else None):
        raise ContentPackError(
            f"{shown_name(key_file)} is not the private half of a key the app trusts "
            f"(resources/content_keys/*.pub); a pack signed with it would be refused"
        )
    current, _made = bundled_version(root)
    version = pack_version if pack_version is not None else current + 1
    if version <= current:
        raise ContentPackError(
            f"--pack-version {version} is not newer than {current}, the version stamped in "
            f"{VERSION_FILE}; a centre would refuse it"
        )
    files: dict[str, bytes] = {}
    for kind in CONTENT_FOLDERS:
        for path in sorted((root / kind).glob("*")) if (root / kind).is_dir() else []:
            rel = f"{kind}/{path.name}"
            if path.suffix != ".toml":
                continue
            problem = path_problem(rel)
            if problem:
                raise ContentPackError(problem)
            try:
                files[rel] = read_limited(path, MAX_FILE_BYTES, "content file")
            except FileReadProblem as exc:
                raise ContentPackError(str(exc)) from None
    docs = parse_content(files)
    made_on = made_on or date.today()
    manifest = Manifest(
        PACK_FORMAT,
        version,
        made_on,
        min_app or desktop.__version__,
        tuple(
            PackFile(
                p,
                hashlib.sha256(d).hexdigest(),
                len(d),
                checked_on_of(docs[p]) if p.startswith(DATED_FOLDERS) else None,
            )
            for p, d in sorted(files.items())
        ),
    )
    manifest_data = manifest_bytes(manifest)
    signature_data, _kid = signature_file(manifest_data, seed)
    buffer = io.BytesIO()
    stamp = (made_on.year, made_on.month, made_on.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in (
            (MANIFEST_NAME, manifest_data),
            (SIGNATURE_NAME, signature_data),
            *sorted(files.items()),
        ):
            info = zipfile.ZipInfo(entry, date_time=stamp)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    try:
        write_atomically(out, buffer.getvalue())
        write_atomically(
            root / VERSION_FILE,
            (
                "# The version of the content in this folder (rules/, checklists/, "
                "bank_formats/),\n# stamped by `dropin-desk build-content-pack`. An installed "
                "content pack is used\n# only when its version is newer than this.\n"
                f"pack_version = {version}\nmade_on = {made_on.isoformat()}\n"
            ).encode(),
        )
    except WriteProblem as exc:
        raise ContentPackError(str(exc)) from None
    return manifest
