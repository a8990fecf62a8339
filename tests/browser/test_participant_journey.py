"""Issue 14's journey, by visible links on a phone, with axe-core on every page: a newcomer signs
up, consents to a project, contributes; the team publishes a new consent version, which stops
the next contribution until they accept it; they export their data and erase their account."""

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from cslab.accounts.models import User
from cslab.consent.models import ConsentRecord
from cslab.consent.services.versions import (
    consent_version_create_draft,
    consent_version_publish,
    consent_version_update,
)
from cslab.observations.models import Observation
from cslab.privacy.models import Erasure
from tests.browser.conftest import PHONE
from tests.browser.navigation import follow_main_menu, page_width
from tests.browser.screenshots import save_screenshot
from tests.browser.test_journeys import NEW_PASSWORD, sign_up
from tests.collection.test_observations import publish
from tests.consent.factories import make_consent_version
from tests.factories import UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]
EMAIL = "newcomer.journey@example.org"
PASSWORD = NEW_PASSWORD


def _look(page: Any, name: str, assert_accessible: Check) -> None:
    width = page_width(page)
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"
    assert_accessible(page)
    save_screenshot(page, f"participant-journey-{name}")


def _contribute(page: Any) -> None:
    """From the project page: Forms → Fill in → answer → Save and send."""
    page.get_by_role("link", name=re.compile("^Forms")).first.click()
    page.get_by_role("link", name=re.compile("^Fill in")).first.click()
    page.wait_for_load_state("load")


def _send_observation(page: Any, site: str) -> None:
    expect(page.locator("#webform")).to_have_attribute("data-ready", "true")
    page.get_by_role("textbox", name=re.compile("^Site")).fill(site)
    page.get_by_label("How many?").fill("3")
    page.get_by_role("button", name="Save and send").click()
    expect(page.locator("#webform-announcement")).to_contain_text("1 observation sent.")


def test_a_newcomer_consents_contributes_reconsents_exports_and_erases(
    new_page: Callable[..., Any], assert_accessible: Check, live_server: Any, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    owner = UserFactory(display_name="Rosa Team")
    project = ProjectFactory(
        public=True, initiator=owner, name="Garden birds of Utrecht", membership_policy="open"
    )
    publish(project)
    first = make_consent_version(
        project, text_en="## Garden birds\n\nWe count birds together.", minimum_age=16
    )
    page = new_page(PHONE)

    # Sign up and confirm the address.
    page.goto("/accounts/signup/")
    link = sign_up(page, EMAIL)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    if not page.get_by_role("button", name="Log out").count():
        page.goto("/accounts/login/")
        page.locator("input[name=login]").fill(EMAIL)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    person = User.objects.get(email=EMAIL)

    # Find the project and consent from its page.
    follow_main_menu(page, "Projects", exact=True)
    page.get_by_role("link", name="Garden birds of Utrecht").first.click()
    page.wait_for_load_state("load")
    _look(page, "project", assert_accessible)
    page.get_by_role("link", name=re.compile("^Consent: version 1")).click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name="Garden birds", exact=True)).to_be_visible()
    _look(page, "consent", assert_accessible)
    page.locator("input[name=age][value=adult]").check()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("load")
    assert ConsentRecord.objects.get(participant=person).version == first

    # Contribute through the web form.
    page.goto(f"/projects/{project.slug}/")
    _contribute(page)
    _look(page, "webform", assert_accessible)
    _send_observation(page, "Back garden")
    assert Observation.objects.get(observer=person).consent_version == first

    # The team publishes version 2: the next contribution waits for re-consent.
    draft, _created = consent_version_create_draft(actor=owner, project=project)
    consent_version_update(
        actor=owner, version=draft, text_en="## Garden birds\n\nWe now also keep photos."
    )
    second = consent_version_publish(actor=owner, version=draft)
    page.goto(f"/projects/{project.slug}/")
    expect(page.get_by_role("link", name=re.compile("^Consent: version 2 is new"))).to_be_visible()
    _contribute(page)
    assert f"/projects/{project.slug}/consent/" in page.url, page.url
    expect(page.get_by_text("We now also keep photos.")).to_be_visible()
    _look(page, "reconsent", assert_accessible)
    page.locator("input[name=age][value=adult]").check()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("load")
    assert "/fill/" in page.url, page.url
    _send_observation(page, "Front garden")
    assert Observation.objects.filter(observer=person, consent_version=second).count() == 1
    assert len(mail.outbox) >= 1

    # My cslab shows both contributions and the consent; export my data from there.
    follow_main_menu(page, "My cslab", exact=True)
    _look(page, "my-cslab", assert_accessible)
    export_personal_data(page, assert_accessible)

    # Erase the account, keeping the contributions under a pseudonym.
    follow_main_menu(page, "My cslab", exact=True)
    page.get_by_role("link", name="Erase my account").click()
    page.wait_for_load_state("load")
    _look(page, "erase", assert_accessible)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Type the word to confirm").fill("ERASE")
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_role("heading", name="Your account has been erased")).to_be_visible()
    _look(page, "erased", assert_accessible)
    person.refresh_from_db()
    assert EMAIL not in person.email and not person.is_active
    assert Observation.objects.filter(observer=person).count() == 2
    assert Erasure.objects.count() == 1


def export_personal_data(page: Any, assert_accessible: Check) -> None:
    """My cslab → Export my data → start → download the zip (the task backend runs at once)."""
    page.get_by_role("link", name="Download my data").click()
    page.wait_for_load_state("load")
    _look(page, "export", assert_accessible)
    page.get_by_role("button", name=re.compile("^Export my data|^Start")).first.click()
    page.wait_for_load_state("load")
    download_link = page.get_by_role("link", name=re.compile("^Download"))
    expect(download_link.first).to_be_visible()
    with page.expect_download() as download_info:
        download_link.first.click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert "data.json" in archive.namelist()
    assert b"Front garden" in archive.read("data.json")
