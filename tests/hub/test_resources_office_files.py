"""Office documents on hub resources: accepted by content, refused when hostile or with macros."""

import hashlib
import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from cslab.core.errors import InvalidInputError, PayloadTooLargeError
from cslab.hub import documents_check
from cslab.hub.models import Resource, ResourceFile
from cslab.hub.services.resources import resource_create, resource_file_add
from tests.hub.factories import make_resource
from tests.hub.test_resources_pages import form_data

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

MAIN_PARTS = {
    "docx": ("word/document.xml", f"{DOCX}.main+xml"),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


def content_types(main_part: str, main_type: str, extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>{extra}</Types>'
    )


def ooxml(kind: str = "docx", *, main_type: str = "", members: dict[str, bytes] | None = None):
    """A minimal Office Open XML package of the given kind, as bytes."""
    part, default_type = MAIN_PARTS[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types(part, main_type or default_type))
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr(part, "<document>Consent form</document>")
        for name, data in (members or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()


def odf(mimetype: str = ODT, *, members: dict[str, bytes] | None = None) -> bytes:
    """A minimal OpenDocument file: `mimetype` first and stored, then its content."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", "<office:document-content/>")
        package.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
        for name, data in (members or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def draft(volunteer):
    return resource_create(
        actor=volunteer, kind="template", title="Consent form", summary="A consent form."
    )


def refusal(volunteer, draft, name: str, content: bytes) -> str:
    with pytest.raises(InvalidInputError) as caught:
        resource_file_add(actor=volunteer, resource=draft, upload=upload(name, content))
    assert caught.value.status == 400
    assert not ResourceFile.objects.exists()
    return caught.value.message


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("consent.docx", ooxml("docx"), DOCX, "docx"),
        ("budget.xlsx", ooxml("xlsx"), XLSX, "xlsx"),
        ("kick-off.pptx", ooxml("pptx"), PPTX, "pptx"),
        ("consent.odt", odf(ODT), ODT, "odt"),
        ("budget.ods", odf(ODS), ODS, "ods"),
        ("kick-off.odp", odf(ODP), ODP, "odp"),
    ],
)
def test_office_and_opendocument_files_are_accepted_by_content(
    volunteer, draft, name, content, content_type, extension
):
    stored = resource_file_add(actor=volunteer, resource=draft, upload=upload(name, content))
    assert stored.content_type == content_type
    assert stored.file.name.endswith(f".{extension}")
    with stored.file.open("rb") as handle:
        assert handle.read() == content


def test_a_docx_renamed_pdf_is_stored_as_a_docx(volunteer, draft):
    stored = resource_file_add(actor=volunteer, resource=draft, upload=upload("plan.pdf", ooxml()))
    assert stored.content_type == DOCX
    assert stored.file.name.endswith(".docx")


def test_a_macro_enabled_docm_is_refused(volunteer, draft):
    docm = ooxml(main_type="application/vnd.ms-word.document.macroEnabled.main+xml")
    message = refusal(volunteer, draft, "plan.docm", docm)
    assert "documents with macros cannot be shared; save it without macros" in message


def test_a_docx_carrying_a_vba_project_is_refused(volunteer, draft):
    content = ooxml(members={"word/vbaProject.bin": b"\x00VBA" * 10})
    assert "macros" in refusal(volunteer, draft, "plan.docx", content)


def test_an_xlsx_with_a_vba_project_deep_inside_is_refused(volunteer, draft):
    content = ooxml("xlsx", members={"xl/embeddings/deep/VBAPROJECT.BIN": b"\x00"})
    assert "macros" in refusal(volunteer, draft, "budget.xlsx", content)


def test_an_opendocument_with_basic_macros_is_refused(volunteer, draft):
    content = odf(members={"Basic/Standard/Module1.xml": b"<script:module/>"})
    assert "macros" in refusal(volunteer, draft, "consent.odt", content)


def test_an_opendocument_with_scripts_is_refused(volunteer, draft):
    content = odf(ODS, members={"Scripts/python/run.py": b"import os"})
    assert "macros" in refusal(volunteer, draft, "budget.ods", content)


def test_an_opendocument_whose_mimetype_is_compressed_is_an_archive(volunteer, draft):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("mimetype", ODT)
        package.writestr("content.xml", "<x/>")
    assert "ZIP archive" in refusal(volunteer, draft, "consent.odt", buffer.getvalue())


def test_an_opendocument_template_type_is_not_accepted(volunteer, draft):
    content = odf("application/vnd.oasis.opendocument.text-template")
    assert "ZIP archive" in refusal(volunteer, draft, "consent.odt", content)


def test_a_password_protected_opendocument_is_refused(volunteer, draft):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("mimetype", ODT, compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", "ciphertext")
        package.writestr("META-INF/manifest.xml", "<manifest:encryption-data/>")
    assert "password-protected" in refusal(volunteer, draft, "secret.odt", buffer.getvalue())


def test_a_zip_bomb_member_is_refused(volunteer, draft):
    bomb = ooxml(members={"word/media/filler.xml": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    assert "ZIP bomb" in refusal(volunteer, draft, "plan.docx", bomb)


def test_a_member_declaring_a_huge_size_is_refused(volunteer, draft):
    content = bytearray(ooxml(members={"word/big.xml": b"<a/>"}))
    # Patch the central directory entry of the last member to declare 3 GB uncompressed.
    directory = content.rfind(b"PK\x01\x02")
    struct.pack_into("<L", content, directory + 24, 3 * 1024**3)
    assert "unpacks to more than 200 MB" in refusal(volunteer, draft, "plan.docx", bytes(content))


@override_settings(HUB_MAX_FILE_BYTES=1024 * 1024)
def test_the_unpacked_total_is_limited_to_ten_times_the_file_limit(volunteer, draft):
    # 1 MB parts compressing about 100 times: each ratio is fine, the total (12 MB) is not.
    block = b"".join(hashlib.sha256(bytes([index])).digest() for index in range(128))
    part = block * 256
    content = ooxml(members={f"word/part{index}.xml": part for index in range(12)})
    assert len(content) < 1024 * 1024
    assert "unpacks to more than 10 MB" in refusal(volunteer, draft, "plan.docx", content)


def test_too_many_members_are_refused(volunteer, draft):
    members = {f"word/p{index}.xml": b"" for index in range(documents_check.MAX_MEMBERS)}
    assert "more than 2000 files" in refusal(volunteer, draft, "plan.docx", ooxml(members=members))


def test_an_end_record_declaring_many_members_is_refused_before_reading_them(volunteer, draft):
    content = bytearray(ooxml())
    end_record = len(content) - 22
    struct.pack_into("<HH", content, end_record + 8, 5000, 5000)
    message = refusal(volunteer, draft, "plan.docx", bytes(content))
    assert "more than 2000 files" in message


def test_a_zip64_end_record_declaring_a_million_members_is_refused(volunteer, draft):
    content = ooxml()
    end_record = len(content) - 22
    directory_bytes, directory_at = struct.unpack_from("<LL", content, end_record + 12)
    zip64_record = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 10**6, 10**6, directory_bytes, directory_at
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end_record, 1)
    hostile = content[:end_record] + zip64_record + locator + content[end_record:]
    assert "more than 2000 files" in refusal(volunteer, draft, "plan.docx", hostile)


def test_a_member_climbing_out_with_dotdot_is_refused(volunteer, draft):
    content = ooxml(members={"../../etc/cron.d/evil": b"* * * * * root sh"})
    assert "unsafe file names" in refusal(volunteer, draft, "plan.docx", content)


def test_an_absolute_member_name_is_refused(volunteer, draft):
    content = ooxml(members={"/etc/passwd": b"root"})
    assert "unsafe file names" in refusal(volunteer, draft, "plan.docx", content)


def test_an_encrypted_member_is_refused(volunteer, draft):
    content = bytearray(ooxml())
    directory = content.find(b"PK\x01\x02")
    flags = struct.unpack_from("<H", content, directory + 8)[0]
    struct.pack_into("<H", content, directory + 8, flags | 0x1)
    assert "encrypted" in refusal(volunteer, draft, "plan.docx", bytes(content))


def test_a_zip_of_anything_else_is_still_refused_as_an_archive(volunteer, draft):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("photos/one.jpg", b"\xff\xd8\xff")
        package.writestr("notes.txt", "hello")
    assert "ZIP archive" in refusal(volunteer, draft, "plan.docx", buffer.getvalue())


def test_a_zip_with_two_main_parts_is_refused_as_an_archive(volunteer, draft):
    content = ooxml(members={"xl/workbook.xml": b"<workbook/>"})
    assert "ZIP archive" in refusal(volunteer, draft, "plan.docx", content)


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04" + b"\x00" * 100,
        ooxml()[:-30],
        ooxml()[:200] + ooxml()[400:],
    ],
    ids=["no-directory", "cut-short", "hole-in-the-middle"],
)
def test_a_damaged_zip_is_a_400_with_a_message(volunteer, draft, content):
    message = refusal(volunteer, draft, "plan.docx", content)
    assert "plan.docx" in message


def test_a_corrupted_content_types_member_is_a_400(volunteer, draft):
    content = bytearray(ooxml())
    # Overwrite the compressed bytes of the first member ([Content_Types].xml).
    name_length, extra_length = struct.unpack_from("<HH", content, 26)
    start = 30 + name_length + extra_length
    content[start : start + 20] = b"\xff" * 20
    message = refusal(volunteer, draft, "plan.docx", bytes(content))
    assert "damaged" in message


def test_an_old_binary_word_file_is_refused_with_what_to_do(volunteer, draft):
    message = refusal(volunteer, draft, "consent.doc", OLE_HEADER)
    assert ".docx" in message
    assert "PDF" in message


def test_a_large_office_document_is_still_too_large(volunteer, draft):
    content = ooxml(members={"word/media/photo.bin": bytes(range(256)) * (100 * 1024)})
    with (
        override_settings(HUB_MAX_FILE_BYTES=len(content) - 1),
        pytest.raises(PayloadTooLargeError) as caught,
    ):
        resource_file_add(actor=volunteer, resource=draft, upload=upload("a.docx", content))
    assert caught.value.status == 413


def test_the_submit_form_shows_the_macro_refusal_and_saves_nothing(client, volunteer):
    docm = ooxml(main_type="application/vnd.ms-word.document.macroEnabled.main+xml")
    client.force_login(volunteer)
    data = form_data(kind="template", new_files=[upload("plan.docm", docm)])
    response = client.post(reverse("hub_resource_submit"), data)
    assert response.status_code == 200
    assert "documents with macros cannot be shared" in response.content.decode()
    assert not Resource.objects.exists()


def test_the_submit_form_accepts_a_docx(client, volunteer):
    client.force_login(volunteer)
    data = form_data(kind="template", new_files=[upload("consent.docx", ooxml())])
    response = client.post(reverse("hub_resource_submit"), data)
    assert response.status_code == 302
    assert Resource.objects.get().files.get().content_type == DOCX


@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [(ooxml("xlsx"), XLSX, "xlsx"), (odf(ODP), ODP, "odp")],
)
def test_a_document_is_downloaded_as_an_attachment_with_its_type(
    client, volunteer, content, content_type, extension
):
    resource = make_resource(submitted_by=volunteer, status="published")
    stored = resource_file_add(
        actor=volunteer, resource=resource, upload=upload(f"Data plan.{extension}", content)
    )
    answer = client.get(reverse("hub_resource_file", args=[resource.slug, stored.pk]))
    assert answer.status_code == 200
    assert answer["Content-Type"] == content_type
    assert answer["Content-Disposition"].startswith("attachment")
    assert f'filename="Data_plan.{extension}"' in answer["Content-Disposition"]
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert b"".join(answer.streaming_content) == content
