"""Account pages by links alone, on phone and desktop: tokens, device passwords, jobs, audit log.

Each page fits the screen (no sideways scrolling), passes axe-core, and is photographed into
var/screenshots/ for people to look at.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from cslab.core.roles import SiteRole
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser

Check = Callable[[Any], None]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _fits_and_is_accessible(page: Any, assert_accessible: Check, name: str, device: str) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{page.url} scrolls sideways: {widths}"
    assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"accounts-{name}-{device}.png"), full_page=True)


@pytest.mark.parametrize(("device", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_staff_member_reaches_tokens_device_passwords_jobs_and_audit_log_by_links(
    new_page: Callable[..., Any], assert_accessible: Check, device: str, viewport: dict[str, int]
) -> None:
    staff = UserFactory(site_role=SiteRole.STAFF)
    page = new_page(viewport=viewport)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(staff.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto("/accounts/me/")
    _fits_and_is_accessible(page, assert_accessible, "account", device)

    page.get_by_role("link", name="API tokens").click()
    page.locator("main form.stacked-form input[name=name]").fill("Field laptop")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("code.token")).to_be_visible()
    expect(page.get_by_role("heading", name="Field laptop", exact=True)).to_be_visible()
    _fits_and_is_accessible(page, assert_accessible, "api-tokens", device)

    page.get_by_role("link", name="Back to your account").click()
    page.get_by_role("link", name="Device passwords (ODK Collect)").click()
    page.locator("main form.stacked-form input[name=name]").fill("Field phone")
    page.get_by_role("button", name="Create device password").click()
    expect(page.locator("code.device-password")).to_be_visible()
    expect(page.get_by_role("button", name="Revoke Field phone")).to_be_visible()
    _fits_and_is_accessible(page, assert_accessible, "device-passwords", device)

    page.get_by_role("link", name="Back to your account").click()
    # The data page (tests/browser/test_privacy_export_browser.py) starts the zip export.
    page.get_by_role("link", name="Export my data").click()
    expect(page).to_have_url(re.compile(r"/me/data/$"))
    page.get_by_role("button", name="Export my data").click()
    expect(page.get_by_role("link", name="Download (zip)")).to_be_visible()
    page.get_by_role("link", name="Back to your account").click()
    page.get_by_role("link", name="My jobs").click()
    expect(page.get_by_role("link", name="Export of my personal data")).to_be_visible()
    _fits_and_is_accessible(page, assert_accessible, "job-list", device)

    menu = page.get_by_role("button", name=re.compile("Menu", re.IGNORECASE))
    if menu.count() and menu.first.is_visible():
        menu.first.click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    # The events it just wrote are listed, newest first.
    expect(page.locator(".audit-events code").first).to_have_text(
        "privacy.personal_data_export.started"
    )
    _fits_and_is_accessible(page, assert_accessible, "audit-log", device)
