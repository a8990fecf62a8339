"""The HTTP answer with a data export's file, shared by the data page and the API so that both
send the same name, media type and caching headers."""

from __future__ import annotations

from django.http import FileResponse

from cslab.core.errors import NotFoundError
from cslab.exports.models import DataExport
from cslab.exports.services import export_directory
from cslab.exports.writers import MEDIA_TYPES, SUFFIXES
from cslab.projects.models import Project


def data_export_file_response(*, project: Project, export: DataExport) -> FileResponse:
    """Stream the file of an export read with `data_export_get_for_download`; NotFoundError
    when the file is gone (deleted by the retention run between the look-up and now)."""
    try:
        stream = (export_directory() / export.file_name).open("rb")
    except FileNotFoundError:
        raise NotFoundError() from None
    name = f"{project.slug}-{export.source_name}-{export.scope}{SUFFIXES[export.format]}"
    response = FileResponse(
        stream, as_attachment=True, filename=name, content_type=MEDIA_TYPES[export.format]
    )
    # A team file holds true locations: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response
