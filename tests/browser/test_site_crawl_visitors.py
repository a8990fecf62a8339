"""Every visible link, followed by an anonymous visitor and a volunteer (issue 11, item 23).

The demo Lab is served as `make demo` serves it and crawled at a phone's width; see
`tests/browser/crawl_site.py`. Two files, so the two crawls run side by side under xdist.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.crawl_site import check_every_linked_page, start_demo_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start_demo_site(tmp_path_factory)


@pytest.mark.parametrize(
    "person", [None, "volunteer@demo.cslab.test"], ids=["anonymous", "volunteer"]
)
def test_every_linked_page_answers_shows_its_images_fits_a_phone_and_passes_axe(
    chromium: Any, axe: Any, demo_site: str, person: str | None
) -> None:
    check_every_linked_page(chromium, axe, demo_site, person)
