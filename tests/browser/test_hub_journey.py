"""The knowledge hub's journey (issue 12, item 13), by visible labels and links only.

A researcher submits a method card at /hub/submit/; a curator asks for changes on its review
page; the researcher edits it and submits it again; the curator publishes it with every
checklist item ticked. A volunteer opens /hub/, narrows the search to method cards on
biodiversity with the facets, finds the card, follows the search; the weekly digest job runs
and the volunteer's e-mail (read from Django's test mailbox) links to the card. axe-core checks
every page on the way.

Everyone starts from the home page and goes on by the links the menu and the pages show.
"""

import importlib
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from cslab.core.roles import SiteRole
from cslab.hub.models import QualityCriterion, Resource, Subscription
from cslab.hub.services.digest import digest_send_week
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.navigation import follow_main_menu, page_width
from tests.browser.screenshots import save_screenshot
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]
TITLE = "Counting moths at a light trap"


def _log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _answer_checklist(page: Any, met: list[str] | None) -> None:
    """Answer every item of the review's quality checklist: met (all, or the codes named)."""
    checklist = page.get_by_role("group", name="Quality checklist")
    for criterion in QualityCriterion.objects.filter(active=True):
        answer = "Met" if met is None or criterion.code in met else "Not met"
        checklist.get_by_role("group", name=re.compile(re.escape(criterion.label))).get_by_role(
            "radio", name=answer, exact=True
        ).check()


def _look(page: Any, name: str, assert_accessible: Check) -> None:
    width = page_width(page)
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"
    assert_accessible(page)
    save_screenshot(page, f"hub-journey-{name}")


def _monday(moment: Any) -> Any:
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_method_card_goes_from_submission_to_a_followers_digest(
    new_page: Callable[..., Any],
    assert_accessible: Check,
    viewport: dict[str, int],
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    # The default checklist of migration 0002 (a transactional test elsewhere may have flushed it).
    importlib.import_module("cslab.hub.migrations.0002_curation_default_criteria").add_criteria(
        global_apps, None
    )
    researcher = UserFactory()
    curator = UserFactory(site_role=SiteRole.STAFF)
    volunteer = UserFactory()

    # The researcher submits a method card.
    author = new_page(viewport)
    _log_in(author, researcher.email)
    follow_main_menu(author, "Knowledge hub")
    author.get_by_role("link", name="Share a resource").click()
    _look(author, "submit-kind", assert_accessible)
    author.get_by_label("Method card").check()
    author.get_by_role("button", name="Continue").click()
    author.get_by_label("Title:", exact=True).fill(TITLE)
    author.get_by_label("Summary:", exact=True).fill(
        "Attract moths with a light at night and count them."
    )
    author.get_by_label(re.compile("^Text")).fill(
        "## Steps\n\n1. Hang a white sheet.\n2. Switch on the lamp at dusk.\n3. Count."
    )
    author.get_by_role("group", name="Research domain").get_by_label("Biodiversity").check()
    author.get_by_role("group", name="Research phase").get_by_label("Data collection").check()
    _look(author, "submit-form", assert_accessible)
    author.get_by_role("button", name="Save as a draft").click()
    author.get_by_role("button", name="Submit for review").click()
    expect(author.locator("main")).to_contain_text("Submitted for review")
    resource = Resource.objects.get(title=TITLE)
    assert resource.status == Resource.Status.SUBMITTED
    _look(author, "submitted", assert_accessible)

    # The curator finds it in the queue and asks for changes.
    desk = new_page(viewport)
    _log_in(desk, curator.email)
    follow_main_menu(desk, "Hub curation")
    _look(desk, "queue", assert_accessible)
    desk.get_by_role("link", name=re.compile(f"^Review.*{TITLE}")).click()
    expect(desk).to_have_url(re.compile(f"/hub/{resource.slug}/review/$"))
    _look(desk, "review", assert_accessible)
    _answer_checklist(desk, met=["accurate", "useful_in_practice"])
    desk.get_by_role("radio", name="Request changes").check()
    desk.get_by_label("Comment to the author").fill(
        "Please say which lamp to use and how to release the moths."
    )
    desk.get_by_role("button", name="Record the decision").click()
    expect(desk.locator("main")).to_contain_text("Changes requested")
    resource.refresh_from_db()
    assert resource.status == Resource.Status.CHANGES_REQUESTED

    # The researcher sees the comment, edits the text and submits again.
    follow_main_menu(author, "Knowledge hub")
    author.get_by_role("link", name="My resources").click()
    author.get_by_role("link", name=TITLE, exact=True).click()
    expect(author.locator("main")).to_contain_text("which lamp to use")
    author.get_by_role("link", name="Edit").click()
    author.get_by_label(re.compile("^Text")).fill(
        "## Steps\n\n1. Hang a white sheet.\n2. Switch on a 15 W actinic lamp at dusk.\n"
        "3. Count every moth on the sheet each half hour.\n4. Release them at dawn, in cover."
    )
    author.get_by_role("button", name="Save").click()
    author.get_by_role("button", name="Submit again").click()
    resource.refresh_from_db()
    assert resource.status == Resource.Status.SUBMITTED

    # The curator publishes it, every checklist item ticked.
    follow_main_menu(desk, "Hub curation")
    desk.get_by_role("link", name=re.compile(f"^Review.*{TITLE}")).click()
    _answer_checklist(desk, met=None)
    desk.get_by_role("radio", name="Publish").check()
    desk.get_by_role("button", name="Record the decision").click()
    expect(desk.locator("main")).to_contain_text("Published")
    resource.refresh_from_db()
    assert resource.status == Resource.Status.PUBLISHED
    assert resource.version == 1

    # The volunteer finds it through the facets and follows the search.
    reader = new_page(viewport)
    _log_in(reader, volunteer.email)
    follow_main_menu(reader, "Knowledge hub")
    _look(reader, "search", assert_accessible)
    reader.get_by_role("group", name="Kind").get_by_label(re.compile("^Method card")).check()
    reader.get_by_role("group", name="Research domain").get_by_label(
        re.compile("^Biodiversity")
    ).check()
    reader.get_by_role("button", name=re.compile("^(Show results|Apply|Filter)")).click()
    expect(reader).to_have_url(re.compile(r"domain=biodiversity"))
    expect(reader).to_have_url(re.compile(r"kind=method_card"))
    expect(reader.get_by_role("link", name=TITLE)).to_be_visible()
    _look(reader, "search-facets", assert_accessible)
    reader.get_by_role("button", name="Follow this search").click()
    expect(reader.locator("main")).to_contain_text("You follow this search")
    assert Subscription.objects.filter(
        user=volunteer, query="domain=biodiversity&kind=method_card"
    ).exists()
    reader.get_by_role("link", name=TITLE).click()
    expect(reader.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    _look(reader, "resource", assert_accessible)

    # The weekly digest job runs for this week; the volunteer's e-mail links to the card.
    mail.outbox.clear()
    digest_send_week(week_start=_monday(resource.published_at))
    to_volunteer = [message for message in mail.outbox if volunteer.email in message.to]
    assert len(to_volunteer) == 1
    message = to_volunteer[0]
    link = f"/hub/{resource.slug}/"
    assert link in message.body
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    assert link in html
    assert "List-Unsubscribe" in message.extra_headers
    # A second run of the same week sends nothing more.
    digest_send_week(week_start=_monday(resource.published_at))
    assert len([m for m in mail.outbox if volunteer.email in m.to]) == 1
