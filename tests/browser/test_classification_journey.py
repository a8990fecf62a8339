"""Journey: a researcher creates a workflow, volunteers classify with the keyboard only until
the subjects retire, the aggregation job runs with progress, the expert queue settles a
disputed subject, the results download; every page passes axe-core."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from cslab.classification.models import Classification, Subject, SubjectSet, WorkflowSubject
from cslab.consensus.models import ConsensusResult
from cslab.core.roles import ProjectRole
from tests.factories import TEST_PASSWORD, UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Check = Callable[[Any], None]


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()
    # The click only starts the logout POST: "load" may still be the old page's,
    # and a goto issued before the logout's answer arrives aborts one of the two.
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    page.wait_for_load_state("load")


def test_a_workflow_from_creation_to_expert_decision_and_export(
    page: Any, assert_accessible: Check
) -> None:
    researcher = UserFactory()
    project = ProjectFactory(public=True, initiator=researcher)
    if not project.memberships.filter(user=researcher).exists():
        MembershipFactory(project=project, user=researcher, role=ProjectRole.OWNER)
    subject_set = SubjectSet.objects.create(project=project, name="Letters")
    for number in range(2):
        Subject.objects.create(
            subject_set=subject_set,
            external_id=f"letter-{number}",
            kind="text",
            text=f"Dear sir, letter {number}",
        )
    volunteers = [UserFactory(), UserFactory()]

    # The researcher creates the workflow.
    log_in(page, researcher.email)
    page.goto(f"/projects/{project.slug}/workflows/new/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Letter types")
    page.get_by_label("Question").fill("What kind of letter is this?")
    page.get_by_label("Answers, one per line").fill("Business\nPrivate")
    page.get_by_label("Subjects").select_option(label="Subject set “Letters”")
    page.get_by_label("Retire a subject after this many classifications").fill("2")
    page.get_by_label("Open it to volunteers now").check()
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile("/settings/$"))
    assert_accessible(page)
    workflow_url = page.url.replace("settings/", "")
    log_out(page)

    # Two volunteers classify with the keyboard only; they disagree on one letter.
    for volunteer, second_answer in zip(volunteers, ("1", "2"), strict=True):
        log_in(page, volunteer.email)
        page.goto(workflow_url)
        for answer in ("1", second_answer):
            expect(page.locator("#subject-title")).to_contain_text("letter-")
            expect(page.locator("#task-list input").first).to_be_focused()
            assert_accessible(page)
            page.keyboard.press(answer)
            page.keyboard.press("Enter")
            expect(page.locator("#feedback")).to_contain_text("Saved")
        expect(page.locator("#finished")).to_contain_text("You have classified everything")
        expect(page.locator("[data-stat=classifications]")).to_have_text("2")
        log_out(page)

    assert Classification.objects.count() == 4
    assert not WorkflowSubject.objects.filter(retired_at__isnull=True).exists()

    # The aggregation job runs from the results page; its page follows the progress.
    log_in(page, researcher.email)
    page.goto(workflow_url + "results/")
    expect(page.locator("main")).to_contain_text("not been aggregated yet")
    assert_accessible(page)
    # Two volunteers are too few to estimate confusion matrices: a plain majority vote.
    page.get_by_label("Method").select_option("majority")
    page.get_by_role("button", name="Run the aggregation").click()
    expect(page).to_have_url(re.compile(r"/aggregation/[0-9a-f-]{36}/$"))
    expect(page.locator("#aggregation-progress")).to_be_visible()
    expect(page.locator("[data-job-status]")).to_have_attribute(
        "data-job-status", "succeeded", timeout=30_000
    )
    expect(page.locator("#aggregation-progress")).to_have_attribute("value", "100")
    expect(page.locator("main")).to_contain_text("What the run found")
    assert_accessible(page)
    assert ConsensusResult.objects.filter(disputed=True).count() == 1

    # The expert queue settles the disputed letter; the results download.
    page.get_by_role("link", name="Go to the expert review queue").click()
    expect(page).to_have_url(re.compile("/review/$"))
    assert_accessible(page)
    page.get_by_role("radio", name="Private").first.check()
    page.get_by_role("button", name="Decide").first.click()
    expect(page.locator(".messages")).to_contain_text("settled")
    expect(page.locator("main")).to_contain_text("No disputed subjects")
    page.goto(workflow_url + "results/")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Results with every class probability (CSV)").click()
    content = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    header, *rows = content.splitlines()
    assert header.endswith("p_business,p_private,license") and len(rows) == 2
    assert "{" not in content
