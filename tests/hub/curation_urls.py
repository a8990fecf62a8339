"""The site's URLs plus a stand-in resource page (`hub_resource_detail`) that renders the
registered detail parts, for the curation tests until the resources part's page is merged."""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, path

from cslab.hub.detail_parts import detail_parts_for
from cslab.hub.selectors.resources import resource_get
from cslab.urls import urlpatterns as site_urlpatterns


def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource = resource_get(request.user, slug)
    slots = detail_parts_for(request, resource)
    html = [f"<h1>{resource.title}</h1>"]
    for slot, parts in slots.items():
        html.append(f'<div data-slot="{slot}">')
        html.extend(render_to_string(part.template, part.context, request) for part in parts)
        html.append("</div>")
    return HttpResponse("".join(html))


urlpatterns: list[URLPattern | URLResolver] = [
    *site_urlpatterns,
    path("hub/<slug:slug>/", resource_detail, name="hub_resource_detail"),
]
