"""A project's data page: prepare an export (a background job), list the ready files, download
one until its link expires."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cslab.core import permissions
from cslab.core.errors import DomainError, NotFoundError
from cslab.exports.forms import DataExportForm
from cslab.exports.models import DataExport
from cslab.exports.responses import data_export_file_response
from cslab.exports.selectors import (
    data_export_get_for_download,
    data_export_is_downloadable,
    data_export_list_for_project,
)
from cslab.exports.services import VALID_FOR, data_export_start
from cslab.exports.writers import FORMATS
from cslab.observations.selectors import form_list_for_project
from cslab.projects.licences import project_licence_and_citation
from cslab.projects.selectors import project_get_for_viewing


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
    status = HTTPStatus.OK
    if request.method == "POST":
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
        "exports": exports,
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


urlpatterns: list[URLPattern] = [
    path("projects/<slug:slug>/data/", project_data_exports, name="project_data_exports"),
    path(
        "projects/<slug:slug>/data/<int:export_id>/download/",
        project_data_export_download,
        name="project_data_export_download",
    ),
]
