"""The sitemap lists published events; never a draft or a private project's event."""

import pytest
from django.test import Client

from cslab.events.models import Event
from tests.events.factories import make_event
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.django_db]


def test_the_sitemap_lists_listed_events_only(client: Client) -> None:
    listed = make_event(slug="bat-walk")
    make_event(slug="canary-draft", status=Event.Status.DRAFT)
    make_event(slug="canary-private", project=ProjectFactory(status="active"))
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/events/{listed.slug}/</loc>" in body
    assert body.count("canary") == 0


def test_the_calendars_page_lists_every_feed_with_webcal_and_https_links(client: Client) -> None:
    make_event(tags={"faculty": ["science"], "domain": ["health"]})
    make_event(slug="canary-draft", status=Event.Status.DRAFT, tags={"faculty": ["law"]})
    response = client.get("/events/calendars/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="webcal://testserver/events/feed.ics"' in html
    assert 'href="http://testserver/events/feed.ics"' in html
    assert "/events/feed/kind/webinar.ics" in html
    assert "/events/feed/faculty/science.ics" in html
    assert "/events/feed/domain/health.ics" in html
    # Only faculties that have listed events get a feed on the page.
    assert "/events/feed/faculty/law.ics" not in html
    assert "Google Calendar" in html
