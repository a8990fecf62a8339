"""Request logging: one structured line per request, with an id the response echoes."""

import logging
import re
import time
import uuid
from collections.abc import Callable
from http import HTTPStatus

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views import defaults

from cslab.core.errors import DomainError
from cslab.core.time_zones import zone_or_none

logger = logging.getLogger("cslab.request")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        response["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "remote_addr": request.META.get("REMOTE_ADDR"),
            },
        )
        return response


class DomainErrorMiddleware:
    """Turn domain errors raised in HTML views into the matching page.

    The status comes from the error's code in the one table (`cslab.core.problems`), as it
    does for problem+json in `cslab.api.errors` and for OpenRosa in `cslab.openrosa.views`:
    404 is the not-found page, 401 the log-in redirect, 403 the permission-denied page. Other
    errors are left to the view, which shows them on its form.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        status = status_for(exception)
        if status == HTTPStatus.NOT_FOUND:
            return defaults.page_not_found(request, exception)
        if status == HTTPStatus.UNAUTHORIZED:
            return redirect_to_login(request.get_full_path())
        if status == HTTPStatus.FORBIDDEN:
            return defaults.permission_denied(request, exception)
        return None


def status_for(error: DomainError) -> int:
    """The HTTP status of the page answering `error`: its code's, from the one table."""
    return int(error.code.status)


class TimeZoneMiddleware:
    """Show times in the signed-in person's own time zone (their profile), else the site's.

    Times are stored in UTC; templates and forms convert with the active zone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone = zone_or_none(getattr(user, "time_zone", "") or "") if user is not None else None
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
