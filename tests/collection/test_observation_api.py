"""The submissions API: created/identical/conflict statuses, batches, listing and roles."""

from typing import Any

import pytest
from django.urls import path
from ninja import NinjaAPI

from cslab.api import errors
from cslab.api.api import api as site_api
from cslab.collection.api import router
from cslab.collection.models import FormVersion, Observation
from cslab.collection.services.observations import observation_erase
from cslab.core.roles import ProjectRole
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
        "uuid:2", "uuid:1", "uuid:0",
    ]  # fmt: skip
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("who", "submit_status", "list_status"),
    [
        ("anonymous", 401, 401),
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


def test_anyone_signed_in_submits_to_an_open_public_project_but_does_not_list_it(
    client: Any, volunteer: Any
) -> None:
    project: Project = ProjectFactory(public=True, membership_policy="open")
    publish(project)
    client.force_login(volunteer)

    assert post(client, url(project), body()).status_code == 201
    assert client.get(f"/api/v1/projects/{project.slug}/observations").status_code == 403

    Project.objects.filter(pk=project.pk).update(membership_policy="approval")
    response = post(client, url(project), body("uuid:2"))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
