"""A project's outputs: the public list, and adding, editing and removing them for the team."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cslab.core import permissions
from cslab.core.actors import SignedInRequest
from cslab.core.errors import DomainError
from cslab.impact.forms import OutputForm
from cslab.impact.models import Output
from cslab.impact.selectors import (
    output_get_for_managing,
    output_list_for_project,
    project_list_for_output_links,
)
from cslab.impact.services.outputs import output_create, output_delete, output_update
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing


@require_safe
def project_outputs(request: HttpRequest, slug: str) -> HttpResponse:
    """The papers, datasets and policy briefs that came from the project, for whoever may see it."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    return render(
        request,
        "impact/project_outputs.html",
        {
            "project": project,
            "outputs": list(output_list_for_project(project=project)),
            "may_manage": permissions.has_permission(request.user, "impact.output.manage", project),
        },
    )


def _linkable(user: Any, project: Project) -> list[Project]:
    return [item for item in project_list_for_output_links(actor=user) if item.pk != project.pk]


def _form_errors(form: OutputForm, error: DomainError) -> None:
    details = error.details if isinstance(error.details, dict) else {}
    for name, problems in details.items():
        field = name if name in form.fields else None
        for problem in problems:
            form.add_error(field, problem)
    if not details:
        form.add_error(None, error.message)


def _form_page(
    request: SignedInRequest, project: Project, form: OutputForm, output: Output | None, status: int
) -> HttpResponse:
    return render(
        request,
        "impact/output_form.html",
        {"project": project, "form": form, "output": output},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_output_create(request: SignedInRequest, slug: str) -> HttpResponse:
    project = project_get_for_viewing(user=request.user, slug=slug)
    permissions.require(request.user, "impact.output.manage", project)
    form = OutputForm(request.POST or None, linkable=_linkable(request.user, project))
    if request.method == "POST":
        if form.is_valid():
            try:
                output_create(actor=request.user, project=project, data=form.to_input())
            except DomainError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("The output was added."))
                return redirect("project_outputs", slug=project.slug)
        return _form_page(request, project, form, None, 400)
    return _form_page(request, project, form, None, 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_output_edit(request: SignedInRequest, slug: str, output_id: int) -> HttpResponse:
    project = project_get_for_viewing(user=request.user, slug=slug)
    output = output_get_for_managing(actor=request.user, project=project, output_id=output_id)
    if request.method == "POST" and request.POST.get("delete"):
        output_delete(actor=request.user, project=project, output=output)
        messages.success(request, _("The output was removed from the project."))
        return redirect("project_outputs", slug=project.slug)
    initial = {
        "kind": output.kind,
        "title": output.title,
        "authors": output.authors,
        "published_on": output.published_on,
        "doi": output.doi,
        "url": output.url,
        "summary": output.summary,
        "venue": output.venue,
    }
    form = OutputForm(
        request.POST or None, initial=initial, linkable=_linkable(request.user, project)
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                output_update(
                    actor=request.user, project=project, output=output, data=form.to_input()
                )
            except DomainError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("The output was saved."))
                return redirect("project_outputs", slug=project.slug)
        return _form_page(request, project, form, output, 400)
    return _form_page(request, project, form, output, 200)


urlpatterns: list[URLPattern] = [
    path("projects/<slug:slug>/outputs/", project_outputs, name="project_outputs"),
    path("projects/<slug:slug>/outputs/new/", project_output_create, name="project_output_create"),
    path(
        "projects/<slug:slug>/outputs/<int:output_id>/edit/",
        project_output_edit,
        name="project_output_edit",
    ),
]
