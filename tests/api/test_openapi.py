"""The API contract changes only on purpose: the OpenAPI document is compared to a snapshot.

After an intended change, regenerate it with `UPDATE_OPENAPI_SNAPSHOT=1 make test` and commit
the new `tests/api/openapi.snapshot.json` with the change that caused it.
"""

import json
import os
from pathlib import Path
from typing import Any

import pytest

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")

pytestmark = pytest.mark.django_db


def test_openapi_document_matches_the_committed_snapshot(client: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    rendered = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(rendered)
    assert SNAPSHOT.exists(), "no snapshot yet: run with UPDATE_OPENAPI_SNAPSHOT=1"
    assert rendered == SNAPSHOT.read_text(), (
        "The API contract changed. If on purpose, regenerate with UPDATE_OPENAPI_SNAPSHOT=1."
    )


def test_openapi_document_describes_both_ways_to_authenticate(client: Any) -> None:
    schemes = client.get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} >= {"http", "apiKey"}


def test_interactive_documentation_is_served_from_our_own_static_files(client: Any) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in page.content
    assert b"cdn." not in page.content


def test_openapi_document_is_built_once_per_process() -> None:
    from cslab.api.api import api

    assert api.get_openapi_schema() is api.get_openapi_schema()
