"""E-mails link to SITE_URL and name SITE_NAME, whatever host the request reached."""

from email.utils import parseaddr
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail

from cslab.core.site import site_absolute_url, site_sync_from_settings
from cslab.notifications.services.notifications import notification_send

pytestmark = pytest.mark.django_db

PASSWORD = "meadow-butterflies-2026"


@pytest.fixture
def elsewhere(settings: Any) -> Any:
    """The site runs at a public address and under its own name; requests reach `testserver`."""
    settings.SITE_URL = "https://lab.example.org"
    settings.SITE_NAME = "Example Lab"
    return settings


def test_sign_up_confirmation_mail_links_to_site_url_and_names_the_site(
    client: Any, elsewhere: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    (message,) = mail.outbox
    assert "https://lab.example.org/accounts/confirm-email/" in message.body
    assert "Hello from Example Lab!" in message.body
    assert "register an account on lab.example.org" in message.body
    assert message.subject.startswith("[Example Lab] ")
    assert "testserver" not in message.body


def test_password_reset_mail_links_to_site_url(
    client: Any, volunteer: Any, elsewhere: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": volunteer.email})
    (message,) = mail.outbox
    assert "https://lab.example.org/accounts/password/reset/key/" in message.body
    assert message.subject.startswith("[Example Lab] ")
    assert "testserver" not in message.body


def test_notification_mail_links_to_site_url_and_names_the_site(
    volunteer: Any, elsewhere: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            recipients=[volunteer], kind="test", message="Your question was answered", url="/q/7/"
        )
    (message,) = mail.outbox
    assert "https://lab.example.org/q/7/" in message.body
    assert "https://lab.example.org/notifications/" in message.body
    # The subject prefix is read from SITE_NAME when settings load.
    assert message.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    assert settings.ACCOUNT_EMAIL_SUBJECT_PREFIX == "[cslab — Citizen Science Lab] "


def test_site_row_follows_site_url_and_site_name(elsewhere: Any) -> None:
    site_sync_from_settings()
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("lab.example.org", "Example Lab")


@pytest.mark.parametrize(
    ("site_url", "location", "expected"),
    [
        ("http://127.0.0.1:8040", "/projects/", "http://127.0.0.1:8040/projects/"),
        ("http://127.0.0.1:8040/", "http://testserver/a/?b=1#c", "http://127.0.0.1:8040/a/?b=1#c"),
        ("https://uni.example/lab", "/projects/", "https://uni.example/lab/projects/"),
        ("https://uni.example/lab", "http://internal/lab/x/", "https://uni.example/lab/x/"),
    ],
)
def test_links_are_rebased_onto_site_url(
    settings: Any, site_url: str, location: str, expected: str
) -> None:
    settings.SITE_URL = site_url
    assert site_absolute_url(location) == expected


def test_reset_for_an_unknown_address_links_to_sign_up_under_site_url(
    client: Any, elsewhere: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    (message,) = mail.outbox
    assert "https://lab.example.org/accounts/signup/" in message.body
    assert message.subject.startswith("[Example Lab] ")
    assert "testserver" not in message.body


def test_mail_comes_from_the_site_by_name(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    (message,) = mail.outbox
    name, address = parseaddr(message.from_email)
    assert (name, address) == (settings.SITE_NAME, "noreply@localhost")
    assert "From: =?utf-8?" in message.message().as_string()  # the dash is encoded, not mangled
