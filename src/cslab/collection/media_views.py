"""Serving observation media: /observations/<id>/media/<name>[?size=thumb|original].

Files are read through the storage API (file system or S3 alike) and served with the content
type found by checking their content, `X-Content-Type-Options: nosniff`, a sandboxing content
security policy, and a `Content-Disposition` with a safe file name: inline for photos,
recordings and videos, as a download for documents. Single byte ranges are answered (206) so
that audio and video can be played and sought in every browser.
"""

import re

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from cslab.collection.media_selectors import ORIGINAL, PUBLIC, ServedFile, media_get_for_serving

BYTE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@require_safe
def observation_media(request: HttpRequest, observation_id: int, name: str) -> HttpResponseBase:
    """Serve one file of an observation in the size asked for (default: the public copy)."""
    size = request.GET.get("size", PUBLIC) or PUBLIC
    served = media_get_for_serving(
        user=request.user, observation_id=observation_id, name=name, size=size
    )
    response = _file_response(request, served)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store" if size == ORIGINAL else "private, max-age=3600"
    response["Vary"] = "Cookie, Authorization"
    return response


def _file_response(request: HttpRequest, served: ServedFile) -> HttpResponseBase:
    handle = served.file.open("rb")
    length = served.file.size
    disposition = content_disposition_header(not served.inline, served.filename) or "attachment"
    byte_range = _requested_range(request.headers.get("Range", ""), length)
    if byte_range is None:
        response: HttpResponseBase = FileResponse(handle, content_type=served.content_type)
        response["Content-Length"] = str(length)
    elif byte_range == (-1, -1):
        handle.close()
        response = HttpResponse(status=416, content_type="text/plain")
        response["Content-Range"] = f"bytes */{length}"
        return response
    else:
        start, end = byte_range
        handle.seek(start)
        body = handle.read(end - start + 1)
        handle.close()
        response = HttpResponse(body, status=206, content_type=served.content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{length}"
        response["Content-Length"] = str(len(body))
    response["Content-Disposition"] = disposition
    response["Accept-Ranges"] = "bytes"
    return response


MAX_RANGE_BYTES = 8 * 1024 * 1024


def _requested_range(header: str, length: int) -> tuple[int, int] | None:
    """Return (first, last) byte of a single satisfiable range, (-1, -1) for an
    unsatisfiable one, None for no (or an unsupported) Range header."""
    match = BYTE_RANGE.match(header.strip())
    if match is None or (not match.group(1) and not match.group(2)):
        return None
    first_text, last_text = match.groups()
    if not first_text:  # the last N bytes
        start = max(length - int(last_text), 0)
        end = length - 1
    else:
        start = int(first_text)
        end = min(int(last_text), length - 1) if last_text else length - 1
    if start >= length or start > end:
        return (-1, -1)
    # A range is read into memory: cap it, the browser asks for the rest next.
    return start, min(end, start + MAX_RANGE_BYTES - 1)


urlpatterns = [
    path(
        "observations/<int:observation_id>/media/<str:name>",
        observation_media,
        name="observation_media",
    ),
]
