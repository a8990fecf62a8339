"""Retirement rules and gold injection rates: pure functions, edge cases first."""

import pytest

from cslab.classification.assignment import gold_rate
from cslab.classification.retirement import DEFAULT_ACCURACY, retirement_reason, tally

CLASSES = ["bee", "hoverfly", "butterfly"]


def test_tally_gives_every_class_a_posterior_even_unchosen_ones() -> None:
    votes = tally(["bee", "bee", "hoverfly", None], CLASSES)
    assert votes.label == "bee"
    assert votes.agreeing == 2 and votes.total == 3
    assert set(votes.probabilities) == set(CLASSES)
    assert sum(votes.probabilities.values()) == pytest.approx(1.0)
    assert votes.probabilities["butterfly"] > 0
    assert votes.probabilities["bee"] > votes.probabilities["hoverfly"]
    assert votes.shares == pytest.approx({"bee": 2 / 3, "hoverfly": 1 / 3, "butterfly": 0})


def test_a_tie_goes_to_the_class_listed_first_and_is_reported_as_a_tie() -> None:
    votes = tally(["hoverfly", "bee"], CLASSES)
    assert votes.label == "bee"
    assert votes.is_tied
    assert votes.confidence <= 0.5


def test_a_subject_without_answers_has_no_label() -> None:
    votes = tally([], CLASSES)
    assert votes.label is None and votes.confidence == 0.0


def test_a_single_answer_is_as_sure_as_its_volunteer_is_accurate() -> None:
    votes = tally(["butterfly"], CLASSES)
    assert (votes.label, votes.is_tied) == ("butterfly", False)
    assert votes.confidence == pytest.approx(DEFAULT_ACCURACY)
    assert tally(["butterfly"], CLASSES, accuracies=[0.9]).confidence == pytest.approx(0.9)


def test_a_skilled_volunteer_outweighs_two_unskilled_ones() -> None:
    votes = tally(["bee", "bee", "hoverfly"], CLASSES, accuracies=[0.4, 0.4, 0.99])
    assert (votes.label, votes.agreeing) == ("hoverfly", 1)


def test_skilled_agreement_is_surer_than_the_vote_share() -> None:
    votes = tally(["bee", "bee", "hoverfly"], CLASSES, accuracies=[0.95, 0.95, None])
    assert votes.confidence > 0.99 > votes.shares["bee"]


def test_equal_accuracies_rank_labels_as_the_vote_counts_do() -> None:
    votes = tally(["hoverfly", "bee", "hoverfly", "butterfly"], CLASSES)
    assert votes.label == "hoverfly"
    assert votes.probabilities["bee"] == pytest.approx(votes.probabilities["butterfly"])


def test_retirement_after_n_classifications() -> None:
    assert (
        retirement_reason(
            count=5, retirement_count=5, votes=None, min_agreeing=None, min_confidence=None
        )
        == "classification_count"
    )
    assert (
        retirement_reason(
            count=4, retirement_count=5, votes=None, min_agreeing=None, min_confidence=None
        )
        is None
    )


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["bee", "bee", "bee"], "consensus"),
        (["bee", "bee"], None),  # fewer than k agreeing
        (["bee", "bee", "bee", "hoverfly", "hoverfly"], None),  # posterior 0.82 < p
        (["bee", "bee", "bee", "hoverfly"], "consensus"),  # posterior 0.95 >= p
    ],
)
def test_early_retirement_needs_k_agreeing_and_confidence_p(
    labels: list[str], expected: str | None
) -> None:
    reason = retirement_reason(
        count=len(labels),
        retirement_count=20,
        votes=tally(labels, CLASSES),
        min_agreeing=3,
        min_confidence=0.9,
    )
    assert reason == expected


def test_gold_rate_falls_from_the_newcomer_rate_to_the_experienced_rate() -> None:
    assert gold_rate(experience=0, newcomer=0.4, experienced=0.1, ramp=50) == pytest.approx(0.4)
    assert gold_rate(experience=25, newcomer=0.4, experienced=0.1, ramp=50) == pytest.approx(0.25)
    assert gold_rate(experience=50, newcomer=0.4, experienced=0.1, ramp=50) == pytest.approx(0.1)
    assert gold_rate(experience=5000, newcomer=0.4, experienced=0.1, ramp=50) == pytest.approx(0.1)
    assert gold_rate(experience=3, newcomer=0.4, experienced=0.1, ramp=0) == pytest.approx(0.1)
