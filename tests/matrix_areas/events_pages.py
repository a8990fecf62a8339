"""Matrix rows of the events pages (issue 13 item 1): the list, "Events I organise", the event
form, the event page, publish, cancel and the cover.

`build` adds Lab events created by another person (published, a draft, one to cancel) and a
published event of `team_project` (private: its team and staff see it).
"""

from typing import Any

from cslab.events.models import Event
from tests.events.factories import make_event
from tests.permission_matrix import (
    LOGIN_REDIRECT,
    MEMBER,
    MODERATOR,
    OWNER,
    RESEARCHER,
    VIEWER,
    Row,
    World,
    every,
    signed_in,
)


def build(world: World) -> None:
    owner = world.other_user
    world.extra["events-pages-published"] = make_event(
        created_by=owner, slug="matrix-events-published"
    )
    world.extra["events-pages-draft"] = make_event(
        created_by=owner, status=Event.Status.DRAFT, slug="matrix-events-draft"
    )
    world.extra["events-pages-to-cancel"] = make_event(
        created_by=owner, slug="matrix-events-to-cancel"
    )
    world.extra["events-pages-team"] = make_event(
        created_by=owner, project=world.team_project, slug="matrix-events-team"
    )


def _event(key: str, action: str = "") -> Any:
    return lambda w: f"/events/{w.extra[key].slug}/{action + '/' if action else ''}"


def _staff_only(status: int) -> dict[str, int]:
    """Lab staff manage every event; others who may see it are refused."""
    return signed_in(403, LOGIN_REDIRECT, staff=status, superuser=status)


TEAM = {OWNER: 200, RESEARCHER: 200, MODERATOR: 200, MEMBER: 200, VIEWER: 200}
DONE = 302

# fmt: off
ROWS: list[Row] = [
    Row("events list", "GET", lambda w: "/events/", every(200), api=False, route="event_list"),
    Row("events I organise", "GET", lambda w: "/events/manage/",
        signed_in(200, LOGIN_REDIRECT), api=False, route="event_list_managed"),
    Row("create a Lab event (form)", "GET", lambda w: "/events/new/",
        signed_in(403, LOGIN_REDIRECT, trainer=200, staff=200, superuser=200),
        api=False, route="event_create"),
    Row("create an event of a private project (form)", "GET",
        lambda w: f"/events/new/?project={w.team_project.slug}",
        {**signed_in(404, LOGIN_REDIRECT, staff=200, superuser=200),
         OWNER: 200, RESEARCHER: 200, MODERATOR: 403, MEMBER: 403, VIEWER: 403},
        api=False, route="event_create"),
    Row("a published Lab event", "GET", _event("events-pages-published"), every(200),
        api=False, route="event_detail"),
    Row("another person's draft", "GET", _event("events-pages-draft"),
        every(404, staff=200, superuser=200), api=False, route="event_detail"),
    Row("an event of a private project", "GET", _event("events-pages-team"),
        {**every(404, staff=200, superuser=200), **TEAM}, api=False, route="event_detail"),
    Row("edit another person's event (form)", "GET", _event("events-pages-published", "edit"),
        _staff_only(200), api=False, route="event_edit"),
    Row("edit a private project's event", "GET", _event("events-pages-team", "edit"),
        {**signed_in(404, LOGIN_REDIRECT, staff=200, superuser=200),
         OWNER: 200, RESEARCHER: 200, MODERATOR: 403, MEMBER: 403, VIEWER: 403},
        api=False, route="event_edit"),
    Row("publish another person's draft", "POST", _event("events-pages-draft", "publish"),
        signed_in(404, LOGIN_REDIRECT, staff=DONE, superuser=DONE),
        api=False, route="event_publish"),
    Row("cancel another person's event", "POST", _event("events-pages-to-cancel", "cancel-event"),
        _staff_only(DONE), api=False, route="event_cancel", body={"reason": "Matrix."}),
    Row("cover of an event without one", "GET",
        lambda w: f"/events/{w.extra['events-pages-published'].slug}/cover",
        every(404), api=False, route="event_cover"),
    Row("cover of another person's draft", "GET",
        lambda w: f"/events/{w.extra['events-pages-draft'].slug}/cover",
        every(404), api=False, route="event_cover"),
]
# fmt: on
