"""Starting the rebuild job: the project's owners and researchers (and Lab staff) may."""

from __future__ import annotations

import pytest

from cslab.core.errors import NotFoundError, PermissionDeniedError
from cslab.core.models import Job
from cslab.core.roles import ProjectRole
from cslab.impact.services.rollup import ROLLUP_REBUILD_JOB, rollup_refresh_start
from cslab.projects.models import Project
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_researcher_starts_the_rebuild_of_their_projects_figures() -> None:
    project = ProjectFactory(status=Project.Status.ACTIVE)
    researcher = UserFactory()
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)

    job = rollup_refresh_start(actor=researcher, project=project)

    stored = Job.objects.get(pk=job.pk)
    assert stored.kind == ROLLUP_REBUILD_JOB
    assert stored.arguments == {"project_id": project.pk}


def test_a_team_member_may_not_start_it_and_an_outsider_does_not_see_the_project() -> None:
    project = ProjectFactory(status=Project.Status.ACTIVE)
    member = UserFactory()
    MembershipFactory(project=project, user=member, role=ProjectRole.MEMBER)

    with pytest.raises(PermissionDeniedError):
        rollup_refresh_start(actor=member, project=project)
    with pytest.raises((NotFoundError, PermissionDeniedError)):
        rollup_refresh_start(actor=UserFactory(), project=project)
    assert not Job.objects.filter(kind=ROLLUP_REBUILD_JOB).exists()
