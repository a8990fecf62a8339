"""The events and training journey (issue 13, item 11), by visible labels and links only.

A volunteer finds a full workshop from the menu and joins its waiting list; someone with a
place cancels from "My events"; the volunteer moves up and gets the e-mail with the .ics
(read from Django's test mailbox and parsed with `icalendar`). After the event the organiser
marks attendance and publishes the recording, which then shows on the event page. The
volunteer completes a training module (a lesson, then its quiz) and checks the certificate's
verification link signed out. axe-core checks every page on the way.
"""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from cslab.core.roles import SiteRole
from cslab.events.models import Event, EventSession, Registration
from cslab.events.vocabulary import EventKind
from cslab.hub import states as hub_states
from cslab.training.models import Certificate
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.navigation import follow_main_menu, page_width
from tests.browser.screenshots import save_screenshot
from tests.events.factories import make_event, make_registration
from tests.factories import TEST_PASSWORD, UserFactory
from tests.training.factories import make_module

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]
WORKSHOP = "Counting pollinators in city gardens"
MODULE = "Introduction to citizen science"


def _log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _look(page: Any, name: str, assert_accessible: Check) -> None:
    width = page_width(page)
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"
    assert_accessible(page)
    save_screenshot(page, f"events-journey-{name}")


def _move_to_the_past(event: Event) -> None:
    """The event took place: its one session ended an hour ago."""
    start = timezone.now() - timedelta(hours=3)
    EventSession.objects.filter(event=event).update(
        starts_at=start, ends_at=start + timedelta(hours=2)
    )
    Event.objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + timedelta(hours=2))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_waitlisted_volunteer_moves_up_attends_and_earns_a_certificate(
    new_page: Callable[..., Any],
    assert_accessible: Check,
    viewport: dict[str, int],
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    organiser = UserFactory(site_role=SiteRole.TRAINER, display_name="Tess Trainer")
    volunteer = UserFactory(display_name="Vera Volunteer")
    leaving = UserFactory(display_name="Lars Leaving")
    staying = UserFactory(display_name="Sam Staying")
    workshop = make_event(
        created_by=organiser,
        organisers=[organiser],
        kind=EventKind.WORKSHOP,
        title=WORKSHOP,
        capacity=2,
        ask_dietary_needs=True,
    )
    make_registration(event=workshop, user=leaving)
    make_registration(event=workshop, user=staying)
    make_module(title=MODULE, lessons=2)

    # The volunteer finds the full workshop and joins the waiting list.
    page = new_page(viewport)
    _log_in(page, volunteer.email)
    follow_main_menu(page, "Events", exact=True)
    _look(page, "list", assert_accessible)
    page.get_by_role("link", name=WORKSHOP).first.click()
    expect(page.get_by_role("heading", level=1, name=WORKSHOP)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Full")
    _look(page, "full", assert_accessible)
    page.get_by_role("link", name="Join the waiting list").click()
    _look(page, "register", assert_accessible)
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.locator("main")).to_contain_text("You are number 1 on the waiting list.")
    registration = Registration.objects.get(event=workshop, user=volunteer)
    assert registration.status == Registration.Status.WAITLISTED
    _look(page, "waitlisted", assert_accessible)

    # Someone with a place cancels from My events; the volunteer moves up.
    mail.outbox.clear()
    other = new_page(viewport)
    _log_in(other, leaving.email)
    follow_main_menu(other, "My events", exact=True)
    _look(other, "my-events", assert_accessible)
    other.get_by_role("button", name="Cancel my registration").click()
    expect(other.locator("main")).to_contain_text(re.compile("cancel", re.IGNORECASE))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED
    assert registration.promoted_at is not None
    to_volunteer = [message for message in mail.outbox if volunteer.email in message.to]
    assert len(to_volunteer) == 1
    message = to_volunteer[0]
    cancel_link = f"/events/cancel/{registration.token}/"
    assert cancel_link in message.body
    calendars = [attachment for attachment in message.attachments if attachment[0].endswith(".ics")]
    assert len(calendars) == 1
    calendar = Calendar.from_ical(calendars[0][1])
    calendar.validate()
    (entry,) = calendar.events
    assert all(name in entry for name in entry.required)
    assert str(entry["summary"]).startswith(WORKSHOP)
    assert entry.start == workshop.sessions.get().starts_at
    page.reload()
    expect(page.locator("main")).to_contain_text("You are registered.")
    _look(page, "promoted", assert_accessible)

    # After the event the organiser marks attendance and publishes the recording.
    _move_to_the_past(workshop)
    desk = new_page(viewport)
    _log_in(desk, organiser.email)
    follow_main_menu(desk, "Events", exact=True)
    desk.get_by_role("link", name="Events I organise").click()
    _look(desk, "organised", assert_accessible)
    desk.get_by_role("link", name=WORKSHOP).first.click()
    desk.get_by_role("link", name="Attendance and check-in code").click()
    _look(desk, "attendance", assert_accessible)
    desk.get_by_role("checkbox", name=re.compile("Vera Volunteer")).check()
    desk.get_by_role("button", name="Save attendance").click()
    registration.refresh_from_db()
    assert registration.attended_at is not None
    assert Registration.objects.get(event=workshop, user=staying).attended_at is None
    desk.get_by_role("link", name=re.compile(WORKSHOP)).first.click()
    desk.get_by_role("link", name="Publish the recording and slides").click()
    _look(desk, "recording", assert_accessible)
    desk.get_by_label("Title").fill("Recording: counting pollinators")
    desk.get_by_label("Link to the recording (video)").fill(
        "https://video.example.org/pollinators-2026"
    )
    desk.get_by_role("button", name="Publish").click()
    recording = workshop.resource_links.get().resource
    assert recording.status == hub_states.PUBLISHED

    # The volunteer finds the recording on the event page.
    follow_main_menu(page, "My events", exact=True)
    page.get_by_role("link", name=WORKSHOP).first.click()
    expect(page.get_by_role("link", name="Recording: counting pollinators")).to_be_visible()
    _look(page, "after", assert_accessible)

    # The volunteer completes a training module and checks the certificate signed out.
    follow_main_menu(page, "Training", exact=True)
    _look(page, "training", assert_accessible)
    page.get_by_role("link", name=MODULE).first.click()
    page.get_by_role("link", name="Start").click()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator("main")).to_contain_text("You finished this lesson.")
    page.get_by_role("link", name=re.compile("^Next: ")).click()
    _look(page, "quiz", assert_accessible)
    page.get_by_role("group", name=re.compile("Which is right")).get_by_label(
        "Right", exact=True
    ).check()
    multiple = page.get_by_role("group", name=re.compile("Which are right"))
    multiple.get_by_label("Right one").check()
    multiple.get_by_label("Right two").check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.locator("main")).to_contain_text("Passed")
    _look(page, "quiz-passed", assert_accessible)
    page.get_by_role("link", name="See your certificate").first.click()
    certificate = Certificate.objects.get(user=volunteer)
    expect(page).to_have_url(re.compile(f"/certificates/{certificate.code}/$"))

    visitor = new_page(viewport)
    visitor.goto(f"/certificates/{certificate.code}/")
    expect(visitor.locator("main")).to_contain_text("Genuine")
    expect(visitor.locator("main")).to_contain_text("Vera Volunteer")
    expect(visitor.locator("main")).to_contain_text(MODULE)
    _look(visitor, "certificate", assert_accessible)
