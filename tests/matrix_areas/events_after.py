"""Matrix rows of issue 13 items 3 and 5 (part "after"): the organiser's dashboard, attendance,
the attendee export, publishing the recording, check-in and the feedback survey.

`build` adds a published event of `team_project` (a private project: its team sees it, other
volunteers and trainers do not) created by another person, whose session started ten minutes
ago. Its owners and researchers (and staff) manage it; the rest of the team may see it but not
manage it (403); nobody in the matrix has a place, so check-in and feedback are 403 for the
team and 404 for those who may not see the event.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.events.factories import make_event
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


def build(world: World) -> None:
    world.extra["after-event"] = make_event(
        created_by=world.other_user,
        project=world.team_project,
        slug="matrix-after-event",
        starts_at=timezone.now() - timedelta(minutes=10),
    )


def _url(action: str) -> Any:
    return lambda w: f"/events/{w.extra['after-event'].slug}/{action}"


def _managers(status: int) -> dict[str, int]:
    """Managers get `status`; the rest of the team 403; those who may not see it 404."""
    return {
        OWNER: status,
        RESEARCHER: status,
        STAFF: status,
        SUPERUSER: status,
        MODERATOR: 403,
        MEMBER: 403,
        VIEWER: 403,
        VOLUNTEER: 404,
        TRAINER: 404,
        ANONYMOUS: LOGIN_REDIRECT,
    }


def _seers(status: int) -> dict[str, int]:
    """Everyone who may see the event gets `status`; the others 404."""
    expectation = dict.fromkeys(
        [OWNER, RESEARCHER, STAFF, SUPERUSER, MODERATOR, MEMBER, VIEWER], status
    )
    expectation.update({VOLUNTEER: 404, TRAINER: 404, ANONYMOUS: LOGIN_REDIRECT})
    return expectation


# fmt: off
ROWS: list[Row] = [
    Row("event dashboard", "GET", _url("dashboard/"), _managers(200), api=False,
        route="event_dashboard"),
    Row("event attendance page", "GET", _url("attendance/"), _managers(200), api=False,
        route="event_attendance"),
    Row("mark attendance", "POST", _url("attendance/"), _managers(302), api=False,
        route="event_attendance", body={"mark_all": "1"}),
    Row("export attendees", "GET", _url("attendees.csv"), _managers(200), api=False,
        route="event_attendees_csv"),
    Row("recording form", "GET", _url("recording/"), _managers(200), api=False,
        route="event_publish_recording"),
    Row("publish a recording", "POST", _url("recording/"), _managers(302), api=False,
        route="event_publish_recording",
        body={"title": "Recording", "video_url": "https://video.example.org/m",
              "licence": "CC-BY-4.0"}),
    Row("check-in page", "GET", _url("check-in/"), _seers(200), api=False,
        route="event_check_in"),
    Row("check in without a place", "POST", _url("check-in/"), _seers(403), api=False,
        route="event_check_in", body={"code": "ABCDEF"}),
    Row("feedback without attending", "GET", _url("feedback/"), _seers(403), api=False,
        route="event_feedback"),
    Row("feedback answer without attending", "POST", _url("feedback/"), _seers(403), api=False,
        route="event_feedback", body={"overall": "4"}),
]
# fmt: on
