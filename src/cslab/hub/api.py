"""The hub's read API: search resources as the /hub/ page does, and read one resource."""

from typing import Any, Literal

from ninja import Field, Query, Router, Schema

from cslab.api.auth import ANYONE, ApiRequest
from cslab.hub.facet_index import COLUMN_FACETS, TAG_FACETS
from cslab.hub.queries import MAX_QUERY_LENGTH, search_params_from_query
from cslab.hub.schemas import ResourceDetailOut, ResourceSearchOut
from cslab.hub.selectors.resources import resource_get
from cslab.hub.selectors.search import resource_search

router = Router(tags=["hub"])


class ResourceSearchQuery(Schema):
    q: str = Field("", description=f"Words; longer than {MAX_QUERY_LENGTH} characters is cut.")
    sort: Literal["relevance", "newest", "most_used"] = "relevance"
    page: int = Field(1, ge=1, description="Page number; past the last page the list is empty.")
    kind: list[str] = Field([], description="Facets: give one several times (values are OR-ed).")
    faculty: list[str] = []
    domain: list[str] = []
    level: list[str] = []
    phase: list[str] = []
    sdg: list[str] = []
    audience: list[str] = []
    language: list[str] = []
    licence: list[str] = []
    organisation: list[str] = []


def _item(result: Any) -> dict[str, Any]:
    resource = result.resource
    facets: dict[str, list[str]] = {
        name: [value]
        for name, column in COLUMN_FACETS.items()
        if (value := getattr(resource, column))
    }
    for name, kind in TAG_FACETS.items():
        facets[name] = resource.tags_of(kind)
    return {
        "slug": resource.slug,
        "kind": resource.kind,
        "title": resource.title,
        "summary": resource.summary,
        "snippet": str(result.snippet) if result.snippet else None,
        "url": resource.get_absolute_url(),
        "language": resource.language,
        "licence": resource.licence,
        "published_at": resource.published_at,
        "facets": facets,
    }


# Page numbers rather than the cursors of other lists: a relevance order has no column a cursor
# could continue from (the score depends on the words and the whole index), and the page asks
# for the same numbered pages.
@router.get(
    "/hub/resources",
    response=ResourceSearchOut,
    auth=ANYONE,
    summary="Search the hub's published resources, with facet counts",
)
def search_resources(request: ApiRequest, query: Query[ResourceSearchQuery]) -> Any:
    raw = query.dict()
    params = search_params_from_query(
        {name: value if isinstance(value, list) else [str(value)] for name, value in raw.items()}
    )
    found = resource_search(request.auth, params)
    return {
        "total": found.total,
        "page": found.number,
        "page_size": found.page_size,
        "num_pages": found.num_pages,
        "corrected_query": found.corrected_query,
        "items": [_item(result) for result in found.results],
        "facets": {
            facet.name: [
                {
                    "value": option.value,
                    "label": option.label,
                    "count": option.count,
                    "selected": option.selected,
                }
                for option in facet.options
            ]
            for facet in found.facets
        },
    }


@router.get(
    "/hub/resources/{slug}",
    response=ResourceDetailOut,
    auth=ANYONE,
    summary="One resource: its text as Markdown and HTML, authors, tags, files and links",
)
def get_resource(request: ApiRequest, slug: str) -> Any:
    return resource_get(request.auth, slug)
