"""What an attached file really is, and the copies of it the public may see (pure: no ORM).

The type of a file is decided by its content (magic bytes and container structure), never by
its name or the content type a client declares: an SVG named `photo.jpg` is still an SVG.
Accepted are photos (JPEG, PNG, WebP, GIF, AVIF; HEIC/HEIF only when the optional
`pillow-heif` plugin is installed), audio (MP3, AAC, MP4/M4A, 3GPP, Ogg Vorbis/Opus, WAV,
WebM, AMR), video (MP4, QuickTime, 3GPP, WebM) and documents (PDF, CSV, plain text).
Everything else is refused with a `ContentRefusedError` naming what the file is: SVG, HTML
and XML (they may run scripts in a browser), executables and scripts, archives, and anything
unknown.

Photos are opened with Pillow only after their pixel count is checked against a limit (a
small file can declare billions of pixels: a decompression bomb), verified, and re-encoded
without any metadata (EXIF with GPS, camera make and owner, XMP, ICC comments), with the EXIF
orientation applied. Containers that carry metadata next to the sound or picture (MP4/3GPP/
QuickTime `udta`/`meta` boxes where phones write GPS, MP3 ID3 tags, WAV LIST/bext chunks) get
a public copy with that metadata removed.
"""

from __future__ import annotations

import importlib
import io
import shutil
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

IMAGE: Final = "image"
AUDIO: Final = "audio"
VIDEO: Final = "video"
FILE: Final = "file"

HEAD_BYTES = 64 * 1024
COPY_CHUNK = 1024 * 1024
# A moov box larger than this is not read for its track types (a real one is a few MB at most).
MAX_MOVIE_HEADER_BYTES = 32 * 1024 * 1024
PUBLIC_IMAGE_MAX_SIDE = 2048
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 85


def _register_heif_opener() -> bool:
    """Register pillow-heif's HEIC/HEIF opener when that optional package is installed."""
    try:
        plugin = importlib.import_module("pillow_heif")
    except ImportError:
        return False
    plugin.register_heif_opener()
    return True


HEIF_SUPPORTED: Final = _register_heif_opener()


@dataclass(frozen=True)
class FileType:
    """What a file was found to be."""

    kind: str  # IMAGE, AUDIO, VIDEO or FILE (the values of Media.Kind)
    content_type: str
    extension: str  # the usual extension of the type, without a dot
    description: str  # "a JPEG photo", for messages


class ContentRefusedError(Exception):
    """The file is of a type that is not accepted; `what` says in words what it is."""

    def __init__(self, reason: str, what: str | Promise) -> None:
        super().__init__(f"{reason}: {what}")
        self.reason = reason
        self.what = str(what)


def _type(kind: str, content_type: str, extension: str, description: str | Promise) -> FileType:
    return FileType(kind, content_type, extension, str(description))


# --- Sniffing ----------------------------------------------------------------------------------


def detect_type(file: IO[bytes], *, name: str = "") -> FileType:
    """Return the type of the file from its content; raise ContentRefusedError if not accepted.

    `name` only chooses between text/csv and text/plain for a file whose content is text.
    The file must be seekable; its position is left at the start.
    """
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if not head:
        raise ContentRefusedError("empty", _("an empty file"))
    _refuse_programs_and_archives(head)
    found = (
        _image_type(head)
        or _audio_type(file, head)
        or _iso_media_type(file, head)
        or _matroska_type(head)
        or _document_type(file, head, name)
    )
    file.seek(0)
    if found is None:
        raise ContentRefusedError("unknown", _("a file of an unknown type"))
    return found


# Exact magic bytes of programs and archives, with the refusal code and what the file is.
REFUSED_MAGIC = (
    (b"\x7fELF", "executable", _("a Linux program (ELF)")),
    (b"\xfe\xed\xfa\xce", "executable", _("a macOS program (Mach-O)")),
    (b"\xfe\xed\xfa\xcf", "executable", _("a macOS program (Mach-O)")),
    (b"\xce\xfa\xed\xfe", "executable", _("a macOS program (Mach-O)")),
    (b"\xcf\xfa\xed\xfe", "executable", _("a macOS program (Mach-O)")),
    (b"\xca\xfe\xba\xbe", "executable", _("a program (Mach-O or Java class)")),
    (b"\x00asm", "executable", _("a WebAssembly program")),
    (b"PK\x03\x04", "archive", _("a ZIP archive (or an Office document)")),
    (b"PK\x05\x06", "archive", _("a ZIP archive")),
    (b"\x1f\x8b", "archive", _("a gzip archive")),
    (b"BZh", "archive", _("a bzip2 archive")),
    (b"\xfd7zXZ\x00", "archive", _("an xz archive")),
    (b"7z\xbc\xaf\x27\x1c", "archive", _("a 7-Zip archive")),
    (b"Rar!\x1a\x07", "archive", _("a RAR archive")),
    (b"\x28\xb5\x2f\xfd", "archive", _("a Zstandard archive")),
    (b"MSCF", "archive", _("a cabinet archive")),
)


def _refuse_programs_and_archives(head: bytes) -> None:
    """Raise for executables and archives (checked first: their magic bytes are exact)."""
    for magic, reason, what in REFUSED_MAGIC:
        if head.startswith(magic):
            raise ContentRefusedError(reason, what)
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        raise ContentRefusedError("executable", _("a Windows program (PE)"))
    if head[257:262] == b"ustar":
        raise ContentRefusedError("archive", _("a tar archive"))


def _image_type(head: bytes) -> FileType | None:
    if head.startswith(b"\xff\xd8\xff"):
        return _type(IMAGE, "image/jpeg", "jpg", _("a JPEG photo"))
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _type(IMAGE, "image/png", "png", _("a PNG image"))
    if head.startswith((b"GIF87a", b"GIF89a")):
        return _type(IMAGE, "image/gif", "gif", _("a GIF image"))
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _type(IMAGE, "image/webp", "webp", _("a WebP image"))
    return None


def _audio_type(file: IO[bytes], head: bytes) -> FileType | None:
    if head.startswith(b"#!AMR-WB\n"):
        return _type(AUDIO, "audio/amr-wb", "awb", _("an AMR-WB recording"))
    if head.startswith(b"#!AMR\n"):
        return _type(AUDIO, "audio/amr", "amr", _("an AMR recording"))
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return _type(AUDIO, "audio/wav", "wav", _("a WAV recording"))
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        raise ContentRefusedError("unsupported", _("an AVI video (send MP4 or WebM)"))
    if head.startswith(b"OggS"):
        if b"\x80theora" in head:
            raise ContentRefusedError("unsupported", _("an Ogg Theora video (send MP4 or WebM)"))
        if b"OpusHead" in head or b"\x01vorbis" in head:
            return _type(AUDIO, "audio/ogg", "ogg", _("an Ogg recording"))
        return None
    frame = head
    if head.startswith(b"ID3"):
        # Cover art makes the tag as large as the picture: read the first frame past it,
        # wherever it is (the upload size limit bounds how far that can be).
        file.seek(mp3_audio_start(file))
        frame = file.read(4)
    if len(frame) >= 4 and frame[0] == 0xFF and frame[1] & 0xE0 == 0xE0:
        layer = (frame[1] >> 1) & 0b11
        version = (frame[1] >> 3) & 0b11
        if layer == 0 and frame[1] & 0xF6 == 0xF0:  # ADTS: 12 sync bits, layer 00
            return _type(AUDIO, "audio/aac", "aac", _("an AAC recording"))
        if layer != 0 and version != 0b01 and frame[2] & 0xF0 != 0xF0:
            return _type(AUDIO, "audio/mpeg", "mp3", _("an MP3 recording"))
    return None


HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)
AVIF_BRANDS = frozenset({b"avif", b"avis"})


def _iso_media_type(file: IO[bytes], head: bytes) -> FileType | None:
    """ISO base media files (MP4, M4A, 3GPP, QuickTime, HEIF, AVIF), told apart by track."""
    if head[4:8] != b"ftyp":
        return None
    box_size = struct.unpack(">I", head[:4])[0]
    brands = {head[offset : offset + 4] for offset in range(8, min(box_size, 256), 4)}
    brands.discard(head[12:16])  # minor version, not a brand
    brands.add(head[8:12])
    if brands & AVIF_BRANDS:
        return _type(IMAGE, "image/avif", "avif", _("an AVIF image"))
    if brands & HEIF_BRANDS:
        if not HEIF_SUPPORTED:
            raise ContentRefusedError(
                "heic_unsupported",
                _(
                    "a HEIC/HEIF photo, which this server cannot read yet (set the camera to "
                    "“Most compatible” or send a JPEG)"
                ),
            )
        return _type(IMAGE, "image/heic", "heic", _("a HEIC photo"))
    handlers = iso_media_handler_types(file)
    major = head[8:12]
    if b"vide" in handlers:
        if major == b"qt  ":
            return _type(VIDEO, "video/quicktime", "mov", _("a QuickTime video"))
        if major.startswith(b"3g"):
            return _type(VIDEO, "video/3gpp", "3gp", _("a 3GPP video"))
        return _type(VIDEO, "video/mp4", "mp4", _("an MP4 video"))
    if b"soun" in handlers:
        if major.startswith(b"3g"):
            return _type(AUDIO, "audio/3gpp", "3gp", _("a 3GPP recording"))
        return _type(AUDIO, "audio/mp4", "m4a", _("an M4A recording"))
    raise ContentRefusedError("unknown", _("an MP4 file without sound or video tracks"))


VIDEO_CODECS = (b"V_VP8", b"V_VP9", b"V_AV1", b"V_MPEG4", b"V_MPEGH")


def _matroska_type(head: bytes) -> FileType | None:
    if not head.startswith(b"\x1a\x45\xdf\xa3"):
        return None
    if b"webm" not in head[:64]:
        raise ContentRefusedError("unsupported", _("a Matroska (MKV) video (send MP4 or WebM)"))
    if any(codec in head for codec in VIDEO_CODECS) or b"A_" not in head:
        return _type(VIDEO, "video/webm", "webm", _("a WebM video"))
    return _type(AUDIO, "audio/webm", "webm", _("a WebM recording"))


MARKUP = (
    (b"<svg", "svg", _("an SVG drawing (SVG may carry scripts)")),
    (b"<!doctype html", "html", _("an HTML page")),
    (b"<html", "html", _("an HTML page")),
    (b"<script", "html", _("an HTML page with a script")),
    (b"<iframe", "html", _("an HTML page")),
    (b"<body", "html", _("an HTML page")),
    (b"<head", "html", _("an HTML page")),
    (b"<?xml", "xml", _("an XML document")),
)
TEXT_CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13} | {127}


def _document_type(file: IO[bytes], head: bytes, name: str) -> FileType | None:
    if head.startswith(b"%PDF-"):
        return _type(FILE, "application/pdf", "pdf", _("a PDF document"))
    if not _is_text(head):
        return None
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(b"#!"):
        raise ContentRefusedError("script", _("a script"))
    for marker, reason, what in MARKUP:
        if marker in lowered:
            raise ContentRefusedError(reason, what)
    if lowered.startswith(b"<"):
        raise ContentRefusedError("xml", _("an XML or HTML document"))
    if not all(_is_text(chunk) for chunk in _chunks(file)):
        return None
    if name.lower().endswith((".csv", ".tsv")):
        return _type(FILE, "text/csv", "csv", _("a CSV table"))
    return _type(FILE, "text/plain", "txt", _("a text file"))


def _is_text(data: bytes) -> bool:
    return not TEXT_CONTROL_BYTES.intersection(data)


def _chunks(file: IO[bytes], size: int = 1024 * 1024) -> Iterator[bytes]:
    file.seek(0)
    while chunk := file.read(size):
        yield chunk


# --- ISO base media (MP4, M4A, 3GPP, QuickTime) -------------------------------------------------


@dataclass(frozen=True)
class Box:
    """One box of an ISO base media file: where it starts, its full size, its type."""

    offset: int
    size: int
    type: bytes
    header_size: int


def _box_at(header: bytes, offset: int, available: int) -> Box | None:
    """Read the header (up to 16 bytes) of the box at `offset` with `available` bytes left
    until the end of its parent; None when the box is malformed or runs past the end."""
    size, kind = struct.unpack(">I4s", header[:8])
    header_size = 8
    if size == 1 and len(header) >= 16:
        size = struct.unpack(">Q", header[8:16])[0]
        header_size = 16
    elif size == 0:
        size = available
    if size < header_size or size > available:
        return None
    return Box(offset, size, kind, header_size)


def _boxes(data: bytes, start: int = 0, end: int | None = None, base: int = 0) -> Iterator[Box]:
    """Yield the boxes laid out one after another in data[start:end]."""
    end = len(data) if end is None else end
    position = start
    while position + 8 <= end:
        box = _box_at(data[position : min(position + 16, end)], base + position, end - position)
        if box is None:
            return
        yield box
        position += box.size


def _top_level_boxes(file: IO[bytes]) -> Iterator[Box]:
    file.seek(0, io.SEEK_END)
    length = file.tell()
    position = 0
    while position + 8 <= length:
        file.seek(position)
        box = _box_at(file.read(16), position, length - position)
        if box is None:
            return
        yield box
        position += box.size


def _movie_header(file: IO[bytes]) -> tuple[Box, bytes] | None:
    for box in _top_level_boxes(file):
        if box.type == b"moov" and box.size <= MAX_MOVIE_HEADER_BYTES:
            file.seek(box.offset)
            return box, file.read(box.size)
    return None


def iso_media_handler_types(file: IO[bytes]) -> set[bytes]:
    """Return the handler types of the file's tracks (b"vide", b"soun", ...)."""
    found = _movie_header(file)
    file.seek(0)
    if found is None:
        return set()
    _movie, data = found
    handlers: set[bytes] = set()
    for track in _boxes(data, 8):
        if track.type != b"trak":
            continue
        for media in _boxes(data, track.offset + 8, track.offset + track.size):
            if media.type != b"mdia":
                continue
            for item in _boxes(data, media.offset + 8, media.offset + media.size):
                if item.type == b"hdlr":
                    handlers.add(data[item.offset + 16 : item.offset + 20])
    return handlers


METADATA_BOXES = frozenset({b"udta", b"meta", b"uuid", b"XMP_"})


def iso_media_metadata_boxes(file: IO[bytes]) -> list[Box]:
    """Return the boxes holding metadata (user data, `meta`, `uuid`/XMP) at the top level, in
    the movie header and in its tracks: where phones write GPS position, make and model."""
    boxes = [box for box in _top_level_boxes(file) if box.type in METADATA_BOXES]
    found = _movie_header(file)
    if found is not None:
        movie, data = found
        for child in _boxes(data, 8, base=movie.offset):
            if child.type in METADATA_BOXES:
                boxes.append(child)
            elif child.type == b"trak":
                start = child.offset - movie.offset
                items = _boxes(data, start + 8, start + child.size, base=movie.offset)
                boxes.extend(item for item in items if item.type in METADATA_BOXES)
    file.seek(0)
    return boxes


def copy_with_boxes_blanked(source: IO[bytes], target: IO[bytes], boxes: list[Box]) -> None:
    """Copy the file, turning each box into a `free` box of zeros of the same size.

    Sizes and offsets stay as they were, so sample tables keep pointing at the right bytes
    and players skip the blanked boxes.
    """
    source.seek(0)
    shutil.copyfileobj(source, target, COPY_CHUNK)
    for box in boxes:
        target.seek(box.offset)
        filler = (
            struct.pack(">I4s", box.size, b"free")
            if box.header_size == 8
            else (struct.pack(">I4sQ", 1, b"free", box.size))
        )
        target.write(filler)
        remaining = box.size - len(filler)
        while remaining > 0:
            step = min(remaining, COPY_CHUNK)
            target.write(b"\x00" * step)
            remaining -= step
    target.seek(0)
    source.seek(0)


# --- MP3 and WAV -------------------------------------------------------------------------------


ID3_HEADER_BYTES = 10


def mp3_audio_start(file: IO[bytes]) -> int:
    """Return the offset just past the leading ID3v2 tags (0 when there are none).

    Each tag's size is read from its header (a syncsafe integer, up to 256 MB), so a tag of
    any size is skipped without reading it. The file's position is left at the start.
    """
    position = 0
    length = _length(file)
    while position + ID3_HEADER_BYTES <= length:
        file.seek(position)
        header = file.read(ID3_HEADER_BYTES)
        if not header.startswith(b"ID3"):
            break
        size = 0
        for byte in header[6:10]:
            size = (size << 7) | (byte & 0x7F)
        footer = ID3_HEADER_BYTES if header[5] & 0x10 else 0
        position = min(position + ID3_HEADER_BYTES + size + footer, length)
    file.seek(0)
    return position


def copy_mp3_without_tags(source: IO[bytes], target: IO[bytes]) -> None:
    """Copy an MP3 without its ID3v2 tags at the start and ID3v1 tag at the end."""
    length = _length(source)
    start = mp3_audio_start(source)
    end = length
    if length >= 128:
        source.seek(length - 128)
        if source.read(3) == b"TAG":
            end = length - 128
    _copy_range(source, target, start, end)
    target.seek(0)
    source.seek(0)


def _length(file: IO[bytes]) -> int:
    file.seek(0, io.SEEK_END)
    return file.tell()


def _copy_range(source: IO[bytes], target: IO[bytes], start: int, end: int) -> None:
    source.seek(start)
    remaining = end - start
    while remaining > 0:
        chunk = source.read(min(remaining, COPY_CHUNK))
        if not chunk:
            return
        target.write(chunk)
        remaining -= len(chunk)


WAV_KEPT_CHUNKS = frozenset({b"fmt ", b"fact", b"data"})


def copy_wav_without_metadata(source: IO[bytes], target: IO[bytes]) -> None:
    """Copy a WAV file keeping only its format and sound chunks (not LIST, bext, iXML, id3)."""
    length = _length(source)
    kept: list[tuple[int, int]] = []
    position = 12
    while position + 8 <= length:
        source.seek(position)
        kind, size = struct.unpack("<4sI", source.read(8))
        chunk_end = min(position + 8 + size + (size & 1), length)
        if kind in WAV_KEPT_CHUNKS:
            kept.append((position, chunk_end))
        position = chunk_end
    total = sum(end - start for start, end in kept)
    target.write(b"RIFF" + struct.pack("<I", 4 + total) + b"WAVE")
    for start, end in kept:
        _copy_range(source, target, start, end)
    target.seek(0)
    source.seek(0)


# --- Photos ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DerivedImage:
    """The public copy of a photo and its thumbnail, both without metadata."""

    public: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int


def derive_image(
    file: IO[bytes],
    *,
    max_pixels: int,
    content_type: str = "",
    public_max_side: int = PUBLIC_IMAGE_MAX_SIDE,
    thumbnail_side: int = THUMBNAIL_SIDE,
) -> DerivedImage:
    """Check a photo and return its public copy and thumbnail; raise ContentRefusedError.

    The pixel count is checked from the header before any pixel is decoded (Pillow's own
    bomb check, at twice its MAX_IMAGE_PIXELS, is a refusal too). `content_type`, as found by
    `detect_type`, limits Pillow to that one decoder. The copy has the EXIF orientation
    applied, colours converted to sRGB, and no metadata at all: it is JPEG, or WebP when the
    photo has transparency.
    """
    decoder = PILLOW_FORMATS.get(content_type)
    formats = [decoder] if decoder else None
    try:
        return _derive_image(file, max_pixels, formats, public_max_side, thumbnail_side)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(max_pixels) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise ContentRefusedError("broken_image", _("a damaged or unreadable image")) from error


PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/avif": "AVIF",
    "image/heic": "HEIF",
}


def _too_many_pixels(max_pixels: int) -> ContentRefusedError:
    megapixels = max_pixels // 1_000_000
    return ContentRefusedError(
        "too_many_pixels",
        _("an image of more than %(megapixels)d megapixels") % {"megapixels": megapixels},
    )


def _derive_image(
    file: IO[bytes],
    max_pixels: int,
    formats: list[str] | None,
    public_max_side: int,
    thumbnail_side: int,
) -> DerivedImage:
    file.seek(0)
    with Image.open(file, formats=formats) as probe:
        width, height = probe.size
        if width * height > max_pixels or width <= 0 or height <= 0:
            raise _too_many_pixels(max_pixels)
        probe.verify()
    if formats == ["PNG"]:
        check_png_data(file)
    file.seek(0)
    with Image.open(file, formats=formats) as opened:
        opened.seek(0)  # the first frame of an animation
        opened.load()
        oriented = ImageOps.exif_transpose(opened) or opened
        picture = _to_srgb(oriented, opened.info.get("icc_profile"))
    has_alpha = picture.mode in {"RGBA", "LA", "PA"} or (
        picture.mode == "P" and "transparency" in picture.info
    )
    picture = picture.convert("RGBA" if has_alpha else "RGB")
    picture.info.clear()
    public = picture.copy()
    public.thumbnail((public_max_side, public_max_side), Image.Resampling.LANCZOS)
    thumbnail = picture.copy()
    thumbnail.thumbnail((thumbnail_side, thumbnail_side), Image.Resampling.LANCZOS)
    content_type, extension = ("image/webp", "webp") if has_alpha else ("image/jpeg", "jpg")
    return DerivedImage(
        public=_encode(public, has_alpha),
        thumbnail=_encode(thumbnail, has_alpha),
        content_type=content_type,
        extension=extension,
        width=public.width,
        height=public.height,
    )


PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type
PNG_CHUNK_LIMIT = 64 * 1024 * 1024


def check_png_data(file: IO[bytes]) -> None:
    """Refuse a PNG whose image data inflates to more than its declared pixels need.

    A 1 × 1 header followed by gigabytes of compressed zeros is a decompression bomb that the
    pixel count does not catch. The IDAT chunks are inflated in steps of at most 1 MB and
    counted, never kept; inflating stops one byte past what the header allows.
    """
    file.seek(8)
    header = file.read(25)
    if len(header) < 25 or header[4:8] != b"IHDR":
        raise ContentRefusedError("broken_image", _("a damaged or unreadable image"))
    width, height, depth, colour_type, _compression, _filter, interlace = struct.unpack(
        ">IIBBBBB", header[8:21]
    )
    row_bytes = -(-width * depth * PNG_CHANNELS.get(colour_type, 4) // 8)
    allowed = height * (1 + row_bytes)
    if interlace:  # Adam7: a filter byte and a rounded-up byte per row of each of 7 passes
        allowed += 14 * (height + 8)
    allowed += 1024
    inflater = zlib.decompressobj()
    inflated = 0
    file.seek(8)
    while True:
        chunk_header = file.read(8)
        if len(chunk_header) < 8:
            break
        length, kind = struct.unpack(">I4s", chunk_header)
        if kind == b"IEND":
            break
        if kind != b"IDAT":
            file.seek(length + 4, io.SEEK_CUR)
            continue
        if length > PNG_CHUNK_LIMIT:
            raise ContentRefusedError("broken_image", _("a damaged or unreadable image"))
        pending = file.read(length)
        file.seek(4, io.SEEK_CUR)  # the CRC, which verify() checked
        while pending:
            try:
                output = inflater.decompress(pending, COPY_CHUNK)
            except zlib.error as error:
                raise ContentRefusedError(
                    "broken_image", _("a damaged or unreadable image")
                ) from error
            inflated += len(output)
            if inflated > allowed:
                raise ContentRefusedError(
                    "too_much_image_data",
                    _("an image whose data is far larger than its pixels (a compression bomb)"),
                )
            pending = inflater.unconsumed_tail
            if not output and not pending:
                break
    file.seek(0)


def _to_srgb(picture: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert colours to sRGB (the profile itself is not kept: it may name its maker)."""
    if not icc_profile or picture.mode not in {"RGB", "RGBA", "CMYK"}:
        return picture
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        target = ImageCms.createProfile("sRGB")
        output_mode = "RGBA" if picture.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(picture, source, target, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture
    return converted if converted is not None else picture


def _encode(picture: Image.Image, has_alpha: bool) -> bytes:
    buffer = io.BytesIO()
    picture.info.clear()
    if has_alpha:
        picture.save(buffer, "WEBP", quality=JPEG_QUALITY, exif=b"", icc_profile=None)
    else:
        picture.save(
            buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, exif=b""
        )
    return buffer.getvalue()
