"""Pure aggregation methods: integer-coded answers in, labels, posteriors and skills out.

No ORM, settings or clock here; see `common` for the input, the result and the tie policy.
"""

from cslab.aggregation.common import (
    TIE_TOLERANCE,
    AggregationError,
    AggregationResult,
    Answers,
    pick_labels,
)
from cslab.aggregation.dawid_skene import dawid_skene, one_coin_dawid_skene
from cslab.aggregation.ebcc import ebcc
from cslab.aggregation.mace import mace
from cslab.aggregation.taxon import (
    NO_TAXON,
    CommunityTaxonResult,
    ancestor_table,
    community_taxon,
    parents_from_paths,
)
from cslab.aggregation.voting import gold_accuracy, majority_vote, weighted_majority_vote

__all__ = [
    "NO_TAXON",
    "TIE_TOLERANCE",
    "AggregationError",
    "AggregationResult",
    "Answers",
    "CommunityTaxonResult",
    "ancestor_table",
    "community_taxon",
    "dawid_skene",
    "ebcc",
    "gold_accuracy",
    "mace",
    "majority_vote",
    "one_coin_dawid_skene",
    "parents_from_paths",
    "pick_labels",
    "weighted_majority_vote",
]
