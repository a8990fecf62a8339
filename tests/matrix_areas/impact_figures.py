"""Matrix rows of issue 15 (part "rollup"): the figures API.

A public, approved project's figures are everyone's; a private project's are its team's and
Lab staff's (404 for others, as the project itself). The Lab comparison answers everyone, over
the projects whose figures they may see.
"""

from tests.permission_matrix import Row, every, team_and_staff

# fmt: off
ROWS: list[Row] = [
    Row("impact figures of a public project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/impact", every(200),
        route="/api/v1/projects/{slug}/impact"),
    Row("impact figures of a private project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/impact?granularity=month",
        team_and_staff(200, 404), route="/api/v1/projects/{slug}/impact"),
    Row("impact figures with a made-up granularity (API)", "GET",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/impact?granularity=day",
        every(422), route="/api/v1/projects/{slug}/impact"),
    Row("impact comparison of the Lab's projects (API)", "GET",
        lambda w: "/api/v1/impact/projects?start=2026-01-01", every(200),
        route="/api/v1/impact/projects"),
]
# fmt: on
