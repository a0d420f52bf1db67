"""Drop-in Desk: offline desktop tool for UK immigration advice drop-in sessions."""

from pathlib import Path

__version__ = "0.1.0"

#: Repository root when running from a checkout; resources/ and db/ live beside the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES_DIR = PROJECT_ROOT / "resources"
MIGRATIONS_DIR = PROJECT_ROOT / "db" / "migrations"
