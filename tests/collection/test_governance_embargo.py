"""A data embargo hides a project's observations from the public on every channel (pages,
map, API, GeoJSON) until it ends; the team still sees them; licence and citation travel with
the data."""

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from cslab.core.roles import ProjectRole
from cslab.forms.models import FormVersion
from cslab.observations.models import Observation
from cslab.projects.models import Project
from tests.collection.test_observations import publish
from tests.collection.test_observations import submit as observation_submit_for_test
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(public=True)
    return project


@pytest.fixture
def observation(project: Project) -> Observation:
    version: FormVersion = publish(project)
    member = UserFactory()
    MembershipFactory(project=project, user=member, role=ProjectRole.MEMBER)
    found, _created = observation_submit_for_test(member, version, geoprivacy="open")
    Observation.objects.filter(pk=found.pk).update(status=Observation.Status.ACCEPTED)
    return Observation.objects.get(pk=found.pk)


def embargo(project: Project, until: date) -> None:
    Project.objects.filter(pk=project.pk).update(data_embargo_until=until)


def client_for(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def channels(project: Project, observation: Observation) -> dict[str, str]:
    slug = project.slug
    return {
        "table": reverse("observation_table", args=[slug]),
        "api": f"/api/v1/projects/{slug}/observations",
        "geojson": f"/api/v1/projects/{slug}/observations.geojson",
        "map": f"/api/v1/projects/{slug}/observations/map?zoom=14&bbox=5,52,5.3,52.2",
    }


def shows(client: Client, url: str, observation: Observation) -> bool:
    """Does the answer at `url` include the observation (its id, or its page's address)?"""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    detail = reverse("observation_detail", args=[observation.project.slug, observation.pk])
    if "/api/" not in url:
        return detail in response.content.decode()
    document = json.loads(response.content)
    items = document.get("items") or document.get("features") or []
    return any(
        item.get("id") == observation.pk or detail in json.dumps(item.get("properties", {}))
        for item in items
    )


def test_outsiders_see_no_embargoed_observation_on_any_channel_and_the_notice(
    project: Project, observation: Observation
) -> None:
    for url in channels(project, observation).values():
        assert shows(client_for(None), url, observation), url
    embargo(project, timezone.localdate() + timedelta(days=30))

    for client in (client_for(None), client_for(UserFactory())):
        for url in channels(project, observation).values():
            assert not shows(client, url, observation), url
        detail = reverse("observation_detail", args=[project.slug, observation.pk])
        assert client.get(detail).status_code == 404
    table = client_for(None).get(reverse("observation_table", args=[project.slug]))
    assert "Data under embargo until" in table.content.decode()


def test_the_team_and_the_observer_still_see_embargoed_observations(
    project: Project, observation: Observation
) -> None:
    embargo(project, timezone.localdate() + timedelta(days=30))

    for person in (project.initiator, observation.observer):
        for url in channels(project, observation).values():
            assert shows(client_for(person), url, observation), (person, url)


def test_observations_are_public_again_once_the_embargo_day_has_passed(
    project: Project, observation: Observation
) -> None:
    last_day = timezone.localdate() + timedelta(days=10)
    embargo(project, last_day)

    with freeze_time(last_day + timedelta(days=1, hours=12)):
        for url in channels(project, observation).values():
            assert shows(client_for(None), url, observation), url
    with freeze_time(last_day):
        assert not shows(client_for(None), channels(project, observation)["api"], observation)


def test_the_geojson_export_carries_the_licence_and_a_citation(
    project: Project, observation: Observation
) -> None:
    Project.objects.filter(pk=project.pk).update(data_licence="CC-BY-NC-4.0")

    document = json.loads(
        client_for(None).get(f"/api/v1/projects/{project.slug}/observations.geojson").content
    )

    assert document["licence"] == "CC-BY-NC-4.0"
    assert document["licence_url"] == "https://creativecommons.org/licenses/by-nc/4.0/"
    assert project.name in document["citation"] and "CC BY-NC 4.0" in document["citation"]


def test_the_observation_pages_and_the_project_page_show_the_licence_deed(
    project: Project, observation: Observation
) -> None:
    deed = "https://creativecommons.org/licenses/by/4.0/"
    for url in (
        reverse("observation_table", args=[project.slug]),
        reverse("observation_map", args=[project.slug]),
        reverse("observation_detail", args=[project.slug, observation.pk]),
        project.get_absolute_url(),
    ):
        assert deed in client_for(None).get(url).content.decode(), url
