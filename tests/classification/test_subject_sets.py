"""Subject sets: zip + manifest upload (all or nothing, problems per row), and from observations."""

import io
import zipfile
from typing import Any

import pytest
from PIL import Image

from cslab.classification.models import Subject, WorkflowSubject
from cslab.classification.services.subject_sets import subject_set_upload
from cslab.core.errors import InvalidInputError, PermissionDeniedError
from tests.classification.helpers import make_workflow
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage_of_this_test(settings: Any) -> None:
    """A new in-memory storage per test, so a test sees only the files it stored."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def _archive(manifest: str, files: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("manifest.csv", manifest)
        for name, content in (files or {}).items():
            bundle.writestr(f"media/{name}", content)
    return buffer.getvalue()


def test_an_upload_creates_subjects_with_hidden_metadata_and_gold_and_offers_them(
    settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    workflow, _subjects, owner = make_workflow(subjects=0)
    manifest = (
        "file,text,id,site,#camera,gold:T0,gold_explanation\n"
        "bee.png,,img-1,Garden,CAM-7,bee,Four wings.\n"
        ",A letter from 1921,txt-1,Archive,,,\n"
    )
    subject_set = subject_set_upload(
        actor=owner,
        project=workflow.project,
        name="Garden photos",
        archive=_archive(manifest, {"bee.png": _png()}),
        workflows=[workflow],
    )
    image = Subject.objects.get(subject_set=subject_set, external_id="img-1")
    # Stored re-encoded: a PNG without transparency becomes a JPEG.
    assert image.kind == "image" and image.content_type == "image/jpeg" and image.media
    assert image.visible_metadata == {"site": "Garden"}
    assert image.metadata["#camera"] == "CAM-7"
    assert image.is_gold and image.gold_answers == {"T0": "bee"}
    text = Subject.objects.get(subject_set=subject_set, external_id="txt-1")
    assert text.kind == "text" and text.text == "A letter from 1921"
    assert WorkflowSubject.objects.filter(workflow=workflow).count() == 2


def test_a_manifest_with_problems_imports_nothing_and_names_each_row() -> None:
    workflow, _subjects, owner = make_workflow(subjects=0)
    manifest = (
        "file,text,id,gold:T0\nmissing.png,,a,\nfake.png,,b,\n,Fine text,c,wasp\n,,d,\n,Good,e,\n"
    )
    with pytest.raises(InvalidInputError) as caught:
        subject_set_upload(
            actor=owner,
            project=workflow.project,
            name="Broken",
            archive=_archive(manifest, {"fake.png": b"MZ not an image"}),
            workflows=[workflow],
        )
    assert caught.value.code == "invalid_manifest_rows"
    assert [problem["row"] for problem in caught.value.details] == [2, 3, 4, 5]
    assert not Subject.objects.filter(subject_set__name="Broken").exists()


def test_an_archive_without_manifest_is_refused() -> None:
    workflow, _subjects, owner = make_workflow(subjects=0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("photo.png", _png())
    with pytest.raises(InvalidInputError) as caught:
        subject_set_upload(
            actor=owner, project=workflow.project, name="x", archive=buffer.getvalue()
        )
    assert caught.value.code == "invalid_manifest"


def test_only_the_projects_leads_upload() -> None:
    workflow, _subjects, _owner = make_workflow(subjects=0)
    with pytest.raises(PermissionDeniedError):
        subject_set_upload(
            actor=UserFactory(),
            project=workflow.project,
            name="x",
            archive=_archive("text\nhello\n"),
        )


def test_subjects_from_observation_photos_show_the_public_copy_under_an_opaque_name(
    settings: Any, tmp_path: Any
) -> None:
    from django.core.files.base import ContentFile

    from cslab.classification.services.subject_sets import subject_set_from_observations
    from cslab.forms.demo import workbook_bytes
    from cslab.forms.services import form_publish_xlsform
    from cslab.media.models import Media
    from cslab.observations.filters import ObservationFilters
    from cslab.observations.services.observations import observation_submit

    settings.MEDIA_ROOT = str(tmp_path)
    workflow, _subjects, owner = make_workflow(subjects=0)
    version = form_publish_xlsform(
        actor=owner,
        project=workflow.project,
        file_name="f.xlsx",
        content=workbook_bytes(
            {
                "survey": [
                    {"type": "image", "name": "photo", "label": "Photo"},
                    {"type": "integer", "name": "count", "label": "Count"},
                ],
                "settings": [{"form_id": "insects", "form_title": "Insects", "version": "1"}],
            }
        ),
    )
    observation, _created = observation_submit(
        actor=owner,
        form_version=version,
        instance_id="uuid:1",
        answers={"photo": "1773480413000.png", "count": 1},
    )
    media = Media(
        observation=observation,
        name="1773480413000.png",
        kind="image",
        content_type="image/png",
        size=10,
        sha256="0" * 64,
    )
    media.original.save("p.png", ContentFile(_png()), save=False)
    media.public_file.save("p-public.png", ContentFile(_png()), save=False)
    media.save()
    subject_set = subject_set_from_observations(
        actor=owner,
        project=workflow.project,
        name="Photos",
        filters=ObservationFilters(form_id="insects"),
        workflows=[workflow],
    )
    subject = subject_set.subjects.get()
    assert subject.kind == "observation" and subject.observation == observation
    # Volunteers see the external ID; the name sent is the moment the photo was taken.
    assert subject.external_id == f"observation-{observation.pk}-media-{media.pk}.png"
    assert subject.media_url == f"/subjects/{subject.pk}/media"
    assert subject.visible_metadata == {}
    assert WorkflowSubject.objects.filter(workflow=workflow, subject=subject).exists()
    again = subject_set_from_observations(
        actor=owner, project=workflow.project, name="Photos", workflows=[workflow]
    )
    assert again.subjects.count() == 1


# --- hostile archives: refused early, in small memory, leaving nothing behind ---

MEGABYTE = 1024 * 1024


def _stored_files(storage: Any | None = None, folder: str = "") -> list[str]:
    from django.core.files.storage import default_storage

    storage = storage or default_storage
    if not storage.exists(folder or "."):
        return []
    folders, files = storage.listdir(folder or ".")
    found = [f"{folder}/{name}".lstrip("/") for name in files]
    for child in folders:
        found += _stored_files(storage, f"{folder}/{child}".lstrip("/"))
    return found


def _padded_png(size: int) -> bytes:
    """A valid PNG followed by zeros up to `size` bytes (Pillow ignores what follows IEND)."""
    png = _png()
    return png + b"\0" * (size - len(png))


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as bundle:
        for name, content in entries.items():
            bundle.writestr(name, content)
    return buffer.getvalue()


def _upload(archive: bytes | Any, **kwargs: Any) -> Any:
    workflow, _subjects, owner = make_workflow(subjects=0)
    return subject_set_upload(
        actor=owner, project=workflow.project, name="Hostile", archive=archive, **kwargs
    )


def _peak_memory_of(function: Any) -> tuple[int, BaseException | None]:
    import tracemalloc

    tracemalloc.start()
    raised: BaseException | None = None
    try:
        function()
    except Exception as error:
        raised = error
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, raised


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_unpacked() -> None:
    bomb = _padded_png(25 * MEGABYTE)
    archive = _zip(
        {
            "manifest.csv": "file\n" + "".join(f"bomb-{n}.png\n" for n in range(4)),
            **{f"bomb-{n}.png": bomb for n in range(4)},
        }
    )
    del bomb
    workflow, _subjects, owner = make_workflow(subjects=0)
    peak, raised = _peak_memory_of(
        lambda: subject_set_upload(
            actor=owner, project=workflow.project, name="Bomb", archive=archive
        )
    )
    assert isinstance(raised, InvalidInputError), raised
    assert raised.code == "archive_too_large"
    assert raised.details["entry"] == "bomb-0.png"
    assert "bomb-0.png" in raised.message
    assert peak < 5 * MEGABYTE
    assert not Subject.objects.exists() and _stored_files() == []


def test_large_files_are_unpacked_in_chunks_not_held_in_memory(
    settings: Any, tmp_path: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    recording = _wav(20 * MEGABYTE)
    archive = _zip(
        {
            "manifest.csv": "file\none.wav\ntwo.wav\nthree.wav\n",
            "one.wav": recording,
            "two.wav": recording,
            "three.wav": recording,
        },
        method=zipfile.ZIP_STORED,
    )
    del recording
    workflow, _subjects, owner = make_workflow(subjects=0)
    peak, raised = _peak_memory_of(
        lambda: subject_set_upload(
            actor=owner, project=workflow.project, name="Big", archive=io.BytesIO(archive)
        )
    )
    assert raised is None, raised
    assert Subject.objects.filter(kind="audio").count() == 3
    assert peak < 12 * MEGABYTE


def _wav(size: int) -> bytes:
    """A WAV file of `size` bytes of noise (it does not compress, like real recordings)."""
    import os
    import struct

    sound = os.urandom(size - 44)
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 8000, 1, 8)
    data = b"data" + struct.pack("<I", len(sound)) + sound
    return b"RIFF" + struct.pack("<I", size - 8) + b"WAVE" + fmt + data


def test_a_file_over_the_size_limit_is_refused_naming_it(settings: Any) -> None:
    settings.SUBJECT_SET_MAX_FILE_BYTES = 1000
    with pytest.raises(InvalidInputError) as caught:
        _upload(_zip({"manifest.csv": "file\nbig.wav\n", "big.wav": _wav(5000)}))
    assert caught.value.code == "archive_too_large"
    assert caught.value.details["entry"] == "big.wav"
    assert "big.wav" in caught.value.message


def test_the_total_unpacked_size_is_limited(settings: Any) -> None:
    settings.SUBJECT_SET_MAX_TOTAL_BYTES = 12_000
    entries = {f"{n}.wav": _wav(5000) for n in range(3)}
    with pytest.raises(InvalidInputError) as caught:
        _upload(_zip({"manifest.csv": "file\n0.wav\n1.wav\n2.wav\n", **entries}))
    assert caught.value.code == "archive_too_large"
    assert not Subject.objects.exists() and _stored_files() == []


def test_a_file_named_by_many_rows_counts_against_the_total_each_time(settings: Any) -> None:
    settings.SUBJECT_SET_MAX_TOTAL_BYTES = 12_000
    manifest = "file,id\n" + "".join(f"one.wav,{n}\n" for n in range(3))
    with pytest.raises(InvalidInputError) as caught:
        _upload(_zip({"manifest.csv": manifest, "one.wav": _wav(5000)}))
    assert caught.value.code == "archive_too_large"
    assert not Subject.objects.exists() and _stored_files() == []


def test_unpacking_counts_the_real_bytes_and_stops_at_the_limit() -> None:
    from cslab.classification.services.subject_sets import ArchiveLimits, Unpacker

    limits = ArchiveLimits(
        max_entries=10,
        max_file_bytes=MEGABYTE,
        max_total_bytes=10 * MEGABYTE,
        max_compression_ratio=100,
    )
    # An entry whose directory says 10 bytes: only the bytes that come out count.
    info = zipfile.ZipInfo("liar.png")
    info.file_size = info.compress_size = 10
    source, target = io.BytesIO(b"\0" * (5 * MEGABYTE)), io.BytesIO()
    with pytest.raises(InvalidInputError) as caught:
        Unpacker(zipfile.ZipFile(io.BytesIO(_zip({})), "r"), limits).copy(
            source, target, info, None
        )
    assert caught.value.code == "archive_too_large"
    assert caught.value.details["entry"] == "liar.png"
    assert source.tell() <= MEGABYTE + 256 * 1024  # stopped one chunk past the limit
    assert len(target.getvalue()) <= MEGABYTE


def _with_bad_crc(archive: bytes, name: str) -> bytes:
    """Flip the CRC-32 of an entry in its local header and in the central directory."""
    bundle = zipfile.ZipFile(io.BytesIO(archive))
    crc = bundle.getinfo(name).CRC.to_bytes(4, "little")
    wrong = (bundle.getinfo(name).CRC ^ 0xFFFFFFFF).to_bytes(4, "little")
    return archive.replace(crc, wrong)


def test_an_entry_with_a_bad_checksum_is_refused_naming_it() -> None:
    archive = _with_bad_crc(_zip({"manifest.csv": "file\nbee.png\n", "bee.png": _png()}), "bee.png")
    with pytest.raises(InvalidInputError) as caught:
        _upload(archive)
    assert caught.value.code == "invalid_archive"
    assert caught.value.details["entry"] == "bee.png"
    assert not Subject.objects.exists() and _stored_files() == []


def test_a_size_that_lies_in_the_directory_is_caught_by_the_checksum() -> None:
    archive = _zip({"manifest.csv": "file\nbee.png\n", "bee.png": _padded_png(100_000)})
    bundle = zipfile.ZipFile(io.BytesIO(archive))
    real_size = bundle.getinfo("bee.png").file_size.to_bytes(4, "little")
    lie = (2000).to_bytes(4, "little")
    with pytest.raises(InvalidInputError) as caught:
        _upload(archive.replace(real_size, lie))
    assert caught.value.code == "invalid_archive"
    assert caught.value.details["entry"] == "bee.png"


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_an_entry_packed_with_another_method_is_refused(method: int) -> None:
    with pytest.raises(InvalidInputError) as caught:
        _upload(_zip({"manifest.csv": "text\nhello\n"}, method=method))
    assert caught.value.code == "invalid_archive"
    assert caught.value.details["entry"] == "manifest.csv"


def test_an_archive_with_too_many_files_is_refused_before_its_directory_is_read(
    settings: Any,
) -> None:
    settings.SUBJECT_SET_MAX_FILES = 2
    entries = {"manifest.csv": "text\nhello\n", "a.txt": "a", "b.txt": "b"}
    with pytest.raises(InvalidInputError) as caught:
        _upload(_zip(entries))
    assert caught.value.code == "archive_too_large"


# --- images: checked before decoding, stored re-encoded ---


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares the size; no pixels follow (a decompression bomb needs
    only a few kilobytes, Pillow refuses it at open)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_a_png_declaring_20000_by_20000_pixels_is_a_problem_of_its_row() -> None:
    archive = _zip({"manifest.csv": "file\nhuge.png\n", "huge.png": _png_header_only(20000, 20000)})
    with pytest.raises(InvalidInputError) as caught:
        _upload(archive)
    assert caught.value.code == "invalid_manifest_rows"
    assert caught.value.details[0]["row"] == 2
    assert "megapixels" in caught.value.details[0]["message"]


def test_an_image_over_the_pixel_limit_is_refused_before_decoding(settings: Any) -> None:
    settings.MEDIA_MAX_IMAGE_PIXELS = 10_000
    big = io.BytesIO()
    Image.new("RGB", (200, 200), "green").save(big, format="PNG")
    with pytest.raises(InvalidInputError) as caught:
        _upload(_zip({"manifest.csv": "file\nbig.png\n", "big.png": big.getvalue()}))
    assert caught.value.code == "invalid_manifest_rows"
    assert "big.png" in caught.value.details[0]["message"]


def test_a_jpeg_that_is_also_an_html_page_is_stored_re_encoded_without_metadata() -> None:
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Secret camera maker"
    Image.new("RGB", (64, 48), "blue").save(photo, format="JPEG", exif=exif.tobytes())
    script = b"<html><script>alert(document.cookie)</script></html>"
    # The page rides in a JPEG comment segment right after the start marker.
    comment = b"\xff\xfe" + (len(script) + 2).to_bytes(2, "big") + script
    polyglot = photo.getvalue().replace(b"\xff\xd8", b"\xff\xd8" + comment, 1)
    subject_set = _upload(_zip({"manifest.csv": "file\npage.jpg\n", "page.jpg": polyglot}))
    subject = subject_set.subjects.get()
    with subject.media.open("rb") as stored_file:
        stored = stored_file.read()
    assert b"<script" not in stored and b"Secret camera" not in stored
    assert subject.content_type == "image/jpeg" and subject.media.name.endswith(".jpg")
    assert "page.jpg" not in subject.media.name  # the archive's name is not a storage path
    with Image.open(io.BytesIO(stored)) as reopened:
        assert reopened.size == (64, 48) and not reopened.getexif()


def test_a_refusal_after_some_files_were_stored_leaves_no_files() -> None:
    manifest = "file\ngood.png\nfake.png\n"
    with pytest.raises(InvalidInputError):
        _upload(_zip({"manifest.csv": manifest, "good.png": _png(), "fake.png": b"MZ\0\0"}))
    assert not Subject.objects.exists() and _stored_files() == []


# --- through the API: clear 400s ---


def _post_archive(client: Any, archive: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    workflow, _subjects, owner = make_workflow(subjects=0)
    client.force_login(owner)
    return client.post(
        f"/api/v1/projects/{workflow.project.slug}/subject-sets",
        {"name": "Set", "archive": SimpleUploadedFile("set.zip", archive)},
    )


@pytest.mark.parametrize(
    ("archive", "code"),
    [
        (
            lambda: _with_bad_crc(_zip({"manifest.csv": "text\nhello\n"}), "manifest.csv"),
            "invalid_archive",
        ),
        (
            lambda: _zip(
                {"manifest.csv": "file\nh.png\n", "h.png": _png_header_only(20000, 20000)}
            ),
            "invalid_manifest_rows",
        ),
        (
            lambda: _zip({"manifest.csv": "file\nb.png\n", "b.png": _padded_png(5 * MEGABYTE)}),
            "archive_too_large",
        ),
        (lambda: b"PK\x03\x04 not really a zip", "invalid_archive"),
        # A cell over the csv module's field limit (128 KiB).
        (lambda: _zip({"manifest.csv": "text\n" + "x" * 200_000 + "\n"}), "invalid_manifest"),
    ],
)
def test_a_hostile_archive_through_the_api_answers_400(
    client: Any, archive: Any, code: str
) -> None:
    response = client_response = _post_archive(client, archive())
    assert client_response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_the_upload_page_shows_the_refusal_naming_the_entry(client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    workflow, _subjects, owner = make_workflow(subjects=0)
    client.force_login(owner)
    archive = _zip({"manifest.csv": "file\nb.png\n", "b.png": _padded_png(5 * MEGABYTE)})
    response = client.post(
        f"/projects/{workflow.project.slug}/subject-sets/upload/",
        {"name": "Set", "archive": SimpleUploadedFile("set.zip", archive)},
    )
    assert response.status_code == 400
    assert "b.png" in response.content.decode()
    assert not Subject.objects.exists() and _stored_files() == []


def test_the_upload_page_imports_a_good_archive(client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    workflow, _subjects, owner = make_workflow(subjects=0)
    client.force_login(owner)
    archive = _zip({"manifest.csv": "file\nbee.png\n", "bee.png": _png()})
    response = client.post(
        f"/projects/{workflow.project.slug}/subject-sets/upload/",
        {"name": "Set", "archive": SimpleUploadedFile("set.zip", archive)},
    )
    assert response.status_code == 302
    assert Subject.objects.get().content_type == "image/jpeg"


def test_the_migration_renames_stored_observation_subjects_to_opaque_names(
    settings: Any, tmp_path: Any
) -> None:
    import importlib

    from django.apps import apps

    from cslab.classification.models import Subject, SubjectSet
    from cslab.media.models import Media
    from tests.collection.test_media_attach import publish_media_form, submit_with_photo

    migration = importlib.import_module(
        "cslab.classification.migrations.0002_observation_subjects_opaque_names"
    )
    settings.MEDIA_ROOT = str(tmp_path)
    workflow, _subjects, owner = make_workflow(subjects=0)
    observation = submit_with_photo(owner, publish_media_form(workflow.project))
    media = Media.objects.create(
        observation=observation,
        name="1714550000000.jpg",
        kind="image",
        content_type="image/jpeg",
        size=10,
        sha256="0" * 64,
        original="observations/original/x.jpg",
    )
    old = f"observation-{observation.pk}-1714550000000.jpg"
    subject = Subject.objects.create(
        subject_set=SubjectSet.objects.create(project=workflow.project, name="Photos"),
        external_id=old,
        kind=Subject.Kind.OBSERVATION,
        observation=observation,
        observation_media=media,
        content_type="image/jpeg",
    )

    migration.forwards(apps, None)
    subject.refresh_from_db()
    assert subject.external_id == f"observation-{observation.pk}-media-{media.pk}.jpg"

    migration.backwards(apps, None)
    subject.refresh_from_db()
    assert subject.external_id == old


def test_a_manifest_with_more_rows_than_the_archive_may_hold_files_is_refused(
    settings: Any,
) -> None:
    settings.SUBJECT_SET_MAX_FILES = 5
    manifest = "text\n" + "x\n" * 6
    with pytest.raises(InvalidInputError) as caught:
        _upload(_zip({"manifest.csv": manifest}))
    assert caught.value.code == "invalid_manifest"
    assert "5 rows" in caught.value.message
    assert not Subject.objects.exists()


def test_a_manifest_with_thousands_of_columns_is_refused_before_its_rows_are_read() -> None:
    manifest = "text," + ",".join(f"column{number}" for number in range(1000)) + "\nx\n"
    with pytest.raises(InvalidInputError) as caught:
        _upload(_zip({"manifest.csv": manifest}))
    assert caught.value.code == "invalid_manifest"
    assert "columns" in caught.value.message
