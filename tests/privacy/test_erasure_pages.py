"""Erasure seen from outside: pages, API, exports, search, the audit log; the erasure page, its
API and its command."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from cslab.accounts.models import User
from cslab.core.roles import SiteRole
from cslab.privacy.models import Erasure
from cslab.privacy.services.erasure import account_erase
from tests.factories import TEST_PASSWORD, UserFactory
from tests.privacy.erasure_world import CANARIES, EMAIL, World, plant

pytestmark = pytest.mark.django_db


def _urls(world: World) -> list[str]:
    slug = world.project.slug
    resource = world.things["resource"]
    event = world.things["event"]
    workflow = world.things["workflow"]
    urls = [f"/projects/{slug}/observations/{item.pk}/" for item in world.observations]
    urls += [
        f"/questions/{world.things['question'].pk}/",
        f"/projects/{slug}/team/",
        f"/projects/{slug}/",
        f"/hub/{resource.slug}/",
        f"/events/{event.slug}/",
        f"/events/{event.slug}/attendance/",
        f"/events/{event.slug}/attendees.csv",
        f"/certificates/{world.things['certificate'].code}/",
        f"/projects/{slug}/workflows/{workflow.slug}/export/classifications.csv",
        f"/api/v1/projects/{slug}/observations",
        f"/api/v1/projects/{slug}/observations/{world.observations[0].pk}",
        f"/people/{world.person.pk}/",
        "/hub/?q=Wrennifer",
        "/hub/?q=canarysson",
        "/projects/?q=Wrennifer",
        "/audit/",
    ]
    return urls


def _leaks(world: World) -> tuple[list[str], int]:
    staff = Client()
    staff.force_login(UserFactory(site_role=SiteRole.STAFF, is_superuser=True))
    owner = Client()
    owner.force_login(world.project.initiator)
    leaks: list[str] = []
    served = 0
    for who, client in (("staff", staff), ("owner", owner), ("anonymous", Client())):
        for url in _urls(world):
            response = client.get(url)
            served += response.status_code == 200
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = (str(response.headers) + body.decode("utf-8", errors="replace")).casefold()
            leaks += [f"{who} {url}: {canary}" for canary in CANARIES if canary.casefold() in text]
    return leaks, served


def test_pages_api_exports_search_and_audit_show_the_person_before_erasure() -> None:
    """The check below is not vacuous."""
    world = plant()

    leaks, served = _leaks(world)

    assert len(leaks) >= 10
    assert served >= 25


def test_after_erasure_no_page_api_export_search_or_audit_answer_names_the_person() -> None:
    world = plant()
    account_erase(
        actor=world.person, user=world.person, delete_contributions=False, requested_through="web"
    )

    leaks, served = _leaks(world)

    assert leaks == []
    assert served >= 25


def _signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_erasure_page_erases_logs_out_and_says_goodbye() -> None:
    person = UserFactory(email=EMAIL)
    client = _signed_in(person)
    assert "Erase my account" in client.get("/me/erase/").content.decode()

    response = client.post(
        "/me/erase/",
        {"contributions": "keep", "password": TEST_PASSWORD, "confirmation": "ERASE"},
    )

    assert response.status_code == 302 and response["Location"] == "/erased/"
    assert client.get("/erased/").status_code == 200
    assert client.get("/me/erase/").status_code == 302  # logged out
    assert not User.objects.filter(email=EMAIL).exists()
    assert Erasure.objects.get().requested_through == "web"


@pytest.mark.parametrize(
    ("password", "confirmation"), [("wrong-password", "ERASE"), (TEST_PASSWORD, "erase it")]
)
def test_the_erasure_page_needs_the_password_and_the_word(password: str, confirmation: str) -> None:
    person = UserFactory(email=EMAIL)
    client = _signed_in(person)

    response = client.post(
        "/me/erase/", {"contributions": "keep", "password": password, "confirmation": confirmation}
    )

    assert response.status_code == 200
    assert User.objects.filter(email=EMAIL, is_active=True).exists()
    assert not Erasure.objects.exists()


def test_a_person_without_a_password_is_asked_to_sign_in_again() -> None:
    person = UserFactory(email=EMAIL)
    person.set_unusable_password()
    person.save()
    client = _signed_in(person)

    response = client.post("/me/erase/", {"contributions": "keep", "confirmation": "ERASE"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=%2Fme%2Ferase%2F")
    assert User.objects.filter(email=EMAIL, is_active=True).exists()


def test_a_person_without_a_password_who_just_signed_in_may_erase() -> None:
    person = UserFactory(email=EMAIL)
    person.set_unusable_password()
    person.save()
    client = _signed_in(person)
    session = client.session
    session["account_authentication_methods"] = [{"method": "socialaccount", "at": time.time()}]
    session["account_authentication_methods_user"] = str(person.pk)
    session.save()

    response = client.post("/me/erase/", {"contributions": "keep", "confirmation": "ERASE"})

    assert response["Location"] == "/erased/"
    assert not User.objects.filter(email=EMAIL).exists()


def test_the_api_erases_with_the_password_only() -> None:
    person = UserFactory(email=EMAIL)
    client = _signed_in(person)

    refused = client.post("/api/v1/me/erase", {"password": "nope"}, content_type="application/json")
    erased = client.post(
        "/api/v1/me/erase",
        {"password": TEST_PASSWORD, "delete_contributions": True},
        content_type="application/json",
    )

    assert refused.status_code == 403 and refused.json()["code"] == "erasure_password_wrong"
    assert erased.status_code == 204
    assert not User.objects.filter(email=EMAIL).exists()
    assert Erasure.objects.get().contributions_deleted


def test_the_command_erases_after_confirmation(monkeypatch: pytest.MonkeyPatch) -> None:
    UserFactory(email=EMAIL)
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    with pytest.raises(CommandError):
        call_command("user", "erase", EMAIL.upper(), stdout=io.StringIO())
    assert User.objects.filter(email=EMAIL).exists()

    output = io.StringIO()
    call_command("user", "erase", EMAIL, "--delete-contributions", "--yes", stdout=output)

    assert "Participant " in output.getvalue()
    assert not User.objects.filter(email=EMAIL).exists()
    erasure = Erasure.objects.get()
    assert erasure.requested_through == "command" and erasure.contributions_deleted


def test_the_command_says_when_nobody_has_the_address() -> None:
    with pytest.raises(CommandError, match="No account"):
        call_command("user", "erase", "nobody@example.org", "--yes", stdout=io.StringIO())
