"""The project and organisation pages: who sees what, and that each form reaches its service."""

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from cslab.core.roles import ProjectRole
from cslab.projects.models import Membership, Organisation, Project
from cslab.projects.services.lifecycle import project_transition
from cslab.projects.services.projects import project_create, project_update
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
COMPLETE_CHECKLIST = {
    "research_questions": "Where do bees nest?",
    "protocol": "Walk a fixed route.",
    "data_management_plan": "University servers.",
    "ethics_approval_reference": "ERC-1",
    "consent_text": "I agree.",
    "recruitment_plan": "Newsletter.",
}


def client_for(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def edit_data(project: Project, **changes: Any) -> dict[str, Any]:
    """Return the edit form's data for `project` as it stands, with `changes` applied."""
    data: dict[str, Any] = {
        "name": project.name,
        "initiator_type": project.initiator_type,
        "visibility": project.visibility,
        "membership_policy": project.membership_policy,
        "data_licence": project.data_licence,
        "aim": project.aim,
        "description": project.description,
        "geographic_extent": json.dumps(project.geographic_extent)
        if project.geographic_extent
        else "",
    }
    data.update(changes)
    return data


def png(size: tuple[int, int] = (20, 10), fmt: str = "PNG", name: str = "bees.png") -> Any:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 160, 0)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


# --- starting a project ---


def test_starting_a_project_needs_signing_in() -> None:
    response = client_for(None).get(reverse("project_create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_volunteer_starts_a_project_and_lands_on_its_page(volunteer: Any) -> None:
    organisation = OrganisationMemberFactory(user=volunteer).organisation
    response = client_for(volunteer).post(
        reverse("project_create"),
        {
            "name": "Bee count",
            "initiator_type": "community_led",
            "organisation": organisation.pk,
            "status": "incubating",
            "aim": "Count bees in gardens.",
            "description": "",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert (project.status, project.initiator_type, project.organisation) == (
        "incubating",
        "community_led",
        organisation,
    )
    assert Membership.objects.get(project=project).user == volunteer


def test_a_project_cannot_be_put_in_someone_elses_organisation(volunteer: Any) -> None:
    stranger_organisation = OrganisationFactory()
    response = client_for(volunteer).post(
        reverse("project_create"),
        {
            "name": "Bee count",
            "initiator_type": "community_led",
            "status": "idea",
            "organisation": stranger_organisation.pk,
        },
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Project.objects.exists()


def test_a_project_cannot_be_started_as_active_through_the_form(volunteer: Any) -> None:
    response = client_for(volunteer).post(
        reverse("project_create"),
        {"name": "Shortcut", "initiator_type": "researcher_led", "status": "active"},
    )
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    assert not Project.objects.exists()


# --- the project page ---


@pytest.mark.parametrize("who", ["anonymous", "volunteer"])
def test_an_unapproved_project_is_not_found_for_outsiders(who: str, volunteer: Any) -> None:
    project = ProjectFactory(status="in_review", visibility="public")
    response = client_for(volunteer if who == "volunteer" else None).get(project.get_absolute_url())
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "volunteer"])
def test_a_private_approved_project_is_not_found_for_outsiders(who: str, volunteer: Any) -> None:
    project = ProjectFactory(status="active", visibility="private")
    response = client_for(volunteer if who == "volunteer" else None).get(project.get_absolute_url())
    assert response.status_code == 404


@pytest.mark.parametrize("role", list(ProjectRole))
def test_the_team_sees_its_unapproved_project(role: str, make_user: Any) -> None:
    project = ProjectFactory(status="incubating")
    person = make_user()
    MembershipFactory(project=project, user=person, role=role)
    response = client_for(person).get(project.get_absolute_url())
    assert response.status_code == 200
    assert b'name="robots" content="noindex"' in response.content


def test_lab_staff_see_an_unapproved_private_project(staff: Any) -> None:
    project = ProjectFactory(status="in_review")
    assert client_for(staff).get(project.get_absolute_url()).status_code == 200


def test_an_unlisted_project_opens_for_anyone_with_the_link_but_is_not_indexed() -> None:
    project = ProjectFactory(status="active", visibility="unlisted")
    response = client_for(None).get(project.get_absolute_url())
    assert response.status_code == 200
    assert b'name="robots" content="noindex"' in response.content
    assert reverse("project_ppsr", args=[project.slug]).encode() not in response.content


def test_a_public_profile_shows_every_filled_field_and_leaves_out_empty_ones() -> None:
    organisation = OrganisationFactory(name="Leiden Garden Club")
    project = project_create(
        actor=None,
        name="Bee count",
        status="active",
        visibility="public",
        organisation=organisation,
        aim="Count solitary bees.",
        description="We walk through gardens.",
        how_to_take_part="Walk a route once a fortnight.",
        faculty="science",
        department="Institute of Biology",
        time_commitment="An hour a fortnight",
        difficulty="easy",
        equipment="A phone",
        contact_name="Anna Smit",
        contact_email="anna@example.org",
        website="https://bees.example.org",
        locality="Leiden",
        data_licence="CC0-1.0",
        geographic_extent=SQUARE,
        tags={
            TagKind.DOMAIN: ["biodiversity"],
            TagKind.PARTICIPATION_TASK: ["collecting_data"],
            TagKind.KEYWORD: ["pollinators"],
            TagKind.SDG: ["15"],
            TagKind.COUNTRY: ["NL"],
            TagKind.LANGUAGE: ["nl"],
        },
    )
    response = client_for(None).get(project.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    for text in (
        "Count solitary bees.",
        "We walk through gardens.",
        "Walk a route once a fortnight.",
        "Faculty of Science",
        "Institute of Biology",
        "An hour a fortnight",
        "Easy",
        "A phone",
        "Anna Smit",
        "mailto:anna@example.org",
        "https://bees.example.org",
        "Leiden",
        "CC0 1.0",
        "Leiden Garden Club",
        "Biodiversity",
        "Collecting data",
        "pollinators",
        "15. Life on land",
        "Netherlands",
        "Dutch",
        "Researcher-led",
        "Active",
        "between latitudes 52.1000 and 52.2000",
    ):
        assert text in html, text
    assert "Funding" not in html
    assert "End date" not in html
    assert 'name="robots"' not in html
    assert 'id="project-area-data"' in html
    assert "js_lib_leaflet/leaflet.js" in html
    assert reverse("project_ppsr", args=[project.slug]) in html


def test_the_image_is_shown_with_its_alt_text() -> None:
    project = ProjectFactory(public=True, image=png(), image_alt_text="A bee on a thistle")
    html = client_for(None).get(project.get_absolute_url()).content.decode()
    assert 'alt="A bee on a thistle"' in html


def test_the_public_timeline_shows_status_changes_with_comments(staff: Any) -> None:
    project = ProjectFactory(status="in_review", visibility="public", **COMPLETE_CHECKLIST)
    project_transition(
        actor=staff,
        project=project,
        to_status="changes_requested",
        comment="Add a consent text in Dutch.",
    )
    project_transition(actor=project.initiator, project=project, to_status="in_review")
    project_transition(actor=staff, project=project, to_status="active", comment="Welcome!")

    html = client_for(None).get(project.get_absolute_url()).content.decode()

    assert "Add a consent text in Dutch." in html
    assert "Welcome!" in html
    assert "from “Changes requested” to “In review”" in html
    assert staff.email not in html


def test_the_team_sees_the_checklist_and_the_moves_it_may_make(make_user: Any) -> None:
    project = ProjectFactory(status="incubating", research_questions="Where?")
    response = client_for(project.initiator).get(project.get_absolute_url())
    html = response.content.decode()
    assert response.context["checklist"]["done"] == 2  # the question, and no mentor needed
    assert "Incubation checklist" in html
    assert [action["to_status"] for action in response.context["actions"]] == [
        "in_review",
        "archived",
    ]
    assert reverse("project_edit", args=[project.slug]) in html

    member = make_user()
    MembershipFactory(project=project, user=member, role=ProjectRole.MEMBER)
    response = client_for(member).get(project.get_absolute_url())
    assert response.context["checklist"] is not None
    assert response.context["actions"] == []
    assert reverse("project_edit", args=[project.slug]) not in response.content.decode()


def test_visitors_see_neither_checklist_nor_moves() -> None:
    project = ProjectFactory(public=True)
    response = client_for(None).get(project.get_absolute_url())
    assert response.context["checklist"] is None
    assert response.context["actions"] == []
    assert reverse("project_transition", args=[project.slug]) not in response.content.decode()


def test_lab_staff_see_the_review_moves_and_the_significant_edits_notice(staff: Any) -> None:
    project = ProjectFactory(public=True)
    project_update(actor=project.initiator, project=project, aim="A new aim.")

    response = client_for(staff).get(project.get_absolute_url())
    html = response.content.decode()
    assert "Significant edits pending review" in html
    assert response.context["flagged_fields"] == ["aim"]

    owner_html = client_for(project.initiator).get(project.get_absolute_url()).content.decode()
    assert "Significant edits pending review" not in owner_html


# --- editing ---


@pytest.mark.parametrize("role", [ProjectRole.MODERATOR, ProjectRole.MEMBER, ProjectRole.VIEWER])
def test_team_members_who_may_not_edit_get_not_found(role: str, make_user: Any) -> None:
    project = ProjectFactory()
    person = make_user()
    MembershipFactory(project=project, user=person, role=role)
    assert client_for(person).get(reverse("project_edit", args=[project.slug])).status_code == 404


def test_an_outsider_gets_not_found_and_a_visitor_is_sent_to_sign_in(volunteer: Any) -> None:
    project = ProjectFactory(public=True)
    url = reverse("project_edit", args=[project.slug])
    assert client_for(volunteer).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_the_owner_edits_fields_tags_and_area() -> None:
    project = ProjectFactory()
    response = client_for(project.initiator).post(
        reverse("project_edit", args=[project.slug]),
        edit_data(
            project,
            aim="Count bees.",
            domains=["biodiversity", "environment"],
            participation_tasks=["collecting_data"],
            keywords="bees, pollinators , ",
            sdgs=["15", "11"],
            countries=["NL", "BE"],
            languages=["nl", "en"],
            geographic_extent=json.dumps(SQUARE),
            start_date="2026-04-01",
            end_date="2026-09-30",
            difficulty="easy",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    project.refresh_from_db()
    assert project.aim == "Count bees."
    assert project.geographic_extent == SQUARE
    assert str(project.end_date) == "2026-09-30"
    assert project.tags_of(TagKind.KEYWORD) == ["bees", "pollinators"]
    assert project.tags_of(TagKind.SDG) == ["11", "15"]
    assert project.tags_of(TagKind.COUNTRY) == ["BE", "NL"]
    assert project.tags_of(TagKind.LANGUAGE) == ["en", "nl"]
    assert project.tags_of(TagKind.DOMAIN) == ["biodiversity", "environment"]


def test_the_area_can_be_uploaded_as_a_geojson_file() -> None:
    project = ProjectFactory()
    feature = {"type": "Feature", "properties": {}, "geometry": SQUARE}
    upload = SimpleUploadedFile(
        "area.geojson", json.dumps(feature).encode(), content_type="application/geo+json"
    )
    response = client_for(project.initiator).post(
        reverse("project_edit", args=[project.slug]), edit_data(project, area_file=upload)
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.geographic_extent == SQUARE


def test_emptying_the_geojson_text_removes_the_area() -> None:
    project = ProjectFactory()
    project_update(actor=project.initiator, project=project, geographic_extent=SQUARE)
    client_for(project.initiator).post(
        reverse("project_edit", args=[project.slug]), edit_data(project, geographic_extent="")
    )
    project.refresh_from_db()
    assert project.geographic_extent is None


def test_text_that_is_not_json_is_shown_next_to_the_area_field() -> None:
    project = ProjectFactory()
    response = client_for(project.initiator).post(
        reverse("project_edit", args=[project.slug]),
        edit_data(project, geographic_extent="{not json"),
    )
    assert response.status_code == 200
    assert "not valid JSON" in str(response.context["form"].errors["geographic_extent"])


def test_the_services_area_message_is_shown_next_to_the_area_field() -> None:
    project = ProjectFactory()
    wrong_order = {"type": "Point", "coordinates": [52.15, 104.5]}
    response = client_for(project.initiator).post(
        reverse("project_edit", args=[project.slug]),
        edit_data(project, geographic_extent=json.dumps(wrong_order)),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["geographic_extent"]
    assert "longitude first" in str(errors)
    assert "longitude first" in response.content.decode()
    project.refresh_from_db()
    assert project.geographic_extent is None


def test_an_end_date_before_the_start_date_is_an_error_on_the_end_date() -> None:
    project = ProjectFactory()
    response = client_for(project.initiator).post(
        reverse("project_edit", args=[project.slug]),
        edit_data(project, start_date="2026-05-01", end_date="2026-04-01"),
    )
    assert "end_date" in response.context["form"].errors


def test_an_image_needs_alt_text() -> None:
    project = ProjectFactory()
    response = client_for(project.initiator).post(
        reverse("project_edit", args=[project.slug]), edit_data(project, image=png())
    )
    assert response.status_code == 200
    assert "image_alt_text" in response.context["form"].errors
    project.refresh_from_db()
    assert not project.image


def test_an_image_with_alt_text_is_saved_and_can_be_removed() -> None:
    project = ProjectFactory()
    client = client_for(project.initiator)
    url = reverse("project_edit", args=[project.slug])
    response = client.post(url, edit_data(project, image=png(), image_alt_text="A bee"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.image.name.startswith("projects/")
    assert project.image_alt_text == "A bee"

    client.post(url, edit_data(project, remove_image="on", image_alt_text=""))
    project.refresh_from_db()
    assert not project.image


def test_a_file_that_is_not_an_image_is_refused() -> None:
    project = ProjectFactory()
    fake = SimpleUploadedFile("bees.png", b"not an image at all", content_type="image/png")
    response = client_for(project.initiator).post(
        reverse("project_edit", args=[project.slug]),
        edit_data(project, image=fake, image_alt_text="A bee"),
    )
    assert "image" in response.context["form"].errors


def test_an_image_over_five_megabytes_is_refused() -> None:
    project = ProjectFactory()
    big = png(size=(1400, 1300), fmt="BMP", name="bees.bmp")  # 5.5 MB uncompressed
    assert big.size > 5 * 1024 * 1024
    response = client_for(project.initiator).post(
        reverse("project_edit", args=[project.slug]),
        edit_data(project, image=big, image_alt_text="A bee"),
    )
    assert "5 MB" in str(response.context["form"].errors["image"])


def test_saving_an_approved_project_unchanged_flags_nothing_and_an_aim_change_is_flagged() -> None:
    project = ProjectFactory(public=True, aim="Count bees.")
    project_update(actor=project.initiator, project=project, geographic_extent=SQUARE)
    client = client_for(project.initiator)
    url = reverse("project_edit", args=[project.slug])

    client.post(url, edit_data(project))
    project.refresh_from_db()
    assert project.edits_flagged_at is None

    response = client.post(url, edit_data(project, aim="Count bees and wasps."), follow=True)
    project.refresh_from_db()
    assert project.edits_flagged_fields == ["aim"]
    assert (project.status, project.visibility) == ("active", "public")
    assert any("stays published" in message for message in messages_of(response))


def test_imported_tag_values_outside_the_vocabulary_survive_an_edit() -> None:
    project = ProjectFactory()
    project_update(actor=project.initiator, project=project, tags={TagKind.DOMAIN: ["Ornithology"]})
    client = client_for(project.initiator)
    url = reverse("project_edit", args=[project.slug])
    page = client.get(url)
    assert page.context["form"].initial["domains"] == ["Ornithology"]
    client.post(url, edit_data(project, domains=["Ornithology", "biodiversity"]))
    assert project.tags_of(TagKind.DOMAIN) == ["Ornithology", "biodiversity"]


# --- the checklist and lifecycle moves ---


def test_the_checklist_page_saves_the_checklist() -> None:
    project = ProjectFactory(status="incubating")
    response = client_for(project.initiator).post(
        reverse("project_checklist", args=[project.slug]),
        {**COMPLETE_CHECKLIST, "ethics_approval_reference": "", "ethics_not_needed_reason": "No"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.protocol == "Walk a fixed route."
    assert project.ethics_not_needed_reason == "No"


def test_the_checklist_page_is_for_owners_researchers_and_staff(make_user: Any) -> None:
    project = ProjectFactory(status="incubating")
    url = reverse("project_checklist", args=[project.slug])
    member = make_user()
    MembershipFactory(project=project, user=member, role=ProjectRole.MEMBER)
    assert client_for(member).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert client_for(make_user(site_role="staff")).get(url).status_code == 200
    response = client_for(project.initiator).get(url)
    assert response.status_code == 200
    assert response.context["can_submit"] is True


def test_submitting_an_incomplete_checklist_says_what_is_missing() -> None:
    project = ProjectFactory(status="incubating", research_questions="Where?")
    response = client_for(project.initiator).post(
        reverse("project_transition", args=[project.slug]),
        {"to_status": "in_review", "comment": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert any("Protocol" in message for message in messages_of(response))
    project.refresh_from_db()
    assert project.status == "incubating"


def test_submitting_a_complete_checklist_puts_the_project_in_review() -> None:
    project = ProjectFactory(status="incubating", **COMPLETE_CHECKLIST)
    checklist_url = reverse("project_checklist", args=[project.slug])
    response = client_for(project.initiator).post(
        reverse("project_transition", args=[project.slug]),
        {"to_status": "in_review", "comment": "Ready.", "next": checklist_url},
    )
    assert response["Location"] == checklist_url
    project.refresh_from_db()
    assert project.status == "in_review"


def test_a_move_never_redirects_off_the_site() -> None:
    project = ProjectFactory(status="idea")
    response = client_for(project.initiator).post(
        reverse("project_transition", args=[project.slug]),
        {"to_status": "incubating", "next": "https://evil.example/"},
    )
    assert response["Location"] == project.get_absolute_url()


def test_requesting_changes_without_a_comment_is_refused_with_a_message(staff: Any) -> None:
    project = ProjectFactory(status="in_review")
    response = client_for(staff).post(
        reverse("project_transition", args=[project.slug]),
        {"to_status": "changes_requested", "comment": "  "},
        follow=True,
    )
    assert any("Say what needs to change" in message for message in messages_of(response))
    project.refresh_from_db()
    assert project.status == "in_review"


def test_the_owner_cannot_approve_their_own_project() -> None:
    project = ProjectFactory(status="in_review")
    response = client_for(project.initiator).post(
        reverse("project_transition", args=[project.slug]), {"to_status": "active"}
    )
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.status == "in_review"


def test_moves_need_a_post_and_a_signed_in_person() -> None:
    project = ProjectFactory(public=True)
    url = reverse("project_transition", args=[project.slug])
    assert client_for(project.initiator).get(url).status_code == 405
    assert client_for(None).post(url, {"to_status": "paused"}).status_code == 302
    project.refresh_from_db()
    assert project.status == "active"


# --- the review queue ---


def test_the_review_queue_is_not_found_for_anyone_but_lab_staff(
    volunteer: Any, trainer: Any
) -> None:
    for user in (None, volunteer, trainer):
        assert client_for(user).get(reverse("project_review_queue")).status_code == 404


def test_the_review_queue_lists_projects_in_review_and_flagged_edits(staff: Any) -> None:
    waiting = ProjectFactory(status="in_review", name="Waiting project")
    edited = ProjectFactory(public=True, name="Edited project")
    project_update(actor=edited.initiator, project=edited, protocol="A new protocol.")
    ProjectFactory(status="incubating", name="Still incubating")

    response = client_for(staff).get(reverse("project_review_queue"))
    html = response.content.decode()

    assert [item["project"] for item in response.context["items"]] == [waiting, edited]
    assert "Still incubating" not in html
    assert "Protocol" in html
    assert reverse("project_acknowledge_edits", args=[edited.slug]) in html


def test_staff_approve_from_the_queue_and_return_to_it(staff: Any) -> None:
    project = ProjectFactory(status="in_review", **COMPLETE_CHECKLIST)
    queue = reverse("project_review_queue")
    response = client_for(staff).post(
        reverse("project_transition", args=[project.slug]),
        {"to_status": "active", "comment": "", "next": queue},
    )
    assert response["Location"] == queue
    project.refresh_from_db()
    assert (project.status, project.approved_at is not None) == ("active", True)


def test_staff_acknowledge_flagged_edits(staff: Any) -> None:
    project = ProjectFactory(public=True)
    project_update(actor=project.initiator, project=project, aim="New aim.")
    url = reverse("project_acknowledge_edits", args=[project.slug])

    assert client_for(project.initiator).post(url).status_code == 404
    response = client_for(staff).post(url)

    assert response["Location"] == reverse("project_review_queue")
    project.refresh_from_db()
    assert project.edits_flagged_at is None


# --- my projects ---


def test_my_projects_lists_my_teams_with_my_role(volunteer: Any) -> None:
    mine = ProjectFactory(initiator=volunteer, name="Mine")
    theirs = ProjectFactory(name="Theirs", status="in_review")
    MembershipFactory(project=theirs, user=volunteer, role=ProjectRole.VIEWER)
    ProjectFactory(public=True, name="Someone else's")

    response = client_for(volunteer).get(reverse("my_projects"))

    roles = {row["project"].name: row["project"].my_role for row in response.context["rows"]}
    assert roles == {"Mine": "owner", "Theirs": "viewer"}
    html = response.content.decode()
    assert "Someone else" not in html
    assert mine.get_absolute_url() in html
    assert "You are viewer" in html


def test_my_projects_says_who_sees_each_project_as_the_public_would(volunteer: Any) -> None:
    # Set to public but not approved: the public gets a 404, so it must not say "listed".
    waiting = ProjectFactory(initiator=volunteer, name="Waiting", status="in_review")
    Project.objects.filter(pk=waiting.pk).update(visibility="public")
    ProjectFactory(initiator=volunteer, name="Listed", public=True)

    html = client_for(volunteer).get(reverse("my_projects")).content.decode()

    waiting_card = html[html.index("Waiting") : html.index("</li>", html.index("Waiting"))]
    assert "Only your team and Lab staff see it" in waiting_card
    assert "listed in the directory" not in waiting_card
    listed_card = html[html.index("Listed") : html.index("</li>", html.index("Listed"))]
    assert 'badge badge-success">Public: listed in the directory' in listed_card


def test_my_projects_needs_signing_in() -> None:
    assert client_for(None).get(reverse("my_projects")).status_code == 302


# --- organisations ---


def test_anyone_sees_the_organisations() -> None:
    OrganisationFactory(name="Leiden Garden Club")
    response = client_for(None).get(reverse("organisation_list"))
    assert response.status_code == 200
    assert "Leiden Garden Club" in response.content.decode()


def test_an_organisation_page_shows_only_public_approved_projects_and_public_members(
    make_user: Any,
) -> None:
    organisation = OrganisationFactory()
    ProjectFactory(public=True, organisation=organisation, name="Public project")
    ProjectFactory(organisation=organisation, name="Private idea")
    ProjectFactory(
        status="active", visibility="unlisted", organisation=organisation, name="Unlisted project"
    )
    public_person = make_user(display_name="Anna Smit", profile_public=True)
    private_person = make_user(display_name="Hidden Person")
    OrganisationMemberFactory(organisation=organisation, user=public_person)
    OrganisationMemberFactory(organisation=organisation, user=private_person)

    response = client_for(None).get(organisation.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "Public project" in html
    assert "Private idea" not in html
    assert "Unlisted project" not in html
    assert "Anna Smit" in html
    assert "Hidden Person" not in html
    assert private_person.email not in html
    assert "1 member with a private profile" in html


def test_an_unknown_organisation_is_not_found() -> None:
    assert client_for(None).get("/organisations/nobody/").status_code == 404


def test_a_signed_in_person_creates_an_organisation_and_administers_it(volunteer: Any) -> None:
    response = client_for(volunteer).post(
        reverse("organisation_create"),
        {"name": "Garden Club", "kind": "community_group", "description": "", "website": ""},
    )
    organisation = Organisation.objects.get()
    assert response["Location"] == organisation.get_absolute_url()
    assert organisation.members.get().user == volunteer


def test_creating_an_organisation_needs_signing_in() -> None:
    assert client_for(None).get(reverse("organisation_create")).status_code == 302


# --- navigation ---


def test_the_menu_offers_my_projects_when_signed_in_and_the_queue_to_staff(
    volunteer: Any, staff: Any
) -> None:
    anonymous = client_for(None).get("/").content.decode()
    signed_in = client_for(volunteer).get("/").content.decode()
    lab_staff = client_for(staff).get("/").content.decode()

    assert reverse("my_projects") not in anonymous
    assert reverse("my_projects") in signed_in
    assert reverse("project_review_queue") not in signed_in
    assert reverse("project_review_queue") in lab_staff


def test_my_projects_shows_the_leads_the_checklist_until_approval(volunteer: Any) -> None:
    mine = ProjectFactory(initiator=volunteer, name="Mine", status="incubating", protocol="Walk.")
    theirs = ProjectFactory(name="Theirs", status="incubating")
    MembershipFactory(project=theirs, user=volunteer, role=ProjectRole.MEMBER)

    html = client_for(volunteer).get(reverse("my_projects")).content.decode()

    assert html.count("Checklist: ") == 1
    assert "Checklist: 2 of 7 done." in html  # the protocol, and no mentor is needed
    assert reverse("project_checklist", args=[mine.slug]) in html
    assert reverse("project_checklist", args=[theirs.slug]) not in html
