"""Impact's part of a project's page (`core.project_page`): the project's latest outputs and
impacts, and for its owners, researchers and Lab staff links to manage, import and record them."""

from typing import Any

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.project_page import Link, LinkGroup, ProjectPart, register_project_part
from cslab.impact.selectors import output_list_for_project
from cslab.impact.selectors.statements import impact_statement_list_for_project

SHOWN = 3


def _part(project: Any, viewer: Any) -> ProjectPart:
    part = ProjectPart()
    slug = {"slug": project.slug}
    list_url = reverse("project_outputs", kwargs=slug)
    impacts_url = reverse("project_impact_statements", kwargs=slug)
    outputs = list(output_list_for_project(project=project)[:SHOWN])
    if outputs:
        links = [
            Link(output.title, f"https://doi.org/{output.doi}" if output.doi else list_url)
            for output in outputs
        ]
        links.append(Link(_("All outputs"), list_url))
        part.link_groups.append(LinkGroup(heading=_("Outputs"), links=links))
    statements = list(impact_statement_list_for_project(project=project)[:SHOWN])
    if statements:
        impact_links = [
            Link(
                f"{statement.get_kind_display()}: "
                + Truncator(statement.description).chars(80, truncate="…"),
                impacts_url,
            )
            for statement in statements
        ]
        impact_links.append(Link(_("All impacts"), impacts_url))
        part.link_groups.append(LinkGroup(heading=_("Impacts"), links=impact_links))
    if permissions.has_permission(viewer, "impact.output.manage", project):
        part.links.append(Link(_("Manage outputs"), list_url))
        part.links.append(Link(_("Import outputs"), reverse("project_outputs_import", kwargs=slug)))
    if permissions.has_permission(viewer, "impact.statement.manage", project):
        part.links.append(
            Link(_("Record an impact"), reverse("project_impact_statement_create", kwargs=slug))
        )
    return part


register_project_part("impact.outputs", _part)
