"""Project and organisation services: creating, slugs, tags, areas, the search document."""

from typing import Any

import pytest

from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.models import AuditEvent
from cslab.core.roles import ProjectRole
from cslab.projects.models import Membership, OrganisationMember, Project, ProjectStatusChange
from cslab.projects.services.projects import (
    organisation_create,
    project_create,
    project_update,
)
from cslab.projects.vocabulary import TagKind
from tests.projects.factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationMemberFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[4.4, 52.1], [4.6, 52.1], [4.6, 52.2], [4.4, 52.2], [4.4, 52.1]]],
}


def tags_of(project: Project, kind: str) -> list[str]:
    return sorted(project.tags.filter(kind=kind).values_list("value", flat=True))


# --- creating ---


def test_a_person_starts_a_project_as_its_owner(volunteer: Any) -> None:
    project = project_create(actor=volunteer, name="  Bee count  ", aim="Count bees.")

    assert (project.name, project.status, project.approved_at) == ("Bee count", "idea", None)
    assert project.initiator == volunteer
    membership = Membership.objects.get(project=project)
    assert (membership.user, membership.role) == (volunteer, ProjectRole.OWNER)
    step = ProjectStatusChange.objects.get(project=project)
    assert (step.from_status, step.to_status, step.actor) == ("", "idea", volunteer)
    assert AuditEvent.objects.filter(action="project.created", actor=volunteer).count() == 1


@pytest.mark.parametrize("status", ["in_review", "active", "completed"])
def test_a_person_cannot_start_a_project_past_incubation(volunteer: Any, status: str) -> None:
    with pytest.raises(InvalidInputError):
        project_create(actor=volunteer, name="Shortcut", status=status)
    assert not Project.objects.exists()


def test_the_system_may_create_an_approved_project(volunteer: Any) -> None:
    project = project_create(actor=None, owner=volunteer, name="Imported", status="active")
    assert project.approved_at is not None
    assert project.memberships.get().user == volunteer


def test_unknown_fields_are_refused(volunteer: Any) -> None:
    with pytest.raises(InvalidInputError):
        project_create(actor=volunteer, name="Bee count", approved_at="2026-01-01")
    project = ProjectFactory()
    with pytest.raises(InvalidInputError):
        project_update(actor=project.initiator, project=project, status="active")


def test_invalid_values_are_refused_per_field(volunteer: Any) -> None:
    with pytest.raises(InvalidInputError) as raised:
        project_create(
            actor=volunteer, name="Bee count", contact_email="not an address", faculty="astrology"
        )
    assert set(raised.value.details) == {"contact_email", "faculty"}
    assert not Project.objects.exists()


def test_an_end_date_before_the_start_date_is_refused(volunteer: Any) -> None:
    import datetime

    with pytest.raises(InvalidInputError):
        project_create(
            actor=volunteer,
            name="Backwards",
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 4, 1),
        )


# --- slugs ---


def test_projects_with_the_same_name_get_different_slugs(volunteer: Any) -> None:
    slugs = [project_create(actor=volunteer, name="Bee count").slug for _ in range(3)]
    assert slugs == ["bee-count", "bee-count-2", "bee-count-3"]


def test_a_name_without_letters_still_gets_a_slug(volunteer: Any) -> None:
    first = project_create(actor=volunteer, name="???")
    second = project_create(actor=volunteer, name="!!!")
    assert (first.slug, second.slug) == ("project", "project-2")


def test_a_slug_taken_by_a_project_made_elsewhere_is_skipped(volunteer: Any) -> None:
    ProjectFactory(slug="bee-count")
    ProjectFactory(slug="bee-count-2")
    assert project_create(actor=volunteer, name="Bee Count").slug == "bee-count-3"


def test_renaming_keeps_the_slug(volunteer: Any) -> None:
    project = project_create(actor=volunteer, name="Bee count")
    project_update(actor=volunteer, project=project, name="Wild bee count")
    project.refresh_from_db()
    assert (project.name, project.slug) == ("Wild bee count", "bee-count")


def test_organisations_with_the_same_name_get_different_slugs(volunteer: Any) -> None:
    slugs = [
        organisation_create(actor=volunteer, name="Garden Club", kind="community_group").slug
        for _ in range(2)
    ]
    assert slugs == ["garden-club", "garden-club-2"]


# --- tags ---


def test_tags_are_stored_trimmed_and_without_duplicates(volunteer: Any) -> None:
    project = project_create(
        actor=volunteer,
        name="Bee count",
        tags={
            TagKind.KEYWORD: [" bees ", "bees", "", "pollinators"],
            TagKind.DOMAIN: ["biodiversity"],
        },
    )
    assert tags_of(project, TagKind.KEYWORD) == ["bees", "pollinators"]
    assert tags_of(project, TagKind.DOMAIN) == ["biodiversity"]


def test_updating_one_kind_of_tag_leaves_the_others(volunteer: Any) -> None:
    project = project_create(
        actor=volunteer,
        name="Bee count",
        tags={TagKind.KEYWORD: ["bees"], TagKind.COUNTRY: ["NL"]},
    )
    project_update(actor=volunteer, project=project, tags={TagKind.KEYWORD: ["wasps"]})
    assert tags_of(project, TagKind.KEYWORD) == ["wasps"]
    assert tags_of(project, TagKind.COUNTRY) == ["NL"]


def test_an_empty_list_removes_that_kind_of_tag(volunteer: Any) -> None:
    project = project_create(actor=volunteer, name="Bee count", tags={TagKind.SDG: ["15"]})
    project_update(actor=volunteer, project=project, tags={TagKind.SDG: []})
    assert tags_of(project, TagKind.SDG) == []


def test_an_unknown_kind_of_tag_is_refused(volunteer: Any) -> None:
    with pytest.raises(InvalidInputError):
        project_create(actor=volunteer, name="Bee count", tags={"mood": ["happy"]})
    assert not Project.objects.exists()


def test_changing_only_tags_is_recorded(volunteer: Any) -> None:
    project = project_create(actor=volunteer, name="Bee count")
    project_update(actor=volunteer, project=project, tags={TagKind.LANGUAGE: ["nl", "en"]})
    event = AuditEvent.objects.get(action="project.updated")
    assert event.details["tags"] is True


# --- geography ---


def test_an_area_is_stored_with_its_bounding_box_and_centre(volunteer: Any) -> None:
    project = project_create(actor=volunteer, name="Bee count", geographic_extent=SQUARE)
    assert project.geographic_extent == SQUARE
    box = (project.extent_west, project.extent_south, project.extent_east, project.extent_north)
    assert box == (4.4, 52.1, 4.6, 52.2)
    assert project.centre_latitude == pytest.approx(52.15)
    assert project.centre_longitude == pytest.approx(4.5)


def test_a_feature_collection_with_one_feature_becomes_its_geometry(volunteer: Any) -> None:
    document = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": SQUARE}]}
    project = project_create(actor=volunteer, name="Bee count", geographic_extent=document)
    assert project.geographic_extent == SQUARE


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ({"type": "Point", "coordinates": [52.1, 181.0]}, "longitude first"),
        (
            {"type": "Polygon", "coordinates": [[[4.4, 52.1], [4.6, 52.1], [4.6, 52.2]]]},
            "must close",
        ),
        ({"type": "LineString", "coordinates": [[4.4, 52.1], [4.6, 52.2]]}, "not LineString"),
        ({"type": "FeatureCollection", "features": []}, "no features"),
        ({"coordinates": [4.4, 52.1]}, "needs a 'type'"),
        ([4.4, 52.1], "needs a 'type'"),
        ({"type": "Point"}, "no coordinates"),
        ({"type": "Point", "coordinates": ["east", "north"]}, "nested lists of numbers"),
    ],
)
def test_an_unusable_area_is_refused_with_a_message_that_says_why(
    volunteer: Any, document: Any, words: str
) -> None:
    project = project_create(actor=volunteer, name="Bee count", geographic_extent=SQUARE)

    with pytest.raises(InvalidInputError) as raised:
        project_update(actor=volunteer, project=project, geographic_extent=document)

    assert raised.value.code == "invalid_area"
    assert words in raised.value.details["geographic_extent"][0]
    project.refresh_from_db()
    assert project.geographic_extent == SQUARE


def test_removing_the_area_clears_the_box_and_centre(volunteer: Any) -> None:
    project = project_create(actor=volunteer, name="Bee count", geographic_extent=SQUARE)
    project_update(actor=volunteer, project=project, geographic_extent=None)
    project.refresh_from_db()
    assert project.geographic_extent is None
    assert (project.extent_west, project.centre_latitude) == (None, None)


def test_leaving_out_the_area_keeps_it(volunteer: Any) -> None:
    project = project_create(actor=volunteer, name="Bee count", geographic_extent=SQUARE)
    project_update(actor=volunteer, project=project, aim="Count bees.")
    project.refresh_from_db()
    assert project.geographic_extent == SQUARE


# --- the search document ---


def test_the_search_document_holds_the_searchable_text_in_lower_case(volunteer: Any) -> None:
    organisation = OrganisationFactory(name="Leiden Garden Club")
    OrganisationMemberFactory(organisation=organisation, user=volunteer)
    project = project_create(
        actor=volunteer,
        name="Bee Count",
        aim="Find NESTING sites.",
        locality="Leiden",
        organisation=organisation,
        tags={TagKind.KEYWORD: ["Pollinators"], TagKind.DOMAIN: ["biodiversity"]},
    )
    project.refresh_from_db()
    document = project.search_document
    for words in ("bee count", "nesting sites", "leiden garden club", "pollinators", "biodiv"):
        assert words in document
    assert document == document.lower()


def test_the_search_document_follows_edits_and_tag_changes(volunteer: Any) -> None:
    project = project_create(actor=volunteer, name="Bee count", tags={TagKind.KEYWORD: ["bees"]})
    project_update(
        actor=volunteer, project=project, name="Moth count", tags={TagKind.KEYWORD: ["moths"]}
    )
    project.refresh_from_db()
    assert "moth count" in project.search_document
    assert "moths" in project.search_document
    assert "bee" not in project.search_document


def test_the_search_document_leaves_out_private_checklist_fields(volunteer: Any) -> None:
    project = project_create(actor=volunteer, name="Bee count")
    project_update(actor=volunteer, project=project, consent_text="Secret consent wording")
    project.refresh_from_db()
    assert "secret" not in project.search_document


# --- who may change a project ---


@pytest.mark.parametrize("role", [ProjectRole.MODERATOR, ProjectRole.MEMBER, ProjectRole.VIEWER])
def test_team_members_other_than_owners_and_researchers_cannot_edit(
    role: str, make_user: Any
) -> None:
    project = ProjectFactory(aim="Count bees.")
    person = make_user()
    MembershipFactory(project=project, user=person, role=role)
    with pytest.raises(NotFoundError):
        project_update(actor=person, project=project, aim="Hijacked.")
    project.refresh_from_db()
    assert project.aim == "Count bees."


def test_a_researcher_and_lab_staff_may_edit(make_user: Any, staff: Any) -> None:
    project = ProjectFactory()
    researcher = make_user()
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)
    project_update(actor=researcher, project=project, aim="By the researcher.")
    project_update(actor=staff, project=project, funding="By staff.")
    project.refresh_from_db()
    assert (project.aim, project.funding) == ("By the researcher.", "By staff.")


# --- organisations ---


def test_the_creator_of_an_organisation_is_its_administrator(volunteer: Any) -> None:
    organisation = organisation_create(
        actor=volunteer, name=" Garden Club ", kind="community_group", website="https://g.example"
    )
    assert organisation.name == "Garden Club"
    member = OrganisationMember.objects.get(organisation=organisation)
    assert (member.user, member.role) == (volunteer, OrganisationMember.Role.ADMIN)
    assert AuditEvent.objects.filter(action="organisation.created").count() == 1


def test_an_organisation_of_an_unknown_kind_is_refused(volunteer: Any) -> None:
    with pytest.raises(InvalidInputError) as raised:
        organisation_create(actor=volunteer, name="Garden Club", kind="cult")
    assert "kind" in raised.value.details


def test_only_members_of_an_organisation_run_projects_in_its_name(
    volunteer: Any, staff: Any
) -> None:
    organisation = OrganisationFactory(name="River Guardians")
    with pytest.raises(InvalidInputError) as refused:
        project_create(actor=volunteer, name="Borrowed name", organisation=organisation)
    assert refused.value.code == "not_an_organisation_member"
    project = project_create(actor=volunteer, name="Own name")
    with pytest.raises(InvalidInputError):
        project_update(actor=volunteer, project=project, organisation=organisation)
    project_create(actor=staff, name="Staff may", organisation=organisation)
    OrganisationMemberFactory(organisation=organisation, user=volunteer)
    project_update(actor=volunteer, project=project, organisation=organisation)
    project.refresh_from_db()
    assert project.organisation == organisation


@pytest.mark.parametrize("name", ["New", "Mine", "Feed"])
def test_a_project_never_gets_an_address_a_page_already_uses(volunteer: Any, name: str) -> None:
    project = project_create(actor=volunteer, name=name)
    assert project.slug == f"{name.lower()}-2"


# --- null in an edit ---


@pytest.mark.parametrize("field", ["recruitment_plan", "aim", "website", "faculty", "department"])
def test_null_for_an_optional_text_field_empties_it(field: str) -> None:
    project = ProjectFactory(**{field: "other" if field == "faculty" else "x"})
    project_update(actor=project.initiator, project=project, **{field: None})
    project.refresh_from_db()
    assert getattr(project, field) == ""


@pytest.mark.parametrize("field", ["name", "visibility", "membership_policy", "initiator_type"])
def test_null_for_a_required_field_is_refused_naming_the_field(field: str) -> None:
    project = ProjectFactory()
    with pytest.raises(InvalidInputError) as raised:
        project_update(actor=project.initiator, project=project, **{field: None})
    assert set(raised.value.details) == {field}


def test_null_in_a_new_project_counts_as_empty(volunteer: Any) -> None:
    project = project_create(actor=volunteer, name="Bee count", recruitment_plan=None)
    assert project.recruitment_plan == ""


def test_patching_a_text_field_to_null_through_the_api_empties_it(client: Any) -> None:
    project = ProjectFactory(recruitment_plan="Posters.", consent_text="I agree.")
    client.force_login(project.initiator)
    response = client.patch(
        f"/api/v1/projects/{project.slug}",
        {"recruitment_plan": None, "consent_text": None},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert (project.recruitment_plan, project.consent_text) == ("", "")


def test_patching_the_name_to_null_answers_400_naming_it(client: Any) -> None:
    project = ProjectFactory()
    client.force_login(project.initiator)
    response = client.patch(
        f"/api/v1/projects/{project.slug}", {"name": None}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "name" in response.json()["errors"]
