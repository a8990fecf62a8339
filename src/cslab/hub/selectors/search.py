"""Hub search (placeholder by the coordinator: the search part replaces the implementation
and keeps `resource_matching`'s signature, which the weekly digest uses)."""

from django.db.models import Q, QuerySet

from cslab.hub.models import Resource
from cslab.hub.queries import SearchParams
from cslab.hub.vocabulary import ResourceTagKind

# Facet parameter -> the Resource column it filters (the others are tags).
COLUMN_FACETS = {
    "kind": "kind",
    "level": "participation_level",
    "language": "language",
    "licence": "licence",
    "organisation": "organisation",
}
TAG_FACETS = {
    "faculty": ResourceTagKind.FACULTY,
    "domain": ResourceTagKind.DOMAIN,
    "phase": ResourceTagKind.PHASE,
    "sdg": ResourceTagKind.SDG,
    "audience": ResourceTagKind.AUDIENCE,
}


def resource_matching(queryset: QuerySet[Resource], params: SearchParams) -> QuerySet[Resource]:
    """Return the resources of `queryset` that match the search's words and facets."""
    for name, values in params.filters.items():
        if name in COLUMN_FACETS:
            queryset = queryset.filter(**{f"{COLUMN_FACETS[name]}__in": values})
        elif name in TAG_FACETS:
            queryset = queryset.filter(
                pk__in=Resource.objects.filter(
                    tags__kind=TAG_FACETS[name], tags__value__in=values
                ).values("pk")
            )
    for word in params.q.split():
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(search_document__icontains=word)
        )
    return queryset
