"""What happened to my question: everyone who cares is told of every change, once."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.notifications.models import Notification
from cslab.projects.models import Project
from cslab.projects.services.lifecycle import project_transition
from cslab.questions.models import Question
from cslab.questions.services.states import (
    question_adopt,
    question_answer,
    question_consider,
    question_decline,
    question_merge,
)
from cslab.questions.services.supports import question_follow, question_support
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(propose: Callable[..., Question], make_user: Any, volunteer: Any) -> dict[str, Any]:
    """A question with a supporter, a follower, someone who does both, and a quitter."""
    question = propose()
    supporter, follower, both, gone = (make_user() for _ in range(4))
    question_support(actor=supporter, question=question)
    question_follow(actor=follower, question=question)
    question_support(actor=both, question=question)
    question_follow(actor=both, question=question)
    question_follow(actor=gone, question=question)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    Notification.objects.all().delete()
    expected = {volunteer.pk, supporter.pk, follower.pk, both.pk}
    return {"question": question, "expected": expected, "both": both}


def _told(kind: str) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


@pytest.mark.parametrize("action", ["consider", "adopt", "decline", "merge"])
def test_proposer_supporters_and_followers_are_told_once_not_the_actor(
    audience: dict[str, Any], staff: Any, propose: Callable[..., Question], action: str
) -> None:
    question = audience["question"]
    question_follow(actor=staff, question=question)  # the actor follows too: still not told
    if action == "consider":
        question_consider(actor=staff, question=question)
    elif action == "adopt":
        question_adopt(actor=staff, question=question)
    elif action == "decline":
        question_decline(actor=staff, question=question, reason="Out of scope.")
    else:
        question_merge(actor=staff, question=question, into=propose(actor=staff))
    assert _told(f"question.{action}") == sorted(audience["expected"])


def test_the_answer_reaches_everyone_with_the_message_filled_in(
    audience: dict[str, Any],
    staff: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    question = audience["question"]
    question_adopt(actor=staff, question=question)
    with django_capture_on_commit_callbacks(execute=True):
        question_answer(actor=staff, question=question, answer="It depends on the wind.")
    notification = Notification.objects.filter(kind="question.answer").first()
    assert notification is not None
    assert question.text in notification.render()
    assert notification.url == question.get_absolute_url()
    assert _told("question.answer") == sorted(audience["expected"])
    assert len(mailoutbox) == len(audience["expected"])
    assert question.text in mailoutbox[0].body


def test_the_declined_message_carries_the_reason(audience: dict[str, Any], staff: Any) -> None:
    question_decline(actor=staff, question=audience["question"], reason="Not measurable yet.")
    notification = Notification.objects.get(kind="question.decline", recipient=audience["both"])
    assert "Not measurable yet." in notification.render()


def test_askers_are_told_when_the_adopting_project_starts_running(
    audience: dict[str, Any], staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    project = ProjectFactory(status=Project.Status.IN_REVIEW, visibility="public")
    question_adopt(actor=staff, question=audience["question"], project=project)
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(actor=staff, project=project, to_status=Project.Status.ACTIVE)
    notifications = Notification.objects.filter(kind="question.project_active")
    assert sorted(notifications.values_list("recipient_id", flat=True)) == sorted(
        audience["expected"]
    )
    assert project.name in notifications[0].render()


def test_askers_are_told_when_the_adopting_project_is_completed(
    audience: dict[str, Any], staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    project = ProjectFactory(public=True, status=Project.Status.ANALYSING)
    question_adopt(actor=staff, question=audience["question"], project=project)
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(actor=staff, project=project, to_status=Project.Status.COMPLETED)
    assert _told("question.project_completed") == sorted(audience["expected"])


def test_a_project_coming_back_from_a_pause_is_not_news(
    audience: dict[str, Any], staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    project = ProjectFactory(public=True, status=Project.Status.PAUSED)
    question_adopt(actor=staff, question=audience["question"], project=project)
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(actor=staff, project=project, to_status=Project.Status.ACTIVE)
    assert not Notification.objects.filter(kind__startswith="question.project_").exists()


def test_other_project_changes_tell_nobody(
    audience: dict[str, Any], staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    project = ProjectFactory(public=True)
    question_adopt(actor=staff, question=audience["question"], project=project)
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(actor=staff, project=project, to_status=Project.Status.PAUSED)
    assert not Notification.objects.filter(kind__startswith="question.project_").exists()


def test_the_proposer_hears_of_the_invitation_to_the_new_project(
    propose: Callable[..., Question], staff: Any, volunteer: Any
) -> None:
    question = propose()
    question_adopt(actor=staff, question=question)
    assert Notification.objects.filter(kind="question.invited", recipient=volunteer).exists()
