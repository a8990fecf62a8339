"""The figures API: `GET /api/v1/projects/{slug}/impact` (every figure of a project) and the
Lab's comparison. Thin: the selectors decide who sees what."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from cslab.api.auth import ANYONE, ApiRequest
from cslab.impact.figures import LabFilters, Period, figures_as_json
from cslab.impact.selectors.figures import lab_figures, project_figures, project_get_for_impact
from cslab.projects.vocabulary import Faculty, InitiatorType, ResearchDomain

router = Router(tags=["impact"])

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class PeriodQuery(Schema):
    start: date | None = Field(None, description="First local day (YYYY-MM-DD), included.")
    end: date | None = Field(None, description="Last local day (YYYY-MM-DD), included.")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _an_iso_date(cls, value: Any) -> Any:
        # Lax parsing would read a number as seconds since 1970; a day is YYYY-MM-DD.
        if value is not None and not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
            raise ValueError("give a date as YYYY-MM-DD, e.g. 2026-03-14")
        return value

    def period(self) -> Period:
        return Period(start=self.start, end=self.end)


class ProjectImpactQuery(PeriodQuery):
    granularity: Literal["week", "month"] = Field(
        "week", description="Retention cohorts by week or by month."
    )


class LabImpactQuery(PeriodQuery):
    faculty: Faculty | None = None
    domain: ResearchDomain | None = None
    initiator_type: InitiatorType | None = None


class PeriodOut(Schema):
    start: date | None
    end: date | None


class WeekOut(Schema):
    week_start: date
    contributions: int
    active_participants: int
    new_participants: int
    returning_participants: int


class CohortOut(Schema):
    cohort_start: date
    size: int
    retained: list[int]


class RetentionOut(Schema):
    granularity: str
    rows: list[CohortOut]


class CellOut(Schema):
    cell: str
    count: int


class ProjectImpactOut(Schema):
    project_slug: str
    project_name: str
    period: PeriodOut
    as_of: datetime | None
    participants: int
    contributions: int
    contributions_by_kind: dict[str, int]
    weeks: list[WeekOut]
    gini: float | None
    lorenz: list[list[float]]
    top_1_percent_share: float | None
    top_10_percent_share: float | None
    retention: RetentionOut
    h3_resolution: int
    h3_cells: list[CellOut]
    area_covered_km2: float
    project_area_share: float | None
    time: dict[str, list[int]]
    quality: dict[str, Any]
    questions: dict[str, int]
    learning: dict[str, int]


class ProjectComparisonOut(Schema):
    project_slug: str
    project_name: str
    participants: int
    contributions: int
    gini: float | None
    top_10_percent_share: float | None
    returning_share: float | None
    h3_cells: int
    outputs: int
    impact_statements: int


class LabImpactOut(Schema):
    period: PeriodOut
    projects: list[ProjectComparisonOut]
    participants: int
    contributions: int
    weeks: list[WeekOut]
    gini: float | None
    top_10_percent_share: float | None


@router.get(
    "/projects/{slug}/impact",
    response=ProjectImpactOut,
    auth=ANYONE,
    summary="A project's impact figures: participation, inequality, retention, space, time",
)
def get_project_impact(
    request: ApiRequest,
    slug: str,
    query: Query[ProjectImpactQuery],
) -> Any:
    project = project_get_for_impact(user=request.auth, slug=slug)
    figures = project_figures(
        user=request.auth, project=project, period=query.period(), granularity=query.granularity
    )
    return figures_as_json(figures)


@router.get(
    "/impact/projects",
    response=LabImpactOut,
    auth=ANYONE,
    summary="The Lab's projects side by side (those whose figures the caller may see)",
)
def get_lab_impact(request: ApiRequest, query: Query[LabImpactQuery]) -> Any:
    filters = LabFilters(
        faculty=query.faculty or "",
        domain=query.domain or "",
        initiator_type=query.initiator_type or "",
        period=query.period(),
    )
    figures = lab_figures(user=request.auth, filters=filters)
    return {
        "period": asdict(figures.filters.period),
        "projects": [asdict(row) for row in figures.projects],
        "participants": figures.participants,
        "contributions": figures.contributions,
        "weeks": [asdict(week) for week in figures.weeks],
        "gini": figures.inequality.gini,
        "top_10_percent_share": figures.inequality.top_10_percent_share,
    }
