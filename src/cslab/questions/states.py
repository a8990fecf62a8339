"""The life of a research question as data: which status may follow which, who decides, and
what the people who care are told.

Pure: no ORM. `services.states.question_transition` is the one place that applies it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop

from cslab.questions.models.question import Question

Status = Question.Status


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    # The action's name in the API and the views (consider, adopt, answer, decline, merge).
    action: str
    # The permission the actor needs on the question.
    permission: str
    # What proposer, supporters and followers are told: an untranslated message with
    # %(question)s and the action's own parameters.
    message: str


_CONSIDER = gettext_noop("The question “%(question)s” is now under consideration.")
_ADOPT = gettext_noop("The question “%(question)s” was adopted by the project “%(project)s”.")
_ANSWER = gettext_noop("The question “%(question)s” has been answered.")
_DECLINE = gettext_noop("The question “%(question)s” was declined. The reason: %(reason)s")
_MERGE = gettext_noop(
    "The question “%(question)s” was merged into “%(target)s”. Its supporters and followers "
    "now support and follow that question."
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        Status.PROPOSED, Status.UNDER_CONSIDERATION, "consider", "question.decide", _CONSIDER
    ),
    # A declined question can be looked at again; its history keeps the earlier reason.
    Transition(
        Status.DECLINED, Status.UNDER_CONSIDERATION, "consider", "question.decide", _CONSIDER
    ),
    Transition(Status.PROPOSED, Status.ADOPTED, "adopt", "question.adopt", _ADOPT),
    Transition(Status.UNDER_CONSIDERATION, Status.ADOPTED, "adopt", "question.adopt", _ADOPT),
    Transition(Status.ADOPTED, Status.ANSWERED, "answer", "question.answer", _ANSWER),
    Transition(Status.PROPOSED, Status.DECLINED, "decline", "question.decide", _DECLINE),
    Transition(Status.UNDER_CONSIDERATION, Status.DECLINED, "decline", "question.decide", _DECLINE),
    Transition(Status.PROPOSED, Status.MERGED, "merge", "question.moderate", _MERGE),
    Transition(Status.UNDER_CONSIDERATION, Status.MERGED, "merge", "question.moderate", _MERGE),
)

ACTIONS: dict[str, str] = {transition.action: transition.target for transition in TRANSITIONS}

# What people are told when a project that took up their question moves on.
PROJECT_STATUS_MESSAGES: dict[str, str] = {
    "active": gettext_noop(
        "The project “%(project)s”, which took up the question “%(question)s”, is now running: "
        "you can take part."
    ),
    "completed": gettext_noop(
        "The project “%(project)s”, which took up the question “%(question)s”, is completed."
    ),
}


def transition_between(source: str, target: str) -> Transition | None:
    """Return the allowed transition from `source` to `target`, or None."""
    for transition in TRANSITIONS:
        if transition.source == source and transition.target == target:
            return transition
    return None


def transitions_from(source: str) -> list[Transition]:
    """Return the transitions open from `source`, in lifecycle order."""
    return [transition for transition in TRANSITIONS if transition.source == source]


def transition_for_action(source: str, action: str) -> Transition | None:
    """Return the transition an action makes from `source`, or None if it makes none."""
    for transition in TRANSITIONS:
        if transition.source == source and transition.action == action:
            return transition
    return None
