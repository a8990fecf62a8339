"""The data page on phone and desktop: a person with an observation and a photo reaches it from
their account page, starts an export, sees it ready and downloads the zip; an expired link
shows its own page. Each page fits the screen, passes axe-core and is photographed."""

import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cslab.privacy.models import PersonalDataExport
from tests.browser.conftest import DESKTOP
from tests.browser.screenshots import save_screenshot
from tests.factories import TEST_PASSWORD
from tests.privacy.export_helpers import seed_two_people

pytestmark = pytest.mark.browser

Check = Callable[[Any], None]
NARROW_PHONE = {"width": 360, "height": 780}


def _fits(page: Any) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{page.url} scrolls sideways: {widths}"


@pytest.mark.parametrize("viewport", [NARROW_PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_person_exports_their_data_from_the_account_page_and_downloads_the_zip(
    new_page: Callable[..., Any],
    assert_accessible: Check,
    viewport: dict[str, int],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.CSLAB_VAR_DIR = tmp_path / "var"
    seeded = seed_two_people()
    page = new_page(viewport=viewport)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(seeded.person.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()

    page.goto("/accounts/me/")
    page.get_by_role("link", name="Export my data").click()
    expect(page.get_by_text("You have not exported your data yet.")).to_be_visible()
    _fits(page)
    assert_accessible(page)
    save_screenshot(page, "privacy-personal-data-empty")

    page.get_by_role("button", name="Export my data").click()
    download_link = page.get_by_role("link", name="Download (zip)")
    expect(download_link).to_be_visible()
    _fits(page)
    assert_accessible(page)
    save_screenshot(page, "privacy-personal-data-ready")

    with page.expect_download() as download_info:
        download_link.click()
    zip_path = tmp_path / "download.zip"
    download_info.value.save_as(zip_path)
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
    assert "README.txt" in names and "data.json" in names
    assert any(name.startswith("media/observations/") for name in names)

    export = PersonalDataExport.objects.get(user=seeded.person)
    PersonalDataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    href = download_link.get_attribute("href")
    assert href
    response = page.goto(href)
    assert response is not None and response.status == 410
    expect(page.get_by_role("heading", name="This download link has expired")).to_be_visible()
    _fits(page)
    assert_accessible(page)
    save_screenshot(page, "privacy-personal-data-expired")
