"""Scoring a quiz: pure, no ORM, no settings, no clock.

A one-answer question is right when exactly its right choice was chosen; a several-answers
question is right when exactly the set of its right choices was chosen. Choice IDs that are not
choices of the question are ignored, so naming them never helps: they are simply not chosen, and
a question answered only with unknown IDs counts as wrong.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    """A question as the scorer sees it: its ID, its choice IDs, the right ones among them."""

    id: int
    choice_ids: frozenset[int]
    correct_ids: frozenset[int]
    multiple: bool = False


@dataclass(frozen=True)
class Score:
    correct_count: int
    question_count: int
    percent: int
    passed: bool
    # Per question ID: whether it was answered right.
    right: Mapping[int, bool]


def percent_of(correct: int, total: int) -> int:
    """Return the share right as a whole percentage, rounded half up (2 of 3 is 67)."""
    if total <= 0:
        return 0
    return (200 * correct + total) // (2 * total)


def is_answer_right(question: Question, chosen: Iterable[int]) -> bool:
    picked = frozenset(chosen) & question.choice_ids
    if not question.multiple and len(picked) != 1:
        return False
    return bool(picked) and picked == question.correct_ids


def score_quiz(
    questions: Sequence[Question],
    answers: Mapping[int, Collection[int]],
    *,
    pass_mark_percent: int,
) -> Score:
    """Score `answers` (chosen choice IDs per question ID) against `questions`.

    Passed when the whole percentage shown to the person (2 of 3 is 67 %) is at least
    `pass_mark_percent`. A quiz without questions is never passed.
    """
    right = {
        question.id: is_answer_right(question, answers.get(question.id, ()))
        for question in questions
    }
    correct = sum(1 for value in right.values() if value)
    total = len(questions)
    percent = percent_of(correct, total)
    passed = total > 0 and percent >= pass_mark_percent
    return Score(
        correct_count=correct,
        question_count=total,
        percent=percent,
        passed=passed,
        right=right,
    )
