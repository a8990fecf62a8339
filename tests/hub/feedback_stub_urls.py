"""The site's URLs plus a stand-in resource page, for the feedback tests on a branch where the
resources part (`hub_resource_detail`) has not arrived yet. The stand-in renders the registered
detail parts of every slot; once the real page is there, it is used instead.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, path
from django.utils.safestring import mark_safe

from cslab import urls as site_urls
from cslab.hub.detail_parts import detail_parts_for
from cslab.hub.selectors.resources import resource_get
from cslab.hub.views import resources

PAGE = engines["django"].from_string(
    """{% extends "base.html" %}
{% block title %}{{ resource.title }}{% endblock %}
{% block content %}<article class="stack"><header class="page-header"><h1>{{ resource.title }}</h1>
<p class="lead">{{ resource.summary }}</p></header>
{% for html in parts.main %}{{ html }}{% endfor %}
{% for html in parts.aside %}{{ html }}{% endfor %}
</article>{% endblock %}"""
)


def stand_in_resource_page(request: HttpRequest, slug: str) -> HttpResponse:
    resource = resource_get(request.user, slug)
    parts = detail_parts_for(request, resource)
    rendered: dict[str, Any] = {
        slot: [
            mark_safe(render_to_string(part.template, part.context, request))  # noqa: S308
            for part in slot_parts
        ]
        for slot, slot_parts in parts.items()
    }
    return HttpResponse(PAGE.render({"resource": resource, "parts": rendered}, request))


def _has_real_page() -> bool:
    return any(getattr(p, "name", None) == "hub_resource_detail" for p in resources.urlpatterns)


urlpatterns: list[URLPattern | URLResolver] = [*site_urls.urlpatterns]
if not _has_real_page():
    urlpatterns.append(path("hub/<slug:slug>/", stand_in_resource_page, name="hub_resource_detail"))
