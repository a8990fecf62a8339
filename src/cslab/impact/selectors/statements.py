"""Reads of impact statements: a project's, for whoever may see the project."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.impact.models import ImpactStatement
from cslab.projects.models import Project


def impact_statement_list_for_project(*, project: Project) -> QuerySet[ImpactStatement]:
    """The project's impact statements, latest first. The caller has checked the viewer may
    see the project (`projects.selectors.project_get_for_viewing`)."""
    return ImpactStatement.objects.filter(project=project).order_by("-occurred_on", "-id")


def impact_statement_get_for_managing(
    *, actor: Actor, project: Project, statement_id: Any
) -> ImpactStatement:
    """The project's statement for one who manages them (403 for others who see the project,
    404 when the statement is not the project's)."""
    permissions.require(actor, "impact.statement.manage", project)
    try:
        number = int(statement_id)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    statement = ImpactStatement.objects.filter(project=project, pk=number).first()
    if statement is None:
        raise NotFoundError()
    return statement
