"""Telling what a file is by its content, and making copies of it without metadata (pure).

The sample builders at the top are shared by the other media test modules.
"""

import io
import struct
import wave
import zlib

import pytest
from PIL import ExifTags, Image

from cslab.media import checks as media_checks
from cslab.media.checks import ContentRefusedError

MAX_PIXELS = 50_000_000


# --- Samples -----------------------------------------------------------------------------------


def jpeg_with_gps(width: int = 40, height: int = 20, orientation: int = 1) -> bytes:
    """A JPEG with EXIF make, model, artist, orientation and a GPS position (Utrecht)."""
    picture = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "AcmePhones"
    exif[ExifTags.Base.Model] = "Pocket9000"
    exif[ExifTags.Base.Artist] = "Jane Observer"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 5.0, 26.52)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (5.0, 7.0, 17.04)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"Owner: Jane Observer")
    return buffer.getvalue()


def png_with_transparency(width: int = 30, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 120, 0, 100)).save(buffer, "PNG")
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG of a few hundred bytes whose header declares width × height pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(9)
    data = compressor.compress(row * 10) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
SHELL_SCRIPT = b"#!/bin/sh\nrm -rf /\n"
ZIP = b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 60
AMR = b"#!AMR\n" + b"\x3c" + b"\x00" * 31
MP3 = (
    b"ID3\x03\x00\x00\x00\x00\x00\x10"
    + b"TIT2"
    + b"\x00" * 12
    + b"\xff\xfb\x90\x64"
    + b"\x00" * 413
)
ADTS_AAC = b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 60
OGG_OPUS = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x13" + b"OpusHead\x01\x01" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
CSV = b"site,count\nPond,3\nMeadow,12\n"
WEBM_AUDIO = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 20 + b"A_OPUS"
WEBM_VIDEO = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 20 + b"V_VP8"


def wav(with_owner: bool = True, frames: int = 800) -> bytes:
    """A WAV recording, with the recordist's name in a LIST/INFO chunk unless asked not to."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(b"\x01\x00" * frames)
    data = buffer.getvalue()
    if not with_owner:
        return data
    info = b"INFO" + b"IART" + struct.pack("<I", 14) + b"Jane Observer\x00"
    listed = data + b"LIST" + struct.pack("<I", len(info)) + info
    return b"RIFF" + struct.pack("<I", len(listed) - 8) + listed[8:]


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def handler(kind: bytes) -> bytes:
    return box(b"hdlr", b"\x00" * 8 + kind + b"\x00" * 12 + b"\x00")


def iso_media(brand: bytes, *handlers: bytes, gps: bool = False) -> bytes:
    """An MP4-family file with one track per handler and, if asked, GPS in moov/udta."""
    tracks = b"".join(box(b"trak", box(b"mdia", handler(kind))) for kind in handlers)
    user_data = box(b"udta", box(b"\xa9xyz", b"\x00\x12\x15\xc7+52.0907+005.1214/")) if gps else b""
    movie = box(b"moov", box(b"mvhd", b"\x00" * 100) + tracks + user_data)
    file_type = box(b"ftyp", brand + b"\x00\x00\x00\x00" + brand + b"isom")
    return file_type + box(b"mdat", b"\x00" * 64) + movie


# --- Detection ---------------------------------------------------------------------------------


def detect(data: bytes, name: str = "file.bin") -> media_checks.FileType:
    return media_checks.detect_type(io.BytesIO(data), name=name)


@pytest.mark.parametrize(
    ("data", "name", "kind", "content_type"),
    [
        (jpeg_with_gps(), "x.png", "image", "image/jpeg"),
        (png_with_transparency(), "x.jpg", "image", "image/png"),
        (AMR, "recording.jpg", "audio", "audio/amr"),
        (MP3, "voice.txt", "audio", "audio/mpeg"),
        (ADTS_AAC, "voice.aac", "audio", "audio/aac"),
        (OGG_OPUS, "voice.mp3", "audio", "audio/ogg"),
        (wav(), "voice", "audio", "audio/wav"),
        (iso_media(b"M4A ", b"soun"), "voice.mp4", "audio", "audio/mp4"),
        (iso_media(b"isom", b"soun"), "voice.mp4", "audio", "audio/mp4"),
        (iso_media(b"3gp4", b"soun"), "voice.3gp", "audio", "audio/3gpp"),
        (iso_media(b"isom", b"vide", b"soun"), "clip.m4a", "video", "video/mp4"),
        (iso_media(b"qt  ", b"vide"), "clip.mov", "video", "video/quicktime"),
        (WEBM_AUDIO, "voice.webm", "audio", "audio/webm"),
        (WEBM_VIDEO, "clip.webm", "video", "video/webm"),
        (PDF, "report.pdf", "file", "application/pdf"),
        (CSV, "counts.csv", "file", "text/csv"),
        (CSV, "counts.txt", "file", "text/plain"),
    ],
)
def test_the_type_is_decided_by_the_content_not_the_name(
    data: bytes, name: str, kind: str, content_type: str
) -> None:
    found = detect(data, name)
    assert (found.kind, found.content_type) == (kind, content_type)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (SVG, "svg"),
        (b"  <svg xmlns='http://www.w3.org/2000/svg'/>", "svg"),
        (HTML, "html"),
        (b"hello<script>alert(1)</script>", "html"),
        (b'<?xml version="1.0"?><data/>', "xml"),
        (ELF, "executable"),
        (WINDOWS_PROGRAM, "executable"),
        (b"\xcf\xfa\xed\xfe" + b"\x00" * 60, "executable"),
        (SHELL_SCRIPT, "script"),
        (ZIP, "archive"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 30, "archive"),
        (b"\x00\x01\x02\x03garbage", "unknown"),
        (b"", "empty"),
        (iso_media(b"heic"), "heic_unsupported"),
        (iso_media(b"isom"), "unknown"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska", "unsupported"),
    ],
)
def test_markup_programs_archives_and_unknown_files_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(ContentRefusedError) as refused:
        detect(data, "photo.jpg")
    assert refused.value.reason == reason
    assert refused.value.what


def test_a_long_text_file_with_a_binary_tail_is_not_taken_for_text() -> None:
    data = b"a,b\n" * 40_000 + b"\x00\x01"
    with pytest.raises(ContentRefusedError):
        detect(data, "table.csv")


# --- Photos ------------------------------------------------------------------------------------


def test_a_photo_is_re_encoded_without_exif_gps_or_comments() -> None:
    derived = media_checks.derive_image(io.BytesIO(jpeg_with_gps()), max_pixels=MAX_PIXELS)

    public = Image.open(io.BytesIO(derived.public))
    assert public.format == "JPEG" and derived.content_type == "image/jpeg"
    assert len(public.getexif()) == 0
    assert "exif" not in public.info and "comment" not in public.info
    assert "icc_profile" not in public.info and "xmp" not in public.info
    for secret in (b"Jane", b"AcmePhones", b"Pocket9000", b"GPS"):
        assert secret not in derived.public and secret not in derived.thumbnail


def test_the_exif_orientation_is_applied_to_the_pixels() -> None:
    derived = media_checks.derive_image(
        io.BytesIO(jpeg_with_gps(width=40, height=20, orientation=6)), max_pixels=MAX_PIXELS
    )
    assert (derived.width, derived.height) == (20, 40)


def test_the_thumbnail_fits_in_320_pixels_and_the_public_copy_in_2048() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 1500), (1, 2, 3)).save(buffer, "JPEG")
    derived = media_checks.derive_image(buffer, max_pixels=MAX_PIXELS)

    assert Image.open(io.BytesIO(derived.thumbnail)).size == (320, 160)
    assert (derived.width, derived.height) == (2048, 1024)


def test_a_transparent_image_becomes_webp_keeping_its_transparency() -> None:
    derived = media_checks.derive_image(io.BytesIO(png_with_transparency()), max_pixels=MAX_PIXELS)
    public = Image.open(io.BytesIO(derived.public))
    assert derived.content_type == "image/webp" and public.format == "WEBP"
    assert public.mode == "RGBA"


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = png_bomb()
    assert len(bomb) < 20_000
    with pytest.raises(ContentRefusedError) as refused:
        media_checks.derive_image(io.BytesIO(bomb), max_pixels=MAX_PIXELS)
    assert refused.value.reason == "too_many_pixels"
    assert "50 megapixels" in refused.value.what


def test_a_truncated_photo_is_refused_as_damaged() -> None:
    with pytest.raises(ContentRefusedError) as refused:
        media_checks.derive_image(io.BytesIO(jpeg_with_gps()[:200]), max_pixels=MAX_PIXELS)
    assert refused.value.reason == "broken_image"


# --- Recordings and videos ---------------------------------------------------------------------


def test_gps_in_a_phone_video_is_blanked_in_the_public_copy_keeping_sizes() -> None:
    original = iso_media(b"isom", b"vide", gps=True)
    source = io.BytesIO(original)
    public = io.BytesIO()
    media_checks.copy_with_boxes_blanked(
        source, public, media_checks.iso_media_metadata_boxes(source)
    )

    copy = public.getvalue()
    assert b"+52.0907" in original and b"+52.0907" not in copy and b"\xa9xyz" not in copy
    assert len(copy) == len(original)
    assert media_checks.iso_media_handler_types(io.BytesIO(copy)) == {b"vide"}


def mp3_with_cover_art(picture_bytes: int) -> bytes:
    """An MP3 whose ID3v2 tag holds an APIC frame (cover art) of `picture_bytes` bytes."""
    picture = b"\x00image/jpeg\x00\x03\x00" + b"\xaa" * picture_bytes
    frame = b"APIC" + struct.pack(">I", len(picture)) + b"\x00\x00" + picture
    size = len(frame)
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x03\x00\x00" + syncsafe + frame + b"\xff\xfb\x90\x64" + b"\x00" * 413


@pytest.mark.parametrize("picture_bytes", [1_000, 200_000, 3_000_000])
def test_an_mp3_with_cover_art_of_any_size_is_an_mp3_recording(picture_bytes: int) -> None:
    found = media_checks.detect_type(io.BytesIO(mp3_with_cover_art(picture_bytes)))

    assert (found.kind, found.content_type) == ("audio", "audio/mpeg")


def test_the_cover_art_of_an_mp3_is_left_out_of_the_public_copy() -> None:
    public = io.BytesIO()
    media_checks.copy_mp3_without_tags(io.BytesIO(mp3_with_cover_art(200_000)), public)

    assert public.getvalue() == b"\xff\xfb\x90\x64" + b"\x00" * 413


def test_an_id3_tag_claiming_more_bytes_than_the_file_has_is_not_an_mp3() -> None:
    truncated = b"ID3\x03\x00\x00\x7f\x7f\x7f\x7f" + b"\xff\xfb\x90\x64" + b"\x00" * 100

    with pytest.raises(ContentRefusedError) as refused:
        media_checks.detect_type(io.BytesIO(truncated))

    assert refused.value.reason == "unknown"


def test_mp3_tags_are_left_out_of_the_public_copy() -> None:
    tagged = MP3 + b"TAG" + b"Jane Observer".ljust(125, b"\x00")
    public = io.BytesIO()
    media_checks.copy_mp3_without_tags(io.BytesIO(tagged), public)
    copy = public.getvalue()
    assert copy.startswith(b"\xff\xfb") and b"Jane" not in copy and b"TIT2" not in copy


def test_wav_metadata_chunks_are_left_out_of_the_public_copy() -> None:
    public = io.BytesIO()
    media_checks.copy_wav_without_metadata(io.BytesIO(wav(with_owner=True)), public)
    copy = public.getvalue()
    assert b"Jane" not in copy and b"LIST" not in copy
    with wave.open(io.BytesIO(copy)) as reader:
        assert reader.getnframes() == 800


def test_pillows_own_bomb_check_is_a_refusal_too() -> None:
    with pytest.raises(ContentRefusedError) as refused:
        media_checks.derive_image(
            io.BytesIO(png_bomb(200_000, 200_000)), max_pixels=10**12, content_type="image/png"
        )
    assert refused.value.reason == "too_many_pixels"


def test_an_image_is_decoded_only_by_the_decoder_of_its_detected_type() -> None:
    with pytest.raises(ContentRefusedError) as refused:
        media_checks.derive_image(
            io.BytesIO(png_with_transparency()), max_pixels=MAX_PIXELS, content_type="image/jpeg"
        )
    assert refused.value.reason == "broken_image"
