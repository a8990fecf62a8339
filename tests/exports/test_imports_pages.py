"""The pages of imports, followed by their links: the data page → upload → mapping → dry
run's report → import → result."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cslab.core.roles import ProjectRole
from cslab.exports.models import DataImport
from cslab.observations.models import Observation
from tests.exports.test_imports import BAD, ringing  # noqa: F401
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_folder(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _hrefs(response: Any) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', response.content.decode()))


def test_an_import_is_reached_by_links_and_runs_from_upload_to_result(
    ringing: dict[str, Any],  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    project = ringing["project"]
    client = _client(ringing["researcher"])
    data_page = client.get(reverse("project_data_exports", kwargs={"slug": project.slug}))
    imports_url = reverse("project_data_imports", kwargs={"slug": project.slug})
    assert imports_url in _hrefs(data_page)

    assert client.get(imports_url).status_code == 200
    response = client.post(
        imports_url,
        {
            "form_id": "ringing",
            "source_format": "csv",
            "file": SimpleUploadedFile("birds.csv", BAD.encode()),
        },
    )
    data_import = DataImport.objects.get()
    mapping_url = reverse(
        "project_data_import_mapping", kwargs={"slug": project.slug, "import_id": data_import.pk}
    )
    assert response.status_code == 302 and response["Location"] == mapping_url

    page = client.get(mapping_url)
    assert page.status_code == 200
    assert b"sparrow" in page.content  # the preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            mapping_url,
            {
                "species": "Species",
                "count": "count",
                "wing": "Wing length",
                "unit__wing": "cm",
                "behaviour": "behaviour",
                "day": "day",
                "where__latitude": "lat",
                "where__longitude": "lon",
                "id_column": "id",
            },
        )
    data_import.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", kwargs={"job_id": data_import.job_id})
    assert data_import.mapping["where"] == "lat lon"
    job_page = client.get(response["Location"])
    report_url = reverse(
        "project_data_import", kwargs={"slug": project.slug, "import_id": data_import.pk}
    )
    assert report_url in _hrefs(job_page)

    report = client.get(report_url)
    assert report.status_code == 200
    assert b"Import the 2 valid rows" in report.content
    assert b"Give a whole number." in report.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "project_data_import_run",
                kwargs={"slug": project.slug, "import_id": data_import.pk},
            ),
            {"policy": "valid_rows"},
        )
    assert response.status_code == 302
    assert Observation.objects.count() == 2
    result = client.get(report_url)
    assert b"What was imported" in result.content
    assert report_url in _hrefs(client.get(imports_url))


def test_a_file_the_reader_refuses_is_shown_on_the_upload_form(
    ringing: dict[str, Any],  # noqa: F811
) -> None:
    client = _client(ringing["researcher"])
    response = client.post(
        reverse("project_data_imports", kwargs={"slug": ringing["project"].slug}),
        {
            "form_id": "ringing",
            "source_format": "csv",
            "file": SimpleUploadedFile("birds.csv", b"a,a\n1,2\n"),
        },
    )

    assert response.status_code == 400
    assert "Two columns are named “a”" in response.content.decode()
    assert DataImport.objects.count() == 0


def test_a_volunteer_sees_no_import_link_and_is_refused_the_page(
    ringing: dict[str, Any],  # noqa: F811
) -> None:
    volunteer = UserFactory()
    MembershipFactory(project=ringing["project"], user=volunteer, role=ProjectRole.MEMBER)
    client = _client(volunteer)
    slug = ringing["project"].slug

    data_page = client.get(reverse("project_data_exports", kwargs={"slug": slug}))
    response = client.get(reverse("project_data_imports", kwargs={"slug": slug}))

    assert reverse("project_data_imports", kwargs={"slug": slug}) not in _hrefs(data_page)
    assert response.status_code == 403
