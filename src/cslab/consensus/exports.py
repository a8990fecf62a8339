"""Exports of a workflow's results, as CSV and JSON.

Results come from the stored aggregation and carry the probability of every class
(`p_<class>` columns, and `probabilities.csv` with one row per subject and class), not only
the winner. Cells are written as the classification exports write them
(`cslab.classification.exports.csv_lines`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from cslab.classification.exports import csv_lines
from cslab.classification.task_definitions import answer_label
from cslab.consensus.labels import aggregation_task, is_transcription, task_classes
from cslab.consensus.selectors import SubjectResult

if TYPE_CHECKING:
    from cslab.classification.models import Workflow


def result_classes(workflow: Workflow, results: list[SubjectResult]) -> list[str]:
    """The classes of the `p_<class>` columns: a choice task's classes in its order, then any
    other class a stored result names; none for a transcription task (its classes are each
    subject's own transcriptions: see `probabilities.csv` and the JSON)."""

    task = aggregation_task(workflow.tasks)
    if task is None or is_transcription(task):
        return []
    return task_classes(task, {label for result in results for label in result.votes.probabilities})


def _method(results: list[SubjectResult]) -> str:
    return next((result.method for result in results if result.method), "")


RESULT_COLUMNS = [
    "subject_id",
    "subject_external_id",
    "label",
    "label_text",
    "confidence",
    "answers",
    "agreeing",
    "retired_at",
    "retirement_reason",
    "gold_label",
    "expert_label",
    "disputed",
    "method",
    "computed_at",
]


def _result_cells(result: SubjectResult, task: dict[str, Any] | None) -> list[Any]:
    return [
        result.subject_id,
        result.external_id,
        result.label or "",
        # The answer as volunteers saw it ("Nothing on the flower" for "none").
        answer_label(task, result.label) if task and result.label else result.label or "",
        f"{result.confidence:.6f}",
        result.votes.total,
        result.votes.agreeing,
        result.retired_at.isoformat() if result.retired_at else "",
        result.retirement_reason,
        result.gold_label,
        result.expert_label or "",
        int(result.is_disputed),
        result.method,
        result.computed_at.isoformat() if result.computed_at else "",
    ]


def results_csv(workflow: Workflow, results: list[SubjectResult]) -> Iterator[str]:
    """Yield one row per subject from the stored aggregation: its label, confidence and a
    `p_<class>` column per class (every class, not only the winner); `label` is the answer
    value, `label_text` the answer as volunteers saw it."""
    classes = result_classes(workflow, results)
    task = aggregation_task(workflow.tasks)
    labelled = task if task is not None and not is_transcription(task) else None

    def rows() -> Iterator[list[Any]]:
        for result in results:
            probabilities = result.votes.probabilities
            yield [
                *_result_cells(result, labelled),
                *(
                    f"{probabilities.get(label, 0.0):.6f}" if result.has_result else ""
                    for label in classes
                ),
            ]

    return csv_lines(RESULT_COLUMNS + [f"p_{label}" for label in classes], rows())


def probabilities_csv(workflow: Workflow, results: list[SubjectResult]) -> Iterator[str]:
    """Yield one row per subject and class (long format): flat for any number of classes,
    and for transcriptions, whose classes differ per subject."""

    def rows() -> Iterator[list[Any]]:
        for result in results:
            for label, probability in result.votes.probabilities.items():
                yield [
                    result.subject_id,
                    result.external_id,
                    label,
                    f"{probability:.6f}",
                    int(label == result.label),
                ]

    header = ["subject_id", "subject_external_id", "class", "probability", "chosen"]
    return csv_lines(header, rows())


def results_json(
    workflow: Workflow, results: list[SubjectResult], *, licence: dict[str, str] | None = None
) -> str:
    """Return the stored results as a JSON document with every class's probability per
    subject (`null` for a subject not aggregated yet), and the project's licence and citation
    when given (`projects.licences.LicenceAndCitation.as_dict`)."""

    task = aggregation_task(workflow.tasks)
    document = {
        "workflow": workflow.slug,
        "task": task["key"] if task else None,
        "method": _method(results) or None,
        "classes": result_classes(workflow, results),
        **(licence or {}),
        "subjects": [
            {
                "subject_id": result.subject_id,
                "subject_external_id": result.external_id,
                "label": result.label,
                "confidence": result.confidence,
                "answers": result.votes.total,
                "agreeing": result.votes.agreeing,
                "probabilities": dict(result.votes.probabilities) if result.has_result else None,
                "retired_at": result.retired_at.isoformat() if result.retired_at else None,
                "retirement_reason": result.retirement_reason,
                "gold_label": result.gold_label or None,
                "expert_label": result.expert_label,
                "disputed": result.is_disputed,
                "method": result.method or None,
                "computed_at": result.computed_at.isoformat() if result.computed_at else None,
            }
            for result in results
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)
