"""Aggregating a workflow's classifications into one stored result per subject.

`aggregation_start` queues a background job (kind `consensus.aggregate`) that calls
`aggregation_run`; the demo and tests may call `aggregation_run` directly. A run:

1. loads the counted classifications' answers to the aggregated task (only the label is read
   from the JSON, in the database) and the gold answers: expert decisions first, then gold
   subjects' known answers;
2. codes them as integers and calls the pure method of `cslab.aggregation`;
3. fixes every subject with a gold answer to it (probability 1), flags disputed subjects
   (`cslab.consensus.disputes`), and upserts one `ConsensusResult` per subject and, in a full
   run, one `WorkerSkill` per volunteer — in batches, each its own transaction, reporting
   progress between them.

Incremental runs: majority vote judges each subject by its own answers, so after a majority
run the next one recomputes only the subjects whose answer count, newest classification or
gold answer changed. Dawid–Skene, one-coin, MACE and weighted majority re-estimate every
volunteer from all answers, which moves every subject's posterior: they always recompute in
full (a warm start from stored skills would make the result depend on the history of runs,
not only on the answers, and the full run is fast: 1,000,000 answers in well under a second
of arithmetic). Their writes are still upserts, so readers never see a half-empty table.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import numpy as np
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.aggregation import (
    AggregationError,
    AggregationResult,
    Answers,
    dawid_skene,
    mace,
    majority_vote,
    one_coin_dawid_skene,
    pick_labels,
    weighted_majority_vote,
)
from cslab.classification import selectors as classification_selectors
from cslab.classification.task_definitions import Task
from cslab.consensus import labels as labelling
from cslab.consensus.disputes import DisputeRule, disputed, top_two_margin
from cslab.consensus.models import AggregationRun, ConsensusResult, ConsensusSettings, WorkerSkill
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.fields import nulls_as_empty
from cslab.core.models import Job
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.core.services.jobs import job_kind, job_start

if TYPE_CHECKING:
    from cslab.classification.models import Workflow

logger = logging.getLogger(__name__)

JOB_KIND = "consensus.aggregate"
BATCH = 1000
Progress = Callable[[int, str], None]


def _no_progress(percent: int, message: str) -> None:
    """Progress reports go nowhere when the run is not a job."""


# Settings ----------------------------------------------------------------------------------


def consensus_settings_for(workflow: Workflow) -> ConsensusSettings:
    """The workflow's settings, or unsaved defaults."""
    found = ConsensusSettings.objects.filter(workflow_id=workflow.pk).first()
    return found or ConsensusSettings(workflow=workflow)


def method_for(workflow: Workflow, task: Task, requested: str | None = None) -> str:
    """The method to use: the requested one, else the workflow's, else the task's default."""
    method = requested or consensus_settings_for(workflow).method or labelling.default_method(task)
    if method not in labelling.allowed_methods(task):
        raise InvalidInputError(
            _("“%(method)s” cannot aggregate this task; use one of: %(methods)s.")
            % {"method": method, "methods": ", ".join(labelling.allowed_methods(task))},
            code=ProblemCode.INVALID_METHOD,
        )
    return method


class ConsensusSettingsChanges(TypedDict, total=False):
    """What `consensus_settings_update` may change, each a keyword argument; a setting not
    given is left alone. None for the method means its empty value (the default method)."""

    method: str | None
    low_confidence: float | None
    dispute_margin: float | None
    dispute_min_answers: int | None
    dispute_agreement: float | None


@transaction.atomic
def consensus_settings_update(
    *, actor: User, workflow: Workflow, **changes: Unpack[ConsensusSettingsChanges]
) -> ConsensusSettings:
    """Change how a workflow is aggregated; the dispute flags follow the new thresholds."""
    from django.core.exceptions import ValidationError

    permissions.require(actor, "consensus.configure", workflow)
    allowed = {
        "method",
        "low_confidence",
        "dispute_margin",
        "dispute_min_answers",
        "dispute_agreement",
    }
    if set(changes) - allowed:
        raise InvalidInputError(
            _("Unknown settings: %(names)s.") % {"names": ", ".join(sorted(set(changes) - allowed))}
        )
    values = nulls_as_empty(ConsensusSettings, changes)
    task = labelling.aggregation_task(workflow.tasks)
    if values.get("method") and (
        task is None or values["method"] not in labelling.allowed_methods(task)
    ):
        raise InvalidInputError(
            _("This method cannot aggregate the workflow's task."), code=ProblemCode.INVALID_METHOD
        )
    stored, _created = ConsensusSettings.objects.select_for_update().get_or_create(
        workflow=workflow
    )
    for name, value in values.items():
        setattr(stored, name, value)
    try:
        stored.full_clean(exclude=["workflow"])
    except ValidationError as error:
        raise InvalidInputError(
            _("The consensus settings are not valid."),
            code=ProblemCode.INVALID_CONSENSUS_SETTINGS,
            details=error.message_dict,
        ) from error
    stored.save()
    refresh_dispute_flags(workflow, stored)
    audit_record(
        actor=actor,
        action="consensus.settings_changed",
        target=workflow,
        details={name: value for name, value in values.items()},
    )
    return stored


def dispute_rule(stored: ConsensusSettings) -> DisputeRule:
    return DisputeRule(
        low_confidence=stored.low_confidence,
        dispute_margin=stored.dispute_margin,
        dispute_min_answers=stored.dispute_min_answers,
        dispute_agreement=stored.dispute_agreement,
    )


def refresh_dispute_flags(workflow: Workflow, stored: ConsensusSettings) -> int:
    """Re-flag the stored results under new thresholds (the rule of `consensus.disputes`,
    written as one UPDATE); returns how many are disputed now."""
    rule = dispute_rule(stored)
    results = ConsensusResult.objects.filter(workflow=workflow)
    condition = (
        Q(gold_label="")
        & Q(answer_count__gte=2)
        & (
            Q(margin__lte=rule.dispute_margin + 1e-12)
            | Q(confidence__lt=rule.low_confidence, answer_count__gte=rule.dispute_min_answers)
            | Q(agreeing__lte=F("answer_count") * rule.dispute_agreement + 1e-12)
        )
    )
    results.filter(condition).update(disputed=True)
    results.exclude(condition).update(disputed=False)
    return results.filter(disputed=True).count()


# Starting ----------------------------------------------------------------------------------


def _aggregated_task(workflow: Workflow) -> Task:
    """The task a run aggregates; ConflictError when the workflow has none."""
    task = labelling.aggregation_task(workflow.tasks)
    if task is None:
        raise ConflictError(
            _("This workflow has no choice or transcription task to aggregate."),
            code=ProblemCode.NOTHING_TO_AGGREGATE,
        )
    return task


def aggregation_start(
    *, actor: Actor, workflow: Workflow, method: str | None = None, full: bool = False
) -> Job:
    """Queue an aggregation of the workflow and return its job.

    While one is queued or running for the workflow, that job is returned instead of a
    second one (starting twice is harmless, and the button may be pressed twice).
    """
    permissions.require(actor, "consensus.run", workflow)
    chosen = method_for(workflow, _aggregated_task(workflow), method)
    with transaction.atomic():
        # Serialise starts per workflow on its settings row.
        ConsensusSettings.objects.select_for_update().get_or_create(workflow=workflow)
        waiting = (
            Job.objects.filter(
                kind=JOB_KIND,
                arguments__workflow_id=workflow.pk,
                status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            )
            .order_by("-created_at")
            .first()
        )
        if waiting is not None:
            return waiting
        return job_start(
            actor=actor,
            kind=JOB_KIND,
            title=_("Aggregation of “%(workflow)s”") % {"workflow": workflow.name[:150]},
            arguments={"workflow_id": workflow.pk, "method": chosen, "full": bool(full)},
        )


@job_kind(JOB_KIND)
def run_aggregation_job(
    job: Job,
    report_progress: Progress,
    *,
    workflow_id: int,
    method: str,
    full: bool = False,
    **_details: object,
) -> dict[str, Any]:
    """The job: aggregate the workflow and return the run's figures."""
    workflow = classification_selectors.workflow_for_aggregation(workflow_id)
    run = _aggregate(
        workflow=workflow,
        method=method,
        full=full,
        actor=job.started_by,
        job=job,
        progress=report_progress,
    )
    if run.status == AggregationRun.Status.FAILED:
        raise AggregationError(run.message)
    return run_summary(run)


def run_summary(run: AggregationRun) -> dict[str, Any]:
    return {
        "run": run.pk,
        "workflow": run.workflow_id,
        "method": run.method,
        "incremental": run.incremental,
        "answers": run.answers,
        "volunteers": run.workers,
        "classes": run.classes,
        "subjects_aggregated": run.subjects_aggregated,
        "results_written": run.subjects_written,
        "disputed": run.disputed,
        "gold": run.gold,
        "iterations": run.iterations,
        "converged": run.converged,
        "log_likelihood": run.log_likelihood,
    }


def aggregation_run(
    *,
    actor: User,
    workflow: Workflow,
    method: str | None = None,
    full: bool = False,
    progress: Progress | None = None,
) -> AggregationRun:
    """Aggregate the workflow now, in this process (the job calls the same code)."""
    permissions.require(actor, "consensus.run", workflow)
    chosen = method_for(workflow, _aggregated_task(workflow), method)
    return _aggregate(
        workflow=workflow,
        method=chosen,
        full=full,
        actor=actor,
        job=None,
        progress=progress or _no_progress,
    )


# The run -----------------------------------------------------------------------------------


@dataclass
class LoadedAnswers:
    """The answers of a run, coded: item (subject), worker and class indexes per answer."""

    subject_ids: list[int]
    worker_keys: list[str]
    worker_volunteers: list[int | None]
    items: list[int] = field(default_factory=list)
    workers: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    last_classification: dict[int, int] = field(default_factory=dict)
    newest: int = 0


def _aggregate(
    *,
    workflow: Workflow,
    method: str,
    full: bool,
    actor: User | None,
    job: Job | None,
    progress: Progress,
) -> AggregationRun:
    task = labelling.aggregation_task(workflow.tasks)
    assert task is not None  # checked by the callers  # noqa: S101
    previous = latest_run(workflow)
    incremental = (
        not full
        and method in labelling.PER_SUBJECT_METHODS
        and previous is not None
        and previous.method == method
        and previous.task_key == task["key"]
    )
    run = AggregationRun.objects.create(
        workflow=workflow,
        job=job,
        method=method,
        task_key=task["key"],
        incremental=incremental,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        _fill(run, workflow, task, progress)
    except (AggregationError, InvalidInputError) as error:
        logger.warning("aggregation run %s of workflow %s failed: %s", run.pk, workflow.pk, error)
        run.status, run.message = AggregationRun.Status.FAILED, str(error)[:500]
    except Exception as error:
        run.status, run.message = AggregationRun.Status.FAILED, str(error)[:500]
        run.finished_at = timezone.now()
        run.save()
        raise
    else:
        run.status = AggregationRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    return run


def latest_run(workflow: Workflow) -> AggregationRun | None:
    """The workflow's newest finished run that succeeded (the caller checked the viewer)."""
    return (
        AggregationRun.objects.filter(workflow=workflow, status=AggregationRun.Status.SUCCEEDED)
        .order_by("-started_at", "-id")
        .first()
    )


def _fill(run: AggregationRun, workflow: Workflow, task: Task, progress: Progress) -> None:
    progress(2, gettext_noop("Finding what changed"))
    gold = _gold_labels(workflow, task)
    subject_ids = _subjects_to_aggregate(workflow, task, gold) if run.incremental else None
    progress(5, gettext_noop("Loading the answers"))
    loaded = _load_answers(workflow, task, subject_ids)
    run.answers, run.workers = len(loaded.items), len(loaded.worker_keys)
    run.last_classification_id = max(
        loaded.newest, classification_selectors.newest_classification_id(workflow)
    )
    ids = sorted(set(loaded.subject_ids) | set(gold) if subject_ids is None else subject_ids)
    progress(30, gettext_noop("Aggregating"))
    rows, skills = (
        _transcriptions(run, task, loaded, gold, ids)
        if labelling.is_transcription(task)
        else _choices(run, task, loaded, gold, ids)
    )
    settings = consensus_settings_for(workflow)
    _flag_disputes(rows, dispute_rule(settings))
    run.disputed = sum(1 for row in rows if row.disputed)
    run.gold = sum(1 for row in rows if row.gold_label)
    run.subjects_aggregated = len(rows)
    _write_results(run, workflow, rows, progress)
    if not run.incremental:
        _write_skills(run, workflow, loaded, skills, progress)
    progress(100, gettext_noop("Done"))


def _gold_labels(workflow: Workflow, task: Task) -> dict[int, str]:
    """Subject id → gold class: an expert's decision first, else the gold subject's answer."""
    gold: dict[int, str] = {}
    for subject_id, answers in classification_selectors.gold_subject_answers(workflow):
        label = labelling.label_of(task, (answers or {}).get(task["key"]))
        if label:
            gold[subject_id] = label
    for subject_id, answers, _note in classification_selectors.expert_decision_rows(workflow):
        label = labelling.label_of(task, (answers or {}).get(task["key"]))
        if label:
            gold[subject_id] = label
    return gold


def _subjects_to_aggregate(workflow: Workflow, task: Task, gold: dict[int, str]) -> set[int]:
    """For an incremental run: subjects whose answers or gold differ from their stored result."""
    # Counted on the basis the stored result was computed on: labelled answers only.
    current = classification_selectors.labelled_answer_counts(workflow=workflow, **_labelled(task))
    stored = {
        subject_id: (count, last, gold_label)
        for subject_id, count, last, gold_label in ConsensusResult.objects.filter(
            workflow=workflow
        ).values_list("subject_id", "answer_count", "last_classification_id", "gold_label")
    }
    changed = set()
    for subject_id in set(current) | set(stored) | set(gold):
        answers, last = current.get(subject_id, (0, 0))
        if stored.get(subject_id) != (answers, last, gold.get(subject_id, "")):
            changed.add(subject_id)
    return changed


class _Labelled(TypedDict):
    task_key: str
    survey: bool
    blank_pattern: str


def _labelled(task: Task) -> _Labelled:
    """Which answers count as labelled for the task (the classification selectors' arguments):
    the one definition for both the loading and the incremental comparison, so a subject's
    stored `answer_count` and `last_classification_id` describe the same rows."""
    return {
        "task_key": task["key"],
        "survey": task["kind"] == "survey",
        # `labels.label_of` in SQL: a transcription of only white space answers nothing.
        "blank_pattern": r"^\s*$" if labelling.is_transcription(task) else r"^$",
    }


def _load_answers(workflow: Workflow, task: Task, subject_ids: set[int] | None) -> LoadedAnswers:
    """Read (classification, subject, volunteer, session, label) of the labelled answers."""
    loaded = LoadedAnswers(subject_ids=[], worker_keys=[], worker_volunteers=[])
    subject_index: dict[int, int] = {}
    worker_index: dict[str, int] = {}
    rows = classification_selectors.classification_rows_for_aggregation(
        workflow=workflow, subject_ids=subject_ids, **_labelled(task)
    )
    for pk, subject_id, volunteer_id, session, label in rows:
        text = labelling.label_of(task, label)
        if text is None:  # white space the database's pattern did not know
            continue
        loaded.newest = max(loaded.newest, pk)
        loaded.last_classification[subject_id] = max(
            loaded.last_classification.get(subject_id, 0), pk
        )
        key = labelling.worker_key(volunteer_id, session)
        if subject_id not in subject_index:
            subject_index[subject_id] = len(loaded.subject_ids)
            loaded.subject_ids.append(subject_id)
        if key not in worker_index:
            worker_index[key] = len(loaded.worker_keys)
            loaded.worker_keys.append(key)
            loaded.worker_volunteers.append(volunteer_id)
        loaded.items.append(subject_index[subject_id])
        loaded.workers.append(worker_index[key])
        loaded.texts.append(text)
    return loaded


@dataclass
class ResultRow:
    subject_id: int
    label: str
    confidence: float
    probabilities: dict[str, float]
    margin: float
    answer_count: int
    agreeing: int
    gold_label: str
    last_classification_id: int
    disputed: bool = False


def _choices(
    run: AggregationRun, task: Task, loaded: LoadedAnswers, gold: dict[int, str], ids: list[int]
) -> tuple[list[ResultRow], np.ndarray]:
    """Aggregate a choice task over every subject in `ids` (answered or gold)."""
    classes = labelling.task_classes(task, [*loaded.texts, *gold.values()])
    class_index = {name: index for index, name in enumerate(classes)}
    item_of = {subject_id: index for index, subject_id in enumerate(ids)}
    old_item = np.array([item_of[subject_id] for subject_id in loaded.subject_ids], dtype=np.int64)
    items = (
        old_item[np.asarray(loaded.items, dtype=np.int64)]
        if loaded.items
        else np.zeros(0, np.int64)
    )
    answers = Answers.from_arrays(
        items,
        np.asarray(loaded.workers, dtype=np.int64),
        np.array([class_index[text] for text in loaded.texts], dtype=np.int64),
        n_items=len(ids),
        n_workers=len(loaded.worker_keys),
        n_classes=len(classes),
    )
    gold_items = np.array([item_of[s] for s in ids if s in gold], dtype=np.int64)
    gold_classes = np.array([class_index[gold[s]] for s in ids if s in gold], dtype=np.int64)
    result = _call_method(run, answers, gold_items, gold_classes)
    posteriors = np.array(result.posteriors, dtype=np.float64, copy=True)
    if len(gold_items):
        posteriors[gold_items] = 0.0
        posteriors[gold_items, gold_classes] = 1.0
    chosen = pick_labels(posteriors)
    if len(gold_items):
        chosen[gold_items] = gold_classes
    counts = answers.answers_per_item()
    agree = np.bincount(
        answers.items, weights=(chosen[answers.items] == answers.labels), minlength=answers.n_items
    )
    margins = top_two_margin(posteriors) if len(ids) else np.zeros(0)
    run.classes = len(classes)
    rows = []
    for item, subject_id in enumerate(ids):
        answered = int(counts[item])
        probabilities = {
            name: round(float(posteriors[item, index]), 6) for index, name in enumerate(classes)
        }
        unanswered = answered == 0 and subject_id not in gold
        rows.append(
            ResultRow(
                subject_id=subject_id,
                label="" if unanswered else classes[int(chosen[item])],
                confidence=0.0 if unanswered else min(1.0, float(posteriors[item, chosen[item]])),
                probabilities=probabilities,
                margin=float(margins[item]),
                answer_count=answered,
                agreeing=int(agree[item]),
                gold_label=gold.get(subject_id, ""),
                last_classification_id=loaded.last_classification.get(subject_id, 0),
            )
        )
    return rows, result.worker_skill


def _call_method(
    run: AggregationRun, answers: Answers, gold_items: np.ndarray, gold_classes: np.ndarray
) -> AggregationResult:
    """Run the method; weighted majority without answered gold falls back to majority vote."""
    method = run.method
    if method == labelling.WEIGHTED:
        answered = answers.answers_per_item()
        if not len(gold_items) or not answered[gold_items].any():
            run.message = gettext_noop(
                "No gold answers yet: weighted by nothing, i.e. a majority vote."
            )
            return majority_vote(answers)
        return weighted_majority_vote(answers, gold_items=gold_items, gold_labels=gold_classes)
    if answers.count == 0 or method == labelling.MAJORITY:
        return majority_vote(answers)
    iterative: dict[str, Callable[[Answers], AggregationResult]] = {
        labelling.DAWID_SKENE: dawid_skene,
        labelling.ONE_COIN: one_coin_dawid_skene,
        labelling.MACE: mace,
    }
    result = iterative[method](answers)
    run.iterations, run.converged = result.iterations, result.converged
    run.log_likelihood = result.log_likelihood
    return result


def _transcriptions(
    run: AggregationRun, task: Task, loaded: LoadedAnswers, gold: dict[int, str], ids: list[int]
) -> tuple[list[ResultRow], np.ndarray]:
    """Majority vote per subject over its own transcriptions (see `labels.transcription_vote`)."""
    texts: dict[int, list[str]] = defaultdict(list)
    for item, text in zip(loaded.items, loaded.texts, strict=True):
        texts[loaded.subject_ids[item]].append(text)
    rows = []
    chosen_by_subject: dict[int, str] = {}
    for subject_id in ids:
        label, shares, agreeing = labelling.transcription_vote(texts.get(subject_id, []))
        gold_label = gold.get(subject_id, "")
        if gold_label:
            label = gold_label
            shares = {name: 0.0 for name in shares} | {gold_label: 1.0}
            agreeing = sum(
                1
                for text in texts.get(subject_id, [])
                if labelling.normalise_text(text) == labelling.normalise_text(gold_label)
            )
        values = sorted(shares.values(), reverse=True)
        chosen_by_subject[subject_id] = labelling.normalise_text(label)
        rows.append(
            ResultRow(
                subject_id=subject_id,
                label=label,
                confidence=shares.get(label, 0.0),
                probabilities={name: round(share, 6) for name, share in shares.items()},
                margin=values[0] - values[1] if len(values) > 1 else 1.0,
                answer_count=len(texts.get(subject_id, [])),
                agreeing=agreeing,
                gold_label=gold_label,
                last_classification_id=loaded.last_classification.get(subject_id, 0),
            )
        )
    # Skill: the share of the volunteer's transcriptions equal to the subject's label.
    agreed = np.zeros(len(loaded.worker_keys))
    given = np.zeros(len(loaded.worker_keys))
    for item, worker, text in zip(loaded.items, loaded.workers, loaded.texts, strict=True):
        given[worker] += 1
        agreed[worker] += labelling.normalise_text(text) == chosen_by_subject.get(
            loaded.subject_ids[item]
        )
    skill = np.full(len(loaded.worker_keys), np.nan)
    np.divide(agreed, given, out=skill, where=given > 0)
    run.classes = max((len(row.probabilities) for row in rows), default=0)
    return rows, skill


def _flag_disputes(rows: list[ResultRow], rule: DisputeRule) -> None:
    if not rows:
        return
    flags = disputed(
        confidence=np.array([row.confidence for row in rows]),
        margin=np.array([row.margin for row in rows]),
        answer_count=np.array([row.answer_count for row in rows], dtype=np.int64),
        agreeing=np.array([row.agreeing for row in rows], dtype=np.int64),
        settled=np.array([bool(row.gold_label) for row in rows]),
        rule=rule,
    )
    for row, flag in zip(rows, flags, strict=True):
        row.disputed = bool(flag)


RESULT_FIELDS = [
    "run",
    "method",
    "label",
    "confidence",
    "probabilities",
    "margin",
    "answer_count",
    "agreeing",
    "gold_label",
    "disputed",
    "last_classification_id",
    "computed_at",
]


def _write_results(
    run: AggregationRun, workflow: Workflow, rows: list[ResultRow], progress: Progress
) -> None:
    """Upsert the results in batches (each its own transaction); a full run then removes the
    results of subjects it no longer saw (no answers and no gold any more)."""
    now = timezone.now()
    for start in range(0, len(rows), BATCH):
        batch = [
            ConsensusResult(
                workflow=workflow,
                subject_id=row.subject_id,
                run=run,
                method=run.method,
                label=row.label,
                confidence=row.confidence,
                probabilities=row.probabilities,
                margin=row.margin,
                answer_count=row.answer_count,
                agreeing=row.agreeing,
                gold_label=row.gold_label,
                disputed=row.disputed,
                last_classification_id=row.last_classification_id,
                computed_at=now,
            )
            for row in rows[start : start + BATCH]
        ]
        with transaction.atomic():
            ConsensusResult.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=["workflow", "subject"],
                update_fields=RESULT_FIELDS,
            )
        run.subjects_written += len(batch)
        done = min(len(rows), start + BATCH)
        progress(40 + 50 * done // max(len(rows), 1), gettext_noop("Storing the results"))
    if run.incremental:
        # Subjects whose last answer was taken back, without gold: nothing to say any more.
        ConsensusResult.objects.filter(
            workflow=workflow, run=run, answer_count=0, gold_label=""
        ).delete()
    else:
        ConsensusResult.objects.filter(workflow=workflow).exclude(run=run).delete()
        ConsensusResult.objects.filter(
            workflow=workflow, run=run, answer_count=0, gold_label=""
        ).delete()
    run.subjects_written = ConsensusResult.objects.filter(workflow=workflow, run=run).count()


def _write_skills(
    run: AggregationRun,
    workflow: Workflow,
    loaded: LoadedAnswers,
    skills: np.ndarray,
    progress: Progress,
) -> None:
    progress(92, gettext_noop("Storing the volunteers' skills"))
    answered = np.bincount(
        np.asarray(loaded.workers, dtype=np.int64), minlength=len(loaded.worker_keys)
    )
    now = timezone.now()
    rows = [
        WorkerSkill(
            workflow=workflow,
            worker=key,
            volunteer_id=loaded.worker_volunteers[index],
            run=run,
            method=run.method,
            answers=int(answered[index]),
            skill=None if not np.isfinite(skills[index]) else float(skills[index]),
            computed_at=now,
        )
        for index, key in enumerate(loaded.worker_keys)
    ]
    for start in range(0, len(rows), BATCH):
        with transaction.atomic():
            WorkerSkill.objects.bulk_create(
                rows[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["workflow", "worker"],
                update_fields=["volunteer", "run", "method", "answers", "skill", "computed_at"],
            )
    WorkerSkill.objects.filter(workflow=workflow).exclude(run=run).delete()
