"""Reads of outputs: a project's outputs, one output for its managers, and "where my
contribution went" (the outputs of the projects a person contributed to)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import NotFoundError
from cslab.impact.models import Output
from cslab.participants.selectors import ContributionPeriod, contribution_periods
from cslab.projects.models import Project
from cslab.projects.selectors import project_list_visible


def output_list_for_project(*, project: Project) -> QuerySet[Output]:
    """The project's outputs, newest first. The caller has checked the viewer may see it
    (`projects.selectors.project_get_for_viewing`)."""
    return (
        Output.objects.filter(projects=project)
        .prefetch_related("projects")
        .order_by("-published_on", "-id")
    )


def output_get_for_managing(*, actor: Actor, project: Project, output_id: Any) -> Output:
    """Return the project's output for one who manages the project's outputs; 403 for others
    who see the project, 404 when the output is not the project's."""
    permissions.require(actor, "impact.output.manage", project)
    try:
        number = int(output_id)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    output = Output.objects.filter(projects=project, pk=number).first()
    if output is None:
        raise NotFoundError()
    return output


def project_list_for_output_links(*, actor: Actor) -> list[Project]:
    """The projects whose outputs the actor manages, to link an output to several of them.

    Lab staff manage every project's outputs, but the choice offers only the projects whose
    team they are on (a list of every project would be unusable).
    """
    person = person_or_none(actor)
    if person is None:
        return []
    visible = project_list_visible(user=person).filter(memberships__user_id=person.pk).distinct()
    return [
        project
        for project in visible.order_by("name")[:200]
        if permissions.has_permission(actor, "impact.output.manage", project)
    ]


@dataclass(frozen=True)
class ContributedProject:
    """A project the person contributed to, when, and the outputs that came from it."""

    project: Project
    period: ContributionPeriod
    outputs: list[Output]


def output_list_where_my_contribution_went(*, user: Actor) -> list[ContributedProject]:
    """Return every project the person contributed to that has outputs, with their period of
    contribution there and those outputs; projects with the latest contribution first.

    Only the person's own contributions decide which projects appear, so nobody sees another
    person's list."""
    periods = contribution_periods(user=user)
    if not periods:
        return []
    projects = {project.pk: project for project in Project.objects.filter(pk__in=list(periods))}
    outputs: dict[int, list[Output]] = {}
    linked = Output.projects.through.objects.filter(project_id__in=list(periods)).select_related(
        "output"
    )
    for link in linked.order_by("-output__published_on", "-output_id"):
        outputs.setdefault(link.project_id, []).append(link.output)
    found = [
        ContributedProject(projects[project_id], periods[project_id], outputs[project_id])
        for project_id in outputs
        if project_id in projects
    ]
    return sorted(found, key=lambda item: item.period.last, reverse=True)
