"""The feedback survey: only attendees, once (a second answer is a 409), after the start; the
"How was it?" e-mail goes once to each attendee of an ended event."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cslab.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from cslab.core.problems import ProblemCode
from cslab.events.models import EventFeedback, FeedbackRequest
from cslab.events.services.feedback import feedback_give, feedback_requests_send
from cslab.notifications.selectors import CategoryPreference
from cslab.notifications.services.preferences import notification_preferences_update
from cslab.notifications.vocabulary import EmailFrequency, NotificationCategory
from tests.events.factories import make_event, make_registration

pytestmark = pytest.mark.django_db


def _past_event(organiser: Any) -> Any:
    return make_event(created_by=organiser, starts_at=timezone.now() - timedelta(days=1))


def _attendee(event: Any, user: Any) -> Any:
    return make_registration(event=event, user=user, attended_at=timezone.now())


def test_an_attendee_gives_feedback_once(trainer: Any, volunteer: Any) -> None:
    event = _past_event(trainer)
    _attendee(event, volunteer)
    feedback_give(actor=volunteer, event=event, overall=4, usefulness=5, would_recommend=True)
    with pytest.raises(ConflictError) as second:
        feedback_give(actor=volunteer, event=event, overall=1)
    assert second.value.code == ProblemCode.FEEDBACK_ALREADY_GIVEN
    assert EventFeedback.objects.get(event=event).overall == 4


def test_someone_registered_who_did_not_attend_cannot_give_feedback(
    trainer: Any, volunteer: Any
) -> None:
    event = _past_event(trainer)
    make_registration(event=event, user=volunteer)
    with pytest.raises(PermissionDeniedError):
        feedback_give(actor=volunteer, event=event, overall=3)


def test_feedback_opens_when_the_first_session_starts(trainer: Any, volunteer: Any) -> None:
    event = make_event(created_by=trainer)
    _attendee(event, volunteer)
    with pytest.raises(InvalidInputError) as early:
        feedback_give(actor=volunteer, event=event, overall=3)
    assert early.value.code == ProblemCode.FEEDBACK_NOT_OPEN


def test_a_score_outside_one_to_five_is_refused(trainer: Any, volunteer: Any) -> None:
    event = _past_event(trainer)
    _attendee(event, volunteer)
    with pytest.raises(InvalidInputError):
        feedback_give(actor=volunteer, event=event, overall=9)


def test_feedback_page_records_answers_and_a_second_post_is_409(
    client: Any, trainer: Any, volunteer: Any
) -> None:
    event = _past_event(trainer)
    _attendee(event, volunteer)
    client.force_login(volunteer)
    url = reverse("event_feedback", kwargs={"slug": event.slug})
    assert client.get(url).status_code == 200
    answers = {"overall": "5", "usefulness": "4", "would_recommend": "yes", "comment": "Great"}
    assert client.post(url, answers).status_code == 302
    stored = EventFeedback.objects.get(event=event)
    assert (stored.overall, stored.usefulness, stored.would_recommend) == (5, 4, True)
    again = client.post(url, answers)
    assert again.status_code == 409
    assert "already given feedback" in again.content.decode()


def test_feedback_page_is_403_for_someone_who_did_not_attend(
    client: Any, trainer: Any, volunteer: Any
) -> None:
    event = _past_event(trainer)
    client.force_login(volunteer)
    assert client.get(reverse("event_feedback", kwargs={"slug": event.slug})).status_code == 403


def test_each_attendee_is_asked_once(
    trainer: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(
        created_by=trainer, starts_at=timezone.now() - timedelta(hours=5), title="Bird counting"
    )
    came, absent = make_user(), make_user()
    _attendee(event, came)
    make_registration(event=event, user=absent)
    with django_capture_on_commit_callbacks(execute=True):
        first = feedback_requests_send()
    with django_capture_on_commit_callbacks(execute=True):
        second = feedback_requests_send()
    assert (first.sent, second.sent) == (1, 0)
    assert [message.to for message in mail.outbox] == [[came.email]]
    assert "How was it?" in mail.outbox[0].subject
    assert reverse("event_feedback", kwargs={"slug": event.slug}) in mail.outbox[0].body
    assert FeedbackRequest.objects.count() == 1


def test_an_attendee_who_chose_never_for_event_emails_is_not_asked(
    trainer: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(created_by=trainer, starts_at=timezone.now() - timedelta(hours=5))
    wants, refuses = make_user(), make_user()
    _attendee(event, wants)
    _attendee(event, refuses)
    notification_preferences_update(
        actor=refuses,
        choices=[
            CategoryPreference(
                category=NotificationCategory.EVENT_REMINDERS, email=EmailFrequency.OFF
            )
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = feedback_requests_send()
    assert (run.sent, run.skipped) == (1, 1)
    assert [message.to for message in mail.outbox] == [[wants.email]]


def test_attendees_who_already_answered_or_of_a_running_event_are_not_asked(
    trainer: Any, make_user: Any
) -> None:
    ended = make_event(created_by=trainer, starts_at=timezone.now() - timedelta(hours=5))
    running = make_event(created_by=trainer, starts_at=timezone.now() - timedelta(hours=1))
    answered = make_user()
    _attendee(ended, answered)
    EventFeedback.objects.create(event=ended, user=answered, overall=4)
    _attendee(running, make_user())
    assert feedback_requests_send().sent == 0


def test_the_command_starts_the_feedback_request_job(
    trainer: Any, volunteer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(created_by=trainer, starts_at=timezone.now() - timedelta(hours=5))
    _attendee(event, volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("event_feedback_requests")
    assert FeedbackRequest.objects.filter(registration__user=volunteer).exists()
