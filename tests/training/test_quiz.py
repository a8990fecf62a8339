"""Scoring a quiz (pure)."""

import pytest

from cslab.training.quiz import Question, is_answer_right, percent_of, score_quiz

SINGLE = Question(id=1, choice_ids=frozenset({10, 11, 12}), correct_ids=frozenset({10}))
MULTIPLE = Question(
    id=2, choice_ids=frozenset({20, 21, 22}), correct_ids=frozenset({20, 21}), multiple=True
)
THIRD = Question(id=3, choice_ids=frozenset({30, 31}), correct_ids=frozenset({31}))


@pytest.mark.parametrize(
    ("chosen", "right"),
    [
        ({10}, True),
        ({11}, False),
        ({10, 11}, False),
        (set(), False),
        ({10, 99}, True),
        ({99}, False),
    ],
)
def test_single_choice_is_right_only_with_exactly_the_right_one(
    chosen: set[int], right: bool
) -> None:
    assert is_answer_right(SINGLE, chosen) is right


@pytest.mark.parametrize(
    ("chosen", "right"),
    [
        ({20, 21}, True),
        ({20}, False),
        ({20, 21, 22}, False),
        ({20, 21, 12}, True),  # another question's choice is ignored
        (set(), False),
    ],
)
def test_multiple_choice_is_right_only_with_exactly_the_right_set(
    chosen: set[int], right: bool
) -> None:
    assert is_answer_right(MULTIPLE, chosen) is right


def test_two_of_three_right_passes_at_67_percent() -> None:
    score = score_quiz(
        [SINGLE, MULTIPLE, THIRD], {1: [10], 2: [20, 21], 3: [30]}, pass_mark_percent=67
    )
    assert (score.correct_count, score.question_count, score.percent) == (2, 3, 67)
    assert score.passed
    assert score.right == {1: True, 2: True, 3: False}


def test_two_of_three_right_fails_at_70_percent() -> None:
    score = score_quiz(
        [SINGLE, MULTIPLE, THIRD], {1: [10], 2: [20, 21], 3: [30]}, pass_mark_percent=70
    )
    assert score.percent == 67
    assert not score.passed


def test_unanswered_questions_and_unknown_ids_count_wrong() -> None:
    score = score_quiz([SINGLE, MULTIPLE], {1: [999], 77: [10]}, pass_mark_percent=50)
    assert score.correct_count == 0
    assert not score.passed


def test_all_right_passes_at_100() -> None:
    score = score_quiz([SINGLE], {1: [10]}, pass_mark_percent=100)
    assert score.percent == 100
    assert score.passed


def test_a_quiz_without_questions_is_never_passed() -> None:
    assert not score_quiz([], {}, pass_mark_percent=1).passed


@pytest.mark.parametrize(
    ("correct", "total", "percent"), [(1, 3, 33), (2, 3, 67), (1, 2, 50), (0, 0, 0)]
)
def test_percent_is_rounded_half_up(correct: int, total: int, percent: int) -> None:
    assert percent_of(correct, total) == percent
