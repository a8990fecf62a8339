"""Files and the cover of a resource: checked by content and size, limited in number."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from cslab.core.errors import ConflictError, InvalidInputError, PayloadTooLargeError
from cslab.hub.models import Resource, ResourceFile
from cslab.hub.services.resources import (
    resource_create,
    resource_file_add,
    resource_file_download,
    resource_file_remove,
    resource_update,
)
from tests.collection.test_media_checks import jpeg_with_gps
from tests.factories import UserFactory
from tests.hub.factories import make_resource
from tests.hub.resource_helpers import WINDOWS_PROGRAM, pdf_upload, png_bytes, record_versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(volunteer):
    return resource_create(
        actor=volunteer, kind="template", title="Consent form", summary="A consent form."
    )


def test_a_pdf_is_attached_with_its_facts(volunteer, draft):
    stored = resource_file_add(actor=volunteer, resource=draft, upload=pdf_upload(), title="")
    assert stored.content_type == "application/pdf"
    assert stored.original_name == "guide.pdf"
    assert stored.title == "guide.pdf"
    assert len(stored.sha256) == 64
    assert stored.size == stored.file.size


def test_a_program_renamed_pdf_is_refused(volunteer, draft):
    upload = SimpleUploadedFile("guide.pdf", WINDOWS_PROGRAM, content_type="application/pdf")
    with pytest.raises(InvalidInputError) as caught:
        resource_file_add(actor=volunteer, resource=draft, upload=upload)
    assert caught.value.status == 400
    assert "Windows program" in caught.value.message
    assert not ResourceFile.objects.exists()


def test_a_zip_archive_is_refused(volunteer, draft):
    upload = SimpleUploadedFile("plan.docx", b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(InvalidInputError):
        resource_file_add(actor=volunteer, resource=draft, upload=upload)


def test_a_25_megabyte_file_is_too_large(volunteer, draft):
    upload = pdf_upload(content=b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024))
    with pytest.raises(PayloadTooLargeError) as caught:
        resource_file_add(actor=volunteer, resource=draft, upload=upload)
    assert caught.value.status == 413


@override_settings(HUB_MAX_FILES_PER_RESOURCE=2)
def test_the_number_of_files_is_limited(volunteer, draft):
    for name in ("a.pdf", "b.pdf"):
        resource_file_add(actor=volunteer, resource=draft, upload=pdf_upload(name))
    with pytest.raises(InvalidInputError):
        resource_file_add(actor=volunteer, resource=draft, upload=pdf_upload("c.pdf"))
    assert draft.files.count() == 2


def test_the_same_file_name_twice_is_a_conflict(volunteer, draft):
    resource_file_add(actor=volunteer, resource=draft, upload=pdf_upload())
    with pytest.raises(ConflictError):
        resource_file_add(actor=volunteer, resource=draft, upload=pdf_upload())
    assert draft.files.count() == 1


def test_a_photo_file_loses_its_location(volunteer, draft):
    upload = SimpleUploadedFile("poster.jpg", jpeg_with_gps())
    stored = resource_file_add(actor=volunteer, resource=draft, upload=upload)
    with stored.file.open("rb") as handle:
        data = handle.read()
    assert b"AcmePhones" not in data
    assert not Image.open(io.BytesIO(data)).getexif()


def test_someone_else_cannot_add_or_remove_files(volunteer, draft):
    from cslab.core.errors import NotFoundError

    stored = resource_file_add(actor=volunteer, resource=draft, upload=pdf_upload())
    stranger = UserFactory()
    with pytest.raises(NotFoundError):
        resource_file_add(actor=stranger, resource=draft, upload=pdf_upload("x.pdf"))
    with pytest.raises(NotFoundError):
        resource_file_remove(actor=stranger, file=stored)
    assert draft.files.count() == 1


def test_removing_a_file(volunteer, draft):
    stored = resource_file_add(actor=volunteer, resource=draft, upload=pdf_upload())
    resource_file_remove(actor=volunteer, file=stored)
    assert not draft.files.exists()


def test_adding_a_file_to_a_published_resource_records_a_version(volunteer, monkeypatch):
    calls = record_versions(monkeypatch)
    resource = make_resource(submitted_by=volunteer, status="published")
    resource_file_add(actor=volunteer, resource=resource, upload=pdf_upload())
    assert len(calls) == 1


def test_a_download_counts_on_the_file_and_the_resource(volunteer, draft):
    stored = resource_file_add(actor=volunteer, resource=draft, upload=pdf_upload())
    resource_file_download(file=stored)
    resource_file_download(file=stored)
    stored.refresh_from_db()
    draft.refresh_from_db()
    assert (stored.download_count, draft.download_count) == (2, 2)


def test_a_cover_is_re_encoded_without_metadata(volunteer):
    resource = resource_create(
        actor=volunteer,
        kind="tool",
        title="Bat detector",
        summary="Listen to bats.",
        cover_image=SimpleUploadedFile("bat.jpg", jpeg_with_gps()),
        cover_alt_text="A bat detector on a fence post",
    )
    with resource.cover_image.open("rb") as handle:
        data = handle.read()
    assert b"AcmePhones" not in data and b"Jane Observer" not in data


def test_a_cover_needs_alt_text(volunteer):
    with pytest.raises(InvalidInputError) as caught:
        resource_create(
            actor=volunteer,
            kind="tool",
            title="Bat detector",
            summary="Listen to bats.",
            cover_image=SimpleUploadedFile("bat.png", png_bytes()),
        )
    assert "cover_alt_text" in caught.value.details
    assert not Resource.objects.exists()


def test_clearing_the_alt_text_of_a_cover_is_refused(volunteer):
    resource = resource_create(
        actor=volunteer,
        kind="tool",
        title="Bat detector",
        summary="Listen to bats.",
        cover_image=SimpleUploadedFile("bat.png", png_bytes()),
        cover_alt_text="A bat detector",
    )
    with pytest.raises(InvalidInputError) as caught:
        resource_update(actor=volunteer, resource=resource, cover_alt_text="")
    assert "cover_alt_text" in caught.value.details


def test_a_cover_that_is_not_a_picture_is_refused(volunteer):
    with pytest.raises(InvalidInputError) as caught:
        resource_create(
            actor=volunteer,
            kind="tool",
            title="Bat detector",
            summary="Listen to bats.",
            cover_image=pdf_upload("cover.png"),
            cover_alt_text="A cover",
        )
    assert "cover_image" in caught.value.details


def test_removing_the_cover(volunteer):
    resource = resource_create(
        actor=volunteer,
        kind="tool",
        title="Bat detector",
        summary="Listen to bats.",
        cover_image=SimpleUploadedFile("bat.png", png_bytes()),
        cover_alt_text="A bat detector",
    )
    resource_update(actor=volunteer, resource=resource, remove_cover=True, cover_alt_text="")
    resource.refresh_from_db()
    assert not resource.cover_image
