"""The events pages: list with tabs and filters, the event page, the form, publish and cancel
(issue 13 item 1)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cslab.core.roles import ProjectRole, SiteRole
from cslab.events.models import Event, EventPerson, EventResource
from cslab.events.vocabulary import EventKind, EventPersonRole, EventTagKind
from cslab.hub.models import Resource
from tests.events.factories import make_event, make_registration
from tests.factories import UserFactory
from tests.hub.factories import make_resource
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def client_for(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Bats at dusk",
        "summary": "A walk with detectors.",
        "kind": EventKind.WORKSHOP,
        "attendance_mode": "in_person",
        "language": "en",
        "venue_name": "Hortus",
        "venue_address": "Plantage Middenlaan 2a, Amsterdam",
        "latitude": "52.3667",
        "longitude": "4.9083",
        "session_0_starts": "2027-03-04T19:00",
        "session_0_ends": "2027-03-04T21:00",
        "person_0_name": "Dr Bat",
        "person_0_role": EventPersonRole.SPEAKER,
        "audience": ["volunteers"],
    }
    data.update(overrides)
    return data


def test_the_list_shows_upcoming_events_and_the_past_tab_past_ones() -> None:
    make_event(title="Coming soon")
    make_event(title="Long ago", starts_at=timezone.now() - timedelta(days=30))
    make_event(title="Secret draft", status=Event.Status.DRAFT)
    upcoming = client_for(None).get(reverse("event_list")).content.decode()
    assert "Coming soon" in upcoming
    assert "Long ago" not in upcoming
    assert "Secret draft" not in upcoming
    past = client_for(None).get(reverse("event_list") + "?when=past").content.decode()
    assert "Long ago" in past
    assert "Coming soon" not in past


def test_the_list_filters_by_kind_faculty_and_words() -> None:
    make_event(title="Webinar on sensors", kind=EventKind.WEBINAR, tags={"faculty": ["science"]})
    make_event(title="Workshop on bats")
    page = client_for(None).get(reverse("event_list"), {"kind": "webinar"}).content.decode()
    assert "Webinar on sensors" in page
    assert "Workshop on bats" not in page
    page = client_for(None).get(reverse("event_list"), {"q": "bats"}).content.decode()
    assert "Workshop on bats" in page
    assert "Webinar on sensors" not in page
    response = client_for(None).get(reverse("event_list"), {"kind": "<script>", "page": "x"})
    assert response.status_code == 200


def test_the_list_pages_twelve_at_a_time() -> None:
    for number in range(14):
        make_event(
            title=f"Series {number:02d}", starts_at=timezone.now() + timedelta(days=number + 1)
        )
    first = client_for(None).get(reverse("event_list")).content.decode()
    second = client_for(None).get(reverse("event_list"), {"page": 2}).content.decode()
    assert "Series 00" in first and "Series 13" not in first
    assert "Series 13" in second


def test_the_list_links_creators_to_create_and_manage_and_everyone_to_calendars() -> None:
    trainer = UserFactory(site_role=SiteRole.TRAINER)
    page = client_for(trainer).get(reverse("event_list")).content.decode()
    assert reverse("event_create") in page
    assert reverse("event_list_managed") in page
    anonymous = client_for(None).get(reverse("event_list")).content.decode()
    assert reverse("event_create") not in anonymous


def test_the_event_page_shows_its_facts_but_never_the_joining_link() -> None:
    speaker = UserFactory(display_name="Ada Bat", profile_public=True)
    event = make_event(
        title="Hybrid bats",
        attendance_mode="hybrid",
        description="Bring **boots**.",
        tags={EventTagKind.AUDIENCE: ["volunteers"], EventTagKind.FACULTY: ["science"]},
        sessions=2,
    )
    EventPerson.objects.create(
        event=event, user=speaker, name="Ada Bat", role=EventPersonRole.SPEAKER
    )
    EventPerson.objects.create(event=event, name="Free Name", role=EventPersonRole.ORGANISER)
    resource = make_resource(title="Bat guide")
    EventResource.objects.create(event=event, resource=resource, relation="material")
    hidden = make_resource(title="Unpublished notes", status=Resource.Status.DRAFT)
    EventResource.objects.create(event=event, resource=hidden, relation="material")
    page = client_for(UserFactory()).get(event.get_absolute_url()).content.decode()
    assert "<strong>boots</strong>" in page
    assert "Science Park 904, 1098 XH Amsterdam" in page
    assert event.online_url not in page
    assert speaker.get_absolute_url() in page
    assert "Free Name" in page
    assert "Bat guide" in page
    assert "Unpublished notes" not in page
    assert "Volunteers" in page or "volunteers" in page
    assert page.count("<time datetime=") >= 4
    assert "data-question-map" in page


def test_an_online_event_says_online() -> None:
    event = make_event(kind=EventKind.WEBINAR)
    page = client_for(None).get(event.get_absolute_url()).content.decode()
    assert "Online" in page
    assert event.online_url not in page


def test_a_javascript_link_in_the_description_is_neutralised() -> None:
    event = make_event(description="[click](javascript:alert(1)) <script>alert(2)</script>")
    page = client_for(None).get(event.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in page.lower()
    assert "<script>alert(2)" not in page


def test_times_show_in_amsterdam_by_default_and_in_a_chosen_zone() -> None:
    winter = datetime(2027, 1, 12, 18, 0, tzinfo=UTC)
    summer = datetime(2027, 7, 12, 18, 0, tzinfo=UTC)
    winter_event = make_event(starts_at=winter)
    summer_event = make_event(starts_at=summer)
    anonymous = client_for(None)
    assert "19:00" in anonymous.get(winter_event.get_absolute_url()).content.decode()
    summer_page = anonymous.get(summer_event.get_absolute_url()).content.decode()
    assert "20:00" in summer_page
    assert "Europe/Amsterdam" in summer_page
    new_yorker = UserFactory(time_zone="America/New_York")
    page = client_for(new_yorker).get(winter_event.get_absolute_url()).content.decode()
    assert "13:00" in page
    assert "America/New_York" in page
    assert "19:00" not in page


def test_a_person_chooses_a_time_zone_on_the_profile_form() -> None:
    person = UserFactory()
    client = client_for(person)
    response = client.post(
        reverse("account_profile"),
        {"display_name": "Ann", "preferred_language": "en", "time_zone": "America/New_York"},
    )
    assert response.status_code in (200, 302)
    person.refresh_from_db()
    assert person.time_zone == "America/New_York"
    response = client.post(
        reverse("account_profile"),
        {"display_name": "Ann", "preferred_language": "en", "time_zone": "Mars/Olympus"},
    )
    person.refresh_from_db()
    assert person.time_zone == "America/New_York"


def test_another_persons_draft_is_not_found() -> None:
    draft = make_event(
        created_by=UserFactory(site_role=SiteRole.TRAINER), status=Event.Status.DRAFT
    )
    for user in (None, UserFactory(), UserFactory(site_role=SiteRole.TRAINER)):
        assert client_for(user).get(draft.get_absolute_url()).status_code in (404, 302)
        if user is not None:
            assert client_for(user).get(reverse("event_edit", args=[draft.slug])).status_code == 404
            assert (
                client_for(user).post(reverse("event_publish", args=[draft.slug])).status_code
                == 404
            )


def test_a_volunteer_may_not_create_or_edit() -> None:
    volunteer = UserFactory()
    client = client_for(volunteer)
    assert client.get(reverse("event_create")).status_code == 403
    assert client.post(reverse("event_create"), _form_data()).status_code == 403
    event = make_event(created_by=UserFactory(site_role=SiteRole.TRAINER))
    assert client.post(reverse("event_edit", args=[event.slug]), _form_data()).status_code == 403
    assert not Event.objects.filter(title="Bats at dusk").exists()


def test_a_trainer_creates_publishes_and_cancels_an_event() -> None:
    trainer = UserFactory(site_role=SiteRole.TRAINER)
    client = client_for(trainer)
    assert client.get(reverse("event_create")).status_code == 200
    response = client.post(reverse("event_create"), _form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(title="Bats at dusk")
    assert event.status == Event.Status.DRAFT
    # Entered in Amsterdam's winter time: stored in UTC.
    assert event.starts_at == datetime(2027, 3, 4, 18, 0, tzinfo=UTC)
    assert event.tags_of(EventTagKind.AUDIENCE) == ["volunteers"]
    assert client.get(reverse("event_edit", args=[event.slug])).status_code == 200
    assert client.post(reverse("event_publish", args=[event.slug])).status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    managed = client.get(reverse("event_list_managed")).content.decode()
    assert "Bats at dusk" in managed
    response = client.post(reverse("event_cancel", args=[event.slug]), {"reason": ""})
    assert response.status_code == 400
    response = client.post(reverse("event_cancel", args=[event.slug]), {"reason": "Rain."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert "Rain." in client_for(None).get(event.get_absolute_url()).content.decode()


def test_huge_inputs_are_refused_with_400() -> None:
    trainer = UserFactory(site_role=SiteRole.TRAINER)
    client = client_for(trainer)
    huge = client.post(reverse("event_create"), _form_data(description="x" * 50_001))
    assert huge.status_code == 400
    sessions = {
        f"session_{n}_{part}": f"2027-03-{n + 1:02d}T{hour}"
        for n in range(21)
        for part, hour in (("starts", "10:00"), ("ends", "11:00"))
    }
    many = client.post(reverse("event_create"), _form_data(**sessions))
    assert many.status_code == 400
    people = {f"person_{n}_name": f"Speaker {n}" for n in range(31)}
    crowd = client.post(reverse("event_create"), _form_data(**people))
    assert crowd.status_code == 400
    assert not Event.objects.exists()


def test_capacity_below_registered_people_is_a_clear_400() -> None:
    trainer = UserFactory(site_role=SiteRole.TRAINER)
    event = make_event(created_by=trainer, capacity=3, title="Full one")
    make_registration(event=event, user=UserFactory())
    make_registration(event=event, user=UserFactory())
    response = client_for(trainer).post(
        reverse("event_edit", args=[event.slug]), _form_data(capacity="1", title="Full one")
    )
    assert response.status_code == 400
    assert "already registered" in response.content.decode()


def test_a_project_researcher_organises_an_event_from_the_project_page() -> None:
    project = ProjectFactory(public=True)
    researcher = MembershipFactory(project=project, role=ProjectRole.RESEARCHER).user
    member = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    make_event(title="Project meet-up", project=project)
    url = f"{reverse('event_create')}?project={project.slug}"
    page = client_for(researcher).get(project.get_absolute_url()).content.decode()
    assert "Project meet-up" in page
    assert url in page.replace("&amp;", "&")
    assert url not in client_for(member).get(project.get_absolute_url()).content.decode()
    assert client_for(member).get(url).status_code == 403
    response = client_for(researcher).post(url, _form_data(title="Team day"))
    assert response.status_code == 302
    assert Event.objects.get(title="Team day").project == project


def test_the_cover_is_served_only_to_who_may_see_the_event(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    draft = make_event(status=Event.Status.DRAFT)
    assert client_for(None).get(reverse("event_cover", args=[draft.slug])).status_code == 404
    published = make_event()
    assert client_for(None).get(reverse("event_cover", args=[published.slug])).status_code == 404


def test_the_home_page_lists_what_is_coming_up() -> None:
    cache.clear()
    make_event(title="Next bat walk")
    make_event(title="Old bat walk", starts_at=timezone.now() - timedelta(days=3))
    page = client_for(None).get("/").content.decode()
    assert "Coming up" in page
    assert "Next bat walk" in page
    assert "Old bat walk" not in page
    assert reverse("event_list") in page
