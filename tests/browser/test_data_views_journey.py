"""The data views in a real browser, at a phone's and a desktop's width, axe-core on every page:
a researcher goes from the project's data to the table (answer columns, photos), the photo
gallery and the map (issue 11, item 15); a volunteer finds their observation, with its photo
and answers, and their classifications under "My contributions" (item 13)."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from cslab.classification.models import Classification
from cslab.core.roles import ProjectRole
from cslab.forms.answers import Location
from cslab.media.services import media_attach
from cslab.observations.services.observations import observation_submit
from tests.browser.conftest import DESKTOP, PHONE
from tests.classification.helpers import make_workflow
from tests.collection.test_observation_views import publish_birds
from tests.factories import TEST_PASSWORD, UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
PHOTO = "1714550000000.jpg"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (640, 480), (90, 140, 60))
    image.paste((150, 110, 200), (200, 150, 420, 330))
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def _lab() -> dict[str, Any]:
    """A public project with a researcher, a volunteer's observation with a photo and their
    classifications."""
    researcher, volunteer = UserFactory(), UserFactory()
    project = ProjectFactory(public=True, name="Garden pollinators")
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)
    MembershipFactory(project=project, user=volunteer, role=ProjectRole.MEMBER)
    observation, _created = observation_submit(
        actor=volunteer,
        form_version=publish_birds(project),
        instance_id="uuid:browser-1",
        answers={"species": "wren", "count": 3, "notes": "In the hedge", "photo": PHOTO},
        location=Location(52.09, 5.12, 8.0),
    )
    media_attach(
        actor=volunteer,
        observation=observation,
        name=PHOTO,
        uploaded_file=SimpleUploadedFile(PHOTO, _jpeg(), content_type="image/jpeg"),
    )
    workflow, subjects, _owner = make_workflow(subjects=2, project=project)
    for subject in subjects:
        Classification.objects.create(
            workflow=workflow, subject=subject, volunteer=volunteer, answers={"T0": "bee"}
        )
    return {
        "project": project,
        "researcher": researcher,
        "volunteer": volunteer,
        "observation": observation,
        "workflow": workflow,
    }


def _log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def _looked_at(page: Any, name: str, size: str, check: Any) -> None:
    """axe-core finds nothing, the page fits the width, and a screenshot is kept."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"dataviews-{name}-{size}.png"), full_page=True)
    check(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """limit => [...document.querySelectorAll('body *')]
            .filter(element => element.getBoundingClientRect().right > limit + 1)
            .slice(0, 5).map(element => element.tagName + '.' + element.className)""",
        page.viewport_size["width"],
    )
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide: {wide}"


def _shows(image: Any) -> bool:
    """Whether the image loaded (scrolled to first: photos load lazily)."""
    image.scroll_into_view_if_needed()
    shown: bool = image.evaluate(
        """image => image.complete ? image.naturalWidth > 0 : new Promise(done => {
            image.addEventListener("load", () => done(image.naturalWidth > 0));
            image.addEventListener("error", () => done(false));
        })"""
    )
    return shown


def _follow(page: Any, name: str) -> None:
    """Follow a visible link by its words (opening the phone menu first when it is folded)."""
    link = page.get_by_role("link", name=name, exact=True).first
    if not link.is_visible():
        page.get_by_role("button", name="Menu").click()
    link.click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_researcher_goes_from_the_project_to_the_table_the_gallery_and_the_map(
    new_page: Any, assert_accessible: Any, size: str
) -> None:
    lab = _lab()
    page = new_page(VIEWPORTS[size])
    _log_in(page, lab["researcher"].email)
    page.goto(f"/projects/{lab['project'].slug}/")

    _follow(page, "Table of observations")
    table = page.locator("table.observation-table")
    expect(table.locator("thead")).to_contain_text("Species")  # an answer column
    expect(table.locator("tbody")).to_contain_text("Wren")
    thumbnail = table.locator("img.thumb")
    expect(thumbnail).to_have_count(1)
    assert _shows(thumbnail)
    _looked_at(page, "table", size, assert_accessible)

    _follow(page, "Photo gallery")
    photo = page.locator("ul.gallery img")
    expect(photo).to_have_count(1)
    assert _shows(photo)
    _looked_at(page, "gallery", size, assert_accessible)

    _follow(page, "Show on the map")
    expect(page.locator("#observation-map")).to_be_visible()
    expect(page.locator("#observation-map-summary")).to_contain_text("observation")
    _looked_at(page, "map", size, assert_accessible)

    page.goto(f"/projects/{lab['project'].slug}/observations/photos/")
    page.locator("ul.gallery a").first.click()
    expect(page.locator("h1")).to_contain_text(f"Observation {lab['observation'].pk}")
    _looked_at(page, "observation", size, assert_accessible)

    page.goto(f"/projects/{lab['project'].slug}/moderation/")
    expect(page.locator(".moderation-queue")).to_contain_text("In the hedge")
    _looked_at(page, "moderation", size, assert_accessible)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_volunteer_finds_their_observation_and_classifications_in_my_contributions(
    new_page: Any, assert_accessible: Any, size: str
) -> None:
    lab = _lab()
    page = new_page(VIEWPORTS[size])
    _log_in(page, lab["volunteer"].email)

    _follow(page, "My contributions")
    main = page.locator("main")
    expect(main.locator(".card")).to_contain_text("In the hedge")  # the answers
    photo = main.locator(".card img.card-image")
    expect(photo).to_have_count(1)
    assert _shows(photo)
    expect(main).to_contain_text(lab["workflow"].name)
    expect(main.locator(".figures")).to_contain_text("Classifications")
    _looked_at(page, "my-contributions", size, assert_accessible)
