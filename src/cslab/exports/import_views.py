"""The pages of imports: upload a file, map its columns, read the dry run's report, import.

Each step that takes time runs as a background job; its page (`/jobs/<id>/`) shows the
progress and links back to the import's report.
"""

from __future__ import annotations

from http import HTTPStatus
from itertools import islice
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cslab.core import permissions
from cslab.core.errors import ConflictError, DomainError, InvalidInputError
from cslab.exports.import_forms import DataImportMappingForm, DataImportUploadForm
from cslab.exports.import_selectors import data_import_get_for_user, data_import_list_for_project
from cslab.exports.imports import (
    MAX_REPORTED_ERRORS,
    data_import_check,
    data_import_repeat_tables,
    data_import_run,
    data_import_set_mapping,
    data_import_table,
    data_import_upload,
    latest_version,
)
from cslab.exports.models import DataImport
from cslab.observations.selectors import form_get_for_viewing, form_list_for_project
from cslab.projects.selectors import project_get_for_viewing

PREVIEW_ROWS = 5


def _add_errors(form: Any, error: DomainError) -> None:
    """Put a service's refusal on the form: by field where it names one, else on the top."""
    details = error.details if isinstance(error, InvalidInputError) else None
    placed = False
    if isinstance(details, dict):
        for name, texts in details.items():
            if name in form.fields:
                form.add_error(name, texts)
                placed = True
    if not placed:
        form.add_error(None, error.message)


@never_cache
@login_required
def project_data_imports(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a file of observations, and the person's recent imports into the project."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    permissions.require(request.user, "exports.import", project)
    forms = list(form_list_for_project(user=request.user, project=project))
    choices = [(form.form_id, f"{form.title} ({form.form_id})") for form in forms]
    status = HTTPStatus.OK
    if request.method == "POST":
        upload = DataImportUploadForm(request.POST, request.FILES, form_choices=choices)
        if upload.is_valid():
            try:
                data_import = data_import_upload(
                    actor=request.user,
                    project=project,
                    form=form_get_for_viewing(
                        user=request.user, project=project, form_id=upload.cleaned_data["form_id"]
                    ),
                    uploaded_file=upload.cleaned_data["file"],
                    source_format=upload.cleaned_data["source_format"],
                )
            except InvalidInputError as error:
                _add_errors(upload, error)
            else:
                return redirect(
                    "project_data_import_mapping", slug=project.slug, import_id=data_import.pk
                )
        status = HTTPStatus.BAD_REQUEST
    else:
        upload = DataImportUploadForm(form_choices=choices)
    context = {
        "project": project,
        "form": upload,
        "has_forms": bool(forms),
        "imports": data_import_list_for_project(user=request.user, project=project),
    }
    return render(request, "exports/import_list.html", context, status=status)


@never_cache
@login_required
def project_data_import_mapping(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    """Choose which column answers each question; saving starts the dry run."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    data_import = data_import_get_for_user(user=request.user, project=project, import_id=import_id)
    version = latest_version(data_import.form)
    options: dict[str, Any] = {
        "definition": version.form_definition,
        "headers": data_import.headers,
        "mapping": data_import.mapping,
        "id_column": data_import.id_column,
        "chosen_units": data_import.units,
    }
    editable = data_import.status in (
        DataImport.Status.UPLOADED,
        DataImport.Status.CHECKED,
        DataImport.Status.FAILED,
    )
    status = HTTPStatus.OK
    if request.method == "POST":
        mapping_form = DataImportMappingForm(request.POST, **options)
        if mapping_form.is_valid():
            try:
                saved = data_import_set_mapping(
                    actor=request.user,
                    data_import=data_import,
                    mapping=mapping_form.mapping(),
                    id_column=mapping_form.cleaned_data.get("id_column") or "",
                    units=mapping_form.units(),
                )
                job = data_import_check(actor=request.user, data_import=saved)
            except InvalidInputError as error:
                _add_errors(mapping_form, error)
            except ConflictError as error:
                mapping_form.add_error(None, error.message)
            else:
                return redirect("job_detail", job_id=job.pk)
        status = HTTPStatus.BAD_REQUEST
    else:
        mapping_form = DataImportMappingForm(**options)
    # A finished import's file is deleted after a while; its mapping then shows no rows.
    preview = (
        list(islice(data_import_table(data_import).rows(), PREVIEW_ROWS))
        if data_import.file_name
        else []
    )
    context = {
        "project": project,
        "data_import": data_import,
        "form": mapping_form,
        "editable": editable,
        "preview": preview,
        "repeat_tables": data_import_repeat_tables(data_import),
    }
    return render(request, "exports/import_mapping.html", context, status=status)


@never_cache
@login_required
def project_data_import(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    """The import's report: the dry run's (with the two ways to import) or the import's."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    data_import = data_import_get_for_user(user=request.user, project=project, import_id=import_id)
    report = data_import.report or {}
    context = {
        "project": project,
        "data_import": data_import,
        "report": report,
        "counts": report.get("counts", {}),
        "errors": report.get("errors", []),
        "errors_total": report.get("errors_total", 0),
        "warnings": report.get("warnings", []),
        "error_limit": MAX_REPORTED_ERRORS,
        "policies": DataImport.Policy,
    }
    return render(request, "exports/import_report.html", context)


@require_POST
@login_required
def project_data_import_run(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    """Start the import by the chosen policy and follow its job."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    data_import = data_import_get_for_user(user=request.user, project=project, import_id=import_id)
    try:
        job = data_import_run(
            actor=request.user, data_import=data_import, policy=request.POST.get("policy", "")
        )
    except (ConflictError, InvalidInputError) as error:
        messages.error(request, error.message)
        return redirect("project_data_import", slug=project.slug, import_id=data_import.pk)
    return redirect("job_detail", job_id=job.pk)


urlpatterns: list[URLPattern] = [
    path("projects/<slug:slug>/data/imports/", project_data_imports, name="project_data_imports"),
    path(
        "projects/<slug:slug>/data/imports/<int:import_id>/",
        project_data_import,
        name="project_data_import",
    ),
    path(
        "projects/<slug:slug>/data/imports/<int:import_id>/mapping/",
        project_data_import_mapping,
        name="project_data_import_mapping",
    ),
    path(
        "projects/<slug:slug>/data/imports/<int:import_id>/run/",
        project_data_import_run,
        name="project_data_import_run",
    ),
]
