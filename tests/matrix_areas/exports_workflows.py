"""Matrix rows of workflow exports (issue 16, item 1): files of a classification workflow's
classifications or consensus results, prepared from the data page and over the API.

No new routes: the data page's form and the data-exports POST take a workflow. A public file
is for signed-in people who see the project, of a workflow an anonymous visitor may see
(`open-workflow` on the public project); a team file for the project's owners, researchers and
Lab staff (404 for everyone else: the rule is hidden). On the data page, people who may start
no file of any workflow get 404, as for forms. Another project's workflow is not found. The
workflows are added by `classification.build`.
"""

from typing import Any

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

PAGE = "project_data_exports"
EXPORTS = "/api/v1/projects/{slug}/data-exports"


def _page_body(key: str, scope: str) -> Any:
    def body(world: World) -> dict[str, Any]:
        return {
            "workflow-workflow_id": world.extra[key].pk,
            "workflow-dataset": "results",
            "workflow-format": "csv",
            "workflow-scope": scope,
        }

    return body


def _api_body(key: str, scope: str) -> Any:
    def body(world: World) -> dict[str, Any]:
        return {
            "workflow_id": world.extra[key].pk,
            "dataset": "classifications",
            "format": "parquet",
            "scope": scope,
        }

    return body


TEAM_PAGE = {STAFF: 302, SUPERUSER: 302, OWNER: 302, RESEARCHER: 302}
TEAM_API = {STAFF: 202, SUPERUSER: 202, OWNER: 202, RESEARCHER: 202}

# fmt: off
ROWS: list[Row] = [
    Row("prepare a team file of a private project's workflow", "POST",
        lambda w: f"/projects/{w.team_project.slug}/data/",
        team_and_staff(404, 404, **TEAM_PAGE), api=False, route=PAGE,
        body=_page_body("matrix-workflow", "team")),
    Row("prepare a public file of a public project's workflow", "POST",
        lambda w: f"/projects/{w.public_project.slug}/data/",
        every(302, **{ANONYMOUS: 404}), api=False, route=PAGE,
        body=_page_body("open-workflow", "public")),
    Row("prepare a team file of a private project's workflow over the API", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/data-exports",
        team_and_staff(404, 404, **{ANONYMOUS: 401}, **TEAM_API), route=EXPORTS,
        body=_api_body("matrix-workflow", "team")),
    Row("prepare a public file of a public project's workflow over the API", "POST",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/data-exports",
        every(202, **{ANONYMOUS: 401}), route=EXPORTS,
        body=_api_body("open-workflow", "public")),
    Row("prepare a file of another project's workflow over the API", "POST",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/data-exports",
        every(404, **{ANONYMOUS: 401}), route=EXPORTS,
        body=_api_body("matrix-workflow", "team")),
]
# fmt: on
