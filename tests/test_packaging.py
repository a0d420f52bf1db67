"""Everything the app reads at run time is inside the package and named by its package data,
so a wheel, an installed copy and a bundle carry it (`pip install .` then `--self-test`)."""

import re
import tomllib
from pathlib import Path

import desktop

ROOT = Path(desktop.__file__).resolve().parent


def _package_data() -> list[str]:
    with (desktop.PROJECT_ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["tool"]["setuptools"]["package-data"]["desktop"]


def _glob(pattern: str) -> re.Pattern:
    """setuptools' package-data glob: `**/` any folders, `*` within one name."""
    parts = re.split(r"(\*\*/|\*)", pattern)
    regex = "".join(
        "(?:.*/)?" if p == "**/" else "[^/]*" if p == "*" else re.escape(p) for p in parts
    )
    return re.compile(regex + r"\Z")


def test_resources_and_migrations_live_in_the_package():
    assert desktop.RESOURCES_DIR.parent == ROOT and desktop.MIGRATIONS_DIR.parent == ROOT
    for needed in ("rules/fees.toml", "checklists/_phrases.toml", "bank_formats/monzo.toml"):
        assert (desktop.RESOURCES_DIR / needed).is_file(), needed
    assert (desktop.RESOURCES_DIR / "fonts" / "NotoNaskhArabic-Regular.ttf").is_file()
    assert (desktop.MIGRATIONS_DIR / "env.py").is_file()


def test_every_data_file_is_named_by_the_package_data():
    patterns = [_glob(p) for p in _package_data()]
    files = [
        p.relative_to(ROOT)
        for folder in (desktop.RESOURCES_DIR, desktop.MIGRATIONS_DIR)
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert len(files) > 30
    missing = [f.as_posix() for f in files if not any(p.match(f.as_posix()) for p in patterns)]
    assert not missing, missing


def test_the_content_signing_public_key_reaches_the_wheel():
    """The trusted Ed25519 key(s) for content update packs are package data, so a wheel, an
    install and the bundle can check a pack; the private key never is."""
    from desktop.content import KEYS_DIR, trusted_keys

    assert KEYS_DIR.parent == desktop.RESOURCES_DIR
    keys = sorted(KEYS_DIR.glob("*.pub"))
    assert [k.name for k in keys] == ["maintainer-2026.pub"]
    patterns = [_glob(p) for p in _package_data()]
    for key in keys:
        name = key.relative_to(ROOT).as_posix()
        assert any(p.match(name) for p in patterns), name
    assert "maintainer-2026" in {name for name, _raw in trusted_keys().values()}
    assert not [p for p in ROOT.rglob("*.key")]
    assert (desktop.RESOURCES_DIR / "content_version.toml").is_file()
