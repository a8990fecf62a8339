"""CSV rows with a fixed limit on the length of a field, whatever the process-wide limit says.

The csv module's field limit is one setting for the whole process, and libraries change it:
frictionless raises it to its own when imported. Readers of uploaded files check each field
against this fixed limit instead, so a file is refused the same way in every process.
"""

import csv
from collections.abc import Iterable, Iterator

FIELD_LIMIT = 131_072
"""The csv module's default limit: four times the longest text a spreadsheet cell holds."""


def limited_rows(reader: Iterable[list[str]], *, limit: int = FIELD_LIMIT) -> Iterator[list[str]]:
    """The reader's rows; a field longer than ``limit`` raises csv.Error as csv itself would."""
    for row in reader:
        for cell in row:
            if len(cell) > limit:
                raise csv.Error(f"field larger than field limit ({limit})")
        yield row
