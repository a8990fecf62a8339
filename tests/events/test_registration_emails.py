"""The confirmation e-mails: .ics for people with a place, the cancel link, language, zone."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from icalendar import Calendar

from cslab.events.models import Registration
from cslab.events.services.registrations import registration_create
from cslab.events.vocabulary import EventKind
from tests.events.factories import make_event, make_registration

pytestmark = [pytest.mark.django_db]


def register(person: Any, event: Any, capture: Any) -> Registration:
    with capture(execute=True):
        return registration_create(actor=person, event=event)


def test_a_registered_person_gets_the_ics_with_the_joining_link(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(kind=EventKind.WEBINAR, capacity=5, sessions=2)
    person = make_user()
    registration = register(person, event, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == [person.email]
    assert event.title in message.subject
    (_filename, content, mimetype) = message.attachments[0]
    assert mimetype == "text/calendar; method=PUBLISH; charset=utf-8"
    calendar = Calendar.from_ical(content)
    assert len(calendar.walk("VEVENT")) == 2
    assert event.online_url in content
    cancel = f"http://testserver/events/cancel/{registration.token}/"
    assert cancel.split("testserver")[1] in message.body
    assert message.body.count("/events/cancel/") == 1
    html = message.alternatives[0][0]
    assert registration.token in html


def test_a_waitlisted_person_gets_no_ics_and_no_joining_link(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(kind=EventKind.WEBINAR, capacity=1)
    make_registration(event=event, user=make_user())
    registration = register(make_user(), event, django_capture_on_commit_callbacks)
    assert registration.status == Registration.Status.WAITLISTED
    (message,) = mail.outbox
    assert message.attachments == []
    assert event.online_url not in message.body
    assert event.online_url not in message.alternatives[0][0]
    assert "waiting list" in message.body
    assert registration.token in message.body


def test_the_e_mail_speaks_the_persons_language_and_time_zone(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    start = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    event = make_event(capacity=5, starts_at=start, duration=timedelta(hours=1))
    event.registration_closes_at = None
    person = make_user(preferred_language="nl", time_zone="America/New_York")
    from django.utils import timezone as django_timezone

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(django_timezone, "now", lambda: start - timedelta(days=3))
        register(person, event, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "Je bent aangemeld" in message.subject
    assert "08:00" in message.body  # 12:00 UTC is 08:00 in New York in July
    assert "14:00" not in message.body
