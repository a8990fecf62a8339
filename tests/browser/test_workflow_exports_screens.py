"""The data page's "Classifications and results" section on a phone and a desktop, with
axe-core: the owner of a project with a classification workflow prepares a public file of its
results and finds it in the list of files."""

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from cslab.classification.assignment import Identity
from cslab.classification.services.classifications import classification_submit
from cslab.consensus.services.aggregation import aggregation_run
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import save_screenshot
from tests.classification.helpers import make_workflow
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


def test_the_workflow_section_of_the_data_page_on_phone_and_desktop(
    new_page: Any, live_server: Any, assert_accessible: Any, settings: Any, tmp_path: Any
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    workflow, subjects, owner = make_workflow(subjects=2)
    for label in ("bee", "hoverfly"):
        classification_submit(
            identity=Identity(user=UserFactory()),
            workflow=workflow,
            subject=subjects[0],
            answers={"T0": label},
        )
    aggregation_run(actor=owner, workflow=workflow, method="majority")
    session = _session(owner)
    data_page = f"/projects/{workflow.project.slug}/data/"
    for viewport, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = new_page(viewport=viewport)
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page.goto(data_page)
        section = page.locator(
            "section", has=page.get_by_role("heading", name="Classifications and results")
        )
        expect(section).to_contain_text("GeoJSON is not offered")
        expect(section.get_by_role("cell", name=workflow.name)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (
            f"the data page scrolls sideways on a {label}"
        )
        assert_accessible(page)
        save_screenshot(page, "exports-workflows")

        section.locator("#id_workflow-dataset").select_option("results")
        section.locator("#id_workflow-format").select_option("xlsx")
        section.get_by_label("Public (no personal data: classifiers as pseudonymous codes)").check()
        section.get_by_role("button", name="Prepare the file").click()
        expect(page.locator("#job-progress")).to_have_attribute("value", "100", timeout=30_000)
        page.goto(data_page)
        expect(page.get_by_text(f"{workflow.name}: consensus results").first).to_be_visible()
        assert_accessible(page)
        save_screenshot(page, "exports-workflows-ready")
