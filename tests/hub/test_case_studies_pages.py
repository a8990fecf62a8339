"""The case-study pages: the list, the resource page's case-study part, the edit form, the
printable page and the export for funders; drafts are 404 for everyone else on each of them.

The resource page is the resources part's; here a stand-in (`hub_resource_detail` below)
renders the registered parts the way it does, so the case-study part is tested in a page.
"""

import re
from datetime import date
from itertools import pairwise
from typing import Any

import pytest
from django.test import Client

from cslab.core.roles import SiteRole
from cslab.hub.models import CaseStudy, CaseStudyImpact, CaseStudyProject, Resource
from cslab.hub.services import case_studies
from cslab.hub.services.case_studies import (
    EvidenceLink,
    ImpactRow,
    OutputRow,
    ParticipantGroupRow,
    PersonRow,
    case_study_update,
)
from cslab.hub.vocabulary import ResourceTagKind
from tests.collection.test_observation_views import member_of, observe, publish_birds
from tests.factories import UserFactory
from tests.hub.case_study_helpers import make_case_study, nothing
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def no_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(case_studies, "_record_version", lambda **kwargs: None)


def client_for(user: Any | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def told(author: Any, **fields: Any) -> Resource:
    """A case study with every part filled in and a listed project with two observations."""
    resource = make_case_study(submitted_by=author, title="Canal floods", **fields)
    project = ProjectFactory(public=True, name="Canal watch")
    version = publish_birds(project)
    observer = member_of(project, UserFactory(), "member")
    observe(observer, version, "one")
    observe(observer, version, "two")
    status = resource.status
    Resource.objects.filter(pk=resource.pk).update(status=Resource.Status.DRAFT)
    case_study_update(
        actor=author,
        resource=resource,
        **nothing(
            context="The canals *flooded*. <script>alert('x')</script>",
            methods="Residents measured water levels.",
            lessons="Start with the people who live there.",
            period_start=date(2025, 3, 1),
            period_end=date(2025, 10, 1),
            place="Leiden",
            participant_groups=[ParticipantGroupRow("residents", 140, "Canal-side households")],
            people=[PersonRow("Ada Jansen", "Lead researcher")],
            outputs=[OutputRow("policy_brief", "Water-level brief", "https://example.org/b", 2025)],
            impacts=[
                ImpactRow(
                    "policy",
                    "The municipality moved two pumps.",
                    [EvidenceLink("https://example.org/minutes", "Council minutes")],
                )
            ],
            project_slugs=[project.slug],
        ),
    )
    Resource.objects.filter(pk=resource.pk).update(status=status)
    resource.refresh_from_db()
    return resource


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_published_case_studies_with_impact_kinds_and_projects() -> None:
    told(UserFactory())
    make_case_study(title="Secret draft", status=Resource.Status.DRAFT)
    make_case_study(title="Method card", status=Resource.Status.RETIRED)

    response = client_for().get("/hub/case-studies/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Canal floods" in html and "Canal watch" in html and "Policy" in html
    assert "Secret draft" not in html and "Method card" not in html
    assert 'href="/hub/case-studies/feed.atom"' in html


def test_the_list_filters_by_impact_kind_and_faculty() -> None:
    told(UserFactory())
    make_case_study(title="Class in the park", tags={ResourceTagKind.FACULTY: ["science"]})

    by_policy = client_for().get("/hub/case-studies/?impact=policy").content.decode()
    by_faculty = client_for().get("/hub/case-studies/?faculty=science").content.decode()
    ignored = client_for().get("/hub/case-studies/?impact=<script>&faculty=x")

    assert "Canal floods" in by_policy and "Class in the park" not in by_policy
    assert "Class in the park" in by_faculty and "Canal floods" not in by_faculty
    assert ignored.status_code == 200


def test_a_private_project_is_not_named_on_the_card_for_outsiders() -> None:
    resource = told(UserFactory())
    private = ProjectFactory(name="Hidden marsh")
    CaseStudyProject.objects.create(
        case_study=CaseStudy.objects.get(resource=resource), project=private
    )

    outsider = client_for(UserFactory()).get("/hub/case-studies/").content.decode()
    team = client_for(private.initiator).get("/hub/case-studies/").content.decode()

    assert "Hidden marsh" not in outsider
    assert "Hidden marsh" in team


# --- the resource page's part --------------------------------------------------------------


def test_the_resource_page_shows_the_structure_and_live_figures() -> None:
    author = UserFactory()
    resource = told(author)

    html = client_for().get(f"/hub/{resource.slug}/").content.decode()

    for text in (
        "Context",
        "Who took part",
        "140 local residents",
        "Methods",
        "Water-level brief",
        "Policy impact",
        "Council minutes",
        "Lessons learned",
        "Canal watch",
        "Ada Jansen",
        "/print/",
        "/export.html",
    ):
        assert text in html, text
    assert "<script>alert" not in html  # Markdown escapes raw HTML
    assert "Edit the case study" not in html
    headings = [int(level) for level in re.findall(r"<h([1-6])", html.split("<main", 1)[1])]
    assert headings[0] == 1
    assert all(later - earlier <= 1 for earlier, later in pairwise(headings))


def test_the_author_sees_the_edit_link() -> None:
    author = UserFactory()
    resource = told(author)

    html = client_for(author).get(f"/hub/{resource.slug}/").content.decode()

    assert f"/hub/{resource.slug}/case-study/" in html


def test_a_private_project_linked_by_staff_is_not_shown_to_outsiders() -> None:
    resource = told(UserFactory())
    private = ProjectFactory(name="Hidden marsh")
    CaseStudyProject.objects.create(
        case_study=CaseStudy.objects.get(resource=resource), project=private
    )

    for url in (
        f"/hub/{resource.slug}/",
        f"/hub/{resource.slug}/print/",
        f"/hub/{resource.slug}/export.html",
    ):
        outsider = client_for(UserFactory()).get(url).content.decode()
        staff = client_for(UserFactory(site_role=SiteRole.STAFF)).get(url).content.decode()
        assert "Hidden marsh" not in outsider, url
        assert f"/projects/{private.slug}/" not in outsider, url
        assert "Hidden marsh" in staff, url


# --- drafts --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "case-study/", "print/", "export.html"])
def test_a_draft_is_404_for_everyone_else_on_every_case_study_page(suffix: str) -> None:
    author = UserFactory()
    resource = told(author, status=Resource.Status.DRAFT)
    url = f"/hub/{resource.slug}/{suffix}"

    assert client_for().get(url).status_code == 404
    assert client_for(UserFactory()).get(url).status_code == 404
    assert client_for(author).get(url).status_code == 200


def test_case_study_pages_of_another_kind_of_resource_are_404() -> None:
    from tests.hub.factories import make_resource

    method_card = make_resource()
    for suffix in ("case-study/", "print/", "export.html"):
        assert client_for().get(f"/hub/{method_card.slug}/{suffix}").status_code == 404


# --- the edit form -------------------------------------------------------------------------


def form_data(**overrides: str) -> dict[str, str]:
    data = {"context": "Context.", "methods": "", "lessons": "", "place": "Delft"}
    for name in ("groups", "people", "outputs", "impacts"):
        data |= {f"{name}-TOTAL_FORMS": "2", f"{name}-INITIAL_FORMS": "0"}
    data |= {
        "groups-0-kind": "students",
        "groups-0-count": "30",
        "impacts-0-kind": "educational",
        "impacts-0-description": "Pupils learned to measure.",
        "impacts-0-evidence": "https://example.org/report School report\nhttps://example.org/b",
    }
    data.update(overrides)
    return data


def test_the_author_saves_the_form_without_javascript() -> None:
    author = UserFactory()
    resource = make_case_study(submitted_by=author, status=Resource.Status.DRAFT)
    project = ProjectFactory(public=True)
    client = client_for(author)

    page = client.get(f"/hub/{resource.slug}/case-study/")
    response = client.post(f"/hub/{resource.slug}/case-study/", form_data(projects=project.slug))

    assert page.status_code == 200 and project.name in page.content.decode()
    assert response.status_code == 302
    case_study = CaseStudy.objects.get(resource=resource)
    assert case_study.place == "Delft"
    assert case_study.participant_groups.get().count == 30
    assert case_study.impacts.get().evidence == [
        {"title": "School report", "url": "https://example.org/report"},
        {"title": "", "url": "https://example.org/b"},
    ]
    assert case_study.projects.get().project == project


def test_a_javascript_evidence_link_is_a_400_and_nothing_is_saved() -> None:
    author = UserFactory()
    resource = make_case_study(submitted_by=author, status=Resource.Status.DRAFT)

    response = client_for(author).post(
        f"/hub/{resource.slug}/case-study/",
        form_data(**{"impacts-0-evidence": "javascript:alert(1) Click"}),
    )

    assert response.status_code == 400
    assert "http://" in response.content.decode()
    assert not CaseStudyImpact.objects.exists()


def test_a_forged_private_project_is_a_400_and_not_named() -> None:
    author = UserFactory()
    resource = make_case_study(submitted_by=author, status=Resource.Status.DRAFT)
    private = ProjectFactory(name="Hidden marsh")

    response = client_for(author).post(
        f"/hub/{resource.slug}/case-study/", form_data(projects=private.slug)
    )

    assert response.status_code == 400
    assert "Hidden marsh" not in response.content.decode()
    assert not CaseStudyProject.objects.exists()


def test_add_more_rows_keeps_what_was_typed_and_saves_nothing() -> None:
    author = UserFactory()
    resource = make_case_study(submitted_by=author, status=Resource.Status.DRAFT)

    response = client_for(author).post(
        f"/hub/{resource.slug}/case-study/", form_data(more="1", place="Typed place")
    )

    html = response.content.decode()
    assert 'name="groups-4-kind"' in html
    assert "Typed place" in html
    assert CaseStudy.objects.get(resource=resource).place == ""


def test_too_many_rows_is_a_400() -> None:
    author = UserFactory()
    resource = make_case_study(submitted_by=author, status=Resource.Status.DRAFT)
    data = form_data(**{"people-TOTAL_FORMS": "25"})
    data |= {f"people-{number}-name": f"Person {number}" for number in range(25)}

    response = client_for(author).post(f"/hub/{resource.slug}/case-study/", data)

    assert response.status_code == 400
    assert not CaseStudy.objects.get(resource=resource).people.exists()


def test_others_may_not_edit_a_published_case_study() -> None:
    resource = told(UserFactory())
    url = f"/hub/{resource.slug}/case-study/"

    assert client_for(UserFactory()).get(url).status_code == 403
    assert client_for(UserFactory()).post(url, form_data()).status_code == 403
    assert client_for().get(url).status_code == 302


# --- print and export ----------------------------------------------------------------------


def test_the_print_page_leads_with_figures_and_impacts_and_has_no_navigation() -> None:
    resource = told(UserFactory())

    html = client_for().get(f"/hub/{resource.slug}/print/").content.decode()

    assert "hub/print.css" in html
    assert "site-header" not in html and "<nav" not in html
    assert html.index("Live figures") < html.index("Impacts") < html.index("Context")


def test_the_export_is_a_standalone_download_with_its_own_policy() -> None:
    resource = told(UserFactory())

    response = client_for().get(f"/hub/{resource.slug}/export.html")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{resource.slug}.html"'
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    # Nothing is fetched when the file is opened: no scripts, style sheets, images or fonts.
    assert "<script" not in html
    assert "<link" not in html
    assert not re.search(r"""\ssrc=|url\(|@import""", html)
    assert "<style>" in html and "@page" in html
    assert "Canal watch" in html and "Council minutes" in html
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))
    assert figures["Observations"] == "2"
    assert figures["Participants"] == "1"
    assert 'href="http://testserver/projects/' in html  # links work outside the site
