"""Reads of the consensus area: stored results, lists, runs, jobs and volunteers' accuracies."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from cslab.classification import retirement
from cslab.classification.models import Classification, ExpertDecision, Workflow, WorkflowSubject
from cslab.consensus import labels as labelling
from cslab.consensus.models import AggregationRun, ConsensusResult, ConsensusSettings, WorkerSkill
from cslab.consensus.services.aggregation import JOB_KIND, consensus_settings_for
from cslab.consensus.services.aggregation import latest_run as latest_run
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.models import Job

LISTS = ("all", "retired", "low-confidence", "disputed")


def result_list_for_workflow(
    *, user: Actor, workflow: Workflow, which: str = "all"
) -> QuerySet[ConsensusResult]:
    """The stored results (reviewers), in subject order: all of them, the retired subjects',
    the low-confidence ones (below the workflow's threshold, no gold) or the disputed ones."""
    permissions.require(user, "workflow.review", workflow)
    if which not in LISTS:
        raise InvalidInputError(
            f"Choose one of: {', '.join(LISTS)}.", code="invalid_list", details={"list": which}
        )
    results = ConsensusResult.objects.filter(workflow=workflow).select_related("subject")
    if which == "retired":
        retired = WorkflowSubject.objects.filter(
            workflow=workflow, subject_id=OuterRef("subject_id"), retired_at__isnull=False
        )
        results = results.filter(Exists(retired))
    elif which == "low-confidence":
        threshold = consensus_settings_for(workflow).low_confidence
        results = results.filter(confidence__lt=threshold, gold_label="", answer_count__gte=1)
    elif which == "disputed":
        results = _undecided(results.filter(disputed=True), workflow)
    return results.order_by("subject_id")


def _undecided(results: QuerySet[ConsensusResult], workflow: Workflow) -> QuerySet[ConsensusResult]:
    """Leave out subjects an expert decided since the run (the next run makes them gold)."""
    decided = ExpertDecision.objects.filter(workflow=workflow, subject_id=OuterRef("subject_id"))
    return results.exclude(Exists(decided))


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
    rows = Classification.objects.filter(workflow=workflow)
    if run is not None:
        rows = rows.filter(id__gt=run.last_classification_id)
    return rows.count()


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
    from cslab.classification.tasks import class_values, consensus_task

    task = consensus_task(workflow.tasks)
    if task is None:
        return None
    rows = list(
        Classification.objects.filter(
            workflow_id=workflow.pk, subject_id=subject_id, counted=True
        ).values_list("volunteer_id", "session_identity", "answers")
    )
    keys = [labelling.worker_key(volunteer, session) for volunteer, session, _answers in rows]
    known = worker_accuracies(workflow.pk, keys)
    return retirement.tally(
        [labelling.label_of(task, answers.get(task["key"])) for _v, _s, answers in rows],
        class_values(task),
        accuracies=[known.get(key) for key in keys],
    )
