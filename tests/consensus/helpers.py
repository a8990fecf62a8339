"""Small builders shared by the consensus tests."""

from collections.abc import Callable

import numpy as np

from cslab.aggregation import (
    AggregationResult,
    Answers,
    dawid_skene,
    mace,
    majority_vote,
    one_coin_dawid_skene,
    weighted_majority_vote,
)


def answers_from(rows: list[tuple[int, int, int]], **sizes: int) -> Answers:
    """Answers from (item, worker, label) triples."""
    items, workers, labels = (list(column) for column in zip(*rows, strict=True))
    return Answers.from_arrays(items, workers, labels, **sizes)


def random_answers(
    seed: int,
    *,
    n_items: int = 60,
    n_workers: int = 12,
    n_classes: int = 4,
    per_item: int = 5,
) -> tuple[Answers, np.ndarray]:
    """Workers of mixed accuracy answering items of known truth; returns (answers, truth)."""
    generator = np.random.default_rng(seed)
    truth = generator.integers(0, n_classes, n_items)
    items = np.repeat(np.arange(n_items), per_item)
    workers = generator.integers(0, n_workers, len(items))
    accuracy = generator.uniform(0.4, 0.95, n_workers)
    right = generator.random(len(items)) < accuracy[workers]
    other = (truth[items] + generator.integers(1, n_classes, len(items))) % n_classes
    labels = np.where(right, truth[items], other)
    answers = Answers.from_arrays(items, workers, labels, n_classes=n_classes)
    return answers, truth


def weighted_with_all_gold(answers: Answers) -> AggregationResult:
    """Weighted majority with the majority-vote labels of the first half of items as gold."""
    half = np.arange(answers.n_items // 2 or 1)
    gold_labels = majority_vote(answers).labels[half]
    return weighted_majority_vote(answers, gold_items=half, gold_labels=gold_labels)


METHODS: dict[str, Callable[[Answers], AggregationResult]] = {
    "majority": majority_vote,
    "weighted": weighted_with_all_gold,
    "dawid-skene": dawid_skene,
    "one-coin": one_coin_dawid_skene,
    "mace": mace,
}
