"""A project's contributor list: names as chosen, "not at all" only counted, devices counted,
CSV safe for spreadsheets, only for the project's owners, researchers and staff."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from cslab.core.roles import ProjectRole
from cslab.participants.services.credit import credit_preference_set
from tests.factories import UserFactory
from tests.participants.helpers import Site
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def site() -> Site:
    return Site(with_form=False)


def test_the_list_names_people_as_they_chose_and_counts_the_others(client: Any, site: Site) -> None:
    named = UserFactory(display_name="Ada Lovelace", profile_public=True)
    pseudonymous = UserFactory(display_name="Grace Hopper")
    hidden = UserFactory(display_name="Hidden Person", profile_public=True)
    credit_preference_set(
        actor=pseudonymous, user=pseudonymous, choice="pseudonym", pseudonym="Moth Finder"
    )
    site.classify(named, 0)
    site.classify(named, 1)
    site.classify(pseudonymous, 0)
    site.classify(hidden, 0)
    credit_preference_set(actor=hidden, user=hidden, project=site.project, choice="none")
    site.classify_anonymously("session-1")
    client.force_login(site.owner)

    page = client.get(f"/projects/{site.project.slug}/contributors/")

    html = page.content.decode()
    assert page.status_code == 200
    listed = page.context["contributors"]
    assert [(c.name, c.contributions) for c in listed.credited] == [
        ("Ada Lovelace", 2),
        ("Moth Finder", 1),
    ]
    assert listed.anonymous == 2
    assert "Hidden Person" not in html and "Grace Hopper" not in html
    assert hidden.email not in html and named.email not in html
    assert "Ada Lovelace, Moth Finder and 2 contributors who preferred not to be named" in html


def test_a_field_device_counts_once_and_is_never_named(client: Any) -> None:
    site = Site()
    person = UserFactory(display_name="Teacher", profile_public=True)
    site.observe_by_device(person)
    site.observe_by_device(person)
    site.observe_by_device(person, device_name="Another phone")
    client.force_login(site.owner)

    listed = client.get(f"/projects/{site.project.slug}/contributors/").context["contributors"]

    assert listed.field_devices == 2
    assert listed.credited == []
    assert listed.participants == 2


def test_the_csv_neutralises_formulas_in_names(client: Any, site: Site) -> None:
    person = UserFactory()
    credit_preference_set(
        actor=person,
        user=person,
        choice="pseudonym",
        pseudonym='=HYPERLINK("http://evil.example","x")',
    )
    site.classify(person)
    site.classify_anonymously("session-1")
    client.force_login(site.owner)

    response = client.get(f"/projects/{site.project.slug}/contributors.csv")

    rows = _csv_rows(response)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    assert rows[0] == ["name", "contributions", "first contribution", "last contribution"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[2][:2] == ["anonymous contributors", "1"]
    assert person.email not in response.content.decode()


def test_a_private_projects_list_is_not_found_for_outsiders(client: Any) -> None:
    site = Site(ProjectFactory(status="active", visibility="private"), with_form=False)
    client.force_login(UserFactory())

    for url in ("contributors/", "contributors.csv"):
        assert client.get(f"/projects/{site.project.slug}/{url}").status_code == 404


@pytest.mark.parametrize("role", [ProjectRole.MEMBER, ProjectRole.MODERATOR, ProjectRole.VIEWER])
def test_team_members_without_the_role_are_refused(client: Any, role: str) -> None:
    site = Site(ProjectFactory(status="active", visibility="private"), with_form=False)
    member = MembershipFactory(project=site.project, role=role).user
    client.force_login(member)

    for url in ("contributors/", "contributors.csv"):
        assert client.get(f"/projects/{site.project.slug}/{url}").status_code == 403


def test_researchers_and_staff_get_the_list(client: Any, site: Site, staff: Any) -> None:
    researcher = MembershipFactory(project=site.project, role=ProjectRole.RESEARCHER).user
    for person in (researcher, staff):
        client.force_login(person)
        assert client.get(f"/projects/{site.project.slug}/contributors/").status_code == 200


def test_the_api_gives_the_list_to_the_team(client: Any, site: Site) -> None:
    person = UserFactory(display_name="Ada Lovelace", profile_public=True)
    site.classify(person)
    client.force_login(site.owner)

    body = client.get(f"/api/v1/projects/{site.project.slug}/contributors").json()

    assert body["participants"] == 1
    assert [item["name"] for item in body["credited"]] == ["Ada Lovelace"]
    assert body["acknowledgement"].startswith("We thank the participants of")
