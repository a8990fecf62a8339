"""Screenshots of the pages people pass on their journeys, for a person to look at (issue 11).

Browser tests call `save_screenshot(page, "volunteer-project-page")`; the file lands in
`var/screenshots/<name>-<phone|desktop>.png` (the viewport's width decides), overwritten by each run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE_MAX_WIDTH = 600


def save_screenshot(page: Any, name: str) -> Path:
    width = (page.viewport_size or {}).get("width", 0)
    kind = "phone" if width and width <= PHONE_MAX_WIDTH else "desktop"
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}-{kind}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
