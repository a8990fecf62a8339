"""MACE (Hovy et al., 2013, "Learning Whom to Trust with MACE"), fitted by EM.

Each worker w spams with probability s_w: a spamming worker answers class l with probability
ξ_w[l] whatever the truth; otherwise they answer the true class. So

    P(answer l | true class k) = (1 - s_w) [l = k] + s_w ξ_w[l].

EM starts from the majority-vote posteriors with s_w = 1/2 and ξ_w uniform; the E-step gives
the item posteriors and, per answer, the expected probability that it was spam. No random
restarts (unlike the reference implementation), so the result is deterministic.

Smoothing: `smoothing` (default 0.01) pseudo-counts on "spam" and "not spam" for every
worker and on every class of ξ_w, and `prior_smoothing` (default 1) pseudo-items per class of
the class prior. Stopping as in Dawid–Skene: on the exact marginal log-likelihood plus the
log-density of the smoothing prior (see `dawid_skene` module docstring). Memory is
O(answers + items × classes + workers × classes): fine for thousands of classes.
"""

import numpy as np

from cslab.aggregation.common import (
    AggregationResult,
    Answers,
    check_iteration_settings,
    has_converged,
    normalise_log_rows,
    pick_labels,
    single_class_result,
    vote_fractions,
)
from cslab.aggregation.dawid_skene import check_smoothing


def mace(
    answers: Answers,
    *,
    max_iterations: int = 100,
    tolerance: float | None = 1e-7,
    smoothing: float = 0.01,
    prior_smoothing: float = 1.0,
) -> AggregationResult:
    """Worker skill: the competence 1 - s_w, the probability the worker does not spam.

    `details["spam_distribution"]` holds ξ (n_workers × n_classes).
    """
    check_iteration_settings(max_iterations, tolerance)
    check_smoothing(smoothing, prior_smoothing)
    if answers.n_classes == 1:
        return single_class_result("mace", answers)
    n_classes, n_workers = answers.n_classes, answers.n_workers
    cells = answers.item_label_cells()
    worker_label = answers.workers * n_classes + answers.labels
    per_worker = answers.answers_per_worker().astype(np.float64)
    answered = answers.answers_per_item() > 0
    answered_weight = answered.astype(np.float64)
    n_answered = int(answered.sum())

    posteriors = vote_fractions(answers)
    spam = np.full(n_workers, 0.5)
    spam_distribution = np.full((n_workers, n_classes), 1.0 / n_classes)
    log_prior = np.full(n_classes, -np.log(n_classes))
    objective: list[float] = []
    log_likelihood = 0.0
    converged = False
    iterations = 0
    while iterations < max_iterations and not converged:
        iterations += 1
        # M-step, with the answers' spam probabilities under the parameters that gave the
        # posteriors: an answer is spam for sure when the truth differs from it, and with
        # probability s ξ[l] / ((1 - s) + s ξ[l]) when the truth equals it.
        spam_answer = spam[answers.workers] * spam_distribution.reshape(-1)[worker_label]
        truth_is_answer = posteriors.reshape(-1)[cells]
        expected_spam = (
            1.0
            - truth_is_answer
            + truth_is_answer * (spam_answer / (1.0 - spam[answers.workers] + spam_answer))
        )
        spam_per_worker = np.bincount(answers.workers, weights=expected_spam, minlength=n_workers)
        spam = (spam_per_worker + smoothing) / (per_worker + 2 * smoothing)
        spam_counts = np.bincount(
            worker_label, weights=expected_spam, minlength=n_workers * n_classes
        ).reshape(n_workers, n_classes)
        spam_distribution = (spam_counts + smoothing) / (spam_per_worker + n_classes * smoothing)[
            :, None
        ]
        class_totals = answered_weight @ posteriors + prior_smoothing
        log_prior = np.log(class_totals) - np.log(n_answered + n_classes * prior_smoothing)
        # E-step: every answer adds log(s ξ[l]) to every class and the log of
        # ((1 - s) + s ξ[l]) / (s ξ[l]) to its own class.
        spam_answer = spam[answers.workers] * spam_distribution.reshape(-1)[worker_label]
        log_spam_answer = np.log(spam_answer)
        base = np.bincount(answers.items, weights=log_spam_answer, minlength=answers.n_items)
        bonus = np.bincount(
            cells,
            weights=np.log1p((1.0 - spam[answers.workers]) / spam_answer),
            minlength=answers.n_items * n_classes,
        ).reshape(answers.n_items, n_classes)
        posteriors, item_log_likelihood = normalise_log_rows(bonus + base[:, None] + log_prior)
        log_likelihood = float(answered_weight @ item_log_likelihood)
        penalty = smoothing * float(
            np.log(spam).sum() + np.log1p(-spam).sum() + np.log(spam_distribution).sum()
        )
        objective.append(log_likelihood + penalty + prior_smoothing * float(log_prior.sum()))
        converged = has_converged(objective, tolerance)

    return AggregationResult(
        method="mace",
        labels=pick_labels(posteriors),
        posteriors=posteriors,
        worker_skill=1.0 - spam,
        iterations=iterations,
        converged=converged,
        objective=tuple(objective),
        log_likelihood=log_likelihood,
        class_prior=np.exp(log_prior),
        details={"spam_distribution": spam_distribution},
    )
