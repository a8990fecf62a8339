"""When a subject retires, and the vote shares it is judged on.

Pure: no ORM, no settings, no clock. A subject retires after `retirement_count` counted
classifications, or early when at least `min_agreeing` answers agree on one label of the
consensus task and that label's posterior confidence is at least `min_confidence`.

The posterior used here is the vote share (majority vote with a uniform prior): it is what the
retirement check can afford inside the classification's transaction.
TODO(#5): ask `cslab.consensus.aggregation` (majority vote / Dawid–Skene posteriors) for the
posterior once that module lands, so early retirement can weigh volunteers by skill.

Tie policy: when several labels share the highest count, the one listed first in the task wins
(deterministic), and its confidence is its share, so a tie never reaches a confidence above
one half and cannot retire a subject early by itself when `min_confidence` > 0.5.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CLASSIFICATION_COUNT = "classification_count"
CONSENSUS = "consensus"


@dataclass(frozen=True)
class Tally:
    """The votes for one subject: the winning label, its support and every class's share."""

    label: str | None
    agreeing: int
    total: int
    confidence: float
    probabilities: dict[str, float] = field(default_factory=dict)

    @property
    def is_tied(self) -> bool:
        top = sorted(self.probabilities.values(), reverse=True)
        return len(top) > 1 and top[0] > 0 and top[0] == top[1]


def tally(labels: Iterable[str | None], classes: Sequence[str]) -> Tally:
    """Count the labels (None = unanswered, ignored) over the classes of the task.

    Labels outside `classes` are counted as classes of their own, after the listed ones.
    """
    counts = Counter(label for label in labels if label is not None)
    total = sum(counts.values())
    order = list(classes) + sorted(label for label in counts if label not in classes)
    probabilities = {label: (counts[label] / total if total else 0.0) for label in order}
    if not total:
        return Tally(None, 0, 0, 0.0, probabilities)
    best = max(order, key=lambda label: (counts[label], -order.index(label)))
    return Tally(best, counts[best], total, probabilities[best], probabilities)


def retirement_reason(
    *,
    count: int,
    retirement_count: int,
    votes: Tally | None,
    min_agreeing: int | None,
    min_confidence: float | None,
) -> str | None:
    """Return why a subject should retire now ("classification_count" or "consensus"), or
    None while it should stay active."""
    if count >= retirement_count:
        return CLASSIFICATION_COUNT
    if (
        votes is not None
        and min_agreeing is not None
        and min_confidence is not None
        and votes.agreeing >= min_agreeing
        and votes.confidence >= min_confidence
    ):
        return CONSENSUS
    return None
