"""Events and registrations for tests, stored directly (the services' own tests go through the
services). `make_registration` keeps the event's seat counters as the services would."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone

from cslab.events.models import Event, EventPerson, EventSession, EventTag, Registration
from cslab.events.vocabulary import AttendanceMode, EventKind, EventPersonRole

_counter = iter(range(1, 10**9))


def make_event(
    *,
    created_by: Any = None,
    status: str = Event.Status.PUBLISHED,
    kind: str = EventKind.WORKSHOP,
    attendance_mode: str | None = None,
    title: str | None = None,
    starts_at: datetime | None = None,
    duration: timedelta = timedelta(hours=2),
    sessions: int = 1,
    session_interval: timedelta = timedelta(days=7),
    tags: dict[str, list[str]] | None = None,
    organisers: list[Any] | None = None,
    **fields: Any,
) -> Event:
    """Store one event with its sessions (weekly by default), tags and linked organisers.

    Starts a week from now unless `starts_at` says otherwise.
    """
    number = next(_counter)
    if attendance_mode is None:
        attendance_mode = (
            AttendanceMode.ONLINE if kind == EventKind.WEBINAR else AttendanceMode.IN_PERSON
        )
    first_start = starts_at or (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    if attendance_mode != AttendanceMode.ONLINE:
        fields.setdefault("venue_name", "Science Park 904")
        fields.setdefault("venue_address", "Science Park 904, 1098 XH Amsterdam")
        fields.setdefault("latitude", 52.3555)
        fields.setdefault("longitude", 4.9555)
    if attendance_mode != AttendanceMode.IN_PERSON:
        fields.setdefault("online_url", f"https://meet.example.org/event-{number}")
    event = Event.objects.create(
        slug=fields.pop("slug", f"event-{number}"),
        kind=kind,
        attendance_mode=attendance_mode,
        title=title or f"Event {number}",
        summary=fields.pop("summary", f"Summary of event {number}."),
        status=status,
        created_by=created_by,
        published_at=timezone.now() if status != Event.Status.DRAFT else None,
        **fields,
    )
    for position in range(sessions):
        start = first_start + position * session_interval
        EventSession.objects.create(
            event=event, starts_at=start, ends_at=start + duration, position=position
        )
    event.starts_at = first_start
    event.ends_at = first_start + (sessions - 1) * session_interval + duration
    event.save(update_fields=["starts_at", "ends_at"])
    for tag_kind, values in (tags or {}).items():
        for value in values:
            EventTag.objects.create(event=event, kind=tag_kind, value=value)
    for position, person in enumerate(organisers or []):
        EventPerson.objects.create(
            event=event,
            user=person,
            name=str(person),
            role=EventPersonRole.ORGANISER,
            position=position,
        )
    return event


def make_registration(
    *, event: Event, user: Any, status: str = Registration.Status.REGISTERED, **fields: Any
) -> Registration:
    """Store a registration and count it in the event's seats or waiting list."""
    now = timezone.now()
    registration = Registration.objects.create(
        event=event,
        user=user,
        status=status,
        registered_at=now if status == Registration.Status.REGISTERED else None,
        waitlisted_at=now if status == Registration.Status.WAITLISTED else None,
        cancelled_at=now if status == Registration.Status.CANCELLED else None,
        **fields,
    )
    if status == Registration.Status.REGISTERED:
        Event.objects.filter(pk=event.pk).update(registered_count=F("registered_count") + 1)
    elif status == Registration.Status.WAITLISTED:
        Event.objects.filter(pk=event.pk).update(waitlist_count=F("waitlist_count") + 1)
    event.refresh_from_db(fields=["registered_count", "waitlist_count"])
    return registration
