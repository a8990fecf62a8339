"""Shared devices: the web form's saved work carries an opaque key of the person who saved it,
and the server refuses it (403, nothing stored) from anyone else's session."""

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client

from cslab.accounts.person_keys import ANONYMOUS_KEY, person_key
from cslab.core.roles import ProjectRole
from cslab.media.models import Media
from cslab.observations.models import Observation
from cslab.observations.services.observations import observation_submit
from cslab.projects.models import Project
from tests.collection.test_observations import ANSWERS, publish
from tests.factories import UserFactory
from tests.openrosa.conftest import jpeg
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    publish(project)
    return project


def _member(project: Project) -> Any:
    return MembershipFactory(project=project, role=ProjectRole.MEMBER).user


def _submit(client: Client, project: Project, **extra: Any) -> Any:
    payload = {"instance_id": "uuid:shared-1", "version": "1", "answers": ANSWERS, **extra}
    return client.post(
        f"/api/v1/projects/{project.slug}/forms/birds/submissions",
        payload,
        content_type="application/json",
    )


def test_a_person_key_is_opaque_stable_and_distinct() -> None:
    first, second = UserFactory(), UserFactory()

    assert person_key(first) == person_key(first) != person_key(second)
    assert first.email not in person_key(first) and str(first.pk) != person_key(first)
    assert person_key(None) == ANONYMOUS_KEY


def test_templates_get_the_signed_in_persons_key() -> None:
    person = UserFactory()

    rendered = Template("{% load person_keys %}{{ user|person_key }}").render(
        Context({"user": person})
    )

    assert rendered == person_key(person)


def test_a_submission_saved_by_someone_else_is_refused_and_nothing_is_stored(
    client: Client, project: Project
) -> None:
    author, next_person = _member(project), _member(project)
    client.force_login(next_person)

    response = _submit(client, project, queued_by=person_key(author))

    assert response.status_code == 403
    assert response.json()["code"] == "queued_by_someone_else"
    assert not Observation.objects.exists()


def test_a_batch_with_someone_elses_saved_work_is_refused_whole(
    client: Client, project: Project
) -> None:
    author, next_person = _member(project), _member(project)
    client.force_login(next_person)
    items = [
        {"instance_id": "uuid:b-1", "version": "1", "answers": ANSWERS},
        {
            "instance_id": "uuid:b-2",
            "version": "1",
            "answers": ANSWERS,
            "queued_by": person_key(author),
        },
    ]

    response = client.post(
        f"/api/v1/projects/{project.slug}/forms/birds/submissions/batch",
        items,
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not Observation.objects.exists()


def test_the_authors_own_key_and_no_key_are_accepted(client: Client, project: Project) -> None:
    author = _member(project)
    client.force_login(author)

    own = _submit(client, project, queued_by=person_key(author))
    without = _submit(client, project, instance_id="uuid:shared-2")

    assert (own.status_code, without.status_code) == (201, 201)
    assert Observation.objects.get(instance_id="uuid:shared-1").observer == author


def test_a_file_saved_by_someone_else_is_refused(client: Client, project: Project) -> None:
    author = _member(project)
    version = project.forms.get().versions.get()
    observation, _created = observation_submit(
        actor=author, form_version=version, instance_id="uuid:m-1", answers=ANSWERS
    )
    client.force_login(author)
    media_url = f"/api/v1/projects/{project.slug}/observations/{observation.pk}/media"
    upload = {"file": _photo(), "name": "photo.jpg"}

    refused = client.post(f"{media_url}?queued_by={person_key(UserFactory())}", upload)

    assert refused.status_code == 403
    assert not Media.objects.exists()


def _photo() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", jpeg(), content_type="image/jpeg")
