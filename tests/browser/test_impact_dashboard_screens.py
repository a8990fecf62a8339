"""The impact dashboards in a real browser, at a phone's and a desktop's width: a project's
dashboard, its printable report (also as printed) and the Lab dashboard comparing two projects,
checked by axe-core and photographed into var/screenshots/impact-*.png.

The figures are the hand-made samples of `tests/impact/figure_samples.py` (every chart has
something to draw); the pages, charts and permissions are the real ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cslab.core.roles import ProjectRole
from cslab.impact.figures import Period, ProjectFigures
from cslab.impact.views import dashboard, lab
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.screenshots import save_screenshot
from tests.factories import TEST_PASSWORD
from tests.impact.dashboard_helpers import team_member
from tests.impact.factories import ImpactStatementFactory, OutputFactory
from tests.impact.figure_samples import sample_lab_figures, sample_project_figures
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sample_figures(
    *, user: Any, project: Any, period: Period | None = None, granularity: str = "week"
) -> ProjectFigures:
    return sample_project_figures(project_slug=project.slug, project_name=project.name)


@pytest.fixture
def sample_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard, "project_figures", _sample_figures)
    monkeypatch.setattr(lab, "project_figures", _sample_figures)
    monkeypatch.setattr(lab, "lab_figures", lambda *, user, filters: sample_lab_figures())


def _log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


@pytest.mark.usefixtures("sample_figures")
def test_the_impact_dashboards_at_phone_and_desktop_width(
    new_page: Callable[..., Any], assert_accessible: Callable[[Any], None]
) -> None:
    birds = ProjectFactory(public=True, name="Birds of Leiden", slug="leiden-birds")
    ProjectFactory(public=True, name="Canal water quality", slug="canal-water")
    ProjectFactory(public=True, name="Just started", slug="new-project")
    owner = team_member(birds, ProjectRole.OWNER)
    OutputFactory(title="Urban birds and night light", doi="10.5281/zenodo.42", projects=[birds])
    ImpactStatementFactory(
        project=birds, description="The council dimmed the park lights during the breeding season."
    )

    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport)
        page.goto("/")
        page.locator("main").get_by_role("link", name="Impact", exact=True).first.click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == "Impact of the Lab's projects"
        page.get_by_label("Compare Birds of Leiden").check()
        page.get_by_label("Compare Canal water quality").check()
        page.get_by_role("button", name="Compare the ticked projects").click()
        page.wait_for_load_state("load")
        side_by_side = page.locator("table.impact-side-by-side")
        # In the order of the list: most contributions first.
        assert side_by_side.locator("thead th").all_inner_texts() == [
            "Canal water quality",
            "Birds of Leiden",
        ]
        assert_accessible(page)
        save_screenshot(page, "impact-lab")

        _log_in(page, owner.email)
        page.goto("/projects/leiden-birds/")
        page.get_by_role("link", name="Impact dashboard").first.click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == "Impact dashboard"
        assert page.get_by_role("button", name="Bring the figures up to date").is_visible()
        assert "Urban birds and night light" in page.content()
        assert_accessible(page)
        save_screenshot(page, "impact-project-dashboard")

        page.get_by_role("link", name="Printable impact report").click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == "Birds of Leiden"
        assert_accessible(page)
        save_screenshot(page, "impact-report")
        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible()
        save_screenshot(page, "impact-report-print")
        page.emulate_media(media="screen")
        page.goto("/accounts/logout/")
