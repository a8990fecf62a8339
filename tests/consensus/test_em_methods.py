"""Dawid–Skene, one-coin Dawid–Skene and MACE: what EM learns, its objective and when it stops."""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

from cslab.aggregation import (
    AggregationError,
    dawid_skene,
    mace,
    majority_vote,
    one_coin_dawid_skene,
)
from tests.consensus.helpers import answers_from, random_answers

EM_METHODS = pytest.mark.parametrize(
    "method", [dawid_skene, one_coin_dawid_skene, mace], ids=["dawid-skene", "one-coin", "mace"]
)


def _good_workers_and_a_contrarian() -> list[tuple[int, int, int]]:
    """Workers 0-2 are always right; worker 3 always gives the other class (binary).

    Items 0-11 are answered by everyone; items 12-15 by worker 3 only.
    """
    truth = [0, 1] * 8
    rows = [(item, worker, truth[item]) for item in range(12) for worker in range(3)]
    rows += [(item, 3, 1 - truth[item]) for item in range(16)]
    return rows


def test_dawid_skene_learns_that_a_contrarian_worker_means_the_opposite() -> None:
    result = dawid_skene(answers_from(_good_workers_and_a_contrarian()))
    # Majority vote would follow worker 3 on items 12-15; Dawid–Skene reads them inverted.
    np.testing.assert_array_equal(result.labels, [0, 1] * 8)
    np.testing.assert_array_equal(
        majority_vote(answers_from(_good_workers_and_a_contrarian())).labels[12:], [1, 0] * 2
    )
    confusion = result.details["confusion"]
    # Eight answers per confusion row: the prior (11 pseudo-answers) keeps the estimate
    # moderate, but the inverted answer is already the likelier one.
    assert confusion[3, 0, 1] > confusion[3, 0, 0]  # true 0 → answers 1
    assert confusion[3, 1, 0] > confusion[3, 1, 1]
    assert result.worker_skill[3] < 0.5 < 0.75 < min(result.worker_skill[:3])


def test_dawid_skene_grows_sure_of_a_contrarian_as_its_answers_add_up() -> None:
    result = dawid_skene(answers_from(_good_workers_and_a_contrarian() * 10))
    np.testing.assert_array_equal(result.labels, [0, 1] * 8)
    confusion = result.details["confusion"]
    assert confusion[3, 0, 1] > 0.9
    assert confusion[3, 1, 0] > 0.9
    assert result.worker_skill[3] < 0.1
    assert np.all(result.worker_skill[:3] > 0.9)


def test_dawid_skene_confusion_rows_are_distributions_over_answers() -> None:
    answers, _ = random_answers(21)
    confusion = dawid_skene(answers).details["confusion"]
    assert confusion.shape == (answers.n_workers, answers.n_classes, answers.n_classes)
    np.testing.assert_allclose(confusion.sum(axis=2), 1.0)


def test_dawid_skene_recovers_the_truth_better_than_majority_vote_on_noisy_workers() -> None:
    answers, truth = random_answers(22, n_items=400, n_workers=20, per_item=5)
    assert np.mean(dawid_skene(answers).labels == truth) > np.mean(
        majority_vote(answers).labels == truth
    )


@EM_METHODS
@pytest.mark.parametrize("seed", range(5))
def test_the_objective_never_decreases_across_em_iterations(method, seed: int) -> None:  # type: ignore[no-untyped-def]
    answers, _ = random_answers(seed, n_items=80, n_workers=9, n_classes=3)
    result = method(answers, max_iterations=60, tolerance=None)
    assert len(result.objective) == 60
    steps = np.diff(result.objective)
    assert np.all(steps >= -1e-9 * np.abs(result.objective[1:]))


def test_dawid_skene_log_likelihood_is_the_exact_marginal_likelihood_of_the_answers() -> None:
    answers, _ = random_answers(31, n_items=12, n_workers=4, n_classes=3, per_item=3)
    result = dawid_skene(answers, max_iterations=7, tolerance=None)
    assert result.class_prior is not None
    log_prior = np.log(result.class_prior)
    log_confusion = np.log(result.details["confusion"])
    expected = 0.0
    for item in range(answers.n_items):
        mine = answers.items == item
        per_class = log_prior + sum(
            log_confusion[worker, :, label]
            for worker, label in zip(answers.workers[mine], answers.labels[mine], strict=True)
        )
        expected += float(logsumexp(per_class))
    assert result.log_likelihood == pytest.approx(expected, rel=1e-10)


@EM_METHODS
def test_a_fixed_iteration_count_runs_exactly_that_many_iterations(method) -> None:  # type: ignore[no-untyped-def]
    answers, _ = random_answers(41)
    result = method(answers, max_iterations=17, tolerance=None)
    assert result.iterations == 17
    assert not result.converged


@EM_METHODS
def test_iteration_stops_once_the_objective_gains_at_most_the_tolerance(method) -> None:  # type: ignore[no-untyped-def]
    answers, _ = random_answers(42, n_items=200, n_workers=15)
    tolerance = 1e-6
    result = method(answers, max_iterations=500, tolerance=tolerance)
    assert result.converged
    gains = np.diff(result.objective)
    limits = tolerance * np.abs(np.asarray(result.objective[1:]))
    assert gains[-1] <= limits[-1]
    assert np.all(gains[:-1] > limits[:-1])  # it did not stop earlier than the rule says
    assert result.iterations == len(result.objective) < 500


@EM_METHODS
def test_a_lower_tolerance_never_stops_sooner(method) -> None:  # type: ignore[no-untyped-def]
    answers, _ = random_answers(43, n_items=200, n_workers=15)
    loose = method(answers, tolerance=1e-4)
    tight = method(answers, tolerance=1e-9, max_iterations=1000)
    assert tight.iterations >= loose.iterations
    assert tight.objective[-1] >= loose.objective[-1]


@EM_METHODS
def test_bad_iteration_settings_are_refused(method) -> None:  # type: ignore[no-untyped-def]
    answers, _ = random_answers(44)
    with pytest.raises(AggregationError, match="max_iterations"):
        method(answers, max_iterations=0)
    with pytest.raises(AggregationError, match="tolerance"):
        method(answers, tolerance=-1.0)
    with pytest.raises(AggregationError, match="smoothing"):
        method(answers, smoothing=0.0)


def test_one_coin_skill_is_each_workers_estimated_accuracy() -> None:
    rows = [(item, worker, item % 2) for item in range(20) for worker in range(4)]
    # worker 4 is right on half of the items
    rows += [(item, 4, item % 2 if item < 10 else 1 - item % 2) for item in range(20)]
    result = one_coin_dawid_skene(answers_from(rows))
    np.testing.assert_array_equal(result.labels, np.arange(20) % 2)
    assert np.all(result.worker_skill[:4] > 0.95)
    assert result.worker_skill[4] == pytest.approx(0.5, abs=0.02)


def test_mace_sees_a_worker_who_always_gives_one_class_as_a_spammer() -> None:
    rows = [(item, worker, item % 3) for item, worker in itertools.product(range(30), range(3))]
    rows += [(item, 3, 0) for item in range(30)]
    result = mace(answers_from(rows))
    np.testing.assert_array_equal(result.labels, np.arange(30) % 3)
    assert result.worker_skill[3] < 0.1
    assert np.all(result.worker_skill[:3] > 0.9)
    spam_distribution = result.details["spam_distribution"]
    assert spam_distribution[3, 0] > 0.9


def test_repeated_answers_count_as_separate_evidence() -> None:
    once = [(0, 0, 1), (0, 1, 0), (1, 0, 1), (1, 1, 1)]
    repeated = [*once, (0, 0, 1)]  # worker 0 said 1 on item 0 twice
    assert majority_vote(answers_from(repeated)).labels[0] == 1
    assert majority_vote(answers_from(once)).labels[0] == 0  # tie → lowest class


def _small_survey_with_split_subjects() -> tuple[list[tuple[int, int, int]], list[int]]:
    """A demo-sized survey: 12 volunteers, 5 classes, 40 subjects with 6 answers each.

    Each volunteer is right on all but a few subjects; subjects 36-39 are split three ways
    (2-2-2 over classes 0, 1 and 2), so nobody can tell which class they are.
    """
    generator = np.random.default_rng(7)
    truth = [number % 5 for number in range(36)]
    rows = []
    for item in range(40):
        volunteers = generator.choice(12, size=6, replace=False)
        for position, volunteer in enumerate(volunteers):
            if item >= 36:
                label = position % 3
            elif generator.random() < 0.85:
                label = truth[item]
            else:
                label = int(generator.integers(0, 5))
            rows.append((item, int(volunteer), label))
    return rows, list(range(36, 40))


def test_dawid_skene_leaves_subjects_the_volunteers_split_on_uncertain_on_small_data() -> None:
    rows, split = _small_survey_with_split_subjects()
    result = dawid_skene(answers_from(rows))
    # A few answers per volunteer and class cannot make a three-way split near-certain.
    assert np.all(result.confidence[split] < 0.9), result.confidence[split]
    # The subjects the volunteers agree on stay confident.
    assert np.median(result.confidence[:36]) > 0.9
