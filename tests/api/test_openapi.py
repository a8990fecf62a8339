"""The API contract changes only on purpose: the OpenAPI document is compared to a snapshot.

After an intended change, regenerate it with `UPDATE_OPENAPI_SNAPSHOT=1 make test` and commit
the new `tests/api/openapi.snapshot.json` with the change that caused it.
"""

import enum
import json
import os
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import pytest
from pydantic import BaseModel, TypeAdapter, WithJsonSchema
from typing_extensions import TypeAliasType

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


def _component_types(annotation: Any, found: dict[str, set[Any]], seen: set[Any]) -> None:
    """Collect every type that becomes a named component, by the name it is given."""
    if isinstance(annotation, TypeAliasType):
        found.setdefault(annotation.__name__, set()).add(annotation)
        if annotation not in seen:
            seen.add(annotation)
            _component_types(annotation.__value__, found, seen)
        return
    if get_origin(annotation) is Annotated:
        base, *metadata = get_args(annotation)
        if any(isinstance(item, WithJsonSchema) for item in metadata):
            return  # its JSON schema is given inline, under no name of its own
        _component_types(base, found, seen)
        return
    for argument in get_args(annotation):
        _component_types(argument, found, seen)
    if not isinstance(annotation, type) or annotation in seen:
        return
    if issubclass(annotation, enum.Enum):
        seen.add(annotation)
        found.setdefault(annotation.__name__, set()).add(annotation)
    elif issubclass(annotation, BaseModel):
        seen.add(annotation)
        found.setdefault(annotation.__name__, set()).add(annotation)
        for field in annotation.model_fields.values():
            _component_types(field.annotation, found, seen)


def _json_schemas(component: Any) -> tuple[str, str]:
    adapter = TypeAdapter(component)
    return tuple(  # type: ignore[return-value]
        json.dumps(adapter.json_schema(mode=mode), sort_keys=True)
        for mode in ("validation", "serialization")
    )


def test_no_two_schemas_share_a_component_name() -> None:
    """django-ninja files every schema under its class name and keeps the last one it meets,
    so two different schemas with one name silently document one of them wrongly."""
    from cslab.api.api import api

    found: dict[str, set[Any]] = {}
    seen: set[Any] = set()
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                # Ninja wraps parameters and responses in models of its own that are not
                # components; their fields are the schemas.
                wrappers = [*operation.models, *operation.response_models.values()]
                for wrapper in wrappers:
                    for field in getattr(wrapper, "model_fields", {}).values():
                        _component_types(field.annotation, found, seen)
    # Different classes with the same schema (one page class per list operation) are harmless.
    clashes = {
        name: sorted(f"{kind.__module__}.{kind.__qualname__}" for kind in kinds)
        for name, kinds in found.items()
        if len({_json_schemas(kind) for kind in kinds}) > 1
    }
    assert clashes == {}


def test_public_operations_say_credentials_are_optional(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {} in paths["/api/v1/projects"]["get"]["security"]
    assert {} not in paths["/api/v1/me"]["get"]["security"]


def test_every_operation_documents_the_errors_it_can_answer_as_problems(client: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert set(document["components"]["schemas"]["ProblemDetails"]["required"]) >= {
        "type",
        "title",
        "status",
        "detail",
        "code",
        "instance",
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = {
                int(status): response for status, response in operation["responses"].items()
            }
            where = f"{method.upper()} {path}"
            public = {} in operation.get("security", [{}])
            if operation.get("security"):
                assert 401 in responses, where
            if not public or method != "get":
                assert 403 in responses, where
            if "{" in path:
                assert 404 in responses, where
            if "requestBody" in operation:
                assert {413, 422} <= set(responses), where
            if method != "get":
                assert {400, 409} <= set(responses), where
            for status, response in responses.items():
                if status >= 400 and status != 414:  # 414 comes from the HTTP server
                    assert list(response["content"]) == ["application/problem+json"], where


def test_no_object_in_the_openapi_document_names_a_key_twice(client: Any) -> None:
    """Swagger UI refuses a document with a repeated key ("duplicated mapping key"), which is
    what an integer and a string status code for one response become once written as JSON."""
    repeated: list[str] = []

    def remember_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        repeated.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=remember_repeats)
    assert repeated == []
