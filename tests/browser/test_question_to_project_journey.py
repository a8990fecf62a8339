"""From a citizen's question to a running project, in a real browser (issue 3, item 16).

A community organiser proposes a question on the Lab-wide board; a volunteer supports it; a
researcher adopts it into a new incubating project; the team fills in the checklist and submits
it; Lab staff request changes, then approve; the organiser finds the link to the now active
project. Every step is clicked through the pages, and axe-core checks every page reached.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from cslab.core.roles import SiteRole
from cslab.projects.models import Project
from cslab.projects.services.projects import project_create
from cslab.questions.models import Question
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]

QUESTION = "Do the Leiden canals hold enough oxygen for fish in a hot summer?"
WHY = "Every August our neighbourhood finds dead fish in the Rapenburg."
PROJECT_NAME = "Oxygen in the Leiden canals"
CHANGES_WANTED = "Say how long the measurements of volunteers are kept, and where."
CHECKLIST = {
    "Protocol": "Volunteers measure dissolved oxygen at 20 spots every week, June to September.",
    "Data-management plan": "Measurements go to the Lab's repository under CC BY 4.0.",
    "Or: why no ethics approval is needed": "Only water is measured; no personal data.",
    "Consent text": "I agree that my measurements and first name are published.",
    "Participant recruitment plan": "Through the neighbourhood association and angling clubs.",
}


def log_in(page: Any, email: str, assert_accessible: Check) -> None:
    """Log in through the form; axe-core checks the log-in page and the home page it leads to."""
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert_accessible(page)


def main(page: Any) -> Any:
    return page.get_by_role("main")


def test_a_question_from_the_community_becomes_an_approved_project_its_proposer_can_find(
    new_page: Callable[..., Any], assert_accessible: Check
) -> None:
    organiser = UserFactory(display_name="Fatima the organiser", profile_public=True)
    volunteer = UserFactory()
    researcher = UserFactory(display_name="Dr Jansen", profile_public=True)
    staff = UserFactory(site_role=SiteRole.STAFF)
    # The researcher leads a project Lab staff approved, which is what lets them take up Lab-wide
    # questions (leading an idea of one's own is not enough: issue 9 item 4).
    project_create(
        actor=None, name="Bats of the Hortus", owner=researcher, status=Project.Status.ACTIVE
    )

    # --- The organiser proposes a question on the Lab-wide board.
    asker = new_page()
    log_in(asker, organiser.email, assert_accessible)
    asker.goto("/questions/")
    expect(asker.get_by_role("heading", level=1)).to_have_text("Research questions")
    assert_accessible(asker)
    asker.get_by_role("link", name="Propose a question").first.click()
    expect(asker).to_have_url(re.compile("/questions/propose/$"))
    asker.wait_for_load_state("load")
    asker.get_by_role("textbox", name="Your question").fill(QUESTION)
    asker.get_by_label("Why does it matter to you?").fill(WHY)
    expect(asker.get_by_label("Where to ask")).to_have_value("")  # the Lab-wide board
    asker.get_by_label("Water", exact=True).check()
    assert_accessible(asker)
    asker.get_by_role("button", name="Propose my question").click()
    expect(asker).to_have_url(re.compile(r"/questions/\d+/$"))
    question_url = asker.url
    expect(asker.get_by_role("heading", level=1)).to_have_text(QUESTION)
    expect(asker.get_by_text("Your question is on the board. Thank you!")).to_be_visible()
    expect(asker.locator(".status-badge")).to_have_text("Proposed")
    assert_accessible(asker)
    question = Question.objects.get(text=QUESTION)
    assert question.proposer == organiser and question.project is None

    # --- A volunteer finds it on the board and supports it.
    supporter = new_page()
    log_in(supporter, volunteer.email, assert_accessible)
    supporter.goto("/questions/")
    card = main(supporter).get_by_role("listitem").filter(has_text=QUESTION)
    expect(card).to_contain_text("0 supporters")
    assert_accessible(supporter)
    card.get_by_role("link", name=QUESTION).click()
    expect(supporter).to_have_url(question_url)
    assert_accessible(supporter)
    supporter.get_by_role("button", name="Support this question").click()
    expect(supporter.get_by_text("1 supporter", exact=True)).to_be_visible()
    expect(supporter.get_by_role("button", name="Withdraw my support")).to_be_visible()
    assert_accessible(supporter)
    supporter.goto("/questions/")
    expect(main(supporter).get_by_role("listitem").filter(has_text=QUESTION)).to_contain_text(
        "1 supporter"
    )
    assert_accessible(supporter)

    # --- A researcher finds it in triage and adopts it into a new incubating project.
    lead = new_page()
    log_in(lead, researcher.email, assert_accessible)
    lead.goto("/questions/triage/?sort=support")
    expect(lead.get_by_role("heading", level=1)).to_have_text("Triage research questions")
    row = lead.get_by_role("row").filter(has_text=QUESTION)
    expect(row.get_by_role("cell").nth(6)).to_have_text("1")  # supporters
    assert_accessible(lead)
    row.get_by_role("link", name=QUESTION).click()
    expect(lead).to_have_url(question_url)
    assert_accessible(lead)
    lead.get_by_role("link", name="Adopt into a project").click()
    expect(lead).to_have_url(re.compile(r"/questions/\d+/decide/adopt/$"))
    expect(lead.get_by_role("heading", level=1)).to_have_text("Adopt into a project")
    assert_accessible(lead)
    lead.get_by_label("Project that takes up the question").select_option("new")
    lead.get_by_label("Name of the new project").fill(PROJECT_NAME)
    lead.get_by_label("Note for the people following the question (optional)").fill(
        "We will measure it with you this summer."
    )
    lead.get_by_role("button", name="Adopt into a project").click()
    expect(lead).to_have_url(question_url)
    expect(lead.locator(".status-badge")).to_have_text("Adopted")
    adopted = lead.get_by_role("region", name="Taken up by a project")
    expect(adopted).to_contain_text("Incubating")
    assert_accessible(lead)
    question.refresh_from_db()
    assert question.status == Question.Status.ADOPTED
    project = question.adopted_project
    assert project is not None and project.name == PROJECT_NAME
    assert project.status == Project.Status.INCUBATING
    assert project.research_questions == QUESTION
    subjects = [message.subject for message in mail.outbox if organiser.email in message.to]
    assert (
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Invitation to join the team of {PROJECT_NAME}"
        in subjects
    ), subjects

    # The organiser is told; the project is not public yet, so the question page does not link it.
    asker.goto("/notifications/")
    expect(
        asker.get_by_role("link", name=re.compile(f"was adopted by the project “{PROJECT_NAME}”"))
    ).to_be_visible()
    expect(asker.get_by_role("link", name=re.compile("You are invited to join"))).to_be_visible()
    assert_accessible(asker)
    asker.goto(question_url)
    expect(asker.locator(".status-badge")).to_have_text("Adopted")
    taken_up = asker.get_by_role("region", name="Taken up by a project")
    expect(taken_up).to_contain_text("not public yet")
    expect(taken_up.get_by_role("link")).to_have_count(0)
    assert_accessible(asker)

    # --- The researcher, owner of the new project, fills in the checklist and submits it.
    adopted.get_by_role("link", name=PROJECT_NAME).click()
    expect(lead).to_have_url(re.compile(f"/projects/{project.slug}/$"))
    project_url = lead.url
    expect(lead.get_by_role("heading", level=1)).to_have_text(PROJECT_NAME)
    expect(lead.locator(".project-badges .badge").first).to_contain_text("Incubating")
    assert_accessible(lead)
    lead.locator("main").get_by_role("link", name="Incubation checklist").click()
    expect(lead).to_have_url(re.compile(f"/projects/{project.slug}/checklist/$"))
    expect(lead.get_by_label("Research question(s)")).to_have_value(QUESTION)
    expect(lead.get_by_text("2 of 7 done", exact=True)).to_be_visible()
    assert_accessible(lead)
    for label, value in CHECKLIST.items():
        lead.get_by_label(label).fill(value)
    lead.get_by_role("button", name="Save the checklist").click()
    expect(lead.get_by_text("The checklist is saved.")).to_be_visible()
    expect(lead.get_by_text("7 of 7 done", exact=True)).to_be_visible()
    assert_accessible(lead)
    lead.get_by_label("Note for the reviewers (optional, shown on the public timeline)").fill(
        "Ready for the summer season."
    )
    lead.get_by_role("button", name="Submit for review").click()
    expect(lead.get_by_text(f"“{PROJECT_NAME}” is now in review.")).to_be_visible()
    expect(lead.locator("main")).to_contain_text("In review")
    assert_accessible(lead)

    # --- Lab staff open the review queue and ask for changes.
    reviewer = new_page()
    log_in(reviewer, staff.email, assert_accessible)
    reviewer.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    expect(reviewer).to_have_url(re.compile("/staff/review/$"))
    item = reviewer.get_by_role("group", name=PROJECT_NAME)
    expect(item).to_contain_text("Checklist: 7 of 7 done.")
    assert_accessible(reviewer)
    item.get_by_label("Comment").fill(CHANGES_WANTED)
    item.get_by_role("button", name="Request changes").click()
    expect(reviewer.get_by_text(f"“{PROJECT_NAME}” is now changes requested.")).to_be_visible()
    expect(reviewer.get_by_text("Nothing is waiting for review.")).to_be_visible()
    assert_accessible(reviewer)

    # --- The researcher reads the comment on the timeline, makes the change and resubmits.
    lead.goto(project_url)
    expect(lead.locator(".project-badges .badge").first).to_contain_text("Changes requested")
    timeline = lead.get_by_role("region", name="Timeline")
    expect(
        timeline.locator("blockquote.timeline-comment").filter(has_text=CHANGES_WANTED)
    ).to_be_visible()
    expect(timeline).to_contain_text("from “In review” to “Changes requested”")
    assert_accessible(lead)
    lead.locator("main").get_by_role("link", name="Incubation checklist").click()
    lead.get_by_label("Data-management plan").fill(
        CHECKLIST["Data-management plan"] + " Kept for ten years on the university's servers."
    )
    lead.get_by_role("button", name="Save the checklist").click()
    expect(lead.get_by_text("The checklist is saved.")).to_be_visible()
    assert_accessible(lead)
    lead.get_by_role("link", name=f"Back to {PROJECT_NAME}").click()
    expect(lead).to_have_url(project_url)
    lead.get_by_role("region", name="Next steps").get_by_label("Comment").fill(
        "The data-management plan now says how long and where."
    )
    lead.get_by_role("button", name="Submit again for review").click()
    expect(lead.get_by_text(f"“{PROJECT_NAME}” is now in review.")).to_be_visible()
    expect(lead.locator(".project-badges .badge").first).to_contain_text("In review")
    assert_accessible(lead)

    # --- Lab staff approve: the project is active.
    reviewer.goto("/staff/review/")
    item = reviewer.get_by_role("group", name=PROJECT_NAME)
    assert_accessible(reviewer)
    item.get_by_label("Comment").fill("Thank you: a clear plan.")
    item.get_by_role("button", name="Approve").click()
    expect(reviewer.get_by_text(f"“{PROJECT_NAME}” is now active.")).to_be_visible()
    expect(reviewer.get_by_text("Nothing is waiting for review.")).to_be_visible()
    assert_accessible(reviewer)
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE and project.approved_at is not None

    # --- The organiser is told, follows the link and finds the active project.
    asker.goto("/notifications/")
    started = asker.get_by_role("link", name=re.compile("is now running: you can take part"))
    expect(started).to_be_visible()
    assert_accessible(asker)
    started.click()
    expect(asker).to_have_url(question_url)
    taken_up = asker.get_by_role("region", name="Taken up by a project")
    expect(taken_up).to_contain_text("Active")
    assert_accessible(asker)
    taken_up.get_by_role("link", name=PROJECT_NAME).click()
    expect(asker).to_have_url(project_url)
    expect(asker.get_by_role("heading", level=1)).to_have_text(PROJECT_NAME)
    expect(asker.locator(".project-badges .badge").first).to_contain_text("Active")
    timeline = asker.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("from “In review” to “Active”")
    expect(timeline).to_contain_text(CHANGES_WANTED)
    assert_accessible(asker)

    question.refresh_from_db()
    assert question.status == Question.Status.ADOPTED
    assert question.support_count == 1
