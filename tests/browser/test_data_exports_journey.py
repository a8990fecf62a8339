"""Issue 16's journey, by visible links, on a phone and on a desktop, with axe-core on every page:
the pollinator project's researcher goes from the home page to the project's data page, maps
the form's plant question to Darwin Core's scientificName, prepares a team Darwin Core Archive,
follows the job's progress to the result's page and downloads the archive, which reads back
with python-dwca-reader as the mapping said.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from dwca.darwincore.utils import qualname  # type: ignore[import-untyped,unused-ignore]
from dwca.read import DwCAReader  # type: ignore[import-untyped,unused-ignore]
from playwright.sync_api import expect

from cslab.accounts.demo import DEMO_PASSWORD, load_demo_people
from cslab.accounts.models import User
from cslab.forms.demo import load_demo_forms
from cslab.forms.models import Form
from cslab.observations.services.observations import observation_submit
from cslab.projects.demo import load_demo_projects
from cslab.projects.models import Project
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.navigation import page_width
from tests.browser.screenshots import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]
RESEARCHER = "researcher@demo.cslab.test"


@pytest.fixture
def pollinators(settings: Any, tmp_path: Path) -> Project:
    settings.VAR_DIR = tmp_path / "var"
    load_demo_people()
    load_demo_projects()
    load_demo_forms()
    project = Project.objects.get(origin="cslab-demo", external_id="pollinators")
    form = Form.objects.filter(project=project).order_by("pk").first()
    assert form is not None
    version = form.versions.order_by("-id").first()
    observer = User.objects.get(email="volunteer@demo.cslab.test")
    for number, plant in enumerate(["lavender", "borage", "lavender"], start=1):
        observation_submit(
            actor=observer,
            form_version=version,
            instance_id=f"uuid:journey-{number}",
            answers={
                "day": f"2026-06-0{number}",
                "location": f"52.16{number} 4.49{number} 0 5",
                "plant": plant,
                "bees": number,
                "hoverflies": 0,
            },
            observed_at=datetime(2026, 6, number, 10, 0, tzinfo=UTC),
        )
    return project


def _look(page: Any, name: str, assert_accessible: Check, *, phone: bool) -> None:
    if phone:
        width = page_width(page)
        assert width <= PHONE["width"], f"{page.url} is {width} px wide"
    assert_accessible(page)
    save_screenshot(page, f"exports-{name}")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_researcher_maps_darwin_core_prepares_an_archive_and_downloads_it(
    new_page: Callable[..., Any],
    assert_accessible: Check,
    pollinators: Project,
    viewport: dict[str, int],
    tmp_path: Path,
) -> None:
    phone = viewport is PHONE
    page = new_page(viewport)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(RESEARCHER)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")

    # Home → the project (its card) → its data page.
    page.goto("/")
    page.get_by_role("link", name=pollinators.name).first.click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Download the data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download the data")
    _look(page, "data-page", assert_accessible, phone=phone)

    # The Darwin Core mapping: the plant question answers scientificName.
    page.get_by_role("link", name="Darwin Core mapping of").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Darwin Core mapping")
    _look(page, "darwin-core-mapping", assert_accessible, phone=phone)
    page.get_by_label("scientificName").select_option("plant")
    page.get_by_role("button", name="Save the mapping").click()
    expect(page.get_by_text("The Darwin Core mapping is saved.")).to_be_visible()

    # A team archive, followed on the job's page, then downloaded from the data page.
    page.get_by_label("Format").select_option("dwca")
    page.get_by_label("Team (true locations and observers)").check()
    page.get_by_role("button", name="Prepare the file").click()
    expect(page.locator("#job-progress")).to_have_attribute("value", "100", timeout=30_000)
    _look(page, "job-done", assert_accessible, phone=phone)
    page.get_by_role("link", name="Open the result’s page").click()
    download_link = page.get_by_role("link", name="Download", exact=True).first
    expect(download_link).to_be_visible()
    _look(page, "data-page-ready", assert_accessible, phone=phone)
    with page.expect_download() as download_info:
        download_link.click()
    archive_path = tmp_path / "pollinators.dwca.zip"
    download_info.value.save_as(archive_path)

    with DwCAReader(str(archive_path)) as archive:
        names = sorted(row.data[qualname("scientificName")] for row in archive)
        latitudes = {row.data[qualname("decimalLatitude")] for row in archive}
    assert names == ["Borage", "Lavender", "Lavender"]
    assert "52.161" in latitudes  # the team's file: true coordinates
