"""The one place domain errors become HTTP: RFC 9457 problem+json with a stable code."""

import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from cslab.core.errors import DomainError
from cslab.core.problems import ProblemCode

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(
    request: HttpRequest,
    *,
    code: ProblemCode,
    detail: str,
    status: int | None = None,
    **extra: Any,
) -> HttpResponse:
    """Build a problem+json response; `code` is stable and documented, `detail` is for people.

    The status is the code's in the one table (`cslab.core.problems`); only a code whose
    status the web framework chooses (`http_error`) passes `status`.
    """
    status = int(status or code.status)
    body = {
        "type": f"urn:cslab:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.path,
        **extra,
    }
    response = JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="cslab"'
    return response


def status_for(error: DomainError) -> int:
    """The HTTP status of the problem+json answer to `error`: its code's, from the one table."""
    return int(error.code.status)


def install(api: NinjaAPI) -> None:
    """Register the exception handlers on the API."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
        extra = {"errors": error.details} if error.details else {}
        return problem(
            request, code=error.code, status=status_for(error), detail=error.message, **extra
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        errors = [
            {
                "location": [str(part) for part in item.get("loc", [])],
                "message": item.get("msg", ""),
            }
            for item in error.errors
        ]
        return problem(
            request,
            code=ProblemCode.VALIDATION_ERROR,
            detail="The request does not match the expected shape.",
            errors=errors,
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        return problem(
            request,
            code=ProblemCode.NOT_AUTHENTICATED,
            detail="Log in, or send a personal API token as 'Authorization: Bearer <token>'.",
        )

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, error: Throttled) -> HttpResponse:
        response = problem(request, code=ProblemCode.THROTTLED, detail="Too many requests.")
        if error.wait:
            response["Retry-After"] = str(int(error.wait))
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        return problem(
            request,
            code=ProblemCode.HTTP_ERROR,
            status=error.status_code,
            detail=str(error.message),
        )

    @api.exception_handler(RequestDataTooBig)
    def request_data_too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE; that is the
        # client's doing, so it is a 413 and not the unexpected failure it would fall to.
        return problem(
            request,
            code=ProblemCode.PAYLOAD_TOO_LARGE,
            detail=_("The request body is larger than this server accepts."),
        )

    @api.exception_handler(DataError)
    @api.exception_handler(OverflowError)
    def value_out_of_range(request: HttpRequest, error: Exception) -> HttpResponse:
        # A number or text the database cannot hold (an ID past 64 bits, text past a column's
        # length) came from the request: the client's mistake, so 400 rather than 500. Logged
        # with its traceback all the same, because a schema should have refused it first.
        logger.warning("value out of range in %s %s", request.method, request.path, exc_info=error)
        return problem(
            request,
            code=ProblemCode.VALUE_OUT_OF_RANGE,
            detail=_("A value in the request is larger than this server can store."),
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return problem(request, code=ProblemCode.NOT_FOUND, detail="Not found.")

    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(BadRequest)
    @api.exception_handler(SuspiciousOperation)
    def unreadable_request(request: HttpRequest, error: Exception) -> HttpResponse:
        # Django answers these 400 outside a view; inside the API's views they must not
        # become a 500 (a multipart body without a boundary, too many fields, a body over
        # DATA_UPLOAD_MAX_MEMORY_SIZE). The message is Django's own, without internals.
        detail = (
            f"The request body could not be read: {error}"
            if isinstance(error, MultiPartParserError)
            else "The request could not be read."
        )
        return problem(request, code=ProblemCode.INVALID_REQUEST_BODY, detail=detail)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.exception("unexpected error in %s %s", request.method, request.path)
        return problem(
            request,
            code=ProblemCode.INTERNAL_ERROR,
            detail="Something went wrong on our side; it has been logged.",
        )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer unknown paths under /api/ as problem+json, and every other path with the 404 page."""
    if request.path.startswith("/api/"):
        return problem(request, code=ProblemCode.NOT_FOUND, detail="No such API endpoint.")
    from django.views import defaults

    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer a request Django refused outside a view (a disallowed host, a body it cannot
    parse while a middleware reads it) as problem+json under /api/, else the 400 page."""
    if request.path.startswith("/api/"):
        return problem(
            request, code=ProblemCode.INVALID_REQUEST, detail="The request could not be read."
        )
    from django.views import defaults

    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem(
            request,
            code=ProblemCode.INTERNAL_ERROR,
            detail="Something went wrong on our side; it has been logged.",
        )
    from django.views import defaults

    return defaults.server_error(request)
