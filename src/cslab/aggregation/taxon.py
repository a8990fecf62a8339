"""The community taxon of iNaturalist: agreement on a taxonomic tree instead of flat classes.

An answer (an identification) names a taxon; the taxonomy is a parent array over taxon
indexes (-1 for a root). For an item and a candidate taxon c (any taxon on the path of any of
the item's identifications):

- support: identifications of c or of a taxon below c;
- disagreements: identifications of a taxon neither below nor above c, plus identifications
  of a taxon above c that were made as an explicit disagreement ("ancestors' disagreements");
  an identification of an ancestor without disagreement is neutral (it does not say c is
  wrong, only less specific) and is left out;
- score: support / (support + disagreements).

The community taxon is the lowest (deepest) taxon with support ≥ `min_support` (2) and score
> `min_score` (2/3); none (-1) when no taxon qualifies. Qualifying taxa always lie on one line
from the root (two siblings cannot both have more than 2/3), so "lowest" is well defined;
ties in depth would go to the lowest taxon index. Every identification counts: remove a
worker's earlier identifications of the same item first, as iNaturalist keeps only the
latest. This is a rule, not a probability model: the result carries the score of the chosen
taxon, not a posterior over all taxa.

Vectorised over answers; the only Python loops run over the depth of the tree.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cslab.aggregation.common import AggregationError, Answers, FloatArray, IntArray

NO_TAXON = -1


@dataclass(frozen=True)
class CommunityTaxonResult:
    """Per item: `taxa` (NO_TAXON when none qualifies), its `score`, `support` and
    `disagreements` (0 where there is no community taxon); per worker: `worker_skill`, the
    share of the worker's identifications on items with a community taxon that lie on its
    line (the taxon itself, an ancestor or a descendant); NaN without such identifications."""

    taxa: IntArray
    score: FloatArray
    support: IntArray
    disagreements: IntArray
    worker_skill: FloatArray


def parents_from_paths(paths: Sequence[Sequence[int]], n_taxa: int | None = None) -> IntArray:
    """A parent array from root-first ancestor lists, e.g. [[0, 1, 4], [0, 2]]."""
    size = (
        n_taxa if n_taxa is not None else 1 + max((max(path) for path in paths if path), default=-1)
    )
    parents = np.full(size, -2, dtype=np.int64)
    for path in paths:
        for position, taxon in enumerate(path):
            parent = path[position - 1] if position else NO_TAXON
            if not 0 <= taxon < size:
                raise AggregationError(f"taxon {taxon} is outside the {size} taxa")
            if parents[taxon] not in (-2, parent):
                raise AggregationError(
                    f"taxon {taxon} has two parents in the paths: {parents[taxon]} and {parent}"
                )
            parents[taxon] = parent
    parents[parents == -2] = NO_TAXON
    return parents


def ancestor_table(parents: npt.ArrayLike) -> IntArray:
    """Row t: t, its parent, grandparent … up to the root, then -1 (n_taxa × (height + 1))."""
    parent_array = np.asarray(parents, dtype=np.int64)
    if parent_array.ndim != 1 or (
        parent_array.size
        and (parent_array.min() < NO_TAXON or parent_array.max() >= len(parent_array))
    ):
        raise AggregationError("parents must be a 1-D array of taxon indexes or -1")
    columns = [np.arange(len(parent_array), dtype=np.int64)]
    current = columns[0]
    while True:
        current = np.where(current >= 0, parent_array[np.maximum(current, 0)], NO_TAXON)
        if not (current >= 0).any():
            break
        if len(columns) > len(parent_array):
            raise AggregationError("the taxonomy has a cycle")
        columns.append(current)
    return np.stack(columns, axis=1)


def community_taxon(
    answers: Answers,
    parents: npt.ArrayLike,
    *,
    explicit_disagreement: npt.ArrayLike | None = None,
    min_support: int = 2,
    min_score: float = 2 / 3,
) -> CommunityTaxonResult:
    """`answers.labels` are taxon indexes into `parents` (n_classes = number of taxa)."""
    ancestors = ancestor_table(parents)
    n_taxa = len(ancestors)
    if n_taxa != answers.n_classes:
        raise AggregationError(
            f"parents covers {n_taxa} taxa but the answers have {answers.n_classes} classes"
        )
    disagrees = (
        np.zeros(answers.count, dtype=bool)
        if explicit_disagreement is None
        else np.asarray(explicit_disagreement, dtype=bool).reshape(-1)
    )
    if len(disagrees) != answers.count:
        raise AggregationError("explicit_disagreement needs one flag per answer")

    # Candidates: every (item, taxon on the path of one of its identifications), with support.
    paths = ancestors[answers.labels]
    on_path = paths >= 0
    path_keys = answers.items[:, None] * n_taxa + paths
    candidate_keys, support = np.unique(path_keys[on_path], return_counts=True)
    candidate_items = candidate_keys // n_taxa
    candidate_taxa = candidate_keys % n_taxa

    # Neutral identifications: non-disagreeing ones of a strict ancestor of the candidate.
    neutral_keys, neutral_counts = np.unique(
        (answers.items * n_taxa + answers.labels)[~disagrees], return_counts=True
    )
    neutral = np.zeros(len(candidate_keys), dtype=np.int64)
    for level in range(1, ancestors.shape[1]):
        above = ancestors[candidate_taxa, level]
        neutral += _lookup(neutral_keys, neutral_counts, candidate_items * n_taxa + above, above)

    total = answers.answers_per_item()[candidate_items]
    counted = total - neutral
    score = support / counted
    disagreements = counted - support
    depth = (ancestors[candidate_taxa] >= 0).sum(axis=1)
    qualifies = (support >= min_support) & (score > min_score)

    taxa = np.full(answers.n_items, NO_TAXON, dtype=np.int64)
    item_score = np.zeros(answers.n_items)
    item_support = np.zeros(answers.n_items, dtype=np.int64)
    item_disagreements = np.zeros(answers.n_items, dtype=np.int64)
    # Per item the deepest qualifying candidate: sort by item, then depth down, then taxon.
    chosen = np.flatnonzero(qualifies)
    chosen = chosen[np.lexsort((candidate_taxa[chosen], -depth[chosen], candidate_items[chosen]))]
    first = np.ones(len(chosen), dtype=bool)
    first[1:] = candidate_items[chosen][1:] != candidate_items[chosen][:-1]
    chosen = chosen[first]
    items = candidate_items[chosen]
    taxa[items] = candidate_taxa[chosen]
    item_score[items] = score[chosen]
    item_support[items] = support[chosen]
    item_disagreements[items] = disagreements[chosen]
    return CommunityTaxonResult(
        taxa=taxa,
        score=item_score,
        support=item_support,
        disagreements=item_disagreements,
        worker_skill=_on_line_share(answers, ancestors, taxa),
    )


def _lookup(keys: IntArray, counts: IntArray, wanted: IntArray, valid: IntArray) -> IntArray:
    """counts[keys == wanted] per wanted key, 0 when absent or when `valid` is -1."""
    if len(keys) == 0:
        return np.zeros(len(wanted), dtype=np.int64)
    positions = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    found = (keys[positions] == wanted) & (valid >= 0)
    return np.where(found, counts[positions], 0)


def _on_line_share(answers: Answers, ancestors: IntArray, taxa: IntArray) -> FloatArray:
    community = taxa[answers.items]
    decided = community >= 0
    answered_taxa = answers.labels[decided]
    chosen = community[decided]
    above_or_equal = (ancestors[chosen] == answered_taxa[:, None]).any(axis=1)
    below = (ancestors[answered_taxa] == chosen[:, None]).any(axis=1)
    workers = answers.workers[decided]
    on_line = np.bincount(
        workers, weights=(above_or_equal | below).astype(np.float64), minlength=answers.n_workers
    )
    given = np.bincount(workers, minlength=answers.n_workers)
    share = np.full(answers.n_workers, np.nan)
    np.divide(on_line, given, out=share, where=given > 0)
    return share
