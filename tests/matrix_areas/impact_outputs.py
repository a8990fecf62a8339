"""Matrix rows of issue 14 item 2 (part "mycslab") and issue 15 (part "outputs"): a project's
outputs, adding them through the API and importing them from BibTeX or RIS.

`build` adds an output of `team_project` (private). Whoever may see a project sees its outputs;
its owners and researchers and Lab staff add, edit and remove them; the rest of the team is
refused (403); volunteers and trainers may not see the private project (404).
"""

from typing import Any

from cslab.impact.models import Output
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
    World,
    every,
    leads_and_staff,
    team_and_staff,
)


def build(world: World) -> None:
    output = Output.objects.create(kind="publication", title="Water quality in 2025")
    output.projects.add(world.team_project)
    world.extra["team-output"] = output


def _managers(status: int, anonymous: int = LOGIN_REDIRECT) -> dict[str, int]:
    return {
        OWNER: status,
        RESEARCHER: status,
        STAFF: status,
        SUPERUSER: status,
        MODERATOR: 403,
        MEMBER: 403,
        VIEWER: 403,
        VOLUNTEER: 404,
        TRAINER: 404,
        ANONYMOUS: anonymous,
    }


def _edit_url(world: World) -> str:
    output: Any = world.extra["team-output"]
    return f"/projects/{world.team_project.slug}/outputs/{output.pk}/edit/"


NEW_OUTPUT = {
    "kind": "dataset",
    "title": "Nitrate readings",
    "doi": "https://doi.org/10.5281/zenodo.123456",
    "url": "",
}

IMPORT = {"format": "bibtex", "text": "@misc{matrix, title={Matrix output}, year=2024}"}
API_OUTPUT = {"kind": "dataset", "title": "Nitrate readings", "doi": "10.5281/zenodo.654321"}


def _api_managers(status: int) -> dict[str, int]:
    return _managers(status, anonymous=401)


# fmt: off
ROWS: list[Row] = [
    Row("outputs of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/outputs/", every(200), api=False,
        route="project_outputs"),
    Row("outputs of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/outputs/", team_and_staff(200, 404),
        api=False, route="project_outputs"),
    Row("add-output form", "GET", lambda w: f"/projects/{w.team_project.slug}/outputs/new/",
        _managers(200), api=False, route="project_output_create"),
    Row("add an output", "POST", lambda w: f"/projects/{w.team_project.slug}/outputs/new/",
        _managers(302), api=False, route="project_output_create", body=NEW_OUTPUT),
    Row("edit-output form", "GET", _edit_url, _managers(200), api=False,
        route="project_output_edit"),
    Row("edit an output", "POST", _edit_url, _managers(302), api=False,
        route="project_output_edit", body=NEW_OUTPUT),
    Row("remove an output", "POST", _edit_url, _managers(302), api=False,
        route="project_output_edit", body={"delete": "1"}),
    Row("import-outputs form", "GET", lambda w: f"/projects/{w.team_project.slug}/outputs/import/",
        _managers(200), api=False, route="project_outputs_import"),
    Row("import outputs", "POST", lambda w: f"/projects/{w.team_project.slug}/outputs/import/",
        _managers(200), api=False, route="project_outputs_import", body=IMPORT),
    # --- API ---
    Row("outputs of a public project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/outputs", every(200),
        route="/api/v1/projects/{slug}/outputs"),
    Row("outputs of a private project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/outputs", team_and_staff(200, 404),
        route="/api/v1/projects/{slug}/outputs"),
    Row("add an output to a private project (API)", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/outputs", _api_managers(201),
        body=API_OUTPUT, route="/api/v1/projects/{slug}/outputs"),
    Row("add an output to a public project (API)", "POST",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/outputs",
        leads_and_staff(201, 403, 401) | {OWNER: 403, RESEARCHER: 403},
        body=API_OUTPUT, route="/api/v1/projects/{slug}/outputs"),
    Row("import outputs (API)", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/outputs/import", _api_managers(200),
        body=IMPORT, route="/api/v1/projects/{slug}/outputs/import"),
]
# fmt: on
