"""The resource pages: submit, edit, my resources, the resource page, its files and cover."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cslab.hub.detail_parts import DetailPart, _parts, register_detail_part
from cslab.hub.models import Resource
from cslab.hub.services.resources import (
    AuthorInput,
    resource_create,
    resource_file_add,
)
from tests.factories import UserFactory
from tests.hub.factories import make_resource
from tests.hub.resource_helpers import pdf_upload, png_bytes

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "kind": "method_card",
        "title": "Kitchen-table interviews",
        "summary": "Interview people where they feel at home.",
        "body": "## Steps\n\n1. Ask.\n2. Listen.",
        "language": "en",
        "licence": "CC-BY-4.0",
        "author_0_name": "",
        "author_0_who": "me",
        "author_1_name": "Jan Free",
        "author_1_who": "",
        "domains": ["health"],
        "sdgs": ["3"],
        "keywords": "interviews, homes",
        "link_0_title": "Background",
        "link_0_url": "https://example.org/background",
    }
    data.update(overrides)
    return data


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("hub_resource_submit"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_submit_page_first_asks_for_the_kind(client, volunteer):
    client.force_login(volunteer)
    response = client.get(reverse("hub_resource_submit"))
    assert response.status_code == 200
    assert 'name="kind" value="case_study"' in response.content.decode()
    response = client.get(reverse("hub_resource_submit") + "?kind=template")
    assert 'name="title"' in response.content.decode()


def test_submitting_the_form_saves_a_draft_with_files_and_cover(client, volunteer):
    client.force_login(volunteer)
    data = form_data(
        new_files=[pdf_upload("steps.pdf")],
        cover_image=SimpleUploadedFile("cover.png", png_bytes()),
        cover_alt_text="A kitchen table with two cups",
    )
    response = client.post(reverse("hub_resource_submit"), data)
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == resource.get_absolute_url()
    assert resource.status == "draft"
    assert [(a.name, a.user_id) for a in resource.authors.all()] == [
        (volunteer.public_name, volunteer.pk),
        ("Jan Free", None),
    ]
    assert resource.tags_of("keyword") == ["homes", "interviews"]
    assert resource.files.get().original_name == "steps.pdf"
    assert resource.links.get().url == "https://example.org/background"
    assert resource.cover_image


def test_a_refused_file_shows_an_error_and_saves_nothing(client, volunteer):
    client.force_login(volunteer)
    upload = SimpleUploadedFile("steps.pdf", b"MZ\x90\x00" + b"\x00" * 80)
    response = client.post(reverse("hub_resource_submit"), form_data(new_files=[upload]))
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert "Windows program" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_cover_without_alt_text_is_a_form_error_not_a_crash(client, volunteer):
    client.force_login(volunteer)
    data = form_data(cover_image=SimpleUploadedFile("cover.png", png_bytes()))
    response = client.post(reverse("hub_resource_submit"), data)
    assert response.status_code == 200
    assert "Describe the cover image" in response.content.decode()


def test_a_forged_linked_author_is_refused(client, volunteer):
    client.force_login(volunteer)
    stranger = UserFactory()
    response = client.post(reverse("hub_resource_submit"), form_data(author_0_who=str(stranger.pk)))
    assert response.status_code == 200
    assert not Resource.objects.exists()


def test_the_author_edits_and_links_a_translation(client, volunteer):
    english = resource_create(
        actor=volunteer, kind="tool", title="Tide gauge", summary="Measure tides."
    )
    dutch = resource_create(
        actor=volunteer, kind="tool", title="Getijmeter", summary="Meet getijden.", language="nl"
    )
    client.force_login(volunteer)
    url = reverse("hub_resource_edit", args=[english.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        form_data(kind="tool", title="Tide gauge kit", translation=str(dutch.pk)),
    )
    assert response.status_code == 302
    english.refresh_from_db()
    assert english.title == "Tide gauge kit"
    assert english.translation_id == dutch.pk


def test_a_submitted_resource_shows_why_it_cannot_be_edited(client, volunteer):
    resource = make_resource(submitted_by=volunteer, status="submitted")
    client.force_login(volunteer)
    url = reverse("hub_resource_edit", args=[resource.slug])
    response = client.get(url)
    assert "cannot be edited now" in response.content.decode()
    response = client.post(url, form_data(title="Sneaky"))
    assert response.status_code == 200
    resource.refresh_from_db()
    assert resource.title != "Sneaky"


def test_others_get_404_for_a_draft_and_403_for_editing_a_published_resource(client, volunteer):
    draft = make_resource(submitted_by=volunteer, status="draft")
    published = make_resource(submitted_by=volunteer, status="published")
    client.force_login(UserFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("hub_resource_edit", args=[draft.slug])).status_code == 404
    assert client.get(reverse("hub_resource_edit", args=[published.slug])).status_code == 403


def test_my_resources_lists_drafts_with_what_to_do_next(client, volunteer):
    make_resource(submitted_by=volunteer, status="draft", title="My draft")
    make_resource(submitted_by=volunteer, status="changes_requested", title="Needs work")
    make_resource(submitted_by=UserFactory(), status="draft", title="Not mine")
    client.force_login(volunteer)
    page = client.get(reverse("hub_my_resources")).content.decode()
    assert "My draft" in page and "Needs work" in page
    assert "Not mine" not in page
    assert "submit it again" in page


def test_the_page_shows_the_metadata_body_files_and_links(client, volunteer):
    colleague = UserFactory(display_name="Public Person", profile_public=True)
    hidden = UserFactory(display_name="Private Person", profile_public=False)
    resource = resource_create(
        actor=volunteer,
        kind="dataset",
        title="Air quality 2024",
        summary="Hourly readings.",
        body="Readings from **40** balconies.",
        organisation="Leiden University",
        tags={"faculty": ["science"], "sdg": ["11", "3"], "phase": ["collection"]},
        authors=[AuthorInput(user_id=colleague.pk), AuthorInput(user_id=hidden.pk)],
    )
    resource_file_add(actor=volunteer, resource=resource, upload=pdf_upload("readme.pdf"))
    Resource.objects.filter(pk=resource.pk).update(status="published")
    client.force_login(UserFactory())
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "<strong>40</strong>" in page
    assert "Faculty of Science" in page
    assert "3. Good health and well-being" in page
    assert "11. Sustainable cities and communities" in page
    assert "readme.pdf" in page
    assert f'href="{colleague.get_absolute_url()}"' in page
    assert f'href="{hidden.get_absolute_url()}"' not in page
    assert "Private Person" in page
    assert reverse("hub_resource_edit", args=[resource.slug]) not in page


def test_the_page_shows_the_sdgs_in_the_viewers_language(client):
    resource = make_resource(tags={"sdg": ["13"]})
    client.cookies.load({"django_language": "nl"})
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "13. Klimaatactie" in page


def test_script_and_javascript_links_in_the_body_are_neutralised(client):
    resource = make_resource(
        body=(
            "<script>alert('x')</script>\n\n"
            "[click](javascript:alert(1)) <img src=x onerror=alert(1)>"
        )
    )
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page
    assert "<img src=x onerror" not in page


def test_the_editor_sees_the_edit_link(client, volunteer):
    resource = make_resource(submitted_by=volunteer, status="draft")
    client.force_login(volunteer)
    page = client.get(resource.get_absolute_url()).content.decode()
    assert reverse("hub_resource_edit", args=[resource.slug]) in page


def test_a_published_page_counts_views_and_a_draft_does_not(client, volunteer):
    published = make_resource()
    draft = make_resource(submitted_by=volunteer, status="draft")
    client.get(published.get_absolute_url())
    client.get(published.get_absolute_url())
    client.force_login(volunteer)
    client.get(draft.get_absolute_url())
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.view_count, draft.view_count) == (2, 0)


def test_a_retired_resource_is_still_reachable(client):
    resource = make_resource(status="retired")
    assert client.get(resource.get_absolute_url()).status_code == 200


def test_a_file_downloads_through_the_permission_check_and_counts(client, volunteer):
    resource = resource_create(actor=volunteer, kind="tool", title="Kit", summary="A kit.")
    stored = resource_file_add(actor=volunteer, resource=resource, upload=pdf_upload())
    url = reverse("hub_resource_file", args=[resource.slug, stored.pk])
    assert client.get(url).status_code == 404  # a draft, for a visitor
    client.force_login(volunteer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    stored.refresh_from_db()
    assert stored.download_count == 1


def test_a_file_of_another_resource_is_not_found(client, volunteer):
    mine = resource_create(actor=volunteer, kind="tool", title="Kit", summary="A kit.")
    stored = resource_file_add(actor=volunteer, resource=mine, upload=pdf_upload())
    other = make_resource()
    response = client.get(reverse("hub_resource_file", args=[other.slug, stored.pk]))
    assert response.status_code == 404


def test_the_cover_is_served_as_an_image(client, volunteer):
    resource = resource_create(
        actor=volunteer,
        kind="tool",
        title="Kit",
        summary="A kit.",
        cover_image=SimpleUploadedFile("c.png", png_bytes()),
        cover_alt_text="A kit",
    )
    assert client.get(reverse("hub_resource_cover", args=[resource.slug])).status_code == 404
    Resource.objects.filter(pk=resource.pk).update(status="published")
    response = client.get(reverse("hub_resource_cover", args=[resource.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


@pytest.fixture
def registered_parts():
    saved = dict(_parts)
    yield
    _parts.clear()
    _parts.update(saved)


def test_registered_parts_render_in_their_slots(client, registered_parts, tmp_path, settings):
    (tmp_path / "part.html").write_text("<p class='part'>{{ part.word }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0].get("DIRS", []), tmp_path]}
    ]
    for slot in ("notices", "main", "aside"):
        register_detail_part(
            DetailPart(
                name=f"test-{slot}",
                slot=slot,
                template="part.html",
                context=lambda request, resource, slot=slot: {"word": f"from-{slot}"},
            )
        )
    register_detail_part(
        DetailPart(name="test-skip", slot="main", template="part.html", context=lambda r, x: None)
    )
    resource = make_resource()
    page = client.get(resource.get_absolute_url()).content.decode()
    for slot in ("notices", "main", "aside"):
        assert f"from-{slot}" in page
