"""Moderation: flags from anyone, decisions by moderators, the queue and the history."""

from typing import Any

import pytest

from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
)
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.forms.models import FormVersion
from cslab.notifications.models import Notification
from cslab.observations.models import ModerationEvent, Observation, ObservationFlag
from cslab.observations.selectors import (
    observation_history,
    observation_list_for_moderation,
    observation_moderation_events,
)
from cslab.observations.services.moderation import observation_flag, observation_moderate
from cslab.observations.services.observations import observation_submit
from cslab.projects.models import Project
from tests.collection.test_observations import ANSWERS, publish
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(public=True)
    return project


@pytest.fixture
def version(project: Project) -> FormVersion:
    return publish(project)


@pytest.fixture
def observer(project: Project) -> Any:
    person = UserFactory()
    MembershipFactory(project=project, user=person, role=ProjectRole.MEMBER)
    return person


@pytest.fixture
def observation(observer: Any, version: FormVersion) -> Observation:
    found, _created = observation_submit(
        actor=observer, form_version=version, instance_id="uuid:1", answers=ANSWERS
    )
    return found


def member(project: Project, role: str) -> Any:
    person = UserFactory()
    MembershipFactory(project=project, user=person, role=role)
    return person


def test_anyone_signed_in_flags_once_and_the_observation_becomes_flagged(
    observation: Observation,
) -> None:
    stranger = UserFactory()

    observation_flag(actor=stranger, observation=observation, reason="That is a wren.")
    with pytest.raises(ConflictError) as raised:
        observation_flag(actor=stranger, observation=observation, reason="Again.")

    assert raised.value.code == "already_flagged"
    observation.refresh_from_db()
    assert observation.status == "flagged" and observation.moderated_by is None
    assert ObservationFlag.objects.count() == 1
    assert ModerationEvent.objects.get().to_status == "flagged"
    assert AuditEvent.objects.filter(action="observation.flagged").count() == 1


def test_a_flag_needs_a_reason_and_a_signed_in_person(observation: Observation) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(InvalidInputError):
        observation_flag(actor=UserFactory(), observation=observation, reason="  ")
    with pytest.raises(NotAuthenticatedError):
        observation_flag(actor=AnonymousUser(), observation=observation, reason="Wrong.")


def test_an_observation_one_cannot_see_cannot_be_flagged(
    observation: Observation, project: Project
) -> None:
    Project.objects.filter(pk=project.pk).update(visibility="private")
    observation.project.visibility = "private"

    with pytest.raises(NotFoundError):
        observation_flag(actor=UserFactory(), observation=observation, reason="Wrong.")


def test_a_rejected_observation_stays_rejected_when_flagged(
    observation: Observation, project: Project
) -> None:
    observation_moderate(
        actor=project.initiator, observation=observation, status="rejected", reason="A test."
    )
    flagger = member(project, ProjectRole.VIEWER)  # the team sees rejected ones

    observation_flag(actor=flagger, observation=observation, reason="Wrong.")

    observation.refresh_from_db()
    assert observation.status == "rejected"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (ProjectRole.OWNER, True),
        (ProjectRole.RESEARCHER, True),
        (ProjectRole.MODERATOR, True),
        (ProjectRole.MEMBER, False),
        (ProjectRole.VIEWER, False),
    ],
)
def test_moderators_researchers_and_owners_moderate(
    observation: Observation, project: Project, role: str, allowed: bool
) -> None:
    actor = project.initiator if role == ProjectRole.OWNER else member(project, role)
    if allowed:
        observation_moderate(actor=actor, observation=observation, status="accepted")
        assert Observation.objects.get().status == "accepted"
    else:
        with pytest.raises(PermissionDeniedError):
            observation_moderate(actor=actor, observation=observation, status="accepted")


def test_staff_moderate_and_outsiders_may_not(observation: Observation) -> None:
    observation_moderate(
        actor=UserFactory(site_role="staff"), observation=observation, status="accepted"
    )
    with pytest.raises(PermissionDeniedError):
        observation_moderate(
            actor=UserFactory(), observation=observation, status="rejected", reason="No."
        )


def test_rejecting_or_flagging_needs_a_reason(observation: Observation, project: Project) -> None:
    for status in ("rejected", "flagged"):
        with pytest.raises(InvalidInputError) as raised:
            observation_moderate(actor=project.initiator, observation=observation, status=status)
        assert raised.value.code == "reason_required"
    with pytest.raises(InvalidInputError):
        observation_moderate(actor=project.initiator, observation=observation, status="gone")


def test_a_decision_is_recorded_audited_and_told_to_the_observer(
    observation: Observation, project: Project, observer: Any
) -> None:
    moderator = member(project, ProjectRole.MODERATOR)
    observation_flag(actor=UserFactory(), observation=observation, reason="Looks odd.")

    observation_moderate(
        actor=moderator, observation=observation, status="rejected", reason="Duplicate."
    )

    observation.refresh_from_db()
    assert (observation.status, observation.status_reason) == ("rejected", "Duplicate.")
    assert observation.moderated_by == moderator and observation.moderated_at is not None
    events = list(observation_moderation_events(user=observer, observation=observation))
    assert [(e.from_status, e.to_status) for e in events] == [
        ("pending", "flagged"),
        ("flagged", "rejected"),
    ]
    assert not ObservationFlag.objects.filter(resolved_at__isnull=True).exists()
    audit = AuditEvent.objects.get(action="observation.moderated")
    assert audit.details == {"from": "flagged", "to": "rejected", "reason": "Duplicate."}
    notification = Notification.objects.get(recipient=observer)
    assert notification.kind == "observation.moderated"
    assert notification.params["status"] == "rejected"


def test_the_moderation_history_is_for_the_team_and_the_observer(
    observation: Observation,
) -> None:
    with pytest.raises(NotFoundError):
        observation_moderation_events(user=UserFactory(), observation=observation)


def test_the_queue_holds_pending_and_flagged_with_flagged_first(
    observer: Any, version: FormVersion, project: Project
) -> None:
    made = []
    for number in range(4):
        found, _created = observation_submit(
            actor=observer, form_version=version, instance_id=f"uuid:{number}", answers=ANSWERS
        )
        made.append(found)
    observation_flag(actor=UserFactory(), observation=made[2], reason="Odd.")
    observation_moderate(actor=project.initiator, observation=made[3], status="accepted")

    queue = list(observation_list_for_moderation(user=project.initiator, project=project))

    assert [item.pk for item in queue] == [made[2].pk, made[0].pk, made[1].pk]
    with pytest.raises(PermissionDeniedError):
        observation_list_for_moderation(user=observer, project=project)


def test_edits_are_kept_as_versions(observer: Any, version: FormVersion) -> None:
    first, _ = observation_submit(
        actor=observer, form_version=version, instance_id="uuid:1", answers=ANSWERS
    )
    second, _ = observation_submit(
        actor=observer,
        form_version=version,
        instance_id="uuid:2",
        answers={**ANSWERS, "count": 4},
        deprecated_id="uuid:1",
    )
    third, _ = observation_submit(
        actor=observer,
        form_version=version,
        instance_id="uuid:3",
        answers={**ANSWERS, "count": 5},
        deprecated_id="uuid:2",
    )

    for start in (first, second, third):
        history = observation_history(user=observer, observation=start)
        assert [item.pk for item in history] == [first.pk, second.pk, third.pk]
    assert [item.answers["count"] for item in history] == [3, 4, 5]


def test_a_decision_returns_the_callers_row_with_the_new_status_and_reads_nothing_again(
    observation: Observation,
    project: Project,
    django_assert_max_num_queries: Any,
) -> None:
    observation = Observation.objects.select_related(
        "project", "form", "form_version", "observer", "deprecates"
    ).get(pk=observation.pk)

    moderated = observation_moderate(
        actor=project.initiator, observation=observation, status="accepted"
    )

    assert moderated is observation
    assert (moderated.status, moderated.moderated_by) == ("accepted", project.initiator)
    with django_assert_max_num_queries(0):
        assert (moderated.form.form_id, moderated.form_version.version) == ("birds", "1")
        assert moderated.observer is not None and moderated.project == project
