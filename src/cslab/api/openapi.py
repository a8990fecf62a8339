"""The OpenAPI document as clients need it: the errors each operation can answer, and which
operations are public.

django-ninja documents only the success responses a handler declares, and lists the security
schemes of an operation as if one were required even where anonymous callers are let through.
This builds the same document, then adds to each operation the problem+json responses it can
really give, derived from what the operation is (its auth, method, path and parameters), so
no handler has to declare them by hand and a new operation is documented the same way.
"""

from http import HTTPStatus
from typing import Any

from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.schema import NinjaGenerateJsonSchema

from cslab.api.auth import AnonymousAuth
from cslab.api.errors import PROBLEM_CONTENT_TYPE
from cslab.api.schemas import ProblemDetails

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BODY_SOURCES = frozenset({"body", "form", "file"})
PARAMETER_SOURCES = frozenset({"path", "query", "header", "cookie"})

# What each status means in this API; an operation lists those it can answer.
ERROR_DESCRIPTIONS = {
    400: "The input breaks a rule (`invalid_input` or a more precise code); `errors` may map "
    "field names to messages.",
    401: "Credentials are missing, or the API token sent is unknown or revoked.",
    403: "You may see this, but not do this to it (`permission_denied`).",
    404: "It does not exist, or you may not see it (the two are never told apart).",
    409: "The request clashes with what is stored: a duplicate, or a state that does not "
    "allow this.",
    413: "The request body is larger than the server accepts (`payload_too_large`).",
    414: "The URL is longer than the server reads; shorten the query.",
    422: "The request does not match the expected shape (`validation_error`); `errors` lists "
    "each `{location, message}`.",
}
# Answered by the HTTP server in front of cslab, in its own format.
SERVER_ANSWERS = frozenset({414})
PUBLIC_401 = "The API token sent is unknown or revoked (without credentials this is public)."


def allows_anonymous(operation: Operation) -> bool:
    """Whether the operation lets a caller without credentials through."""
    callbacks = getattr(operation, "auth_callbacks", None) or []
    return any(isinstance(callback, AnonymousAuth) for callback in callbacks)


def error_statuses(operation: Operation) -> list[int]:
    """The error statuses an operation can answer, in order.

    - 401 wherever credentials are checked: a missing sign-in, or a bad token (which is
      refused even on public operations rather than ignored);
    - 403 on writes and on operations for signed-in users only (a role that is not enough);
    - 404 where the path names something (an ID or a slug), where a body does (they refer
      to other things by ID, slug or token), and on operations for signed-in users only
      (a list only some roles may see is hidden from the others);
    - 400 and 409 on writes, whose services check rules and clashes; 400 also where
      parameters are read (filters, cursors, an ID too large to store);
    - 413 where a body is read; 422 wherever there are parameters or a body to validate;
    - 414 where the client writes the URL (path or query values): the production server
      refuses a request line over 4 KB before cslab sees it, so that answer is not a
      problem document.
    """
    methods = {method.upper() for method in operation.methods}
    is_write = bool(methods & WRITE_METHODS)
    sources = {model.__ninja_param_source__ for model in operation.models}
    checks_credentials = bool(getattr(operation, "auth_callbacks", None))
    signed_in_only = checks_credentials and not allows_anonymous(operation)
    statuses = []
    if is_write or sources & PARAMETER_SOURCES:
        statuses.append(400)
    if checks_credentials:
        statuses.append(401)
    if is_write or signed_in_only:
        statuses.append(403)
    if "path" in sources or "{" in operation.path or sources & BODY_SOURCES or signed_in_only:
        statuses.append(404)
    if is_write:
        statuses.append(409)
    if sources & BODY_SOURCES:
        statuses.append(413)
    if sources & (BODY_SOURCES | PARAMETER_SOURCES):
        statuses.append(422)
    if sources & {"path", "query"} or "{" in operation.path:
        statuses.append(414)
    return statuses


class CslabOpenAPISchema(OpenAPISchema):
    """django-ninja's document, with the problem responses and public operations made true."""

    def responses(self, operation: Operation) -> dict[int, Any]:
        result: dict[int, Any] = super().responses(operation)
        self._add_problem_schema()
        for status in error_statuses(operation):
            if status in result:
                continue  # the handler documents this status itself
            description = ERROR_DESCRIPTIONS[status]
            if status == 401 and allows_anonymous(operation):
                description = PUBLIC_401
            result[status] = {"description": f"{HTTPStatus(status).phrase}. {description}"}
            if status in SERVER_ANSWERS:
                continue
            result[status]["content"] = {
                PROBLEM_CONTENT_TYPE: {
                    "schema": {"$ref": REF_TEMPLATE.format(model=ProblemDetails.__name__)}
                }
            }
        return result

    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        security: list[dict[str, Any]] | None = super().operation_security(operation)
        if security and allows_anonymous(operation):
            # The empty requirement is OpenAPI's way to say credentials are optional.
            security.append({})
        return security

    def _add_problem_schema(self) -> None:
        if ProblemDetails.__name__ not in self.schemas:
            self.schemas[ProblemDetails.__name__] = ProblemDetails.model_json_schema(
                ref_template=REF_TEMPLATE,
                schema_generator=NinjaGenerateJsonSchema,
                mode="serialization",
            )
