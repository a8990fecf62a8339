"""Sitemap entries for events: only listed (published) ones, never a draft or a private
project's event."""

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap

from cslab.events.models import Event
from cslab.events.selectors.events import event_list_listed


class EventSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "weekly"
    priority = 0.6
    limit = 5000

    def items(self) -> Any:
        return event_list_listed().order_by("pk").only("slug", "updated_at")

    def lastmod(self, event: Event) -> datetime:
        return event.updated_at
