"""The organiser's pages after an event on a phone and a desktop: dashboard, attendance with
the check-in code, check-in, feedback and the recording form (screenshots; axe-core)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cslab.core.roles import SiteRole
from cslab.events.models import EventFeedback, Registration
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import save_screenshot
from tests.events.factories import make_event, make_registration
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def test_after_pages_on_a_phone_and_a_desktop(
    new_page: Callable[..., Any], assert_accessible: Callable[[Any], None]
) -> None:
    organiser = UserFactory(site_role=SiteRole.TRAINER)
    attendee = UserFactory(display_name="Sam de Vries")
    event = make_event(
        created_by=organiser,
        title="Counting urban birds: a hands-on workshop",
        capacity=4,
        starts_at=timezone.now() - timedelta(minutes=20),
        ask_dietary_needs=True,
    )
    make_registration(
        event=event,
        user=attendee,
        dietary_needs="Vegetarian",
        accessibility_needs="Step-free access, hearing loop",
        attended_at=timezone.now(),
    )
    for number in range(2):
        make_registration(event=event, user=UserFactory(display_name=f"Participant {number}"))
    make_registration(
        event=event,
        user=UserFactory(display_name="Waiting One"),
        status=Registration.Status.WAITLISTED,
    )
    EventFeedback.objects.create(
        event=event,
        user=UserFactory(),
        overall=4,
        usefulness=5,
        would_recommend=True,
        comment="More time for the field part, please.",
    )
    checker = UserFactory(display_name="Checker")
    make_registration(event=event, user=checker)
    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport)
        log_in(page, organiser.email)
        for name, path in [
            ("events-dashboard", "dashboard/"),
            ("events-attendance", "attendance/"),
            ("events-recording", "recording/"),
        ]:
            page.goto(f"/events/{event.slug}/{path}")
            assert page.locator("h1").count() == 1
            save_screenshot(page, name)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            assert_accessible(page)
        page = new_page(viewport)
        log_in(page, checker.email)
        page.goto(f"/events/{event.slug}/check-in/")
        save_screenshot(page, "events-check-in")
        assert_accessible(page)
        page = new_page(viewport)
        log_in(page, attendee.email)
        page.goto(f"/events/{event.slug}/feedback/")
        save_screenshot(page, "events-feedback")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert_accessible(page)
