"""Importing a project's outputs from a BibTeX or RIS file (or pasted text)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cslab.core import permissions
from cslab.core.actors import SignedInRequest
from cslab.core.errors import DomainError, PayloadTooLargeError
from cslab.impact.forms import OutputImportForm
from cslab.impact.services.output_import import MAX_IMPORT_BYTES, outputs_import
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing


def _text_of(upload: Any) -> str:
    # The size is known from the upload before any of it is read.
    if upload.size > MAX_IMPORT_BYTES:
        message = _("The file is larger than %(size)d MB.") % {
            "size": MAX_IMPORT_BYTES // (1024 * 1024)
        }
        raise PayloadTooLargeError(message, details={"file": [message]})
    content = upload.read(MAX_IMPORT_BYTES + 1)
    try:
        return str(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        # Older reference managers write Latin-1; every byte is a Latin-1 character.
        return str(content.decode("latin-1"))


def _page(
    request: SignedInRequest,
    project: Project,
    form: OutputImportForm,
    status: int = 200,
    report: Any = None,
) -> HttpResponse:
    return render(
        request,
        "impact/outputs_import.html",
        {"project": project, "form": form, "report": report},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_outputs_import(request: SignedInRequest, slug: str) -> HttpResponse:
    """The import form; after an import, the report of what each entry became."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    permissions.require(request.user, "impact.output.manage", project)
    if request.method != "POST":
        return _page(request, project, OutputImportForm())
    form = OutputImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, project, form, status=400)
    try:
        upload = form.cleaned_data.get("file")
        text = _text_of(upload) if upload else form.cleaned_data["text"]
        report = outputs_import(
            actor=request.user, project=project, text=text, format=form.cleaned_data["format"]
        )
    except DomainError as error:
        details = error.details if isinstance(error.details, dict) else {}
        messages = [str(message) for problems in details.values() for message in problems]
        for message in messages or [error.message]:
            form.add_error(None, message)
        return _page(request, project, form, status=int(error.status))
    return _page(request, project, OutputImportForm(), report=report)


urlpatterns: list[URLPattern] = [
    path(
        "projects/<slug:slug>/outputs/import/",
        project_outputs_import,
        name="project_outputs_import",
    ),
]
