"""The browser fixtures of `tests/browser` (Chromium, pages, axe-core), for these tests too."""

from tests.browser.conftest import (  # noqa: F401  (re-exported fixtures)
    _browser_marker_is_set,
    _fresh_rate_limits,
    assert_accessible,
    axe,
    chromium,
    new_page,
    page,
)
