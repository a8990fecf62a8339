"""The reads every part of events starts from: which events a viewer may see.

`event_list_listed()` is the one query for "listed": published events of the Lab or of a listed
project. The events page, the calendar feeds, the sitemap, the hub digest and the home page all
start from it, so a draft, or an event of a private project, never appears in a list.
`event_get` answers a single event to whoever may see it, and raises NotFoundError for everyone
else.
"""

from django.db.models import Q, QuerySet

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import NotFoundError
from cslab.events.models import Event
from cslab.events.rules import ORGANISING_PROJECT_ROLES
from cslab.events.vocabulary import EventPersonRole
from cslab.projects import selectors as project_selectors
from cslab.projects.models import Membership


def event_list_listed() -> QuerySet[Event]:
    """Return the published events anyone may find: the Lab's and listed projects'."""
    return Event.objects.filter(status=Event.Status.PUBLISHED).filter(
        Q(project__isnull=True)
        | Q(project__in=project_selectors.project_list_listed().values("pk"))
    )


def event_list_managed(viewer: Actor) -> QuerySet[Event]:
    """Return the events the viewer may manage (any status): staff see all."""
    if permissions.is_staff(viewer):
        return Event.objects.all()
    person = person_or_none(viewer)
    if person is None:
        return Event.objects.none()
    organising_projects = Membership.objects.filter(
        user_id=person.pk, role__in=sorted(ORGANISING_PROJECT_ROLES)
    ).values("project_id")
    return Event.objects.filter(
        Q(created_by_id=person.pk)
        | Q(people__user_id=person.pk, people__role=EventPersonRole.ORGANISER)
        | Q(project__in=organising_projects)
    ).distinct()


def event_get(viewer: Actor, slug: str) -> Event:
    """Return the event with this slug if the viewer may open it, or raise NotFoundError."""
    event = (
        Event.objects.select_related("project", "created_by")
        .prefetch_related("sessions", "tags", "people__user")
        .filter(slug=slug)
        .first()
    )
    if event is None:
        raise NotFoundError()
    permissions.require(viewer, "events.event.view", event)
    return event


def event_get_for_managing(viewer: Actor, slug: str) -> Event:
    """Return the event if the viewer may manage it: 404 if they may not see it, 403 if they
    may see it but not manage it."""
    event = event_get(viewer, slug)
    permissions.require(viewer, "events.event.manage", event)
    return event
