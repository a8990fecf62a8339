"""A project's impact statements: the public list, and recording, editing and removing them for
its owners and researchers."""

from __future__ import annotations

from collections.abc import Iterable
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
from cslab.core.markdown import render_markdown
from cslab.impact.forms import ImpactStatementForm
from cslab.impact.models import ImpactStatement
from cslab.impact.selectors.statements import (
    impact_statement_get_for_managing,
    impact_statement_list_for_project,
)
from cslab.impact.services.statements import (
    impact_statement_create,
    impact_statement_delete,
    impact_statement_update,
)
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing


def statements_for_display(statements: Iterable[ImpactStatement]) -> list[dict[str, Any]]:
    """Each statement with its description rendered from Markdown, for `_impact_statement_list`."""
    return [
        {"statement": statement, "description_html": render_markdown(statement.description)}
        for statement in statements
    ]


@require_safe
def project_impact_statements(request: HttpRequest, slug: str) -> HttpResponse:
    """What changed because of the project, for whoever may see it."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    return render(
        request,
        "impact/project_impact_statements.html",
        {
            "project": project,
            "statements": statements_for_display(
                impact_statement_list_for_project(project=project)
            ),
            "may_manage": permissions.has_permission(
                request.user, "impact.statement.manage", project
            ),
        },
    )


def _form_page(
    request: SignedInRequest,
    project: Project,
    form: ImpactStatementForm,
    statement: ImpactStatement | None,
    status: int,
) -> HttpResponse:
    return render(
        request,
        "impact/impact_statement_form.html",
        {"project": project, "form": form, "statement": statement},
        status=status,
    )


def _add_errors(form: ImpactStatementForm, error: DomainError) -> None:
    details = error.details if isinstance(error.details, dict) else {}
    for name, problems in details.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)
    if not details:
        form.add_error(None, error.message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_impact_statement_create(request: SignedInRequest, slug: str) -> HttpResponse:
    project = project_get_for_viewing(user=request.user, slug=slug)
    permissions.require(request.user, "impact.statement.manage", project)
    form = ImpactStatementForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                impact_statement_create(actor=request.user, project=project, data=form.to_input())
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The impact was recorded."))
                return redirect("project_impact_statements", slug=project.slug)
        return _form_page(request, project, form, None, 400)
    return _form_page(request, project, form, None, 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_impact_statement_edit(
    request: SignedInRequest, slug: str, statement_id: int
) -> HttpResponse:
    project = project_get_for_viewing(user=request.user, slug=slug)
    statement = impact_statement_get_for_managing(
        actor=request.user, project=project, statement_id=statement_id
    )
    initial = {
        "kind": statement.kind,
        "description": statement.description,
        "evidence_url": statement.evidence_url,
        "occurred_on": statement.occurred_on,
    }
    form = ImpactStatementForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                impact_statement_update(
                    actor=request.user, project=project, statement=statement, data=form.to_input()
                )
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The impact was saved."))
                return redirect("project_impact_statements", slug=project.slug)
        return _form_page(request, project, form, statement, 400)
    return _form_page(request, project, form, statement, 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_impact_statement_delete(
    request: SignedInRequest, slug: str, statement_id: int
) -> HttpResponse:
    project = project_get_for_viewing(user=request.user, slug=slug)
    statement = impact_statement_get_for_managing(
        actor=request.user, project=project, statement_id=statement_id
    )
    if request.method == "POST":
        impact_statement_delete(actor=request.user, project=project, statement=statement)
        messages.success(request, _("The impact was removed."))
        return redirect("project_impact_statements", slug=project.slug)
    return render(
        request,
        "impact/impact_statement_delete.html",
        {
            "project": project,
            "statement": statement,
            "description_html": render_markdown(statement.description),
        },
    )


urlpatterns: list[URLPattern] = [
    path(
        "projects/<slug:slug>/impacts/", project_impact_statements, name="project_impact_statements"
    ),
    path(
        "projects/<slug:slug>/impacts/new/",
        project_impact_statement_create,
        name="project_impact_statement_create",
    ),
    path(
        "projects/<slug:slug>/impacts/<int:statement_id>/edit/",
        project_impact_statement_edit,
        name="project_impact_statement_edit",
    ),
    path(
        "projects/<slug:slug>/impacts/<int:statement_id>/delete/",
        project_impact_statement_delete,
        name="project_impact_statement_delete",
    ),
]
