"""Sitemap entries for projects: only listed ones (approved and public)."""

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap

from cslab.projects.models import Project
from cslab.projects.selectors import project_list_listed


class ProjectSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "weekly"
    priority = 0.7

    def items(self) -> Any:
        return project_list_listed().order_by("pk").only("slug", "updated_at")

    def lastmod(self, project: Project) -> datetime:
        return project.updated_at
