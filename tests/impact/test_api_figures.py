"""The figures API: the issue's keys, the selector's values, and clear refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from cslab.classification.models import Classification
from cslab.impact.figures import figures_as_json
from cslab.impact.selectors.figures import project_figures
from cslab.impact.services.rollup import rollup_refresh
from cslab.projects.models import Project
from tests.factories import UserFactory
from tests.participants.helpers import Site
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> Site:
    site = Site(with_form=False)
    for number, person in enumerate([UserFactory(), UserFactory()]):
        classification = site.classify(person, subject_number=number)
        Classification.objects.filter(pk=classification.pk).update(
            created_at=datetime(2026, 3, 2 + number, 10, tzinfo=UTC)
        )
    rollup_refresh(projects=[site.project])
    return site


def _url(project: Any, query: str = "") -> str:
    return f"/api/v1/projects/{project.slug}/impact{query}"


def test_the_project_figures_carry_the_issues_keys_with_the_selectors_values(
    site: Site, client: Client
) -> None:
    response = client.get(_url(site.project))

    assert response.status_code == 200
    body = response.json()
    for key in (
        "participants",
        "contributions",
        "gini",
        "top_10_percent_share",
        "retention",
        "h3_cells",
    ):
        assert key in body
    expected = figures_as_json(project_figures(user=AnonymousUser(), project=site.project))
    assert body["participants"] == expected["participants"] == 2
    assert body["contributions"] == expected["contributions"] == 2
    assert body["gini"] == pytest.approx(expected["gini"])
    assert body["retention"]["granularity"] == "week"
    assert len(body["weeks"]) == len(expected["weeks"])


def test_the_period_and_granularity_are_read_from_the_query(site: Site, client: Client) -> None:
    body = client.get(_url(site.project, "?start=2026-03-03&granularity=month")).json()

    assert body["participants"] == 1
    assert body["period"]["start"] == "2026-03-03"
    assert body["retention"]["granularity"] == "month"


@pytest.mark.parametrize(
    "query",
    [
        "?granularity=day",
        "?start=yesterday",
        "?start=1700000000",
        "?end=2026-02-30",
        "?start=2026-03-09&end=2026-03-01",
        "?start=" + "9" * 5000,
    ],
)
def test_hostile_queries_are_refused_clearly(site: Site, client: Client, query: str) -> None:
    response = client.get(_url(site.project, query))

    assert 400 <= response.status_code < 500


def test_a_private_projects_figures_are_404_for_outsiders_and_200_for_its_team(
    client: Client,
) -> None:
    project = ProjectFactory(status=Project.Status.ACTIVE)
    member = UserFactory()
    MembershipFactory(project=project, user=member)

    assert client.get(_url(project)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(_url(project)).status_code == 404
    client.force_login(member)
    assert client.get(_url(project)).status_code == 200


def test_the_lab_comparison_lists_visible_projects_with_their_figures(
    site: Site, client: Client
) -> None:
    hidden = ProjectFactory(status=Project.Status.ACTIVE)

    response = client.get("/api/v1/impact/projects")

    assert response.status_code == 200
    rows = {row["project_slug"]: row for row in response.json()["projects"]}
    assert rows[site.project.slug]["participants"] == 2
    assert hidden.slug not in rows


def test_the_lab_comparison_refuses_an_unknown_faculty(client: Client) -> None:
    assert client.get("/api/v1/impact/projects?faculty=astrology").status_code == 422
