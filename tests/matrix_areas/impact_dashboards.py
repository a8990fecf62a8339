"""Matrix rows of issue 15 (part "dashboards"): a project's impact dashboard, its charts' CSV,
the printable report and the refresh button; the Lab dashboard and its charts' CSV.

A public project's figures are for everyone, a private one's for its team and Lab staff (404 to
others). Bringing the figures up to date is for the project's owners and researchers and Lab
staff (403 to others who see the figures, a sign-in for anonymous visitors).
"""

from tests.permission_matrix import (
    ANONYMOUS,
    LOGIN_REDIRECT,
    MEMBER,
    MODERATOR,
    OWNER,
    RESEARCHER,
    STAFF,
    SUPERUSER,
    TRAINER,
    VIEWER,
    VOLUNTEER,
    Row,
    every,
    team_and_staff,
)

# A chart every project's dashboard has (`impact.charts.charts_for_project`).
PROJECT_CHART = "by-hour"
# A chart the Lab dashboard has (`impact.charts.charts_for_lab`).
LAB_CHART = "projects-compared"

REFRESH_PRIVATE = {
    OWNER: 302,
    RESEARCHER: 302,
    STAFF: 302,
    SUPERUSER: 302,
    MODERATOR: 403,
    MEMBER: 403,
    VIEWER: 403,
    VOLUNTEER: 404,
    TRAINER: 404,
    ANONYMOUS: LOGIN_REDIRECT,
}
# Project roles are on the private project's team only: on the public one they are visitors.
REFRESH_PUBLIC = every(403, staff=302, superuser=302, anonymous=LOGIN_REDIRECT)

# fmt: off
ROWS: list[Row] = [
    Row("impact dashboard of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/impact/", every(200), api=False,
        route="project_impact"),
    Row("impact dashboard of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/impact/", team_and_staff(200, 404),
        api=False, route="project_impact"),
    Row("impact dashboard with a bad period", "GET",
        lambda w: f"/projects/{w.public_project.slug}/impact/?start=2026-02-31", every(400),
        api=False, route="project_impact"),
    Row("impact chart CSV of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/impact/charts/{PROJECT_CHART}.csv",
        every(200), api=False, route="project_impact_chart_csv"),
    Row("impact chart CSV of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/impact/charts/{PROJECT_CHART}.csv",
        team_and_staff(200, 404), api=False, route="project_impact_chart_csv"),
    Row("unknown impact chart CSV", "GET",
        lambda w: f"/projects/{w.public_project.slug}/impact/charts/no-such-chart.csv",
        every(404), api=False, route="project_impact_chart_csv"),
    Row("impact report of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/impact/report/", every(200), api=False,
        route="project_impact_report"),
    Row("impact report of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/impact/report/", team_and_staff(200, 404),
        api=False, route="project_impact_report"),
    Row("bring a private project's figures up to date", "POST",
        lambda w: f"/projects/{w.team_project.slug}/impact/refresh/", REFRESH_PRIVATE,
        api=False, route="project_impact_refresh"),
    Row("bring a public project's figures up to date", "POST",
        lambda w: f"/projects/{w.public_project.slug}/impact/refresh/", REFRESH_PUBLIC,
        api=False, route="project_impact_refresh"),
    Row("Lab impact dashboard", "GET", lambda w: "/impact/", every(200), api=False,
        route="lab_impact"),
    Row("Lab impact dashboard comparing a private project", "GET",
        lambda w: f"/impact/?compare={w.public_project.slug}&compare={w.team_project.slug}",
        every(200), api=False, route="lab_impact"),
    Row("Lab impact dashboard with an unknown faculty", "GET",
        lambda w: "/impact/?faculty=astrology", every(400), api=False, route="lab_impact"),
    Row("Lab impact chart CSV", "GET", lambda w: f"/impact/charts/{LAB_CHART}.csv", every(200),
        api=False, route="lab_impact_chart_csv"),
    Row("unknown Lab impact chart CSV", "GET", lambda w: "/impact/charts/no-such-chart.csv",
        every(404), api=False, route="lab_impact_chart_csv"),
]
# fmt: on
