"""CSV round trip (issue 16 item 8): export a form's observations as CSV, import the file into
a new project with a form from the same XLSForm, export again: the same records."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.core.roles import ProjectRole
from cslab.exports.imports import data_import_check, data_import_run, data_import_upload
from cslab.exports.models import DataImport
from cslab.exports.services import export_write
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.observations.services.observations import observation_submit
from tests.exports.test_imports import FORM
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

# What belongs to the project a record is in, not to the record.
PROJECT_COLUMNS = {"submitted_at", "observer", "status"}


@pytest.fixture(autouse=True)
def _var_folder(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


def _project_with_form() -> tuple[Any, Any, Any]:
    project = ProjectFactory(public=True)
    researcher = UserFactory()
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)
    version = form_publish_xlsform(
        actor=None, project=project, file_name="r.xlsx", content=workbook_bytes(FORM)
    )
    return project, researcher, version


def _export(project: Any, researcher: Any, destination: Path) -> bytes:
    export_write(
        actor=researcher, project=project, form_id="ringing", format="csv", destination=destination
    )
    with zipfile.ZipFile(destination) as archive:
        return archive.read("ringing.csv")


def _records(content: bytes) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    return {
        row["key"]: {name: value for name, value in row.items() if name not in PROJECT_COLUMNS}
        for row in rows
    }


def test_a_csv_export_imported_into_a_new_project_exports_the_same_records(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    source, observer, version = _project_with_form()
    observation_submit(
        actor=observer,
        form_version=version,
        instance_id="uuid:1f0c5a3e-0000-4000-8000-000000000001",
        answers={
            "species": "turdus_merula",
            "count": 3,
            "wing": "12.5",
            "behaviour": "singing feeding",
            "day": "2025-04-02",
            "where": "52.1601 4.497 2.0 5.0",
        },
        observed_at=datetime(2025, 4, 2, 7, 30, tzinfo=UTC),
    )
    observation_submit(
        actor=observer,
        form_version=version,
        instance_id="uuid:1f0c5a3e-0000-4000-8000-000000000002",
        answers={"species": "erithacus_rubecula", "behaviour": "feeding"},
        observed_at=datetime(2025, 5, 9, 18, 5, tzinfo=UTC),
    )
    first = _export(source, observer, tmp_path / "first.zip")

    target, importer, _version = _project_with_form()
    data_import = data_import_upload(
        actor=importer,
        project=target,
        form=target.forms.get(),
        uploaded_file=SimpleUploadedFile("ringing.csv", first),
        source_format="csv",
    )
    with django_capture_on_commit_callbacks(execute=True):
        data_import_check(actor=importer, data_import=data_import)
    data_import.refresh_from_db()
    assert data_import.report["counts"]["valid"] == 2, data_import.report
    with django_capture_on_commit_callbacks(execute=True):
        data_import_run(actor=importer, data_import=data_import, policy="all_or_nothing")
    data_import.refresh_from_db()
    assert data_import.status == DataImport.Status.DONE
    assert data_import.report["counts"]["created"] == 2

    second = _export(target, importer, tmp_path / "second.zip")

    assert _records(second) == _records(first)
    assert len(_records(first)) == 2
