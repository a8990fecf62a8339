"""Project pages: the directory (search, facets, map, near me) and the map's GeoJSON.

Both are public: they only ever show listed projects (approved and public).
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from cslab.projects.selectors import directory

GEOJSON_CONTENT_TYPE = "application/geo+json"


class _HtmxRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
def project_directory_page(request: _HtmxRequest) -> HttpResponse:
    """The directory; an htmx request from its own form gets only the results part back."""
    query = directory.directory_query_from_params(request.GET)
    page = directory.project_directory(query=query)
    entries = directory.with_card_facts(page.entries)
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "projects/_directory_results.html" if partial else "projects/directory.html"
    response = render(
        request,
        template,
        {
            "page": page,
            "entries": entries,
            "selected_count": sum(facet.selected_count for facet in page.facets),
            "partial": partial,
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def project_map_geojson(request: HttpRequest) -> JsonResponse:
    """The areas of the directory's projects as GeoJSON (RFC 7946), for the map."""
    query = directory.directory_query_from_params(request.GET)
    bbox = directory.parse_bbox(request.GET.get("bbox", ""))
    collection = directory.project_directory_map(query=query, bbox=bbox)
    return JsonResponse(collection, content_type=GEOJSON_CONTENT_TYPE)


urlpatterns: list[URLPattern] = [
    path("projects/", project_directory_page, name="project_directory"),
    path("projects/map.geojson", project_map_geojson, name="project_map_geojson"),
]
