"""EBCC (Li, Rubinstein & Cohn 2019): what its variational inference gives and how it compares."""

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from cslab import aggregation
from cslab.aggregation import AggregationError, Answers, dawid_skene, ebcc, majority_vote
from tests.aggregation.helpers import accuracy, imbalanced_answers, real_set
from tests.consensus.helpers import answers_from, random_answers

# Accuracy today on the real label sets, to hold as floors (crowd-kit 1.4.2's DawidSkene:
# 0.9397, 0.9600, 0.8426, 0.6404). S_Face is the set where subtypes overfit: 27 workers, 4
# balanced classes, 9 answers per item.
FLOORS = {"D_Product": 0.938, "D_PosSent": 0.958, "S_Dog": 0.836, "S_Face": 0.595}


def test_ebcc_is_exported_with_the_other_methods() -> None:
    assert "ebcc" in aggregation.__all__
    assert aggregation.ebcc is ebcc


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_posteriors_are_probabilities_and_labels_their_largest(seed: int) -> None:
    answers, _ = random_answers(seed)
    result = ebcc(answers)
    assert result.method == "ebcc"
    assert result.posteriors.shape == (answers.n_items, answers.n_classes)
    assert np.all(result.posteriors >= 0)
    np.testing.assert_allclose(result.posteriors.sum(axis=1), 1.0)
    np.testing.assert_array_equal(result.labels, result.posteriors.argmax(axis=1))
    assert result.class_prior is not None
    assert result.class_prior.sum() == pytest.approx(1.0)


def test_the_same_answers_and_seed_give_identical_arrays() -> None:
    answers, _ = random_answers(4)
    first, second = ebcc(answers, seed=9), ebcc(answers, seed=9)
    np.testing.assert_array_equal(first.posteriors, second.posteriors)
    np.testing.assert_array_equal(first.worker_skill, second.worker_skill)


def test_workers_who_agree_everywhere_give_their_label_with_high_confidence() -> None:
    rows = [(item, worker, item % 3) for item in range(30) for worker in range(4)]
    result = ebcc(answers_from(rows))
    np.testing.assert_array_equal(result.labels, [item % 3 for item in range(30)])
    assert np.all(result.confidence > 0.9)
    # Ten answers per class spread over ten subtypes, each row with 6 pseudo-answers of its
    # own: the skill says "right most of the time", not yet "always right".
    assert np.all(result.worker_skill > 0.65)


def test_ebcc_learns_that_a_contrarian_worker_means_the_opposite() -> None:
    truth = [0, 1] * 8
    rows = [(item, worker, truth[item]) for item in range(12) for worker in range(3)]
    rows += [(item, 3, 1 - truth[item]) for item in range(16)]
    result = ebcc(answers_from(rows * 10))
    # Items 12-15 only have worker 3's answers, which are always the other class.
    np.testing.assert_array_equal(result.labels, truth)
    assert result.worker_skill[3] < 0.5 < min(result.worker_skill[:3])
    confusion = result.details["confusion"]
    assert confusion[3, 0, 1] > confusion[3, 0, 0]  # true 0 → answers 1
    assert confusion[3, 1, 0] > confusion[3, 1, 1]


def test_an_item_nobody_answered_gets_the_class_prior() -> None:
    answers = Answers.from_arrays([0, 0, 1, 1], [0, 1, 0, 1], [0, 0, 0, 1], n_items=3)
    result = ebcc(answers)
    assert result.class_prior is not None
    np.testing.assert_allclose(result.posteriors[2], result.class_prior, atol=1e-6)


def test_a_single_class_gives_every_item_that_class_for_certain() -> None:
    result = ebcc(answers_from([(0, 0, 0), (1, 1, 0)]))
    np.testing.assert_array_equal(result.labels, [0, 0])
    np.testing.assert_array_equal(result.posteriors, [[1.0], [1.0]])


def test_ebcc_recovers_the_truth_better_than_majority_vote_on_noisy_workers() -> None:
    answers, truth = random_answers(3, n_items=300, n_workers=20)
    assert accuracy(ebcc(answers), truth) > accuracy(majority_vote(answers), truth)


@pytest.mark.parametrize("seed", [11, 12])
def test_on_sparse_imbalanced_answers_ebcc_beats_maximum_likelihood_dawid_skene(seed: int) -> None:
    answers, truth = imbalanced_answers(seed, (0.8, 0.15, 0.05))
    maximum_likelihood = dawid_skene(answers, spread=0, diagonal=0, fade_after=None)
    assert accuracy(ebcc(answers), truth) > accuracy(maximum_likelihood, truth) + 0.05


def test_a_fixed_iteration_count_runs_exactly_that_many_iterations() -> None:
    answers, _ = random_answers(5)
    result = ebcc(answers, max_iterations=7, tolerance=None)
    assert (result.iterations, result.converged) == (7, False)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"subtypes": 0}, "subtypes"),
        ({"diagonal": 0.0}, "above zero"),
        ({"max_iterations": 0}, "max_iterations"),
        ({"tolerance": -1.0}, "tolerance"),
    ],
)
def test_bad_settings_are_refused(settings: dict[str, float], message: str) -> None:
    answers, _ = random_answers(6)
    with pytest.raises(AggregationError, match=message):
        ebcc(answers, **settings)  # type: ignore[arg-type]


def test_more_confusion_cells_than_the_limit_are_refused_with_the_numbers() -> None:
    answers, _ = random_answers(7, n_workers=12, n_classes=4)
    with pytest.raises(AggregationError, match="12 workers × 10 subtypes"):
        ebcc(answers, max_confusion_cells=1_000)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_ebcc_keeps_its_accuracy_on_the_real_label_sets(name: str) -> None:
    answers, truth = real_set(name)
    assert accuracy(ebcc(answers), truth) >= FLOORS[name]


def test_cslab_aggregate_runs_ebcc_and_scores_it_against_gold(tmp_path: Path) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text(
        "item,worker,label\n"
        + "".join(
            f"i{item},w{worker},{'cat' if item % 2 else 'dog'}\n"
            for item in range(6)
            for worker in range(3)
        ),
        encoding="utf-8",
    )
    gold = tmp_path / "truth.csv"
    gold.write_text("item,truth\ni0,dog\ni1,cat\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "aggregate", str(answers), "--method", "ebcc", "--gold", str(gold), stdout=out, stderr=err
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["label"] for row in rows] == ["dog", "cat"] * 3
    assert all(
        float(row["p_cat"]) + float(row["p_dog"]) == pytest.approx(1, abs=1e-5) for row in rows
    )
    assert "ebcc: converged after" in err.getvalue()
    assert "accuracy: 1.0000" in err.getvalue()


def test_the_log_likelihood_is_that_of_the_answers_under_the_mean_parameters() -> None:
    # One item, two workers; with one subtype the likelihood is Σ_k τ_k v_0[k, l_0] v_1[k, l_1].
    answers = answers_from([(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 1)])
    result = ebcc(answers, subtypes=1)
    confusion, prior = result.details["confusion"], result.class_prior
    assert prior is not None
    expected = np.log(prior @ (confusion[0, :, 0] * confusion[1, :, 1])) + np.log(
        prior @ (confusion[0, :, 1] * confusion[1, :, 1])
    )
    assert result.log_likelihood == pytest.approx(expected)
