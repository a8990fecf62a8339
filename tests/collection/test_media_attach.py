"""Attaching files to observations: checks, copies without metadata, idempotence, permission."""

import io
import threading
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import override_settings
from PIL import Image

from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from cslab.core.roles import ProjectRole
from cslab.forms.models import FormVersion
from cslab.forms.services import form_publish_xlsform
from cslab.media.models import Media
from cslab.media.services import media_attach, media_files_erase
from cslab.observations.models import Observation
from cslab.observations.services.observations import observation_submit
from cslab.projects.models import Membership, Project
from tests.collection.test_media_checks import (
    AMR,
    ELF,
    HTML,
    SVG,
    iso_media,
    jpeg_with_gps,
    png_bomb,
)
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

MEDIA_FORM = (
    "survey,type,name,label\n"
    ",text,site,Site\n"
    ",image,photo,Photo\n"
    ",audio,story,Your story\n"
    "settings,form_id,form_title,version\n"
    ",media_form,Media,1\n"
)


def publish_media_form(project: Project) -> FormVersion:
    return form_publish_xlsform(
        actor=None, project=project, file_name="media.csv", content=MEDIA_FORM.encode()
    )


def submit_with_photo(actor: Any, version: FormVersion, instance_id: str = "uuid:m1") -> Any:
    observation, _created = observation_submit(
        actor=actor,
        form_version=version,
        instance_id=instance_id,
        answers={"site": "Pond", "photo": "1714550000000.jpg", "story": "story.amr"},
    )
    return observation


def upload(data: bytes, name: str = "1714550000000.jpg", content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    return project


@pytest.fixture
def observer(project: Project) -> Any:
    return MembershipFactory(project=project, role=ProjectRole.MEMBER).user


@pytest.fixture
def observation(project: Project, observer: Any) -> Observation:
    observation: Observation = submit_with_photo(observer, publish_media_form(project))
    return observation


def attach(
    observation: Observation, data: bytes, name: str = "1714550000000.jpg", **kw: Any
) -> Any:
    kw.setdefault("actor", observation.observer)
    uploaded = upload(data, "upload.bin")
    return media_attach(observation=observation, name=name, uploaded_file=uploaded, **kw)


@pytest.mark.django_db
def test_a_photo_is_stored_with_a_public_copy_and_a_thumbnail_without_gps(
    observation: Observation,
) -> None:
    data = jpeg_with_gps(width=800, height=400)
    media, created = attach(observation, data)

    media.refresh_from_db()
    assert created is True
    assert (media.kind, media.content_type, media.size) == ("image", "image/jpeg", len(data))
    assert (media.width, media.height) == (800, 400)
    assert media.original.read() == data
    public = media.public_file.read()
    thumbnail = Image.open(media.thumbnail)
    assert b"Jane" not in public and b"AcmePhones" not in public and b"GPS" not in public
    assert len(Image.open(io.BytesIO(public)).getexif()) == 0
    assert thumbnail.size == (320, 160)
    # The sender's file name never becomes a storage path.
    assert "1714550000000" not in (media.original.name or "")


@pytest.mark.django_db
def test_the_same_file_sent_again_is_stored_once(observation: Observation) -> None:
    data = jpeg_with_gps()
    first, created_first = attach(observation, data)
    again, created_again = attach(observation, data)

    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk
    assert Media.objects.filter(observation=observation).count() == 1


@pytest.mark.django_db
def test_other_bytes_under_a_stored_name_are_a_conflict_and_change_nothing(
    observation: Observation,
) -> None:
    stored, _ = attach(observation, jpeg_with_gps(width=40))
    with pytest.raises(ConflictError) as conflict:
        attach(observation, jpeg_with_gps(width=60))

    assert conflict.value.code == "media_conflict"
    assert Media.objects.get(pk=stored.pk).sha256 == stored.sha256


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (SVG, "drawing.jpg", "SVG"),
        (HTML, "page.jpg", "HTML"),
        (ELF, "tool.m4a", "Linux program"),
        (png_bomb(), "huge.png", "megapixels"),
        (iso_media(b"heic"), "IMG_0001.HEIC", "HEIC"),
    ],
)
def test_refused_files_name_the_file_and_say_what_it_is_and_store_nothing(
    observation: Observation, data: bytes, name: str, said: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        attach(observation, data, name=name)

    assert refused.value.code == "media_refused"
    assert name in refused.value.message and said in refused.value.message
    assert not Media.objects.exists()


@pytest.mark.django_db
def test_a_recording_is_recognised_by_its_content_even_with_a_photo_name(
    observation: Observation,
) -> None:
    media, created = attach(observation, AMR, name="story.jpg")
    assert created and (media.kind, media.content_type) == ("audio", "audio/amr")
    assert not media.thumbnail


@pytest.mark.django_db
def test_gps_in_a_phone_video_is_kept_only_in_the_original(observation: Observation) -> None:
    data = iso_media(b"isom", b"vide", b"soun", gps=True)
    media, _ = attach(observation, data, name="clip.mp4")

    assert media.content_type == "video/mp4"
    assert b"+52.0907" in media.original.read()
    assert b"+52.0907" not in media.public_file.read()


@pytest.mark.django_db
def test_a_file_over_the_limit_of_its_kind_is_refused(observation: Observation) -> None:
    with override_settings(MEDIA_MAX_AUDIO_BYTES=10), pytest.raises(InvalidInputError) as refused:
        attach(observation, AMR, name="story.amr")
    assert refused.value.code == "media_too_large"
    assert "story.amr" in refused.value.message and "AMR" in refused.value.message


@pytest.mark.django_db
@override_settings(
    MEDIA_MAX_IMAGE_BYTES=100,
    MEDIA_MAX_AUDIO_BYTES=100,
    MEDIA_MAX_VIDEO_BYTES=100,
    MEDIA_MAX_FILE_BYTES=100,
)
def test_a_file_over_every_limit_is_refused_before_its_content_is_read(
    observation: Observation,
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        attach(observation, ELF * 10, name="big.bin")
    assert refused.value.code == "media_too_large"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../escape.jpg", "folder/photo.jpg", "", ".", "a\x00b.jpg"])
def test_a_name_that_is_not_a_plain_file_name_is_refused(
    observation: Observation, name: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        attach(observation, jpeg_with_gps(), name=name)
    assert refused.value.code == "invalid_media_name"


@pytest.mark.django_db
def test_a_team_member_who_is_not_the_observer_may_not_attach(
    project: Project, observation: Observation
) -> None:
    other_member = MembershipFactory(project=project, role=ProjectRole.MEMBER).user
    with pytest.raises(PermissionDeniedError):
        attach(observation, jpeg_with_gps(), actor=other_member)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ProjectRole.OWNER, ProjectRole.RESEARCHER])
def test_project_leads_may_attach_to_someone_elses_observation(
    project: Project, observation: Observation, role: ProjectRole
) -> None:
    lead = MembershipFactory(project=project, role=role).user
    _media, created = attach(observation, jpeg_with_gps(), actor=lead)
    assert created


@pytest.mark.django_db
def test_lab_staff_may_attach(observation: Observation, staff: Any) -> None:
    _media, created = attach(observation, jpeg_with_gps(), actor=staff)
    assert created


@pytest.mark.django_db
def test_an_outsider_does_not_learn_a_private_observation_exists(
    observation: Observation, volunteer: Any
) -> None:
    with pytest.raises(NotFoundError):
        attach(observation, jpeg_with_gps(), actor=volunteer)


@pytest.mark.django_db
def test_an_observer_who_left_the_team_may_no_longer_attach(
    observation: Observation, observer: Any
) -> None:
    Membership.objects.filter(user=observer).delete()
    reloaded = Observation.objects.select_related("project").get(pk=observation.pk)
    with pytest.raises(NotFoundError):
        attach(reloaded, jpeg_with_gps(), actor=observer)


@pytest.mark.django_db
def test_a_trusted_caller_attaches_without_an_actor(observation: Observation) -> None:
    _media, created = attach(observation, jpeg_with_gps(), actor=None, trusted=True)
    assert created


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_ten_identical_attachments_at_the_same_moment_store_exactly_one_row() -> None:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    observer = UserFactory()
    Membership.objects.create(project=project, user=observer, role=ProjectRole.MEMBER)
    observation = submit_with_photo(observer, publish_media_form(project))
    data = jpeg_with_gps()
    barrier = threading.Barrier(10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            barrier.wait(timeout=10)
            _media, created = attach(Observation.objects.get(pk=observation.pk), data)
            outcome = "created" if created else "duplicate"
        except Exception as error:  # any failure is the finding
            outcome = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["created"] + ["duplicate"] * 9
    media = Media.objects.get(observation=observation)
    for field in (media.original, media.public_file, media.thumbnail):
        assert default_storage.exists(field.name)


@pytest.mark.django_db(transaction=True)
def test_erasing_an_observations_media_files_removes_them_from_storage(
    observation: Observation,
) -> None:
    media, _ = attach(observation, jpeg_with_gps())
    stored = [media.original.name, media.public_file.name, media.thumbnail.name]
    assert all(default_storage.exists(name) for name in stored)

    names = media_files_erase(observation=observation)

    assert sorted(names) == sorted(stored)
    assert not any(default_storage.exists(name) for name in stored)


@pytest.mark.django_db
@override_settings(MEDIA_MAX_IMAGE_PIXELS=1_000_000)
def test_the_pixel_limit_comes_from_the_settings(observation: Observation) -> None:
    with pytest.raises(InvalidInputError) as refused:
        attach(observation, png_bomb(2000, 1000), name="wide.png")
    assert refused.value.code == "media_refused" and "1 megapixels" in refused.value.message
