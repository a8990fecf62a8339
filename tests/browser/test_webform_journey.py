"""The web form in a real browser: a volunteer on a phone fills in a form with a photo and a
map pin, once online and once offline (the outbox keeps it) and then online again, and finds
the observations on the project's map. Also the browser's expression evaluator, case by case.
"""

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from cslab.core.roles import ProjectRole
from cslab.forms.demo import workbook_bytes
from cslab.forms.models import FormVersion
from cslab.forms.services import form_publish_xlsform
from cslab.media.models import Media
from cslab.observations.models import Observation
from cslab.observations.services.observations import observation_submit
from cslab.projects.models import Membership, Project
from cslab.projects.services.projects import project_create
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]
STATIC = Path(__file__).resolve().parents[2] / "src" / "cslab" / "collection" / "static"
EXPRESSIONS_JS = STATIC / "collection" / "webform" / "expressions.js"


EN = "label::English (en)"
NL = "label::Nederlands (nl)"
JOURNEY_FORM = {
    "survey": [
        {"type": "text", "name": "place", EN: "Place", NL: "Plek", "required": "yes"},
        {"type": "date", "name": "seen_on", EN: "Day seen", NL: "Dag gezien"},
        {
            "type": "integer",
            "name": "count",
            EN: "How many?",
            NL: "Hoeveel?",
            "required": "yes",
            "constraint": ". > 0",
            "constraint_message::English (en)": "Count at least one bird.",
            "constraint_message::Nederlands (nl)": "Tel minstens één vogel.",
        },
        {"type": "select_one species", "name": "species", EN: "Species", NL: "Soort"},
        {
            "type": "text",
            "name": "other",
            EN: "Which other species?",
            NL: "Welke andere soort?",
            "relevant": "${species} = 'other'",
        },
        {"type": "geopoint", "name": "location", EN: "Where did you see them?", NL: "Waar?"},
        {"type": "image", "name": "photo", EN: "Photo", NL: "Foto"},
        {
            "type": "text",
            "name": "story",
            EN: "What happened?",
            NL: "Wat gebeurde er?",
            "appearance": "multiline",
        },
        {"type": "audio", "name": "voice", EN: "Tell it (optional)", NL: "Vertel het (mag)"},
        {
            "type": "note",
            "name": "tally",
            EN: "You counted ${count} birds.",
            NL: "U telde ${count} vogels.",
        },
        {"type": "begin_repeat", "name": "nests", EN: "Nests", NL: "Nesten"},
        {"type": "integer", "name": "eggs", EN: "Eggs in the nest", NL: "Eieren in het nest"},
        {"type": "end_repeat"},
    ],
    "choices": [
        {"list_name": "species", "name": "robin", EN: "Robin", NL: "Roodborst"},
        {"list_name": "species", "name": "other", EN: "Other", NL: "Andere"},
    ],
    "settings": [
        {
            "form_id": "garden_birds",
            "form_title": "Garden birds",
            "version": "1",
            "default_language": "English (en)",
        }
    ],
}


def journey_form_bytes() -> bytes:
    return workbook_bytes(JOURNEY_FORM)


def jpeg_bytes(colour: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def screenshot(page: Any, name: str) -> None:
    """Keep a picture of the page for people to look at (var/screenshots, never committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    kind = "phone" if page.viewport_size["width"] <= PHONE["width"] else "desktop"
    page.screenshot(path=str(SCREENSHOTS / f"forms-{name}-{kind}.png"), full_page=True)


def assert_fits_the_screen(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def signed_in_page(
    new_page: Callable[..., Any], live_server: Any, user: Any, viewport: dict[str, int] = PHONE
) -> Any:
    """A page (phone-sized unless told) whose browser holds a session of `user` (no log-in
    form needed)."""
    client = Client()
    client.force_login(user)
    page = new_page(viewport)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    # No map tiles from the internet in tests: the map works without them.
    page.context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    return page


def fill_observation(
    page: Any, *, place: str, count: str, photo: bytes, pin: dict[str, int]
) -> None:
    expect(page.locator("#webform")).to_have_attribute("data-ready", "true")
    page.get_by_role("textbox", name=re.compile("^Place")).fill(place)
    page.get_by_label("How many?").fill(count)
    page.get_by_role("radio", name="Robin").check()
    page.get_by_label("Photo").set_input_files(
        files=[{"name": "bird.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    photo_preview = page.get_by_role("img", name=re.compile("bird.jpg"))
    expect(photo_preview).to_be_visible()
    # The photo itself shows, not a broken image with its alt text.
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.webform-photo')].some(i => i.naturalWidth > 0)"
    )
    page.locator("#webform-map").click(position=pin)
    expect(page.locator("#webform-latitude")).not_to_have_value("")
    page.get_by_label("What happened?").fill("A robin sang on the fence while I waited.")


def wait_for_draft(page: Any, ready: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Return the form's draft from IndexedDB once `ready` says it holds what was typed."""
    for _attempt in range(50):
        found = page.evaluate(
            "() => CslabQueue.draftGet(document.getElementById('webform').dataset.person"
            " + '/garden-birds/garden_birds').then(d => d || null)"
        )
        if found and ready(found):
            return dict(found)
        page.wait_for_timeout(100)
    raise AssertionError(f"the draft was not kept: {found}")


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(public=True, name="Garden birds", slug="garden-birds")
    project.centre_latitude = 52.09
    project.centre_longitude = 5.12
    project.save(update_fields=["centre_latitude", "centre_longitude"])
    form_publish_xlsform(
        actor=None, project=project, file_name="birds.xlsx", content=journey_form_bytes()
    )
    return project


def test_a_volunteer_fills_the_web_form_online_and_offline_and_finds_it_on_the_map(
    new_page: Callable[..., Any], live_server: Any, project: Project, assert_accessible: Check
) -> None:
    volunteer = UserFactory()
    Membership.objects.create(project=project, user=volunteer, role=ProjectRole.MEMBER)
    page = signed_in_page(new_page, live_server, volunteer)
    fill_url = f"/projects/{project.slug}/forms/garden_birds/fill/"

    # By visible links: the project page, its forms, "Fill in".
    page.goto(f"/projects/{project.slug}/")
    page.get_by_role("link", name=re.compile("^Forms")).first.click()
    expect(page.get_by_role("heading", name="Forms of Garden birds")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    screenshot(page, "list")
    page.get_by_role("link", name=re.compile("^Fill in")).click()
    assert page.url.endswith(fill_url)

    # Online: the form sends at once. Its first question is on the first screen of a phone.
    expect(page.locator("#webform")).to_have_attribute("data-ready", "true")
    first_question = page.get_by_role("textbox", name=re.compile("^Place"))
    assert first_question.bounding_box()["y"] + 40 < PHONE["height"]
    assert_fits_the_screen(page)
    assert_accessible(page)
    screenshot(page, "webform")
    # A rule checked in the browser: a count must be positive.
    page.get_by_label("How many?").fill("0")
    page.get_by_label("How many?").blur()
    expect(page.get_by_text("Count at least one bird.")).to_be_visible()
    fill_observation(
        page, place="Back garden", count="2", photo=jpeg_bytes(), pin={"x": 120, "y": 100}
    )
    page.get_by_role("button", name="Save and send").click()
    expect(page.locator("#webform-outbox-status")).to_have_text(
        "No observations are waiting to be sent."
    )
    expect(page.locator("#webform-announcement")).to_contain_text("1 observation sent.")
    assert_accessible(page)
    first = Observation.objects.get()
    assert first.answers["place"] == "Back garden"
    assert first.answers["count"] == 2
    assert first.instance_id.startswith("uuid:")
    assert first.latitude is not None and first.longitude is not None
    assert Media.objects.filter(observation=first, name=first.answers["photo"]).count() == 1

    # Offline: the service worker serves the form, the outbox keeps the observation.
    expect(page.locator("#webform")).to_have_attribute("data-offline-ready", "true")
    page.reload()
    expect(page.locator("#webform")).to_have_attribute("data-ready", "true")
    page.context.set_offline(True)
    offline_load = page.reload()
    assert offline_load is not None and offline_load.from_service_worker
    fill_observation(
        page,
        place="Allotment",
        count="5",
        photo=jpeg_bytes((30, 90, 200)),
        pin={"x": 200, "y": 140},
    )
    page.get_by_role("radio", name=re.compile("^Obscured")).check()
    page.get_by_role("button", name="Save and send").click()
    expect(page.locator("#webform-outbox-status")).to_contain_text(
        "1 observation waiting to be sent."
    )
    # It survives a reload while still offline.
    page.reload()
    expect(page.locator("#webform-outbox-status")).to_contain_text(
        "1 observation waiting to be sent."
    )
    assert Observation.objects.count() == 1

    # Back online: the outbox sends it, once, with its photo.
    page.context.set_offline(False)
    expect(page.locator("#webform-outbox-status")).to_have_text(
        "No observations are waiting to be sent.", timeout=20_000
    )
    assert Observation.objects.count() == 2
    second = Observation.objects.exclude(pk=first.pk).get()
    assert second.answers["place"] == "Allotment"
    assert Media.objects.filter(observation=second, name=second.answers["photo"]).count() == 1
    assert second.instance_id != first.instance_id
    assert (first.geoprivacy, second.geoprivacy) == ("open", "obscured")

    # Both are on the project's map (the obscured one somewhere in its cell of about 0.2°,
    # hence the wide box).
    box = ",".join(
        str(value)
        for value in (
            min(first.longitude, second.longitude) - 1,
            min(first.latitude, second.latitude) - 1,
            max(first.longitude, second.longitude) + 1,
            max(first.latitude, second.latitude) + 1,
        )
    )
    page.goto(f"/projects/{project.slug}/observations/map/?bbox={box}")
    expect(page.locator("#observation-map-summary")).to_contain_text("2 observations in view")
    assert_accessible(page)


def test_the_web_form_checks_rules_keeps_a_draft_and_reports_a_conflict(
    new_page: Callable[..., Any], live_server: Any, project: Project, assert_accessible: Check
) -> None:
    volunteer = UserFactory()
    Membership.objects.create(project=project, user=volunteer, role=ProjectRole.MEMBER)
    page = signed_in_page(new_page, live_server, volunteer)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"/projects/{project.slug}/forms/garden_birds/fill/")
    expect(page.locator("#webform")).to_have_attribute("data-ready", "true")

    # Sending an empty form lists what is missing, with links to the questions.
    page.get_by_role("button", name="Save and send").click()
    problems = page.locator("#webform-problems")
    expect(problems).to_be_focused()
    expect(problems.get_by_role("link")).to_have_count(2)
    expect(problems).to_contain_text("Place")
    assert_accessible(page)

    # The summary follows the answers as they change: a fixed answer leaves it, a new
    # problem joins it, and it goes once all is well.
    place = page.get_by_role("textbox", name=re.compile("^Place"))
    place.fill("Pond")
    expect(problems.get_by_role("link")).to_have_count(1)
    expect(problems).not_to_contain_text("Place")
    expect(problems).to_contain_text("Please check 1 answer")
    page.get_by_label("How many?").fill("0")
    expect(problems).to_contain_text("How many?: Count at least one bird.")
    place.fill("")
    expect(problems.get_by_role("link")).to_have_count(2)
    expect(problems).to_contain_text("Place")
    # In another language the entries name the questions in that language.
    page.get_by_label("Language of the questions").select_option("Nederlands (nl)")
    expect(problems).to_contain_text("Plek")
    page.get_by_label("Language of the questions").select_option("English (en)")
    expect(problems).to_contain_text("Place")
    place.fill("Pond")
    page.get_by_label("How many?").fill("3")
    expect(problems).to_be_hidden()

    # Relevance: the follow-up question appears only for "Other".
    follow_up = page.get_by_label("Which other species?")
    expect(follow_up).to_be_hidden()
    page.get_by_role("radio", name="Other").check()
    expect(follow_up).to_be_visible()
    page.get_by_role("radio", name="Robin").check()
    expect(follow_up).to_be_hidden()
    # A note shows answers; a repeat grows on request.
    expect(page.get_by_text("You counted 3 birds.")).to_be_visible()
    page.get_by_role("button", name="Add another: Nests").click()
    expect(page.get_by_text("Nests 2", exact=True)).to_be_focused()
    page.get_by_label("Eggs in the nest").nth(1).fill("4")

    # The draft outlives a reload, with the same instance ID.
    draft = wait_for_draft(
        page, lambda found: [nest.get("eggs") for nest in found["values"]["nests"]] == [None, "4"]
    )
    page.reload()
    expect(page.locator("#webform")).to_have_attribute("data-ready", "true")
    expect(page.locator("#webform-announcement")).to_contain_text("Your draft from")
    expect(page.get_by_role("textbox", name=re.compile("^Place"))).to_have_value("Pond")
    expect(page.get_by_label("Eggs in the nest").nth(1)).to_have_value("4")
    assert wait_for_draft(page, bool)["instanceId"] == draft["instanceId"]

    # The questions in Dutch.
    page.get_by_label("Language of the questions").select_option("Nederlands (nl)")
    expect(page.get_by_role("textbox", name=re.compile("^Plek"))).to_have_value("Pond")
    page.get_by_label("Language of the questions").select_option("English (en)")

    # Someone else's observation already holds this ID: the outbox says so and keeps it.
    version = project.forms.get().versions.get()
    observation_submit(
        actor=volunteer,
        form_version=version,
        instance_id=draft["instanceId"],
        answers={"place": "Elsewhere", "count": 1},
    )
    page.get_by_role("button", name="Save and send").click()
    expect(page.locator("#webform")).to_have_attribute("data-outbox-kept", "1")
    expect(page.locator("#webform-outbox-list")).to_contain_text("different observation")
    assert Observation.objects.get().answers["place"] == "Elsewhere"
    assert_accessible(page)
    page.get_by_role("button", name="Discard").click()
    expect(page.locator("#webform-outbox-status")).to_have_text(
        "No observations are waiting to be sent."
    )
    expect(page.locator("#webform")).to_have_attribute("data-outbox-kept", "0")


def test_a_repeat_count_answer_sets_the_number_of_repeats(
    new_page: Callable[..., Any], live_server: Any, project: Project
) -> None:
    form_publish_xlsform(
        actor=None,
        project=project,
        file_name="hives.xlsx",
        content=workbook_bytes(
            {
                "survey": [
                    {"type": "integer", "name": "hives", "label": "How many hives?"},
                    {
                        "type": "begin_repeat",
                        "name": "hive",
                        "label": "Hive",
                        "repeat_count": "${hives}",
                    },
                    {"type": "integer", "name": "frames", "label": "Frames with brood"},
                    {"type": "end_repeat"},
                    {"type": "calculate", "name": "double", "calculation": "${hives} * 2"},
                    {"type": "note", "name": "echo", "label": "Twice: ${double}"},
                ],
                "settings": [{"form_id": "hives", "version": "1"}],
            }
        ),
    )
    volunteer = UserFactory()
    Membership.objects.create(project=project, user=volunteer, role=ProjectRole.MEMBER)
    page = signed_in_page(new_page, live_server, volunteer)
    page.goto(f"/projects/{project.slug}/forms/hives/fill/")
    expect(page.locator("#webform")).to_have_attribute("data-ready", "true")

    hives = page.get_by_label("How many hives?")
    hives.fill("3")
    hives.press("Tab")

    expect(page.get_by_label("Frames with brood")).to_have_count(3)
    expect(page.get_by_text("Twice: 6")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Add another"))).to_have_count(0)


EXPRESSION_CASES = [
    (". >= 0 and . <= 10", {}, "7", True),
    ("${bees} > 2", {"bees": "5"}, "", True),
    ("${bees} > 2", {"bees": ""}, "", False),
    ("${bees} * 2", {"bees": "5"}, "", 10),
    ("selected(${many}, 'b')", {"many": "a b c"}, "", True),
    ("count-selected(${many})", {"many": "a b c"}, "", 3),
    ("string-length(.)", {}, "héllo", 5),
    ("regex(., '^[0-9]{4}[A-Z]{2}$')", {}, "3511AB", True),
    ("if(${bees} > 3, 'many', 'few')", {"bees": "2"}, "", "few"),
    ("coalesce(${empty}, 'fallback')", {"empty": ""}, "", "fallback"),
    ("concat(${plant}, '-', ${bees})", {"plant": "lavender", "bees": "5"}, "", "lavender-5"),
    ("int(7.9)", {}, "", 7),
    ("number('3.5') + 1", {}, "", 4.5),
    ("not(${empty} = '')", {"empty": ""}, "", False),
    # JavaRosa compares a date with text as numbers, and the text is not one (see
    # tests/collection/expression_cases.json, which all three evaluators run).
    ("${day} <= '2024-05-01'", {"day": "2024-04-30"}, "", False),
    ("${day} <= date('2024-05-01')", {"day": "2024-04-30"}, "", True),
    (". <= today()", {}, "2000-01-01", True),
    ("${a} = 'yes' or ${b} != 'no'", {"a": "no", "b": "no"}, "", False),
    ("10 div 4 + 10 mod 4", {}, "", 4.5),
    ("-${bees} + 1", {"bees": "5"}, "", -4),
    ("string-length(now()) > 18", {}, "", True),
]


# The questions' types, as the web form gives them to the evaluator; `.` is a date only in
# ". <= today()".
TYPES = {"bees": "integer", "many": "select_multiple", "day": "date"}


def test_a_member_on_a_desktop_sends_an_observation_from_the_forms_list(
    new_page: Callable[..., Any], live_server: Any, project: Project, assert_accessible: Check
) -> None:
    volunteer = UserFactory()
    Membership.objects.create(project=project, user=volunteer, role=ProjectRole.MEMBER)
    page = signed_in_page(new_page, live_server, volunteer, DESKTOP)

    page.goto(f"/projects/{project.slug}/forms/")
    assert_accessible(page)
    screenshot(page, "list")
    page.get_by_role("link", name=re.compile("^Fill in")).click()
    fill_observation(page, place="Orchard", count="4", photo=jpeg_bytes(), pin={"x": 150, "y": 90})
    assert_accessible(page)
    screenshot(page, "webform")
    page.get_by_role("button", name="Save and send").click()

    expect(page.locator("#webform-announcement")).to_contain_text("1 observation sent.")
    # Nothing waits, so there is nothing to send now.
    expect(page.get_by_role("button", name="Send now")).to_be_hidden()
    observation = Observation.objects.get()
    assert observation.answers["place"] == "Orchard" and observation.latitude is not None
    assert Media.objects.filter(observation=observation).count() == 1


def test_the_calendar_button_of_a_date_field_keeps_the_focus_ring(
    new_page: Callable[..., Any], live_server: Any, project: Project
) -> None:
    volunteer = UserFactory()
    Membership.objects.create(project=project, user=volunteer, role=ProjectRole.MEMBER)
    page = signed_in_page(new_page, live_server, volunteer)
    page.goto(f"/projects/{project.slug}/forms/garden_birds/fill/")
    expect(page.locator("#webform")).to_have_attribute("data-ready", "true")

    page.get_by_label("Day seen").focus()
    # Day, month and year, then the calendar button: all inside the one field.
    for _part in range(3):
        page.keyboard.press("Tab")

    ring = page.evaluate(
        "() => { const f = document.activeElement, s = getComputedStyle(f);"
        " return [f.type, s.outlineStyle, s.outlineWidth]; }"
    )
    assert ring == ["date", "solid", "3px"]


def test_someone_who_may_not_fill_in_the_form_is_shown_how_to_take_part(
    new_page: Callable[..., Any], live_server: Any, project: Project, assert_accessible: Check
) -> None:
    outsider = signed_in_page(new_page, live_server, UserFactory(), DESKTOP)
    outsider.goto(f"/projects/{project.slug}/forms/")
    expect(outsider.get_by_role("link", name=re.compile("^Fill in"))).to_have_count(0)
    outsider.get_by_role("link", name="Join to contribute").click()
    assert outsider.url.endswith(f"/projects/{project.slug}/join/")

    # The form's own address, shared by someone: a way forward, not a bare refusal.
    response = outsider.goto(f"/projects/{project.slug}/forms/garden_birds/fill/")
    assert response is not None and response.status == 403
    expect(outsider.get_by_role("link", name="Join Garden birds")).to_be_visible()
    assert_accessible(outsider)
    screenshot(outsider, "take-part")

    visitor = new_page(PHONE)
    visitor.goto(f"/projects/{project.slug}/forms/")
    visitor.get_by_role("link", name="Log in to contribute").click()
    expect(visitor).to_have_url(
        re.compile(r"/accounts/login/\?next=/projects/garden-birds/forms/garden_birds/fill/$")
    )


@pytest.fixture
def organiser_project(db: Any) -> Project:
    organiser = UserFactory(email="organiser@example.org")
    return project_create(
        actor=None, owner=organiser, name="Hedgehogs", status="active", visibility="public"
    )


def test_an_organiser_builds_a_form_with_the_live_preview(
    new_page: Callable[..., Any],
    live_server: Any,
    organiser_project: Project,
    assert_accessible: Check,
) -> None:
    organiser = organiser_project.memberships.get(role="owner").user
    page = signed_in_page(new_page, live_server, organiser, DESKTOP)
    page.context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())

    page.goto(f"/projects/{organiser_project.slug}/")
    page.get_by_role("link", name=re.compile("^Forms")).first.click()
    page.get_by_role("link", name="Build a new form").click()
    preview = page.get_by_role("complementary", name="Preview")
    # The preview starts with the builder's first rows, drawn as the web form draws them.
    expect(preview.get_by_role("textbox", name="Latitude")).to_be_visible()
    expect(preview.get_by_text("Day")).to_be_visible()

    page.get_by_label("Form ID").fill("hedgehog_walk")
    page.get_by_label("Title").fill("Hedgehog walk")
    page.get_by_role("button", name="Photo", exact=True).click()
    question = page.get_by_label("Question (English)").last
    expect(question).to_be_focused()
    # The builder's script is running once the preview has been drawn for the new page.
    expect(page.locator("#builder-preview")).to_have_attribute("data-preview-questions", "3")
    question.fill("A photo of the hedgehog")
    # Its name (the answer's column) follows the label until typed by hand.
    expect(page.get_by_label("Name").last).to_have_value("a_photo_of_the_hedgehog")
    expect(preview.get_by_label("A photo of the hedgehog")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "builder")

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name="Hedgehog walk")).to_be_visible()
    version = FormVersion.objects.get(form__form_id="hedgehog_walk")
    assert version.source["survey"][-1]["type"] == "image"

    # On a phone the preview is behind a button, and the page fits the screen.
    phone = signed_in_page(new_page, live_server, organiser)
    phone.goto(f"/projects/{organiser_project.slug}/forms/hedgehog_walk/builder/")
    phone_preview = phone.get_by_role("complementary", name="Preview")
    expect(phone_preview).to_be_hidden()
    phone.get_by_role("button", name="Show the preview").click()
    expect(phone_preview.get_by_label("A photo of the hedgehog")).to_be_visible()
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "builder")


def test_the_browser_evaluates_xlsform_expressions_like_the_server(page: Any) -> None:
    page.set_content("<!DOCTYPE html><title>expressions</title><p>test</p>")
    page.add_script_tag(content=EXPRESSIONS_JS.read_text())
    for expression, values, current, expected in EXPRESSION_CASES:
        result = page.evaluate(
            "([expression, values, current, types, currentType]) => CslabExpressions.evaluate("
            "expression, {lookup: (name) => values[name], current: current, "
            "type: (name) => types[name], currentType: currentType})",
            [expression, values, current, TYPES, "date" if "today()" in expression else None],
        )
        assert result == expected, expression
    error = page.evaluate(
        "() => { try { CslabExpressions.evaluate('unknown(1)', {}); return ''; }"
        " catch (error) { return error.name; } }"
    )
    assert error == "ExpressionError"
