"""The preferences page and API: every category, with "show in the app" and how often by
e-mail; saved for the signed-in person only."""

from typing import Any

import pytest

from cslab.notifications.models import NotificationPreference
from cslab.notifications.vocabulary import NotificationCategory

pytestmark = pytest.mark.django_db


def form_data(**changes: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for category in NotificationCategory.values:
        data[f"{category}-in_app"] = "on"
        data[f"{category}-email"] = "immediate"
    data.update(changes)
    return data


def test_the_page_lists_every_category_with_the_defaults(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    page = client.get("/notifications/preferences/").content.decode()
    for category in NotificationCategory:
        assert str(category.label) in page
    assert page.count('value="immediate"\n') + page.count('value="immediate" ') >= 1
    assert page.count("checked") == 2 * len(NotificationCategory)


def test_saving_the_page_stores_the_choices(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    data = form_data(**{"digests-email": "off", "question_updates-email": "daily"})
    del data["project_news-in_app"]
    response = client.post("/notifications/preferences/", data)
    assert response.status_code == 302
    stored = {
        row.category: (row.in_app, row.email)
        for row in NotificationPreference.objects.filter(user=volunteer)
    }
    assert stored["digests"] == (True, "off")
    assert stored["question_updates"] == (True, "daily")
    assert stored["project_news"] == (False, "immediate")


def test_a_choice_that_is_not_offered_is_refused_with_400(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    response = client.post("/notifications/preferences/", form_data(**{"digests-email": "hourly"}))
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


def test_the_notification_list_links_to_the_preferences(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    assert 'href="/notifications/preferences/"' in client.get("/notifications/").content.decode()


def test_the_api_reads_and_writes_my_preferences(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    response = client.get("/api/v1/notifications/preferences")
    assert response.status_code == 200
    assert [item["category"] for item in response.json()] == NotificationCategory.values
    assert all(item["in_app"] and item["email"] == "immediate" for item in response.json())

    response = client.put(
        "/api/v1/notifications/preferences",
        [{"category": "digests", "in_app": False, "email": "daily"}],
        content_type="application/json",
    )
    assert response.status_code == 200
    by_category = {item["category"]: item for item in response.json()}
    assert (by_category["digests"]["in_app"], by_category["digests"]["email"]) == (False, "daily")
    assert by_category["project_news"]["email"] == "immediate"


@pytest.mark.parametrize(
    "payload",
    [
        [{"category": "spam", "email": "off"}],
        [{"category": "digests", "email": "hourly"}],
        [{"category": "digests"}] * 1000,
        {"category": "digests"},
    ],
)
def test_the_api_refuses_bad_preferences_with_422(
    client: Any, volunteer: Any, payload: Any
) -> None:
    client.force_login(volunteer)
    response = client.put(
        "/api/v1/notifications/preferences", payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert not NotificationPreference.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Any) -> None:
    assert client.get("/notifications/preferences/").status_code == 302
    assert client.get("/api/v1/notifications/preferences").status_code == 401
