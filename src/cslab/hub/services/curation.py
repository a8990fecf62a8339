"""The one service that moves a hub resource along its curation life (`hub.states`).

Authors submit and withdraw; curators publish, ask for changes or decline (each a `Review` with
the quality checklist as ticked), retire and reinstate. Every step is audited as
`hub.resource.<action>`; the submitter is told about a curator's decision.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import (
    InvalidInputError,
    InvalidTransitionError,
    PermissionDeniedError,
)
from cslab.core.services.audit import audit_record
from cslab.hub import states
from cslab.hub.models import QualityCriterion, Resource, Review
from cslab.hub.services.versions import version_record
from cslab.notifications.services.notifications import notification_send

DECISIONS = frozenset(Review.Decision.values)
ACTIONS = frozenset(step.action for step in states.STEPS)

# Untranslated: each recipient reads it in their own language (`notification_send`).
DECISION_MESSAGES = {
    "publish": gettext_noop("A curator published your resource “%(title)s”."),
    "request_changes": gettext_noop(
        "A curator asks for changes to your resource “%(title)s”: %(comment)s"
    ),
    "decline": gettext_noop("A curator declined your resource “%(title)s”: %(comment)s"),
}


@transaction.atomic
def resource_transition(
    *,
    actor: Actor,
    resource: Resource,
    action: str,
    comment: str = "",
    criteria: dict[str, bool] | None = None,
    notice: str = "",
) -> Resource:
    """Take the curation step `action` on the resource, if its status allows it and the actor may.

    The row is locked, so two curators deciding at once cannot both move it: the second finds
    the new status and gets an InvalidTransitionError (409). A curator's decision answers every
    active checklist criterion (`criteria`: code -> met); publishing needs all of them met;
    asking for changes and declining need a comment. Retiring needs a `notice` for readers.
    Return the resource passed in, updated.
    """
    permissions.require(actor, "hub.resource.view", resource)
    if action not in ACTIONS:
        raise InvalidInputError(_("“%(action)s” is not a curation step.") % {"action": action})
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    step = states.step_for(locked.status, action)
    if step is None:
        raise InvalidTransitionError(
            _("A resource that is “%(status)s” cannot take the step “%(action)s”.")
            % {"status": locked.get_status_display(), "action": _action_label(action)}
        )
    permissions.require(actor, step.permission, locked)
    person = signed_in(actor)
    comment = comment.strip()
    now = timezone.now()
    source = locked.status
    changed = ["status"]
    locked.status = step.target
    review: Review | None = None
    if action in DECISIONS:
        _refuse_own_resource(person, locked)
        review = _review_record(person, locked, action, comment, criteria)
    if action == "submit":
        locked.submitted_at = now
        changed.append("submitted_at")
    elif action == "publish" and locked.published_at is None:
        locked.published_at = now
        changed.append("published_at")
    elif action == "retire":
        notice = notice.strip()
        if not notice:
            raise InvalidInputError(
                _("Tell readers why the resource is retired."),
                details={"notice": [_("This field is required.")]},
            )
        locked.retirement_notice = notice
        locked.retired_at = now
        changed += ["retirement_notice", "retired_at"]
    elif action == "reinstate":
        locked.retirement_notice = ""
        locked.retired_at = None
        changed += ["retirement_notice", "retired_at"]
    try:
        # Only what this step changes: the rest was checked when it was written.
        locked.clean_fields(
            exclude=[field.name for field in Resource._meta.fields if field.name not in changed]
        )
    except ValidationError as error:
        raise InvalidInputError(
            _("The resource has invalid values."), details=error.message_dict
        ) from None
    locked.save(update_fields=[*changed, "updated_at"])
    version = None
    if action == "publish":
        version = version_record(actor=person, resource=locked, change_note=comment)
    details: dict[str, Any] = {"from": source, "to": step.target, "comment": comment}
    if review is not None:
        details["review"] = review.pk
    if version is not None:
        details["version"] = version.number
    if action == "retire":
        details["notice"] = locked.retirement_notice
    audit_record(actor=person, action=f"hub.resource.{action}", target=locked, details=details)
    if action in DECISION_MESSAGES and locked.submitted_by is not None:
        notification_send(
            recipients=[locked.submitted_by],
            kind=f"hub.resource.{action}",
            message=DECISION_MESSAGES[action],
            params={"title": locked.title, "comment": comment},
            url=locked.get_absolute_url(),
            actor=person,
        )
    for name in [*changed, "updated_at", "version"]:
        setattr(resource, name, getattr(locked, name))
    return resource


def _refuse_own_resource(person: Any, resource: Resource) -> None:
    """Four eyes: a curator does not decide on what they submitted or wrote."""
    if resource.submitted_by_id == person.pk or resource.authors.filter(user_id=person.pk).exists():
        raise PermissionDeniedError(_("Another curator reviews a resource you submitted or wrote."))


def _review_record(
    person: Any,
    resource: Resource,
    action: str,
    comment: str,
    criteria: dict[str, bool] | None,
) -> Review:
    answers = criteria or {}
    active = list(QualityCriterion.objects.filter(active=True))
    unanswered = [criterion.label for criterion in active if criterion.code not in answers]
    if unanswered:
        raise InvalidInputError(
            _("Answer every item of the checklist: %(items)s.") % {"items": "; ".join(unanswered)},
            details={"criteria": [_("Answer every item.")]},
        )
    ticked = {criterion.code: bool(answers[criterion.code]) for criterion in active}
    if action == "publish":
        unmet = [criterion.label for criterion in active if not ticked[criterion.code]]
        if unmet:
            raise InvalidInputError(
                _("A resource is published only when it meets every criterion. Not met: %(items)s.")
                % {"items": "; ".join(unmet)},
                details={"criteria": unmet},
            )
    elif not comment:
        raise InvalidInputError(
            _("Tell the author why, in a comment."),
            details={"comment": [_("This field is required.")]},
        )
    review = Review(
        resource=resource, reviewer=person, decision=action, comment=comment, criteria=ticked
    )
    try:
        review.full_clean()
    except ValidationError as error:
        raise InvalidInputError(
            _("The review has invalid values."), details=error.message_dict
        ) from None
    review.save()
    return review


def _action_label(action: str) -> str:
    return next((str(step.label) for step in states.STEPS if step.action == action), action)


@transaction.atomic
def resource_publish_trusted(*, actor: Actor, resource: Resource, reason: str) -> Resource:
    """Publish a submitted resource without a curator's review.

    For people the Lab trusts to publish what they made for it (trainers and staff publishing
    the recording or slides of an event they organise): no checklist review is recorded, the
    audit entry says it was trusted and why. Anyone else: PermissionDeniedError.
    """
    permissions.require(actor, "hub.resource.publish_trusted", resource)
    person = signed_in(actor)
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    if locked.status != states.SUBMITTED:
        raise InvalidTransitionError(
            _("Only a submitted resource can be published this way; this one is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    source = locked.status
    locked.status = states.PUBLISHED
    changed = ["status"]
    if locked.published_at is None:
        locked.published_at = timezone.now()
        changed.append("published_at")
    locked.save(update_fields=[*changed, "updated_at"])
    version = version_record(actor=person, resource=locked, change_note=reason)
    audit_record(
        actor=person,
        action="hub.resource.publish",
        target=locked,
        details={
            "from": source,
            "to": states.PUBLISHED,
            "trusted": True,
            "reason": reason,
            "version": version.number,
        },
    )
    for name in [*changed, "updated_at", "version"]:
        setattr(resource, name, getattr(locked, name))
    return resource
