"""Which subject comes next: never one classified or retired, closest to retirement first,
gold at a falling rate, and a bounded number of queries."""

import random
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from cslab.classification.assignment import Identity, next_subject_ids
from cslab.classification.models import WorkflowSubject
from cslab.classification.services.classifications import classification_submit
from tests.classification.helpers import make_workflow
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 (repeatable test, not a secret)


def _classify(workflow: Any, subject: Any, user: Any) -> None:
    classification_submit(
        identity=Identity(user=user), workflow=workflow, subject=subject, answers={"T0": "bee"}
    )


def test_never_a_subject_the_volunteer_classified_or_a_retired_one() -> None:
    workflow, subjects, _owner = make_workflow(
        subjects=4, retirement_count=2, gold_rate_newcomer=0, gold_rate_experienced=0
    )
    volunteer = UserFactory()
    _classify(workflow, subjects[0], volunteer)
    for person in (UserFactory(), UserFactory()):
        _classify(workflow, subjects[1], person)  # retires subject 1
    offered = next_subject_ids(workflow=workflow, identity=Identity(user=volunteer), count=10)
    assert subjects[0].pk not in offered
    assert subjects[1].pk not in offered
    assert set(offered) == {subjects[2].pk, subjects[3].pk}


def test_the_subject_closest_to_retirement_comes_first() -> None:
    workflow, subjects, _owner = make_workflow(
        subjects=3, retirement_count=5, gold_rate_newcomer=0, gold_rate_experienced=0
    )
    for _ in range(3):
        _classify(workflow, subjects[2], UserFactory())
    _classify(workflow, subjects[1], UserFactory())
    offered = next_subject_ids(workflow=workflow, identity=Identity(user=UserFactory()), count=3)
    assert offered == [subjects[2].pk, subjects[1].pk, subjects[0].pk]


def test_random_order_offers_every_active_subject_once() -> None:
    workflow, subjects, _owner = make_workflow(
        subjects=6, assignment_order="random", gold_rate_newcomer=0, gold_rate_experienced=0
    )
    offered = next_subject_ids(
        workflow=workflow, identity=Identity(user=UserFactory()), count=10, chance=_seeded(3)
    )
    assert sorted(offered) == sorted(subject.pk for subject in subjects)


def test_prefetched_subjects_are_not_offered_again() -> None:
    workflow, subjects, _owner = make_workflow(
        subjects=3, gold_rate_newcomer=0, gold_rate_experienced=0
    )
    offered = next_subject_ids(
        workflow=workflow,
        identity=Identity(user=UserFactory()),
        count=1,
        exclude=frozenset({subjects[0].pk}),
    )
    assert offered and offered[0] != subjects[0].pk


def test_newcomers_see_gold_more_often_than_experienced_volunteers() -> None:
    workflow, subjects, _owner = make_workflow(
        subjects=30,
        gold=10,
        gold_rate_newcomer=0.5,
        gold_rate_experienced=0.0,
        gold_rate_experience=5,
    )
    gold_ids = {subject.pk for subject in subjects if subject.is_gold}
    chance = _seeded(7)
    newcomer_gold = sum(
        next_subject_ids(workflow=workflow, identity=Identity(user=UserFactory()), chance=chance)[0]
        in gold_ids
        for _ in range(40)
    )
    veteran = UserFactory()
    for subject in subjects[10:15]:
        _classify(workflow, subject, veteran)
    veteran_gold = sum(
        next_subject_ids(workflow=workflow, identity=Identity(user=veteran), chance=chance)[0]
        in gold_ids
        for _ in range(40)
    )
    assert 10 <= newcomer_gold <= 30
    assert veteran_gold == 0


def test_an_anonymous_session_is_kept_apart_from_other_sessions() -> None:
    workflow, subjects, _owner = make_workflow(
        subjects=2, allow_anonymous=True, gold_rate_newcomer=0, gold_rate_experienced=0
    )
    mine = Identity(user=AnonymousUser(), session_identity="mine")
    classification_submit(
        identity=mine, workflow=workflow, subject=subjects[0], answers={"T0": "bee"}
    )
    assert next_subject_ids(workflow=workflow, identity=mine, count=5) == [subjects[1].pk]
    theirs = Identity(user=AnonymousUser(), session_identity="theirs")
    assert len(next_subject_ids(workflow=workflow, identity=theirs, count=5)) == 2


def test_nothing_is_offered_when_every_subject_is_done() -> None:
    workflow, subjects, _owner = make_workflow(subjects=1)
    volunteer = UserFactory()
    _classify(workflow, subjects[0], volunteer)
    assert next_subject_ids(workflow=workflow, identity=Identity(user=volunteer)) == []


def test_next_subject_costs_a_fixed_number_of_queries(django_assert_max_num_queries: Any) -> None:
    workflow, _subjects, _owner = make_workflow(subjects=20, gold=2)
    volunteer = UserFactory()
    # experience, the ordered subjects, and gold from a random point (plus one wrap-around)
    with django_assert_max_num_queries(4):
        next_subject_ids(
            workflow=workflow, identity=Identity(user=volunteer), count=5, chance=_seeded(1)
        )
    assert WorkflowSubject.objects.filter(workflow=workflow).count() == 20
