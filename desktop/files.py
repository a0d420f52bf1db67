"""Reading files the user points at, safely: regular files only, never more than a limit.

Every file Drop-in Desk reads at the user's word (a history JSON, a bank statement, a saved
bank layout, a backup's manifest) goes through `read_limited`:

- it is opened without blocking (a FIFO would otherwise wait for a writer for ever and freeze
  the window) and checked to be a regular file (`/dev/zero`, a device, a folder or a socket is
  refused: `/dev/zero` reports a size of 0 and then never ends);
- at most `limit` bytes are read, and one more to tell a file that is too big: the size the
  file reports is not trusted, so a file that grows while it is read is still refused.

Messages name the file (its name only, clipped) and what is wrong, never its content.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: A file name shown in a message is cut to this many characters.
NAME_CHARS = 80


class FileReadProblem(ValueError):
    """A file could not be read: the message names the file and says why, in plain words."""


def shown_name(path: Path | str) -> str:
    name = Path(path).name or str(path)
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def _megabytes(count: int) -> str:
    if count >= 1_048_576:
        return f"{count / 1_048_576:.0f} MB"
    return f"{max(1, count // 1024)} KB"


def open_regular(path: Path | str, what: str = "file") -> int:
    """An OS file descriptor open for reading on `path`, refused unless it is a regular file.

    O_NONBLOCK keeps open() of a FIFO from waiting; it is cleared again before reading."""
    path = Path(path)
    name = shown_name(path)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise FileReadProblem(f"{name} is a folder, not a {what}") from None
    except OSError as exc:
        raise FileReadProblem(
            f"{name}: the {what} cannot be read ({exc.strerror or type(exc).__name__})"
        ) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise FileReadProblem(f"{name} is a folder, not a {what}")
        if not stat.S_ISREG(mode):
            raise FileReadProblem(
                f"{name} is not an ordinary file (a device, pipe or socket), so it is not read"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_limited(path: Path | str, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file at `path`, or FileReadProblem when it is not a regular
    file, cannot be read, or holds more than `limit` bytes (checked before reading it all)."""
    name = shown_name(path)
    fd = open_regular(path, what)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise FileReadProblem(
                f"{name} is {_megabytes(size)}, more than the {_megabytes(limit)} a {what} "
                "can be; it was not read"
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileReadProblem(
                    f"{name} is more than the {_megabytes(limit)} a {what} can be; "
                    "it was not read"
                )
    except OSError as exc:
        raise FileReadProblem(
            f"{name}: the {what} cannot be read ({exc.strerror or type(exc).__name__})"
        ) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_text_limited(
    path: Path | str, limit: int, what: str = "file", encoding: str = "utf-8"
) -> str:
    """`read_limited`, decoded; text that is not in `encoding` is a FileReadProblem naming
    the byte where it goes wrong."""
    data = read_limited(path, limit, what)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileReadProblem(
            f"{shown_name(path)}: byte {exc.start} is not {encoding.upper()} text, "
            f"so the {what} cannot be read"
        ) from None
