"""The data page: start an export, follow it, download it while it is valid, and only as its
owner; at most one running and three a day."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from cslab.core.models import AuditEvent, Job
from cslab.privacy.models import PersonalDataExport
from cslab.privacy.selectors.export import export_directory, personal_data_export_token
from cslab.privacy.services.export import (
    PERSONAL_DATA_EXPORT_JOB,
    personal_data_export_start,
    personal_data_exports_purge,
)
from tests.factories import UserFactory
from tests.privacy.export_helpers import PERSON_EMAIL, data_of, read_zip, seed_two_people

pytestmark = pytest.mark.django_db


def _start_and_run(client: Any, capture: Any) -> PersonalDataExport:
    with capture(execute=True):
        response = client.post("/me/data/")
    assert response.status_code == 302 and response["Location"] == "/me/data/"
    return PersonalDataExport.objects.latest("created_at")


def _download_url(export: PersonalDataExport) -> str:
    return f"/me/data/{export.pk}/download/{personal_data_export_token(export)}/"


def test_a_person_starts_an_export_and_downloads_the_zip_from_the_page(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    seeded = seed_two_people()
    client.force_login(seeded.person)

    export = _start_and_run(client, django_capture_on_commit_callbacks)
    page = client.get("/me/data/")
    download = client.get(_download_url(export))

    assert export.job is not None and export.job.kind == PERSONAL_DATA_EXPORT_JOB
    export.refresh_from_db()
    assert export.ready_at is not None and export.size_bytes > 0
    assert export.expires_at == export.ready_at + timedelta(days=7)
    assert _download_url(export).encode() in page.content
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/zip"
    members = read_zip(b"".join(download.streaming_content))
    assert data_of(members)["profile"]["email"] == PERSON_EMAIL
    assert AuditEvent.objects.filter(
        action="privacy.personal_data_export.downloaded", actor=seeded.person
    ).exists()
    export.refresh_from_db()
    assert export.downloaded_at is not None


def test_only_the_token_hash_is_stored(
    client: Any, volunteer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(volunteer)
    export = _start_and_run(client, django_capture_on_commit_callbacks)

    token = personal_data_export_token(export)

    assert token not in export.token_sha256 and len(export.token_sha256) == 64
    assert token not in str(Job.objects.get(pk=export.job_id).arguments)
    assert token not in str(Job.objects.get(pk=export.job_id).result)


def test_another_person_with_the_link_gets_404(
    client: Any, volunteer: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(volunteer)
    export = _start_and_run(client, django_capture_on_commit_callbacks)
    url = _download_url(export)

    client.force_login(make_user(site_role="staff", is_superuser=True))
    assert client.get(url).status_code == 404
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_a_wrong_token_gets_404(
    client: Any, volunteer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(volunteer)
    export = _start_and_run(client, django_capture_on_commit_callbacks)

    assert client.get(f"/me/data/{export.pk}/download/{'0' * 64}/").status_code == 404


def test_an_expired_link_answers_410_with_a_page_that_says_so(
    client: Any, volunteer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(volunteer)
    export = _start_and_run(client, django_capture_on_commit_callbacks)
    PersonalDataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = client.get(_download_url(export))

    assert response.status_code == 410
    assert b"This download link has expired" in response.content
    assert b'href="/me/data/"' in response.content


def test_the_purge_deletes_expired_files_and_the_link_then_answers_410(
    client: Any, volunteer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(volunteer)
    export = _start_and_run(client, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    path = export_directory() / export.file_path
    assert path.is_file()

    assert personal_data_exports_purge(now=export.expires_at - timedelta(minutes=1)) == 0
    assert personal_data_exports_purge(now=export.expires_at + timedelta(minutes=1)) == 1

    assert not path.exists()
    export.refresh_from_db()
    assert export.file_path == ""
    PersonalDataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(_download_url(export)).status_code == 410


def test_the_purge_removes_orphaned_files_a_day_old(tmp_path: Path) -> None:
    folder = export_directory() / "exports" / "personal"
    folder.mkdir(parents=True)
    orphan = folder / "1-left-behind.zip.partial"
    orphan.write_bytes(b"half")

    assert personal_data_exports_purge(now=timezone.now() + timedelta(days=2)) == 1
    assert not orphan.exists()


def test_a_second_start_while_one_runs_returns_the_running_one(volunteer: Any) -> None:
    first = personal_data_export_start(actor=volunteer, user=volunteer)
    second = personal_data_export_start(actor=volunteer, user=volunteer)

    assert first.pk == second.pk
    assert PersonalDataExport.objects.filter(user=volunteer).count() == 1


def test_a_fourth_export_in_a_day_is_refused_with_429(
    client: Any, volunteer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(volunteer)
    for _number in range(3):
        _start_and_run(client, django_capture_on_commit_callbacks)

    page = client.post("/me/data/")
    api = client.post("/api/v1/me/data-exports")

    assert page.status_code == 429
    assert b"You started 3 exports in the last 24 hours" in page.content
    assert api.status_code == 429
    assert api.json()["code"] == "personal_data_exports_limit_reached"
    assert PersonalDataExport.objects.filter(user=volunteer).count() == 3


def test_the_page_polls_while_the_export_runs_and_stops_when_it_is_ready(
    client: Any, volunteer: Any
) -> None:
    client.force_login(volunteer)
    export = personal_data_export_start(actor=volunteer, user=volunteer)

    running = client.get("/me/data/", headers={"HX-Request": "true"})
    assert b'hx-trigger="every 2s"' in running.content and b"<html" not in running.content

    from cslab.core.services.jobs import job_run

    job_run(job_id=export.job_id)
    ready = client.get("/me/data/", headers={"HX-Request": "true"})
    assert b"hx-trigger" not in ready.content
    assert b"Download (zip)" in ready.content


def test_the_account_page_links_to_the_data_page(client: Any, volunteer: Any) -> None:
    client.force_login(volunteer)

    page = client.get("/accounts/me/")

    assert b'href="/me/data/"' in page.content


def test_the_old_export_button_starts_the_zip_export_and_opens_the_data_page(
    client: Any, volunteer: Any
) -> None:
    client.force_login(volunteer)

    response = client.post("/accounts/me/export/")

    assert response.status_code == 302 and response["Location"] == "/me/data/"
    assert PersonalDataExport.objects.filter(user=volunteer).count() == 1


def test_a_new_person_sees_what_the_export_holds_and_no_exports(
    client: Any, make_user: Any
) -> None:
    client.force_login(make_user())

    page = client.get("/me/data/")

    assert page.status_code == 200
    assert b"Your observations" in page.content and b"Your consents" in page.content
    assert b"You have not exported your data yet." in page.content


def test_a_failed_export_does_not_block_a_new_one(volunteer: Any) -> None:
    first = personal_data_export_start(actor=volunteer, user=volunteer)
    Job.objects.filter(pk=first.job_id).update(status=Job.Status.FAILED, finished_at=timezone.now())

    second = personal_data_export_start(actor=volunteer, user=volunteer)

    assert second.pk != first.pk


def test_nobody_starts_an_export_of_someone_else(volunteer: Any) -> None:
    from cslab.core.errors import NotFoundError

    with pytest.raises(NotFoundError):
        personal_data_export_start(actor=UserFactory(), user=volunteer)
