"""E-mails other areas send on their own honour the person's choice for their category, and
the e-mails a person asked for (a registration confirmation) always go."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from cslab.events.models import Registration
from cslab.events.services.registrations import registration_create
from cslab.events.services.reminders import reminders_send_due
from cslab.hub.services.digest import digest_send_week
from cslab.hub.services.subscriptions import subscription_follow
from cslab.notifications.selectors import CategoryPreference
from cslab.notifications.services.preferences import notification_preferences_update
from cslab.notifications.vocabulary import EmailFrequency, NotificationCategory
from tests.events.factories import make_event, make_registration
from tests.hub.test_digest_weekly import WEEK, published

pytestmark = pytest.mark.django_db


def never(person: Any, category: str) -> None:
    notification_preferences_update(
        actor=person, choices=[CategoryPreference(category=category, email=EmailFrequency.OFF)]
    )


def registered_long_ago(event: Any, person: Any) -> None:
    registration = make_registration(event=event, user=person)
    Registration.objects.filter(pk=registration.pk).update(
        registered_at=timezone.now() - timedelta(days=30)
    )


def test_event_reminders_honour_never_and_carry_an_unsubscribe_link(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(starts_at=timezone.now() + timedelta(hours=20))
    wants, refuses = make_user(), make_user()
    never(refuses, NotificationCategory.EVENT_REMINDERS)
    registered_long_ago(event, wants)
    registered_long_ago(event, refuses)
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders_send_due()
    # The sweep's count (the job's result, the command's output) is what went out.
    assert sent == 1
    (message,) = mail.outbox
    assert message.to == [wants.email]
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe"].strip("<>") in message.body


def test_a_registration_confirmation_goes_even_with_event_emails_off(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_user()
    never(person, NotificationCategory.EVENT_REMINDERS)
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(actor=person, event=make_event())
    (message,) = mail.outbox
    assert message.to == [person.email]


def test_the_hub_weekly_digest_honours_never_for_digests(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    wants, refuses = make_user(), make_user()
    for person in (wants, refuses):
        subscription_follow(actor=person, query="q=bats")
    never(refuses, NotificationCategory.DIGESTS)
    published("Counting bats at dusk", summary="Bats along canals.")
    with django_capture_on_commit_callbacks(execute=True):
        run = digest_send_week(week_start=WEEK)
    assert (run.sent, run.email_off) == (1, 1)
    assert [message.to for message in mail.outbox] == [[wants.email]]
