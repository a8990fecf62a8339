"""The privacy notice, the footer link to it, and cookie-free page-view counting."""

import re
import threading
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from cslab.core.roles import SiteRole
from cslab.privacy.analytics import MAX_PATH_LENGTH, page_view_count
from cslab.privacy.models import PageViewCount
from tests.factories import UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting(settings: Any) -> None:
    settings.PAGE_VIEW_COUNTING = True


def views_of(path: str) -> int:
    found = PageViewCount.objects.filter(path=path, day=timezone.localdate()).first()
    return found.views if found else 0


def test_the_privacy_notice_lists_export_sections_retention_licences_rights_and_cookies() -> None:
    page = Client().get(reverse("privacy_notice")).content.decode()

    assert "E-mail addresses" in page  # a section of the personal-data export registry
    assert "Exact locations of obscured and private observations" in page  # retention table
    assert "https://creativecommons.org/licenses/by-nc/4.0/" in page
    assert reverse("personal_data") in page and reverse("account_erase") in page
    assert "sessionid" in page and "csrftoken" in page


def test_the_privacy_notice_is_in_dutch_for_dutch_visitors() -> None:
    page = Client(headers={"accept-language": "nl"}).get(reverse("privacy_notice"))

    assert "Privacyverklaring" in page.content.decode()


def test_every_page_links_to_the_privacy_notice_in_its_footer() -> None:
    for url in (reverse("home"), reverse("project_directory"), reverse("account_login")):
        footer = Client().get(url).content.decode().split('<footer class="site-footer">')[1]
        assert f'href="{reverse("privacy_notice")}"' in footer


def test_a_page_view_is_counted_per_path_and_day_without_its_query_string(
    counting: None,
) -> None:
    client = Client()
    client.get(reverse("privacy_notice") + "?utm_source=mail")
    client.get(reverse("privacy_notice"))

    assert views_of(reverse("privacy_notice")) == 2
    assert not PageViewCount.objects.filter(path__contains="utm").exists()


@pytest.mark.parametrize("header", [{"DNT": "1"}, {"Sec-GPC": "1"}, {"HX-Request": "true"}])
def test_no_view_is_counted_when_the_browser_opts_out_or_for_a_fragment(
    counting: None, header: dict[str, str]
) -> None:
    Client(headers=header).get(reverse("privacy_notice"))

    assert not PageViewCount.objects.exists()


def test_api_static_missing_pages_and_posts_are_not_counted(counting: None) -> None:
    client = Client()
    client.get("/api/v1/projects")
    client.get("/no-such-page/")
    client.post(reverse("privacy_notice"))

    assert not PageViewCount.objects.exists()


def test_nothing_about_the_visitor_is_stored(counting: None) -> None:
    person = UserFactory(email="canary-visitor@example.org")
    client = Client(headers={"user-agent": "CanaryBrowser/1.0"}, REMOTE_ADDR="203.0.113.9")
    client.force_login(person)
    client.get(reverse("privacy_notice"))

    stored = repr(list(PageViewCount.objects.values()))
    assert "203.0.113.9" not in stored and "Canary" not in stored and "canary" not in stored
    fields = {field.name for field in PageViewCount._meta.get_fields()}
    assert fields == {"id", "path", "day", "views"}


def test_a_long_path_is_capped() -> None:
    page_view_count(path="/" + "a" * (MAX_PATH_LENGTH - 1))

    assert PageViewCount.objects.get().views == 1


def test_staff_see_the_most_viewed_pages_and_others_do_not(counting: None) -> None:
    for _number in range(3):
        Client().get(reverse("privacy_notice"))
    Client().get(reverse("home"))
    staff = UserFactory(site_role=SiteRole.STAFF)
    client = Client()
    client.force_login(staff)

    page = client.get(reverse("page_view_counts") + "?days=7").content.decode()

    rows = re.findall(r"<tr><td><code>([^<]*)</code></td><td class=\"number\">(\d+)</td>", page)
    assert rows[0] == (reverse("privacy_notice"), "3")
    volunteer = Client()
    volunteer.force_login(UserFactory())
    assert volunteer.get(reverse("page_view_counts")).status_code == 404
    assert Client().get(reverse("page_view_counts")).status_code == 404


def test_staff_reach_the_page_view_counts_from_the_menu() -> None:
    client = Client()
    client.force_login(UserFactory(site_role=SiteRole.STAFF))

    assert f'href="{reverse("page_view_counts")}"' in client.get(reverse("home")).content.decode()


def test_no_page_loads_anything_from_a_third_party_host() -> None:
    """The CSP allows only this site (plus map tiles for images and video players for
    frames), and no page's HTML refers to a script or style elsewhere."""
    project = ProjectFactory(public=True)
    response = Client().get(reverse("privacy_notice"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    for directive in ("script-src", "style-src", "connect-src", "font-src", "default-src"):
        assert directives[directive] == "'self'", directive
    for url in (reverse("home"), reverse("privacy_notice"), project.get_absolute_url()):
        html = Client().get(url).content.decode()
        assert not re.search(r"<script[^>]+src=\"(https?:)?//", html)
        assert not re.search(r"<link[^>]+href=\"(https?:)?//[^\"]+\"[^>]*stylesheet", html)
        assert not re.search(r"google-analytics|googletagmanager|plausible|matomo", html)


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_of_one_page_lose_no_count() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    threads_count, views_each = 8, 5
    barrier = threading.Barrier(threads_count)

    def view() -> None:
        barrier.wait()
        for _number in range(views_each):
            page_view_count(path="/race/")
        connection.close()

    threads = [threading.Thread(target=view) for _number in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert views_of("/race/") == threads_count * views_each


def test_counting_is_off_in_the_test_settings_unless_a_test_switches_it_on() -> None:
    with override("en"):
        Client().get(reverse("privacy_notice"))
    assert django_settings.PAGE_VIEW_COUNTING is False
    assert not PageViewCount.objects.exists()
