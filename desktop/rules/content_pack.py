"""Content update packs, the pure part: the manifest's format, versions, what changed between
two sets of content, and which content files are older than a limit.

A pack (desktop/content.py reads and writes it) is one zip file holding `manifest.json`,
`manifest.sig` (an Ed25519 signature over the manifest's exact bytes) and the content files it
lists: `rules/*.toml`, `checklists/*.toml` and `bank_formats/*.toml`. The manifest:

    {"format": 1, "pack_version": 7, "made_on": "2026-12-06", "min_app": "0.1.0",
     "files": [{"path": "rules/fees.toml", "sha256": "…", "size": 1234,
                "checked_on": "2026-12-01"}, …]}

Nothing here reads a file, the clock or a key: every function takes what it needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

#: The manifest format this app reads. A pack in another format is refused as incompatible.
PACK_FORMAT = 1
#: The folders a pack replaces (each beside the others in resources/ and in an installed pack).
CONTENT_FOLDERS = ("rules", "checklists", "bank_formats")
#: The folders whose files carry `checked_on` and are listed by the content status.
DATED_FOLDERS = ("rules", "checklists")
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
#: Guidance older than this many days is marked (a setting changes it).
DEFAULT_STALE_DAYS = 180
#: A content file's path inside a pack: one of the folders, then a plain TOML file name.
_CONTENT_PATH = re.compile(
    r"(rules|checklists|bank_formats)/[A-Za-z0-9_][A-Za-z0-9_-]{0,79}\.toml\Z"
)
_APP_VERSION = re.compile(r"[0-9]{1,6}(\.[0-9]{1,6}){0,3}\Z")
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")


class PackError(ValueError):
    """A pack (or its manifest) cannot be used; the message is one line saying why."""


@dataclass(frozen=True)
class PackFile:
    path: str  # "rules/fees.toml"
    sha256: str
    size: int
    checked_on: date | None = None


@dataclass(frozen=True)
class Manifest:
    format: int
    pack_version: int
    made_on: date
    min_app: str
    files: tuple[PackFile, ...]

    def file(self, path: str) -> PackFile | None:
        return next((f for f in self.files if f.path == path), None)


# ---- paths and versions ----------------------------------------------------------------------


def path_problem(path: str) -> str | None:
    """Why `path` cannot be a content file's place in a pack (None when it can). Only
    `<folder>/<name>.toml` with a plain name is allowed: no "..", no absolute path, no
    backslash, no sub-folder, nothing outside the three content folders."""
    if not isinstance(path, str) or not path:
        return "an entry has no name"
    shown = path if len(path) <= 80 else path[:77] + "..."
    shown = "".join(ch if ch.isprintable() else "?" for ch in shown)
    if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", path):
        return f"the entry {shown} is an absolute path"
    parts = re.split(r"[\\/]", path)
    if ".." in parts:
        return f"the entry {shown} points outside the pack (..)"
    if not _CONTENT_PATH.match(path):
        return (
            f"the entry {shown} is not a content file "
            "(rules/, checklists/ or bank_formats/ and a .toml name)"
        )
    return None


def app_version_tuple(text: str) -> tuple[int, ...]:
    """ "0.1.0" -> (0, 1, 0); PackError for anything that is not dotted numbers."""
    if not isinstance(text, str) or not _APP_VERSION.match(text):
        raise PackError(f"the app version {str(text)[:20]!r} is not like 1.2.3")
    parts = tuple(int(p) for p in text.split("."))
    return parts + (0,) * (4 - len(parts))


def compatibility_problem(manifest: Manifest, app_version: str) -> str | None:
    """Why this app cannot use the pack (None when it can)."""
    if manifest.format != PACK_FORMAT:
        return (
            f"the pack is in format {manifest.format}, and this version of Drop-in Desk "
            f"reads format {PACK_FORMAT} only; install the Drop-in Desk release it came with"
        )
    if app_version_tuple(manifest.min_app) > app_version_tuple(app_version):
        return (
            f"the pack needs Drop-in Desk {manifest.min_app} or later, and this is "
            f"{app_version}; update the app first"
        )
    return None


def version_problem(pack_version: int, in_use: int, in_use_label: str) -> str | None:
    """Why pack `pack_version` must not replace the content in use (version `in_use`)."""
    if pack_version == in_use:
        return f"pack {pack_version} is the same version as the content in use ({in_use_label})"
    if pack_version < in_use:
        return (
            f"pack {pack_version} is older than the content in use ({in_use_label}); "
            "an older pack is never installed over newer content"
        )
    return None


# ---- the manifest ----------------------------------------------------------------------------


def _date(value: Any, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PackError(f"the manifest's {what} is not a date (YYYY-MM-DD)")


def manifest_from_doc(doc: Any) -> Manifest:
    """The Manifest in `doc` (manifest.json as parsed by desktop.content); PackError saying
    what is wrong."""
    if not isinstance(doc, dict):
        raise PackError("the manifest is not a JSON object")
    fmt = doc.get("format")
    if not isinstance(fmt, int) or isinstance(fmt, bool):
        raise PackError("the manifest has no format number")
    version = doc.get("pack_version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 10**9:
        raise PackError("the manifest's pack_version is not a whole number from 1")
    made_on = _date(doc.get("made_on"), "made_on")
    min_app = doc.get("min_app")
    app_version_tuple(min_app)  # raises when it is not a version
    raw_files = doc.get("files")
    if not isinstance(raw_files, list) or not raw_files:
        raise PackError("the manifest lists no files")
    files: list[PackFile] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_files, 1):
        if not isinstance(raw, dict):
            raise PackError(f"the manifest's file {n} is not an object")
        path = raw.get("path")
        problem = path_problem(path)
        if problem:
            raise PackError(f"the manifest's file {n}: {problem}")
        if path in seen:
            raise PackError(f"the manifest lists {path} twice")
        seen.add(path)
        digest, size = raw.get("sha256"), raw.get("size")
        if not isinstance(digest, str) or not _SHA256.match(digest):
            raise PackError(f"the manifest's entry for {path} has no sha256")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise PackError(f"the manifest's entry for {path} has no size")
        checked = raw.get("checked_on")
        checked_on = None if checked is None else _date(checked, f"checked_on of {path}")
        files.append(PackFile(path, digest, size, checked_on))
    return Manifest(fmt, version, made_on, min_app, tuple(sorted(files, key=lambda f: f.path)))


def manifest_doc(manifest: Manifest) -> dict[str, Any]:
    """The manifest as a JSON-ready dict (desktop.content writes and signs its bytes)."""
    return {
        "format": manifest.format,
        "pack_version": manifest.pack_version,
        "made_on": manifest.made_on.isoformat(),
        "min_app": manifest.min_app,
        "files": [
            {
                "path": f.path,
                "sha256": f.sha256,
                "size": f.size,
                "checked_on": f.checked_on.isoformat() if f.checked_on else None,
            }
            for f in manifest.files
        ],
    }


def checked_on_of(doc: Mapping[str, Any]) -> date | None:
    """A parsed content file's top-level `checked_on` (a TOML date, or text YYYY-MM-DD)."""
    value = doc.get("checked_on")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


# ---- what changed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureChange:
    key: str
    effective_from: date
    old: Any  # the value in force from that date before (None: there was none)
    new: Any  # None: the dated value was taken out


@dataclass(frozen=True)
class ChecklistChange:
    path: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Changes:
    added: tuple[str, ...] = ()  # file paths
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    checklists: tuple[ChecklistChange, ...] = ()
    figures: tuple[FigureChange, ...] = ()
    dates: Mapping[str, tuple[date | None, date | None]] = field(default_factory=dict)

    @property
    def nothing(self) -> bool:
        return not (self.added or self.removed or self.changed)


def file_changes(
    old: Mapping[str, str], new: Mapping[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(added, removed, changed) paths between two maps of path -> sha256."""
    added = tuple(sorted(set(new) - set(old)))
    removed = tuple(sorted(set(old) - set(new)))
    changed = tuple(sorted(p for p in set(old) & set(new) if old[p] != new[p]))
    return added, removed, changed


def _items(doc: Mapping[str, Any]) -> dict[str, Any]:
    items = doc.get("item", [])
    if not isinstance(items, list):
        return {}
    return {i["id"]: i for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)}


def checklist_changes(path: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> ChecklistChange:
    """Items added, removed and changed (any field) by id between two parsed checklist files."""
    before, after = _items(old), _items(new)
    return ChecklistChange(
        path,
        tuple(sorted(set(after) - set(before))),
        tuple(sorted(set(before) - set(after))),
        tuple(sorted(i for i in set(before) & set(after) if before[i] != after[i])),
    )


def _figures(docs: Iterable[Mapping[str, Any]]) -> dict[tuple[str, date], Any]:
    out: dict[tuple[str, date], Any] = {}
    for doc in docs:
        for raw in doc.get("figure", []) if isinstance(doc.get("figure"), list) else []:
            if not isinstance(raw, dict) or not isinstance(raw.get("key"), str):
                continue
            try:
                eff = _date(raw.get("effective_from"), "effective_from")
            except PackError:
                continue
            out[(raw["key"], eff)] = raw.get("value")
    return out


def _in_force(values: Mapping[tuple[str, date], Any], key: str, on: date) -> Any:
    dated = sorted((eff, v) for (k, eff), v in values.items() if k == key and eff <= on)
    return dated[-1][1] if dated else None


def figure_changes(
    old_docs: Iterable[Mapping[str, Any]], new_docs: Iterable[Mapping[str, Any]]
) -> tuple[FigureChange, ...]:
    """Each dated figure whose value is new, different or gone: key, the date it takes effect,
    the value that was in force from that date before, and the new value."""
    before, after = _figures(old_docs), _figures(new_docs)
    changes = []
    for key, eff in sorted(set(before) | set(after)):
        if (key, eff) in after and (key, eff) in before:
            if before[(key, eff)] != after[(key, eff)]:
                changes.append(FigureChange(key, eff, before[(key, eff)], after[(key, eff)]))
        elif (key, eff) in after:
            changes.append(FigureChange(key, eff, _in_force(before, key, eff), after[(key, eff)]))
        else:
            changes.append(FigureChange(key, eff, before[(key, eff)], None))
    return tuple(changes)


def _plain(value: Any) -> str:
    """A figure's value as a person reads it: lists in brackets, dates as YYYY-MM-DD."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else _plain(value)
    return text if len(text) <= 60 else text[:57] + "..."


def change_lines(changes: Changes, *, pack_version: int, made_on: date, in_use: str) -> list[str]:
    """What a person reads before installing: one line per change, plain words."""
    lines = [f"Content pack {pack_version}, made on {made_on.isoformat()}, replaces {in_use}."]
    if changes.nothing:
        lines.append("No file differs from the content in use.")
        return lines
    for title, paths in (
        ("Files added", changes.added),
        ("Files removed", changes.removed),
        ("Files changed", changes.changed),
    ):
        if paths:
            lines.append(f"{title} ({len(paths)}):")
            for path in paths:
                old_date, new_date = changes.dates.get(path, (None, None))
                dated = ""
                if new_date and new_date != old_date:
                    dated = f" (checked on {new_date.isoformat()}"
                    dated += f", was {old_date.isoformat()})" if old_date else ")"
                lines.append(f"  {path}{dated}")
    for change in changes.checklists:
        if not (change.added or change.removed or change.changed):
            continue
        lines.append(f"Checklist {change.path}:")
        for label, ids in (
            ("items added", change.added),
            ("items removed", change.removed),
            ("items changed", change.changed),
        ):
            if ids:
                lines.append(f"  {label}: {', '.join(ids)}")
    if changes.figures:
        lines.append(f"Figures ({len(changes.figures)}):")
        for f in changes.figures:
            when = f.effective_from.isoformat()
            if f.new is None:
                lines.append(f"  {f.key} from {when}: {_value(f.old)} taken out")
            elif f.old is None:
                lines.append(f"  {f.key} from {when}: new, {_value(f.new)}")
            else:
                lines.append(f"  {f.key} from {when}: {_value(f.old)} -> {_value(f.new)}")
    return lines


# ---- content age ------------------------------------------------------------------------------

FRESH, STALE, UNDATED = "fresh", "stale", "undated"


@dataclass(frozen=True)
class ContentAge:
    path: str
    checked_on: date | None
    state: str  # FRESH, STALE or UNDATED
    days: int | None  # days since checked_on (None when undated)


def content_ages(
    entries: Iterable[tuple[str, date | None]], on: date, limit_days: int
) -> tuple[ContentAge, ...]:
    """Each file's age on `on`: STALE when it was checked more than `limit_days` days before,
    UNDATED when it says no date (or a date after `on`, which cannot be right)."""
    out = []
    for path, checked in sorted(entries, key=lambda e: e[0]):
        if checked is None or checked > on:
            out.append(ContentAge(path, checked, UNDATED, None))
            continue
        days = (on - checked).days
        out.append(ContentAge(path, checked, STALE if days > limit_days else FRESH, days))
    return tuple(out)


def stale_files(ages: Sequence[ContentAge]) -> tuple[ContentAge, ...]:
    """The files to warn about: older than the limit, or with no date."""
    return tuple(a for a in ages if a.state != FRESH)
