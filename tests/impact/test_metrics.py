"""Participation inequality as pure functions: the Gini coefficient, the Lorenz curve and the
share of the most active participants, against values worked out by hand."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cslab.impact.figures import InequalityFigures
from cslab.impact.metrics import gini, inequality, lorenz_curve, top_share


def _flat(points: list[tuple[float, float]]) -> list[float]:
    return [coordinate for point in points for coordinate in point]


def _skewed_counts(participants: int, *, seed: int) -> list[int]:
    """Counts as skewed as real projects': many make one or two contributions, few make most
    (some zero, as participants without contributions in a period), at least one above zero."""
    generator = np.random.default_rng(seed)
    counts: list[int] = np.floor(generator.pareto(1.1, participants) * 2).astype(int).tolist()
    counts[0] = max(counts[0], 1)
    return counts


@pytest.mark.parametrize("counts", [[1], [5, 5, 5, 5], [3] * 1000])
def test_the_gini_of_equal_shares_is_zero(counts: list[int]) -> None:
    assert gini(counts) == 0


@pytest.mark.parametrize("participants", [1, 2, 4, 10, 1000])
def test_the_gini_of_one_contributor_among_n_is_n_minus_one_over_n(participants: int) -> None:
    counts = [0] * (participants - 1) + [7]
    assert gini(counts) == pytest.approx((participants - 1) / participants)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([1, 2, 3, 4], 0.25),
        ([4, 1, 3, 2], 0.25),
        # Sorted 0, 0, 1, 1: (−3·0 − 1·0 + 1·1 + 3·1) / (4 · 2).
        ([1, 0, 1, 0], 0.5),
        # Sorted 1, 1, 10: (−2·1 + 0·1 + 2·10) / (3 · 12).
        ([10, 1, 1], 0.5),
    ],
)
def test_the_gini_matches_values_worked_out_by_hand(counts: list[int], expected: float) -> None:
    assert gini(counts) == pytest.approx(expected)


@pytest.mark.parametrize("counts", [[], [0], [0, 0, 0]])
def test_the_gini_of_no_contributions_has_no_value(counts: list[int]) -> None:
    assert gini(counts) is None


@pytest.mark.parametrize("function", [gini, lorenz_curve, inequality])
def test_negative_counts_are_rejected(function: object) -> None:
    with pytest.raises(ValueError, match="negative"):
        function([3, -1, 2])  # type: ignore[operator]


def test_fractional_counts_are_rejected() -> None:
    with pytest.raises(ValueError, match="whole numbers"):
        gini([1.5, 2])  # type: ignore[list-item]


def test_the_lorenz_curve_of_a_small_project_has_a_point_per_participant() -> None:
    curve = lorenz_curve([4, 1, 3, 2])
    assert _flat(curve) == pytest.approx(
        _flat([(0, 0), (0.25, 0.1), (0.5, 0.3), (0.75, 0.6), (1, 1)])
    )


def test_the_lorenz_curve_of_equal_shares_is_the_diagonal() -> None:
    curve = lorenz_curve([2] * 1000, points=101)
    assert len(curve) == 101
    assert all(participants == contributions for participants, contributions in curve)


@pytest.mark.parametrize("points", [2, 11, 101])
@pytest.mark.parametrize("participants", [1, 7, 100, 5000])
def test_the_lorenz_curve_runs_from_corner_to_corner_without_falling(
    participants: int, points: int
) -> None:
    counts = _skewed_counts(participants, seed=participants * points)
    curve = lorenz_curve(counts, points=points)
    assert curve[0] == (0, 0)
    assert curve[-1] == (1, 1)
    assert len(curve) <= points
    assert len(curve) == min(points, participants + 1)
    for (left_x, left_y), (right_x, right_y) in itertools.pairwise(curve):
        assert left_x < right_x
        assert left_y <= right_y
        # Below the diagonal: participants come from fewest contributions to most.
        assert right_y <= right_x + 1e-12


def test_no_contributions_have_no_lorenz_curve() -> None:
    assert lorenz_curve([0, 0]) == []


def test_a_lorenz_curve_needs_two_points() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        lorenz_curve([1, 2], points=1)


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [
        # 10 participants: the top 1 % and the top 10 % are both the single most active one.
        (0.01, 91 / 100),
        (0.1, 91 / 100),
        (0.2, 92 / 100),
        (0.5, 95 / 100),
        (1.0, 1.0),
    ],
)
def test_the_top_share_counts_the_most_active_participants(
    fraction: float, expected: float
) -> None:
    counts = [1] * 9 + [91]
    assert top_share(counts, fraction) == pytest.approx(expected)


def test_the_top_ten_percent_of_thirty_participants_are_three() -> None:
    # 0.1 × 30 is 3.0000000000000004 in binary floating point: still three participants.
    counts = list(range(1, 31))
    assert top_share(counts, 0.1) == pytest.approx((28 + 29 + 30) / sum(counts))


def test_the_top_one_percent_of_fifty_participants_is_the_top_one() -> None:
    counts = [1] * 49 + [51]
    assert top_share(counts, 0.01) == pytest.approx(51 / 100)


def test_the_top_share_of_no_contributions_has_no_value() -> None:
    assert top_share([0, 0], 0.1) is None
    assert top_share([], 0.1) is None


@pytest.mark.parametrize("fraction", [0, -0.1, 1.5])
def test_a_top_fraction_outside_zero_to_one_is_rejected(fraction: float) -> None:
    with pytest.raises(ValueError, match="fraction"):
        top_share([1, 2], fraction)


def test_the_inequality_figures_agree_with_the_single_metrics() -> None:
    counts = _skewed_counts(3000, seed=15)
    figures = inequality(counts)
    assert figures.gini == pytest.approx(gini(counts))
    assert _flat(figures.lorenz) == pytest.approx(_flat(lorenz_curve(counts)))
    assert figures.top_1_percent_share == pytest.approx(top_share(counts, 0.01))
    assert figures.top_10_percent_share == pytest.approx(top_share(counts, 0.1))


def test_the_inequality_of_no_contributions_is_empty() -> None:
    assert inequality([0, 0, 0]) == InequalityFigures()


def test_the_inequality_of_fifty_thousand_skewed_participants_is_high_and_bounded() -> None:
    # Speed is `make bench`'s (benchmarks/impact_metrics.py), never a timed test.
    counts = _skewed_counts(50_000, seed=50_000)
    figures = inequality(counts)
    assert figures.gini is not None and 0.3 < figures.gini < 1
    assert figures.top_1_percent_share is not None and figures.top_10_percent_share is not None
    assert figures.top_1_percent_share < figures.top_10_percent_share <= 1
