"""A project's data page: files prepared by a background job, downloaded until they expire."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cslab.core.errors import TooManyRequestsError
from cslab.core.file_purges import file_purges
from cslab.core.roles import ProjectRole
from cslab.exports import services
from cslab.exports.models import DataExport
from cslab.exports.services import data_export_start
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.observations.services.observations import observation_submit
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

FORM = {
    "survey": [
        {"type": "integer", "name": "count", "label": "How many?"},
        {"type": "geopoint", "name": "where", "label": "Where?"},
    ],
    "settings": [{"form_id": "hedgehogs", "form_title": "Hedgehogs", "version": "1"}],
}
TRUE_LATITUDE = "52.3731234"


@pytest.fixture(autouse=True)
def _var_folder(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture(autouse=True)
def _jobs_run_when_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's transaction never commits, so a job handed over on commit would never run;
    here it runs at once (the task backend of the tests is immediate)."""
    monkeypatch.setattr(
        "cslab.core.services.jobs.transaction.on_commit",
        lambda function, *args, **kwargs: function(),
    )


@pytest.fixture
def hedgehogs() -> dict[str, Any]:
    project = ProjectFactory(public=True, name="Hedgehog street")
    observer, researcher = UserFactory(), UserFactory()
    MembershipFactory(project=project, user=observer, role=ProjectRole.MEMBER)
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)
    version = form_publish_xlsform(
        actor=None, project=project, file_name="h.xlsx", content=workbook_bytes(FORM)
    )
    observation_submit(
        actor=observer,
        form_version=version,
        instance_id="uuid:hedgehog-1",
        answers={"count": 2, "where": f"{TRUE_LATITUDE} 4.8923456 0 5"},
        geoprivacy="obscured",
    )
    return {"project": project, "observer": observer, "researcher": researcher}


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _page(project: Any) -> str:
    return reverse("project_data_exports", kwargs={"slug": project.slug})


def _prepare(client: Client, project: Any, scope: str, format: str = "csv") -> Any:
    return client.post(_page(project), {"form_id": "hedgehogs", "format": format, "scope": scope})


def _download_rows(response: Any) -> list[dict[str, str]]:
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return list(csv.DictReader(io.StringIO(archive.read("hedgehogs.csv").decode())))


def test_the_project_page_links_its_data_page(hedgehogs: dict[str, Any]) -> None:
    page = _client().get(hedgehogs["project"].get_absolute_url())

    assert _page(hedgehogs["project"]).encode() in page.content


def test_a_researcher_prepares_a_team_file_with_true_locations_and_downloads_it(
    hedgehogs: dict[str, Any],
) -> None:
    client = _client(hedgehogs["researcher"])

    response = _prepare(client, hedgehogs["project"], "team")

    export = DataExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", kwargs={"job_id": export.job_id})
    assert export.status == DataExport.Status.READY and export.rows == {"hedgehogs": 1}
    page = client.get(_page(hedgehogs["project"]))
    download = reverse(
        "project_data_export_download",
        kwargs={"slug": hedgehogs["project"].slug, "export_id": export.pk},
    )
    assert download.encode() in page.content
    rows = _download_rows(client.get(download))
    assert rows[0]["where-latitude"] == TRUE_LATITUDE
    assert rows[0]["coordinates_obscured"] == "false"


def test_a_team_file_is_for_the_person_who_asked_only(hedgehogs: dict[str, Any]) -> None:
    _prepare(_client(hedgehogs["researcher"]), hedgehogs["project"], "team")
    export = DataExport.objects.get()
    download = reverse(
        "project_data_export_download",
        kwargs={"slug": hedgehogs["project"].slug, "export_id": export.pk},
    )
    other_researcher = UserFactory()
    MembershipFactory(
        project=hedgehogs["project"], user=other_researcher, role=ProjectRole.RESEARCHER
    )

    for viewer in (None, hedgehogs["observer"], other_researcher):
        assert _client(viewer).get(download).status_code == 404
    assert download.encode() not in _client().get(_page(hedgehogs["project"])).content


def test_a_member_may_not_prepare_a_team_file_and_is_told_so(hedgehogs: dict[str, Any]) -> None:
    response = _prepare(_client(hedgehogs["observer"]), hedgehogs["project"], "team")

    assert response.status_code == 400
    assert not DataExport.objects.exists()


def test_a_public_file_holds_the_obscured_point_and_anyone_may_download_it(
    hedgehogs: dict[str, Any],
) -> None:
    volunteer = UserFactory()
    _prepare(_client(volunteer), hedgehogs["project"], "public", "csv")
    export = DataExport.objects.get()
    download = reverse(
        "project_data_export_download",
        kwargs={"slug": hedgehogs["project"].slug, "export_id": export.pk},
    )

    response = _client().get(download)

    rows = _download_rows(response)
    assert rows[0]["coordinates_obscured"] == "true"
    assert TRUE_LATITUDE[:7] not in str(rows)
    assert "observer" not in rows[0]
    assert response["Cache-Control"] == "private, no-store"


def test_anonymous_visitors_see_the_page_but_cannot_start_a_job(hedgehogs: dict[str, Any]) -> None:
    page = _client().get(_page(hedgehogs["project"]))

    assert page.status_code == 200
    assert b"Prepare the file" not in page.content
    assert _prepare(_client(), hedgehogs["project"], "public").status_code == 404


def test_a_private_project_data_page_is_not_found_for_outsiders() -> None:
    private = ProjectFactory()
    form_publish_xlsform(
        actor=None, project=private, file_name="h.xlsx", content=workbook_bytes(FORM)
    )

    assert _client(UserFactory()).get(_page(private)).status_code == 404
    assert _prepare(_client(UserFactory()), private, "public").status_code == 404


def test_an_expired_file_is_not_found_and_the_daily_purge_deletes_it(
    hedgehogs: dict[str, Any], settings: Any
) -> None:
    _prepare(_client(hedgehogs["researcher"]), hedgehogs["project"], "public")
    export = DataExport.objects.get()
    path = Path(settings.VAR_DIR) / export.file_name
    assert path.exists()
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    download = reverse(
        "project_data_export_download",
        kwargs={"slug": hedgehogs["project"].slug, "export_id": export.pk},
    )

    assert _client(hedgehogs["researcher"]).get(download).status_code == 404
    assert file_purges()["data_exports"](timezone.now()) == 1
    assert not path.exists()
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and export.file_name == ""


def test_asking_again_while_one_is_queued_returns_the_same_export(
    hedgehogs: dict[str, Any],
) -> None:
    researcher, project = hedgehogs["researcher"], hedgehogs["project"]
    queued = DataExport.objects.create(
        project=project,
        form=project.forms.get(),
        format="geojson",
        scope="team",
        requested_by=researcher,
    )

    again = data_export_start(
        actor=researcher, project=project, form_id="hedgehogs", format="geojson", scope="team"
    )

    assert again.pk == queued.pk
    assert DataExport.objects.count() == 1


def test_more_than_twenty_files_a_day_are_refused(hedgehogs: dict[str, Any]) -> None:
    researcher, project = hedgehogs["researcher"], hedgehogs["project"]
    form = project.forms.get()
    DataExport.objects.bulk_create(
        DataExport(
            project=project,
            form=form,
            format="csv",
            scope="public",
            requested_by=researcher,
            status="ready",
        )
        for _ in range(services.EXPORTS_PER_DAY)
    )

    with pytest.raises(TooManyRequestsError):
        data_export_start(
            actor=researcher, project=project, form_id="hedgehogs", format="csv", scope="public"
        )
    response = _prepare(_client(researcher), project, "public")
    assert response.status_code == 400
    assert b"24 hours" in response.content


def test_a_failed_export_is_marked_failed_and_leaves_no_file(
    hedgehogs: dict[str, Any], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setitem(services.WRITERS, "csv", broken)

    data_export_start(
        actor=hedgehogs["researcher"],
        project=hedgehogs["project"],
        form_id="hedgehogs",
        format="csv",
        scope="public",
    )

    export = DataExport.objects.select_related("job").get()
    assert export.status == DataExport.Status.FAILED
    assert export.job.status == "failed"
    folder = Path(settings.VAR_DIR) / "exports" / "data"
    assert not folder.exists() or not any(folder.iterdir())
