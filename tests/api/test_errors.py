"""Every API error is an RFC 9457 problem+json document with a stable code."""

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code", "instance"}


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"urn:cslab:problem:{code}"
    return body


def test_missing_credentials_answer_401_not_authenticated(client: Any) -> None:
    response = client.get("/api/v1/me")
    _problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_something_hidden_answers_404_not_found(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    _problem(client.get("/api/v1/jobs/6f1c3c5e-1d2b-4b7a-9a53-1b2c3d4e5f60"), 404, "not_found")


def test_malformed_body_answers_422_with_field_locations(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    response = client.post("/api/v1/me/tokens", {"name": ""}, content_type="application/json")
    body = _problem(response, 422, "validation_error")
    assert body["errors"][0]["location"][-1] == "name"


def test_duplicate_answers_409_with_its_own_code(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    client.post("/api/v1/me/tokens", {"name": "script"}, content_type="application/json")
    response = client.post("/api/v1/me/tokens", {"name": "script"}, content_type="application/json")
    _problem(response, 409, "token_name_taken")


def test_invalid_value_answers_400_with_field_errors(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)
    response = client.patch(
        "/api/v1/me", {"preferred_language": "klingon"}, content_type="application/json"
    )
    body = _problem(response, 400, "invalid_input")
    assert "preferred_language" in body["errors"]


def test_unknown_api_path_answers_a_problem_too(client: Any) -> None:
    _problem(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_unexpected_failure_answers_500_without_internals(
    client: Any, volunteer: Any, monkeypatch: Any
) -> None:
    from cslab.core import selectors

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "job_list_for_user", broken)
    client.force_login(volunteer)
    body = _problem(client.get("/api/v1/jobs"), 500, "internal_error")
    assert "secret internals" not in str(body)


def _multipart_without_boundary(client: Any, path: str) -> Any:
    return client.generic(
        "POST", path, b"--x\r\nnot a form\r\n", content_type="multipart/form-data"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/projects/{slug}/subject-sets",
        "/api/v1/projects/{slug}/observations/1/media",
    ],
)
def test_multipart_without_a_boundary_answers_400_not_500(client: Any, path: str) -> None:
    from tests.classification.helpers import make_workflow

    workflow, _subjects, owner = make_workflow(subjects=0)
    client.force_login(owner)
    response = _multipart_without_boundary(client, path.format(slug=workflow.project.slug))
    body = _problem(response, 400, "invalid_request_body")
    assert "boundary" in body["detail"]


def test_a_form_page_answers_400_to_multipart_without_a_boundary() -> None:
    from django.test import Client

    from tests.classification.helpers import make_workflow

    workflow, _subjects, owner = make_workflow(subjects=0)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    client.cookies["csrftoken"] = "a" * 32  # the form's CSRF check reads the body first
    response = _multipart_without_boundary(
        client, f"/projects/{workflow.project.slug}/subject-sets/upload/"
    )
    assert response.status_code == 400


def test_a_form_body_with_too_many_fields_answers_400_not_500(client: Any, settings: Any) -> None:
    from tests.classification.helpers import make_workflow

    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    workflow, _subjects, owner = make_workflow(subjects=0)
    client.force_login(owner)
    response = client.generic(
        "POST",
        f"/api/v1/projects/{workflow.project.slug}/subject-sets",
        "a=1&b=2&c=3",
        content_type="application/x-www-form-urlencoded",
    )
    _problem(response, 400, "invalid_request_body")


def test_a_request_django_refuses_before_the_api_answers_a_problem_too(client: Any) -> None:
    _problem(client.get("/api/v1/me", HTTP_HOST="attacker.example"), 400, "invalid_request")


def test_a_page_request_django_refuses_answers_the_400_page(client: Any) -> None:
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_body_over_the_upload_limit_answers_413_not_a_server_error(
    client: Any, volunteer: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(volunteer)
    response = client.post(
        "/api/v1/me/tokens", {"name": "x" * 2048}, content_type="application/json"
    )
    _problem(response, 413, "payload_too_large")


def test_an_id_too_large_to_store_answers_400_not_a_server_error(client: Any) -> None:
    from tests.classification.helpers import SPECIES_TASK, make_workflow

    workflow, _subjects, owner = make_workflow(subjects=1)
    client.force_login(owner)
    response = client.post(
        f"/api/v1/projects/{workflow.project.slug}/workflows",
        {"name": "Second", "tasks": [SPECIES_TASK], "subject_set_ids": [2**80]},
        content_type="application/json",
    )
    # SQLite cannot bind the number: 400. PostgreSQL compares it, finds no such subject set
    # and, as for any unknown ID there, leaves it out: 201.
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        _problem(response, 400, "value_out_of_range")
