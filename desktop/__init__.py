"""Drop-in Desk: offline desktop tool for UK immigration advice drop-in sessions."""

from pathlib import Path

__version__ = "0.1.0"

#: The data the app reads (dated figures, checklists, bank layouts, fonts) and the Alembic
#: migrations live inside the package, so a wheel, an installed copy and a PyInstaller bundle
#: all carry them (package data in pyproject.toml).
PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
#: The checkout's root (the folder holding pyproject.toml) when running from source.
PROJECT_ROOT = PACKAGE_DIR.parent
