"""Research questions in a real browser: similar questions while typing, support with htmx,
triage, notifications; axe-core on every page reached."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from cslab.core.roles import SiteRole
from cslab.questions.models import Question
from cslab.questions.services.questions import question_propose
from tests.browser.conftest import PHONE
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def test_a_volunteer_sees_similar_questions_proposes_and_staff_triage_it(
    new_page: Callable[..., Any],
    assert_accessible: Check,
) -> None:
    asker, existing_asker = UserFactory(), UserFactory()
    staff = UserFactory(site_role=SiteRole.STAFF)
    existing = question_propose(
        actor=existing_asker,
        text="Is the water of the Oude Rijn safe to swim in?",
        why_it_matters="Students swim there every summer.",
        domains=["water"],
    )

    volunteer = new_page()
    log_in(volunteer, asker.email)
    volunteer.goto("/questions/")
    expect(volunteer.get_by_role("heading", level=1)).to_have_text("Research questions")
    assert_accessible(volunteer)

    volunteer.get_by_role("link", name="Propose a question").first.click()
    expect(volunteer).to_have_url(re.compile("/questions/propose/"))
    volunteer.wait_for_load_state("load")  # htmx listens from DOMContentLoaded on
    volunteer.get_by_role("textbox", name="Your question").press_sequentially(
        "Can I swim in the Oude Rijn?"
    )
    suggestion = volunteer.locator("#similar-questions").get_by_role("link", name=existing.text)
    expect(suggestion).to_be_visible()
    volunteer.get_by_label("Why does it matter to you?").fill("My grandchildren want to swim.")
    volunteer.get_by_label("Water").check()
    assert_accessible(volunteer)

    volunteer.get_by_role("button", name="Propose my question").click()
    expect(volunteer.get_by_role("heading", name="Check your question")).to_be_visible()
    assert_accessible(volunteer)
    volunteer.get_by_role("button", name="Propose my question").click()
    expect(volunteer).to_have_url(re.compile(r"/questions/\d+/$"))
    expect(volunteer.get_by_role("heading", level=1)).to_have_text("Can I swim in the Oude Rijn?")
    assert_accessible(volunteer)

    volunteer.goto(existing.get_absolute_url())
    volunteer.get_by_role("button", name="Support this question").click()
    expect(volunteer.get_by_text("1 supporter", exact=True)).to_be_visible()
    expect(volunteer.get_by_role("button", name="Withdraw my support")).to_be_visible()
    volunteer.get_by_role("button", name="Follow this question").click()
    expect(volunteer.get_by_role("button", name="Stop following")).to_be_visible()
    assert_accessible(volunteer)

    mine = Question.objects.get(proposer=asker)
    lab = new_page()
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


def test_the_question_page_fits_a_phone(
    new_page: Callable[..., Any],
    assert_accessible: Check,
) -> None:
    asker = UserFactory()
    question = question_propose(
        actor=asker,
        text="Where do the swifts of Leiden spend the winter?",
        why_it_matters="They leave every August.",
        place_name="Leiden",
        latitude=52.16,
        longitude=4.49,
    )
    phone = new_page(viewport=PHONE)
    phone.goto(question.get_absolute_url())
    expect(phone.get_by_role("heading", level=1)).to_have_text(question.text)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert_accessible(phone)
