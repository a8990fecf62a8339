"""API routes of the collection area: submissions and a project's observations (thin handlers).

Register with `api.add_router("/", collection_router)` after
`from cslab.collection.api import router as collection_router`.
"""

from datetime import datetime
from typing import Any

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cslab.api.auth import SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.collection import selectors
from cslab.collection.answers import Location
from cslab.collection.models import Observation
from cslab.collection.services.observations import (
    Submission,
    observation_submit,
    observation_submit_batch,
)
from cslab.projects.selectors import project_get_for_viewing

router = Router(tags=["observations"], auth=SIGNED_IN)


class LocationIn(Schema):
    latitude: float = Field(..., ge=-90, le=90)
    longitude: float = Field(..., ge=-180, le=180)
    accuracy: float | None = Field(None, ge=0, description="Accuracy in metres.")


class SubmissionIn(Schema):
    instance_id: str = Field(
        ..., max_length=200, description="Client-generated ID, e.g. `uuid:…` (OpenRosa instanceID)."
    )
    version: str = Field(..., max_length=100, description="The form version answered.")
    answers: dict[str, Any] = Field(
        ..., description="Answers by question name; a repeat is a list of answer objects."
    )
    deprecated_id: str | None = Field(
        None, max_length=200, description="The instance ID this submission edits."
    )
    observed_at: datetime | None = Field(None, description="When observed (default: now).")
    location: LocationIn | None = Field(
        None, description="Where observed (default: the first geopoint answer)."
    )

    def to_submission(self) -> Submission:
        return Submission(
            instance_id=self.instance_id,
            version=self.version,
            answers=self.answers,
            deprecated_id=self.deprecated_id,
            observed_at=self.observed_at,
            location=Location(**self.location.dict()) if self.location else None,
        )


class ObservationOut(Schema):
    id: int
    form_id: str = Field(..., alias="form.form_id")
    version: str = Field(..., alias="form_version.version")
    instance_id: str
    deprecates_instance_id: str | None = Field(None, alias="deprecates.instance_id")
    answers: dict[str, Any]
    latitude: float | None
    longitude: float | None
    accuracy: float | None
    observed_at: datetime | None
    geoprivacy: Observation.Geoprivacy
    status: Observation.Status
    created_at: datetime


class BatchItemOut(Schema):
    index: int = Field(..., description="Position of the item in the request.")
    instance_id: str
    status: str = Field(..., description="created, duplicate, conflict or invalid.")
    observation: ObservationOut | None = None
    code: str = Field("", description="Why, for conflict and invalid: a stable error code.")
    detail: str = ""
    errors: Any = Field(None, description="Problems per question, for invalid answers.")


def _form(request: ApiRequest, slug: str, form_id: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return selectors.form_get_for_viewing(user=request.auth, project=project, form_id=form_id)


@router.post(
    "/projects/{slug}/forms/{form_id}/submissions",
    response={200: ObservationOut, 201: ObservationOut},
    summary="Submit an observation",
)
def submit(request: ApiRequest, slug: str, form_id: str, payload: SubmissionIn) -> Any:
    """201 with the new observation; 200 with the stored one when the same submission was
    already received (safe to retry); 409 `instance_conflict` when different content is stored
    under the instance ID, 409 `instance_erased` when it was erased; 400 `invalid_answers` with
    `errors` per question."""
    form = _form(request, slug, form_id)
    version = selectors.form_version_get_for_submitting(
        user=request.auth, form=form, version=payload.version
    )
    item = payload.to_submission()
    observation, created = observation_submit(
        actor=request.auth,
        form_version=version,
        instance_id=item.instance_id,
        answers=item.answers,
        deprecated_id=item.deprecated_id,
        observed_at=item.observed_at,
        location=item.location,
    )
    return Status(201 if created else 200, observation)


@router.post(
    "/projects/{slug}/forms/{form_id}/submissions/batch",
    response=list[BatchItemOut],
    summary="Submit up to 100 observations",
)
def submit_batch(request: ApiRequest, slug: str, form_id: str, payload: list[SubmissionIn]) -> Any:
    """Each item is stored on its own; the answer (always 200) lists every item's result:
    `created`, `duplicate`, `conflict` (code `instance_conflict` or `instance_erased`) or
    `invalid` (code `invalid_answers`, `unknown_version`, ...)."""
    return observation_submit_batch(
        actor=request.auth,
        form=_form(request, slug, form_id),
        submissions=[item.to_submission() for item in payload],
    )


@router.get(
    "/projects/{slug}/observations",
    response=list[ObservationOut],
    summary="A project's observations, newest first (its team and Lab staff)",
)
@paginate(CursorPagination)
def list_observations(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return selectors.observation_list_for_project(user=request.auth, project=project)
