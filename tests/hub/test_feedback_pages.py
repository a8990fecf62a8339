"""Feedback pages: the resource page's feedback parts, the POST endpoints, the moderation queue
and the project page's list of resources it uses."""

import pytest
from django.test import Client

from cslab.core.roles import ProjectRole, SiteRole
from cslab.hub.models import Rating, Resource, ResourceComment, ResourceUse
from cslab.hub.services import feedback
from tests.factories import UserFactory
from tests.hub.factories import make_resource
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = [pytest.mark.django_db]


def _client(user: object = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_hidden_comment_shows_its_reason_to_readers_and_its_text_only_to_moderators() -> None:
    resource = make_resource()
    comment = feedback.resource_comment_post(
        actor=UserFactory(), resource=resource, text="Secret insult"
    )
    staff = UserFactory(site_role=SiteRole.STAFF)
    feedback.resource_comment_hide(actor=staff, comment=comment, reason="Off topic")
    reader_page = _client(UserFactory()).get(resource.get_absolute_url()).content.decode()
    assert "Secret insult" not in reader_page
    assert "Off topic" in reader_page
    assert "Secret insult" not in _client().get(resource.get_absolute_url()).content.decode()
    assert "Secret insult" in _client(staff).get(resource.get_absolute_url()).content.decode()


def test_rating_through_the_page_and_stars_out_of_range_answer_400() -> None:
    resource = make_resource()
    client = _client(UserFactory())
    url = f"/hub/{resource.slug}/rate/"
    assert client.post(url, {"stars": "0"}).status_code == 400
    assert client.post(url, {"stars": "6"}).status_code == 400
    assert client.post(url, {"stars": "4"}).status_code == 302
    assert client.post(url, {"stars": "2"}).status_code == 302
    assert list(Rating.objects.values_list("stars", flat=True)) == [2]
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "2 of 5 stars from 1 rating" in page


def test_a_volunteer_posting_a_use_for_someone_elses_project_is_refused() -> None:
    resource = make_resource()
    project = ProjectFactory(public=True)
    response = _client(UserFactory()).post(f"/hub/{resource.slug}/use/", {"project": project.pk})
    assert response.status_code == 404
    assert not ResourceUse.objects.exists()


def test_a_lead_adds_a_use_from_the_page_and_the_project_page_lists_it() -> None:
    resource = make_resource(title="Consent form for schools")
    project = ProjectFactory(public=True)
    client = _client(project.initiator)
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "Used in my project" in page
    response = client.post(f"/hub/{resource.slug}/use/", {"project": project.pk})
    assert response.status_code == 302
    assert ResourceUse.objects.filter(project=project, resource=resource).exists()
    project_page = _client().get(project.get_absolute_url()).content.decode()
    assert "Resources this project uses" in project_page
    assert "Consent form for schools" in project_page
    assert resource.get_absolute_url() in project_page


def test_the_project_page_hides_resources_the_viewer_may_not_open_and_shows_at_most_five() -> None:
    project = ProjectFactory(public=True)
    for number in range(7):
        resource = make_resource(title=f"Method {number}")
        feedback.resource_use_add(actor=project.initiator, resource=resource, project=project)
    draft = make_resource(status=Resource.Status.PUBLISHED, title="Later a draft")
    feedback.resource_use_add(actor=project.initiator, resource=draft, project=project)
    Resource.objects.filter(pk=draft.pk).update(status=Resource.Status.DRAFT)
    page = _client().get(project.get_absolute_url()).content.decode()
    assert "Later a draft" not in page
    assert page.count("/hub/resource-") == 5
    assert "And 2 more." in page


def test_a_private_projects_use_is_not_shown_on_the_resource_page() -> None:
    resource = make_resource()
    private = ProjectFactory(name="Secret garden count")
    feedback.resource_use_add(actor=private.initiator, resource=resource, project=private)
    assert (
        "Secret garden count"
        not in _client(UserFactory()).get(resource.get_absolute_url()).content.decode()
    )
    assert (
        "Secret garden count"
        in _client(private.initiator).get(resource.get_absolute_url()).content.decode()
    )


def test_commenting_on_a_draft_through_the_page_is_not_found() -> None:
    draft = make_resource(status=Resource.Status.DRAFT, submitted_by=UserFactory())
    response = _client(UserFactory()).post(f"/hub/{draft.slug}/comments/", {"text": "Hi"})
    assert response.status_code == 404
    assert not ResourceComment.objects.exists()


def test_hiding_without_a_reason_answers_400_and_a_volunteer_may_not_hide() -> None:
    comment = feedback.resource_comment_post(
        actor=UserFactory(), resource=make_resource(), text="Hm"
    )
    staff = _client(UserFactory(site_role=SiteRole.STAFF))
    assert staff.post(f"/hub/comments/{comment.pk}/hide/", {"reason": ""}).status_code == 400
    volunteer = _client(UserFactory())
    assert volunteer.post(f"/hub/comments/{comment.pk}/hide/", {"reason": "x"}).status_code == 403
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_the_moderation_queue_lists_flagged_comments_first_for_staff_only() -> None:
    resource = make_resource()
    quiet = feedback.resource_comment_post(actor=UserFactory(), resource=resource, text="Quiet")
    flagged = feedback.resource_comment_post(actor=UserFactory(), resource=resource, text="Loud")
    feedback.resource_comment_flag(actor=UserFactory(), comment=flagged, reason="Shouting")
    assert _client(UserFactory()).get("/hub/comments/").status_code == 403
    page = _client(UserFactory(site_role=SiteRole.STAFF)).get("/hub/comments/").content.decode()
    assert page.index("Loud") < page.index("Quiet")
    assert "Shouting" in page
    assert quiet.pk


def test_a_member_who_does_not_lead_is_not_offered_the_use_form() -> None:
    resource = make_resource()
    member = UserFactory()
    MembershipFactory(project=ProjectFactory(), user=member, role=ProjectRole.MEMBER)
    page = _client(member).get(resource.get_absolute_url()).content.decode()
    assert "Used in my project" not in page
