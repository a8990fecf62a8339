"""The notifications page (with htmx mark-as-read) and the API."""

from typing import Any

import pytest
from django.utils.translation import gettext_noop

from cslab.accounts.services.api_tokens import api_token_create
from cslab.notifications.models import Notification
from cslab.notifications.services.notifications import notification_send

pytestmark = pytest.mark.django_db


def _notify(person: Any, number: int = 1) -> list[Notification]:
    sent: list[Notification] = []
    for index in range(number):
        sent += notification_send(
            recipients=[person],
            kind="question.consider",
            message=gettext_noop("The question “%(question)s” is now under consideration."),
            params={"question": f"Question {index}"},
            url=f"/questions/{index}/",
        )
    return sent


def test_the_page_lists_my_notifications_and_the_unread_count(client: Any, volunteer: Any) -> None:
    _notify(volunteer, 2)
    client.force_login(volunteer)
    page = client.get("/notifications/")
    assert page.status_code == 200
    assert "2 unread notifications" in page.content.decode()
    assert "Question 1" in page.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client: Any) -> None:
    assert client.get("/notifications/").status_code == 302


def test_marking_read_with_htmx_returns_the_row_and_the_new_count(
    client: Any, volunteer: Any
) -> None:
    first, _second = _notify(volunteer, 2)
    client.force_login(volunteer)
    response = client.post(f"/notifications/{first.pk}/read/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in body
    assert "1 unread notification" in body and 'hx-swap-oob="true"' in body
    first.refresh_from_db()
    assert first.read_at is not None


def test_marking_read_without_javascript_redirects_back(client: Any, volunteer: Any) -> None:
    (notification,) = _notify(volunteer)
    client.force_login(volunteer)
    response = client.post(f"/notifications/{notification.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302


def test_someone_elses_notification_cannot_be_marked(
    client: Any, volunteer: Any, make_user: Any
) -> None:
    (notification,) = _notify(make_user())
    client.force_login(volunteer)
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404


def test_the_api_lists_my_notifications_with_a_cursor(client: Any, volunteer: Any) -> None:
    _notify(volunteer, 3)
    _token, secret = api_token_create(actor=volunteer, user=volunteer, name="script")
    headers = {"Authorization": f"Bearer {secret}"}
    first = client.get("/api/v1/notifications?limit=2", headers=headers).json()
    assert [item["message"] for item in first["items"]] == [
        "The question “Question 2” is now under consideration.",
        "The question “Question 1” is now under consideration.",
    ]
    rest = client.get(
        f"/api/v1/notifications?limit=2&cursor={first['next_cursor']}", headers=headers
    ).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None


def test_the_api_marks_one_read_and_hides_others(
    client: Any, volunteer: Any, make_user: Any
) -> None:
    (mine,) = _notify(volunteer)
    (theirs,) = _notify(make_user())
    client.force_login(volunteer)
    response = client.post(f"/api/v1/notifications/{mine.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    unread = client.get("/api/v1/notifications?unread=true").json()
    assert unread["items"] == []
    refused = client.post(f"/api/v1/notifications/{theirs.pk}/read")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"


def test_the_api_needs_a_signed_in_person(client: Any) -> None:
    response = client.get("/api/v1/notifications")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
