"""Screenshots of the registration pages on a phone and a desktop, with axe-core checks."""

from typing import Any

import pytest
from django.test import Client

from cslab.events.models import Registration
from cslab.events.vocabulary import EventKind
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import save_screenshot
from tests.events.factories import make_event, make_registration
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


def test_registration_pages_on_phone_and_desktop(
    new_page: Any, live_server: Any, assert_accessible: Any
) -> None:
    person = UserFactory(display_name="Vera Volunteer")
    full = make_event(
        title="Species identification workshop",
        capacity=1,
        ask_dietary_needs=True,
        ask_organisation=True,
    )
    make_registration(event=full, user=UserFactory())
    make_registration(event=full, user=UserFactory(), status=Registration.Status.WAITLISTED)
    waiting = make_registration(event=full, user=person, status=Registration.Status.WAITLISTED)
    webinar = make_event(
        title="Data quality webinar",
        kind=EventKind.WEBINAR,
        capacity=30,
        online_details="Meeting ID 123 456 789",
    )
    make_registration(event=webinar, user=person)
    open_event = make_event(title="Citizen science meet-up", capacity=20, ask_dietary_needs=True)
    session = _session(person)
    for viewport, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = new_page(viewport=viewport)
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        for name, path in (
            ("events-register-form", f"/events/{open_event.slug}/register/"),
            ("events-my-events", "/events/mine/"),
            ("events-cancel-by-token", f"/events/cancel/{waiting.token}/"),
            ("events-registration-part-registered", f"/events/{webinar.slug}/"),
            ("events-registration-part-waitlisted", f"/events/{full.slug}/"),
        ):
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (
                f"{path} scrolls sideways on a {label}"
            )
            save_screenshot(page, name)
            if label == "phone" and name != "events-registration-part-waitlisted":
                assert_accessible(page)
