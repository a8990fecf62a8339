"""The curation pages and the resource page's status and curator parts, through the client."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cslab.hub.models import QualityCriterion, Resource, Review
from cslab.hub.services.curation import resource_transition
from cslab.hub.services.versions import version_record
from tests.factories import UserFactory
from tests.hub.factories import make_resource

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_checklist")]

S = Resource.Status


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def checklist(value: str = "yes") -> dict[str, str]:
    return {
        f"criterion-{code}": value
        for code in QualityCriterion.objects.filter(active=True).values_list("code", flat=True)
    }


@pytest.fixture
def author() -> Any:
    return UserFactory()


@pytest.fixture
def submitted(author: Any) -> Resource:
    return make_resource(
        submitted_by=author, status=S.SUBMITTED, title="Pond survey", body="# Steps\n\nLook."
    )


# ---------------------------------------------------------------------------- queue


def test_the_queue_lists_submitted_resources_oldest_first_with_figures(staff: Any) -> None:
    newer = make_resource(status=S.SUBMITTED, title="Newer one")
    older = make_resource(status=S.SUBMITTED, title="Older one")
    Resource.objects.filter(pk=older.pk).update(submitted_at="2026-01-01T10:00:00Z")
    Resource.objects.filter(pk=newer.pk).update(submitted_at="2026-02-01T10:00:00Z")
    make_resource(status=S.CHANGES_REQUESTED, title="Waiting on author")
    response = client_for(staff).get(reverse("hub_curation_queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Older one") < html.index("Newer one")
    assert "Waiting on author" in html
    assert 'class="figures"' in html
    assert "days" in html


@pytest.mark.parametrize("role", ["volunteer", "trainer"])
def test_the_queue_does_not_exist_for_non_curators(request: Any, role: str) -> None:
    user = request.getfixturevalue(role)
    assert client_for(user).get(reverse("hub_curation_queue")).status_code == 404


def test_the_queue_asks_anonymous_visitors_to_log_in() -> None:
    assert client_for(None).get(reverse("hub_curation_queue")).status_code == 302


# --------------------------------------------------------------------------- review


def test_the_review_page_shows_the_text_checklist_and_decisions(
    staff: Any, submitted: Resource
) -> None:
    response = client_for(staff).get(reverse("hub_resource_review", args=[submitted.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Steps</h1>" in html  # the Markdown body, rendered
    assert "Sources and licence stated" in html
    assert 'name="decision" value="request_changes"' in html


def test_a_volunteer_gets_404_on_the_review_page_of_someones_draft(volunteer: Any) -> None:
    draft = make_resource(submitted_by=UserFactory(), status=S.DRAFT)
    url = reverse("hub_resource_review", args=[draft.slug])
    assert client_for(volunteer).get(url).status_code == 404
    assert client_for(volunteer).post(url, {"decision": "publish"}).status_code == 404


def test_even_the_submitter_does_not_reach_the_review_page(
    author: Any, submitted: Resource
) -> None:
    url = reverse("hub_resource_review", args=[submitted.slug])
    assert client_for(author).get(url).status_code == 404


def test_a_curator_publishes_from_the_review_page(
    staff: Any, author: Any, submitted: Resource
) -> None:
    response = client_for(staff).post(
        reverse("hub_resource_review", args=[submitted.slug]),
        {"decision": "publish", "comment": "", **checklist()},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/hub/{submitted.slug}/"
    assert Resource.objects.get(pk=submitted.pk).status == S.PUBLISHED


def test_publishing_with_an_unmet_criterion_is_a_400_naming_it(
    staff: Any, submitted: Resource
) -> None:
    answers = checklist()
    answers["criterion-inclusive-language"] = "no"
    response = client_for(staff).post(
        reverse("hub_resource_review", args=[submitted.slug]),
        {"decision": "publish", **answers},
    )
    assert response.status_code == 400
    assert "Inclusive and accessible language" in response.content.decode()
    assert Resource.objects.get(pk=submitted.pk).status == S.SUBMITTED


def test_an_unanswered_checklist_or_hostile_input_is_a_400(staff: Any, submitted: Resource) -> None:
    url = reverse("hub_resource_review", args=[submitted.slug])
    client = client_for(staff)
    assert client.post(url, {"decision": "publish"}).status_code == 400
    assert client.post(url, {"decision": "burn", **checklist()}).status_code == 400
    huge = {"decision": "decline", "comment": "x" * 20_000, **checklist()}
    assert client.post(url, huge).status_code == 400
    assert not Review.objects.exists()


def test_the_review_page_shows_changes_since_the_published_version_and_earlier_reviews(
    staff: Any, author: Any
) -> None:
    resource = make_resource(submitted_by=author, status=S.SUBMITTED, body="Old line.")
    resource_transition(
        actor=UserFactory(site_role="staff"),
        resource=resource,
        action="request_changes",
        comment="Say more about consent.",
        criteria={key.removeprefix("criterion-"): True for key in checklist()},
    )
    Resource.objects.filter(pk=resource.pk).update(status=S.SUBMITTED)
    version_record(actor=staff, resource=resource)
    Resource.objects.filter(pk=resource.pk).update(body="Old line.\nA new line.")
    html = client_for(staff).get(reverse("hub_resource_review", args=[resource.slug])).content
    text = html.decode()
    assert "Changes since published version 1" in text
    assert "<ins>" in text and "A new line." in text
    assert "Say more about consent." in text


# ---------------------------------------------------------------------------- steps


def test_the_author_submits_from_the_resource_page(author: Any) -> None:
    draft = make_resource(submitted_by=author, status=S.DRAFT)
    client = client_for(author)
    page = client.get(f"/hub/{draft.slug}/").content.decode()
    assert reverse("hub_resource_step", args=[draft.slug, "submit"]) in page
    response = client.post(reverse("hub_resource_step", args=[draft.slug, "submit"]))
    assert response.status_code == 302
    assert response["Location"] == f"/hub/{draft.slug}/"
    assert Resource.objects.get(pk=draft.pk).status == S.SUBMITTED
    follow = client.get(response["Location"]).content.decode()
    assert "Withdraw to draft" in follow


def test_a_step_needs_post_and_a_known_button_action(author: Any) -> None:
    draft = make_resource(submitted_by=author, status=S.DRAFT)
    client = client_for(author)
    assert client.get(reverse("hub_resource_step", args=[draft.slug, "submit"])).status_code == 405
    # Decisions are taken on the review page, with the checklist.
    assert (
        client.post(reverse("hub_resource_step", args=[draft.slug, "publish"])).status_code == 404
    )
    assert (
        client.post(reverse("hub_resource_step", args=[draft.slug, "nonsense"])).status_code == 404
    )


def test_a_step_on_someone_elses_draft_is_404_and_on_a_public_one_403(volunteer: Any) -> None:
    draft = make_resource(submitted_by=UserFactory(), status=S.DRAFT)
    client = client_for(volunteer)
    assert client.post(reverse("hub_resource_step", args=[draft.slug, "submit"])).status_code == 404
    published = make_resource(status=S.PUBLISHED)
    url = reverse("hub_resource_step", args=[published.slug, "retire"])
    assert client.post(url, {"notice": "Mine now"}).status_code == 403
    assert Resource.objects.get(pk=published.pk).status == S.PUBLISHED


def test_a_step_not_open_comes_back_as_a_message(author: Any) -> None:
    resource = make_resource(submitted_by=author, status=S.SUBMITTED)
    client = client_for(author)
    response = client.post(
        reverse("hub_resource_step", args=[resource.slug, "submit"]), follow=True
    )
    assert "cannot take the step" in response.content.decode()


def test_a_curator_retires_with_a_notice_everyone_then_reads(staff: Any) -> None:
    resource = make_resource(status=S.PUBLISHED)
    client = client_for(staff)
    url = reverse("hub_resource_step", args=[resource.slug, "retire"])
    client.post(url, {"notice": ""})
    assert Resource.objects.get(pk=resource.pk).status == S.PUBLISHED
    client.post(url, {"notice": "Superseded by the 2026 guide."})
    assert Resource.objects.get(pk=resource.pk).status == S.RETIRED
    page = client_for(None).get(f"/hub/{resource.slug}/")
    assert page.status_code == 200
    assert "Superseded by the 2026 guide." in page.content.decode()
    assert "Publish again" in client.get(f"/hub/{resource.slug}/").content.decode()


# --------------------------------------------------------------------- resource parts


def test_the_author_reads_the_curators_comment_on_changes_requested(
    author: Any, submitted: Resource
) -> None:
    resource_transition(
        actor=UserFactory(site_role="staff"),
        resource=submitted,
        action="request_changes",
        comment="Please add a licence.",
        criteria={key.removeprefix("criterion-"): True for key in checklist()},
    )
    html = client_for(author).get(f"/hub/{submitted.slug}/").content.decode()
    assert "Changes requested" in html
    assert "Please add a licence." in html
    assert "Submit again" in html


def test_a_published_resource_shows_its_version_and_curators_the_review_link(
    staff: Any, submitted: Resource
) -> None:
    html = client_for(staff).get(f"/hub/{submitted.slug}/").content.decode()
    assert reverse("hub_resource_review", args=[submitted.slug]) in html
    published = make_resource(status=S.PUBLISHED)
    anonymous = client_for(None).get(f"/hub/{published.slug}/").content.decode()
    assert "Version 1" in anonymous
    assert reverse("hub_resource_versions", args=[published.slug]) in anonymous
    assert "Status:" not in anonymous
    assert "Retire" not in anonymous


# ------------------------------------------------------------------------- versions


@pytest.fixture
def three_versions(staff: Any) -> Resource:
    resource = make_resource(status=S.SUBMITTED, body="First text.")
    version_record(actor=staff, resource=resource)
    Resource.objects.filter(pk=resource.pk).update(body="First text.\nSecond paragraph.")
    version_record(actor=staff, resource=resource, change_note="Added a paragraph")
    Resource.objects.filter(pk=resource.pk).update(title="Renamed", status=S.PUBLISHED)
    version_record(actor=staff, resource=resource)
    return resource


def test_the_history_lists_versions_with_what_changed(three_versions: Resource) -> None:
    response = client_for(None).get(reverse("hub_resource_versions", args=[three_versions.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Version 3") < html.index("Version 2") < html.index("Version 1")
    assert "Added a paragraph" in html
    assert "What changed:" in html


def test_picking_two_versions_leads_to_their_diff_without_javascript(
    three_versions: Resource,
) -> None:
    client = client_for(None)
    url = reverse("hub_resource_versions", args=[three_versions.slug])
    response = client.get(url, {"old": "3", "new": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/hub/{three_versions.slug}/versions/1/3/"
    assert client.get(url, {"old": "x", "new": "1"}).status_code == 400
    diff = client.get(response["Location"])
    assert diff.status_code == 200
    html = diff.content.decode()
    assert "Renamed" in html
    assert "<ins>" in html and "Added:" in html and "Second paragraph." in html


def test_a_diff_of_a_missing_version_is_404(three_versions: Resource) -> None:
    client = client_for(None)
    url = reverse("hub_resource_version_diff", args=[three_versions.slug, 1, 9])
    assert client.get(url).status_code == 404


def test_the_versions_of_someones_draft_are_404(volunteer: Any) -> None:
    draft = make_resource(submitted_by=UserFactory(), status=S.DRAFT)
    client = client_for(volunteer)
    assert client.get(reverse("hub_resource_versions", args=[draft.slug])).status_code == 404
    url = reverse("hub_resource_version_diff", args=[draft.slug, 1, 2])
    assert client.get(url).status_code == 404


def test_a_decision_on_a_resource_no_longer_submitted_is_a_409_that_says_why(
    staff: Any, author: Any
) -> None:
    resource = make_resource(submitted_by=author, status=S.DRAFT)
    response = client_for(staff).post(
        reverse("hub_resource_review", args=[resource.slug]),
        {"decision": "publish", **checklist()},
    )
    assert response.status_code == 409
    assert "cannot take the step" in response.content.decode()
