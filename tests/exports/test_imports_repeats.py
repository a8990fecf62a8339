"""Importing cslab's CSV export as it is written, a zip of the main table and a table per repeat
(issue 16 items 5 and 8): the repetitions come back with their observations."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cslab.core.errors import InvalidInputError
from cslab.core.roles import ProjectRole
from cslab.exports.imports import data_import_check, data_import_run, data_import_upload
from cslab.exports.models import DataImport
from cslab.exports.services import export_write
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.observations.models import Observation
from tests.exports.test_darwin_core import BIRD_FORM, FIRST_ID
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

# What belongs to the project a record is in, not to the record.
PROJECT_COLUMNS = {"submitted_at", "observer", "status"}
MAIN = "garden_birds.csv"
SIGHTINGS = "garden_birds-sighting.csv"
# The bird form with a number inside its repeat, to have something to get wrong there.
COUNTED_FORM = {
    **BIRD_FORM,
    "survey": [
        *BIRD_FORM["survey"][:-1],
        {"type": "integer", "name": "number", "label": "How many", "constraint": ". <= 10"},
        BIRD_FORM["survey"][-1],
    ],
}


@pytest.fixture(autouse=True)
def _var_folder(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


def _target(form: dict[str, Any] = BIRD_FORM) -> tuple[Any, Any]:
    """A new project with a form from the same XLSForm, and a researcher of it."""
    project = ProjectFactory(public=True, name="Garden birds again", data_licence="CC-BY-4.0")
    researcher = UserFactory()
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)
    form_publish_xlsform(
        actor=None, project=project, file_name="birds.xlsx", content=workbook_bytes(form)
    )
    return project, researcher


def _export(project: Any, researcher: Any, destination: Path) -> bytes:
    export_write(
        actor=researcher,
        project=project,
        form_id="garden_birds",
        format="csv",
        destination=destination,
    )
    return destination.read_bytes()


def _tables(content: bytes) -> dict[str, list[dict[str, str]]]:
    """Each CSV of an export's zip as its rows (sorted), without the project's own columns."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if not name.endswith(".csv"):
                continue
            rows = csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            found[name] = sorted(
                (
                    {key: value for key, value in row.items() if key not in PROJECT_COLUMNS}
                    for row in rows
                ),
                key=lambda row: row["key"],
            )
    return found


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _upload_and_check(project: Any, researcher: Any, content: bytes, capture: Any) -> DataImport:
    data_import = data_import_upload(
        actor=researcher,
        project=project,
        form=project.forms.get(),
        uploaded_file=SimpleUploadedFile("garden_birds.zip", content),
        source_format="csv",
    )
    with capture(execute=True):
        data_import_check(actor=researcher, data_import=data_import)
    data_import.refresh_from_db()
    return data_import


def _run(data_import: DataImport, researcher: Any, capture: Any) -> DataImport:
    with capture(execute=True):
        data_import_run(actor=researcher, data_import=data_import, policy="all_or_nothing")
    data_import.refresh_from_db()
    return data_import


def test_a_csv_export_with_a_repeat_imported_into_a_new_project_exports_the_same_records(
    birds: dict[str, Any], tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    first = _export(birds["project"], birds["researcher"], tmp_path / "first.zip")
    target, importer = _target()

    data_import = _upload_and_check(target, importer, first, django_capture_on_commit_callbacks)
    assert data_import.report["counts"]["valid"] == 2, data_import.report
    data_import = _run(data_import, importer, django_capture_on_commit_callbacks)
    assert data_import.status == DataImport.Status.DONE
    assert data_import.report["counts"]["created"] == 2, data_import.report

    stored = Observation.objects.get(form__project=target, instance_id=FIRST_ID)
    assert stored.answers["sighting"] == [{"behaviour": "singing"}, {"behaviour": "feeding"}]
    second = _tables(_export(target, importer, tmp_path / "second.zip"))
    assert second == _tables(first)
    assert len(second[SIGHTINGS]) == 2 and len(second[MAIN]) == 2


def test_importing_the_same_zip_again_stores_nothing_new(
    birds: dict[str, Any], tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    content = _export(birds["project"], birds["researcher"], tmp_path / "first.zip")
    target, importer = _target()
    _run(
        _upload_and_check(target, importer, content, django_capture_on_commit_callbacks),
        importer,
        django_capture_on_commit_callbacks,
    )

    again = _upload_and_check(target, importer, content, django_capture_on_commit_callbacks)

    assert again.report["counts"]["duplicate"] == 2, again.report
    again = _run(again, importer, django_capture_on_commit_callbacks)
    assert again.report["counts"]["created"] == 0
    assert Observation.objects.filter(form__project=target).count() == 2


def test_a_bad_repeat_row_is_reported_with_its_table_and_row_number(
    django_capture_on_commit_callbacks: Any,
) -> None:
    target, importer = _target(COUNTED_FORM)
    content = _zip(
        {
            MAIN: "key,species,count\nuuid:a,turdus_merula,2\nuuid:b,erithacus_rubecula,1\n",
            SIGHTINGS: (
                "key,parent_key,behaviour,number\n"
                "uuid:a/sighting[1],uuid:a,singing,2\n"
                "uuid:b/sighting[1],uuid:b,feeding,3\n"
                "uuid:b/sighting[2],uuid:b,feeding,many\n"
                "uuid:c/sighting[1],uuid:c,feeding,1\n"  # its parent is not in the file
            ),
        }
    )

    data_import = _upload_and_check(target, importer, content, django_capture_on_commit_callbacks)

    counts = data_import.report["counts"]
    assert (counts["valid"], counts["invalid"]) == (1, 1), data_import.report
    [error] = data_import.report["errors"]
    assert (error["table"], error["row"], error["column"], error["question"]) == (
        SIGHTINGS,
        4,
        "number",
        "number",
    )
    [warning] = data_import.report["warnings"]
    assert warning["table"] == SIGHTINGS and "1 rows belong to no row" in warning["message"]
    client = Client()
    client.force_login(importer)
    page = client.get(
        reverse("project_data_import", kwargs={"slug": target.slug, "import_id": data_import.pk})
    )
    assert f"{SIGHTINGS}, row 4" in page.content.decode()


def test_a_repeat_table_of_no_repeat_of_the_form_is_refused() -> None:
    target, importer = _target()
    content = _zip(
        {MAIN: "key,species\nuuid:a,turdus_merula\n", "garden_birds-nests.csv": "key,parent_key\n"}
    )

    with pytest.raises(InvalidInputError, match=r"garden_birds-nests\.csv"):
        data_import_upload(
            actor=importer,
            project=target,
            form=target.forms.get(),
            uploaded_file=SimpleUploadedFile("garden_birds.zip", content),
            source_format="csv",
        )


def test_a_zip_with_a_name_pointing_outside_it_is_refused_on_the_upload_page() -> None:
    target, importer = _target()
    client = Client()
    client.force_login(importer)
    content = _zip({MAIN: "key,species\nuuid:a,turdus_merula\n", "../evil.csv": "key\n"})

    response = client.post(
        reverse("project_data_imports", kwargs={"slug": target.slug}),
        {
            "form_id": "garden_birds",
            "source_format": "csv",
            "file": SimpleUploadedFile("garden_birds.zip", content),
        },
    )

    assert response.status_code == 400
    assert "points outside the archive" in response.content.decode()
    assert not DataImport.objects.exists()


def test_the_mapping_page_shows_where_the_repetitions_are_taken_from(
    birds: dict[str, Any], tmp_path: Path
) -> None:
    content = _export(birds["project"], birds["researcher"], tmp_path / "first.zip")
    target, importer = _target()
    data_import = data_import_upload(
        actor=importer,
        project=target,
        form=target.forms.get(),
        uploaded_file=SimpleUploadedFile("garden_birds.zip", content),
        source_format="csv",
    )
    client = Client()
    client.force_login(importer)

    page = client.get(
        reverse(
            "project_data_import_mapping",
            kwargs={"slug": target.slug, "import_id": data_import.pk},
        )
    )

    assert page.status_code == 200
    text = page.content.decode()
    assert SIGHTINGS in text and "behaviour" in text


NESTED_FORM = {
    "survey": [
        {"type": "text", "name": "site", "label": "Site"},
        {"type": "begin_repeat", "name": "visit", "label": "Visits"},
        {"type": "date", "name": "day", "label": "Day"},
        {"type": "begin_repeat", "name": "bird", "label": "Birds"},
        {"type": "integer", "name": "ring", "label": "Ring"},
        {"type": "end_repeat", "name": "bird"},
        {"type": "end_repeat", "name": "visit"},
    ],
    "settings": [{"form_id": "nests", "form_title": "Nests", "version": "1"}],
}


def test_a_repeat_inside_a_repeat_is_read_from_its_own_table_by_its_parents_key(
    django_capture_on_commit_callbacks: Any,
) -> None:
    target, importer = _target(NESTED_FORM)
    content = _zip(
        {
            "README.txt": "An export.",
            "nests.csv": "key,site\nuuid:n1,oak\n",
            "nests-visit.csv": (
                "key,parent_key,day\n"
                "uuid:n1/visit[1],uuid:n1,2025-05-01\n"
                "uuid:n1/visit[2],uuid:n1,2025-05-08\n"
            ),
            "nests-visit-bird.csv": (
                "key,parent_key,ring\n"
                "uuid:n1/visit[2]/bird[1],uuid:n1/visit[2],17\n"
                "uuid:n1/visit[2]/bird[2],uuid:n1/visit[2],18\n"
            ),
        }
    )
    data_import = data_import_upload(
        actor=importer,
        project=target,
        form=target.forms.get(),
        uploaded_file=SimpleUploadedFile("nests.zip", content),
        source_format="csv",
    )
    with django_capture_on_commit_callbacks(execute=True):
        data_import_check(actor=importer, data_import=data_import)
    data_import.refresh_from_db()
    assert data_import.report["counts"]["valid"] == 1, data_import.report

    _run(data_import, importer, django_capture_on_commit_callbacks)

    stored = Observation.objects.get(form__project=target, instance_id="uuid:n1")
    assert stored.answers["visit"] == [
        {"day": "2025-05-01"},
        {"day": "2025-05-08", "bird": [{"ring": 17}, {"ring": 18}]},
    ]
