"""Atom feeds of the hub: newly published resources, and case studies only.

Both start from `resource_list_listed()`, so a draft, a declined or a retired resource never
appears. Each entry names every author (Atom allows several; Django's feed writes one, so
`HubAtomFeed` writes the rest) and carries the kind and research domains as categories.
"""

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from cslab.hub.models import Resource
from cslab.hub.selectors.resources import resource_list_listed
from cslab.hub.vocabulary import ResourceKind, ResourceTagKind
from cslab.projects.vocabulary import ResearchDomain

FEED_LENGTH = 50


class HubAtomFeed(Atom1Feed):
    """Atom with one `<author>` per author of an entry."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        for name in item.get("more_authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


class NewResourcesFeed(Feed):  # type: ignore[type-arg]
    feed_type = HubAtomFeed
    title = _("New in the knowledge hub")
    subtitle = _("Guides, method cards, tools, templates and case studies just published.")

    def link(self) -> str:
        return reverse("hub_search")

    def feed_url(self) -> str:
        return reverse("hub_feed")

    def resources(self) -> QuerySet[Resource]:
        return resource_list_listed()

    def items(self) -> Any:
        return (
            self.resources()
            .prefetch_related("authors", "tags")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, resource: Resource) -> str:
        return resource.title

    def item_description(self, resource: Resource) -> str:
        return resource.summary

    def item_link(self, resource: Resource) -> str:
        return resource.get_absolute_url()

    def item_author_name(self, resource: Resource) -> str | None:
        names = [author.name for author in resource.authors.all()]
        return names[0] if names else None

    def item_extra_kwargs(self, resource: Resource) -> dict[str, Any]:
        return {"more_authors": [author.name for author in resource.authors.all()][1:]}

    def item_categories(self, resource: Resource) -> list[str]:
        kind = (
            str(ResourceKind(resource.kind).label) if resource.kind in ResourceKind.values else ""
        )
        domains = [
            str(ResearchDomain(value).label) if value in ResearchDomain.values else value
            for value in resource.tags_of(ResourceTagKind.DOMAIN)
        ]
        return [name for name in (kind, *domains) if name]

    def item_pubdate(self, resource: Resource) -> datetime | None:
        return resource.published_at

    def item_updateddate(self, resource: Resource) -> datetime:
        return resource.updated_at


class NewCaseStudiesFeed(NewResourcesFeed):
    title = _("New case studies of the Lab")
    subtitle = _("How participatory research projects went, what they produced and changed.")

    def feed_url(self) -> str:
        return reverse("hub_case_study_feed")

    def resources(self) -> QuerySet[Resource]:
        return resource_list_listed().filter(kind=ResourceKind.CASE_STUDY)
