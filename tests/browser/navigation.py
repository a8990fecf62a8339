"""Following the main menu as a person does, and waiting for the page it opens.

A click on a link only starts a navigation; reading the page straight after it can
hit the old page as it is torn down (``document.documentElement`` is null then).
So every step here waits for the new address and its load event.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect


def follow_main_menu(page: Any, name: str, *, exact: bool = False) -> None:
    """From the home page, follow a link of the main menu (on a phone, open the menu first)."""
    page.goto("/")
    menu = page.get_by_role("button", name=re.compile("menu", re.IGNORECASE))
    if menu.count() and menu.first.is_visible():
        menu.first.click()
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=exact)
    target = link.get_attribute("href") or ""
    link.click()
    expect(page).to_have_url(re.compile(re.escape(target) + r"(\?.*)?$"))
    page.wait_for_load_state("load")


def page_width(page: Any) -> int:
    """The width of the laid-out page, once it has loaded."""
    page.wait_for_load_state("load")
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width
