"""Hub resources for tests, stored directly (the services' own tests go through the services)."""

from typing import Any

from django.utils import timezone

from cslab.hub.documents import resource_search_document
from cslab.hub.models import Resource, ResourceAuthor, ResourceTag
from cslab.hub.vocabulary import ResourceKind

_counter = iter(range(1, 10**9))


def make_resource(
    *,
    submitted_by: Any = None,
    status: str = Resource.Status.PUBLISHED,
    kind: str = ResourceKind.METHOD_CARD,
    title: str | None = None,
    tags: dict[str, list[str]] | None = None,
    authors: list[str] | None = None,
    **fields: Any,
) -> Resource:
    """Store one resource with its tags (kind -> values) and free-name authors."""
    number = next(_counter)
    now = timezone.now()
    resource = Resource.objects.create(
        slug=fields.pop("slug", f"resource-{number}"),
        kind=kind,
        title=title or f"Resource {number}",
        summary=fields.pop("summary", f"Summary of resource {number}."),
        status=status,
        submitted_by=submitted_by,
        published_at=now
        if status in (Resource.Status.PUBLISHED, Resource.Status.RETIRED)
        else None,
        version=1 if status in (Resource.Status.PUBLISHED, Resource.Status.RETIRED) else 0,
        **fields,
    )
    for tag_kind, values in (tags or {}).items():
        for value in values:
            ResourceTag.objects.create(resource=resource, kind=tag_kind, value=value)
    for position, name in enumerate(authors or []):
        ResourceAuthor.objects.create(resource=resource, name=name, position=position)
    resource.search_document = resource_search_document(resource)
    resource.save(update_fields=["search_document"])
    return resource
