"""A project's owners choose the training modules each team role asks for first."""

from typing import Any

import pytest

from cslab.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole, SiteRole
from cslab.projects.models import Membership, Project
from cslab.projects.services.join_requests import join_project
from cslab.projects.services.projects import project_create
from cslab.projects.services.team import membership_change_role
from cslab.training.models import RoleRequirement, TrainingModule
from cslab.training.services.requirements import role_requirement_add
from tests.factories import UserFactory
from tests.training.factories import make_certificate, make_module

pytestmark = pytest.mark.django_db


def _project(owner: Any, visibility: str = "public") -> Project:
    return project_create(
        actor=None,
        owner=owner,
        name="Moth survey",
        status="active",
        visibility=visibility,
        membership_policy="open",
    )


def _url(project: Project) -> str:
    return f"/projects/{project.slug}/training/"


def test_an_owner_requires_a_module_and_joining_then_waits_for_it(client: Any) -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner)
    module = make_module(title="Species identification")
    client.force_login(owner)
    assert "Species identification" in client.get(_url(project)).content.decode()
    answer = client.post(_url(project), {"role": "member", "module": module.slug})
    assert answer.status_code == 302
    assert RoleRequirement.objects.filter(project=project, role="member", module=module).exists()
    assert AuditEvent.objects.filter(action="training.role_requirement_added").exists()
    with pytest.raises(ConflictError):
        join_project(actor=volunteer, project=project)
    make_certificate(user=volunteer, module=module)
    assert isinstance(join_project(actor=volunteer, project=project), Membership)


def test_the_join_page_lists_the_requirement(client: Any) -> None:
    owner = UserFactory()
    project = _project(owner)
    module = make_module(title="Species identification")
    role_requirement_add(actor=owner, project=project, role="member", module=module)
    page = client.get(f"/projects/{project.slug}/join/").content.decode()
    assert "Before you can join as member, complete:" in page
    assert "Species identification" in page


def test_role_change_to_moderator_is_refused_with_the_module_named() -> None:
    owner, volunteer = UserFactory(), UserFactory()
    project = _project(owner)
    membership = join_project(actor=volunteer, project=project)
    assert isinstance(membership, Membership)
    module = make_module(title="Data quality and moderation")
    role_requirement_add(actor=owner, project=project, role="moderator", module=module)
    with pytest.raises(ConflictError) as refused:
        membership_change_role(actor=owner, membership=membership, role="moderator")
    assert "Data quality and moderation" in refused.value.message


def test_an_owner_removes_a_requirement(client: Any) -> None:
    owner = UserFactory()
    project = _project(owner)
    module = make_module()
    requirement = role_requirement_add(actor=owner, project=project, role="member", module=module)
    client.force_login(owner)
    client.post(_url(project), {"action": "remove", "target": requirement.pk})
    assert not RoleRequirement.objects.exists()
    assert AuditEvent.objects.filter(action="training.role_requirement_removed").exists()


def test_another_projects_requirement_cannot_be_removed_through_mine(client: Any) -> None:
    owner, other_owner = UserFactory(), UserFactory()
    mine, theirs = _project(owner), _project(other_owner)
    requirement = role_requirement_add(
        actor=other_owner, project=theirs, role="member", module=make_module()
    )
    client.force_login(owner)
    answer = client.post(_url(mine), {"action": "remove", "target": requirement.pk})
    assert answer.status_code == 404
    assert RoleRequirement.objects.filter(pk=requirement.pk).exists()


def test_anonymous_and_outsiders_cannot_set_requirements(client: Any) -> None:
    owner, outsider, member = UserFactory(), UserFactory(), UserFactory()
    project = _project(owner)
    private = _project(owner, visibility="private")
    Membership.objects.create(project=project, user=member, role=ProjectRole.MODERATOR)
    module = make_module()
    body = {"role": "member", "module": module.slug}
    answer = client.post(_url(project), body)
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    assert client.get(_url(private)).status_code == 404
    client.force_login(outsider)
    assert client.post(_url(project), body).status_code == 403
    assert client.get(_url(private)).status_code == 404
    client.force_login(member)
    assert client.post(_url(project), body).status_code == 403
    assert not RoleRequirement.objects.exists()
    with pytest.raises(PermissionDeniedError):
        role_requirement_add(actor=outsider, project=private, role="member", module=module)


def test_staff_may_set_requirements(client: Any) -> None:
    project = _project(UserFactory())
    module = make_module()
    client.force_login(UserFactory(site_role=SiteRole.STAFF))
    client.post(_url(project), {"role": "moderator", "module": module.slug})
    assert RoleRequirement.objects.filter(role="moderator").exists()


def test_only_published_modules_and_non_owner_roles_can_be_required(client: Any) -> None:
    owner = UserFactory()
    project = _project(owner)
    draft = make_module(status=TrainingModule.Status.DRAFT)
    with pytest.raises(InvalidInputError):
        role_requirement_add(actor=owner, project=project, role="member", module=draft)
    with pytest.raises(InvalidInputError):
        role_requirement_add(actor=owner, project=project, role="owner", module=make_module())
    client.force_login(owner)
    answer = client.post(_url(project), {"role": "member", "module": draft.slug})
    assert answer.status_code == 400
    assert not RoleRequirement.objects.exists()


def test_requiring_the_same_module_twice_keeps_one_requirement() -> None:
    owner = UserFactory()
    project = _project(owner)
    module = make_module()
    first = role_requirement_add(actor=owner, project=project, role="member", module=module)
    again = role_requirement_add(actor=owner, project=project, role="member", module=module)
    assert first.pk == again.pk
    assert RoleRequirement.objects.count() == 1


def test_the_project_page_links_owners_to_the_requirements(client: Any) -> None:
    owner = UserFactory()
    project = _project(owner)
    assert _url(project) not in client.get(project.get_absolute_url()).content.decode()
    client.force_login(owner)
    assert _url(project) in client.get(project.get_absolute_url()).content.decode()
