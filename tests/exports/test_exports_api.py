"""The exports API: one form's observations as a filtered, paged CSV, and data exports (prepare
a file as a background job, list, download) for API clients."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cslab.accounts.services.api_tokens import api_token_create
from cslab.core.roles import ProjectRole
from cslab.exports.models import DataExport
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.observations.models import Observation
from cslab.observations.services.observations import observation_submit
from cslab.projects.models import Project
from tests.collection.test_canary import _canary_leaks, _plant
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

FORM = {
    "survey": [
        {"type": "text", "name": "species", "label": "Which animal?"},
        {"type": "integer", "name": "count", "label": "How many?"},
        {"type": "geopoint", "name": "where", "label": "Where?"},
        {"type": "begin_repeat", "name": "sightings", "label": "Sightings"},
        {"type": "text", "name": "note", "label": "Note"},
        {"type": "end_repeat"},
    ],
    "settings": [{"form_id": "garden", "form_title": "Garden animals", "version": "1"}],
}
TRUE_LATITUDE = "52.3731234"
# (instance, species, count, latitude longitude, observed on, geoprivacy, status)
OBSERVATIONS = [
    ("uuid:amsterdam", "hedgehog", 2, "52.37 4.89", "2026-03-01", "open", "accepted"),
    ("uuid:rotterdam", "fox", 1, "51.92 4.47", "2026-04-01", "open", "pending"),
    ("uuid:utrecht", "hedgehog", -5, "52.09 5.12", "2026-05-01", "open", "flagged"),
    ("uuid:hidden", "hedgehog", 3, f"{TRUE_LATITUDE} 4.8923456", "2026-05-02", "obscured", ""),
    ("uuid:rejected", "badger", 4, "52.0 5.0", "2026-05-03", "open", "rejected"),
]


@pytest.fixture(autouse=True)
def _var_folder(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def jobs_run_when_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's transaction never commits, so a job handed over on commit would never run;
    here it runs at once (the task backend of the tests is immediate). Without it an export
    stays queued, which the idempotency test needs."""
    monkeypatch.setattr(
        "cslab.core.services.jobs.transaction.on_commit",
        lambda function, *args, **kwargs: function(),
    )


@pytest.fixture
def garden() -> dict[str, Any]:
    project = ProjectFactory(public=True, name="Garden watch")
    observer, researcher, member = UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(project=project, user=observer, role=ProjectRole.MEMBER)
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)
    MembershipFactory(project=project, user=member, role=ProjectRole.MEMBER)
    version = form_publish_xlsform(
        actor=None, project=project, file_name="g.xlsx", content=workbook_bytes(FORM)
    )
    for instance_id, species, count, place, day, geoprivacy, status in OBSERVATIONS:
        observation, _created = observation_submit(
            actor=observer,
            form_version=version,
            instance_id=instance_id,
            answers={
                "species": species,
                "count": count,
                "where": f"{place} 0 5",
                "sightings": [{"note": "by the shed"}],
            },
            observed_at=datetime.fromisoformat(f"{day}T12:00:00+00:00").astimezone(UTC),
            geoprivacy=geoprivacy,
        )
        if status:
            Observation.objects.filter(pk=observation.pk).update(status=status)
    return {"project": project, "observer": observer, "researcher": researcher, "member": member}


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _csv_url(project: Project, form_id: str = "garden") -> str:
    return f"/api/v1/projects/{project.slug}/forms/{form_id}/observations.csv"


def _rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _keys(response: Any) -> list[str]:
    return [row["key"] for row in _rows(response)]


# --------------------------------------------------------------------------- the CSV


def test_the_public_csv_has_the_public_observations_as_flat_rows(garden: dict[str, Any]) -> None:
    response = _client().get(_csv_url(garden["project"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert [row["key"] for row in rows] == [
        "uuid:amsterdam",
        "uuid:rotterdam",
        "uuid:utrecht",
        "uuid:hidden",
    ]
    assert rows[0]["species"] == "hedgehog" and rows[0]["status"] == "accepted"
    # Repeat groups are not in this CSV (the zip export has them).
    assert not any("note" in name or "sightings" in name for name in rows[0])
    links = _links(response)
    assert "next" not in links
    assert links["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert links["cite-as"].endswith(f"/projects/{garden['project'].slug}/dataset/")


def test_values_are_written_exactly_so_a_negative_number_stays_a_number(
    garden: dict[str, Any],
) -> None:
    rows = _rows(_client().get(_csv_url(garden["project"]), {"field.species": "hedgehog"}))

    assert [row["count"] for row in rows] == ["2", "-5", "3"]


def test_a_status_filter_narrows_the_csv(garden: dict[str, Any]) -> None:
    response = _client().get(_csv_url(garden["project"]), {"status": "accepted,flagged"})

    assert _keys(response) == ["uuid:amsterdam", "uuid:utrecht"]


def test_a_time_range_narrows_the_csv(garden: dict[str, Any]) -> None:
    response = _client().get(
        _csv_url(garden["project"]), {"from": "2026-03-15", "to": "2026-04-30"}
    )

    assert _keys(response) == ["uuid:rotterdam"]


def test_a_bbox_narrows_the_csv(garden: dict[str, Any]) -> None:
    response = _client().get(_csv_url(garden["project"]), {"bbox": "4.3,51.8,4.6,52.0"})

    assert _keys(response) == ["uuid:rotterdam"]


def test_an_answer_value_narrows_the_csv(garden: dict[str, Any]) -> None:
    response = _client().get(_csv_url(garden["project"]), {"field.species": "fox"})

    assert _keys(response) == ["uuid:rotterdam"]


def test_a_form_filter_cannot_widen_the_csv_beyond_its_form(garden: dict[str, Any]) -> None:
    response = _client().get(_csv_url(garden["project"]), {"form": "another_form"})

    assert len(_keys(response)) == 4


def test_paging_by_cursor_returns_every_row_exactly_once(garden: dict[str, Any]) -> None:
    client = _client(garden["researcher"])
    url: str | None = (
        f"{_csv_url(garden['project'])}?limit=2&status=pending,accepted,flagged,rejected"
    )
    pages: list[list[str]] = []
    while url is not None:
        response = client.get(url)
        pages.append(_keys(response))
        url = _links(response).get("next")

    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(key for page in pages for key in page) == sorted(row[0] for row in OBSERVATIONS)


def _links(response: Any) -> dict[str, str]:
    """The `Link` header's targets by relation (RFC 8288, as this API writes it)."""
    return {
        relation: target
        for target, relation in re.findall(r'<([^>]+)>; rel="([^"]+)"', response.get("Link", ""))
    }


def test_the_next_page_link_keeps_the_filters(garden: dict[str, Any]) -> None:
    response = _client().get(_csv_url(garden["project"]), {"limit": 1, "field.species": "hedgehog"})

    link = _links(response)["next"]
    assert "field.species=hedgehog" in link
    assert _keys(_client().get(link)) == ["uuid:utrecht"]


def test_the_anonymous_csv_has_obscured_points_and_no_observer_column(
    garden: dict[str, Any],
) -> None:
    response = _client().get(_csv_url(garden["project"]), {"field.count": "3"})

    rows = _rows(response)
    assert "observer" not in rows[0]
    assert rows[0]["coordinates_obscured"] == "true"
    assert TRUE_LATITUDE not in rows[0]["latitude"]
    assert TRUE_LATITUDE not in str(rows)


def test_a_team_member_without_true_locations_gets_the_public_points(
    garden: dict[str, Any],
) -> None:
    rows = _rows(_client(garden["member"]).get(_csv_url(garden["project"]), {"field.count": "3"}))

    assert "observer" not in rows[0]
    assert TRUE_LATITUDE not in str(rows)


def test_a_researchers_csv_has_true_coordinates_and_observers(garden: dict[str, Any]) -> None:
    response = _client(garden["researcher"]).get(_csv_url(garden["project"]), {"field.count": "3"})

    rows = _rows(response)
    assert rows[0]["latitude"] == TRUE_LATITUDE
    assert rows[0]["coordinates_obscured"] == "false"
    assert rows[0]["observer"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_token_reads_the_csv_as_its_person(garden: dict[str, Any]) -> None:
    _token, secret = api_token_create(
        actor=garden["researcher"], user=garden["researcher"], name="scripts"
    )

    response = Client().get(
        _csv_url(garden["project"]),
        {"field.count": "3"},
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert _rows(response)[0]["latitude"] == TRUE_LATITUDE


def test_a_private_project_answers_404_to_outsiders(garden: dict[str, Any]) -> None:
    Project.objects.filter(pk=garden["project"].pk).update(visibility=Project.Visibility.PRIVATE)

    assert _client().get(_csv_url(garden["project"])).status_code == 404
    assert _client(UserFactory()).get(_csv_url(garden["project"])).status_code == 404
    assert _client(garden["member"]).get(_csv_url(garden["project"])).status_code == 200


def test_an_unknown_form_answers_404(garden: dict[str, Any]) -> None:
    assert _client().get(_csv_url(garden["project"], "no_such_form")).status_code == 404


def test_a_limit_over_ten_thousand_answers_422(garden: dict[str, Any]) -> None:
    response = _client().get(_csv_url(garden["project"]), {"limit": 10_001})

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert _client().get(_csv_url(garden["project"]), {"limit": 10_000}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"bbox": "0,0,1"},
        {"bbox": "0,-91,1,1"},
        {"bbox": "nan,nan,nan,nan"},
        {"from": "2026-05-01", "to": "2026-04-01"},
        {"from": "yesterday"},
        {"status": "deleted"},
        {"field.species": "x" * 100_000},
        {"field.a(b)*": "x"},
        {"after": str(10**30)},
        {"after": "-1"},
        {"limit": "0"},
        {"limit": "many"},
    ],
)
def test_a_hostile_parameter_is_a_clear_4xx(garden: dict[str, Any], query: dict[str, str]) -> None:
    response = _client().get(_csv_url(garden["project"]), query)

    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_canary_never_appears_in_the_anonymous_csv() -> None:
    world = _plant()

    response = _client().get(_csv_url(world["project"], "canary_birds"))

    text = b"".join(response.streaming_content).decode("utf-8")
    assert "uuid:canary-default" in text
    assert _canary_leaks(text, world["observations"]) == []


# --------------------------------------------------------------------------- data exports


def _exports_url(project: Project) -> str:
    return f"/api/v1/projects/{project.slug}/data-exports"


def _start(client: Client, project: Project, scope: str = "public", **headers: str) -> Any:
    return client.post(
        _exports_url(project),
        {"form_id": "garden", "format": "csv", "scope": scope},
        content_type="application/json",
        headers=headers,
    )


def test_starting_an_export_answers_202_with_its_job(garden: dict[str, Any]) -> None:
    response = _start(_client(garden["member"]), garden["project"])

    assert response.status_code == 202
    body = response.json()
    export = DataExport.objects.get()
    assert body["id"] == export.pk and body["status"] == "queued"
    assert body["job_id"] == str(export.job_id)
    assert body["job_url"].endswith(f"/api/v1/jobs/{export.job_id}")
    assert _client(garden["member"]).get(body["job_url"]).status_code == 200


def test_a_second_start_while_queued_returns_the_same_export(garden: dict[str, Any]) -> None:
    client = _client(garden["member"])

    first = _start(client, garden["project"]).json()
    second = _start(client, garden["project"]).json()

    assert first["id"] == second["id"]
    assert DataExport.objects.count() == 1


def test_a_token_starts_an_export(garden: dict[str, Any]) -> None:
    _token, secret = api_token_create(actor=garden["member"], user=garden["member"], name="cron")

    response = _start(Client(), garden["project"], Authorization=f"Bearer {secret}")

    assert response.status_code == 202
    assert DataExport.objects.get().requested_by == garden["member"]


def test_a_team_export_by_a_member_who_may_not_see_true_locations_answers_404(
    garden: dict[str, Any],
) -> None:
    # The rule is hidden (`require` raises NotFoundError): team files are not advertised to
    # those who may not prepare them.
    response = _start(_client(garden["member"]), garden["project"], scope="team")

    assert response.status_code == 404
    assert not DataExport.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"form_id": "garden", "format": "pdf", "scope": "public"}, 400),
        ({"form_id": "garden", "format": "csv", "scope": "world"}, 400),
        ({"form_id": "no_such_form", "format": "csv", "scope": "public"}, 404),
        ({"form_id": "g" * 10_000, "format": "csv", "scope": "public"}, 422),
        ({"form_id": "garden", "format": "csv"}, 422),
    ],
)
def test_a_bad_start_is_refused_clearly(
    garden: dict[str, Any], payload: dict[str, str], status: int
) -> None:
    response = _client(garden["member"]).post(
        _exports_url(garden["project"]), payload, content_type="application/json"
    )

    assert response.status_code == status
    assert not DataExport.objects.exists()


def test_starting_needs_a_signed_in_person_and_a_visible_project(garden: dict[str, Any]) -> None:
    assert _start(_client(), garden["project"]).status_code == 401
    Project.objects.filter(pk=garden["project"].pk).update(visibility=Project.Visibility.PRIVATE)
    assert _start(_client(UserFactory()), garden["project"]).status_code == 404


def test_past_the_daily_limit_a_start_answers_429(garden: dict[str, Any]) -> None:
    form = garden["project"].forms.get()
    DataExport.objects.bulk_create(
        DataExport(
            project=garden["project"],
            form=form,
            format="csv",
            scope="public",
            requested_by=garden["member"],
            status=DataExport.Status.FAILED,
        )
        for _ in range(20)
    )

    assert _start(_client(garden["member"]), garden["project"]).status_code == 429


@pytest.mark.usefixtures("jobs_run_when_started")
def test_a_ready_export_is_listed_and_downloaded(garden: dict[str, Any]) -> None:
    client = _client(garden["researcher"])
    started = _start(client, garden["project"], scope="team").json()

    listed = client.get(_exports_url(garden["project"])).json()

    assert [item["id"] for item in listed] == [started["id"]]
    item = listed[0]
    assert item["status"] == "ready" and item["form_id"] == "garden"
    assert (item["format"], item["scope"]) == ("csv", "team")
    assert item["rows"]["garden"] == 5 and item["size_bytes"] > 0
    assert item["expires_at"] and item["created_at"]
    download = client.get(item["download_url"])
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Disposition"] == (
        f'attachment; filename="{garden["project"].slug}-garden-team.csv.zip"'
    )
    content = b"".join(download.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert TRUE_LATITUDE in archive.read("garden.csv").decode()


@pytest.mark.usefixtures("jobs_run_when_started")
def test_the_api_and_the_page_send_the_same_download_headers(garden: dict[str, Any]) -> None:
    client = _client(garden["researcher"])
    export_id = _start(client, garden["project"]).json()["id"]
    slug = garden["project"].slug

    from_api = client.get(f"/api/v1/projects/{slug}/data-exports/{export_id}/download")
    from_page = client.get(f"/projects/{slug}/data/{export_id}/download/")

    for header in ("Content-Type", "Content-Disposition", "Cache-Control"):
        assert from_api[header] == from_page[header]


def test_a_queued_export_is_listed_without_a_download_url(garden: dict[str, Any]) -> None:
    client = _client(garden["member"])
    _start(client, garden["project"])

    listed = client.get(_exports_url(garden["project"])).json()

    assert listed[0]["status"] == "queued" and listed[0]["download_url"] is None
    assert _client().get(_exports_url(garden["project"])).json() == []


@pytest.mark.usefixtures("jobs_run_when_started")
def test_someone_elses_team_file_answers_404(garden: dict[str, Any]) -> None:
    export_id = _start(_client(garden["researcher"]), garden["project"], scope="team").json()["id"]
    other_researcher = UserFactory()
    MembershipFactory(project=garden["project"], user=other_researcher, role=ProjectRole.RESEARCHER)
    url = f"{_exports_url(garden['project'])}/{export_id}/download"

    for viewer in (None, garden["member"], other_researcher):
        assert _client(viewer).get(url).status_code == 404
        listed = _client(viewer).get(_exports_url(garden["project"])).json()
        assert export_id not in [item["id"] for item in listed]


@pytest.mark.usefixtures("jobs_run_when_started")
def test_an_expired_file_answers_404(garden: dict[str, Any]) -> None:
    client = _client(garden["member"])
    export_id = _start(client, garden["project"]).json()["id"]
    url = f"{_exports_url(garden['project'])}/{export_id}/download"
    assert _client().get(url).status_code == 200

    DataExport.objects.filter(pk=export_id).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert client.get(url).status_code == 404
    assert _client().get(url).status_code == 404
    assert client.get(_exports_url(garden["project"])).json()[0]["download_url"] is None


def test_an_unknown_export_answers_404(garden: dict[str, Any]) -> None:
    url = f"{_exports_url(garden['project'])}/999999/download"

    assert _client(garden["researcher"]).get(url).status_code == 404
