"""Schemas shared by every area of the API: the problem document, and named choice lists.

Every schema becomes a component of the OpenAPI document under its class name, and
django-ninja keeps the last one it meets when two share a name. So names are unique across
the whole API (tests/api/test_openapi.py fails on a clash): `QuestionCommentOut`, not
`CommentOut`.
"""

from typing import Any

from django.db import models
from ninja import Field, Schema
from pydantic import WithJsonSchema


class ProblemDetails(Schema):
    """An RFC 9457 problem document: every error the API answers has this shape."""

    type: str = Field(..., description="`urn:cslab:problem:<code>`.")
    title: str = Field(..., description="The HTTP status phrase.")
    status: int
    detail: str = Field(..., description="What went wrong, for people.")
    code: str = Field(..., description="A stable, machine-readable code.")
    instance: str = Field(..., description="The path of the request.")
    errors: Any = Field(
        None,
        description=(
            "Details when there are any: field names mapped to messages for 400, a list of "
            "`{location, message}` for 422."
        ),
    )


def choices_json_schema(choices: type[models.TextChoices]) -> WithJsonSchema:
    """The JSON schema of a model's choices, for a `TypeAliasType` that names them.

    Django nests choices in their model (`Observation.Status`, `Workflow.Status`), and their
    class names clash as components; an alias named after the model with this schema gives
    each list its own component, e.g.
    `ObservationStatus = TypeAliasType("ObservationStatus", Annotated[Observation.Status,
    choices_json_schema(Observation.Status)])`.
    """
    return WithJsonSchema({"type": "string", "enum": [str(value) for value in choices.values]})
