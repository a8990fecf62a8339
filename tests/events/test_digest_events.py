"""The hub digest's "Coming up" section: listed events of the next two weeks, in the person's
time zone; never a draft or a private project's event."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail

from cslab.events.digest import coming_up_section
from cslab.events.models import Event
from cslab.hub.digest import digest_registered_sections
from cslab.hub.services.digest import digest_send_week
from cslab.hub.services.subscriptions import subscription_follow
from tests.events.factories import make_event
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.django_db]

WEEK = date(2026, 11, 23)  # a Monday; the digest is sent after Sunday 29 November
WEEK_END = WEEK + timedelta(days=7)
IN_WEEK = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
# 10:00 in Amsterdam (winter: UTC+1) on Thursday 3 December.
SOON = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def event(
    title: str, starts_at: datetime, published_at: datetime = IN_WEEK, **fields: Any
) -> Event:
    made = make_event(title=title, starts_at=starts_at, **fields)
    Event.objects.filter(pk=made.pk).update(published_at=published_at)
    return made


def titles(person: Any) -> list[str]:
    section = coming_up_section(person, WEEK, WEEK_END)
    return [item.title for item in section.items] if section else []


def test_the_section_is_registered() -> None:
    assert "events_coming_up" in [name for name, _ in digest_registered_sections()]


def test_events_of_the_next_two_weeks_published_this_week_or_starting_soon(make_user: Any) -> None:
    long_ago = datetime(2026, 10, 1, tzinfo=UTC)
    event("Soon, announced long ago", SOON, published_at=long_ago)
    event("Second week, new", SOON + timedelta(days=7))
    event("Second week, announced long ago", SOON + timedelta(days=7), published_at=long_ago)
    event("In three weeks", SOON + timedelta(days=14))
    event("During the week itself", IN_WEEK + timedelta(hours=3))
    assert titles(make_user()) == ["Soon, announced long ago", "Second week, new"]


def test_nothing_coming_up_means_no_section(make_user: Any) -> None:
    assert coming_up_section(make_user(), WEEK, WEEK_END) is None


def test_times_are_in_the_persons_time_zone(make_user: Any) -> None:
    event("Morning talk", SOON)
    amsterdam = coming_up_section(make_user(), WEEK, WEEK_END)
    tokyo = coming_up_section(make_user(time_zone="Asia/Tokyo"), WEEK, WEEK_END)
    assert amsterdam is not None and tokyo is not None
    assert "10:00" in amsterdam.items[0].summary
    assert "18:00" in tokyo.items[0].summary


def test_a_followers_digest_shows_coming_up_but_never_a_draft_or_private_event(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    follower = make_user(email="follower@example.org")
    subscription_follow(actor=follower, query="q=bats")
    event("Bat walk webinar", SOON)
    event("Canary draft", SOON, status=Event.Status.DRAFT)
    event("Canary private", SOON, project=ProjectFactory(status="active"))
    with django_capture_on_commit_callbacks(execute=True):
        run = digest_send_week(week_start=WEEK)
    assert run.sent == 1
    (message,) = mail.outbox
    assert "Coming up" in message.body
    assert "Bat walk webinar" in message.body
    assert "Canary" not in message.body
    html = message.alternatives[0][0] if message.alternatives else ""
    assert "Canary" not in html
