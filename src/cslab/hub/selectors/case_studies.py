"""Reads of case studies: the structure, the published list, and live figures of the linked
projects as one viewer may see them.

Live figures come from the same registry as the project page (`core.project_page.project_part`,
which merges every area's part and counts a participant once across areas) plus the spread of
the observations (`observations.selectors.observation_spread_for_project`). So a case study
shows exactly what the project page shows the same viewer, and a linked project the viewer may
not see is left out altogether.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.core.project_page import Figure, project_part
from cslab.hub import states
from cslab.hub.models import CaseStudy, CaseStudyProject, Resource
from cslab.hub.selectors.resources import resource_get, resource_list_listed
from cslab.hub.vocabulary import (
    ImpactKind,
    OutputKind,
    ResourceKind,
    ResourceTagKind,
)
from cslab.observations.selectors import ObservationSpread, observation_spread_for_project
from cslab.projects.models import Project
from cslab.projects.selectors import project_list_listed, project_list_visible
from cslab.projects.vocabulary import Faculty


@dataclass(frozen=True)
class ProjectFigures:
    """The live figures of one linked project for one viewer."""

    project: Project
    figures: list[Figure]
    spread: ObservationSpread
    # The project's impact dashboard, when the viewer may see its figures; empty otherwise.
    impact_url: str = ""

    def figure(self, key: str) -> int | None:
        return next((figure.number for figure in self.figures if figure.key == key), None)


@dataclass
class CaseStudyPage:
    """Everything the case-study views show of one case study to one viewer."""

    resource: Resource
    case_study: CaseStudy
    projects: list[ProjectFigures]
    faculties: list[str]
    outputs_by_kind: list[tuple[str, list[Any]]] = field(default_factory=list)
    impacts_by_kind: list[tuple[str, list[Any]]] = field(default_factory=list)
    can_edit: bool = False

    @property
    def participants_reported(self) -> int:
        return sum(group.count or 0 for group in self.case_study.participant_groups.all())


def _structure(resource: Resource) -> CaseStudy:
    """The structure of a case-study resource (an empty, unsaved one before the first edit)."""
    case_study = (
        CaseStudy.objects.filter(resource=resource)
        .prefetch_related(
            "participant_groups",
            "people",
            "outputs",
            "impacts",
            Prefetch(
                "projects",
                queryset=CaseStudyProject.objects.select_related("project").order_by("id"),
            ),
        )
        .first()
    )
    return case_study or CaseStudy(resource=resource)


def case_study_get(viewer: Actor, slug: str) -> tuple[Resource, CaseStudy]:
    """Return a case study the viewer may open with its structure, or raise NotFoundError
    (also for a resource of another kind)."""
    resource = resource_get(viewer, slug)
    if resource.kind != ResourceKind.CASE_STUDY:
        raise NotFoundError()
    return resource, _structure(resource)


def case_study_get_for_editing(viewer: Actor, slug: str) -> tuple[Resource, CaseStudy]:
    """Return a case study the viewer may edit now; NotFoundError / PermissionDeniedError."""
    resource, case_study = case_study_get(viewer, slug)
    permissions.require(viewer, "hub.resource.edit", resource)
    return resource, case_study


def case_study_can_edit(viewer: Actor, resource: Resource) -> bool:
    editable = states.EDITABLE_BY_AUTHOR | states.EDITABLE_AFTER_PUBLICATION
    return resource.status in editable and permissions.has_permission(
        viewer, "hub.resource.edit", resource
    )


def case_study_project_figures(*, viewer: Actor, case_study: CaseStudy) -> list[ProjectFigures]:
    """Live figures of each linked project the viewer may see (the others are left out)."""
    if case_study.pk is None:
        return []
    figures = []
    for link in case_study.projects.all():
        project = link.project
        if not permissions.has_permission(viewer, "project.view", project):
            continue
        part = project_part(project, viewer)
        spread = observation_spread_for_project(user=viewer, project=project)
        impact_url = (
            reverse("project_impact", kwargs={"slug": project.slug})
            if permissions.has_permission(viewer, "impact.dashboard.view", project)
            else ""
        )
        figures.append(
            ProjectFigures(
                project=project, figures=part.figures, spread=spread, impact_url=impact_url
            )
        )
    return figures


def _grouped(rows: list[Any], choices: list[tuple[str, Any]]) -> list[tuple[str, list[Any]]]:
    """Rows grouped by kind in the vocabulary's order, as (label, rows); empty kinds left out."""
    groups = []
    for value, label in choices:
        of_kind = [row for row in rows if row.kind == value]
        if of_kind:
            groups.append((str(label), of_kind))
    return groups


def case_study_page(*, viewer: Actor, resource: Resource, case_study: CaseStudy) -> CaseStudyPage:
    """Gather what the detail part, the print page and the export show of a case study."""
    projects = case_study_project_figures(viewer=viewer, case_study=case_study)
    faculty_labels = dict(Faculty.choices)
    faculties = set(resource.tags_of(ResourceTagKind.FACULTY))
    faculties |= {item.project.faculty for item in projects if item.project.faculty}
    saved = case_study.pk is not None
    return CaseStudyPage(
        resource=resource,
        case_study=case_study,
        projects=projects,
        faculties=sorted(str(faculty_labels.get(value, value)) for value in faculties),
        outputs_by_kind=_grouped(
            list(case_study.outputs.all()) if saved else [], OutputKind.choices
        ),
        impacts_by_kind=_grouped(
            list(case_study.impacts.all()) if saved else [], ImpactKind.choices
        ),
        can_edit=case_study_can_edit(viewer, resource),
    )


def case_study_list_published(
    *, viewer: Actor, impact_kind: str = "", faculty: str = ""
) -> QuerySet[Resource]:
    """The published case studies, newest first, optionally of one impact kind or faculty
    (a faculty tag of the case study, or the faculty of a linked listed project); each with its
    structure and the linked projects the viewer may see prefetched."""
    queryset = resource_list_listed().filter(kind=ResourceKind.CASE_STUDY)
    if impact_kind in ImpactKind.values:
        queryset = queryset.filter(case_study__impacts__kind=impact_kind)
    if faculty in Faculty.values:
        queryset = queryset.filter(
            Q(tags__kind=ResourceTagKind.FACULTY, tags__value=faculty)
            | Q(case_study__projects__project__in=project_list_listed().filter(faculty=faculty))
        )
    visible_links = CaseStudyProject.objects.filter(
        project__in=project_list_visible(user=viewer)
    ).select_related("project")
    return (
        queryset.distinct()
        .select_related("case_study")
        .prefetch_related(
            "case_study__impacts",
            Prefetch("case_study__projects", queryset=visible_links, to_attr="visible_projects"),
        )
        .order_by("-published_at", "-id")
    )


@dataclass(frozen=True)
class CaseStudyCard:
    resource: Resource
    impacts: list[str]  # the labels of its kinds of impact, in the vocabulary's order
    projects: list[Project]  # the linked projects the viewer may see


LIST_LIMIT = 100


def case_study_cards(
    *, viewer: Actor, impact_kind: str = "", faculty: str = ""
) -> list[CaseStudyCard]:
    """The cards of the case-study list (`case_study_list_published`, at most LIST_LIMIT)."""
    cards = []
    resources = case_study_list_published(viewer=viewer, impact_kind=impact_kind, faculty=faculty)
    for resource in resources[:LIST_LIMIT]:
        case_study = getattr(resource, "case_study", None)
        kinds = {row.kind for row in case_study.impacts.all()} if case_study else set()
        links = getattr(case_study, "visible_projects", [])
        cards.append(
            CaseStudyCard(
                resource=resource,
                impacts=[str(label) for value, label in ImpactKind.choices if value in kinds],
                projects=[link.project for link in links],
            )
        )
    return cards


def case_study_linkable_projects(*, viewer: Actor) -> QuerySet[Project]:
    """The projects the viewer may link to a case study: those the viewer may see."""
    return project_list_visible(user=viewer).order_by("name")
