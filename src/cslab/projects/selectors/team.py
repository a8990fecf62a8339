"""Reads of a project's team: members, invitations, join requests, mentoring requests."""

import hashlib
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Model, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.problems import ProblemCode
from cslab.core.roles import ProjectRole
from cslab.projects.models import Invitation, JoinRequest, Membership, Project
from cslab.projects.rules import require_add_directly
from cslab.projects.vocabulary import InitiatorType

_Row = TypeVar("_Row", bound=Model)

ROLE_RANK = {role: rank for rank, role in enumerate(ProjectRole.values)}
# The roles that lead a project: the public sees who they are (if their profile is public).
LEAD_ROLES = (ProjectRole.OWNER, ProjectRole.RESEARCHER)


def token_hash(token: str) -> str:
    """Return the SHA-256 hex digest under which an invitation token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def membership_list_for_project(*, user: Actor, project: Project) -> QuerySet[Membership]:
    """Return the team in the order people joined (team members and Lab staff only).

    The ordering is by plain fields, so the API's cursor pagination can page over it.
    """
    permissions.require(user, "project.see_private_fields", project)
    return project.memberships.select_related("user").order_by("created_at", "pk")


def membership_list_by_role(*, user: Actor, project: Project) -> QuerySet[Membership]:
    """Return the team with owners first, then researchers, moderators, members, viewers."""
    rank = Case(
        *[When(role=role, then=Value(position)) for role, position in ROLE_RANK.items()],
        output_field=IntegerField(),
    )
    return (
        membership_list_for_project(user=user, project=project)
        .annotate(role_rank=rank)
        .order_by("role_rank", "created_at", "pk")
    )


def membership_get_for_managing(*, user: Actor, project: Project, membership_id: Any) -> Membership:
    """Return a membership of the project to a team manager; NotFoundError otherwise."""
    permissions.require(user, "team.manage", project)
    membership = _first(project.memberships.select_related("user"), membership_id)
    membership.project = project
    return membership


def invitation_list_pending(*, user: Actor, project: Project) -> QuerySet[Invitation]:
    """Return the project's invitations that can still be accepted (team managers only)."""
    permissions.require(user, "team.manage", project)
    return (
        project.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def invitation_get_for_managing(*, user: Actor, project: Project, invitation_id: Any) -> Invitation:
    """Return one of the project's invitations for a team manager; NotFoundError otherwise."""
    permissions.require(user, "team.manage", project)
    invitation = _first(project.invitations.all(), invitation_id)
    invitation.project = project
    return invitation


def invitation_get_for_token(*, token: str) -> Invitation:
    """Return the invitation a link's token belongs to, whatever its state.

    Holding the token is what entitles a person to see the invitation (the project's name and
    the role), also for a private project; an unknown token raises NotFoundError.
    """
    invitation = (
        Invitation.objects.select_related("project", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise NotFoundError()
    return invitation


def invitation_list_for_user(*, user: User) -> QuerySet[Invitation]:
    """Return the open invitations sent to the viewer's e-mail address, newest first."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            email__iexact=user.email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("project", "invited_by")
        .order_by("-created_at", "-pk")
    )


def join_request_list_pending(*, user: Actor, project: Project) -> QuerySet[JoinRequest]:
    """Return the project's pending join requests, oldest first (team managers only)."""
    permissions.require(user, "team.manage", project)
    return (
        project.join_requests.filter(status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def join_request_get_for_deciding(
    *, user: Actor, project: Project, join_request_id: Any
) -> JoinRequest:
    """Return a join request to the project for a team manager; NotFoundError otherwise."""
    permissions.require(user, "team.manage", project)
    join_request = _first(project.join_requests.select_related("user"), join_request_id)
    join_request.project = project
    return join_request


def join_request_get_for_withdrawing(
    *, user: Actor, project: Project, join_request_id: Any
) -> JoinRequest:
    """Return the viewer's own join request to the project; NotFoundError for anyone else's."""
    person = person_or_none(user)
    if person is None:
        raise NotFoundError()
    join_request = _first(project.join_requests.filter(user_id=person.pk), join_request_id)
    join_request.project = project
    return join_request


def join_request_get_pending_for_user(*, user: Actor, project: Project) -> JoinRequest | None:
    """Return the viewer's pending request to join the project, if there is one."""
    person = person_or_none(user)
    if person is None:
        return None
    return project.join_requests.filter(
        user_id=person.pk, status=JoinRequest.Status.PENDING
    ).first()


def mentor_list_requests(*, user: Actor) -> QuerySet[Project]:
    """Return the projects asking for a mentor, longest waiting first (Lab staff only)."""
    permissions.require(user, "mentor.match")
    return (
        Project.objects.filter(mentor_status=Project.MentorStatus.REQUESTED)
        .select_related("organisation", "initiator")
        .order_by("updated_at", "pk")
    )


@dataclass(frozen=True)
class TeamPage:
    """What the team page shows to one viewer.

    Everyone who may see the project sees its public part: the leads who have a public profile
    and how to join. The whole team (`members`) is shown to the team and Lab staff only.
    """

    project: Project
    sees_team: bool
    members: list[Membership]
    public_leads: list[Membership]
    team_size: int
    my_role: str | None
    pending_request: JoinRequest | None
    can_manage: bool
    invitations: list[Invitation]
    join_requests: list[JoinRequest]
    can_request_mentor: bool


def team_page(*, user: Actor, project: Project) -> TeamPage:
    """Return the team page of a project the viewer may see (NotFoundError otherwise).

    The team and Lab staff get every member and, for its managers, open invitations and join
    requests. Others get the public part only: the owners and researchers whose profile is
    public, the size of the team, and their own pending request to join.
    """
    permissions.require(user, "project.view", project)
    sees_team = permissions.has_permission(user, "project.see_private_fields", project)
    if sees_team:
        members = list(membership_list_by_role(user=user, project=project))
        team_size = len(members)
    else:
        members = []
        team_size = project.memberships.count()
    leads = (
        [membership for membership in members if membership.role in LEAD_ROLES]
        if sees_team
        else list(
            project.memberships.filter(role__in=LEAD_ROLES)
            .select_related("user")
            .order_by("role", "created_at", "pk")
        )
    )
    can_manage = permissions.has_permission(user, "team.manage", project)
    return TeamPage(
        project=project,
        sees_team=sees_team,
        members=members,
        public_leads=[membership for membership in leads if membership.user.profile_public],
        team_size=team_size,
        my_role=project.project_role_for(user),
        pending_request=None
        if sees_team
        else join_request_get_pending_for_user(user=user, project=project),
        can_manage=can_manage,
        invitations=list(invitation_list_pending(user=user, project=project)) if can_manage else [],
        join_requests=(
            list(join_request_list_pending(user=user, project=project)) if can_manage else []
        ),
        can_request_mentor=(
            can_manage
            and project.initiator_type == InitiatorType.COMMUNITY_LED
            and project.mentor_status == Project.MentorStatus.NOT_REQUESTED
        ),
    )


@dataclass(frozen=True)
class JoinStatus:
    """Where the viewer stands with a project's team: on it, asking, or outside."""

    project: Project
    my_role: str | None
    pending_request: JoinRequest | None


def join_status(*, user: Actor, project: Project) -> JoinStatus:
    """Return the viewer's standing with the team of a project they may see."""
    permissions.require(user, "project.view", project)
    return JoinStatus(
        project=project,
        my_role=project.project_role_for(user),
        pending_request=join_request_get_pending_for_user(user=user, project=project),
    )


def member_candidate_get(*, user: Actor, project: Project, user_id: Any) -> Any:
    """Return the active person Lab staff want to add; InvalidInputError if there is none.

    Anyone else is refused first (`rules.require_add_directly`), so a refusal says nothing
    about whether the person exists or what they are called.
    """
    require_add_directly(user, project)
    return _active_person(user_id=user_id, email="", field="user_id")


def mentor_candidate_get(*, user: Actor, mentor_id: Any = None, email: str = "") -> Any:
    """Return the active person Lab staff want as a mentor, by id or e-mail address.

    Lab staff only; an unknown or inactive person raises InvalidInputError `person_not_found`.
    """
    permissions.require(user, "mentor.match")
    return _active_person(user_id=mentor_id, email=email, field="mentor")


def _active_person(*, user_id: Any, email: str, field: str) -> Any:
    people = get_user_model().objects.filter(is_active=True)
    if email.strip():
        person = people.filter(email__iexact=email.strip()).first()
    else:
        try:
            person = people.filter(pk=int(user_id)).first()
        except (TypeError, ValueError):
            person = None
    if person is None:
        message = _("No active account has that e-mail address or id.")
        raise InvalidInputError(
            message, code=ProblemCode.PERSON_NOT_FOUND, details={field: [message]}
        )
    return person


def _first(queryset: QuerySet[_Row], pk: Any) -> _Row:
    try:
        found = queryset.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFoundError()
    return found
