"""Impact's part of a hub case study's page: the outputs and impact statements of the projects
the case study tells about, each project only for a viewer who may see it.

The hub's page is built from parts (`hub.detail_parts`), so impact adds its own part there
rather than the hub reading impact's tables (impact sits above the hub)."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from cslab.core import permissions
from cslab.hub.detail_parts import DetailPart, register_detail_part
from cslab.hub.selectors.case_studies import case_study_get
from cslab.impact.models import ImpactStatement, Output
from cslab.impact.selectors import output_list_for_project
from cslab.impact.selectors.statements import impact_statement_list_for_project
from cslab.impact.views.statements import statements_for_display

# A case study shows a project's latest; the project's own pages list them all.
SHOWN_PER_PROJECT = 10


@dataclass(frozen=True)
class ProjectRecord:
    project: Any
    outputs: list[Output]
    statements: list[dict[str, Any]]


def case_study_project_records(*, viewer: Any, resource: Any) -> list[ProjectRecord]:
    """The outputs and impact statements of each project the case study links that the viewer
    may see; projects with neither are left out."""
    _resource, case_study = case_study_get(viewer, resource.slug)
    if case_study.pk is None:
        return []
    records = []
    for link in case_study.projects.all():
        project = link.project
        if not permissions.has_permission(viewer, "project.view", project):
            continue
        outputs = list(output_list_for_project(project=project)[:SHOWN_PER_PROJECT])
        statements: list[ImpactStatement] = list(
            impact_statement_list_for_project(project=project)[:SHOWN_PER_PROJECT]
        )
        if outputs or statements:
            records.append(ProjectRecord(project, outputs, statements_for_display(statements)))
    return records


def _context(request: HttpRequest, resource: Any) -> dict[str, Any] | None:
    if not getattr(resource, "is_case_study", False):
        return None
    records = case_study_project_records(viewer=request.user, resource=resource)
    return {"records": records} if records else None


register_detail_part(
    DetailPart(
        name="impact_case_study_records",
        slot="main",
        template="impact/_case_study_records.html",
        context=_context,
        order=21,
    )
)
