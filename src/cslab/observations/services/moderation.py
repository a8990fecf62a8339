"""Moderating observations: flags from anyone, decisions by moderators.

Statuses: pending (new, not reviewed), accepted, flagged (someone reported it, or a moderator
wants a second look), rejected (kept, hidden from the public). Every decision writes a
ModerationEvent (the observation's moderation history) and an audit event, and tells the
observer. A flag from anyone signed in who can see the observation sets it to flagged, unless
it was already rejected; one open flag per person, which the database's partial unique
constraint decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none, signed_in
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.notifications.services.notifications import notification_send
from cslab.observations import map_counts, selectors
from cslab.observations.models import ModerationEvent, Observation, ObservationFlag
from cslab.projects.models import Project

MAX_REASON_LENGTH = 2000
REASON_REQUIRED = frozenset({Observation.Status.REJECTED, Observation.Status.FLAGGED})


def _clean_reason(reason: Any, *, required: bool) -> str:
    text = str(reason or "").strip()
    if required and not text:
        raise InvalidInputError(
            _("Give a reason."),
            code=ProblemCode.REASON_REQUIRED,
            details={"reason": [_("Give a reason.")]},
        )
    if len(text) > MAX_REASON_LENGTH:
        raise InvalidInputError(
            _("A reason has at most 2000 characters."),
            code=ProblemCode.REASON_TOO_LONG,
            details={"reason": [_("A reason has at most 2000 characters.")]},
        )
    return text


def observation_url(observation: Observation) -> str:
    """The observation's page if the site has one, else its project's page."""
    try:
        return reverse(
            "observation_detail",
            kwargs={"slug": observation.project.slug, "observation_id": observation.pk},
        )
    except NoReverseMatch:
        return str(observation.project.get_absolute_url())


@transaction.atomic
def observation_flag(*, actor: Actor, observation: Observation, reason: str) -> ObservationFlag:
    """Report that an observation looks wrong; the observation becomes flagged (a rejected one
    stays rejected). A second open flag by the same person is a ConflictError
    `already_flagged`."""
    selectors.observation_get_for_viewing(
        user=actor, project=observation.project, observation_id=observation.pk
    )
    permissions.require(actor, "observation.flag", observation)
    actor = signed_in(actor)
    text = _clean_reason(reason, required=True)
    flag = ObservationFlag(observation=observation, flagged_by=actor, reason=text)
    flag.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        raise ConflictError(
            _("You have already flagged this observation."), code=ProblemCode.ALREADY_FLAGGED
        ) from None
    locked = Observation.objects.select_for_update().get(pk=observation.pk)
    if locked.status in (Observation.Status.PENDING, Observation.Status.ACCEPTED):
        _change_status(
            actor=actor,
            observation=locked,
            status=Observation.Status.FLAGGED,
            reason=text,
            by_moderator=False,
        )
        observation.status = locked.status
        observation.status_reason = locked.status_reason
    audit_record(
        actor=actor,
        action="observation.flagged",
        target=observation,
        details={"flag_id": flag.pk},
    )
    return flag


@transaction.atomic
def observation_moderate(
    *, actor: Actor, observation: Observation, status: str, reason: str = ""
) -> Observation:
    """Set the moderation status (moderators, researchers and owners of the project, and Lab
    staff). A reason is required for rejected and flagged. Accepting or rejecting resolves the
    open flags. The observer is told."""
    permissions.require(actor, "project.view", observation.project)
    permissions.require(actor, "observation.moderate", observation)
    if status not in Observation.Status.values:
        raise InvalidInputError(
            _("Choose pending, accepted, flagged or rejected."),
            code=ProblemCode.INVALID_STATUS,
            details={"status": [_("Choose pending, accepted, flagged or rejected.")]},
        )
    text = _clean_reason(reason, required=status in REASON_REQUIRED)
    locked = Observation.objects.select_for_update().get(pk=observation.pk)
    previous = locked.status
    _change_status(actor=actor, observation=locked, status=status, reason=text, by_moderator=True)
    if status in (Observation.Status.ACCEPTED, Observation.Status.REJECTED):
        ObservationFlag.objects.filter(observation=locked, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
    audit_record(
        actor=actor,
        action="observation.moderated",
        target=locked,
        details={"from": previous, "to": status, "reason": text},
    )
    if observation.observer is not None and previous != status:
        notification_send(
            recipients=[observation.observer],
            kind="observation.moderated",
            message=gettext_noop("Your observation %(observation)s is now %(status)s."),
            params={"observation": f"#{locked.pk}", "status": status},
            url=observation_url(observation),
            actor=actor,
        )
    for name in ("status", "status_reason", "moderated_by", "moderated_at"):
        setattr(observation, name, getattr(locked, name))
    # The caller's row has its form, version, project and observer loaded; showing `locked`
    # would read each of them again.
    return observation


def _change_status(
    *, actor: Actor | None, observation: Observation, status: str, reason: str, by_moderator: bool
) -> None:
    person = person_or_none(actor)
    previous = observation.status
    ModerationEvent.objects.create(
        observation=observation,
        actor=person,
        from_status=observation.status,
        to_status=status,
        reason=reason,
    )
    observation.status = status
    observation.status_reason = reason
    fields = ["status", "status_reason"]
    if by_moderator:  # a flag changes the status but is not a moderator's decision
        observation.moderated_by = person
        observation.moderated_at = timezone.now()
        fields += ["moderated_by", "moderated_at"]
    observation.save(update_fields=fields)
    map_counts.observation_status_changed(observation, previous=previous)


MAX_BULK = 100
# What a moderator's bulk action does: approve, hide (reject: kept, hidden from the public),
# or flag for a second look.
BULK_STATUSES = (
    Observation.Status.ACCEPTED,
    Observation.Status.REJECTED,
    Observation.Status.FLAGGED,
)


@dataclass(frozen=True)
class BulkModeration:
    """What a bulk action did: the observations changed, and those it refused to touch."""

    changed: list[int]
    refused: list[str]


@transaction.atomic
def observation_moderate_bulk(
    *, actor: Actor, project: Project, observation_ids: list[str], status: str, reason: str = ""
) -> BulkModeration:
    """Set one status on several observations of one project, each through
    `observation_moderate` (so each is audited, has its history and tells its observer).

    The actor must moderate the project (else the permission error, and nothing changes). An
    id that is no number, no observation of this project, an earlier version that an edit
    replaced, or one the actor may not moderate is refused and left alone: the others are
    still changed. A missing reason where one is needed, or more than `MAX_BULK` ids, changes
    nothing (InvalidInputError)."""
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "observation.moderate", project)
    if status not in BULK_STATUSES:
        raise InvalidInputError(
            _("Choose approve, hide or flag."),
            code=ProblemCode.INVALID_STATUS,
            details={"status": [_("Choose approve, hide or flag.")]},
        )
    text = _clean_reason(reason, required=status in REASON_REQUIRED)
    wanted = list(
        dict.fromkeys(str(value).strip() for value in observation_ids if str(value).strip())
    )
    if not wanted:
        raise InvalidInputError(
            _("Select at least one observation."),
            code=ProblemCode.INVALID_INPUT,
            details={"observation": [_("Select at least one observation.")]},
        )
    if len(wanted) > MAX_BULK:
        raise InvalidInputError(
            _("Select at most %(count)s observations at once.") % {"count": MAX_BULK},
            code=ProblemCode.INVALID_INPUT,
            details={"observation": [_("Too many observations.")]},
        )
    numbers = {
        value: int(value)
        for value in wanted
        if value.isascii() and value.isdigit() and len(value) < 19
    }
    found = {
        observation.pk: observation
        for observation in selectors.observation_list_for_moderation_bulk(
            user=actor, project=project, observation_ids=list(numbers.values())
        )
    }
    changed: list[int] = []
    refused: list[str] = []
    for value in wanted:
        observation = found.get(numbers.get(value, -1))
        if observation is None or not permissions.has_permission(
            actor, "observation.moderate", observation
        ):
            refused.append(value)
            continue
        observation_moderate(actor=actor, observation=observation, status=status, reason=text)
        changed.append(observation.pk)
    return BulkModeration(changed=changed, refused=refused)
