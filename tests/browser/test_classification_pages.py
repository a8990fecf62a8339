"""The classification pages in a real browser, with DEBUG off as in `make demo`: subject images
load for volunteers and researchers; the classify page is driven by the keyboard from the
start and ends in a clear finished state; and a researcher goes from the workflows page to a
workflow over observation photos, its results in the volunteers' words, the expert review and
the export by visible links only."""

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import expect

from cslab.classification.assignment import Identity
from cslab.classification.models import Subject, SubjectSet, Workflow
from cslab.classification.services.classifications import classification_submit
from cslab.classification.services.workflows import workflow_create, workflow_link_subject_set
from cslab.consensus.services.aggregation import aggregation_run
from cslab.core.roles import ProjectRole
from tests.browser.test_classification_journey import log_in, log_out
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Check = Callable[[Any], None]
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
VISITORS_TASK: dict[str, Any] = {
    "key": "T0",
    "kind": "survey",
    "question": "What is visiting the flower?",
    "choices": [
        {"value": "bee", "label": "Bee"},
        {"value": "hoverfly", "label": "Hoverfly"},
        {"value": "none", "label": "Nothing on the flower"},
    ],
}


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def flower_subjects(project: Any, count: int) -> tuple[SubjectSet, list[Subject]]:
    """A subject set of `count` drawn flower pictures on `project`."""
    subject_set = SubjectSet.objects.create(project=project, name="Flowers")
    made = []
    for number in range(count):
        subject = Subject(
            subject_set=subject_set,
            external_id=f"flower-{number}",
            kind=Subject.Kind.IMAGE,
            content_type="image/png",
        )
        subject.media.save(f"flower-{number}.png", ContentFile(_png((number * 40, 120, 80))))
        made.append(subject)
    return subject_set, made


def _image_workflow(subjects: int, **settings: Any) -> tuple[Workflow, list[Subject], Any]:
    """An active survey over `subjects` drawn pictures, on a public project; returns the
    workflow, its subjects and its owner (a researcher)."""
    owner = UserFactory()
    project = ProjectFactory(public=True, initiator=owner)
    if not project.memberships.filter(user=owner).exists():
        MembershipFactory(project=project, user=owner, role=ProjectRole.OWNER)
    subject_set, made = flower_subjects(project, subjects)
    workflow = workflow_create(
        actor=owner,
        project=project,
        name="Who visits?",
        tasks=[VISITORS_TASK],
        status=Workflow.Status.ACTIVE,
        tutorial="Press a **number key**, then Enter.",
        field_guide="### Bee\nHairy.",
        **settings,
    )
    workflow_link_subject_set(actor=owner, workflow=workflow, subject_set=subject_set)
    return workflow, made, owner


def _member(workflow: Workflow) -> Any:
    volunteer = UserFactory()
    MembershipFactory(project=workflow.project, user=volunteer, role=ProjectRole.MEMBER)
    return volunteer


def _classify(workflow: Workflow, subject: Subject, person: Any, choice: str) -> None:
    classification_submit(
        identity=Identity(user=person),
        workflow=workflow,
        subject=subject,
        answers={"T0": {"choice": choice, "answers": {}}},
    )


def _assert_every_image_loads(page: Any) -> int:
    """Wait for the page's images, then fail naming any that did not load; returns how many."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "Array.from(document.images).every(image => image.complete)", timeout=10_000
    )
    images = page.evaluate(
        "Array.from(document.images).map(image => [image.src, image.naturalWidth])"
    )
    broken = [source for source, width in images if not width]
    assert not broken, f"images that did not load on {page.url}: {broken}"
    return len(images)


def _assert_fits_a_phone(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a phone"


def _screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"classify-{name}.png"), full_page=True)


def test_subject_images_load_on_classify_review_and_talk_pages_with_debug_off(
    new_page: Callable[..., Any], settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    workflow, subjects, researcher = _image_workflow(3, retirement_count=10)
    volunteers = [_member(workflow) for _ in range(2)]
    # A two-two split on the first subject puts it in the expert review queue.
    for person, choice in zip([*volunteers, UserFactory(), UserFactory()], "bbhh", strict=True):
        _classify(workflow, subjects[0], person, {"b": "bee", "h": "hoverfly"}[choice])
    aggregation_run(actor=researcher, workflow=workflow, method="majority")
    base = f"/projects/{workflow.project.slug}"
    classify = f"{base}/workflows/{workflow.slug}/"
    talk = f"{base}/subjects/{subjects[0].pk}/talk/"
    from django.conf import settings as live_settings

    assert not live_settings.DEBUG, "the live server must run as `make demo` does"

    page = new_page(PHONE)
    log_in(page, volunteers[0].email)
    for url in (classify, talk):
        page.goto(url)
        expect(page.locator("main img").first).to_be_visible()
        assert _assert_every_image_loads(page) >= 1
    log_out(page)

    log_in(page, researcher.email)
    for url in (classify, f"{classify}review/", talk):
        page.goto(url)
        expect(page.locator("main img").first).to_be_visible()
        assert _assert_every_image_loads(page) >= 1


def test_a_volunteer_classifies_five_subjects_with_the_keyboard_and_sees_a_finished_state(
    new_page: Callable[..., Any], assert_accessible: Check, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    workflow, _subjects, _researcher = _image_workflow(5, retirement_count=3)
    volunteer = _member(workflow)
    page = new_page(PHONE)
    log_in(page, volunteer.email)
    page.goto(f"/projects/{workflow.project.slug}/workflows/")
    page.get_by_role("link", name=f"Classify: {workflow.name}").click()

    # The guides show a disclosure marker and say what they hold.
    for summary in page.locator("details.guide summary").all():
        marker = summary.evaluate("node => getComputedStyle(node, '::before').content")
        assert marker not in ("none", "normal", '""'), marker
    expect(page.locator("details.guide summary").first).to_contain_text("how to classify")

    # Focus starts on the first answer, not in the filter; "/" reaches the filter and Tab
    # leads back to the answers.
    expect(page.locator("#subject-title")).to_contain_text("flower-")
    first_answer = page.locator("#task-list input[type=radio]").first
    expect(first_answer).to_be_focused()
    _assert_fits_a_phone(page)
    assert_accessible(page)
    _screenshot(page, "classify-keyboard-phone")
    page.keyboard.press("/")
    expect(page.locator(".survey-filter")).to_be_focused()
    page.keyboard.press("Tab")
    expect(first_answer).to_be_focused()
    # Typing in the filter and pressing Enter picks the first choice left.
    page.keyboard.press("/")
    page.keyboard.type("hov")
    page.keyboard.press("Enter")
    hoverfly = page.get_by_role("radio", name="Hoverfly")
    expect(hoverfly).to_be_checked()
    expect(hoverfly).to_be_focused()
    seen = {page.locator("#subject-title").inner_text()}
    page.keyboard.press("Enter")
    expect(page.locator("[data-stat=classifications]")).to_have_text("1")

    for number in range(1, 5):
        title = page.locator("#subject-title").inner_text()
        assert title not in seen
        seen.add(title)
        page.keyboard.press("3" if number % 2 else "1")
        page.keyboard.press("Enter")
        expect(page.locator("[data-stat=classifications]")).to_have_text(str(number + 1))

    finished = page.locator("#finished")
    expect(finished).to_be_visible()
    expect(finished.get_by_role("heading")).to_have_text(
        "You have classified everything available — thank you"
    )
    expect(page.locator("#answer-form")).to_be_hidden()
    expect(page.get_by_role("button", name=re.compile("Done"))).to_be_hidden()
    expect(finished.get_by_role("link", name="Other workflows")).to_be_visible()
    expect(finished.get_by_role("link", name=re.compile("^Back to"))).to_be_visible()
    # Results are for the team: a volunteer is not offered a link that would refuse them.
    expect(finished.get_by_role("link", name="See the results")).to_have_count(0)
    assert_accessible(page)
    _screenshot(page, "classify-finished-phone")
    assert volunteer.classifications.count() == 5


def _observation_photos(project: Any, owner: Any, count: int) -> None:
    """A published form with a photo question and `count` observations with a photo each."""
    from cslab.forms.demo import workbook_bytes
    from cslab.forms.services import form_publish_xlsform
    from cslab.media.models import Media
    from cslab.observations.services.observations import observation_submit

    version = form_publish_xlsform(
        actor=owner,
        project=project,
        file_name="visits.xlsx",
        content=workbook_bytes(
            {
                "survey": [{"type": "image", "name": "photo", "label": "Photo"}],
                "settings": [{"form_id": "visits", "form_title": "Flower visits", "version": "1"}],
            }
        ),
    )
    for number in range(count):
        name = f"17734804130{number:02d}.png"
        observation, _created = observation_submit(
            actor=owner,
            form_version=version,
            instance_id=f"uuid:visit-{number}",
            answers={"photo": name},
        )
        content = _png((200, 40 * number, 60))
        media = Media(
            observation=observation,
            name=name,
            kind="image",
            content_type="image/png",
            size=len(content),
            sha256="0" * 64,
        )
        media.original.save(f"visit-{number}.png", ContentFile(content), save=False)
        media.public_file.save(f"visit-{number}-public.png", ContentFile(content), save=False)
        media.thumbnail.save(f"visit-{number}-thumb.png", ContentFile(content), save=False)
        media.save()


def test_a_researcher_builds_a_workflow_from_observation_photos_and_reviews_its_results(
    new_page: Callable[..., Any], assert_accessible: Check, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    researcher = UserFactory()
    project = ProjectFactory(public=True, initiator=researcher)
    if not project.memberships.filter(user=researcher).exists():
        MembershipFactory(project=project, user=researcher, role=ProjectRole.OWNER)
    _observation_photos(project, researcher, 3)

    page = new_page()
    log_in(page, researcher.email)
    # The project's data first, by the project page's links: the table with its answer
    # columns and thumbnails, the photo gallery, the map; then the classifying work.
    page.goto(f"/projects/{project.slug}/")
    page.get_by_role("link", name="Table of observations").click()
    expect(page.locator("table img.thumb")).to_have_count(3)
    assert_accessible(page)
    page.get_by_role("link", name="Photo gallery").first.click()
    expect(page.locator("ul.gallery img")).to_have_count(3)
    _assert_every_image_loads(page)
    assert_accessible(page)
    page.get_by_role("link", name="Show on the map").first.click()
    expect(page.locator("#observation-map")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Back to ")).first.click()
    page.get_by_role("link", name="Classifying").click()
    expect(page.locator(".empty-state")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Create a workflow from observation photos").click()
    page.get_by_label("Name").fill("Flower visitors")
    page.get_by_label("Question").fill("What is visiting the flower?")
    page.get_by_label("Answers, one per line").fill("Bee\nNothing on the flower")
    page.get_by_label("Subjects").select_option(
        label="Photos of the observations of “Flower visits”"
    )
    page.get_by_label("Retire a subject after this many classifications").fill("4")
    page.get_by_label("Open it to volunteers now").check()
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile("/settings/$"))
    workflow = Workflow.objects.get(project=project)
    subjects = list(Subject.objects.filter(workflow_states__workflow=workflow).order_by("pk"))
    assert len(subjects) == 3 and all(subject.observation_media_id for subject in subjects)

    # Four volunteers: agreed on two photos, split two-two on the third.
    volunteers = [_member(workflow) for _ in range(4)]
    votes = {0: "bbbb", 1: "nnnn", 2: "bbnn"}
    for index, pattern in votes.items():
        for person, vote in zip(volunteers, pattern, strict=True):
            classification_submit(
                identity=Identity(user=person),
                workflow=workflow,
                subject=subjects[index],
                answers={"T0": "bee" if vote == "b" else "nothing-on-the-flower"},
            )

    # From the settings page, by links: the results, an aggregation run, the labels.
    page.get_by_role("navigation", name="Workflow").get_by_role("link", name="Results").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results of Flower visitors")
    page.get_by_role("button", name="Run the aggregation").click()
    expect(page.locator("[data-job-status]")).to_have_attribute(
        "data-job-status", "succeeded", timeout=30_000
    )
    page.goto(f"/projects/{project.slug}/workflows/{workflow.slug}/results/")
    table = page.locator("table.data-table")
    expect(table).to_contain_text("Nothing on the flower")
    expect(table).not_to_contain_text("nothing-on-the-flower")
    assert_accessible(page)
    _screenshot(page, "results-desktop")

    # The disputed photo goes to expert review, shown with its photo and the answer labels.
    page.get_by_role("link", name=re.compile("disputed subject waits")).click()
    expect(page).to_have_url(re.compile("/review/$"))
    _assert_every_image_loads(page)
    expect(page.locator("main")).to_contain_text("Nothing on the flower: 0.")
    assert_accessible(page)
    _screenshot(page, "review-desktop")
    page.get_by_role("radio", name="Nothing on the flower").first.check()
    page.get_by_role("button", name="Decide").first.click()
    expect(page.locator(".messages")).to_contain_text("Nothing on the flower")
    expect(page.locator(".empty-state")).to_be_visible()

    # Back to the results by a link, and the export keeps the raw answer values.
    page.get_by_role("link", name="See the results").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Results with every class probability (CSV)").click()
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert "nothing-on-the-flower" in content
