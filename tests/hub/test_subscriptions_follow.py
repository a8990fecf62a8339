"""Following hub searches: the normal form, once per search, the limit, stopping, the pages."""

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.models import AuditEvent
from cslab.hub.models import Subscription
from cslab.hub.services.subscriptions import (
    MAX_SUBSCRIPTIONS_PER_PERSON,
    subscription_follow,
    subscription_stop,
    subscription_stop_by_token,
    subscriptions_stop_all_by_token,
)

pytestmark = [pytest.mark.django_db]


def test_a_search_is_stored_in_its_normal_form_without_sort_and_page(volunteer: Any) -> None:
    subscription = subscription_follow(
        actor=volunteer,
        query="phase=collection&kind=method_card&sort=newest&page=3&domain=biodiversity&x=1",
    )
    assert subscription.query == "domain=biodiversity&kind=method_card&phase=collection"
    assert len(subscription.token) >= 40


def test_following_the_same_search_again_returns_the_same_row(volunteer: Any) -> None:
    first = subscription_follow(actor=volunteer, query="kind=tool&domain=water")
    again = subscription_follow(actor=volunteer, query="domain=water&kind=tool&page=2")
    assert again.pk == first.pk
    assert Subscription.objects.filter(user=volunteer).count() == 1


def test_the_label_names_the_facets_in_the_viewers_language(volunteer: Any) -> None:
    with translation.override("en"):
        english = subscription_follow(
            actor=volunteer, query="kind=method_card&domain=biodiversity&phase=collection"
        )
    assert english.label == "Method card · Biodiversity · Data collection"
    with translation.override("nl"):
        dutch = subscription_follow(actor=volunteer, query="domain=biodiversity&q=bats")
    assert dutch.label == "“bats” · Biodiversiteit"


def test_a_given_label_is_kept(volunteer: Any) -> None:
    subscription = subscription_follow(actor=volunteer, query="q=bats", label="  My   bats ")
    assert subscription.label == "My bats"


@pytest.mark.parametrize("query", ["", "sort=newest&page=2", "kind=not-a-kind", "q=%20%20"])
def test_an_empty_search_cannot_be_followed(volunteer: Any, query: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        subscription_follow(actor=volunteer, query=query)
    assert error.value.code == "empty_search"


def test_a_person_follows_at_most_fifty_searches(volunteer: Any) -> None:
    for number in range(MAX_SUBSCRIPTIONS_PER_PERSON):
        subscription_follow(actor=volunteer, query=f"q=word{number}")
    with pytest.raises(InvalidInputError) as error:
        subscription_follow(actor=volunteer, query="q=one-more")
    assert error.value.code == "too_many_subscriptions"
    # Following one already followed still answers it.
    assert subscription_follow(actor=volunteer, query="q=word3").query == "q=word3"


def test_control_characters_never_reach_the_stored_label(volunteer: Any) -> None:
    described = subscription_follow(actor=volunteer, query="q=bats%00%01&kind=tool")
    assert "\x00" not in described.label and "\x01" not in described.label
    assert described.query == "q=bats&kind=tool"
    given = subscription_follow(actor=volunteer, query="q=frogs", label="My\x00 frogs\n")
    assert given.label == "My frogs"


def test_only_the_owner_stops_a_followed_search(volunteer: Any, make_user: Any) -> None:
    subscription = subscription_follow(actor=volunteer, query="q=bats")
    with pytest.raises(NotFoundError):
        subscription_stop(actor=make_user(), subscription=subscription)
    subscription_stop(actor=volunteer, subscription=subscription)
    assert not Subscription.objects.exists()
    assert AuditEvent.objects.filter(action="hub.subscription.stopped").count() == 1


def test_a_token_stops_its_search_and_stop_all_stops_every_search_of_that_person(
    volunteer: Any, make_user: Any
) -> None:
    bats = subscription_follow(actor=volunteer, query="q=bats")
    subscription_follow(actor=volunteer, query="q=frogs")
    subscription_follow(actor=volunteer, query="q=moths")
    other = subscription_follow(actor=make_user(), query="q=bats")
    subscription_stop_by_token(token=bats.token)
    assert Subscription.objects.filter(user=volunteer).count() == 2
    remaining = Subscription.objects.filter(user=volunteer).first()
    assert remaining is not None
    assert subscriptions_stop_all_by_token(token=remaining.token) == 2
    assert list(Subscription.objects.all()) == [other]
    with pytest.raises(NotFoundError):
        subscription_stop_by_token(token=bats.token)


def test_following_is_audited(volunteer: Any) -> None:
    subscription_follow(actor=volunteer, query="q=bats")
    event = AuditEvent.objects.get(action="hub.subscription.followed")
    assert event.actor == volunteer


# Pages ---------------------------------------------------------------------------------------


def test_follow_page_redirects_back_to_the_search_with_a_message(volunteer: Any) -> None:
    client = Client()
    client.force_login(volunteer)
    response = client.post("/hub/follow/", {"query": "kind=tool&page=2&q=bats"}, follow=False)
    assert response.status_code == 302
    assert response["Location"] == "/hub/?q=bats&kind=tool"
    assert Subscription.objects.get(user=volunteer).query == "q=bats&kind=tool"


def test_follow_page_refuses_an_empty_search_with_400(volunteer: Any) -> None:
    client = Client()
    client.force_login(volunteer)
    response = client.post("/hub/follow/", {"query": "page=2"})
    assert response.status_code == 400
    assert "choose a facet or type words first" in response.content.decode()
    huge = client.post("/hub/follow/", {"query": "q=" + "x" * 100_000})
    assert huge.status_code == 302


def test_anonymous_visitors_are_sent_to_log_in(client: Any) -> None:
    response = client.post("/hub/follow/", {"query": "q=bats"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_following_page_lists_mine_only_and_stops_one(volunteer: Any, make_user: Any) -> None:
    mine = subscription_follow(actor=volunteer, query="q=bats")
    theirs = subscription_follow(actor=make_user(), query="q=secret-frogs")
    client = Client()
    client.force_login(volunteer)
    page = client.get("/hub/following/").content.decode()
    assert "“bats”" in page and "secret-frogs" not in page
    assert client.post(f"/hub/following/{theirs.pk}/stop/").status_code == 404
    assert client.post(f"/hub/following/{mine.pk}/stop/").status_code == 302
    assert not Subscription.objects.filter(pk=mine.pk).exists()
    assert "You follow no searches yet" in client.get("/hub/following/").content.decode()


def test_follow_form_offers_follow_then_shows_followed(volunteer: Any, rf: Any) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/hub/?q=bats")
    request.user = volunteer
    html = render_to_string("hub/_follow_form.html", {"follow_query": "q=bats"}, request)
    assert "Follow this search" in html
    subscription_follow(actor=volunteer, query="q=bats")
    html = render_to_string("hub/_follow_form.html", {"follow_query": "q=bats"}, request)
    assert "You follow this search" in html
    request.user = AnonymousUser()
    html = render_to_string("hub/_follow_form.html", {"follow_query": "q=bats"}, request)
    assert "Log in to follow this search" in html and "next=/hub/%3Fq%3Dbats" in html
    assert render_to_string("hub/_follow_form.html", {"follow_query": ""}, request).strip() == ""
