"""Reads of the classification area, filtered by what the viewer may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

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
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing


def workflow_list_for_project(*, user: Actor, project: Project) -> list[Workflow]:
    """Return the project's workflows the user may see (drafts only for the team and staff)."""
    permissions.require(user, "project.view", project)
    workflows = list(Workflow.objects.filter(project=project).order_by("name"))
    for workflow in workflows:
        workflow.project = project  # share the project's role cache: one membership query
    return [
        workflow
        for workflow in workflows
        if permissions.has_permission(user, "workflow.view", workflow)
    ]


def workflow_get_by_slugs(*, user: Actor, project_slug: str, workflow_slug: str) -> Workflow:
    """The workflow at /projects/<project_slug>/workflows/<workflow_slug>; NotFoundError if
    the project or the workflow is unknown or hidden from the user."""
    project = project_get_for_viewing(user=user, slug=project_slug)
    return workflow_get_for_viewing(user=user, project=project, slug=workflow_slug)


def workflow_get_for_viewing(*, user: Actor, project: Project, slug: str) -> Workflow:
    """Return one workflow of the project; NotFoundError when unknown or not visible."""
    permissions.require(user, "project.view", project)
    workflow = Workflow.objects.select_related("project").filter(project=project, slug=slug).first()
    if workflow is None:
        raise NotFoundError()
    workflow.project = project  # keep the project's role cache
    permissions.require(user, "workflow.view", workflow)
    return workflow


def subject_get_in_workflow(*, user: Actor, workflow: Workflow, subject_id: int) -> Subject:
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


def subject_get_for_viewing(*, user: Actor, project: Project, subject_id: int) -> Subject:
    """Return a subject of the project that is offered in a workflow the user may see."""
    permissions.require(user, "project.view", project)
    subject = (
        Subject.objects.select_related("subject_set__project", "observation_media")
        .filter(pk=subject_id, subject_set__project=project)
        .first()
    )
    if subject is None:
        raise NotFoundError()
    workflows = Workflow.objects.filter(subject_states__subject=subject, project=project)
    visible = any(
        permissions.has_permission(user, "workflow.view", _with_project(workflow, project))
        for workflow in workflows
    )
    if not visible and not permissions.has_permission(user, "workflow.manage", project):
        raise NotFoundError()
    return subject


def subject_get_for_media(*, user: Actor, subject_id: int) -> Subject:
    """Return a subject by its ID alone, for serving its file: NotFoundError unless the user
    may see it (`subject_get_for_viewing`: a workflow offering it, or managing the project)."""
    found = Subject.objects.select_related("subject_set__project").filter(pk=subject_id).first()
    if found is None:
        raise NotFoundError()
    return subject_get_for_viewing(
        user=user, project=found.subject_set.project, subject_id=subject_id
    )


def _with_project(workflow: Workflow, project: Project) -> Workflow:
    workflow.project = project  # share the project's role cache instead of loading it again
    return workflow


def subject_list_for_workflow(*, user: Actor, workflow: Workflow) -> QuerySet[WorkflowSubject]:
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


def classification_list_for_workflow(
    *, user: Actor, workflow: Workflow
) -> QuerySet[Classification]:
    """Return the workflow's classifications, oldest first (reviewers)."""
    permissions.require(user, "workflow.review", workflow)
    return (
        Classification.objects.filter(workflow=workflow)
        .select_related("subject")
        .order_by("created_at", "id")
    )


def comment_list_for_subject(*, user: Actor, subject: Subject) -> QuerySet[SubjectComment]:
    """Return the subject's discussion, oldest first (the caller checked the subject)."""
    return (
        subject.comments.select_related("author")
        .prefetch_related("hashtags")
        .order_by("created_at", "id")
    )


# Results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Votes:
    """The answers behind a stored result: how many, how many agree, every class's probability."""

    agreeing: int
    total: int
    probabilities: dict[str, float]


@dataclass
class SubjectResult:
    """A subject's stored aggregation result (`cslab.consensus`) with its state and any expert
    decision made since. Without a result yet: no label, confidence 0, no probabilities."""

    subject_id: int
    external_id: str
    classification_count: int
    retired_at: Any
    retirement_reason: str
    is_gold: bool
    votes: Votes
    stored_label: str | None = None
    stored_confidence: float = 0.0
    stored_disputed: bool = False
    method: str = ""
    computed_at: Any = None
    gold_label: str = ""
    expert_label: str | None = None
    expert_note: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    subject: Subject | None = None

    @property
    def label(self) -> str | None:
        return self.expert_label or self.stored_label or None

    @property
    def confidence(self) -> float:
        return 1.0 if self.expert_label else self.stored_confidence

    @property
    def is_disputed(self) -> bool:
        return self.stored_disputed and self.expert_label is None

    @property
    def has_result(self) -> bool:
        return self.computed_at is not None


def tallies_for_workflow(
    workflow: Workflow, subject_ids: list[int] | None = None
) -> dict[int, retirement.Tally]:
    """Return the live vote tally of the consensus task per subject (counted classifications),
    for volunteers' immediate feedback; results pages read the stored aggregation instead."""
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


def _expert_labels(workflow: Workflow) -> dict[int, tuple[str | None, str]]:
    from cslab.consensus.labels import aggregation_task, label_of

    task = aggregation_task(workflow.tasks)
    return {
        subject_id: (label_of(task, answers.get(task["key"])) if task else None, note)
        for subject_id, answers, note in ExpertDecision.objects.filter(
            workflow=workflow
        ).values_list("subject_id", "answers", "note")
    }


def _subject_result(state: WorkflowSubject, stored: Any, decision: Any) -> SubjectResult:
    expert_label, expert_note = decision or (None, "")
    return SubjectResult(
        subject_id=state.subject_id,
        external_id=state.subject.external_id,
        classification_count=state.classification_count,
        retired_at=state.retired_at,
        retirement_reason=state.retirement_reason,
        is_gold=state.subject.is_gold,
        votes=Votes(
            agreeing=stored.agreeing if stored else 0,
            total=stored.answer_count if stored else 0,
            probabilities=dict(stored.probabilities) if stored else {},
        ),
        stored_label=(stored.label or None) if stored else None,
        stored_confidence=stored.confidence if stored else 0.0,
        stored_disputed=stored.disputed if stored else False,
        method=stored.method if stored else "",
        computed_at=stored.computed_at if stored else None,
        gold_label=stored.gold_label if stored else "",
        expert_label=expert_label,
        expert_note=expert_note,
        metadata=state.subject.metadata,
        subject=state.subject,
    )


def workflow_results(
    *, user: Actor, workflow: Workflow, limit: int | None = None
) -> list[SubjectResult]:
    """Return every subject's stored result in the workflow (reviewers), in subject order."""
    from cslab.consensus.models import ConsensusResult

    permissions.require(user, "workflow.review", workflow)
    decisions = _expert_labels(workflow)
    states = (
        WorkflowSubject.objects.filter(workflow=workflow)
        .select_related("subject")
        .order_by("subject_id")
    )
    if limit is not None:
        states = states[:limit]
    results = []
    for chunk in _chunked(states.iterator(chunk_size=2000), 2000):
        stored = {
            result.subject_id: result
            for result in ConsensusResult.objects.filter(
                workflow=workflow, subject_id__in=[state.subject_id for state in chunk]
            )
        }
        results += [
            _subject_result(state, stored.get(state.subject_id), decisions.get(state.subject_id))
            for state in chunk
        ]
    return results


def _chunked(rows: Any, size: int) -> Any:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def disputed_subjects(*, user: Actor, workflow: Workflow, limit: int = 500) -> list[SubjectResult]:
    """Return the expert review queue from the stored results: disputed subjects that no
    expert decided yet, most answered first; each carries its subject (with its photo)."""
    from cslab.consensus.selectors import disputed_queue

    queue = list(disputed_queue(user=user, workflow=workflow)[:limit])
    states = {
        state.subject_id: state
        for state in WorkflowSubject.objects.filter(
            workflow=workflow, subject_id__in=[result.subject_id for result in queue]
        )
    }
    results = []
    for stored in queue:
        state = states.get(stored.subject_id)
        if state is None:
            continue
        state.subject = stored.subject
        results.append(_subject_result(state, stored, None))
    return results


@dataclass(frozen=True)
class ResultsSummary:
    """The figures at the top of the results page."""

    subjects: int
    retired: int
    with_result: int
    disputed: int
    low_confidence: int
    new_classifications: int
    latest_run: Any
    running_job: Any
    method: str


def _subjects_and_retired(workflow: Workflow) -> tuple[int, int]:
    """How many subjects the workflow offers and how many of them retired (one query)."""
    counts = WorkflowSubject.objects.filter(workflow=workflow).aggregate(
        subjects=Count("pk"), retired=Count("pk", filter=Q(retired_at__isnull=False))
    )
    return counts["subjects"], counts["retired"]


def results_summary(*, user: Actor, workflow: Workflow) -> ResultsSummary:
    """Counts of subjects, retired ones, stored results, disputed and low-confidence ones,
    classifications since the last run; the last run and any job still running (reviewers)."""
    from cslab.consensus import selectors as consensus
    from cslab.consensus.labels import aggregation_task, default_method
    from cslab.consensus.models import ConsensusResult
    from cslab.consensus.services.aggregation import JOB_KIND, consensus_settings_for
    from cslab.core.models import Job

    permissions.require(user, "workflow.review", workflow)
    subjects, retired = _subjects_and_retired(workflow)
    latest = consensus.latest_run(workflow)
    task = aggregation_task(workflow.tasks)
    running = (
        Job.objects.filter(kind=JOB_KIND, arguments__workflow_id=workflow.pk,
                           status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        .order_by("-created_at").first()
    )  # fmt: skip
    return ResultsSummary(
        subjects=subjects,
        retired=retired,
        with_result=ConsensusResult.objects.filter(workflow=workflow).count(),
        disputed=consensus.disputed_queue(user=user, workflow=workflow).count(),
        low_confidence=consensus.result_list_for_workflow(
            user=user, workflow=workflow, which="low-confidence"
        ).count(),
        new_classifications=consensus.classifications_since(workflow, latest),
        latest_run=latest,
        running_job=running,
        method=consensus_settings_for(workflow).method or (default_method(task) if task else ""),
    )


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
    subjects, retired = _subjects_and_retired(workflow)
    if identity.is_anonymous and not identity.session_identity:
        return VolunteerStats(0, 0, 0, None, 0, retired, subjects)
    mine = Classification.objects.filter(workflow=workflow, **identity.classification_filter())
    counts = mine.aggregate(
        classifications=Count("pk"),
        gold_seen=Count("pk", filter=Q(gold_matched__isnull=False)),
        gold_matched=Count("pk", filter=Q(gold_matched=True)),
    )
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
        classifications=counts["classifications"],
        gold_seen=counts["gold_seen"],
        gold_matched=counts["gold_matched"],
        agreement=agreeing / compared if compared else None,
        compared=compared,
        retired=retired,
        subjects=subjects,
    )
