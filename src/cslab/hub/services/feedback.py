"""Feedback on published resources: "used in my project", endorsements, ratings, comments.

Feedback exists only for published resources: for a draft, a resource under review or a retired
one these services answer as if the resource were not there (404), so a draft's existence is
never told. Each "once per person / project" rule is a unique constraint, hit inside a savepoint,
so a second click (or two at once) never makes a duplicate nor a 500; counters move with F().
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.hub import states
from cslab.hub.models import (
    Endorsement,
    Rating,
    Resource,
    ResourceComment,
    ResourceCommentFlag,
    ResourceUse,
)

MAX_COMMENT_LENGTH = 5000
MAX_NOTE_LENGTH = 500
MAX_REASON_LENGTH = 500
STARS = range(1, 6)


def _require_published(actor: Any, resource: Resource) -> None:
    """Refuse feedback on anything but a published resource the actor may open."""
    permissions.require(actor, "hub.resource.view", resource)
    if resource.status != states.PUBLISHED:
        raise NotFoundError()


def _short(text: str, limit: int, field: str, message: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise InvalidInputError(message, code=ProblemCode.TOO_LONG, details={field: [message]})
    return text


# --- used in my project ---


def resource_use_add(
    *, actor: Any, resource: Resource, project: Any, note: str = ""
) -> ResourceUse:
    """Record that `project` uses `resource`; adding it again returns the existing use.

    The actor must lead the project (`project.edit`); the resource must be published.
    """
    _require_published(actor, resource)
    permissions.require(actor, "project.edit", project)
    note = _short(
        note,
        MAX_NOTE_LENGTH,
        "note",
        _("A note has at most %(count)d characters.") % {"count": MAX_NOTE_LENGTH},
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                use = ResourceUse(resource=resource, project=project, added_by=actor, note=note)
                use.full_clean(exclude=["resource", "project", "added_by"], validate_unique=False)
                use.save()
        except IntegrityError:
            return ResourceUse.objects.get(resource=resource, project=project)
        Resource.objects.filter(pk=resource.pk).update(use_count=F("use_count") + 1)
        audit_record(
            actor=actor,
            action="hub.resource_use_added",
            target=use,
            details={"resource": resource.pk, "project": project.pk},
        )
    return use


@transaction.atomic
def resource_use_remove(*, actor: Any, use: ResourceUse) -> None:
    """Take a resource off a project's list (the project's leads and Lab staff)."""
    permissions.require(actor, "project.edit", use.project)
    resource_id, project_id = use.resource_id, use.project_id
    deleted, _counts = ResourceUse.objects.filter(pk=use.pk).delete()
    if deleted:
        Resource.objects.filter(pk=resource_id, use_count__gt=0).update(
            use_count=F("use_count") - 1
        )
        audit_record(
            actor=actor,
            action="hub.resource_use_removed",
            target=None,
            details={"resource": resource_id, "project": project_id},
        )


# --- endorsements ---


@transaction.atomic
def resource_endorse(*, actor: Any, resource: Resource, statement: str = "") -> Endorsement:
    """Vouch for a published resource as Lab staff; endorsing again replaces the statement."""
    _require_published(actor, resource)
    permissions.require(actor, "hub.resource.curate", resource)
    statement = _short(
        statement,
        MAX_NOTE_LENGTH,
        "statement",
        _("A statement has at most %(count)d characters.") % {"count": MAX_NOTE_LENGTH},
    )
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(
                resource=resource, endorsed_by=actor, statement=statement
            )
    except IntegrityError:
        endorsement = Endorsement.objects.select_for_update().get(
            resource=resource, endorsed_by=actor
        )
        endorsement.statement = statement
        endorsement.save(update_fields=["statement"])
    audit_record(
        actor=actor,
        action="hub.resource_endorsed",
        target=resource,
        details={"statement": statement},
    )
    return endorsement


@transaction.atomic
def resource_endorsement_withdraw(*, actor: Any, resource: Resource) -> None:
    """Withdraw the actor's own endorsement (nothing happens when there is none)."""
    permissions.require(actor, "hub.resource.view", resource)
    permissions.require(actor, "hub.resource.curate", resource)
    deleted, _counts = Endorsement.objects.filter(resource=resource, endorsed_by=actor).delete()
    if deleted:
        audit_record(actor=actor, action="hub.resource_endorsement_withdrawn", target=resource)


# --- ratings ---


def parse_stars(value: Any) -> int:
    """Return `value` as a number of stars from 1 to 5, or raise InvalidInputError."""
    try:
        stars = int(value)
    except (TypeError, ValueError):
        stars = 0
    if stars not in STARS:
        message = _("Give from 1 to 5 stars.")
        raise InvalidInputError(
            message, code=ProblemCode.VALUE_OUT_OF_RANGE, details={"stars": [message]}
        )
    return stars


@transaction.atomic
def resource_rate(*, actor: Any, resource: Resource, stars: int) -> Rating:
    """Rate a published resource 1 to 5 stars; rating again replaces the earlier rating."""
    permissions.require(actor, "hub.resource.feedback", resource)
    _require_published(actor, resource)
    stars = parse_stars(stars)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(resource=resource, user=actor, stars=stars)
    except IntegrityError:
        Rating.objects.filter(resource=resource, user=actor).update(
            stars=stars, updated_at=timezone.now()
        )
        rating = Rating.objects.get(resource=resource, user=actor)
    return rating


# --- comments ---


@transaction.atomic
def resource_comment_post(*, actor: Any, resource: Resource, text: str) -> ResourceComment:
    """Add a comment to a published resource."""
    permissions.require(actor, "hub.resource.feedback", resource)
    _require_published(actor, resource)
    text = (text or "").strip()
    if not text:
        message = _("Write a comment.")
        raise InvalidInputError(
            message, code=ProblemCode.EMPTY_COMMENT, details={"text": [_("Required.")]}
        )
    text = _short(
        text,
        MAX_COMMENT_LENGTH,
        "text",
        _("A comment has at most %(count)d characters.") % {"count": MAX_COMMENT_LENGTH},
    )
    comment = ResourceComment(resource=resource, author=actor, text=text)
    comment.full_clean(exclude=["resource", "author", "hidden_by"])
    comment.save()
    return comment


def resource_comment_flag(
    *, actor: Any, comment: ResourceComment, reason: str = ""
) -> ResourceComment:
    """Report a comment to the curators; a person flags a comment at most once."""
    permissions.require(actor, "hub.resource.feedback", comment.resource)
    _require_published(actor, comment.resource)
    if comment.author_id == actor.pk:
        raise InvalidInputError(
            _("You cannot flag your own comment."), code=ProblemCode.OWN_COMMENT
        )
    reason = (reason or "").strip()[:MAX_REASON_LENGTH]
    with transaction.atomic():
        try:
            with transaction.atomic():
                ResourceCommentFlag.objects.create(comment=comment, user=actor, reason=reason)
        except IntegrityError:
            comment.refresh_from_db()
            return comment
        ResourceComment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
        audit_record(
            actor=actor,
            action="hub.comment_flagged",
            target=comment,
            details={"reason": reason},
        )
    comment.refresh_from_db()
    return comment


@transaction.atomic
def resource_comment_hide(*, actor: Any, comment: ResourceComment, reason: str) -> ResourceComment:
    """Hide a comment with a reason readers see in its place (moderators)."""
    permissions.require(actor, "hub.comment.moderate", comment)
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the comment is hidden.")
        raise InvalidInputError(
            message, code=ProblemCode.REASON_REQUIRED, details={"reason": [_("Required.")]}
        )
    if len(reason) > MAX_REASON_LENGTH:
        message = _("A reason has at most %(count)d characters.") % {"count": MAX_REASON_LENGTH}
        raise InvalidInputError(
            message, code=ProblemCode.REASON_TOO_LONG, details={"reason": [message]}
        )
    locked = ResourceComment.objects.select_for_update().get(pk=comment.pk)
    locked.hidden_at = timezone.now()
    locked.hidden_reason = reason
    locked.hidden_by = actor
    locked.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    audit_record(
        actor=actor,
        action="hub.comment_hidden",
        target=locked,
        details={"reason": reason, "flags": locked.flag_count},
    )
    return locked


@transaction.atomic
def resource_comment_show(*, actor: Any, comment: ResourceComment) -> ResourceComment:
    """Show a hidden comment again, or keep a flagged one shown: either way its flags count as
    looked at and are cleared, so it leaves the moderation queue."""
    permissions.require(actor, "hub.comment.moderate", comment)
    locked = ResourceComment.objects.select_for_update().get(pk=comment.pk)
    if locked.hidden_at is None and locked.flag_count == 0:
        raise ConflictError(_("This comment is not hidden."), code=ProblemCode.COMMENT_NOT_HIDDEN)
    flags = locked.flag_count
    ResourceCommentFlag.objects.filter(comment=locked).delete()
    locked.hidden_at = None
    locked.hidden_reason = ""
    locked.hidden_by = None
    locked.flag_count = 0
    locked.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "flag_count"])
    audit_record(actor=actor, action="hub.comment_shown", target=locked, details={"flags": flags})
    return locked
