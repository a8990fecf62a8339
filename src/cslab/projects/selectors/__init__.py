"""Reads of the projects area, filtered by what the viewer may see."""

from django.db.models import Q, QuerySet

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import NotFoundError
from cslab.projects import lifecycle
from cslab.projects.models import Membership, Organisation, Project, ProjectStatusChange


def project_get_for_viewing(*, user: Actor, slug: str) -> Project:
    """Return the project if the viewer may see it; raise NotFoundError otherwise."""
    project = (
        Project.objects.select_related("organisation", "initiator", "mentor")
        .prefetch_related("tags")
        .filter(slug=slug)
        .first()
    )
    if project is None:
        raise NotFoundError()
    permissions.require(user, "project.view", project)
    return project


def project_get_for_editing(*, user: Actor, slug: str) -> Project:
    """Return the project if the viewer may edit it; NotFoundError otherwise."""
    project = project_get_for_viewing(user=user, slug=slug)
    permissions.require(user, "project.edit", project)
    return project


def project_get_for_private_fields(*, user: Actor, slug: str) -> Project:
    """Return the project if the viewer is on its team or Lab staff; NotFoundError otherwise."""
    project = project_get_for_viewing(user=user, slug=slug)
    permissions.require(user, "project.see_private_fields", project)
    return project


def project_list_listed() -> QuerySet[Project]:
    """Return the projects anyone may find: approved and public."""
    return (
        Project.objects.filter(visibility=Project.Visibility.PUBLIC)
        .exclude(status__in=list(lifecycle.UNAPPROVED))
        .exclude(approved_at__isnull=True)
    )


def project_list_visible(*, user: Actor) -> QuerySet[Project]:
    """Return every project the viewer may open: listed ones, their teams', or all for staff.

    Unlisted projects are included only for their team: others need the link.
    """
    if permissions.is_staff(user):
        return Project.objects.all()
    listed = Q(visibility=Project.Visibility.PUBLIC, approved_at__isnull=False)
    person = person_or_none(user)
    if person is None:
        return Project.objects.filter(listed)
    team = Q(pk__in=Membership.objects.filter(user_id=person.pk).values("project_id"))
    return Project.objects.filter(listed | team)


def project_list_for_member(*, user: User) -> QuerySet[Project]:
    """Return the projects whose team the viewer is on, most recently updated first."""
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(memberships__user_id=user.pk).order_by("-updated_at")


def project_list_for_review(*, user: Actor) -> QuerySet[Project]:
    """Return projects waiting for Lab staff: in review, or edited significantly since approval."""
    permissions.require(user, "project.review")
    return Project.objects.filter(
        Q(status=Project.Status.IN_REVIEW) | Q(edits_flagged_at__isnull=False)
    ).order_by("updated_at")


def project_timeline(*, user: Actor, project: Project) -> QuerySet[ProjectStatusChange]:
    """Return the project's public timeline (status changes with their comments)."""
    permissions.require(user, "project.view", project)
    return project.status_changes.select_related("actor").order_by("created_at", "id")


def team_list(*, user: Actor, project: Project) -> QuerySet[Membership]:
    """Return the team of a project (team members and staff only)."""
    permissions.require(user, "project.see_private_fields", project)
    return project.memberships.select_related("user").order_by("role", "created_at")


def organisation_get_for_viewing(*, slug: str) -> Organisation:
    """Return an organisation; organisations are public pages."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise NotFoundError()
    return organisation


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name")
