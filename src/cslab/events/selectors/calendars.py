"""The events in calendar feeds, the sitemap, the API and the digest: never a draft, never an
event of a project the public may not see.

A feed holds the listed events that are upcoming or ended in the last `FEED_PAST_DAYS` days,
and also the cancelled ones among them (with STATUS:CANCELLED, so a subscribed calendar drops
them); at most `FEED_MAX_EVENTS`, with their sessions prefetched (two queries in all).
"""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from cslab.core.errors import NotFoundError
from cslab.events.models import Event, EventTag
from cslab.events.vocabulary import EventKind, EventTagKind
from cslab.projects import selectors as project_selectors
from cslab.projects.vocabulary import Faculty, ResearchDomain

FEED_PAST_DAYS = 90
FEED_MAX_EVENTS = 500

# The facets a feed may be narrowed by, with the values each accepts.
FEED_FACETS: dict[str, type[EventKind] | type[Faculty] | type[ResearchDomain]] = {
    "kind": EventKind,
    "faculty": Faculty,
    "domain": ResearchDomain,
}


def event_list_out() -> QuerySet[Event]:
    """Return the published and cancelled events of the Lab and of listed projects (a cancelled
    event is out only if it was once published)."""
    return Event.objects.filter(
        Q(status=Event.Status.PUBLISHED)
        | Q(status=Event.Status.CANCELLED, published_at__isnull=False)
    ).filter(
        Q(project__isnull=True)
        | Q(project__in=project_selectors.project_list_listed().values("pk"))
    )


def event_facet_label(facet: str, value: str) -> str:
    """Return the label of a feed's facet value, or raise NotFoundError for an unknown one."""
    choices = FEED_FACETS.get(facet)
    if choices is None or value not in choices.values:
        raise NotFoundError()
    return str(choices(value).label)


def event_list_for_feed(
    *, facet: str = "", value: str = "", now: datetime | None = None
) -> list[Event]:
    """Return the events of a feed (all, or one facet value's), sessions prefetched."""
    events = event_list_out().filter(
        ends_at__gte=(now or timezone.now()) - timedelta(days=FEED_PAST_DAYS)
    )
    if facet:
        event_facet_label(facet, value)
        if facet == "kind":
            events = events.filter(kind=value)
        else:
            events = events.filter(
                pk__in=EventTag.objects.filter(kind=EventTagKind(facet), value=value).values(
                    "event_id"
                )
            )
    return list(events.order_by("starts_at", "pk").prefetch_related("sessions")[:FEED_MAX_EVENTS])


def event_facets_with_events() -> dict[str, list[str]]:
    """Return, per tag facet (faculty, domain), the values listed events have (one query)."""
    found: dict[str, list[str]] = {"faculty": [], "domain": []}
    rows = (
        EventTag.objects.filter(event__in=event_list_out().values("pk"))
        .filter(kind__in=[EventTagKind.FACULTY, EventTagKind.DOMAIN])
        .values_list("kind", "value")
        .distinct()
    )
    for kind, value in rows:
        if value in FEED_FACETS[kind].values:
            found[kind].append(value)
    return {kind: sorted(values) for kind, values in found.items()}
