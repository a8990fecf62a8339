"""The meta-research feed's page, download and API: Lab staff only, bounded inputs, expiring
files purged by the daily retention run."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from cslab.core.models import Job
from cslab.impact.models import MetaResearchExport
from cslab.impact.services.meta_research import MAX_PROJECTS, export_directory
from cslab.privacy.services.retention import retention_apply
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

PAGE = "/impact/meta-research/"
API = "/api/v1/impact/meta-research-exports"


@pytest.fixture(autouse=True)
def _exports_in_a_temporary_folder(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


def ready_export(*, expires_in: timedelta = timedelta(days=7)) -> MetaResearchExport:
    relative = "exports/meta-research/ready.zip"
    path = export_directory() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("events.csv", "participant,project,kind,timestamp_hour,h3_cell\n")
    return MetaResearchExport.objects.create(
        status=MetaResearchExport.Status.READY,
        file_name=relative,
        expires_at=timezone.now() + expires_in,
    )


def test_a_volunteer_and_a_visitor_get_404_from_the_feed_page_and_its_downloads(
    client: Any, volunteer: Any
) -> None:
    export = ready_export()
    download = f"{PAGE}{export.pk}/download/"

    assert client.get(PAGE).status_code == 404
    assert client.get(download).status_code == 404
    client.force_login(volunteer)
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {}).status_code == 404
    assert client.get(download).status_code == 404
    assert MetaResearchExport.objects.count() == 1


def test_a_volunteer_gets_404_from_the_api(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)

    assert client.get(API).status_code == 404
    assert client.post(API, {}, content_type="application/json").status_code == 404
    assert not MetaResearchExport.objects.exists()


def test_staff_start_an_export_on_the_page_and_land_on_its_job(
    client: Any, staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    project = ProjectFactory(public=True, name="Bee count")
    client.force_login(staff)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Bee count" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"projects": [project.pk], "start": "2025-01-01"})

    export = MetaResearchExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{export.job_id}/"
    assert export.filters == {"projects": [project.pk], "start": "2025-01-01", "end": None}
    assert export.status == "ready"
    assert Job.objects.get(pk=export.job_id).result["url"] == PAGE
    listing = client.get(PAGE).content.decode()
    assert f"{PAGE}{export.pk}/download/" in listing


def test_an_end_before_the_start_is_shown_on_the_form(client: Any, staff: Any) -> None:
    client.force_login(staff)

    response = client.post(PAGE, {"start": "2025-05-02", "end": "2025-05-01"})

    assert response.status_code == 400
    assert "The end date must not be before the start date." in response.content.decode()
    assert not MetaResearchExport.objects.exists()


def test_staff_download_a_ready_export_as_a_zip_attachment(client: Any, staff: Any) -> None:
    export = ready_export()
    client.force_login(staff)

    response = client.get(f"{PAGE}{export.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "cslab-meta-research-" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_an_expired_export_is_not_downloadable(client: Any, staff: Any) -> None:
    export = ready_export(expires_in=timedelta(seconds=-1))
    client.force_login(staff)

    assert client.get(f"{PAGE}{export.pk}/download/").status_code == 404
    assert f"{PAGE}{export.pk}/download/" not in client.get(PAGE).content.decode()


def test_the_daily_retention_run_deletes_expired_export_files(staff: Any) -> None:
    expired = ready_export(expires_in=timedelta(seconds=-1))
    path = export_directory() / expired.file_name

    retention_apply(now=timezone.now())

    expired.refresh_from_db()
    assert not path.exists()
    assert (expired.status, expired.file_name) == ("expired", "")


def test_a_fresh_export_file_survives_the_retention_run(staff: Any) -> None:
    fresh = ready_export()

    retention_apply(now=timezone.now())

    assert (export_directory() / fresh.file_name).exists()


def test_staff_start_an_export_through_the_api_and_find_it_in_the_list(
    client: Any, staff: Any
) -> None:
    project = ProjectFactory(public=True)
    client.force_login(staff)

    response = client.post(
        API,
        {"projects": [project.slug], "start": "2025-01-01", "end": "2025-12-31"},
        content_type="application/json",
    )

    assert response.status_code == 202
    body = response.json()
    export = MetaResearchExport.objects.get()
    assert body["id"] == export.pk and body["status"] == "queued"
    assert body["job_url"] == f"/api/v1/jobs/{export.job_id}"
    assert body["download_url"] is None
    [listed] = client.get(API).json()["items"]
    assert listed["id"] == export.pk
    assert listed["filters"]["projects"] == [project.pk]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"projects": [f"project-{number}" for number in range(MAX_PROJECTS + 1)]}, 422),
        ({"projects": ["x" * 5000]}, 422),
        ({"projects": ["no-such-project"]}, 400),
        ({"start": "1900-01-01"}, 400),
        ({"start": "2025-05-02", "end": "2025-05-01"}, 400),
        ({"start": "not a date"}, 422),
    ],
)
def test_hostile_api_inputs_are_refused_with_a_4xx(
    client: Any, staff: Any, body: dict[str, Any], status: int
) -> None:
    client.force_login(staff)

    response = client.post(API, body, content_type="application/json")

    assert response.status_code == status
    assert not MetaResearchExport.objects.exists()
