"""schema.org Event JSON-LD on event pages, the "Add to calendar" part and the feed link in
<head>: valid JSON-LD (extruct + pyld offline), the fields Google asks for, never the joining
link."""

from typing import Any

import extruct
import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from pyld import jsonld

from cslab.events.detail_parts import detail_parts_for
from cslab.events.jsonld import event_jsonld
from cslab.events.models import Event, EventPerson
from cslab.events.selectors.events import event_get
from cslab.events.views import calendars
from cslab.events.vocabulary import AttendanceMode, EventKind, EventPersonRole
from tests.events.factories import make_event, make_registration
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.django_db]

SCHEMA = "http://schema.org/"
BASE = "https://lab.example.org/"


def loaded(event: Event) -> Event:
    return event_get(AnonymousUser(), event.slug)


def rendered_head(event: Event) -> str:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    parts = detail_parts_for(request, loaded(event))
    return "".join(render_to_string(part.template, part.context) for part in parts["head"])


def expanded(item: dict[str, Any]) -> dict[str, Any]:
    def offline_loader(url: str, options: Any = None) -> dict[str, Any]:
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": {"@context": {"@vocab": SCHEMA}},
        }

    previous = jsonld.get_document_loader()
    jsonld.set_document_loader(offline_loader)
    try:
        (node,) = jsonld.expand(item)
    finally:
        jsonld.set_document_loader(previous)
    return dict(node)


def test_an_in_person_workshop_describes_itself(make_user: Any) -> None:
    event = make_event(title="Bat walk", kind=EventKind.WORKSHOP, capacity=20, language="nl")
    make_registration(event=event, user=make_user())
    EventPerson.objects.create(event=event, name="Anna Smit", role=EventPersonRole.SPEAKER)
    document = event_jsonld(loaded(event), base_url=BASE)
    assert document["@type"] == "Event"
    assert document["name"] == "Bat walk"
    assert document["url"] == f"https://lab.example.org/events/{event.slug}/"
    assert document["startDate"] == event.starts_at.isoformat()
    assert document["endDate"] == event.ends_at.isoformat()
    assert document["eventStatus"] == "https://schema.org/EventScheduled"
    assert document["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert document["location"]["@type"] == "Place"
    assert document["location"]["address"]["@type"] == "PostalAddress"
    assert document["location"]["geo"]["latitude"] == pytest.approx(52.3555)
    assert document["inLanguage"] == "nl"
    assert document["maximumAttendeeCapacity"] == 20
    assert document["remainingAttendeeCapacity"] == 19
    assert document["description"] == event.summary
    assert document["organizer"][0]["@type"] == "Organization"
    assert document["performer"] == [{"@type": "Person", "name": "Anna Smit"}]
    assert "subEvent" not in document


def test_a_webinar_points_at_the_event_page_never_the_joining_link() -> None:
    event = make_event(kind=EventKind.WEBINAR, online_url="https://meet.example.org/secret-room")
    document = event_jsonld(loaded(event), base_url=BASE)
    assert document["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert document["location"] == {"@type": "VirtualLocation", "url": document["url"]}
    assert "secret-room" not in rendered_head(event)


def test_a_hybrid_event_has_both_places() -> None:
    event = make_event(attendance_mode=AttendanceMode.HYBRID)
    document = event_jsonld(loaded(event), base_url=BASE)
    assert document["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in document["location"]] == ["Place", "VirtualLocation"]


def test_a_cancelled_series_lists_its_sessions_as_sub_events() -> None:
    event = make_event(sessions=3, status=Event.Status.CANCELLED)
    document = event_jsonld(loaded(event), base_url=BASE)
    assert document["eventStatus"] == "https://schema.org/EventCancelled"
    assert len(document["subEvent"]) == 3
    assert all(sub["eventStatus"] == document["eventStatus"] for sub in document["subEvent"])


def test_a_projects_event_is_organised_by_the_project() -> None:
    project = ProjectFactory(public=True, name="Urban bats")
    document = event_jsonld(loaded(make_event(project=project)), base_url=BASE)
    assert document["organizer"][0]["name"] == "Urban bats"


def test_the_head_part_is_well_formed_json_ld_that_cannot_break_out() -> None:
    event = make_event(
        title="Bats </script><script>alert(1)</script>", summary="Nests & <b>more</b>.", capacity=5
    )
    head = rendered_head(event)
    assert "<script>alert" not in head
    assert '<link rel="alternate" type="text/calendar"' in head
    assert f'href="/events/{event.slug}/event.ics"' in head
    html = f"<html><head>{head}</head><body></body></html>"
    items = extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])["json-ld"]
    assert len(items) == 1
    assert items[0]["name"] == "Bats </script><script>alert(1)</script>"
    node = expanded(items[0])
    assert node["@type"] == [f"{SCHEMA}Event"]
    for term in (
        "name",
        "startDate",
        "endDate",
        "location",
        "eventStatus",
        "eventAttendanceMode",
        "description",
        "organizer",
        "inLanguage",
        "maximumAttendeeCapacity",
        "remainingAttendeeCapacity",
    ):
        assert f"{SCHEMA}{term}" in node, term


def test_a_draft_has_no_json_ld(make_user: Any) -> None:
    organiser = make_user()
    event = make_event(status=Event.Status.DRAFT, created_by=organiser)
    request = RequestFactory().get("/")
    request.user = organiser
    assert detail_parts_for(request, event_get(organiser, event.slug))["head"] == []


def test_add_to_calendar_offers_the_ics_file_and_google_calendar() -> None:
    event = make_event(title="Bat walk")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    (part,) = [
        p for p in detail_parts_for(request, loaded(event))["aside"] if "calendar" in p.template
    ]
    html = render_to_string(part.template, part.context)
    assert f'href="/events/{event.slug}/event.ics"' in html
    assert "https://calendar.google.com/calendar/render?" in html
    first = event.sessions.first()
    assert first is not None
    stamp = f"{first.starts_at:%Y%m%dT%H%M%S}Z"
    assert stamp in part.context["google_url"]


def test_the_google_link_never_carries_the_joining_link() -> None:
    event = make_event(kind=EventKind.WEBINAR, online_url="https://meet.example.org/secret-room")
    url = calendars.google_calendar_url(loaded(event), BASE)
    assert url is not None
    assert "secret-room" not in url


def test_a_cancelled_event_offers_no_add_to_calendar() -> None:
    event = make_event(status=Event.Status.CANCELLED)
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    templates = [p.template for p in detail_parts_for(request, loaded(event))["aside"]]
    assert "events/_detail_calendar.html" not in templates
