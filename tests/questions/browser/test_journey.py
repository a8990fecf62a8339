"""Research questions in a real browser: similar questions while typing, support with htmx,
triage, notifications; axe-core on every page reached.

Chromium is driven from a thread of its own: `tests/browser` keeps a session-wide browser whose
Playwright event loop lives in the test thread, and Playwright's sync API allows one per thread.
"""

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import expect

from cslab.core.roles import SiteRole
from cslab.questions.models import Question
from cslab.questions.services.questions import question_propose
from tests.browser.conftest import AXE_TAGS, CHROMIUM_ARGS, DESKTOP, PHONE
from tests.conftest import chromium_path, skip_or_fail
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Journey = Callable[[Callable[..., Any]], None]


@pytest.fixture
def drive(live_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run a journey in Chromium; the journey gets `open_page(viewport=None)`."""
    executable = chromium_path()
    if executable is None:
        skip_or_fail("Chromium is not installed (apt-get install chromium); browser tests need it")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def run(journey: Journey) -> None:
        errors: list[BaseException] = []

        def work() -> None:
            from playwright.sync_api import sync_playwright

            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(
                        executable_path=executable, headless=True, args=CHROMIUM_ARGS
                    )

                    def open_page(viewport: dict[str, int] | None = None) -> Any:
                        context = browser.new_context(
                            base_url=live_server.url, locale="en-GB", viewport=viewport or DESKTOP
                        )
                        context.set_default_timeout(15_000)
                        return context.new_page()

                    try:
                        journey(open_page)
                    finally:
                        browser.close()
            except BaseException as error:
                errors.append(error)
            finally:
                connections.close_all()

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        if errors:
            raise errors[0]

    return run


def assert_accessible(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.response["passes"], f"axe-core checked nothing on {page.url}"
    assert results.violations_count == 0, (
        f"axe-core found violations on {page.url}:\n{results.generate_report()}"
    )


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def test_a_volunteer_sees_similar_questions_proposes_and_staff_triage_it(drive: Any) -> None:
    asker, existing_asker = UserFactory(), UserFactory()
    staff = UserFactory(site_role=SiteRole.STAFF)
    existing = question_propose(
        actor=existing_asker,
        text="Is the water of the Oude Rijn safe to swim in?",
        why_it_matters="Students swim there every summer.",
        domains=["water"],
    )

    def journey(open_page: Callable[..., Any]) -> None:
        volunteer = open_page()
        log_in(volunteer, asker.email)
        volunteer.goto("/questions/")
        expect(volunteer.get_by_role("heading", level=1)).to_have_text("Research questions")
        assert_accessible(volunteer)

        volunteer.get_by_role("link", name="Propose a question").first.click()
        expect(volunteer).to_have_url(re.compile("/questions/propose/"))
        volunteer.wait_for_load_state("load")  # htmx listens from DOMContentLoaded on
        question_box = volunteer.get_by_role("textbox", name="Your question")
        question_box.press_sequentially("Can I swim in the Oude Rijn?")
        suggestions = volunteer.locator("#similar-questions")
        expect(suggestions.get_by_role("link", name=existing.text)).to_be_visible()
        volunteer.get_by_label("Why does it matter to you?").fill("My grandchildren want to swim.")
        volunteer.get_by_label("Water").check()
        assert_accessible(volunteer)

        volunteer.get_by_role("button", name="Propose my question").click()
        expect(volunteer.get_by_role("heading", name="Check your question")).to_be_visible()
        assert_accessible(volunteer)
        volunteer.get_by_role("button", name="Propose my question").click()
        expect(volunteer).to_have_url(re.compile(r"/questions/\d+/$"))
        heading = volunteer.get_by_role("heading", level=1)
        expect(heading).to_have_text("Can I swim in the Oude Rijn?")
        assert_accessible(volunteer)

        volunteer.goto(existing.get_absolute_url())
        volunteer.get_by_role("button", name="Support this question").click()
        expect(volunteer.get_by_text("1 supporter", exact=True)).to_be_visible()
        expect(volunteer.get_by_role("button", name="Withdraw my support")).to_be_visible()
        volunteer.get_by_role("button", name="Follow this question").click()
        expect(volunteer.get_by_role("button", name="Stop following")).to_be_visible()
        assert_accessible(volunteer)

        mine = Question.objects.get(proposer=asker)
        lab = open_page()
        log_in(lab, staff.email)
        lab.goto("/questions/triage/?sort=support")
        expect(lab.get_by_role("heading", level=1)).to_have_text("Triage research questions")
        assert_accessible(lab)
        lab.get_by_label(f"Select question {mine.pk}").check()
        lab.get_by_label(f"Select question {existing.pk}").check()
        lab.get_by_label("Do this with the selected questions").select_option("merge")
        lab.get_by_label("Merge into question number").fill(str(existing.pk))
        lab.get_by_role("button", name="Apply").click()
        expect(lab.get_by_text("1 question changed.")).to_be_visible()

        volunteer.goto("/notifications/")
        expect(volunteer.get_by_text("1 unread notification", exact=True)).to_be_visible()
        expect(volunteer.get_by_role("link", name=re.compile("was merged into"))).to_be_visible()
        assert_accessible(volunteer)
        volunteer.get_by_role("button", name=re.compile("^Mark as read")).click()
        expect(volunteer.get_by_text("0 unread notifications", exact=True)).to_be_visible()

        volunteer.goto("/questions/mine/")
        expect(volunteer.get_by_role("heading", name="Questions you asked")).to_be_visible()
        assert_accessible(volunteer)

    drive(journey)
    assert Question.objects.get(proposer=asker).merged_into == existing


def test_the_question_page_fits_a_phone(drive: Any) -> None:
    question = question_propose(
        actor=UserFactory(),
        text="Where do the swifts of Leiden spend the winter?",
        why_it_matters="They leave every August.",
        place_name="Leiden",
        latitude=52.16,
        longitude=4.49,
    )

    def journey(open_page: Callable[..., Any]) -> None:
        phone = open_page(viewport=PHONE)
        phone.goto(question.get_absolute_url())
        expect(phone.get_by_role("heading", level=1)).to_have_text(question.text)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert_accessible(phone)

    drive(journey)
