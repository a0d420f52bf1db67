"""Issue 15 point 2: `write_atomically`, the one writer for every PDF, export and saved layout
(command line and window), writes regular files only. A new file is 0600 whatever the umask,
a file written over keeps its mode, and a device, pipe, socket or folder is refused before
anything is written: as root, `--out /dev/full` had replaced the device node with a PDF."""

import os
import socket
import stat

import pytest

from desktop.printing.common import WriteProblem, writable_target, write_atomically

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes, FIFOs and devices")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


@posix_only
def test_a_new_file_is_owner_only(tmp_path, umask):
    out = write_atomically(tmp_path / "report.pdf", b"%PDF fictional")
    assert mode(out) == 0o600
    assert out.read_bytes() == b"%PDF fictional"
    assert listing(tmp_path) == ["report.pdf"]


@posix_only
@pytest.mark.parametrize("old_mode", [0o644, 0o640, 0o600])
def test_a_file_written_over_keeps_its_mode(tmp_path, old_mode):
    out = tmp_path / "copy.json"
    out.write_bytes(b"old")
    os.chmod(out, old_mode)
    write_atomically(out, b"new")
    assert out.read_bytes() == b"new"
    assert mode(out) == old_mode


@posix_only
def test_a_link_to_a_regular_file_writes_that_file_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.pdf"
    real.write_bytes(b"old")
    os.chmod(real, 0o640)
    link = tmp_path / "latest.pdf"
    link.symlink_to(real)
    write_atomically(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert mode(real) == 0o640
    assert listing(tmp_path) == ["latest.pdf", "real.pdf"]


def _fifo(path):
    os.mkfifo(path)


def _socket(path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()


def _device(path):
    try:  # a /dev/null-like node of our own: never the real /dev/full
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")


@posix_only
@pytest.mark.parametrize("make", [_fifo, _socket, _device], ids=["fifo", "socket", "device"])
@pytest.mark.parametrize("through_link", [False, True], ids=["direct", "through-a-link"])
def test_anything_but_a_regular_file_is_refused_and_left_as_it_was(tmp_path, make, through_link):
    special = tmp_path / "special"
    make(special)
    before = os.lstat(special)
    target = special
    if through_link:
        target = tmp_path / "out.pdf"
        target.symlink_to(special)
    with pytest.raises(WriteProblem, match="is not an ordinary file"):
        write_atomically(target, b"%PDF fictional")
    after = os.lstat(special)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode,
        before.st_ino,
        before.st_rdev,
    )
    assert not any(name.endswith(".part") for name in listing(tmp_path))  # nothing left over


@posix_only
def test_a_link_to_nothing_and_a_folder_are_refused(tmp_path):
    dangling = tmp_path / "out.pdf"
    dangling.symlink_to(tmp_path / "nowhere" / "x.pdf")
    with pytest.raises(WriteProblem, match="a link to a file that does not exist"):
        write_atomically(dangling, b"x")
    (tmp_path / "folder.pdf").mkdir()
    with pytest.raises(WriteProblem, match="is a folder"):
        write_atomically(tmp_path / "folder.pdf", b"x")
    assert listing(tmp_path) == ["folder.pdf", "out.pdf"]


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(WriteProblem, match="does not exist"):
        write_atomically(tmp_path / "no" / "such" / "report.pdf", b"x")


def test_writable_target_is_the_path_itself_when_nothing_is_there(tmp_path):
    assert writable_target(tmp_path / "new.pdf") == tmp_path / "new.pdf"


@posix_only
def test_the_messages_escape_control_characters_in_the_name(tmp_path):
    special = tmp_path / "bad\x1b[31m\u202e.pdf"
    os.mkfifo(special)
    with pytest.raises(WriteProblem) as info:
        write_atomically(special, b"x")
    assert "\x1b" not in str(info.value) and "\u202e" not in str(info.value)
    assert "\\u001b[31m\\u202e.pdf" in str(info.value)
