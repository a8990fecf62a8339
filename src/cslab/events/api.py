"""The events read API: listed events with filters and cursor pages, and one event for whoever
may see it. Never the joining link (see `events.schemas`)."""

from typing import Any

from django.db.models import Q
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from cslab.api.auth import ANYONE, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.events.models import EventTag
from cslab.events.schemas import EventDetailOut, EventListQuery, EventOut
from cslab.events.selectors.events import event_get, event_list_listed
from cslab.events.vocabulary import EventTagKind

router = Router(tags=["events"])


@router.get(
    "/events",
    response=list[EventOut],
    auth=ANYONE,
    summary="Published events anyone may find, soonest first (upcoming unless `from` says)",
)
@paginate(CursorPagination)
def list_events(request: ApiRequest, filters: Query[EventListQuery]) -> Any:
    events = event_list_listed().filter(ends_at__gte=filters.from_ or timezone.now())
    if filters.to is not None:
        events = events.filter(starts_at__lt=filters.to)
    if filters.kind:
        events = events.filter(kind__in=[str(kind) for kind in filters.kind])
    for tag_kind, values in (
        (EventTagKind.FACULTY, filters.faculty),
        (EventTagKind.DOMAIN, filters.domain),
    ):
        if values:
            tagged = EventTag.objects.filter(kind=tag_kind, value__in=[str(v) for v in values])
            events = events.filter(Q(pk__in=tagged.values("event_id")))
    return (
        events.select_related("project")
        .prefetch_related("sessions", "tags", "people")
        .order_by("starts_at", "pk")
    )


@router.get(
    "/events/{slug}",
    response=EventDetailOut,
    auth=ANYONE,
    summary="One event: its sessions, venue, places, organisers and speakers",
)
def get_event(request: ApiRequest, slug: str) -> Any:
    return event_get(request.auth, slug)
