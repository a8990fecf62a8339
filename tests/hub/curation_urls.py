"""The site's URLs plus a stand-in resource page (`hub_resource_detail`) that renders the
registered detail parts inside the site's frame, for the curation tests and screenshots until
the resources part's page is merged."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, path
from django.utils.safestring import mark_safe

from cslab.hub.detail_parts import detail_parts_for
from cslab.hub.selectors.resources import resource_get
from cslab.urls import urlpatterns as site_urlpatterns

PAGE = engines["django"].from_string(
    """{% extends "base.html" %}
{% block title %}{{ resource.title }}{% endblock %}
{% block head %}{% for part in head %}{{ part }}{% endfor %}{% endblock %}
{% block content %}
<div class="page-header"><h1>{{ resource.title }}</h1>
<p class="lead">{{ resource.summary }}</p></div>
{% for part in notices %}{{ part }}{% endfor %}
<p>{{ resource.body }}</p>
{% for part in aside %}{{ part }}{% endfor %}
{% endblock %}"""
)


def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource = resource_get(request.user, slug)
    parts = detail_parts_for(request, resource)
    rendered = {
        slot: [
            mark_safe(render_to_string(part.template, part.context, request))  # noqa: S308
            for part in parts[slot]
        ]
        for slot in ("head", "notices", "aside")
    }
    return HttpResponse(PAGE.render({"resource": resource, **rendered}, request))


urlpatterns: list[URLPattern | URLResolver] = [
    *site_urlpatterns,
    path("hub/<slug:slug>/", resource_detail, name="hub_resource_detail"),
]
