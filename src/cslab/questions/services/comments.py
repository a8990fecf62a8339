"""Discussion of questions: threaded comments, flags, and moderation (hide and restore)."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.notifications.services.notifications import notification_send
from cslab.questions.models import Comment, CommentFlag, Follow, Question
from cslab.questions.models.comment import MAX_DEPTH

# This many flags from different people hide a comment until a moderator looks at it.
FLAGS_TO_HIDE = 3
MAX_COMMENT_LENGTH = 5000


@transaction.atomic
def comment_post(
    *, actor: User, question: Question, text: str, parent: Comment | None = None
) -> Comment:
    """Add a comment, or a reply to `parent` (at most MAX_DEPTH levels deep).

    The proposer and followers are told, and so is the author of the comment replied to.
    """
    permissions.require(actor, "question.take_part")
    permissions.require(actor, "question.view", question)
    if question.status == Question.Status.MERGED:
        raise ConflictError(
            _("This question was merged into another one: discuss it there."),
            code=ProblemCode.QUESTION_MERGED,
        )
    text = text.strip()
    if not text:
        raise InvalidInputError(_("Write a comment."), details={"text": [_("Required.")]})
    if len(text) > MAX_COMMENT_LENGTH:
        raise InvalidInputError(
            _("A comment has at most %(count)d characters.") % {"count": MAX_COMMENT_LENGTH},
            details={"text": [_("Too long.")]},
        )
    depth = 0
    if parent is not None:
        if parent.question_id != question.pk:
            raise InvalidInputError(
                _("You can only reply to a comment on the same question."),
                code=ProblemCode.REPLY_ELSEWHERE,
            )
        if parent.depth >= MAX_DEPTH:
            raise InvalidInputError(
                _("Replies nest at most %(count)d levels deep: reply higher up the thread.")
                % {"count": MAX_DEPTH + 1},
                code=ProblemCode.THREAD_TOO_DEEP,
            )
        depth = parent.depth + 1
    comment = Comment(question=question, author=actor, parent=parent, depth=depth, text=text)
    comment.full_clean(exclude=["question", "author", "parent"])
    comment.save()
    followers = [
        follow.user for follow in Follow.objects.filter(question=question).select_related("user")
    ]
    recipients = [question.proposer, *followers]
    if parent is not None:
        recipients.append(parent.author)
    notification_send(
        recipients=recipients,
        kind="question.comment",
        message=gettext_noop("%(person)s commented on the question “%(question)s”."),
        params={"person": actor.public_name, "question": question.text},
        url=f"{question.get_absolute_url()}#comment-{comment.pk}",
        actor=actor,
    )
    return comment


def comment_flag(*, actor: User, comment: Comment, reason: str = "") -> Comment:
    """Report a comment to the moderators; each person flags a comment at most once.

    The FLAGS_TO_HIDE-th flag hides the comment until a moderator looks at it.
    """
    permissions.require(actor, "question.take_part")
    permissions.require(actor, "question.view", comment.question)
    if comment.author_id == actor.pk:
        raise InvalidInputError(
            _("You cannot flag your own comment."), code=ProblemCode.OWN_COMMENT
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                CommentFlag.objects.create(comment=comment, user=actor, reason=reason.strip()[:500])
        except IntegrityError:
            comment.refresh_from_db()
            return comment
        Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
        comment.refresh_from_db()
        if comment.flag_count >= FLAGS_TO_HIDE and comment.hidden_at is None:
            comment.hidden_at = timezone.now()
            comment.hidden_reason = gettext_noop("Hidden after several people flagged it.")
            comment.save(update_fields=["hidden_at", "hidden_reason"])
            audit_record(
                actor=None,
                action="question.comment_hidden",
                target=comment,
                details={"flags": comment.flag_count, "automatic": True},
            )
    return comment


@transaction.atomic
def comment_hide(*, actor: User, comment: Comment, reason: str) -> Comment:
    """Hide a comment with a public reason (moderators of the question's board)."""
    permissions.require(actor, "question.view", comment.question)
    permissions.require(actor, "question.moderate", comment.question)
    reason = reason.strip()
    if not reason:
        raise InvalidInputError(
            _("Say why the comment is hidden."), details={"reason": [_("Required.")]}
        )
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    locked.hidden_at = timezone.now()
    locked.hidden_reason = reason[:500]
    locked.hidden_by = actor
    locked.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    audit_record(
        actor=actor,
        action="question.comment_hidden",
        target=locked,
        details={"reason": reason, "flags": locked.flag_count},
    )
    _copy(locked, comment, ["hidden_at", "hidden_reason", "hidden_by_id"])
    return comment


@transaction.atomic
def comment_restore(*, actor: User, comment: Comment, reason: str = "") -> Comment:
    """Show a hidden comment again; its flags count as looked at and are cleared."""
    permissions.require(actor, "question.view", comment.question)
    permissions.require(actor, "question.moderate", comment.question)
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.hidden_at is None:
        raise ConflictError(_("This comment is not hidden."), code=ProblemCode.COMMENT_NOT_HIDDEN)
    flags = locked.flag_count
    CommentFlag.objects.filter(comment=locked).delete()
    locked.hidden_at = None
    locked.hidden_reason = ""
    locked.hidden_by = None
    locked.flag_count = 0
    locked.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "flag_count"])
    audit_record(
        actor=actor,
        action="question.comment_restored",
        target=locked,
        details={"reason": reason.strip(), "flags_cleared": flags},
    )
    _copy(locked, comment, ["hidden_at", "hidden_reason", "hidden_by_id", "flag_count"])
    return comment


def _copy(source: Comment, target: Comment, names: list[str]) -> None:
    for name in names:
        setattr(target, name, getattr(source, name))
