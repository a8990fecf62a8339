"""Majority vote and weighted majority vote."""

import numpy as np
import pytest

from cslab.aggregation import (
    AggregationError,
    gold_accuracy,
    majority_vote,
    weighted_majority_vote,
)
from tests.consensus.helpers import answers_from


def test_majority_vote_posteriors_are_the_shares_of_the_votes() -> None:
    result = majority_vote(answers_from([(0, 0, 1), (0, 1, 1), (0, 2, 0), (1, 0, 2)]))
    np.testing.assert_allclose(result.posteriors, [[1 / 3, 2 / 3, 0], [0, 0, 1]])
    np.testing.assert_array_equal(result.labels, [1, 2])


def test_majority_vote_skill_is_the_share_of_answers_agreeing_with_the_result() -> None:
    rows = [(0, 0, 1), (0, 1, 1), (0, 2, 0), (1, 2, 1), (1, 0, 1)]
    result = majority_vote(answers_from(rows, n_workers=4))
    np.testing.assert_allclose(result.worker_skill[:3], [1.0, 1.0, 0.5])
    assert np.isnan(result.worker_skill[3])  # no answers, no estimate


def _one_expert_two_guessers() -> list[tuple[int, int, int]]:
    """Worker 0 is right on the gold items 0-3; workers 1 and 2 are wrong on them.
    On item 4 the expert says 1 and both guessers say 0."""
    rows = [(item, 0, 1) for item in range(4)]
    rows += [(item, worker, 0) for item in range(4) for worker in (1, 2)]
    rows += [(4, 0, 1), (4, 1, 0), (4, 2, 0)]
    return rows


def test_weighted_majority_follows_the_worker_who_was_right_on_gold() -> None:
    answers = answers_from(_one_expert_two_guessers())
    result = weighted_majority_vote(answers, gold_items=[0, 1, 2, 3], gold_labels=[1, 1, 1, 1])
    assert majority_vote(answers).labels[4] == 0
    assert result.labels[4] == 1
    assert result.posteriors[4, 1] > 0.9


def test_gold_accuracy_is_shrunk_towards_the_pooled_accuracy() -> None:
    answers = answers_from(_one_expert_two_guessers(), n_workers=4)
    accuracy, seen = gold_accuracy(answers, gold_items=[0, 1, 2, 3], gold_labels=[1, 1, 1, 1])
    pooled = (4 + 1) / (12 + 2)
    np.testing.assert_allclose(seen, [4, 4, 4, 0])
    np.testing.assert_allclose(
        accuracy[:3], [(4 + 2 * pooled) / 6, (2 * pooled) / 6, (2 * pooled) / 6]
    )
    assert accuracy[3] == pytest.approx(pooled)  # no gold answers: the pooled accuracy


def test_weighted_majority_skill_is_the_smoothed_gold_accuracy() -> None:
    answers = answers_from(_one_expert_two_guessers())
    result = weighted_majority_vote(answers, gold_items=[0, 1], gold_labels=[1, 1])
    accuracy, _ = gold_accuracy(answers, gold_items=[0, 1], gold_labels=[1, 1])
    np.testing.assert_array_equal(result.worker_skill, accuracy)


def test_weighted_majority_without_gold_on_any_answered_item_is_refused() -> None:
    answers = answers_from([(0, 0, 1), (1, 0, 0)], n_items=3)
    with pytest.raises(AggregationError, match="gold truth for at least one answered item"):
        weighted_majority_vote(answers, gold_items=[2], gold_labels=[0])


def test_weighted_majority_refuses_gold_outside_the_items_or_classes() -> None:
    answers = answers_from([(0, 0, 1), (1, 0, 0)])
    with pytest.raises(AggregationError, match="outside the items"):
        weighted_majority_vote(answers, gold_items=[5], gold_labels=[0])
    with pytest.raises(AggregationError, match="outside the classes"):
        weighted_majority_vote(answers, gold_items=[0], gold_labels=[7])
