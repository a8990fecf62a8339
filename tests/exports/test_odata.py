"""The OData feed and the ODK Central subset, read over HTTP from a live server by a client we
did not write (pyodata) and by the calls pyodk makes (`POST /v1/sessions`, then
`GET …/forms/{xmlFormId}.svc/Submissions` with its query options)."""

from __future__ import annotations

import base64
from typing import Any

import pyodata
import pytest
import requests
from django.utils import timezone

from cslab.core.roles import ProjectRole
from cslab.exports import selectors as export_selectors
from cslab.exports.central import session_token_issue
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.observations.models import Observation
from cslab.observations.selectors import observation_public_views
from cslab.observations.services.observations import observation_submit
from tests.collection.test_canary import _canary_leaks, _plant
from tests.factories import TEST_PASSWORD, UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

FORM = {
    "survey": [
        {"type": "integer", "name": "count", "label": "How many?"},
        {"type": "geopoint", "name": "where", "label": "Where?"},
        {"type": "begin_repeat", "name": "sighting", "label": "Sightings"},
        {"type": "text", "name": "animal", "label": "Which animal?"},
        {"type": "end_repeat", "name": "sighting"},
    ],
    "settings": [{"form_id": "hedgehogs", "form_title": "Hedgehogs", "version": "1"}],
}
TRUE_LATITUDE = "52.3731234"


@pytest.fixture
def hedgehogs(transactional_db: Any) -> dict[str, Any]:
    project = ProjectFactory(public=True, name="Hedgehog street")
    observer, researcher = UserFactory(), UserFactory()
    MembershipFactory(project=project, user=observer, role=ProjectRole.MEMBER)
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)
    version = form_publish_xlsform(
        actor=None, project=project, file_name="h.xlsx", content=workbook_bytes(FORM)
    )
    for number in range(1, 4):
        observation_submit(
            actor=observer,
            form_version=version,
            instance_id=f"uuid:hedgehog-{number}",
            answers={
                "count": number,
                "where": f"{TRUE_LATITUDE} 4.8923456 0 5",
                "sighting": [{"animal": f"hedgehog {number}a"}, {"animal": f"hedgehog {number}b"}],
            },
            geoprivacy="obscured",
        )
    # Known submission days, and one accepted observation, for $filter.
    for number, day in [(1, 1), (2, 10), (3, 20)]:
        Observation.objects.filter(instance_id=f"uuid:hedgehog-{number}").update(
            created_at=timezone.now().replace(year=2025, month=3, day=day, hour=12)
        )
    Observation.objects.filter(instance_id="uuid:hedgehog-2").update(status="accepted")
    return {"project": project, "observer": observer, "researcher": researcher}


def _session_token(base_url: str, email: str, password: str) -> requests.Response:
    # Exactly what pyodk's AuthService.get_new_token sends.
    return requests.post(
        f"{base_url}/v1/sessions",
        json={"email": email, "password": password},
        headers={"Content-Type": "application/json"},
        timeout=30,
    )


def _bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {session_token_issue(user)}"}


def _svc(base_url: str, project: Any, form_id: str = "hedgehogs") -> str:
    return f"{base_url}/v1/projects/{project.pk}/forms/{form_id}.svc"


def test_a_session_token_from_email_and_password_reads_the_submissions_table(
    live_server: Any, hedgehogs: dict[str, Any]
) -> None:
    researcher = hedgehogs["researcher"]
    response = _session_token(live_server.url, researcher.email, TEST_PASSWORD)
    assert response.status_code == 200
    assert set(response.json()) == {"token", "createdAt", "expiresAt"}
    token = response.json()["token"]
    # pyodk's get_table: GET {form}.svc/Submissions with $count, $top and $skip.
    table = requests.get(
        _svc(live_server.url, hedgehogs["project"]) + "/Submissions",
        params={"$count": True, "$top": 2, "$skip": 0},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert table.status_code == 200, table.text
    body = table.json()
    assert body["@odata.count"] == 3
    assert [entity["__id"] for entity in body["value"]] == ["uuid:hedgehog-1", "uuid:hedgehog-2"]
    first = body["value"][0]
    assert first["count"] == 1
    # The research team sees true locations, as a GeoJSON point like Central's.
    assert first["where"]["type"] == "Point"
    assert first["where"]["coordinates"][:2] == [4.8923456, float(TRUE_LATITUDE)]
    assert first["where"]["properties"] == {"accuracy": 5.0}
    assert first["__system"]["submissionDate"].startswith("2025-03-01T12:")
    assert body["value"][1]["__system"]["reviewState"] == "approved"
    assert "@odata.nextLink" in body


def test_the_submission_list_gives_central_metadata(
    live_server: Any, hedgehogs: dict[str, Any]
) -> None:
    url = f"{live_server.url}/v1/projects/{hedgehogs['project'].pk}/forms/hedgehogs/submissions"
    response = requests.get(url, headers=_bearer(hedgehogs["researcher"]), timeout=30)
    assert response.status_code == 200
    submissions = response.json()
    assert [item["instanceId"] for item in submissions] == [
        "uuid:hedgehog-1",
        "uuid:hedgehog-2",
        "uuid:hedgehog-3",
    ]
    assert submissions[0]["submitterId"] == hedgehogs["observer"].pk
    assert submissions[0]["createdAt"].startswith("2025-03-01")


def test_projects_and_forms_are_listed_for_the_caller(
    live_server: Any, hedgehogs: dict[str, Any]
) -> None:
    outsider = UserFactory()
    hidden = ProjectFactory(name="Somebody's private idea")
    projects = requests.get(f"{live_server.url}/v1/projects", headers=_bearer(outsider), timeout=30)
    ids = [project["id"] for project in projects.json()]
    assert hedgehogs["project"].pk in ids
    assert hidden.pk not in ids
    forms = requests.get(
        f"{live_server.url}/v1/projects/{hedgehogs['project'].pk}/forms",
        headers=_bearer(outsider),
        timeout=30,
    )
    assert [form["xmlFormId"] for form in forms.json()] == ["hedgehogs"]


def test_pyodata_reads_the_service_entities_and_a_repeat_set(
    live_server: Any, hedgehogs: dict[str, Any]
) -> None:
    session = requests.Session()
    session.headers.update(_bearer(hedgehogs["researcher"]))
    # pyodata speaks OData v2: it says so, and gets v2's metadata and JSON.
    session.headers["MaxDataServiceVersion"] = "2.0"
    service = pyodata.Client(_svc(live_server.url, hedgehogs["project"]) + "/", session)
    assert {entity_set.name for entity_set in service.schema.entity_sets} == {
        "Submissions",
        "Submissions.sighting",
    }
    submissions = service.entity_sets.Submissions.get_entities().execute()
    assert [entity.__id for entity in submissions] == [
        "uuid:hedgehog-1",
        "uuid:hedgehog-2",
        "uuid:hedgehog-3",
    ]
    assert submissions[0].count == 1
    assert submissions[0].where.startswith("POINT (4.8923456 52.3731234")
    sightings = getattr(service.entity_sets, "Submissions.sighting").get_entities().top(3).execute()
    assert [entity.animal for entity in sightings] == ["hedgehog 1a", "hedgehog 1b", "hedgehog 2a"]
    assert getattr(sightings[0], "__Submissions-id") == "uuid:hedgehog-1"


def test_the_v4_metadata_describes_every_set_and_the_repeat_link(
    live_server: Any, hedgehogs: dict[str, Any]
) -> None:
    response = requests.get(
        _svc(live_server.url, hedgehogs["project"]) + "/$metadata",
        headers=_bearer(hedgehogs["researcher"]),
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    text = response.text
    assert 'Version="4.0"' in text
    assert '<EntitySet Name="Submissions.sighting"' in text
    assert '<Property Name="__Submissions-id" Type="Edm.String"/>' in text
    assert '<Property Name="where" Type="Edm.GeographyPoint"/>' in text
    document = requests.get(
        _svc(live_server.url, hedgehogs["project"]),
        headers=_bearer(hedgehogs["researcher"]),
        timeout=30,
    ).json()
    assert [item["name"] for item in document["value"]] == ["Submissions", "Submissions.sighting"]


@pytest.mark.parametrize(
    ("odata_filter", "expected"),
    [
        ("__system/submissionDate gt 2025-03-05", ["uuid:hedgehog-2", "uuid:hedgehog-3"]),
        (
            "__system/submissionDate ge 2025-03-05T00:00:00Z and "
            "__system/submissionDate lt 2025-03-15T00:00:00Z",
            ["uuid:hedgehog-2"],
        ),
        ("__system/reviewState eq 'approved'", ["uuid:hedgehog-2"]),
        ("__system/reviewState eq null", ["uuid:hedgehog-1", "uuid:hedgehog-3"]),
    ],
)
def test_filter_on_submission_date_and_review_state(
    live_server: Any, hedgehogs: dict[str, Any], odata_filter: str, expected: list[str]
) -> None:
    response = requests.get(
        _svc(live_server.url, hedgehogs["project"]) + "/Submissions",
        params={"$filter": odata_filter},
        headers=_bearer(hedgehogs["researcher"]),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert [entity["__id"] for entity in response.json()["value"]] == expected


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        # The researcher sees submission times: hedgehog 2 came at noon on the 10th.
        ("researcher", ["uuid:hedgehog-2", "uuid:hedgehog-3"]),
        # Others see the obscured observations' day only, which the feed gives as midnight.
        ("outsider", ["uuid:hedgehog-3"]),
    ],
)
def test_a_date_filter_compares_what_the_viewer_is_shown(
    live_server: Any, hedgehogs: dict[str, Any], viewer: str, expected: list[str]
) -> None:
    user = hedgehogs["researcher"] if viewer == "researcher" else UserFactory()
    response = requests.get(
        _svc(live_server.url, hedgehogs["project"]) + "/Submissions",
        params={"$filter": "__system/submissionDate gt 2025-03-10T06:00:00Z"},
        headers=_bearer(user),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert [entity["__id"] for entity in response.json()["value"]] == expected


def test_a_filtered_page_reads_only_its_own_rows(
    client: Any, hedgehogs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[int] = []

    def counting(user: Any, observations: Any) -> Any:
        batch = list(observations)
        shown.extend(observation.pk for observation in batch)
        return observation_public_views(user, batch)

    monkeypatch.setattr(export_selectors, "observation_public_views", counting)
    response = client.get(
        _svc("", hedgehogs["project"]) + "/Submissions",
        {"$filter": "__system/submissionDate gt 2025-03-05", "$top": "1", "$count": "true"},
        headers=_bearer(hedgehogs["researcher"]),
    )

    body = response.json()
    assert [entity["__id"] for entity in body["value"]] == ["uuid:hedgehog-2"]
    assert body["@odata.count"] == 2
    assert "$skip=1" in body["@odata.nextLink"]
    assert len(shown) == 1  # the filter and the page are the query's: one observation read


def test_skip_pages_through_a_repeat_set(live_server: Any, hedgehogs: dict[str, Any]) -> None:
    response = requests.get(
        _svc(live_server.url, hedgehogs["project"]) + "/Submissions.sighting",
        params={"$skip": 4, "$count": "true"},
        headers=_bearer(hedgehogs["researcher"]),
        timeout=30,
    )
    body = response.json()
    assert body["@odata.count"] == 6
    assert [entity["animal"] for entity in body["value"]] == ["hedgehog 3a", "hedgehog 3b"]
    assert body["value"][0]["__Submissions-id"] == "uuid:hedgehog-3"


@pytest.mark.parametrize(
    "params",
    [
        {"$filter": "count gt 1"},
        {"$filter": "__system/submissionDate gt 2025-03-05 or 1 eq 1"},
        {"$filter": "__system/reviewState gt 'approved'"},
        {"$top": "10001"},
        {"$top": "-1"},
        {"$expand": "*"},
        {"$filter": "__system/reviewState eq '" + "x" * 2000 + "'"},
    ],
)
def test_a_query_outside_the_subset_is_a_400_with_an_odata_error(
    live_server: Any, hedgehogs: dict[str, Any], params: dict[str, str]
) -> None:
    response = requests.get(
        _svc(live_server.url, hedgehogs["project"]) + "/Submissions",
        params=params,
        headers=_bearer(hedgehogs["researcher"]),
        timeout=30,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "400"
    assert response.json()["error"]["message"]


def test_a_wrong_password_is_a_401_that_does_not_say_why(
    live_server: Any, hedgehogs: dict[str, Any]
) -> None:
    wrong_password = _session_token(live_server.url, hedgehogs["researcher"].email, "nope")
    unknown_person = _session_token(live_server.url, "nobody@example.org", TEST_PASSWORD)
    assert wrong_password.status_code == unknown_person.status_code == 401
    assert wrong_password.json() == unknown_person.json()
    assert "token" not in wrong_password.json()


def test_anonymous_callers_and_forged_tokens_get_401(
    live_server: Any, hedgehogs: dict[str, Any]
) -> None:
    url = _svc(live_server.url, hedgehogs["project"]) + "/Submissions"
    assert requests.get(url, timeout=30).status_code == 401
    forged = requests.get(url, headers={"Authorization": "Bearer 1:forged:token"}, timeout=30)
    assert forged.status_code == 401
    assert requests.get(f"{live_server.url}/v1/projects", timeout=30).status_code == 401


def test_basic_credentials_and_cslab_api_tokens_are_accepted(
    live_server: Any, hedgehogs: dict[str, Any]
) -> None:
    from cslab.accounts.services.api_tokens import api_token_create

    researcher = hedgehogs["researcher"]
    url = _svc(live_server.url, hedgehogs["project"]) + "/Submissions"
    basic = base64.b64encode(f"{researcher.email}:{TEST_PASSWORD}".encode()).decode()
    assert requests.get(url, headers={"Authorization": f"Basic {basic}"}, timeout=30).ok
    _token, secret = api_token_create(actor=researcher, user=researcher, name="Power BI")
    assert requests.get(url, headers={"Authorization": f"Bearer {secret}"}, timeout=30).ok


def test_a_private_project_is_404_for_an_outsider(live_server: Any, transactional_db: Any) -> None:
    project = ProjectFactory(name="A private idea")
    form_publish_xlsform(
        actor=None, project=project, file_name="h.xlsx", content=workbook_bytes(FORM)
    )
    outsider = UserFactory()
    for url in [
        f"{live_server.url}/v1/projects/{project.pk}/forms",
        f"{live_server.url}/v1/projects/{project.pk}/forms/hedgehogs/submissions",
        _svc(live_server.url, project),
        _svc(live_server.url, project) + "/$metadata",
        _svc(live_server.url, project) + "/Submissions",
    ]:
        assert requests.get(url, headers=_bearer(outsider), timeout=30).status_code == 404, url
    owner_reads = requests.get(
        _svc(live_server.url, project) + "/Submissions",
        headers=_bearer(project.initiator),
        timeout=30,
    )
    assert owner_reads.status_code == 200


def test_an_outsider_never_reads_the_canary(live_server: Any, transactional_db: Any) -> None:
    planted = _plant()
    project, form_id = planted["project"], planted["form"].form.form_id
    outsider = UserFactory()
    base = f"{live_server.url}/v1/projects/{project.pk}/forms/{form_id}"
    texts = [
        requests.get(url, headers=_bearer(outsider), timeout=30).text
        for url in [base + ".svc/$metadata", base + "/submissions"]
    ]
    document = requests.get(base + ".svc", headers=_bearer(outsider), timeout=30).json()
    for entity_set in document["value"]:
        response = requests.get(
            f"{base}.svc/{entity_set['url']}", headers=_bearer(outsider), timeout=30
        )
        assert response.status_code == 200
        texts.append(response.text)
    assert '"value": [{' in texts[2] or '"value":[{' in texts[2]
    everything = "\n".join(texts)
    assert _canary_leaks(everything, planted["observations"]) == []


def test_changing_the_password_ends_session_tokens(
    live_server: Any, hedgehogs: dict[str, Any]
) -> None:
    researcher = hedgehogs["researcher"]
    token = _session_token(live_server.url, researcher.email, TEST_PASSWORD).json()["token"]
    url = f"{live_server.url}/v1/users/current"
    assert requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30).ok
    researcher.set_password("another-long-password-43")
    researcher.save(update_fields=["password"])
    after = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert after.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/v1/projects/999999999999999999",
        "/v1/projects/{project}/forms/no_such_form.svc/Submissions",
        "/v1/projects/{project}/forms/hedgehogs.svc/Submissions.no_such_repeat",
        "/v1/projects/{project}/forms/hedgehogs.svc/Submissions.sighting?$filter="
        "__system/reviewState%20eq%20null",
        "/v1/projects/{project}/forms/hedgehogs.svc/Submissions?$skip=9999999999",
        "/v1/projects/{project}/forms/hedgehogs.svc/Submissions?$count=maybe",
    ],
)
def test_hostile_paths_and_options_are_refused_not_errors(
    client: Any, hedgehogs: dict[str, Any], path: str
) -> None:
    response = client.get(
        path.format(project=hedgehogs["project"].pk),
        headers={"Authorization": _bearer(hedgehogs["researcher"])["Authorization"]},
    )
    assert response.status_code in (400, 404)
    assert response.json()


def test_basic_credentials_are_throttled_like_the_log_in(
    client: Any, hedgehogs: dict[str, Any], settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    researcher = hedgehogs["researcher"]
    url = f"/v1/projects/{hedgehogs['project'].pk}/forms/hedgehogs.svc/Submissions"

    def basic(password: str) -> dict[str, str]:
        pair = base64.b64encode(f"{researcher.email}:{password}".encode()).decode()
        return {"Authorization": f"Basic {pair}"}

    for _attempt in range(2):
        assert client.get(url, headers=basic("wrong")).status_code == 401
    # The right password no longer helps until the window passes.
    assert client.get(url, headers=basic(TEST_PASSWORD)).status_code == 401
