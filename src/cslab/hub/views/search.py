"""The hub's search page (`/hub/`), and the related resources beside a resource's page.

Public: it only ever shows listed (published) resources. Everything a search is made of sits in
the URL (`queries.SearchParams`), so any search can be shared, bookmarked or followed.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from cslab.hub.detail_parts import DetailPart, register_detail_part
from cslab.hub.queries import SearchParams, search_params_from_query
from cslab.hub.selectors.search import resource_related, resource_search


@require_GET
def hub_search(request: HttpRequest) -> HttpResponse:
    """The hub's front page: search box, facets with counts, results, pages."""
    params = search_params_from_query(request.GET)
    exact = request.GET.get("exact") == "1"
    results = resource_search(request.user, params, correct_typos=not exact)
    chips = [
        (option, _without(params, option.facet, option.value)) for option in results.active_filters
    ]
    response = render(
        request,
        "hub/search.html",
        {
            "params": params,
            "results": results,
            "follow_query": params.query_string(for_following=True),
            "exact_query": params.query_string(),
            "chips": chips,
            "selected_count": len(results.active_filters),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _without(params: SearchParams, facet: str, value: str) -> str:
    """Return the query of this search without one facet value, from its first page."""
    filters = {
        name: tuple(kept for kept in values if not (name == facet and kept == value))
        for name, values in params.filters.items()
    }
    narrowed = SearchParams(
        q=params.q,
        filters={name: values for name, values in filters.items() if values},
        sort=params.sort,
    )
    return narrowed.query_string()


def _related_context(request: HttpRequest, resource: Any) -> dict[str, Any] | None:
    if not resource.is_listed:
        return None
    related = resource_related(resource)
    return {"related": related} if related else None


register_detail_part(
    DetailPart(
        name="search.related",
        slot="aside",
        template="hub/_detail_related.html",
        context=_related_context,
        order=80,
    )
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("hub/", hub_search, name="hub_search"),
]
