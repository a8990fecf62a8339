"""The personal-data export through the API: start (202), list with download links."""

from typing import Any

import pytest

from cslab.privacy.models import PersonalDataExport

pytestmark = pytest.mark.django_db


def test_starting_an_export_answers_202_with_the_job_to_follow(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)

    response = client.post("/api/v1/me/data-exports")

    assert response.status_code == 202
    body = response.json()
    export = PersonalDataExport.objects.get(user=volunteer)
    assert body["id"] == export.pk and body["status"] == "queued"
    assert body["job_url"] == f"/api/v1/jobs/{export.job_id}"
    assert body["download_url"] is None


def test_the_list_shows_a_ready_export_with_its_download_link(
    client: Any, volunteer: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(make_user())
    client.post("/api/v1/me/data-exports")  # someone else's: not in the list
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v1/me/data-exports")

    items = client.get("/api/v1/me/data-exports").json()["items"]

    [export] = items
    assert export["status"] == "ready" and export["progress"] == 100
    assert export["download_url"].startswith(f"/me/data/{export['id']}/download/")
    assert client.get(export["download_url"]).status_code == 200


def test_anonymous_callers_get_401(client: Any) -> None:
    assert client.post("/api/v1/me/data-exports").status_code == 401
    assert client.get("/api/v1/me/data-exports").status_code == 401
