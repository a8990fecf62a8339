"""The frame every page shares: style sheets, icon, main menu, error pages and the words on the
account pages (issue 11, items 6, 8, 9 and 21)."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.templatetags.static import static
from django.test import Client, RequestFactory
from django.views.defaults import permission_denied

from cslab.questions.services.questions import question_propose

pytestmark = pytest.mark.django_db

REBOOT = static("js-lib-bootstrap5/css/bootstrap-reboot.min.css")
STYLE_SHEET = static("cslab/cslab.css")
ICON = static("cslab/favicon.svg")

PAGES_FOR_EVERYONE = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/projects/",
    "/questions/",
    "/no-such-page/",
]


def stylesheets(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)


@pytest.mark.parametrize("path", PAGES_FOR_EVERYONE)
def test_every_page_links_the_css_foundation_before_the_style_sheet_and_names_an_icon(
    client: Client, path: str
) -> None:
    html = client.get(path).content.decode()

    sheets = stylesheets(html)
    assert REBOOT in sheets and STYLE_SHEET in sheets, sheets
    assert sheets.index(REBOOT) < sheets.index(STYLE_SHEET), "Reboot must come first"
    assert f'<link rel="icon" href="{ICON}"' in html


def test_the_style_sheets_and_the_icon_the_pages_name_exist() -> None:
    for name in (
        "js-lib-bootstrap5/css/bootstrap-reboot.min.css",
        "cslab/cslab.css",
        "cslab/favicon.svg",
        "cslab/site.js",
    ):
        assert finders.find(name), f"{name} is not among the static files"


def test_favicon_ico_leads_to_the_icon(client: Client) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == ICON


def test_signed_in_people_get_a_menu_button_that_controls_the_menu(
    client: Client, volunteer: Any
) -> None:
    client.force_login(volunteer)
    html = client.get("/").content.decode()

    button = re.search(r"<button[^>]*class=\"menu-toggle\"[^>]*>", html)
    assert button, "no Menu button"
    assert 'aria-expanded="false"' in button.group(0)
    assert 'aria-controls="site-menu"' in button.group(0)
    assert 'id="site-menu"' in html


def test_visitors_get_the_short_menu_without_a_menu_button(client: Client) -> None:
    html = client.get("/").content.decode()

    assert "menu-toggle" not in html
    assert 'href="/accounts/login/"' in html


def test_the_menu_marks_the_area_of_the_page_and_of_pages_inside_it(
    client: Client, volunteer: Any
) -> None:
    client.force_login(volunteer)

    board = client.get("/questions/").content.decode()
    mine = client.get("/projects/mine/").content.decode()

    assert re.search(r'<a href="/questions/" aria-current="page">', board)
    assert re.search(r'<a href="/projects/mine/" aria-current="page">', mine)
    # My projects lies under the directory's /projects/, but only its own entry is marked.
    assert not re.search(r'<a href="/projects/" aria-current', mine)


def test_a_page_inside_an_area_marks_the_area_but_not_as_this_page(
    client: Client, volunteer: Any
) -> None:
    question = question_propose(
        actor=volunteer, text="Where do the swifts nest?", why_it_matters="To protect them."
    )
    client.force_login(volunteer)

    html = client.get(question.get_absolute_url()).content.decode()

    assert '<a href="/questions/" aria-current="true">' in html


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_account_pages_say_log_in_never_sign_in(client: Client, path: str) -> None:
    html = client.get(path).content.decode()

    assert "Sign In" not in html
    assert "Sign in" not in html
    assert "sign in" not in html
    assert "Log in" in html


def test_the_log_in_page_has_one_primary_button_named_log_in(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]

    assert "<h1>Log in</h1>" in main
    assert re.search(r'<button class="button" type="submit">\s*Log in\s*</button>', main)
    assert 'class="stacked-form"' in main


def test_the_log_out_page_says_log_out(client: Client, volunteer: Any) -> None:
    client.force_login(volunteer)
    html = client.get("/accounts/logout/").content.decode()

    assert "Sign Out" not in html and "sign out" not in html
    assert "<h1>Log out</h1>" in html


def forbidden_page(user: Any) -> str:
    request = RequestFactory().get("/projects/some-project/forms/")
    request.user = user
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    return response.content.decode()


def test_the_not_allowed_page_offers_a_visitor_to_log_in_and_come_back() -> None:
    html = forbidden_page(AnonymousUser())

    assert 'href="/accounts/login/?next=/projects/some-project/forms/"' in html
    assert 'href="/accounts/signup/?next=/projects/some-project/forms/"' in html
    assert 'href="/"' in html


def test_the_not_allowed_page_offers_a_signed_in_person_a_way_on_not_a_log_in(
    volunteer: Any,
) -> None:
    html = forbidden_page(volunteer)

    assert "/accounts/login/?next=" not in html
    assert 'href="/projects/"' in html


def test_the_not_found_page_offers_a_way_on(client: Client) -> None:
    response = client.get("/no-such-page/")
    html = response.content.decode()

    assert response.status_code == 404
    assert re.search(r'<a class="button" href="/">', html)
    assert 'href="/accounts/login/?next=/no-such-page/"' in html


def test_the_api_documentation_page_names_its_language_and_the_icon(client: Client) -> None:
    html = client.get("/api/v1/docs").content.decode()

    assert '<html lang="en">' in html
    assert f'<link rel="icon" href="{ICON}"' in html


def test_the_server_error_page_renders_without_a_request_and_uses_the_frame() -> None:
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()

    assert response.status_code == 500
    assert "/static/js-lib-bootstrap5/css/bootstrap-reboot.min.css" in html
    assert "/static/cslab/cslab.css" in html
    assert '<a class="button" href="/">' in html
