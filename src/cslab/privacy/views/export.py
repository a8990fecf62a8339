"""The personal-data export pages: start one and follow it, then download the zip."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cslab.core.actors import SignedInRequest
from cslab.core.errors import GoneError, TooManyRequestsError
from cslab.core.personal_data import sections
from cslab.privacy.selectors.export import (
    export_directory,
    personal_data_export_get_for_download,
    personal_data_export_list,
    personal_data_export_token,
)
from cslab.privacy.services.export import (
    EXPORTS_PER_WINDOW,
    VALID_FOR,
    personal_data_export_record_download,
    personal_data_export_start,
)

EXPORTS_SHOWN = 10


def _exports_context(request: SignedInRequest) -> dict[str, object]:
    exports = list(personal_data_export_list(user=request.user)[:EXPORTS_SHOWN])
    now = timezone.now()
    for export in exports:
        export.download_token = personal_data_export_token(export)  # type: ignore[attr-defined]
        export.is_expired = export.expires_at <= now  # type: ignore[attr-defined]
    running = [export for export in exports if export.ready_at is None and _is_running(export)]
    return {"exports": exports, "running": running}


def _is_running(export: object) -> bool:
    job = getattr(export, "job", None)
    return job is not None and not job.is_finished


@never_cache
@login_required
def personal_data(request: SignedInRequest) -> HttpResponse:
    """What the export holds, a button to start one, its progress, and the ready ones."""
    status = HTTPStatus.OK
    if request.method == "POST":
        try:
            personal_data_export_start(actor=request.user, user=request.user)
        except TooManyRequestsError as error:
            messages.error(request, error.message)
            status = HTTPStatus.TOO_MANY_REQUESTS
        else:
            return redirect("personal_data")
    context = _exports_context(request)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "privacy/_personal_data_exports.html", context)
    context.update(
        {
            "sections": sections(),
            "valid_days": VALID_FOR.days,
            "exports_per_day": EXPORTS_PER_WINDOW,
        }
    )
    return render(request, "privacy/personal_data.html", context, status=status)


@login_required
def personal_data_download(
    request: SignedInRequest, export_id: int, token: str
) -> HttpResponseBase:
    """Stream the owner's zip; 404 for anyone else, 410 once the link expired."""
    try:
        export = personal_data_export_get_for_download(
            user=request.user, export_id=export_id, token=token
        )
    except GoneError:
        return render(request, "privacy/personal_data_expired.html", status=HTTPStatus.GONE)
    personal_data_export_record_download(actor=request.user, export=export)
    file_name = f"cslab-personal-data-{export.created_at:%Y-%m-%d}.zip"
    response = FileResponse(
        (export_directory() / export.file_path).open("rb"),
        as_attachment=True,
        filename=file_name,
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("me/data/", personal_data, name="personal_data"),
    path(
        "me/data/<int:export_id>/download/<str:token>/",
        personal_data_download,
        name="personal_data_download",
    ),
]
