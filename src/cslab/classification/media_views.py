"""Serving a subject's file (its image or recording): /subjects/<id>/media.

Whoever may see the subject (a workflow offering it that they may see, or managing the
project's workflows) gets the file; everyone else 404. A subject made from an observation
photo serves that photo's public copy (re-encoded without EXIF), never the original.
"""

from django.http import HttpRequest, HttpResponseBase
from django.urls import path
from django.views.decorators.http import require_safe

from cslab.classification.models import Subject
from cslab.classification.selectors import subject_get_for_media
from cslab.core.errors import NotFoundError
from cslab.core.media_serving import (
    ServedFile,
    file_extension,
    is_inline_type,
    safe_filename,
    serve_file,
)
from cslab.media.selectors import public_content_type


def subject_file_for_serving(subject: Subject) -> ServedFile:
    """Return the file of a subject the viewer may see; NotFoundError when it has none."""
    if subject.media:
        content_type = subject.content_type or "application/octet-stream"
        return ServedFile(
            file=subject.media,
            content_type=content_type,
            filename=safe_filename(subject.external_id, file_extension(subject.media)),
            inline=is_inline_type(content_type),
            private=False,
        )
    photo = subject.observation_media
    shown = (photo.public_file or photo.thumbnail) if photo is not None else None
    if photo is None or not shown:
        raise NotFoundError()
    return ServedFile(
        file=shown,
        content_type=public_content_type(photo),
        filename=safe_filename(subject.external_id, file_extension(shown)),
        inline=True,
        private=False,
    )


@require_safe
def subject_media(request: HttpRequest, subject_id: int) -> HttpResponseBase:
    """Serve a subject's image or recording to whoever may see the subject."""
    subject = subject_get_for_media(user=request.user, subject_id=subject_id)
    return serve_file(request, subject_file_for_serving(subject))


urlpatterns = [
    path("subjects/<int:subject_id>/media", subject_media, name="subject_media"),
]
