"""An event as schema.org `Event` JSON-LD, for the `<script type="application/ld+json">` of its
page.

Pure: reads the event and the relations `selectors.events.event_get` prefetches (sessions,
tags, people) and writes nothing. Online events get a `VirtualLocation` whose URL is the event's
PAGE, never the joining link (that is for registered people only); in-person events a `Place`
with its `PostalAddress` and `GeoCoordinates`; hybrid events both. A series (several sessions)
lists each session as a `subEvent`.
"""

from typing import Any
from urllib.parse import urljoin

from django.conf import settings

from cslab.events.models import Event
from cslab.events.vocabulary import AttendanceMode, EventPersonRole

SCHEMA_CONTEXT = "https://schema.org"

ATTENDANCE_MODES = {
    AttendanceMode.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    AttendanceMode.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    AttendanceMode.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}
SCHEDULED = "https://schema.org/EventScheduled"
CANCELLED = "https://schema.org/EventCancelled"


def event_jsonld(event: Event, *, base_url: str) -> dict[str, Any]:
    """Return the schema.org description of `event`; every URL in it is absolute."""
    url = urljoin(base_url, event.get_absolute_url())
    sessions = list(event.sessions.all())
    document: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Event",
        "@id": f"{url}#event",
        "name": event.title,
        "url": url,
        "inLanguage": event.language,
        "eventStatus": CANCELLED if event.status == Event.Status.CANCELLED else SCHEDULED,
        "eventAttendanceMode": ATTENDANCE_MODES[AttendanceMode(event.attendance_mode)],
        "location": _location(event, url),
        "organizer": _organizers(event, base_url),
        "isAccessibleForFree": True,
    }
    starts = event.starts_at or (sessions[0].starts_at if sessions else None)
    ends = event.ends_at or (sessions[-1].ends_at if sessions else None)
    if starts:
        document["startDate"] = starts.isoformat()
    if ends:
        document["endDate"] = ends.isoformat()
    description = event.summary.strip() or event.description.strip()
    if description:
        document["description"] = description
    if event.cover_image:
        image: dict[str, Any] = {
            "@type": "ImageObject",
            "contentUrl": urljoin(base_url, event.cover_image.url),
        }
        if event.cover_alt_text:
            image["description"] = event.cover_alt_text
        document["image"] = image
    if event.capacity is not None:
        document["maximumAttendeeCapacity"] = event.capacity
        document["remainingAttendeeCapacity"] = event.places_left
    speakers = [
        {"@type": "Person", "name": person.name}
        for person in event.people.all()
        if person.role == EventPersonRole.SPEAKER
    ]
    if speakers:
        document["performer"] = speakers
    if len(sessions) > 1:
        document["subEvent"] = [
            {
                "@type": "Event",
                "@id": f"{url}#session-{session.pk}",
                "name": f"{event.title}: {session.title}" if session.title else event.title,
                "startDate": session.starts_at.isoformat(),
                "endDate": session.ends_at.isoformat(),
                "eventStatus": document["eventStatus"],
                "eventAttendanceMode": document["eventAttendanceMode"],
                "location": document["location"],
            }
            for session in sessions
        ]
    return document


def _location(event: Event, url: str) -> list[dict[str, Any]] | dict[str, Any]:
    places: list[dict[str, Any]] = []
    if event.is_in_person:
        place: dict[str, Any] = {"@type": "Place", "name": event.venue_name or event.venue_address}
        if event.venue_address:
            place["address"] = {"@type": "PostalAddress", "streetAddress": event.venue_address}
        if event.latitude is not None and event.longitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": event.latitude,
                "longitude": event.longitude,
            }
        places.append(place)
    if event.is_online:
        # The event's page, where a registered person finds the joining link.
        places.append({"@type": "VirtualLocation", "url": url})
    return places[0] if len(places) == 1 else places


def _organizers(event: Event, base_url: str) -> list[dict[str, Any]]:
    organizers: list[dict[str, Any]] = []
    if event.project is not None:
        organizers.append(
            {
                "@type": "Organization",
                "name": event.project.name,
                "url": urljoin(base_url, event.project.get_absolute_url()),
            }
        )
    else:
        organizers.append(
            {"@type": "Organization", "name": str(settings.SITE_NAME), "url": base_url}
        )
    organizers.extend(
        {"@type": "Person", "name": person.name}
        for person in event.people.all()
        if person.role == EventPersonRole.ORGANISER
    )
    return organizers
