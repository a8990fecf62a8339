"""Sitemap entries for hub resources: only listed (published) ones."""

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap

from cslab.hub.models import Resource
from cslab.hub.selectors.resources import resource_list_listed


class ResourceSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> Any:
        return resource_list_listed().order_by("pk").only("slug", "updated_at")

    def lastmod(self, resource: Resource) -> datetime:
        return resource.updated_at
