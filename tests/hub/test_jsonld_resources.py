"""schema.org JSON-LD of resource pages: the type per kind, the fields, valid JSON-LD, and
text that cannot break out of its <script> element."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from cslab.hub.jsonld import resource_jsonld
from cslab.hub.models import CaseStudy, CaseStudyProject, Resource
from cslab.hub.selectors.resources import resource_get
from cslab.hub.views.subscriptions import jsonld_context
from cslab.hub.vocabulary import ResourceKind, ResourceTagKind
from tests.hub.factories import make_resource
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.django_db]

SCHEMA = "http://schema.org/"
BASE = "https://lab.example.org/"


def loaded(resource: Resource) -> Resource:
    return resource_get(AnonymousUser(), resource.slug)


@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [
        (ResourceKind.METHOD_CARD, "LearningResource"),
        (ResourceKind.BEST_PRACTICE, "LearningResource"),
        (ResourceKind.TRAINING_MATERIAL, "LearningResource"),
        (ResourceKind.TEMPLATE, "LearningResource"),
        (ResourceKind.PUBLICATION, "ScholarlyArticle"),
        (ResourceKind.DATASET, "Dataset"),
        (ResourceKind.TOOL, "SoftwareApplication"),
        (ResourceKind.RECORDING, "CreativeWork"),
        (ResourceKind.CASE_STUDY, "Article"),
    ],
)
def test_each_kind_has_its_schema_org_type(kind: str, schema_type: str) -> None:
    document = resource_jsonld(loaded(make_resource(kind=kind)), base_url=BASE)
    assert document["@type"] == schema_type


def test_a_filled_resource_describes_itself(make_user: Any) -> None:
    english = make_resource(
        title="Counting bats",
        summary="How to count bats at dusk.",
        authors=["Anna Smit"],
        tags={
            ResourceTagKind.KEYWORD: ["bats"],
            ResourceTagKind.DOMAIN: ["biodiversity"],
            ResourceTagKind.AUDIENCE: ["volunteers"],
        },
        organisation="Leiden University",
        licence="CC-BY-SA-4.0",
    )
    dutch = make_resource(title="Vleermuizen tellen", language="nl")
    Resource.objects.filter(pk=english.pk).update(translation=dutch)
    document = resource_jsonld(loaded(english), base_url=BASE)
    assert document["url"] == f"https://lab.example.org/hub/{english.slug}/"
    assert document["name"] == "Counting bats"
    assert document["description"] == "How to count bats at dusk."
    assert document["inLanguage"] == "en"
    assert document["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert document["author"] == [{"@type": "Person", "name": "Anna Smit"}]
    assert document["keywords"] == ["bats", "Biodiversity"]
    assert document["audience"] == [{"@type": "Audience", "audienceType": "Volunteers"}]
    assert document["isAccessibleForFree"] is True
    assert document["publisher"]["name"] == "Leiden University"
    assert {"datePublished", "dateModified"} <= set(document)
    assert document["workTranslation"]["name"] == "Vleermuizen tellen"
    assert document["workTranslation"]["inLanguage"] == "nl"


def test_all_rights_reserved_has_no_licence_and_a_draft_translation_is_not_named() -> None:
    draft = make_resource(title="Secret draft", status=Resource.Status.DRAFT)
    resource = make_resource(licence="all-rights-reserved")
    Resource.objects.filter(pk=resource.pk).update(translation=draft)
    document = resource_jsonld(loaded(resource), base_url=BASE)
    assert "license" not in document and "workTranslation" not in document


def test_a_case_study_is_about_its_listed_projects_only() -> None:
    case = make_resource(kind=ResourceKind.CASE_STUDY, title="Bats in town")
    structure = CaseStudy.objects.create(resource=case)
    listed = ProjectFactory(public=True, name="Bat walk")
    private = ProjectFactory(status="active", visibility="private", name="Secret project")
    for project in (listed, private):
        CaseStudyProject.objects.create(case_study=structure, project=project)
    request = RequestFactory().get("/")
    context = jsonld_context(request, loaded(case))
    assert context is not None
    about = context["resource_ld"]["about"]
    assert [project["name"] for project in about] == ["Bat walk"]


def test_a_draft_gets_no_json_ld() -> None:
    draft = make_resource(status=Resource.Status.DRAFT)
    assert jsonld_context(RequestFactory().get("/"), draft) is None


def test_the_part_is_well_formed_json_ld_that_cannot_break_out() -> None:
    import extruct
    from pyld import jsonld

    resource = make_resource(
        title="Bats </script><script>alert(1)</script>", summary="Nests & <b>more</b>."
    )
    context = jsonld_context(RequestFactory().get("/"), loaded(resource))
    part = render_to_string("hub/_detail_jsonld.html", context)
    assert "<script>alert" not in part
    html = f"<html><head>{part}</head><body></body></html>"
    items = extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])["json-ld"]
    assert len(items) == 1
    assert items[0]["name"] == "Bats </script><script>alert(1)</script>"

    def offline_loader(url: str, options: Any = None) -> dict[str, Any]:
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": {"@context": {"@vocab": SCHEMA}},
        }

    previous = jsonld.get_document_loader()
    jsonld.set_document_loader(offline_loader)
    try:
        (node,) = jsonld.expand(items[0])
    finally:
        jsonld.set_document_loader(previous)
    assert node["@type"] == [f"{SCHEMA}LearningResource"]
    assert node[f"{SCHEMA}description"] == [{"@value": "Nests & <b>more</b>."}]
    for term in ("inLanguage", "license", "datePublished", "dateModified", "isAccessibleForFree"):
        assert f"{SCHEMA}{term}" in node, term
