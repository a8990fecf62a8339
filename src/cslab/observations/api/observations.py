"""API routes of the collection area: submissions and a project's observations (thin handlers).

Register with `api.add_router("/", collection_router)` after
`from cslab.observations.api.observations import router as collection_router`.
"""

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from typing_extensions import TypeAliasType

from cslab.accounts.person_keys import require_queued_by
from cslab.api.auth import ANYONE, SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.api.schemas import choices_json_schema
from cslab.forms.answers import Location
from cslab.observations import selectors
from cslab.observations.filters import observation_filters_from_query
from cslab.observations.models import Observation
from cslab.observations.services.collection_settings import (
    collection_settings_get,
    collection_settings_update,
    sensitive_category_list,
    sensitive_category_remove,
    sensitive_category_set,
)
from cslab.observations.services.moderation import observation_flag, observation_moderate
from cslab.observations.services.observations import (
    Submission,
    observation_geoprivacy_change,
    observation_submit,
    observation_submit_batch,
)
from cslab.projects.licences import project_licence_and_citation
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing

router = Router(tags=["observations"], auth=SIGNED_IN)

ObservationStatus = TypeAliasType(
    "ObservationStatus",
    Annotated[Observation.Status, choices_json_schema(Observation.Status)],
)


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
    geoprivacy: Observation.Geoprivacy | None = Field(
        None,
        description=(
            "open, obscured (a random point in a ~20 km cell is public) or private (no public "
            "location); default: the project's. A sensitive answer forces obscured."
        ),
    )

    queued_by: str | None = Field(
        None,
        max_length=100,
        description=(
            "The web form's key of the person who saved this on the device; a key that is not "
            "the signed-in person's is refused with 403 `queued_by_someone_else`."
        ),
    )

    def to_submission(self) -> Submission:
        return Submission(
            instance_id=self.instance_id,
            version=self.version,
            answers=self.answers,
            deprecated_id=self.deprecated_id,
            observed_at=self.observed_at,
            location=Location(**self.location.dict()) if self.location else None,
            geoprivacy=self.geoprivacy,
        )


class ObserverOut(Schema):
    id: int
    name: str


class WarningOut(Schema):
    code: str = Field(..., description="outside_area, in_future, before_project, numeric_outlier")
    message: str
    question: str | None = None


class ObservationOut(Schema):
    """An observation as the viewer may see it (geoprivacy applied)."""

    id: int
    project_id: int
    form_id: str
    version: str
    instance_id: str
    deprecates_id: int | None = Field(None, description="The version this one edits.")
    deprecates_instance_id: str | None = None
    observer: ObserverOut | None = Field(
        None, description="Shown to the team, the observer, and when the profile is public."
    )
    answers: dict[str, Any] = Field(
        ..., description="Without location answers when the location is hidden from the viewer."
    )
    latitude: float | None = Field(
        None, description="The true latitude, or the public stand-in (see `true_location`)."
    )
    longitude: float | None
    accuracy: float | None = Field(None, description="Metres (the cell's size when obscured).")
    location_obscured: bool = Field(
        ..., description="True when the location shown is a random point in `location_cell`."
    )
    location_cell: list[float] | None = Field(
        None, description="(west, south, east, north) of the obscuring grid cell."
    )
    true_location: bool = Field(..., description="Whether the location shown is the true one.")
    observed_at: datetime | date | None = Field(
        None, description="A date instead of a time when the time is coarsened."
    )
    created_at: datetime | date
    geoprivacy: Observation.Geoprivacy
    geoprivacy_forced: bool = Field(..., description="Obscured because of a sensitive answer.")
    status: ObservationStatus
    status_reason: str = ""
    warnings: list[WarningOut] = Field(default_factory=list)


class BatchItemOut(Schema):
    index: int = Field(..., description="Position of the item in the request.")
    instance_id: str
    status: str = Field(..., description="created, duplicate, conflict, invalid or refused.")
    observation: ObservationOut | None = None
    code: str = Field(
        "", description="Why, for conflict, invalid and refused: a stable error code."
    )
    detail: str = ""
    errors: Any = Field(None, description="Problems per question, for invalid answers.")


def _form(request: ApiRequest, slug: str, form_id: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return selectors.form_get_for_viewing(user=request.auth, project=project, form_id=form_id)


def _view(request: ApiRequest, observation: Observation) -> dict[str, Any]:
    return selectors.observation_public_view(request.auth, observation)


@router.post(
    "/projects/{slug}/forms/{form_id}/submissions",
    response={200: ObservationOut, 201: ObservationOut},
    summary="Submit an observation",
)
def submit(request: ApiRequest, slug: str, form_id: str, payload: SubmissionIn) -> Any:
    """201 with the new observation; 200 with the stored one when the same submission was
    already received (safe to retry); 409 `instance_conflict` when different content is stored
    under the instance ID, 409 `instance_erased` when it was erased; 400 `invalid_answers` with
    `errors` per question; 403 `edit_not_permitted` for a `deprecated_id` naming an observation
    the caller did not send and does not lead the project of; 403 `queued_by_someone_else` for
    another person's saved work."""
    require_queued_by(user=request.auth, queued_by=payload.queued_by)
    version = selectors.form_version_for_submitting(
        user=request.auth, slug=slug, form_id=form_id, version=payload.version
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
        geoprivacy=item.geoprivacy,
    )
    return Status(201 if created else 200, _view(request, observation))


@router.post(
    "/projects/{slug}/forms/{form_id}/submissions/batch",
    response=list[BatchItemOut],
    summary="Submit up to 100 observations",
)
def submit_batch(request: ApiRequest, slug: str, form_id: str, payload: list[SubmissionIn]) -> Any:
    """Each item is stored on its own; the answer (always 200) lists every item's result:
    `created`, `duplicate`, `conflict` (code `instance_conflict` or `instance_erased`),
    `invalid` (code `invalid_answers`, `unknown_version`, ...) or `refused` (code
    `edit_not_permitted`: an edit of an observation the caller may not edit). 403
    `queued_by_someone_else` (nothing stored) when an item carries another person's web-form key."""
    for item in payload:
        require_queued_by(user=request.auth, queued_by=item.queued_by)
    results = observation_submit_batch(
        actor=request.auth,
        form=_form(request, slug, form_id),
        submissions=[item.to_submission() for item in payload],
    )
    views = selectors.observation_public_views(
        request.auth, [result.observation for result in results if result.observation]
    )
    by_id = {view["id"]: view for view in views}
    return [
        {
            "index": result.index,
            "instance_id": result.instance_id,
            "status": result.status,
            "observation": by_id.get(result.observation.pk) if result.observation else None,
            "code": result.code,
            "detail": result.detail,
            "errors": result.errors,
        }
        for result in results
    ]


# --------------------------------------------------------------------------- reading


class FilterQuery(Schema):
    """The filters (documented here; read by cslab.observations.filters, which also takes
    `field.<question>=value` parameters: the answer equals the value, or for a select_multiple
    question is one of the chosen answers)."""

    bbox: str | None = Field(
        None, description="`west,south,east,north` in degrees.", examples=["4.7,52.0,5.2,52.4"]
    )
    from_: str | None = Field(
        None, alias="from", description="A date (whole day) or a date-time with a timezone."
    )
    to: str | None = Field(None, description="A date (whole day, inclusive) or a date-time.")
    status: list[str] | None = Field(
        None, description="pending, accepted, flagged, rejected (repeat or comma-separate)."
    )
    form: str | None = Field(None, description="A form ID.")
    observer: str | None = Field(None, description="A user id.")
    mine: str | None = Field(None, description="`1`: only my own observations.")


class PublicObservationPagination(CursorPagination):
    """Cursor pages whose items are shown through `observation_public_view`."""

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = selectors.observation_public_views(
            getattr(request, "auth", None) or request.user, page["items"]
        )
        return page


def _visible(request: ApiRequest, slug: str) -> tuple[Project, QuerySet[Observation]]:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    filters = observation_filters_from_query(request.GET)
    return project, selectors.observation_list_visible(
        user=request.auth, project=project, filters=filters
    )


@router.get(
    "/projects/{slug}/observations",
    response=list[ObservationOut],
    auth=ANYONE,
    summary="A project's observations, newest first, filtered (geoprivacy applied)",
)
@paginate(PublicObservationPagination)
def list_observations(request: ApiRequest, slug: str, filters: Query[FilterQuery]) -> Any:
    """The current version of each observation the viewer may see: the team and Lab staff see
    every status, everyone else pending, accepted and flagged ones (and their own). Obscured
    and private locations are replaced by their public stand-in, or hidden, for viewers who may
    not see them. 400 `invalid_filter` with `errors` per parameter for a bad filter."""
    return _visible(request, slug)[1]


class PointOut(Schema):
    type: Literal["Point"]
    coordinates: list[float] = Field(..., description="[longitude, latitude] (RFC 7946).")


class ObservationFeatureOut(Schema):
    type: Literal["Feature"]
    id: int
    geometry: PointOut | None = Field(..., description="null when the location is private.")
    bbox: list[float] | None = Field(None, description="The obscuring cell, when obscured.")
    properties: dict[str, Any] = Field(
        ..., description="The observation's other fields, as in the JSON list."
    )


class ObservationCollectionOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[ObservationFeatureOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")


GEOJSON_DEFAULT_LIMIT = 500
GEOJSON_MAX_LIMIT = 2000


class GeoJsonPageQuery(Schema):
    cursor: str | None = Field(None, description="The `next_cursor` of the previous page.")
    limit: int = Field(GEOJSON_DEFAULT_LIMIT, ge=1, le=GEOJSON_MAX_LIMIT)


def observation_feature(view: dict[str, Any]) -> dict[str, Any]:
    """One observation view as a GeoJSON Feature: [longitude, latitude], null when hidden."""
    properties = {
        key: value
        for key, value in view.items()
        if key not in ("latitude", "longitude", "location_cell")
    }
    feature: dict[str, Any] = {
        "type": "Feature",
        "id": view["id"],
        "geometry": None,
        "properties": properties,
    }
    if view["latitude"] is not None and view["longitude"] is not None:
        feature["geometry"] = {
            "type": "Point",
            "coordinates": [view["longitude"], view["latitude"]],
        }
    if view["location_cell"] is not None:
        feature["bbox"] = list(view["location_cell"])
    return feature


@router.get(
    "/projects/{slug}/observations.geojson",
    response=ObservationCollectionOut,
    auth=ANYONE,
    summary="A project's observations as a GeoJSON FeatureCollection (geoprivacy applied)",
    openapi_extra={
        "responses": {200: {"content": {"application/geo+json": {"schema": {"type": "object"}}}}}
    },
)
def observations_geojson(
    request: ApiRequest,
    slug: str,
    filters: Query[FilterQuery],
    page: Query[GeoJsonPageQuery],
) -> Any:
    """The same observations and filters as the JSON list, as RFC 7946 GeoJSON
    (`application/geo+json`): one Point Feature per observation at the location the viewer may
    see ([longitude, latitude]), `geometry` null for a private one, and `bbox` the obscuring
    cell for an obscured one. Pages with `cursor`/`limit` like the list; `next_cursor` is a
    foreign member of the FeatureCollection."""
    project, queryset = _visible(request, slug)
    found = PublicObservationPagination().paginate_queryset(
        queryset,
        CursorPagination.Input.model_construct(cursor=page.cursor, limit=page.limit),
        request,
    )
    # The licence and citation travel with the data (foreign members, RFC 7946 §6.1).
    with translation.override("en"):
        licence = project_licence_and_citation(project).as_dict()
    document = {
        "type": "FeatureCollection",
        "features": [observation_feature(view) for view in found["items"]],
        "next_cursor": found["next_cursor"],
        **licence,
    }
    return HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder),
        content_type="application/geo+json",
    )


def _observation(request: ApiRequest, slug: str, observation_id: int) -> Observation:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return selectors.observation_get_for_viewing(
        user=request.auth, project=project, observation_id=observation_id
    )


@router.get(
    "/projects/{slug}/observations/{observation_id}",
    response=ObservationOut,
    auth=ANYONE,
    summary="One observation (geoprivacy applied)",
)
def get_observation(request: ApiRequest, slug: str, observation_id: int) -> Any:
    return _view(request, _observation(request, slug, observation_id))


@router.get(
    "/projects/{slug}/observations/{observation_id}/history",
    response=list[ObservationOut],
    auth=ANYONE,
    summary="Every version of an observation, oldest first",
)
def observation_versions(request: ApiRequest, slug: str, observation_id: int) -> Any:
    observation = _observation(request, slug, observation_id)
    return selectors.observation_public_views(
        request.auth, selectors.observation_history(user=request.auth, observation=observation)
    )


class GeoprivacyIn(Schema):
    geoprivacy: Observation.Geoprivacy


@router.put(
    "/projects/{slug}/observations/{observation_id}/geoprivacy",
    response=ObservationOut,
    summary="Change an observation's geoprivacy (its observer, or a moderator)",
)
def change_geoprivacy(
    request: ApiRequest, slug: str, observation_id: int, payload: GeoprivacyIn
) -> Any:
    observation = observation_geoprivacy_change(
        actor=request.auth,
        observation=_observation(request, slug, observation_id),
        geoprivacy=payload.geoprivacy,
    )
    return _view(request, observation)


# --------------------------------------------------------------------------- moderation


class ObservationFlagIn(Schema):
    reason: str = Field(..., max_length=2000, description="What looks wrong.")


class FlagOut(Schema):
    id: int
    observation_id: int
    reason: str
    created_at: datetime


@router.post(
    "/projects/{slug}/observations/{observation_id}/flag",
    response={201: FlagOut},
    summary="Flag an observation as looking wrong",
)
def flag_observation(
    request: ApiRequest, slug: str, observation_id: int, payload: ObservationFlagIn
) -> Any:
    """Anyone signed in who can see the observation; it becomes flagged (a rejected one stays
    rejected). 409 `already_flagged` for a second open flag of the same person."""
    flag = observation_flag(
        actor=request.auth,
        observation=_observation(request, slug, observation_id),
        reason=payload.reason,
    )
    return Status(201, flag)


class ObservationModerateIn(Schema):
    status: ObservationStatus
    reason: str = Field("", max_length=2000, description="Required for rejected and flagged.")


@router.post(
    "/projects/{slug}/observations/{observation_id}/moderate",
    response=ObservationOut,
    summary="Accept, flag, reject or reset an observation",
)
def moderate_observation(
    request: ApiRequest, slug: str, observation_id: int, payload: ObservationModerateIn
) -> Any:
    """The project's moderators, researchers and owners, and Lab staff. 400
    `reason_required` without a reason for rejected or flagged. The observer is notified."""
    observation = observation_moderate(
        actor=request.auth,
        observation=_observation(request, slug, observation_id),
        status=payload.status,
        reason=payload.reason,
    )
    return _view(request, observation)


@router.get(
    "/projects/{slug}/moderation-queue",
    response=list[ObservationOut],
    summary="Pending and flagged observations: flagged first, then most warnings, then oldest",
)
@paginate(PublicObservationPagination)
def moderation_queue(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return selectors.observation_list_for_moderation(user=request.auth, project=project)


@router.get(
    "/me/observations",
    response=list[ObservationOut],
    summary="My observations in every project, newest first",
)
@paginate(PublicObservationPagination)
def my_observations(request: ApiRequest) -> Any:
    return selectors.observation_list_mine(user=request.auth)


# --------------------------------------------------------------------------- settings


class CollectionSettingsOut(Schema):
    default_geoprivacy: Observation.Geoprivacy
    accept_without_review: bool


class CollectionSettingsIn(Schema):
    default_geoprivacy: Observation.Geoprivacy | None = None
    accept_without_review: bool | None = None


@router.get(
    "/projects/{slug}/collection-settings",
    response=CollectionSettingsOut,
    auth=ANYONE,
    summary="A project's default geoprivacy and review policy",
)
def get_collection_settings(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return collection_settings_get(user=request.auth, project=project)


@router.put(
    "/projects/{slug}/collection-settings",
    response=CollectionSettingsOut,
    summary="Change a project's default geoprivacy and review policy (its leads, Lab staff)",
)
def put_collection_settings(request: ApiRequest, slug: str, payload: CollectionSettingsIn) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    changes = {name: value for name, value in payload.dict().items() if value is not None}
    return collection_settings_update(actor=request.auth, project=project, **changes)


class SensitiveCategoryOut(Schema):
    question: str
    values: list[str] = Field(..., description="Sensitive answers; empty: any answer.")
    label: str


class SensitiveCategoryIn(Schema):
    values: list[str] = Field(
        default_factory=list, max_length=1000, description="Sensitive answers; empty: any answer."
    )
    label: str = Field("", max_length=200)


@router.get(
    "/projects/{slug}/sensitive-categories",
    response=list[SensitiveCategoryOut],
    summary="Answers that force obscuring (the project's team, Lab staff)",
)
def list_sensitive_categories(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return sensitive_category_list(user=request.auth, project=project)


@router.put(
    "/projects/{slug}/sensitive-categories/{question}",
    response=SensitiveCategoryOut,
    summary="Mark a question's answers as sensitive (its leads, Lab staff)",
)
def put_sensitive_category(
    request: ApiRequest, slug: str, question: str, payload: SensitiveCategoryIn
) -> Any:
    """Stored observations that now match are obscured in the same transaction."""
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return sensitive_category_set(
        actor=request.auth,
        project=project,
        question=question,
        values=payload.values,
        label=payload.label,
    )


@router.delete(
    "/projects/{slug}/sensitive-categories/{question}",
    response={204: None},
    summary="Stop treating a question's answers as sensitive (its leads, Lab staff)",
)
def delete_sensitive_category(request: ApiRequest, slug: str, question: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    sensitive_category_remove(actor=request.auth, project=project, question=question)
    return Status(204, None)
