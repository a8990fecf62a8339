"""The frame every page shares, in a real browser: the phone menu, the icon, the question map's
marker, no sideways scrolling and axe-core on the pages a newcomer meets first (issue 11, items 6,
8, 12 and 21). Each page is also photographed, phone and desktop, into var/screenshots/."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from cslab.questions.services.questions import question_propose
from tests.browser.conftest import PHONE
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDE = {"width": 1366, "height": 900}
# Brand, Log out and Menu in one row: 44 px targets plus padding and a border.
HEADER_MOST_PIXELS = 80


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def photograph(page: Any, name: str, size: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"face-{name}-{size}.png"), full_page=size == "desktop")


def assert_fits_the_width(page: Any) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


def test_the_phone_menu_opens_and_closes_and_the_header_stays_short(
    new_page: Callable[..., Any], assert_accessible: Check
) -> None:
    volunteer = UserFactory()
    page = new_page(viewport=PHONE)
    log_in(page, volunteer.email)
    page.goto("/questions/")

    header = page.locator(".site-header")
    toggle = page.get_by_role("button", name="Menu")
    areas = page.get_by_role("navigation", name="Main").get_by_role("link", name="My contributions")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(areas).to_be_hidden()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    height = header.bounding_box()["height"]
    assert height <= HEADER_MOST_PIXELS, f"the closed header is {height} px tall"
    photograph(page, "menu-closed", "phone")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(areas).to_be_visible()
    expect(page.locator("#language-select")).to_be_visible()
    current = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Research questions"
    )
    expect(current).to_have_attribute("aria-current", "page")
    assert_fits_the_width(page)
    assert_accessible(page)
    photograph(page, "menu-open", "phone")

    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(areas).to_be_hidden()
    expect(toggle).to_be_focused()

    toggle.click()
    areas.click()
    expect(page).to_have_url("/accounts/me/observations/")


def test_without_javascript_the_menu_stays_listed(chromium: Any, live_server: Any) -> None:
    volunteer = UserFactory()
    context = chromium.new_context(
        base_url=live_server.url, locale="en-GB", viewport=PHONE, java_script_enabled=False
    )
    try:
        page = context.new_page()
        log_in(page, volunteer.email)
        page.goto("/")
        menu = page.get_by_role("navigation", name="Main")
        expect(menu.get_by_role("link", name="My contributions")).to_be_visible()
        expect(page.locator(".menu-toggle")).to_be_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_first_pages_fit_the_screen_pass_axe_and_show_the_icon_and_the_map_marker(
    new_page: Callable[..., Any], assert_accessible: Check, size: str
) -> None:
    volunteer = UserFactory()
    question = question_propose(
        actor=volunteer,
        text="Do hedgehogs cross the Hortus at night?",
        why_it_matters="We find their tracks in the morning but never see them.",
        place_name="Hortus botanicus",
        latitude=52.157,
        longitude=4.486,
    )
    page = new_page(viewport=PHONE if size == "phone" else WIDE)

    icon = page.request.get("/favicon.ico")
    assert icon.status == 200 and "svg" in icon.headers["content-type"]

    for name, path in [("home", "/"), ("login", "/accounts/login/"), ("not-found", "/nothing/")]:
        page.goto(path)
        assert_fits_the_width(page)
        assert_accessible(page)
        photograph(page, name, size)

    log_in(page, volunteer.email)
    for name, path in [("questions", "/questions/"), ("question", question.get_absolute_url())]:
        page.goto(path)
        assert_fits_the_width(page)
        assert_accessible(page)
        photograph(page, name, size)

    marker = page.locator(".map .leaflet-marker-icon")
    expect(marker).to_be_visible()
    assert "/static/js_lib_leaflet/images/marker-icon" in marker.get_attribute("src")
    assert marker.evaluate("image => image.complete && image.naturalWidth > 0")
    # The map credit's links sit in a line of text: underlined (axe link-in-text-block).
    credit = page.locator(".leaflet-control-attribution a").first
    assert "underline" in credit.evaluate("link => getComputedStyle(link).textDecorationLine")


def test_a_date_field_keeps_its_focus_ring_while_its_calendar_button_has_focus(
    new_page: Callable[..., Any],
) -> None:
    page = new_page(viewport=PHONE)
    page.goto("/nothing/")  # any page in the frame, with cslab.css
    page.evaluate(
        """() => { document.querySelector("main .wrap").innerHTML =
        '<form class="stacked-form"><label for="before">Before</label><input id="before">'
        + '<label for="day">Day</label><input type="date" id="day"></form>' }"""
    )
    page.locator("#before").focus()
    outlines = []
    # Tab through the day, month and year parts and then the calendar button.
    for _ in range(4):
        page.keyboard.press("Tab")
        outlines.append(
            page.evaluate(
                "() => { const style = getComputedStyle(document.activeElement);"
                " return [document.activeElement.id, style.outlineStyle, style.outlineWidth] }"
            )
        )
    assert outlines[-1][0] == "day", outlines
    assert all(outline[1:] == ["solid", "3px"] for outline in outlines), outlines
