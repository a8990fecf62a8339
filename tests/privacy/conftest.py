"""Every test of this folder writes personal-data export zips to its own temporary folder."""

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _exports_in_a_temporary_folder(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    return tmp_path / "var"
