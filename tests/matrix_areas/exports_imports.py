"""Matrix rows of issue 16 item 5 (imports of observations from CSV, XLSX, Darwin Core).

The pages are for signed-in people (others are sent to log in). Importing is for a project's
owners and researchers and Lab staff: other members of the team are refused (403); those who
may not see the project get 404. An import is its creator's alone: `build` adds one made by
`world.other_user`, which every other viewer gets 404 (or 403) for.
"""

from cslab.exports.models import DataImport
from tests.permission_matrix import (
    ANONYMOUS,
    LOGIN_REDIRECT,
    MEMBER,
    MODERATOR,
    STAFF,
    SUPERUSER,
    VIEWER,
    Row,
    World,
    every,
    team_and_staff,
)


def build(world: World) -> None:
    world.extra["others-import"] = DataImport.objects.create(
        project=world.team_project,
        form=world.team_project.forms.get(form_id="matrix_form"),
        created_by=world.other_user,
        source_format="csv",
        original_name="theirs.csv",
        file_name="imports/matrix-theirs.csv",
        headers=["id"],
    )


def _imports(world: World) -> str:
    return f"/projects/{world.team_project.slug}/data/imports/"


def _others(suffix: str):  # type: ignore[no-untyped-def]
    return lambda w: f"{_imports(w)}{w.extra['others-import'].pk}/{suffix}"


NOT_IMPORTERS = {MODERATOR: 403, MEMBER: 403, VIEWER: 403, ANONYMOUS: LOGIN_REDIRECT}

# fmt: off
ROWS: list[Row] = [
    Row("imports page of a private project", "GET", _imports,
        team_and_staff(200, 404, **NOT_IMPORTERS), api=False, route="project_data_imports"),
    Row("upload a file for import without a file", "POST", _imports,
        team_and_staff(400, 404, **NOT_IMPORTERS), api=False, route="project_data_imports",
        body={"form_id": "matrix_form", "source_format": "csv"}),
    Row("imports page of a public project not one's own", "GET",
        lambda w: f"/projects/{w.public_project.slug}/data/imports/",
        every(403, **{STAFF: 200, SUPERUSER: 200, ANONYMOUS: LOGIN_REDIRECT}), api=False,
        route="project_data_imports"),
    Row("someone else's import report", "GET", _others(""),
        team_and_staff(404, 404, **NOT_IMPORTERS), api=False, route="project_data_import"),
    Row("someone else's import mapping", "GET", _others("mapping/"),
        team_and_staff(404, 404, **NOT_IMPORTERS), api=False,
        route="project_data_import_mapping"),
    Row("run someone else's import", "POST", _others("run/"),
        team_and_staff(404, 404, **NOT_IMPORTERS), api=False, route="project_data_import_run",
        body={"policy": "valid_rows"}),
]
# fmt: on
