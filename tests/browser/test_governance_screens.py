"""The privacy notice, the staff's page-view counts and the project settings' data-protection
fields in a real browser, at a phone's and a desktop's width, checked by axe-core and
photographed into var/screenshots/governance-*.png."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cslab.core.roles import SiteRole
from cslab.privacy.analytics import page_view_count
from cslab.projects.models import Project
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import save_screenshot
from tests.factories import TEST_PASSWORD, UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def test_privacy_notice_page_views_and_project_data_protection_settings(
    new_page: Callable[..., Any], assert_accessible: Callable[[Any], None]
) -> None:
    staff = UserFactory(site_role=SiteRole.STAFF)
    project: Project = ProjectFactory(
        public=True,
        name="Bees of Leiden",
        data_embargo_until=timezone.localdate() + timedelta(days=90),
        personal_data_retention_days=365,
    )
    for path, views in (("/", 40), ("/projects/", 25), ("/privacy/", 7), ("/events/", 3)):
        for _number in range(views):
            page_view_count(path=path)

    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport)
        page.goto("/")
        page.locator("footer a", has_text="Privacy").click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == "Privacy notice"
        assert_accessible(page)
        save_screenshot(page, "governance-privacy-notice")

        log_in(page, staff.email)
        page.goto("/analytics/")
        assert page.locator("h1").inner_text() == "Page views"
        assert page.locator("tbody tr").count() == 4
        assert_accessible(page)
        save_screenshot(page, "governance-page-views")

        page.goto(f"/projects/{project.slug}/edit/")
        page.locator("#id_personal_data_retention_days").scroll_into_view_if_needed()
        assert page.locator("#id_personal_data_retention_days").input_value() == "365"
        assert_accessible(page)
        save_screenshot(page, "governance-project-settings")

        page.context.clear_cookies()
        log_in(page, project.initiator.email)
        page.goto(f"/projects/{project.slug}/")
        assert "Data under embargo until" in page.locator("main").inner_text()
        page.context.clear_cookies()
        page.goto(f"/projects/{project.slug}/observations/")
        assert "Data under embargo until" in page.locator("main").inner_text()
        assert_accessible(page)
        save_screenshot(page, "governance-embargoed-observations")
