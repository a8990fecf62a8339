"""The resource pages in a real browser: submitting through the form without JavaScript help,
the resource page with its cover, files and text, and "My resources"; axe-core finds nothing,
and each page leaves a phone and a desktop screenshot in var/screenshots/."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from playwright.sync_api import expect

from cslab.hub.models import Resource
from cslab.hub.services.resources import (
    AuthorInput,
    LinkInput,
    resource_create,
    resource_file_add,
)
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import save_screenshot
from tests.collection.test_media_checks import jpeg_with_gps
from tests.factories import UserFactory
from tests.hub.resource_helpers import pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = """Walking interviews take place **on the move**: the participant leads the way through
their neighbourhood and talks about what they see.

## Steps

1. Agree on a route together.
2. Record the conversation (with consent) and take photos.
3. Write up the walk the same day.

> The place prompts memories that a kitchen table never would.

<script>alert("never runs")</script>
"""


def _published_resource(author: Any) -> Resource:
    colleague = UserFactory(display_name="Dr. Amira Haddad", profile_public=True)
    resource = resource_create(
        actor=author,
        kind="method_card",
        title="Walking interviews in the neighbourhood",
        summary="Talk with residents while they walk you through their street: the place "
        "prompts what a questionnaire misses.",
        body=BODY,
        organisation="Leiden University",
        department="Cultural Anthropology",
        participation_level="collaborative",
        tags={
            "faculty": ["social_sciences", "humanities"],
            "domain": ["social", "heritage"],
            "phase": ["collection", "design"],
            "sdg": ["11", "3"],
            "audience": ["researchers", "community_organisers"],
            "keyword": ["interviews", "mobile methods", "neighbourhood"],
        },
        authors=[AuthorInput(user_id=author.pk), AuthorInput(user_id=colleague.pk)],
        links=[LinkInput(url="https://example.org/walking-methods", title="Background reading")],
        cover_image=SimpleUploadedFile("walk.jpg", jpeg_with_gps(1200, 600)),
        cover_alt_text="Two people walking along a canal, one pointing at a house",
    )
    resource_file_add(
        actor=author, resource=resource, upload=pdf_upload("interview-guide.pdf"), title=""
    )
    resource_file_add(
        actor=author,
        resource=resource,
        upload=SimpleUploadedFile("route-notes.csv", b"stop,what\n1,bakery\n2,old school\n"),
        title="Route notes template",
    )
    Resource.objects.filter(pk=resource.pk).update(status="published", version=1)
    return resource


def _signed_in(open_page: Callable[..., Any], live_server: Any, user: Any, viewport: Any) -> Any:
    client = Client()
    client.force_login(user)
    page = open_page(viewport)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_researcher_submits_a_resource_and_sees_it_among_theirs(
    new_page: Callable[..., Any],
    assert_accessible: Callable[[Any], None],
    live_server: Any,
    viewport: dict[str, int],
) -> None:
    researcher = UserFactory(display_name="Sanne de Vries")
    page = _signed_in(new_page, live_server, researcher, viewport)

    page.goto("/hub/submit/")
    assert_accessible(page)
    save_screenshot(page, "hub-resources-kind-chooser")
    page.locator("input[name=kind][value=template]").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("New: Template")
    page.locator("#id_title").fill("Consent form for walking interviews")
    page.locator("#id_summary").fill("A consent form in plain language, with a photo clause.")
    page.locator("#id_template_type").select_option("consent_form")
    page.get_by_role("group", name="Research domains").get_by_label("Health", exact=True).check()
    page.locator("#id_keywords").fill("consent, photos")
    assert_accessible(page)
    save_screenshot(page, "hub-resources-form")
    page.get_by_role("button", name="Save as a draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Consent form for walking interviews")
    expect(page.get_by_text("Sanne de Vries")).to_be_visible()
    page.goto("/hub/submit/?kind=tool")
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "hub-resources-form-errors")

    _published_resource(researcher)
    page.goto("/hub/mine/")
    expect(page.get_by_text("Finish it, then submit it for review")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "hub-resources-mine")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_visitor_reads_a_published_resource_and_downloads_its_file(
    new_page: Callable[..., Any],
    assert_accessible: Callable[[Any], None],
    viewport: dict[str, int],
) -> None:
    resource = _published_resource(UserFactory(display_name="Sanne de Vries"))
    page = new_page(viewport)
    page.goto(resource.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(resource.title)
    expect(page.get_by_role("img", name="Two people walking along a canal")).to_be_visible()
    expect(page.get_by_role("link", name="Dr. Amira Haddad")).to_be_visible()
    expect(page.get_by_text('<script>alert("never runs")</script>')).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "hub-resources-page")
    with page.expect_download() as download:
        page.get_by_role("link", name="interview-guide.pdf").click()
    assert download.value.suggested_filename == "interview-guide.pdf"
