"""An Atom feed of projects as they open to the public (listed projects only)."""

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from cslab.projects.models import Project
from cslab.projects.selectors import project_list_listed


class NewProjectsFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    title = _("New citizen-science projects at the Lab")
    subtitle = _("Projects that have just opened to everyone.")

    def link(self) -> str:
        return reverse("project_directory")

    def items(self) -> Any:
        return project_list_listed().order_by("-approved_at", "-pk")[:50]

    def item_title(self, project: Project) -> str:
        return project.name

    def item_description(self, project: Project) -> str:
        return project.aim or project.description[:500]

    def item_pubdate(self, project: Project) -> datetime | None:
        return project.approved_at

    def item_updateddate(self, project: Project) -> datetime:
        return project.updated_at
