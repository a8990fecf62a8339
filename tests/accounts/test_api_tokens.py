"""Personal API tokens: shown once, hashed at rest, named, revocable, last use noted."""

from typing import Any

import pytest

from cslab.accounts.models import ApiToken
from cslab.accounts.models.api_token import hash_token
from cslab.accounts.services.api_tokens import api_token_create, api_token_revoke
from cslab.core.errors import ConflictError, InvalidInputError

pytestmark = pytest.mark.django_db


def test_token_is_stored_only_as_a_hash(volunteer: Any) -> None:
    token, secret = api_token_create(actor=volunteer, user=volunteer, name="field laptop")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in {stored.token_hash, stored.prefix, stored.name}
    assert stored.token_hash == hash_token(secret)
    assert secret.startswith(stored.prefix)


def test_token_authenticates_api_calls_and_notes_its_last_use(client: Any, volunteer: Any) -> None:
    token, secret = api_token_create(actor=volunteer, user=volunteer, name="script")

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200 and response.json()["email"] == volunteer.email
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_refused_with_a_problem_code(client: Any, volunteer: Any) -> None:
    token, secret = api_token_create(actor=volunteer, user=volunteer, name="script")
    api_token_revoke(actor=volunteer, token=token)

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_unknown_token_is_refused_even_on_public_routes(client: Any, make_user: Any) -> None:
    person = make_user(profile_public=True)
    response = client.get(
        f"/api/v1/users/{person.pk}", headers={"Authorization": "Bearer cslab_not-a-real-token"}
    )
    assert response.status_code == 401


def test_token_of_a_deactivated_user_no_longer_works(client: Any, volunteer: Any) -> None:
    _token, secret = api_token_create(actor=volunteer, user=volunteer, name="script")
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_two_active_tokens_cannot_share_a_name_but_a_revoked_name_can_be_reused(
    volunteer: Any,
) -> None:
    first, _secret = api_token_create(actor=volunteer, user=volunteer, name="script")
    with pytest.raises(ConflictError):
        api_token_create(actor=volunteer, user=volunteer, name="script")
    api_token_revoke(actor=volunteer, token=first)
    api_token_create(actor=volunteer, user=volunteer, name="script")
    assert ApiToken.objects.filter(user=volunteer, name="script").count() == 2


def test_token_needs_a_name(volunteer: Any) -> None:
    with pytest.raises(InvalidInputError):
        api_token_create(actor=volunteer, user=volunteer, name="   ")


def test_token_created_through_the_api_is_shown_once(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    created = client.post(
        "/api/v1/me/tokens", {"name": "r-script"}, content_type="application/json"
    )
    listed = client.get("/api/v1/me/tokens")
    assert created.status_code == 201 and created.json()["token"].startswith("cslab_")
    assert "token" not in listed.json()[0]


def test_token_page_shows_the_new_token_once_and_revokes(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    created = client.post("/accounts/me/tokens/", {"name": "laptop"})
    secret = created.context["new_secret"]
    assert secret.encode() in created.content
    assert secret.encode() not in client.get("/accounts/me/tokens/").content

    token = ApiToken.objects.get(user=volunteer)
    client.post(f"/accounts/me/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_api_token_cannot_create_another_token(client: Any, volunteer: Any) -> None:
    _token, secret = api_token_create(actor=volunteer, user=volunteer, name="stolen")

    response = client.post(
        "/api/v1/me/tokens",
        {"name": "persistence"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "session_required"
    assert "Sign in on the website" in response.json()["detail"]
    assert list(ApiToken.objects.filter(user=volunteer).values_list("name", flat=True)) == [
        "stolen"
    ]


def test_a_token_with_a_session_beside_it_still_cannot_create_a_token(
    client: Any, volunteer: Any
) -> None:
    _token, secret = api_token_create(actor=volunteer, user=volunteer, name="stolen")
    client.force_login(volunteer)
    response = client.post(
        "/api/v1/me/tokens",
        {"name": "persistence"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403
