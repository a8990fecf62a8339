"""Supporting and following questions: one of each per person, counted without races.

The unique constraints decide whether a support exists; the count moves with an F() update in
the same transaction as the row, so concurrent supports, withdrawals and double clicks never
miscount.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.errors import ConflictError
from cslab.core.problems import ProblemCode
from cslab.questions.models import Follow, Question, Support


def question_support(*, actor: User, question: Question) -> Question:
    """Add the actor's support (supporting twice changes nothing); return the fresh count."""
    _check_open(actor=actor, question=question)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Support.objects.create(question=question, user=actor)
        except IntegrityError:
            pass
        else:
            Question.objects.filter(pk=question.pk).update(support_count=F("support_count") + 1)
    question.refresh_from_db(fields=["support_count"])
    return question


def question_support_withdraw(*, actor: User, question: Question) -> Question:
    """Withdraw the actor's support, if any; return the fresh count."""
    permissions.require(actor, "question.take_part")
    permissions.require(actor, "question.view", question)
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(question=question, user_id=actor.pk).delete()
        if deleted:
            Question.objects.filter(pk=question.pk).update(support_count=F("support_count") - 1)
    question.refresh_from_db(fields=["support_count"])
    return question


def question_follow(*, actor: User, question: Question) -> Follow:
    """Follow what happens to a question (following twice changes nothing)."""
    permissions.require(actor, "question.take_part")
    permissions.require(actor, "question.view", question)
    follow, _created = Follow.objects.get_or_create(question=question, user=actor)
    return follow


def question_unfollow(*, actor: User, question: Question) -> None:
    """Stop following a question, if followed."""
    permissions.require(actor, "question.take_part")
    permissions.require(actor, "question.view", question)
    Follow.objects.filter(question=question, user_id=actor.pk).delete()


def _check_open(*, actor: User, question: Question) -> None:
    permissions.require(actor, "question.take_part")
    permissions.require(actor, "question.view", question)
    if question.status == Question.Status.MERGED:
        raise ConflictError(
            _("This question was merged into another one: support that one instead."),
            code=ProblemCode.QUESTION_MERGED,
        )
