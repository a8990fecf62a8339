"""Reads of the consensus area: stored results, lists, runs, jobs and volunteers' accuracies,
and each subject's result with its state and any expert decision (results page, exports)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from cslab.classification import retirement
from cslab.classification import selectors as classification_selectors
from cslab.classification.task_definitions import class_values, consensus_task
from cslab.consensus import labels as labelling
from cslab.consensus.models import AggregationRun, ConsensusResult, ConsensusSettings, WorkerSkill
from cslab.consensus.services.aggregation import JOB_KIND, consensus_settings_for
from cslab.consensus.services.aggregation import latest_run as latest_run
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.models import Job
from cslab.core.problems import ProblemCode

if TYPE_CHECKING:
    from cslab.classification.models import Subject, Workflow, WorkflowSubject

LISTS = ("all", "retired", "low-confidence", "disputed")


def result_list_for_workflow(
    *, user: Actor, workflow: Workflow, which: str = "all"
) -> QuerySet[ConsensusResult]:
    """The stored results (reviewers), in subject order: all of them, the retired subjects',
    the low-confidence ones (below the workflow's threshold, no gold) or the disputed ones."""
    permissions.require(user, "workflow.review", workflow)
    if which not in LISTS:
        raise InvalidInputError(
            f"Choose one of: {', '.join(LISTS)}.",
            code=ProblemCode.INVALID_LIST,
            details={"list": which},
        )
    results = ConsensusResult.objects.filter(workflow=workflow).select_related("subject")
    if which == "retired":
        results = results.filter(classification_selectors.subject_retired(workflow))
    elif which == "low-confidence":
        threshold = consensus_settings_for(workflow).low_confidence
        results = results.filter(confidence__lt=threshold, gold_label="", answer_count__gte=1)
    elif which == "disputed":
        results = _undecided(results.filter(disputed=True), workflow)
    return results.order_by("subject_id")


def _undecided(results: QuerySet[ConsensusResult], workflow: Workflow) -> QuerySet[ConsensusResult]:
    """Leave out subjects an expert decided since the run (the next run makes them gold)."""
    return results.exclude(classification_selectors.expert_decided(workflow))


def disputed_queue(*, user: Actor, workflow: Workflow) -> QuerySet[ConsensusResult]:
    """The expert review queue: disputed, undecided subjects, most answered first."""
    permissions.require(user, "workflow.review", workflow)
    results = ConsensusResult.objects.filter(workflow=workflow, disputed=True)
    return (
        _undecided(results, workflow)
        .select_related("subject", "subject__observation_media")
        .order_by("-answer_count", "subject_id")
    )


def run_list_for_workflow(*, user: Actor, workflow: Workflow) -> QuerySet[AggregationRun]:
    """The workflow's aggregation runs, newest first (reviewers)."""
    permissions.require(user, "workflow.review", workflow)
    return AggregationRun.objects.filter(workflow=workflow).order_by("-started_at", "-id")


def classifications_since(workflow: Workflow, run: AggregationRun | None) -> int:
    """How many classifications arrived after the run (all of them without a run)."""
    return classification_selectors.classification_count_since(
        workflow, None if run is None else run.last_classification_id
    )


def aggregation_job_get(*, user: Actor, workflow: Workflow, job_id: Any) -> Job:
    """One aggregation job of the workflow (reviewers); NotFoundError otherwise."""
    permissions.require(user, "workflow.review", workflow)
    job = Job.objects.filter(pk=job_id, kind=JOB_KIND, arguments__workflow_id=workflow.pk).first()
    if job is None:
        raise NotFoundError()
    return job


def consensus_settings_get(*, user: Actor, workflow: Workflow) -> ConsensusSettings:
    permissions.require(user, "workflow.review", workflow)
    return consensus_settings_for(workflow)


def worker_accuracies(workflow_id: int, keys: list[str]) -> dict[str, float]:
    """The stored skill of each volunteer named (those without one are left out)."""
    return {
        worker: float(skill or 0.0)
        for worker, skill in WorkerSkill.objects.filter(
            workflow_id=workflow_id, worker__in=set(keys), skill__isnull=False
        ).values_list("worker", "skill")
    }


def subject_votes(workflow: Workflow, subject_id: int) -> retirement.Tally | None:
    """The posterior tally of one subject's counted answers, for early retirement.

    One-coin posterior with each volunteer's stored skill (the last full aggregation run's
    estimate; `retirement.DEFAULT_ACCURACY` for volunteers without one): two queries on
    indexed rows, cheap enough for the classification's transaction. None: no choice task.
    """

    task = consensus_task(workflow.tasks)
    if task is None:
        return None
    rows = classification_selectors.counted_answers_of_subject(workflow.pk, subject_id)
    keys = [labelling.worker_key(volunteer, session) for volunteer, session, _answers in rows]
    known = worker_accuracies(workflow.pk, keys)
    return retirement.tally(
        [labelling.label_of(task, answers.get(task["key"])) for _v, _s, answers in rows],
        class_values(task),
        accuracies=[known.get(key) for key in keys],
    )


# Results of a workflow, for its results page, review queue and exports -----------------


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


def _expert_labels(workflow: Workflow) -> dict[int, tuple[str | None, str]]:
    task = labelling.aggregation_task(workflow.tasks)
    return {
        subject_id: (labelling.label_of(task, answers.get(task["key"])) if task else None, note)
        for subject_id, answers, note in classification_selectors.expert_decision_rows(workflow)
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

    permissions.require(user, "workflow.review", workflow)
    return [result for batch in workflow_result_batches(workflow, limit=limit) for result in batch]


def workflow_result_batches(
    workflow: Workflow, *, batch_size: int = 2000, limit: int | None = None
) -> Iterator[list[SubjectResult]]:
    """Every subject's stored result in subject order, `batch_size` at a time, so that an
    export of a large workflow keeps memory bounded (the caller checked the viewer)."""

    decisions = _expert_labels(workflow)
    states = classification_selectors.subject_states_for_results(workflow, limit=limit)
    for chunk in _chunked(states, batch_size):
        stored = {
            result.subject_id: result
            for result in ConsensusResult.objects.filter(
                workflow=workflow, subject_id__in=[state.subject_id for state in chunk]
            )
        }
        yield [
            _subject_result(state, stored.get(state.subject_id), decisions.get(state.subject_id))
            for state in chunk
        ]


def result_classes_stored(workflow: Workflow) -> set[str]:
    """Every class a stored result of the workflow gives a probability to, read in batches:
    an export's `p_<class>` columns are known before its first row (the caller checked)."""

    seen: set[str] = set()
    rows = ConsensusResult.objects.filter(workflow=workflow).values_list("probabilities", flat=True)
    for probabilities in rows.iterator(chunk_size=2000):
        seen.update(probabilities or {})
    return seen


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

    queue = list(disputed_queue(user=user, workflow=workflow)[:limit])
    states = classification_selectors.subject_states_by_subject(
        workflow, [result.subject_id for result in queue]
    )
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


def results_summary(*, user: Actor, workflow: Workflow) -> ResultsSummary:
    """Counts of subjects, retired ones, stored results, disputed and low-confidence ones,
    classifications since the last run; the last run and any job still running (reviewers)."""

    permissions.require(user, "workflow.review", workflow)
    subjects, retired = classification_selectors.subjects_and_retired(workflow)
    latest = latest_run(workflow)
    task = labelling.aggregation_task(workflow.tasks)
    running = (
        Job.objects.filter(
            kind=JOB_KIND,
            arguments__workflow_id=workflow.pk,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )
    return ResultsSummary(
        subjects=subjects,
        retired=retired,
        with_result=ConsensusResult.objects.filter(workflow=workflow).count(),
        disputed=disputed_queue(user=user, workflow=workflow).count(),
        low_confidence=result_list_for_workflow(
            user=user, workflow=workflow, which="low-confidence"
        ).count(),
        new_classifications=classifications_since(workflow, latest),
        latest_run=latest,
        running_job=running,
        method=consensus_settings_for(workflow).method
        or (labelling.default_method(task) if task else ""),
    )
