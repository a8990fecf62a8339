"""The participants API: my summary and my credit choices."""

from __future__ import annotations

from typing import Any

import pytest

from cslab.core.roles import ProjectRole
from tests.consent.factories import make_consent, make_consent_version
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_summary_lists_my_projects_with_roles_and_my_consents(client: Any) -> None:
    person = UserFactory()
    project = ProjectFactory(public=True, name="Bee count")
    MembershipFactory(project=project, user=person, role=ProjectRole.MODERATOR)
    first = make_consent_version(project)
    make_consent(first, participant=person)
    make_consent(make_consent_version(project), participant=person)
    client.force_login(person)

    body = client.get("/api/v1/me/summary").json()

    assert body["projects"] == [{"slug": project.slug, "name": "Bee count", "role": "moderator"}]
    assert [(item["version"], item["status"]) for item in body["consents"]] == [
        (2, "current"),
        (1, "superseded"),
    ]
    assert body["contributions"]["observations"] == 0


def test_a_visitor_gets_no_summary(client: Any) -> None:
    assert client.get("/api/v1/me/summary").status_code == 401


def test_put_sets_the_global_and_a_project_choice(client: Any) -> None:
    person = UserFactory(display_name="Grace Hopper", profile_public=True)
    project = ProjectFactory(public=True)
    MembershipFactory(project=project, user=person)
    client.force_login(person)

    response = client.put(
        "/api/v1/me/credit",
        {
            "everywhere": {"choice": "pseudonym", "pseudonym": "Moth Finder"},
            "projects": [{"project": project.slug, "choice": "none"}],
        },
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 200
    assert body["everywhere"]["credited_as"] == "Moth Finder"
    assert body["projects"] == [
        {"project": project.slug, "choice": "none", "pseudonym": "", "credited_as": None}
    ]


def test_put_refuses_a_pseudonym_that_is_an_email_address(client: Any) -> None:
    person = UserFactory()
    client.force_login(person)

    response = client.put(
        "/api/v1/me/credit",
        {"everywhere": {"choice": "pseudonym", "pseudonym": "me@example.org"}},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_pseudonym"


def test_put_for_a_project_i_never_joined_is_not_found(client: Any) -> None:
    person = UserFactory()
    project = ProjectFactory(public=True)
    client.force_login(person)

    response = client.put(
        "/api/v1/me/credit",
        {"projects": [{"project": project.slug, "choice": "none"}]},
        content_type="application/json",
    )

    assert response.status_code == 404
