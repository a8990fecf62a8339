"""EBCC: Bayesian classifier combination with worker correlation (Li, Rubinstein & Cohn 2019).

"Exploiting Worker Correlation for Label Aggregation in Crowdsourcing", ICML 2019. Each true
class k is split into `subtypes` (default 10) latent subtypes; an item of class k belongs to
subtype m with probability ρ_k[m], and worker w answers l on an item of class k and subtype m
with probability v_w[k, m, l]. Workers who err together on the same kind of item (a subtype)
are thereby correlated, which plain Dawid–Skene and Bayesian Classifier Combination (iBCC)
cannot express. Priors: the class shares τ ~ Dirichlet(`class_concentration`), each ρ_k ~
Dirichlet(1) and each row v_w[k, m] ~ Dirichlet with `diagonal` (default 4) pseudo-answers on
the right answer and `off_diagonal` (default 1) on each wrong one — the paper's settings.

Inference is mean-field variational Bayes, as in the authors' reference code: the posterior
over (class, subtype) of every item, q(z_i = k, g_i = m), alternates with the Dirichlet
posteriors of τ, ρ and v. Every quantity the two steps need is one sparse product of the
item × (worker, answer) count matrix with a dense (class × subtype) array, so an iteration
costs about what a Dawid–Skene iteration costs times the number of subtypes.

Why it helps on sparse, imbalanced data: the rows of every worker's confusion matrices are
posteriors, not point estimates, and they are averaged through E[log v] (digamma), so a worker
with three answers on a rare class is neither trusted nor distrusted on those three; and the
class shares are a posterior too, so a rare class keeps a fair share instead of being
absorbed by the common one.

The subtype posteriors start from the vote shares split at random over the subtypes (a
Dirichlet(1) draw from `seed`), so the same answers and seed give the same result. Iteration
stops when no item's class posterior moved by more than `tolerance` (default 1e-4), or after
`max_iterations`. `objective` is left empty: the evidence lower bound is not computed (the
stopping rule does not need it). `log_likelihood` is the marginal log-likelihood of the answers
under the posterior-mean parameters, classes and subtypes summed out.
"""

import numpy as np
from scipy.special import digamma  # type: ignore[import-untyped]  # scipy ships no type hints

from cslab.aggregation.common import (
    AggregationError,
    AggregationResult,
    Answers,
    check_iteration_settings,
    pick_labels,
    single_class_result,
    vote_fractions,
)
from cslab.aggregation.dawid_skene import MAX_CONFUSION_CELLS, _item_by_worker_label

SUBTYPES = 10
DIAGONAL = 4.0
OFF_DIAGONAL = 1.0
SEED = 1234


def ebcc(
    answers: Answers,
    *,
    subtypes: int = SUBTYPES,
    max_iterations: int = 500,
    tolerance: float | None = 1e-4,
    diagonal: float = DIAGONAL,
    off_diagonal: float = OFF_DIAGONAL,
    class_concentration: float = 1.0,
    seed: int = SEED,
    max_confusion_cells: int = MAX_CONFUSION_CELLS,
) -> AggregationResult:
    """EBCC by mean-field variational Bayes; see the module docstring.

    Posteriors: q(z_i = k), the subtypes summed out. Worker skill: the expected probability of
    a right answer on a random item, Σ_k E[τ_k] Σ_m E[ρ_k[m]] E[v_w[k, m, k]].
    `details["confusion"]`: the expected confusion matrix of each worker with the subtypes
    averaged out, n_workers × K × K (true class, answer).
    """
    check_iteration_settings(max_iterations, tolerance)
    if subtypes < 1:
        raise AggregationError("subtypes must be at least 1")
    if not (diagonal > 0 and off_diagonal > 0 and class_concentration > 0):
        raise AggregationError("diagonal, off_diagonal and class_concentration must be above zero")
    if answers.n_classes == 1:
        return single_class_result("ebcc", answers)
    n_items, n_workers, n_classes = answers.n_items, answers.n_workers, answers.n_classes
    cells = n_workers * n_classes * subtypes * n_classes
    if cells > max_confusion_cells:
        raise AggregationError(
            f"EBCC keeps a confusion matrix per worker and subtype: {n_workers:,} workers × "
            f"{subtypes} subtypes × {n_classes:,}² classes = {cells:,} cells, above the limit "
            f"of {max_confusion_cells:,}; use fewer subtypes or one-coin Dawid–Skene"
        )
    # counts[i, w * K + l]: how often worker w answered l on item i.
    counts = _item_by_worker_label(answers)
    counts_transposed = counts.T
    answered = (answers.answers_per_item() > 0).astype(np.float64)
    # prior[l, k]: pseudo-answers l on items of class k, for every worker and subtype.
    prior = off_diagonal + (diagonal - off_diagonal) * np.eye(n_classes)

    posteriors = vote_fractions(answers)
    generator = np.random.default_rng(seed)
    split = generator.dirichlet(np.ones(subtypes), size=(n_items, n_classes))
    # joint[i, k, m] = q(z_i = k, g_i = m).
    joint = split * posteriors[:, :, None]
    iterations = 0
    converged = False
    log_v = np.zeros((n_workers * n_classes, n_classes * subtypes))
    subtype_counts = np.ones((n_classes, subtypes))
    class_counts = np.full(n_classes, class_concentration)
    row_counts = np.broadcast_to(
        prior[None, :, :, None], (n_workers, n_classes, n_classes, subtypes)
    )
    while iterations < max_iterations and not converged:
        iterations += 1
        weighted = joint * answered[:, None, None]
        # Dirichlet posteriors: subtype shares per class, class shares, confusion rows.
        subtype_counts = 1.0 + weighted.sum(axis=0)
        class_counts = class_concentration + weighted.sum(axis=(0, 2))
        # row_counts[w, l, (k, m)]: expected answers l from worker w on items of (k, m).
        row_counts = np.asarray(counts_transposed @ joint.reshape(n_items, -1)).reshape(
            n_workers, n_classes, n_classes, subtypes
        )
        row_counts += prior[None, :, :, None]
        expected_log_subtype = digamma(subtype_counts) - digamma(
            subtype_counts.sum(axis=1, keepdims=True)
        )
        expected_log_class = digamma(class_counts) - digamma(class_counts.sum())
        expected_log_v = digamma(row_counts) - digamma(row_counts.sum(axis=1, keepdims=True))
        log_v = expected_log_v.reshape(n_workers * n_classes, n_classes * subtypes)
        # Item posteriors over (class, subtype), normalised per item.
        log_joint = np.asarray(counts @ log_v).reshape(n_items, n_classes, subtypes)
        log_joint += expected_log_subtype[None, :, :] + expected_log_class[None, :, None]
        log_joint -= log_joint.max(axis=(1, 2), keepdims=True)
        joint = np.exp(log_joint)
        joint /= joint.sum(axis=(1, 2), keepdims=True)
        previous = posteriors
        posteriors = joint.sum(axis=2)
        if tolerance is not None:
            converged = float(np.abs(posteriors - previous).max(initial=0.0)) <= tolerance

    # The posterior means of τ and ρ; an item without answers gets E[τ] as its posterior.
    class_prior = class_counts / class_counts.sum()
    posteriors[answered == 0] = class_prior
    subtype_share = subtype_counts / subtype_counts.sum(axis=1, keepdims=True)
    # E[v] with the subtypes averaged out: confusion[w, k, l].
    mean_v = row_counts / row_counts.sum(axis=1, keepdims=True)  # [w, l, k, m]
    confusion = np.einsum("wlkm,km->wkl", mean_v, subtype_share)
    skill = np.einsum("k,wkk->w", class_prior, confusion)
    # log P(answers | posterior-mean parameters), subtypes and classes summed out per item.
    log_item = np.asarray(
        counts @ np.log(mean_v).reshape(n_workers * n_classes, n_classes * subtypes)
    ) + np.log(class_prior[:, None] * subtype_share).reshape(-1)
    peak = log_item.max(axis=1)
    item_log_likelihood = np.log(np.exp(log_item - peak[:, None]).sum(axis=1)) + peak
    log_likelihood = float(answered @ item_log_likelihood)
    return AggregationResult(
        method="ebcc",
        labels=pick_labels(posteriors),
        posteriors=np.ascontiguousarray(posteriors),
        worker_skill=skill,
        iterations=iterations,
        converged=converged,
        log_likelihood=log_likelihood,
        class_prior=class_prior,
        details={"confusion": np.ascontiguousarray(confusion)},
    )
