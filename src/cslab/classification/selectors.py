"""Reads of the classification area, filtered by what the viewer may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT

from cslab.accounts.models import User
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
from cslab.classification.task_definitions import class_values, consensus_label, consensus_task
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing


def workflow_list_for_project(*, user: Actor, project: Project) -> list[Workflow]:
    """Return the project's workflows the user may see (drafts only for the team and staff),
    each with `subject_count` and `retired_count` for its progress."""
    permissions.require(user, "project.view", project)
    workflows = list(
        Workflow.objects.filter(project=project)
        .annotate(
            subject_count=Count("subject_states"),
            retired_count=Count(
                "subject_states", filter=Q(subject_states__retired_at__isnull=False)
            ),
        )
        .order_by("name")
    )
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


def workflow_list_for_subject(*, user: Actor, subject: Subject) -> list[Workflow]:
    """The workflows offering the subject that the user may see, by name (for links back)."""
    project = subject.subject_set.project
    workflows = Workflow.objects.filter(subject_states__subject=subject, project=project)
    return [
        workflow
        for workflow in workflows.order_by("name")
        if permissions.has_permission(user, "workflow.view", _with_project(workflow, project))
    ]


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


def subjects_and_retired(workflow: Workflow) -> tuple[int, int]:
    """How many subjects the workflow offers and how many of them retired (one query): no
    permission check, for the caller's own checked reads."""
    counts = WorkflowSubject.objects.filter(workflow=workflow).aggregate(
        subjects=Count("pk"), retired=Count("pk", filter=Q(retired_at__isnull=False))
    )
    return counts["subjects"], counts["retired"]


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
    subjects, retired = subjects_and_retired(workflow)
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


# Reads for the consensus area ---------------------------------------------------------------
# `cslab.consensus` reads classifications only through these (never through the models): plain
# rows, or a subquery to filter its own results by. The queries are the ones aggregation was
# written against (its query-count tests pin them).

# (classification id, subject id, volunteer id, session identity, raw label)
AnswerRow = tuple[int, int, int | None, str, Any]


def workflow_for_aggregation(workflow_id: int) -> Workflow:
    """The workflow an aggregation job runs on, with its project (the job checked the starter)."""
    return Workflow.objects.select_related("project").get(pk=workflow_id)


def _labelled_answers(
    workflow: Workflow, *, task_key: str, survey: bool, blank_pattern: str
) -> QuerySet[Any]:
    """The workflow's counted classifications that answer the task, with their `label`.

    The one definition of "labelled" for both the loading and the incremental comparison:
    the stored `answer_count` and `last_classification_id` describe these rows, so counting
    any others (an answer left empty) would make a subject look changed on every run.
    (Typed `QuerySet[Any]`: the type checker cannot follow the annotated `label`.)
    """
    path = f"answers__{task_key}__choice" if survey else f"answers__{task_key}"
    rows = Classification.objects.filter(workflow=workflow, counted=True).annotate(label=KT(path))
    return rows.filter(label__isnull=False).exclude(label__regex=blank_pattern)


def _chunks(values: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def classification_rows_for_aggregation(
    *,
    workflow: Workflow,
    task_key: str,
    survey: bool,
    blank_pattern: str,
    subject_ids: set[int] | None = None,
) -> Iterator[AnswerRow]:
    """(id, subject, volunteer, session, label) of the labelled answers, in id order per chunk
    of 1,000 subjects (all subjects: one query). `survey`: the label is the answer's `choice`;
    `blank_pattern`: a label matching it (a regular expression) answers nothing."""
    rows = _labelled_answers(
        workflow, task_key=task_key, survey=survey, blank_pattern=blank_pattern
    )
    queries = (
        [rows]
        if subject_ids is None
        else [rows.filter(subject_id__in=chunk) for chunk in _chunks(sorted(subject_ids), 1000)]
    )
    for query in queries:
        yield from (
            query.order_by("id")
            .values_list("id", "subject_id", "volunteer_id", "session_identity", "label")
            .iterator(chunk_size=5000)
        )


def labelled_answer_counts(
    *, workflow: Workflow, task_key: str, survey: bool, blank_pattern: str
) -> dict[int, tuple[int, int]]:
    """Subject id → (how many labelled answers, the newest one's id), as
    `classification_rows_for_aggregation` counts them."""
    return {
        row["subject_id"]: (row["answers"], row["last"])
        for row in _labelled_answers(
            workflow, task_key=task_key, survey=survey, blank_pattern=blank_pattern
        )
        .values("subject_id")
        .annotate(answers=Count("id"), last=Max("id"))
        .order_by()
    }


def newest_classification_id(workflow: Workflow) -> int:
    """The id of the workflow's newest classification (0 without any)."""
    newest = Classification.objects.filter(workflow=workflow).aggregate(newest=Max("id"))["newest"]
    return int(newest or 0)


def classification_count_since(workflow: Workflow, last_classification_id: int | None) -> int:
    """How many classifications arrived after the one named (all of them for None)."""
    rows = Classification.objects.filter(workflow=workflow)
    if last_classification_id is not None:
        rows = rows.filter(id__gt=last_classification_id)
    return rows.count()


def counted_answers_of_subject(
    workflow_id: int, subject_id: int
) -> list[tuple[int | None, str, dict[str, Any]]]:
    """(volunteer id, session identity, answers) of a subject's counted classifications."""
    return list(
        Classification.objects.filter(
            workflow_id=workflow_id, subject_id=subject_id, counted=True
        ).values_list("volunteer_id", "session_identity", "answers")
    )


def gold_subject_answers(workflow: Workflow) -> list[tuple[int, dict[str, Any] | None]]:
    """(subject id, gold answers) of the workflow's gold subjects."""
    return list(
        Subject.objects.filter(workflow_states__workflow=workflow, is_gold=True).values_list(
            "id", "gold_answers"
        )
    )


def expert_decision_rows(workflow: Workflow) -> list[tuple[int, dict[str, Any], str]]:
    """(subject id, answers, note) of every expert decision in the workflow."""
    return list(
        ExpertDecision.objects.filter(workflow=workflow).values_list(
            "subject_id", "answers", "note"
        )
    )


def expert_decided(workflow: Workflow) -> Exists:
    """A subquery for another area's rows: an expert decided the row's `subject_id`."""
    return Exists(
        ExpertDecision.objects.filter(workflow=workflow, subject_id=OuterRef("subject_id"))
    )


def subject_retired(workflow: Workflow) -> Exists:
    """A subquery for another area's rows: the row's `subject_id` is retired in the workflow."""
    return Exists(
        WorkflowSubject.objects.filter(
            workflow=workflow, subject_id=OuterRef("subject_id"), retired_at__isnull=False
        )
    )


def subject_states_for_results(
    workflow: Workflow, *, limit: int | None = None
) -> Iterator[WorkflowSubject]:
    """Every subject's state in the workflow with its subject, in subject order (the caller
    checked the viewer; a results page shows the subject)."""
    states = (
        WorkflowSubject.objects.filter(workflow=workflow)
        .select_related("subject")
        .order_by("subject_id")
    )
    if limit is not None:
        states = states[:limit]
    return states.iterator(chunk_size=2000)


def subject_states_by_subject(
    workflow: Workflow, subject_ids: list[int]
) -> dict[int, WorkflowSubject]:
    """Subject id → its state in the workflow, for the subjects named that are in it."""
    return {
        state.subject_id: state
        for state in WorkflowSubject.objects.filter(workflow=workflow, subject_id__in=subject_ids)
    }


def classification_list_mine(*, user: Actor) -> QuerySet[Classification]:
    """The signed-in person's own classifications in every project, newest first, with their
    workflow, project and subject; empty for anyone else ("My contributions")."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Classification.objects.none()
    return (
        Classification.objects.filter(volunteer_id=user.pk)
        .select_related("workflow", "workflow__project", "subject")
        .order_by("-created_at", "-id")
    )


def subject_comment_list_mine(*, user: Actor) -> QuerySet[SubjectComment]:
    """The signed-in person's own comments in subjects' discussions, newest first, with the
    subject's project; empty for anyone else ("My contributions")."""
    if not isinstance(user, User) or not user.is_authenticated:
        return SubjectComment.objects.none()
    return (
        SubjectComment.objects.filter(author_id=user.pk)
        .select_related("subject", "subject__subject_set__project")
        .order_by("-created_at", "-id")
    )
