"""The project lifecycle as data: which status may follow which, and who may move it.

Pure: no ORM. `services.lifecycle.project_transition` is the one place that applies it.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cslab.projects.models.project import Project

Status = Project.Status


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    # "team" transitions are made by the project's owners and researchers; "staff" ones by
    # Lab staff reviewing the project.
    by: str
    needs_comment: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.IDEA, Status.INCUBATING, by="team"),
    Transition(Status.INCUBATING, Status.IN_REVIEW, by="team"),
    Transition(Status.CHANGES_REQUESTED, Status.IN_REVIEW, by="team"),
    Transition(Status.IN_REVIEW, Status.ACTIVE, by="staff"),
    Transition(Status.IN_REVIEW, Status.CHANGES_REQUESTED, by="staff", needs_comment=True),
    Transition(Status.ACTIVE, Status.PAUSED, by="team"),
    Transition(Status.PAUSED, Status.ACTIVE, by="team"),
    Transition(Status.ACTIVE, Status.ANALYSING, by="team"),
    Transition(Status.ANALYSING, Status.ACTIVE, by="team"),
    Transition(Status.ANALYSING, Status.COMPLETED, by="team"),
    Transition(Status.COMPLETED, Status.ARCHIVED, by="team"),
    Transition(Status.PAUSED, Status.ARCHIVED, by="team"),
    Transition(Status.IDEA, Status.ARCHIVED, by="team"),
    Transition(Status.INCUBATING, Status.ARCHIVED, by="team"),
)

# Statuses of a project that has not been approved yet: only its team and Lab staff see it.
UNAPPROVED = frozenset({Status.IDEA, Status.INCUBATING, Status.IN_REVIEW, Status.CHANGES_REQUESTED})

# Fields that, once a project is approved, change what the public was told it is: editing them
# flags the project for staff to look at (it stays published).
SIGNIFICANT_FIELDS = frozenset(
    {
        "name",
        "aim",
        "description",
        "research_questions",
        "protocol",
        "consent_text",
        "data_management_plan",
        "ethics_approval_reference",
        "ethics_not_needed_reason",
    }
)


def transition_between(source: str, target: str) -> Transition | None:
    """Return the allowed transition from `source` to `target`, or None."""
    for transition in TRANSITIONS:
        if transition.source == source and transition.target == target:
            return transition
    return None


def next_statuses(source: str) -> list[Transition]:
    """Return the transitions open from `source`, in lifecycle order."""
    return [transition for transition in TRANSITIONS if transition.source == source]


@dataclass(frozen=True)
class ChecklistItem:
    field: str
    label: str | Promise
    done: bool


def checklist(values: dict[str, object], *, has_mentor_or_not_needed: bool) -> list[ChecklistItem]:
    """Return the incubation checklist for a project's field values.

    Ethics is done with a reference or with a reason why none is needed. A mentor is needed
    only for community-led projects that asked for one.
    """

    def filled(name: str) -> bool:
        return bool(str(values.get(name) or "").strip())

    return [
        ChecklistItem(
            "research_questions", _("Research question(s)"), filled("research_questions")
        ),
        ChecklistItem("protocol", _("Protocol"), filled("protocol")),
        ChecklistItem(
            "data_management_plan", _("Data-management plan"), filled("data_management_plan")
        ),
        ChecklistItem(
            "ethics",
            _("Ethics approval reference (or why none is needed)"),
            filled("ethics_approval_reference") or filled("ethics_not_needed_reason"),
        ),
        ChecklistItem("consent_text", _("Consent text"), filled("consent_text")),
        ChecklistItem(
            "recruitment_plan", _("Participant recruitment plan"), filled("recruitment_plan")
        ),
        ChecklistItem("mentor", _("Mentor"), has_mentor_or_not_needed),
    ]
