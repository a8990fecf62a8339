"""iCalendar (RFC 5545) documents of events, written with the `icalendar` library.

One VEVENT per session (a series is several VEVENTs with UIDs `event-<pk>-<session pk>@<host>`,
stable across documents), times in UTC (`Z`), DTSTAMP the moment the document is made. A
cancelled event keeps its VEVENTs with STATUS:CANCELLED, so subscribed calendars drop it; a
venue with a point on the map gets GEO. The joining link of an online event goes only into a
participant's own calendar (`include_joining_link=True`), never into feeds.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from cslab.events.models import Event, EventSession

PRODUCT_ID = "-//Citizen Science Lab//cslab events//EN"
# How often a subscribed calendar app should fetch a feed again (a hint; apps may ignore it).
REFRESH_INTERVAL = "PT6H"


def _host() -> str:
    return str(urlsplit(str(settings.SITE_URL)).hostname or "cslab.invalid")


def _absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def session_uid(event: Event, session: EventSession) -> str:
    return f"event-{event.pk}-{session.pk}@{_host()}"


def event_calendar(
    events: Iterable[Event],
    *,
    name: str,
    include_joining_link: bool = False,
    now: datetime | None = None,
) -> bytes:
    """Return the calendar holding every session of these events (prefetch `sessions`)."""
    stamp = _utc(now or timezone.now())
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    for event in events:
        for session in event.sessions.all():
            calendar.add_component(_session_component(event, session, stamp, include_joining_link))
    return bytes(calendar.to_ical())


def _session_component(
    event: Event, session: EventSession, stamp: datetime, include_joining_link: bool
) -> CalendarEvent:
    url = _absolute(event.get_absolute_url())
    component = CalendarEvent()
    component.add("uid", session_uid(event, session))
    component.add("dtstamp", stamp)
    component.add("dtstart", _utc(session.starts_at))
    component.add("dtend", _utc(session.ends_at))
    if event.updated_at:
        component.add("last-modified", _utc(event.updated_at))
    title = session.title or event.title
    component.add("summary", title if title == event.title else f"{event.title}: {title}")
    description = [event.summary, url]
    if include_joining_link and event.online_url:
        description.append(event.online_url)
        if event.online_details:
            description.append(event.online_details)
    component.add("description", "\n\n".join(part for part in description if part))
    component.add("url", url)
    cancelled = event.status == Event.Status.CANCELLED
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if event.is_in_person and (event.venue_name or event.venue_address):
        component.add(
            "location", ", ".join(part for part in (event.venue_name, event.venue_address) if part)
        )
        if event.latitude is not None and event.longitude is not None:
            component.add("geo", (event.latitude, event.longitude))
    elif include_joining_link and event.online_url:
        component.add("location", event.online_url)
    return component
