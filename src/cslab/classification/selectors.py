"""Reads of the classification area, filtered by what the viewer may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from cslab.classification import retirement
from cslab.classification.assignment import Identity, next_subject_ids
from cslab.classification.models import (
    Classification,
    ExpertDecision,
    Subject,
    SubjectComment,
    Workflow,
    WorkflowSubject,
)
from cslab.classification.tasks import class_values, consensus_label, consensus_task
from cslab.core import permissions
from cslab.core.errors import NotFoundError
from cslab.projects.models import Project

DISPUTE_CONFIDENCE = 2 / 3


def workflow_list_for_project(*, user: Any, project: Project) -> list[Workflow]:
    """Return the project's workflows the user may see (drafts only for the team and staff)."""
    permissions.require(user, "project.view", project)
    workflows = Workflow.objects.filter(project=project).select_related("project").order_by("name")
    return [
        workflow
        for workflow in workflows
        if permissions.has_permission(user, "workflow.view", workflow)
    ]


def workflow_get_for_viewing(*, user: Any, project: Project, slug: str) -> Workflow:
    """Return one workflow of the project; NotFoundError when unknown or not visible."""
    permissions.require(user, "project.view", project)
    workflow = Workflow.objects.select_related("project").filter(project=project, slug=slug).first()
    if workflow is None:
        raise NotFoundError()
    workflow.project = project  # keep the project's role cache
    permissions.require(user, "workflow.view", workflow)
    return workflow


def subject_get_in_workflow(*, user: Any, workflow: Workflow, subject_id: int) -> Subject:
    """Return a subject offered in the workflow; NotFoundError otherwise."""
    permissions.require(user, "workflow.view", workflow)
    subject = (
        Subject.objects.select_related("subject_set", "observation_media")
        .filter(pk=subject_id, workflow_states__workflow=workflow)
        .first()
    )
    if subject is None:
        raise NotFoundError()
    return subject


def subject_get_for_viewing(*, user: Any, project: Project, subject_id: int) -> Subject:
    """Return a subject of the project that is offered in a workflow the user may see."""
    permissions.require(user, "project.view", project)
    subject = (
        Subject.objects.select_related("subject_set__project", "observation_media")
        .filter(pk=subject_id, subject_set__project=project)
        .first()
    )
    if subject is None:
        raise NotFoundError()
    visible = any(
        permissions.has_permission(user, "workflow.view", workflow)
        for workflow in Workflow.objects.filter(subject_states__subject=subject, project=project)
    )
    if not visible and not permissions.has_permission(user, "workflow.manage", project):
        raise NotFoundError()
    return subject


def subject_list_for_workflow(*, user: Any, workflow: Workflow) -> QuerySet[WorkflowSubject]:
    """Return the workflow's subjects with their state (reviewers), in id order."""
    permissions.require(user, "workflow.review", workflow)
    return (
        WorkflowSubject.objects.filter(workflow=workflow)
        .select_related("subject", "subject__observation_media")
        .order_by("subject_id")
    )


def next_subjects(
    *, identity: Identity, workflow: Workflow, count: int = 1, exclude: frozenset[int] = frozenset()
) -> list[Subject]:
    """Return the next subjects for the identity to classify (see `assignment`)."""
    permissions.require(identity.user, "workflow.classify", workflow)
    ids = next_subject_ids(
        workflow=workflow, identity=identity, count=count, exclude=frozenset(list(exclude)[:50])
    )
    found = Subject.objects.select_related("observation_media").in_bulk(ids)
    return [found[subject_id] for subject_id in ids if subject_id in found]


def classification_list_for_workflow(*, user: Any, workflow: Workflow) -> QuerySet[Classification]:
    """Return the workflow's classifications, oldest first (reviewers)."""
    permissions.require(user, "workflow.review", workflow)
    return (
        Classification.objects.filter(workflow=workflow)
        .select_related("subject")
        .order_by("created_at", "id")
    )


def comment_list_for_subject(*, user: Any, subject: Subject) -> QuerySet[SubjectComment]:
    """Return the subject's discussion, oldest first (the caller checked the subject)."""
    return (
        subject.comments.select_related("author")
        .prefetch_related("hashtags")
        .order_by("created_at", "id")
    )


# Results ----------------------------------------------------------------------------------


@dataclass
class SubjectResult:
    """What the counted classifications of one subject say, with its state and any decision."""

    subject_id: int
    external_id: str
    classification_count: int
    retired_at: Any
    retirement_reason: str
    is_gold: bool
    votes: retirement.Tally
    expert_label: str | None = None
    expert_note: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str | None:
        return self.expert_label or self.votes.label

    @property
    def confidence(self) -> float:
        return 1.0 if self.expert_label else self.votes.confidence

    @property
    def is_disputed(self) -> bool:
        return (
            self.expert_label is None
            and not self.is_gold
            and self.votes.total >= 2
            and (self.votes.is_tied or self.votes.confidence < DISPUTE_CONFIDENCE)
        )


def tallies_for_workflow(
    workflow: Workflow, subject_ids: list[int] | None = None
) -> dict[int, retirement.Tally]:
    """Return the vote tally of the consensus task per subject (counted classifications).

    TODO(#5): take posteriors from `cslab.consensus` (Dawid–Skene etc.) once its aggregation
    job stores results per subject; majority vote (vote shares) until then.
    """
    task = consensus_task(workflow.tasks)
    if task is None:
        return {}
    rows = Classification.objects.filter(workflow=workflow, counted=True)
    if subject_ids is not None:
        rows = rows.filter(subject_id__in=subject_ids)
    labels: dict[int, list[str | None]] = defaultdict(list)
    for subject_id, answers in rows.values_list("subject_id", "answers").iterator(chunk_size=5000):
        labels[subject_id].append(consensus_label(task, answers.get(task["key"])))
    classes = class_values(task)
    return {subject_id: retirement.tally(values, classes) for subject_id, values in labels.items()}


def workflow_results(*, user: Any, workflow: Workflow) -> list[SubjectResult]:
    """Return every subject's result in the workflow (reviewers), in subject order."""
    permissions.require(user, "workflow.review", workflow)
    task = consensus_task(workflow.tasks)
    tallies = tallies_for_workflow(workflow)
    decisions = {
        decision.subject_id: decision
        for decision in ExpertDecision.objects.filter(workflow=workflow)
    }
    empty = retirement.tally([], class_values(task) if task else [])
    results = []
    for state in (
        WorkflowSubject.objects.filter(workflow=workflow)
        .select_related("subject")
        .order_by("subject_id")
        .iterator(chunk_size=2000)
    ):
        decision = decisions.get(state.subject_id)
        expert_label = (
            consensus_label(task, decision.answers.get(task["key"])) if decision and task else None
        )
        results.append(
            SubjectResult(
                subject_id=state.subject_id,
                external_id=state.subject.external_id,
                classification_count=state.classification_count,
                retired_at=state.retired_at,
                retirement_reason=state.retirement_reason,
                is_gold=state.subject.is_gold,
                votes=tallies.get(state.subject_id, empty),
                expert_label=expert_label,
                expert_note=decision.note if decision else "",
                metadata=state.subject.metadata,
            )
        )
    return results


def disputed_subjects(*, user: Any, workflow: Workflow) -> list[SubjectResult]:
    """Return the expert review queue: subjects whose volunteers disagree, most answered first."""
    results = [
        result for result in workflow_results(user=user, workflow=workflow) if result.is_disputed
    ]
    return sorted(results, key=lambda result: (-result.votes.total, result.subject_id))


@dataclass(frozen=True)
class VolunteerStats:
    classifications: int
    gold_seen: int
    gold_matched: int
    agreement: float | None  # share of answers that agree with the consensus, where there is one
    compared: int
    retired: int
    subjects: int

    @property
    def progress(self) -> float:
        return self.retired / self.subjects if self.subjects else 0.0


RECENT_FOR_AGREEMENT = 500


def volunteer_stats(*, identity: Identity, workflow: Workflow) -> VolunteerStats:
    """Return the identity's count, gold results and agreement with consensus (over their
    latest answers on subjects that have a consensus), and the workflow's progress."""
    permissions.require(identity.user, "workflow.view", workflow)
    states = WorkflowSubject.objects.filter(workflow=workflow)
    subjects, retired = states.count(), states.filter(retired_at__isnull=False).count()
    if identity.is_anonymous and not identity.session_identity:
        return VolunteerStats(0, 0, 0, None, 0, retired, subjects)
    mine = Classification.objects.filter(workflow=workflow, **identity.classification_filter())
    gold = mine.filter(gold_matched__isnull=False)
    recent = list(
        mine.order_by("-created_at").values_list("subject_id", "answers")[:RECENT_FOR_AGREEMENT]
    )
    task = consensus_task(workflow.tasks)
    agreeing = compared = 0
    if task is not None and recent:
        tallies = tallies_for_workflow(workflow, [subject_id for subject_id, _ in recent])
        for subject_id, answers in recent:
            votes = tallies.get(subject_id)
            if votes is None or votes.total < 2 or votes.is_tied:
                continue
            compared += 1
            agreeing += consensus_label(task, answers.get(task["key"])) == votes.label
    return VolunteerStats(
        classifications=mine.count(),
        gold_seen=gold.count(),
        gold_matched=gold.filter(gold_matched=True).count(),
        agreement=agreeing / compared if compared else None,
        compared=compared,
        retired=retired,
        subjects=subjects,
    )
