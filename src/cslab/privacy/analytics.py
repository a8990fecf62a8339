"""Cookie-free analytics: how often each page is seen per day, and nothing about who saw it.

The middleware counts a successful GET of an HTML page in `PageViewCount` with one upsert
(INSERT ... ON CONFLICT DO UPDATE views = views + 1): concurrent views of one page never lose
a count, and a page view costs one statement. It stores no IP address, user agent, cookie or
query string, and counts nothing when the browser asks not to be tracked (`DNT: 1`,
`Sec-GPC: 1`). Static files, media, the API, OpenRosa, the admin and htmx fragments are not
pages and are skipped before any work, so the ingestion paths pay nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cslab.privacy.models import PageViewCount

logger = logging.getLogger(__name__)

SKIPPED_PREFIXES = ("/static/", "/media/", "/api/", "/openrosa/", "/admin/", "/jsi18n/")
MAX_PATH_LENGTH = PageViewCount._meta.get_field("path").max_length or 200
# Route parameters that are secrets (unsubscribe and download links): the route is counted
# instead of the address, so that no capability ends up in the staff's table.
_SECRET_PARAMETERS = ("token", "key", "code", "secret")

_TABLE = PageViewCount._meta.db_table
_UPSERT = (
    f"INSERT INTO {_TABLE} (path, day, views) VALUES (%s, %s, 1) "  # noqa: S608 (constant)  # nosec B608
    f"ON CONFLICT (path, day) DO UPDATE SET views = {_TABLE}.views + 1"
)


def counted_path(request: HttpRequest) -> str:
    """The path a page view is counted under: the path without its query string, capped; the
    route pattern instead when the address carries a secret."""
    match = request.resolver_match
    if match is not None and any(
        secret in name for name in match.kwargs for secret in _SECRET_PARAMETERS
    ):
        return ("/" + match.route)[:MAX_PATH_LENGTH]
    return request.path[:MAX_PATH_LENGTH]


def is_countable(request: HttpRequest, response: HttpResponse) -> bool:
    """A successful GET of a full HTML page by a browser that did not opt out of tracking."""
    return (
        request.method == "GET"
        and response.status_code == 200
        and not request.path.startswith(SKIPPED_PREFIXES)
        and request.headers.get("DNT") != "1"
        and request.headers.get("Sec-GPC") != "1"
        and "HX-Request" not in request.headers
        and response.get("Content-Type", "").startswith("text/html")
    )


def page_view_count(*, path: str) -> None:
    """Add one view of `path` today (a savepoint, so a failure never spoils the page)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_UPSERT, [path, timezone.localdate()])
    except DatabaseError:
        logger.exception("page view of %s not counted", path)


class PageViewCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.PAGE_VIEW_COUNTING and is_countable(request, response):
            page_view_count(path=counted_path(request))
        return response
