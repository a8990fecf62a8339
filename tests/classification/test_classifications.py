"""Classifying: never twice, retirement in the same transaction, undo, experts, sign-in merge."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from cslab.classification.assignment import Identity
from cslab.classification.models import Classification, WorkflowSubject
from cslab.classification.services.classifications import (
    classification_merge_session,
    classification_submit,
    classification_undo,
    subject_decide,
)
from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotAuthenticatedError,
    PermissionDeniedError,
)
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from tests.classification.helpers import make_workflow
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _state(workflow: Any, subject: Any) -> WorkflowSubject:
    return WorkflowSubject.objects.get(workflow=workflow, subject=subject)


def _classify(workflow: Any, subject: Any, label: str, user: Any = None) -> Classification:
    classification, _created = classification_submit(
        identity=Identity(user=user or UserFactory()),
        workflow=workflow,
        subject=subject,
        answers={"T0": label},
    )
    return classification


def test_a_classification_counts_towards_its_subject() -> None:
    workflow, subjects, _owner = make_workflow()
    classification = _classify(workflow, subjects[0], "bee")
    assert classification.counted
    assert _state(workflow, subjects[0]).classification_count == 1


def test_the_same_volunteer_never_classifies_a_subject_twice() -> None:
    workflow, subjects, _owner = make_workflow()
    volunteer = UserFactory()
    first = _classify(workflow, subjects[0], "bee", volunteer)
    again, created = classification_submit(
        identity=Identity(user=volunteer),
        workflow=workflow,
        subject=subjects[0],
        answers={"T0": "bee"},
    )
    assert (again.pk, created) == (first.pk, False)
    with pytest.raises(ConflictError) as caught:
        _classify(workflow, subjects[0], "hoverfly", volunteer)
    assert caught.value.code == "already_classified"
    assert _state(workflow, subjects[0]).classification_count == 1


def test_a_subject_retires_after_n_classifications_and_later_ones_are_kept_uncounted() -> None:
    workflow, subjects, _owner = make_workflow(retirement_count=3)
    for label in ("bee", "hoverfly", "bee"):
        _classify(workflow, subjects[0], label)
    state = _state(workflow, subjects[0])
    assert state.retired_at is not None and state.retirement_reason == "classification_count"
    late = _classify(workflow, subjects[0], "bee")
    assert not late.counted
    assert _state(workflow, subjects[0]).classification_count == 3
    assert Classification.objects.filter(subject=subjects[0]).count() == 4


def test_early_consensus_retires_a_subject() -> None:
    workflow, subjects, _owner = make_workflow(
        retirement_count=10, consensus_agreeing=3, consensus_confidence=0.7
    )
    for label in ("bee", "bee", "hoverfly"):
        _classify(workflow, subjects[0], label)
    assert _state(workflow, subjects[0]).retired_at is None  # 2 agreeing < 3
    _classify(workflow, subjects[0], "bee")
    state = _state(workflow, subjects[0])
    assert state.retirement_reason == "consensus"


def test_answers_are_checked_against_the_tasks() -> None:
    workflow, subjects, _owner = make_workflow()
    with pytest.raises(InvalidInputError) as caught:
        _classify(workflow, subjects[0], "wasp")
    assert caught.value.code == "invalid_answers"
    assert not Classification.objects.exists()


def test_anonymous_volunteers_classify_only_when_the_workflow_allows_it() -> None:
    from django.contrib.auth.models import AnonymousUser

    workflow, subjects, _owner = make_workflow()
    anonymous = Identity(user=AnonymousUser(), session_identity="abc")
    with pytest.raises(NotAuthenticatedError):
        classification_submit(
            identity=anonymous, workflow=workflow, subject=subjects[0], answers={"T0": "bee"}
        )
    workflow.allow_anonymous = True
    workflow.save()
    stored, created = classification_submit(
        identity=anonymous, workflow=workflow, subject=subjects[0], answers={"T0": "bee"}
    )
    assert created and stored.volunteer is None and stored.session_identity == "abc"


def test_a_paused_workflow_takes_no_classifications() -> None:
    workflow, subjects, _owner = make_workflow(status="paused")
    with pytest.raises(PermissionDeniedError):
        _classify(workflow, subjects[0], "bee")


def test_gold_answers_are_checked_and_gold_subjects_never_retire() -> None:
    workflow, subjects, _owner = make_workflow(gold=1, retirement_count=1)
    right = _classify(workflow, subjects[0], "bee")
    wrong = _classify(workflow, subjects[0], "hoverfly")
    assert (right.gold_matched, wrong.gold_matched) == (True, False)
    assert _state(workflow, subjects[0]).retired_at is None
    assert _classify(workflow, subjects[1], "bee").gold_matched is None


def test_undo_takes_back_the_last_answer_and_un_retires_its_subject() -> None:
    workflow, subjects, _owner = make_workflow(retirement_count=1)
    volunteer = UserFactory()
    _classify(workflow, subjects[0], "bee", volunteer)
    assert _state(workflow, subjects[0]).retired_at is not None
    undone = classification_undo(identity=Identity(user=volunteer), workflow=workflow)
    assert undone.subject_id == subjects[0].pk
    state = _state(workflow, subjects[0])
    assert (state.classification_count, state.retired_at, state.retirement_reason) == (0, None, "")
    assert not Classification.objects.exists()


def test_undo_is_refused_after_the_window() -> None:
    workflow, subjects, _owner = make_workflow()
    volunteer = UserFactory()
    classification = _classify(workflow, subjects[0], "bee", volunteer)
    Classification.objects.filter(pk=classification.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    with pytest.raises(ConflictError):
        classification_undo(identity=Identity(user=volunteer), workflow=workflow)


def test_an_expert_decision_retires_the_subject_becomes_gold_and_is_audited() -> None:
    workflow, subjects, owner = make_workflow()
    moderator = UserFactory()
    MembershipFactory(project=workflow.project, user=moderator, role=ProjectRole.MODERATOR)
    _classify(workflow, subjects[0], "bee")
    _classify(workflow, subjects[0], "hoverfly")
    decision = subject_decide(
        actor=moderator,
        workflow=workflow,
        subject=subjects[0],
        answers={"T0": "hoverfly"},
        note="Two wings, no hairs.",
    )
    state = _state(workflow, subjects[0])
    assert state.retirement_reason == "expert"
    subjects[0].refresh_from_db()
    assert subjects[0].is_gold and subjects[0].gold_answers == {"T0": "hoverfly"}
    event = AuditEvent.objects.get(action="classification.expert_decision")
    assert event.actor == moderator and event.target_id == str(subjects[0].pk)
    assert decision.decided_by == moderator
    with pytest.raises(ConflictError):
        subject_decide(actor=owner, workflow=workflow, subject=subjects[0], answers={"T0": "bee"})


def test_volunteers_without_a_team_role_cannot_decide() -> None:
    workflow, subjects, _owner = make_workflow()
    with pytest.raises(PermissionDeniedError):
        subject_decide(
            actor=UserFactory(), workflow=workflow, subject=subjects[0], answers={"T0": "bee"}
        )


def test_anonymous_work_moves_to_the_account_on_sign_in_without_doubling() -> None:
    from django.contrib.auth.models import AnonymousUser

    workflow, subjects, _owner = make_workflow(allow_anonymous=True)
    anonymous = Identity(user=AnonymousUser(), session_identity="session-1")
    for subject in subjects[:2]:
        classification_submit(
            identity=anonymous, workflow=workflow, subject=subject, answers={"T0": "bee"}
        )
    volunteer = UserFactory()
    _classify(workflow, subjects[1], "hoverfly", volunteer)  # classified from the account too
    moved = classification_merge_session(user=volunteer, session_identity="session-1")
    assert moved == 1
    assert Classification.objects.filter(volunteer=volunteer).count() == 2
    assert not Classification.objects.filter(volunteer__isnull=True).exists()
    assert _state(workflow, subjects[1]).classification_count == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_many_volunteers_finishing_one_subject_at_once_retire_it_exactly_once() -> None:
    workflow, subjects, _owner = make_workflow(retirement_count=5)
    volunteers = [UserFactory() for _ in range(12)]
    barrier = threading.Barrier(len(volunteers))
    counted: list[bool] = []
    lock = threading.Lock()

    def classify(volunteer: Any) -> None:
        try:
            barrier.wait()
            classification = _classify(workflow, subjects[0], "bee", volunteer)
            with lock:
                counted.append(classification.counted)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=classify, args=(person,)) for person in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counted) == [False] * 7 + [True] * 5
    assert _state(workflow, subjects[0]).classification_count == 5


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_one_volunteer_sending_the_same_answer_twenty_times_at_once_stores_one() -> None:
    workflow, subjects, _owner = make_workflow()
    volunteer = UserFactory()
    barrier = threading.Barrier(20)
    created: list[bool] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            barrier.wait()
            _stored, was_created = classification_submit(
                identity=Identity(user=volunteer),
                workflow=workflow,
                subject=subjects[0],
                answers={"T0": "bee"},
            )
            with lock:
                created.append(was_created)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created) == [False] * 19 + [True]
    assert Classification.objects.count() == 1
    assert _state(workflow, subjects[0]).classification_count == 1


def test_volunteer_stats_count_own_work_gold_and_the_workflows_progress() -> None:
    from cslab.classification.selectors import volunteer_stats

    workflow, subjects, _owner = make_workflow(subjects=4, gold=2, retirement_count=1)
    volunteer = UserFactory()
    _classify(workflow, subjects[0], "bee", volunteer)  # gold, matched
    _classify(workflow, subjects[1], "hoverfly", volunteer)  # gold, not matched
    _classify(workflow, subjects[2], "bee", volunteer)  # not gold
    _classify(workflow, subjects[3], "bee")  # someone else's
    stats = volunteer_stats(identity=Identity(user=volunteer), workflow=workflow)
    assert (stats.classifications, stats.gold_seen, stats.gold_matched) == (3, 2, 1)
    retired = WorkflowSubject.objects.filter(workflow=workflow, retired_at__isnull=False).count()
    assert (stats.subjects, stats.retired) == (4, retired)
    assert retired > 0
