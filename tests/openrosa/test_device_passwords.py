"""Device passwords: created on the profile (shown once), listed, revoked; the API with a
session only; the migration that dropped HA1 of web passwords."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from cslab.accounts.services.api_tokens import api_token_create
from cslab.core.models import AuditEvent
from cslab.openrosa.models import DevicePassword
from cslab.openrosa.services.device_passwords import device_password_create
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_profile_page_shows_a_new_device_password_once_and_lists_it(client: Client) -> None:
    person = UserFactory()
    client.force_login(person)

    created = client.post("/accounts/me/device-passwords/", {"name": "My phone"})
    listed = client.get("/accounts/me/device-passwords/")

    stored = DevicePassword.objects.get(user=person)
    secret = created.context["new_password"]
    assert created.status_code == 200 and secret in created.content.decode()
    assert stored.name == "My phone" and secret not in (stored.ha1, stored.username)
    assert listed.context["new_password"] is None and secret not in listed.content.decode()
    assert "My phone" in listed.content.decode()
    assert AuditEvent.objects.filter(action="device_password.created").count() == 1


@pytest.mark.django_db
def test_a_person_revokes_their_device_password_and_not_anyone_elses(client: Client) -> None:
    person, other = UserFactory(), UserFactory()
    mine, _secret = device_password_create(actor=person, name="Phone")
    theirs, _other_secret = device_password_create(actor=other, name="Phone")
    client.force_login(person)

    foreign = client.post(f"/accounts/me/device-passwords/{theirs.pk}/revoke/")
    own = client.post(f"/accounts/me/device-passwords/{mine.pk}/revoke/")

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert foreign.status_code == 404 and theirs.revoked_at is None
    assert own.status_code == 302 and mine.revoked_at is not None


@pytest.mark.django_db
def test_the_device_password_page_needs_a_signed_in_person(client: Client) -> None:
    response = client.get("/accounts/me/device-passwords/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_api_creates_lists_and_revokes_device_passwords_with_a_session(
    client: Client,
) -> None:
    person = UserFactory()
    client.force_login(person)

    created = client.post(
        "/api/v1/me/device-passwords", {"name": "Tablet"}, content_type="application/json"
    )
    listed = client.get("/api/v1/me/device-passwords")
    revoked = client.delete(f"/api/v1/me/device-passwords/{created.json()['id']}")

    assert created.status_code == 201 and len(created.json()["password"]) == 23
    assert [row["name"] for row in listed.json()] == ["Tablet"]
    assert "password" not in listed.json()[0] and "ha1" not in listed.json()[0]
    assert revoked.status_code == 204
    assert DevicePassword.objects.get().revoked_at is not None


@pytest.mark.django_db
def test_an_api_token_cannot_create_a_device_password(client: Client) -> None:
    person = UserFactory()
    _token, secret = api_token_create(actor=person, user=person, name="script")

    response = client.post(
        "/api/v1/me/device-passwords",
        {"name": "Tablet"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert response.status_code == 401
    assert not DevicePassword.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_every_digest_of_a_web_password() -> None:
    person = UserFactory()
    before = [("openrosa", "0002_digest_nonce_uses")]
    after = [("openrosa", "0003_device_passwords_replace_web_password_digests")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        old_apps.get_model("openrosa", "DigestCredential").objects.create(
            user_id=person.pk, username=person.email, ha1="0" * 32
        )

        executor = MigrationExecutor(connection)
        executor.migrate(after)

        assert "openrosa_digestcredential" not in connection.introspection.table_names()
        assert not DevicePassword.objects.exists()
    finally:
        # Going back to 0002 also unapplied what depends on openrosa since (the issue 10 split
        # migrations): leave the database as the next test expects it, fully migrated.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_the_personal_data_export_lists_device_passwords_without_their_digest() -> None:
    from cslab.core.personal_data import sections

    person = UserFactory()
    created, _secret = device_password_create(actor=person, name="Phone")
    section = next(section for section in sections() if section.key == "device_passwords")

    exported = section.collect(person)

    assert [row["name"] for row in exported] == ["Phone"]
    assert created.ha1 not in str(exported)
