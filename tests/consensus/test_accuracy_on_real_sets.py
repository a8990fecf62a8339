"""Accuracy on the real label sets with gold truth in ../shared/data/crowd-labels (item 11).

Dawid–Skene must reach crowd-kit 1.4.2's published DawidSkene accuracy minus 0.5 percentage
points. The other methods are held to floors just under what they reach today (recorded in
docs/consensus.md beside crowd-kit's figures), so a regression shows.
"""

from pathlib import Path

import numpy as np
import pytest

from cslab.aggregation import (
    AggregationResult,
    dawid_skene,
    mace,
    majority_vote,
    one_coin_dawid_skene,
    weighted_majority_vote,
)
from cslab.consensus.io import LabelTable, read_answers, read_gold
from tests.conftest import skip_or_fail

SHARED = Path(__file__).resolve().parents[3] / "shared"
CROWD_LABELS = SHARED / "data" / "crowd-labels"

# crowd-kit 1.4.2's DawidSkene accuracy, as published (Crowd-Kit JOSS paper).
CROWD_KIT_DAWID_SKENE = {"D_Product": 0.940, "D_PosSent": 0.960}
ALLOWED_SHORTFALL = 0.005
# crowd-kit's majority vote, published; ours breaks ties the same way on these sets.
CROWD_KIT_MAJORITY = {"D_Product": 0.8966, "D_PosSent": 0.932}
FLOORS = {
    "D_Product": {"weighted": 0.93, "one-coin": 0.905, "mace": 0.935},
    "D_PosSent": {"weighted": 0.95, "one-coin": 0.945, "mace": 0.955},
}


def _load(name: str) -> tuple[LabelTable, np.ndarray]:
    folder = CROWD_LABELS / name
    if not (folder / "answer.csv").exists():
        skip_or_fail(f"the {name} label set is not at {folder}")
    table = read_answers(folder / "answer.csv")
    gold = read_gold(folder / "truth.csv")
    class_index = {label: index for index, label in enumerate(table.class_names)}
    truth = np.array([class_index.get(gold.get(item, ""), -1) for item in table.item_names])
    return table, truth


def _accuracy(result: AggregationResult, truth: np.ndarray) -> float:
    has_gold = truth >= 0
    return float(np.mean(result.labels[has_gold] == truth[has_gold]))


@pytest.mark.parametrize("name", sorted(CROWD_KIT_DAWID_SKENE))
def test_dawid_skene_is_at_most_half_a_point_below_crowd_kit(name: str) -> None:
    table, truth = _load(name)
    result = dawid_skene(table.answers)
    assert result.converged
    assert _accuracy(result, truth) >= CROWD_KIT_DAWID_SKENE[name] - ALLOWED_SHORTFALL


@pytest.mark.parametrize("name", sorted(CROWD_KIT_DAWID_SKENE))
def test_dawid_skene_on_real_sets_climbs_the_likelihood_until_it_levels_off(name: str) -> None:
    table, _ = _load(name)
    result = dawid_skene(table.answers)
    assert result.iterations > 2  # crowd-kit's surrogate stops after 2 on some sets
    steps = np.diff(result.objective)
    assert np.all(steps >= -1e-9 * np.abs(result.objective[1:]))


@pytest.mark.parametrize("name", sorted(CROWD_KIT_MAJORITY))
def test_majority_vote_matches_crowd_kit(name: str) -> None:
    table, truth = _load(name)
    assert _accuracy(majority_vote(table.answers), truth) == pytest.approx(
        CROWD_KIT_MAJORITY[name], abs=5e-5
    )


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_the_other_methods_keep_their_accuracy(name: str) -> None:
    table, truth = _load(name)
    has_gold = np.flatnonzero(truth >= 0)
    results = {
        "weighted": weighted_majority_vote(
            table.answers, gold_items=has_gold, gold_labels=truth[has_gold]
        ),
        "one-coin": one_coin_dawid_skene(table.answers),
        "mace": mace(table.answers),
    }
    for method, floor in FLOORS[name].items():
        assert _accuracy(results[method], truth) >= floor, method
