"""Serving a project's image: /projects/<slug>/image, to whoever may see the project."""

from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponseBase
from django.urls import path
from django.views.decorators.http import require_safe
from PIL import Image, UnidentifiedImageError

from cslab.core.errors import NotFoundError
from cslab.core.media_serving import ServedFile, file_extension, safe_filename, serve_file
from cslab.projects.selectors import project_get_for_viewing

# Pillow's format names of the images a project may show, with their content types.
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


@require_safe
def project_image(request: HttpRequest, slug: str) -> HttpResponseBase:
    """Serve the project's image with the type its content shows (a download otherwise)."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    if not project.image:
        raise NotFoundError()
    content_type = _image_type(project.image)
    return serve_file(
        request,
        ServedFile(
            file=project.image,
            content_type=content_type,
            filename=safe_filename(project.slug, file_extension(project.image)),
            inline=content_type != "application/octet-stream",
            private=False,
        ),
    )


def _image_type(image: FieldFile) -> str:
    try:
        with image.open("rb") as handle, Image.open(handle) as picture:
            return IMAGE_TYPES.get(picture.format or "", "application/octet-stream")
    except (OSError, UnidentifiedImageError, ValueError):
        return "application/octet-stream"


urlpatterns = [path("projects/<slug:slug>/image", project_image, name="project_image")]
