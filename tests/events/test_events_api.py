"""The events read API: listed events with filters and cursor pages, one event for whoever may
see it, never the joining link."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cslab.events.models import Event
from cslab.events.vocabulary import EventKind, EventTagKind
from tests.events.factories import make_event
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.django_db]


def titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_the_list_holds_upcoming_listed_events_soonest_first(client: Client) -> None:
    now = timezone.now()
    make_event(title="Later", starts_at=now + timedelta(days=20))
    make_event(title="Sooner", starts_at=now + timedelta(days=2))
    make_event(title="Past", starts_at=now - timedelta(days=2))
    assert titles(client.get("/api/v1/events")) == ["Sooner", "Later"]


def test_drafts_and_private_projects_events_are_never_listed(
    client: Client, make_user: Any
) -> None:
    organiser = make_user()
    make_event(title="Canary draft", status=Event.Status.DRAFT, created_by=organiser)
    make_event(title="Canary private", project=ProjectFactory(status="active"))
    make_event(title="Open")
    client.force_login(organiser)
    assert titles(client.get("/api/v1/events")) == ["Open"]


def test_filters_by_kind_faculty_domain_and_dates(client: Client) -> None:
    now = timezone.now()
    make_event(title="Science workshop", tags={EventTagKind.FACULTY: ["science"]})
    make_event(title="Health webinar", kind=EventKind.WEBINAR, tags={"domain": ["health"]})
    make_event(title="Far away", starts_at=now + timedelta(days=60))
    assert titles(client.get("/api/v1/events?kind=webinar")) == ["Health webinar"]
    assert titles(client.get("/api/v1/events?faculty=science")) == ["Science workshop"]
    assert titles(client.get("/api/v1/events?domain=health")) == ["Health webinar"]
    both = titles(client.get("/api/v1/events?kind=webinar&kind=workshop"))
    assert sorted(both) == ["Far away", "Health webinar", "Science workshop"]
    until = (now + timedelta(days=30)).isoformat()
    assert "Far away" not in titles(client.get("/api/v1/events", {"to": until}))
    since = (now + timedelta(days=50)).isoformat()
    assert titles(client.get("/api/v1/events", {"from": since})) == ["Far away"]


def test_the_past_can_be_asked_for(client: Client) -> None:
    make_event(title="Last year", starts_at=datetime(2025, 3, 1, 9, tzinfo=UTC))
    assert titles(client.get("/api/v1/events", {"from": "2025-01-01T00:00:00Z"})) == ["Last year"]


@pytest.mark.parametrize("query", ["kind=party", "faculty=nowhere", "from=yesterday"])
def test_a_bad_filter_is_a_clear_4xx(client: Client, query: str) -> None:
    response = client.get(f"/api/v1/events?{query}")
    assert 400 <= response.status_code < 500


def test_pages_follow_the_cursor(client: Client) -> None:
    now = timezone.now()
    for day in range(5):
        make_event(title=f"Day {day}", starts_at=now + timedelta(days=day + 1))
    first = client.get("/api/v1/events?limit=2").json()
    assert [item["title"] for item in first["items"]] == ["Day 0", "Day 1"]
    second = client.get(f"/api/v1/events?limit=2&cursor={first['next_cursor']}").json()
    assert [item["title"] for item in second["items"]] == ["Day 2", "Day 3"]
    assert client.get("/api/v1/events?cursor=not-a-cursor").status_code == 400


def test_the_list_costs_a_few_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    for _ in range(10):
        make_event(sessions=2, tags={"faculty": ["science"]})
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/events").json()["items"]) == 10


def test_one_event_with_its_sessions_and_no_joining_link(client: Client) -> None:
    event = make_event(
        kind=EventKind.WEBINAR,
        sessions=2,
        online_url="https://meet.example.org/secret-room",
        online_details="Meeting ID 123",
        capacity=30,
    )
    response = client.get(f"/api/v1/events/{event.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == event.title
    assert len(body["sessions"]) == 2
    assert body["places_left"] == 30
    assert body["ics_url"] == f"/events/{event.slug}/event.ics"
    assert b"secret-room" not in response.content
    assert b"Meeting ID" not in response.content
    assert event.check_in_code.encode() not in response.content
    listed = client.get("/api/v1/events")
    assert b"secret-room" not in listed.content


def test_one_event_answers_only_whoever_may_see_it(client: Client, make_user: Any) -> None:
    organiser = make_user()
    draft = make_event(status=Event.Status.DRAFT, created_by=organiser)
    private = make_event(project=ProjectFactory(status="active"))
    assert client.get(f"/api/v1/events/{draft.slug}").status_code == 404
    assert client.get(f"/api/v1/events/{private.slug}").status_code == 404
    assert client.get("/api/v1/events/no-such-event").status_code == 404
    client.force_login(organiser)
    assert client.get(f"/api/v1/events/{draft.slug}").status_code == 200


@pytest.mark.parametrize(
    "moment", ["0.5", "1700000000", "2026-03-14", "2026-03-14T09:31", "tomorrow"]
)
def test_a_moment_must_be_a_date_time_with_its_zone(client: Any, moment: str) -> None:
    assert client.get("/api/v1/events", {"to": moment}).status_code == 422
    assert client.get("/api/v1/events", {"from": moment}).status_code == 422


def test_moments_with_their_zone_filter_the_events(client: Any) -> None:
    event = make_event(starts_at=datetime(2026, 3, 14, 9, 30, tzinfo=UTC))
    query = {"from": "2026-03-14T00:00:00Z", "to": "2026-03-14T10:31:00+01:00"}
    listed = client.get("/api/v1/events", query)
    assert listed.status_code == 200
    assert [item["slug"] for item in listed.json()["items"]] == [event.slug]
    query["to"] = "2026-03-14T10:30:00+01:00"
    assert client.get("/api/v1/events", query).json()["items"] == []
