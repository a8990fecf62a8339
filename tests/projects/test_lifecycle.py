"""The project lifecycle service: allowed and refused moves, who may make them, the checklist
gate, review comments, approval, significant edits after approval, timeline and audit log."""

from itertools import product
from typing import Any

import pytest

from cslab.core.errors import InvalidInputError, InvalidTransitionError, NotFoundError
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.projects import lifecycle, selectors
from cslab.projects.models import Project, ProjectStatusChange
from cslab.projects.services.lifecycle import project_checklist, project_transition
from cslab.projects.services.projects import project_acknowledge_edits, project_update
from cslab.projects.signals import project_status_changed
from cslab.projects.vocabulary import InitiatorType
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

Status = Project.Status

COMPLETE_CHECKLIST = {
    "research_questions": "Where do solitary bees nest in city gardens?",
    "protocol": "Count nests along a fixed route every fortnight.",
    "data_management_plan": "Stored on university servers, published under CC BY 4.0.",
    "ethics_approval_reference": "ERC-2026-014",
    "consent_text": "I agree that my counts are published without my name.",
    "recruitment_plan": "Garden associations and the city newsletter.",
}
ALLOWED = {(transition.source, transition.target) for transition in lifecycle.TRANSITIONS}
REFUSED = sorted(pair for pair in product(Status.values, Status.values) if pair not in ALLOWED)


def _transition_params() -> list[Any]:
    return [
        pytest.param(transition, id=f"{transition.source}->{transition.target}")
        for transition in lifecycle.TRANSITIONS
    ]


def project_in(status: str, **fields: Any) -> Project:
    """Return a project in `status` whose checklist is complete (unless fields say otherwise)."""
    return ProjectFactory(status=status, **{**COMPLETE_CHECKLIST, **fields})


def actor_for(transition: lifecycle.Transition, project: Project, staff: Any) -> Any:
    return staff if transition.by == "staff" else project.initiator


@pytest.mark.parametrize("transition", _transition_params())
def test_every_allowed_transition_moves_the_project_and_records_it(
    transition: lifecycle.Transition, staff: Any
) -> None:
    project = project_in(transition.source)
    actor = actor_for(transition, project, staff)

    project_transition(
        actor=actor, project=project, to_status=transition.target, comment="Looks good to us."
    )

    project.refresh_from_db()
    assert project.status == transition.target
    step = ProjectStatusChange.objects.get(project=project)
    assert (step.from_status, step.to_status, step.actor, step.comment) == (
        transition.source,
        transition.target,
        actor,
        "Looks good to us.",
    )
    event = AuditEvent.objects.get(action="project.status_changed", target_id=str(project.pk))
    assert event.actor == actor
    assert event.details == {
        "from": transition.source,
        "to": transition.target,
        "comment": "Looks good to us.",
    }


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=lambda value: str(value))
def test_every_other_move_is_refused_and_changes_nothing(
    source: str, target: str, superuser: Any
) -> None:
    project = project_in(source)

    with pytest.raises(InvalidTransitionError):
        project_transition(actor=superuser, project=project, to_status=target, comment="Why not?")

    project.refresh_from_db()
    assert project.status == source
    assert not ProjectStatusChange.objects.filter(project=project).exists()
    assert not AuditEvent.objects.filter(action="project.status_changed").exists()


def test_an_unknown_status_is_refused(superuser: Any) -> None:
    project = project_in(Status.ACTIVE)
    with pytest.raises(InvalidTransitionError):
        project_transition(actor=superuser, project=project, to_status="published")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (ProjectRole.OWNER, True),
        (ProjectRole.RESEARCHER, True),
        (ProjectRole.MODERATOR, False),
        (ProjectRole.MEMBER, False),
        (ProjectRole.VIEWER, False),
    ],
)
def test_only_owners_and_researchers_make_team_moves(
    role: str, allowed: bool, make_user: Any
) -> None:
    project = project_in(Status.ACTIVE, visibility=Project.Visibility.PUBLIC)
    person = make_user()
    MembershipFactory(project=project, user=person, role=role)

    if allowed:
        project_transition(actor=person, project=project, to_status=Status.PAUSED)
        assert project.status == Status.PAUSED
    else:
        with pytest.raises(NotFoundError):
            project_transition(actor=person, project=project, to_status=Status.PAUSED)
        project.refresh_from_db()
        assert project.status == Status.ACTIVE


def test_lab_staff_may_make_team_moves(staff: Any) -> None:
    project = project_in(Status.ACTIVE)
    project_transition(actor=staff, project=project, to_status=Status.ANALYSING)
    assert project.status == Status.ANALYSING


def test_an_outsider_cannot_move_a_public_project_they_can_see(volunteer: Any) -> None:
    project = project_in(Status.ACTIVE, visibility=Project.Visibility.PUBLIC)
    with pytest.raises(NotFoundError):
        project_transition(actor=volunteer, project=project, to_status=Status.PAUSED)


def test_an_outsider_cannot_move_a_private_idea(volunteer: Any) -> None:
    project = project_in(Status.IDEA)
    with pytest.raises(NotFoundError):
        project_transition(actor=volunteer, project=project, to_status=Status.INCUBATING)


@pytest.mark.parametrize("target", [Status.ACTIVE, Status.CHANGES_REQUESTED])
def test_the_team_cannot_review_its_own_project(target: str) -> None:
    project = project_in(Status.IN_REVIEW)
    with pytest.raises(NotFoundError):
        project_transition(
            actor=project.initiator,
            project=project,
            to_status=target,
            comment="We approve ourselves.",
        )
    project.refresh_from_db()
    assert project.status == Status.IN_REVIEW
    assert project.approved_at is None


@pytest.mark.parametrize("missing", sorted(COMPLETE_CHECKLIST))
def test_submitting_for_review_needs_every_checklist_item(missing: str) -> None:
    project = project_in(Status.INCUBATING, **{missing: ""})
    if missing == "ethics_approval_reference":
        project.ethics_not_needed_reason = ""
        project.save()

    with pytest.raises(InvalidInputError) as raised:
        project_transition(actor=project.initiator, project=project, to_status=Status.IN_REVIEW)

    assert raised.value.code == "checklist_incomplete"
    assert len(raised.value.details["missing"]) == 1
    project.refresh_from_db()
    assert project.status == Status.INCUBATING


def test_a_reason_why_no_ethics_approval_is_needed_completes_the_ethics_item() -> None:
    project = project_in(
        Status.INCUBATING,
        ethics_approval_reference="",
        ethics_not_needed_reason="Anonymous counts of insects; no personal data.",
    )
    project_transition(actor=project.initiator, project=project, to_status=Status.IN_REVIEW)
    assert project.status == Status.IN_REVIEW


def test_a_community_led_project_that_asked_for_a_mentor_waits_for_one(make_user: Any) -> None:
    project = project_in(
        Status.INCUBATING,
        initiator_type=InitiatorType.COMMUNITY_LED,
        mentor_status=Project.MentorStatus.REQUESTED,
    )
    with pytest.raises(InvalidInputError) as raised:
        project_transition(actor=project.initiator, project=project, to_status=Status.IN_REVIEW)
    assert raised.value.details["missing"] == ["Mentor"]

    project.mentor = make_user()
    project.mentor_status = Project.MentorStatus.MATCHED
    project.save()
    project_transition(actor=project.initiator, project=project, to_status=Status.IN_REVIEW)
    assert project.status == Status.IN_REVIEW


def test_resubmitting_after_changes_were_requested_also_needs_the_checklist() -> None:
    project = project_in(Status.CHANGES_REQUESTED, protocol="  ")
    with pytest.raises(InvalidInputError):
        project_transition(actor=project.initiator, project=project, to_status=Status.IN_REVIEW)


def test_checklist_lists_each_item_with_whether_it_is_done() -> None:
    project = project_in(Status.INCUBATING, consent_text="")
    items = {item.field: item.done for item in project_checklist(project)}
    assert items == {
        "research_questions": True,
        "protocol": True,
        "data_management_plan": True,
        "ethics": True,
        "consent_text": False,
        "recruitment_plan": True,
        "mentor": True,
    }


@pytest.mark.parametrize("comment", ["", "   \n "])
def test_requesting_changes_needs_a_comment(comment: str, staff: Any) -> None:
    project = project_in(Status.IN_REVIEW)
    with pytest.raises(InvalidInputError) as raised:
        project_transition(
            actor=staff, project=project, to_status=Status.CHANGES_REQUESTED, comment=comment
        )
    assert "comment" in raised.value.details
    project.refresh_from_db()
    assert project.status == Status.IN_REVIEW


def test_approval_sets_approved_at_once(staff: Any) -> None:
    project = project_in(Status.IN_REVIEW)
    project_transition(actor=staff, project=project, to_status=Status.ACTIVE)
    project.refresh_from_db()
    approved_at = project.approved_at
    assert approved_at is not None

    project_transition(actor=project.initiator, project=project, to_status=Status.PAUSED)
    project_transition(actor=project.initiator, project=project, to_status=Status.ACTIVE)
    project.refresh_from_db()
    assert project.approved_at == approved_at


def test_requesting_changes_does_not_approve(staff: Any) -> None:
    project = project_in(Status.IN_REVIEW)
    project_transition(
        actor=staff,
        project=project,
        to_status=Status.CHANGES_REQUESTED,
        comment="Add a consent text in Dutch.",
    )
    project.refresh_from_db()
    assert project.approved_at is None


def test_approving_a_public_project_lists_it(staff: Any) -> None:
    project = project_in(Status.IN_REVIEW, visibility=Project.Visibility.PUBLIC)
    assert project not in selectors.project_list_listed()
    project_transition(actor=staff, project=project, to_status=Status.ACTIVE)
    assert project in selectors.project_list_listed()


@pytest.mark.parametrize("field", sorted(lifecycle.SIGNIFICANT_FIELDS))
def test_a_significant_edit_after_approval_is_flagged_and_the_project_stays_published(
    field: str,
) -> None:
    project = project_in(Status.ACTIVE, visibility=Project.Visibility.PUBLIC)

    project_update(actor=project.initiator, project=project, **{field: "Something new"})

    project.refresh_from_db()
    assert (project.status, project.visibility) == (Status.ACTIVE, Project.Visibility.PUBLIC)
    assert project in selectors.project_list_listed()
    assert project.edits_flagged_at is not None
    assert project.edits_flagged_fields == [field]
    assert project in selectors.project_list_for_review(user=_staff())


def test_flagged_fields_accumulate_until_staff_acknowledge_them(staff: Any) -> None:
    project = project_in(Status.ACTIVE)
    project_update(actor=project.initiator, project=project, aim="A sharper aim.")
    project_update(actor=project.initiator, project=project, protocol="A new protocol.")
    project.refresh_from_db()
    assert project.edits_flagged_fields == ["aim", "protocol"]

    project_acknowledge_edits(actor=staff, project=project)

    project.refresh_from_db()
    assert (project.edits_flagged_at, project.edits_flagged_fields) == (None, [])
    event = AuditEvent.objects.get(action="project.edits_acknowledged")
    assert (event.actor, event.details) == (staff, {"fields": ["aim", "protocol"]})


def test_only_lab_staff_acknowledge_edits() -> None:
    project = project_in(Status.ACTIVE)
    project_update(actor=project.initiator, project=project, aim="A sharper aim.")
    with pytest.raises(NotFoundError):
        project_acknowledge_edits(actor=project.initiator, project=project)
    project.refresh_from_db()
    assert project.edits_flagged_fields == ["aim"]


def test_other_edits_after_approval_are_not_flagged() -> None:
    project = project_in(Status.ACTIVE)
    project_update(
        actor=project.initiator,
        project=project,
        time_commitment="An hour a month",
        locality="Leiden",
    )
    project.refresh_from_db()
    assert project.edits_flagged_at is None


def test_edits_before_approval_are_not_flagged() -> None:
    project = project_in(Status.INCUBATING)
    project_update(actor=project.initiator, project=project, aim="Still shaping it.")
    project.refresh_from_db()
    assert project.edits_flagged_at is None
    assert project.aim == "Still shaping it."


def test_saving_unchanged_values_after_approval_flags_nothing() -> None:
    project = project_in(Status.ACTIVE, aim="Count bees.")
    project_update(actor=project.initiator, project=project, aim="Count bees.")
    project.refresh_from_db()
    assert project.edits_flagged_at is None


def test_the_timeline_lists_every_move_with_its_comment_in_order(staff: Any) -> None:
    project = project_in(Status.INCUBATING, visibility=Project.Visibility.PUBLIC)
    owner = project.initiator
    project_transition(actor=owner, project=project, to_status=Status.IN_REVIEW)
    project_transition(
        actor=staff,
        project=project,
        to_status=Status.CHANGES_REQUESTED,
        comment="Say how long data are kept.",
    )
    project_transition(
        actor=owner, project=project, to_status=Status.IN_REVIEW, comment="Added: five years."
    )
    project_transition(actor=staff, project=project, to_status=Status.ACTIVE)

    steps = list(selectors.project_timeline(user=_anonymous(), project=project))

    assert [(step.from_status, step.to_status, step.comment) for step in steps] == [
        (Status.INCUBATING, Status.IN_REVIEW, ""),
        (Status.IN_REVIEW, Status.CHANGES_REQUESTED, "Say how long data are kept."),
        (Status.CHANGES_REQUESTED, Status.IN_REVIEW, "Added: five years."),
        (Status.IN_REVIEW, Status.ACTIVE, ""),
    ]
    assert AuditEvent.objects.filter(action="project.status_changed").count() == 4


def test_the_timeline_of_an_unapproved_project_is_hidden_from_outsiders(volunteer: Any) -> None:
    project = project_in(Status.INCUBATING, visibility=Project.Visibility.PUBLIC)
    with pytest.raises(NotFoundError):
        selectors.project_timeline(user=volunteer, project=project)


def test_other_areas_hear_of_a_move_after_it_commits(
    django_capture_on_commit_callbacks: Any, staff: Any
) -> None:
    heard: list[tuple[str, str]] = []

    def listener(sender: Any, project: Project, source: str, **kwargs: Any) -> None:
        heard.append((source, project.status))

    project_status_changed.connect(listener)
    try:
        project = project_in(Status.IN_REVIEW)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            project_transition(actor=staff, project=project, to_status=Status.ACTIVE)
        assert heard == []
        for callback in callbacks:
            callback()
    finally:
        project_status_changed.disconnect(listener)
    assert heard == [(Status.IN_REVIEW, Status.ACTIVE)]


def _staff() -> Any:
    from tests.factories import UserFactory

    return UserFactory(site_role="staff")


def _anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
