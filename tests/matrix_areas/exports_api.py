"""Matrix rows of the exports API (issue 16, item 6): one form's observations as CSV, and the
data exports of a project over the API.

The CSV answers whoever may see the project and form (404 for others, as the project itself);
a bad filter is refused (400) to those who may see the project (others learn nothing: 404), a
`limit` over 10,000 (422) to everyone, before the handler runs. Preparing a public file
is for signed-in people who see the project (anonymous 401: the route needs a person); a team
file for its owners, researchers and Lab staff, 404 for everyone else (the rule is hidden).
Downloads use the files `exports_data.build` adds: another person's team file and an expired
public file, which nobody here may download. `matrix_public_form` is added by
`observations.build`.
"""

from typing import Any

from tests.permission_matrix import (
    ANONYMOUS,
    OWNER,
    RESEARCHER,
    STAFF,
    SUPERUSER,
    Row,
    every,
    team_and_staff,
)

CSV = "/api/v1/projects/{slug}/forms/{form_id}/observations.csv"
EXPORTS = "/api/v1/projects/{slug}/data-exports"
DOWNLOAD = "/api/v1/projects/{slug}/data-exports/{export_id}/download"


def _team(tail: str) -> Any:
    return lambda w: f"/api/v1/projects/{w.team_project.slug}/{tail}"


def _public(tail: str) -> Any:
    return lambda w: f"/api/v1/projects/{w.public_project.slug}/{tail}"


def _download(key: str) -> Any:
    return lambda w: (
        f"/api/v1/projects/{w.team_project.slug}/data-exports/{w.extra[key].pk}/download"
    )


TEAM_FILE_STARTERS = {STAFF: 202, SUPERUSER: 202, OWNER: 202, RESEARCHER: 202}

# fmt: off
ROWS: list[Row] = [
    Row("CSV of a form of a private project", "GET",
        _team("forms/matrix_form/observations.csv"), team_and_staff(200, 404), route=CSV),
    Row("CSV of a form of a public project", "GET",
        _public("forms/matrix_public_form/observations.csv"), every(200), route=CSV),
    Row("CSV of a form of a private project with a bad filter", "GET",
        _team("forms/matrix_form/observations.csv?bbox=1,2"), team_and_staff(400, 404),
        route=CSV),
    Row("CSV of a form of a public project with a limit over 10,000", "GET",
        _public("forms/matrix_public_form/observations.csv?limit=10001"), every(422),
        route=CSV),
    Row("CSV of a form a public project does not have", "GET",
        _public("forms/no_such_form/observations.csv"), every(404), route=CSV),
    Row("prepare a public file of a private project over the API", "POST",
        _team("data-exports"), team_and_staff(202, 404, **{ANONYMOUS: 401}), route=EXPORTS,
        body={"form_id": "matrix_form", "format": "csv", "scope": "public"}),
    Row("prepare a team file of a private project over the API", "POST",
        _team("data-exports"),
        team_and_staff(404, 404, **{ANONYMOUS: 401}, **TEAM_FILE_STARTERS), route=EXPORTS,
        body={"form_id": "matrix_form", "format": "geojson", "scope": "team"}),
    Row("data exports of a private project", "GET", _team("data-exports"),
        team_and_staff(200, 404), route=EXPORTS),
    Row("data exports of a public project", "GET", _public("data-exports"), every(200),
        route=EXPORTS),
    Row("download another person's team file over the API", "GET",
        _download("others-team-export"), team_and_staff(404, 404), route=DOWNLOAD),
    Row("download an expired public file over the API", "GET",
        _download("expired-public-export"), team_and_staff(404, 404), route=DOWNLOAD),
]
# fmt: on
