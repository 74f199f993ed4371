"""Where cogtrain's files live: bundled assets, and the per-user data folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
FONTS_DIR = ASSETS_DIR / "fonts"
PROFILES_DIR = PROJECT_ROOT / "profiles"

APP_NAME = "cogtrain"


def user_data_dir() -> Path:
    """The per-user folder holding the database (created on first use)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def staff_documents_dir() -> Path:
    """Where the staff screens save reports and exports: the user's documents folder."""
    return Path(platformdirs.user_documents_dir()) / APP_NAME
