"""Team memberships (services/team.py): add, change role, remove, leave; a team keeps an owner."""

import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from cslab.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from cslab.core.roles import ProjectRole
from cslab.projects.models import JoinRequest, Membership, Project
from cslab.projects.selectors.team import team_page
from cslab.projects.services.projects import project_create
from cslab.projects.services.team import (
    membership_add,
    membership_change_role,
    membership_leave,
    membership_remove,
)
from tests.factories import UserFactory


def _project(owner: Any) -> Project:
    return project_create(actor=owner, name="Hedgehog count")


def _membership(project: Project, user: Any) -> Membership:
    return Membership.objects.get(project=project, user=user)


@pytest.mark.django_db
def test_the_last_owner_cannot_leave() -> None:
    owner = UserFactory()
    project = _project(owner)
    with pytest.raises(ConflictError) as raised:
        membership_leave(actor=owner, project=project)
    assert raised.value.code == "last_owner"
    assert _membership(project, owner).role == ProjectRole.OWNER


@pytest.mark.django_db
def test_the_last_owner_cannot_be_demoted() -> None:
    owner = UserFactory()
    project = _project(owner)
    with pytest.raises(ConflictError) as raised:
        membership_change_role(
            actor=owner, membership=_membership(project, owner), role=ProjectRole.RESEARCHER
        )
    assert raised.value.code == "last_owner"
    assert _membership(project, owner).role == ProjectRole.OWNER


@pytest.mark.django_db
def test_the_last_owner_cannot_be_removed_even_by_staff(staff: Any) -> None:
    owner = UserFactory()
    project = _project(owner)
    with pytest.raises(ConflictError):
        membership_remove(actor=staff, membership=_membership(project, owner))
    assert Membership.objects.filter(project=project, role=ProjectRole.OWNER).count() == 1


@pytest.mark.django_db
def test_an_owner_can_leave_once_there_is_another_owner() -> None:
    owner, other = UserFactory(), UserFactory()
    project = _project(owner)
    membership_add(actor=None, project=project, user=other, role=ProjectRole.MEMBER)
    membership_change_role(
        actor=owner, membership=_membership(project, other), role=ProjectRole.OWNER
    )
    membership_leave(actor=owner, project=project)
    assert list(project.memberships.values_list("user_id", "role")) == [(other.pk, "owner")]


@pytest.mark.django_db
def test_an_owner_removes_a_member_and_changes_roles() -> None:
    owner, member, viewer = UserFactory(), UserFactory(), UserFactory()
    project = _project(owner)
    membership_add(actor=None, project=project, user=member, role=ProjectRole.MEMBER)
    membership_add(actor=None, project=project, user=viewer, role=ProjectRole.VIEWER)
    membership_change_role(
        actor=owner, membership=_membership(project, viewer), role=ProjectRole.MODERATOR
    )
    membership_remove(actor=owner, membership=_membership(project, member))
    assert dict(project.memberships.values_list("user_id", "role")) == {
        owner.pk: "owner",
        viewer.pk: "moderator",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["researcher", "moderator", "member", "viewer"])
def test_only_owners_manage_the_team(role: str) -> None:
    owner, person, outsider = UserFactory(), UserFactory(), UserFactory()
    project = _project(owner)
    membership_add(actor=None, project=project, user=person, role=role)
    with pytest.raises(NotFoundError):
        membership_add(actor=person, project=project, user=outsider, role=ProjectRole.MEMBER)
    with pytest.raises(NotFoundError):
        membership_remove(actor=person, membership=_membership(project, owner))
    assert not Membership.objects.filter(project=project, user=outsider).exists()


@pytest.mark.django_db
def test_an_owner_invites_instead_of_adding_and_staff_may_add_directly(staff: Any) -> None:
    owner, person = UserFactory(), UserFactory()
    project = _project(owner)
    with pytest.raises(PermissionDeniedError) as raised:
        membership_add(actor=owner, project=project, user=person, role=ProjectRole.OWNER)
    assert raised.value.code == "invitation_required"
    assert not Membership.objects.filter(project=project, user=person).exists()
    membership_add(actor=staff, project=project, user=person, role=ProjectRole.MEMBER)
    assert _membership(project, person).role == ProjectRole.MEMBER


@pytest.mark.django_db
def test_adding_someone_twice_is_a_conflict() -> None:
    owner, member = UserFactory(), UserFactory()
    project = _project(owner)
    membership_add(actor=None, project=project, user=member, role=ProjectRole.MEMBER)
    with pytest.raises(ConflictError) as raised:
        membership_add(actor=None, project=project, user=member, role=ProjectRole.VIEWER)
    assert raised.value.code == "already_member"
    assert _membership(project, member).role == ProjectRole.MEMBER


@pytest.mark.django_db
def test_leaving_a_team_one_is_not_on_is_not_found() -> None:
    project = _project(UserFactory())
    with pytest.raises(NotFoundError):
        membership_leave(actor=UserFactory(), project=project)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_owners_leaving_at_the_same_time_leave_one_owner() -> None:
    first, second = UserFactory(), UserFactory()
    project = _project(first)
    membership_add(actor=None, project=project, user=second, role=ProjectRole.OWNER)
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def leave(person: Any) -> None:
        try:
            barrier.wait(timeout=10)
            membership_leave(actor=person, project=Project.objects.get(pk=project.pk))
            outcomes[person.pk] = "left"
        except ConflictError as error:
            outcomes[person.pk] = error.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=leave, args=(person,)) for person in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["last_owner", "left"]
    assert project.memberships.filter(role=ProjectRole.OWNER).count() == 1


@pytest.mark.django_db
def test_the_team_page_reads_a_fixed_number_of_queries_whatever_the_team_size() -> None:
    owner = UserFactory()
    project = _project(owner)

    def grow() -> None:
        membership_add(actor=None, project=project, user=UserFactory(), role="member")
        JoinRequest.objects.create(project=project, user=UserFactory())

    def count_queries() -> int:
        fresh = Project.objects.get(pk=project.pk)
        with CaptureQueriesContext(connection) as captured:
            page = team_page(user=owner, project=fresh)
            names = [m.user.public_name for m in page.members]
            names += [r.user.public_name for r in page.join_requests]
        assert len(names) == 2 * project.memberships.count() - 1
        return len(captured)

    grow()
    small = count_queries()
    for _ in range(4):
        grow()
    assert count_queries() == small <= 6


# --- the team page ---


def _public_project(owner: Any) -> Project:
    return project_create(
        actor=None, owner=owner, name="Bat walk", status="active", visibility="public"
    )


@pytest.mark.django_db
def test_the_whole_team_is_for_the_team_and_staff_and_only_owners_manage(
    client: Any, staff: Any
) -> None:
    owner, member = UserFactory(), UserFactory(display_name="Quiet Member")
    project = _public_project(owner)
    membership_add(actor=None, project=project, user=member, role=ProjectRole.MEMBER)
    url = f"/projects/{project.slug}/team/"
    client.force_login(UserFactory())
    outsider_page = client.get(url)
    assert outsider_page.status_code == 200
    assert b"Quiet Member" not in outsider_page.content
    assert b"Send invitation" not in outsider_page.content
    client.force_login(member)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Quiet Member" in page.content
    assert b"Leave this team" in page.content and b"Send invitation" not in page.content
    owner_membership = _membership(project, owner)
    refused = client.post(url, {"action": "remove", "target": owner_membership.pk})
    assert refused.status_code == 404
    for manager in (owner, staff):
        client.force_login(manager)
        assert b"Send invitation" in client.get(url).content


@pytest.mark.django_db
def test_visitors_see_the_public_leads_and_how_to_join_but_not_the_members(client: Any) -> None:
    public_owner = UserFactory(display_name="Open Owner", profile_public=True)
    hidden_owner = UserFactory(display_name="Hidden Owner", profile_public=False)
    member = UserFactory(display_name="Listed Member", profile_public=True)
    project = _public_project(public_owner)
    membership_add(actor=None, project=project, user=hidden_owner, role=ProjectRole.OWNER)
    membership_add(actor=None, project=project, user=member, role=ProjectRole.MEMBER)
    page = client.get(f"/projects/{project.slug}/team/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Open Owner" in text
    assert "Hidden Owner" not in text and "Listed Member" not in text
    assert "3 people on the team" in text
    assert f'href="/projects/{project.slug}/join/"' in text


@pytest.mark.django_db
def test_the_team_page_of_a_private_project_is_not_found_for_outsiders(client: Any) -> None:
    owner = UserFactory(display_name="Secret Owner", profile_public=True)
    project = _project(owner)
    url = f"/projects/{project.slug}/team/"
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(f"/projects/{project.slug}/join/").status_code == 404


@pytest.mark.django_db
def test_owners_invite_change_roles_and_remove_on_the_team_page(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner, member = UserFactory(), UserFactory()
    project = _public_project(owner)
    membership_add(actor=None, project=project, user=member, role=ProjectRole.MEMBER)
    url = f"/projects/{project.slug}/team/"
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"action": "invite", "email": "new@example.org", "role": "viewer"})
    assert sent.status_code == 302
    assert mail.outbox[-1].to == ["new@example.org"]
    bad = client.post(url, {"action": "invite", "email": "nope", "role": "viewer"})
    assert bad.status_code == 400
    membership = _membership(project, member)
    client.post(url, {"action": "role", "target": membership.pk, "role": "researcher"})
    assert _membership(project, member).role == ProjectRole.RESEARCHER
    client.post(url, {"action": "remove", "target": membership.pk})
    assert not Membership.objects.filter(project=project, user=member).exists()


@pytest.mark.django_db
def test_leaving_on_the_page_and_the_last_owner_is_told_to_hand_over(client: Any) -> None:
    owner, member = UserFactory(), UserFactory()
    project = _public_project(owner)
    membership_add(actor=None, project=project, user=member, role=ProjectRole.MEMBER)
    client.force_login(owner)
    refused = client.post(f"/projects/{project.slug}/leave/", follow=True)
    assert b"make someone else owner first" in refused.content
    assert _membership(project, owner).role == ProjectRole.OWNER
    client.force_login(member)
    left = client.post(f"/projects/{project.slug}/leave/")
    assert left.status_code == 302
    assert not Membership.objects.filter(project=project, user=member).exists()
    assert client.post(f"/projects/{project.slug}/leave/").status_code == 404
