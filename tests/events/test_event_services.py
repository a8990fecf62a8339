"""Writing events: create, update, publish, cancel (issue 13 item 1)."""

from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from cslab.core.models import AuditEvent
from cslab.core.problems import ProblemCode
from cslab.core.roles import ProjectRole, SiteRole
from cslab.events.models import Event, Registration
from cslab.events.services.events import (
    PersonInput,
    SessionInput,
    event_cancel,
    event_create,
    event_publish,
    event_update,
)
from cslab.events.vocabulary import AttendanceMode, EventKind, EventPersonRole, EventTagKind
from cslab.hub.models import Resource
from cslab.notifications.models import Notification
from tests.events.factories import make_event, make_registration
from tests.factories import UserFactory
from tests.hub.factories import make_resource
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

START = datetime(2027, 3, 4, 18, 0, tzinfo=UTC)


def _session(days: int = 0, hours: int = 2) -> SessionInput:
    start = START + timedelta(days=days)
    return SessionInput(starts_at=start, ends_at=start + timedelta(hours=hours))


def _fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "Counting bats at dusk",
        "summary": "A walk with bat detectors.",
        "kind": EventKind.WORKSHOP,
        "attendance_mode": AttendanceMode.IN_PERSON,
        "venue_name": "Hortus",
        "venue_address": "Plantage Middenlaan 2a, Amsterdam",
        "sessions": [_session()],
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def trainer() -> Any:
    return UserFactory(site_role=SiteRole.TRAINER)


def test_a_trainer_creates_a_draft_with_times_from_its_sessions(trainer: Any) -> None:
    event = event_create(
        actor=trainer, **_fields(sessions=[_session(7), _session(0), _session(14, hours=3)])
    )
    assert event.status == Event.Status.DRAFT
    assert event.slug == "counting-bats-at-dusk"
    assert event.starts_at == START
    assert event.ends_at == START + timedelta(days=14, hours=3)
    assert [s.starts_at for s in event.sessions.all()] == [
        START,
        START + timedelta(days=7),
        START + timedelta(days=14),
    ]
    assert AuditEvent.objects.filter(action="event.created").count() == 1


def test_slugs_are_unique_and_never_a_reserved_path(trainer: Any) -> None:
    first = event_create(actor=trainer, **_fields(title="Manage"))
    second = event_create(actor=trainer, **_fields(title="Manage"))
    assert first.slug == "manage-2"
    assert second.slug == "manage-3"


def test_a_volunteer_may_not_create_a_lab_event() -> None:
    with pytest.raises(PermissionDeniedError):
        event_create(actor=UserFactory(), **_fields())


def test_a_project_researcher_creates_an_event_of_the_project_but_a_member_may_not() -> None:
    project = ProjectFactory(public=True)
    researcher = MembershipFactory(project=project, role=ProjectRole.RESEARCHER).user
    member = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    event = event_create(actor=researcher, project=project, **_fields())
    assert event.project == project
    with pytest.raises(PermissionDeniedError):
        event_create(actor=member, project=project, **_fields())


def test_a_webinar_is_online_whatever_the_form_said(trainer: Any) -> None:
    event = event_create(
        actor=trainer,
        **_fields(kind=EventKind.WEBINAR, attendance_mode=AttendanceMode.IN_PERSON),
    )
    assert event.attendance_mode == AttendanceMode.ONLINE
    assert event.venue_address == ""


@pytest.mark.parametrize("mode", [AttendanceMode.IN_PERSON, AttendanceMode.HYBRID])
def test_attending_in_person_needs_a_venue_address(trainer: Any, mode: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        event_create(actor=trainer, **_fields(attendance_mode=mode, venue_address=""))
    assert "venue_address" in caught.value.details


def test_more_than_twenty_sessions_or_thirty_people_are_refused(trainer: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        event_create(actor=trainer, **_fields(sessions=[_session(day) for day in range(21)]))
    assert caught.value.code == ProblemCode.TOO_MANY_ITEMS
    people = [PersonInput(name=f"Speaker {n}", role=EventPersonRole.SPEAKER) for n in range(31)]
    with pytest.raises(InvalidInputError) as caught:
        event_create(actor=trainer, **_fields(people=people))
    assert caught.value.code == ProblemCode.TOO_MANY_ITEMS
    assert not Event.objects.exists()


def test_a_huge_description_is_refused(trainer: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        event_create(actor=trainer, **_fields(description="x" * 50_001))
    assert "description" in caught.value.details


def test_tags_are_checked_against_the_vocabularies(trainer: Any) -> None:
    event = event_create(
        actor=trainer,
        **_fields(tags={EventTagKind.AUDIENCE: ["volunteers"], EventTagKind.FACULTY: []}),
    )
    assert event.tags_of(EventTagKind.AUDIENCE) == ["volunteers"]
    with pytest.raises(InvalidInputError):
        event_create(actor=trainer, **_fields(tags={EventTagKind.DOMAIN: ["astrology"]}))


def test_only_published_resources_and_visible_projects_are_linked(trainer: Any) -> None:
    published = make_resource()
    draft = make_resource(status=Resource.Status.DRAFT)
    listed = ProjectFactory(public=True)
    private = ProjectFactory()
    event = event_create(actor=trainer, **_fields(resources=[published.pk], projects=[listed.pk]))
    assert [link.resource for link in event.resource_links.all()] == [published]
    assert event.resource_links.get().relation == "material"
    with pytest.raises(InvalidInputError):
        event_update(actor=trainer, event=event, resources=[draft.pk])
    with pytest.raises(InvalidInputError):
        event_update(actor=trainer, event=event, projects=[private.pk])


def test_people_link_only_oneself_linked_people_or_the_project_team(trainer: Any) -> None:
    stranger = UserFactory()
    event = event_create(
        actor=trainer,
        **_fields(
            people=[
                PersonInput(name="Me", role=EventPersonRole.ORGANISER, user_id=trainer.pk),
                PersonInput(name="Dr Bat", role=EventPersonRole.SPEAKER, affiliation="UvA"),
            ]
        ),
    )
    assert [(p.name, p.user_id) for p in event.people.all()] == [
        ("Me", trainer.pk),
        ("Dr Bat", None),
    ]
    with pytest.raises(InvalidInputError):
        event_update(
            actor=trainer,
            event=event,
            people=[PersonInput(name="X", role=EventPersonRole.ORGANISER, user_id=stranger.pk)],
        )


def test_the_capacity_may_not_drop_below_the_registered_people(trainer: Any) -> None:
    event = make_event(created_by=trainer, capacity=5)
    for _ in range(3):
        make_registration(event=event, user=UserFactory())
    with pytest.raises(InvalidInputError) as caught:
        event_update(actor=trainer, event=event, capacity=2)
    assert caught.value.code == ProblemCode.CAPACITY_BELOW_REGISTERED
    assert caught.value.code.status == 400
    event_update(actor=trainer, event=event, capacity=3)
    event.refresh_from_db()
    assert event.capacity == 3


def test_someone_who_does_not_organise_it_may_not_edit_a_published_event(trainer: Any) -> None:
    event = make_event(created_by=trainer)
    with pytest.raises(PermissionDeniedError):
        event_update(actor=UserFactory(), event=event, title="Mine now")


def test_another_persons_draft_does_not_exist_for_a_volunteer(trainer: Any) -> None:
    event = make_event(created_by=trainer, status=Event.Status.DRAFT)
    with pytest.raises(NotFoundError):
        event_update(actor=UserFactory(), event=event, title="Mine now")


def test_publishing_a_draft_and_only_a_draft(trainer: Any) -> None:
    event = make_event(created_by=trainer, status=Event.Status.DRAFT)
    published = event_publish(actor=trainer, event=event)
    assert published.status == Event.Status.PUBLISHED
    assert published.published_at is not None
    with pytest.raises(ConflictError):
        event_publish(actor=trainer, event=event)


def test_cancelling_tells_the_registered_and_waitlisted_people(
    trainer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(created_by=trainer, capacity=1)
    registered, waitlisted, gone = UserFactory(), UserFactory(), UserFactory()
    make_registration(event=event, user=registered)
    make_registration(event=event, user=waitlisted, status=Registration.Status.WAITLISTED)
    make_registration(event=event, user=gone, status=Registration.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(actor=trainer, event=event, reason="The speaker is ill.")
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    told = set(
        Notification.objects.filter(kind="event.cancelled").values_list("recipient_id", flat=True)
    )
    assert told == {registered.pk, waitlisted.pk}
    with pytest.raises(ConflictError):
        event_update(actor=trainer, event=event, title="Back on")
    with pytest.raises(InvalidInputError):
        event_cancel(actor=trainer, event=make_event(created_by=trainer), reason="  ")


def _png() -> SimpleUploadedFile:
    buffer = BytesIO()
    image = Image.new("RGB", (40, 30), "green")
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")


def test_a_cover_needs_alt_text_and_is_re_encoded(
    trainer: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(InvalidInputError) as caught:
        event_create(actor=trainer, **_fields(cover_image=_png()))
    assert "cover_alt_text" in caught.value.details
    event = event_create(
        actor=trainer, **_fields(cover_image=_png(), cover_alt_text="A bat detector")
    )
    assert event.cover_image.name.startswith("events/covers/counting-bats-at-dusk")
    assert not event.cover_image.name.endswith(".png") or event.cover_image.size > 0


def test_a_program_is_refused_as_a_cover(trainer: Any) -> None:
    upload = SimpleUploadedFile("cover.png", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(InvalidInputError) as caught:
        event_create(actor=trainer, **_fields(cover_image=upload, cover_alt_text="x"))
    assert caught.value.code == ProblemCode.MEDIA_REFUSED
    assert not Event.objects.exists()


def test_updating_records_what_changed(trainer: Any) -> None:
    event = make_event(created_by=trainer)
    event_update(actor=trainer, event=event, title="New title", sessions=[_session()])
    audit = AuditEvent.objects.get(action="event.updated")
    assert "title" in audit.details["fields"]
    assert "sessions" in audit.details["fields"]
    event.refresh_from_db()
    assert event.starts_at == START
    assert event.slug.startswith("event-")  # the address stays
    assert timezone.is_aware(event.ends_at)


def test_more_places_go_to_the_people_waiting_first_come_first_served(trainer: Any) -> None:
    event = make_event(created_by=trainer, capacity=1)
    make_registration(event=event, user=UserFactory())
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for person in (first, second, third):
        make_registration(event=event, user=person, status=Registration.Status.WAITLISTED)

    event_update(actor=trainer, event=event, capacity=3)

    event.refresh_from_db()
    assert (event.registered_count, event.waitlist_count) == (3, 1)
    statuses = {row.user_id: row.status for row in Registration.objects.filter(event=event)}
    assert statuses[first.pk] == statuses[second.pk] == Registration.Status.REGISTERED
    assert statuses[third.pk] == Registration.Status.WAITLISTED
    assert (
        Notification.objects.filter(
            recipient__in=[first, second], kind="events.registration.promoted"
        ).count()
        == 2
    )
