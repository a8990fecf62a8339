"""The events area's part of a person's data export: registrations (with the answers to the
registration questions and attendance), feedback, and where they are named on an event."""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import register_section
from cslab.events.models import EventFeedback, EventPerson, Registration


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _registrations(user: User) -> Iterator[dict[str, Any]]:
    registrations = (
        Registration.objects.filter(user=user).select_related("event").order_by("created_at", "id")
    )
    for registration in registrations.iterator(chunk_size=500):
        yield {
            "event": registration.event.title,
            "event_slug": registration.event.slug,
            "starts_at": _iso(registration.event.starts_at),
            "status": registration.status,
            "dietary_needs": registration.dietary_needs,
            "accessibility_needs": registration.accessibility_needs,
            "organisation": registration.organisation,
            "contact_consent": registration.contact_consent,
            "created_at": _iso(registration.created_at),
            "registered_at": _iso(registration.registered_at),
            "waitlisted_at": _iso(registration.waitlisted_at),
            "promoted_at": _iso(registration.promoted_at),
            "cancelled_at": _iso(registration.cancelled_at),
            "attended_at": _iso(registration.attended_at),
            # Who marked it is another person: named by role only.
            "attendance_marked_by": (
                "an organiser" if registration.attendance_marked_by_id else None
            ),
        }


def _feedback(user: User) -> Iterator[dict[str, Any]]:
    answers = EventFeedback.objects.filter(user=user).select_related("event").order_by("id")
    for feedback in answers.iterator(chunk_size=500):
        yield {
            "event": feedback.event.title,
            "event_slug": feedback.event.slug,
            "overall": feedback.overall,
            "usefulness": feedback.usefulness,
            "would_recommend": feedback.would_recommend,
            "comment": feedback.comment,
            "created_at": _iso(feedback.created_at),
        }


def _named_on(user: User) -> Iterator[dict[str, Any]]:
    people = EventPerson.objects.filter(user=user).select_related("event").order_by("id")
    for person in people.iterator(chunk_size=500):
        yield {
            "event": person.event.title,
            "event_slug": person.event.slug,
            "name": person.name,
            "role": person.role,
            "affiliation": person.affiliation,
        }


@register_section("events", gettext_noop("Your events"))
def _events(user: User) -> dict[str, Any]:
    return {
        "registrations": _registrations(user),
        "feedback": _feedback(user),
        "organiser_or_speaker": _named_on(user),
    }
