"""A volunteer's whole first visit, by visible links only (issue 11, item 13), on a phone and on a
desktop: home → a project card → "Log in to take part" → join → an observation with a photo and
a map pin → five subjects classified with the keyboard → My contributions shows both → the
project page's live figures went up. axe-core checks every page on the way."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from cslab.classification.models import Workflow
from cslab.classification.services.workflows import workflow_create, workflow_link_subject_set
from cslab.core.roles import ProjectRole
from cslab.forms.services import form_publish_xlsform
from cslab.observations.models import Observation
from cslab.projects.models import Membership, Project
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import save_screenshot
from tests.browser.test_classification_pages import VISITORS_TASK, flower_subjects
from tests.browser.test_webform_journey import fill_observation, journey_form_bytes, jpeg_bytes
from tests.factories import TEST_PASSWORD, UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]
SUBJECTS = 6


def _open_project_with_a_form_and_a_workflow() -> Project:
    owner = UserFactory()
    project: Project = ProjectFactory(
        public=True,
        name="Garden birds",
        slug="garden-birds",
        initiator=owner,
        membership_policy=Project.MembershipPolicy.OPEN,
        aim="Count the birds that visit gardens, and sort the photos of flower visitors.",
    )
    project.centre_latitude = 52.16
    project.centre_longitude = 4.49
    project.save(update_fields=["centre_latitude", "centre_longitude"])
    form_publish_xlsform(
        actor=None, project=project, file_name="birds.xlsx", content=journey_form_bytes()
    )
    subject_set, _subjects = flower_subjects(project, SUBJECTS)
    workflow = workflow_create(
        actor=owner,
        project=project,
        name="Who visits?",
        tasks=[VISITORS_TASK],
        status=Workflow.Status.ACTIVE,
        retirement_count=3,
    )
    workflow_link_subject_set(actor=owner, workflow=workflow, subject_set=subject_set)
    return project


def _figure(page: Any, label: str) -> int:
    value = page.locator(".figures .figure").filter(
        has=page.locator("dt", has_text=re.compile(f"^{label}$"))
    )
    return int(value.locator("dd").inner_text().replace(",", "").strip())


def _look(page: Any, name: str, assert_accessible: Check) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"
    assert_accessible(page)
    save_screenshot(page, f"volunteer-{name}")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_volunteer_joins_contributes_classifies_and_sees_it_all_counted(
    new_page: Callable[..., Any],
    assert_accessible: Check,
    viewport: dict[str, int],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    project = _open_project_with_a_form_and_a_workflow()
    volunteer = UserFactory()
    page = new_page(viewport)
    # No map tiles from the internet in tests: the map works without them.
    page.context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())

    # Home: the project is a card; its page leads with a way to take part and live figures.
    page.goto("/")
    _look(page, "home", assert_accessible)
    page.get_by_role("link", name="Garden birds").first.click()
    expect(page.get_by_role("heading", level=1, name="Garden birds")).to_be_visible()
    before = {label: _figure(page, label) for label in ("Observations", "Classifications")}
    take_part = page.get_by_role("link", name="Log in to take part")
    expect(take_part).to_be_in_viewport()
    _look(page, "project-visitor", assert_accessible)

    # Log in and come back; join (this project is open to anyone signed in).
    take_part.click()
    page.locator("input[name=login]").fill(volunteer.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(f"/projects/{project.slug}/$"))
    page.get_by_role("link", name="Join this project").click()
    expect(page).to_have_url(re.compile(f"/projects/{project.slug}/join/$"))
    _look(page, "join", assert_accessible)
    page.get_by_role("button", name="Join the team").click()
    expect(page).to_have_url(re.compile(f"/projects/{project.slug}/$"))
    assert Membership.objects.filter(
        project=project, user=volunteer, role=ProjectRole.MEMBER
    ).exists()

    # Contribute: the web form, with a photo and a pin on the map.
    page.get_by_role("link", name="Contribute an observation").click()
    _look(page, "webform", assert_accessible)
    fill_observation(
        page, place="Back garden", count="2", photo=jpeg_bytes(), pin={"x": 120, "y": 100}
    )
    page.get_by_role("button", name="Save and send").click()
    expect(page.locator("#webform-announcement")).to_contain_text("1 observation sent.")
    assert Observation.objects.filter(observer=volunteer).count() == 1

    # Back to the project by links, then classify five subjects with the keyboard only.
    page.get_by_role("link", name=re.compile("^Forms of Garden birds")).click()
    page.get_by_role("link", name="Back to Garden birds").click()
    page.get_by_role("link", name="Classify", exact=True).first.click()
    expect(page.locator("#task-list input[type=radio]").first).to_be_focused()
    _look(page, "classify", assert_accessible)
    for number in range(1, 6):
        page.keyboard.press("1" if number % 2 else "2")
        page.keyboard.press("Enter")
        expect(page.locator("[data-stat=classifications]")).to_have_text(str(number))
    assert volunteer.classifications.count() == 5

    # My contributions, from the navigation: the observation with its photo and answers, and
    # the classifications.
    menu = page.get_by_role("button", name=re.compile("menu", re.IGNORECASE))
    if menu.count() and menu.first.is_visible():
        menu.first.click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My contributions").click()
    main = page.locator("main")
    expect(main).to_contain_text("Back garden")
    expect(main).to_contain_text("Who visits?")
    page.wait_for_function(
        "() => [...document.querySelectorAll('main img')].some(i => i.naturalWidth > 0)"
    )
    _look(page, "my-contributions", assert_accessible)

    # The project page's figures went up by what this volunteer did.
    page.locator("header a.brand").click()
    page.get_by_role("link", name="Garden birds").first.click()
    assert _figure(page, "Observations") == before["Observations"] + 1
    assert _figure(page, "Classifications") == before["Classifications"] + 5
    _look(page, "project-member", assert_accessible)
