"""The unsubscribe page: no log-in, two choices, RFC 8058 one-click, unknown tokens 404."""

from typing import Any

import pytest
from django.test import Client

from cslab.hub.models import Subscription
from cslab.hub.services.subscriptions import subscription_follow

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def two(volunteer: Any) -> list[Subscription]:
    return [
        subscription_follow(actor=volunteer, query="q=bats"),
        subscription_follow(actor=volunteer, query="q=frogs"),
    ]


def test_the_page_offers_both_choices_without_logging_in(two: list[Subscription]) -> None:
    response = Client().get(f"/hub/unsubscribe/{two[0].token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop this digest" in html and "Stop all hub e-mails" in html
    assert Subscription.objects.count() == 2


def test_stop_this_digest_stops_only_that_search(two: list[Subscription]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/hub/unsubscribe/{two[0].token}/", {"stop": "one"})
    assert response.status_code == 200
    assert list(Subscription.objects.all()) == [two[1]]


def test_stop_all_stops_every_search_of_the_person(two: list[Subscription], make_user: Any) -> None:
    other = subscription_follow(actor=make_user(), query="q=bats")
    response = Client().post(f"/hub/unsubscribe/{two[1].token}/", {"stop": "all"})
    assert response.status_code == 200
    assert list(Subscription.objects.all()) == [other]


def test_rfc_8058_one_click_post_stops_the_digest(two: list[Subscription]) -> None:
    response = Client(enforce_csrf_checks=True).post(
        f"/hub/unsubscribe/{two[0].token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("token", ["nope", "x" * 500, "%00", "..%2F..%2Fetc"])
def test_an_unknown_token_is_not_found_never_a_server_error(token: str) -> None:
    client = Client()
    assert client.get(f"/hub/unsubscribe/{token}/").status_code == 404
    assert client.post(f"/hub/unsubscribe/{token}/", {"stop": "all"}).status_code == 404


def test_a_used_link_is_not_found_afterwards(two: list[Subscription]) -> None:
    client = Client()
    client.post(f"/hub/unsubscribe/{two[0].token}/", {"stop": "one"})
    assert client.get(f"/hub/unsubscribe/{two[0].token}/").status_code == 404
