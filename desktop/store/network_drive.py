"""Is the data folder on a network drive? (issue 15 point 2)

SQLite's locks do not work reliably over network file systems, and a shared folder lets a
second computer open the store at the same time: the one-instance lock only sees this
computer. The window warns; nothing is refused (a mapped drive can be the only place an
adviser may keep data).

- Linux: the file system type of the mount holding the folder, from /proc/self/mountinfo
  (nfs, cifs, smb3, sshfs, 9p, ...).
- Windows: a UNC path (\\\\server\\share), or GetDriveTypeW of its drive is DRIVE_REMOTE
  (a mapped network drive).
- macOS: statfs's f_fstypename (nfs, smbfs, afpfs, webdav, ...) or a mount without MNT_LOCAL.

Any failure to tell is "not known to be a network drive": None, never an exception.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: File system types that are network (or remote, FUSE-over-network) file systems.
NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "afpfs",
        "coda",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "ocfs2",
        "gfs2",
        "davfs",
        "webdav",
        "ftp",
        "sshfs",
        "fuse.sshfs",
        "fuse.glusterfs",
        "fuse.cephfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "fuse.smbnetfs",
        "fuse.curlftpfs",
    }
)

WARNING = (
    "The data folder ({folder}) is on a network drive ({kind}). Drop-in Desk cannot stop "
    "another computer opening the store at the same time, and the database's locks are not "
    "reliable over a network: records can be lost or damaged. Keep the data folder on this "
    "computer's own disk, and back up to the network drive instead."
)


def is_network_fs_type(fs_type: str) -> bool:
    fs_type = fs_type.lower()
    return fs_type in NETWORK_FS_TYPES or fs_type.startswith(("nfs", "smb", "cifs"))


def _unescape_mountinfo(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash in paths as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def fs_type_from_mountinfo(mountinfo: str, path: str) -> str | None:
    """The file system type of the mount holding `path` (an absolute, resolved path): the
    mount point that is the longest prefix of it wins (later mounts over earlier ones)."""
    best: tuple[int, str] | None = None
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right.split():
            continue
        mount_point = _unescape_mountinfo(fields[4])
        prefix = mount_point.rstrip("/") + "/"
        if path == mount_point or path.startswith(prefix):
            length = len(mount_point)
            if best is None or length >= best[0]:
                best = (length, right.split()[0])
    return best[1] if best else None


def _linux_kind(folder: Path) -> str | None:
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as fh:
            text = fh.read(4 * 1024 * 1024)
    except OSError:
        return None
    fs_type = fs_type_from_mountinfo(text, str(folder))
    return fs_type if fs_type and is_network_fs_type(fs_type) else None


def windows_kind(path: str, drive_type=None) -> str | None:  # noqa: ANN001 - a callable
    r"""UNC paths (\\server\share, \\?\UNC\server\share) and mapped network drives."""
    normal = path.replace("/", "\\")
    if normal.upper().startswith("\\\\?\\UNC\\") or (
        normal.startswith("\\\\") and not normal.startswith(("\\\\?\\", "\\\\.\\"))
    ):
        return "a network share"
    drive = os.path.splitdrive(normal)[0]
    if not drive:
        return None
    if drive_type is None:
        import ctypes

        drive_type = ctypes.windll.kernel32.GetDriveTypeW  # type: ignore[attr-defined]
    drive_remote = 4
    return "a mapped network drive" if drive_type(drive + "\\") == drive_remote else None


def _macos_kind(folder: Path) -> str | None:
    import ctypes
    import ctypes.util

    class Statfs(ctypes.Structure):  # struct statfs (64-bit inodes), <sys/mount.h>
        _fields_ = [
            ("f_bsize", ctypes.c_uint32),
            ("f_iosize", ctypes.c_int32),
            ("f_blocks", ctypes.c_uint64),
            ("f_bfree", ctypes.c_uint64),
            ("f_bavail", ctypes.c_uint64),
            ("f_files", ctypes.c_uint64),
            ("f_ffree", ctypes.c_uint64),
            ("f_fsid", ctypes.c_int32 * 2),
            ("f_owner", ctypes.c_uint32),
            ("f_type", ctypes.c_uint32),
            ("f_flags", ctypes.c_uint32),
            ("f_fssubtype", ctypes.c_uint32),
            ("f_fstypename", ctypes.c_char * 16),
            ("f_mntonname", ctypes.c_char * 1024),
            ("f_mntfromname", ctypes.c_char * 1024),
            ("f_flags_ext", ctypes.c_uint32),
            ("f_reserved", ctypes.c_uint32 * 7),
        ]

    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    statfs = getattr(libc, "statfs$INODE64", None) or libc.statfs
    buf = Statfs()
    if statfs(os.fsencode(str(folder)), ctypes.byref(buf)) != 0:
        return None
    fs_type = buf.f_fstypename.decode("ascii", "replace")
    mnt_local = 0x00001000
    if is_network_fs_type(fs_type):
        return fs_type
    return fs_type if not buf.f_flags & mnt_local and fs_type not in ("devfs", "autofs") else None


def network_drive_kind(folder: Path | str) -> str | None:
    """What kind of network drive holds `folder` ("nfs4", "cifs", "a mapped network
    drive"...), or None when it is local or cannot be told."""
    try:
        folder = Path(folder).resolve()
        if sys.platform.startswith("linux"):
            return _linux_kind(folder)
        if os.name == "nt":
            return windows_kind(str(folder))
        if sys.platform == "darwin":
            return _macos_kind(folder)
    except (OSError, ValueError, AttributeError, TypeError):
        return None
    return None


def network_drive_warning(folder: Path | str) -> str | None:
    """The sentence to show when `folder` is on a network drive; None otherwise."""
    kind = network_drive_kind(folder)
    if kind is None:
        return None
    return WARNING.format(folder=Path(folder), kind=kind)
