"""Team memberships: add, change role, remove, leave; a team always keeps an owner."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.problems import ProblemCode
from cslab.core.role_requirements import unmet_role_requirements
from cslab.core.roles import ProjectRole
from cslab.core.services.audit import audit_record
from cslab.projects.models import Membership, Project
from cslab.projects.rules import require_add_directly


def membership_add(*, actor: User | None, project: Project, user: User, role: str) -> Membership:
    """Put a person on the team with `role`.

    With an actor, this is adding someone directly, which only Lab staff may do
    (`rules.require_add_directly`). Actor None is the system acting on the person's
    consent: an accepted invitation, an approved or automatic join request, an import.
    A person already on the team raises ConflictError; change their role instead.
    """
    if actor is not None:
        require_add_directly(actor, project)
    _ensure_role(role)
    ensure_role_requirements_met(project=project, user=user, role=role, yourself=actor is None)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(project=project, user=user, role=role)
            audit_record(
                actor=actor,
                action="team.member_added",
                target=project,
                details={"user_id": user.pk, "role": role},
            )
    except IntegrityError:
        raise ConflictError(
            _("%(person)s is already on the team.") % {"person": user},
            code=ProblemCode.ALREADY_MEMBER,
        ) from None
    project.__dict__.pop("_role_cache", None)
    return membership


@transaction.atomic
def membership_change_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    """Give a team member another role; the last owner cannot be demoted."""
    permissions.require(actor, "team.manage", membership.project)
    actor = signed_in(actor)
    _ensure_role(role)
    locked = _lock_team(membership.project)
    membership = locked.get(pk=membership.pk)
    if membership.role == ProjectRole.OWNER and role != ProjectRole.OWNER:
        _ensure_another_owner(locked, membership)
    if role != membership.role:
        ensure_role_requirements_met(
            project=membership.project, user=membership.user, role=role, yourself=False
        )
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="team.role_changed",
        target=membership.project,
        details={"user_id": membership.user_id, "from": previous, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    """Take a person off the team; the last owner cannot be removed."""
    permissions.require(actor, "team.manage", membership.project)
    actor = signed_in(actor)
    _remove(actor=actor, membership=membership, action="team.member_removed")


@transaction.atomic
def membership_leave(*, actor: User, project: Project) -> None:
    """Leave a team; the last owner must first hand ownership to someone else."""
    membership = Membership.objects.filter(project=project, user_id=actor.pk).first()
    if membership is None:
        raise NotFoundError()
    _remove(actor=actor, membership=membership, action="team.member_left")


def _remove(*, actor: User, membership: Membership, action: str) -> None:
    locked = _lock_team(membership.project)
    membership = locked.get(pk=membership.pk)
    if membership.role == ProjectRole.OWNER:
        _ensure_another_owner(locked, membership)
    membership.delete()
    membership.project.__dict__.pop("_role_cache", None)
    audit_record(
        actor=actor,
        action=action,
        target=membership.project,
        details={"user_id": membership.user_id, "role": membership.role},
    )


def _lock_team(project: Project) -> Any:
    """Lock the team's rows, so two owners leaving at once cannot leave the team ownerless."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    return Membership.objects.select_for_update().filter(project=project)


def _ensure_another_owner(team: Any, membership: Membership) -> None:
    if not team.filter(role=ProjectRole.OWNER).exclude(pk=membership.pk).exists():
        raise ConflictError(
            _("A team needs an owner: make someone else owner first."), code=ProblemCode.LAST_OWNER
        )


def ensure_role_requirements_met(
    *, project: Project, user: User, role: str, yourself: bool = True
) -> None:
    """Refuse with ConflictError `training_required` when the project asks something of `role`
    (e.g. a training module, `core.role_requirements`) that `user` has not done yet; the
    message names what to do. `yourself`: the person is acting themselves (joining, accepting),
    so the message speaks to them; otherwise it names them (an owner changing their role)."""
    unmet = unmet_role_requirements(project, user, role)
    if not unmet:
        return
    names = ", ".join(f"“{item.label}”" for item in unmet)
    role_name = ProjectRole(role).label
    if yourself:
        message = _("Before you can join as %(role)s, complete: %(modules)s.") % {
            "role": str(role_name).lower(),
            "modules": names,
        }
    else:
        message = _("Before %(person)s can be %(role)s, they must complete: %(modules)s.") % {
            "person": getattr(user, "public_name", str(user)),
            "role": str(role_name).lower(),
            "modules": names,
        }
    raise ConflictError(message, code=ProblemCode.TRAINING_REQUIRED)


def _ensure_role(role: str) -> None:
    if role not in ProjectRole.values:
        raise InvalidInputError(_("Unknown role “%(role)s”.") % {"role": role})
