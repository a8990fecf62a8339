"""The registration pages, "My events", and the event page's registration part (link hiding)."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from cslab.events.models import Event, Registration
from cslab.events.vocabulary import EventKind
from tests.events.factories import make_event, make_registration

pytestmark = [pytest.mark.django_db]

Status = Registration.Status


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_form_asks_only_the_events_questions(make_user: Any) -> None:
    event = make_event(ask_dietary_needs=True, ask_accessibility_needs=False)
    page = signed_in(make_user()).get(f"/events/{event.slug}/register/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="dietary_needs"' in html
    assert 'name="accessibility_needs"' not in html
    assert 'name="organisation"' not in html
    assert 'name="contact_consent"' in html


def test_registering_through_the_form(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(capacity=3, ask_organisation=True)
    person = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(person).post(
            f"/events/{event.slug}/register/",
            {"organisation": "UvA", "contact_consent": "on"},
        )
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.slug}/"
    registration = Registration.objects.get(event=event, user=person)
    assert (registration.status, registration.organisation) == (Status.REGISTERED, "UvA")
    assert registration.contact_consent is True
    assert len(mail.outbox) == 1


def test_an_over_long_answer_is_refused(make_user: Any) -> None:
    event = make_event(ask_organisation=True)
    response = signed_in(make_user()).post(
        f"/events/{event.slug}/register/", {"organisation": "x" * 5000}
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    event = make_event()
    response = Client().get(f"/events/{event.slug}/register/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_draft_is_not_found(make_user: Any) -> None:
    event = make_event(status=Event.Status.DRAFT, created_by=make_user())
    assert signed_in(make_user()).get(f"/events/{event.slug}/register/").status_code == 404


def test_cancelling_from_the_event_page(make_user: Any) -> None:
    event = make_event(capacity=1)
    person = make_user()
    make_registration(event=event, user=person)
    waiting = make_registration(event=event, user=make_user(), status=Status.WAITLISTED)
    response = signed_in(person).post(f"/events/{event.slug}/cancel/")
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.REGISTERED


def test_cancelling_without_a_registration_is_not_found(make_user: Any) -> None:
    event = make_event()
    assert signed_in(make_user()).post(f"/events/{event.slug}/cancel/").status_code == 404


def test_cancel_by_token_asks_then_cancels_then_says_already_cancelled(make_user: Any) -> None:
    event = make_event()
    registration = make_registration(event=event, user=make_user())
    url = f"/events/cancel/{registration.token}/"
    client = Client()
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Cancel my registration" in confirm.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED  # a GET (a mail scanner) cancels nothing
    done = client.post(url)
    assert done.status_code == 200 and "Your registration is cancelled" in done.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    again = client.post(url)
    assert again.status_code == 200
    assert "already cancelled" in again.content.decode()
    assert "already cancelled" in client.get(url).content.decode()


def test_an_unknown_token_is_not_found() -> None:
    assert Client().get("/events/cancel/nope/").status_code == 404
    assert Client().post("/events/cancel/nope/").status_code == 404


def test_my_events_lists_places_and_waiting_list_positions(make_user: Any) -> None:
    person = make_user()
    full = make_event(capacity=1, title="Full workshop")
    make_registration(event=full, user=make_user())
    make_registration(event=full, user=make_user(), status=Status.WAITLISTED)
    make_registration(event=full, user=person, status=Status.WAITLISTED)
    mine = make_event(title="My webinar", kind=EventKind.WEBINAR)
    make_registration(event=mine, user=person)
    other = make_event(title="Someone else's")
    make_registration(event=other, user=make_user())
    html = signed_in(person).get("/events/mine/").content.decode()
    assert "Full workshop" in html and "Number 2 on the waiting list" in html
    assert "My webinar" in html and "You are registered" in html
    assert "Someone else" not in html
    assert mine.online_url not in html


def test_my_events_in_dutch(make_user: Any) -> None:
    person = make_user(preferred_language="nl")
    make_registration(event=make_event(), user=person)
    html = signed_in(person).get("/events/mine/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Mijn activiteiten" in html


# --- the event page: places, buttons, and the joining link only for people with a place ---


def event_page(client: Client, event: Event) -> str:
    response = client.get(f"/events/{event.slug}/")
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.fixture
def webinar() -> Event:
    return make_event(kind=EventKind.WEBINAR, capacity=1, online_details="Dial in: +31 20 000 0000")


def test_the_joining_link_is_hidden_from_anonymous_visitors(webinar: Event) -> None:
    html = event_page(Client(), webinar)
    assert webinar.online_url not in html and "Dial in" not in html
    assert "Log in to register" in html


def test_the_joining_link_is_hidden_from_people_not_registered(
    make_user: Any, webinar: Event
) -> None:
    html = event_page(signed_in(make_user()), webinar)
    assert webinar.online_url not in html
    assert "1 place left" in html and "Register" in html


def test_the_joining_link_is_hidden_from_the_waiting_list(make_user: Any, webinar: Event) -> None:
    make_registration(event=webinar, user=make_user())
    person = make_user()
    make_registration(event=webinar, user=person, status=Status.WAITLISTED)
    html = event_page(signed_in(person), webinar)
    assert webinar.online_url not in html and "Dial in" not in html
    assert "You are number 1 on the waiting list" in html


def test_the_joining_link_is_hidden_after_cancelling(make_user: Any, webinar: Event) -> None:
    person = make_user()
    make_registration(event=webinar, user=person, status=Status.CANCELLED)
    html = event_page(signed_in(person), webinar)
    assert webinar.online_url not in html


def test_registered_people_see_the_joining_link_and_details(make_user: Any, webinar: Event) -> None:
    person = make_user()
    make_registration(event=webinar, user=person)
    html = event_page(signed_in(person), webinar)
    assert webinar.online_url in html and "Dial in" in html
    assert "You are registered." in html and "Cancel my registration" in html


def test_a_full_event_shows_the_waiting_list_length(make_user: Any) -> None:
    event = make_event(capacity=1)
    make_registration(event=event, user=make_user())
    make_registration(event=event, user=make_user(), status=Status.WAITLISTED)
    html = event_page(signed_in(make_user()), event)
    assert "Full" in html and "1 person on the waiting list" in html
    assert "Join the waiting list" in html
