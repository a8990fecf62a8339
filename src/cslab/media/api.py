"""API routes for observation media: attach a file, list an observation's files (thin handlers).

Register with `api.add_router("/", media_router)` after
`from cslab.media.api import router as media_router`.
"""

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Router, Schema, Status, params
from ninja.files import UploadedFile
from pydantic import Field
from typing_extensions import TypeAliasType

from cslab.accounts.person_keys import require_queued_by
from cslab.api.auth import ANYONE, SIGNED_IN, ApiRequest
from cslab.api.schemas import choices_json_schema
from cslab.media import selectors as media_selectors
from cslab.media.models import Media
from cslab.media.services import media_attach
from cslab.observations import selectors
from cslab.projects.selectors import project_get_for_viewing

router = Router(tags=["observation media"], auth=SIGNED_IN)

MediaKind = TypeAliasType("MediaKind", Annotated[Media.Kind, choices_json_schema(Media.Kind)])


class MediaOut(Schema):
    name: str = Field(
        ...,
        description="The file name the answers use; for an obscured or private observation "
        "seen by someone who may not see its true location an opaque name "
        "(`media-<id>.<extension>`), which the URLs use too.",
    )
    kind: MediaKind
    content_type: str = Field(..., description="The type found by checking the content.")
    size: int = Field(..., description="Size of the file as received, in bytes.")
    sha256: str = Field(..., description="SHA-256 of the file as received.")
    width: int | None = Field(None, description="Width of the public copy of a photo.")
    height: int | None = Field(None, description="Height of the public copy of a photo.")
    url: str = Field(..., description="The public copy (photos re-encoded without metadata).")
    thumbnail_url: str | None = Field(None, description="A 320-pixel thumbnail (photos).")
    original_url: str | None = Field(
        None,
        description="The file as received (may hold GPS); only for people who may see the "
        "observation's true location.",
    )
    created_at: datetime | date = Field(
        ...,
        description="When the file arrived; only the day for an obscured or private "
        "observation seen by someone who may not see its true location.",
    )


def _media_out(
    media: Media, *, with_original: bool, shown: dict[str, Any] | None = None
) -> dict[str, Any]:
    shown = shown or {"name": media.name, "created_at": media.created_at}

    def url(size: str) -> str:
        # The name the viewer was shown: the view finds the file by it.
        return media_selectors.media_url_by_name(
            observation_id=media.observation_id, name=shown["name"], size=size
        )

    return {
        "name": shown["name"],
        "kind": media.kind,
        "content_type": media_selectors.public_content_type(media),
        "size": media.size,
        "sha256": media.sha256,
        "width": media.width,
        "height": media.height,
        "url": url(media_selectors.PUBLIC),
        "thumbnail_url": url(media_selectors.THUMBNAIL) if media.thumbnail else None,
        "original_url": url(media_selectors.ORIGINAL) if with_original else None,
        "created_at": shown["created_at"],
    }


@router.post(
    "/projects/{slug}/observations/{observation_id}/media",
    response={200: MediaOut, 201: MediaOut},
    summary="Attach a photo, recording or file to an observation",
)
def attach(
    request: ApiRequest,
    slug: str,
    observation_id: int,
    file: Annotated[UploadedFile, params.File(description="The photo, recording or file.")],
    name: Annotated[
        str | None,
        params.Form(
            max_length=255, description="The file name the answers use (default: the upload's)."
        ),
    ] = None,
    queued_by: Annotated[
        str | None,
        params.Query(
            max_length=100,
            description=(
                "The web form's key of the person who saved the observation on the device; "
                "another person's key is refused with 403 `queued_by_someone_else`."
            ),
        ),
    ] = None,
) -> Any:
    """Send the file as multipart/form-data field `file`, with `name` the file name the
    answers use (default: the uploaded file's name). The observer (while they may submit to
    the project), the project's owners and researchers and Lab staff may attach.

    The type is decided by the content, not the name: photos (JPEG, PNG, WebP, GIF, AVIF),
    audio (MP3, AAC, M4A, 3GPP, Ogg, WAV, WebM, AMR), video (MP4, QuickTime, 3GPP, WebM),
    PDF, CSV and plain text. SVG, HTML, XML, programs, scripts, archives and unknown types
    are refused with 400 `media_refused`; files over the limit of their kind (photos 20 MB,
    audio 50 MB, video 100 MB, other 10 MB by default) with 400 `media_too_large`.

    201 with the new media; 200 with the stored one when the same bytes were already
    attached under this name (safe to retry); 409 `media_conflict` when other bytes are.
    Photos are re-encoded for the public without EXIF/GPS; the original stays private."""
    require_queued_by(user=request.auth, queued_by=queued_by)
    project = project_get_for_viewing(user=request.auth, slug=slug)
    observation = selectors.observation_get_for_viewing(
        user=request.auth, project=project, observation_id=observation_id
    )
    media, created = media_attach(
        actor=request.auth,
        observation=observation,
        name=name or file.name or "",
        uploaded_file=file,
    )
    with_original = selectors.can_see_true_location(request.auth, observation)
    return Status(201 if created else 200, _media_out(media, with_original=with_original))


@router.get(
    "/projects/{slug}/observations/{observation_id}/media",
    auth=ANYONE,
    response=list[MediaOut],
    summary="An observation's photos, recordings and files",
)
def list_media(request: ApiRequest, slug: str, observation_id: int) -> Any:
    """Everyone who may see the observation gets the public URLs; `original_url` is set only
    for people who may see its true location (the observer, the project's owners and
    researchers, Lab staff)."""
    project = project_get_for_viewing(user=request.auth, slug=slug)
    observation = selectors.observation_get_for_viewing(
        user=request.auth, project=project, observation_id=observation_id
    )
    with_original = selectors.can_see_true_location(request.auth, observation)
    return [
        _media_out(
            media,
            with_original=with_original,
            shown=selectors.media_public_view(
                user=request.auth, observation=observation, media=media
            ),
        )
        # A file removed on request is no longer listed (its answer still names it).
        for media in observation.media.filter(removed_at__isnull=True).order_by("name")
    ]
