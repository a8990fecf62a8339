"""What every aggregation method shares: the coded answers, the result and the tie policy.

Answers are integer-coded: answer `a` says that worker `workers[a]` gave item `items[a]` the
class `labels[a]`, with `0 <= items < n_items`, `0 <= workers < n_workers` and
`0 <= labels < n_classes`. Callers (the CLI, the service) own the mapping between codes and
names; this package never sees a name, a model, a setting or the clock.

Tie policy (every method): classes whose posterior is within `TIE_TOLERANCE` of an item's
largest posterior are tied, and the tie goes to the **lowest class index**. The CLI numbers the
classes in sorted label order (numerically when every label is a number), so there the tie
goes to the class that comes first in that order.
"""

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Posteriors closer than this to the item's maximum count as tied; float sums in a different
# order differ by ~1e-16, so this keeps the tie policy independent of summation order.
TIE_TOLERANCE = 1e-9


class AggregationError(ValueError):
    """Input an aggregation method cannot work with, said in one sentence for the user."""


@dataclass(frozen=True)
class Answers:
    """Integer-coded answers plus the sizes of the three index spaces."""

    items: IntArray
    workers: IntArray
    labels: IntArray
    n_items: int
    n_workers: int
    n_classes: int

    @classmethod
    def from_arrays(
        cls,
        items: npt.ArrayLike,
        workers: npt.ArrayLike,
        labels: npt.ArrayLike,
        *,
        n_items: int | None = None,
        n_workers: int | None = None,
        n_classes: int | None = None,
    ) -> "Answers":
        """Check and copy the three index arrays; a size left out is the largest index + 1."""
        coded = [
            _index_array(name, values)
            for name, values in (("items", items), ("workers", workers), ("labels", labels))
        ]
        lengths = {len(array) for array in coded}
        if len(lengths) != 1:
            raise AggregationError("items, workers and labels must have the same length")
        sizes = []
        for name, array, size in zip(
            ("items", "workers", "labels"), coded, (n_items, n_workers, n_classes), strict=True
        ):
            largest = int(array.max()) + 1 if len(array) else 0
            if size is None:
                size = largest
            if size < largest:
                raise AggregationError(f"{name} holds index {largest - 1}, beyond its size {size}")
            sizes.append(int(size))
        if sizes[2] < 1:
            raise AggregationError("there must be at least one class")
        return cls(coded[0], coded[1], coded[2], sizes[0], sizes[1], sizes[2])

    @property
    def count(self) -> int:
        return len(self.items)

    def answers_per_item(self) -> IntArray:
        return np.bincount(self.items, minlength=self.n_items).astype(np.int64)

    def answers_per_worker(self) -> IntArray:
        return np.bincount(self.workers, minlength=self.n_workers).astype(np.int64)

    def item_label_cells(self) -> IntArray:
        """The flat index `item * n_classes + label` of each answer, for bincount scatters."""
        return self.items * self.n_classes + self.labels


def _index_array(name: str, values: npt.ArrayLike) -> IntArray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise AggregationError(f"{name} must be a one-dimensional array")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise AggregationError(f"{name} must hold integer indexes")
    coded = np.ascontiguousarray(array, dtype=np.int64)
    if coded.size and int(coded.min()) < 0:
        raise AggregationError(f"{name} must not hold negative indexes")
    return coded


@dataclass(frozen=True)
class AggregationResult:
    """What every method returns.

    - `labels[i]`: the chosen class of item i (tie policy in the module docstring);
    - `posteriors[i, k]`: the probability that item i is of class k; every row sums to 1;
      an item without answers gets the class prior (uniform for the vote methods);
    - `worker_skill[w]`: the method's skill estimate of worker w (see each method);
    - `iterations`, `converged`, `objective`: for iterative methods, the EM rounds run, whether
      the tolerance stopped them, and the objective after each round (the marginal
      log-likelihood of the answers plus the log-density of the smoothing prior);
    - `log_likelihood`: the marginal log-likelihood of the answers under the final parameters.
    """

    method: str
    labels: IntArray
    posteriors: FloatArray
    worker_skill: FloatArray
    iterations: int = 0
    converged: bool = True
    objective: tuple[float, ...] = ()
    log_likelihood: float | None = None
    class_prior: FloatArray | None = None
    details: dict[str, FloatArray] = field(default_factory=dict)

    @property
    def confidence(self) -> FloatArray:
        """The posterior of each item's chosen class."""
        chosen: FloatArray = self.posteriors[np.arange(len(self.labels)), self.labels]
        return chosen


def pick_labels(posteriors: FloatArray) -> IntArray:
    """The lowest class index among the classes tied (within TIE_TOLERANCE) for the maximum."""
    if posteriors.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    by_class = posteriors.T
    tied = by_class >= by_class.max(axis=0) - TIE_TOLERANCE
    labels: IntArray = np.argmax(tied, axis=0).astype(np.int64)
    return labels


def normalise_log_rows(log_scores: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Rows of log scores → (probabilities summing to 1, each row's log-sum-exp).

    Works on the class-major transpose: reducing over the first axis runs as whole-row
    vector operations, many times faster than reducing over a short last axis.
    """
    by_class = np.ascontiguousarray(log_scores.T)
    peak = by_class.max(axis=0)
    by_class -= peak
    np.exp(by_class, out=by_class)
    totals = by_class.sum(axis=0)
    by_class /= totals
    return np.ascontiguousarray(by_class.T), np.log(totals) + peak


def vote_fractions(answers: Answers) -> FloatArray:
    """Share of each item's answers per class; uniform for an item without answers."""
    counts = np.bincount(
        answers.item_label_cells(), minlength=answers.n_items * answers.n_classes
    ).reshape(answers.n_items, answers.n_classes)
    totals = answers.answers_per_item()
    fractions = counts / np.maximum(totals, 1)[:, None]
    unanswered = totals == 0
    if unanswered.any():
        fractions[unanswered] = 1.0 / answers.n_classes
    return fractions


def agreement_share(answers: Answers, labels: IntArray) -> FloatArray:
    """Per worker, the share of answers equal to the item's chosen label (NaN: no answers)."""
    agrees = (labels[answers.items] == answers.labels).astype(np.float64)
    matched = np.bincount(answers.workers, weights=agrees, minlength=answers.n_workers)
    given = answers.answers_per_worker()
    share = np.full(answers.n_workers, np.nan)
    np.divide(matched, given, out=share, where=given > 0)
    return share


def expected_correct_share(answers: Answers, posteriors: FloatArray) -> FloatArray:
    """Per worker, the posterior-weighted share of answers that match the true class."""
    correct = posteriors.reshape(-1)[answers.item_label_cells()]
    expected = np.bincount(answers.workers, weights=correct, minlength=answers.n_workers)
    given = answers.answers_per_worker()
    share = np.full(answers.n_workers, np.nan)
    np.divide(expected, given, out=share, where=given > 0)
    return share


def check_iteration_settings(max_iterations: int, tolerance: float | None) -> None:
    if max_iterations < 1:
        raise AggregationError("max_iterations must be at least 1")
    if tolerance is not None and not tolerance >= 0:
        raise AggregationError("tolerance must be zero or more (None: run every iteration)")


def has_converged(objective: list[float], tolerance: float | None) -> bool:
    """Stop when the objective rose by at most `tolerance` × |objective| since the last round.

    The objective is the true (penalised) log-likelihood, which EM never decreases; with
    `tolerance=None` every iteration runs, for timing at a fixed iteration count.
    """
    if tolerance is None or len(objective) < 2:
        return False
    return objective[-1] - objective[-2] <= tolerance * abs(objective[-1])


def single_class_result(method: str, answers: Answers) -> AggregationResult:
    """With one class there is nothing to infer: every item is class 0 for certain."""
    return AggregationResult(
        method=method,
        labels=np.zeros(answers.n_items, dtype=np.int64),
        posteriors=np.ones((answers.n_items, 1)),
        worker_skill=np.where(answers.answers_per_worker() > 0, 1.0, np.nan),
        class_prior=np.ones(1),
    )
