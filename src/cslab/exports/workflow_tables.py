"""The flat tables of a classification workflow's classifications and consensus results, so
that the observation exports' writers (`writers`) write them in every format that fits.

* classifications: one row per classification, one column per task answer as
  `task_definitions.export_columns` names them (never JSON in a cell); the points and
  rectangles of marking tasks are a child table, one row per mark, linked to their
  classification by ``parent_key`` as a form's repeat groups are;
* results: one row per subject from the stored aggregation (`cslab.consensus`), with a
  ``p_<class>`` column per class, and a child table of every (subject, class) probability
  (long format: the classes of a transcription task differ per subject).

Who is shown: a *public* export is read as an anonymous visitor would (a published workflow
of a public project), and names no classifier: each gets a pseudonymous code, stable within
the workflow, derived with the site's secret so it cannot be traced back to an account. A
*team* export is for the project's owners, researchers and Lab staff, who see the results
and reviews anyway (`workflow.review`): it has the volunteers' account numbers and the
one-way codes of sessions without an account, as the workflow's CSV exports have.

Subjects have no place of their own, so GeoJSON is not offered; Darwin Core is for
observations. Rows are read in batches (by id for classifications, in subject order for
results), so memory does not grow with the workflow.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone, translation

from cslab.classification.models import Classification, Workflow, WorkflowSubject
from cslab.classification.selectors import classification_list_for_workflow
from cslab.classification.task_definitions import (
    answer_label,
    class_values_of,
    flatten_answers,
    marks_of,
)
from cslab.consensus.labels import aggregation_task, is_transcription, task_classes, worker_key
from cslab.consensus.models.results import Method
from cslab.consensus.selectors import (
    SubjectResult,
    latest_run,
    result_classes_stored,
    workflow_result_batches,
)
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.exports.columns import Column, Table
from cslab.exports.selectors import ExportMetadata
from cslab.projects.licences import is_under_embargo, project_licence_and_citation
from cslab.projects.models import Project

BATCH_SIZE = 2000
CLASSIFICATIONS = "classifications"
RESULTS = "results"
WORKFLOW_DATASETS = (CLASSIFICATIONS, RESULTS)
# The writers whose tables fit a workflow: GeoJSON needs a place per row (subjects have
# none) and Darwin Core Archives hold occurrences (observations).
WORKFLOW_FORMATS = ("csv", "xlsx", "datapackage", "parquet")
MARKING_KINDS = frozenset({"point", "rectangle"})


@dataclass(frozen=True)
class WorkflowExportPlan:
    """Everything a workflow export writes except the rows."""

    viewer: Actor
    project: Project
    workflow: Workflow
    dataset: str
    personal_data: bool  # a team export: volunteers' account numbers
    tables: Table
    metadata: ExportMetadata
    classes: tuple[str, ...] = ()  # the `p_<class>` columns of a results export
    # A public export while the project's data embargo lasts: its tables, licence and notes,
    # and no rows (as the observations' public exports: the embargo hides them from outsiders).
    embargoed: bool = False


def _task_text(task: dict[str, Any]) -> str:
    return str(task.get("question") or task.get("instruction") or task["key"])


def answer_columns(tasks: list[dict[str, Any]]) -> list[Column]:
    """The columns of `export_columns` (the same names, in the same order, as the workflow's
    own CSV export), typed and described from the tasks: a multiple-choice
    answer and a marking task's count of marks are integers, everything else text."""
    columns: list[Column] = []
    for task in tasks:
        key, kind, text = task["key"], task["kind"], _task_text(task)
        if kind in ("single", "text"):
            columns.append(Column(key, "string", f"{text} (the answer's value)", key))
        elif kind == "multiple":
            columns += [
                Column(
                    f"{key}.{value}",
                    "integer",
                    f"{text}: {answer_label(task, value)} (1 chosen, 0 not)",
                    key,
                )
                for value in class_values_of(task["answers"])
            ]
        elif kind == "survey":
            columns.append(Column(f"{key}.choice", "string", f"{text}: the choice", key))
            columns += [
                Column(
                    f"{key}.{question['key']}",
                    "string",
                    f"{text}: {question.get('question', question['key'])} "
                    "(several answers joined by |)",
                    key,
                )
                for question in task.get("questions", [])
            ]
        else:
            columns.append(
                Column(f"{key}.marks", "integer", f"{text}: number of marks (see the marks)", key)
            )
    return columns


def _key_columns(what: str) -> list[Column]:
    return [
        Column("key", "string", f"This {what}'s key"),
        Column("parent_key", "string", "The key of the row it belongs to"),
    ]


def classification_tables(workflow: Workflow, *, personal_data: bool) -> Table:
    who = (
        [
            Column("volunteer_id", "integer", "The volunteer's account number (empty: no account)"),
            Column(
                "anonymous_session",
                "string",
                "A one-way code of the session of a volunteer without an account",
            ),
        ]
        if personal_data
        else [
            Column(
                "classifier",
                "string",
                "A pseudonymous code of the volunteer, the same for all their classifications "
                "in this workflow; it does not identify their account",
            )
        ]
    )
    root = Table(
        name=f"{workflow.slug}-classifications",
        path=(),
        columns=[
            Column("key", "string", "The classification's number"),
            Column("subject_id", "integer", "The subject's number"),
            Column("subject_external_id", "string", "The subject's ID in its subject set"),
            *who,
            Column("created_at", "string", "When it was given (ISO 8601)"),
            Column(
                "counted",
                "boolean",
                "False when the subject was already retired: kept, but not counted",
            ),
            Column(
                "gold_matched",
                "boolean",
                "For a gold-standard subject: whether the answers matched the gold answer",
            ),
            *answer_columns(workflow.tasks),
        ],
    )
    if any(task["kind"] in MARKING_KINDS for task in workflow.tasks):
        root.children.append(
            Table(
                name=f"{workflow.slug}-marks",
                path=("marks",),
                columns=[
                    *_key_columns("mark"),
                    Column("task", "string", "The marking task's key"),
                    Column("mark", "integer", "The mark's number within the task (from 0)"),
                    Column("tool", "string", "The tool the mark was made with"),
                    Column("x", "number", "Left or centre, as a fraction of the image width"),
                    Column("y", "number", "Top or centre, as a fraction of the image height"),
                    Column("width", "number", "A rectangle's width (fraction of the image)"),
                    Column("height", "number", "A rectangle's height (fraction of the image)"),
                ],
            )
        )
    return root


def result_tables(workflow: Workflow, classes: tuple[str, ...]) -> Table:
    return Table(
        name=f"{workflow.slug}-results",
        path=(),
        columns=[
            Column("key", "string", "The subject's number"),
            Column("subject_id", "integer", "The subject's number"),
            Column("subject_external_id", "string", "The subject's ID in its subject set"),
            Column(
                "label",
                "string",
                "The answer value: an expert's decision where one was made, else the aggregation's",
            ),
            Column("label_text", "string", "The answer as volunteers saw it"),
            Column("confidence", "number", "The probability of the label (1 for an expert's)"),
            Column("answers", "integer", "Counted answers aggregated"),
            Column("agreeing", "integer", "Answers that agree with the label"),
            Column("retired_at", "string", "When the subject was retired (ISO 8601)"),
            Column("retirement_reason", "string", "Why it was retired"),
            Column("gold_label", "string", "The gold-standard or expert answer, if any"),
            Column("expert_label", "string", "An expert's decision, if any"),
            Column("disputed", "boolean", "True when volunteers disagree and no expert decided"),
            Column("method", "string", "The aggregation method of the stored result"),
            Column("computed_at", "string", "When the result was computed (ISO 8601)"),
            *(
                Column(f"p_{label}", "number", f"The probability of the class {label}")
                for label in classes
            ),
        ],
        children=[
            Table(
                name=f"{workflow.slug}-probabilities",
                path=("probabilities",),
                columns=[
                    *_key_columns("probability"),
                    Column("class", "string", "The class"),
                    Column("probability", "number", "Its probability for the subject"),
                    Column("chosen", "boolean", "True for the subject's label"),
                ],
            )
        ],
    )


def task_definition_version(workflow: Workflow) -> str:
    """A short digest of the workflow's tasks: two exports with the same one were answered
    against the same questions (workflows have no version numbers)."""
    text = json.dumps(workflow.tasks, sort_keys=True, ensure_ascii=False)
    return "tasks-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def _workflow_for_export(*, viewer: Actor, project: Project, workflow_id: int) -> Workflow:
    permissions.require(viewer, "project.view", project)
    workflow = Workflow.objects.filter(project=project, pk=workflow_id).first()
    if workflow is None:
        raise NotFoundError()
    workflow.project = project  # share the project's role cache
    permissions.require(viewer, "workflow.view", workflow)
    return workflow


def workflow_get_for_export(*, user: Actor, project: Project, workflow_id: int) -> Workflow:
    """A workflow of `project` that `user` may see; NotFoundError otherwise (another project's
    workflow too)."""
    return _workflow_for_export(viewer=user, project=project, workflow_id=workflow_id)


def workflow_is_public(workflow: Workflow) -> bool:
    """Whether an anonymous visitor may see the workflow (a public export may be made)."""
    return permissions.has_permission(AnonymousUser(), "workflow.view", workflow)


def workflow_export_plan(
    *, user: Actor, project: Project, workflow_id: int, dataset: str, public: bool
) -> WorkflowExportPlan:
    """The plan of an export of a workflow's classifications or results.

    NotFoundError when the viewer (an anonymous visitor for a `public` export) may not see the
    workflow; a team export also needs `workflow.review`; InvalidInputError for an unknown
    dataset.
    """
    if dataset not in WORKFLOW_DATASETS:
        message = f"Unknown dataset {dataset!r}; choose one of {', '.join(WORKFLOW_DATASETS)}."
        raise InvalidInputError(message, details={"dataset": [message]})
    viewer: Actor = AnonymousUser() if public else user
    workflow = _workflow_for_export(viewer=viewer, project=project, workflow_id=workflow_id)
    if not public:
        permissions.require(viewer, "workflow.review", workflow)
    embargoed = public and is_under_embargo(project)
    with translation.override("en"):
        licence = project_licence_and_citation(project)
        about: list[tuple[str, str]] = [
            ("workflow", f"{workflow.name} ({workflow.slug})"),
            ("task_definition_version", task_definition_version(workflow)),
        ]
        if embargoed:
            about.append(
                (
                    "embargo",
                    f"the data are under embargo until {project.data_embargo_until}: "
                    "this public file has no rows until then",
                )
            )
        classes: tuple[str, ...] = ()
        if dataset == CLASSIFICATIONS:
            tables = classification_tables(workflow, personal_data=not public)
            about.append(
                (
                    "classifiers",
                    "volunteer_id is the account number; anonymous_session a one-way code"
                    if not public
                    else "pseudonymous codes, stable within the workflow; no personal data",
                )
            )
            title = f"{workflow.name}: classifications"
        else:
            task = aggregation_task(workflow.tasks)
            if task is not None and not is_transcription(task):
                classes = tuple(task_classes(task, result_classes_stored(workflow)))
            tables = result_tables(workflow, classes)
            run = latest_run(workflow)
            about += [
                ("aggregation_task", task["key"] if task else "none"),
                (
                    "aggregation_method",
                    str(Method(run.method).label) if run is not None else "not aggregated yet",
                ),
                (
                    "aggregated_at",
                    run.finished_at.isoformat() if run is not None and run.finished_at else "",
                ),
                ("expert_decisions", "an expert's decision replaces the aggregation's label"),
            ]
            title = f"{workflow.name}: consensus results"
    metadata = ExportMetadata(
        project_slug=project.slug,
        project_name=project.name,
        form_id=f"workflow-{workflow.pk}-{dataset}",
        form_title=title,
        form_versions=(task_definition_version(workflow),),
        licence=licence.licence,
        licence_name=licence.licence_name,
        licence_url=licence.licence_url,
        citation=licence.citation,
        true_locations=False,
        exported_at=timezone.now(),
        dataset=dataset,
        about=tuple(about),
    )
    return WorkflowExportPlan(
        viewer=viewer,
        project=project,
        workflow=workflow,
        dataset=dataset,
        personal_data=not public,
        tables=tables,
        metadata=metadata,
        classes=classes,
        embargoed=embargoed,
    )


def _classifications(plan: WorkflowExportPlan) -> QuerySet[Classification]:
    if plan.personal_data:
        # The reviewers' selector checks `workflow.review` again, with the rights of now.
        queryset = classification_list_for_workflow(user=plan.viewer, workflow=plan.workflow)
    else:
        # A published workflow's classifications, as the public sees them: without identities.
        queryset = Classification.objects.filter(workflow=plan.workflow).select_related("subject")
    return queryset.order_by("id")


def workflow_export_count(plan: WorkflowExportPlan) -> int:
    """The main table's rows: classifications, or subjects of the workflow."""
    if plan.embargoed:
        return 0
    if plan.dataset == CLASSIFICATIONS:
        return _classifications(plan).count()
    return WorkflowSubject.objects.filter(workflow=plan.workflow).count()


def classifier_code(workflow: Workflow, classification: Classification) -> str:
    """A volunteer's pseudonym in a public export: keyed with the site's secret and the
    workflow, so it is the same across one workflow's exports and cannot be computed from an
    account number or linked between workflows."""
    worker = worker_key(classification.volunteer_id, classification.session_identity)
    digest = hmac.new(
        str(settings.SECRET_KEY).encode(), f"{workflow.pk}:{worker}".encode(), hashlib.sha256
    ).hexdigest()
    return f"volunteer-{digest[:16]}"


def _number(value: Any) -> Any:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _classification_row(plan: WorkflowExportPlan, classification: Classification) -> dict[str, Any]:
    row: dict[str, Any] = {
        "key": str(classification.pk),
        "subject_id": classification.subject_id,
        "subject_external_id": classification.subject.external_id,
        "created_at": classification.created_at.isoformat(),
        "counted": classification.counted,
        "gold_matched": classification.gold_matched,
    }
    if plan.personal_data:
        if classification.volunteer_id is not None:
            row["volunteer_id"] = classification.volunteer_id
        else:
            row["anonymous_session"] = worker_key(None, classification.session_identity)
    else:
        row["classifier"] = classifier_code(plan.workflow, classification)
    flat = flatten_answers(plan.workflow.tasks, classification.answers or {})
    for column in plan.tables.columns:
        if not column.question:
            continue
        value = flat.get(column.name, "")
        if column.type == "integer":
            row[column.name] = int(value) if value.isdigit() else None
        else:
            row[column.name] = value if value != "" else None
    return row


def _mark_rows(
    plan: WorkflowExportPlan, classification: Classification
) -> Iterator[tuple[Table, dict[str, Any]]]:
    if not plan.tables.children:
        return
    table = plan.tables.children[0]
    parent = str(classification.pk)
    for mark in marks_of(plan.workflow.tasks, classification.answers or {}):
        yield (
            table,
            {
                "key": f"{parent}/{mark['task']}[{mark['index']}]",
                "parent_key": parent,
                "task": mark["task"],
                "mark": mark["index"],
                "tool": mark.get("tool"),
                "x": _number(mark.get("x")),
                "y": _number(mark.get("y")),
                "width": _number(mark.get("width")),
                "height": _number(mark.get("height")),
            },
        )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _result_rows(
    plan: WorkflowExportPlan, result: SubjectResult, task: dict[str, Any] | None
) -> Iterator[tuple[Table, dict[str, Any]]]:
    key = str(result.subject_id)
    probabilities = result.votes.probabilities
    row: dict[str, Any] = {
        "key": key,
        "subject_id": result.subject_id,
        "subject_external_id": result.external_id,
        "label": result.label,
        "label_text": answer_label(task, result.label) if task and result.label else result.label,
        "confidence": result.confidence if result.has_result or result.expert_label else None,
        "answers": result.votes.total,
        "agreeing": result.votes.agreeing,
        "retired_at": _iso(result.retired_at),
        "retirement_reason": result.retirement_reason or None,
        "gold_label": result.gold_label or None,
        "expert_label": result.expert_label,
        "disputed": result.is_disputed,
        "method": result.method or None,
        "computed_at": _iso(result.computed_at),
    }
    for label in plan.classes:
        row[f"p_{label}"] = probabilities.get(label, 0.0) if result.has_result else None
    yield plan.tables, row
    child = plan.tables.children[0]
    for label, probability in probabilities.items():
        yield (
            child,
            {
                "key": f"{key}/{label}",
                "parent_key": key,
                "class": label,
                "probability": probability,
                "chosen": label == result.label,
            },
        )


def workflow_export_rows(
    plan: WorkflowExportPlan, *, batch_size: int = BATCH_SIZE
) -> Iterator[tuple[Table, dict[str, Any]]]:
    """Every row of every table, each main row followed by its child rows, read
    `batch_size` at a time."""
    if plan.embargoed:
        return
    if plan.dataset == CLASSIFICATIONS:
        queryset = _classifications(plan)
        last_id = 0
        while True:
            batch = list(queryset.filter(id__gt=last_id)[:batch_size])
            if not batch:
                return
            last_id = batch[-1].pk
            for classification in batch:
                yield plan.tables, _classification_row(plan, classification)
                yield from _mark_rows(plan, classification)
    else:
        task = aggregation_task(plan.workflow.tasks)
        labelled = task if task is not None and not is_transcription(task) else None
        for results in workflow_result_batches(plan.workflow, batch_size=batch_size):
            for result in results:
                yield from _result_rows(plan, result, labelled)
