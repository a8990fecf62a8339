"""Publishing an approved project: the leads are told, prompted, and publish with one button."""

from typing import Any

import pytest
from django.test import Client

from cslab.core.errors import InvalidTransitionError, NotFoundError
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.notifications.models import Notification
from cslab.projects.models import Project
from cslab.projects.selectors import project_list_listed
from cslab.projects.services.lifecycle import project_publish, project_transition
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

PROMPT = "Lab staff approved your project. Publish it so volunteers can find it"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _in_review(owner: Any, **fields: Any) -> Project:
    # The factory puts the initiator on the team as owner.
    return ProjectFactory(initiator=owner, status=Project.Status.IN_REVIEW, **fields)


def test_approval_notifies_the_leads_and_asks_them_to_publish(staff: Any) -> None:
    owner, researcher, member = UserFactory(), UserFactory(), UserFactory()
    project = _in_review(owner, name="Moth night")
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)
    MembershipFactory(project=project, user=member, role=ProjectRole.MEMBER)

    project_transition(actor=staff, project=project, to_status=Project.Status.ACTIVE)

    told = Notification.objects.filter(kind="project.active")
    assert {notification.recipient_id for notification in told} == {owner.pk, researcher.pk}
    assert told.first().render() == (  # type: ignore[union-attr]
        "Lab staff approved “Moth night”. Publish it so volunteers can find it."
    )


def test_requesting_changes_tells_the_leads_what_to_change(staff: Any) -> None:
    owner = UserFactory()
    project = _in_review(owner, name="Moth night")
    project_transition(
        actor=staff, project=project, to_status="changes_requested", comment="Add a protocol."
    )
    notification = Notification.objects.get(recipient=owner)
    assert notification.render().endswith("Add a protocol.")


def test_the_project_page_and_my_projects_prompt_the_leads_until_it_is_published(
    staff: Any,
) -> None:
    owner, member = UserFactory(), UserFactory()
    project = _in_review(owner)
    MembershipFactory(project=project, user=member, role=ProjectRole.MEMBER)
    assert PROMPT not in _client(owner).get(project.get_absolute_url()).content.decode()

    project_transition(actor=staff, project=project, to_status=Project.Status.ACTIVE)

    for url in (project.get_absolute_url(), "/projects/mine/"):
        assert PROMPT in _client(owner).get(url).content.decode()
        assert PROMPT not in _client(member).get(url).content.decode()
    assert PROMPT not in _client(staff).get(project.get_absolute_url()).content.decode()
    response = _client(owner).post(
        f"/projects/{project.slug}/publish/", {"next": "/projects/mine/"}
    )
    assert (response.status_code, response["Location"]) == (302, "/projects/mine/")
    project.refresh_from_db()
    assert project.visibility == Project.Visibility.PUBLIC
    assert project in project_list_listed()
    assert AuditEvent.objects.filter(action="project.published", actor=owner).exists()
    assert PROMPT not in _client(owner).get(project.get_absolute_url()).content.decode()


def test_an_unapproved_project_cannot_be_published() -> None:
    owner = UserFactory()
    project = _in_review(owner)
    with pytest.raises(InvalidTransitionError):
        project_publish(actor=owner, project=project)
    response = _client(owner).post(f"/projects/{project.slug}/publish/", follow=True)
    assert b"it can be published once they do" in response.content
    project.refresh_from_db()
    assert project.visibility == Project.Visibility.PRIVATE


def test_only_the_leads_and_staff_publish(staff: Any) -> None:
    owner, member = UserFactory(), UserFactory()
    project = ProjectFactory(initiator=owner, status=Project.Status.ACTIVE)
    MembershipFactory(project=project, user=member, role=ProjectRole.MEMBER)
    with pytest.raises(NotFoundError):
        project_publish(actor=member, project=project)
    assert _client(member).post(f"/projects/{project.slug}/publish/").status_code == 404
    assert _client(UserFactory()).post(f"/projects/{project.slug}/publish/").status_code == 404
    project_publish(actor=staff, project=project)
    project.refresh_from_db()
    assert project.visibility == Project.Visibility.PUBLIC


def test_publishing_ignores_a_next_address_on_another_site() -> None:
    owner = UserFactory()
    project = ProjectFactory(initiator=owner, status=Project.Status.ACTIVE)
    response = _client(owner).post(
        f"/projects/{project.slug}/publish/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == project.get_absolute_url()
