"""The data the app reads at run time (resources/: figures, checklists, bank layouts, fonts,
content keys; db/migrations/: Alembic) sits at the top of the checkout and travels inside the
package everywhere else. Proved here for the three ways the app is installed:

1. a source tree or editable install (`make run`, `make test`): the top-level folders;
2. a wheel (and so `pip install .`): built from a copy of the checkout, every data file is in it at
   desktop/resources/... and desktop/migrations/..., and the unpacked wheel finds its own copy;
3. the PyInstaller bundle: the spec's datas put every data file at the same place
   (tests/installers/test_bundle.py builds the bundle and runs its self-test).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import desktop
from desktop import selftest

ROOT = desktop.PROJECT_ROOT
#: The data folders in the checkout, and where a wheel and the bundle put them.
DATA = (
    (ROOT / "resources", "desktop/resources"),
    (ROOT / "db" / "migrations", "desktop/migrations"),
)


def _pyproject() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["tool"]["setuptools"]


def _data_files(folder: Path) -> list[str]:
    """Every file under `folder` (caches left out), relative, with forward slashes."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def _expected_in_package() -> set[str]:
    """Every data file as a wheel or the bundle must hold it: desktop/resources/rules/fees.toml."""
    return {f"{inside}/{name}" for folder, inside in DATA for name in _data_files(folder)}


def _glob(pattern: str) -> re.Pattern:
    """setuptools' package-data glob: `**/` any folders, `*` within one name."""
    parts = re.split(r"(\*\*/|\*)", pattern)
    regex = "".join(
        "(?:.*/)?" if p == "**/" else "[^/]*" if p == "*" else re.escape(p) for p in parts
    )
    return re.compile(regex + r"\Z")


# ---- 1. the source tree and an editable install ----------------------------------------------


def test_the_checkout_keeps_its_data_at_the_top_level():
    """The layout the product was specified with: resources/ and db/migrations/ at the top."""
    assert desktop.PACKAGE_DIR == ROOT / "desktop"
    assert desktop.RESOURCES_DIR == ROOT / "resources"
    assert desktop.MIGRATIONS_DIR == ROOT / "db" / "migrations"
    # (A cache folder left behind by the move may remain; no data file does.)
    assert not (ROOT / "desktop" / "resources" / "content_version.toml").exists()
    assert not (ROOT / "desktop" / "migrations" / "env.py").exists()
    for needed in ("rules/fees.toml", "checklists/_phrases.toml", "bank_formats/monzo.toml"):
        assert (desktop.RESOURCES_DIR / needed).is_file(), needed
    assert (desktop.RESOURCES_DIR / "fonts" / "NotoNaskhArabic-Regular.ttf").is_file()
    assert (desktop.MIGRATIONS_DIR / "env.py").is_file()
    assert selftest.missing_data() == []


def test_a_whole_copy_inside_the_package_wins_else_the_checkout(tmp_path):
    package = tmp_path / "site" / "desktop"
    (package / "resources").mkdir(parents=True)
    (package / "migrations" / "__pycache__").mkdir(parents=True)
    # Only a cache left behind inside the package: the checkout's folders are used.
    assert desktop.data_folders(package) == (
        tmp_path / "site" / "resources",
        tmp_path / "site" / "db" / "migrations",
    )
    (package / "resources" / "content_version.toml").write_text("")
    (package / "migrations" / "env.py").write_text("")
    # A whole copy inside the package (wheel, bundle) wins over any top-level resources/.
    (tmp_path / "site" / "resources").mkdir()
    assert desktop.data_folders(package) == (package / "resources", package / "migrations")


def _is_editable_install_of_this_checkout() -> bool:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        raw = distribution("dropin-desk").read_text("direct_url.json") or "{}"
    except PackageNotFoundError:
        return False
    info = json.loads(raw)
    return bool(info.get("dir_info", {}).get("editable")) and info.get("url", "").rstrip(
        "/"
    ) == ROOT.as_uri().rstrip("/")


#: Run in a fresh interpreter: where `desktop` and its data come from, and that they work.
PROBE = """
import json, desktop
from desktop.assess import load_checklists, load_figures
from desktop.store.database import known_revisions
from desktop.printing.handout import fonts_dir
from desktop.selftest import missing_data
print(json.dumps({
    "package": str(desktop.PACKAGE_DIR),
    "resources": str(desktop.RESOURCES_DIR),
    "migrations": str(desktop.MIGRATIONS_DIR),
    "fonts": str(fonts_dir()),
    "checklists": len(load_checklists()),
    "figures": bool(load_figures()),
    "revisions": sorted(known_revisions()),
    "missing": missing_data(),
}))
"""


def _probe(cwd: Path, pythonpath: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _revisions() -> list[str]:
    names = _data_files(ROOT / "db" / "migrations" / "versions")
    return sorted(name.split("_", 1)[0] for name in names if name.endswith(".py"))


def test_an_editable_install_or_source_run_finds_the_data(tmp_path):
    """From another folder, through the editable install `make` sets up (or the checkout on
    PYTHONPATH where there is none): the top-level folders are read."""
    editable = _is_editable_install_of_this_checkout()
    found = _probe(tmp_path, None if editable else str(ROOT))
    assert found["package"] == str(ROOT / "desktop")
    assert found["resources"] == str(ROOT / "resources")
    assert found["migrations"] == str(ROOT / "db" / "migrations")
    assert found["fonts"] == str(ROOT / "resources" / "fonts")
    assert found["checklists"] > 10 and found["figures"]
    assert found["revisions"] == _revisions()
    assert found["missing"] == []


# ---- 2. the wheel ----------------------------------------------------------------------------


def test_the_package_list_names_every_code_and_data_folder():
    """pyproject.toml names its packages (the data folders are packages only by the
    package-dir mapping), so a new folder must be added there or the wheel lacks it."""
    config = _pyproject()
    assert config["package-dir"] == {
        "desktop.resources": "resources",
        "desktop.migrations": "db/migrations",
    }
    expected = {"desktop"}
    for base, name in (
        (ROOT / "desktop", "desktop"),
        (ROOT / "resources", "desktop.resources"),
        (ROOT / "db" / "migrations", "desktop.migrations"),
    ):
        expected.add(name)
        for folder in base.rglob("*"):
            if "__pycache__" not in folder.parts and any(p.is_file() for p in folder.glob("*")):
                expected.add(".".join([name, *folder.relative_to(base).parts]))
    missing = sorted(expected - set(config["packages"]))
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"
    assert not sorted(set(config["packages"]) - expected)


def test_every_data_file_is_named_by_the_package_data():
    """Quick static check (the wheel below is the proof): each file matches a glob."""
    package_data = _pyproject()["package-data"]
    unmatched = []
    for folder, package in (
        (ROOT / "resources", "desktop.resources"),
        (ROOT / "db" / "migrations", "desktop.migrations"),
    ):
        patterns = [_glob(p) for p in package_data[package]]
        files = _data_files(folder)
        unmatched += [f for f in files if not any(p.match(f) for p in patterns)]
    assert len(_expected_in_package()) > 30
    assert not unmatched, unmatched


def _can_build_a_wheel() -> bool:
    """setuptools >= 70.1 builds wheels itself; older ones need the `wheel` package."""
    return bool(
        importlib.util.find_spec("wheel")
        or importlib.util.find_spec("setuptools.command.bdist_wheel")
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[set[str], Path]:
    """(names in the wheel, the wheel unpacked as pip installs it), built offline from a copy
    of the checkout with the setuptools installed here, so nothing is left in the work tree.

    Where this setuptools cannot write a wheel (65.x without the `wheel` package), the same
    setuptools step that fills the wheel (build_py: packages, package-dir, package-data) runs
    into a folder instead, and that folder stands for the unpacked wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    copy = tmp / "checkout"
    copy.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("desktop", "resources", "db"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, copy / name)
    site = tmp / "site"
    if _can_build_a_wheel():
        script = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
        command = [sys.executable, "-c", script, str(tmp / "dist")]
    else:
        command = [sys.executable, "-c", "from setuptools import setup; setup()"]
        command += ["-q", "build_py", "--build-lib", str(site)]
    result = subprocess.run(command, cwd=copy, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    if _can_build_a_wheel():
        built = tmp / "dist" / result.stdout.strip().splitlines()[-1]
        with zipfile.ZipFile(built) as archive:
            names = set(archive.namelist())
            archive.extractall(site)
    else:
        names = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    return names, site


def test_every_data_file_is_in_the_wheel_inside_the_package(wheel):
    names, _site = wheel
    expected = _expected_in_package()
    assert "desktop/resources/rules/fees.toml" in expected
    assert "desktop/migrations/versions/0001_clients_and_history.py" in expected
    missing = sorted(expected - names)
    assert not missing, f"not in the wheel: {missing}"
    # Nothing at the top level of site-packages, and no other file in the data folders.
    assert not [n for n in names if n.startswith(("resources/", "db/"))]
    extra = sorted(n for n in names if n.startswith(("desktop/resources/", "desktop/migrations/")))
    assert extra == sorted(expected)
    assert not [n for n in names if n.endswith((".key", ".pem"))]


def test_every_module_is_in_the_wheel(wheel):
    names, _site = wheel
    modules = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "desktop").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert "desktop/store/database.py" in modules
    assert not sorted(modules - names)


def test_the_installed_wheel_reads_its_own_data(wheel, tmp_path):
    """Unpacked as pip installs it, the package reads the copy inside it: not the checkout,
    not a stray top-level resources/ in site-packages."""
    _names, site = wheel
    (site / "resources").mkdir(exist_ok=True)
    found = _probe(tmp_path, str(site))
    inside = site / "desktop"
    assert found["package"] == str(inside)
    assert found["resources"] == str(inside / "resources")
    assert found["migrations"] == str(inside / "migrations")
    assert found["fonts"] == str(inside / "resources" / "fonts")
    assert found["checklists"] > 10 and found["figures"]
    assert found["revisions"] == _revisions()
    assert found["missing"] == []


# ---- 3. the PyInstaller bundle ---------------------------------------------------------------


def _spec_datas(monkeypatch) -> list[tuple[str, str]]:
    """The `datas` the spec gives PyInstaller's Analysis, read by running the spec with
    PyInstaller's build steps replaced by recorders (no build, no module scan)."""
    pytest.importorskip("PyInstaller")
    import PyInstaller.utils.hooks as hooks

    monkeypatch.setattr(hooks, "collect_submodules", lambda *args, **kwargs: [])
    monkeypatch.setattr(sys, "path", list(sys.path))
    recorded: dict = {}

    class Analysis:
        def __init__(self, scripts, **kwargs):
            recorded.update(kwargs)
            self.binaries, self.datas, self.pure, self.scripts = [], [], [], []

    def nothing(*args, **kwargs):
        return None

    spec = ROOT / "installers" / "dropin-desk.spec"
    namespace = {
        "__name__": "__main__",
        "__file__": str(spec),
        "SPECPATH": str(spec.parent),
        "Analysis": Analysis,
        "PYZ": nothing,
        "EXE": nothing,
        "COLLECT": nothing,
        "BUNDLE": nothing,
    }
    exec(compile(spec.read_text(encoding="utf-8"), str(spec), "exec"), namespace)
    return recorded["datas"]


def test_the_bundle_spec_collects_every_data_file_inside_the_package(monkeypatch):
    datas = _spec_datas(monkeypatch)
    placed = {}
    for source, destination in datas:
        source = Path(source)
        files = [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file()]
        for path in files:
            below = path.name if path == source else path.relative_to(source).as_posix()
            placed[f"{destination.rstrip('/')}/{below}"] = path
    expected = _expected_in_package()
    missing = sorted(expected - set(placed))
    assert not missing, f"not in the bundle: {missing}"
    assert sorted(placed) == sorted(expected)
    for name, source in placed.items():
        inside, below = name.split("/", 2)[1], name.split("/", 2)[2]
        folder = desktop.RESOURCES_DIR if inside == "resources" else desktop.MIGRATIONS_DIR
        assert source.resolve() == (folder / below).resolve(), name


# ---- the self-test names missing data --------------------------------------------------------


def test_the_self_test_names_missing_data_before_any_step(monkeypatch, tmp_path):
    monkeypatch.setattr(desktop, "RESOURCES_DIR", tmp_path / "resources")
    monkeypatch.setattr(desktop, "MIGRATIONS_DIR", tmp_path / "migrations")
    printed: list[str] = []
    assert selftest.run_self_test(printed.append) == 1
    assert printed == [
        "FAILED data: not in this install: resources/content_version.toml, "
        "resources/rules/residence.toml, resources/rules/fees.toml and 9 more"
    ]
    assert str(tmp_path) not in printed[0]


# ---- the content signing key -----------------------------------------------------------------


def test_the_content_signing_public_key_reaches_the_wheel():
    """The trusted Ed25519 key(s) for content update packs are package data, so a wheel, an
    install and the bundle can check a pack; the private key never is."""
    from desktop.content import KEYS_DIR, trusted_keys

    assert KEYS_DIR.parent == desktop.RESOURCES_DIR
    keys = sorted(KEYS_DIR.glob("*.pub"))
    assert [k.name for k in keys] == ["maintainer-2026.pub"]
    patterns = [_glob(p) for p in _pyproject()["package-data"]["desktop.resources"]]
    for key in keys:
        name = key.relative_to(desktop.RESOURCES_DIR).as_posix()
        assert any(p.match(name) for p in patterns), name
    assert "maintainer-2026" in {name for name, _raw in trusted_keys().values()}
    for folder in (desktop.PACKAGE_DIR, desktop.RESOURCES_DIR):
        assert not [p for p in folder.rglob("*") if p.suffix in (".key", ".pem")]
    assert not [p for p in _pyproject()["package-data"]["desktop.resources"] if "key" in p]
    assert (desktop.RESOURCES_DIR / "content_version.toml").is_file()
