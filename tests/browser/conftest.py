"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

No browser is downloaded: Chromium comes from the system (`apt-get install chromium`). Without it
these tests skip with a reason on a developer's machine and fail in CI (CI=true).
"""

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import chromium_path, skip_or_fail

# Playwright's sync API keeps an asyncio loop in the test thread, which trips Django's guard
# against database calls from async code; the calls here are ordinary synchronous test code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _browser_marker_is_set(request: pytest.FixtureRequest) -> None:
    """Every test in this package drives a browser, so it must carry the `browser` marker."""
    assert request.node.get_closest_marker("browser"), "mark browser tests with pytest.mark.browser"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Start with empty allauth rate-limit counters: earlier tests log in from the same address."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        skip_or_fail(
            "Chromium is not installed (apt-get install --no-install-recommends chromium); "
            "browser tests need it"
        )
    from playwright.sync_api import sync_playwright

    # Chromium writes profile and cache folders under XDG_CONFIG_HOME and XDG_CACHE_HOME.
    home = tmp_path_factory.mktemp("chromium-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        patch.setenv("XDG_CACHE_HOME", str(home / "cache"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture
def new_page(chromium: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context (own cookies), English by default."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None) -> Any:
        # Reduced motion: cslab.css then drops its colour transitions, so axe-core judges a
        # button's colours as they settle, not halfway from disabled grey back to green.
        context = chromium.new_context(
            base_url=live_server.url,
            locale="en-GB",
            viewport=viewport or DESKTOP,
            reduced_motion="reduce",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


@pytest.fixture(scope="session")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe: Any) -> Callable[[Any], None]:
    """Run axe-core on the page as it is now and fail with axe's report on any violation."""

    def check(page: Any) -> None:
        page.wait_for_load_state("load")
        # htmx dims a region while a request is in flight (hub search: opacity 0.6), and axe
        # reads the dimmed colours as low contrast: check the page once it has settled.
        page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
            " && document.getAnimations().every(a => a.playState !== 'running')"
        )
        # resultTypes: axe-core lists every node only for violations (one per passed rule),
        # its documented speed-up; the rules run are the same.
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        results = axe.run(page, options=options)
        assert results.response["passes"], f"axe-core checked nothing on {page.url}"
        assert results.violations_count == 0, (
            f"axe-core found violations on {page.url} "
            f"(lang={page.locator('html').get_attribute('lang')}):\n"
            f"{results.generate_report()}"
        )

    return check
