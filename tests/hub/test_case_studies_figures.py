"""Live figures of the projects a case study tells about: the project page's own figures for
the same viewer, the spread in space (public points only) and time, and nothing of a project
the viewer may not see."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from cslab.core import project_page
from cslab.core.roles import ProjectRole, SiteRole
from cslab.forms.answers import Location
from cslab.hub.models import CaseStudy, CaseStudyProject, Resource
from cslab.hub.selectors.case_studies import case_study_get, case_study_project_figures
from cslab.observations.models import Observation
from cslab.observations.selectors import observation_spread_for_project
from cslab.projects.models import Project
from tests.collection.test_observation_views import member_of, observe, publish_birds
from tests.factories import UserFactory
from tests.hub.case_study_helpers import make_case_study
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def linked(resource: Resource, *projects: Project) -> CaseStudy:
    case_study = CaseStudy.objects.get(resource=resource)
    for project in projects:
        CaseStudyProject.objects.create(case_study=case_study, project=project)
    return case_study_get(UserFactory(site_role=SiteRole.STAFF), resource.slug)[1]


def busy_project() -> Project:
    """A listed project with two observers, a rejected observation and a private one."""
    project: Project = ProjectFactory(public=True)
    version = publish_birds(project)
    first, second = (member_of(project, UserFactory(), ProjectRole.MEMBER) for _ in range(2))
    observe(first, version, "utrecht", location=Location(52.09, 5.12, 5.0))
    observe(first, version, "leiden", location=Location(52.16, 4.49, 5.0))
    rejected, _ = observe(second, version, "rejected", location=Location(51.92, 4.48, 5.0))
    Observation.objects.filter(pk=rejected.pk).update(status=Observation.Status.REJECTED)
    observe(second, version, "hidden", location=Location(53.2, 6.56, 5.0), geoprivacy="private")
    return project


@pytest.mark.parametrize("who", ["anonymous", "outsider", "owner"])
def test_the_figures_are_the_project_pages_for_the_same_viewer(who: str) -> None:
    project = busy_project()
    viewer: Any = {
        "anonymous": AnonymousUser(),
        "outsider": UserFactory(),
        "owner": project.initiator,
    }[who]
    case_study = linked(make_case_study(), project)

    [figures] = case_study_project_figures(viewer=viewer, case_study=case_study)
    page = project_page.project_part(project, viewer)

    assert figures.figure("participants") == len(page.participants)
    assert [(figure.key, figure.number) for figure in figures.figures] == [
        (figure.key, figure.number) for figure in page.figures
    ]
    assert figures.figure("questions_answered") == 0


def test_the_team_counts_the_rejected_observation_outsiders_do_not() -> None:
    project = busy_project()
    case_study = linked(make_case_study(), project)

    [outsider] = case_study_project_figures(viewer=AnonymousUser(), case_study=case_study)
    [owner] = case_study_project_figures(viewer=project.initiator, case_study=case_study)

    assert outsider.figure("observations") == 3
    assert owner.figure("observations") == 4


def test_spread_counts_public_points_only_and_the_months_of_arrival() -> None:
    project = busy_project()

    spread = observation_spread_for_project(user=AnonymousUser(), project=project)

    # Utrecht and Leiden; the private one has no public point, the rejected one is not shown.
    assert spread.cells == 2
    assert spread.south is not None and spread.north is not None
    assert 52.0 < spread.south < 52.1 and 52.1 < spread.north < 52.2
    assert spread.north < 53  # the private observation's true point is never in the extent
    assert spread.active_months == 1
    assert spread.first_day is not None and spread.first_day == spread.last_day


def test_spread_of_a_project_without_observations_is_empty() -> None:
    project = ProjectFactory(public=True)

    spread = observation_spread_for_project(user=AnonymousUser(), project=project)

    assert (spread.cells, spread.south, spread.first_day, spread.active_months) == (
        0,
        None,
        None,
        0,
    )


def test_a_private_project_linked_by_staff_is_left_out_for_outsiders() -> None:
    private = ProjectFactory()
    listed = ProjectFactory(public=True)
    case_study = linked(make_case_study(), private, listed)

    outsiders = case_study_project_figures(viewer=UserFactory(), case_study=case_study)
    team = case_study_project_figures(viewer=private.initiator, case_study=case_study)

    assert [item.project for item in outsiders] == [listed]
    assert [item.project for item in team] == [private, listed]
