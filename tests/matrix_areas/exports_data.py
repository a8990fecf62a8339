"""Matrix rows of issue 16 (data exports): a project's data page, preparing a file, downloading.

The data page answers whoever may see the project (404 for others, as the project itself).
Preparing a public file is for signed-in people who see the project; a team file (true
locations) for its owners, researchers and Lab staff — others get the form back with an error
(400), or 404 when they may not see the project at all. `build` adds a ready team file of the
team project asked for by its owner (`world.other_user`): nobody else may download it; and an
expired public file, which nobody may download.
"""

from datetime import timedelta

from django.utils import timezone

from cslab.exports.models import DataExport
from tests.permission_matrix import (
    ANONYMOUS,
    OWNER,
    RESEARCHER,
    STAFF,
    SUPERUSER,
    Row,
    World,
    every,
    team_and_staff,
)


def build(world: World) -> None:
    form = world.team_project.forms.get(form_id="matrix_form")
    common = {"project": world.team_project, "form": form, "format": "csv", "status": "ready"}
    world.extra["others-team-export"] = DataExport.objects.create(
        scope="team",
        requested_by=world.other_user,
        file_name="exports/data/matrix-team.csv.zip",
        expires_at=timezone.now() + timedelta(days=1),
        **common,
    )
    world.extra["expired-public-export"] = DataExport.objects.create(
        scope="public",
        requested_by=world.other_user,
        file_name="exports/data/matrix-public.csv.zip",
        expires_at=timezone.now() - timedelta(hours=1),
        **common,
    )


def _download(key: str):  # type: ignore[no-untyped-def]
    return lambda w: f"/projects/{w.team_project.slug}/data/{w.extra[key].pk}/download/"


TEAM_FILE_STARTERS = {STAFF: 302, SUPERUSER: 302, OWNER: 302, RESEARCHER: 302}
MAPPING_EDITORS = {STAFF: 200, SUPERUSER: 200, OWNER: 200, RESEARCHER: 200}

# fmt: off
ROWS: list[Row] = [
    Row("data page of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/data/", every(200), api=False,
        route="project_data_exports"),
    Row("data page of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/data/", team_and_staff(200, 404),
        api=False, route="project_data_exports"),
    Row("prepare a public file of a private project", "POST",
        lambda w: f"/projects/{w.team_project.slug}/data/", team_and_staff(302, 404),
        api=False, route="project_data_exports",
        body={"form_id": "matrix_form", "format": "csv", "scope": "public"}),
    Row("prepare a team file of a private project", "POST",
        lambda w: f"/projects/{w.team_project.slug}/data/",
        team_and_staff(400, 404, **TEAM_FILE_STARTERS), api=False,
        route="project_data_exports",
        body={"form_id": "matrix_form", "format": "geojson", "scope": "team"}),
    Row("prepare a public file of a public project", "POST",
        lambda w: f"/projects/{w.public_project.slug}/data/",
        every(400, **{ANONYMOUS: 404}), api=False, route="project_data_exports",
        body={"form_id": "no_such_form", "format": "csv", "scope": "public"}),
    Row("Darwin Core mapping page of a private project's form", "GET",
        lambda w: f"/projects/{w.team_project.slug}/data/darwin-core/matrix_form/",
        team_and_staff(403, 404, **MAPPING_EDITORS), api=False,
        route="project_darwin_core_mapping"),
    Row("save a Darwin Core mapping that does not fit the form", "POST",
        lambda w: f"/projects/{w.team_project.slug}/data/darwin-core/matrix_form/",
        team_and_staff(403, 404, **{role: 400 for role in MAPPING_EDITORS}), api=False,
        route="project_darwin_core_mapping", body={"scientificName": "no_such_question"}),
    Row("download another person's team file", "GET", _download("others-team-export"),
        team_and_staff(404, 404), api=False, route="project_data_export_download"),
    Row("download an expired public file", "GET", _download("expired-public-export"),
        team_and_staff(404, 404), api=False, route="project_data_export_download"),
]
# fmt: on
