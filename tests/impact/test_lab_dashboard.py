"""The Lab's impact dashboard: the projects whose figures one may see, the filters, the
projects side by side, and the CSV of its charts."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from cslab.impact import charts
from cslab.impact.figures import LabFilters
from cslab.impact.filters import MAX_COMPARED
from cslab.impact.selectors import figures as figure_selectors
from cslab.projects.vocabulary import Faculty
from tests.factories import UserFactory
from tests.impact.dashboard_helpers import private_project, public_project, team_member

pytestmark = pytest.mark.django_db


def _side_by_side(page: str) -> str:
    start = page.find('class="data-table impact-side-by-side"')
    return page[start : page.index("</table>", start)] if start >= 0 else ""


def test_anyone_sees_the_lab_dashboard_with_the_public_projects(client: Client) -> None:
    public_project(name="Bee count")
    private_project(name="Secret canal")

    response = client.get("/impact/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Bee count" in page
    assert "Secret canal" not in page


def test_a_team_sees_its_private_project_on_the_lab_dashboard() -> None:
    project = private_project(name="Secret canal")
    client = Client()
    client.force_login(team_member(project))

    assert "Secret canal" in client.get("/impact/").content.decode()


def test_each_project_links_to_its_own_dashboard(client: Client) -> None:
    project = public_project()

    page = client.get("/impact/").content.decode()

    assert f'href="/projects/{project.slug}/impact/"' in page


def test_the_faculty_filter_narrows_the_projects(client: Client) -> None:
    public_project(name="Star gazing", faculty=Faculty.SCIENCE)
    public_project(name="Old letters", faculty=Faculty.HUMANITIES)

    page = client.get("/impact/", {"faculty": Faculty.HUMANITIES}).content.decode()

    assert "Old letters" in page
    assert "Star gazing" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"faculty": "astrology"}, "Select a valid choice."),
        ({"domain": "<script>"}, "Select a valid choice."),
        ({"initiator_type": "aliens"}, "Select a valid choice."),
        ({"start": "not-a-date"}, "Enter a valid date."),
        ({"start": "2026-05-01", "end": "2026-01-01"}, "The end lies before the start."),
    ],
)
def test_a_filter_that_cannot_be_read_is_a_400_with_the_reason(
    client: Client, query: dict[str, str], message: str
) -> None:
    response = client.get("/impact/", query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_hostile_filter_value_is_shown_escaped(client: Client) -> None:
    response = client.get("/impact/", {"domain": "<script>alert(1)</script>"})

    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_chosen_projects_are_compared_side_by_side_and_no_others(client: Client) -> None:
    first = public_project(name="Bee count")
    second = public_project(name="Bat walk")
    public_project(name="Moth night")

    page = client.get("/impact/", {"compare": [first.slug, second.slug]}).content.decode()

    compared = _side_by_side(page)
    assert "Bee count" in compared
    assert "Bat walk" in compared
    assert "Moth night" not in compared


def test_a_private_project_is_never_compared_for_an_outsider(client: Client) -> None:
    shown = public_project(name="Bee count")
    secret = private_project(name="Secret canal")

    response = client.get("/impact/", {"compare": [shown.slug, secret.slug]})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Secret canal" not in page
    assert secret.slug not in _side_by_side(page)
    # Not even echoed back into the chart downloads' addresses.
    assert not re.search(rf"charts/[^\"]*compare={secret.slug}\b", page)


def test_an_unknown_project_to_compare_is_left_out(client: Client) -> None:
    shown = public_project(name="Bee count")

    response = client.get("/impact/", {"compare": [shown.slug, "no-such-project", "../x"]})

    assert response.status_code == 200
    assert "Bee count" in _side_by_side(response.content.decode())


def test_more_projects_than_may_be_compared_is_a_400(client: Client) -> None:
    slugs = [public_project().slug for _ in range(MAX_COMPARED + 1)]

    response = client.get("/impact/", {"compare": slugs})

    assert response.status_code == 400
    assert f"Compare at most {MAX_COMPARED} projects" in response.content.decode()


def test_a_flood_of_compare_values_is_a_400(client: Client) -> None:
    response = client.get("/impact/", {"compare": ["same"] * 5000})

    assert response.status_code == 400


def test_every_lab_chart_is_on_the_page_and_its_csv_is_its_table(client: Client) -> None:
    public_project()
    figures = figure_selectors.lab_figures(user=AnonymousUser(), filters=LabFilters())
    expected = charts.charts_for_lab(figures)
    assert expected

    page = client.get("/impact/").content.decode()

    for chart in expected:
        assert chart.title in page
        assert f"/impact/charts/{chart.slug}.csv" in page
        response = client.get(f"/impact/charts/{chart.slug}.csv")
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            f'attachment; filename="lab-impact-{chart.slug}.csv"'
        )
        assert response.content.decode() == charts.chart_csv(chart)


def test_the_comparison_charts_can_be_downloaded(client: Client) -> None:
    project = public_project(name="Bee count")

    response = client.get("/impact/charts/compared-contributions.csv", {"compare": [project.slug]})

    assert response.status_code == 200
    assert "Bee count" in response.content.decode()


def test_an_unknown_lab_chart_is_not_found(client: Client) -> None:
    assert client.get("/impact/charts/no-such-chart.csv").status_code == 404


def test_a_lab_csv_with_a_bad_filter_is_a_400(client: Client) -> None:
    response = client.get("/impact/charts/anything.csv", {"faculty": "astrology"})

    assert response.status_code == 400


def test_a_signed_in_volunteer_sees_the_lab_dashboard() -> None:
    client = Client()
    client.force_login(UserFactory())

    assert client.get("/impact/").status_code == 200
