"""Bodies, queries and forms are checked against the OpenAPI document before they are read."""

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _send(client: Any, method: str, url: str, body: str) -> Any:
    return getattr(client, method)(url, body, content_type="application/json")


def test_an_array_where_an_object_is_expected_answers_422_and_changes_nothing(
    client: Any, volunteer: Any
) -> None:
    client.force_login(volunteer)
    response = _send(client, "patch", "/api/v1/me", "[null, null]")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"][0]["location"] == ["body", "payload"]


def test_a_boolean_where_a_number_is_expected_answers_422(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    response = _send(
        client,
        "post",
        "/api/v1/questions",
        '{"text": "Do bats hunt here?", "why_it_matters": "x", "latitude": false,'
        ' "longitude": 4.5}',
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["location"] == ["body", "payload", "latitude"]


def test_an_optional_body_may_still_be_left_out_or_null(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    response = _send(client, "post", "/api/v1/me/tokens", '{"name": "script"}')
    assert response.status_code == 201, response.content
    assert _send(client, "patch", "/api/v1/me", '{"bio": "Bats."}').status_code == 200


def test_a_one_value_query_parameter_given_twice_answers_422(client: Any) -> None:
    response = client.get("/api/v1/questions?limit=5&limit=6")
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["location"] == ["query", "limit"]


def test_a_list_query_parameter_may_be_given_many_times(client: Any, volunteer: Any) -> None:
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory(public=True)
    response = client.get(
        f"/api/v1/projects/{project.slug}/observations?status=accepted&status=pending&limit=5"
    )
    assert response.status_code == 200, response.content


def test_a_number_where_true_or_false_is_expected_answers_422(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    response = _send(client, "patch", "/api/v1/me", '{"profile_public": 0}')
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["location"] == ["body", "payload", "profile_public"]
