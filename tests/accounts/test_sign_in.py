"""Sign-up with e-mail verification, log-in throttling, single sign-on switched on by settings."""

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "meadow-butterflies-2026"


def test_sign_up_needs_the_emailed_link_before_logging_in(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {"email": "new@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert client.get("/api/v1/me").status_code == 401

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.org"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]
    client.post(path)

    assert client.get("/api/v1/me").json()["email"] == "new@example.org"


def test_unverified_person_cannot_log_in_with_a_password(client: Any, make_user: Any) -> None:
    person = make_user()
    person.emailaddress_set.update(verified=False)
    response = client.post("/accounts/login/", {"login": person.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert client.get("/api/v1/me").status_code == 401


def test_log_in_with_the_right_password_works(client: Any, volunteer: Any) -> None:
    response = client.post(
        "/accounts/login/", {"login": volunteer.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/api/v1/me").json()["email"] == volunteer.email


def test_eleventh_failed_log_in_within_the_window_is_refused_with_a_clear_message(
    client: Any, volunteer: Any
) -> None:
    for _attempt in range(10):
        response = client.post("/accounts/login/", {"login": volunteer.email, "password": "wrong"})
        assert response.status_code == 200
        assert b"Too many failed" not in response.content

    refused = client.post("/accounts/login/", {"login": volunteer.email, "password": TEST_PASSWORD})

    assert b"Too many failed login attempts" in refused.content
    assert client.get("/api/v1/me").status_code == 401


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/900s/key"})
def test_failed_log_in_limit_is_configurable(client: Any, volunteer: Any) -> None:
    for _attempt in range(3):
        client.post("/accounts/login/", {"login": volunteer.email, "password": "wrong"})
    refused = client.post("/accounts/login/", {"login": volunteer.email, "password": TEST_PASSWORD})
    assert b"Too many failed login attempts" in refused.content


def test_failed_log_ins_for_one_account_do_not_lock_another(
    client: Any, volunteer: Any, make_user: Any
) -> None:
    other = make_user()
    for _attempt in range(10):
        client.post("/accounts/login/", {"login": volunteer.email, "password": "wrong"})
    client.post("/accounts/login/", {"login": other.email, "password": TEST_PASSWORD})
    assert client.get("/api/v1/me").json()["email"] == other.email


@override_settings(
    SOCIALACCOUNT_PROVIDERS={
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "university",
                    "name": "University login",
                    "client_id": "cslab",
                    "secret": "not-a-real-secret",
                    "settings": {"server_url": "https://login.university.example/realms/main"},
                }
            ]
        }
    },
    OIDC_ENABLED=True,
)
def test_single_sign_on_button_shows_when_an_oidc_provider_is_configured(client: Any) -> None:
    page = client.get("/accounts/login/")
    assert b"University login" in page.content
    assert b"/accounts/oidc/university/login/" in page.content


def test_no_single_sign_on_button_without_configuration(client: Any) -> None:
    assert b"/accounts/oidc/" not in client.get("/accounts/login/").content


def test_sign_up_confirmation_and_password_reset_are_in_the_audit_log(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from cslab.core.models import AuditEvent

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": "new@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    confirm = re.search(r"/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert confirm is not None
    client.post(confirm.group(0))
    client.post("/accounts/logout/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "new@example.org"})
    reset = re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[-1].body)
    assert reset is not None
    form = client.get(reset.group(0), follow=True)
    client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else reset.group(0),
        {"password1": "a-brand-new-password-77", "password2": "a-brand-new-password-77"},
    )

    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["user.signed_up", "email.confirmed", "user.password_changed"]
    assert (
        client.post(
            "/accounts/login/", {"login": "new@example.org", "password": "a-brand-new-password-77"}
        ).status_code
        == 302
    )


def test_log_in_switches_to_the_persons_preferred_language(client: Any, make_user: Any) -> None:
    person = make_user(preferred_language="nl")
    client.post("/accounts/login/", {"login": person.email, "password": TEST_PASSWORD})
    assert client.cookies["django_language"].value == "nl"
    assert client.get("/").context["LANGUAGE_CODE"] == "nl"


def test_emails_greet_people_from_cslab_not_from_an_example_domain(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": "new@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert f"Hello from {settings.SITE_NAME}!" in mail.outbox[0].body
    assert "example.com" not in mail.outbox[0].body


ADDRESS_A = "192.0.2.10"
ADDRESS_B = "198.51.100.20"


def test_failed_log_ins_from_one_address_do_not_lock_the_account_elsewhere(
    client: Any, volunteer: Any
) -> None:
    for _attempt in range(10):
        client.post(
            "/accounts/login/",
            {"login": volunteer.email, "password": "wrong"},
            REMOTE_ADDR=ADDRESS_A,
        )

    from_a = client.post(
        "/accounts/login/",
        {"login": volunteer.email, "password": TEST_PASSWORD},
        REMOTE_ADDR=ADDRESS_A,
    )
    assert b"Too many failed login attempts" in from_a.content
    from_b = client.post(
        "/accounts/login/",
        {"login": volunteer.email, "password": TEST_PASSWORD},
        REMOTE_ADDR=ADDRESS_B,
    )
    assert from_b.status_code == 302
    assert client.get("/api/v1/me").json()["email"] == volunteer.email


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_failures_count_by_the_forwarded_address(
    client: Any, volunteer: Any
) -> None:
    proxy = "10.0.0.1"  # every request arrives from the proxy
    for _attempt in range(10):
        client.post(
            "/accounts/login/",
            {"login": volunteer.email, "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=ADDRESS_A,
        )

    from_b = client.post(
        "/accounts/login/",
        {"login": volunteer.email, "password": TEST_PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=ADDRESS_B,
    )

    assert from_b.status_code == 302
