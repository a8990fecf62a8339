"""Serving observation media: /observations/<id>/media/<name>[?size=thumb|original].

The selector decides what the viewer may have (404 otherwise); `core.media_serving` sends the
file as MEDIA_DELIVERY says, with the content type found by checking its content,
`X-Content-Type-Options: nosniff`, a sandboxing content security policy, a `Content-Disposition`
with a safe file name (inline for photos, recordings and videos, a download for documents) and
single byte ranges (206) so that audio and video can be played and sought in every browser.
"""

from django.http import HttpRequest, HttpResponseBase
from django.urls import path
from django.views.decorators.http import require_safe

from cslab.core.media_serving import serve_file
from cslab.media.selectors import PUBLIC, media_get_for_serving


@require_safe
def observation_media(request: HttpRequest, observation_id: int, name: str) -> HttpResponseBase:
    """Serve one file of an observation in the size asked for (default: the public copy)."""
    size = request.GET.get("size", PUBLIC) or PUBLIC
    served = media_get_for_serving(
        user=request.user, observation_id=observation_id, name=name, size=size
    )
    return serve_file(request, served)


urlpatterns = [
    path(
        "observations/<int:observation_id>/media/<str:name>",
        observation_media,
        name="observation_media",
    ),
]
