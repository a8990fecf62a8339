"""API routes of project teams: members, invitations, joining and leaving, mentoring.

Every route needs a signed-in person. The project comes from
`selectors.project_get_for_viewing`, so a project the caller may not see answers 404.
"""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cslab.api.auth import SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.core.roles import ProjectRole
from cslab.projects.models import JoinRequest
from cslab.projects.selectors import project_get_for_viewing
from cslab.projects.selectors import team as selectors
from cslab.projects.services import invitations, join_requests, mentoring, team

router = Router(tags=["teams"], auth=SIGNED_IN)

ROLE_DESCRIPTION = "One of: " + ", ".join(ProjectRole.values) + "."


class MemberOut(Schema):
    id: int = Field(..., description="The membership's id.")
    user_id: int
    display_name: str
    role: str
    created_at: datetime

    @staticmethod
    def resolve_display_name(membership: Any) -> str:
        return str(membership.user.public_name)


class MemberAddIn(Schema):
    user_id: int
    role: str = Field(ProjectRole.MEMBER.value, description=ROLE_DESCRIPTION)


class MemberChangeIn(Schema):
    role: str = Field(..., description=ROLE_DESCRIPTION)


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    invited_by_id: int | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    accepted_by_id: int | None
    revoked_at: datetime | None


class InvitationIn(Schema):
    email: str = Field(..., max_length=254)
    role: str = Field(ProjectRole.MEMBER.value, description=ROLE_DESCRIPTION)


class InvitationAcceptIn(Schema):
    token: str = Field(..., min_length=1, max_length=200, description="The token in the link.")


class JoinRequestOut(Schema):
    id: int
    user_id: int
    display_name: str
    message: str
    status: str
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_display_name(join_request: Any) -> str:
        return str(join_request.user.public_name)


class JoinIn(Schema):
    message: str = Field("", max_length=2000, description="For teams that approve new members.")


class JoinOut(Schema):
    outcome: Literal["joined", "requested"]
    membership: MemberOut | None = None
    join_request: JoinRequestOut | None = None


class JoinApproveIn(Schema):
    role: str = Field(ProjectRole.MEMBER.value, description=ROLE_DESCRIPTION)


class MentoringOut(Schema):
    slug: str
    name: str
    initiator_type: str
    mentor_status: str
    mentor_id: int | None
    updated_at: datetime


class MentorMatchIn(Schema):
    mentor_id: int | None = None
    mentor_email: str | None = Field(None, description="Instead of mentor_id.")


# --- members ---


@router.get(
    "/projects/{slug}/members",
    response=list[MemberOut],
    summary="A project's team (team members and Lab staff)",
)
@paginate(CursorPagination)
def list_members(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return selectors.membership_list_for_project(user=request.auth, project=project)


@router.post(
    "/projects/{slug}/members",
    response={201: MemberOut},
    summary="Add a person to the team directly (Lab staff; owners send invitations)",
)
def add_member(request: ApiRequest, slug: str, payload: MemberAddIn) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    person = selectors.member_candidate_get(
        user=request.auth, project=project, user_id=payload.user_id
    )
    membership = team.membership_add(
        actor=request.auth, project=project, user=person, role=payload.role
    )
    return Status(201, membership)


@router.patch(
    "/projects/{slug}/members/{membership_id}",
    response=MemberOut,
    summary="Change a team member's role (owners, Lab staff)",
)
def change_member(
    request: ApiRequest, slug: str, membership_id: int, payload: MemberChangeIn
) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    membership = selectors.membership_get_for_managing(
        user=request.auth, project=project, membership_id=membership_id
    )
    return team.membership_change_role(actor=request.auth, membership=membership, role=payload.role)


@router.delete(
    "/projects/{slug}/members/{membership_id}",
    response={204: None},
    summary="Remove a person from the team (owners, Lab staff)",
)
def remove_member(request: ApiRequest, slug: str, membership_id: int) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    membership = selectors.membership_get_for_managing(
        user=request.auth, project=project, membership_id=membership_id
    )
    team.membership_remove(actor=request.auth, membership=membership)
    return Status(204, None)


@router.post("/projects/{slug}/leave", response={204: None}, summary="Leave a team")
def leave(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    team.membership_leave(actor=request.auth, project=project)
    return Status(204, None)


# --- invitations ---


@router.get(
    "/projects/{slug}/invitations",
    response=list[InvitationOut],
    summary="Open invitations (owners, Lab staff)",
)
@paginate(CursorPagination)
def list_invitations(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return selectors.invitation_list_pending(user=request.auth, project=project)


@router.post(
    "/projects/{slug}/invitations",
    response={201: InvitationOut},
    summary="Invite someone by e-mail (owners, Lab staff)",
)
def send_invitation(request: ApiRequest, slug: str, payload: InvitationIn) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    invitation = invitations.invitation_send(
        actor=request.auth, project=project, email=payload.email, role=payload.role
    )
    return Status(201, invitation)


@router.delete(
    "/projects/{slug}/invitations/{invitation_id}",
    response={204: None},
    summary="Withdraw an invitation (owners, Lab staff)",
)
def revoke_invitation(request: ApiRequest, slug: str, invitation_id: int) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    invitation = selectors.invitation_get_for_managing(
        user=request.auth, project=project, invitation_id=invitation_id
    )
    invitations.invitation_revoke(actor=request.auth, invitation=invitation)
    return Status(204, None)


@router.post(
    "/invitations/accept",
    response={201: MemberOut},
    summary="Accept an invitation with the token from its link",
)
def accept_invitation(request: ApiRequest, payload: InvitationAcceptIn) -> Any:
    return Status(201, invitations.invitation_accept(user=request.auth, token=payload.token))


# --- joining ---


@router.post(
    "/projects/{slug}/join",
    response={201: JoinOut},
    summary="Join a team, or ask to, as its membership policy says",
)
def join(request: ApiRequest, slug: str, payload: JoinIn) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    result = join_requests.join_project(
        actor=request.auth, project=project, message=payload.message
    )
    if isinstance(result, JoinRequest):
        return Status(201, {"outcome": "requested", "join_request": result})
    return Status(201, {"outcome": "joined", "membership": result})


@router.get(
    "/projects/{slug}/join-requests",
    response=list[JoinRequestOut],
    summary="Pending requests to join (owners, Lab staff)",
)
@paginate(CursorPagination)
def list_join_requests(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return selectors.join_request_list_pending(user=request.auth, project=project)


@router.post(
    "/projects/{slug}/join-requests/{join_request_id}/approve",
    response=JoinRequestOut,
    summary="Approve a request to join (owners, Lab staff)",
)
def approve_join_request(
    request: ApiRequest, slug: str, join_request_id: int, payload: JoinApproveIn | None = None
) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    join_request = selectors.join_request_get_for_deciding(
        user=request.auth, project=project, join_request_id=join_request_id
    )
    role = payload.role if payload is not None else ProjectRole.MEMBER
    join_requests.join_request_approve(actor=request.auth, join_request=join_request, role=role)
    return join_request


@router.post(
    "/projects/{slug}/join-requests/{join_request_id}/decline",
    response=JoinRequestOut,
    summary="Decline a request to join (owners, Lab staff)",
)
def decline_join_request(request: ApiRequest, slug: str, join_request_id: int) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    join_request = selectors.join_request_get_for_deciding(
        user=request.auth, project=project, join_request_id=join_request_id
    )
    return join_requests.join_request_decline(actor=request.auth, join_request=join_request)


@router.post(
    "/projects/{slug}/join-requests/{join_request_id}/withdraw",
    response=JoinRequestOut,
    summary="Withdraw my own request to join",
)
def withdraw_join_request(request: ApiRequest, slug: str, join_request_id: int) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    join_request = selectors.join_request_get_for_withdrawing(
        user=request.auth, project=project, join_request_id=join_request_id
    )
    return join_requests.join_request_withdraw(actor=request.auth, join_request=join_request)


# --- mentoring ---


@router.post(
    "/projects/{slug}/mentor-request",
    response=MentoringOut,
    summary="Ask Lab staff for a researcher mentor (owners of community-led projects)",
)
def request_mentor(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return mentoring.mentor_request(actor=request.auth, project=project)


@router.post(
    "/projects/{slug}/mentor",
    response=MentoringOut,
    summary="Match a mentor to a project that asked for one (Lab staff)",
)
def match_mentor(request: ApiRequest, slug: str, payload: MentorMatchIn) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    mentor = selectors.mentor_candidate_get(
        user=request.auth, mentor_id=payload.mentor_id, email=payload.mentor_email or ""
    )
    return mentoring.mentor_match(actor=request.auth, project=project, mentor=mentor)


@router.get(
    "/mentor-requests",
    response=list[MentoringOut],
    summary="Projects asking for a mentor (Lab staff)",
)
@paginate(CursorPagination)
def list_mentor_requests(request: ApiRequest) -> Any:
    return selectors.mentor_list_requests(user=request.auth)
