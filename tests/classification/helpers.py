"""Building blocks of the classification tests: a project with a workflow and subjects."""

from typing import Any

from cslab.classification.models import Subject, SubjectSet, Workflow
from cslab.classification.services.workflows import workflow_create, workflow_link_subject_set
from cslab.core.roles import ProjectRole
from cslab.projects.models import Project
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

SPECIES_TASK: dict[str, Any] = {
    "key": "T0",
    "kind": "single",
    "question": "Which insect is on the flower?",
    "answers": [
        {"value": "bee", "label": "Bee"},
        {"value": "hoverfly", "label": "Hoverfly"},
        {"value": "butterfly", "label": "Butterfly"},
    ],
}


def make_workflow(
    *,
    subjects: int = 5,
    gold: int = 0,
    tasks: list[dict[str, Any]] | None = None,
    project: Project | None = None,
    **settings: Any,
) -> tuple[Workflow, list[Subject], Any]:
    """Return an active workflow on a public project, its subjects and the project's owner
    (a researcher); `gold` of the subjects are gold with the answer "bee"."""
    owner = UserFactory()
    project = project or ProjectFactory(public=True, initiator=owner)
    MembershipFactory(
        project=project, user=owner, role=ProjectRole.OWNER
    ) if not project.memberships.filter(user=owner).exists() else None
    subject_set = SubjectSet.objects.create(project=project, name=f"Set of {project.slug}")
    made = [
        Subject.objects.create(
            subject_set=subject_set,
            external_id=f"s{number}",
            kind=Subject.Kind.TEXT,
            text=f"Subject {number}",
            is_gold=number < gold,
            gold_answers={"T0": "bee"} if number < gold else {},
            gold_explanation="A bee has four wings and hairy legs." if number < gold else "",
        )
        for number in range(subjects)
    ]
    settings.setdefault("status", Workflow.Status.ACTIVE)
    workflow = workflow_create(
        actor=owner, project=project, name="Who visits?", tasks=tasks or [SPECIES_TASK], **settings
    )
    workflow_link_subject_set(actor=owner, workflow=workflow, subject_set=subject_set)
    return workflow, made, owner
