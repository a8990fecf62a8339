"""A project's dataset page: what the public data holds, its DataCite record and its schema.org
`Dataset` JSON-LD; figures from public points only, and 404 for a project one may not see."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cslab.core.roles import ProjectRole
from cslab.exports.dataset import dataset_description, dataset_get_for_project
from cslab.exports.models import DataExport
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.observations.services.observations import observation_submit
from tests.collection.test_canary import _canary_leaks, _plant
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SCHEMA = "http://schema.org/"
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


def _project_with_observations(*, public: bool = True, description: str = "") -> Any:
    project = ProjectFactory(public=public, name="Hedgehog street", description=description)
    observer = UserFactory()
    MembershipFactory(project=project, user=observer, role=ProjectRole.MEMBER)
    version = form_publish_xlsform(
        actor=None, project=project, file_name="h.xlsx", content=workbook_bytes(FORM)
    )
    for number, (latitude, longitude, day) in enumerate([(52.1, 4.3, 3), (52.4, 4.9, 20)], start=1):
        observation_submit(
            actor=observer,
            form_version=version,
            instance_id=f"uuid:hedgehog-{number}",
            answers={"count": number, "where": f"{latitude} {longitude} 0 5"},
            observed_at=datetime(2026, 5, day, 12, tzinfo=UTC),
            geoprivacy="open",
        )
    return project


def _dataset_url(project: Any) -> str:
    return reverse("project_dataset", kwargs={"slug": project.slug})


def _datacite_url(project: Any) -> str:
    return reverse("project_dataset_datacite", kwargs={"slug": project.slug})


def test_the_dataset_page_shows_forms_counts_coverage_and_citation() -> None:
    project = _project_with_observations()

    response = Client().get(_dataset_url(project))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Hedgehogs" in html and "Hedgehog street" in html
    assert "52.1, 4.3, 52.4, 4.9" in html
    assert reverse("project_data_exports", kwargs={"slug": project.slug}) in html
    assert _datacite_url(project) in html


def test_the_data_page_and_the_project_page_link_the_dataset_page() -> None:
    project = _project_with_observations()
    client = Client()

    data_page = client.get(reverse("project_data_exports", kwargs={"slug": project.slug}))
    project_page = client.get(project.get_absolute_url())

    assert _dataset_url(project).encode() in data_page.content
    assert _dataset_url(project).encode() in project_page.content


@pytest.mark.parametrize("url", [_dataset_url, _datacite_url])
def test_a_private_project_s_dataset_is_not_found_by_outsiders(url: Any) -> None:
    project = _project_with_observations(public=False)
    outsider = Client()
    outsider.force_login(UserFactory())

    assert Client().get(url(project)).status_code == 404
    assert outsider.get(url(project)).status_code == 404


def test_a_team_member_sees_a_private_project_s_dataset_page() -> None:
    project = _project_with_observations(public=False)
    member = Client()
    member.force_login(project.initiator)

    assert member.get(_dataset_url(project)).status_code == 200


def test_the_datacite_record_has_the_schema_s_fields() -> None:
    project = _project_with_observations()

    record = Client().get(_datacite_url(project)).json()

    assert record["types"]["resourceTypeGeneral"] == "Dataset"
    assert record["titles"][0]["title"].startswith("Hedgehog street")
    assert record["creators"][0]["name"]
    assert record["rightsList"][0]["rightsIdentifier"] == "CC-BY-4.0"
    assert record["rightsList"][0]["rightsUri"].startswith("https://creativecommons.org/")
    assert record["dates"] == [{"date": "2026-05-03/2026-05-20", "dateType": "Collected"}]
    assert record["geoLocations"][0]["geoLocationBox"] == {
        "southBoundLatitude": 52.1,
        "westBoundLongitude": 4.3,
        "northBoundLatitude": 52.4,
        "eastBoundLongitude": 4.9,
    }
    assert record["identifiers"][0]["identifier"].endswith(_dataset_url(project))
    for field in ("publisher", "publicationYear", "subjects", "language", "descriptions"):
        assert field in record
    assert "formats" in record and "version" in record


def test_the_formats_are_the_newest_ready_public_file_of_each_form_and_format() -> None:
    project = _project_with_observations()
    form = project.forms.get()
    common = {"project": project, "form": form, "format": "csv", "status": "ready"}
    later = datetime(2099, 1, 1, tzinfo=UTC)
    older = DataExport.objects.create(
        scope="public", file_name="a.csv.zip", expires_at=later, **common
    )
    newer = DataExport.objects.create(
        scope="public", file_name="b.csv.zip", expires_at=later, **common
    )
    team = DataExport.objects.create(
        scope="team", file_name="c.csv.zip", expires_at=later, **common
    )

    dataset = dataset_get_for_project(user=project.initiator, project=project)

    assert [file.export_id for file in dataset.files] == [newer.pk]
    html = Client().get(_dataset_url(project)).content.decode()
    download = "/projects/{}/data/{}/download/"
    assert download.format(project.slug, newer.pk) in html
    assert download.format(project.slug, older.pk) not in html
    assert download.format(project.slug, team.pk) not in html


def test_the_page_carries_a_schema_org_dataset_that_expands() -> None:
    import extruct
    from pyld import jsonld

    project = _project_with_observations(description="Hedgehogs </script> & <b>gardens</b>.")
    DataExport.objects.create(
        project=project,
        form=project.forms.get(),
        format="dwca",
        status="ready",
        scope="public",
        file_name="d.dwca.zip",
        expires_at=datetime(2099, 1, 1, tzinfo=UTC),
    )
    html = Client().get(_dataset_url(project)).content.decode()

    items = extruct.extract(
        html, base_url="http://testserver/", syntaxes=["json-ld"], uniform=True
    )["json-ld"]
    assert len(items) == 1
    item = items[0]

    def offline_loader(url: str, options: Any = None) -> dict[str, Any]:
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": {"@context": {"@vocab": SCHEMA}},
        }

    previous = jsonld.get_document_loader()
    jsonld.set_document_loader(offline_loader)
    try:
        (node,) = jsonld.expand(item)
    finally:
        jsonld.set_document_loader(previous)
    assert node["@type"] == [f"{SCHEMA}Dataset"]
    for name in (
        "name",
        "description",
        "license",
        "creator",
        "temporalCoverage",
        "spatialCoverage",
        "distribution",
        "url",
        "isAccessibleForFree",
        "includedInDataCatalog",
    ):
        assert f"{SCHEMA}{name}" in node, name
    description = node[f"{SCHEMA}description"][0]["@value"]
    assert description.startswith("Hedgehogs </script> & <b>gardens</b>.")
    assert 50 <= len(description) <= 5000
    assert node[f"{SCHEMA}temporalCoverage"] == [{"@value": "2026-05-03/2026-05-20"}]
    shape = node[f"{SCHEMA}spatialCoverage"][0][f"{SCHEMA}geo"][0]
    assert shape[f"{SCHEMA}box"] == [{"@value": "52.1 4.3 52.4 4.9"}]
    (download,) = node[f"{SCHEMA}distribution"]
    assert download["@type"] == [f"{SCHEMA}DataDownload"]
    assert download[f"{SCHEMA}encodingFormat"] == [{"@value": "application/zip"}]
    assert f"{SCHEMA}contentUrl" in download
    assert "</script> &" not in html.split('application/ld+json">')[1].split("</script>")[0]


def test_a_long_description_is_cut_to_five_thousand_characters() -> None:
    project = _project_with_observations(description="word " * 2000)

    dataset = dataset_get_for_project(user=project.initiator, project=project)

    assert 50 <= len(dataset_description(dataset)) <= 5000


def test_coverage_comes_from_public_points_and_the_true_point_never_appears() -> None:
    world = _plant()
    project = world["project"]
    researcher = UserFactory()
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)
    viewers = [Client(), Client()]
    viewers[1].force_login(researcher)

    for client in viewers:
        for url in (_dataset_url(project), _datacite_url(project)):
            response = client.get(url)
            assert response.status_code == 200
            text = response.content.decode()
            assert _canary_leaks(text, world["observations"]) == [], url
