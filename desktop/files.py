"""Files the user points at, read and written safely (no Qt, no store: every layer uses it).

Reading: regular files only, never more than a limit.

Every file Drop-in Desk reads at the user's word (a history JSON, a bank statement, a saved
bank layout, a backup's manifest) goes through `read_limited`:

- it is opened without blocking (a FIFO would otherwise wait for a writer for ever and freeze
  the window) and checked to be a regular file (`/dev/zero`, a device, a folder or a socket is
  refused: `/dev/zero` reports a size of 0 and then never ends);
- at most `limit` bytes are read, and one more to tell a file that is too big: the size the
  file reports is not trusted, so a file that grows while it is read is still refused.

Writing: `write_atomically` writes through a temporary file beside the target and renames it
over, after `writable_target` has refused anything that is not a regular file (a device such as
/dev/full, a pipe, a socket, a folder, a link to nothing): renaming over one of those would
replace the node itself. A new file is readable by its owner only; a file written over keeps
its mode.

Messages name the file (its name only, clipped) and what is wrong, never its content.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import unicodedata
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
                    f"{name} is more than the {_megabytes(limit)} a {what} can be; it was not read"
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


# ---- writing ---------------------------------------------------------------------------------


class WriteProblem(Exception):
    """A file could not be written; the message names the place and says why (no data)."""


def _shown(path: Path) -> str:
    """A path as a message shows it: at most 120 characters, control and bidi characters
    escaped (a file name can hold anything but "/")."""
    text = str(path)
    if len(text) > 120:
        text = "…" + text[-119:]
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text
    )


def writable_target(path: Path | str, example: str = "a file name") -> Path:
    """The regular file a write to `path` should replace: `path` itself (which need not exist
    yet), or, when `path` is a symbolic link, the file it points to. WriteProblem, before
    anything is written, when that is a folder, a device (/dev/full, /dev/null), a pipe, a
    socket or a link to nothing: renaming a new file over one of those would replace the
    device node or pipe itself (as root, /dev/full became a PDF).

    `example` finishes the message for a folder ("give a file name like report.pdf")."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise WriteProblem(
            f"cannot write {_shown(path)} ({exc.strerror or type(exc).__name__})"
        ) from None
    name = _shown(path)
    if stat.S_ISLNK(info.st_mode):
        real = Path(os.path.realpath(path))
        try:
            info = os.stat(real)
        except OSError:
            raise WriteProblem(
                f"{name} is a link to a file that does not exist; give another file name"
            ) from None
        name = f"{name} (a link to {_shown(real)})"
        path = real
    if stat.S_ISDIR(info.st_mode):
        raise WriteProblem(f"{name} is a folder; give {example}")
    if not stat.S_ISREG(info.st_mode):
        raise WriteProblem(
            f"{name} is not an ordinary file (a device, pipe or socket), so nothing was "
            "written to it; give a file name"
        )
    return path


def write_atomically(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder, then rename it over
    `path`: a reader never sees a half-written file, and nothing is left in a system temp
    folder. A failure removes the temporary file and raises WriteProblem.

    Only regular files are written (see `writable_target`): a device, pipe, socket or folder
    at `path` is refused before anything is written, and a symbolic link is followed to the
    file it points to (which is replaced; the link stays).

    A new file is readable by its owner only (it holds personal data): the temporary file is
    made 0600 by mkstemp, whatever the umask. A file that is replaced keeps its permissions.
    Returns `path` as given."""
    given = Path(path)
    folder = given.parent if str(given.parent) else Path(".")
    if not folder.is_dir():
        raise WriteProblem(f"the folder {_shown(folder)} does not exist")
    example = f"a file name ending in {given.suffix}" if given.suffix else "a file name"
    target = writable_target(given, example)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise WriteProblem(
            f"cannot write in {_shown(folder)} ({exc.strerror or type(exc).__name__})"
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            with contextlib.suppress(FileNotFoundError):  # a file written over keeps its mode
                os.chmod(temp_name, stat.S_IMODE(os.stat(target).st_mode))
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # Checked again just before the rename: something may have been put there meanwhile.
        writable_target(target, example)
        os.replace(temp_name, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise WriteProblem(
            f"cannot write {_shown(given)} ({exc.strerror or type(exc).__name__})"
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    return given
