"""The life of a question: every transition, who may make it, and what each one refuses."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.projects.models import Invitation, Membership, Project
from cslab.questions import states
from cslab.questions.models import Follow, Question, QuestionStatusChange, Support
from cslab.questions.services.states import (
    question_adopt,
    question_answer,
    question_consider,
    question_decline,
    question_merge,
    question_transition,
)
from cslab.questions.services.supports import question_follow, question_support
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db
S = Question.Status


def _history(question: Question) -> list[tuple[str, str]]:
    return list(
        QuestionStatusChange.objects.filter(question=question)
        .order_by("id")
        .values_list("from_status", "to_status")
    )


def test_staff_put_a_question_under_consideration(
    propose: Callable[..., Question], staff: Any
) -> None:
    question = propose()
    question_consider(actor=staff, question=question, note="Promising.")
    question.refresh_from_db()
    assert question.status == S.UNDER_CONSIDERATION
    assert question.status_changed_at is not None
    assert _history(question)[-1] == ("proposed", "under_consideration")
    assert AuditEvent.objects.filter(action="question.consider", actor=staff).exists()


def test_a_declined_question_can_be_considered_again_and_loses_its_reason(
    propose: Callable[..., Question], staff: Any
) -> None:
    question = propose()
    question_decline(actor=staff, question=question, reason="Out of scope for now.")
    question_consider(actor=staff, question=question)
    question.refresh_from_db()
    assert (question.status, question.decline_reason) == (S.UNDER_CONSIDERATION, "")
    assert QuestionStatusChange.objects.filter(note="Out of scope for now.").exists()


def test_adopting_into_an_existing_project_links_it(
    propose: Callable[..., Question], public_project: Project
) -> None:
    question = propose(project=public_project)
    question_adopt(actor=public_project.initiator, question=question, project=public_project)
    question.refresh_from_db()
    assert (question.status, question.adopted_project) == (S.ADOPTED, public_project)


def test_adopting_into_a_new_project_starts_an_incubating_one_and_invites_the_proposer(
    propose: Callable[..., Question], public_project: Project, volunteer: Any
) -> None:
    question = propose(domains=["health"], latitude=52.16, longitude=4.49, place_name="Leiden")
    researcher = public_project.initiator  # owns a project: may take Lab questions up

    question_adopt(actor=researcher, question=question, new_project_name="Clean air for kids")

    question.refresh_from_db()
    project = question.adopted_project
    assert project is not None and project.name == "Clean air for kids"
    assert project.status == Project.Status.INCUBATING
    assert project.research_questions == question.text
    assert project.tags_of("domain") == ["health"]
    assert project.centre_latitude == pytest.approx(52.16)
    assert Membership.objects.get(project=project).user == researcher
    invitation = Invitation.objects.get(project=project)
    assert (invitation.email, invitation.role) == (volunteer.email, "member")


def test_adopting_into_a_project_the_actor_may_not_edit_is_refused(
    propose: Callable[..., Question], staff: Any, public_project: Project, make_user: Any
) -> None:
    other = ProjectFactory(public=True)
    question = propose(project=public_project)
    with pytest.raises(NotFoundError):
        question_adopt(actor=public_project.initiator, question=question, project=other)
    question.refresh_from_db()
    assert question.status == S.PROPOSED


def test_a_failed_adoption_leaves_no_new_project_behind(
    propose: Callable[..., Question], staff: Any
) -> None:
    question = propose()
    question_decline(actor=staff, question=question, reason="No.")
    projects_before = Project.objects.count()
    with pytest.raises(InvalidTransitionError):
        question_adopt(actor=staff, question=question)
    assert Project.objects.count() == projects_before


def test_the_answer_comes_in_plain_language_with_links(
    propose: Callable[..., Question], public_project: Project
) -> None:
    question = propose(project=public_project)
    owner = public_project.initiator
    question_adopt(actor=owner, question=question, project=public_project)
    links = [{"title": "Report", "url": "https://example.org/report"}, {"url": ""}]
    question_answer(actor=owner, question=question, answer="Yes, mostly.", links=links)
    question.refresh_from_db()
    assert question.status == S.ANSWERED
    assert question.answer == "Yes, mostly."
    assert question.answer_links == [{"title": "Report", "url": "https://example.org/report"}]


@pytest.mark.parametrize(
    ("answer", "links", "code"),
    [
        ("", [], "invalid_input"),
        ("Yes.", [{"title": "x", "url": "javascript:alert(1)"}], "invalid_link"),
    ],
)
def test_an_answer_needs_text_and_web_links(
    propose: Callable[..., Question], staff: Any, answer: str, links: list[Any], code: str
) -> None:
    question = propose()
    question_adopt(actor=staff, question=question)
    with pytest.raises(InvalidInputError) as refused:
        question_answer(actor=staff, question=question, answer=answer, links=links)
    assert refused.value.code == code


def test_the_lead_of_the_adopting_project_may_answer_a_lab_question(
    propose: Callable[..., Question], public_project: Project
) -> None:
    question = propose()
    owner = public_project.initiator
    question_adopt(actor=owner, question=question, project=public_project)
    question_answer(actor=owner, question=question, answer="Here is what we found.")
    assert question.status == S.ANSWERED


def test_declining_needs_a_public_reason(propose: Callable[..., Question], staff: Any) -> None:
    question = propose()
    with pytest.raises(InvalidInputError):
        question_decline(actor=staff, question=question, reason="  ")
    question_decline(actor=staff, question=question, reason="Already answered elsewhere.")
    question.refresh_from_db()
    assert (question.status, question.decline_reason) == (S.DECLINED, "Already answered elsewhere.")


def test_merging_carries_supporters_and_followers_over_once(
    propose: Callable[..., Question], staff: Any, make_user: Any
) -> None:
    both, only_duplicate, only_target, follower = (make_user() for _ in range(4))
    duplicate, target = propose(), propose()
    for person in (both, only_duplicate):
        question_support(actor=person, question=duplicate)
    for person in (both, only_target):
        question_support(actor=person, question=target)
    question_follow(actor=follower, question=duplicate)
    question_follow(actor=follower, question=target)

    question_merge(actor=staff, question=duplicate, into=target)

    target.refresh_from_db()
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (S.MERGED, target)
    supporters = set(Support.objects.filter(question=target).values_list("user_id", flat=True))
    assert supporters == {both.pk, only_duplicate.pk, only_target.pk}
    assert target.support_count == 3
    followers = list(Follow.objects.filter(question=target).values_list("user_id", flat=True))
    assert sorted(followers) == sorted([follower.pk, duplicate.proposer_id])


def test_a_question_cannot_be_merged_into_itself_or_into_a_merged_one(
    propose: Callable[..., Question], staff: Any
) -> None:
    first, second, third = propose(), propose(), propose()
    with pytest.raises(InvalidInputError):
        question_merge(actor=staff, question=first, into=first)
    question_merge(actor=staff, question=second, into=third)
    with pytest.raises(ConflictError) as refused:
        question_merge(actor=staff, question=first, into=second)
    assert refused.value.code == "merge_target_merged"


ALL_STATUSES = list(S.values)
ALLOWED = {(transition.source, transition.target) for transition in states.TRANSITIONS}


def _bring_to(question: Question, status: str, staff: Any, other: Question) -> None:
    """Walk a question to `status` through the services."""
    if status == S.UNDER_CONSIDERATION:
        question_consider(actor=staff, question=question)
    elif status in (S.ADOPTED, S.ANSWERED):
        question_adopt(actor=staff, question=question)
        if status == S.ANSWERED:
            question_answer(actor=staff, question=question, answer="Yes.")
    elif status == S.DECLINED:
        question_decline(actor=staff, question=question, reason="No.")
    elif status == S.MERGED:
        question_merge(actor=staff, question=question, into=other)


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in ALL_STATUSES for t in ALL_STATUSES if (s, t) not in ALLOWED],
)
def test_every_transition_outside_the_table_is_refused(
    propose: Callable[..., Question], staff: Any, source: str, target: str
) -> None:
    question, other = propose(), propose()
    _bring_to(question, source, staff, other)
    with pytest.raises(InvalidTransitionError):
        question_transition(actor=staff, question=question, to_status=target)
    question.refresh_from_db()
    assert question.status == source


@pytest.mark.parametrize("action", ["consider", "decline", "merge"])
def test_volunteers_may_see_but_not_decide(
    propose: Callable[..., Question], make_user: Any, action: str
) -> None:
    question, other = propose(), propose()
    outsider = make_user()
    with pytest.raises(PermissionDeniedError):
        if action == "consider":
            question_consider(actor=outsider, question=question)
        elif action == "decline":
            question_decline(actor=outsider, question=question, reason="No.")
        else:
            question_merge(actor=outsider, question=question, into=other)
    question.refresh_from_db()
    assert question.status == S.PROPOSED


def test_researchers_decide_on_their_board_but_not_on_the_lab_board(
    propose: Callable[..., Question], public_project: Project, team_member: Any
) -> None:
    researcher = team_member(public_project, ProjectRole.RESEARCHER)
    on_board, on_lab = propose(project=public_project), propose()

    question_consider(actor=researcher, question=on_board)
    with pytest.raises(PermissionDeniedError):
        question_decline(actor=researcher, question=on_lab, reason="No.")
    # ...but a researcher may take a Lab-wide question up.
    question_adopt(actor=researcher, question=on_lab, project=public_project)
    assert (on_board.status, on_lab.status) == (S.UNDER_CONSIDERATION, S.ADOPTED)


def test_project_moderators_merge_but_do_not_decide(
    propose: Callable[..., Question], public_project: Project, team_member: Any
) -> None:
    moderator = team_member(public_project, ProjectRole.MODERATOR)
    duplicate, target = propose(project=public_project), propose(project=public_project)
    with pytest.raises(PermissionDeniedError):
        question_consider(actor=moderator, question=duplicate)
    question_merge(actor=moderator, question=duplicate, into=target)
    assert duplicate.status == S.MERGED


def test_deciding_on_a_question_you_cannot_see_is_not_found(
    propose: Callable[..., Question], private_project: Project, make_user: Any
) -> None:
    question = propose(actor=private_project.initiator, project=private_project)
    with pytest.raises(NotFoundError):
        question_consider(actor=make_user(), question=question)
