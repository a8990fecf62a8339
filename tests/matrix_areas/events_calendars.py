"""Matrix rows of the events' calendars (issue 13 item 4): the iCalendar feeds, "add to
calendar", the calendars page, and the events read API.

`build` adds, by another person, a published Lab event, a draft Lab event and a published event
of `team_project` (private: only its team and staff see it).
"""

from collections.abc import Callable

from tests.events.factories import make_event
from tests.permission_matrix import (
    Row,
    World,
    every,
    team_and_staff,
)


def build(world: World) -> None:
    world.extra["calendars-published"] = make_event(
        created_by=world.other_user, slug="matrix-calendars", tags={"faculty": ["science"]}
    )
    world.extra["calendars-draft"] = make_event(
        created_by=world.other_user, slug="matrix-calendars-draft", status="draft"
    )
    world.extra["calendars-team"] = make_event(
        created_by=world.other_user, slug="matrix-calendars-team", project=world.team_project
    )


def _ics(key: str) -> Callable[[World], str]:
    return lambda w: f"/events/{w.extra[key].slug}/event.ics"


def _api(key: str) -> Callable[[World], str]:
    return lambda w: f"/api/v1/events/{w.extra[key].slug}"


STAFF_ONLY = every(404, staff=200, superuser=200)

# fmt: off
ROWS: list[Row] = [
    Row("site-wide event feed", "GET", lambda w: "/events/feed.ics",
        every(200), api=False, route="event_feed_ics"),
    Row("event feed per faculty", "GET", lambda w: "/events/feed/faculty/science.ics",
        every(200), api=False, route="event_feed_filtered_ics"),
    Row("event feed of an unknown facet", "GET", lambda w: "/events/feed/colour/red.ics",
        every(404), api=False, route="event_feed_filtered_ics"),
    Row("event feeds page", "GET", lambda w: "/events/calendars/",
        every(200), api=False, route="event_calendars"),
    Row("add a published event to a calendar", "GET", _ics("calendars-published"),
        every(200), api=False, route="event_ics"),
    Row("add a draft event to a calendar", "GET", _ics("calendars-draft"),
        STAFF_ONLY, api=False, route="event_ics"),
    Row("add a private project's event to a calendar", "GET", _ics("calendars-team"),
        team_and_staff(200, 404), api=False, route="event_ics"),
    Row("list events (API)", "GET", lambda w: "/api/v1/events",
        every(200), route="/api/v1/events"),
    Row("one published event (API)", "GET", _api("calendars-published"),
        every(200), route="/api/v1/events/{slug}"),
    Row("one draft event (API)", "GET", _api("calendars-draft"),
        STAFF_ONLY, route="/api/v1/events/{slug}"),
    Row("one private project's event (API)", "GET", _api("calendars-team"),
        team_and_staff(200, 404), route="/api/v1/events/{slug}"),
]
# fmt: on
