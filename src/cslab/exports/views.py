"""A project's data page: prepare an export (a background job), list the ready files, download
one until its link expires."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from cslab.classification.models import Workflow
from cslab.classification.selectors import workflow_list_for_project
from cslab.core import permissions
from cslab.core.errors import DomainError, InvalidInputError, NotFoundError
from cslab.exports import darwin_core
from cslab.exports.darwin_core_mapping import (
    SCIENTIFIC_NAME,
    darwin_core_forms_without_scientific_name,
    darwin_core_mapping_for_editing,
    darwin_core_mapping_save,
)
from cslab.exports.dataset import dataset_datacite, dataset_get_for_project, dataset_jsonld
from cslab.exports.forms import DarwinCoreMappingForm, DataExportForm, WorkflowExportForm
from cslab.exports.models import DataExport
from cslab.exports.responses import data_export_file_response
from cslab.exports.selectors import (
    data_export_get_for_download,
    data_export_is_downloadable,
    data_export_list_for_project,
)
from cslab.exports.services import VALID_FOR, data_export_start, workflow_export_start
from cslab.exports.snapshots import SNAPSHOT_SCHEDULE
from cslab.exports.workflow_tables import WORKFLOW_FORMATS, workflow_is_public
from cslab.exports.writers import FORMATS
from cslab.observations.selectors import form_list_for_project
from cslab.projects.licences import project_licence_and_citation
from cslab.projects.selectors import project_get_for_viewing

WORKFLOW_SCOPES = {
    "public": gettext_lazy("Public (no personal data: classifiers as pseudonymous codes)"),
    "team": gettext_lazy("Team (volunteers' account numbers)"),
}


def _workflow_exports(
    request: HttpRequest, workflows: list[Workflow], scopes: list[str]
) -> list[dict[str, Any]]:
    """Each workflow the viewer may see, with the files it may have: public ones for a
    published workflow, team ones for those who review it."""
    rows = []
    for workflow in workflows:
        public = workflow_is_public(workflow)
        offered = [
            scope
            for scope in scopes
            if (scope == "public" and public)
            or (
                scope == "team"
                and permissions.has_permission(request.user, "workflow.review", workflow)
            )
        ]
        rows.append({"workflow": workflow, "public": public, "scopes": offered})
    return rows


def _start_workflow_export(
    request: HttpRequest, form: WorkflowExportForm, project: Any
) -> HttpResponse | None:
    """The started export's job page, or None with the refusal added to the form."""
    if not form.is_valid():
        return None
    try:
        export = workflow_export_start(
            actor=request.user,
            project=project,
            workflow_id=form.cleaned_data["workflow_id"],
            dataset=form.cleaned_data["dataset"],
            format=form.cleaned_data["format"],
            scope=form.cleaned_data["scope"],
        )
    except DomainError as error:
        if isinstance(error, NotFoundError):
            raise
        form.add_error(None, str(error))
        return None
    return HttpResponseRedirect(reverse("job_detail", kwargs={"job_id": export.job_id}))


@never_cache
def project_data_exports(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_get_for_viewing(user=request.user, slug=slug)
    forms = list(form_list_for_project(user=request.user, project=project))
    scopes = [
        scope
        for scope in DataExport.Scope.values
        if permissions.has_permission(request.user, f"exports.{scope}.start", project)
    ]
    choices: dict[str, Any] = {
        "form_choices": [(form.form_id, f"{form.title} ({form.form_id})") for form in forms],
        "formats": FORMATS,
        "scopes": scopes,
    }
    workflows = _workflow_exports(
        request, workflow_list_for_project(user=request.user, project=project), scopes
    )
    startable = [row for row in workflows if row["scopes"]]
    workflow_choices: dict[str, Any] = {
        "workflow_choices": [(row["workflow"].pk, row["workflow"].name) for row in startable],
        "formats": WORKFLOW_FORMATS,
        "scopes": [
            (scope, WORKFLOW_SCOPES[scope])
            for scope in scopes
            if any(scope in row["scopes"] for row in startable)
        ],
    }
    workflow_form = WorkflowExportForm(**workflow_choices)
    status = HTTPStatus.OK
    if request.method == "POST" and "workflow-workflow_id" in request.POST:
        if not startable:
            raise NotFoundError()
        workflow_form = WorkflowExportForm(request.POST, **workflow_choices)
        started = _start_workflow_export(request, workflow_form, project)
        if started is not None:
            return started
        status = HTTPStatus.BAD_REQUEST
        form = DataExportForm(**choices)
    elif request.method == "POST":
        if not scopes:
            raise NotFoundError()
        form = DataExportForm(request.POST, **choices)
        if form.is_valid():
            try:
                export = data_export_start(
                    actor=request.user,
                    project=project,
                    form_id=form.cleaned_data["form_id"],
                    format=form.cleaned_data["format"],
                    scope=form.cleaned_data["scope"],
                )
            except DomainError as error:
                if isinstance(error, NotFoundError):
                    raise
                form.add_error(None, str(error))
            else:
                return redirect("job_detail", job_id=export.job_id)
        status = HTTPStatus.BAD_REQUEST
    else:
        form = DataExportForm(**choices)
    exports = data_export_list_for_project(user=request.user, project=project)
    now = timezone.now()
    for export in exports:
        export.is_downloadable = data_export_is_downloadable(  # type: ignore[attr-defined]
            export, now=now
        )
    context = {
        "project": project,
        "form": form,
        "has_forms": bool(forms),
        "can_start": bool(scopes),
        "mappable_forms": forms
        if permissions.has_permission(request.user, "exports.darwin_core.edit", project)
        else [],
        "exports": exports,
        "can_import": permissions.has_permission(request.user, "exports.import", project),
        "workflows": workflows,
        "workflow_form": workflow_form if startable else None,
        "workflow_formats": WORKFLOW_FORMATS,
        "forms_without_scientific_name": darwin_core_forms_without_scientific_name(
            user=request.user, project=project, forms=forms
        )
        if scopes
        else [],
        "snapshot_schedule": SNAPSHOT_SCHEDULE,
        "valid_days": VALID_FOR.days,
        "licence": project_licence_and_citation(project),
    }
    return render(request, "exports/project_data_exports.html", context, status=status)


def project_data_export_download(
    request: HttpRequest, slug: str, export_id: int
) -> HttpResponseBase:
    """Stream a ready export's file; 404 once it expired or to those it is not for."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    export = data_export_get_for_download(user=request.user, project=project, export_id=export_id)
    return data_export_file_response(project=project, export=export)


def project_darwin_core_mapping(request: HttpRequest, slug: str, form_id: str) -> HttpResponse:
    """The team chooses which question answers each Darwin Core term of the form's archive."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    form, effective, questions = darwin_core_mapping_for_editing(
        user=request.user, project=project, form_id=form_id
    )
    choices: dict[str, Any] = {
        "terms": darwin_core.MAPPABLE_TERMS,
        "questions": [
            (column.name, f"{column.description} ({column.name})") for column in questions
        ],
    }
    status = HTTPStatus.OK
    if request.method == "POST":
        mapping_form = DarwinCoreMappingForm(request.POST, **choices)
        if mapping_form.is_valid():
            try:
                darwin_core_mapping_save(
                    actor=request.user,
                    project=project,
                    form_id=form.form_id,
                    questions=mapping_form.cleaned_data,
                )
            except InvalidInputError as error:
                for term, texts in (error.details or {}).items():
                    mapping_form.add_error(term if term in mapping_form.fields else None, texts)
            else:
                messages.success(request, _("The Darwin Core mapping is saved."))
                return redirect("project_data_exports", slug=project.slug)
        status = HTTPStatus.BAD_REQUEST
    else:
        mapping_form = DarwinCoreMappingForm(initial=effective, **choices)
    context = {
        "project": project,
        "data_form": form,
        "form": mapping_form,
        "needs_scientific_name": SCIENTIFIC_NAME not in effective,
    }
    return render(request, "exports/darwin_core_mapping.html", context, status=status)


def project_dataset(request: HttpRequest, slug: str) -> HttpResponse:
    """The landing page of a project's public dataset, with its schema.org description."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    dataset = dataset_get_for_project(user=request.user, project=project)
    base_url = request.build_absolute_uri("/")
    context = {
        "project": project,
        "dataset": dataset,
        "licence": dataset.licence,
        "dataset_ld": dataset_jsonld(dataset, base_url=base_url),
    }
    return render(request, "exports/project_dataset.html", context)


def project_dataset_datacite(request: HttpRequest, slug: str) -> JsonResponse:
    """The project's public dataset as a DataCite metadata record (JSON)."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    dataset = dataset_get_for_project(user=request.user, project=project)
    record = dataset_datacite(dataset, base_url=request.build_absolute_uri("/"))
    return JsonResponse(record, json_dumps_params={"ensure_ascii": False})


urlpatterns: list[URLPattern] = [
    path("projects/<slug:slug>/dataset/", project_dataset, name="project_dataset"),
    path(
        "projects/<slug:slug>/dataset/datacite.json",
        project_dataset_datacite,
        name="project_dataset_datacite",
    ),
    path("projects/<slug:slug>/data/", project_data_exports, name="project_data_exports"),
    path(
        "projects/<slug:slug>/data/darwin-core/<str:form_id>/",
        project_darwin_core_mapping,
        name="project_darwin_core_mapping",
    ),
    path(
        "projects/<slug:slug>/data/<int:export_id>/download/",
        project_data_export_download,
        name="project_data_export_download",
    ),
]
