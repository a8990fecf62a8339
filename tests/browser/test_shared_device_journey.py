"""A shared device: one person's unsent web-form work is kept for them, never shown to or sent
for the next person who signs in on the same browser, and sent as its author when they return.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from cslab.accounts.person_keys import person_key
from cslab.core.roles import ProjectRole
from cslab.observations.models import Observation
from cslab.projects.models import Membership, Project
from tests.browser.conftest import PHONE
from tests.browser.test_webform_journey import project  # noqa: F401  (the form's project)
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILL_URL = "/projects/garden-birds/forms/garden_birds/fill/"
SUBMISSIONS = "**/api/v1/projects/garden-birds/forms/garden_birds/submissions"


def logged_out(page: Any) -> Any:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("button", name="Log out", exact=True)).to_be_visible()


def save_an_observation(page: Any, place: str) -> None:
    expect(page.locator("#webform")).to_have_attribute("data-ready", "true")
    page.get_by_role("textbox", name=re.compile("^Place")).fill(place)
    page.get_by_label("How many?").fill("3")
    page.get_by_role("button", name="Save and send").click()


def test_unsent_work_stays_with_its_author_on_a_shared_browser(
    new_page: Callable[..., Any],
    live_server: Any,
    project: Project,  # noqa: F811
) -> None:
    author, next_person = UserFactory(), UserFactory()
    for person in (author, next_person):
        Membership.objects.create(project=project, user=person, role=ProjectRole.MEMBER)
    page = new_page(PHONE)
    page.context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())

    # The author saves an observation that cannot be sent (the server is out of reach).
    log_in(page, author.email)
    page.context.route(SUBMISSIONS, lambda route: route.abort())
    page.goto(FILL_URL)
    save_an_observation(page, "Shared allotment")
    expect(page.locator("#webform-outbox-status")).to_contain_text(
        "1 observation waiting to be sent."
    )

    # Logging out asks what to do with it; the author keeps it for later.
    page.get_by_role("button", name="Log out", exact=True).click()
    dialog = page.get_by_role("dialog", name="Unsent work on this device")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Keep them until I log in again").click()
    expect(logged_out(page)).to_be_visible()
    page.context.unroute(SUBMISSIONS)

    # The next person on the same browser neither sees nor sends it.
    log_in(page, next_person.email)
    page.goto(FILL_URL)
    expect(page.locator("#webform")).to_have_attribute("data-ready", "true")
    expect(page.locator("#webform-outbox-status")).to_have_text(
        "No observations are waiting to be sent."
    )
    expect(page.locator("#webform-outbox-list li")).to_have_count(0)
    expect(page.locator("#webform-send-now")).to_have_attribute("hidden", "")
    page.wait_for_timeout(1500)  # the page sends its outbox on load: give it the time
    assert not Observation.objects.exists()
    # Even a script that sends the author's outbox anyway (an old one) is refused by the server.
    summary = page.evaluate(
        "key => CslabQueue.send({owner: key,"
        " csrfToken: document.getElementById('webform').dataset.csrfToken})",
        person_key(author),
    )
    assert summary["stopped"] == "signed-out"
    assert not Observation.objects.exists()
    # Nothing to ask about: the next person logs straight out.
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(logged_out(page)).to_be_visible()

    # The author signs in again: it is sent, as theirs.
    log_in(page, author.email)
    page.goto(FILL_URL)
    expect(page.locator("#webform-outbox-status")).to_have_text(
        "No observations are waiting to be sent.", timeout=20_000
    )
    observation = Observation.objects.get()
    assert observation.observer == author
    assert observation.answers["place"] == "Shared allotment"
