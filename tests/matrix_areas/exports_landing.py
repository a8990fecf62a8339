"""Matrix rows of issue 16 (dataset page): a project's dataset page and its DataCite record.

Both answer whoever may see the project, as the project itself does (404 for others); a
private project's page lists its forms with no public data.
"""

from tests.permission_matrix import Row, every, team_and_staff

# fmt: off
ROWS: list[Row] = [
    Row("dataset page of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/dataset/", every(200), api=False,
        route="project_dataset"),
    Row("dataset page of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/dataset/", team_and_staff(200, 404),
        api=False, route="project_dataset"),
    Row("DataCite record of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/dataset/datacite.json", every(200),
        api=False, route="project_dataset_datacite"),
    Row("DataCite record of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/dataset/datacite.json",
        team_and_staff(200, 404), api=False, route="project_dataset_datacite"),
]
# fmt: on
