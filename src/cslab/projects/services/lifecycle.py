"""The one service that moves a project along its lifecycle."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.errors import InvalidInputError, InvalidTransitionError
from cslab.core.problems import ProblemCode
from cslab.core.roles import ProjectRole
from cslab.core.services.audit import audit_record
from cslab.notifications.services.notifications import notification_send
from cslab.projects import lifecycle
from cslab.projects.models import Project, ProjectStatusChange
from cslab.projects.services.projects import full_clean_project
from cslab.projects.signals import project_status_changed
from cslab.projects.vocabulary import InitiatorType


def project_checklist(project: Project) -> list[lifecycle.ChecklistItem]:
    """Return the incubation checklist of a project."""
    mentor_needed = (
        project.initiator_type == InitiatorType.COMMUNITY_LED
        and project.mentor_status == Project.MentorStatus.REQUESTED
    )
    # By `attname`: a foreign key gives its id, so a list of projects does not load each
    # project's initiator, organisation and mentor (the checklist reads only text fields).
    values = {
        field.attname: getattr(project, field.attname) for field in Project._meta.concrete_fields
    }
    return lifecycle.checklist(values, has_mentor_or_not_needed=not mentor_needed)


@transaction.atomic
def project_transition(
    *, actor: User, project: Project, to_status: str, comment: str = ""
) -> Project:
    """Move a project to `to_status` if the lifecycle allows it and the actor may.

    Team transitions need an owner or researcher (or Lab staff); review decisions need Lab
    staff. Submitting for review needs a complete checklist; asking for changes needs a comment.
    The project row is locked so two people moving it at once cannot both succeed.
    """
    permissions.require(actor, "project.view", project)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    transition = lifecycle.transition_between(locked.status, to_status)
    if transition is None:
        raise InvalidTransitionError(
            _("A project that is “%(source)s” cannot become “%(target)s”.")
            % {"source": locked.get_status_display(), "target": to_status}
        )
    permissions.require(
        actor, "project.review" if transition.by == "staff" else "project.move", locked
    )
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise InvalidInputError(
            _("Say what needs to change."), details={"comment": [_("Required.")]}
        )
    if to_status == Project.Status.IN_REVIEW:
        missing = [str(item.label) for item in project_checklist(locked) if not item.done]
        if missing:
            raise InvalidInputError(
                _("The checklist is not complete: %(missing)s.") % {"missing": ", ".join(missing)},
                code=ProblemCode.CHECKLIST_INCOMPLETE,
                details={"missing": missing},
            )
    source = locked.status
    locked.status = to_status
    update_fields = ["status", "updated_at"]
    if to_status == Project.Status.ACTIVE and locked.approved_at is None:
        locked.approved_at = timezone.now()
        update_fields.append("approved_at")
    locked.save(update_fields=update_fields)
    ProjectStatusChange.objects.create(
        project=locked, from_status=source, to_status=to_status, actor=actor, comment=comment
    )
    audit_record(
        actor=actor,
        action="project.status_changed",
        target=locked,
        details={"from": source, "to": to_status, "comment": comment},
    )
    project.status, project.approved_at = locked.status, locked.approved_at
    if transition.by == "staff":
        _tell_the_leads(actor=actor, project=locked, to_status=to_status, comment=comment)
    _notify_after_commit(locked, source)
    return project


# What the project's leads are told when Lab staff decide on their project. Stored untranslated
# and shown in each reader's language.
REVIEW_MESSAGES: dict[tuple[str, str | None], str] = {
    (Project.Status.ACTIVE, Project.Visibility.PRIVATE): gettext_noop(
        "Lab staff approved “%(project)s”. Publish it so volunteers can find it."
    ),
    (Project.Status.ACTIVE, Project.Visibility.UNLISTED): gettext_noop(
        "Lab staff approved “%(project)s”. It is unlisted: list it in the directory so "
        "volunteers can find it."
    ),
    (Project.Status.ACTIVE, Project.Visibility.PUBLIC): gettext_noop(
        "Lab staff approved “%(project)s”. It is now listed in the directory."
    ),
    (Project.Status.CHANGES_REQUESTED, None): gettext_noop(
        "Lab staff ask for changes to “%(project)s”: %(comment)s"
    ),
}


def _tell_the_leads(*, actor: User, project: Project, to_status: str, comment: str) -> None:
    """Notify the owners and researchers when Lab staff approve or send back their project."""
    message = REVIEW_MESSAGES.get((to_status, project.visibility)) or REVIEW_MESSAGES.get(
        (to_status, None)
    )
    if message is None:
        return
    leads = [
        membership.user
        for membership in project.memberships.filter(
            role__in=[ProjectRole.OWNER, ProjectRole.RESEARCHER]
        ).select_related("user")
    ]
    notification_send(
        recipients=leads,
        kind=f"project.{to_status}",
        message=message,
        params={"project": project.name, "comment": comment},
        url=project.get_absolute_url(),
        actor=actor,
    )


@transaction.atomic
def project_publish(*, actor: User, project: Project) -> Project:
    """Make an approved project public: listed in the directory and open to everyone.

    For its owners and researchers (and Lab staff); a project that Lab staff have not approved
    yet cannot be published (InvalidTransitionError). Publishing a public project changes
    nothing.
    """
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "project.move", project)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.approved_at is None:
        raise InvalidTransitionError(
            _("Lab staff have not approved this project yet: it can be published once they do.")
        )
    if locked.visibility == Project.Visibility.PUBLIC:
        return project
    source = locked.visibility
    locked.visibility = Project.Visibility.PUBLIC
    full_clean_project(locked)
    locked.save(update_fields=["visibility", "updated_at"])
    audit_record(
        actor=actor,
        action="project.published",
        target=locked,
        details={"from": source, "to": locked.visibility},
    )
    project.visibility = locked.visibility
    return project


def _notify_after_commit(project: Project, source: str) -> None:
    """Tell the areas that follow projects (questions adopted into it) about the change."""

    transaction.on_commit(
        lambda: project_status_changed.send(sender=Project, project=project, source=source)
    )
