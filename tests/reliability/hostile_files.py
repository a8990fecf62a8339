"""Hostile uploads for the reliability suite (item 6), made at test time: no committed binaries.

Image bombs (a small file declaring more pixels than any photo), archive bombs and zip slip,
files that carry script (SVG, HTML polyglots, GIFAR), photos carrying a canary GPS position and
owner in their metadata, and file names with path tricks. Every maker returns bytes.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import Image

# --- Image bombs ---------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int, idat: bytes, *, colour_type: int = 0) -> bytes:
    """A PNG whose header declares width × height (8-bit) followed by the given IDAT data."""
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _zeros_deflated(total: int, *, step: int = 4 * 1024 * 1024) -> bytes:
    compressor = zlib.compressobj(9)
    parts = []
    zeros = b"\x00" * step
    remaining = total
    while remaining > 0:
        parts.append(compressor.compress(zeros[: min(step, remaining)]))
        remaining -= step
    parts.append(compressor.flush())
    return b"".join(parts)


def png_pixel_flood(side: int = 14_000, *, rows: int = 64) -> bytes:
    """A small grey PNG declaring side × side pixels (14,000² = 196 MP); the IDAT holds `rows`
    rows of zeros (all of them, about 200 KB compressed, when `rows` is `side`)."""
    return png_declaring(side, side, _zeros_deflated(rows * (side + 1)))


def png_huge_idat(unpacked_bytes: int = 64 * 1024 * 1024) -> bytes:
    """A 1 × 1 PNG whose IDAT inflates to `unpacked_bytes` (far more than one pixel needs)."""
    return png_declaring(1, 1, _zeros_deflated(unpacked_bytes), colour_type=2)


def noise_jpeg(width: int = 1024, height: int = 768) -> bytes:
    randomness = random.Random(6)  # noqa: S311 (noise pixels, not a secret)
    picture = Image.frombytes("RGB", (width, height), randomness.randbytes(width * height * 3))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    """A real JPEG cut off in the middle of its scan data."""
    whole = noise_jpeg()
    return whole[: len(whole) // 2]


def fits_as_jpg() -> bytes:
    """A FITS image (astronomy) declaring 20,000 × 20,000, with binary data after its header."""
    cards = [
        "SIMPLE  =                    T",
        "BITPIX  =                    8",
        "NAXIS   =                    2",
        "NAXIS1  =                20000",
        "NAXIS2  =                20000",
        "END",
    ]
    header = "".join(card.ljust(80) for card in cards).ljust(2880).encode("ascii")
    return header + bytes(range(256)) * 16


def tiff_bomb() -> bytes:
    """A little-endian TIFF declaring 100,000 × 100,000 deflated pixels in one tiny strip."""
    strip = zlib.compress(b"\x00" * 100_000)
    entries = [
        (256, 4, 1, 100_000),  # ImageWidth
        (257, 4, 1, 100_000),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample
        (259, 3, 1, 8),  # Compression: deflate
        (262, 3, 1, 1),  # Photometric: black is zero
        (273, 4, 1, 0),  # StripOffsets (patched below)
        (277, 3, 1, 1),  # SamplesPerPixel
        (278, 4, 1, 100_000),  # RowsPerStrip
        (279, 4, 1, len(strip)),  # StripByteCounts
    ]
    ifd_offset = 8
    data_offset = ifd_offset + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        value = data_offset if tag == 273 else value
        packed = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, kind, count) + packed
    ifd += struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", ifd_offset) + ifd + strip


def gif_bomb() -> bytes:
    """A GIF whose screen and single frame declare 65,535 × 65,535 pixels (4.3 GP)."""
    side = 65_535
    screen = b"GIF89a" + struct.pack("<HHBBB", side, side, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, side, side, 0)
    data = b"\x02" + b"\x02\x4c\x01" + b"\x00"  # minimum code size 2, one tiny sub-block
    return screen + frame + data + b"\x3b"


def webp_bomb() -> bytes:
    """A lossless WebP whose VP8L header is patched to 16,384 × 16,384 (268 MP)."""
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "red").save(buffer, "WEBP", lossless=True)
    data = bytearray(buffer.getvalue())
    start = data.index(b"VP8L") + 8
    assert data[start] == 0x2F, "not a VP8L bitstream"
    bits = int.from_bytes(data[start + 1 : start + 5], "little")
    bits = (bits & ~((1 << 28) - 1)) | (16_383 << 14) | 16_383
    data[start + 1 : start + 5] = bits.to_bytes(4, "little")
    return bytes(data)


@dataclass(frozen=True)
class Bomb:
    name: str
    data: bytes


def image_bombs(*, full: bool) -> list[Bomb]:
    """The corpus of item U4, each named as a photo would be."""
    return [
        Bomb("pixel-flood-196mp.png", png_pixel_flood(rows=14_000 if full else 64)),
        Bomb("huge-idat.png", png_huge_idat((1024 if full else 64) * 1024 * 1024)),
        Bomb("truncated.jpg", truncated_jpeg()),
        Bomb("fits.jpg", fits_as_jpg()),
        Bomb("tiff-bomb.jpg", tiff_bomb()),
        Bomb("gif-bomb.gif", gif_bomb()),
        Bomb("webp-bomb.webp", webp_bomb()),
    ]


# --- Archives ----------------------------------------------------------------------------------


def zip_of(members: Iterable[tuple[str, bytes]], *, level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def _repeated_zeros_deflate(unpacked_bytes: int, block: int = 16 * 1024 * 1024) -> bytes:
    """A raw deflate stream of `unpacked_bytes` zeros, made by repeating one fully flushed
    block (a full flush empties the window, so the same bytes decode the same way again)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    unit = compressor.compress(b"\x00" * block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeats, rest = divmod(unpacked_bytes, block)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    return unit * repeats + tail.compress(b"\x00" * rest) + tail.flush()


def _zeros_crc32(count: int, block: int = 16 * 1024 * 1024) -> int:
    crc = 0
    zeros = b"\x00" * block
    while count > 0:
        crc = zlib.crc32(zeros[: min(block, count)], crc)
        count -= block
    return crc


def zip_single_entry_bomb(unpacked_bytes: int, name: str = "bomb.csv") -> bytes:
    """One deflated member of `unpacked_bytes` zeros (ZIP64 sizes): 10 GB fits in ~10 MB.

    Written by hand so that making it takes a CRC pass, not a compression pass."""
    data = _repeated_zeros_deflate(unpacked_bytes)
    crc = _zeros_crc32(unpacked_bytes)
    encoded = name.encode()
    extra = struct.pack("<HHQQ", 1, 16, unpacked_bytes, len(data))
    local = (
        struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            45,
            0,
            8,
            0,
            0x21,
            crc,
            0xFFFFFFFF,
            0xFFFFFFFF,
            len(encoded),
            len(extra),
        )
        + encoded
        + extra
    )
    central_extra = struct.pack("<HHQQQ", 1, 24, unpacked_bytes, len(data), 0)
    central = (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            45,
            45,
            0,
            8,
            0,
            0x21,
            crc,
            0xFFFFFFFF,
            0xFFFFFFFF,
            len(encoded),
            len(central_extra),
            0,
            0,
            0,
            0,
            0xFFFFFFFF,
        )
        + encoded
        + central_extra
    )
    directory_offset = len(local) + len(data)
    end64_offset = directory_offset + len(central)
    end64 = struct.pack(
        "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 1, 1, len(central), directory_offset
    )
    locator = struct.pack("<IIQI", 0x07064B50, 0, end64_offset, 1)
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), min(directory_offset, 0xFFFFFFFF), 0
    )
    return local + data + central + end64 + locator + end


def zip_nested_bomb(*, layers: int = 3, fan_out: int = 16, leaf_bytes: int = 4 * 1024**2) -> bytes:
    """A 42.zip-style archive: zips of zips, `fan_out` copies per layer, zeros at the bottom."""
    inner = zip_of([("0.csv", b"\x00" * leaf_bytes)])
    for _layer in range(layers):
        inner = zip_of([(f"{index}.zip", inner) for index in range(fan_out)])
    return inner


def zip_many_entries(count: int = 10_001) -> bytes:
    return zip_of(((f"f{index}.csv", b"") for index in range(count)), level=1)


SLIP_CANARY = "cslab-zip-slip-canary"


def zip_slip() -> bytes:
    """Members that climb out of any extraction directory, or name an absolute path."""
    return zip_of(
        [
            (f"../../{SLIP_CANARY}.csv", b"a,b\n1,2\n"),
            (f"../{SLIP_CANARY}-2.csv", b"a,b\n1,2\n"),
            (f"/tmp/{SLIP_CANARY}-abs.csv", b"a,b\n1,2\n"),  # noqa: S108 (the attack)
            (f"..\\..\\{SLIP_CANARY}-win.csv", b"a,b\n1,2\n"),
        ]
    )


def zip_symlink() -> bytes:
    """A member that is a Unix symbolic link to /etc/passwd, and one written through it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo(f"{SLIP_CANARY}-link")
        link.create_system = 3
        link.external_attr = (0o120777 << 16) | 0x20
        archive.writestr(link, "/etc/passwd")
        archive.writestr(f"{SLIP_CANARY}-link/evil.csv", b"a,b\n")
    return buffer.getvalue()


# --- Script in files --------------------------------------------------------------------------


def png_bytes(size: tuple[int, int] = (16, 16), colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size: tuple[int, int] = (16, 16), colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


SCRIPT = b"<script>alert(1)</script>"


def script_files() -> dict[str, bytes]:
    """name → content of files that would run script if a browser rendered them as pages."""
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
    )
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
    polyglot = png_bytes() + b"<html><body><script>alert(1)</script></body></html>"
    gifar = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;" + zip_of([("Evil.class", b"\xca\xfe\xba\xbe")])
    return {
        "evil.svg": svg,
        "photo.jpg": svg,  # an SVG named as a photo
        "x.jpg.html": html,
        "x.html%00.jpg": html,
        "polyglot.png": polyglot,
        "gifar.gif": gifar,
        '"><img src=x onerror=alert(1)>.jpg': jpeg_bytes(),
    }


# --- Metadata canaries --------------------------------------------------------------------------

CANARY_OWNER = "Canary Owner Zqx"
CANARY_COPYRIGHT = "Copyright Canary Zqx"
CANARY_LATITUDE = (52, 5, 31.5)
CANARY_STRINGS = (CANARY_OWNER.encode(), CANARY_COPYRIGHT.encode(), b"Zqx Phones")
XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'exif:GPSLatitude="52,5.525N" exif:GPSLongitude="4,18.3E">'
    f"<dc:creator>{CANARY_OWNER}</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
    '<?xpacket end="w"?>'
).encode()


def canary_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = CANARY_OWNER  # Artist
    exif[0x8298] = CANARY_COPYRIGHT  # Copyright
    exif[0x010F] = "Zqx Phones"  # Make
    gps = {
        1: "N",
        2: CANARY_LATITUDE,
        3: "E",
        4: (4, 18, 18.0),
    }
    exif[0x8825] = gps  # GPSInfo
    return exif


def photo_with_canaries(fmt: str, size: tuple[int, int] = (640, 480)) -> bytes:
    """A photo in `fmt` (JPEG, PNG, WEBP, HEIF) with canary GPS, Artist and Copyright in its
    EXIF and, where the format carries it, a canary XMP packet."""
    randomness = random.Random(7)  # noqa: S311 (noise pixels, not a secret)
    picture = Image.frombytes("RGB", size, randomness.randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    options: dict[str, object] = {"exif": canary_exif().tobytes()}
    if fmt in {"JPEG", "WEBP", "PNG"}:
        options["xmp"] = XMP
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


# --- File names ---------------------------------------------------------------------------------

TRICKY_NAMES = (
    "../../etc/passwd.jpg",
    "/etc/passwd.jpg",
    "..\\..\\windows\\win.ini.jpg",
    "photo\x00.html.jpg",
    "a" * 300 + ".jpg",
    "photo\u202egpj.exe",
    '"><img src=x onerror=alert(1)>.jpg',
    "C:\\Users\\x\\photo.jpg",
)
