"""What the classification area adds to a project's page, to project cards and to the home page:
classifications, subjects finished, each workflow's progress, a "Classify" action per active
workflow the viewer may classify, and the link to the project's workflows.

A participant is a volunteer with an account, or an anonymous session that classified (one
browser, counted once). The project page counts the workflows `selectors.workflow_list_for_project`
shows the viewer (drafts only for the team and Lab staff); cards and the Lab's figures count the
listed projects' workflows that are not drafts.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from cslab.classification import selectors
from cslab.classification.models import Classification, Workflow, WorkflowSubject
from cslab.core import permissions, project_page
from cslab.core.actors import Actor
from cslab.core.project_page import (
    ActionKind,
    Facts,
    Figure,
    Link,
    ProjectPart,
    TakePartAction,
    WorkflowProgress,
)
from cslab.projects.models import Project
from cslab.projects.selectors import project_list_listed

CLASSIFICATIONS_ORDER = 20
FINISHED_ORDER = 30


def _participant_key(volunteer_id: int | None, session_identity: str) -> str | None:
    if volunteer_id is not None:
        return f"user:{volunteer_id}"
    if session_identity:
        return f"session:{session_identity}"
    return None


def _participants(rows: Iterable[tuple[Any, ...]]) -> set[str]:
    keys = (_participant_key(volunteer_id, session) for volunteer_id, session in rows)
    return {key for key in keys if key is not None}


def _figures(classifications: int, finished: int) -> list[Figure]:
    return [
        _classifications_figure(classifications),
        Figure("subjects_finished", _("Subjects finished"), finished, FINISHED_ORDER),
    ]


def _progress_by_workflow(workflow_ids: list[int]) -> dict[int, tuple[int, int]]:
    rows = (
        WorkflowSubject.objects.filter(workflow_id__in=workflow_ids)
        .values("workflow_id")
        .annotate(total=Count("pk"), finished=Count("pk", filter=Q(retired_at__isnull=False)))
        .order_by()
    )
    return {row["workflow_id"]: (row["finished"], row["total"]) for row in rows}


def _has_work_left(progress: tuple[int, int]) -> bool:
    finished, total = progress
    return finished < total


def project_part(project: Project, viewer: Actor) -> ProjectPart:
    workflows = [
        workflow
        for workflow in selectors.workflow_list_for_project(user=viewer, project=project)
        if workflow.status != Workflow.Status.DRAFT
    ]
    part = ProjectPart()
    slug = project.slug
    workflows_url = reverse("workflow_list", kwargs={"slug": slug})
    if workflows or permissions.has_permission(viewer, "workflow.manage", project):
        part.links.append(Link(_("Classifying"), workflows_url))
    if not workflows:
        return part
    ids = [workflow.pk for workflow in workflows]
    progress = _progress_by_workflow(ids)
    classifications = Classification.objects.filter(workflow_id__in=ids).order_by()
    part.figures = _figures(
        classifications.count(), sum(finished for finished, _total in progress.values())
    )
    part.participants = _participants(
        classifications.values_list("volunteer_id", "session_identity").distinct()
    )
    may_classify = {
        workflow.pk
        for workflow in workflows
        if permissions.has_permission(viewer, "workflow.classify", workflow)
    }
    # A workflow whose every subject is finished has nothing left to offer a volunteer.
    classifiable = [
        workflow
        for workflow in workflows
        if workflow.pk in may_classify and _has_work_left(progress.get(workflow.pk, (0, 0)))
    ]
    for workflow in workflows:
        address = {"slug": slug, "workflow": workflow.slug}
        classify_url = reverse("workflow_classify", kwargs=address)
        finished, total = progress.get(workflow.pk, (0, 0))
        active = workflow.status == Workflow.Status.ACTIVE
        # Whoever may not classify it (yet) is shown the project's workflows, not a log-in.
        url = classify_url if workflow.pk in may_classify else workflows_url
        part.workflows.append(WorkflowProgress(workflow.name, url, finished, total, active=active))
        if workflow in classifiable:
            label = (
                _("Classify")
                if len(classifiable) == 1
                else _("Classify: %(workflow)s") % {"workflow": workflow.name}
            )
            part.actions.append(TakePartAction(label, classify_url, ActionKind.CLASSIFY))
    return part


def _published(scope: Q) -> QuerySet[Workflow]:
    return Workflow.objects.filter(scope).exclude(status=Workflow.Status.DRAFT)


def _classifications_figure(number: int) -> Figure:
    return Figure("classifications", _("Classifications"), number, CLASSIFICATIONS_ORDER)


def card_facts(project_ids: list[int]) -> dict[int, Facts]:
    """Classifications and their volunteers; a project without any shows no such figure."""
    workflows = _published(Q(project_id__in=project_ids)).values("pk")
    classifications = Classification.objects.filter(workflow__in=workflows).order_by()
    facts: dict[int, Facts] = {}
    for row in classifications.values("workflow__project_id").annotate(
        count=Count("pk"), last=Max("created_at")
    ):
        facts[row["workflow__project_id"]] = Facts(
            figures=[_classifications_figure(row["count"])], last_active_at=row["last"]
        )
    for project_id, volunteer_id, session in classifications.values_list(
        "workflow__project_id", "volunteer_id", "session_identity"
    ).distinct():
        key = _participant_key(volunteer_id, session)
        if key is not None:
            facts[project_id].participants.add(key)
    return facts


def lab_facts() -> Facts:
    workflows = _published(Q(project__in=project_list_listed().values("pk"))).values("pk")
    classifications = Classification.objects.filter(workflow__in=workflows).order_by()
    return Facts(
        figures=[_classifications_figure(classifications.count())],
        participants=_participants(
            classifications.values_list("volunteer_id", "session_identity").distinct()
        ),
    )


project_page.register_project_part("classification", project_part)
project_page.register_card_figures("classification", card_facts)
project_page.register_lab_figures("classification", lab_facts)
