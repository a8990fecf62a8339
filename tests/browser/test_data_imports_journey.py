"""Issue 16's import journey, by visible links, on a phone and on a desktop, with axe-core on
every page: the pollinator project's researcher goes from the project to its data page, uploads
a CSV of counts, checks the suggested mapping, runs the dry run, reads each bad row's problem,
imports the valid rows and reads the result.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from cslab.accounts.demo import DEMO_PASSWORD, load_demo_people
from cslab.forms.demo import load_demo_forms
from cslab.observations.models import Observation
from cslab.projects.demo import load_demo_projects
from cslab.projects.models import Project
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.navigation import page_width
from tests.browser.screenshots import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]
RESEARCHER = "researcher@demo.cslab.test"
COUNTS = (
    "id;day;plant;bees;hoverflies;lat;lon\n"
    "walk-1;2026-06-01;lavender;4;1;52,161;4,491\n"
    "walk-2;02-06-2026;Borage;2;0;52,162;4,492\n"
    "walk-3;2026-06-03;lavender;many;0;52,163;4,493\n"
)


@pytest.fixture
def pollinators(settings: Any, tmp_path: Path) -> Project:
    settings.VAR_DIR = tmp_path / "var"
    load_demo_people()
    load_demo_projects()
    load_demo_forms()
    return Project.objects.get(origin="cslab-demo", external_id="pollinators")


def _look(page: Any, name: str, assert_accessible: Check, *, phone: bool) -> None:
    if phone:
        width = page_width(page)
        assert width <= PHONE["width"], f"{page.url} is {width} px wide"
    assert_accessible(page)
    save_screenshot(page, f"imports-{name}")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_researcher_imports_the_valid_rows_of_a_csv_after_a_dry_run(
    new_page: Callable[..., Any],
    assert_accessible: Check,
    pollinators: Project,
    viewport: dict[str, int],
    tmp_path: Path,
) -> None:
    phone = viewport is PHONE
    counts = tmp_path / "counts.csv"
    counts.write_text(COUNTS, encoding="utf-8")
    page = new_page(viewport)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(RESEARCHER)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")

    # The project → its data page → the imports page.
    page.goto(pollinators.get_absolute_url())
    page.get_by_role("link", name="Download the data").click()
    page.get_by_role("link", name="Import observations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import observations")
    _look(page, "upload", assert_accessible, phone=phone)

    page.get_by_label("CSV (UTF-8").check()
    page.locator("input[type=file]").set_input_files(str(counts))
    page.get_by_role("button", name="Upload and map the columns").click()

    # The mapping the page suggests from the headers, with the file's first rows.
    expect(page.get_by_role("heading", level=1)).to_have_text("Map the columns")
    expect(page.get_by_label("Wild bees in 15 minutes (bees)")).to_have_value("bees")
    expect(page.get_by_label("ID column")).to_have_value("id")
    _look(page, "mapping", assert_accessible, phone=phone)
    page.get_by_role("button", name="Save and check every row (dry run)").click()

    # The dry run's job, then its report: one bad row, nothing stored yet.
    expect(page.locator("#job-progress")).to_have_attribute("value", "100", timeout=30_000)
    _look(page, "dry-run-job", assert_accessible, phone=phone)
    page.get_by_role("link", name="Open the result’s page").click()
    expect(page.get_by_role("heading", name="Dry run")).to_be_visible()
    expect(page.get_by_role("cell", name="Give a whole number.")).to_be_visible()
    _look(page, "dry-run-report", assert_accessible, phone=phone)
    assert not Observation.objects.filter(project=pollinators).exists()

    page.get_by_role("button", name="Import the 2 valid rows").click()
    expect(page.locator("#job-progress")).to_have_attribute("value", "100", timeout=30_000)
    page.get_by_role("link", name="Open the result’s page").click()
    expect(page.get_by_role("heading", name="What was imported")).to_be_visible()
    _look(page, "result", assert_accessible, phone=phone)

    stored = Observation.objects.filter(project=pollinators, instance_id__startswith="import:")
    assert sorted(stored.values_list("answers__plant", flat=True)) == ["borage", "lavender"]
