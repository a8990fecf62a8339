"""Invitations by e-mail link: hashed at rest, expiring, single use, revocable.

Decision (documented in services/invitations.py): only an account with the invited address,
verified, may accept; anyone else holding the link gets a clear refusal naming the address
masked. The accepting account is recorded next to the invited address.
"""

import hashlib
import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone, translation

from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
)
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.projects.models import Invitation, Membership, Project
from cslab.projects.services import invitations
from cslab.projects.services.invitations import (
    invitation_accept,
    invitation_revoke,
    invitation_send,
)
from cslab.projects.services.projects import project_create
from cslab.projects.services.team import membership_add
from tests.factories import UserFactory

LINK = re.compile(r"https?://\S+/invitations/(?P<token>[A-Za-z0-9_-]+)/")


def _project(owner: Any) -> Project:
    return project_create(actor=owner, name="Night sky quality")


def _invite(
    capture: Any, owner: Any, project: Project, email: str = "guest@example.org", **extra: Any
) -> tuple[Invitation, str]:
    """Send an invitation and return it with the token read from the e-mail that was sent."""
    with capture(execute=True):
        invitation = invitation_send(
            actor=owner, project=project, email=email, role=extra.pop("role", "researcher"), **extra
        )
    match = LINK.search(mail.outbox[-1].body)
    assert match is not None, mail.outbox[-1].body
    return invitation, match["token"]


@pytest.mark.django_db
def test_the_email_carries_the_link_and_only_the_tokens_hash_is_stored(
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner = UserFactory()
    project = _project(owner)
    invitation, token = _invite(django_capture_on_commit_callbacks, owner, project)
    assert mail.outbox[-1].to == ["guest@example.org"]
    assert project.name in mail.outbox[-1].subject
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert len(token) >= 40
    assert timedelta(days=6, hours=23) < stored.expires_at - timezone.now() <= timedelta(days=7)


@pytest.mark.django_db
def test_no_email_leaves_before_the_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation_send(actor=owner, project=_project(owner), email="a@example.org", role="member")
    assert mail.outbox == []
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_the_email_is_written_in_the_inviters_language(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = UserFactory(preferred_language="nl")
    languages: list[str | None] = []
    real_render = invitations.render_to_string

    def recording_render(template: str, context: Any) -> str:
        languages.append(translation.get_language())
        return real_render(template, context)

    monkeypatch.setattr(invitations, "render_to_string", recording_render)
    with translation.override("en"):
        _invite(django_capture_on_commit_callbacks, owner, _project(owner))
    assert languages == ["nl", "nl"]


@pytest.mark.django_db
def test_accepting_puts_the_person_on_the_team_with_the_invited_role(
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner, guest = UserFactory(), UserFactory(email="guest@example.org")
    project = _project(owner)
    invitation, token = _invite(django_capture_on_commit_callbacks, owner, project)
    membership = invitation_accept(user=guest, token=token)
    assert (membership.user, membership.role) == (guest, ProjectRole.RESEARCHER)
    invitation.refresh_from_db()
    assert invitation.accepted_by == guest
    assert invitation.accepted_at is not None
    assert AuditEvent.objects.filter(action="team.invitation_accepted", actor=guest).count() == 1


@pytest.mark.django_db
def test_a_link_works_only_once(django_capture_on_commit_callbacks: Any) -> None:
    owner, guest, friend = UserFactory(), UserFactory(email="guest@example.org"), UserFactory()
    project = _project(owner)
    _invitation, token = _invite(django_capture_on_commit_callbacks, owner, project)
    invitation_accept(user=guest, token=token)
    with pytest.raises(ConflictError) as raised:
        invitation_accept(user=friend, token=token)
    assert raised.value.code == "invitation_used"
    assert not Membership.objects.filter(project=project, user=friend).exists()


@pytest.mark.django_db
def test_an_expired_link_does_not_work(django_capture_on_commit_callbacks: Any) -> None:
    owner, guest = UserFactory(), UserFactory(email="guest@example.org")
    project = _project(owner)
    invitation, token = _invite(django_capture_on_commit_callbacks, owner, project)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(ConflictError) as raised:
        invitation_accept(user=guest, token=token)
    assert raised.value.code == "invitation_expired"
    assert not Membership.objects.filter(project=project, user=guest).exists()


@pytest.mark.django_db
def test_a_revoked_link_does_not_work_and_cannot_be_revoked_twice(
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner, guest = UserFactory(), UserFactory(email="guest@example.org")
    project = _project(owner)
    invitation, token = _invite(django_capture_on_commit_callbacks, owner, project)
    invitation_revoke(actor=owner, invitation=invitation)
    with pytest.raises(ConflictError) as raised:
        invitation_accept(user=guest, token=token)
    assert raised.value.code == "invitation_revoked"
    with pytest.raises(ConflictError) as twice:
        invitation_revoke(actor=owner, invitation=invitation)
    assert twice.value.code == "invitation_closed"


@pytest.mark.django_db
def test_only_team_managers_invite_and_revoke(django_capture_on_commit_callbacks: Any) -> None:
    owner, researcher = UserFactory(), UserFactory()
    project = _project(owner)
    membership_add(actor=None, project=project, user=researcher, role=ProjectRole.RESEARCHER)
    with pytest.raises(NotFoundError):
        invitation_send(actor=researcher, project=project, email="x@example.org", role="member")
    invitation, _token = _invite(django_capture_on_commit_callbacks, owner, project)
    with pytest.raises(NotFoundError):
        invitation_revoke(actor=researcher, invitation=invitation)
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


@pytest.mark.django_db
def test_a_new_invitation_to_the_same_address_replaces_the_old_link(
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner, guest = UserFactory(), UserFactory(email="guest@example.org")
    project = _project(owner)
    _first, old_token = _invite(django_capture_on_commit_callbacks, owner, project)
    _second, new_token = _invite(
        django_capture_on_commit_callbacks, owner, project, "GUEST@Example.org"
    )
    with pytest.raises(ConflictError):
        invitation_accept(user=guest, token=old_token)
    assert invitation_accept(user=guest, token=new_token).role == "researcher"


@pytest.mark.django_db
def test_someone_else_holding_the_link_is_refused_and_the_link_stays_unused(
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner = UserFactory()
    someone_else = UserFactory(email="personal@example.net")
    project = _project(owner)
    invitation, token = _invite(
        django_capture_on_commit_callbacks, owner, project, "work@example.org"
    )
    with pytest.raises(PermissionDeniedError) as raised:
        invitation_accept(user=someone_else, token=token)
    assert raised.value.code == "invitation_for_another_address"
    assert "w•••@example.org" in raised.value.message
    assert "work@example.org" not in raised.value.message
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and invitation.accepted_by is None
    assert not Membership.objects.filter(project=project, user=someone_else).exists()


@pytest.mark.django_db
def test_a_second_verified_address_of_the_account_may_accept_but_an_unconfirmed_one_may_not(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from allauth.account.models import EmailAddress

    owner, person = UserFactory(), UserFactory(email="personal@example.net")
    address = EmailAddress.objects.create(user=person, email="Work@Example.org", verified=False)
    project = _project(owner)
    _invitation, token = _invite(
        django_capture_on_commit_callbacks, owner, project, "work@example.org"
    )
    with pytest.raises(PermissionDeniedError) as raised:
        invitation_accept(user=person, token=token)
    assert raised.value.code == "invitation_address_unconfirmed"
    address.verified = True
    address.save(update_fields=["verified"])
    assert invitation_accept(user=person, token=token).user == person


@pytest.mark.django_db
def test_an_unknown_token_is_not_found_and_signing_in_is_required(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    owner = UserFactory()
    _invitation, token = _invite(django_capture_on_commit_callbacks, owner, _project(owner))
    with pytest.raises(NotFoundError):
        invitation_accept(user=UserFactory(), token=token + "x")
    with pytest.raises(NotAuthenticatedError):
        invitation_accept(user=AnonymousUser(), token=token)


@pytest.mark.django_db
def test_someone_already_on_the_team_gets_a_conflict_and_the_link_stays_unused(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from allauth.account.models import EmailAddress

    owner, member = UserFactory(), UserFactory()
    # Invited at a second address of theirs, which the team did not know was theirs.
    EmailAddress.objects.create(user=member, email="guest@example.org", verified=True)
    project = _project(owner)
    membership_add(actor=None, project=project, user=member, role=ProjectRole.VIEWER)
    invitation, token = _invite(django_capture_on_commit_callbacks, owner, project)
    with pytest.raises(ConflictError) as raised:
        invitation_accept(user=member, token=token)
    assert raised.value.code == "already_member"
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.django_db
def test_inviting_an_address_already_on_the_team_is_a_conflict() -> None:
    owner = UserFactory()
    member = UserFactory(email="member@example.org")
    project = _project(owner)
    membership_add(actor=None, project=project, user=member, role=ProjectRole.MEMBER)
    with pytest.raises(ConflictError):
        invitation_send(actor=owner, project=project, email="Member@Example.org", role="viewer")
    with pytest.raises(InvalidInputError):
        invitation_send(actor=owner, project=project, email="new@example.org", role="boss")
    with pytest.raises(InvalidInputError):
        invitation_send(actor=owner, project=project, email="not an address", role="member")
    assert not Invitation.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_double_click_accepts_the_invitation_once() -> None:
    owner, guest = UserFactory(), UserFactory(email="guest@example.org")
    project = _project(owner)
    invitation_send(actor=owner, project=project, email="guest@example.org", role="member")
    token = LINK.search(mail.outbox[-1].body)["token"]  # type: ignore[index]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click() -> None:
        try:
            barrier.wait(timeout=10)
            invitation_accept(user=guest, token=token)
            outcomes.append("joined")
        except ConflictError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["invitation_used", "joined"]
    assert Membership.objects.filter(project=project, user=guest).count() == 1


# --- the invitation page ---


@pytest.mark.django_db
def test_the_page_shows_project_and_role_and_sends_signed_out_people_to_log_in(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = UserFactory()
    project = _project(owner)
    _invitation, token = _invite(django_capture_on_commit_callbacks, owner, project)
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert project.name in page and "Researcher" in page
    assert f"/accounts/login/?next=/invitations/{token}/" in page
    assert f"/accounts/signup/?next=/invitations/{token}/" in page
    posted = client.post(f"/invitations/{token}/")
    assert posted.status_code == 302
    assert posted["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_signed_in_person_accepts_on_the_page_and_lands_on_the_project_page(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner, guest = UserFactory(), UserFactory(email="guest@example.org")
    project = _project(owner)
    _invitation, token = _invite(django_capture_on_commit_callbacks, owner, project)
    client.force_login(guest)
    assert b"Accept the invitation" in client.get(f"/invitations/{token}/").content
    response = client.post(f"/invitations/{token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.slug}/"
    assert Membership.objects.get(project=project, user=guest).role == "researcher"
    again = client.post(f"/invitations/{token}/")
    assert again.status_code == 410
    assert b"already been accepted" in again.content


@pytest.mark.django_db
def test_an_unknown_link_is_a_404_page(client: Any) -> None:
    assert client.get("/invitations/not-a-real-token/").status_code == 404


@pytest.mark.django_db
def test_the_page_refuses_another_account_clearly_and_says_how_to_sign_in(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner, intruder = UserFactory(), UserFactory(email="intruder@example.net")
    project = _project(owner)
    _invitation, token = _invite(django_capture_on_commit_callbacks, owner, project)
    client.force_login(intruder)

    shown = client.get(f"/invitations/{token}/")
    posted = client.post(f"/invitations/{token}/")

    assert shown.status_code == posted.status_code == 403
    page = shown.content.decode()
    assert "g•••@example.org" in page and "guest@example.org" not in page
    assert "Accept the invitation" not in page
    assert "Log out and log in with the invited address" in page
    assert not Membership.objects.filter(project=project, user=intruder).exists()
