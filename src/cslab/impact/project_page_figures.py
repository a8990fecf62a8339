"""Impact's second part of a project's page (`core.project_page`): links to the project's
impact dashboard and report, for whoever may see its figures."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.project_page import Link, ProjectPart, register_project_part


def _part(project: Any, viewer: Any) -> ProjectPart:
    part = ProjectPart()
    if permissions.has_permission(viewer, "impact.dashboard.view", project):
        slug = {"slug": project.slug}
        part.links.append(Link(_("Impact dashboard"), reverse("project_impact", kwargs=slug)))
        part.links.append(Link(_("Impact report"), reverse("project_impact_report", kwargs=slug)))
    return part


register_project_part("impact.figures", _part)
