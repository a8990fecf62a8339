"""Pure helpers of the service: the dispute rule, the one-subject posterior, transcription
votes, and flat result exports."""

import csv
import io

import numpy as np
import pytest

from cslab.aggregation.posterior import one_coin_posterior
from cslab.consensus.disputes import DisputeRule, disputed, top_two_margin
from cslab.consensus.labels import transcription_vote


def _disputed(
    confidence: float, margin: float, answers: int, agreeing: int, settled: bool = False
) -> bool:
    return bool(
        disputed(
            confidence=np.array([confidence]),
            margin=np.array([margin]),
            answer_count=np.array([answers]),
            agreeing=np.array([agreeing]),
            settled=np.array([settled]),
            rule=DisputeRule(),
        )[0]
    )


def test_a_tie_is_disputed_but_not_when_an_expert_settled_it() -> None:
    assert _disputed(0.5, 0.0, 2, 1)
    assert not _disputed(0.5, 0.0, 2, 1, settled=True)


def test_one_answer_is_never_disputed() -> None:
    assert not _disputed(0.3, 0.0, 1, 1)


def test_low_confidence_is_disputed_only_after_enough_answers() -> None:
    assert not _disputed(0.65, 0.35, 2, 2)
    assert _disputed(0.65, 0.35, 3, 2)


def test_volunteers_splitting_is_disputed_even_under_a_sure_model() -> None:
    assert _disputed(0.9999, 0.9998, 8, 3)
    assert not _disputed(0.9999, 0.9998, 8, 5)


def test_the_margin_is_between_the_two_most_likely_classes() -> None:
    margins = top_two_margin(np.array([[0.2, 0.5, 0.3], [1.0, 0.0, 0.0]]))
    assert margins == pytest.approx([0.2, 1.0])
    assert top_two_margin(np.ones((2, 1))) == pytest.approx([1.0, 1.0])


def test_the_one_subject_posterior_equals_the_accuracy_for_one_answer() -> None:
    label, posterior = one_coin_posterior([2], [0.8], 4)
    assert label == 2
    assert posterior == pytest.approx([0.2 / 3, 0.2 / 3, 0.8, 0.2 / 3])


def test_the_one_subject_posterior_breaks_ties_towards_the_lowest_class() -> None:
    label, posterior = one_coin_posterior([1, 0], [0.7, 0.7], 3)
    assert label == 0 and posterior[0] == pytest.approx(posterior[1])
    label, posterior = one_coin_posterior([], [], 3)
    assert label == 0 and posterior == pytest.approx([1 / 3] * 3)


def test_transcriptions_differing_in_case_and_spaces_are_one_class_named_by_the_commonest() -> None:
    label, shares, agreeing = transcription_vote(
        ["echium  vulgare", "Echium vulgare", "Echium vulgare", "Borago"]
    )
    assert (label, agreeing) == ("Echium vulgare", 3)
    assert shares == {"Echium vulgare": 0.75, "Borago": 0.25}
    assert transcription_vote([]) == ("", {}, 0)
    assert transcription_vote(["b", "a"])[0] == "b"  # a tie goes to the first seen


def test_result_exports_are_flat_for_transcriptions_too() -> None:
    from cslab.consensus.exports import probabilities_csv, results_csv
    from cslab.consensus.selectors import SubjectResult, Votes

    class Workflow:
        tasks = [{"key": "T0", "kind": "text", "question": "Type it"}]
        slug = "w"

    result = SubjectResult(
        subject_id=1,
        external_id="s1",
        classification_count=2,
        retired_at=None,
        retirement_reason="",
        is_gold=False,
        votes=Votes(agreeing=1, total=2, probabilities={"A, b": 0.5, '{"x": 1}': 0.5}),
        stored_label="A, b",
        stored_confidence=0.5,
        stored_disputed=True,
        method="majority",
        computed_at=None,
    )
    header = next(csv.reader(io.StringIO("".join(results_csv(Workflow(), [result])))))  # type: ignore[arg-type]
    assert not any(column.startswith("p_") for column in header)
    rows = list(csv.DictReader(io.StringIO("".join(probabilities_csv(Workflow(), [result])))))  # type: ignore[arg-type]
    assert [(row["class"], row["probability"], row["chosen"]) for row in rows] == [
        ("A, b", "0.500000", "1"),
        ('{"x": 1}', "0.500000", "0"),
    ]
