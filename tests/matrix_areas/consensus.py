"""Matrix rows of the consensus area: starting an aggregation, its job page, stored results,
runs, the disputed list and the aggregation settings.

Uses the workflow `matrix-workflow` on the private team project that
`tests/matrix_areas/classification.py` builds (modules are built in name order); `build` adds
a finished aggregation job of it.
"""

from typing import Any

from cslab.classification.models import Workflow
from cslab.consensus.services.aggregation import JOB_KIND
from cslab.core.models import Job
from tests.permission_matrix import Row, World, team_and_staff


def build(world: World) -> None:
    workflow = Workflow.objects.get(project=world.team_project, slug="matrix-workflow")
    world.extra["aggregation-job"] = Job.objects.create(
        kind=JOB_KIND,
        title="Aggregation",
        arguments={"workflow_id": workflow.pk},
        status=Job.Status.SUCCEEDED,
        progress=100,
        finished_at="2026-01-01T00:00:00Z",
    )


def _api(world: World) -> str:
    return f"/api/v1/projects/{world.team_project.slug}/workflows/matrix-workflow/aggregation"


def _page(world: World) -> str:
    return f"/projects/{world.team_project.slug}/workflows/matrix-workflow/aggregation/"


def _job(world: World) -> Any:
    return world.extra["aggregation-job"].pk


ROUTE = "/api/v1/projects/{slug}/workflows/{workflow}/aggregation"
REVIEWERS_API = team_and_staff(
    403, 404, anonymous=401, staff=200, superuser=200, owner=200, researcher=200, moderator=200
)
REVIEWERS_START = team_and_staff(
    403, 404, anonymous=401, staff=202, superuser=202, owner=202, researcher=202, moderator=202
)
LEADS_API = team_and_staff(
    403, 404, anonymous=401, staff=200, superuser=200, owner=200, researcher=200
)
REVIEWERS_PAGE = team_and_staff(
    403, 404, staff=200, superuser=200, owner=200, researcher=200, moderator=200
)
REVIEWERS_POST = team_and_staff(
    403, 404, staff=302, superuser=302, owner=302, researcher=302, moderator=302
)

# fmt: off
ROWS: list[Row] = [
    Row("start an aggregation", "POST", _api, REVIEWERS_START, body={"method": "majority"},
        route=ROUTE),
    Row("aggregation runs", "GET", lambda w: f"{_api(w)}/runs", REVIEWERS_API,
        route=ROUTE + "/runs"),
    Row("stored aggregation results", "GET", lambda w: f"{_api(w)}/results?list=disputed",
        REVIEWERS_API, route=ROUTE + "/results"),
    Row("disputed subjects from the stored results", "GET", lambda w: f"{_api(w)}/disputed",
        REVIEWERS_API, route=ROUTE + "/disputed"),
    Row("aggregation settings", "GET", lambda w: f"{_api(w)}/settings", REVIEWERS_API,
        route=ROUTE + "/settings"),
    Row("change the aggregation settings", "PATCH", lambda w: f"{_api(w)}/settings", LEADS_API,
        body={"low_confidence": 0.6}, route=ROUTE + "/settings"),
    # --- Pages ---
    Row("start an aggregation (page)", "POST", _page, REVIEWERS_POST,
        body={"method": "majority"}, api=False, route="workflow_aggregation_start"),
    Row("aggregation job page", "GET", lambda w: f"{_page(w)}{_job(w)}/", REVIEWERS_PAGE,
        api=False, route="workflow_aggregation_job"),
]
# fmt: on
