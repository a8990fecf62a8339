"""Round trip (issue 16, item 8): a project's Darwin Core Archive imported into a new project
with a form from the same XLSForm exports again as the same records.

Runs through the import engine's services only (upload, mapping, dry run, import).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.core.roles import ProjectRole
from cslab.exports import imports
from cslab.exports.darwin_core_import import read_occurrence_table, suggested_mapping
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from tests.exports.test_darwin_core import BIRD_FORM, FIRST_ID, SECOND_ID, _archive
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

# Terms of the dataset rather than of a record: they belong to the project that exports.
DATASET_TERMS = frozenset({"license", "datasetName", "institutionCode", "rightsHolder"})


def _occurrences(path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The core's headers and its records by occurrenceID, without the dataset's terms."""
    table = read_occurrence_table(path)
    records = {}
    for row in table.rows():
        record = dict(zip(table.headers, row, strict=True))
        records[record["occurrenceID"]] = {
            term: value for term, value in record.items() if term not in DATASET_TERMS
        }
    return table.headers, records


def test_an_archive_imported_into_a_new_project_exports_again_as_the_same_records(
    tmp_path: Path,
    birds: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _archive(tmp_path / "a", birds["project"], "garden_birds", actor=None, public=True)
    project = ProjectFactory(public=True, name="Garden birds again", data_licence="CC0-1.0")
    importer = UserFactory()
    MembershipFactory(project=project, user=importer, role=ProjectRole.RESEARCHER)
    version = form_publish_xlsform(
        actor=None, project=project, file_name="birds.xlsx", content=workbook_bytes(BIRD_FORM)
    )
    upload = SimpleUploadedFile("garden-birds.zip", first.read_bytes(), "application/zip")

    data_import = imports.data_import_upload(
        actor=importer,
        project=project,
        form=version.form,
        uploaded_file=upload,
        source_format="dwca",
    )
    mapping = suggested_mapping(version, read_occurrence_table(first).headers)
    id_column = mapping.pop("_id_column")
    data_import = imports.data_import_set_mapping(
        actor=importer, data_import=data_import, mapping=mapping, id_column=id_column, units={}
    )
    with django_capture_on_commit_callbacks(execute=True):
        imports.data_import_check(actor=importer, data_import=data_import)
    data_import.refresh_from_db()
    assert (data_import.rows_total, data_import.rows_invalid) == (2, 0), data_import.report
    with django_capture_on_commit_callbacks(execute=True):
        imports.data_import_run(actor=importer, data_import=data_import, policy="all_or_nothing")
    data_import.refresh_from_db()
    assert data_import.rows_created == 2, data_import.report

    second = _archive(tmp_path / "b", project, "garden_birds", actor=None, public=True)

    headers_before, before = _occurrences(first)
    headers_after, after = _occurrences(second)
    assert headers_after == headers_before
    # The occurrenceID `urn:uuid:…` must come back as the instance ID `uuid:…` (the inverse of
    # `darwin_core.occurrence_id`), so the second export writes the same occurrenceID.
    assert set(after) == {f"urn:{FIRST_ID}", f"urn:{SECOND_ID}"}
    assert after == before
    # The records are those of the birds project, not empty cells that compare equal.
    assert after[f"urn:{FIRST_ID}"]["scientificName"] == "Turdus merula"
    assert after[f"urn:{FIRST_ID}"]["decimalLatitude"] == "52.1601"
    assert after[f"urn:{FIRST_ID}"]["coordinateUncertaintyInMeters"] == "5"
    assert after[f"urn:{SECOND_ID}"]["eventDate"] == "2025-05-09T18:05:00+00:00"
