"""The meta-research feed for Lab staff: start an export, list them, download a ready one."""

from __future__ import annotations

from http import HTTPStatus

from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.impact.meta_research_codebook import H3_RESOLUTION
from cslab.impact.meta_research_forms import MetaResearchExportForm
from cslab.impact.selectors.meta_research import (
    meta_research_export_get_for_download,
    meta_research_export_list,
    meta_research_project_choices,
)
from cslab.impact.services.meta_research import (
    VALID_FOR,
    export_directory,
    meta_research_export_record_download,
    meta_research_export_start,
)

EXPORTS_SHOWN = 50


@never_cache
def meta_research_exports(request: HttpRequest) -> HttpResponse:
    """The exports with their status and download links, and the form that starts one."""
    exports = list(meta_research_export_list(user=request.user)[:EXPORTS_SHOWN])
    projects = meta_research_project_choices(user=request.user)
    status = HTTPStatus.OK
    if request.method == "POST":
        form = MetaResearchExportForm(request.POST, projects=projects)
        if form.is_valid():
            try:
                export = meta_research_export_start(
                    actor=request.user,
                    project_ids=[project.pk for project in form.cleaned_data["projects"]],
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                )
            except InvalidInputError as error:
                for field, messages in (error.details or {}).items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                return redirect("job_detail", job_id=export.job_id)
        status = HTTPStatus.BAD_REQUEST
    else:
        form = MetaResearchExportForm(projects=projects)
    now = timezone.now()
    for export in exports:
        export.is_downloadable = bool(  # type: ignore[attr-defined]
            export.status == export.Status.READY
            and export.file_name
            and export.expires_at is not None
            and export.expires_at > now
        )
    context = {
        "exports": exports,
        "form": form,
        "valid_days": VALID_FOR.days,
        "h3_resolution": H3_RESOLUTION,
    }
    return render(request, "impact/meta_research_exports.html", context, status=status)


def meta_research_export_download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    """Stream a ready export's zip to Lab staff; 404 for others and once it expired."""
    export = meta_research_export_get_for_download(user=request.user, export_id=export_id)
    try:
        stream = (export_directory() / export.file_name).open("rb")
    except FileNotFoundError:
        raise NotFoundError() from None
    meta_research_export_record_download(actor=request.user, export=export)
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=f"cslab-meta-research-{export.created_at:%Y-%m-%d}-{export.pk}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("impact/meta-research/", meta_research_exports, name="meta_research_exports"),
    path(
        "impact/meta-research/<int:export_id>/download/",
        meta_research_export_download,
        name="meta_research_export_download",
    ),
]
