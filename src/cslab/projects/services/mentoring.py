"""Mentoring: a community-led project asks for a researcher mentor; Lab staff match one.

The mentor joins the team as a researcher (or keeps a higher role they already hold). The
staff's list of projects waiting for a mentor is `selectors.team.mentor_list_requests`.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.roles import ProjectRole
from cslab.core.services.audit import audit_record
from cslab.projects.models import Membership, Project
from cslab.projects.services.invitations import email_people
from cslab.projects.services.team import membership_add, membership_change_role
from cslab.projects.vocabulary import InitiatorType

# Roles a mentor is raised from to researcher; owners and researchers keep theirs.
BELOW_RESEARCHER = frozenset({ProjectRole.MODERATOR, ProjectRole.MEMBER, ProjectRole.VIEWER})


@transaction.atomic
def mentor_request(*, actor: User, project: Project) -> Project:
    """Ask Lab staff for a researcher mentor (owners of a community-led project).

    Raises ConflictError `mentoring_community_led_only` for other projects, and
    `mentor_already_requested` / `mentor_already_matched` when asked twice.
    """
    permissions.require(actor, "team.manage", project)
    if project.initiator_type != InitiatorType.COMMUNITY_LED:
        raise ConflictError(
            _("Only community-led projects can ask the Lab for a mentor."),
            code=ProblemCode.MENTORING_COMMUNITY_LED_ONLY,
        )
    now = timezone.now()
    changed = Project.objects.filter(
        pk=project.pk, mentor_status=Project.MentorStatus.NOT_REQUESTED
    ).update(mentor_status=Project.MentorStatus.REQUESTED, updated_at=now)
    if not changed:
        project.refresh_from_db(fields=["mentor_status"])
        raise _already(project)
    project.mentor_status, project.updated_at = Project.MentorStatus.REQUESTED, now
    audit_record(actor=actor, action="mentor.requested", target=project)
    return project


@transaction.atomic
def mentor_match(*, actor: Actor, project: Project, mentor: Any) -> Project:
    """Make `mentor` the mentor of a project that asked for one (Lab staff).

    The mentor joins the team as a researcher, or is raised to researcher from a lower role;
    the mentor and the team's owners are e-mailed after commit. The project row is locked, so
    two staff matching at once cannot both succeed.
    """
    permissions.require(actor, "mentor.match", project)
    actor = signed_in(actor)
    if not getattr(mentor, "is_active", False):
        raise InvalidInputError(
            _("Choose an active account as mentor."),
            details={"mentor": [_("This account cannot be used.")]},
        )
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.mentor_status == Project.MentorStatus.MATCHED:
        raise _already(locked)
    if locked.mentor_status != Project.MentorStatus.REQUESTED:
        raise ConflictError(
            _("This project has not asked for a mentor."), code=ProblemCode.MENTOR_NOT_REQUESTED
        )
    locked.mentor = mentor
    locked.mentor_status = Project.MentorStatus.MATCHED
    locked.save(update_fields=["mentor", "mentor_status", "updated_at"])
    project.mentor, project.mentor_status = mentor, locked.mentor_status
    membership = Membership.objects.filter(project=locked, user_id=mentor.pk).first()
    if membership is None:
        membership_add(actor=actor, project=locked, user=mentor, role=ProjectRole.RESEARCHER)
    elif membership.role in BELOW_RESEARCHER:
        membership_change_role(actor=actor, membership=membership, role=ProjectRole.RESEARCHER)
    project.__dict__.pop("_role_cache", None)
    audit_record(
        actor=actor, action="mentor.matched", target=locked, details={"mentor_id": mentor.pk}
    )
    owners = locked.memberships.filter(role=ProjectRole.OWNER).select_related("user")
    people = {mentor.pk: mentor, **{m.user_id: m.user for m in owners}}
    email_people(
        addresses=[(person.email, person.preferred_language) for person in people.values()],
        template="projects/mentoring_matched_email",
        context={"project": locked, "mentor": mentor},
    )
    return project


def _already(project: Project) -> ConflictError:
    if project.mentor_status == Project.MentorStatus.MATCHED:
        return ConflictError(
            _("This project already has a mentor."), code=ProblemCode.MENTOR_ALREADY_MATCHED
        )
    return ConflictError(
        _("A mentor has already been requested for this project."),
        code=ProblemCode.MENTOR_ALREADY_REQUESTED,
    )
