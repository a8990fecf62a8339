"""Joining a team under its membership policy: open, approval required, invite only."""

from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from cslab.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from cslab.core.roles import ProjectRole
from cslab.projects.models import JoinRequest, Membership, Project
from cslab.projects.services.join_requests import (
    join_project,
    join_request_approve,
    join_request_decline,
    join_request_withdraw,
)
from cslab.projects.services.projects import project_create
from cslab.projects.services.team import membership_add
from tests.factories import UserFactory


def _project(owner: Any, policy: str) -> Project:
    return project_create(
        actor=None,
        owner=owner,
        name="Pond dipping",
        status="active",
        visibility="public",
        membership_policy=policy,
    )


@pytest.mark.django_db
def test_an_open_team_takes_people_as_members_at_once() -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner, "open")
    membership = join_project(actor=volunteer, project=project)
    assert isinstance(membership, Membership)
    assert membership.role == ProjectRole.MEMBER
    assert not JoinRequest.objects.exists()
    with pytest.raises(ConflictError) as again:
        join_project(actor=volunteer, project=project)
    assert again.value.code == "already_member"


@pytest.mark.django_db
def test_an_approval_team_gets_a_request_and_its_owners_an_email(
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner, volunteer = UserFactory(email="owner@example.org"), UserFactory()
    project = _project(owner, "approval")
    with django_capture_on_commit_callbacks(execute=True):
        join_request = join_project(actor=volunteer, project=project, message="I love ponds.")
    assert isinstance(join_request, JoinRequest)
    assert (join_request.status, join_request.message) == ("pending", "I love ponds.")
    assert not Membership.objects.filter(project=project, user=volunteer).exists()
    assert [message.to for message in mail.outbox] == [["owner@example.org"]]
    assert f"/projects/{project.slug}/team/" in mail.outbox[0].body


@pytest.mark.django_db
def test_an_invite_only_team_refuses_with_a_clear_error() -> None:
    project = _project(UserFactory(), "invite_only")
    with pytest.raises(PermissionDeniedError) as raised:
        join_project(actor=UserFactory(), project=project)
    assert raised.value.code == "project_invite_only"
    assert "invitation" in raised.value.message
    assert project.memberships.count() == 1
    assert not JoinRequest.objects.exists()


@pytest.mark.django_db
def test_a_person_has_one_pending_request_per_project() -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner, "approval")
    join_project(actor=volunteer, project=project)
    with pytest.raises(ConflictError) as raised:
        join_project(actor=volunteer, project=project)
    assert raised.value.code == "join_request_pending"
    assert JoinRequest.objects.filter(project=project, user=volunteer).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_pending_request() -> None:
    volunteer = UserFactory()
    project = _project(UserFactory(), "approval")
    JoinRequest.objects.create(project=project, user=volunteer)
    with pytest.raises(IntegrityError), transaction.atomic():
        JoinRequest.objects.create(project=project, user=volunteer)


@pytest.mark.django_db
def test_approving_adds_the_requester_as_member_and_tells_them(
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner, volunteer = UserFactory(), UserFactory(email="volunteer@example.org")
    project = _project(owner, "approval")
    join_request = join_project(actor=volunteer, project=project)
    assert isinstance(join_request, JoinRequest)
    with django_capture_on_commit_callbacks(execute=True):
        membership = join_request_approve(actor=owner, join_request=join_request)
    assert (membership.user, membership.role) == (volunteer, ProjectRole.MEMBER)
    join_request.refresh_from_db()
    assert (join_request.status, join_request.decided_by) == ("approved", owner)
    assert mail.outbox[-1].to == ["volunteer@example.org"]
    with pytest.raises(ConflictError) as twice:
        join_request_approve(actor=owner, join_request=join_request)
    assert twice.value.code == "join_request_closed"


@pytest.mark.django_db
def test_after_a_decline_the_person_may_ask_again() -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner, "approval")
    first = join_project(actor=volunteer, project=project)
    assert isinstance(first, JoinRequest)
    join_request_decline(actor=owner, join_request=first)
    assert JoinRequest.objects.get(pk=first.pk).status == "declined"
    second = join_project(actor=volunteer, project=project)
    assert isinstance(second, JoinRequest) and second.pk != first.pk
    assert not Membership.objects.filter(project=project, user=volunteer).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["researcher", "moderator", "member", "viewer"])
def test_only_owners_and_staff_decide(role: str, staff: Any) -> None:
    owner, person, volunteer = UserFactory(), UserFactory(), UserFactory()
    project = _project(owner, "approval")
    membership_add(actor=None, project=project, user=person, role=role)
    join_request = join_project(actor=volunteer, project=project)
    assert isinstance(join_request, JoinRequest)
    with pytest.raises(NotFoundError):
        join_request_approve(actor=person, join_request=join_request)
    with pytest.raises(NotFoundError):
        join_request_decline(actor=volunteer, join_request=join_request)
    join_request_approve(actor=staff, join_request=join_request, role=ProjectRole.VIEWER)
    assert Membership.objects.get(project=project, user=volunteer).role == ProjectRole.VIEWER


@pytest.mark.django_db
def test_only_the_requester_withdraws() -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner, "approval")
    join_request = join_project(actor=volunteer, project=project)
    assert isinstance(join_request, JoinRequest)
    with pytest.raises(NotFoundError):
        join_request_withdraw(actor=owner, join_request=join_request)
    join_request_withdraw(actor=volunteer, join_request=join_request)
    assert JoinRequest.objects.get(pk=join_request.pk).status == "withdrawn"
    with pytest.raises(ConflictError):
        join_request_approve(actor=owner, join_request=join_request)


# --- the join page ---


@pytest.mark.django_db
def test_the_join_page_joins_an_open_team_and_lands_on_the_project_page(client: Any) -> None:
    volunteer = UserFactory()
    project = _project(UserFactory(), "open")
    client.force_login(volunteer)
    assert b"Join the team" in client.get(f"/projects/{project.slug}/join/").content
    response = client.post(f"/projects/{project.slug}/join/")
    assert (response.status_code, response["Location"]) == (302, f"/projects/{project.slug}/")
    assert Membership.objects.filter(project=project, user=volunteer, role="member").exists()


@pytest.mark.django_db
def test_a_visitor_reads_how_to_join_and_is_offered_to_log_in_first(client: Any) -> None:
    project = _project(UserFactory(), "approval")
    url = f"/projects/{project.slug}/join/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"ask to join" in page.content
    assert f"/accounts/login/?next={url}".encode() in page.content
    assert b"<textarea" not in page.content
    posted = client.post(url, {"message": "Me"})
    assert posted.status_code == 302 and posted["Location"].startswith("/accounts/login/")
    assert not JoinRequest.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_the_join_page_sends_a_request_and_can_withdraw_it(client: Any) -> None:
    volunteer = UserFactory()
    project = _project(UserFactory(), "approval")
    client.force_login(volunteer)
    client.post(f"/projects/{project.slug}/join/", {"message": "Pick me"})
    join_request = JoinRequest.objects.get(project=project, user=volunteer)
    page = client.get(f"/projects/{project.slug}/join/").content.decode()
    assert "Withdraw my request" in page
    client.post(
        f"/projects/{project.slug}/join/", {"action": "withdraw", "target": join_request.pk}
    )
    assert JoinRequest.objects.get(pk=join_request.pk).status == "withdrawn"


@pytest.mark.django_db
def test_the_join_page_explains_an_invite_only_team(client: Any) -> None:
    project = _project(UserFactory(), "invite_only")
    client.force_login(UserFactory())
    response = client.post(f"/projects/{project.slug}/join/", follow=True)
    assert b"by invitation only" in response.content
    assert project.memberships.count() == 1


@pytest.mark.django_db
def test_the_join_page_of_a_private_project_is_not_found_for_outsiders(client: Any) -> None:
    project = project_create(actor=UserFactory(), name="Secret", membership_policy="open")
    client.force_login(UserFactory())
    assert client.post(f"/projects/{project.slug}/join/").status_code == 404
    assert project.memberships.count() == 1


@pytest.mark.django_db
def test_owners_approve_on_the_team_page(client: Any) -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner, "approval")
    join_request = join_project(actor=volunteer, project=project)
    client.force_login(owner)
    assert volunteer.public_name in client.get(f"/projects/{project.slug}/team/").content.decode()
    response = client.post(
        f"/projects/{project.slug}/team/", {"action": "approve", "target": join_request.pk}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(project=project, user=volunteer).exists()
