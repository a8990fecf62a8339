"""Following hub searches in a real browser: the followed-searches page, the unsubscribe page
and the digest e-mail's HTML, at a phone's and a desktop's width, checked by axe-core and
photographed into var/screenshots/hub-subscriptions-*.png."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core import mail

from cslab.hub.models import Resource
from cslab.hub.services.digest import digest_send_week
from cslab.hub.services.subscriptions import subscription_follow
from cslab.hub.vocabulary import ResourceKind, ResourceTagKind
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import save_screenshot
from tests.factories import TEST_PASSWORD, UserFactory
from tests.hub.factories import make_resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEEK = date(2026, 11, 23)


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def _published(title: str, **fields: Any) -> None:
    resource = make_resource(title=title, **fields)
    Resource.objects.filter(pk=resource.pk).update(
        published_at=datetime(2026, 11, 25, 10, tzinfo=UTC)
    )


def test_following_unsubscribe_and_digest_pages(
    new_page: Callable[..., Any], assert_accessible: Callable[[Any], None]
) -> None:
    person = UserFactory(email="anna@example.org", display_name="Anna Smit")
    subscriptions = [
        subscription_follow(
            actor=person, query="kind=method_card&domain=biodiversity&phase=collection"
        ),
        subscription_follow(actor=person, query="q=bats"),
        subscription_follow(actor=person, query="kind=template&audience=volunteers"),
    ]
    _published(
        "Counting bats at dusk",
        summary="A method card for counting bats along canals with a detector and a tally.",
        tags={ResourceTagKind.DOMAIN: ["biodiversity"], ResourceTagKind.PHASE: ["collection"]},
    )
    _published("Bat detector app", kind=ResourceKind.TOOL, summary="Record and name bat calls.")
    _published(
        "Volunteer consent form",
        kind=ResourceKind.TEMPLATE,
        summary="A consent form for volunteers, in plain language.",
        tags={ResourceTagKind.AUDIENCE: ["volunteers"]},
    )
    _published(
        "Bats in the city: three years of counts",
        kind=ResourceKind.CASE_STUDY,
        summary="What a city-wide count of bats produced and changed.",
    )
    digest_send_week(week_start=WEEK)
    (message,) = mail.outbox
    html = message.alternatives[0][0]

    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport)
        log_in(page, person.email)
        page.goto("/hub/following/")
        assert page.locator("h1").inner_text() == "Followed searches"
        assert_accessible(page)
        save_screenshot(page, "hub-subscriptions-following")

        anonymous = new_page(viewport)
        anonymous.goto(f"/hub/unsubscribe/{subscriptions[1].token}/")
        assert_accessible(anonymous)
        save_screenshot(anonymous, "hub-subscriptions-unsubscribe")

        mail_page = new_page(viewport)
        mail_page.set_content(html)
        save_screenshot(mail_page, "hub-subscriptions-digest-email")

    page = new_page(PHONE)
    log_in(page, person.email)
    page.goto("/hub/following/")
    page.locator(f"form[action='/hub/following/{subscriptions[1].pk}/stop/'] button").click()
    page.wait_for_load_state("load")
    assert "You no longer follow" in page.content()
