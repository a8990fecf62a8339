"""The pages of removing photos: the observation page's buttons, the confirmation, the request
form, the moderators' queue, and what the public page and the API show afterwards."""

from __future__ import annotations

from typing import Any

import pytest

from cslab.core.roles import ProjectRole
from cslab.privacy.models import MediaRemovalRequest
from tests.factories import UserFactory
from tests.privacy.media_removal_world import PHOTO, PhotoWorld, client_for, photo_world
from tests.projects.factories import MembershipFactory


@pytest.fixture
def world(db: Any) -> PhotoWorld:
    return photo_world()


def _observation_page(world: PhotoWorld) -> str:
    return f"/projects/{world.project.slug}/observations/{world.observation.pk}/"


def _media_path(world: PhotoWorld, action: str) -> str:
    return (
        f"/projects/{world.project.slug}/observations/{world.observation.pk}"
        f"/media/{world.photo.pk}/{action}/"
    )


def _queue(world: PhotoWorld) -> str:
    return f"/projects/{world.project.slug}/media-removal-requests/"


def test_the_observer_is_offered_removal_and_others_a_request(world: PhotoWorld) -> None:
    observer_page = client_for(world.observer).get(_observation_page(world)).content.decode()
    other_page = client_for(world.bystander).get(_observation_page(world)).content.decode()
    anonymous_page = client_for().get(_observation_page(world)).content.decode()

    assert _media_path(world, "remove") in observer_page and "Remove this photo" in observer_page
    assert _media_path(world, "removal-request") not in observer_page
    assert _media_path(world, "removal-request") in other_page
    assert _media_path(world, "remove") not in other_page
    assert "/remove" not in anonymous_page and "removal-request" not in anonymous_page


def test_after_removal_the_page_says_so_and_page_and_api_no_longer_list_the_photo(
    world: PhotoWorld,
) -> None:
    media_url = f"/observations/{world.observation.pk}/media/{PHOTO}"
    api_url = f"/api/v1/projects/{world.project.slug}/observations/{world.observation.pk}/media"
    assert client_for().get(media_url).status_code == 200
    assert [item["name"] for item in client_for(world.bystander).get(api_url).json()] == [PHOTO]

    confirm = client_for(world.observer).get(_media_path(world, "remove"))
    removed = client_for(world.observer).post(_media_path(world, "remove"))

    assert confirm.status_code == 200
    assert removed.status_code == 302 and removed["Location"] == _observation_page(world)
    page = client_for().get(_observation_page(world)).content.decode()
    assert "photo removed on request" in page
    assert "Removed on request." in page.split("answers-title", 1)[1]
    assert media_url not in page
    assert client_for().get(media_url).status_code == 404
    assert client_for().get(f"{media_url}?size=thumb").status_code == 404
    assert client_for(world.bystander).get(api_url).json() == []
    assert client_for(world.observer).get(_media_path(world, "remove")).status_code == 404


def test_another_volunteer_may_not_remove_but_may_ask(world: PhotoWorld) -> None:
    member = MembershipFactory(project=world.project, role=ProjectRole.MEMBER).user

    assert client_for(member).post(_media_path(world, "remove")).status_code == 403
    asked = client_for(member).post(
        _media_path(world, "removal-request"), {"reason": "face", "details": "My face."}
    )

    assert asked.status_code == 302
    assert MediaRemovalRequest.objects.get().requested_by == member
    world.photo.refresh_from_db()
    assert world.photo.removed_at is None


def test_a_request_form_with_a_bad_reason_answers_400(world: PhotoWorld) -> None:
    client = client_for(world.bystander)

    form = client.get(_media_path(world, "removal-request"))
    bad = client.post(_media_path(world, "removal-request"), {"reason": "hostile"})
    other_without_words = client.post(_media_path(world, "removal-request"), {"reason": "other"})
    too_long = client.post(
        _media_path(world, "removal-request"), {"reason": "face", "details": "x" * 5000}
    )

    assert form.status_code == 200
    assert [bad.status_code, other_without_words.status_code, too_long.status_code] == [400] * 3
    assert not MediaRemovalRequest.objects.exists()


def test_the_moderators_see_the_count_decide_and_deciding_twice_is_409(
    world: PhotoWorld,
) -> None:
    client_for(world.bystander).post(
        _media_path(world, "removal-request"), {"reason": "personal_information"}
    )
    request = MediaRemovalRequest.objects.get()
    moderator = client_for(world.moderator)

    moderation = moderator.get(f"/projects/{world.project.slug}/moderation/").content.decode()
    queue = moderator.get(_queue(world))
    decide = f"{_queue(world)}{request.pk}/decide/"
    declined = moderator.post(decide, {"decision": "decline", "note": "Only a tree."})
    again = moderator.post(decide, {"decision": "remove"})

    assert _queue(world) in moderation and "1 waiting" in moderation
    assert queue.status_code == 200 and "It shows a name or other personal information" in (
        queue.content.decode()
    )
    assert declined.status_code == 302
    assert again.status_code == 409
    request.refresh_from_db()
    assert request.status == MediaRemovalRequest.Status.DECLINED
    world.photo.refresh_from_db()
    assert world.photo.removed_at is None


def test_only_the_moderators_see_the_queue(world: PhotoWorld) -> None:
    moderation = client_for(world.observer).get(f"/projects/{world.project.slug}/moderation/")

    assert client_for(world.observer).get(_queue(world)).status_code == 403
    assert client_for(world.bystander).get(_queue(world)).status_code == 403
    assert client_for().get(_queue(world)).status_code == 302
    assert _queue(world) not in moderation.content.decode()


def test_a_private_projects_photo_is_404_for_outsiders(db: Any) -> None:
    private = photo_world(visibility="private")
    outsider = client_for(UserFactory())

    assert outsider.get(_media_path(private, "removal-request")).status_code == 404
    assert outsider.post(_media_path(private, "remove")).status_code == 404
    assert outsider.get(_queue(private)).status_code == 404
    assert client_for().get(_media_path(private, "removal-request")).status_code == 302
