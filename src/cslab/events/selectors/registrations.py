"""Reads of registrations: one's own place at an event, the waiting-list position, "My events".

Only the person's own registrations are ever read here; a registration of someone else does
not exist for the viewer (404).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import NotFoundError
from cslab.events.models import Event, Registration

Status = Registration.Status


def registration_active_for(viewer: Actor, event: Event) -> Registration | None:
    """The viewer's registered or waitlisted registration for the event, if any."""
    person = person_or_none(viewer)
    if person is None:
        return None
    return (
        Registration.objects.filter(
            event_id=event.pk, user_id=person.pk, status__in=[Status.REGISTERED, Status.WAITLISTED]
        )
        .order_by("-created_at")
        .first()
    )


def registration_get_active(viewer: Actor, event: Event) -> Registration:
    """The viewer's active registration for the event, or NotFoundError."""
    registration = registration_active_for(viewer, event)
    if registration is None:
        raise NotFoundError()
    return registration


def registration_get_by_token(token: str) -> Registration:
    """The registration an e-mail's cancel link names (the token is the only key)."""
    registration = (
        Registration.objects.select_related("event").filter(token=token).first() if token else None
    )
    if registration is None:
        raise NotFoundError()
    return registration


def registration_waitlist_position(registration: Registration) -> int | None:
    """The registration's number on the waiting list (1 is next), or None if not waiting."""
    if registration.status != Status.WAITLISTED or registration.waitlisted_at is None:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=Status.WAITLISTED
    ).filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, id__lt=registration.pk)
    )
    return ahead.count() + 1


def viewer_sees_joining_link(viewer: Actor, event: Event) -> bool:
    """Only people with a place see an online event's joining link and details."""
    if not event.is_online or not (event.online_url or event.online_details):
        return False
    registration = registration_active_for(viewer, event)
    return registration is not None and registration.status == Status.REGISTERED


@dataclass(frozen=True)
class MyRegistration:
    registration: Registration
    event: Event
    waitlist_position: int | None


@dataclass(frozen=True)
class MyEvents:
    upcoming: list[MyRegistration]
    past: list[MyRegistration]


def _mine(viewer: Actor) -> QuerySet[Registration]:
    person = person_or_none(viewer)
    if person is None:
        return Registration.objects.none()
    return Registration.objects.filter(
        user_id=person.pk, status__in=[Status.REGISTERED, Status.WAITLISTED]
    ).select_related("event")


def registration_list_mine(viewer: Actor, *, now: datetime | None = None) -> MyEvents:
    """The viewer's active registrations: upcoming (soonest first) and past (latest first)."""
    now = now or timezone.now()
    upcoming: list[MyRegistration] = []
    past: list[MyRegistration] = []
    for registration in _mine(viewer).order_by("event__starts_at", "id"):
        item = MyRegistration(
            registration=registration,
            event=registration.event,
            waitlist_position=registration_waitlist_position(registration),
        )
        ends_at = registration.event.ends_at
        if ends_at is not None and ends_at < now:
            past.append(item)
        else:
            upcoming.append(item)
    past.reverse()
    return MyEvents(upcoming=upcoming, past=past)
