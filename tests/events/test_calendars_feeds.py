"""iCalendar feeds of events: valid RFC 5545, UTC times, one VEVENT per session, cancelled
events marked, never a draft, a private project's event or a joining link."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cslab.events import ical
from cslab.events.models import Event
from cslab.events.selectors.calendars import FEED_MAX_EVENTS, event_list_for_feed
from cslab.events.vocabulary import AttendanceMode, EventKind, EventTagKind
from tests.events.factories import make_event
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.django_db]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def parsed(content: bytes) -> Calendar:
    """Parse strictly as the standards note says: valid calendar, UID and DTSTAMP, no errors."""
    calendar = Calendar.from_ical(content)
    calendar.validate()
    for component in calendar.walk("VEVENT"):
        assert all(name in component for name in component.required)
        assert not component.errors, component.errors
    return calendar


def feed(client: Client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "filename=" in response["Content-Disposition"]
    return parsed(response.content)


def summaries(calendar: Calendar) -> list[str]:
    return [str(component["SUMMARY"]) for component in calendar.walk("VEVENT")]


def test_the_site_wide_feed_is_valid_and_holds_every_session_of_a_series(client: Client) -> None:
    make_event(title="Series", sessions=3)
    make_event(title="Single")
    calendar = feed(client, reverse("event_feed_ics"))
    assert summaries(calendar).count("Series") == 3
    assert summaries(calendar).count("Single") == 1
    uids = [str(component["UID"]) for component in calendar.walk("VEVENT")]
    assert len(set(uids)) == 4
    assert str(calendar["X-WR-CALNAME"])


@pytest.mark.parametrize(
    ("local", "utc_hour"),
    [
        (datetime(2027, 7, 1, 10, 0, tzinfo=AMSTERDAM), 8),
        (datetime(2027, 1, 14, 10, 0, tzinfo=AMSTERDAM), 9),
    ],
    ids=["summer", "winter"],
)
def test_ten_in_amsterdam_is_written_in_utc(client: Client, local: datetime, utc_hour: int) -> None:
    event = make_event(starts_at=local)
    content = client.get(reverse("event_ics", kwargs={"slug": event.slug})).content
    assert f"DTSTART:{local:%Y%m%d}T{utc_hour:02d}0000Z".encode() in content
    component = next(iter(parsed(content).walk("VEVENT")))
    assert component.start == datetime(local.year, local.month, local.day, utc_hour, tzinfo=UTC)
    assert component.end - component.start == timedelta(hours=2)


def test_a_cancelled_event_is_marked_cancelled(client: Client) -> None:
    make_event(title="Called off", status=Event.Status.CANCELLED)
    calendar = feed(client, reverse("event_feed_ics"))
    (component,) = [c for c in calendar.walk("VEVENT") if str(c["SUMMARY"]) == "Called off"]
    assert str(component["STATUS"]) == "CANCELLED"


def test_a_venue_has_its_location_and_geo(client: Client) -> None:
    event = make_event(kind=EventKind.WORKSHOP)
    calendar = feed(client, reverse("event_ics", kwargs={"slug": event.slug}))
    component = next(iter(calendar.walk("VEVENT")))
    assert "Science Park 904" in str(component["LOCATION"])
    assert component["GEO"].latitude == pytest.approx(52.3555)
    assert component["GEO"].longitude == pytest.approx(4.9555)


def test_no_joining_link_in_feeds_or_in_add_to_calendar(client: Client) -> None:
    webinar = make_event(kind=EventKind.WEBINAR, online_url="https://meet.example.org/secret-room")
    hybrid = make_event(
        attendance_mode=AttendanceMode.HYBRID, online_url="https://meet.example.org/hybrid-room"
    )
    for url in [
        reverse("event_feed_ics"),
        reverse("event_feed_filtered_ics", kwargs={"facet": "kind", "value": "webinar"}),
        reverse("event_ics", kwargs={"slug": webinar.slug}),
        reverse("event_ics", kwargs={"slug": hybrid.slug}),
    ]:
        content = client.get(url).content
        assert b"secret-room" not in content
        assert b"hybrid-room" not in content


def test_a_participants_own_calendar_may_carry_the_joining_link() -> None:
    webinar = make_event(kind=EventKind.WEBINAR, online_url="https://meet.example.org/secret-room")
    content = ical.event_calendar([webinar], name="Mine", include_joining_link=True)
    assert b"secret-room" in content
    parsed(content)


def test_drafts_and_private_projects_events_never_appear(client: Client) -> None:
    private = ProjectFactory(status="active")
    make_event(title="Canary draft", status=Event.Status.DRAFT, tags={"faculty": ["science"]})
    make_event(title="Canary private", project=private, tags={"faculty": ["science"]})
    make_event(title="Never published", status=Event.Status.CANCELLED)
    Event.objects.filter(title="Never published").update(published_at=None)
    public = ProjectFactory(public=True)
    make_event(title="Public project", project=public, tags={"faculty": ["science"]})
    for url in [
        reverse("event_feed_ics"),
        reverse("event_feed_filtered_ics", kwargs={"facet": "faculty", "value": "science"}),
        reverse("event_feed_filtered_ics", kwargs={"facet": "kind", "value": "workshop"}),
    ]:
        content = client.get(url).content
        assert content.count(b"Canary") == 0
        assert b"Never published" not in content
        assert b"Public project" in content


def test_filtered_feeds_hold_only_their_facet_value(client: Client) -> None:
    make_event(title="Science talk", tags={EventTagKind.FACULTY: ["science"]})
    make_event(title="Law talk", tags={EventTagKind.FACULTY: ["law"]})
    make_event(title="Health webinar", kind=EventKind.WEBINAR, tags={"domain": ["health"]})
    science = feed(
        client, reverse("event_feed_filtered_ics", kwargs={"facet": "faculty", "value": "science"})
    )
    assert summaries(science) == ["Science talk"]
    health = feed(
        client, reverse("event_feed_filtered_ics", kwargs={"facet": "domain", "value": "health"})
    )
    assert summaries(health) == ["Health webinar"]
    webinars = feed(
        client, reverse("event_feed_filtered_ics", kwargs={"facet": "kind", "value": "webinar"})
    )
    assert summaries(webinars) == ["Health webinar"]


@pytest.mark.parametrize(
    ("facet", "value"),
    [("faculty", "nowhere"), ("colour", "science"), ("audience", "volunteers"), ("kind", "party")],
)
def test_an_unknown_facet_or_value_is_not_found(client: Client, facet: str, value: str) -> None:
    url = reverse("event_feed_filtered_ics", kwargs={"facet": facet, "value": value})
    assert client.get(url).status_code == 404


def test_the_feed_holds_upcoming_and_the_last_ninety_days() -> None:
    now = timezone.now()
    make_event(title="Last month", starts_at=now - timedelta(days=30))
    make_event(title="Half a year ago", starts_at=now - timedelta(days=180))
    make_event(title="Next week")
    titles = [event.title for event in event_list_for_feed()]
    assert titles == ["Last month", "Next week"]


def test_the_feed_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cslab.events.selectors.calendars.FEED_MAX_EVENTS", 3)
    for _ in range(5):
        make_event()
    assert len(event_list_for_feed()) == 3
    assert FEED_MAX_EVENTS == 500


def test_the_feed_costs_the_same_few_queries_for_many_events(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        make_event(sessions=2, tags={"faculty": ["science"]})
    with django_assert_max_num_queries(4):
        assert client.get(reverse("event_feed_ics")).status_code == 200
    with django_assert_max_num_queries(4):
        url = reverse("event_feed_filtered_ics", kwargs={"facet": "faculty", "value": "science"})
        assert client.get(url).status_code == 200


def test_add_to_calendar_answers_whoever_may_see_the_event(client: Client, make_user: Any) -> None:
    organiser = make_user()
    draft = make_event(status=Event.Status.DRAFT, created_by=organiser)
    private = make_event(project=ProjectFactory(status="active"))
    url = reverse("event_ics", kwargs={"slug": draft.slug})
    assert client.get(url).status_code == 404
    assert client.get(reverse("event_ics", kwargs={"slug": private.slug})).status_code == 404
    assert client.get(reverse("event_ics", kwargs={"slug": "no-such-event"})).status_code == 404
    client.force_login(organiser)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{draft.slug}.ics"'
    parsed(response.content)


def test_the_uid_of_a_session_is_stable(client: Client) -> None:
    event = make_event()
    url = reverse("event_ics", kwargs={"slug": event.slug})
    first = next(iter(parsed(client.get(url).content).walk("VEVENT")))
    second = next(iter(parsed(client.get(url).content).walk("VEVENT")))
    assert str(first["UID"]) == str(second["UID"])
    assert str(first["UID"]).startswith(f"event-{event.pk}-")
