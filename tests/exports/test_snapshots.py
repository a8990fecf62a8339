"""Public snapshots: built for each form and format of a public project, swapped in only when
ready, kept until replaced, skipped when nothing changed, never made for a private project."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from cslab.core.roles import ProjectRole
from cslab.exports import writers
from cslab.exports.models import DataExport
from cslab.exports.services import data_exports_purge, export_directory
from cslab.exports.snapshots import SNAPSHOT_FORMATS, snapshot_refresh, snapshots_refresh_all
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


@pytest.fixture(autouse=True)
def _var_folder(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


def _project(*, public: bool = True) -> tuple[Any, Any]:
    project = ProjectFactory(public=public, name="Hedgehog street")
    observer = UserFactory()
    MembershipFactory(project=project, user=observer, role=ProjectRole.MEMBER)
    version = form_publish_xlsform(
        actor=None, project=project, file_name="h.xlsx", content=workbook_bytes(FORM)
    )
    _observe(version, observer, 1)
    return project, (version, observer)


def _observe(version: Any, observer: Any, number: int) -> None:
    observation_submit(
        actor=observer,
        form_version=version,
        instance_id=f"uuid:hedgehog-{number}",
        answers={"count": number, "where": "52.1 4.3 0 5"},
        geoprivacy="open",
    )


def _current(project: Any) -> list[DataExport]:
    return list(
        DataExport.objects.filter(project=project, is_snapshot=True, status="ready").order_by(
            "format"
        )
    )


def test_a_refresh_builds_every_snapshot_format_as_public_files_kept_until_replaced() -> None:
    project, _ = _project()

    snapshot_refresh(project=project)

    current = _current(project)
    assert sorted(export.format for export in current) == sorted(SNAPSHOT_FORMATS)
    for export in current:
        assert export.scope == "public" and export.requested_by is None
        assert (export_directory() / export.file_name).exists()
        assert export.expires_at > timezone.now() + timedelta(days=365)
    data_exports_purge(timezone.now() + timedelta(days=30))
    assert len(_current(project)) == len(SNAPSHOT_FORMATS)
    download = f"/projects/{project.slug}/data/{current[0].pk}/download/"
    assert Client().get(download).status_code == 200


def test_a_new_snapshot_replaces_the_old_one_and_deletes_its_file(
    django_capture_on_commit_callbacks: Any,
) -> None:
    project, (version, observer) = _project()
    snapshot_refresh(project=project)
    old = DataExport.objects.get(project=project, format="csv", is_snapshot=True)
    old_file = export_directory() / old.file_name
    _observe(version, observer, 2)

    with django_capture_on_commit_callbacks(execute=True):
        snapshot_refresh(project=project)

    old.refresh_from_db()
    assert old.status == DataExport.Status.EXPIRED and not old_file.exists()
    (new,) = [export for export in _current(project) if export.format == "csv"]
    assert new.pk != old.pk and (export_directory() / new.file_name).exists()
    assert new.rows["hedgehogs"] == 2


def test_a_failing_writer_keeps_the_old_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    project, (version, observer) = _project()
    snapshot_refresh(project=project)
    old = DataExport.objects.get(project=project, format="csv", is_snapshot=True)
    _observe(version, observer, 2)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setitem(writers.WRITERS, "csv", broken)
    snapshot_refresh(project=project)

    old.refresh_from_db()
    assert old.status == DataExport.Status.READY and old.is_snapshot
    assert (export_directory() / old.file_name).exists()
    assert [e.pk for e in _current(project) if e.format == "csv"] == [old.pk]


def test_unchanged_projects_are_skipped_and_changed_ones_rebuilt() -> None:
    project, (version, observer) = _project()
    snapshots_refresh_all()
    first = {export.pk for export in _current(project)}

    snapshots_refresh_all()
    assert {export.pk for export in _current(project)} == first

    _observe(version, observer, 2)
    call_command("export_snapshots")
    assert not first & {export.pk for export in _current(project)}


def test_a_private_project_gets_no_snapshot() -> None:
    project, _ = _project(public=False)

    snapshot_refresh(project=project)
    snapshots_refresh_all()

    assert not DataExport.objects.filter(project=project).exists()


def test_the_database_refuses_a_second_current_snapshot() -> None:
    project, _ = _project()
    snapshot_refresh(project=project)
    current = DataExport.objects.get(project=project, format="csv", is_snapshot=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        DataExport.objects.create(
            project=project,
            form=current.form,
            format="csv",
            scope="public",
            status="ready",
            is_snapshot=True,
        )


def test_the_dataset_page_links_the_snapshots() -> None:
    project, _ = _project()
    snapshot_refresh(project=project)

    html = Client().get(f"/projects/{project.slug}/dataset/").content.decode()

    for export in _current(project):
        assert f"/projects/{project.slug}/data/{export.pk}/download/" in html


def test_the_data_page_shows_a_snapshot_as_refreshed_on_schedule_not_with_an_expiry() -> None:
    project, _ = _project()
    snapshot_refresh(project=project)

    html = Client().get(f"/projects/{project.slug}/data/").content.decode()

    assert html.count("Latest snapshot, refreshed every night") == len(SNAPSHOT_FORMATS)
    assert str(_current(project)[0].expires_at.year) not in html


def test_the_export_list_of_the_api_shows_a_snapshot_with_its_row_counts_only() -> None:
    """A snapshot keeps what it was built from beside its row counts; the API lists counts."""
    project, _ = _project()
    snapshot_refresh(project=project)

    response = Client().get(f"/api/v1/projects/{project.slug}/data-exports")

    assert response.status_code == 200, response.content
    listed = [export for export in response.json() if export["scope"] == "public"]
    assert len(listed) == len(SNAPSHOT_FORMATS)
    for export in listed:
        assert export["rows"]
        assert all(isinstance(count, int) for count in export["rows"].values())
        assert not any(table.startswith("_") for table in export["rows"])
