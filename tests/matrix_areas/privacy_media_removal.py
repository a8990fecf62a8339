"""Matrix rows of issue 14's media removal (part "mediaremoval"): removing a photo of one's own
observation, asking for a photo's removal, the moderators' queue and their decision.

`build` adds an observation with a photo in `team_project` (a private project) sent by another
person, and an open removal request about it by yet another. Nobody in the matrix sent the
observation: only Lab staff may remove its photo directly (the team 403). The whole team may
ask for removal; its moderators, owners and researchers (and staff) see the queue and decide
(members and viewers 403). Those who may not see the project get 404.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.forms.services import form_publish_xlsform
from cslab.media.services import media_attach
from cslab.observations.services.observations import observation_submit
from cslab.privacy.models import MediaRemovalRequest
from tests.collection.test_media_checks import jpeg_with_gps
from tests.permission_matrix import (
    ANONYMOUS,
    LOGIN_REDIRECT,
    MEMBER,
    MODERATOR,
    OWNER,
    RESEARCHER,
    STAFF,
    SUPERUSER,
    TRAINER,
    VIEWER,
    VOLUNTEER,
    Row,
    World,
)

PHOTO = "matrix-removal-photo.jpg"
PHOTO_FORM = (
    "survey,type,name,label\n"
    ",image,photo,Photo\n"
    "settings,form_id,form_title,version\n"
    ",matrix_removal_form,Matrix removal photos,1\n"
)


def build(world: World) -> None:
    version = form_publish_xlsform(
        actor=None, project=world.team_project, file_name="removal.csv", content=PHOTO_FORM.encode()
    )
    observation, _created = observation_submit(
        actor=world.other_user,
        form_version=version,
        instance_id="uuid:matrix-removal-photo",
        answers={"photo": PHOTO},
    )
    photo, _created = media_attach(
        actor=world.other_user,
        observation=observation,
        name=PHOTO,
        uploaded_file=SimpleUploadedFile(PHOTO, jpeg_with_gps()),
    )
    world.extra["removal-photo"] = photo
    world.extra["removal-request"] = MediaRemovalRequest.objects.create(
        media=photo, requested_by=world.other_private_user, reason="face"
    )


def _photo_url(action: str) -> Any:
    def url(world: World) -> str:
        photo = world.extra["removal-photo"]
        return (
            f"/projects/{world.team_project.slug}/observations/{photo.observation_id}"
            f"/media/{photo.pk}/{action}/"
        )

    return url


def _queue_url(world: World) -> str:
    return f"/projects/{world.team_project.slug}/media-removal-requests/"


def _decide_url(world: World) -> str:
    return f"{_queue_url(world)}{world.extra['removal-request'].pk}/decide/"


def _expect(allowed: set[str], status: int) -> dict[str, int]:
    """`allowed` get `status`; the rest of the team 403; those who may not see it 404."""
    expectation = {
        role: status if role in allowed else 403
        for role in (OWNER, RESEARCHER, MODERATOR, MEMBER, VIEWER, STAFF, SUPERUSER)
    }
    expectation.update({VOLUNTEER: 404, TRAINER: 404, ANONYMOUS: LOGIN_REDIRECT})
    return expectation


STAFF_ONLY = {STAFF, SUPERUSER}
TEAM = {OWNER, RESEARCHER, MODERATOR, MEMBER, VIEWER, STAFF, SUPERUSER}
DECIDERS = {OWNER, RESEARCHER, MODERATOR, STAFF, SUPERUSER}

# fmt: off
ROWS: list[Row] = [
    Row("confirm removing someone else's photo", "GET", _photo_url("remove"),
        _expect(STAFF_ONLY, 200), api=False, route="media_remove"),
    Row("remove someone else's photo", "POST", _photo_url("remove"),
        _expect(STAFF_ONLY, 302), api=False, route="media_remove"),
    Row("the form asking for a photo's removal", "GET", _photo_url("removal-request"),
        _expect(TEAM, 200), api=False, route="media_removal_request"),
    Row("ask for a photo's removal", "POST", _photo_url("removal-request"),
        _expect(TEAM, 302), api=False, route="media_removal_request", body={"reason": "face"}),
    Row("the queue of photo removal requests", "GET", _queue_url,
        _expect(DECIDERS, 200), api=False, route="media_removal_requests"),
    Row("decline a photo removal request", "POST", _decide_url,
        _expect(DECIDERS, 302), api=False, route="media_removal_decide",
        body={"decision": "decline", "note": "Nobody is recognisable."}),
]
# fmt: on
