"""The PyInstaller bundle: built once from installers/dropin-desk.spec into a temporary folder,
then run as a volunteer would (offscreen). Skipped where PyInstaller is not installed.

Size is asserted (a size is not a timing); cold start is measured by
benchmarks/bench_bundle_start.py, never here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import desktop
from desktop.bundle_check import app_modules

pytest.importorskip("PyInstaller")

SPEC = desktop.PROJECT_ROOT / "installers" / "dropin-desk.spec"
#: The target in issue 11: the unpacked folder stays under this (150 MiB, as `du -h` counts).
MAX_BUNDLE_BYTES = 150 * 1024 * 1024
PASSPHRASE = "correct horse battery staple 11"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The bundle folder (dist/dropin-desk), built once for this module."""
    tmp = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(tmp / "dist"),
            "--workpath",
            str(tmp / "build"),
            str(SPEC),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp / "dist" / "dropin-desk"


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """A throw-away home folder, so nothing the bundle does touches a real data folder."""
    return tmp_path_factory.mktemp("home")


def run(built: Path, home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "LOCALAPPDATA": str(home / "data"),
        "QT_QPA_PLATFORM": "offscreen",
        **env,
    }
    return subprocess.run(
        [str(built / "dropin-desk"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        cwd=home,
    )


def needs_option(result: subprocess.CompletedProcess[str], option: str) -> None:
    """Skip (not pass) while desktop/cli.py does not have `option` yet."""
    if result.returncode == 2 and "unrecognized arguments" in result.stderr:
        pytest.skip(f"desktop/cli.py has no {option} yet")


def test_help_lists_the_sub_commands(built, home):
    result = run(built, home, "--help")
    assert result.returncode == 0, result.stderr
    for command in ("init", "import", "assess", "report", "annotate", "checklist"):
        assert command in result.stdout


def test_version_prints_the_package_version(built, home):
    result = run(built, home, "--version")
    needs_option(result, "--version")
    assert result.returncode == 0, result.stderr
    assert desktop.__version__ in result.stdout


def test_self_test_passes_inside_the_bundle(built, home):
    result = run(built, home, "--self-test")
    needs_option(result, "--self-test")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert not (home / "data" / "DropInDesk").exists(), "the self-test touched the data folder"


def test_every_desktop_module_imports_inside_the_bundle(built, home):
    result = run(built, home, "--check-imports")
    needs_option(result, "--check-imports")
    assert result.returncode == 0, "\n".join(
        line for line in result.stdout.splitlines() if not line.endswith(": ok")
    )
    assert f"{len(app_modules())} of {len(app_modules())} modules import" in result.stdout


def test_every_desktop_module_is_packed(built):
    """Static check, independent of the CLI: each desktop.* module is in the bundle's archive."""
    from PyInstaller.archive.readers import ZlibArchiveReader

    pyz = built.parent.parent / "build" / "dropin-desk" / "PYZ-00.pyz"
    packed = set(ZlibArchiveReader(str(pyz)).toc)
    missing = [name for name in app_modules() if name not in packed]
    assert missing == []


def test_data_files_travel_inside_the_package(built):
    """The checkout's resources/ and db/migrations/ land inside the package in the bundle
    (desktop/resources/, desktop/migrations/), where desktop.data_folders() looks first."""
    internal = built / "_internal"
    for folder, relative in (
        (desktop.RESOURCES_DIR, Path("desktop", "resources")),
        (desktop.MIGRATIONS_DIR, Path("desktop", "migrations")),
    ):
        source_files = sorted(
            p.relative_to(folder)
            for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        )
        assert source_files, f"nothing in {folder}"
        for path in source_files:
            assert (internal / relative / path).is_file(), f"{relative / path} is not in the bundle"
    # The markers desktop.data_folders() checks, so the bundle never looks beside _internal/.
    assert (internal / "desktop" / "resources" / "content_version.toml").is_file()
    assert (internal / "desktop" / "migrations" / "env.py").is_file()
    assert not (internal / "resources").exists() and not (internal / "db").exists()


def test_store_and_checklist_work_from_the_bundle(built, home):
    """The encrypted store (sqlcipher3, argon2, Alembic migrations) and a handout (fpdf2,
    uharfbuzz, fonts) work from the bundled binary, not only from a checkout."""
    data = home / "store-check"
    created = run(built, home, "init", "--data-dir", str(data), DROPIN_DESK_PASSPHRASE=PASSPHRASE)
    assert created.returncode == 0, created.stderr
    assert any(data.iterdir())
    listed = run(built, home, "checklist", "--list")
    assert listed.returncode == 0, listed.stderr
    route = listed.stdout.split()[0]
    pdf = home / "handout.pdf"
    made = run(built, home, "checklist", route, "--out", str(pdf))
    assert made.returncode == 0, made.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


def test_unused_qt_parts_are_left_out(built):
    internal = built / "_internal"
    names = {p.name for p in internal.rglob("*")}
    for unwanted in ("libQt6Qml.so.6", "libQt6Quick.so.6", "libQt6Network.so.6", "libqgtk3.so"):
        assert unwanted not in names
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    assert not (internal / "PySide6" / "Qt" / "qml").exists()
    assert not (internal / "lxml").exists()
    assert (internal / "PySide6" / "Qt" / "plugins" / "platforms" / "libqoffscreen.so").exists()
    assert (internal / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so").exists()


def test_unpacked_size_is_under_150_mb(built):
    size = sum(p.stat().st_size for p in built.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < MAX_BUNDLE_BYTES, f"{size / 1024 / 1024:.1f} MB unpacked"
