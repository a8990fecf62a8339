"""The transitions table: what may follow what, and who decides."""

import pytest

from cslab.questions import states
from cslab.questions.models import Question

S = Question.Status


@pytest.mark.parametrize(
    ("source", "actions"),
    [
        (S.PROPOSED, ["consider", "adopt", "decline", "merge"]),
        (S.UNDER_CONSIDERATION, ["adopt", "decline", "merge"]),
        (S.ADOPTED, ["answer"]),
        (S.ANSWERED, []),
        (S.DECLINED, ["consider"]),
        (S.MERGED, []),
    ],
)
def test_each_status_opens_exactly_these_actions(source: str, actions: list[str]) -> None:
    assert [transition.action for transition in states.transitions_from(source)] == actions


def test_merging_is_for_moderators_and_the_rest_for_deciders() -> None:
    permissions = {transition.action: transition.permission for transition in states.TRANSITIONS}
    assert permissions == {
        "consider": "question.decide",
        "adopt": "question.adopt",
        "answer": "question.answer",
        "decline": "question.decide",
        "merge": "question.moderate",
    }


def test_every_transition_has_a_message_naming_the_question() -> None:
    for transition in states.TRANSITIONS:
        assert "%(question)s" in transition.message


def test_an_answered_question_cannot_go_back() -> None:
    assert states.transition_between(S.ANSWERED, S.PROPOSED) is None
    assert states.transition_for_action(S.ANSWERED, "consider") is None
