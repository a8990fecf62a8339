"""Joining a team under its membership policy: join, request, approve, decline, withdraw."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
)
from cslab.core.problems import ProblemCode
from cslab.core.roles import ProjectRole
from cslab.core.services.audit import audit_record
from cslab.projects.models import JoinRequest, Membership, Project
from cslab.projects.services.invitations import email_people
from cslab.projects.services.team import ensure_role_requirements_met, membership_add


def join_project(*, actor: User, project: Project, message: str = "") -> Membership | JoinRequest:
    """Join a team, or ask to, as the project's membership policy says.

    Open: the actor becomes a member at once (the Membership is returned). Approval required:
    a pending JoinRequest is created and the owners are e-mailed; a person has at most one
    pending request per project (database constraint `join_request_one_pending_per_person`).
    Invite only: PermissionDeniedError `project_invite_only`. When the project asks something
    of members first (a training module, `core.role_requirements`) that the actor has not done,
    ConflictError `training_required` names it, for an open team and a request alike. The
    caller has already checked that the actor may see the project
    (`selectors.project_get_for_viewing`).
    """
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticatedError()
    if project.membership_policy == Project.MembershipPolicy.INVITE_ONLY:
        raise PermissionDeniedError(
            _("This team takes new people by invitation only. Ask an owner to invite you."),
            code=ProblemCode.PROJECT_INVITE_ONLY,
        )
    if project.membership_policy == Project.MembershipPolicy.OPEN:
        with transaction.atomic():
            membership = membership_add(
                actor=None, project=project, user=actor, role=ProjectRole.MEMBER
            )
            audit_record(
                actor=actor,
                action="team.joined",
                target=project,
                details={"role": ProjectRole.MEMBER},
            )
        return membership
    return _join_request_create(actor=actor, project=project, message=message)


def _join_request_create(*, actor: User, project: Project, message: str) -> JoinRequest:
    if Membership.objects.filter(project=project, user_id=actor.pk).exists():
        raise ConflictError(_("You are already on this team."), code=ProblemCode.ALREADY_MEMBER)
    ensure_role_requirements_met(project=project, user=actor, role=ProjectRole.MEMBER)
    join_request = JoinRequest(project=project, user=actor, message=message.strip())
    try:
        join_request.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise InvalidInputError(
            _("The request has invalid values."), details=error.message_dict
        ) from None
    try:
        with transaction.atomic():
            join_request.save()
            audit_record(
                actor=actor,
                action="team.join_requested",
                target=project,
                details={"join_request_id": join_request.pk},
            )
            owners = project.memberships.filter(role=ProjectRole.OWNER).select_related("user")
            email_people(
                addresses=[(m.user.email, m.user.preferred_language) for m in owners],
                template="projects/team_join_request_email",
                context={"project": project, "join_request": join_request, "person": actor},
            )
    except IntegrityError:
        raise ConflictError(
            _("You have already asked to join this team; the owners will answer."),
            code=ProblemCode.JOIN_REQUEST_PENDING,
        ) from None
    return join_request


@transaction.atomic
def join_request_approve(
    *, actor: Actor, join_request: JoinRequest, role: str = ProjectRole.MEMBER
) -> Membership:
    """Accept a pending request: the requester joins the team as `role` and is e-mailed.

    ConflictError `training_required` when the requester has not yet done what the project
    asks of `role` (the request stays pending)."""
    _decide(actor=actor, join_request=join_request, status=JoinRequest.Status.APPROVED)
    ensure_role_requirements_met(
        project=join_request.project, user=join_request.user, role=role, yourself=False
    )
    # The requester asked to join: the system adds them on their request, the owner decides.
    membership = membership_add(
        actor=None, project=join_request.project, user=join_request.user, role=role
    )
    audit_record(
        actor=actor,
        action="team.join_request_approved",
        target=join_request.project,
        details={"join_request_id": join_request.pk, "user_id": join_request.user_id, "role": role},
    )
    _email_requester(join_request, approved=True)
    return membership


@transaction.atomic
def join_request_decline(*, actor: Actor, join_request: JoinRequest) -> JoinRequest:
    """Turn down a pending request; the requester is e-mailed and may ask again later."""
    _decide(actor=actor, join_request=join_request, status=JoinRequest.Status.DECLINED)
    audit_record(
        actor=actor,
        action="team.join_request_declined",
        target=join_request.project,
        details={"join_request_id": join_request.pk, "user_id": join_request.user_id},
    )
    _email_requester(join_request, approved=False)
    return join_request


@transaction.atomic
def join_request_withdraw(*, actor: Actor, join_request: JoinRequest) -> JoinRequest:
    """Withdraw one's own pending request."""
    if not getattr(actor, "is_authenticated", False) or join_request.user_id != actor.pk:
        raise NotFoundError()
    _close(join_request, status=JoinRequest.Status.WITHDRAWN, decided_by=None)
    audit_record(
        actor=actor,
        action="team.join_request_withdrawn",
        target=join_request.project,
        details={"join_request_id": join_request.pk},
    )
    return join_request


def _decide(*, actor: Actor, join_request: JoinRequest, status: str) -> None:
    permissions.require(actor, "team.manage", join_request.project)
    actor = signed_in(actor)
    _close(join_request, status=status, decided_by=actor)


def _close(join_request: JoinRequest, *, status: str, decided_by: Any) -> None:
    """Move a pending request to `status` with a conditional update: only one decision wins."""
    now = timezone.now()
    changed = JoinRequest.objects.filter(
        pk=join_request.pk, status=JoinRequest.Status.PENDING
    ).update(status=status, decided_by=decided_by, decided_at=now)
    if not changed:
        raise ConflictError(
            _("This request has already been answered or withdrawn."),
            code=ProblemCode.JOIN_REQUEST_CLOSED,
        )
    join_request.status, join_request.decided_by, join_request.decided_at = status, decided_by, now


def _email_requester(join_request: JoinRequest, *, approved: bool) -> None:
    person = join_request.user
    email_people(
        addresses=[(person.email, person.preferred_language)],
        template="projects/team_join_decision_email",
        context={"project": join_request.project, "approved": approved, "person": person},
    )
