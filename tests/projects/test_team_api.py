"""The team API: members, invitations, joining and leaving, mentoring."""

import json
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from cslab.core.roles import ProjectRole
from cslab.projects.models import JoinRequest, Membership, Project
from cslab.projects.services.projects import project_create
from cslab.projects.services.team import membership_add
from tests.factories import UserFactory


@pytest.fixture
def api() -> str:
    return "/api/v1"


def _project(owner: Any, **fields: Any) -> Project:
    fields = {"status": "active", "visibility": "public", **fields}
    return project_create(actor=None, owner=owner, name="Moth night", **fields)


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _json(client: Client, method: str, url: str, body: Any = None) -> Any:
    return client.generic(method, url, "" if body is None else json.dumps(body), "application/json")


@pytest.mark.django_db
def test_the_team_is_listed_for_its_members_with_cursor_pages(api: str) -> None:
    owner, member = UserFactory(display_name="Olga"), UserFactory(display_name="Max")
    project = _project(owner)
    membership_add(actor=None, project=project, user=member, role=ProjectRole.MEMBER)
    client = _client(member)
    first = client.get(f"{api}/projects/{project.slug}/members?limit=1").json()
    assert [(item["display_name"], item["role"]) for item in first["items"]] == [("Olga", "owner")]
    assert first["next_cursor"]
    second = client.get(
        f"{api}/projects/{project.slug}/members?limit=1&cursor={first['next_cursor']}"
    ).json()
    assert [item["user_id"] for item in second["items"]] == [member.pk]
    assert second["next_cursor"] is None


@pytest.mark.django_db
def test_outsiders_get_404_and_anonymous_visitors_401(api: str, staff: Any) -> None:
    project = _project(UserFactory())
    outsider = _client(UserFactory()).get(f"{api}/projects/{project.slug}/members")
    assert outsider.status_code == 404
    assert outsider["Content-Type"] == "application/problem+json"
    assert _client().get(f"{api}/projects/{project.slug}/members").status_code == 401
    assert _client(staff).get(f"{api}/projects/{project.slug}/members").status_code == 200


@pytest.mark.django_db
def test_owners_change_and_remove_members_that_staff_added(api: str, staff: Any) -> None:
    owner, person = UserFactory(), UserFactory()
    project = _project(owner)
    client = _client(owner)
    base = f"{api}/projects/{project.slug}/members"
    added = _json(_client(staff), "POST", base, {"user_id": person.pk, "role": "viewer"})
    assert added.status_code == 201, added.content
    membership_id = added.json()["id"]
    changed = _json(client, "PATCH", f"{base}/{membership_id}", {"role": "moderator"})
    assert (changed.status_code, changed.json()["role"]) == (200, "moderator")
    assert _json(client, "DELETE", f"{base}/{membership_id}").status_code == 204
    assert not Membership.objects.filter(project=project, user=person).exists()
    unknown = _json(_client(staff), "POST", base, {"user_id": 999999})
    assert (unknown.status_code, unknown.json()["code"]) == (400, "person_not_found")


@pytest.mark.django_db
def test_an_owner_cannot_add_someone_without_their_consent_and_learns_nothing_about_them(
    api: str,
) -> None:
    owner = UserFactory()
    hidden = UserFactory(display_name="Secret Name", profile_public=False)
    project = _project(owner)
    client = _client(owner)
    base = f"{api}/projects/{project.slug}/members"

    existing = _json(client, "POST", base, {"user_id": hidden.pk, "role": "owner"})
    unknown = _json(client, "POST", base, {"user_id": 999999, "role": "owner"})

    assert existing.status_code == 403
    assert existing.json()["code"] == "invitation_required"
    assert "invitation" in existing.json()["detail"]
    assert b"Secret Name" not in existing.content
    # The same answer whether or not the person exists.
    assert existing.json() | {"instance": ""} == unknown.json() | {"instance": ""}
    assert not Membership.objects.filter(project=project, user=hidden).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["researcher", "moderator", "member", "viewer"])
def test_team_members_other_than_owners_cannot_manage(api: str, role: str) -> None:
    owner, person = UserFactory(), UserFactory()
    project = _project(owner)
    membership_add(actor=None, project=project, user=person, role=role)
    client = _client(person)
    base = f"{api}/projects/{project.slug}"
    owner_membership = Membership.objects.get(project=project, user=owner)
    assert _json(client, "POST", f"{base}/members", {"user_id": person.pk}).status_code == 404
    assert _json(client, "DELETE", f"{base}/members/{owner_membership.pk}").status_code == 404
    invite = _json(client, "POST", f"{base}/invitations", {"email": "x@example.org"})
    assert invite.status_code == 404
    assert client.get(f"{base}/join-requests").status_code == 404


@pytest.mark.django_db
def test_the_last_owner_is_told_to_hand_over_first(api: str) -> None:
    owner = UserFactory()
    project = _project(owner)
    client = _client(owner)
    left = _json(client, "POST", f"{api}/projects/{project.slug}/leave")
    assert (left.status_code, left.json()["code"]) == (409, "last_owner")
    membership = Membership.objects.get(project=project, user=owner)
    demoted = _json(
        client,
        "PATCH",
        f"{api}/projects/{project.slug}/members/{membership.pk}",
        {"role": "member"},
    )
    assert (demoted.status_code, demoted.json()["code"]) == (409, "last_owner")


@pytest.mark.django_db
def test_invite_by_email_then_accept_with_the_token_once(
    api: str, django_capture_on_commit_callbacks: Any
) -> None:
    owner, guest = UserFactory(), UserFactory(email="guest@example.org")
    project = _project(owner, visibility="private")
    owner_client = _client(owner)
    with django_capture_on_commit_callbacks(execute=True):
        sent = _json(
            owner_client,
            "POST",
            f"{api}/projects/{project.slug}/invitations",
            {"email": "guest@example.org", "role": "researcher"},
        )
    assert sent.status_code == 201, sent.content
    assert "token" not in sent.json() and "token_hash" not in sent.json()
    listed = owner_client.get(f"{api}/projects/{project.slug}/invitations").json()["items"]
    assert [item["email"] for item in listed] == ["guest@example.org"]
    token = re.search(r"/invitations/([A-Za-z0-9_-]+)/", mail.outbox[-1].body)[1]  # type: ignore[index]
    guest_client = _client(guest)
    accepted = _json(guest_client, "POST", f"{api}/invitations/accept", {"token": token})
    assert (accepted.status_code, accepted.json()["role"]) == (201, "researcher")
    again = _json(guest_client, "POST", f"{api}/invitations/accept", {"token": token})
    assert (again.status_code, again.json()["code"]) == (409, "invitation_used")
    bogus = _json(guest_client, "POST", f"{api}/invitations/accept", {"token": "nope"})
    assert bogus.status_code == 404


@pytest.mark.django_db
def test_owners_withdraw_an_invitation(api: str) -> None:
    owner = UserFactory()
    project = _project(owner)
    client = _client(owner)
    base = f"{api}/projects/{project.slug}/invitations"
    invitation_id = _json(client, "POST", base, {"email": "later@example.org"}).json()["id"]
    assert _json(client, "DELETE", f"{base}/{invitation_id}").status_code == 204
    assert client.get(base).json()["items"] == []
    again = _json(client, "DELETE", f"{base}/{invitation_id}")
    assert (again.status_code, again.json()["code"]) == (409, "invitation_closed")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("policy", "status", "outcome"),
    [("open", 201, "joined"), ("approval", 201, "requested"), ("invite_only", 403, None)],
)
def test_joining_follows_the_membership_policy(
    api: str, policy: str, status: int, outcome: str | None
) -> None:
    project = _project(UserFactory(), membership_policy=policy)
    response = _json(_client(UserFactory()), "POST", f"{api}/projects/{project.slug}/join", {})
    assert response.status_code == status, response.content
    if outcome:
        assert response.json()["outcome"] == outcome
    else:
        assert response.json()["code"] == "project_invite_only"


@pytest.mark.django_db
def test_join_requests_are_approved_declined_or_withdrawn(api: str) -> None:
    owner, first, second, third, fourth = (UserFactory() for _ in range(5))
    project = _project(owner, membership_policy="approval")
    base = f"{api}/projects/{project.slug}"
    for person in (first, second, third, fourth):
        _json(_client(person), "POST", f"{base}/join", {"message": "Hello"})
    requests = {r.user_id: r.pk for r in JoinRequest.objects.all()}
    owner_client = _client(owner)
    pending = owner_client.get(f"{base}/join-requests").json()["items"]
    assert [item["user_id"] for item in pending] == [first.pk, second.pk, third.pk, fourth.pk]
    approved = _json(
        owner_client,
        "POST",
        f"{base}/join-requests/{requests[first.pk]}/approve",
        {"role": "viewer"},
    )
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert Membership.objects.get(project=project, user=first).role == "viewer"
    declined = _json(owner_client, "POST", f"{base}/join-requests/{requests[second.pk]}/decline")
    assert declined.json()["status"] == "declined"
    not_theirs = _json(
        _client(first), "POST", f"{base}/join-requests/{requests[third.pk]}/withdraw"
    )
    assert not_theirs.status_code == 404
    withdrawn = _json(_client(third), "POST", f"{base}/join-requests/{requests[third.pk]}/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"
    plain = _json(owner_client, "POST", f"{base}/join-requests/{requests[fourth.pk]}/approve")
    assert plain.status_code == 200, plain.content
    assert Membership.objects.get(project=project, user=fourth).role == "member"


@pytest.mark.django_db
def test_mentoring_request_and_staff_match(api: str, staff: Any) -> None:
    owner, mentor, volunteer = UserFactory(), UserFactory(), UserFactory()
    project = _project(owner, initiator_type="community_led")
    base = f"{api}/projects/{project.slug}"
    asked = _json(_client(owner), "POST", f"{base}/mentor-request")
    assert (asked.status_code, asked.json()["mentor_status"]) == (200, "requested")
    assert _client(volunteer).get(f"{api}/mentor-requests").status_code == 404
    listed = _client(staff).get(f"{api}/mentor-requests").json()["items"]
    assert [item["slug"] for item in listed] == [project.slug]
    refused = _json(_client(volunteer), "POST", f"{base}/mentor", {"mentor_id": mentor.pk})
    assert refused.status_code == 404
    matched = _json(_client(staff), "POST", f"{base}/mentor", {"mentor_id": mentor.pk})
    assert matched.status_code == 200, matched.content
    assert (matched.json()["mentor_id"], matched.json()["mentor_status"]) == (mentor.pk, "matched")
    assert Membership.objects.get(project=project, user=mentor).role == "researcher"


@pytest.mark.django_db
def test_a_researcher_led_project_cannot_ask_for_a_mentor(api: str) -> None:
    owner = UserFactory()
    project = _project(owner, initiator_type="researcher_led")
    response = _json(_client(owner), "POST", f"{api}/projects/{project.slug}/mentor-request")
    assert (response.status_code, response.json()["code"]) == (409, "mentoring_community_led_only")


@pytest.mark.django_db
def test_a_private_project_is_not_found_for_outsiders_on_every_route(api: str) -> None:
    owner = UserFactory()
    project = _project(owner, visibility="private", membership_policy="open")
    client = _client(UserFactory())
    base = f"{api}/projects/{project.slug}"
    for method, url in [
        ("GET", f"{base}/members"),
        ("POST", f"{base}/join"),
        ("POST", f"{base}/leave"),
        ("GET", f"{base}/invitations"),
        ("POST", f"{base}/mentor-request"),
    ]:
        assert _json(client, method, url, {}).status_code == 404, url
    assert project.memberships.count() == 1
