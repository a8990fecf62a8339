"""What the dashboards' tests share: projects with a team, and the charts a page should show."""

from __future__ import annotations

from typing import Any

from cslab.core.roles import ProjectRole
from cslab.impact import charts
from cslab.impact.figures import Period
from cslab.impact.selectors import figures as figure_selectors
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory


def public_project(**fields: Any) -> Any:
    return ProjectFactory(public=True, **fields)


def private_project(**fields: Any) -> Any:
    return ProjectFactory(status="active", **fields)


def team_member(project: Any, role: str = ProjectRole.MEMBER) -> Any:
    person = UserFactory()
    MembershipFactory(project=project, user=person, role=role)
    return person


def expected_project_charts(
    project: Any, viewer: Any, period: Period | None = None
) -> list[charts.Chart]:
    """The charts the project's pages must show, as the figures and charts modules give them."""
    figures = figure_selectors.project_figures(user=viewer, project=project, period=period)
    return charts.charts_for_project(figures)
