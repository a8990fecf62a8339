"""The event calendars page in a real browser, at a phone's and a desktop's width: every feed
with its links, no horizontal scroll, axe-core clean; photographed into
var/screenshots/events-calendars-*.png."""

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import save_screenshot
from tests.events.factories import make_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_calendars_page_lists_every_feed(
    new_page: Callable[..., Any], assert_accessible: Callable[[Any], None], viewport: Any
) -> None:
    make_event(tags={"faculty": ["science", "humanities"], "domain": ["biodiversity"]})
    make_event(kind="webinar", tags={"faculty": ["medicine"], "domain": ["health", "climate"]})
    page = new_page(viewport)
    page.goto("/events/calendars/")
    assert page.locator("h1").inner_text() == "Event calendars"
    assert page.locator('a[href^="webcal://"]').count() >= 1 + 5 + 3 + 3
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    save_screenshot(page, "events-calendars")
