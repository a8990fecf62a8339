"""Reading a Darwin Core Archive's occurrence core for an import (placeholder: being built)."""

from __future__ import annotations

from pathlib import Path

from cslab.exports.import_tables import ImportTable
from cslab.forms.models import FormVersion


def read_occurrence_table(path: Path) -> ImportTable:
    """The archive's occurrence core as a table whose headers are Darwin Core term names
    (`occurrenceID`, `eventDate`, `decimalLatitude`, …); raises InvalidInputError for an
    archive that is not a readable Darwin Core Archive with an occurrence core."""
    raise NotImplementedError


def suggested_mapping(form_version: FormVersion, headers: list[str]) -> dict[str, str]:
    """question name -> header: the inverse of the form's Darwin Core export mapping, so an
    archive exported from a form maps back onto a form like it."""
    raise NotImplementedError
