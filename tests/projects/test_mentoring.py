"""Mentoring: community-led projects ask for a researcher mentor; Lab staff match one."""

from typing import Any

import pytest
from django.core import mail

from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.roles import ProjectRole
from cslab.projects.models import Membership, Project
from cslab.projects.selectors.team import mentor_candidate_get, mentor_list_requests
from cslab.projects.services.mentoring import mentor_match, mentor_request
from cslab.projects.services.projects import project_create
from cslab.projects.services.team import membership_add
from tests.factories import UserFactory


def _project(owner: Any, initiator_type: str = "community_led") -> Project:
    return project_create(actor=owner, name="Street trees", initiator_type=initiator_type)


@pytest.mark.django_db
def test_an_owner_of_a_community_led_project_asks_for_a_mentor(staff: Any) -> None:
    owner = UserFactory()
    project = _project(owner)
    mentor_request(actor=owner, project=project)
    assert Project.objects.get(pk=project.pk).mentor_status == "requested"
    assert list(mentor_list_requests(user=staff)) == [project]
    with pytest.raises(ConflictError) as twice:
        mentor_request(actor=owner, project=project)
    assert twice.value.code == "mentor_already_requested"


@pytest.mark.django_db
@pytest.mark.parametrize("initiator_type", ["researcher_led", "co_created"])
def test_only_community_led_projects_ask_for_a_mentor(initiator_type: str) -> None:
    owner = UserFactory()
    project = _project(owner, initiator_type)
    with pytest.raises(ConflictError) as raised:
        mentor_request(actor=owner, project=project)
    assert raised.value.code == "mentoring_community_led_only"
    assert Project.objects.get(pk=project.pk).mentor_status == "not_requested"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["researcher", "moderator", "member", "viewer"])
def test_only_owners_ask_for_a_mentor(role: str) -> None:
    owner, person = UserFactory(), UserFactory()
    project = _project(owner)
    membership_add(actor=None, project=project, user=person, role=role)
    with pytest.raises(NotFoundError):
        mentor_request(actor=person, project=project)
    assert Project.objects.get(pk=project.pk).mentor_status == "not_requested"


@pytest.mark.django_db
def test_staff_match_a_mentor_who_joins_as_researcher_and_is_told(
    staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = UserFactory(email="owner@example.org")
    mentor = UserFactory(email="mentor@example.org")
    project = _project(owner)
    mentor_request(actor=owner, project=project)
    with django_capture_on_commit_callbacks(execute=True):
        mentor_match(actor=staff, project=project, mentor=mentor)
    stored = Project.objects.get(pk=project.pk)
    assert (stored.mentor, stored.mentor_status) == (mentor, "matched")
    assert Membership.objects.get(project=project, user=mentor).role == ProjectRole.RESEARCHER
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "mentor@example.org",
        "owner@example.org",
    ]
    assert list(mentor_list_requests(user=staff)) == []
    with pytest.raises(ConflictError) as twice:
        mentor_match(actor=staff, project=project, mentor=UserFactory())
    assert twice.value.code == "mentor_already_matched"


@pytest.mark.django_db
def test_a_member_matched_as_mentor_becomes_researcher_and_an_owner_stays_owner(
    staff: Any,
) -> None:
    owner, member = UserFactory(), UserFactory()
    first, second = _project(owner), _project(owner)
    membership_add(actor=None, project=first, user=member, role=ProjectRole.VIEWER)
    for project in (first, second):
        mentor_request(actor=owner, project=project)
    mentor_match(actor=staff, project=first, mentor=member)
    mentor_match(actor=staff, project=second, mentor=owner)
    assert Membership.objects.get(project=first, user=member).role == ProjectRole.RESEARCHER
    assert Membership.objects.get(project=second, user=owner).role == ProjectRole.OWNER


@pytest.mark.django_db
def test_staff_match_only_projects_that_asked(staff: Any) -> None:
    project = _project(UserFactory())
    with pytest.raises(ConflictError) as raised:
        mentor_match(actor=staff, project=project, mentor=UserFactory())
    assert raised.value.code == "mentor_not_requested"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["owner", "researcher", "volunteer", "trainer"])
def test_people_other_than_staff_cannot_match_or_list(role: str) -> None:
    owner = UserFactory()
    project = _project(owner)
    mentor_request(actor=owner, project=project)
    if role == "owner":
        person = owner
    elif role == "researcher":
        person = UserFactory()
        membership_add(actor=None, project=project, user=person, role=role)
    else:
        person = UserFactory(site_role=role)
    with pytest.raises(NotFoundError):
        mentor_match(actor=person, project=project, mentor=person)
    with pytest.raises(NotFoundError):
        mentor_list_requests(user=person)
    assert Project.objects.get(pk=project.pk).mentor_id is None


@pytest.mark.django_db
def test_a_mentor_must_be_an_active_account(staff: Any) -> None:
    gone = UserFactory(email="gone@example.org", is_active=False)
    with pytest.raises(InvalidInputError):
        mentor_candidate_get(user=staff, email="gone@example.org")
    with pytest.raises(InvalidInputError):
        mentor_candidate_get(user=staff, mentor_id=gone.pk)
    here = UserFactory(email="here@example.org")
    assert mentor_candidate_get(user=staff, email="HERE@example.org") == here
    assert mentor_candidate_get(user=staff, mentor_id=here.pk) == here


# --- pages ---


@pytest.mark.django_db
def test_the_staff_page_lists_requests_and_matches_a_mentor(client: Any, staff: Any) -> None:
    owner, mentor = UserFactory(), UserFactory(email="researcher@example.org")
    project = _project(owner)
    mentor_request(actor=owner, project=project)
    client.force_login(staff)
    assert project.name in client.get("/staff/mentoring/").content.decode()
    response = client.post(
        "/staff/mentoring/", {"project": project.slug, "mentor_email": "researcher@example.org"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(project=project, user=mentor).role == "researcher"


@pytest.mark.django_db
def test_the_staff_page_says_when_no_account_has_the_address(client: Any, staff: Any) -> None:
    owner = UserFactory()
    project = _project(owner)
    mentor_request(actor=owner, project=project)
    client.force_login(staff)
    response = client.post(
        "/staff/mentoring/", {"project": project.slug, "mentor_email": "nobody@example.org"}
    )
    assert response.status_code == 400
    assert b"No active account" in response.content
    assert Project.objects.get(pk=project.pk).mentor_status == "requested"


@pytest.mark.django_db
def test_the_staff_page_is_not_found_for_everyone_else(client: Any) -> None:
    assert client.get("/staff/mentoring/").status_code == 404
    client.force_login(UserFactory())
    assert client.get("/staff/mentoring/").status_code == 404


@pytest.mark.django_db
def test_owners_ask_for_a_mentor_from_the_team_page(client: Any) -> None:
    owner = UserFactory()
    project = _project(owner)
    client.force_login(owner)
    assert b"Ask for a mentor" in client.get(f"/projects/{project.slug}/team/").content
    response = client.post(f"/projects/{project.slug}/mentor/")
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).mentor_status == "requested"
