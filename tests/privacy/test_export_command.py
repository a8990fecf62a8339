"""`cslab user export EMAIL --out PATH`: the same zip as the person's own export."""

import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cslab.core.models import AuditEvent
from cslab.privacy.models import PersonalDataExport
from cslab.privacy.selectors.export import export_directory
from tests.privacy.export_helpers import PERSON_EMAIL, seed_two_people

pytestmark = pytest.mark.django_db


def test_the_command_writes_the_same_files_as_the_export_job(
    client: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    seeded = seed_two_people()
    client.force_login(seeded.person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/me/data/")
    export = PersonalDataExport.objects.get(user=seeded.person)
    out = tmp_path / "request-by-post.zip"

    call_command("user", "export", PERSON_EMAIL.upper(), "--out", str(out))

    with (
        zipfile.ZipFile(out) as by_command,
        zipfile.ZipFile(export_directory() / export.file_path) as by_job,
    ):
        assert by_command.namelist() == by_job.namelist()
        photo = next(name for name in by_job.namelist() if name.startswith("media/"))
        assert by_command.read(photo) == by_job.read(photo) == seeded.photo
    assert AuditEvent.objects.filter(action="privacy.personal_data_export.written").exists()


def test_the_command_refuses_an_unknown_address(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no account"):
        call_command("user", "export", "nobody@example.org", "--out", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()
