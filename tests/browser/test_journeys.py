"""Journeys through the site in a real browser, with axe-core on every page reached."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from cslab.core.roles import SiteRole
from tests.browser.conftest import PHONE
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/[^\s/]+/")
NEW_PASSWORD = "a-fresh-browser-password-91"

Check = Callable[[Any], None]


def html_lang(page: Any) -> str | None:
    lang: str | None = page.locator("html").get_attribute("lang")
    return lang


def switch_language(page: Any, code: str) -> None:
    page.locator("#language-select").select_option(code)
    page.locator(".language-form button[type=submit]").click()
    page.wait_for_load_state("load")


def sign_up(page: Any, email: str) -> str:
    """Fill in the sign-up form; return the confirmation link from the e-mail it sends."""
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile("/accounts/confirm-email/$"))
    # Sent on commit through the (immediate) task backend into the locmem outbox.
    messages = [message for message in mail.outbox if email in message.to]
    assert len(messages) == 1, [message.subject for message in mail.outbox]
    link = CONFIRM_LINK.search(str(messages[0].body))
    assert link, messages[0].body
    return link.group(0)


def log_in(page: Any, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def test_a_newcomer_signs_up_verifies_their_email_and_manages_their_account_in_two_languages(
    page: Any, assert_accessible: Check, live_server: Any, settings: Any
) -> None:
    email = "newcomer@example.org"
    # E-mails link to SITE_URL: the address where this site runs.
    settings.SITE_URL = live_server.url

    page.goto("/")
    expect(page).to_have_title(re.compile("Home"))
    assert html_lang(page) == "en"
    assert_accessible(page)

    # Sign up.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile("/accounts/signup/$"))
    assert_accessible(page)
    link = sign_up(page, email)

    # The 'verify your e-mail' page.
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    page.goto(link)
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")

    # Confirming in the same browser logs in; otherwise log in now.
    logout = page.get_by_role("button", name="Log out")
    if not logout.count():
        log_in(page, email, NEW_PASSWORD)
    expect(logout).to_be_visible()

    page.goto("/")
    expect(page.get_by_text("Welcome back")).to_be_visible()
    assert_accessible(page)

    # The account page.
    page.goto("/accounts/me/")
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    assert_accessible(page)

    # API tokens: a new token's secret shows once.
    page.get_by_role("link", name="API tokens").click()
    expect(page).to_have_url(re.compile("/accounts/me/tokens/$"))
    assert_accessible(page)
    page.locator("main form.stacked-form input[name=name]").fill("My script")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("code.token")
    expect(secret).to_be_visible()
    assert len(secret.inner_text().strip()) >= 20
    expect(page.get_by_role("heading", name="My script", exact=True)).to_be_visible()
    assert_accessible(page)
    page.goto("/accounts/me/tokens/")
    expect(page.get_by_role("heading", name="My script", exact=True)).to_be_visible()
    expect(page.locator("code.token")).to_have_count(0)

    # Export my personal data: the data page, where the zip is made (at once, with the
    # immediate task backend) and offered for download.
    page.goto("/accounts/me/")
    page.get_by_role("link", name="Export my data").click()
    expect(page).to_have_url(re.compile("/me/data/$"))
    page.get_by_role("button", name="Export my data").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("link", name=re.compile("^Download")).first).to_be_visible()
    job_url = "/me/data/"
    assert_accessible(page)
    page.goto("/jobs/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    # A page that does not exist.
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    assert_accessible(page)

    # The sign-in pages the account page links to.
    linked = ["/accounts/email/", "/accounts/password/change/"]
    for path in linked:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)

    # Dutch, with the language switcher in the header.
    page.goto("/accounts/me/")
    switch_language(page, "nl")
    expect(page).to_have_url(re.compile("/accounts/me/$"))
    assert html_lang(page) == "nl"
    expect(page.get_by_role("link", name="Wachtwoord wijzigen")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert_accessible(page)

    for path in ["/", "/accounts/me/tokens/", job_url, "/jobs/", "/no-such-page/", *linked]:
        page.goto(path)
        assert html_lang(page) == "nl", path
        assert_accessible(page)

    # Log out and see the entrance pages in Dutch too.
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("link", name="Inloggen").first).to_be_visible()
    for path in ["/accounts/login/", "/accounts/password/reset/"]:
        page.goto(path)
        assert html_lang(page) == "nl", path
        assert_accessible(page)

    # A second newcomer signs up in Dutch: the sign-up, 'verify' and confirm pages in Dutch.
    page.goto("/accounts/signup/")
    assert html_lang(page) == "nl"
    assert_accessible(page)
    link = sign_up(page, "nieuwkomer@example.org")
    assert html_lang(page) == "nl"
    expect(page.get_by_role("heading", level=1)).to_contain_text("e-mail", ignore_case=True)
    assert_accessible(page)
    page.goto(link)
    assert html_lang(page) == "nl"
    assert_accessible(page)

    # And log in again with the new password.
    log_in(page, email, NEW_PASSWORD)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def test_staff_member_logs_in_and_reads_the_audit_log_in_two_languages(
    page: Any, assert_accessible: Check
) -> None:
    staff = UserFactory(site_role=SiteRole.STAFF)

    page.goto("/accounts/login/")
    assert html_lang(page) == "en"
    assert_accessible(page)

    # A wrong password shows an error that is accessible too.
    log_in(page, staff.email, "not-the-password")
    expect(page).to_have_url(re.compile("/accounts/login/$"))
    expect(page.locator("main form")).to_contain_text("not correct")
    assert_accessible(page)

    log_in(page, staff.email, TEST_PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page).to_have_url(re.compile("/audit/$"))
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_visible()
    assert_accessible(page)

    # The filters fold away (they would push the events below the fold on a phone).
    page.locator("summary", has_text="Filter the audit log").click()
    page.locator("#filter-action").select_option(index=0)
    page.locator("#filter-actor").fill(staff.email)
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/audit/\?"))
    assert_accessible(page)

    switch_language(page, "nl")
    assert html_lang(page) == "nl"
    expect(page).to_have_url(re.compile(r"/audit/"))
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_home_page_fits_a_phone_screen_without_horizontal_scrolling(
    new_page: Callable[..., Any], assert_accessible: Check, language: str
) -> None:
    # The profile's language applies from log-in on, so this person prefers the one tested.
    staff = UserFactory(site_role=SiteRole.STAFF, preferred_language=language)
    page = new_page(viewport=PHONE)

    def assert_no_horizontal_scroll() -> None:
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth, inner: window.innerWidth})"
        )
        assert widths["inner"] == PHONE["width"], widths
        assert widths["scroll"] <= widths["client"], f"{page.url} scrolls sideways: {widths}"

    page.goto("/")
    if language != "en":
        switch_language(page, language)
    assert html_lang(page) == language
    assert_no_horizontal_scroll()
    expect(page.locator(".brand")).to_be_visible()
    expect(page.locator("#language-select")).to_be_visible()
    assert_accessible(page)

    # Signed in, the menu has the most entries; it must still wrap rather than overflow.
    log_in(page, staff.email, TEST_PASSWORD)
    page.goto("/")
    assert html_lang(page) == language
    assert_no_horizontal_scroll()
    assert_accessible(page)
