"""The curation pages in a real browser: axe-core finds nothing, and phone and desktop
screenshots of the queue, a review, the checklist, versions, a diff and the resource page's
status parts land in var/screenshots/hub-curation-*.png for a person to look at."""

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.test import Client

from cslab.hub.models import QualityCriterion, Resource, ResourceAuthor
from cslab.hub.services.curation import resource_transition
from cslab.hub.services.versions import version_record
from tests.browser.screenshots import save_screenshot
from tests.factories import UserFactory
from tests.hub.factories import make_resource

DEFAULTS = importlib.import_module("cslab.hub.migrations.0002_curation_default_criteria")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

BODY = """## Before you start

Find a pond you can visit every week.

## Steps

1. Count the frogs you hear for five minutes.
2. Note the weather.
3. Send your count through the project's form."""


def _signed_in(new_page: Callable[..., Any], user: Any, viewport: dict[str, int]) -> Any:
    client = Client()
    client.force_login(user)
    page = new_page(viewport)
    origin = page.context._impl_obj._options.get("baseURL")
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": origin,
            }
        ]
    )
    return page


def _world() -> dict[str, Any]:
    # A transactional test empties the tables the migrations filled: put the checklist back.
    DEFAULTS.add_criteria(global_apps, None)
    author = UserFactory(display_name="Noor de Vries")
    curator = UserFactory(site_role="staff", display_name="Curator Kim")
    other_curator = UserFactory(site_role="staff", display_name="Curator Sam")
    all_met = {code: True for code in QualityCriterion.objects.values_list("code", flat=True)}
    guide = make_resource(
        submitted_by=author,
        status=Resource.Status.SUBMITTED,
        title="Counting frogs by ear",
        summary="A method card for a weekly five-minute frog count at a garden pond.",
        body=BODY,
        tags={"faculty": ["science"], "keyword": ["amphibians", "sound"]},
    )
    ResourceAuthor.objects.create(resource=guide, name="Noor de Vries", position=0)
    resource_transition(
        actor=other_curator,
        resource=guide,
        action="request_changes",
        comment="Please say how volunteers report a count of zero, and add a licence note.",
        criteria={**all_met, "sources-and-licence": False},
    )
    resource_transition(actor=author, resource=guide, action="submit")
    version_record(actor=curator, resource=guide)
    Resource.objects.filter(pk=guide.pk).update(
        body=BODY + "\n4. A count of zero is a result too: send it.",
        title="Counting frogs by ear at garden ponds",
    )
    for number in range(3):
        make_resource(
            submitted_by=UserFactory(),
            status=Resource.Status.SUBMITTED,
            title=f"Recruiting volunteers in libraries, part {number + 1}",
        )
    make_resource(status=Resource.Status.CHANGES_REQUESTED, title="Consent form for schools")
    waiting = make_resource(
        submitted_by=author, status=Resource.Status.CHANGES_REQUESTED, title="Pond data plan"
    )
    resource_transition(
        actor=curator,
        resource=make_resource(submitted_by=author, status=Resource.Status.SUBMITTED),
        action="decline",
        comment="This duplicates an existing guide.",
        criteria=all_met,
    )
    retired = make_resource(status=Resource.Status.PUBLISHED, title="Old bat survey protocol")
    resource_transition(
        actor=curator,
        resource=retired,
        action="retire",
        notice="Replaced by the 2026 bat survey protocol, which follows the new national method.",
    )
    from cslab.hub.models import Review

    Review.objects.create(
        resource=waiting,
        reviewer=curator,
        decision="request_changes",
        comment="Describe where the data are stored and for how long.",
        criteria=all_met,
    )
    return {
        "author": author,
        "curator": curator,
        "guide": guide,
        "waiting": waiting,
        "retired": retired,
    }


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_curation_pages_look_right_and_pass_axe(
    new_page: Callable[..., Any],
    assert_accessible: Callable[[Any], None],
    viewport: dict[str, int],
) -> None:
    world = _world()
    guide = world["guide"]
    curator = _signed_in(new_page, world["curator"], viewport)

    curator.goto("/hub/curation/")
    assert curator.get_by_role("heading", name="Curation queue").is_visible()
    assert_accessible(curator)
    save_screenshot(curator, "hub-curation-queue")

    curator.goto(f"/hub/{guide.slug}/review/")
    assert_accessible(curator)
    save_screenshot(curator, "hub-curation-review")

    curator.goto("/hub/criteria/")
    assert_accessible(curator)
    save_screenshot(curator, "hub-curation-criteria")

    # Publish from the review page: every criterion met.
    curator.goto(f"/hub/{guide.slug}/review/")
    for radio in curator.locator("input[type=radio][value=yes]").all():
        radio.check()
    curator.locator("input[name=decision][value=publish]").check()
    curator.get_by_role("button", name="Record the decision").click()
    assert Resource.objects.get(pk=guide.pk).status == Resource.Status.PUBLISHED
    save_screenshot(curator, "hub-curation-resource-published")

    curator.goto(f"/hub/{guide.slug}/versions/")
    assert_accessible(curator)
    save_screenshot(curator, "hub-curation-versions")
    curator.get_by_role("button", name="Compare").click()
    assert "/versions/1/2/" in curator.url
    assert_accessible(curator)
    save_screenshot(curator, "hub-curation-diff")

    author = _signed_in(new_page, world["author"], viewport)
    author.goto(f"/hub/{world['waiting'].slug}/")
    assert_accessible(author)
    save_screenshot(author, "hub-curation-notice-changes")

    visitor = new_page(viewport)
    visitor.goto(f"/hub/{world['retired'].slug}/")
    assert visitor.get_by_text("Replaced by the 2026 bat survey protocol").is_visible()
    assert_accessible(visitor)
    save_screenshot(visitor, "hub-curation-notice-retired")
