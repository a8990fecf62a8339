"""Erasing an account in the browser, from the account page's link, on phone and desktop.

/me/erase/ and /erased/ fit the screen, pass axe-core and are photographed for people to look
at (var/screenshots/erasure-*.png).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from cslab.accounts.models import User
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import save_screenshot
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser

Check = Callable[[Any], None]


def _fits_and_is_accessible(page: Any, assert_accessible: Check, name: str) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{page.url} scrolls sideways: {widths}"
    assert_accessible(page)
    save_screenshot(page, f"erasure-{name}")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_person_erases_their_account_from_the_account_page(
    new_page: Callable[..., Any], assert_accessible: Check, viewport: dict[str, int]
) -> None:
    person = UserFactory(display_name="Wren Leaving")
    page = new_page(viewport=viewport)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto("/accounts/me/")

    page.get_by_role("link", name="Erase my account").click()
    expect(page.get_by_role("heading", name="Erase my account", level=1)).to_be_visible()
    _fits_and_is_accessible(page, assert_accessible, "account-erase")
    page.get_by_label("Your password").fill("not my password")
    page.get_by_label("Type the word to confirm").fill("ERASE")
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_text("The password is not right.")).to_be_visible()
    _fits_and_is_accessible(page, assert_accessible, "account-erase-wrong-password")

    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_label("Type the word to confirm").fill("ERASE")
    page.get_by_role("button", name="Erase my account").click()

    expect(page.get_by_role("heading", name="Your account has been erased")).to_be_visible()
    _fits_and_is_accessible(page, assert_accessible, "account-erased")
    assert not User.objects.filter(email=person.email).exists()
