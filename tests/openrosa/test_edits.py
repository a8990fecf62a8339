"""Who may edit an observation through OpenRosa (`meta/deprecatedID`): the device or person
that sent it, and the project's leads; anyone else gets an OpenRosa error and nothing changes
(issue 9 item 1)."""

from typing import Any

import pytest
from django.test import Client

from cslab.forms.models import FormVersion
from cslab.observations.models import Observation
from cslab.openrosa.models import AppUser, AppUserSubmission
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.models import Project
from tests.openrosa.conftest import submission_xml
from tests.openrosa.test_endpoints import assert_openrosa_headers, key_url, message_of
from tests.openrosa.test_endpoints import post_submission as post

pytestmark = pytest.mark.django_db


def session_url(project: Project) -> str:
    return f"/openrosa/{project.slug}/submission"


def assert_refused_and_nothing_changed(response: Any, *, stored: int) -> None:
    assert response.status_code == 403
    assert_openrosa_headers(response)
    assert message_of(response)[0] == "error"
    assert Observation.objects.count() == stored
    assert not Observation.objects.filter(deprecates__isnull=False).exists()


def test_another_device_cannot_edit_what_a_device_sent(
    client: Client, project: Project, app_user: AppUser
) -> None:
    other_phone = app_user_create(actor=project.initiator, project=project, name="Phone 2")
    post(client, key_url(app_user, "submission"), submission_xml(instance_id="uuid:a"))

    response = post(
        client,
        key_url(other_phone, "submission"),
        submission_xml(instance_id="uuid:b", count=40, deprecated_id="uuid:a"),
    )

    assert_refused_and_nothing_changed(response, stored=1)
    assert not AppUserSubmission.objects.filter(app_user=other_phone).exists()


def test_the_same_device_edits_what_it_sent(
    client: Client, project: Project, app_user: AppUser
) -> None:
    post(client, key_url(app_user, "submission"), submission_xml(instance_id="uuid:a"))
    response = post(
        client,
        key_url(app_user, "submission"),
        submission_xml(instance_id="uuid:b", count=4, deprecated_id="uuid:a"),
    )
    assert response.status_code == 201
    assert Observation.objects.get(instance_id="uuid:b").deprecates.instance_id == "uuid:a"  # type: ignore[union-attr]


def test_a_team_member_cannot_edit_what_a_device_sent(
    client: Client, project: Project, app_user: AppUser, member: Any
) -> None:
    post(client, key_url(app_user, "submission"), submission_xml(instance_id="uuid:a"))
    client.force_login(member)

    response = post(
        client, session_url(project), submission_xml(instance_id="uuid:b", deprecated_id="uuid:a")
    )

    assert_refused_and_nothing_changed(response, stored=1)


def test_a_device_cannot_edit_a_team_members_observation(
    client: Client, project: Project, app_user: AppUser, member: Any, version: FormVersion
) -> None:
    client.force_login(member)
    post(client, session_url(project), submission_xml(instance_id="uuid:a"))
    client.logout()

    response = post(
        client,
        key_url(app_user, "submission"),
        submission_xml(instance_id="uuid:b", deprecated_id="uuid:a"),
    )

    assert_refused_and_nothing_changed(response, stored=1)


def test_the_projects_owner_edits_what_a_device_sent(
    client: Client, project: Project, app_user: AppUser
) -> None:
    post(client, key_url(app_user, "submission"), submission_xml(instance_id="uuid:a"))
    client.force_login(project.initiator)

    response = post(
        client, session_url(project), submission_xml(instance_id="uuid:b", deprecated_id="uuid:a")
    )

    assert response.status_code == 201
    assert Observation.objects.get(instance_id="uuid:b").observer == project.initiator
