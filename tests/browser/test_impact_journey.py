"""Issue 15's journey, by visible links, on a phone and on a desktop, with axe-core on every page:
a visitor finds the Lab's impact dashboard from the home page, filters it by faculty, opens a
public project's dashboard and checks that the data behind the charts are the figures shown,
then its printable report; the project's researcher brings the figures up to date, imports
outputs from a BibTeX file and records an impact; Lab staff start a meta-research export.

The data are the demo's: its people, projects and forms, and the impact history
(`impact/demo.py`), which ends by rebuilding the roll-ups.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from cslab.accounts.demo import DEMO_PASSWORD, load_demo_people
from cslab.core.models import Job
from cslab.forms.demo import load_demo_forms
from cslab.impact.demo import load_demo_impact
from cslab.impact.models import ImpactStatement, MetaResearchExport, Output
from cslab.projects.demo import load_demo_projects
from cslab.projects.models import Project
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.navigation import follow_main_menu, page_width
from tests.browser.screenshots import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[Any], None]
BIBTEX = """@article{journey2026,
  author  = {Verhoef, Joke and de Boer, Marieke},
  title   = {Bumblebees on balconies: what city gardeners counted},
  journal = {Urban Pollinators (demo)},
  year    = {2026},
  doi     = {10.5555/cslab-demo.journey-balconies},
}
"""


@pytest.fixture
def demo_impact() -> Project:
    load_demo_people()
    load_demo_projects()
    load_demo_forms()
    load_demo_impact()
    return Project.objects.get(origin="cslab-demo", external_id="pollinators")


def _look(page: Any, name: str, assert_accessible: Check, *, phone: bool) -> None:
    if phone:
        width = page_width(page)
        assert width <= PHONE["width"], f"{page.url} is {width} px wide"
    assert_accessible(page)
    save_screenshot(page, f"impact-{name}")


def _log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _log_out(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()
    # The click only starts the logout POST: "load" may still be the old page's,
    # and a goto issued before the logout's answer arrives aborts one of the two.
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    page.wait_for_load_state("load")


def _number(text: str) -> int:
    """An integer as a page shows it ("4,311" or "4 311")."""
    digits = re.sub(r"[^\d]", "", text)
    assert digits, f"no number in {text!r}"
    return int(digits)


def _figure(page: Any, label: str) -> str:
    """The value of a headline figure (a stat card: <dt>label</dt><dd>value</dd>)."""
    card = page.locator("dl.impact-figures .figure").filter(
        has=page.locator("dt", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return str(card.first.locator("dd").inner_text()).strip()


def _column(page: Any, chart: str, header: str) -> list[str]:
    """The cells of one column of a chart's data table (opened as a reader opens it)."""
    figure = page.locator(f"#chart-{chart}")
    figure.locator("details summary").first.click()
    headers = [text.strip() for text in figure.locator("thead th").all_inner_texts()]
    index = headers.index(header)
    rows = figure.locator("tbody tr")
    return [
        str(rows.nth(row).locator("th, td").nth(index).inner_text()).strip()
        for row in range(rows.count())
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_lab_and_a_project_show_their_impact_and_the_team_keeps_it_up_to_date(
    new_page: Callable[..., Any],
    assert_accessible: Check,
    demo_impact: Project,
    viewport: dict[str, int],
    tmp_path: Path,
) -> None:
    phone = viewport is PHONE
    project = demo_impact
    page = new_page(viewport)

    # A visitor: Home → Impact → the Lab dashboard, filtered by the Faculty of Science.
    page.goto("/")
    expect(page.get_by_role("link", name="Impact", exact=True).first).to_be_visible()
    follow_main_menu(page, "Impact", exact=True)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Impact")
    _look(page, "lab", assert_accessible, phone=phone)
    page.get_by_label("Faculty").select_option("science")
    page.get_by_role("button", name="Show").first.click()
    page.wait_for_load_state("load")
    assert "faculty=science" in page.url
    projects_table = page.locator("table.impact-projects")
    expect(projects_table).to_contain_text(project.name)
    expect(projects_table).not_to_contain_text("Heat stress in Leiden-Noord")  # social sciences
    _look(page, "lab-filtered", assert_accessible, phone=phone)

    # The project's dashboard, from its name in the table.
    projects_table.get_by_role("link", name=project.name).first.click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(rf"/projects/{project.slug}/impact/"))
    participants = _number(_figure(page, "Participants"))
    contributions = _number(_figure(page, "Contributions"))
    assert participants > 100
    # The data behind the chart are the figures: the weeks' contributions add up to the total,
    # and the Lorenz curve's description gives the Gini coefficient of the stat card.
    weekly = _column(page, "contributions-over-time", "Contributions")
    assert sum(_number(cell) for cell in weekly) == contributions
    gini = _figure(page, "Gini coefficient")
    description = page.locator("#chart-participation-inequality .impact-chart-description")
    expect(description).to_contain_text(f"Gini coefficient {gini}")
    expect(page.locator("#chart-h3-map svg")).to_be_visible()
    _look(page, "dashboard", assert_accessible, phone=phone)

    # The printable report, for funders.
    page.get_by_role("link", name="Printable impact report").click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(rf"/projects/{project.slug}/impact/report/"))
    assert _number(_figure(page, "Participants")) == participants
    expect(page.get_by_text("Hoverflies in urban gardens", exact=False).first).to_be_visible()
    _look(page, "report", assert_accessible, phone=phone)

    # The researcher: from the project page to the dashboard, and the figures brought up to date.
    _log_in(page, "researcher@demo.cslab.test")
    page.goto(f"/projects/{project.slug}/")
    page.get_by_role("link", name="Impact dashboard").first.click()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Bring the figures up to date").click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]+/"))
    assert Job.objects.filter(kind="impact.rollup_rebuild").exists()
    _look(page, "refresh-job", assert_accessible, phone=phone)

    # Outputs imported from a BibTeX file, through the outputs page.
    page.goto(f"/projects/{project.slug}/")
    page.get_by_role("link", name=re.compile("outputs", re.IGNORECASE)).first.click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Import from BibTeX or RIS").click()
    page.wait_for_load_state("load")
    bibtex = tmp_path / "balconies.bib"
    bibtex.write_text(BIBTEX, encoding="utf-8")
    page.get_by_label("File").set_input_files(str(bibtex))
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name="Result of the import")).to_be_visible()
    assert Output.objects.filter(
        doi="10.5555/cslab-demo.journey-balconies", projects=project
    ).exists()
    _look(page, "import", assert_accessible, phone=phone)

    # An impact recorded from the project page.
    page.goto(f"/projects/{project.slug}/")
    page.get_by_role("link", name="Record an impact").first.click()
    page.wait_for_load_state("load")
    page.get_by_label("Kind of impact").select_option("practice")
    page.get_by_label("What changed").fill(
        "The Hortus now leaves a flowering strip along every path, after the counts."
    )
    page.get_by_label("Evidence (link)").fill("https://hortus.example.org/news/strips")
    _look(page, "statement-form", assert_accessible, phone=phone)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("load")
    assert ImpactStatement.objects.filter(project=project, kind="practice").exists()
    expect(page.get_by_text("flowering strip along every path").first).to_be_visible()
    _log_out(page)

    # Lab staff: the meta-research feed from the menu, and an export started.
    _log_in(page, "staff@demo.cslab.test")
    follow_main_menu(page, "Meta-research feed", exact=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Meta-research feed")
    _look(page, "meta-research", assert_accessible, phone=phone)
    page.get_by_role("button", name="Start the export").click()
    page.wait_for_load_state("load")
    assert MetaResearchExport.objects.count() == 1
