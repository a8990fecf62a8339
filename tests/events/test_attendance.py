"""Attendance: organisers mark who came (one by one or all at once); registered people check in
with the event's code while a session runs, with a limit on wrong codes."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cslab.core.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from cslab.core.models import AuditEvent
from cslab.core.problems import ProblemCode
from cslab.events.models import Event, Registration
from cslab.events.services.attendance import (
    CHECK_IN_MAX_WRONG_TRIES,
    attendance_check_in,
    attendance_mark,
    attendance_mark_many,
)
from tests.events.factories import make_event, make_registration

pytestmark = pytest.mark.django_db


def _running_event(organiser: Any, **fields: Any) -> Event:
    """An event whose session started ten minutes ago and runs for two hours."""
    return make_event(
        created_by=organiser, starts_at=timezone.now() - timedelta(minutes=10), **fields
    )


def test_organiser_marks_a_registered_person_attended_and_back(
    trainer: Any, volunteer: Any
) -> None:
    event = make_event(created_by=trainer)
    registration = make_registration(event=event, user=volunteer)
    attendance_mark(actor=trainer, registration=registration, attended=True)
    registration.refresh_from_db()
    assert registration.attended_at is not None
    assert registration.attendance_marked_by == trainer
    attendance_mark(actor=trainer, registration=registration, attended=False)
    registration.refresh_from_db()
    assert registration.attended_at is None
    assert AuditEvent.objects.filter(action="event.attendance_marked").count() == 2


def test_someone_on_the_waiting_list_cannot_be_marked_attended(
    trainer: Any, volunteer: Any
) -> None:
    event = make_event(created_by=trainer)
    registration = make_registration(
        event=event, user=volunteer, status=Registration.Status.WAITLISTED
    )
    with pytest.raises(InvalidInputError):
        attendance_mark(actor=trainer, registration=registration, attended=True)


def test_a_participant_cannot_mark_attendance(make_user: Any, trainer: Any) -> None:
    event = make_event(created_by=trainer)
    participant = make_user()
    registration = make_registration(event=event, user=participant)
    with pytest.raises(PermissionDeniedError):
        attendance_mark(actor=participant, registration=registration, attended=True)


def test_bulk_marking_sets_exactly_the_ticked_people(trainer: Any, make_user: Any) -> None:
    event = make_event(created_by=trainer)
    came, stayed_home = make_user(), make_user()
    first = make_registration(event=event, user=came)
    second = make_registration(event=event, user=stayed_home)
    other_event = make_event(created_by=trainer)
    foreign = make_registration(event=other_event, user=make_user())
    changed = attendance_mark_many(actor=trainer, event=event, attended_ids=[first.pk, foreign.pk])
    assert changed == 1
    first.refresh_from_db()
    second.refresh_from_db()
    foreign.refresh_from_db()
    assert first.attended_at is not None
    assert second.attended_at is None
    assert foreign.attended_at is None


def test_attendance_page_lists_needs_and_saves_mark_all(
    client: Any, trainer: Any, make_user: Any
) -> None:
    event = make_event(created_by=trainer, ask_dietary_needs=True)
    make_registration(
        event=event, user=make_user(), dietary_needs="Vegan", accessibility_needs="Step-free access"
    )
    make_registration(event=event, user=make_user())
    client.force_login(trainer)
    url = reverse("event_attendance", kwargs={"slug": event.slug})
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Vegan" in text
    assert "Step-free access" in text
    assert event.check_in_code in text
    assert reverse("event_check_in", kwargs={"slug": event.slug}) in text
    response = client.post(url, {"mark_all": "1"})
    assert response.status_code == 302
    assert Registration.objects.filter(event=event, attended_at__isnull=False).count() == 2


def test_attendance_page_is_404_for_a_stranger_of_a_draft_and_403_for_a_participant(
    client: Any, trainer: Any, volunteer: Any
) -> None:
    draft = make_event(created_by=trainer, status=Event.Status.DRAFT)
    published = make_event(created_by=trainer)
    client.force_login(volunteer)
    assert client.get(reverse("event_attendance", kwargs={"slug": draft.slug})).status_code == 404
    assert (
        client.get(reverse("event_attendance", kwargs={"slug": published.slug})).status_code == 403
    )


def test_a_registered_person_checks_in_with_the_code_while_the_session_runs(
    trainer: Any, volunteer: Any
) -> None:
    event = _running_event(trainer)
    registration = make_registration(event=event, user=volunteer)
    attendance_check_in(actor=volunteer, event=event, code=f" {event.check_in_code.lower()} ")
    registration.refresh_from_db()
    assert registration.attended_at is not None
    assert registration.attendance_marked_by == volunteer


@pytest.mark.parametrize(
    ("starts_in", "is_open"),
    [
        (timedelta(minutes=31), False),
        (timedelta(minutes=29), True),
        (timedelta(hours=-1, minutes=-59), True),
        (timedelta(hours=-2, minutes=-1), False),
    ],
)
def test_check_in_opens_30_minutes_before_a_session_and_closes_at_its_end(
    trainer: Any, volunteer: Any, starts_in: timedelta, is_open: bool
) -> None:
    event = make_event(created_by=trainer, starts_at=timezone.now() + starts_in)
    make_registration(event=event, user=volunteer)
    if is_open:
        attendance_check_in(actor=volunteer, event=event, code=event.check_in_code)
    else:
        with pytest.raises(InvalidInputError) as refused:
            attendance_check_in(actor=volunteer, event=event, code=event.check_in_code)
        assert refused.value.code == ProblemCode.CHECK_IN_CLOSED


def test_only_registered_people_check_in(trainer: Any, make_user: Any) -> None:
    event = _running_event(trainer)
    waiting = make_user()
    make_registration(event=event, user=waiting, status=Registration.Status.WAITLISTED)
    with pytest.raises(PermissionDeniedError):
        attendance_check_in(actor=waiting, event=event, code=event.check_in_code)
    with pytest.raises(PermissionDeniedError):
        attendance_check_in(actor=make_user(), event=event, code=event.check_in_code)


def test_a_draft_event_is_not_found_for_check_in(trainer: Any, volunteer: Any) -> None:
    event = _running_event(trainer, status=Event.Status.DRAFT)
    with pytest.raises(NotFoundError):
        attendance_check_in(actor=volunteer, event=event, code=event.check_in_code)


def test_after_ten_wrong_codes_even_the_right_one_is_refused(trainer: Any, volunteer: Any) -> None:
    event = _running_event(trainer)
    registration = make_registration(event=event, user=volunteer)
    for _try in range(CHECK_IN_MAX_WRONG_TRIES):
        with pytest.raises(InvalidInputError) as wrong:
            attendance_check_in(actor=volunteer, event=event, code="WRONG1")
        assert wrong.value.code == ProblemCode.CHECK_IN_CODE_WRONG
    with pytest.raises(InvalidInputError) as locked:
        attendance_check_in(actor=volunteer, event=event, code=event.check_in_code)
    assert locked.value.code == ProblemCode.CHECK_IN_TOO_MANY_TRIES
    registration.refresh_from_db()
    assert registration.attended_at is None


def test_wrong_tries_are_counted_per_person(trainer: Any, make_user: Any) -> None:
    event = _running_event(trainer)
    guesser, honest = make_user(), make_user()
    make_registration(event=event, user=guesser)
    make_registration(event=event, user=honest)
    for _try in range(CHECK_IN_MAX_WRONG_TRIES):
        with pytest.raises(InvalidInputError):
            attendance_check_in(actor=guesser, event=event, code="WRONG1")
    attendance_check_in(actor=honest, event=event, code=event.check_in_code)


def test_check_in_page_answers_400_with_a_message_for_a_wrong_code(
    client: Any, trainer: Any, volunteer: Any
) -> None:
    event = _running_event(trainer)
    make_registration(event=event, user=volunteer)
    client.force_login(volunteer)
    url = reverse("event_check_in", kwargs={"slug": event.slug})
    response = client.post(url, {"code": "NOPE22"})
    assert response.status_code == 400
    assert "not the check-in code" in response.content.decode()
    response = client.post(url, {"code": event.check_in_code})
    assert response.status_code == 302
    assert "checked in" in client.get(url).content.decode()


def test_check_in_page_is_403_for_someone_without_a_place(
    client: Any, trainer: Any, volunteer: Any
) -> None:
    event = _running_event(trainer)
    client.force_login(volunteer)
    url = reverse("event_check_in", kwargs={"slug": event.slug})
    assert client.post(url, {"code": event.check_in_code}).status_code == 403
