"""The submissions API: created/identical/conflict statuses, batches, listing and roles."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from ninja import NinjaAPI

from cslab.api import errors
from cslab.api.api import api as site_api
from cslab.core.roles import ProjectRole
from cslab.forms.models import FormVersion
from cslab.observations.api.observations import router
from cslab.observations.models import Observation
from cslab.observations.services.observations import observation_erase
from cslab.projects.models import Project
from tests.collection.test_observations import ANSWERS, publish
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

# Until the router is registered on the site's API, these tests serve it from an API of their
# own (this module is then the URLconf).
_own_api = NinjaAPI(urls_namespace="collection-api-test")
errors.install(_own_api)
_own_api.add_router("/", router)
urlpatterns = [path("api/v1/", _own_api.urls)]


@pytest.fixture(autouse=True)
def _routes(settings: Any) -> None:
    if not any(registered is router for _prefix, registered in site_api._routers):
        settings.ROOT_URLCONF = __name__


@pytest.fixture
def project(db: Any) -> Project:
    """An approved, active, private project."""
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    return project


@pytest.fixture
def version(project: Project) -> FormVersion:
    return publish(project)


def url(project: Project, tail: str = "submissions") -> str:
    return f"/api/v1/projects/{project.slug}/forms/birds/{tail}"


def body(instance_id: str = "uuid:1", **extra: Any) -> dict[str, Any]:
    return {"instance_id": instance_id, "version": "1", "answers": ANSWERS, **extra}


def post(client: Any, address: str, payload: Any) -> Any:
    return client.post(address, payload, content_type="application/json")


def test_a_submission_answers_201_then_200_for_the_same_and_409_for_different_content(
    client: Any, project: Project, version: FormVersion
) -> None:
    client.force_login(project.initiator)

    created = post(client, url(project), body())
    again = post(client, url(project), body())
    different = post(client, url(project), body(answers={**ANSWERS, "count": 9}))

    assert created.status_code == 201
    item = created.json()
    assert item["instance_id"] == "uuid:1" and item["form_id"] == "birds"
    assert item["version"] == "1" and item["answers"] == ANSWERS
    assert (item["latitude"], item["longitude"], item["accuracy"]) == (52.0907, 5.1214, 8.5)
    assert item["status"] == "pending" and item["geoprivacy"] == "open"
    assert again.status_code == 200 and again.json()["id"] == item["id"]
    assert different.status_code == 409
    assert different.json()["code"] == "instance_conflict"
    assert Observation.objects.get().answers == ANSWERS


@pytest.mark.parametrize(
    "changed",
    [
        {"geoprivacy": "obscured"},
        {"observed_at": "2026-05-02T09:30:00+02:00"},
        {"location": {"latitude": 51.5, "longitude": 4.5, "accuracy": 5}},
    ],
)
def test_a_retry_that_changes_what_is_sent_beside_the_answers_is_a_conflict(
    client: Any, project: Project, version: FormVersion, changed: dict[str, Any]
) -> None:
    client.force_login(project.initiator)
    first = {"geoprivacy": "open", "observed_at": "2026-05-01T09:30:00+02:00"}
    created = post(client, url(project), body(**first))
    stored = Observation.objects.get()

    again = post(client, url(project), body(**first))
    different = post(client, url(project), body(**{**first, **changed}))

    assert created.status_code == 201 and again.status_code == 200
    assert different.status_code == 409 and different.json()["code"] == "instance_conflict"
    after = Observation.objects.get()
    kept = ("geoprivacy", "observed_at", "latitude", "longitude", "accuracy", "content_hash")
    assert [getattr(after, name) for name in kept] == [getattr(stored, name) for name in kept]


def test_bad_answers_answer_400_with_problems_per_question(
    client: Any, project: Project, version: FormVersion
) -> None:
    client.force_login(project.initiator)
    response = post(client, url(project), body(answers={"count": "many"}))

    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "invalid_answers"
    assert set(problem["errors"]) == {"site", "count"}


def test_an_unknown_version_or_form_is_not_found(
    client: Any, project: Project, version: FormVersion
) -> None:
    client.force_login(project.initiator)
    assert post(client, url(project), body(version="7")).status_code == 404
    missing = f"/api/v1/projects/{project.slug}/forms/nothing/submissions"
    assert post(client, missing, body()).status_code == 404


def test_an_erased_instance_answers_409_instance_erased(
    client: Any, project: Project, version: FormVersion
) -> None:
    client.force_login(project.initiator)
    created = post(client, url(project), body()).json()
    observation_erase(
        actor=project.initiator, observation=Observation.objects.get(pk=created["id"])
    )

    response = post(client, url(project), body())
    assert response.status_code == 409 and response.json()["code"] == "instance_erased"


def test_an_edit_points_at_the_version_it_replaces(
    client: Any, project: Project, version: FormVersion
) -> None:
    client.force_login(project.initiator)
    post(client, url(project), body())
    response = post(client, url(project), body("uuid:2", deprecated_id="uuid:1"))
    assert response.status_code == 201
    assert response.json()["deprecates_instance_id"] == "uuid:1"


def test_a_batch_reports_each_item(client: Any, project: Project, version: FormVersion) -> None:
    client.force_login(project.initiator)
    post(client, url(project), body("uuid:stored"))

    response = post(
        client,
        url(project, "submissions/batch"),
        [
            body("uuid:new"),
            body("uuid:stored"),
            body("uuid:stored", answers={**ANSWERS, "count": 1}),
            body("uuid:bad", answers={"site": "x"}),
            body("uuid:old", version="0"),
            body("uuid:new"),
        ],
    )

    assert response.status_code == 200
    items = response.json()
    assert [(item["index"], item["status"], item["code"]) for item in items] == [
        (0, "created", ""),
        (1, "duplicate", ""),
        (2, "conflict", "instance_conflict"),
        (3, "invalid", "invalid_answers"),
        (4, "invalid", "unknown_version"),
        (5, "duplicate", ""),
    ]
    assert items[0]["observation"]["instance_id"] == "uuid:new"
    assert set(items[3]["errors"]) == {"count"}
    assert Observation.objects.count() == 2


def _batch_queries(client: Any, project: Project, instance_ids: list[str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = post(
            client, url(project, "submissions/batch"), [body(each) for each in instance_ids]
        )
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_a_batch_reads_the_project_settings_once_and_shows_stored_items_without_reloading(
    client: Any, project: Project, version: FormVersion
) -> None:
    client.force_login(project.initiator)
    few = ["uuid:a", "uuid:b"]
    many = [f"uuid:{number}" for number in range(12)]

    created_few = _batch_queries(client, project, few)
    created_many = _batch_queries(client, project, many)
    duplicate_few = _batch_queries(client, project, few)
    duplicate_many = _batch_queries(client, project, many)

    # Per new item: tombstone check, outlier history, savepoint, insert, the map's count
    # upsert, tombstone recheck and release. Per repeated item the refused insert's rollback and
    # the read of the stored row follow; the stored row's form, version, project and observer
    # are not read again.
    assert created_many - created_few <= 7 * (len(many) - len(few))
    assert duplicate_many - duplicate_few <= 7 * (len(many) - len(few))
    assert Observation.objects.count() == 14


def test_the_list_pages_with_a_cursor_newest_first(
    client: Any, project: Project, version: FormVersion
) -> None:
    client.force_login(project.initiator)
    for number in range(3):
        post(client, url(project), body(f"uuid:{number}"))

    first = client.get(f"/api/v1/projects/{project.slug}/observations?limit=2").json()
    second = client.get(
        f"/api/v1/projects/{project.slug}/observations?limit=2&cursor={first['next_cursor']}"
    ).json()

    assert [item["instance_id"] for item in first["items"] + second["items"]] == [
        "uuid:2",
        "uuid:1",
        "uuid:0",
    ]
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("who", "submit_status", "list_status"),
    [
        ("anonymous", 401, 404),
        ("volunteer", 404, 404),
        ("trainer", 404, 404),
        ("staff", 201, 200),
        ("superuser", 201, 200),
        *[(role.value, 201, 200) for role in ProjectRole],
    ],
)
def test_who_may_submit_to_and_list_a_private_project(
    client: Any,
    project: Project,
    version: FormVersion,
    volunteer: Any,
    trainer: Any,
    staff: Any,
    superuser: Any,
    who: str,
    submit_status: int,
    list_status: int,
) -> None:
    people = {"volunteer": volunteer, "trainer": trainer, "staff": staff, "superuser": superuser}
    if who in people:
        client.force_login(people[who])
    elif who != "anonymous":
        person = UserFactory()
        if who == ProjectRole.OWNER:
            person = project.initiator
        else:
            MembershipFactory(project=project, user=person, role=who)
        client.force_login(person)

    assert post(client, url(project), body()).status_code == submit_status
    assert client.get(f"/api/v1/projects/{project.slug}/observations").status_code == list_status


def test_anyone_signed_in_submits_to_an_open_public_project_and_lists_it(
    client: Any, volunteer: Any
) -> None:
    project: Project = ProjectFactory(public=True, membership_policy="open")
    publish(project)
    client.force_login(volunteer)

    assert post(client, url(project), body()).status_code == 201
    listed = client.get(f"/api/v1/projects/{project.slug}/observations")
    assert listed.status_code == 200 and len(listed.json()["items"]) == 1

    Project.objects.filter(pk=project.pk).update(membership_policy="approval")
    response = post(client, url(project), body("uuid:2"))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


# --------------------------------------------------------------------------- reading


# RFC 7946 as a JSON schema for what this API serves: Point features or null geometries.
POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
GEOJSON_SCHEMA = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"const": "Feature"},
                    "id": {"type": ["string", "number"]},
                    "bbox": {"type": "array", "minItems": 4, "items": {"type": "number"}},
                    "properties": {"type": ["object", "null"]},
                    "geometry": {
                        "oneOf": [
                            {"type": "null"},
                            {
                                "type": "object",
                                "required": ["type", "coordinates"],
                                "properties": {
                                    "type": {"const": "Point"},
                                    "coordinates": POSITION,
                                },
                            },
                        ]
                    },
                },
            },
        },
    },
}


@pytest.fixture
def public_project(db: Any) -> Project:
    project: Project = ProjectFactory(public=True)
    publish(project)
    return project


def list_url(project: Project, tail: str = "observations") -> str:
    return f"/api/v1/projects/{project.slug}/{tail}"


def test_the_public_lists_an_obscured_observation_without_its_true_location(
    client: Any, public_project: Project
) -> None:
    client.force_login(public_project.initiator)
    post(client, url(public_project), body(geoprivacy="obscured"))
    client.logout()

    item = client.get(list_url(public_project)).json()["items"][0]

    assert item["geoprivacy"] == "obscured" and item["location_obscured"]
    assert (item["latitude"], item["longitude"]) != (52.0907, 5.1214)
    assert item["observed_at"].count(":") == 0  # a day, not a time
    assert "location" not in item["answers"] and item["observer"] is None


def test_list_filters_are_read_from_the_query_and_bad_ones_answer_400(
    client: Any, public_project: Project
) -> None:
    client.force_login(public_project.initiator)
    post(client, url(public_project), body("uuid:1"))
    post(client, url(public_project), body("uuid:2", answers={**ANSWERS, "count": 7}))

    def ids(query: str) -> list[str]:
        response = client.get(f"{list_url(public_project)}?{query}")
        assert response.status_code == 200, response.json()
        return [item["instance_id"] for item in response.json()["items"]]

    assert ids("field.count=7") == ["uuid:2"]
    assert ids("bbox=5.0,52.0,5.2,52.2&status=pending") == ["uuid:2", "uuid:1"]
    assert ids("bbox=6,52,7,53") == []
    assert ids("status=accepted,rejected") == []
    assert ids("form=birds&mine=1") == ["uuid:2", "uuid:1"]
    assert ids("from=2000-01-01&to=2999-01-01") == ["uuid:2", "uuid:1"]
    bad = client.get(f"{list_url(public_project)}?bbox=1,2,3&status=lost&from=yesterday")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_filter"
    assert set(bad.json()["errors"]) == {"bbox", "status", "from"}
    superscript = client.get(f"{list_url(public_project)}?observer=%C2%B2")
    assert superscript.status_code == 400
    assert set(superscript.json()["errors"]) == {"observer"}


def test_geojson_is_an_rfc_7946_feature_collection_with_longitude_first(
    client: Any, public_project: Project
) -> None:
    import jsonschema

    client.force_login(public_project.initiator)
    post(client, url(public_project), body("uuid:open", geoprivacy="open"))
    post(client, url(public_project), body("uuid:obscured", geoprivacy="obscured"))
    post(client, url(public_project), body("uuid:private", geoprivacy="private"))
    client.logout()

    response = client.get(list_url(public_project, "observations.geojson"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    document = response.json()
    jsonschema.validate(document, GEOJSON_SCHEMA)
    features = {item["properties"]["instance_id"]: item for item in document["features"]}
    assert features["uuid:open"]["geometry"]["coordinates"] == [5.1214, 52.0907]
    assert features["uuid:private"]["geometry"] is None
    obscured = features["uuid:obscured"]
    west, south, east, north = obscured["bbox"]
    longitude, latitude = obscured["geometry"]["coordinates"]
    assert west < longitude < east and south < latitude < north
    assert (longitude, latitude) != (5.1214, 52.0907)
    assert document["next_cursor"] is None


def test_one_observation_and_its_history(client: Any, public_project: Project) -> None:
    client.force_login(public_project.initiator)
    first = post(client, url(public_project), body("uuid:1")).json()
    second = post(client, url(public_project), body("uuid:2", deprecated_id="uuid:1")).json()
    client.logout()

    one = client.get(list_url(public_project, f"observations/{second['id']}"))
    history = client.get(list_url(public_project, f"observations/{first['id']}/history"))
    missing = client.get(list_url(public_project, "observations/999999"))

    assert one.status_code == 200 and one.json()["deprecates_id"] == first["id"]
    assert [item["id"] for item in history.json()] == [first["id"], second["id"]]
    assert missing.status_code == 404


def test_flag_and_moderate_through_the_api(client: Any, public_project: Project) -> None:
    client.force_login(public_project.initiator)
    created = post(client, url(public_project), body()).json()
    address = list_url(public_project, f"observations/{created['id']}")
    client.force_login(UserFactory())

    flagged = post(client, f"{address}/flag", {"reason": "Not a robin."})
    again = post(client, f"{address}/flag", {"reason": "Not a robin."})
    refused = post(client, f"{address}/moderate", {"status": "accepted"})
    client.force_login(public_project.initiator)
    queue = client.get(list_url(public_project, "moderation-queue")).json()
    no_reason = post(client, f"{address}/moderate", {"status": "rejected"})
    accepted = post(client, f"{address}/moderate", {"status": "accepted"})

    assert flagged.status_code == 201 and flagged.json()["reason"] == "Not a robin."
    assert again.status_code == 409 and again.json()["code"] == "already_flagged"
    assert refused.status_code == 403
    assert [item["status"] for item in queue["items"]] == ["flagged"]
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_collection_settings_and_sensitive_categories_through_the_api(
    client: Any, public_project: Project
) -> None:
    settings_url = list_url(public_project, "collection-settings")
    category_url = list_url(public_project, "sensitive-categories/species")
    assert client.get(settings_url).json() == {
        "default_geoprivacy": "open",
        "accept_without_review": False,
    }
    client.force_login(public_project.initiator)
    post(client, url(public_project), body())

    changed = client.put(
        settings_url, {"default_geoprivacy": "obscured"}, content_type="application/json"
    )
    made = client.put(
        category_url, {"values": ["robin"], "label": "Threatened"}, content_type="application/json"
    )
    listed = client.get(list_url(public_project, "sensitive-categories")).json()
    client.logout()
    public = client.get(list_url(public_project)).json()["items"][0]
    client.force_login(public_project.initiator)
    removed = client.delete(category_url)

    assert changed.json()["default_geoprivacy"] == "obscured"
    assert made.status_code == 200 and listed == [
        {"question": "species", "values": ["robin"], "label": "Threatened"}
    ]
    assert public["geoprivacy_forced"] and public["latitude"] != 52.0907
    assert removed.status_code == 204
    assert client.delete(category_url).status_code == 404


def test_my_observations_span_projects(client: Any, public_project: Project) -> None:
    other: Project = ProjectFactory(public=True, initiator=public_project.initiator)
    publish(other)
    client.force_login(public_project.initiator)
    post(client, url(public_project), body("uuid:1"))
    post(client, url(other), body("uuid:2"))

    mine = client.get("/api/v1/me/observations").json()["items"]

    assert sorted(item["project_id"] for item in mine) == sorted([public_project.pk, other.pk])
    assert all(item["true_location"] for item in mine)
    client.logout()
    assert client.get("/api/v1/me/observations").status_code == 401


def test_the_observer_changes_geoprivacy_through_the_api(
    client: Any, public_project: Project
) -> None:
    client.force_login(public_project.initiator)
    created = post(client, url(public_project), body()).json()
    address = list_url(public_project, f"observations/{created['id']}/geoprivacy")

    changed = client.put(address, {"geoprivacy": "private"}, content_type="application/json")

    assert changed.status_code == 200 and changed.json()["geoprivacy"] == "private"
    client.logout()
    assert client.get(list_url(public_project)).json()["items"][0]["latitude"] is None
