"""Background jobs: start one, report its progress, run it in a worker.

A job kind is a plain function registered with `job_kind`. It receives the Job and a
`report_progress(percent, message)` callable and returns a JSON-serialisable result. It must not
hold one transaction across its progress reports, or the starter would see no progress.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import InvalidInputError
from cslab.core.models import Job
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record

logger = logging.getLogger(__name__)

ProgressReporter = Callable[[int, str], None]
JobFunction = Callable[..., Any]


@dataclass(frozen=True)
class JobKind:
    name: str
    function: JobFunction


_kinds: dict[str, JobKind] = {}


def job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register a function as the job kind `name`."""

    def decorate(function: JobFunction) -> JobFunction:
        _kinds[name] = JobKind(name=name, function=function)
        return function

    return decorate


def job_start(
    *, actor: Actor | None, kind: str, title: str, arguments: dict[str, Any] | None = None
) -> Job:
    """Create a queued job and hand it to the task backend once the transaction commits."""
    if kind not in _kinds:
        raise InvalidInputError(f"Unknown job kind {kind!r}.", code=ProblemCode.UNKNOWN_JOB_KIND)
    job = Job(
        kind=kind,
        title=title,
        started_by=person_or_none(actor),
        arguments=arguments or {},
    )
    job.full_clean()
    with transaction.atomic():
        job.save()
        audit_record(actor=actor, action="job.started", target=job, details={"kind": kind})

        def enqueue() -> None:
            # Here, not at the top: the task module runs jobs through this one (a cycle).
            from cslab.core.tasks import run_job

            run_job.enqueue(job_id=str(job.id))

        transaction.on_commit(enqueue)
    return job


def job_report_progress(*, job_id: Any, percent: int, message: str = "") -> None:
    """Store a job's progress (0–100) so its starter sees it on the next poll."""
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
        progress=max(0, min(100, int(percent))), message=message[:500]
    )


def job_run(*, job_id: Any) -> Job | None:
    """Run a queued job to its end; called by the worker, once per job.

    Claiming the job with a conditional update means a job delivered twice runs once.
    """
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), message=""
    )
    if not claimed:
        logger.warning("job %s is not queued any more; not running it again", job_id)
        return None
    job = Job.objects.get(pk=job_id)
    kind = _kinds.get(job.kind)

    def report_progress(percent: int, message: str = "") -> None:
        job_report_progress(job_id=job.pk, percent=percent, message=message)

    try:
        if kind is None:
            raise LookupError(f"no job kind named {job.kind!r} is registered")
        result = kind.function(job, report_progress, **job.arguments)
    except Exception as error:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.status = Job.Status.FAILED
        job.error = f"{type(error).__name__}: {error}"[:2000]
        job.message = str(error)[:500]
    else:
        job.status = Job.Status.SUCCEEDED
        job.result = result
        job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "message", "result", "progress", "finished_at"])
    return job
