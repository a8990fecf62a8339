"""pyodk, the official ODK Python client, reads cslab as it reads ODK Central: it signs in with
e-mail and password (`POST /v1/sessions`), checks a cached token (`GET /v1/users/current`),
lists projects and forms, reads the OData tables (`….svc/Submissions` and a repeat's
`Submissions.<repeat>`) and the submission list (`…/submissions`). pyodk runs unchanged in an
environment of its own (tests/exports/pyodk_client.py) against a live server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from cslab.core.roles import ProjectRole
from cslab.exports.central import session_token_issue
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.observations.geoprivacy import grid_cell
from cslab.observations.services.observations import observation_submit
from tests.collection.test_canary import _canary_leaks, _plant
from tests.conftest import skip_or_fail
from tests.exports.pyodk_client import PyodkUnavailableError, pyodk_python, pyodk_run
from tests.exports.test_odata import FORM
from tests.factories import TEST_PASSWORD, UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

TRUE_LATITUDE = 52.0912345
TRUE_LONGITUDE = 5.1212345


@pytest.fixture(scope="module")
def pyodk() -> Path:
    try:
        return pyodk_python()
    except PyodkUnavailableError as error:
        skip_or_fail(f"pyodk's environment could not be built (needs PyPI): {error}")
        raise


@pytest.fixture
def gardens(transactional_db: Any) -> dict[str, Any]:
    """A public project whose observations are obscured for the public, and a private one."""
    cache.clear()  # earlier tests' failed log-ins from this address
    project = ProjectFactory(public=True, name="Garden hedgehogs")
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
            instance_id=f"uuid:garden-{number}",
            answers={
                "count": number,
                "where": f"{TRUE_LATITUDE} {TRUE_LONGITUDE} 0 5",
                "sighting": [{"animal": f"hedgehog {number}a"}, {"animal": f"hedgehog {number}b"}],
            },
            geoprivacy="obscured",
        )
    private = ProjectFactory(name="A private idea")
    form_publish_xlsform(
        actor=None, project=private, file_name="h.xlsx", content=workbook_bytes(FORM)
    )
    return {"project": project, "observer": observer, "researcher": researcher, "private": private}


def _run(
    python: Path,
    server: Any,
    tmp_path: Path,
    person: Any,
    project: Any,
    calls: list[Any],
    **kw: Any,
) -> dict[str, Any]:
    return pyodk_run(
        python,
        base_url=server.url,
        email=kw.get("email", person.email),
        password=kw.get("password", TEST_PASSWORD),
        project_id=project.pk,
        cache_path=kw.get("cache_path", tmp_path / f"cache-{person.pk}.toml"),
        calls=calls,
        config_dir=tmp_path,
    )


def _value(answers: dict[str, Any], name: str) -> Any:
    assert "value" in answers[name], answers[name]
    return answers[name]["value"]


def test_pyodk_reads_the_table_a_repeat_table_and_the_submission_list(
    pyodk: Path, live_server: Any, gardens: dict[str, Any], tmp_path: Path
) -> None:
    project = gardens["project"]
    answers = _run(
        pyodk,
        live_server,
        tmp_path,
        gardens["researcher"],
        project,
        [
            {"name": "projects", "method": "projects.list"},
            {"name": "forms", "method": "forms.list"},
            {
                "name": "table",
                "method": "submissions.get_table",
                "kwargs": {"form_id": "hedgehogs", "count": True},
            },
            {
                "name": "page",
                "method": "submissions.get_table",
                "kwargs": {"form_id": "hedgehogs", "top": 1, "skip": 1},
            },
            {
                "name": "repeat",
                "method": "submissions.get_table",
                "kwargs": {"form_id": "hedgehogs", "table_name": "Submissions.sighting"},
            },
            {"name": "list", "method": "submissions.list", "kwargs": {"form_id": "hedgehogs"}},
            {"name": "project", "method": "projects.get", "kwargs": {"project_id": project.pk}},
            {"name": "form", "method": "forms.get", "kwargs": {"form_id": "hedgehogs"}},
            {
                "name": "filtered",
                "method": "submissions.get_table",
                "kwargs": {
                    "form_id": "hedgehogs",
                    "filter": "__system/submissionDate lt 2000-01-01",
                },
            },
            # Outside the subset: refused, not misread.
            {
                "name": "wkt",
                "method": "submissions.get_table",
                "kwargs": {"form_id": "hedgehogs", "wkt": True},
            },
            {
                "name": "one submission",
                "method": "submissions.get",
                "kwargs": {"form_id": "hedgehogs", "instance_id": "uuid:garden-1"},
            },
        ],
    )
    assert project.pk in [item["id"] for item in _value(answers, "projects")]
    assert _value(answers, "project")["name"] == "Garden hedgehogs"
    [form] = _value(answers, "forms")
    assert (form["xmlFormId"], form["version"], form["name"]) == ("hedgehogs", "1", "Hedgehogs")
    assert _value(answers, "form") == form
    assert _value(answers, "filtered")["value"] == []
    assert answers["wkt"]["error"] == 400
    assert answers["one submission"]["error"] == 404
    table = _value(answers, "table")
    assert table["@odata.count"] == 3
    rows = table["value"]
    assert [row["__id"] for row in rows] == ["uuid:garden-1", "uuid:garden-2", "uuid:garden-3"]
    assert [row["count"] for row in rows] == [1, 2, 3]
    # The research team sees the true point.
    assert rows[0]["where"]["coordinates"][:2] == [TRUE_LONGITUDE, TRUE_LATITUDE]
    assert [row["__id"] for row in _value(answers, "page")["value"]] == ["uuid:garden-2"]
    repeat = _value(answers, "repeat")["value"]
    assert [row["animal"] for row in repeat][:3] == ["hedgehog 1a", "hedgehog 1b", "hedgehog 2a"]
    assert repeat[0]["__Submissions-id"] == "uuid:garden-1"
    submissions = _value(answers, "list")
    assert [item["instanceId"] for item in submissions] == [row["__id"] for row in rows]
    assert {item["submitterId"] for item in submissions} == {gardens["observer"].pk}


def test_an_outsider_reads_obscured_points_and_nothing_of_a_private_project(
    pyodk: Path, live_server: Any, gardens: dict[str, Any], tmp_path: Path
) -> None:
    outsider, private = UserFactory(), gardens["private"]
    answers = _run(
        pyodk,
        live_server,
        tmp_path,
        outsider,
        gardens["project"],
        [
            {"name": "projects", "method": "projects.list"},
            {
                "name": "table",
                "method": "submissions.get_table",
                "kwargs": {"form_id": "hedgehogs"},
            },
            {"name": "list", "method": "submissions.list", "kwargs": {"form_id": "hedgehogs"}},
            {
                "name": "private table",
                "method": "submissions.get_table",
                "kwargs": {"form_id": "hedgehogs", "project_id": private.pk},
            },
            {
                "name": "private list",
                "method": "submissions.list",
                "kwargs": {"form_id": "hedgehogs", "project_id": private.pk},
            },
            {"name": "private forms", "method": "forms.list", "kwargs": {"project_id": private.pk}},
        ],
    )
    assert private.pk not in [item["id"] for item in _value(answers, "projects")]
    for name in ["private table", "private list", "private forms"]:
        assert answers[name]["error"] == 404, answers[name]
    rows = _value(answers, "table")["value"]
    assert len(rows) == 3
    cell = grid_cell(TRUE_LATITUDE, TRUE_LONGITUDE)
    for row in rows:
        assert row["coordinatesObscured"] is True
        longitude, latitude = row["location"]["coordinates"][:2]
        # The public point is a seeded point anywhere in the true point's obscuring cell.
        assert cell.south <= latitude <= cell.north and cell.west <= longitude <= cell.east
        assert (longitude, latitude) != (TRUE_LONGITUDE, TRUE_LATITUDE)
        assert "submitterName" not in row["__system"]
    # No one is named: pyodk's model needs an integer, so the submitter is 0.
    assert {item["submitterId"] for item in _value(answers, "list")} == {0}
    everything = json.dumps(answers)
    assert str(TRUE_LATITUDE)[:7] not in everything
    assert str(TRUE_LONGITUDE)[:6] not in everything


def test_an_outsider_reading_the_canary_project_with_pyodk_finds_no_secret(
    pyodk: Path, live_server: Any, transactional_db: Any, tmp_path: Path
) -> None:
    planted = _plant()
    form_id = planted["form"].form.form_id
    outsider = UserFactory()
    answers = _run(
        pyodk,
        live_server,
        tmp_path,
        outsider,
        planted["project"],
        [
            {"name": "table", "method": "submissions.get_table", "kwargs": {"form_id": form_id}},
            {"name": "list", "method": "submissions.list", "kwargs": {"form_id": form_id}},
        ],
    )
    assert _value(answers, "table")["value"]
    assert _value(answers, "list")
    everything = json.dumps(answers)
    assert _canary_leaks(everything, planted["observations"]) == []


def test_a_cached_token_is_checked_and_reused_and_a_wrong_password_gets_nothing(
    pyodk: Path, live_server: Any, gardens: dict[str, Any], tmp_path: Path
) -> None:
    researcher, project = gardens["researcher"], gardens["project"]
    calls = [
        {
            "name": "table",
            "method": "submissions.get_table",
            "kwargs": {"form_id": "hedgehogs", "top": 1},
        }
    ]
    wrong = _run(pyodk, live_server, tmp_path, researcher, project, calls, password="wrong")
    assert wrong["table"]["error"] == 401
    # With a valid cached token pyodk asks GET /v1/users/current and never logs in, so the
    # wrong password in its configuration does not matter.
    cached = tmp_path / "cached.toml"
    cached.write_text(f'token = "{session_token_issue(researcher)}"\n')
    reused = _run(
        pyodk,
        live_server,
        tmp_path,
        researcher,
        project,
        calls,
        cache_path=cached,
        password="wrong",
    )
    assert [row["__id"] for row in _value(reused, "table")["value"]] == ["uuid:garden-1"]
