"""The projects area's part of a person's data export: teams, invitations, join requests."""

from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import register_section
from cslab.projects.models import Invitation, JoinRequest, Membership, OrganisationMember, Project


@register_section("projects", gettext_noop("Your projects and organisations"))
def _projects(user: User) -> dict[str, Any]:
    return {
        "team_memberships": [
            {
                "project": m.project.name,
                "slug": m.project.slug,
                "role": m.role,
                "joined": m.created_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user).select_related("project")
        ],
        "organisations": [
            {
                "organisation": m.organisation.name,
                "role": m.role,
                "joined": m.created_at.isoformat(),
            }
            for m in OrganisationMember.objects.filter(user=user).select_related("organisation")
        ],
        "invitations_to_your_address": [
            {
                "project": i.project.name,
                "role": i.role,
                "sent": i.created_at.isoformat(),
                "accepted": i.accepted_at.isoformat() if i.accepted_at else None,
            }
            for i in Invitation.objects.filter(email__iexact=user.email).select_related("project")
        ],
        "projects_you_proposed": [
            {
                "project": p.name,
                "slug": p.slug,
                "status": p.status,
                "created": p.created_at.isoformat(),
            }
            for p in Project.objects.filter(initiator=user).order_by("created_at")
        ],
        # The invitee's address is their data, not the inviter's: the project and role only.
        "invitations_you_sent": [
            {
                "project": i.project.name,
                "role": i.role,
                "sent": i.created_at.isoformat(),
                "accepted": i.accepted_at is not None,
            }
            for i in Invitation.objects.filter(invited_by=user).select_related("project")
        ],
        "join_requests": [
            {
                "project": r.project.name,
                "message": r.message,
                "status": r.status,
                "sent": r.created_at.isoformat(),
                "decided": r.decided_at.isoformat() if r.decided_at else None,
            }
            for r in JoinRequest.objects.filter(user=user).select_related("project")
        ],
    }
