"""Reads: a question is as visible as its board, lists stay cheap, triage has its scope."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from cslab.core.errors import NotFoundError
from cslab.core.roles import ProjectRole
from cslab.projects.models import Project
from cslab.questions import selectors
from cslab.questions.models import Question
from cslab.questions.services.comments import comment_hide, comment_post
from cslab.questions.services.states import question_adopt
from cslab.questions.services.supports import question_support
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_question_on_a_private_board_is_not_found_for_outsiders(
    propose: Callable[..., Question], private_project: Project, make_user: Any, staff: Any
) -> None:
    question = propose(actor=private_project.initiator, project=private_project)
    for outsider in (AnonymousUser(), make_user()):
        with pytest.raises(NotFoundError):
            selectors.question_get_for_viewing(user=outsider, question_id=question.pk)
    for insider in (private_project.initiator, staff):
        assert selectors.question_get_for_viewing(user=insider, question_id=question.pk) == question


def test_questions_on_hidden_boards_are_never_listed(
    propose: Callable[..., Question],
    public_project: Project,
    private_project: Project,
    make_user: Any,
) -> None:
    unlisted = ProjectFactory(public=True, visibility=Project.Visibility.UNLISTED)
    draft = ProjectFactory(status=Project.Status.INCUBATING, visibility="public")
    lab = propose()
    on_public = propose(project=public_project)
    for project in (private_project, unlisted, draft):
        propose(actor=project.initiator, project=project)

    listed = set(selectors.question_list(user=AnonymousUser()))
    assert listed == {lab, on_public}
    assert set(selectors.question_list(user=make_user(), board="lab")) == {lab}


def test_a_question_on_an_unlisted_board_opens_with_its_link(
    propose: Callable[..., Question],
) -> None:
    unlisted = ProjectFactory(public=True, visibility=Project.Visibility.UNLISTED)
    question = propose(actor=unlisted.initiator, project=unlisted)
    assert selectors.question_get_for_viewing(user=AnonymousUser(), question_id=question.pk)


def test_a_private_boards_list_is_not_found_for_outsiders(
    private_project: Project, make_user: Any
) -> None:
    with pytest.raises(NotFoundError):
        selectors.question_list_for_board(user=make_user(), project=private_project)


def test_the_board_sorts_by_support_or_recency_and_filters(
    propose: Callable[..., Question], make_user: Any
) -> None:
    older, newer = propose(domains=["health"]), propose(domains=["water"])
    question_support(actor=make_user(), question=older)
    board = selectors.question_list_for_board(user=AnonymousUser(), project=None)
    assert list(board) == [older, newer]
    recent = selectors.question_list_for_board(user=AnonymousUser(), project=None, sort="recent")
    assert list(recent) == [newer, older]
    water = selectors.question_list_for_board(user=AnonymousUser(), project=None, domain="water")
    assert list(water) == [newer]


def test_listing_a_board_costs_the_same_few_queries_for_any_length(
    propose: Callable[..., Question], django_assert_num_queries: Any
) -> None:
    for _ in range(5):
        propose(domains=["health", "water"])
    with django_assert_num_queries(2):  # the questions with their boards, then their domains
        questions = list(selectors.question_list_for_board(user=AnonymousUser(), project=None))
        assert [q.domain_values() for q in questions] == [["health", "water"]] * 5


def test_the_public_list_costs_two_queries(
    propose: Callable[..., Question], public_project: Project, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        propose(project=public_project)
    with django_assert_num_queries(2):
        assert len(list(selectors.question_list(user=AnonymousUser()))) == 3


def test_similar_questions_come_from_what_the_viewer_may_see(
    propose: Callable[..., Question], private_project: Project, make_user: Any
) -> None:
    visible = propose(text="Is the river water safe to swim in?")
    propose(
        text="Is the water of the river safe for swimming?",
        actor=private_project.initiator,
        project=private_project,
    )
    propose(text="When do swifts arrive in spring?")
    similar = selectors.question_list_similar(user=make_user(), text="Can I swim in the river?")
    assert [match.question for match in similar] == [visible]


def test_triage_shows_researchers_their_boards_and_the_lab_board_only(
    propose: Callable[..., Question], public_project: Project, team_member: Any, staff: Any
) -> None:
    researcher = team_member(public_project, ProjectRole.RESEARCHER)
    on_board, on_lab = propose(project=public_project), propose()
    elsewhere = ProjectFactory(public=True)
    on_other = propose(project=elsewhere)

    assert set(selectors.question_list_for_triage(user=researcher)) == {on_board, on_lab}
    assert set(selectors.question_list_for_triage(user=staff)) == {on_board, on_lab, on_other}


def test_triage_is_not_found_for_volunteers_and_members(
    public_project: Project, team_member: Any, volunteer: Any
) -> None:
    member = team_member(public_project, ProjectRole.MEMBER)
    for person in (volunteer, member):
        with pytest.raises(NotFoundError):
            selectors.question_list_for_triage(user=person)


def test_the_triage_sorts_by_domain(propose: Callable[..., Question], staff: Any) -> None:
    water, health, none = propose(domains=["water"]), propose(domains=["health"]), propose()
    assert list(selectors.question_list_for_triage(user=staff, sort="domain")) == [
        health,
        water,
        none,
    ]


def test_hidden_comments_show_their_text_to_moderators_only(
    propose: Callable[..., Question], staff: Any, make_user: Any
) -> None:
    question = propose()
    comment = comment_post(actor=make_user(), question=question, text="Call me on 0612345678")
    comment_hide(actor=staff, comment=comment, reason="Personal data.")
    [seen_by_public] = selectors.comment_list(user=AnonymousUser(), question=question)
    [seen_by_staff] = selectors.comment_list(user=staff, question=question)
    assert seen_by_public.shown_text == ""
    assert seen_by_staff.shown_text == "Call me on 0612345678"


def test_a_private_adopting_project_is_named_to_its_team_only(
    propose: Callable[..., Question], staff: Any, make_user: Any
) -> None:
    question = propose()
    question_adopt(actor=staff, question=question)  # a new, unapproved project
    question.refresh_from_db()
    assert not selectors.question_adopted_project_visible(user=make_user(), question=question)
    assert selectors.question_adopted_project_visible(user=staff, question=question)


def test_the_question_page_offers_each_person_only_what_they_may_do(
    propose: Callable[..., Question], public_project: Project, team_member: Any, make_user: Any
) -> None:
    question = propose(project=public_project)
    researcher = team_member(public_project, ProjectRole.RESEARCHER)
    moderator = team_member(public_project, ProjectRole.MODERATOR)
    assert selectors.question_page(user=AnonymousUser(), question_id=question.pk).actions == []
    assert selectors.question_page(user=make_user(), question_id=question.pk).actions == []
    assert selectors.question_page(user=moderator, question_id=question.pk).actions == ["merge"]
    assert selectors.question_page(user=researcher, question_id=question.pk).actions == [
        "consider",
        "adopt",
        "decline",
        "merge",
    ]


def test_my_questions_show_what_i_asked_supported_and_followed(
    propose: Callable[..., Question], volunteer: Any, make_user: Any
) -> None:
    mine = propose()
    someone = make_user()
    theirs = propose(actor=someone)
    question_support(actor=volunteer, question=theirs)
    lists = selectors.question_list_for_person(user=volunteer)
    assert lists["proposed"] == [mine]
    assert lists["supported"] == [theirs]
    assert lists["followed"] == []
