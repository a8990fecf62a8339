"""Discussion: threaded comments, flags, and moderation with reasons in the audit log."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.notifications.models import Notification
from cslab.projects.models import Project
from cslab.questions.models import Comment, CommentFlag, Question
from cslab.questions.models.comment import MAX_DEPTH
from cslab.questions.services.comments import (
    FLAGS_TO_HIDE,
    comment_flag,
    comment_hide,
    comment_post,
    comment_restore,
)
from cslab.questions.services.supports import question_follow

pytestmark = pytest.mark.django_db


def test_replies_nest_up_to_the_depth_limit(
    propose: Callable[..., Question], make_user: Any
) -> None:
    question, person = propose(), make_user()
    comment = comment_post(actor=person, question=question, text="First!")
    for depth in range(1, MAX_DEPTH + 1):
        comment = comment_post(actor=person, question=question, text="Reply", parent=comment)
        assert comment.depth == depth
    with pytest.raises(InvalidInputError) as refused:
        comment_post(actor=person, question=question, text="Too deep", parent=comment)
    assert refused.value.code == "thread_too_deep"


def test_a_reply_must_stay_on_the_same_question(
    propose: Callable[..., Question], make_user: Any
) -> None:
    person = make_user()
    elsewhere = comment_post(actor=person, question=propose(), text="Here.")
    with pytest.raises(InvalidInputError):
        comment_post(actor=person, question=propose(), text="There.", parent=elsewhere)


def test_an_empty_comment_is_refused(propose: Callable[..., Question], make_user: Any) -> None:
    with pytest.raises(InvalidInputError):
        comment_post(actor=make_user(), question=propose(), text="   ")


def test_followers_proposer_and_the_replied_to_hear_of_a_comment(
    propose: Callable[..., Question], make_user: Any, volunteer: Any
) -> None:
    question = propose()
    follower, first, replier = make_user(), make_user(), make_user()
    question_follow(actor=follower, question=question)
    parent = comment_post(actor=first, question=question, text="Good question.")
    Notification.objects.all().delete()

    comment_post(actor=replier, question=question, text="Agreed.", parent=parent)

    told = sorted(Notification.objects.values_list("recipient_id", flat=True))
    assert told == sorted([volunteer.pk, follower.pk, first.pk])


def test_each_person_flags_a_comment_once(propose: Callable[..., Question], make_user: Any) -> None:
    comment = comment_post(actor=make_user(), question=propose(), text="Hm.")
    flagger = make_user()
    comment_flag(actor=flagger, comment=comment, reason="Rude")
    comment_flag(actor=flagger, comment=comment, reason="Still rude")
    comment.refresh_from_db()
    assert comment.flag_count == 1 == CommentFlag.objects.count()
    assert not comment.is_hidden


def test_you_cannot_flag_your_own_comment(propose: Callable[..., Question], make_user: Any) -> None:
    author = make_user()
    comment = comment_post(actor=author, question=propose(), text="Mine.")
    with pytest.raises(InvalidInputError):
        comment_flag(actor=author, comment=comment)


def test_enough_flags_hide_a_comment_until_a_moderator_looks(
    propose: Callable[..., Question], make_user: Any
) -> None:
    comment = comment_post(actor=make_user(), question=propose(), text="Buy cheap pills!")
    for _ in range(FLAGS_TO_HIDE):
        comment_flag(actor=make_user(), comment=comment, reason="Spam")
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason
    assert AuditEvent.objects.filter(action="question.comment_hidden", actor=None).exists()


def test_project_moderators_hide_and_restore_with_a_reason_and_an_audit_trail(
    propose: Callable[..., Question], public_project: Project, team_member: Any, make_user: Any
) -> None:
    moderator = team_member(public_project, ProjectRole.MODERATOR)
    question = propose(project=public_project)
    comment = comment_post(actor=make_user(), question=question, text="Off topic rant.")
    comment_flag(actor=make_user(), comment=comment)

    with pytest.raises(InvalidInputError):
        comment_hide(actor=moderator, comment=comment, reason="")
    comment_hide(actor=moderator, comment=comment, reason="Off topic.")
    assert comment.is_hidden and comment.hidden_reason == "Off topic."
    comment_restore(actor=moderator, comment=comment, reason="On second thought, fine.")

    comment.refresh_from_db()
    assert not comment.is_hidden and comment.flag_count == 0
    assert not CommentFlag.objects.exists()
    actions = list(
        AuditEvent.objects.filter(actor=moderator).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["question.comment_hidden", "question.comment_restored"]
    with pytest.raises(ConflictError):
        comment_restore(actor=moderator, comment=comment)


def test_members_and_volunteers_cannot_moderate(
    propose: Callable[..., Question], public_project: Project, team_member: Any, make_user: Any
) -> None:
    member = team_member(public_project, ProjectRole.MEMBER)
    comment = comment_post(actor=make_user(), question=propose(project=public_project), text="x")
    for person in (member, make_user()):
        with pytest.raises(PermissionDeniedError):
            comment_hide(actor=person, comment=comment, reason="No.")
    assert not Comment.objects.get(pk=comment.pk).is_hidden


def test_lab_staff_moderate_lab_board_discussions(
    propose: Callable[..., Question], staff: Any, make_user: Any
) -> None:
    comment = comment_post(actor=make_user(), question=propose(), text="x")
    comment_hide(actor=staff, comment=comment, reason="Personal data.")
    assert comment.is_hidden


def test_outsiders_cannot_comment_on_a_private_board(
    propose: Callable[..., Question], private_project: Project, make_user: Any
) -> None:
    question = propose(actor=private_project.initiator, project=private_project)
    with pytest.raises(NotFoundError):
        comment_post(actor=make_user(), question=question, text="Let me in.")
