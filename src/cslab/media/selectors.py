"""Reads of observation media, filtered by what the viewer may see.

Whoever may see an observation (`selectors.observation_get_for_viewing`) may see its public
copies: the re-encoded photo without metadata, its thumbnail, and recordings and documents
with their known metadata removed. The file as received, which may carry the true location
in EXIF GPS, goes only to people allowed to see the true location
("observation.view_true_location").
"""

from django.urls import reverse

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import NotFoundError
from cslab.core.media_serving import ServedFile, safe_filename
from cslab.core.media_serving import file_extension as _extension
from cslab.media.models import Media
from cslab.observations import selectors
from cslab.observations.models import Observation

__all__ = [
    "ORIGINAL",
    "PUBLIC",
    "SIZES",
    "THUMBNAIL",
    "ServedFile",
    "media_get_for_serving",
    "media_url_by_name",
    "media_url_for_viewer",
    "public_content_type",
    "safe_filename",
]

PUBLIC = "public"
THUMBNAIL = "thumb"
ORIGINAL = "original"
SIZES = (PUBLIC, THUMBNAIL, ORIGINAL)
# Kinds a browser may show in the page; anything else is downloaded.
INLINE_KINDS = frozenset({Media.Kind.IMAGE, Media.Kind.AUDIO, Media.Kind.VIDEO})


def media_url_by_name(*, observation_id: int, name: str, size: str = PUBLIC) -> str:
    """Return the URL of one size of the file an observation's answers name, as the viewer
    was shown that name: the view that checks who may have it.

    This is the one place that builds such URLs (pages, the API): a storage path or /media/
    URL is never shown to anyone. Whether the viewer may have the file is decided when it is
    asked for; `media_url_for_viewer` leaves out what a viewer may not have.
    """
    url = reverse("observation_media", args=[observation_id, name])
    return url if size == PUBLIC else f"{url}?size={size}"


def media_url_for_viewer(*, user: Actor, media: Media, size: str = PUBLIC) -> str | None:
    """Return the URL of one size of a media file for this viewer, or None when there is no
    such file or the viewer may not have it (the original without the right to the true
    location, the thumbnail of a file that has none). The caller has checked that the viewer
    may see the observation."""
    if media.removed_at is not None:
        return None  # removed on request: nothing left to serve
    if size == ORIGINAL:
        observation = media.observation
        if not selectors.can_see_true_location(user, observation):
            return None
    elif (size == THUMBNAIL and not media.thumbnail) or size not in SIZES:
        return None
    elif not media.public_file and not selectors.shows_answers_as_they_are(user, media.observation):
        return None  # no cleaned copy, and the viewer may not have the file as received
    # The name this viewer is shown (opaque for an obscured or private observation seen
    # without its truth): the view finds the file by it and refuses the name it was sent with.
    shown = selectors.media_public_view(user=user, observation=media.observation, media=media)
    return media_url_by_name(observation_id=media.observation_id, name=shown["name"], size=size)


def observation_get_for_media(*, user: Actor, observation_id: int) -> Observation:
    """Return an observation by its ID alone; NotFoundError if unknown or not visible."""
    found = Observation.objects.select_related("project").filter(pk=observation_id).first()
    if found is None:
        raise NotFoundError()
    return selectors.observation_get_for_viewing(
        user=user, project=found.project, observation_id=observation_id
    )


def media_get_for_serving(
    *, user: Actor, observation_id: int, name: str, size: str = PUBLIC
) -> ServedFile:
    """Return the file to serve for one media of an observation in one size.

    `size` is "public" (the copy without metadata), "thumb" (photos only) or "original"
    (the file as received; only for people allowed to see the true location, others get
    NotFoundError as if it did not exist).
    """
    if size not in SIZES:
        raise NotFoundError()
    observation = observation_get_for_media(user=user, observation_id=observation_id)
    # The name the viewer was shown: the opaque one for an obscured or private observation
    # seen without its truth (the name sent may be the moment the photo was taken).
    media = selectors.media_get_by_shown_name(user=user, observation=observation, name=name)
    if size == ORIGINAL:
        permissions.require(user, "observation.view_true_location", observation)
        return ServedFile(
            file=media.original,
            content_type=media.content_type,
            filename=safe_filename(media.name, _extension(media.original)),
            inline=media.kind in INLINE_KINDS,
            private=True,
        )
    chosen = media.thumbnail if size == THUMBNAIL else media.public_file
    if not chosen and (size == THUMBNAIL or media.kind == Media.Kind.IMAGE):
        # A photo is public only as its re-encoded copy, never as received.
        raise NotFoundError()
    if not chosen and not selectors.shows_answers_as_they_are(user, observation):
        # A file without a cleaned copy (a PDF, an Ogg recording: its metadata may name a person
        # or a place) goes as received only to those who see the observation's answers as sent.
        raise NotFoundError()
    file = chosen or media.original
    return ServedFile(
        file=file,
        content_type=public_content_type(media),
        filename=safe_filename(name, _extension(file)),
        inline=media.kind in INLINE_KINDS,
        private=False,
    )


def public_content_type(media: Media) -> str:
    """Return the content type of the public copy (photos are re-encoded to JPEG or WebP)."""
    if media.kind == Media.Kind.IMAGE:
        return "image/webp" if _extension(media.public_file) == "webp" else "image/jpeg"
    return media.content_type


def media_by_shown_name(*, user: Actor, observation: Observation) -> dict[str, Media]:
    """{the name this viewer is shown: media} for every file of an observation the viewer may
    see, files removed on request included (the page says they were removed). One query."""
    found: dict[str, Media] = {}
    for media in observation.media.all().order_by("name"):
        found[
            selectors.media_public_view(user=user, observation=observation, media=media)["name"]
        ] = media
    return found
