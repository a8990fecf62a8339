"""Crawl a running cslab as one person would, by following visible same-site links only.

Used by the crawl test (against the live server with the demo Lab loaded) and by hand against
`make demo` (`python -m tests.browser.site_crawl http://127.0.0.1:8000 volunteer@demo.cslab.test`).
For every page reached it records the status, images that failed to load, how wide the page
renders, and (optionally) axe-core's violations.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# Links a person follows but a crawler must not: they change state, leave the site or download a
# large archive that is checked by its own tests.
SKIPPED_PATH_PATTERNS = (
    re.compile(r"^/accounts/logout/"),
    re.compile(r"^/admin/"),
    re.compile(r"^/i18n/"),
    re.compile(r"/backup"),
)
# A page with many query-string variants (filters, pages, sort orders) is visited this often.
VARIANTS_PER_PATH = 2
PHONE_WIDTH = 390


@dataclass
class PageReport:
    url: str
    status: int
    content_type: str = ""
    broken_images: list[str] = field(default_factory=list)
    width: int = 0
    axe_violations: list[str] = field(default_factory=list)
    linked_from: str = ""


@dataclass
class CrawlReport:
    pages: list[PageReport] = field(default_factory=list)

    def failures(self, max_width: int | None = PHONE_WIDTH) -> list[str]:
        problems = []
        for page in self.pages:
            if page.status >= 400:
                problems.append(f"{page.status} {page.url} (linked from {page.linked_from})")
            problems.extend(f"broken image {image} on {page.url}" for image in page.broken_images)
            if max_width is not None and page.width > max_width:
                problems.append(f"{page.width}px wide: {page.url}")
            problems.extend(f"axe {violation} on {page.url}" for violation in page.axe_violations)
        return problems


def path_key(url: str) -> str:
    """Pages are told apart by path: query-string variants of one path count as one page."""
    return urlsplit(url).path


def _is_followable(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    return not any(pattern.search(parts.path) for pattern in SKIPPED_PATH_PATTERNS)


NAVIGATION_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BROKEN_IMAGES_SCRIPT = """() => Array.from(document.images)
  .filter(image => image.complete && image.naturalWidth === 0 && image.getAttribute('src'))
  .map(image => image.currentSrc || image.src)"""
LINKS_SCRIPT = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter(link => !link.hasAttribute('download'))
  .map(link => link.href)"""


def _fetch(page: Any, url: str, headers: dict[str, str]) -> Any:
    """GET `url` in the page's context, retrying once when a kept-alive connection was reset.

    A production server closes idle kept-alive connections when a worker is recycled (gunicorn's
    max-requests); a request sent on such a connection at that moment is reset. Browsers resend
    an idempotent request on a fresh connection then, so the crawl does too; a second reset is a
    real failure.
    """
    try:
        return page.context.request.get(url, max_redirects=5, headers=headers)
    except PlaywrightError as error:
        if "ECONNRESET" not in str(error) and "socket hang up" not in str(error):
            raise
        return page.context.request.get(url, max_redirects=5, headers=headers)


def crawl(
    page: Any,
    origin: str,
    start: str = "/",
    *,
    axe: Any = None,
    axe_tags: list[str] | None = None,
    max_pages: int = 400,
    page_key: Callable[[str], str] = path_key,
    variants_per_key: int = VARIANTS_PER_PATH,
    on_page: Callable[[PageReport], None] | None = None,
) -> CrawlReport:
    """Breadth-first from `start`, in the browser context of `page` (its cookies are the person).

    Requests to other sites (map tiles) are refused so the crawl neither waits on nor depends on
    the internet; images from other sites are therefore not judged. `page_key` groups URLs that
    are the same page with other data (the test groups by URL route), each group visited at most
    `variants_per_key` times.
    """
    report = CrawlReport()
    # The page about to be opened, already fetched for its status and type: the browser is
    # handed that same response instead of asking the server to render the page a second time.
    fetched: dict[str, Any] = {}

    def handle(route: Any) -> None:
        request = route.request
        if not request.url.startswith(origin):
            route.abort()
            return
        response = fetched.pop(request.url, None) if request.is_navigation_request() else None
        if response is None:
            route.continue_()
            return
        headers = {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in {"content-encoding", "content-length", "transfer-encoding"}
        }
        route.fulfill(status=response.status, headers=headers, body=response.body())

    page.route("**/*", handle)
    # Asked for as the browser asks when it opens a page (its languages, HTML first), so the
    # response is the one the browser would get.
    navigation_headers = {
        "Accept": NAVIGATION_ACCEPT,
        "Accept-Language": ",".join(page.evaluate("() => navigator.languages")),
    }
    queue: list[tuple[str, str]] = [(urljoin(origin, start), "(start)")]
    seen: set[str] = set()
    variants: Counter[str] = Counter()
    while queue and len(report.pages) < max_pages:
        url, linked_from = queue.pop(0)
        url = urldefrag(url).url
        if url in seen:
            continue
        seen.add(url)
        key = page_key(url)
        if variants[key] >= variants_per_key:
            continue
        variants[key] += 1
        response = _fetch(page, url, navigation_headers)
        content_type = response.headers.get("content-type", "")
        result = PageReport(
            url=url, status=response.status, content_type=content_type, linked_from=linked_from
        )
        report.pages.append(result)
        if response.status >= 400 or "text/html" not in content_type:
            if on_page:
                on_page(result)
            continue
        if response.url == url:  # not redirected: the browser's address is the page's own
            fetched[url] = response
        page.goto(url, wait_until="load")
        fetched.clear()
        # Pages that render after load (the API docs fetch their OpenAPI document) are judged
        # once they have settled, not half-drawn.
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_load_state("networkidle", timeout=5_000)
        result.broken_images = [
            image for image in page.evaluate(BROKEN_IMAGES_SCRIPT) if image.startswith(origin)
        ]
        result.width = page.evaluate("() => document.documentElement.scrollWidth")
        # axe judges the markup of a route's template, so the first page of each route is
        # checked; its other variants (the same template with other data) still have their
        # status, images and width checked.
        if axe is not None and variants[key] == 1:
            # Only violations are read: axe-core then lists one node per passed or inapplicable
            # rule instead of every node (its documented speed-up), and checks the same rules.
            options: dict[str, Any] = {"resultTypes": ["violations"]}
            if axe_tags:
                options["runOnly"] = {"type": "tag", "values": axe_tags}
            results = axe.run(page, options=options)
            result.axe_violations = [
                f"{violation['id']}: {[node['target'] for node in violation['nodes']][:3]}"
                for violation in results.response["violations"]
            ]
        for link in page.evaluate(LINKS_SCRIPT):
            link = urldefrag(link).url
            if link not in seen and _is_followable(link, origin):
                queue.append((link, url))
        if on_page:
            on_page(result)
    return report


def log_in(page: Any, origin: str, email: str, password: str) -> None:
    page.goto(urljoin(origin, "/accounts/login/"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("load")


def main() -> None:  # pragma: no cover - a tool for people
    from playwright.sync_api import sync_playwright

    origin = sys.argv[1].rstrip("/")
    email = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "anonymous" else None
    with_axe = "--axe" in sys.argv
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        context = browser.new_context(
            locale="en-GB", viewport={"width": PHONE_WIDTH, "height": 844}
        )
        page = context.new_page()
        if email:
            log_in(page, origin, email, "citizen-science-2026")
        axe = None
        if with_axe:
            from axe_playwright_python.sync_playwright import Axe

            axe = Axe()
        report = crawl(
            page,
            origin,
            axe=axe,
            axe_tags=["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
            on_page=lambda result: print(result.status, result.width, result.url, flush=True),  # noqa: T201
        )
        print(f"{len(report.pages)} pages")  # noqa: T201
        for problem in report.failures():
            print("PROBLEM", problem)  # noqa: T201
        browser.close()


if __name__ == "__main__":  # pragma: no cover
    main()
