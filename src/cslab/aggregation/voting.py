"""Majority vote and weighted majority vote (weights from each worker's accuracy on gold items).

Both count every answer, repeats of the same worker on the same item included (the caller
removes repeats first when it wants otherwise).
"""

import numpy as np
import numpy.typing as npt

from cslab.aggregation.common import (
    AggregationError,
    AggregationResult,
    Answers,
    FloatArray,
    agreement_share,
    normalise_log_rows,
    pick_labels,
    vote_fractions,
)

# Accuracies are kept inside (ACCURACY_FLOOR, 1 - ACCURACY_FLOOR) so every weight is finite.
ACCURACY_FLOOR = 1e-6


def majority_vote(answers: Answers) -> AggregationResult:
    """Each item's most frequent class.

    Posterior: the share of the item's answers per class (uniform without answers).
    Worker skill: the share of the worker's answers that equal the chosen label (NaN when the
    worker gave none).
    """
    posteriors = vote_fractions(answers)
    labels = pick_labels(posteriors)
    return AggregationResult(
        method="majority",
        labels=labels,
        posteriors=posteriors,
        worker_skill=agreement_share(answers, labels),
    )


def gold_accuracy(
    answers: Answers,
    *,
    gold_items: npt.ArrayLike,
    gold_labels: npt.ArrayLike,
    prior_strength: float = 2.0,
) -> tuple[FloatArray, FloatArray]:
    """Per worker (smoothed accuracy on gold items, number of gold answers).

    A worker's accuracy is shrunk towards the pooled accuracy of all workers on gold:
    `(correct + prior_strength * pooled) / (gold answers + prior_strength)`, where `pooled`
    is itself Laplace-smoothed, `(all correct + 1) / (all gold answers + 2)`. A worker without
    gold answers gets the pooled accuracy.
    """
    truth = _truth_per_item(answers, gold_items, gold_labels)
    on_gold = truth[answers.items] >= 0
    if not on_gold.any():
        raise AggregationError("weighted majority needs gold truth for at least one answered item")
    if prior_strength < 0:
        raise AggregationError("prior_strength must be zero or more")
    gold_workers = answers.workers[on_gold]
    correct = (answers.labels[on_gold] == truth[answers.items[on_gold]]).astype(np.float64)
    correct_per_worker = np.bincount(gold_workers, weights=correct, minlength=answers.n_workers)
    seen_per_worker = np.bincount(gold_workers, minlength=answers.n_workers).astype(np.float64)
    pooled = (correct.sum() + 1.0) / (len(correct) + 2.0)
    accuracy = (correct_per_worker + prior_strength * pooled) / (seen_per_worker + prior_strength)
    if prior_strength == 0:
        accuracy = np.where(seen_per_worker > 0, accuracy, pooled)
    return np.clip(accuracy, ACCURACY_FLOOR, 1 - ACCURACY_FLOOR), seen_per_worker


def weighted_majority_vote(
    answers: Answers,
    *,
    gold_items: npt.ArrayLike,
    gold_labels: npt.ArrayLike,
    prior_strength: float = 2.0,
) -> AggregationResult:
    """Votes weighted by each worker's gold accuracy (see `gold_accuracy`).

    The weight of a worker with accuracy p among K classes is log((K - 1) p / (1 - p)): the
    log-odds that makes the weighted vote the exact posterior when each worker is right with
    probability p and otherwise picks one of the other classes at random. So the posterior of
    class k is softmax over classes of the summed weights of the votes for k, from a uniform
    prior; a worker at chance level (p = 1/K) weighs nothing, and one below it counts against
    the class they chose. Gold items are aggregated like the others (their truth only sets the
    weights). Worker skill: the smoothed gold accuracy.
    """
    accuracy, _ = gold_accuracy(
        answers, gold_items=gold_items, gold_labels=gold_labels, prior_strength=prior_strength
    )
    n_classes = answers.n_classes
    if n_classes > 1:
        weights = np.log((n_classes - 1) * accuracy / (1 - accuracy))
    else:
        weights = np.ones(answers.n_workers)
    scores = np.bincount(
        answers.item_label_cells(),
        weights=weights[answers.workers],
        minlength=answers.n_items * n_classes,
    ).reshape(answers.n_items, n_classes)
    posteriors, _ = normalise_log_rows(scores.astype(np.float64))
    return AggregationResult(
        method="weighted",
        labels=pick_labels(posteriors),
        posteriors=posteriors,
        worker_skill=accuracy,
        details={"weights": weights},
    )


def _truth_per_item(
    answers: Answers, gold_items: npt.ArrayLike, gold_labels: npt.ArrayLike
) -> npt.NDArray[np.int64]:
    """An array over items: the gold class, or -1 where there is no gold."""
    items = np.asarray(gold_items, dtype=np.int64).reshape(-1)
    labels = np.asarray(gold_labels, dtype=np.int64).reshape(-1)
    if len(items) != len(labels):
        raise AggregationError("gold_items and gold_labels must have the same length")
    if len(items) and (items.min() < 0 or items.max() >= answers.n_items):
        raise AggregationError("gold_items holds an index outside the items")
    if len(labels) and (labels.min() < 0 or labels.max() >= answers.n_classes):
        raise AggregationError("gold_labels holds an index outside the classes")
    truth = np.full(answers.n_items, -1, dtype=np.int64)
    truth[items] = labels
    return truth
