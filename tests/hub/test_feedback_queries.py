"""The feedback and guide selectors read in a fixed number of queries, however much feedback."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cslab.core.roles import SiteRole
from cslab.hub.selectors.feedback import (
    resource_comment_list_for_moderation,
    resource_feedback_summary,
)
from cslab.hub.selectors.guide import guide_for_project
from cslab.hub.services import feedback
from tests.factories import UserFactory
from tests.hub.factories import make_resource
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _queries(read: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured.captured_queries)


def _add_feedback(resource: Any, times: int) -> None:
    for _ in range(times):
        project = ProjectFactory(public=True)
        feedback.resource_use_add(actor=project.initiator, resource=resource, project=project)
        person = UserFactory()
        feedback.resource_rate(actor=person, resource=resource, stars=3)
        comment = feedback.resource_comment_post(actor=person, resource=resource, text="Hi")
        feedback.resource_comment_flag(actor=UserFactory(), comment=comment)


def test_the_feedback_summary_reads_in_a_fixed_number_of_queries() -> None:
    resource = make_resource()
    viewer = UserFactory()
    _add_feedback(resource, 1)
    few = _queries(lambda: resource_feedback_summary(resource, viewer))
    _add_feedback(resource, 4)
    assert _queries(lambda: resource_feedback_summary(resource, viewer)) == few
    assert few <= 9


def test_the_moderation_queue_reads_in_a_fixed_number_of_queries() -> None:
    resource = make_resource()
    staff = UserFactory(site_role=SiteRole.STAFF)
    _add_feedback(resource, 1)
    few = _queries(lambda: resource_comment_list_for_moderation(staff))
    _add_feedback(resource, 4)
    assert _queries(lambda: resource_comment_list_for_moderation(staff)) == few


def test_the_guide_reads_in_two_queries_after_the_projects_tags() -> None:
    project = ProjectFactory(status="incubating")
    for number in range(8):
        make_resource(title=f"Resource {number}", tags={"phase": ["design"]})
    project = type(project).objects.prefetch_related("tags").get(pk=project.pk)
    assert _queries(lambda: guide_for_project(project, UserFactory.build())) == 2
