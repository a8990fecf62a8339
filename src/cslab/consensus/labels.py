"""What a workflow's aggregation is about: its task, its classes, its volunteers' keys.

Pure: no ORM, no settings, no clock. The aggregated task is the workflow's consensus task
(`classification.task_definitions.consensus_task`: the first single-choice or survey task) or, in a
transcription workflow without one, its first free-text task.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from cslab.classification.task_definitions import (
    Task,
    class_values,
    consensus_label,
    consensus_task,
)

MAJORITY = "majority"
WEIGHTED = "weighted"
DAWID_SKENE = "dawid-skene"
ONE_COIN = "one-coin"
MACE = "mace"
METHODS = (MAJORITY, WEIGHTED, DAWID_SKENE, ONE_COIN, MACE)
# Methods whose result for a subject depends only on that subject's answers (and gold).
PER_SUBJECT_METHODS = (MAJORITY,)


def aggregation_task(tasks: list[Task]) -> Task | None:
    """The task whose answers are aggregated, or None when the workflow has none."""
    chosen = consensus_task(tasks)
    if chosen is not None:
        return chosen
    return next((task for task in tasks if task["kind"] == "text"), None)


def is_transcription(task: Task) -> bool:
    return bool(task["kind"] == "text")


def default_method(task: Task) -> str:
    """Dawid–Skene for a choice task; majority vote for free text (its classes are the
    transcriptions of each subject, so there is nothing to learn across subjects)."""
    return MAJORITY if is_transcription(task) else DAWID_SKENE


def allowed_methods(task: Task) -> tuple[str, ...]:
    return (MAJORITY,) if is_transcription(task) else METHODS


def normalise_text(text: str) -> str:
    """Transcriptions that differ only in case or spacing are the same class."""
    return " ".join(text.split()).casefold()


def label_of(task: Task, answer: Any) -> str | None:
    """The class an answer gives ("" or None: unanswered)."""
    if is_transcription(task):
        text = "" if answer is None else str(answer)
        return text if text.strip() else None
    return consensus_label(task, answer)


def task_classes(task: Task, seen: Iterable[str]) -> list[str]:
    """A choice task's classes in its own order, then labels it no longer lists, sorted."""
    listed = class_values(task)
    known = set(listed)
    return listed + sorted({label for label in seen if label not in known})


def worker_key(volunteer_id: int | None, session_identity: str) -> str:
    """`user:<id>`, or the one-way code of an anonymous session (as in the exports)."""
    if volunteer_id is not None:
        return f"user:{volunteer_id}"
    digest = hashlib.sha256(session_identity.encode()).hexdigest()[:12]
    return f"anonymous-{digest}"


def transcription_vote(texts: list[str]) -> tuple[str, dict[str, float], int]:
    """Majority vote over one subject's transcriptions: (label, share per class, agreeing).

    Transcriptions equal after `normalise_text` form one class, named by its most frequent
    spelling (the first seen on a tie); classes are ordered by first appearance, and a tie
    between classes goes to the one seen first. No texts: ("", {}, 0).
    """
    counts: dict[str, int] = {}
    spellings: dict[str, dict[str, int]] = {}
    for text in texts:
        key = normalise_text(text)
        counts[key] = counts.get(key, 0) + 1
        variants = spellings.setdefault(key, {})
        variants[text] = variants.get(text, 0) + 1
    if not counts:
        return "", {}, 0
    total = sum(counts.values())
    names = {
        key: max(variants, key=lambda text: variants[text]) for key, variants in spellings.items()
    }
    best = max(counts, key=lambda key: counts[key])  # max keeps the first of equal counts
    shares = {names[key]: count / total for key, count in counts.items()}
    return names[best], shares, counts[best]
