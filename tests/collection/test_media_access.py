"""Every uploaded file is served by a view that asks the permission module, in every mode.

Originals (which may hold EXIF GPS) have names unrelated to their public copies, no route
serves MEDIA_ROOT as it is (not even with DEBUG on), subject files and project images are
served to whoever may see them, and the delivery (streaming, X-Accel-Redirect, X-Sendfile) is
chosen by a setting.
"""

import functools
import importlib
import io
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import clear_url_caches
from PIL import Image

import cslab.urls
from cslab.classification.models import Subject
from cslab.core.roles import ProjectRole
from cslab.media.models import Media
from cslab.media.selectors import ORIGINAL, media_url_for_viewer
from cslab.media.services import media_attach
from cslab.observations.models import Observation
from cslab.projects.models import Project
from tests.classification.helpers import make_workflow
from tests.collection.test_media_attach import publish_media_form, submit_with_photo
from tests.collection.test_media_checks import jpeg_with_gps
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

PHOTO = "1714550000000.jpg"
MIGRATION = importlib.import_module(
    "cslab.collection.migrations.0006_media_original_unguessable_names"
)


@functools.cache
def collection_migration_apps() -> Any:
    """The models as `collection`'s migrations see them: those models moved to the forms,
    observations and media apps in issue 10, so the live registry no longer has them there."""
    state = MigrationLoader(None, ignore_no_migrations=True).project_state(
        ("collection", "0008_tombstone_key")
    )
    return state.apps


def _png(colour: tuple[int, int, int] = (10, 200, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def files_on_disk(settings: Any, tmp_path: Path) -> Path:
    """Store uploads on the file system under a scratch MEDIA_ROOT, as `make dev` does."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture
def urls_loaded_with_debug_on(settings: Any) -> Iterator[None]:
    """Load the URLconf as `make dev` does (DEBUG on when it is imported), then put it back."""
    settings.DEBUG = True
    importlib.reload(cslab.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(cslab.urls)
    clear_url_caches()


@pytest.fixture
def obscured_observation(db: Any) -> Observation:
    """An observation with a photo in a public project whose location is obscured."""
    project: Project = ProjectFactory(public=True)
    observer = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    observation: Observation = submit_with_photo(observer, publish_media_form(project))
    Observation.objects.filter(pk=observation.pk).update(geoprivacy=Observation.Geoprivacy.OBSCURED)
    observation.refresh_from_db()
    media_attach(
        actor=observer,
        observation=observation,
        name=PHOTO,
        uploaded_file=SimpleUploadedFile(PHOTO, jpeg_with_gps(80, 60)),
    )
    return observation


# --- Originals ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_original_has_a_name_unrelated_to_its_public_copy_and_thumbnail(
    obscured_observation: Observation,
) -> None:
    media = obscured_observation.media.get()
    original = PurePosixPath(media.original.name or "").stem

    assert media.public_file.name and media.thumbnail.name  # both copies were made
    assert original not in (media.public_file.name or "")
    assert original not in (media.thumbnail.name or "")
    assert len(original) >= 40


@pytest.mark.django_db
def test_the_original_of_an_obscured_observation_is_not_found_by_any_path_for_anonymous(
    files_on_disk: Path, urls_loaded_with_debug_on: None, obscured_observation: Observation
) -> None:
    media = obscured_observation.media.get()
    original = media.original.name or ""
    public = media.public_file.name or ""
    assert (files_on_disk / original).exists()
    guessed = str(PurePosixPath(original).with_name(PurePosixPath(public).name))
    paths = [
        f"/media/{original}",
        f"/media/{guessed}",
        f"/media/{public}",
        f"/observations/{obscured_observation.pk}/media/{PHOTO}?size=original",
        f"/observations/{obscured_observation.pk}/media/{PurePosixPath(original).name}",
        f"/observations/{obscured_observation.pk}/media/"
        f"{PurePosixPath(original).name}?size=original",
    ]

    answers = {path: _client().get(path).status_code for path in paths}

    assert answers == dict.fromkeys(paths, 404)


@pytest.mark.django_db
def test_the_migration_renames_originals_that_share_a_name_with_their_public_copy(
    obscured_observation: Observation,
) -> None:
    media = obscured_observation.media.get()
    original_bytes = media.original.read()
    media.original.close()
    # As stored before: the original and its public copy with the same random stem.
    shared_stem = PurePosixPath(media.public_file.name or "").stem
    old_name = default_storage.save(
        f"observations/original/2026/01/{shared_stem}.jpg", ContentFile(original_bytes)
    )
    default_storage.delete(media.original.name or "")
    Media.objects.filter(pk=media.pk).update(original=old_name)
    public_before = media.public_file.name

    MIGRATION.rename_originals(collection_migration_apps(), None)
    MIGRATION.rename_originals(collection_migration_apps(), None)

    media.refresh_from_db()
    new_name = media.original.name or ""
    assert new_name != old_name and shared_stem not in new_name
    assert new_name.startswith("observations/original/2026/01/") and new_name.endswith(".jpg")
    assert default_storage.open(new_name).read() == original_bytes
    assert not default_storage.exists(old_name)
    assert media.public_file.name == public_before


@pytest.mark.django_db
def test_the_migration_keeps_the_row_of_an_original_missing_from_storage(
    obscured_observation: Observation,
) -> None:
    media = obscured_observation.media.get()
    shared = f"observations/original/2026/01/{PurePosixPath(media.public_file.name or '').stem}.jpg"
    Media.objects.filter(pk=media.pk).update(original=shared)

    MIGRATION.rename_originals(collection_migration_apps(), None)

    media.refresh_from_db()
    assert media.original.name == shared


# --- Subject files -----------------------------------------------------------------------------


def _image_subject(project: Project | None = None) -> tuple[Subject, bytes, Any]:
    _workflow, subjects, owner = make_workflow(subjects=1, project=project)
    subject = subjects[0]
    content = _png()
    subject.kind = Subject.Kind.IMAGE
    subject.content_type = "image/png"
    subject.media.save("s0.png", ContentFile(content), save=False)
    subject.save()
    return subject, content, owner


@pytest.mark.django_db
def test_the_subject_image_of_a_public_workflow_is_served_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False
    subject, content, _owner = _image_subject()

    response = _client().get(subject.media_url)

    assert response.status_code == 200
    assert _body(response) == content
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")


@pytest.mark.django_db
def test_the_subject_file_of_a_private_project_is_not_found_for_outsiders() -> None:
    subject, content, owner = _image_subject(project=ProjectFactory())

    assert _client().get(subject.media_url).status_code == 404
    assert _client(UserFactory()).get(subject.media_url).status_code == 404
    assert _body(_client(owner).get(subject.media_url)) == content


@pytest.mark.django_db
def test_a_subject_made_from_an_observation_photo_serves_its_public_copy_not_the_original(
    obscured_observation: Observation,
) -> None:
    media = obscured_observation.media.get()
    _workflow, subjects, _owner = make_workflow(subjects=1, project=obscured_observation.project)
    subject = subjects[0]
    Subject.objects.filter(pk=subject.pk).update(
        kind=Subject.Kind.OBSERVATION,
        observation=obscured_observation,
        observation_media=media,
        content_type=media.content_type,
    )
    subject.refresh_from_db()

    response = _client().get(subject.media_url)

    assert subject.media_url == f"/subjects/{subject.pk}/media"
    assert _body(response) == media.public_file.open("rb").read()
    assert b"AcmePhones" not in _body(_client().get(subject.media_url))


# --- Project images ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("public", "status"), [(True, 200), (False, 404)])
def test_a_project_image_is_served_to_whoever_may_see_the_project(
    public: bool, status: int
) -> None:
    project: Project = ProjectFactory(public=True) if public else ProjectFactory()
    project.image.save("cover.png", ContentFile(_png()), save=True)

    response = _client().get(project.image_url)

    assert response.status_code == status
    assert "cover" not in project.image_url and "/media/" not in project.image_url
    if public:
        assert response["Content-Type"] == "image/png" and _body(response) == _png()


# --- Delivery ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_x_accel_redirect_delivery_hands_the_storage_name_to_nginx(
    settings: Any, obscured_observation: Observation
) -> None:
    settings.MEDIA_DELIVERY = "x-accel-redirect"
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    media = obscured_observation.media.get()

    response = _client().get(media_url_for_viewer(user=AnonymousUser(), media=media) or "")

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{media.public_file.name}"
    assert response.content == b""
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/jpeg"


@pytest.mark.django_db
def test_x_sendfile_delivery_hands_the_file_path_to_the_server(
    settings: Any, files_on_disk: Path, obscured_observation: Observation
) -> None:
    settings.MEDIA_DELIVERY = "x-sendfile"
    media = obscured_observation.media.get()

    response = _client().get(media_url_for_viewer(user=AnonymousUser(), media=media) or "")

    assert response["X-Sendfile"] == str(files_on_disk / (media.public_file.name or ""))
    assert response.content == b""


@pytest.mark.django_db
def test_x_accel_redirect_delivery_still_refuses_the_original_to_anonymous(
    settings: Any, obscured_observation: Observation
) -> None:
    settings.MEDIA_DELIVERY = "x-accel-redirect"

    response = _client().get(f"/observations/{obscured_observation.pk}/media/{PHOTO}?size=original")

    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


@pytest.mark.django_db
def test_the_url_helper_gives_the_original_only_to_viewers_who_may_see_the_true_location(
    obscured_observation: Observation,
) -> None:
    media = obscured_observation.media.get()
    observer = obscured_observation.observer
    base = f"/observations/{obscured_observation.pk}/media/{PHOTO}"

    for_anonymous = media_url_for_viewer(user=AnonymousUser(), media=media, size=ORIGINAL)
    for_observer = media_url_for_viewer(user=observer, media=media, size=ORIGINAL)

    assert for_anonymous is None
    assert for_observer == f"{base}?size=original"
    # Anonymous visitors are shown an opaque name (issue 9 item 3), and the URL uses it.
    for_public = media_url_for_viewer(user=AnonymousUser(), media=media)
    assert for_public == f"/observations/{obscured_observation.pk}/media/media-{media.pk}.jpg"
    assert _client().get(for_public).status_code == 200
    assert _client(observer).get(for_observer).status_code == 200
