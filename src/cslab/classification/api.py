"""API routes of the classification area (thin handlers).

Classifying works for anonymous visitors when the workflow allows it: their identity is a
random token in their session, so those writes also check the CSRF token like a browser form.
"""

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate
from ninja.utils import check_csrf

from cslab.api.auth import ANYONE, SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.classification import selectors
from cslab.classification.identity import identity_for_request
from cslab.classification.models import Subject, Workflow
from cslab.classification.schemas import (
    ClassificationIn,
    ClassificationOut,
    ClassificationRowOut,
    DecisionIn,
    DecisionOut,
    FromObservationsIn,
    ResultOut,
    StatsOut,
    SubjectCommentIn,
    SubjectCommentOut,
    SubjectOut,
    SubjectSetOut,
    SubjectStateOut,
    WorkflowIn,
    WorkflowOut,
    WorkflowPatch,
)
from cslab.classification.services.classifications import (
    classification_submit,
    classification_undo,
    subject_decide,
)
from cslab.classification.services.subject_sets import (
    subject_set_from_observations,
    subject_set_upload,
)
from cslab.classification.services.talk import subject_comment_post
from cslab.classification.services.workflows import workflow_create, workflow_update
from cslab.consensus.selectors import disputed_subjects, workflow_results
from cslab.core.errors import PermissionDeniedError
from cslab.core.problems import ProblemCode
from cslab.observations.filters import ObservationFilters
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing

router = Router(tags=["classification"], auth=ANYONE)

WORKFLOW = "/projects/{slug}/workflows/{workflow}"


def _workflow(request: ApiRequest, slug: str, workflow: str) -> Workflow:
    return selectors.workflow_get_by_slugs(
        user=request.auth, project_slug=slug, workflow_slug=workflow
    )


def _workflows_to_offer_in(
    request: ApiRequest, project: Project, workflow: str | None
) -> list[Workflow]:
    """The workflow a new subject set is offered in: none when no slug was given."""
    if not workflow:
        return []
    return [selectors.workflow_get_for_viewing(user=request.auth, project=project, slug=workflow)]


def _subject(request: ApiRequest, slug: str, subject_id: int) -> Subject:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return selectors.subject_get_for_viewing(
        user=request.auth, project=project, subject_id=subject_id
    )


def _require_csrf_for_sessions(request: HttpRequest) -> None:
    """Anonymous writes ride on the session cookie: refuse them from other sites."""
    if check_csrf(request) is not None:
        raise PermissionDeniedError("CSRF check failed.", code=ProblemCode.CSRF_FAILED)


@router.get(
    "/projects/{slug}/workflows", response=list[WorkflowOut], summary="A project's workflows"
)
def list_workflows(request: ApiRequest, slug: str) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    return selectors.workflow_list_for_project(user=request.auth, project=project)


@router.post(
    "/projects/{slug}/workflows",
    response={201: WorkflowOut},
    auth=SIGNED_IN,
    summary="Create a workflow (owners, researchers, staff)",
)
def create_workflow(request: ApiRequest, slug: str, payload: WorkflowIn) -> Any:
    project = project_get_for_viewing(user=request.auth, slug=slug)
    data = payload.dict(exclude_none=True)
    subject_set_ids = data.pop("subject_set_ids", [])
    workflow = workflow_create(
        actor=request.auth,
        project=project,
        subject_sets=list(project.subject_sets.filter(pk__in=subject_set_ids)),
        **data,
    )
    return Status(201, workflow)


@router.get(WORKFLOW, response=WorkflowOut, summary="A workflow: tasks, tutorial, settings")
def get_workflow(request: ApiRequest, slug: str, workflow: str) -> Any:
    return _workflow(request, slug, workflow)


@router.patch(WORKFLOW, response=WorkflowOut, auth=SIGNED_IN, summary="Change a workflow")
def change_workflow(request: ApiRequest, slug: str, workflow: str, payload: WorkflowPatch) -> Any:
    return workflow_update(
        actor=request.auth,
        workflow=_workflow(request, slug, workflow),
        **payload.dict(exclude_unset=True),
    )


@router.get(
    f"{WORKFLOW}/subjects",
    response=list[SubjectStateOut],
    auth=SIGNED_IN,
    summary="A workflow's subjects with their state (reviewers)",
)
@paginate(CursorPagination)
def list_subjects(request: ApiRequest, slug: str, workflow: str) -> Any:
    return selectors.subject_list_for_workflow(
        user=request.auth, workflow=_workflow(request, slug, workflow)
    )


@router.get(
    f"{WORKFLOW}/next",
    response=list[SubjectOut],
    url_name="classification_next",
    summary="The next subjects to classify (up to `count`, prefetch with `exclude`)",
)
def next_subjects(
    request: ApiRequest, slug: str, workflow: str, count: int = 1, exclude: str = ""
) -> Any:
    """`exclude` is a comma list of subject ids already waiting in the client."""
    found = _workflow(request, slug, workflow)
    waiting = frozenset(int(part) for part in exclude.split(",") if part.strip().isdigit())
    return selectors.next_subjects(
        identity=identity_for_request(request, request.auth),
        workflow=found,
        count=count,
        exclude=waiting,
    )


@router.post(
    f"{WORKFLOW}/classifications",
    response={200: ClassificationOut, 201: ClassificationOut},
    url_name="classification_submit",
    summary="Classify a subject",
)
def classify(request: ApiRequest, slug: str, workflow: str, payload: ClassificationIn) -> Any:
    """201 with the classification (and, for a gold subject, whether it matched and why);
    200 when the same answers were already stored (safe to retry); 409 `already_classified`
    for other answers to a subject already classified."""
    found = _workflow(request, slug, workflow)
    identity = identity_for_request(request, request.auth, create=True)
    if identity.is_anonymous:
        _require_csrf_for_sessions(request)
    subject = selectors.subject_get_in_workflow(
        user=request.auth, workflow=found, subject_id=payload.subject_id
    )
    classification, created = classification_submit(
        identity=identity, workflow=found, subject=subject, answers=payload.answers
    )
    return Status(201 if created else 200, classification)


@router.delete(
    f"{WORKFLOW}/classifications/last",
    response=ClassificationOut,
    url_name="classification_undo",
    summary="Undo your last classification (within two minutes)",
)
def undo(request: ApiRequest, slug: str, workflow: str) -> Any:
    found = _workflow(request, slug, workflow)
    identity = identity_for_request(request, request.auth)
    if identity.is_anonymous:
        _require_csrf_for_sessions(request)
    return classification_undo(identity=identity, workflow=found)


@router.get(
    f"{WORKFLOW}/classifications",
    response=list[ClassificationRowOut],
    auth=SIGNED_IN,
    summary="A workflow's classifications (reviewers)",
)
@paginate(CursorPagination)
def list_classifications(request: ApiRequest, slug: str, workflow: str) -> Any:
    return selectors.classification_list_for_workflow(
        user=request.auth, workflow=_workflow(request, slug, workflow)
    )


@router.get(
    f"{WORKFLOW}/me",
    response=StatsOut,
    url_name="classification_my_stats",
    summary="Your count, agreement and progress",
)
def my_stats(request: ApiRequest, slug: str, workflow: str) -> Any:
    return selectors.volunteer_stats(
        identity=identity_for_request(request, request.auth),
        workflow=_workflow(request, slug, workflow),
    )


@router.get(
    f"{WORKFLOW}/results",
    response=list[ResultOut],
    auth=SIGNED_IN,
    summary="Every subject's label and class probabilities (reviewers)",
)
def results(request: ApiRequest, slug: str, workflow: str) -> Any:
    return workflow_results(user=request.auth, workflow=_workflow(request, slug, workflow))


@router.get(
    f"{WORKFLOW}/disputed",
    response=list[ResultOut],
    auth=SIGNED_IN,
    summary="The expert review queue: subjects volunteers disagree on (reviewers)",
)
def disputed(request: ApiRequest, slug: str, workflow: str) -> Any:
    return disputed_subjects(user=request.auth, workflow=_workflow(request, slug, workflow))


@router.post(
    f"{WORKFLOW}/subjects/{{subject_id}}/decision",
    response={201: DecisionOut},
    auth=SIGNED_IN,
    summary="Settle a subject by an expert decision (researchers, moderators, staff)",
)
def decide(
    request: ApiRequest, slug: str, workflow: str, subject_id: int, payload: DecisionIn
) -> Any:
    found = _workflow(request, slug, workflow)
    subject = selectors.subject_get_in_workflow(
        user=request.auth, workflow=found, subject_id=subject_id
    )
    decision = subject_decide(
        actor=request.auth,
        workflow=found,
        subject=subject,
        answers=payload.answers,
        note=payload.note,
    )
    return Status(201, decision)


@router.get(
    "/projects/{slug}/subjects/{subject_id}/comments",
    response=list[SubjectCommentOut],
    summary="A subject's discussion",
)
@paginate(CursorPagination)
def list_comments(request: ApiRequest, slug: str, subject_id: int) -> Any:
    subject = _subject(request, slug, subject_id)
    return selectors.comment_list_for_subject(user=request.auth, subject=subject)


@router.post(
    "/projects/{slug}/subjects/{subject_id}/comments",
    response={201: SubjectCommentOut},
    auth=SIGNED_IN,
    summary="Comment on a subject (#hashtags are indexed)",
)
def comment(request: ApiRequest, slug: str, subject_id: int, payload: SubjectCommentIn) -> Any:
    subject = _subject(request, slug, subject_id)
    return Status(201, subject_comment_post(actor=request.auth, subject=subject, text=payload.text))


@router.post(
    "/projects/{slug}/subject-sets",
    response={201: SubjectSetOut},
    auth=SIGNED_IN,
    summary="Upload a subject set: a zip of media with manifest.csv (all or nothing)",
)
def upload_subject_set(
    request: ApiRequest,
    slug: str,
    name: Form[str],
    archive: File[UploadedFile],
    workflow: Form[str] = "",
) -> Any:
    """400 `invalid_manifest_rows` with `errors` [{row, message}] when any row is wrong;
    400 `archive_too_large` (`errors.entry` names the file) past the archive's limits and
    `invalid_archive` for a damaged, encrypted or non-zip file. Nothing is kept then."""
    project = project_get_for_viewing(user=request.auth, slug=slug)
    subject_set = subject_set_upload(
        actor=request.auth,
        project=project,
        name=name,
        archive=archive,
        workflows=_workflows_to_offer_in(request, project, workflow),
    )
    return Status(201, subject_set)


@router.post(
    "/projects/{slug}/subject-sets/from-observations",
    response={201: SubjectSetOut},
    auth=SIGNED_IN,
    summary="Make a subject of each photo of the observations matching a filter",
)
def subject_set_from_observations_route(
    request: ApiRequest, slug: str, payload: FromObservationsIn
) -> Any:

    project = project_get_for_viewing(user=request.auth, slug=slug)
    subject_set = subject_set_from_observations(
        actor=request.auth,
        project=project,
        name=payload.name,
        filters=ObservationFilters(form_id=payload.form, status=payload.status),
        workflows=_workflows_to_offer_in(request, project, payload.workflow),
    )
    return Status(201, subject_set)
