"""The daily digest: once a day per person, what they chose daily, grouped by category, in
their language; nothing on a day with nothing."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from cslab.core.models import Job
from cslab.notifications.models import DailyDigestDelivery, Notification
from cslab.notifications.selectors import CategoryPreference
from cslab.notifications.services.digest import notification_digest_send
from cslab.notifications.services.notifications import notification_send
from cslab.notifications.services.preferences import notification_preferences_update
from cslab.notifications.vocabulary import EmailFrequency, NotificationCategory

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 24)
ON_THE_DAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
NEXT_MORNING = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def daily(person: Any, *categories: str) -> None:
    notification_preferences_update(
        actor=person,
        choices=[
            CategoryPreference(category=category, email=EmailFrequency.DAILY)
            for category in categories
        ],
    )


def told(person: Any, kind: str, message: str, when: datetime = ON_THE_DAY) -> Notification:
    (notification,) = notification_send(recipients=[person], kind=kind, message=message)
    Notification.objects.filter(pk=notification.pk).update(created_at=when)
    return notification


def run(capture: Any, **arguments: Any) -> Any:
    with capture(execute=True):
        return notification_digest_send(now=NEXT_MORNING, **arguments)


def test_one_digest_lists_the_days_notifications_grouped_by_category(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_user(time_zone="Europe/Amsterdam", preferred_language="en")
    daily(person, NotificationCategory.QUESTION_UPDATES, NotificationCategory.PROJECT_NEWS)
    told(person, "question.comment", "Someone commented on your question.")
    told(person, "project.approved", "Your project was approved.")
    told(person, "question.answered", "Your question was answered.")

    result = run(django_capture_on_commit_callbacks)

    assert (result.people, result.sent) == (1, 1)
    (message,) = mail.outbox
    assert message.to == [person.email]
    assert "3 notifications of 24 November" in message.subject
    body = message.body
    assert body.index("Updates on research questions") < body.index("Project news")
    assert "Someone commented on your question." in body
    assert "Your project was approved." in body
    assert body.count("/notifications/unsubscribe/") == 3  # one per category, one for all
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert DailyDigestDelivery.objects.get(user=person).notification_count == 3


def test_running_the_digest_twice_sends_once(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_user()
    daily(person, NotificationCategory.QUESTION_UPDATES)
    told(person, "question.comment", "A comment.")
    first = run(django_capture_on_commit_callbacks)
    # A late notification of the same day does not make a second digest of that day.
    told(person, "question.comment", "Another comment.")
    second = run(django_capture_on_commit_callbacks)
    assert (first.sent, second.sent, second.already_sent) == (1, 0, 1)
    assert len(mail.outbox) == 1


def test_a_day_with_nothing_sends_nothing(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_user()
    daily(person, NotificationCategory.QUESTION_UPDATES)
    # Of another day, and of a category not on "daily" (e-mailed at once): not in this digest.
    told(person, "question.comment", "Two days ago.", when=datetime(2026, 11, 22, 12, tzinfo=UTC))
    told(person, "project.approved", "At once.")
    mail.outbox.clear()

    result = run(django_capture_on_commit_callbacks)

    assert (result.sent, result.nothing_new) == (0, 1)
    assert mail.outbox == []
    assert not DailyDigestDelivery.objects.exists()


def test_the_day_is_the_persons_own_and_the_digest_in_their_language(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_user(time_zone="Pacific/Auckland", preferred_language="nl")
    daily(person, NotificationCategory.QUESTION_UPDATES)
    # 24 November 20:00 UTC is already 25 November in Auckland: not of Auckland's 24th.
    told(person, "question.comment", "Late.", when=datetime(2026, 11, 24, 20, tzinfo=UTC))
    told(person, "question.comment", "Early.", when=datetime(2026, 11, 23, 20, tzinfo=UTC))

    result = run(django_capture_on_commit_callbacks, day=DAY)

    assert result.sent == 1
    (message,) = mail.outbox
    assert "Early." in message.body and "Late." not in message.body
    assert "Updates over onderzoeksvragen" in message.body


def test_the_command_starts_the_digest_job(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_user()
    daily(person, NotificationCategory.QUESTION_UPDATES)
    told(person, "question.comment", "A comment.")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notification_digest", "--day", DAY.isoformat())
    job = Job.objects.get(kind="notifications.daily_digest")
    assert job.arguments == {"day": "2026-11-24"}
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["sent"] == 1
