"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

Questions and comments are contributions: kept under the pseudonym (their text redacted where
it names the person), or deleted. A deleted comment that others replied to keeps its place in
the thread as "[removed]" without an author, so the replies still make sense; a question
others discussed, merged into or adopted stays too, under the pseudonym, for the same reason.
Supports, follows and flags are the person's own and go with the account.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet

from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.core.redaction import REMOVED, identity_needles, redact_queryset
from cslab.questions.models import Comment, CommentFlag, Follow, Question, QuestionStatusChange
from cslab.questions.models.question import Support


@register_eraser("questions")
def erase_questions_and_comments(scope: ErasureScope) -> int:
    user = scope.user
    needles = identity_needles(email=user.email, display_name=user.display_name)
    questions = Question.objects.filter(proposer=user)
    comments = Comment.objects.filter(author=user)
    if scope.project is not None:
        questions = questions.filter(project=scope.project)
        comments = comments.filter(question__project=scope.project)
    changed = 0
    if scope.delete_contributions:
        changed += _comments_delete(comments)
        changed += _questions_delete(questions, user=user)
    changed += redact_queryset(comments, ["text"], needles)
    changed += redact_queryset(questions, ["text", "why_it_matters", "place_name"], needles)
    if scope.pseudonym_user.pk != user.pk:
        changed += comments.update(author=scope.pseudonym_user)
        changed += questions.update(proposer=scope.pseudonym_user)
    if scope.project is None:
        changed += _supports_delete(user)
        changed += Follow.objects.filter(user=user).delete()[0]
        for flag in CommentFlag.objects.filter(user=user):
            Comment.objects.filter(pk=flag.comment_id).update(flag_count=F("flag_count") - 1)
            flag.delete()
            changed += 1
        changed += redact_queryset(
            QuestionStatusChange.objects.filter(actor=user), ["note"], needles
        )
    return changed


def _comments_delete(comments: QuerySet[Comment]) -> int:
    answered = comments.filter(replies__isnull=False).distinct()
    blanked = Comment.objects.filter(pk__in=answered.values("pk")).update(text=REMOVED, author=None)
    deleted = comments.filter(replies__isnull=True).delete()[0]
    return int(blanked) + int(deleted)


def _questions_delete(questions: QuerySet[Question], *, user: Any) -> int:
    """Delete the questions nobody else took part in; the others stay under the pseudonym."""
    alone = questions.annotate(
        others=Count(
            "comments", filter=~Q(comments__author=user) & Q(comments__author__isnull=False)
        ),
        merged=Count("merged_questions"),
    ).filter(others=0, merged=0, adopted_project__isnull=True, merged_into__isnull=True)
    return int(Question.objects.filter(pk__in=list(alone.values_list("pk", flat=True))).delete()[0])


def _supports_delete(user: Any) -> int:
    removed = 0
    for support in Support.objects.filter(user=user):
        Question.objects.filter(pk=support.question_id).update(support_count=F("support_count") - 1)
        support.delete()
        removed += 1
    return removed
