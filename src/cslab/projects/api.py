"""API routes of the projects area: projects, their lifecycle and timeline, organisations."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cslab.api.auth import ANYONE, SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.projects import selectors
from cslab.projects.services.lifecycle import project_checklist, project_transition
from cslab.projects.services.projects import (
    organisation_create,
    project_create,
    project_update,
)
from cslab.projects.vocabulary import TagKind

router = Router(tags=["projects"])


class ProjectOut(Schema):
    slug: str
    name: str
    status: str
    visibility: str
    initiator_type: str
    membership_policy: str
    aim: str
    description: str
    how_to_take_part: str
    faculty: str
    department: str
    start_date: date | None
    end_date: date | None
    time_commitment: str
    difficulty: str
    equipment: str
    funding: str
    website: str
    data_licence: str
    locality: str
    organisation: str | None = Field(None, description="The organisation's slug.")
    geographic_extent: dict[str, Any] | None
    tags: dict[str, list[str]]
    approved_at: datetime | None
    created_at: datetime
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_organisation(project: Any) -> str | None:
        return project.organisation.slug if project.organisation_id else None

    @staticmethod
    def resolve_tags(project: Any) -> dict[str, list[str]]:
        return {kind: project.tags_of(TagKind(kind)) for kind in TagKind.values}

    @staticmethod
    def resolve_url(project: Any) -> str:
        return str(project.get_absolute_url())


class ProjectCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    initiator_type: str = "researcher_led"
    status: str = Field("idea", description="idea or incubating")
    aim: str = ""
    description: str = ""
    organisation: str | None = Field(None, description="Slug of an organisation you belong to.")


class ProjectUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    aim: str | None = None
    description: str | None = None
    how_to_take_part: str | None = None
    faculty: str | None = None
    department: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    time_commitment: str | None = None
    difficulty: str | None = None
    equipment: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    funding: str | None = None
    website: str | None = None
    data_licence: str | None = None
    locality: str | None = None
    visibility: str | None = None
    membership_policy: str | None = None
    initiator_type: str | None = None
    research_questions: str | None = None
    protocol: str | None = None
    data_management_plan: str | None = None
    ethics_approval_reference: str | None = None
    ethics_not_needed_reason: str | None = None
    consent_text: str | None = None
    recruitment_plan: str | None = None
    geographic_extent: dict[str, Any] | None = Field(
        None, description="A GeoJSON geometry, Feature or FeatureCollection ([lon, lat])."
    )
    tags: dict[str, list[str]] | None = Field(
        None, description=f"Values per kind; kinds: {', '.join(TagKind.values)}."
    )


class TransitionIn(Schema):
    to_status: str
    comment: str = ""


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    comment: str
    created_at: datetime


class ChecklistItemOut(Schema):
    field: str
    label: str
    done: bool

    @staticmethod
    def resolve_label(item: Any) -> str:
        return str(item.label)


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    description: str
    website: str


class OrganisationCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: str
    description: str = ""
    website: str = ""


@router.get("/projects", response=list[ProjectOut], auth=ANYONE, summary="Projects I may see")
@paginate(CursorPagination)
def list_projects(request: ApiRequest, status: str = "") -> Any:
    projects = (
        selectors.project_list_visible(user=request.auth)
        .select_related("organisation")
        .prefetch_related("tags")
        .order_by("-updated_at", "-pk")
    )
    return projects.filter(status=status) if status else projects


@router.post("/projects", response={201: ProjectOut}, auth=SIGNED_IN, summary="Start a project")
def create_project(request: ApiRequest, payload: ProjectCreateIn) -> Any:
    organisation = (
        selectors.organisation_get_for_viewing(slug=payload.organisation)
        if payload.organisation
        else None
    )
    project = project_create(
        actor=request.auth,
        name=payload.name,
        status=payload.status,
        initiator_type=payload.initiator_type,
        aim=payload.aim,
        description=payload.description,
        organisation=organisation,
    )
    return Status(201, project)


@router.get("/projects/{slug}", response=ProjectOut, auth=ANYONE, summary="One project")
def get_project(request: ApiRequest, slug: str) -> Any:
    return selectors.project_get_for_viewing(user=request.auth, slug=slug)


@router.patch("/projects/{slug}", response=ProjectOut, auth=SIGNED_IN, summary="Edit a project")
def update_project(request: ApiRequest, slug: str, payload: ProjectUpdateIn) -> Any:
    project = selectors.project_get_for_editing(user=request.auth, slug=slug)
    changes = payload.dict(exclude_unset=True)
    extra: dict[str, Any] = {}
    if "geographic_extent" in changes:
        extra["geographic_extent"] = changes.pop("geographic_extent")
    tags = changes.pop("tags", None)
    return project_update(actor=request.auth, project=project, tags=tags, **extra, **changes)


@router.post(
    "/projects/{slug}/transitions",
    response=ProjectOut,
    auth=SIGNED_IN,
    summary="Move a project along its lifecycle (submit, approve, request changes, ...)",
)
def transition_project(request: ApiRequest, slug: str, payload: TransitionIn) -> Any:
    project = selectors.project_get_for_viewing(user=request.auth, slug=slug)
    return project_transition(
        actor=request.auth, project=project, to_status=payload.to_status, comment=payload.comment
    )


@router.get(
    "/projects/{slug}/timeline",
    response=list[StatusChangeOut],
    auth=ANYONE,
    summary="A project's public timeline",
)
def project_timeline(request: ApiRequest, slug: str) -> Any:
    project = selectors.project_get_for_viewing(user=request.auth, slug=slug)
    return selectors.project_timeline(user=request.auth, project=project)


@router.get(
    "/projects/{slug}/checklist",
    response=list[ChecklistItemOut],
    auth=SIGNED_IN,
    summary="The incubation checklist (team and staff)",
)
def get_checklist(request: ApiRequest, slug: str) -> Any:
    project = selectors.project_get_for_private_fields(user=request.auth, slug=slug)
    return project_checklist(project)


@router.get("/organisations", response=list[OrganisationOut], auth=ANYONE, summary="Organisations")
@paginate(CursorPagination)
def list_organisations(request: ApiRequest) -> Any:
    return selectors.organisation_list()


@router.post(
    "/organisations", response={201: OrganisationOut}, auth=SIGNED_IN, summary="Add an organisation"
)
def create_organisation(request: ApiRequest, payload: OrganisationCreateIn) -> Any:
    return Status(201, organisation_create(actor=request.auth, **payload.dict()))


@router.get(
    "/organisations/{slug}", response=OrganisationOut, auth=ANYONE, summary="One organisation"
)
def get_organisation(request: ApiRequest, slug: str) -> Any:
    return selectors.organisation_get_for_viewing(slug=slug)
