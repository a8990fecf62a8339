"""The events page's reads: listed events filtered and ordered for the upcoming and past tabs,
the linked resources and projects a viewer may open, a project's upcoming events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.events.models import Event, EventResource
from cslab.events.selectors.events import event_list_listed
from cslab.events.vocabulary import EventResourceRelation, EventTagKind
from cslab.hub.selectors.resources import resource_list_visible
from cslab.projects import selectors as project_selectors
from cslab.projects.models import Project

MAX_QUERY = 200


@dataclass(frozen=True)
class EventFilters:
    when: str = "upcoming"
    kind: str = ""
    faculty: str = ""
    domain: str = ""
    language: str = ""
    attendance: str = ""
    q: str = ""


def event_list_filtered(filters: EventFilters, *, now: datetime) -> QuerySet[Event]:
    """Return listed events of one tab (upcoming: not yet ended, soonest first; past: newest
    first), narrowed by the filters."""
    events = event_list_listed().prefetch_related("tags")
    if filters.when == "past":
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "id")
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.language:
        events = events.filter(language=filters.language)
    if filters.attendance:
        events = events.filter(attendance_mode=filters.attendance)
    for kind, value in (
        (EventTagKind.FACULTY, filters.faculty),
        (EventTagKind.DOMAIN, filters.domain),
    ):
        if value:
            events = events.filter(tags__kind=kind, tags__value=value)
    query = filters.q.strip()[:MAX_QUERY]
    if query:
        events = events.filter(Q(title__icontains=query) | Q(summary__icontains=query))
    return events.distinct()


def event_resource_links_visible(viewer: Actor, event: Event) -> list[EventResource]:
    """The event's materials from the hub that the viewer may open, in order (its recording
    and slides are shown by the "after the event" part)."""
    visible = resource_list_visible(viewer).values("pk")
    return list(
        event.resource_links.filter(
            resource__in=visible, relation=EventResourceRelation.MATERIAL
        ).select_related("resource")
    )


def event_projects_visible(viewer: Actor, event: Event) -> list[Project]:
    """The projects the event is about that the viewer may open."""
    return list(
        project_selectors.project_list_visible(user=viewer)
        .filter(event_links__event=event)
        .order_by("name")
    )


def event_list_for_project(viewer: Actor, project: Project, *, now: datetime) -> QuerySet[Event]:
    """The upcoming published events a project organises or is linked to (the viewer may see
    the project: its page asked)."""
    if not permissions.has_permission(viewer, "project.view", project):
        return Event.objects.none()
    return (
        Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__gte=now)
        .filter(
            Q(project=project)
            | Q(pk__in=event_list_listed().filter(project_links__project=project).values("pk"))
        )
        .order_by("starts_at", "id")
    )
