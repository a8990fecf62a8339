"""When a subject retires, and the posterior it is judged on.

Pure: no ORM, no settings, no clock. A subject retires after `retirement_count` counted
classifications, or early when at least `min_agreeing` answers agree on one label of the
consensus task and that label's posterior confidence is at least `min_confidence`.

The posterior is the one-coin model of `cslab.aggregation.posterior`: each answer
counts with its volunteer's accuracy (the skill stored by the last aggregation run, or
`DEFAULT_ACCURACY` for a volunteer without one), from a uniform prior. It needs only the
subject's own answers and one indexed read of the skills, so it runs inside the
classification's transaction (`cslab.consensus.selectors.subject_votes` reads the rows; consensus
registers it with `services.classifications.votes_reader_register`).
With equal accuracies it ranks labels exactly as the vote counts do.

Tie policy: when several labels share the highest posterior, the one listed first in the task
wins (deterministic); with equal accuracies a tie between two labels has a posterior of at
most one half, so it cannot retire a subject early by itself when `min_confidence` > 0.5.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cslab.aggregation.posterior import one_coin_posterior

CLASSIFICATION_COUNT = "classification_count"
CONSENSUS = "consensus"
# The accuracy assumed for a volunteer the aggregation has not estimated yet.
DEFAULT_ACCURACY = 0.7


@dataclass(frozen=True)
class Tally:
    """The votes for one subject: the winning label, its support, its posterior confidence,
    every class's posterior (`probabilities`) and every class's share of the votes."""

    label: str | None
    agreeing: int
    total: int
    confidence: float
    probabilities: dict[str, float] = field(default_factory=dict)
    shares: dict[str, float] = field(default_factory=dict)

    @property
    def is_tied(self) -> bool:
        top = sorted(self.probabilities.values(), reverse=True)
        return len(top) > 1 and top[0] > 0 and top[0] == top[1]


def tally(
    labels: Iterable[str | None],
    classes: Sequence[str],
    accuracies: Sequence[float | None] | None = None,
) -> Tally:
    """Count the labels (None = unanswered, ignored) over the classes of the task, and
    compute the posterior of every class.

    `accuracies[i]` is the accuracy of the volunteer who gave `labels[i]` (None or left out:
    `DEFAULT_ACCURACY`). Labels outside `classes` are classes of their own, after the listed
    ones. Without answers every probability is 0 and there is no label.
    """
    given = list(labels)
    weights = list(accuracies) if accuracies is not None else [None] * len(given)
    answered = [
        (label, DEFAULT_ACCURACY if accuracy is None else accuracy)
        for label, accuracy in zip(given, weights, strict=True)
        if label is not None
    ]
    counts = Counter(label for label, _accuracy in answered)
    total = len(answered)
    order = list(classes) + sorted(label for label in counts if label not in classes)
    shares = {label: (counts[label] / total if total else 0.0) for label in order}
    if not total:
        return Tally(None, 0, 0, 0.0, dict(shares), shares)
    index = {label: position for position, label in enumerate(order)}
    chosen, posterior = one_coin_posterior(
        [index[label] for label, _accuracy in answered],
        [accuracy for _label, accuracy in answered],
        len(order),
    )
    probabilities = {label: float(posterior[index[label]]) for label in order}
    best = order[chosen]
    return Tally(best, counts[best], total, probabilities[best], probabilities, shares)


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
