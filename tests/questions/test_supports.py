"""Support and follow: one per person, withdrawable, counted without races."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from cslab.core.errors import ConflictError, NotAuthenticatedError, NotFoundError
from cslab.projects.models import Project
from cslab.questions.models import Follow, Question, Support
from cslab.questions.services.states import question_merge
from cslab.questions.services.supports import (
    question_follow,
    question_support,
    question_support_withdraw,
    question_unfollow,
)
from tests.factories import UserFactory

S = Question.Status


@pytest.mark.django_db
def test_two_people_supporting_count_two(propose: Callable[..., Question], make_user: Any) -> None:
    question = propose()
    question_support(actor=make_user(), question=question)
    question_support(actor=make_user(), question=question)
    question.refresh_from_db()
    assert question.support_count == 2 == Support.objects.filter(question=question).count()


@pytest.mark.django_db
def test_supporting_twice_counts_once(propose: Callable[..., Question], make_user: Any) -> None:
    question, person = propose(), make_user()
    question_support(actor=person, question=question)
    again = question_support(actor=person, question=question)
    assert again.support_count == 1
    assert Support.objects.filter(question=question).count() == 1


@pytest.mark.django_db
def test_withdrawing_a_support_counts_down_once(
    propose: Callable[..., Question], make_user: Any
) -> None:
    question, person = propose(), make_user()
    question_support(actor=person, question=question)
    question_support_withdraw(actor=person, question=question)
    question_support_withdraw(actor=person, question=question)
    question.refresh_from_db()
    assert question.support_count == 0
    assert not Support.objects.exists()


@pytest.mark.django_db
def test_a_merged_question_takes_no_new_support(
    propose: Callable[..., Question], staff: Any, make_user: Any
) -> None:
    duplicate, target = propose(), propose()
    question_merge(actor=staff, question=duplicate, into=target)
    with pytest.raises(ConflictError) as refused:
        question_support(actor=make_user(), question=duplicate)
    assert refused.value.code == "question_merged"


@pytest.mark.django_db
def test_anonymous_visitors_cannot_support(propose: Callable[..., Question]) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticatedError):
        question_support(actor=AnonymousUser(), question=propose())


@pytest.mark.django_db
def test_outsiders_cannot_support_a_question_on_a_private_board(
    propose: Callable[..., Question], private_project: Project, make_user: Any
) -> None:
    question = propose(actor=private_project.initiator, project=private_project)
    with pytest.raises(NotFoundError):
        question_support(actor=make_user(), question=question)


@pytest.mark.django_db
def test_following_is_once_per_person_and_can_stop(
    propose: Callable[..., Question], make_user: Any
) -> None:
    question, person = propose(), make_user()
    question_follow(actor=person, question=question)
    question_follow(actor=person, question=question)
    assert Follow.objects.filter(question=question).count() == 1
    question_unfollow(actor=person, question=question)
    assert not Follow.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_are_all_counted_on_postgresql(
    propose: Callable[..., Question],
) -> None:
    """Many people (and one person twice) supporting at the same moment never miscount."""
    question = propose()
    people = [UserFactory() for _ in range(8)]
    supporters = [*people, people[0], people[1]]  # two people click twice
    start = threading.Barrier(len(supporters))
    errors: list[BaseException] = []

    def support(person: Any) -> None:
        try:
            start.wait()
            question_support(actor=person, question=Question.objects.get(pk=question.pk))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=support, args=(person,)) for person in supporters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    question.refresh_from_db()
    assert (
        question.support_count == len(people) == Support.objects.filter(question=question).count()
    )
