"""Uploads and small helpers shared by the resource tests."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cslab.hub.models import Resource
from cslab.hub.services import resources as resource_services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def pdf_upload(name: str = "guide.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_bytes(width: int = 60, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def record_versions(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the curation part's version_record with one that remembers its calls."""
    calls: list[dict[str, Any]] = []

    def fake(*, actor: Any, resource: Resource, change_note: str = "") -> None:
        calls.append({"actor": actor, "resource": resource.pk, "change_note": change_note})

    monkeypatch.setattr(resource_services.versions, "version_record", fake)
    return calls
