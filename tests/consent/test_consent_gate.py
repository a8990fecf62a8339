"""The consent gate on every contribution path: observations (single and batch), OpenRosa,
classifications; missing or outdated consent refuses, present consent is stored on the row."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cslab.classification.assignment import Identity
from cslab.classification.models import Classification
from cslab.classification.services.classifications import classification_submit
from cslab.consent.services.consent import consent_version_in_force_for
from cslab.core.errors import ConflictError
from cslab.observations.models import Observation
from cslab.observations.services.observations import (
    Submission,
    observation_submit,
    observation_submit_batch,
)
from cslab.openrosa.actors import AppUserActor
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.models import Project
from tests.classification.helpers import make_workflow
from tests.collection.test_observations import ANSWERS, publish
from tests.consent.factories import make_consent, make_consent_version
from tests.factories import UserFactory
from tests.openrosa.conftest import publish as publish_openrosa_form
from tests.openrosa.conftest import submission_xml
from tests.openrosa.test_endpoints import key_url, message_of, post_submission
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project() -> Project:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    return project


def submit(actor: Any, project: Project, instance_id: str = "uuid:1") -> Observation:
    version = project.forms.get().versions.get() if project.forms.exists() else publish(project)
    observation, _created = observation_submit(
        actor=actor, form_version=version, instance_id=instance_id, answers=ANSWERS
    )
    return observation


# --- the gate itself ---


def test_a_project_without_a_published_version_asks_no_consent(project: Project) -> None:
    make_consent_version(project, published=False)
    assert consent_version_in_force_for(actor=project.initiator, project=project) is None
    observation = submit(project.initiator, project)
    assert observation.consent_version is None


def test_the_gate_costs_one_query(project: Project) -> None:
    version = make_consent_version(project)
    make_consent(version, participant=project.initiator)
    with CaptureQueriesContext(connection) as captured:
        assert consent_version_in_force_for(actor=project.initiator, project=project) == version
    assert len(captured.captured_queries) == 1


def test_an_anonymous_visitor_is_refused_on_a_project_that_asks_consent() -> None:
    from django.contrib.auth.models import AnonymousUser

    project = ProjectFactory(public=True)
    make_consent_version(project)
    with pytest.raises(ConflictError) as raised:
        consent_version_in_force_for(actor=AnonymousUser(), project=project)
    assert raised.value.code == "consent_required" and "log in" in raised.value.message


# --- observations ---


def test_an_observation_without_consent_is_refused_with_the_consent_page(
    project: Project,
) -> None:
    make_consent_version(project)
    with pytest.raises(ConflictError) as raised:
        submit(project.initiator, project)
    assert raised.value.code == "consent_required"
    assert raised.value.details == {
        "consent_url": f"/projects/{project.slug}/consent/",
        "version": 1,
    }
    assert not Observation.objects.exists()


def test_an_observation_with_consent_keeps_the_version_consented_to(project: Project) -> None:
    version = make_consent_version(project)
    make_consent(version, participant=project.initiator)
    observation = submit(project.initiator, project)
    observation.refresh_from_db()
    assert observation.consent_version == version


def test_a_new_consent_version_blocks_the_next_observation_until_consented(
    project: Project,
) -> None:
    first = make_consent_version(project)
    make_consent(first, participant=project.initiator)
    submit(project.initiator, project, "uuid:before")
    second = make_consent_version(project)
    with pytest.raises(ConflictError) as raised:
        submit(project.initiator, project, "uuid:after")
    assert raised.value.details["version"] == 2
    make_consent(second, participant=project.initiator)
    assert submit(project.initiator, project, "uuid:after").consent_version == second


def test_a_withdrawn_consent_blocks_the_next_observation(project: Project) -> None:
    version = make_consent_version(project)
    make_consent(
        version,
        participant=project.initiator,
        withdrawn_at=version.published_at,
        withdrawal_choice="anonymise",
    )
    with pytest.raises(ConflictError):
        submit(project.initiator, project)


def test_a_batch_without_consent_reports_every_item_refused(project: Project) -> None:
    make_consent_version(project)
    form_version = publish(project)
    results = observation_submit_batch(
        actor=project.initiator,
        form=form_version.form,
        submissions=[Submission("uuid:a", "1", ANSWERS), Submission("uuid:b", "1", ANSWERS)],
    )
    assert [(result.status, result.code) for result in results] == [
        ("conflict", "consent_required"),
        ("conflict", "consent_required"),
    ]
    assert not Observation.objects.exists()


def test_a_batch_with_consent_stores_the_version_on_each_item_passing_the_gate_once(
    project: Project,
) -> None:
    version = make_consent_version(project)
    make_consent(version, participant=project.initiator)
    form_version = publish(project)
    with CaptureQueriesContext(connection) as captured:
        observation_submit_batch(
            actor=project.initiator,
            form=form_version.form,
            submissions=[Submission(f"uuid:{n}", "1", ANSWERS) for n in range(3)],
        )
    assert set(Observation.objects.values_list("consent_version", flat=True)) == {version.pk}
    gate_queries = [
        query for query in captured.captured_queries if "consent_consentversion" in query["sql"]
    ]
    assert len(gate_queries) == 1


# --- OpenRosa ---


@pytest.fixture
def app_user(project: Project) -> Any:
    publish_openrosa_form(project)
    return app_user_create(actor=project.initiator, project=project, name="Phone 1")


def test_an_app_user_without_consent_gets_an_openrosa_error_and_nothing_is_stored(
    client: Client, project: Project, app_user: Any
) -> None:
    make_consent_version(project)
    response = post_submission(client, key_url(app_user, "submission"), submission_xml())
    assert response.status_code == 409
    nature, message = message_of(response)
    assert nature == "error" and "Ask the project team to record consent" in message
    assert not Observation.objects.exists()


def test_an_app_user_with_recorded_consent_submits_and_the_version_is_kept(
    client: Client, project: Project, app_user: Any
) -> None:
    version = make_consent_version(project)
    make_consent(version, app_user=app_user, channel="openrosa")
    assert consent_version_in_force_for(actor=AppUserActor(app_user), project=project) == version
    response = post_submission(client, key_url(app_user, "submission"), submission_xml())
    assert response.status_code == 201
    assert Observation.objects.get().consent_version == version


def test_a_person_consent_does_not_count_for_an_app_user(
    client: Client, project: Project, app_user: Any
) -> None:
    version = make_consent_version(project)
    make_consent(version, participant=project.initiator)
    response = post_submission(client, key_url(app_user, "submission"), submission_xml())
    assert response.status_code == 409


# --- classifications ---


def test_a_classification_without_consent_is_refused_and_with_it_keeps_the_version() -> None:
    workflow, subjects, _owner = make_workflow()
    version = make_consent_version(workflow.project)
    volunteer = UserFactory()
    with pytest.raises(ConflictError) as raised:
        classification_submit(
            identity=Identity(user=volunteer),
            workflow=workflow,
            subject=subjects[0],
            answers={"T0": "bee"},
        )
    assert raised.value.code == "consent_required"
    assert not Classification.objects.exists()
    make_consent(version, participant=volunteer)
    classification, created = classification_submit(
        identity=Identity(user=volunteer),
        workflow=workflow,
        subject=subjects[0],
        answers={"T0": "bee"},
    )
    assert created and classification.consent_version == version


def test_an_anonymous_classification_is_refused_when_the_project_asks_consent() -> None:
    from django.contrib.auth.models import AnonymousUser

    workflow, subjects, _owner = make_workflow(allow_anonymous=True)
    make_consent_version(workflow.project)
    with pytest.raises(ConflictError) as raised:
        classification_submit(
            identity=Identity(user=AnonymousUser(), session_identity="session-1"),
            workflow=workflow,
            subject=subjects[0],
            answers={"T0": "bee"},
        )
    assert raised.value.code == "consent_required"
