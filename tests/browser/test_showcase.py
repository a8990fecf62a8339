"""The front of the platform in a real browser: home page → a project card → the project page,
which shows "Take part" above the fold and its live figures; the directory shows its results
before the filters on a phone. axe-core on each page, on a phone and a desktop; screenshots go to
var/screenshots/ to be looked at."""

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from cslab.core.roles import ProjectRole
from cslab.projects.models import Project
from cslab.projects.services.projects import project_update
from tests.browser.conftest import PHONE
from tests.collection.test_observation_views import member_of, observe, publish_birds
from tests.factories import UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]
DESKTOP = {"width": 1366, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def cover() -> ContentFile[bytes]:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 180), "#86efac").save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name="bees.jpg")


def pollinators() -> Project:
    """A listed project open to anyone signed in, with a cover, a form and two observations."""
    project: Project = ProjectFactory(
        public=True,
        name="Pollinators of Leiden gardens",
        aim="Find out which garden plants feed wild bees through the year.",
        membership_policy=Project.MembershipPolicy.OPEN,
        contact_email="a-rather-long-address.for-the-project@faculty-of-science.example.org",
    )
    project_update(
        actor=project.initiator,
        project=project,
        image=cover(),
        image_alt_text="Green garden with flowers.",
    )
    version = publish_birds(project)
    for number in range(2):
        observe(member_of(project, UserFactory(), ProjectRole.MEMBER), version, f"o{number}")
    return project


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"showcase-{name}.png"), full_page=True)


def page_width(page: Any) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def test_a_phone_visitor_goes_from_a_home_card_to_take_part_and_the_figures(
    new_page: Callable[..., Any], assert_accessible: Check
) -> None:
    project = pollinators()
    page = new_page(PHONE)

    page.goto("/")
    card = page.locator(".card", has=page.get_by_role("link", name=project.name))
    expect(card.get_by_role("img", name="Green garden with flowers.")).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    assert_accessible(page)
    screenshot(page, "home-anonymous-phone")

    card.get_by_role("link", name=project.name).click()
    expect(page).to_have_url(re.compile(f"/projects/{project.slug}/$"))
    take_part = page.get_by_role("link", name="Log in to take part")
    expect(take_part).to_be_visible()
    box = take_part.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], "Take part is below the fold"
    figures = page.get_by_role("region", name="So far")
    expect(figures).to_contain_text("Observations")
    expect(figures.locator(".figure", has_text="Observations").locator("dd")).to_have_text("2")
    expect(figures.locator(".figure", has_text="Participants").locator("dd")).to_have_text("2")
    assert page_width(page) <= PHONE["width"]
    assert_accessible(page)
    screenshot(page, "project-anonymous-phone")


def test_a_signed_in_visitor_may_contribute_straight_from_the_project_page(
    new_page: Callable[..., Any], assert_accessible: Check, live_server: Any
) -> None:
    project = pollinators()
    volunteer = UserFactory()
    page = new_page(DESKTOP)
    page.context.add_cookies(
        [{"name": "sessionid", "value": session_for(volunteer), "url": live_server.url}]
    )

    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Contribute an observation").click()
    expect(page).to_have_url(re.compile(f"/projects/{project.slug}/forms/birds/fill/$"))
    page.go_back()
    assert_accessible(page)
    screenshot(page, "project-volunteer-desktop")

    # A project that takes members on approval: its page leads to the join page, not the team's.
    Project.objects.filter(pk=project.pk).update(
        membership_policy=Project.MembershipPolicy.APPROVAL
    )
    page.goto(project.get_absolute_url())
    expect(page.get_by_role("link", name="Team and how to join")).to_have_count(0)
    page.get_by_role("link", name="Join this project").click()
    expect(page).to_have_url(re.compile(f"/projects/{project.slug}/join/$"))


def session_for(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_directory_lists_results_before_the_filters_and_the_map(
    new_page: Callable[..., Any], assert_accessible: Check, viewport: dict[str, int]
) -> None:
    project = pollinators()
    page = new_page(viewport)

    page.goto("/projects/")
    result = page.get_by_role("link", name=project.name)
    expect(result).to_be_visible()
    filters = page.locator("#directory-filters")
    first_checkbox = filters.get_by_role("checkbox").first
    if viewport is PHONE:
        expect(first_checkbox).to_be_hidden()
        filters.locator("summary").click()
        expect(first_checkbox).to_be_visible()
    else:
        expect(first_checkbox).to_be_visible()
    # Choosing a filter replaces the results and the panel (htmx): the panel stays open.
    first_checkbox.check()
    expect(page).to_have_url(re.compile(r"/projects/\?.+"))
    expect(filters.get_by_role("checkbox").first).to_be_checked()
    expect(filters.get_by_role("checkbox").first).to_be_visible()
    map_section = page.get_by_role("heading", name="Map of project areas")
    assert map_section.bounding_box()["y"] > result.bounding_box()["y"]
    assert page_width(page) <= viewport["width"]
    assert_accessible(page)
    kind = "phone" if viewport is PHONE else "desktop"
    screenshot(page, f"directory-anonymous-{kind}")
    page.goto("/")
    assert_accessible(page)
    screenshot(page, f"home-anonymous-{kind}")
