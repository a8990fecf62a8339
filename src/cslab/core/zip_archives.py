"""What a zip archive declares about itself, read before `zipfile` opens it.

`zipfile` builds an object per member while it parses the central directory: a directory of
millions of tiny members would take gigabytes before any limit could be checked. Uploads of
archives (subject sets, Darwin Core Archives) read the member count from the end record first.
"""

import io
import struct
from typing import IO

END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"
END_RECORD_BYTES = 22
MAX_COMMENT_BYTES = 65_535


def declared_member_count(source: IO[bytes]) -> int:
    """Return the number of members the end record declares (0 when there is none).

    A count of 0xFFFF means more (ZIP64) and is returned as it is. The stream is left at its
    start.
    """
    source.seek(0, io.SEEK_END)
    length = source.tell()
    tail_length = min(length, END_RECORD_BYTES + MAX_COMMENT_BYTES)
    source.seek(length - tail_length)
    tail = source.read(tail_length)
    source.seek(0)
    found = tail.rfind(END_OF_CENTRAL_DIRECTORY)
    if found < 0 or found + END_RECORD_BYTES > len(tail):
        return 0
    count: int = struct.unpack("<H", tail[found + 10 : found + 12])[0]
    return count
