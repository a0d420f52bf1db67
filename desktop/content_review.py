"""`dropin-desk mark-reviewed`: a native speaker's review of a translation, written into the data.

A maintainer command for the content files in resources/checklists/: `_phrases.toml` (the
handout's own words) or a checklist. It writes, or replaces, the `[review.<lang>]` table::

    [review.ar]
    by = "Name of the reviewer"
    on = 2026-12-06

and leaves every other byte of the file as it was: an existing `[review.<lang>]` table (its
header line to the line before the next table header) is replaced in place; otherwise the
table is added at the end. The result is parsed again as the app would read it (the phrases
file with `parse_phrases` and `parse_phrase_reviews`, a checklist with `parse_checklist`);
if it would not parse, nothing is written. With several files, all are checked before any is
written: either every file is changed or none.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop.files import FileReadProblem, WriteProblem, read_limited, write_atomically
from desktop.rules.checklists import (
    LANGUAGES,
    ChecklistError,
    parse_checklist,
    parse_phrase_reviews,
    parse_phrases,
    toml_error_line,
)

#: The largest content file read (the biggest checklist is about 40 KB).
MAX_CONTENT_BYTES = 2 * 1024 * 1024
PHRASES_NAME = "_phrases.toml"
_BOM = "\ufeff"

#: A table header line: `[name]` or `[[name]]`, with an optional comment after it.
_HEADER = re.compile(r"^[ \t]*\[\[?[^\]\n]*\]\]?[ \t]*(#.*)?$")
#: The `[review.<lang>]` header (the language bare or quoted).
_REVIEW_HEADER = (
    r"^[ \t]*\[[ \t]*review[ \t]*\.[ \t]*(?:{lang}|\"{lang}\"|'{lang}')[ \t]*\][ \t]*(#.*)?$"
)


class ReviewProblem(ValueError):
    """Why a file was not marked reviewed: one line naming the file (never its content)."""


@dataclass(frozen=True)
class MarkedFile:
    path: Path
    data: bytes  # the new bytes
    replaced: bool  # an existing [review.<lang>] table was replaced (else one was added)


def _basic_string(text: str) -> str:
    """`text` as a TOML basic string ("..." with \\ and " escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_reviewer(by: str) -> str:
    """The reviewer's name, one line: refused when empty, too long or holding control
    characters."""
    name = " ".join(by.split())
    if not name:
        raise ReviewProblem("--by: give the reviewer's name")
    if len(name) > 120:
        raise ReviewProblem("--by: the reviewer's name is longer than 120 characters")
    if any(ord(c) < 32 or ord(c) == 127 or 0x202A <= ord(c) <= 0x202E for c in name):
        raise ReviewProblem("--by: the reviewer's name holds control characters")
    return name


def _lines_with_ends(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _header_lines(lines: list[str]) -> list[int]:
    """Indexes of the table header lines, skipping multi-line strings."""
    out = []
    closer: str | None = None
    for n, line in enumerate(lines):
        body = line.rstrip("\r\n")
        if closer is not None:
            if body.count(closer) % 2 == 1:
                closer = None
            continue
        if _HEADER.match(body):
            out.append(n)
            continue
        for delimiter in ('"""', "'''"):
            if body.count(delimiter) % 2 == 1:
                closer = delimiter
                break
    return out


def with_review(text: str, lang: str, by: str, on: date) -> tuple[str, bool]:
    """`text` with its `[review.<lang>]` table set to `by` and `on`: (new text, whether an
    existing table was replaced). Only that table's lines change, or new lines are added at
    the end."""
    newline = "\r\n" if "\r\n" in text else "\n"
    table = [f"[review.{lang}]", f"by = {_basic_string(by)}", f"on = {on.isoformat()}"]
    lines = _lines_with_ends(text)
    headers = _header_lines(lines)
    wanted = re.compile(_REVIEW_HEADER.format(lang=re.escape(lang)))
    found = [n for n in headers if wanted.match(lines[n].rstrip("\r\n"))]
    if found:
        start = found[0]
        after = [n for n in headers if n > start]
        end = after[0] if after else len(lines)
        # Keep the blank lines and comments just before the next table where they were.
        while end - 1 > start and (
            not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")
        ):
            end -= 1
        ending = lines[end - 1][len(lines[end - 1].rstrip("\r\n")) :]
        block = [line + newline for line in table[:-1]] + [table[-1] + ending]
        return "".join(lines[:start] + block + lines[end:]), True
    tail = text
    if tail and not tail.endswith(("\n", "\r")):
        tail += newline
    gap = newline if tail.strip() else ""
    return tail + gap + newline.join(table) + newline, False


def _check_parses(text: str, name: str) -> None:
    """Parse `text` as the app reads the file `name`; ReviewProblem when it would not."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, _ = toml_error_line(str(exc), text)
        raise ReviewProblem(
            f"{name}: the file would not be valid TOML at line {line}; nothing was written"
        ) from None
    try:
        if Path(name).name == PHRASES_NAME:
            parse_phrases(doc, name=name, text=text)
            parse_phrase_reviews(doc, name=name, text=text)
        else:
            parse_checklist(doc, name=name, text=text)
    except ChecklistError as exc:
        raise ReviewProblem(f"{exc}; nothing was written") from None


def mark_file(path: Path, lang: str, by: str, on: date) -> MarkedFile:
    """The new bytes of one file with the review set; ReviewProblem (naming the file) when it
    cannot be read, would not parse before or after, or the language is not a translation."""
    if lang not in LANGUAGES or lang == "en":
        others = ", ".join(code for code in LANGUAGES if code != "en")
        raise ReviewProblem(f"--lang: expected one of {others} (English needs no review)")
    by = check_reviewer(by)
    name = path.name
    try:
        raw = read_limited(path, MAX_CONTENT_BYTES, "content file")
    except FileReadProblem as exc:
        raise ReviewProblem(str(exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReviewProblem(f"{name}: byte {exc.start} is not UTF-8 text") from None
    bom = text.startswith(_BOM)
    body = text[1:] if bom else text
    try:
        _check_parses(body, name)
    except ReviewProblem as exc:
        raise ReviewProblem(f"{exc} (the file did not parse before the change)") from None
    new, replaced = with_review(body, lang, by, on)
    _check_parses(new, name)
    return MarkedFile(path, ((_BOM if bom else "") + new).encode("utf-8"), replaced)


def mark_reviewed(paths: list[Path], lang: str, by: str, on: date) -> list[MarkedFile]:
    """Check every file, then write them all (each replaced whole through a temporary file).
    ReviewProblem before anything is written when any file cannot be marked."""
    marked = [mark_file(Path(p), lang, by, on) for p in paths]
    for item in marked:
        try:
            write_atomically(item.path, item.data)
        except WriteProblem as exc:
            raise ReviewProblem(f"{item.path.name}: {exc}") from None
    return marked
