"""schema.org JSON-LD of project pages: what it says, that it is well-formed JSON-LD, and
that text from the project cannot break out of its <script> element."""

import datetime
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client

from cslab.projects.jsonld import project_jsonld
from cslab.projects.selectors import project_get_for_viewing
from cslab.projects.services.projects import project_create
from cslab.projects.vocabulary import TagKind
from tests.projects.factories import OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SCHEMA = "http://schema.org/"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[4.4, 52.1], [4.6, 52.1], [4.6, 52.2], [4.4, 52.2], [4.4, 52.1]]],
}


def full_project(initiator: Any = None, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "aim": "Count solitary bees.",
        "description": "We walk through gardens and count nests.",
        **fields,
    }
    project = project_create(
        actor=None,
        owner=initiator,
        name="Bee count",
        status="active",
        visibility="public",
        organisation=OrganisationFactory(name="Leiden Garden Club", slug="garden-club"),
        start_date=datetime.date(2026, 4, 1),
        end_date=datetime.date(2026, 9, 30),
        funding="City of Leiden",
        contact_name="Anna Smit",
        contact_email="anna@example.org",
        website="https://bees.example.org",
        locality="Leiden",
        geographic_extent=SQUARE,
        tags={
            TagKind.KEYWORD: ["pollinators"],
            TagKind.DOMAIN: ["biodiversity"],
            TagKind.COUNTRY: ["NL"],
            TagKind.LANGUAGE: ["nl", "en"],
        },
        **values,
    )
    # The page reads the project through its selector, which prefetches tags and relations.
    return project_get_for_viewing(user=_anonymous(), slug=project.slug)


def test_a_filled_project_describes_itself_as_a_research_project() -> None:
    document = project_jsonld(full_project(), base_url="https://lab.example.org/")

    assert document["@context"] == "https://schema.org"
    assert document["@type"] == "ResearchProject"
    assert document["url"] == "https://lab.example.org/projects/bee-count/"
    assert document["name"] == "Bee count"
    assert document["description"] == "We walk through gardens and count nests."
    assert document["disambiguatingDescription"] == "Count solitary bees."
    assert (document["foundingDate"], document["dissolutionDate"]) == ("2026-04-01", "2026-09-30")
    assert document["keywords"] == ["pollinators", "Biodiversity"]
    assert document["knowsLanguage"] == ["en", "nl"]
    assert document["funder"] == {"@type": "Organization", "name": "City of Leiden"}
    assert document["parentOrganization"] == {
        "@type": "Organization",
        "name": "Leiden Garden Club",
        "url": "https://lab.example.org/organisations/garden-club/",
    }
    assert document["areaServed"] == [
        {
            "@type": "Place",
            "name": "Leiden",
            "geo": {"@type": "GeoShape", "box": "52.1 4.4 52.2 4.6"},
        },
        {"@type": "Country", "name": "Netherlands", "identifier": "NL"},
    ]
    assert document["contactPoint"]["email"] == "anna@example.org"
    assert document["sameAs"] == "https://bees.example.org"


def test_empty_fields_are_left_out() -> None:
    project = ProjectFactory(public=True, name="Bare")
    document = project_jsonld(project, base_url="https://lab.example.org")
    assert set(document) == {"@context", "@type", "@id", "name", "url"}


def test_the_aim_is_the_description_when_there_is_no_description() -> None:
    project = ProjectFactory(public=True, aim="Count bees.")
    document = project_jsonld(project, base_url="https://lab.example.org")
    assert document["description"] == "Count bees."
    assert "disambiguatingDescription" not in document


def test_the_initiator_is_named_only_with_a_public_profile(make_user: Any) -> None:
    private = make_user(display_name="Quiet Person")
    document = project_jsonld(full_project(private), base_url="https://lab.example.org")
    assert "founder" not in document

    public = make_user(display_name="Anna Smit", profile_public=True)
    project = ProjectFactory(public=True, initiator=public)
    document = project_jsonld(project, base_url="https://lab.example.org")
    assert document["founder"] == {
        "@type": "Person",
        "name": "Anna Smit",
        "url": f"https://lab.example.org/people/{public.pk}/",
    }


def test_the_json_ld_filter_keeps_script_endings_and_markup_inside_the_element() -> None:
    rendered = Template("{% load project_tags %}{{ value|json_ld }}").render(
        Context({"value": {"name": "</script><script>alert(1)</script> & <!--"}})
    )
    assert "<" not in rendered and ">" not in rendered and "&" not in rendered
    assert "\\u003c/script\\u003e" in rendered


def test_the_project_page_carries_json_ld_that_expands_with_schema_org_terms() -> None:
    import extruct
    from pyld import jsonld

    project = full_project(description="Nests </script> & <b>more</b>.")
    response = Client().get(project.get_absolute_url())
    html = response.content.decode()

    items = extruct.extract(
        html, base_url="http://testserver/", syntaxes=["json-ld"], uniform=True
    )["json-ld"]
    assert len(items) == 1
    item = items[0]
    assert item["description"] == "Nests </script> & <b>more</b>."

    def offline_loader(url: str, options: Any = None) -> dict[str, Any]:
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": {"@context": {"@vocab": SCHEMA}},
        }

    previous = jsonld.get_document_loader()
    jsonld.set_document_loader(offline_loader)
    try:
        expanded = jsonld.expand(item)
    finally:
        jsonld.set_document_loader(previous)

    assert len(expanded) == 1
    node = expanded[0]
    assert node["@type"] == [f"{SCHEMA}ResearchProject"]
    assert node["@id"] == "http://testserver/projects/bee-count/#project"
    assert node[f"{SCHEMA}name"] == [{"@value": "Bee count"}]
    assert node[f"{SCHEMA}url"] == [{"@value": "http://testserver/projects/bee-count/"}]
    place, country = node[f"{SCHEMA}areaServed"]
    assert place["@type"] == [f"{SCHEMA}Place"]
    shape = place[f"{SCHEMA}geo"][0]
    assert shape["@type"] == [f"{SCHEMA}GeoShape"]
    assert shape[f"{SCHEMA}box"] == [{"@value": "52.1 4.4 52.2 4.6"}]
    assert country[f"{SCHEMA}identifier"] == [{"@value": "NL"}]
    assert {value["@value"] for value in node[f"{SCHEMA}keywords"]} == {
        "pollinators",
        "Biodiversity",
    }
    for term in (
        "foundingDate",
        "dissolutionDate",
        "funder",
        "parentOrganization",
        "knowsLanguage",
        "contactPoint",
        "description",
    ):
        assert f"{SCHEMA}{term}" in node, term


def test_a_private_project_page_is_not_found_so_its_json_ld_never_leaks(volunteer: Any) -> None:
    project = ProjectFactory(status="active", visibility="private", name="Secret")
    response = Client().get(project.get_absolute_url())
    assert response.status_code == 404
    assert b"Secret" not in response.content


def _anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
