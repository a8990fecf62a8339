"""The notification preferences page and the unsubscribe page of a notification e-mail, at a
phone's and a desktop's width, checked by axe-core and photographed into
var/screenshots/notifications-*.png."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.notifications.models import NotificationPreference
from cslab.notifications.unsubscribe import unsubscribe_url
from cslab.notifications.vocabulary import NotificationCategory
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.navigation import page_width
from tests.browser.screenshots import save_screenshot
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def _look(page: Any, name: str, assert_accessible: Callable[[Any], None]) -> None:
    width = page_width(page)
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"
    assert_accessible(page)
    save_screenshot(page, f"notifications-{name}")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_preferences_and_unsubscribe_pages(
    new_page: Callable[..., Any],
    assert_accessible: Callable[[Any], None],
    viewport: dict[str, int],
) -> None:
    person = UserFactory(email="anna@example.org", display_name="Anna Smit")
    page = new_page(viewport)
    log_in(page, person.email)
    page.goto("/notifications/")
    page.get_by_role("link", name="Choose how notifications reach you").click()
    assert page.locator("h1").inner_text() == "Notification preferences"
    _look(page, "preferences", assert_accessible)

    digests = page.get_by_role("group", name="Digests of new hub resources")
    digests.get_by_role("radio", name="never by e-mail").check()
    page.get_by_role("group", name="Project news").get_by_role(
        "radio", name="in a daily digest"
    ).check()
    page.get_by_role("button", name="Save my choices").click()
    assert page.get_by_role("status").first.inner_text().strip() == "Your choices are saved."
    _look(page, "preferences-saved", assert_accessible)
    stored = dict(
        NotificationPreference.objects.filter(user=person).values_list("category", "email")
    )
    assert stored["digests"] == "off" and stored["project_news"] == "daily"

    # The link of an e-mail, opened by someone not signed in.
    link = unsubscribe_url(person, [NotificationCategory.QUESTION_UPDATES])
    page.context.clear_cookies()
    page.goto(link[link.index("/notifications/") :])
    _look(page, "unsubscribe", assert_accessible)
    page.get_by_role("button", name="Stop these e-mails").click()
    assert "no more e-mails" in page.locator("main").inner_text()
    _look(page, "unsubscribe-done", assert_accessible)
    assert (
        NotificationPreference.objects.get(user=person, category="question_updates").email == "off"
    )

    page.goto("/notifications/unsubscribe/damaged-link/")
    _look(page, "unsubscribe-invalid", assert_accessible)
