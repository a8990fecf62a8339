"""Reminders 24 hours and 1 hour before each session: the sweep, once each, to whom."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from cslab.events.models import Registration, ReminderDelivery
from cslab.events.services.reminder_schedule import (
    reminders_schedule_for_event,
    reminders_schedule_for_registration,
)
from cslab.events.services.reminders import reminders_send_due
from cslab.events.vocabulary import EventKind, ReminderKind
from tests.events.factories import make_event, make_registration

pytestmark = [pytest.mark.django_db]


def registered_long_ago(event: Any, user: Any, **fields: Any) -> Registration:
    registration = make_registration(event=event, user=user, **fields)
    Registration.objects.filter(pk=registration.pk).update(
        registered_at=timezone.now() - timedelta(days=30),
        waitlisted_at=timezone.now() - timedelta(days=30) if registration.waitlisted_at else None,
    )
    registration.refresh_from_db()
    return registration


def sweep(capture: Any, now: Any = None) -> int:
    with capture(execute=True):
        return reminders_send_due(now=now)


def test_the_day_before_reminder_goes_once(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(starts_at=timezone.now() + timedelta(hours=20))
    person = make_user()
    registered_long_ago(event, person)
    assert sweep(django_capture_on_commit_callbacks) == 1
    assert sweep(django_capture_on_commit_callbacks) == 0
    (message,) = mail.outbox
    assert message.to == [person.email]
    assert "Tomorrow" in message.subject
    assert ReminderDelivery.objects.get().kind == ReminderKind.DAY_BEFORE


def test_nothing_is_due_two_days_before(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(starts_at=timezone.now() + timedelta(days=2))
    registered_long_ago(event, make_user())
    assert sweep(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_the_hour_before_reminder_of_an_online_event_holds_the_joining_link(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(
        kind=EventKind.WEBINAR,
        starts_at=timezone.now() + timedelta(minutes=40),
        online_details="Meeting ID 123",
    )
    registration = registered_long_ago(event, make_user())
    assert sweep(django_capture_on_commit_callbacks) == 1
    (message,) = mail.outbox
    assert event.online_url in message.body
    assert "Meeting ID 123" in message.body
    assert registration.token in message.body  # the cancel link
    assert ReminderDelivery.objects.get().kind == ReminderKind.HOUR_BEFORE


def test_the_day_before_reminder_has_no_joining_link(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(kind=EventKind.WEBINAR, starts_at=timezone.now() + timedelta(hours=20))
    registered_long_ago(event, make_user())
    sweep(django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert event.online_url not in message.body
    assert event.online_url not in message.alternatives[0][0]


def test_only_registered_people_are_reminded(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(capacity=1, starts_at=timezone.now() + timedelta(hours=20))
    registered = registered_long_ago(event, make_user())
    registered_long_ago(event, make_user(), status=Registration.Status.WAITLISTED)
    registered_long_ago(event, make_user(), status=Registration.Status.CANCELLED)
    assert sweep(django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [[registered.user.email]]


def test_someone_who_got_a_place_after_the_reminder_time_is_not_sent_it(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(starts_at=timezone.now() + timedelta(hours=20))
    make_registration(event=event, user=make_user())  # registered just now, after the 24 h mark
    assert sweep(django_capture_on_commit_callbacks) == 0


def test_each_session_of_a_series_gets_its_reminders(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now() + timedelta(hours=20)
    event = make_event(starts_at=start, sessions=2, session_interval=timedelta(days=7))
    registered_long_ago(event, make_user())
    assert sweep(django_capture_on_commit_callbacks) == 1
    assert sweep(django_capture_on_commit_callbacks, now=start + timedelta(days=6, hours=1)) == 1
    assert ReminderDelivery.objects.count() == 2


def test_the_command_sends_what_is_due(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(starts_at=timezone.now() + timedelta(hours=20))
    registered_long_ago(event, make_user())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("event_reminders")
    assert len(mail.outbox) == 1


DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@override_settings(TASKS=DUMMY_TASKS)
def test_a_confirmed_registration_schedules_jobs_at_the_reminder_times(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    event = make_event(starts_at=start, sessions=2)
    registration = make_registration(event=event, user=make_user())
    default_task_backend.clear()  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        reminders_schedule_for_registration(registration)
    results = default_task_backend.results  # type: ignore[attr-defined]
    run_after = sorted(result.task.run_after for result in results)
    week = timedelta(days=7)
    assert run_after == [
        start - timedelta(hours=24),
        start - timedelta(hours=1),
        start + week - timedelta(hours=24),
        start + week - timedelta(hours=1),
    ]
    assert {result.task.name for result in results} == {"send_due_reminders"}
    assert all(result.kwargs["registration_id"] == registration.pk for result in results)


@override_settings(TASKS=DUMMY_TASKS)
def test_changed_sessions_schedule_only_future_reminders(
    django_capture_on_commit_callbacks: Any,
) -> None:
    start = timezone.now() + timedelta(hours=5)
    event = make_event(starts_at=start)
    default_task_backend.clear()  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_schedule_for_event(event) == 1
    (result,) = default_task_backend.results  # type: ignore[attr-defined]
    assert result.task.run_after == start - timedelta(hours=1)
    assert result.kwargs == {"event_id": event.pk, "registration_id": None}
