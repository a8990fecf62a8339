"""The iNaturalist-style community taxon on a small tree of life.

0 Life ─┬─ 1 Plants
        └─ 2 Animals ── 3 Birds ─┬─ 4 Robin
                                 └─ 5 Sparrow
"""

import numpy as np
import pytest

from cslab.aggregation import (
    NO_TAXON,
    AggregationError,
    Answers,
    ancestor_table,
    community_taxon,
    parents_from_paths,
)

LIFE, PLANTS, ANIMALS, BIRDS, ROBIN, SPARROW = range(6)
PARENTS = parents_from_paths(
    [[LIFE, PLANTS], [LIFE, ANIMALS, BIRDS, ROBIN], [LIFE, ANIMALS, BIRDS, SPARROW]]
)


def _one_item(taxa: list[int], disagreements: list[bool] | None = None):  # type: ignore[no-untyped-def]
    answers = Answers.from_arrays([0] * len(taxa), range(len(taxa)), taxa, n_classes=6)
    return community_taxon(answers, PARENTS, explicit_disagreement=disagreements)


def test_paths_become_a_parent_array() -> None:
    np.testing.assert_array_equal(PARENTS, [-1, LIFE, LIFE, ANIMALS, BIRDS, BIRDS])


def test_paths_that_give_a_taxon_two_parents_are_refused() -> None:
    with pytest.raises(AggregationError, match="two parents"):
        parents_from_paths([[0, 1, 3], [0, 2, 3]])


def test_a_cycle_in_the_taxonomy_is_refused() -> None:
    with pytest.raises(AggregationError, match="cycle"):
        ancestor_table([1, 0])


def test_two_against_one_is_not_more_than_two_thirds_so_the_common_ancestor_wins() -> None:
    result = _one_item([ROBIN, ROBIN, SPARROW])
    assert result.taxa[0] == BIRDS
    assert result.support[0] == 3
    assert result.score[0] == 1.0


def test_three_against_one_is_more_than_two_thirds_so_the_species_wins() -> None:
    result = _one_item([ROBIN, ROBIN, ROBIN, SPARROW])
    assert result.taxa[0] == ROBIN
    assert result.score[0] == pytest.approx(0.75)
    assert result.disagreements[0] == 1


def test_one_identification_is_not_enough_for_a_community_taxon() -> None:
    result = _one_item([ROBIN])
    assert result.taxa[0] == NO_TAXON
    assert np.isnan(result.worker_skill[0])


def test_a_coarser_identification_without_disagreement_does_not_count_against_the_species() -> None:
    result = _one_item([ROBIN, ROBIN, BIRDS])
    assert result.taxa[0] == ROBIN
    assert result.score[0] == 1.0


def test_an_ancestors_explicit_disagreement_counts_against_the_species() -> None:
    result = _one_item([ROBIN, ROBIN, BIRDS], [False, False, True])
    assert result.taxa[0] == BIRDS


def test_disagreement_in_different_kingdoms_can_leave_only_the_root() -> None:
    result = _one_item([ROBIN, PLANTS, ROBIN, PLANTS])
    assert result.taxa[0] == LIFE


def test_items_are_decided_independently_and_skill_is_the_share_on_the_line() -> None:
    answers = Answers.from_arrays(
        items=[0, 0, 0, 1, 1, 1],
        workers=[0, 1, 2, 0, 1, 2],
        labels=[ROBIN, ROBIN, ROBIN, SPARROW, SPARROW, PLANTS],
        n_classes=6,
    )
    result = community_taxon(answers, PARENTS)
    np.testing.assert_array_equal(result.taxa, [ROBIN, LIFE])
    np.testing.assert_allclose(result.worker_skill, [1.0, 1.0, 1.0])
    stricter = community_taxon(answers, PARENTS, min_support=3)
    np.testing.assert_array_equal(stricter.taxa, [ROBIN, LIFE])


def test_a_taxonomy_that_does_not_match_the_classes_is_refused() -> None:
    answers = Answers.from_arrays([0], [0], [0], n_classes=3)
    with pytest.raises(AggregationError, match="parents covers 6 taxa"):
        community_taxon(answers, PARENTS)
