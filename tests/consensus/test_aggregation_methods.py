"""Behaviour every aggregation method shares: shapes, probabilities, ties, edge cases."""

import numpy as np
import pytest

from cslab.aggregation import (
    TIE_TOLERANCE,
    AggregationError,
    Answers,
    dawid_skene,
    mace,
    majority_vote,
    one_coin_dawid_skene,
    pick_labels,
)
from tests.consensus.helpers import METHODS, answers_from, random_answers

ALL_METHODS = pytest.mark.parametrize("method", sorted(METHODS))


@ALL_METHODS
@pytest.mark.parametrize("seed", range(8))
def test_posteriors_of_every_item_are_probabilities_summing_to_one(method: str, seed: int) -> None:
    answers, _ = random_answers(seed)
    result = METHODS[method](answers)
    assert result.posteriors.shape == (answers.n_items, answers.n_classes)
    assert np.all(result.posteriors >= 0)
    assert np.all(result.posteriors <= 1)
    np.testing.assert_allclose(result.posteriors.sum(axis=1), 1.0, atol=1e-12)
    assert result.labels.shape == (answers.n_items,)
    assert result.worker_skill.shape == (answers.n_workers,)


@ALL_METHODS
def test_the_chosen_label_is_the_class_with_the_highest_posterior(method: str) -> None:
    answers, _ = random_answers(3)
    result = METHODS[method](answers)
    chosen = result.posteriors[np.arange(answers.n_items), result.labels]
    np.testing.assert_array_equal(chosen, result.posteriors.max(axis=1))
    np.testing.assert_array_equal(result.confidence, chosen)


@ALL_METHODS
def test_the_same_input_twice_gives_identical_arrays(method: str) -> None:
    first_answers, _ = random_answers(5)
    second_answers, _ = random_answers(5)
    first = METHODS[method](first_answers)
    second = METHODS[method](second_answers)
    np.testing.assert_array_equal(first.labels, second.labels)
    np.testing.assert_array_equal(first.posteriors, second.posteriors)
    np.testing.assert_array_equal(first.worker_skill, second.worker_skill)
    assert first.objective == second.objective


@ALL_METHODS
def test_workers_who_agree_on_every_item_give_that_label_with_high_confidence(
    method: str,
) -> None:
    rows = [(item, worker, item % 3) for item in range(9) for worker in range(4)]
    result = METHODS[method](answers_from(rows))
    np.testing.assert_array_equal(result.labels, np.arange(9) % 3)
    assert np.all(result.confidence > 0.9)


@ALL_METHODS
def test_an_item_with_one_answer_takes_that_answer(method: str) -> None:
    rows = [(item, worker, item % 2) for item in range(6) for worker in range(3)]
    rows.append((6, 1, 1))  # item 6: one answer, from a worker who agrees with everyone
    result = METHODS[method](answers_from(rows))
    assert result.labels[6] == 1
    assert result.posteriors[6, 1] > 0.5


@ALL_METHODS
def test_a_worker_with_one_answer_gets_a_finite_skill_between_zero_and_one(method: str) -> None:
    rows = [(item, worker, item % 2) for item in range(6) for worker in range(3)]
    rows.append((0, 3, 0))  # worker 3 answered once
    result = METHODS[method](answers_from(rows))
    assert 0.0 <= result.worker_skill[3] <= 1.0


@ALL_METHODS
def test_a_class_nobody_chose_gets_a_column_but_is_never_chosen(method: str) -> None:
    rows = [(item, worker, (item + (worker == 2)) % 2) for item in range(8) for worker in range(3)]
    result = METHODS[method](answers_from(rows, n_classes=4))
    assert result.posteriors.shape == (8, 4)
    assert not np.isin(result.labels, [2, 3]).any()
    assert np.all(result.posteriors[:, 2:] < 0.05)
    assert np.all(np.isfinite(result.posteriors))


@ALL_METHODS
def test_an_item_nobody_answered_gets_a_probability_distribution(method: str) -> None:
    rows = [(item, worker, item % 2) for item in range(4) for worker in range(3)]
    result = METHODS[method](answers_from(rows, n_items=5))
    np.testing.assert_allclose(result.posteriors[4].sum(), 1.0)
    assert np.all(np.isfinite(result.posteriors[4]))


@pytest.mark.parametrize("method", ["majority", "one-coin", "mace"])
def test_thousands_of_classes_are_aggregated(method: str) -> None:
    answers, truth = random_answers(11, n_items=200, n_workers=30, n_classes=3000, per_item=5)
    result = METHODS[method](answers)
    assert result.posteriors.shape == (200, 3000)
    assert np.mean(result.labels == truth) > 0.8


def test_dawid_skene_handles_hundreds_of_classes_with_few_workers() -> None:
    answers, truth = random_answers(12, n_items=300, n_workers=10, n_classes=300, per_item=5)
    result = dawid_skene(answers)
    assert np.mean(result.labels == truth) > 0.8


def test_dawid_skene_refuses_more_confusion_cells_than_the_limit_with_a_clear_message() -> None:
    answers, _ = random_answers(13, n_items=50, n_workers=10, n_classes=2000)
    with pytest.raises(AggregationError, match=r"10 workers × 2,000² classes .* one-coin"):
        dawid_skene(answers)


@pytest.mark.parametrize("method", ["majority", "weighted", "dawid-skene", "one-coin", "mace"])
def test_a_single_class_gives_every_item_that_class_for_certain(method: str) -> None:
    rows = [(0, 0, 0), (1, 1, 0), (1, 0, 0)]
    answers = answers_from(rows)
    if method == "weighted":
        from cslab.aggregation import weighted_majority_vote

        result = weighted_majority_vote(answers, gold_items=[0], gold_labels=[0])
    else:
        result = METHODS[method](answers)
    np.testing.assert_array_equal(result.labels, [0, 0])
    np.testing.assert_allclose(result.posteriors, [[1.0], [1.0]])


# Ties -----------------------------------------------------------------------------------------


def test_a_majority_tie_goes_to_the_lowest_class_index_whatever_the_answer_order() -> None:
    forward = answers_from([(0, 0, 2), (0, 1, 2), (0, 2, 1), (0, 3, 1)])
    backward = answers_from([(0, 3, 1), (0, 2, 1), (0, 1, 2), (0, 0, 2)])
    assert majority_vote(forward).labels[0] == 1
    assert majority_vote(backward).labels[0] == 1


def test_a_three_way_tie_goes_to_the_lowest_class_index() -> None:
    result = majority_vote(answers_from([(0, 0, 3), (0, 1, 1), (0, 2, 2)], n_classes=4))
    assert result.labels[0] == 1
    np.testing.assert_allclose(result.posteriors[0], [0, 1 / 3, 1 / 3, 1 / 3])


def test_posteriors_within_the_tie_tolerance_count_as_tied() -> None:
    nearly = np.array([[0.5 - TIE_TOLERANCE / 10, 0.5 + TIE_TOLERANCE / 10], [0.4, 0.6]])
    np.testing.assert_array_equal(pick_labels(nearly), [0, 1])


@pytest.mark.parametrize("method", [dawid_skene, one_coin_dawid_skene, mace])
def test_an_evenly_split_item_from_identical_workers_goes_to_the_lowest_class(method) -> None:  # type: ignore[no-untyped-def]
    # Two interchangeable workers always disagree: nothing favours either class.
    rows = [(item, 0, 0) for item in range(4)] + [(item, 1, 1) for item in range(4)]
    rows += [(item, 0, 1) for item in range(4, 8)] + [(item, 1, 0) for item in range(4, 8)]
    result = method(answers_from(rows))
    np.testing.assert_allclose(result.posteriors, 0.5, atol=1e-9)
    np.testing.assert_array_equal(result.labels, 0)


# Input checks ---------------------------------------------------------------------------------


def test_answers_with_an_index_beyond_the_given_size_are_refused() -> None:
    with pytest.raises(AggregationError, match="labels holds index 3, beyond its size 2"):
        Answers.from_arrays([0], [0], [3], n_classes=2)


def test_answers_of_different_lengths_are_refused() -> None:
    with pytest.raises(AggregationError, match="same length"):
        Answers.from_arrays([0, 1], [0], [0])


def test_negative_or_fractional_indexes_are_refused() -> None:
    with pytest.raises(AggregationError, match="negative"):
        Answers.from_arrays([0, -1], [0, 0], [0, 0])
    with pytest.raises(AggregationError, match="integer"):
        Answers.from_arrays([0.5], [0], [0])
