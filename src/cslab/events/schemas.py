"""Shapes of the events read API (`events.api`). No field carries an event's joining link,
joining details or check-in code: those are for registered people and organisers only."""

import re
from datetime import datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Schema
from pydantic import field_validator

from cslab.events.vocabulary import EventKind, EventPersonRole, EventTagKind
from cslab.projects.vocabulary import Faculty, ResearchDomain

RFC_3339_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})"
)


class EventListQuery(Schema):
    kind: list[EventKind] = Field([], description="Give several times for any of them.")
    faculty: list[Faculty] = []
    domain: list[ResearchDomain] = []
    from_: datetime | None = Field(
        None,
        alias="from",
        description=(
            "Events still running at or after this moment, an RFC 3339 date-time with its "
            "zone, e.g. 2026-03-14T09:30:00Z (default: now, so upcoming)."
        ),
    )
    to: datetime | None = Field(
        None,
        description="Events starting before this moment (an RFC 3339 date-time with its zone).",
    )

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _a_date_time_with_its_zone(cls, value: Any) -> Any:
        # Lax parsing would read "0.5" as seconds since 1970 and a time without a zone in the
        # server's zone; the schema promises RFC 3339, so anything else is refused (422).
        if value is not None and not (
            isinstance(value, str) and RFC_3339_DATE_TIME.fullmatch(value)
        ):
            raise ValueError("give an RFC 3339 date-time with its zone, e.g. 2026-03-14T09:30:00Z")
        return value


class SessionOut(Schema):
    title: str
    starts_at: datetime
    ends_at: datetime


class PersonOut(Schema):
    name: str
    affiliation: str


class EventOut(Schema):
    slug: str
    kind: str
    attendance_mode: str
    status: str
    title: str
    summary: str
    language: str
    starts_at: datetime | None
    ends_at: datetime | None
    sessions: list[SessionOut]
    venue_name: str
    venue_address: str
    latitude: float | None
    longitude: float | None
    capacity: int | None = Field(None, description="Places in all; null means no limit.")
    places_left: int | None
    waitlist_count: int
    registration_closes_at: datetime | None
    project: str | None = Field(None, description="The organising project's slug (none: the Lab).")
    tags: dict[str, list[str]] = Field(..., description="faculty, domain and audience values.")
    organisers: list[PersonOut]
    speakers: list[PersonOut]
    published_at: datetime | None
    url: str
    ics_url: str = Field(..., description="The event as an iCalendar file (add to calendar).")

    @staticmethod
    def resolve_sessions(event: Any) -> list[Any]:
        return list(event.sessions.all())

    @staticmethod
    def resolve_project(event: Any) -> str | None:
        return event.project.slug if event.project_id else None

    @staticmethod
    def resolve_tags(event: Any) -> dict[str, list[str]]:
        return {kind: event.tags_of(EventTagKind(kind)) for kind in EventTagKind.values}

    @staticmethod
    def resolve_organisers(event: Any) -> list[Any]:
        return [p for p in event.people.all() if p.role == EventPersonRole.ORGANISER]

    @staticmethod
    def resolve_speakers(event: Any) -> list[Any]:
        return [p for p in event.people.all() if p.role == EventPersonRole.SPEAKER]

    @staticmethod
    def resolve_url(event: Any) -> str:
        return str(event.get_absolute_url())

    @staticmethod
    def resolve_ics_url(event: Any) -> str:
        return reverse("event_ics", kwargs={"slug": event.slug})


class EventDetailOut(EventOut):
    description: str = Field(..., description="Markdown.")
    cancellation_reason: str
