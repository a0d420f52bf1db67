"""Where the store lives by default: the per-user data folder from platformdirs."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "DropInDesk"


def default_data_dir() -> Path:
    override = os.environ.get("DROPIN_DESK_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
