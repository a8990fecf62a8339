"""The personal-data export holds the person's observations and classifications."""

from typing import Any

import pytest

from cslab.accounts.jobs import DATA_EXPORT, export_personal_data
from cslab.classification.assignment import Identity
from cslab.classification.services.classifications import classification_submit
from cslab.core.roles import ProjectRole
from cslab.core.services.jobs import job_start
from cslab.observations.services.observations import observation_submit
from tests.classification.helpers import make_workflow
from tests.collection.test_observations import ANSWERS, publish
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _export(person: Any) -> dict[str, Any]:
    job = job_start(
        actor=person, kind=DATA_EXPORT, title="Export", arguments={"user_id": person.pk}
    )
    return export_personal_data(job, lambda percent, message: None, user_id=person.pk)


def test_the_export_holds_the_persons_observations_with_answers_and_true_location() -> None:
    person, other = UserFactory(), UserFactory()
    project = ProjectFactory(public=True)
    for observer in (person, other):
        MembershipFactory(project=project, user=observer, role=ProjectRole.MEMBER)
    version = publish(project)
    observation_submit(
        actor=person,
        form_version=version,
        instance_id="uuid:mine",
        answers=ANSWERS,
        geoprivacy="obscured",
    )
    observation_submit(
        actor=other, form_version=version, instance_id="uuid:theirs", answers=ANSWERS
    )

    observations = _export(person)["observations"]

    assert [row["instance_id"] for row in observations] == ["uuid:mine"]
    mine = observations[0]
    assert mine["answers"]["species"] == "robin"
    assert (mine["latitude"], mine["longitude"]) == (52.0907, 5.1214)
    assert mine["geoprivacy"] == "obscured"


def test_the_export_holds_the_persons_classifications() -> None:
    person = UserFactory()
    workflow, subjects, _owner = make_workflow(subjects=2, retirement_count=10)
    classification_submit(
        identity=Identity(user=person),
        workflow=workflow,
        subject=subjects[0],
        answers={"T0": "bee"},
    )
    classification_submit(
        identity=Identity(user=UserFactory()),
        workflow=workflow,
        subject=subjects[1],
        answers={"T0": "hoverfly"},
    )

    classifications = _export(person)["classifications"]["classifications"]

    assert [(row["subject"], row["answers"]) for row in classifications] == [("s0", {"T0": "bee"})]
    assert classifications[0]["workflow"] == workflow.slug
