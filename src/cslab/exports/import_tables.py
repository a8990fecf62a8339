"""Tables read from an uploaded file for an import: a header row and rows of text cells.

Every source format (CSV, XLSX, Darwin Core Archive) is read into the same `ImportTable`, so
the checks and the import itself do not care where the rows came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class ImportTable:
    """`headers` as the file names them; `rows()` yields each data row as a list of text cells
    aligned with the headers (missing cells are ""), and may be called again to read the file
    again from its first row (the dry run and the import each read it once)."""

    headers: list[str]
    rows: Callable[[], Iterator[list[str]]]
