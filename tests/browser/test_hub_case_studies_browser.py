"""The case-study pages in Chromium: phone and desktop screenshots of the list, the resource
page's case-study part, the edit form and the print page; the print page fits one A4 page;
axe-core finds nothing on them."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.hub.services import case_studies
from cslab.hub.vocabulary import ResourceTagKind
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import SCREENSHOT_DIR, save_screenshot
from tests.factories import TEST_PASSWORD, UserFactory
from tests.hub.case_study_helpers import make_case_study
from tests.hub.test_case_studies_pages import told

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def test_case_study_pages_on_a_phone_and_a_desktop(
    new_page: Callable[..., Any],
    assert_accessible: Callable[[Any], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(case_studies, "_record_version", lambda **kwargs: None)
    author = UserFactory()
    resource = told(author, tags={ResourceTagKind.FACULTY: ["science"]})
    make_case_study(title="Pupils count swifts", summary="A school class counted swifts.")
    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport)
        page.goto("/hub/case-studies/")
        assert_accessible(page)
        save_screenshot(page, "hub-case-studies-list")
        page.goto(f"/hub/{resource.slug}/")
        assert_accessible(page)
        save_screenshot(page, "hub-case-studies-detail")
        page.goto(f"/hub/{resource.slug}/print/")
        assert_accessible(page)
        save_screenshot(page, "hub-case-studies-print")
        log_in(page, author.email)
        page.goto(f"/hub/{resource.slug}/case-study/")
        assert_accessible(page)
        save_screenshot(page, "hub-case-studies-edit")

    page = new_page(DESKTOP)
    page.goto(f"/hub/{resource.slug}/print/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    (SCREENSHOT_DIR / "hub-case-studies-print.pdf").write_bytes(pdf)
    assert (
        pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page/") == 1
        or pdf.count(b"/Type/Page") - pdf.count(b"/Type/Pages") == 1
    )
