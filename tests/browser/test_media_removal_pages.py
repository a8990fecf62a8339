"""Removing photos in the browser, on phone and desktop: a volunteer asks for a photo's
removal from the observation page, a moderator finds the request from the moderation queue and
declines it, the observer removes the photo. Each page fits the screen, passes axe-core and is
photographed (var/screenshots/media-removal-*.png).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from cslab.privacy.models import MediaRemovalRequest
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import save_screenshot
from tests.factories import TEST_PASSWORD
from tests.privacy.media_removal_world import photo_world

pytestmark = pytest.mark.browser

Check = Callable[[Any], None]


def _fits_and_is_accessible(page: Any, assert_accessible: Check, name: str) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{page.url} scrolls sideways: {widths}"
    assert_accessible(page)
    save_screenshot(page, f"media-removal-{name}")


def _sign_in(new_page: Callable[..., Any], viewport: dict[str, int], person: Any) -> Any:
    page = new_page(viewport=viewport)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    return page


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_photo_is_asked_about_declined_and_removed_by_its_observer(
    new_page: Callable[..., Any], assert_accessible: Check, viewport: dict[str, int]
) -> None:
    world = photo_world()
    observation_page = f"/projects/{world.project.slug}/observations/{world.observation.pk}/"

    volunteer = _sign_in(new_page, viewport, world.bystander)
    volunteer.goto(observation_page)
    volunteer.get_by_role("link", name="Ask to remove this photo").click()
    expect(volunteer.get_by_role("heading", name="Ask to remove a photo or file")).to_be_visible()
    _fits_and_is_accessible(volunteer, assert_accessible, "request")
    volunteer.get_by_role("radio", name="Another reason").check()
    volunteer.get_by_role("button", name="Send the request").click()
    _fits_and_is_accessible(volunteer, assert_accessible, "request-incomplete")
    volunteer.get_by_role("radio", name="It shows my face").check()
    volunteer.get_by_role("button", name="Send the request").click()
    expect(
        volunteer.get_by_text("the project's moderators will look at your request")
    ).to_be_visible()

    moderator = _sign_in(new_page, viewport, world.moderator)
    moderator.goto(f"/projects/{world.project.slug}/moderation/")
    moderator.get_by_role("link", name="Requests to remove photos (1 waiting)").click()
    expect(moderator.get_by_text("It shows my face")).to_be_visible()
    _fits_and_is_accessible(moderator, assert_accessible, "queue")
    moderator.get_by_label("Note to the person who asked").fill("Only the pond is in it.")
    moderator.get_by_role("button", name="Decline").click()
    expect(moderator.get_by_text("No requests are waiting.")).to_be_visible()
    assert MediaRemovalRequest.objects.get().status == MediaRemovalRequest.Status.DECLINED

    observer = _sign_in(new_page, viewport, world.observer)
    observer.goto(observation_page)
    observer.get_by_role("link", name="Remove this photo").click()
    _fits_and_is_accessible(observer, assert_accessible, "confirm")
    observer.get_by_role("button", name="Remove it for good").click()
    expect(observer.get_by_text("Photo: photo removed on request.")).to_be_visible()
    _fits_and_is_accessible(observer, assert_accessible, "removed")
