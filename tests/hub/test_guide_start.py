"""The guided start: phases and participation levels (pure), templates per checklist item and
suggested resources on the incubation checklist page."""

import pytest
from django.test import Client

from cslab.hub.models import Resource
from cslab.hub.selectors.guide import (
    CHECKLIST_TEMPLATE_TYPES,
    guide_for_project,
    participation_levels_for,
    phases_for_status,
)
from cslab.hub.vocabulary import ResourceKind, TemplateType
from cslab.projects.models import ProjectTag
from tests.factories import UserFactory
from tests.hub.factories import make_resource
from tests.projects.factories import ProjectFactory


@pytest.mark.parametrize(
    ("status", "phases"),
    [
        ("idea", ("question", "design")),
        ("incubating", ("question", "design")),
        ("changes_requested", ("question", "design")),
        ("active", ("collection",)),
        ("paused", ("collection",)),
        ("analysing", ("analysis", "interpretation")),
        ("completed", ("dissemination",)),
        ("nonsense", ()),
    ],
)
def test_a_projects_status_gives_its_research_phases(status: str, phases: tuple[str, ...]) -> None:
    assert phases_for_status(status) == phases


@pytest.mark.parametrize(
    ("initiator_type", "levels"),
    [
        ("researcher_led", ("contributory", "collaborative")),
        ("community_led", ("co_created",)),
        ("co_created", ("co_created",)),
    ],
)
def test_who_started_a_project_gives_its_participation_levels(
    initiator_type: str, levels: tuple[str, ...]
) -> None:
    assert participation_levels_for(initiator_type) == levels


def test_every_checklist_item_but_the_mentor_has_templates() -> None:
    assert CHECKLIST_TEMPLATE_TYPES["recruitment_plan"] == (
        TemplateType.RECRUITMENT_PLAN,
        TemplateType.RECRUITMENT_POSTER,
    )
    assert CHECKLIST_TEMPLATE_TYPES["mentor"] == ()


def _template(template_type: str, **fields: object) -> Resource:
    return make_resource(kind=ResourceKind.TEMPLATE, template_type=template_type, **fields)


@pytest.mark.django_db
def test_the_guide_gives_each_item_its_templates_and_only_listed_ones() -> None:
    consent = _template(TemplateType.CONSENT_FORM, title="Consent form")
    poster = _template(TemplateType.RECRUITMENT_POSTER, title="Poster")
    plan = _template(TemplateType.RECRUITMENT_PLAN, title="Recruitment plan")
    _template(TemplateType.CONSENT_FORM, title="Draft consent", status=Resource.Status.DRAFT)
    _template(TemplateType.PROTOCOL, title="Old protocol", status=Resource.Status.RETIRED)
    guide = guide_for_project(ProjectFactory(), UserFactory())
    assert guide.templates["consent_text"] == [consent]
    assert set(guide.templates["recruitment_plan"]) == {poster, plan}
    assert guide.templates["protocol"] == []
    assert guide.templates["mentor"] == []


@pytest.mark.django_db
def test_suggestions_rank_by_matches_and_stop_at_six() -> None:
    project = ProjectFactory(status="incubating", initiator_type="community_led")
    ProjectTag.objects.create(project=project, kind="domain", value="ecology")
    best = make_resource(
        title="Best",
        participation_level="co_created",
        tags={"domain": ["ecology"], "phase": ["design"]},
    )
    for number in range(6):
        make_resource(title=f"Some {number}", tags={"phase": ["question"]})
    make_resource(title="Unrelated", tags={"domain": ["astronomy"], "phase": ["analysis"]})
    make_resource(title="Draft", tags={"domain": ["ecology"]}, status=Resource.Status.DRAFT)
    suggestions = guide_for_project(project, UserFactory()).suggestions
    titles = [resource.title for resource in suggestions]
    assert len(suggestions) == 6
    assert suggestions[0] == best
    assert "Unrelated" not in titles
    assert "Draft" not in titles


@pytest.mark.django_db
def test_the_checklist_page_links_each_item_to_its_templates_and_suggests_resources() -> None:
    project = ProjectFactory(status="incubating")
    ProjectTag.objects.create(project=project, kind="domain", value="ecology")
    consent = _template(TemplateType.CONSENT_FORM, title="Consent form for schools")
    ethics = _template(TemplateType.ETHICS_APPLICATION, title="Ethics application outline")
    make_resource(title="Counting birds well", tags={"domain": ["ecology"]})
    client = Client()
    client.force_login(project.initiator)
    page = client.get(f"/projects/{project.slug}/checklist/").content.decode()
    assert "Resources for your project" in page
    assert "Counting birds well" in page
    # Each template sits under its own item: after its label, before the next item's label.
    consent_at = page.index(consent.get_absolute_url())
    assert page.index("Consent text") < consent_at < page.index("Participant recruitment plan")
    ethics_at = page.index(ethics.get_absolute_url())
    assert page.index("Ethics approval reference") < ethics_at < page.index("Consent text")
