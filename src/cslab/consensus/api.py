"""API routes of the consensus area: start an aggregation, read stored results and runs.

Thin handlers: the services and selectors check permissions; domain errors become
problem+json answers in `cslab.api.errors`.
"""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cslab.api.auth import SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.classification import selectors as classification
from cslab.classification.models import Workflow
from cslab.consensus import selectors
from cslab.consensus.models.results import Method
from cslab.consensus.services.aggregation import aggregation_start, consensus_settings_update

router = Router(tags=["consensus"], auth=SIGNED_IN)

AGGREGATION = "/projects/{slug}/workflows/{workflow}/aggregation"


def _workflow(request: ApiRequest, slug: str, workflow: str) -> Workflow:
    return classification.workflow_get_by_slugs(
        user=request.auth, project_slug=slug, workflow_slug=workflow
    )


class AggregationIn(Schema):
    method: Method | None = Field(None, description="This run's method (default: the workflow's).")
    full: bool = Field(False, description="Recompute every subject, even after a majority run.")


class AggregationJobOut(Schema):
    id: UUID
    kind: str
    title: str
    status: str
    progress: int
    message: str
    created_at: datetime
    url: str = Field(..., description="The job's status in the API (`GET /api/v1/jobs/{id}`).")

    @staticmethod
    def resolve_url(job: Any) -> str:
        return f"/api/v1/jobs/{job.id}"


class ConsensusResultOut(Schema):
    subject_id: int
    external_id: str = Field(..., alias="subject.external_id")
    label: str
    confidence: float
    probabilities: dict[str, float] = Field(..., description="Every class's probability.")
    margin: float
    answer_count: int
    agreeing: int
    gold_label: str
    disputed: bool
    method: str
    run_id: int | None
    computed_at: datetime


class AggregationRunOut(Schema):
    id: int
    job_id: UUID | None
    method: str
    task_key: str
    incremental: bool
    status: str
    started_at: datetime
    finished_at: datetime | None
    answers: int
    workers: int
    classes: int
    subjects_aggregated: int
    subjects_written: int
    disputed: int
    gold: int
    iterations: int
    converged: bool
    log_likelihood: float | None
    message: str


class ConsensusSettingsIn(Schema):
    method: Method | Literal[""] | None = Field(None, description="Empty: the task's default.")
    low_confidence: float | None = Field(None, ge=0, le=1)
    dispute_margin: float | None = Field(None, ge=0, le=1)
    dispute_min_answers: int | None = Field(None, ge=1)
    dispute_agreement: float | None = Field(None, ge=0, le=1)


class ConsensusSettingsOut(Schema):
    method: str
    low_confidence: float
    dispute_margin: float
    dispute_min_answers: int
    dispute_agreement: float


@router.post(
    AGGREGATION,
    response={202: AggregationJobOut},
    summary="Start aggregating a workflow's classifications (a background job)",
)
def start_aggregation(
    request: ApiRequest, slug: str, workflow: str, payload: AggregationIn | None = None
) -> Any:
    """202 with the job; follow it at `url`. While one runs for the workflow, that one."""
    found = _workflow(request, slug, workflow)
    given = payload or AggregationIn(method=None, full=False)
    job = aggregation_start(
        actor=request.auth,
        workflow=found,
        method=given.method.value if given.method else None,
        full=given.full,
    )
    return Status(202, job)


@router.get(
    f"{AGGREGATION}/runs",
    response=list[AggregationRunOut],
    summary="A workflow's aggregation runs, newest first (reviewers)",
)
@paginate(CursorPagination)
def list_runs(request: ApiRequest, slug: str, workflow: str) -> Any:
    return selectors.run_list_for_workflow(
        user=request.auth, workflow=_workflow(request, slug, workflow)
    )


@router.get(
    f"{AGGREGATION}/results",
    response=list[ConsensusResultOut],
    summary="Stored results with every class's probability (reviewers)",
)
@paginate(CursorPagination)
def list_results(
    request: ApiRequest,
    slug: str,
    workflow: str,
    which: Literal["all", "retired", "low-confidence", "disputed"] = Query(  # type: ignore[type-arg]
        "all", alias="list"
    ),
) -> Any:
    """`list`: all results, the retired subjects', the low-confidence or the disputed ones."""
    return selectors.result_list_for_workflow(
        user=request.auth, workflow=_workflow(request, slug, workflow), which=which
    )


@router.get(
    f"{AGGREGATION}/disputed",
    response=list[ConsensusResultOut],
    summary="The expert review queue from the stored results, most answered first (reviewers)",
)
@paginate(CursorPagination)
def list_disputed(request: ApiRequest, slug: str, workflow: str) -> Any:
    return selectors.disputed_queue(user=request.auth, workflow=_workflow(request, slug, workflow))


@router.get(
    f"{AGGREGATION}/settings",
    response=ConsensusSettingsOut,
    summary="How the workflow is aggregated and what counts as disputed (reviewers)",
)
def get_settings(request: ApiRequest, slug: str, workflow: str) -> Any:
    return selectors.consensus_settings_get(
        user=request.auth, workflow=_workflow(request, slug, workflow)
    )


@router.patch(
    f"{AGGREGATION}/settings",
    response=ConsensusSettingsOut,
    summary="Choose the method and the dispute thresholds (owners, researchers, staff)",
)
def change_settings(
    request: ApiRequest, slug: str, workflow: str, payload: ConsensusSettingsIn
) -> Any:
    changes = payload.dict(exclude_unset=True)
    if isinstance(changes.get("method"), Method):
        changes["method"] = changes["method"].value
    return consensus_settings_update(
        actor=request.auth, workflow=_workflow(request, slug, workflow), **changes
    )
