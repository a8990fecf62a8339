"""Digest authentication: the pure protocol functions and the credentials kept for it."""

import time
from typing import Any

import pytest
import requests
from django.db import connection
from django.test import Client
from requests.auth import HTTPDigestAuth

from cslab.forms.models import FormVersion
from cslab.openrosa import digest
from cslab.openrosa.models import DevicePassword
from cslab.openrosa.services.device_passwords import device_password_create, device_password_revoke
from cslab.projects.models import Project
from tests.factories import TEST_PASSWORD, UserFactory

SECRET = "a-secret"


def _client_header(*, username: str, password: str, uri: str, method: str, nonce: str) -> str:
    """The Authorization header `requests` would send (its own implementation)."""
    auth = HTTPDigestAuth(username, password)
    auth.init_per_thread_state()
    auth._thread_local.chal = {
        "realm": digest.REALM,
        "nonce": nonce,
        "qop": "auth",
        "algorithm": "MD5",
    }
    header = auth.build_digest_header(method, f"http://testserver{uri}")
    assert header is not None
    return header


def test_a_response_computed_by_requests_is_accepted_and_a_wrong_password_is_not() -> None:
    nonce = digest.nonce_make(secret=SECRET, now=1000)
    good = _client_header(
        username="a@example.org", password="pw", uri="/x", method="GET", nonce=nonce
    )
    bad = _client_header(
        username="a@example.org", password="no", uri="/x", method="GET", nonce=nonce
    )
    ha1 = digest.ha1("a@example.org", "pw")

    parsed_good, parsed_bad = digest.parse_authorization(good), digest.parse_authorization(bad)

    assert parsed_good is not None and parsed_bad is not None
    assert digest.response_is_valid(parsed_good, ha1_hex=ha1, method="GET")
    assert not digest.response_is_valid(parsed_good, ha1_hex=ha1, method="POST")
    assert not digest.response_is_valid(parsed_bad, ha1_hex=ha1, method="GET")


def test_a_nonce_tells_its_age_only_when_signed_with_our_secret() -> None:
    nonce = digest.nonce_make(secret=SECRET, now=1000)

    assert digest.nonce_age(nonce, secret=SECRET, now=1600) == 600
    assert digest.nonce_age(nonce, secret="another", now=1600) is None
    assert digest.nonce_age("bm9wZQ==", secret=SECRET, now=1600) is None
    assert digest.nonce_age("%%%", secret=SECRET, now=1600) is None


@pytest.mark.parametrize("header", ["Basic abc", "Digest", 'Digest username="a"', "Digest ,,,="])
def test_incomplete_authorization_headers_are_not_credentials(header: str) -> None:
    assert digest.parse_authorization(header) is None


def test_a_challenge_names_the_realm_qop_and_a_fresh_nonce() -> None:
    value = digest.challenge(secret=SECRET, now=5, stale=True)

    assert value.startswith(f'Digest realm="{digest.REALM}", qop="auth", algorithm=MD5')
    assert value.endswith("stale=true")


@pytest.mark.django_db
def test_setting_or_using_the_web_password_stores_nothing_derived_from_it(client: Client) -> None:
    user = UserFactory()
    user.set_password("a-brand-new-password-1")
    user.save()

    client.post("/accounts/login/", {"login": user.email, "password": "a-brand-new-password-1"})

    assert not DevicePassword.objects.exists()
    table_names = connection.introspection.table_names()
    assert "openrosa_digestcredential" not in table_names


@pytest.mark.django_db
def test_the_web_password_does_not_sign_in_by_digest(
    client: Client, settings: Any, project: Project, version: FormVersion, member: Any
) -> None:
    # Signing in on the web used to record HA1 of the web password for Digest.
    client.post("/accounts/login/", {"login": member.email, "password": TEST_PASSWORD})
    client.logout()
    uri = f"/openrosa/{project.slug}/formList"
    nonce = digest.nonce_make(secret=settings.SECRET_KEY, now=time.time())
    header = _client_header(
        username=member.email, password=TEST_PASSWORD, uri=uri, method="GET", nonce=nonce
    )

    response = client.get(uri, headers={"Authorization": header})

    assert response.status_code == 401


@pytest.mark.django_db
def test_a_device_password_signs_in_until_it_is_revoked(
    client: Client, settings: Any, project: Project, version: FormVersion, member: Any
) -> None:
    created, secret = device_password_create(actor=member, name="Phone")
    uri = f"/openrosa/{project.slug}/formList"

    def attempt() -> int:
        nonce = digest.nonce_make(secret=settings.SECRET_KEY, now=time.time())
        header = _client_header(
            username=member.email, password=secret, uri=uri, method="GET", nonce=nonce
        )
        return int(client.get(uri, headers={"Authorization": header}).status_code)

    assert attempt() == 200
    created.refresh_from_db()
    assert created.last_used_at is not None
    assert created.ha1 == digest.ha1(member.email, secret)

    device_password_revoke(actor=member, device_password=created)

    assert attempt() == 401


@pytest.mark.django_db
def test_each_phone_has_its_own_device_password(
    client: Client, settings: Any, project: Project, version: FormVersion, member: Any
) -> None:
    _first, first_secret = device_password_create(actor=member, name="Phone 1")
    second, second_secret = device_password_create(actor=member, name="Phone 2")
    device_password_revoke(actor=member, device_password=second)
    uri = f"/openrosa/{project.slug}/formList"

    def attempt(password: str) -> int:
        nonce = digest.nonce_make(secret=settings.SECRET_KEY, now=time.time())
        header = _client_header(
            username=member.email, password=password, uri=uri, method="GET", nonce=nonce
        )
        return int(client.get(uri, headers={"Authorization": header}).status_code)

    assert first_secret != second_secret
    assert [attempt(first_secret), attempt(second_secret)] == [200, 401]


@pytest.mark.django_db
def test_a_device_password_made_for_an_old_address_no_longer_signs_in(
    client: Client, settings: Any, project: Project, version: FormVersion, member: Any
) -> None:
    old_address = member.email
    _created, secret = device_password_create(actor=member, name="Phone")
    member.email = "renamed@example.org"
    member.save(update_fields=["email"])
    uri = f"/openrosa/{project.slug}/formList"

    def attempt(username: str) -> int:
        nonce = digest.nonce_make(secret=settings.SECRET_KEY, now=time.time())
        header = _client_header(
            username=username, password=secret, uri=uri, method="GET", nonce=nonce
        )
        return int(client.get(uri, headers={"Authorization": header}).status_code)

    assert [attempt(old_address), attempt("renamed@example.org")] == [401, 401]


@pytest.mark.django_db
def test_repeated_digest_failures_lock_the_username_for_a_while(
    client: Client,
    settings: Any,
    project: Project,
    version: FormVersion,
    member: Any,
    device_password: str,
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    uri = f"/openrosa/{project.slug}/formList"

    def attempt(password: str) -> int:
        nonce = digest.nonce_make(secret=settings.SECRET_KEY, now=time.time())
        header = _client_header(
            username=member.email, password=password, uri=uri, method="GET", nonce=nonce
        )
        return int(client.get(uri, headers={"Authorization": header}).status_code)

    assert attempt(device_password) == 200
    assert [attempt("wrong"), attempt("wrong")] == [401, 401]
    assert attempt(device_password) == 401


@pytest.mark.django_db
def test_an_expired_nonce_gets_a_stale_challenge(
    client: Client,
    settings: Any,
    project: Project,
    version: FormVersion,
    member: Any,
    device_password: str,
) -> None:
    uri = f"/openrosa/{project.slug}/formList"
    old = digest.nonce_make(secret=settings.SECRET_KEY, now=1000)
    header = _client_header(
        username=member.email, password=device_password, uri=uri, method="GET", nonce=old
    )

    response = client.get(uri, headers={"Authorization": header})

    assert response.status_code == 401
    assert "stale=true" in response["WWW-Authenticate"]


def _openrosa_get(url: str, **kwargs: Any) -> requests.Response:
    return requests.get(url, headers={"X-OpenRosa-Version": "1.0"}, timeout=30, **kwargs)


@pytest.mark.django_db(transaction=True)
def test_a_captured_digest_header_sent_again_is_refused(
    live_server: Any,
    project: Project,
    version: FormVersion,
    member: Any,
    device_password: str,
) -> None:
    url = f"{live_server.url}/openrosa/{project.slug}/formList"
    first = _openrosa_get(url, auth=HTTPDigestAuth(member.email, device_password))
    captured = first.request.headers["Authorization"]

    replayed = requests.get(
        url, headers={"X-OpenRosa-Version": "1.0", "Authorization": captured}, timeout=30
    )

    assert first.status_code == 200
    assert replayed.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_a_client_raising_its_nonce_count_is_accepted_without_a_new_challenge(
    live_server: Any,
    project: Project,
    version: FormVersion,
    member: Any,
    device_password: str,
) -> None:
    url = f"{live_server.url}/openrosa/{project.slug}/formList"
    session = requests.Session()
    session.auth = HTTPDigestAuth(member.email, device_password)
    session.headers["X-OpenRosa-Version"] = "1.0"

    first = session.get(url, timeout=30)
    second = session.get(url, timeout=30)

    assert (first.status_code, second.status_code) == (200, 200)
    assert "nc=00000002" in second.request.headers["Authorization"]
    assert second.history == []  # no 401 in between: the same nonce with the next count


@pytest.mark.django_db
def test_a_header_signed_for_another_query_string_is_refused(
    client: Client,
    settings: Any,
    project: Project,
    version: FormVersion,
    member: Any,
    device_password: str,
) -> None:
    nonce = digest.nonce_make(secret=settings.SECRET_KEY, now=time.time())
    path = f"/openrosa/{project.slug}/formList"
    header = _client_header(
        username=member.email,
        password=device_password,
        uri=f"{path}?formID=birds",
        method="GET",
        nonce=nonce,
    )

    response = client.get(f"{path}?formID=other", headers={"Authorization": header})

    assert response.status_code == 401


@pytest.mark.django_db
def test_a_header_signed_for_the_same_query_string_is_accepted(
    client: Client,
    settings: Any,
    project: Project,
    version: FormVersion,
    member: Any,
    device_password: str,
) -> None:
    nonce = digest.nonce_make(secret=settings.SECRET_KEY, now=time.time())
    uri = f"/openrosa/{project.slug}/formList?formID=birds"
    header = _client_header(
        username=member.email, password=device_password, uri=uri, method="GET", nonce=nonce
    )

    response = client.get(uri, headers={"Authorization": header})

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_response_without_qop_is_refused(
    client: Client,
    settings: Any,
    project: Project,
    version: FormVersion,
    member: Any,
    device_password: str,
) -> None:
    nonce = digest.nonce_make(secret=settings.SECRET_KEY, now=time.time())
    uri = f"/openrosa/{project.slug}/formList"
    ha2 = digest.md5_hex(f"GET:{uri}")
    answer = digest.md5_hex(f"{digest.ha1(member.email, device_password)}:{nonce}:{ha2}")
    header = (
        f'Digest username="{member.email}", realm="{digest.REALM}", nonce="{nonce}", '
        f'uri="{uri}", response="{answer}", algorithm=MD5'
    )

    response = client.get(uri, headers={"Authorization": header})

    assert response.status_code == 401


@pytest.mark.django_db
def test_a_nonce_count_is_recorded_once_and_old_ones_are_forgotten() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from cslab.openrosa.models import DigestNonceUse
    from cslab.openrosa.services.digest_nonces import digest_nonce_use_record

    old = DigestNonceUse.objects.create(nonce="old", count=1)
    DigestNonceUse.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))

    assert digest_nonce_use_record(nonce="n", count=1) is True
    assert digest_nonce_use_record(nonce="n", count=2) is True
    assert digest_nonce_use_record(nonce="n", count=1) is False
    assert not DigestNonceUse.objects.filter(nonce="old").exists()


@pytest.mark.django_db
def test_digest_failures_from_one_address_do_not_lock_the_account_elsewhere(
    client: Client,
    settings: Any,
    project: Project,
    version: FormVersion,
    member: Any,
    device_password: str,
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    uri = f"/openrosa/{project.slug}/formList"

    def attempt(password: str, address: str) -> int:
        nonce = digest.nonce_make(secret=settings.SECRET_KEY, now=time.time())
        header = _client_header(
            username=member.email, password=password, uri=uri, method="GET", nonce=nonce
        )
        response = client.get(uri, headers={"Authorization": header}, REMOTE_ADDR=address)
        return int(response.status_code)

    assert [attempt("wrong", "192.0.2.10"), attempt("wrong", "192.0.2.10")] == [401, 401]
    assert attempt(device_password, "192.0.2.10") == 401
    assert attempt(device_password, "198.51.100.20") == 200
