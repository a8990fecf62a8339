"""The posterior of one item from its few answers and the workers' known accuracies.

Pure and cheap (a handful of answers, no iteration), for decisions that cannot wait for the
aggregation job, such as early retirement inside the classification's transaction. The model
is one-coin Dawid–Skene with fixed parameters: worker w is right with probability p_w and
otherwise picks one of the other K − 1 classes at random; the class prior is uniform. Then

    P(class k | answers) ∝ Π_answers (p_w if the answer is k else (1 − p_w) / (K − 1)),

i.e. the softmax of the summed log-odds weights log((K − 1) p_w / (1 − p_w)) of the votes for
each class — the weights of `weighted_majority_vote`. With the same p for every worker it
orders the classes exactly as the vote counts do. Ties go to the lowest class index.
"""

import numpy as np
import numpy.typing as npt

from cslab.aggregation.common import FloatArray, normalise_log_rows, pick_labels

# Accuracies are kept inside [floor, 1 − floor]: one answer never makes a class certain.
ACCURACY_FLOOR = 0.01


def one_coin_posterior(
    labels: npt.ArrayLike, accuracies: npt.ArrayLike, n_classes: int
) -> tuple[int, FloatArray]:
    """Return (the chosen class, the posterior of every class) for one item.

    `labels[a]` is answer a's class, `accuracies[a]` the accuracy of the worker who gave it.
    Without answers every class has probability 1/K and class 0 is chosen.
    """
    coded = np.asarray(labels, dtype=np.int64).reshape(-1)
    accuracy = np.clip(
        np.asarray(accuracies, dtype=np.float64).reshape(-1), ACCURACY_FLOOR, 1 - ACCURACY_FLOOR
    )
    if len(coded) != len(accuracy):
        raise ValueError("labels and accuracies must have the same length")
    if n_classes < 2:
        return 0, np.ones(max(n_classes, 1))
    weights = np.log((n_classes - 1) * accuracy / (1 - accuracy))
    scores = np.bincount(coded, weights=weights, minlength=n_classes)[None, :]
    posterior, _ = normalise_log_rows(scores.astype(np.float64))
    return int(pick_labels(posterior)[0]), posterior[0]
