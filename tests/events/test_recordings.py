"""Recording and slides become hub resources linked to the event, with its tags and language;
submitted for curation (or published at once by trusted organisers); shown on the event page."""

import importlib
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from cslab.core.errors import InvalidInputError, PermissionDeniedError
from cslab.core.models import AuditEvent
from cslab.core.roles import SiteRole
from cslab.events.models import EventResource
from cslab.events.services.recordings import recording_publish
from cslab.events.views import manage
from cslab.events.vocabulary import EventResourceRelation, EventTagKind
from cslab.hub import states
from cslab.hub.models import QualityCriterion, Resource
from cslab.hub.services import curation
from cslab.hub.vocabulary import ResourceKind, ResourceTagKind
from tests.events.factories import make_event
from tests.hub.resource_helpers import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def default_checklist(db: Any) -> None:
    """The curators' default checklist, as the hub's migration 0002 stores it."""
    migration = importlib.import_module("cslab.hub.migrations.0002_curation_default_criteria")
    if not QualityCriterion.objects.exists():
        migration.add_criteria(global_apps, None)


@pytest.fixture
def researcher(make_user: Any) -> Any:
    return make_user(site_role=SiteRole.VOLUNTEER)


def test_recording_and_slides_become_linked_hub_resources_with_the_events_tags(
    researcher: Any,
) -> None:
    event = make_event(
        created_by=researcher,
        language="nl",
        tags={EventTagKind.FACULTY: ["science"], EventTagKind.AUDIENCE: ["volunteers"]},
    )
    result = recording_publish(
        actor=researcher,
        event=event,
        title="Counting birds",
        video_url="https://video.example.org/birds",
        slides=pdf_upload("birds.pdf"),
    )
    assert not result.published
    links = {link.relation: link.resource for link in EventResource.objects.filter(event=event)}
    recording = links[EventResourceRelation.RECORDING]
    slides = links[EventResourceRelation.SLIDES]
    assert recording.kind == ResourceKind.RECORDING
    assert slides.kind == ResourceKind.TRAINING_MATERIAL
    assert slides.files.count() == 1
    assert recording.language == "nl"
    assert recording.status == states.SUBMITTED
    tags = set(recording.tags.values_list("kind", "value"))
    assert (ResourceTagKind.AUDIENCE, "volunteers") in tags
    assert recording.links.get().url == "https://video.example.org/birds"


def test_neither_link_nor_slides_is_refused(researcher: Any) -> None:
    event = make_event(created_by=researcher)
    with pytest.raises(InvalidInputError):
        recording_publish(actor=researcher, event=event, title="Nothing")
    assert not Resource.objects.exists()


def test_a_participant_may_not_publish_a_recording(researcher: Any, volunteer: Any) -> None:
    event = make_event(created_by=researcher)
    with pytest.raises(PermissionDeniedError):
        recording_publish(
            actor=volunteer, event=event, title="Mine", video_url="https://video.example.org/x"
        )


def test_event_page_says_a_submitted_recording_waits_for_a_curator(
    researcher: Any, volunteer: Any
) -> None:
    event = make_event(created_by=researcher)
    recording_publish(
        actor=researcher, event=event, title="Talk", video_url="https://video.example.org/t"
    )
    request = RequestFactory().get("/")
    request.user = volunteer
    context = manage._after_context(request, event)
    assert context is not None
    assert context["recordings"] == []
    html = render_to_string("events/_part_after.html", context)
    assert "once a curator of the hub publishes them" in html


def test_a_published_recording_is_listed_on_the_event_page(
    researcher: Any, staff: Any, volunteer: Any, default_checklist: None
) -> None:
    event = make_event(created_by=researcher)
    result = recording_publish(
        actor=researcher, event=event, title="Talk", video_url="https://video.example.org/t"
    )
    criteria = {criterion.code: True for criterion in QualityCriterion.objects.all()}
    curation.resource_transition(
        actor=staff, resource=result.resources[0], action="publish", criteria=criteria
    )
    request = RequestFactory().get("/")
    request.user = volunteer
    context = manage._after_context(request, event)
    assert context is not None
    html = render_to_string("events/_part_after.html", context)
    assert "Recording and slides" in html
    assert result.resources[0].title in html


def test_a_trainer_publishes_the_recording_at_once(trainer: Any, default_checklist: None) -> None:
    event = make_event(created_by=trainer)
    result = recording_publish(
        actor=trainer, event=event, title="Talk", video_url="https://video.example.org/t"
    )
    assert result.published
    resource = result.resources[0]
    assert resource.status == states.PUBLISHED
    assert resource.version == 1
    entry = AuditEvent.objects.filter(action="hub.resource.publish").get()
    assert entry.details["trusted"] is True


def test_a_researcher_organising_a_project_event_sends_the_recording_to_the_curators(
    researcher: Any, default_checklist: None
) -> None:
    event = make_event(created_by=researcher)
    result = recording_publish(
        actor=researcher, event=event, title="Talk", video_url="https://video.example.org/t"
    )
    assert not result.published
    assert result.resources[0].status == states.SUBMITTED


def test_publishing_without_review_is_refused_to_a_volunteer(
    volunteer: Any, researcher: Any, default_checklist: None
) -> None:
    event = make_event(created_by=researcher)
    result = recording_publish(
        actor=researcher, event=event, title="Talk", video_url="https://video.example.org/t"
    )
    with pytest.raises(PermissionDeniedError):
        curation.resource_publish_trusted(
            actor=volunteer, resource=result.resources[0], reason="mine"
        )
    result.resources[0].refresh_from_db()
    assert result.resources[0].status == states.SUBMITTED


def test_recording_page_publishes_and_returns_to_the_dashboard(
    client: Any, researcher: Any
) -> None:
    event = make_event(created_by=researcher)
    client.force_login(researcher)
    url = reverse("event_publish_recording", kwargs={"slug": event.slug})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"title": "Talk", "video_url": "https://video.example.org/t", "licence": "CC-BY-4.0"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("event_dashboard", kwargs={"slug": event.slug})
    assert EventResource.objects.filter(event=event).count() == 1
    assert client.post(url, {"title": "Empty", "licence": "CC-BY-4.0"}).status_code == 400
