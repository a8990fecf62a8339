"""Removing photos of observations: by the observer at once, or on request through the
project's moderators (issue 14 item 5)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from cslab.core.models import AuditEvent
from cslab.core.problems import ProblemCode
from cslab.core.roles import ProjectRole
from cslab.media.models import Media
from cslab.media.services import media_attach
from cslab.notifications.models import Notification
from cslab.observations.models import Observation
from cslab.privacy.media_removal_selectors import (
    media_removal_request_count_open,
    media_removal_request_list_open,
)
from cslab.privacy.models import Erasure, MediaRemovalRequest
from cslab.privacy.services.erasure import account_erase
from cslab.privacy.services.media_removal import (
    media_removal_request_create,
    media_removal_request_decide,
    media_remove,
)
from tests.collection.test_media_checks import jpeg_with_gps
from tests.factories import UserFactory
from tests.privacy.media_removal_world import PHOTO, PhotoWorld, photo_world, stored_names
from tests.projects.factories import MembershipFactory

Face = MediaRemovalRequest.Reason.FACE


@pytest.fixture
def world(db: Any) -> PhotoWorld:
    return photo_world()


def _ask(world: PhotoWorld, person: Any = None) -> MediaRemovalRequest:
    return media_removal_request_create(
        actor=person or world.bystander, media=world.photo, reason=Face, details="That is me."
    )


def test_the_observer_removes_a_photo_and_its_files_leave_storage(
    world: PhotoWorld, django_capture_on_commit_callbacks: Any
) -> None:
    names = stored_names(world.photo)
    assert len(names) == 3 and all(default_storage.exists(name) for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        removed = media_remove(actor=world.observer, media=world.photo, reason="observer")

    assert not any(default_storage.exists(name) for name in names)
    assert removed.removed_at is not None
    assert not removed.original and not removed.public_file and not removed.thumbnail
    event = AuditEvent.objects.get(action="media.removed")
    assert event.details["media_id"] == world.photo.pk
    assert PHOTO not in str(event.details) and PHOTO not in event.target_label


def test_files_stay_when_the_removal_is_rolled_back(world: PhotoWorld) -> None:
    names = stored_names(world.photo)

    with pytest.raises(RuntimeError), transaction.atomic():
        media_remove(actor=world.observer, media=world.photo, reason="observer")
        raise RuntimeError

    assert all(default_storage.exists(name) for name in names)
    world.photo.refresh_from_db()
    assert world.photo.removed_at is None


def test_another_volunteer_cannot_remove_someone_elses_photo(world: PhotoWorld) -> None:
    member = MembershipFactory(project=world.project, role=ProjectRole.MEMBER).user

    for other in (world.bystander, member, world.moderator):
        with pytest.raises(PermissionDeniedError):
            media_remove(actor=other, media=world.photo, reason="observer")

    world.photo.refresh_from_db()
    assert world.photo.removed_at is None


def test_someone_who_may_not_see_the_photo_is_told_it_does_not_exist(db: Any) -> None:
    private = photo_world(visibility="private")
    outsider = UserFactory()

    with pytest.raises(NotFoundError):
        media_remove(actor=outsider, media=private.photo, reason="observer")
    with pytest.raises(NotFoundError):
        media_removal_request_create(actor=outsider, media=private.photo, reason=Face)
    assert not MediaRemovalRequest.objects.exists()


def test_the_projects_leads_remove_the_photo_of_a_devices_observation(world: PhotoWorld) -> None:
    Observation.objects.filter(pk=world.observation.pk).update(observer=None)
    researcher = MembershipFactory(project=world.project, role=ProjectRole.RESEARCHER).user
    world.photo.refresh_from_db()

    with pytest.raises(PermissionDeniedError):
        media_remove(actor=world.moderator, media=world.photo, reason="observer")
    media_remove(actor=researcher, media=world.photo, reason="observer")

    world.photo.refresh_from_db()
    assert world.photo.removed_at is not None


def test_a_request_reaches_the_moderators(world: PhotoWorld) -> None:
    request = _ask(world)

    assert list(media_removal_request_list_open(user=world.moderator, project=world.project)) == [
        request
    ]
    assert media_removal_request_count_open(user=world.moderator, project=world.project) == 1
    assert media_removal_request_count_open(user=world.observer, project=world.project) is None
    with pytest.raises(PermissionDeniedError):
        media_removal_request_list_open(user=world.observer, project=world.project)


def test_asking_twice_keeps_one_open_request_per_person(world: PhotoWorld) -> None:
    first = _ask(world)
    again = _ask(world)

    assert again.pk == first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        MediaRemovalRequest.objects.create(
            media=world.photo, requested_by=world.bystander, reason=Face
        )
    assert MediaRemovalRequest.objects.count() == 1


def test_a_request_needs_a_known_reason_and_bounded_details(world: PhotoWorld) -> None:
    cases = [
        {"reason": "hostile", "details": ""},
        {"reason": MediaRemovalRequest.Reason.OTHER, "details": ""},
        {"reason": Face, "details": "x" * 1001},
    ]
    for case in cases:
        with pytest.raises(InvalidInputError):
            media_removal_request_create(actor=world.bystander, media=world.photo, **case)
    assert not MediaRemovalRequest.objects.exists()


def test_removing_on_request_deletes_the_files_and_tells_the_requester(
    world: PhotoWorld, django_capture_on_commit_callbacks: Any
) -> None:
    request = _ask(world)
    names = stored_names(world.photo)

    with django_capture_on_commit_callbacks(execute=True):
        decided = media_removal_request_decide(
            actor=world.moderator, removal_request=request, remove=True
        )

    assert decided.status == MediaRemovalRequest.Status.REMOVED
    assert decided.decided_by == world.moderator and decided.decided_at is not None
    assert not any(default_storage.exists(name) for name in names)
    told = Notification.objects.get(recipient=world.bystander)
    assert told.kind == "moderation.media_removal"
    assert told.url.endswith(f"/observations/{world.observation.pk}/")


def test_declining_keeps_the_photo_and_tells_the_requester_why(world: PhotoWorld) -> None:
    request = _ask(world)
    names = stored_names(world.photo)

    with pytest.raises(InvalidInputError):
        media_removal_request_decide(actor=world.moderator, removal_request=request, remove=False)
    decided = media_removal_request_decide(
        actor=world.moderator, removal_request=request, remove=False, note="Nobody is in it."
    )

    assert decided.status == MediaRemovalRequest.Status.DECLINED
    assert decided.decision_note == "Nobody is in it."
    world.photo.refresh_from_db()
    assert world.photo.removed_at is None
    assert all(default_storage.exists(name) for name in names)
    told = Notification.objects.get(recipient=world.bystander)
    assert told.params["note"] == "Nobody is in it."


def test_deciding_twice_is_a_conflict(world: PhotoWorld) -> None:
    request = _ask(world)
    media_removal_request_decide(
        actor=world.moderator, removal_request=request, remove=False, note="No."
    )

    with pytest.raises(ConflictError) as raised:
        media_removal_request_decide(actor=world.moderator, removal_request=request, remove=True)

    assert raised.value.code == ProblemCode.MEDIA_REMOVAL_ALREADY_DECIDED
    world.photo.refresh_from_db()
    assert world.photo.removed_at is None


def test_only_the_projects_moderators_decide(world: PhotoWorld) -> None:
    request = _ask(world)

    for other in (world.observer, world.bystander):
        with pytest.raises(PermissionDeniedError):
            media_removal_request_decide(actor=other, removal_request=request, remove=True)
    request.refresh_from_db()
    assert request.status == MediaRemovalRequest.Status.OPEN


def test_the_observer_removing_the_photo_closes_open_requests(world: PhotoWorld) -> None:
    request = _ask(world)

    media_remove(actor=world.observer, media=world.photo, reason="observer")

    request.refresh_from_db()
    assert request.status == MediaRemovalRequest.Status.REMOVED
    assert Notification.objects.filter(recipient=world.bystander).count() == 1


def test_a_replay_of_the_removed_photo_from_a_device_stores_nothing_again(
    world: PhotoWorld,
) -> None:
    media_remove(actor=world.observer, media=world.photo, reason="observer")

    # The same bytes as first sent (the device keeps its queue): recognised by their digest.
    media, created = media_attach(
        actor=world.observer,
        observation=world.observation,
        name=PHOTO,
        uploaded_file=SimpleUploadedFile(PHOTO, jpeg_with_gps(800, 600)),
    )

    assert created is False and media.pk == world.photo.pk
    media.refresh_from_db()
    assert media.removed_at is not None and not media.original
    assert Media.objects.filter(observation=world.observation).count() == 1


def test_an_account_erasure_clears_the_words_of_its_removal_requests(world: PhotoWorld) -> None:
    media_removal_request_create(
        actor=world.bystander, media=world.photo, reason=Face, details="I am Wren Canarysson."
    )

    account_erase(
        actor=None,
        user=world.bystander,
        delete_contributions=False,
        requested_through=Erasure.RequestedThrough.COMMAND,
    )

    request = MediaRemovalRequest.objects.get()
    assert request.details == "" and request.status == MediaRemovalRequest.Status.OPEN
