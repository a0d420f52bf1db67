"""Drop-in Desk: offline desktop tool for UK immigration advice drop-in sessions."""

from pathlib import Path

__version__ = "0.1.0"

#: The package folder, and the checkout's root (the folder holding pyproject.toml) when
#: running from source or an editable install.
PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def data_folders(package_dir: Path) -> tuple[Path, Path]:
    """(resources, migrations): the data the app reads (dated figures, checklists, bank
    layouts, fonts, content keys) and the Alembic migrations.

    In a checkout (and so an editable install) they are the top-level `resources/` and
    `db/migrations/`. A wheel, an installed copy and the PyInstaller bundle carry them inside
    the package as `desktop/resources/` and `desktop/migrations/` (pyproject.toml maps the
    packages `desktop.resources` and `desktop.migrations` to the top-level folders;
    installers/dropin-desk.spec copies them there). The copy inside the package wins when it
    is whole (its marker file is there), so a stray top-level `resources/` beside an installed
    package is never read."""
    root = package_dir.parent
    found = []
    for inside, in_checkout, marker in (
        ("resources", "resources", "content_version.toml"),
        ("migrations", "db/migrations", "env.py"),
    ):
        packaged = package_dir / inside
        found.append(packaged if (packaged / marker).is_file() else root / in_checkout)
    return found[0], found[1]


RESOURCES_DIR, MIGRATIONS_DIR = data_folders(PACKAGE_DIR)
