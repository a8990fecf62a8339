"""A project asks for a training module before a role: joining, requests, invitations and
role changes are refused (409 `training_required`, naming the module) until it is completed."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cslab.core.errors import ConflictError
from cslab.core.roles import ProjectRole
from cslab.projects.models import Invitation, JoinRequest, Membership, Project
from cslab.projects.selectors.team import token_hash
from cslab.projects.services.invitations import invitation_accept
from cslab.projects.services.join_requests import join_project, join_request_approve
from cslab.projects.services.projects import project_create
from cslab.projects.services.team import membership_change_role
from cslab.training.models import RoleRequirement, TrainingModule
from tests.factories import UserFactory
from tests.training.factories import make_certificate, make_module

pytestmark = pytest.mark.django_db


def _project(owner: Any, policy: str = "open") -> Project:
    return project_create(
        actor=None,
        owner=owner,
        name="Pond dipping",
        status="active",
        visibility="public",
        membership_policy=policy,
    )


def _require(project: Project, role: str, title: str) -> TrainingModule:
    module = make_module(title=title)
    RoleRequirement.objects.create(project=project, role=role, module=module)
    return module


def test_an_open_team_refuses_a_member_without_the_module_and_takes_them_after_it() -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner)
    module = _require(project, ProjectRole.MEMBER, "Species identification")
    with pytest.raises(ConflictError) as refused:
        join_project(actor=volunteer, project=project)
    assert refused.value.code == "training_required"
    assert "Species identification" in refused.value.message
    assert not Membership.objects.filter(project=project, user=volunteer).exists()
    make_certificate(user=volunteer, module=module)
    membership = join_project(actor=volunteer, project=project)
    assert isinstance(membership, Membership)


def test_a_revoked_certificate_does_not_meet_the_requirement() -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner)
    module = _require(project, ProjectRole.MEMBER, "Species identification")
    make_certificate(user=volunteer, module=module, revoked_at=timezone.now())
    with pytest.raises(ConflictError):
        join_project(actor=volunteer, project=project)


def test_a_requirement_of_moderators_does_not_hold_back_members() -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner)
    _require(project, ProjectRole.MODERATOR, "Data quality and moderation")
    assert isinstance(join_project(actor=volunteer, project=project), Membership)


def test_asking_to_join_is_refused_until_the_module_is_completed() -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner, "approval")
    module = _require(project, ProjectRole.MEMBER, "Species identification")
    with pytest.raises(ConflictError) as refused:
        join_project(actor=volunteer, project=project)
    assert refused.value.code == "training_required"
    assert not JoinRequest.objects.exists()
    make_certificate(user=volunteer, module=module)
    assert isinstance(join_project(actor=volunteer, project=project), JoinRequest)


def test_approving_a_request_is_refused_when_the_role_asks_for_training() -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner, "approval")
    join_request = join_project(actor=volunteer, project=project)
    assert isinstance(join_request, JoinRequest)
    _require(project, ProjectRole.MODERATOR, "Data quality and moderation")
    with pytest.raises(ConflictError) as refused:
        join_request_approve(actor=owner, join_request=join_request, role=ProjectRole.MODERATOR)
    assert "Data quality and moderation" in refused.value.message
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    join_request_approve(actor=owner, join_request=join_request)
    assert Membership.objects.get(project=project, user=volunteer).role == ProjectRole.MEMBER


def test_changing_a_role_to_moderator_is_refused_naming_the_module() -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner)
    membership = join_project(actor=volunteer, project=project)
    assert isinstance(membership, Membership)
    module = _require(project, ProjectRole.MODERATOR, "Data quality and moderation")
    with pytest.raises(ConflictError) as refused:
        membership_change_role(actor=owner, membership=membership, role=ProjectRole.MODERATOR)
    assert refused.value.code == "training_required"
    assert "Data quality and moderation" in refused.value.message
    membership.refresh_from_db()
    assert membership.role == ProjectRole.MEMBER
    make_certificate(user=volunteer, module=module)
    membership_change_role(actor=owner, membership=membership, role=ProjectRole.MODERATOR)
    membership.refresh_from_db()
    assert membership.role == ProjectRole.MODERATOR


def test_an_invitation_stays_unused_until_the_invited_role_is_trained_for() -> None:
    owner, guest = UserFactory(), UserFactory()
    project = _project(owner, "invite_only")
    module = _require(project, ProjectRole.RESEARCHER, "Research ethics")
    invitation = Invitation.objects.create(
        project=project,
        email=guest.email,
        role=ProjectRole.RESEARCHER,
        token_hash=token_hash("a-token"),
        invited_by=owner,
        expires_at=timezone.now() + timedelta(days=7),
    )
    with pytest.raises(ConflictError) as refused:
        invitation_accept(user=guest, token="a-token")
    assert "Research ethics" in refused.value.message
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    make_certificate(user=guest, module=module)
    assert invitation_accept(user=guest, token="a-token").role == ProjectRole.RESEARCHER


def test_the_join_page_says_which_module_to_complete_first(client: Any) -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner)
    module = _require(project, ProjectRole.MEMBER, "Species identification")
    client.force_login(volunteer)
    page = client.get(f"/projects/{project.slug}/join/").content.decode()
    assert "Before you can join as member, complete:" in page
    assert module.get_absolute_url() in page
    assert "Join the team</button>" not in page
    refused = client.post(f"/projects/{project.slug}/join/", follow=True).content.decode()
    assert "Species identification" in refused
    make_certificate(user=volunteer, module=module)
    page = client.get(f"/projects/{project.slug}/join/").content.decode()
    assert "Join the team</button>" in page
    client.post(f"/projects/{project.slug}/join/")
    assert Membership.objects.filter(project=project, user=volunteer).exists()


def test_the_team_page_shows_owners_which_roles_ask_for_training(client: Any) -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner)
    membership = join_project(actor=volunteer, project=project)
    assert isinstance(membership, Membership)
    _require(project, ProjectRole.MODERATOR, "Data quality and moderation")
    client.force_login(owner)
    page = client.get(f"/projects/{project.slug}/team/").content.decode()
    assert "Some roles ask for training first" in page
    assert "Data quality and moderation" in page
    answer = client.post(
        f"/projects/{project.slug}/team/",
        {"action": "role", "target": membership.pk, "role": "moderator"},
        follow=True,
    ).content.decode()
    assert "they must complete: “Data quality and moderation”" in answer
