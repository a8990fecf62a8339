"""Registering, the waiting list, cancelling and promotion, through the services."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from cslab.core.errors import ConflictError, NotAuthenticatedError, NotFoundError
from cslab.core.problems import ProblemCode
from cslab.events.models import Event, Registration
from cslab.events.services.registrations import (
    registration_cancel,
    registration_cancel_by_token,
    registration_create,
)
from cslab.events.vocabulary import EventKind
from cslab.notifications.models import Notification
from tests.events.factories import make_event, make_registration

pytestmark = [pytest.mark.django_db]

Status = Registration.Status


def counts(event: Event) -> tuple[int, int]:
    event.refresh_from_db()
    return event.registered_count, event.waitlist_count


def test_a_free_seat_registers_and_a_full_event_waitlists(make_user: Any) -> None:
    event = make_event(capacity=1)
    first = registration_create(actor=make_user(), event=event)
    second = registration_create(actor=make_user(), event=event)
    assert (first.status, second.status) == (Status.REGISTERED, Status.WAITLISTED)
    assert first.registered_at is not None and second.waitlisted_at is not None
    assert counts(event) == (1, 1)


def test_no_capacity_means_everyone_gets_a_place(make_user: Any) -> None:
    event = make_event(capacity=None)
    for _ in range(5):
        assert registration_create(actor=make_user(), event=event).status == Status.REGISTERED
    assert counts(event) == (5, 0)


def test_registering_twice_is_refused_and_counts_nothing(make_user: Any) -> None:
    event = make_event(capacity=1)
    person = make_user()
    registration_create(actor=person, event=event)
    with pytest.raises(ConflictError) as refused:
        registration_create(actor=person, event=event)
    assert refused.value.code == ProblemCode.ALREADY_REGISTERED
    assert counts(event) == (1, 0)


def test_registering_again_after_cancelling_is_allowed(make_user: Any) -> None:
    event = make_event(capacity=3)
    person = make_user()
    registration_cancel(actor=person, registration=registration_create(actor=person, event=event))
    assert registration_create(actor=person, event=event).status == Status.REGISTERED
    assert counts(event) == (1, 0)


def test_closed_registration_is_refused(make_user: Any) -> None:
    event = make_event(registration_closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ConflictError) as refused:
        registration_create(actor=make_user(), event=event)
    assert refused.value.code == ProblemCode.REGISTRATION_CLOSED


def test_registration_closes_at_the_first_session_without_a_closing_time(make_user: Any) -> None:
    started = make_event(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ConflictError):
        registration_create(actor=make_user(), event=started)


def test_a_cancelled_event_takes_no_registrations(make_user: Any) -> None:
    event = make_event(status=Event.Status.CANCELLED)
    with pytest.raises(ConflictError) as refused:
        registration_create(actor=make_user(), event=event)
    assert refused.value.code == ProblemCode.REGISTRATION_CLOSED


def test_a_draft_event_does_not_exist_for_others(make_user: Any) -> None:
    event = make_event(status=Event.Status.DRAFT, created_by=make_user())
    with pytest.raises(NotFoundError):
        registration_create(actor=make_user(), event=event)


def test_an_anonymous_visitor_cannot_register() -> None:
    event = make_event()
    with pytest.raises(NotAuthenticatedError):
        registration_create(actor=AnonymousUser(), event=event)


def test_answers_to_questions_not_asked_are_dropped(make_user: Any) -> None:
    event = make_event(ask_dietary_needs=True, ask_accessibility_needs=False)
    registration = registration_create(
        actor=make_user(),
        event=event,
        dietary_needs=" vegan ",
        accessibility_needs="ramp",
        organisation="UvA",
        contact_consent=True,
    )
    assert registration.dietary_needs == "vegan"
    assert registration.accessibility_needs == ""
    assert registration.organisation == ""
    assert registration.contact_consent is True


def test_cancelling_a_place_promotes_the_first_person_waiting(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(capacity=1, kind=EventKind.WEBINAR)
    holder = make_user()
    held = make_registration(event=event, user=holder)
    first = make_registration(event=event, user=make_user(), status=Status.WAITLISTED)
    second = make_registration(event=event, user=make_user(), status=Status.WAITLISTED)
    Registration.objects.filter(pk=second.pk).update(
        waitlisted_at=first.waitlisted_at + timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = registration_cancel(actor=holder, registration=held)
    assert result.promoted is not None and result.promoted.pk == first.pk
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.REGISTERED and first.promoted_at is not None
    assert second.status == Status.WAITLISTED
    assert counts(event) == (1, 1)
    assert Notification.objects.filter(
        recipient=first.user, kind="events.registration.promoted"
    ).exists()
    (message,) = [m for m in mail.outbox if m.to == [first.user.email]]
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    assert event.online_url in content
    Calendar.from_ical(content)


def test_cancelling_a_waitlisted_registration_just_leaves_the_list(make_user: Any) -> None:
    event = make_event(capacity=1)
    make_registration(event=event, user=make_user())
    waiting_person = make_user()
    waiting = make_registration(event=event, user=waiting_person, status=Status.WAITLISTED)
    result = registration_cancel(actor=waiting_person, registration=waiting)
    assert result.promoted is None
    assert counts(event) == (1, 0)


def test_no_promotion_after_the_event_started(make_user: Any) -> None:
    event = make_event(capacity=1, starts_at=timezone.now() - timedelta(minutes=5))
    holder = make_user()
    held = make_registration(event=event, user=holder)
    make_registration(event=event, user=make_user(), status=Status.WAITLISTED)
    assert registration_cancel(actor=holder, registration=held).promoted is None
    assert counts(event) == (0, 1)


def test_nobody_cancels_someone_elses_registration(make_user: Any) -> None:
    event = make_event()
    registration = make_registration(event=event, user=make_user())
    with pytest.raises(NotFoundError):
        registration_cancel(actor=make_user(), registration=registration)
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED


def test_cancel_by_token_works_once(make_user: Any) -> None:
    event = make_event(capacity=2)
    registration = make_registration(event=event, user=make_user())
    registration_cancel_by_token(token=registration.token)
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED and registration.cancelled_at is not None
    assert counts(event) == (0, 0)
    with pytest.raises(ConflictError) as refused:
        registration_cancel_by_token(token=registration.token)
    assert refused.value.code == ProblemCode.REGISTRATION_ALREADY_CANCELLED
    assert counts(event) == (0, 0)


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 500])
def test_an_unknown_token_is_not_found(token: str) -> None:
    with pytest.raises(NotFoundError):
        registration_cancel_by_token(token=token)
