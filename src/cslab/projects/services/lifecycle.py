"""The one service that moves a project along its lifecycle."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.errors import InvalidInputError, InvalidTransitionError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.projects import lifecycle
from cslab.projects.models import Project, ProjectStatusChange
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
    _notify_after_commit(locked, source)
    return project


def _notify_after_commit(project: Project, source: str) -> None:
    """Tell the areas that follow projects (questions adopted into it) about the change."""

    transaction.on_commit(
        lambda: project_status_changed.send(sender=Project, project=project, source=source)
    )
