"""`{% data_licence project %}`: the licence of a project's data (with its deed) and, while
it lasts, the embargo notice; shown beside the data on every page that shows them."""

from typing import Any

from django import template

from cslab.projects.licences import is_under_embargo, project_licence_and_citation
from cslab.projects.models import Project

register = template.Library()


@register.inclusion_tag("projects/_data_licence.html")
def data_licence(project: Project) -> dict[str, Any]:
    return {
        "project": project,
        "licence": project_licence_and_citation(project),
        "under_embargo": is_under_embargo(project),
    }


@register.filter
def licence_deed(project: Project) -> str:
    """The address of the Creative Commons deed of the project's data licence."""
    return project_licence_and_citation(project).licence_url


@register.filter
def under_embargo(project: Project) -> bool:
    return is_under_embargo(project)
