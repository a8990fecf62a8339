"""A project's printable impact report: who sees it, and that it carries every figure and chart
with its table, the outputs and impacts, the licence and citation, and a print stylesheet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from tests.factories import UserFactory
from tests.impact.dashboard_helpers import (
    expected_project_charts,
    private_project,
    public_project,
    team_member,
)
from tests.impact.factories import ImpactStatementFactory, OutputFactory

pytestmark = pytest.mark.django_db


def _report(client: Client, project: object, **query: str) -> str:
    response = client.get(f"/projects/{project.slug}/impact/report/", query)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return response.content.decode()


def test_the_report_carries_the_outputs_and_impacts(client: Client) -> None:
    project = public_project()
    OutputFactory(title="Ditch nitrate atlas", projects=[project])
    ImpactStatementFactory(project=project, description="Farmers changed when they spread manure.")

    page = _report(client, project)

    assert "Ditch nitrate atlas" in page
    assert "Farmers changed when they spread manure." in page


def test_every_chart_is_in_the_report_with_its_table_visible(client: Client) -> None:
    project = public_project()
    expected = expected_project_charts(project, AnonymousUser())

    page = _report(client, project)

    assert "<details" not in page
    for chart in expected:
        assert chart.title in page
        for column in chart.columns:
            assert f'<th scope="col">{column}</th>' in page
    assert page.count('class="data-table report-table"') == len(expected)


def test_the_report_has_the_licence_citation_and_when_it_was_made(client: Client) -> None:
    project = public_project(name="Night sky", data_licence="CC0-1.0")

    page = _report(client, project)

    assert "CC0 1.0" in page
    assert re.search(r"Night sky \(\d{4}\)\. Citizen-science data", page)
    assert "Report generated" in page


def test_the_report_prints_without_the_menu_and_with_link_addresses(client: Client) -> None:
    project = public_project()

    page = _report(client, project)

    assert "impact/impact.css" in page
    assert "Print command" in page
    css = (Path(__file__).parents[2] / "src/cslab/impact/static/impact/impact.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert ".site-header" in print_rules
    assert ".site-footer" in print_rules
    assert "attr(href)" in print_rules


def test_the_report_follows_the_period_of_the_dashboard(client: Client) -> None:
    project = public_project()

    page = _report(client, project, start="2026-01-01", end="2026-03-31")

    assert "?start=2026-01-01&amp;end=2026-03-31" in page


def test_a_private_projects_report_is_for_its_team_only() -> None:
    project = private_project()
    outsider, member = Client(), Client()
    outsider.force_login(UserFactory())
    member.force_login(team_member(project))

    assert outsider.get(f"/projects/{project.slug}/impact/report/").status_code == 404
    assert member.get(f"/projects/{project.slug}/impact/report/").status_code == 200


def test_a_report_with_a_bad_period_is_a_400(client: Client) -> None:
    project = public_project()

    response = client.get(f"/projects/{project.slug}/impact/report/", {"end": "2026-02-30"})

    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
