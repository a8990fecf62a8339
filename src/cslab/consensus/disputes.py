"""When an aggregated result is doubtful: low confidence, and disputed. Pure (numpy only).

- **Low confidence**: the chosen class's posterior is below the workflow's `low_confidence`
  (default 0.7).
- **Disputed** (goes to the expert review queue): a subject without a gold or expert answer,
  with at least two answers, where
  (a) the two most likely classes are within `dispute_margin` of each other (default 0.2; a
      tie always is), or
  (b) the confidence is low although at least `dispute_min_answers` (default 3) volunteers
      answered — more answers are unlikely to settle it, or
  (c) at most `dispute_agreement` (default one half) of the answers agree with the label:
      the volunteers disagree, however sure the model is. Dawid–Skene learns a confusion
      matrix per volunteer and is overconfident when each volunteer answered few subjects
      (an 3–3–2 split can come out at 0.99999), so (a) and (b) alone would miss these.
"""

from dataclasses import dataclass

import numpy as np

from cslab.aggregation.common import FloatArray, IntArray

BoolArray = np.ndarray


@dataclass(frozen=True)
class DisputeRule:
    low_confidence: float = 0.7
    dispute_margin: float = 0.2
    dispute_min_answers: int = 3
    dispute_agreement: float = 0.5


def top_two_margin(posteriors: FloatArray) -> FloatArray:
    """Per row, the largest probability minus the second largest (1 with a single class)."""
    if posteriors.shape[1] < 2:
        return np.ones(posteriors.shape[0])
    top_two = np.partition(posteriors, -2, axis=1)[:, -2:]
    margin: FloatArray = top_two[:, 1] - top_two[:, 0]
    return margin


def disputed(
    *,
    confidence: FloatArray,
    margin: FloatArray,
    answer_count: IntArray,
    agreeing: IntArray,
    settled: BoolArray,
    rule: DisputeRule,
) -> BoolArray:
    """Which subjects are disputed (see the module docstring); `settled`: gold or expert."""
    close = margin <= rule.dispute_margin + 1e-12
    doubtful = (confidence < rule.low_confidence) & (answer_count >= rule.dispute_min_answers)
    split = agreeing <= rule.dispute_agreement * answer_count + 1e-12
    result: BoolArray = ~settled & (answer_count >= 2) & (close | doubtful | split)
    return result
