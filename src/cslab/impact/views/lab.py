"""The Lab's impact dashboard across projects (filters by faculty, domain, initiator type and
period; projects side by side) and its charts' data as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cslab.core import permissions
from cslab.core.errors import NotFoundError
from cslab.impact import charts
from cslab.impact.figures import LabFigures, ProjectComparisonRow, ProjectFigures
from cslab.impact.filters import LabImpactForm, figures_query_string
from cslab.impact.selectors.figures import lab_figures, project_figures, project_get_for_impact
from cslab.impact.views.dashboard import csv_response


@dataclass(frozen=True)
class ComparedProject:
    row: ProjectComparisonRow
    figures: ProjectFigures


def _compared(
    request: HttpRequest, form: LabImpactForm, figures: LabFigures
) -> list[ComparedProject]:
    """The projects asked for side by side, among those the dashboard lists (so only ones the
    viewer may see, within the filters), in the order asked."""
    rows = {row.project_slug: row for row in figures.projects}
    compared = []
    for slug in form.compared_slugs():
        if slug not in rows:
            continue
        try:
            project = project_get_for_impact(user=request.user, slug=slug)
        except NotFoundError:
            continue
        project_figures_shown = project_figures(
            user=request.user, project=project, period=figures.filters.period
        )
        compared.append(ComparedProject(row=rows[slug], figures=project_figures_shown))
    return compared


def _comparison_charts(compared: list[ComparedProject]) -> list[charts.Chart]:
    """The compared projects' weeks in one chart each (a line per project, told apart by
    marker shape), so they read side by side on any screen."""
    if not compared:
        return []
    contributions: dict[str, list[tuple[object, float]]] = {
        item.row.project_name: [
            (week.week_start, float(week.contributions)) for week in item.figures.weeks
        ]
        for item in compared
    }
    active: dict[str, list[tuple[object, float]]] = {
        item.row.project_name: [
            (week.week_start, float(week.active_participants)) for week in item.figures.weeks
        ]
        for item in compared
    }
    return [
        charts.line_chart(
            slug="compared-contributions",
            title=_("Contributions per week, compared"),
            description=_("One line per compared project: its contributions in each week."),
            x_label=_("Week"),
            series=contributions,
        ),
        charts.line_chart(
            slug="compared-active-participants",
            title=_("Active participants per week, compared"),
            description=_(
                "One line per compared project: the participants who contributed in each week."
            ),
            x_label=_("Week"),
            series=active,
        ),
    ]


def _lab_context(request: HttpRequest) -> tuple[dict[str, Any], int]:
    permissions.require(request.user, "impact.lab.view", None)
    form = LabImpactForm(request.GET)
    context: dict[str, Any] = {
        "form": form,
        "figures": None,
        "charts": [],
        "compared": [],
        "comparison_charts": [],
        "compared_slugs": [],
        "query_string": figures_query_string(request.GET),
    }
    if not form.is_valid():
        return context, 400
    figures = lab_figures(user=request.user, filters=form.filters())
    compared = _compared(request, form, figures)
    context.update(
        figures=figures,
        charts=charts.charts_for_lab(figures),
        compared=compared,
        comparison_charts=_comparison_charts(compared),
        compared_slugs=[item.row.project_slug for item in compared],
        # The chart downloads carry only the compared projects the viewer may see.
        query_string=figures_query_string(
            request.GET, compare=[item.row.project_slug for item in compared]
        ),
        kept_filters=[
            (name, request.GET[name])
            for name in ("faculty", "domain", "initiator_type", "start", "end")
            if request.GET.get(name)
        ],
        projects=sorted(figures.projects, key=lambda row: (-row.contributions, row.project_name)),
    )
    return context, 200


@require_safe
def lab_impact(request: HttpRequest) -> HttpResponse:
    """The Lab's figures across the projects whose figures the viewer may see."""
    context, status = _lab_context(request)
    return render(request, "impact/lab_impact.html", context, status=status)


@require_safe
def lab_impact_chart_csv(request: HttpRequest, chart: str) -> HttpResponse:
    """One chart of the Lab dashboard (the same query) as a CSV download."""
    context, status = _lab_context(request)
    if status != 200:
        form: LabImpactForm = context["form"]
        return HttpResponse(
            "\n".join(str(error) for errors in form.errors.values() for error in errors),
            status=status,
            content_type="text/plain; charset=utf-8",
        )
    every_chart = [*context["charts"], *context["comparison_charts"]]
    found = next((item for item in every_chart if item.slug == chart), None)
    if found is None:
        raise NotFoundError()
    return csv_response(charts.chart_csv(found), f"lab-impact-{found.slug}.csv")


urlpatterns: list[URLPattern] = [
    path("impact/", lab_impact, name="lab_impact"),
    path("impact/charts/<slug:chart>.csv", lab_impact_chart_csv, name="lab_impact_chart_csv"),
]
