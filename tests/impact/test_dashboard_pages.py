"""A project's impact dashboard: who sees it, its figures and charts, their CSV downloads, the
period filter, and the team's refresh button."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from cslab.core.models import Job
from cslab.core.roles import ProjectRole, SiteRole
from cslab.hub.models import CaseStudy, CaseStudyProject
from cslab.hub.selectors.case_studies import case_study_project_figures
from cslab.impact import charts
from cslab.impact.figures import Period
from tests.factories import UserFactory
from tests.hub.case_study_helpers import make_case_study
from tests.impact.dashboard_helpers import (
    expected_project_charts,
    private_project,
    public_project,
    team_member,
)
from tests.impact.factories import ImpactStatementFactory, OutputFactory

pytestmark = pytest.mark.django_db


def _signed_in(person: object) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_anyone_sees_the_dashboard_of_a_public_project(client: Client) -> None:
    project = public_project(name="Bee count")

    response = client.get(f"/projects/{project.slug}/impact/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Bee count" in page
    assert "Gini coefficient" in page
    assert f"/api/v1/projects/{project.slug}/impact" in page
    assert f"/projects/{project.slug}/impact/report/" in page


def test_a_volunteer_cannot_see_a_private_projects_figures() -> None:
    project = private_project()

    response = _signed_in(UserFactory()).get(f"/projects/{project.slug}/impact/")

    assert response.status_code == 404


def test_an_anonymous_visitor_cannot_see_a_private_projects_figures(client: Client) -> None:
    project = private_project()

    assert client.get(f"/projects/{project.slug}/impact/").status_code == 404
    assert client.get(f"/projects/{project.slug}/impact/report/").status_code == 404


def test_the_team_of_a_private_project_sees_its_dashboard() -> None:
    project = private_project(name="Quiet canal")
    member = team_member(project)

    response = _signed_in(member).get(f"/projects/{project.slug}/impact/")

    assert response.status_code == 200
    assert "Quiet canal" in response.content.decode()


def test_every_chart_is_on_the_dashboard_with_its_csv_link(client: Client) -> None:
    project = public_project()
    expected = expected_project_charts(project, AnonymousUser())
    assert expected, "the charts module gives at least one chart"

    page = client.get(f"/projects/{project.slug}/impact/").content.decode()

    for chart in expected:
        assert chart.title in page
        assert f"/projects/{project.slug}/impact/charts/{chart.slug}.csv" in page


def test_a_charts_csv_is_its_data_table(client: Client) -> None:
    project = public_project()

    for chart in expected_project_charts(project, AnonymousUser()):
        response = client.get(f"/projects/{project.slug}/impact/charts/{chart.slug}.csv")

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"] == (
            f'attachment; filename="{project.slug}-{chart.slug}.csv"'
        )
        assert response.content.decode() == charts.chart_csv(chart)


def test_the_csv_follows_the_period_asked_for(client: Client) -> None:
    project = public_project()
    period = Period(start=date(2026, 1, 1), end=None)
    chart = expected_project_charts(project, AnonymousUser(), period)[0]

    response = client.get(
        f"/projects/{project.slug}/impact/charts/{chart.slug}.csv", {"start": "2026-01-01"}
    )

    assert response.content.decode() == charts.chart_csv(chart)


def test_an_unknown_chart_is_not_found(client: Client) -> None:
    project = public_project()

    response = client.get(f"/projects/{project.slug}/impact/charts/no-such-chart.csv")

    assert response.status_code == 404


def test_a_private_projects_chart_csv_is_not_found_for_outsiders(client: Client) -> None:
    project = private_project()
    chart = expected_project_charts(project, team_member(project))[0]

    response = client.get(f"/projects/{project.slug}/impact/charts/{chart.slug}.csv")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-13-45"}, "Enter a valid date."),
        ({"start": "2026-05-01", "end": "2026-04-01"}, "The end lies before the start."),
        ({"start": "0001-01-01"}, "Choose a date between 1990 and 2100."),
        ({"granularity": "fortnight"}, "Select a valid choice."),
    ],
)
def test_a_filter_that_cannot_be_read_is_a_400_with_the_reason(
    client: Client, query: dict[str, str], message: str
) -> None:
    project = public_project()

    response = client.get(f"/projects/{project.slug}/impact/", query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_bad_filter_on_a_csv_download_is_a_400(client: Client) -> None:
    project = public_project()
    chart = expected_project_charts(project, AnonymousUser())[0]

    response = client.get(
        f"/projects/{project.slug}/impact/charts/{chart.slug}.csv", {"end": "yesterday"}
    )

    assert response.status_code == 400


def test_a_huge_filter_value_is_a_400_not_an_error(client: Client) -> None:
    project = public_project()

    response = client.get(f"/projects/{project.slug}/impact/", {"start": "9" * 10_000})

    assert response.status_code == 400


def test_the_dashboard_lists_the_projects_outputs_and_impacts(client: Client) -> None:
    project = public_project()
    OutputFactory(title="Nitrate in ditches", doi="10.5281/zenodo.42", projects=[project])
    ImpactStatementFactory(project=project, description="The water board moved a sampling site.")

    page = client.get(f"/projects/{project.slug}/impact/").content.decode()

    assert "Nitrate in ditches" in page
    assert "https://doi.org/10.5281/zenodo.42" in page
    assert "The water board moved a sampling site." in page
    assert f"/projects/{project.slug}/outputs/" in page
    assert f"/projects/{project.slug}/impacts/" in page


def test_another_projects_outputs_are_not_on_the_dashboard(client: Client) -> None:
    project = public_project()
    OutputFactory(title="Someone else's paper", projects=[public_project()])

    page = client.get(f"/projects/{project.slug}/impact/").content.decode()

    assert "Someone else&#x27;s paper" not in page
    assert "Someone else's paper" not in page


@pytest.mark.parametrize("role", [ProjectRole.OWNER, ProjectRole.RESEARCHER])
def test_the_projects_leads_see_the_refresh_button(role: str) -> None:
    project = private_project()

    page = _signed_in(team_member(project, role)).get(f"/projects/{project.slug}/impact/")

    assert f"/projects/{project.slug}/impact/refresh/" in page.content.decode()


def test_a_team_member_does_not_see_the_refresh_button() -> None:
    project = private_project()

    page = _signed_in(team_member(project)).get(f"/projects/{project.slug}/impact/")

    assert "/impact/refresh/" not in page.content.decode()


def test_lab_staff_start_a_refresh_and_land_on_its_job_page() -> None:
    project = public_project()
    staff = UserFactory(site_role=SiteRole.STAFF)

    response = _signed_in(staff).post(f"/projects/{project.slug}/impact/refresh/")

    job = Job.objects.get(started_by=staff)
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"


def test_a_team_member_may_not_start_a_refresh() -> None:
    project = private_project()

    response = _signed_in(team_member(project)).post(f"/projects/{project.slug}/impact/refresh/")

    assert response.status_code == 403
    assert not Job.objects.exists()


def test_an_outsider_cannot_refresh_a_private_project() -> None:
    project = private_project()

    response = _signed_in(UserFactory()).post(f"/projects/{project.slug}/impact/refresh/")

    assert response.status_code == 404
    assert not Job.objects.exists()


def test_a_refresh_is_never_started_by_a_get() -> None:
    project = private_project()
    owner = team_member(project, ProjectRole.OWNER)

    response = _signed_in(owner).get(f"/projects/{project.slug}/impact/refresh/")

    assert response.status_code == 405
    assert not Job.objects.exists()


def test_the_project_page_links_to_its_impact_dashboard_and_report(client: Client) -> None:
    project = public_project()

    page = client.get(f"/projects/{project.slug}/").content.decode()

    assert f"/projects/{project.slug}/impact/" in page
    assert f"/projects/{project.slug}/impact/report/" in page


def test_the_home_page_and_menu_lead_to_the_lab_dashboard(client: Client) -> None:
    page = client.get("/").content.decode()

    assert 'href="/impact/"' in page


def test_a_case_study_links_to_the_impact_dashboard_of_its_public_project() -> None:
    shown, unlisted = public_project(), private_project(visibility="unlisted")
    case_study = CaseStudy.objects.get(resource=make_case_study())
    for project in (shown, unlisted):
        CaseStudyProject.objects.create(case_study=case_study, project=project)

    for_visitor = case_study_project_figures(viewer=AnonymousUser(), case_study=case_study)
    for_staff = case_study_project_figures(
        viewer=UserFactory(site_role=SiteRole.STAFF), case_study=case_study
    )

    links = {item.project.slug: item.impact_url for item in for_visitor}
    assert links.get(shown.slug) == f"/projects/{shown.slug}/impact/"
    assert links.get(unlisted.slug, "") == ""
    assert {item.impact_url for item in for_staff} == {
        f"/projects/{shown.slug}/impact/",
        f"/projects/{unlisted.slug}/impact/",
    }
