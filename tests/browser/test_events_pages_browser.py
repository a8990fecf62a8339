"""Screenshots of the events pages (list, event page, form, "Events I organise", home's
"Coming up") on a phone and a desktop, and no page wider than the phone."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from cslab.core.roles import SiteRole
from cslab.events.models import EventPerson, EventResource
from cslab.events.vocabulary import EventKind, EventPersonRole
from tests.browser.screenshots import save_screenshot
from tests.events.factories import make_event, make_registration
from tests.factories import UserFactory
from tests.hub.factories import make_resource

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _session(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


def test_events_pages_screenshots(new_page: Any, live_server: Any, transactional_db: Any) -> None:
    cache.clear()
    trainer = UserFactory(site_role=SiteRole.TRAINER, display_name="Tess Trainer")
    speaker = UserFactory(display_name="Dr. Ada Vleermuis", profile_public=True)
    start = (timezone.now() + timedelta(days=5)).replace(hour=17, minute=0, second=0, microsecond=0)
    workshop = make_event(
        created_by=trainer,
        title="Counting bats at dusk",
        summary="A walk in the Hortus with bat detectors: learn to tell the species apart.",
        description="Bring **warm clothes** and a torch.\n\n- Meet at the gate\n- Detectors lent",
        starts_at=start,
        sessions=3,
        capacity=12,
        tags={"audience": ["volunteers"], "faculty": ["science"], "domain": ["ecology"]},
        organisers=[trainer],
    )
    EventPerson.objects.create(
        event=workshop,
        user=speaker,
        name=speaker.display_name,
        role=EventPersonRole.SPEAKER,
        affiliation="University of Amsterdam",
    )
    EventResource.objects.create(
        event=workshop, resource=make_resource(title="Bat detector guide"), relation="material"
    )
    make_registration(event=workshop, user=UserFactory())
    make_event(
        created_by=trainer,
        kind=EventKind.WEBINAR,
        title="Data quality in citizen science",
        starts_at=start + timedelta(days=2),
    )
    make_event(created_by=trainer, title="Past meet-up", starts_at=start - timedelta(days=40))
    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport)
        page.goto("/events/")
        save_screenshot(page, "events-list")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.goto(workshop.get_absolute_url())
        assert "Counting bats at dusk" in page.content()
        save_screenshot(page, "events-detail")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.goto("/")
        save_screenshot(page, "events-home")
        organiser = new_page(viewport)
        organiser.context.add_cookies(
            [{"name": "sessionid", "value": _session(trainer), "url": live_server.url}]
        )
        organiser.goto("/events/new/")
        save_screenshot(organiser, "events-form")
        assert organiser.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        organiser.goto("/events/manage/")
        save_screenshot(organiser, "events-managed")
        assert organiser.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
