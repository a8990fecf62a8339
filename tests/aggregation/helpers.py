"""Label sets for the aggregation tests: the real ones with gold, and generated imbalanced ones."""

from pathlib import Path

import numpy as np

from cslab.aggregation import AggregationResult, Answers
from cslab.consensus.io import read_answers, read_gold
from tests.conftest import skip_or_fail

SHARED = Path(__file__).resolve().parents[3] / "shared"
CROWD_LABELS = SHARED / "data" / "crowd-labels"


def real_set(name: str) -> tuple[Answers, np.ndarray]:
    """(answers, gold class per item, -1 without gold); skips when the set is absent."""
    folder = CROWD_LABELS
    if not (folder / name / "answer.csv").exists():
        skip_or_fail(f"the {name} label set is not at {folder / name}")
    table = read_answers(folder / name / "answer.csv")
    gold = read_gold(folder / name / "truth.csv")
    class_index = {label: index for index, label in enumerate(table.class_names)}
    truth = np.array([class_index.get(gold.get(item, ""), -1) for item in table.item_names])
    return table.answers, truth


def accuracy(result: AggregationResult, truth: np.ndarray) -> float:
    has_gold = truth >= 0
    return float(np.mean(result.labels[has_gold] == truth[has_gold]))


def imbalanced_answers(
    seed: int,
    shares: tuple[float, ...],
    *,
    n_items: int = 1_500,
    n_workers: int = 150,
    per_item: int = 3,
) -> tuple[Answers, np.ndarray]:
    """Few answers per item, a skewed workload, and wrong answers leaning to the common class.

    The same recipe as benchmarks/aggregation_accuracy.py, smaller: worker n does a share of
    the work ∝ n^-0.8, is right with a probability uniform in [0.55, 0.95], and on a rare-class
    item answers the common class half the times it is wrong.
    """
    generator = np.random.default_rng(seed)
    n_classes = len(shares)
    truth = generator.choice(n_classes, n_items, p=np.asarray(shares))
    items = np.repeat(np.arange(n_items), per_item)
    workload = 1.0 / np.arange(1, n_workers + 1) ** 0.8
    workload /= workload.sum()
    workers = np.concatenate(
        [generator.choice(n_workers, per_item, replace=False, p=workload) for _ in range(n_items)]
    )
    right = generator.random(len(items)) < generator.uniform(0.55, 0.95, n_workers)[workers]
    other = (truth[items] + generator.integers(1, n_classes, len(items))) % n_classes
    falls_back = (generator.random(len(items)) < 0.5) & (truth[items] != 0)
    labels = np.where(right, truth[items], np.where(falls_back, 0, other))
    return Answers.from_arrays(items, workers, labels, n_classes=n_classes), truth
