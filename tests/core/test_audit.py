"""The audit log: services record who did what; staff browse and filter it."""

from typing import Any

import pytest

from cslab.accounts.services.api_tokens import api_token_create, api_token_revoke
from cslab.accounts.services.users import profile_update
from cslab.core.models import AuditEvent
from cslab.core.services.audit import audit_record

pytestmark = pytest.mark.django_db


def test_changing_a_profile_records_actor_action_target_and_fields(volunteer: Any) -> None:
    profile_update(actor=volunteer, user=volunteer, bio="I count bees.")
    event = AuditEvent.objects.get(action="profile.updated")
    assert event.actor == volunteer
    assert event.target_id == str(volunteer.pk)
    assert event.target_type.model == "user"
    assert event.details == {"fields": ["bio"]}
    assert event.created_at is not None


def test_a_change_that_changes_nothing_is_not_recorded(volunteer: Any) -> None:
    profile_update(actor=volunteer, user=volunteer, bio=volunteer.bio)
    assert not AuditEvent.objects.filter(action="profile.updated").exists()


def test_event_stays_readable_after_its_target_is_deleted(volunteer: Any) -> None:
    token, _secret = api_token_create(actor=volunteer, user=volunteer, name="laptop")
    api_token_revoke(actor=volunteer, token=token)
    label = str(token)
    token.delete()
    event = AuditEvent.objects.get(action="token.revoked")
    assert event.target_label == label


def test_anonymous_actor_is_stored_as_no_actor(db: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    event = audit_record(actor=AnonymousUser(), action="test.anonymous")
    assert event.actor is None


def test_staff_can_filter_the_audit_log_by_action_and_actor(
    client: Any, staff: Any, volunteer: Any, make_user: Any
) -> None:
    other = make_user()
    profile_update(actor=volunteer, user=volunteer, bio="mine")
    profile_update(actor=other, user=other, bio="theirs")
    api_token_create(actor=volunteer, user=volunteer, name="script")
    client.force_login(staff)

    response = client.get("/audit/", {"action": "profile.updated", "actor": volunteer.email})

    events = list(response.context["page"])
    assert [(e.action, e.actor_id) for e in events] == [("profile.updated", volunteer.pk)]
    assert "token.created" in response.context["actions"]


def test_audit_log_api_filters_by_target(client: Any, staff: Any, volunteer: Any) -> None:
    token, _secret = api_token_create(actor=volunteer, user=volunteer, name="script")
    api_token_revoke(actor=volunteer, token=token)
    profile_update(actor=volunteer, user=volunteer, bio="other event")
    client.force_login(staff)

    response = client.get(
        "/api/v1/audit-events", {"target_type": "apitoken", "target_id": str(token.pk)}
    )

    assert response.status_code == 200
    actions = [item["action"] for item in response.json()["items"]]
    assert actions == ["token.revoked", "token.created"]


def test_volunteer_cannot_tell_the_audit_log_exists(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    assert client.get("/audit/").status_code == 404
    assert client.get("/api/v1/audit-events").status_code == 404
