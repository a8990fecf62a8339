"""Serving uploaded files, after a selector has decided that the viewer may have them.

Nothing under MEDIA_ROOT (or in the media bucket) is served by a public route: every file goes
through a view that asks the permission module first and then calls `serve_file`. The setting
MEDIA_DELIVERY chooses how the bytes leave:

* "stream" (default): Django reads the file through the storage API (file system or S3 alike)
  and streams it, answering single byte ranges (206) so audio and video can be sought.
* "x-accel-redirect": Django answers with an `X-Accel-Redirect` header naming
  MEDIA_ACCEL_REDIRECT_PREFIX + the storage name, and nginx sends the file from an `internal`
  location (ranges included). The file system storage only.
* "x-sendfile": Django answers with an `X-Sendfile` header holding the file's absolute path
  (Apache mod_xsendfile, lighttpd). The file system storage only.

Every answer carries `X-Content-Type-Options: nosniff`, a sandboxing content security policy,
a `Content-Disposition` with a safe ASCII file name (inline for pictures and sound, a download
otherwise) and the content type the checks found, never one guessed from a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Final
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header

STREAM: Final = "stream"
X_ACCEL_REDIRECT: Final = "x-accel-redirect"
X_SENDFILE: Final = "x-sendfile"
DELIVERIES: Final = (STREAM, X_ACCEL_REDIRECT, X_SENDFILE)
# At most 18 digits a side (a range beyond any file): Python refuses to read a number of more
# than 4,300 digits, and a header that does not parse is ignored (the whole file is sent).
BYTE_RANGE = re.compile(r"^bytes=(\d{0,18})-(\d{0,18})$")
MAX_RANGE_BYTES = 8 * 1024 * 1024
UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
# Types a browser may show in the page; every other type is sent as a download.
INLINE_TYPE_PREFIXES = ("image/", "audio/", "video/")
# Types that can run script in a browser are never sent with their own type.
UNSAFE_TYPES = frozenset(
    {"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml"}
)


@dataclass(frozen=True)
class ServedFile:
    """A stored file with the headers it is served with."""

    file: FieldFile
    content_type: str
    filename: str
    inline: bool
    private: bool


def safe_filename(name: str, extension: str) -> str:
    """Return an ASCII file name for Content-Disposition, with the served type's extension."""
    stem = PurePosixPath(name).stem or "file"
    cleaned = UNSAFE_FILENAME_CHARACTERS.sub("_", stem).strip("._") or "file"
    return f"{cleaned[:100]}.{extension}" if extension else cleaned[:100]


def file_extension(file: FieldFile) -> str:
    """Return the lower-case extension of a stored file's name, without the dot."""
    return PurePosixPath(file.name or "").suffix.lstrip(".").lower()


def is_inline_type(content_type: str) -> bool:
    return content_type.startswith(INLINE_TYPE_PREFIXES) and content_type not in UNSAFE_TYPES


def delivery() -> str:
    """Return the configured MEDIA_DELIVERY; ImproperlyConfigured for an unknown value."""
    chosen = str(getattr(settings, "MEDIA_DELIVERY", STREAM) or STREAM).lower()
    if chosen not in DELIVERIES:
        raise ImproperlyConfigured(
            f"MEDIA_DELIVERY must be one of {', '.join(DELIVERIES)}, not {chosen!r}"
        )
    return chosen


def serve_file(request: HttpRequest, served: ServedFile) -> HttpResponseBase:
    """Answer with the file, delivered as MEDIA_DELIVERY says, with the safe headers."""
    content_type = (
        "application/octet-stream" if served.content_type in UNSAFE_TYPES else served.content_type
    )
    chosen = delivery()
    if chosen == STREAM:
        response = _streamed(request, served, content_type)
    else:
        response = HttpResponse(content_type=content_type)
        if chosen == X_ACCEL_REDIRECT:
            prefix = str(getattr(settings, "MEDIA_ACCEL_REDIRECT_PREFIX", "/protected-media/"))
            location = prefix.rstrip("/") + "/" + quote(served.file.name or "")
            response["X-Accel-Redirect"] = location
        else:
            response["X-Sendfile"] = served.file.path
    if response.status_code != 416:
        disposition = content_disposition_header(not served.inline, served.filename)
        response["Content-Disposition"] = disposition or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store" if served.private else "private, max-age=3600"
    response["Vary"] = "Cookie, Authorization"
    return response


def _streamed(request: HttpRequest, served: ServedFile, content_type: str) -> HttpResponseBase:
    handle = served.file.open("rb")
    length = served.file.size
    byte_range = _requested_range(request.headers.get("Range", ""), length)
    if byte_range is None:
        response: HttpResponseBase = FileResponse(handle, content_type=content_type)
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
        response = HttpResponse(body, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{length}"
        response["Content-Length"] = str(len(body))
    response["Accept-Ranges"] = "bytes"
    return response


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
