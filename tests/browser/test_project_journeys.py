"""The projects area's journeys (issue 11, items 2, 7, 14 and 16), by visible links only.

Every page reached is checked with axe-core and must not scroll sideways on a phone; the key
pages are saved as phone and desktop screenshots in var/screenshots/ for a person to look at.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from cslab.core.roles import ProjectRole, SiteRole
from cslab.forms.models import FormVersion
from cslab.projects.models import Invitation, Membership, Project
from cslab.projects.services.lifecycle import project_transition
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import save_screenshot
from tests.factories import TEST_PASSWORD, UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]

CHECKLIST = {
    "research_questions": "Which pollinators visit city gardens?",
    "protocol": "Watch one flowering plant for ten minutes and count the visitors.",
    "data_management_plan": "Counts are kept on university servers for ten years.",
    "ethics_not_needed_reason": "Only insects are counted; no personal data are asked.",
    "consent_text": "I agree that my counts are used for research.",
    "recruitment_plan": "The neighbourhood newsletter and the garden club.",
}


def fits_the_screen(page: Any) -> None:
    """Fail if the page scrolls sideways at the viewport's width."""
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    if widths["scroll"] > widths["client"]:
        # Name the elements that stick out, so a failure says where to look.
        wide = page.evaluate(
            "(limit) => [...document.querySelectorAll('body *')]"
            ".filter((e) => e.getBoundingClientRect().right > limit)"
            ".slice(0, 8).map((e) => e.tagName + '.' + e.className + '#' + e.id"
            " + ' ' + Math.round(e.getBoundingClientRect().right))",
            widths["client"],
        )
        raise AssertionError(f"{page.url} scrolls sideways: {widths}; {wide}")


def look_at(page: Any, name: str, assert_accessible: Check) -> None:
    """Check the page as it is (axe-core, width) and save it at both sizes for a person."""
    page.wait_for_load_state("load")
    assert_accessible(page)
    viewport = page.viewport_size
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        fits_the_screen(page)
        save_screenshot(page, f"projects-{name}")
    page.set_viewport_size(viewport)


def follow_menu(page: Any, name: str) -> None:
    """Click an entry of the main menu, opening the menu first where a phone folds it away."""
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        page.get_by_role("button", name=re.compile("menu", re.IGNORECASE)).first.click()
    link.click()
    page.wait_for_load_state("load")


def field(scope: Any, label: str) -> Any:
    """The form field with this label (Django may add a colon after it)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def log_in(page: Any, email: str) -> None:
    page.goto("/")
    follow_menu(page, "Log in")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name="Log out")).to_be_attached()


def test_an_organiser_starts_a_project_has_it_approved_publishes_it_and_invites_a_member(
    new_page: Callable[..., Any], assert_accessible: Check
) -> None:
    organiser = UserFactory(display_name="Olga Organiser")
    staff = UserFactory(site_role=SiteRole.STAFF)
    page = new_page(viewport=PHONE)
    log_in(page, organiser.email)

    # Home → My projects → Start a project.
    follow_menu(page, "My projects")
    expect(page.get_by_role("heading", level=1, name="My projects")).to_be_visible()
    look_at(page, "my-projects-empty", assert_accessible)
    page.get_by_role("link", name="Start a project").first.click()
    expect(page.get_by_role("heading", level=1, name="Start a project")).to_be_visible()
    look_at(page, "create", assert_accessible)
    field(page, "Name").fill("Garden pollinators")
    page.get_by_label("Community-led").check()
    page.get_by_label("Incubating: we are preparing it for review").check()
    field(page, "Aim").fill("Count the insects that visit flowers in city gardens.")
    page.get_by_role("button", name="Start the project").click()
    expect(page.get_by_role("heading", level=1, name="Garden pollinators")).to_be_visible()
    project = Project.objects.get(name="Garden pollinators")

    # The profile: the area is drawn on the map; GeoJSON waits behind "Advanced".
    page.get_by_role("link", name="Edit the profile").click()
    expect(page.get_by_text("Draw the project's area on the map")).to_be_visible()
    expect(field(page, "The area as GeoJSON text")).to_be_hidden()
    page.get_by_role("button", name="Draw an area").click()
    area_map = page.locator(".area-editor .project-map")
    area_map.scroll_into_view_if_needed()
    box = area_map.bounding_box()
    for x, y in ((0.3, 0.3), (0.7, 0.3), (0.5, 0.7)):
        page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
    page.get_by_role("button", name="Finish the area").click()
    expect(page.get_by_text("The area is set; save the form to keep it.")).to_be_visible()
    look_at(page, "edit", assert_accessible)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    project.refresh_from_db()
    assert project.geographic_extent["type"] == "Polygon"

    # The checklist, then submit for review.
    page.get_by_role("link", name="Incubation checklist").click()
    expect(page.get_by_role("heading", level=1, name="Incubation checklist")).to_be_visible()
    for name, text in CHECKLIST.items():
        page.locator(f"[name={name}]").fill(text)
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.get_by_text("7 of 7 done")).to_be_visible()
    look_at(page, "checklist", assert_accessible)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("is now in review")).to_be_visible()

    # Lab staff approve (the curator's journey below does it through the review queue).
    project.refresh_from_db()
    project_transition(actor=staff, project=project, to_status=Project.Status.ACTIVE)

    # The organiser is prompted on My projects and on the project page, and publishes.
    follow_menu(page, "My projects")
    prompt = page.locator(".notice", has_text="Publish it so volunteers can find it")
    expect(prompt).to_be_visible()
    expect(page.get_by_text("Private: only your team and Lab staff see it")).to_be_visible()
    look_at(page, "publish-prompt", assert_accessible)
    page.get_by_role("link", name="Garden pollinators").click()
    expect(prompt).to_be_visible()
    look_at(page, "project-page-publish-prompt", assert_accessible)
    prompt.get_by_role("button", name="Publish “Garden pollinators”").click()
    expect(page.get_by_text("is published: volunteers find it in the directory")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Garden pollinators")).to_be_visible()
    expect(prompt).to_have_count(0)
    project.refresh_from_db()
    assert project.visibility == Project.Visibility.PUBLIC
    follow_menu(page, "My projects")
    expect(page.get_by_text("Public: listed in the directory")).to_be_visible()

    # Build the project's web form, watching the live preview of how volunteers will see it
    # (on a phone the preview is behind a button).
    page.get_by_role("link", name="Garden pollinators").click()
    page.get_by_role("link", name=re.compile("^Forms")).first.click()
    page.get_by_role("link", name="Build a new form").click()
    preview = page.get_by_role("complementary", name="Preview")
    page.get_by_label("Form ID").fill("flower_visits")
    page.get_by_label("Title").fill("Flower visits")
    page.get_by_role("button", name="Photo", exact=True).click()
    expect(page.locator("#builder-preview")).to_have_attribute("data-preview-questions", "3")
    page.get_by_label("Question (English)").last.fill("A photo of the flower")
    if not preview.is_visible():
        page.get_by_role("button", name="Show the preview").click()
    expect(preview.get_by_label("A photo of the flower")).to_be_visible()
    look_at(page, "form-builder", assert_accessible)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name="Flower visits")).to_be_visible()
    assert FormVersion.objects.filter(form__project=project, form__form_id="flower_visits").exists()
    follow_menu(page, "My projects")

    # Invite a member from the team page.
    page.get_by_role("link", name="Garden pollinators").click()
    page.get_by_role("link", name="Team and how to join").click()
    expect(page.get_by_role("heading", level=1, name="Team of Garden pollinators")).to_be_visible()
    field(page, "E-mail address").fill("neighbour@example.org")
    field(page, "Role").select_option(ProjectRole.MEMBER)
    page.get_by_role("button", name="Send invitation").click()
    expect(
        page.get_by_text("The invitation is on its way to neighbour@example.org.")
    ).to_be_visible()
    look_at(page, "team-manager", assert_accessible)
    assert Invitation.objects.filter(project=project, email="neighbour@example.org").exists()


def test_a_curator_approves_from_the_review_queue_and_the_project_is_listed_and_in_the_feed(
    new_page: Callable[..., Any], assert_accessible: Check
) -> None:
    staff = UserFactory(site_role=SiteRole.STAFF)
    # The team chose "public": it is listed as soon as Lab staff approve it.
    project = ProjectFactory(
        name="Night moths of Leiden",
        aim="Count moths at lamp posts.",
        status=Project.Status.IN_REVIEW,
        visibility=Project.Visibility.PUBLIC,
        **CHECKLIST,
    )
    page = new_page(viewport=DESKTOP)
    assert "Night moths of Leiden" not in page.request.get("/projects/feed/").text()
    log_in(page, staff.email)

    follow_menu(page, "Review queue")
    expect(page.get_by_role("heading", level=1, name="Review queue")).to_be_visible()
    look_at(page, "review-queue", assert_accessible)
    item = page.locator(".review-item", has_text="Night moths of Leiden")
    field(item, "Comment").fill("A clear protocol. Welcome!")
    item.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("“Night moths of Leiden” is now active.")).to_be_visible()
    expect(page.get_by_text("Nothing is waiting for review.")).to_be_visible()
    fits_the_screen(page)

    follow_menu(page, "Projects")
    expect(page.get_by_role("link", name="Night moths of Leiden")).to_be_visible()
    feed = page.request.get("/projects/feed/")
    assert feed.ok and "Night moths of Leiden" in feed.text()
    project.refresh_from_db()
    assert project.is_approved


@pytest.mark.parametrize(
    ("viewport", "logs_in_first"), [(PHONE, False), (DESKTOP, True)], ids=["phone", "desktop"]
)
def test_a_volunteer_finds_a_project_joins_its_team_and_lands_on_the_project_page(
    new_page: Callable[..., Any],
    assert_accessible: Check,
    viewport: dict[str, int],
    logs_in_first: bool,
) -> None:
    lead = UserFactory(display_name="Rosa Researcher", profile_public=True)
    project = ProjectFactory(
        name="Hedgehog highways",
        aim="Map the gaps in garden fences that hedgehogs use.",
        initiator=lead,
        public=True,
        membership_policy=Project.MembershipPolicy.OPEN,
    )
    volunteer = UserFactory()
    page = new_page(viewport=viewport)
    if logs_in_first:
        log_in(page, volunteer.email)
    else:
        page.goto("/")

    follow_menu(page, "Projects")
    page.get_by_role("link", name="Hedgehog highways").first.click()
    expect(page.get_by_role("heading", level=1, name="Hedgehog highways")).to_be_visible()
    if not logs_in_first:
        # A visitor is asked to log in first and comes back to the same project page.
        page.get_by_role("link", name="Log in to take part").click()
        page.locator("input[name=login]").fill(volunteer.email)
        page.locator("input[name=password]").fill(TEST_PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(f"/projects/{project.slug}/$"))
    page.get_by_role("link", name=re.compile("how to join|Join", re.IGNORECASE)).first.click()
    if "/team/" in page.url:
        # The team page's public part: who leads the project and how to join.
        expect(page.get_by_text("Rosa Researcher")).to_be_visible()
        look_at(page, "team-public", assert_accessible)
        page.get_by_role("link", name="Join the team").click()
    expect(page).to_have_url(re.compile(f"/projects/{project.slug}/join/$"))
    look_at(page, "join", assert_accessible)
    page.get_by_role("button", name="Join the team").click()

    expect(page).to_have_url(re.compile(f"/projects/{project.slug}/$"))
    expect(page.get_by_text("Welcome to the team of Hedgehog highways.")).to_be_visible()
    assert_accessible(page)
    assert Membership.objects.filter(
        project=project, user=volunteer, role=ProjectRole.MEMBER
    ).exists()
