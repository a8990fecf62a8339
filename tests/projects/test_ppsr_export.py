"""Exporting projects as PPSR Core: every record validates against the PPSR Core JSON Schema.

The schema (and the 512-project inventory) are read from ../shared/data/ppsr-core, beside the
project folder; they are not copied into the project (GPL-3.0). The schema file is
Windows-1252, not UTF-8 (see its PROVENANCE.md).
"""

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from ninja.testing import TestClient

from cslab.core.errors import NotFoundError
from cslab.core.roles import ProjectRole
from cslab.ppsr import records as ppsr
from cslab.ppsr.api import router
from cslab.ppsr.selectors import ppsr_record_get_for_viewing, ppsr_record_list_listed
from cslab.ppsr.services import ppsr_catalogue_import
from cslab.projects.models import Project, ProjectTag
from cslab.projects.vocabulary import TagKind
from tests.conftest import skip_or_fail
from tests.projects.factories import MembershipFactory, OrganisationFactory, ProjectFactory

PPSR_CORE = Path(__file__).resolve().parents[3] / "shared" / "data" / "ppsr-core"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    path = PPSR_CORE / "PPSR_JSONSchema.json"
    if not path.is_file():
        skip_or_fail(f"the PPSR Core JSON Schema is not at {path}")
    document: dict[str, Any] = json.loads(path.read_bytes().decode("cp1252"))
    return document


def errors_of(schema: dict[str, Any], records: list[dict[str, Any]]) -> list[str]:
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [
        f"{list(error.absolute_path)}: {error.message}"
        for error in validator.iter_errors({"Project": records})
    ]


def tag(project: Project, kind: str, *values: str) -> None:
    ProjectTag.objects.bulk_create(
        [ProjectTag(project=project, kind=kind, value=v) for v in values]
    )


@pytest.fixture
def rich_project(db: Any) -> Project:
    square = {"type": "Polygon", "coordinates": [[[4, 52], [5, 52], [5, 53], [4, 53], [4, 52]]]}
    project = ProjectFactory(
        public=True,
        name="Herons of Leiden",
        slug="herons",
        aim="Map where herons nest.",
        description="Volunteers report heron nests. We map them every spring.",
        start_date=date(2024, 3, 1),
        end_date=date(2025, 2, 28),
        difficulty="medium",
        website="https://herons.example.org/",
        contact_name="Ann Example",
        contact_email="ann@example.org",
        locality="Leiden",
        organisation=OrganisationFactory(name="Leiden Bird Club"),
        geographic_extent=square,
        extent_west=4,
        extent_south=52,
        extent_east=5,
        extent_north=53,
        centre_latitude=52.5,
        centre_longitude=4.5,
        image="projects/heron.jpg",
        image_credit="Photo: A. Example",
    )
    tag(project, TagKind.SCIENCE_TYPE, "Biological Sciences - Zoology")
    tag(project, TagKind.DOMAIN, "biodiversity")
    tag(project, TagKind.KEYWORD, "herons", "nests")
    tag(project, TagKind.LANGUAGE, "en", "nl")
    tag(project, TagKind.COUNTRY, "NL", "BE", "GB")
    tag(project, TagKind.PPSR_TAG, "Suitable for children")
    return project


def test_the_vocabularies_match_the_schema(schema: dict[str, Any]) -> None:
    items = schema["properties"]["Project"]["items"]
    fields = items["properties"]
    assert tuple(fields["projectStatus"]["enum"]) == ppsr.STATUSES
    assert tuple(fields["projectScienceType"]["enum"]) == ppsr.SCIENCE_TYPES
    assert tuple(fields["difficultyLevel"]["enum"]) == ppsr.DIFFICULTY_LEVELS
    assert tuple(fields["hasTag"]["items"]["enum"]) == ppsr.HAS_TAGS
    assert tuple(fields["unRegions"]["items"]["enum"]) == ppsr.UN_REGIONS
    assert (
        tuple(fields["contactPoint"]["properties"]["meansOfContact"]["enum"])
        == ppsr.MEANS_OF_CONTACT
    )
    assert (
        tuple(fields["projectMedia"]["properties"]["projectMediaType"]["enum"]) == ppsr.MEDIA_TYPES
    )


@pytest.mark.django_db
def test_a_rich_project_exports_a_valid_record_with_its_fields(
    schema: dict[str, Any], rich_project: Project
) -> None:
    record = ppsr_record_get_for_viewing(user=AnonymousUser(), slug="herons")

    assert errors_of(schema, [record]) == []
    assert record["projectId"] == f"{settings.SITE_URL}/projects/herons"
    assert record["projectStatus"] == "Active"
    assert record["projectStartDate"] == "2024-03-01T00:00:00Z"
    assert record["projectEndDate"] == "2025-02-28T00:00:00Z"
    assert record["projectDuration"] == "P364D"
    assert record["projectScienceType"] == "Biological Sciences - Zoology"
    assert record["language"] == "en, nl"
    assert record["projectResponsiblePartyName"] == "Leiden Bird Club"
    assert record["projectResponsiblePartyContactEmail"] == "ann@example.org"
    assert record["contactPoint"]["meansOfContact"] == "Email"
    assert record["keyword"] == "herons, nests"
    assert record["hasTag"] == ["Suitable for children"]
    assert record["difficultyLevel"] == "Medium"
    assert record["unRegions"] == [
        "Europe - Northern Europe (154)",
        "Europe - Western Europe (155)",
    ]
    assert record["projectUrl"] == "https://herons.example.org/"
    location = record["projectGeographicLocation"]
    assert json.loads(location["projectGeographicCoverage"]) == rich_project.geographic_extent
    assert (location["projectPinLatitude"], location["projectPinLongitude"]) == (52.5, 4.5)
    # Served through the view that asks the permission module, not a public /media/ path.
    media_file = record["projectMedia"]["projectMediaFile"]
    assert media_file.startswith(f"http://127.0.0.1:8000/projects/{rich_project.slug}/image")
    assert record["projectMedia"]["projectMediaCredit"] == "Photo: A. Example"


@pytest.mark.django_db
def test_a_minimal_project_exports_a_valid_record_with_every_required_field(
    schema: dict[str, Any],
) -> None:
    ProjectFactory(public=True, slug="bare", name="Bare")

    record = ppsr_record_get_for_viewing(user=AnonymousUser(), slug="bare")

    assert errors_of(schema, [record]) == []
    required = schema["properties"]["Project"]["items"]["required"]
    assert [name for name in required if record.get(name) in (None, "")] == [
        # No contact address is made up: the site's sender is a no-reply address in tests.
        "projectResponsiblePartyContactEmail"
    ]
    assert record["projectResponsiblePartyName"] == record["contactPoint"]["contactName"] != ""
    assert record["projectDuration"] == "Unknown"
    assert "projectEndDate" not in record
    assert record["projectAim"] == "Bare"
    assert record["projectUrl"].endswith("/projects/bare/")


@pytest.mark.django_db
def test_the_512_imported_inventory_projects_export_as_a_valid_catalogue(
    schema: dict[str, Any],
) -> None:
    inventory = PPSR_CORE / "CSInventory_JSON.json"
    if not inventory.is_file():
        skip_or_fail(f"the PPSR Core inventory is not at {inventory}")
    ppsr_catalogue_import(actor=None, data=inventory.read_bytes(), origin="jrc-inventory")
    ppsr_catalogue_import(actor=None, data=inventory.read_bytes(), origin="jrc-inventory")

    records = ppsr_record_list_listed()

    assert len(records) == Project.objects.count() == 512
    assert errors_of(schema, records) == []
    assert len({record["projectId"] for record in records}) == 512


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("idea", "Not yet started"),
        ("incubating", "Not yet started"),
        ("in_review", "Not yet started"),
        ("changes_requested", "Not yet started"),
        ("active", "Active"),
        ("paused", "On hold"),
        ("analysing", "Active"),
        ("completed", "Completed"),
        ("archived", "Completed"),
    ],
)
def test_every_lifecycle_status_maps_to_a_ppsr_status(status: str, expected: str) -> None:
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    data = ppsr.ProjectData(
        project_id="x",
        page_url="https://lab.example.org/projects/x/",
        name="X",
        status=status,
        created_at=moment,
        updated_at=moment,
    )

    assert ppsr.project_record(data)["projectStatus"] == expected


@pytest.mark.parametrize(
    ("domains", "faculty", "expected"),
    [
        ((), "", ppsr.DEFAULT_SCIENCE_TYPE),
        (("water",), "", "Earth Sciences - Hydrological Sciences"),
        ((), "law", "Law And Legal Studies"),
    ],
)
def test_the_science_type_falls_back_to_domain_then_faculty(
    domains: tuple[str, ...], faculty: str, expected: str
) -> None:
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    data = ppsr.ProjectData(
        project_id="x",
        page_url="https://lab.example.org/projects/x/",
        name="X",
        status="active",
        created_at=moment,
        updated_at=moment,
        domains=domains,
        faculty=faculty,
    )

    assert ppsr.science_type_of(data) == expected


@pytest.mark.django_db
def test_an_imported_project_keeps_a_global_identifier_from_its_origin() -> None:
    ProjectFactory(
        public=True, slug="far", origin="elsewhere", external_id="https://elsewhere.example.org/p/9"
    )
    ProjectFactory(public=True, slug="near", origin="elsewhere", external_id="9")

    ids = {record["projectName"]: record["projectId"] for record in ppsr_record_list_listed()}

    assert ids[Project.objects.get(slug="far").name] == "https://elsewhere.example.org/p/9"
    assert ids[Project.objects.get(slug="near").name].endswith("/projects/near")


@pytest.mark.django_db
def test_the_catalogue_lists_only_public_approved_projects_in_two_queries(
    django_assert_max_num_queries: Any,
) -> None:
    listed = ProjectFactory(public=True)
    tag(listed, TagKind.KEYWORD, "a")
    ProjectFactory(public=True, visibility="unlisted")
    ProjectFactory(status="active", visibility="private")
    ProjectFactory(status="in_review", visibility="public")
    ProjectFactory(public=True)
    ppsr_record_list_listed()  # the site row is cached after the first use

    with django_assert_max_num_queries(2):
        records = ppsr_record_list_listed()

    assert len(records) == 2
    assert listed.name in {record["projectName"] for record in records}


# --- Pages and API ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_ppsr_json_of_a_public_project_is_a_valid_one_record_catalogue(
    client: Any, schema: dict[str, Any], rich_project: Project
) -> None:
    response = client.get("/projects/herons/ppsr.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert [record["projectName"] for record in document["Project"]] == ["Herons of Leiden"]
    assert errors_of(schema, document["Project"]) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "who", "status_code"),
    [
        ({"status": "active", "visibility": "private"}, "anonymous", 404),
        ({"status": "active", "visibility": "private"}, "volunteer", 404),
        ({"status": "active", "visibility": "private"}, "member", 200),
        ({"status": "active", "visibility": "private"}, "staff", 200),
        ({"status": "incubating", "visibility": "public"}, "anonymous", 404),
        ({"status": "incubating", "visibility": "public"}, "viewer", 200),
        ({"status": "active", "visibility": "unlisted"}, "anonymous", 200),
        ({"status": "active", "visibility": "public"}, "anonymous", 200),
    ],
)
def test_the_ppsr_json_follows_who_may_see_the_project(
    client: Any, make_user: Any, state: dict[str, str], who: str, status_code: int
) -> None:
    project = ProjectFactory(slug="p", **state)
    if who == "staff":
        client.force_login(make_user(site_role="staff"))
    elif who == "volunteer":
        client.force_login(make_user())
    elif who in ("member", "viewer"):
        person = make_user()
        MembershipFactory(project=project, user=person, role=ProjectRole(who))
        client.force_login(person)

    assert client.get("/projects/p/ppsr.json").status_code == status_code


@pytest.mark.django_db
def test_a_hidden_project_record_is_not_found_by_the_selector(volunteer: Any) -> None:
    ProjectFactory(slug="hidden", status="idea")

    with pytest.raises(NotFoundError):
        ppsr_record_get_for_viewing(user=volunteer, slug="hidden")


@pytest.mark.django_db
def test_the_api_catalogue_lists_the_public_projects_for_anyone(
    schema: dict[str, Any], rich_project: Project
) -> None:
    ProjectFactory(status="idea", visibility="public")

    response = TestClient(router).get("/ppsr/projects", user=AnonymousUser())

    assert response.status_code == 200
    records = response.json()["Project"]
    assert [record["projectName"] for record in records] == ["Herons of Leiden"]
    assert errors_of(schema, records) == []
