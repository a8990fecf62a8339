"""Pages of this part of the hub (its helper replaces this placeholder).

SEARCH BRANCH ONLY: a stand-in resource page so that `Resource.get_absolute_url` resolves and
the related-resources part can be seen; the resources part's page replaces it on merge.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path

from cslab.core.errors import NotFoundError
from cslab.hub.detail_parts import detail_parts_for
from cslab.hub.selectors.resources import resource_get


def hub_resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        resource = resource_get(request.user, slug)
    except NotFoundError:
        return HttpResponse(status=404)
    parts = detail_parts_for(request, resource)
    return render(request, "hub/_placeholder_detail.html", {"resource": resource, "parts": parts})


urlpatterns: list[URLPattern | URLResolver] = [
    path("hub/<slug:slug>/", hub_resource_detail, name="hub_resource_detail"),
]
