"""A project's impact pages: the dashboard, a chart's data as CSV, the printable impact report,
and the team's "bring the figures up to date" button."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from cslab.core import permissions
from cslab.core.actors import SignedInRequest
from cslab.core.errors import NotFoundError
from cslab.impact import charts
from cslab.impact.filters import ProjectImpactQuery, figures_query_string, project_impact_query
from cslab.impact.selectors import output_list_for_project
from cslab.impact.selectors.figures import project_figures, project_get_for_impact
from cslab.impact.selectors.statements import impact_statement_list_for_project
from cslab.impact.services.rollup import rollup_refresh_start
from cslab.projects.licences import project_licence_and_citation
from cslab.projects.models import Project


def _figures_context(request: HttpRequest, project: Project, query: ProjectImpactQuery) -> Any:
    figures = project_figures(
        user=request.user, project=project, period=query.period, granularity=query.granularity
    )
    return figures, charts.charts_for_project(figures)


def _page_context(request: HttpRequest, project: Project) -> tuple[dict[str, Any], int]:
    """What the dashboard and the report share: the form, the figures, charts, outputs and
    statements; status 400 (and no figures) when the query is not understood."""
    query = project_impact_query(request.GET)
    context: dict[str, Any] = {
        "project": project,
        "form": query.form,
        "figures": None,
        "charts": [],
        "query_string": figures_query_string(request.GET),
        "outputs": list(output_list_for_project(project=project)),
        "statements": list(impact_statement_list_for_project(project=project)),
        "may_refresh": permissions.has_permission(request.user, "impact.rollup.refresh", project),
    }
    if not query.valid:
        return context, 400
    context["figures"], context["charts"] = _figures_context(request, project, query)
    return context, 200


@require_safe
def project_impact(request: HttpRequest, slug: str) -> HttpResponse:
    """The project's impact dashboard, for its team and Lab staff, and everyone once public."""
    project = project_get_for_impact(user=request.user, slug=slug)
    context, status = _page_context(request, project)
    return render(request, "impact/project_impact.html", context, status=status)


@require_safe
def project_impact_chart_csv(request: HttpRequest, slug: str, chart: str) -> HttpResponse:
    """One chart's data table as a CSV download (the same query as the dashboard)."""
    project = project_get_for_impact(user=request.user, slug=slug)
    query = project_impact_query(request.GET)
    if not query.valid:
        return HttpResponse(
            "\n".join(str(error) for errors in query.form.errors.values() for error in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    _figures, project_charts = _figures_context(request, project, query)
    found = next((item for item in project_charts if item.slug == chart), None)
    if found is None:
        raise NotFoundError()
    return csv_response(charts.chart_csv(found), f"{project.slug}-{found.slug}.csv")


def csv_response(text: str, file_name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@require_safe
def project_impact_report(request: HttpRequest, slug: str) -> HttpResponse:
    """The impact report for funders: every figure and chart with its table, the outputs and
    impacts, licence and citation, on a page that prints well."""
    project = project_get_for_impact(user=request.user, slug=slug)
    context, status = _page_context(request, project)
    context["licence"] = project_licence_and_citation(project)
    context["generated_at"] = timezone.now()
    context["project_url"] = request.build_absolute_uri(project.get_absolute_url())
    return render(request, "impact/impact_report.html", context, status=status)


@login_required
@require_POST
def project_impact_refresh(request: SignedInRequest, slug: str) -> HttpResponse:
    """Start the job that brings the project's figures up to date, and go to its page."""
    project = project_get_for_impact(user=request.user, slug=slug)
    # The service decides too; asking first keeps the refusal a 403 whatever it does.
    permissions.require(request.user, "impact.rollup.refresh", project)
    job = rollup_refresh_start(actor=request.user, project=project)
    return redirect("job_detail", job_id=job.pk)


urlpatterns: list[URLPattern] = [
    path("projects/<slug:slug>/impact/", project_impact, name="project_impact"),
    path(
        "projects/<slug:slug>/impact/charts/<slug:chart>.csv",
        project_impact_chart_csv,
        name="project_impact_chart_csv",
    ),
    path(
        "projects/<slug:slug>/impact/report/", project_impact_report, name="project_impact_report"
    ),
    path(
        "projects/<slug:slug>/impact/refresh/",
        project_impact_refresh,
        name="project_impact_refresh",
    ),
]
