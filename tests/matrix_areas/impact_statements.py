"""Matrix rows of issue 15 (part "outputs"): a project's impact statements.

`build` adds a statement to `team_project` (private). Whoever may see a project sees its
impacts; its owners and researchers and Lab staff record, edit and remove them; the rest of the
team is refused (403); volunteers and trainers may not see the private project (404).
"""

from typing import Any

from cslab.impact.models import ImpactStatement
from tests.matrix_areas.impact_outputs import _managers
from tests.permission_matrix import Row, World, every, team_and_staff


def build(world: World) -> None:
    world.extra["team-statement"] = ImpactStatement.objects.create(
        project=world.team_project, kind="policy", description="The water board tests weekly."
    )


def _statement_url(world: World, action: str) -> str:
    statement: Any = world.extra["team-statement"]
    return f"/projects/{world.team_project.slug}/impacts/{statement.pk}/{action}/"


def _api_statement_url(world: World) -> str:
    statement: Any = world.extra["team-statement"]
    return f"/api/v1/projects/{world.team_project.slug}/impact-statements/{statement.pk}"


STATEMENT = {
    "kind": "environment",
    "description": "Nitrate fell by a third.",
    "evidence_url": "https://example.org/report",
}
API_ROUTE = "/api/v1/projects/{slug}/impact-statements"

# fmt: off
ROWS: list[Row] = [
    Row("impacts of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/impacts/", every(200), api=False,
        route="project_impact_statements"),
    Row("impacts of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/impacts/", team_and_staff(200, 404),
        api=False, route="project_impact_statements"),
    Row("record-impact form", "GET", lambda w: f"/projects/{w.team_project.slug}/impacts/new/",
        _managers(200), api=False, route="project_impact_statement_create"),
    Row("record an impact", "POST", lambda w: f"/projects/{w.team_project.slug}/impacts/new/",
        _managers(302), api=False, route="project_impact_statement_create", body=STATEMENT),
    Row("edit-impact form", "GET", lambda w: _statement_url(w, "edit"), _managers(200),
        api=False, route="project_impact_statement_edit"),
    Row("edit an impact", "POST", lambda w: _statement_url(w, "edit"), _managers(302),
        api=False, route="project_impact_statement_edit", body=STATEMENT),
    Row("remove-impact page", "GET", lambda w: _statement_url(w, "delete"), _managers(200),
        api=False, route="project_impact_statement_delete"),
    Row("remove an impact", "POST", lambda w: _statement_url(w, "delete"), _managers(302),
        api=False, route="project_impact_statement_delete"),
    # --- API ---
    Row("impacts of a public project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/impact-statements", every(200),
        route=API_ROUTE),
    Row("impacts of a private project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/impact-statements",
        team_and_staff(200, 404), route=API_ROUTE),
    Row("record an impact (API)", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/impact-statements",
        _managers(201, anonymous=401), body=STATEMENT, route=API_ROUTE),
    Row("remove an impact (API)", "DELETE", _api_statement_url, _managers(204, anonymous=401),
        route=API_ROUTE + "/{statement_id}"),
]
# fmt: on
