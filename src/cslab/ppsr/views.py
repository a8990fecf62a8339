"""PPSR Core pages: a project's record as JSON, and the staff import with its dry-run preview."""

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cslab.core.errors import DomainError
from cslab.core.models import Job
from cslab.ppsr.selectors import (
    ppsr_import_job_get,
    ppsr_import_job_list,
    ppsr_record_get_for_viewing,
)
from cslab.ppsr.services import (
    MAX_CATALOGUE_BYTES,
    PpsrImportReport,
    ppsr_import_confirm,
    ppsr_import_start,
)


class PpsrImportForm(forms.Form):
    catalogue = forms.FileField(
        label=gettext_lazy("PPSR Core catalogue (JSON file)"),
        help_text=gettext_lazy(
            'A file of the form {"Project": [...]}, in UTF-8 or Windows-1252. Nothing is '
            "imported until you have seen the preview and confirmed it."
        ),
    )
    origin = forms.CharField(
        label=gettext_lazy("Origin"),
        max_length=200,
        help_text=gettext_lazy(
            "Where the catalogue comes from, for example eu-citizen.science. Importing again "
            "from the same origin updates its projects instead of adding them twice."
        ),
    )

    def clean_catalogue(self) -> Any:
        catalogue = self.cleaned_data["catalogue"]
        if catalogue.size > MAX_CATALOGUE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)d MB.")
                % {"megabytes": MAX_CATALOGUE_BYTES // (1024 * 1024)}
            )
        return catalogue


@require_GET
def project_ppsr(request: HttpRequest, slug: str) -> JsonResponse:
    """Serve one project as a PPSR Core catalogue of one record (importable as it is)."""
    record = ppsr_record_get_for_viewing(user=request.user, slug=slug)
    return JsonResponse({"Project": [record]}, json_dumps_params={"indent": 2})


def ppsr_import(request: HttpRequest) -> HttpResponse:
    """Upload a catalogue and start its preview; list the recent previews and imports."""
    jobs = ppsr_import_job_list(user=request.user)[:20]
    form = PpsrImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["catalogue"]
        try:
            job = ppsr_import_start(
                actor=request.user,
                content=upload.read(),
                file_name=upload.name or "",
                origin=form.cleaned_data["origin"],
            )
        except DomainError as error:
            form.add_error("catalogue", error.message)
        else:
            return redirect("ppsr_import_job", job_id=job.pk)
    return render(request, "projects/ppsr_import.html", {"form": form, "jobs": jobs})


@never_cache
@require_GET
def ppsr_import_job(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """Show a preview's or an import's progress, then its per-record report."""
    job = ppsr_import_job_get(user=request.user, job_id=job_id)
    report = None
    if job.status == Job.Status.SUCCEEDED and isinstance(job.result, dict):
        report = PpsrImportReport.from_dict(job.result)
    template = (
        "projects/ppsr_import_job_status.html"
        if getattr(request, "htmx", False)
        else "projects/ppsr_import_job.html"
    )
    return render(request, template, {"job": job, "report": report})


@require_POST
def ppsr_import_confirm_view(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """Import the catalogue of a finished preview."""
    preview = ppsr_import_job_get(user=request.user, job_id=job_id)
    try:
        job = ppsr_import_confirm(actor=request.user, preview=preview)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("ppsr_import_job", job_id=preview.pk)
    return redirect("ppsr_import_job", job_id=job.pk)


urlpatterns = [
    path("projects/<slug:slug>/ppsr.json", project_ppsr, name="project_ppsr"),
    path("staff/ppsr-import/", ppsr_import, name="ppsr_import"),
    path("staff/ppsr-import/<uuid:job_id>/", ppsr_import_job, name="ppsr_import_job"),
    path(
        "staff/ppsr-import/<uuid:job_id>/confirm/",
        ppsr_import_confirm_view,
        name="ppsr_import_confirm",
    ),
]
