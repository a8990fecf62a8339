"""The consent pages on a phone and a desktop (screenshots; axe-core): a volunteer opening the
web form of a project with a new consent version is sent to re-consent first, consents, and
comes back to the form; the team's versions page and the draft form."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.consent.models import ConsentRecord
from cslab.core.roles import ProjectRole
from cslab.openrosa.services.app_users import app_user_create
from tests.browser.conftest import DESKTOP
from tests.browser.screenshots import save_screenshot
from tests.collection.test_observations import publish
from tests.consent.factories import make_consent, make_consent_version
from tests.factories import TEST_PASSWORD, UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The narrowest phone the site is made for.
PHONE = {"width": 360, "height": 780}

TEXT_EN = (
    "## What this project studies\n\n"
    "Which birds visit city gardens through the year, led by the University's ecology group.\n\n"
    "## What we collect and why\n\n"
    "Your counts, the place and time, and photos you choose to add. Exact locations of private "
    "observations are deleted after two years.\n\n"
    "## Your rights\n\n"
    "You can withdraw at any moment from this page."
)
TEXT_NL = (
    "## Wat dit project onderzoekt\n\n"
    "Welke vogels stadstuinen bezoeken door het jaar heen.\n\n"
    "## Je rechten\n\n"
    "Je kunt je toestemming altijd intrekken op deze pagina."
)


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def fits(page: Any, viewport: dict[str, int]) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_a_new_version_sends_the_volunteer_to_reconsent_before_the_web_form(
    new_page: Callable[..., Any], assert_accessible: Callable[[Any], None]
) -> None:
    owner = UserFactory(display_name="Rosa Team")
    project = ProjectFactory(public=True, initiator=owner, name="Garden birds of Utrecht")
    publish(project)
    first = make_consent_version(
        project,
        text_en=TEXT_EN,
        text_nl=TEXT_NL,
        ethics_approval_reference="ERB-2026-041",
        minimum_age=16,
    )
    for viewport in (PHONE, DESKTOP):
        volunteer = UserFactory(display_name="Sam")
        MembershipFactory(project=project, user=volunteer, role=ProjectRole.MEMBER)
        make_consent(first, participant=volunteer)
        version = make_consent_version(
            project,
            text_en=TEXT_EN + " (v2)",
            text_nl=TEXT_NL,
            ethics_approval_reference="ERB-2026-041",
            minimum_age=16,
        )
        page = new_page(viewport)
        log_in(page, volunteer.email)
        fill = f"/projects/{project.slug}/forms/birds/fill/"
        page.goto(fill)
        assert f"/projects/{project.slug}/consent/" in page.url
        assert page.locator("h1").count() == 1
        save_screenshot(page, "consent-reconsent")
        fits(page, viewport)
        assert_accessible(page)
        page.locator("input[name=age][value=adult]").check()
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state("load")
        assert page.url.endswith(fill)
        record = ConsentRecord.objects.get(participant=volunteer, superseded_at__isnull=True)
        assert record.version == version
        page.goto(f"/projects/{project.slug}/consent/")
        save_screenshot(page, "consent-given")
        assert_accessible(page)
        page.goto(f"/projects/{project.slug}/consent/withdraw/")
        save_screenshot(page, "consent-withdraw")
        fits(page, viewport)
        assert_accessible(page)


def test_the_team_pages_on_a_phone_and_a_desktop(
    new_page: Callable[..., Any], assert_accessible: Callable[[Any], None]
) -> None:
    owner = UserFactory(display_name="Rosa Team")
    project = ProjectFactory(public=True, initiator=owner, name="Garden birds of Utrecht")
    first = make_consent_version(project, text_en=TEXT_EN, text_nl=TEXT_NL)
    make_consent(first, participant=UserFactory())
    make_consent_version(project, text_en=TEXT_EN, published=False)
    app_user_create(actor=owner, project=project, name="Loan phone 1")
    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport)
        log_in(page, owner.email)
        for name, path in [
            ("consent-versions", "versions/"),
            ("consent-draft", "versions/2/"),
            ("consent-version-published", "versions/1/"),
        ]:
            page.goto(f"/projects/{project.slug}/consent/{path}")
            assert page.locator("h1").count() == 1
            save_screenshot(page, name)
            fits(page, viewport)
            assert_accessible(page)
